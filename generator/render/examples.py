"""Example values for the documentation: the spec's own examples where it has them, else the
simplest value its schema accepts, so that every example in the docs is a call that validates."""

from __future__ import annotations

import json
from typing import Any

from ..ir import types as t
from .text import py_literal

_MAX_DEPTH = 4
# Strings whose format a server checks: a placeholder must still be a valid one.
_FORMATTED = {
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "time": "12:00:00",
    "duration": "P1D",
}


def example(typ: t.Type, declarations: dict[str, t.Declaration], given: t.Example | None = None, depth: int = 0) -> Any:
    if given is not None and _json_safe(given.value):
        return given.value
    if isinstance(typ, t.NullableOf):
        return example(typ.inner, declarations, None, depth)
    if isinstance(typ, t.Const):
        return typ.value
    if isinstance(typ, t.Literal):
        return typ.values[0]
    if typ == t.Primitive("file"):
        return {"file_name": "example.txt", "content": Code('open("example.txt", "rb")')}
    if isinstance(typ, t.Primitive):
        if typ.format in _FORMATTED:
            return _FORMATTED[typ.format]
        return {
            "str": "<value>",
            "int": 1,
            "float": 1.0,
            "bool": True,
            "date": "2025-01-01",
            "datetime": "2025-01-01T00:00:00Z",
            "bytes": "",
            "any": {},
            "none": None,
        }.get(typ.name, None)
    if isinstance(typ, t.ListOf):
        return [] if depth >= _MAX_DEPTH else [example(typ.item, declarations, None, depth + 1)]
    if isinstance(typ, t.MapOf):
        return {}
    decl = declarations.get(typ.name)
    if isinstance(decl, t.Enum):
        return decl.values[0].value if decl.values else ""
    if isinstance(decl, t.Alias):
        return example(decl.target, declarations, None, depth)
    if isinstance(decl, t.Union):
        if decl.discriminator is not None and decl.discriminator.tags:
            tag, member = decl.discriminator.tags[0]
            value = example(member, declarations, None, depth)
            if isinstance(value, dict):
                value = {decl.discriminator.wire_name: tag, **value}
            return value
        return example(decl.members[0], declarations, None, depth) if decl.members else None
    if isinstance(decl, t.Model):
        if depth >= _MAX_DEPTH:
            return {}
        return {
            f.wire_name: example(f.type, declarations, f.example, depth + 1)
            for f in decl.fields
            if f.required or f.default is not None
        }
    return None


class Code(str):
    """Python source to print as it is in an example (an expression, not data)."""


def _json_safe(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def py_value(value: Any, indent: int = 0) -> str:
    """JSON-like data as Python source, indented for a call's keyword argument."""
    pad = "    " * (indent + 1)
    end = "    " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{py_value(str(k))}: {py_value(v, indent + 1)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{end}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [f"{pad}{py_value(v, indent + 1)}," for v in value]
        return "[\n" + "\n".join(items) + f"\n{end}]"
    if isinstance(value, Code):
        return str(value)
    if isinstance(value, str):
        return py_literal(value)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (int, float)):
        return repr(value)
    return py_literal(str(value))
