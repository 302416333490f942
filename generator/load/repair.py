"""Mend mistakes whose meaning is clear, in place, each one reported as a warning.

Runs before validation so that the validator does not report the same thing again.
"""

from __future__ import annotations

from typing import Any

from ..problems import Problem, pointer
from .bundle import Sources, walk


def repair(root: dict[str, Any], sources: Sources) -> list[Problem]:
    """A node is repaired before walk() looks inside it, so what a repair puts in place is walked as repaired."""
    warnings: list[Problem] = []
    for visit in walk(root):
        if visit.kind != "schema":
            continue
        for where, message in _repair_schema(visit.node):
            warnings.append(sources.problem(pointer(*visit.tokens, where), message, warning=True))
    return warnings


def _repair_schema(schema: dict[str, Any]) -> list[tuple[str, str]]:
    done = []
    items = schema.get("items")
    # A one-element list is the draft-04 tuple form written by mistake for "every item is this".
    if isinstance(items, list) and len(items) == 1:
        schema["items"] = items[0]
        done.append(("items", "items is a list; using its only element"))
    required = schema.get("required")
    if isinstance(required, list):
        unique = list(dict.fromkeys(name for name in required if isinstance(name, str)))
        if len(unique) < sum(isinstance(name, str) for name in required):
            repeated = sorted({name for name in unique if required.count(name) > 1})
            schema["required"] = unique + [name for name in required if not isinstance(name, str)]
            names = ", ".join(f"'{name}'" for name in repeated)
            done.append(("required", f"required lists {names} more than once; deduplicated"))
    return done
