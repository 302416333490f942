"""Mend mistakes whose meaning is clear, in place, each one reported as a warning.

Runs before validation so that the validator does not report the same thing again.
"""

from __future__ import annotations

from typing import Any

from ..problems import Problem, pointer
from .bundle import Sources, walk


def repair(root: dict[str, Any], sources: Sources) -> list[Problem]:
    """Also records its walk in `sources`: a node is repaired before its children are looked up, so the walk is the
    one of the repaired document, which validate() and check_values() then read instead of walking it again."""
    warnings: list[Problem] = []
    visits = []
    for visit in walk(root):
        visits.append(visit)
        if visit.kind != "schema":
            continue
        for where, message in _repair_schema(visit.node):
            warnings.append(sources.problem(pointer(*visit.tokens, where), message, warning=True))
    sources.walked = (root, visits)
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
