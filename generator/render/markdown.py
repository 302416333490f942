"""The model documentation format: type cells and evenly padded tables."""

from __future__ import annotations

import re
from itertools import chain
from typing import Any

from ..ir import types as t
from .annotations import Spelling, presence
from .text import code_span, example_cell, md_inline

_PY_DOCS = "https://docs.python.org/3/library/datetime.html"
_LINKED_PRIMITIVES = {"date": f"{_PY_DOCS}#date-objects", "datetime": f"{_PY_DOCS}#datetime-objects"}
REQUIRED = ":heavy_check_mark:"
NOT_REQUIRED = ":heavy_minus_sign:"
_BACKTICKS = re.compile("`+")


def _wrap(wrapper: str, text: str) -> str:
    return f"{wrapper}[{text}]" if wrapper else text


def type_cell(typ: t.Type, wrapper: str = "") -> str:
    """Models, unions and enums are links; containers show their elements; the rest is italic."""
    if isinstance(typ, t.Ref):
        return f"[{_wrap(wrapper, 'models.' + typ.name)}](../models/{typ.module}.md)"
    if isinstance(typ, t.Primitive) and typ.name in _LINKED_PRIMITIVES:
        return f"[{_wrap(wrapper, typ.name)}]({_LINKED_PRIMITIVES[typ.name]})"
    if isinstance(typ, t.ListOf):
        return f"List[{type_cell(typ.item)}]"
    if isinstance(typ, t.MapOf):
        return f"Dict[str, {type_cell(typ.value)}]"
    if isinstance(typ, t.NullableOf) and not wrapper:
        return type_cell(typ.inner, "Nullable")
    return "*" + md_inline(_wrap(wrapper, Spelling()(typ))) + "*"


def table(header: list[str], rows: list[list[str]]) -> str:
    """Every column as wide as the widest cell of the whole table, one space either side."""
    width = max(map(len, chain(header, *rows)))

    def line(cells: list[str]) -> str:
        return "| " + " | ".join([cell.ljust(width) for cell in cells]) + " |"

    return "\n".join([line(header), line(["-" * width] * len(header)), *[line(r) for r in rows]])


def fields_table(model: t.Model) -> str:
    with_examples = any(f.example is not None for f in model.fields)
    header = ["Field", "Type", "Required", "Description"] + (["Example"] if with_examples else [])
    rows = []
    for f in model.fields:
        row = [
            f"`{f.name}`",
            type_cell(f.type, presence(f.required, f.nullable)[0]),
            REQUIRED if f.required else NOT_REQUIRED,
            _description(f),
        ]
        if with_examples:
            row.append(example_cell(f.example.value) if f.example is not None else "")
        rows.append(row)
    return table(header, rows)


def _description(f: t.Field) -> str:
    text = md_inline(f.description) if f.description else "N/A"
    if f.allowed:
        one_of = "One of: " if len(f.allowed) > 1 else "Always: "
        text += "<br/>" + one_of + ", ".join(code_span(value) for value in f.allowed)
    return text


def members_table(union: t.Union) -> str:
    tags: dict[t.Type, list[str]] = {}
    if union.discriminator is not None:
        for tag, ref in union.discriminator.tags:
            tags.setdefault(ref, []).append(code_span(tag))
    header = ["Type"] + ([f"`{union.discriminator.wire_name}`"] if union.discriminator else [])
    rows = []
    for member in union.members:
        row = [type_cell(member)]
        if union.discriminator is not None:
            row.append(", ".join(tags.get(member, [])))
        rows.append(row)
    if union.nullable:
        rows.append(["*None*"] + ([""] if union.discriminator else []))
    return table(header, rows)


def values_table(enum: t.Enum) -> str:
    rows = [[f"`{v.name}`", code_span(str(v.value)) if v.value != "" else '`""`'] for v in enum.values]
    return table(["Name", "Value"], rows)


# ---------------------------------------------------------------- SDK (operation) docs


def _fence(code: str) -> str:
    """A code fence longer than any run of backticks inside the code, so nothing can close it."""
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
    return "`" * max(3, longest + 1)


def code_block(code: str, language: str = "python") -> str:
    fence = _fence(code)
    return f"{fence}{language}\n{code}\n{fence}"


def arguments_table(arguments: "list[Any]", options: bool = True) -> str:
    with_examples = any(a.example is not None for a in arguments)
    header = ["Parameter", "Type", "Required", "Description"] + (["Example"] if with_examples else [])
    rows = []
    for a in arguments:
        row = [
            f"`{a.name}`",
            type_cell(a.type, presence(a.required, a.nullable)[0]).replace("](../models/", "](../../models/"),
            REQUIRED if a.required else NOT_REQUIRED,
            md_inline(a.description) if a.description else "N/A",
        ]
        if with_examples:
            row.append(example_cell(a.example.value) if a.example is not None else "")
        rows.append(row)
    if options:
        extra = [
            ("retries", "*Optional[RetryConfig]*", "Overrides the client's retry configuration for this call."),
            ("server_url", "*Optional[str]*", "Overrides the server URL for this call."),
            ("timeout_ms", "*Optional[int]*", "Overrides the client's timeout for this call, in milliseconds."),
            ("http_headers", "*Optional[Mapping[str, str]]*", "Extra headers sent with this call."),
        ]
        for name, cell, description in extra:
            rows.append([f"`{name}`", cell, NOT_REQUIRED, description] + ([""] if with_examples else []))
    return table(header, rows)


def errors_table(rows: "list[tuple[str, str, str]]") -> str:
    # The content type is the spec's media type key: text that could hold a `|`.
    return table(["Error Type", "Status Code", "Content Type"], [[a, b, md_inline(c)] for a, b, c in rows])
