"""Defaults and examples that their own schema refuses: warnings, never errors.

The OpenAPI JSON Schemas cannot see that `default: notauuid` breaks `format: uuid`, or that an example
of an integer is a string; an SDK built from such a document is still right (gen never sends a default
the caller did not set), but its documentation would show a value the API refuses. The check is
shallow on purpose: the schema's own `type`, `nullable`, `enum`, `const` and string `format` (after
following `$ref`s), not properties or composition, so it costs little on large documents and never
guesses.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator

from ..problems import Problem, pointer
from .bundle import MISSING, Sources, parse_ref, resolve, walk

MAX_WARNINGS = 100
_MAX_REPR = 60

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_TYPES: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def check_values(root: dict[str, Any], version: tuple[int, int], sources: Sources) -> list[Problem]:
    found: list[tuple[str, str]] = []
    for visit in walk(root):
        node = visit.node
        if visit.kind == "schema":
            if "default" not in node and "example" not in node and "examples" not in node:
                continue  # nothing to check (most schemas): no need to follow its references
            checks: Iterator[tuple[tuple[Any, ...], Any]] = _schema_values(node, version)
            schema: Any = node
        elif visit.kind in ("parameter", "header", "media_type") and "example" in node:
            checks = iter([(("example",), node["example"])])
            schema = node.get("schema")
        else:
            continue
        target = _follow(root, schema)
        if not isinstance(target, dict):
            continue
        for where, value in checks:
            problem = _problem(target, value, version)
            if problem is not None:
                what = "default" if where[0] == "default" else "example"
                found.append((pointer(*visit.tokens, *where), f"{what} {_show(value)} {problem}"))
    warnings = [sources.problem(where, message, warning=True) for where, message in found[:MAX_WARNINGS]]
    if len(found) > MAX_WARNINGS:
        more = len(found) - MAX_WARNINGS
        warnings.append(
            Problem(sources.root_display, "", f"... and {more} more invalid defaults and examples", warning=True)
        )
    return warnings


def _schema_values(schema: dict[str, Any], version: tuple[int, int]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if "default" in schema:
        yield ("default",), schema["default"]
    if "example" in schema:
        yield ("example",), schema["example"]
    examples = schema.get("examples")
    if version >= (3, 1) and isinstance(examples, list):  # 3.1: a list of values
        for index, value in enumerate(examples):
            yield ("examples", index), value


def _follow(root: dict[str, Any], schema: Any) -> Any:
    """The schema a chain of local `$ref`s ends in (the loader has made every reference local)."""
    seen: set[str] = set()
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"] not in seen:
        seen.add(schema["$ref"])
        parsed = parse_ref(schema["$ref"])
        if parsed.remote or parsed.file or parsed.fragment is None:
            return None
        schema = resolve(root, parsed.fragment)
        if schema is MISSING:
            return None
    return schema


def _problem(schema: dict[str, Any], value: Any, version: tuple[int, int]) -> str | None:
    """Why `value` does not fit the schema's own keywords, or None when it fits (or cannot be told)."""
    nullable = schema.get("nullable") is True and version < (3, 1)
    if value is None and nullable:
        return None
    if "const" in schema and value != schema["const"]:
        return f"is not the schema's const {_show(schema['const'])}"
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and not _in(value, enum):
        return "is not one of the schema's enum values"
    typ = schema.get("type")
    types = [typ] if isinstance(typ, str) else typ if isinstance(typ, list) else []
    known = [name for name in types if isinstance(name, str) and name in _TYPES]
    if known and len(known) == len(types) and not any(_TYPES[name](value) for name in known):
        return f"is not of type {' or '.join(repr(name) for name in known)}"
    if isinstance(value, str) and (not known or "string" in known):
        fmt = schema.get("format")
        if fmt == "uuid" and not _UUID.match(value):
            return "is not a valid uuid"
        if fmt == "date-time" and not _valid_date_time(value):
            return "is not a valid date-time (RFC 3339)"
        if fmt == "date" and not _valid_date(value):
            return "is not a valid date (YYYY-MM-DD)"
    return None


def _in(value: Any, enum: list[Any]) -> bool:
    # 1 == True in Python; JSON keeps them apart
    return any(value == member and isinstance(value, bool) == isinstance(member, bool) for member in enum)


def _valid_date(text: str) -> bool:
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _valid_date_time(text: str) -> bool:
    return bool(_DATE_TIME.match(text)) and _valid_date(text[:10])


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_REPR else text[: _MAX_REPR - 3] + "..."
