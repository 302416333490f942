"""Mend mistakes whose meaning is clear, in place, each one reported as a warning.

Runs before validation so that the validator does not report the same thing again.
"""

from __future__ import annotations

import json
from typing import Any

from ..problems import Problem, pointer
from .bundle import Sources, walk


def repair(root: dict[str, Any], sources: Sources) -> list[Problem]:
    """A node is repaired before walk() looks inside it, so what a repair puts in place is walked as repaired."""
    warnings: list[Problem] = []
    for visit in walk(root):
        repairs = _REPAIRS.get(visit.kind)
        if repairs is None:
            continue
        for where, message in repairs(visit.node):
            warnings.append(sources.problem(pointer(*visit.tokens, *where), message, warning=True))
    return warnings


def _repair_responses(responses: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """`4xx` is read as `4XX`, the only spelling OpenAPI defines (its keys are case-sensitive)."""
    done: list[tuple[tuple[str | int, ...], str]] = []
    renamed = {}
    for key in responses:
        if isinstance(key, str) and len(key) == 3 and key[0] in "12345" and key[1:] == "xx":
            upper = key.upper()
            if upper in responses:
                done.append(((key,), f"response range {key!r} ignored: {upper!r} is given too"))
            else:
                done.append(((key,), f"response range {key!r} read as {upper!r}"))
            renamed[key] = upper
    if renamed:
        kept = {}
        for key, value in responses.items():
            if key in renamed and renamed[key] in responses:
                continue  # both spellings are given: the upper-case one wins
            kept[renamed.get(key, key)] = value
        responses.clear()
        responses.update(kept)
    return done


def _repair_schema(schema: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    done: list[tuple[tuple[str | int, ...], str]] = []
    items = schema.get("items")
    # A one-element list is the draft-04 tuple form written by mistake for "every item is this".
    if isinstance(items, list) and len(items) == 1:
        schema["items"] = items[0]
        done.append((("items",), "items is a list; using its only element"))
    required = schema.get("required")
    if isinstance(required, list):
        for index, name in enumerate(required):
            if not isinstance(name, str):
                done.append((("required", index), f"required entry {_show(name)} is not a property name; ignored"))
        names = [name for name in required if isinstance(name, str)]
        unique = list(dict.fromkeys(names))
        if len(unique) < len(names):
            repeated = sorted({name for name in unique if names.count(name) > 1})
            listed = ", ".join(f"'{name}'" for name in repeated)
            done.append((("required",), f"required lists {listed} more than once; deduplicated"))
        if len(unique) < len(required):
            schema["required"] = unique
    return done


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


_REPAIRS = {"schema": _repair_schema, "responses": _repair_responses}
