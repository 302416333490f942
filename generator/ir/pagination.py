"""Which operations answer one page of a longer list, and how the SDK asks for the next page.

An operation's `x-speakeasy-pagination` says so where the spec (or an overlay) has it. Without it, gen recognises the
shapes most APIs use, by the names of the parameters and of the response's fields:

- page: a page number (`page`) with a total of items (`total`) or of pages (`total_pages`);
- offset: `offset` with `limit`;
- cursor: `after`, `starting_after`, `cursor`, `page_token` or `marker`, with a next-cursor field (`next_cursor`,
  `next_marker`, ...), or a has-more flag (`has_more`) and items that have an `id` (the last item's id is the next
  cursor);
- url: a next-page URL field (`next_page_url`, `next_page_uri`, `next_url`), or a `Link` response header (RFC 8288
  rel="next").

Each needs a JSON object response with a list of items in it. Anything else is not paginated: the operation stays
what it was, never something half-paginated.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from . import types as t

_ITEMS = ("data", "items", "results", "entries", "records", "values", "objects")
_PAGE = ("page", "page_number", "pageNumber")
_PAGE_SIZE = ("page_size", "per_page", "pageSize", "perPage", "size", "limit")
_OFFSET = ("offset",)
_LIMIT = ("limit", "page_size", "pageSize", "per_page", "perPage")
_CURSOR = ("after", "starting_after", "cursor", "page_token", "pageToken", "next_token", "nextToken", "marker")
_TOTAL = ("total", "total_count", "totalCount", "count")
_TOTAL_PAGES = ("total_pages", "totalPages", "num_pages", "numPages", "page_count", "pageCount")
_HAS_MORE = ("has_more", "hasMore", "has_next", "hasNext")
_NEXT_CURSOR = (
    "next_cursor",
    "nextCursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "nextToken",
    "next_marker",
)
_NEXT_URL = ("next_page_url", "next_page_uri", "nextPageUrl", "next_url", "nextUrl")
# What the SDK's page class adds to the response model: a field of the same name would hide it.
_PAGE_METHODS = frozenset(("iter_pages", "iter_pages_async"))
_STEP = re.compile(r"\.([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\[['\"]([^'\"]+)['\"]\]")

Warn = Callable[[str, str], None]
Deref = Callable[[Any, str], "tuple[Any, str]"]  # follows a `$ref` (SchemaConverter.deref)


def paginate(
    op: t.Operation,
    raw: dict[str, Any],
    ptr: str,
    declarations: dict[str, t.Declaration],
    warn: Warn,
    deref: Deref,
) -> t.Pagination | None:
    """The pagination of one operation, or None; `raw` is the operation object of the spec, at `ptr`."""
    ext = raw.get("x-speakeasy-pagination")
    ext_ptr = f"{ptr}/x-speakeasy-pagination"
    model = _page_model(op, declarations)
    if model is None or op.streaming:
        if ext is not None:
            warn(ext_ptr, "ignored: the operation's response is not a JSON object")
        return None
    if _PAGE_METHODS & {f.name for f in model.fields}:
        if ext is not None:
            warn(ext_ptr, f"ignored: {model.name} has a field named like a method of a page (iter_pages)")
        return None
    if ext is not None:
        return _from_extension(ext, ext_ptr, op, model, declarations, warn)
    return _detect(op, _declares_link(raw, ptr, deref), model, declarations)


def _page_model(op: t.Operation, declarations: dict[str, t.Declaration]) -> t.Model | None:
    success = next((r for r in op.responses if r.status.startswith("2")), None)
    if success is None or not isinstance(success.type, t.Ref) or success.content_type is None:
        return None
    base = success.content_type.split(";")[0].strip().lower()
    if base != "application/json" and not base.endswith("+json"):
        return None
    model = declarations.get(success.type.name)
    return model if isinstance(model, t.Model) else None


# ---------------------------------------------------------------- x-speakeasy-pagination


def _from_extension(
    ext: Any, ptr: str, op: t.Operation, model: t.Model, declarations: dict[str, t.Declaration], warn: Warn
) -> t.Pagination | None:
    if not isinstance(ext, dict):
        warn(ptr, "ignored: expected an object with `type`, `inputs` and `outputs`")
        return None
    kind = ext.get("type")
    inputs: dict[str, str] = {}
    raw_inputs: list[Any] = ext["inputs"] if isinstance(ext.get("inputs"), list) else []
    for i, entry in enumerate(raw_inputs):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            warn(f"{ptr}/inputs/{i}", "ignored: an input needs a `name`")
            continue
        if entry.get("in", "parameters") != "parameters":
            warn(f"{ptr}/inputs/{i}/in", "ignored: only inputs `in: parameters` are supported")
            continue
        param = next((p for p in op.parameters if p.wire_name == entry["name"] and p.location != "path"), None)
        if param is None:
            warn(f"{ptr}/inputs/{i}/name", f"ignored: the operation has no parameter {entry['name']!r}")
            continue
        inputs[str(entry.get("type"))] = param.name
    outputs: dict[str, Any] = ext["outputs"] if isinstance(ext.get("outputs"), dict) else {}

    def output(key: str) -> t.Steps | None:
        if key not in outputs:
            return None
        found = _json_path(outputs[key], model, declarations)
        if found is None:
            warn(f"{ptr}/outputs/{key}", f"ignored: {outputs[key]!r} names no field of {model.name}")
            return None
        return found[0]

    items = _items(model) if "results" not in outputs else None
    if "results" in outputs:
        found = _json_path(outputs["results"], model, declarations)
        list_type = _unwrap(found[1]) if found is not None else None
        if found is not None and isinstance(list_type, t.ListOf):
            items = found[0], list_type.item
        else:
            warn(f"{ptr}/outputs/results", f"{outputs['results']!r} is not a list of {model.name}")
    if items is None:
        warn(ptr, f"ignored: no list of items found in {model.name} (set outputs.results)")
        return None
    common: dict[str, Any] = {"items": items[0], "item": items[1], "origin": "x-speakeasy-pagination"}
    if kind == "offsetLimit":
        advance = "page" if "page" in inputs else "offset" if "offset" in inputs else None
        if advance is None:
            warn(f"{ptr}/inputs", "ignored: offsetLimit needs an input of type page or offset")
            return None
        param = next(p for p in op.parameters if p.name == inputs[advance])
        return t.Pagination(
            kind="page" if advance == "page" else "offset",
            param=param.name,
            size=inputs.get("limit"),
            start=param.default if param.default is not None else (1 if advance == "page" else 0),
            # The extension has no output for a count of items; a field named like one (Mistral's `total`) ends the
            # list without asking for an empty page.
            total=_named_field(model, _TOTAL, "int"),
            total_pages=output("numPages"),
            **common,
        )
    if kind == "cursor":
        if "cursor" not in inputs:
            warn(f"{ptr}/inputs", "ignored: cursor needs an input of type cursor")
            return None
        next_cursor = output("nextCursor")
        if next_cursor is None:
            warn(f"{ptr}/outputs", "ignored: cursor needs outputs.nextCursor")
            return None
        return t.Pagination(
            kind="cursor", param=inputs["cursor"], size=inputs.get("limit"), next_cursor=next_cursor, **common
        )
    if kind == "url":
        return t.Pagination(kind="url", next_url=output("nextUrl"), **common)
    warn(f"{ptr}/type", f"ignored: unknown pagination type {kind!r} (offsetLimit, cursor or url)")
    return None


def _json_path(expr: Any, model: t.Model, declarations: dict[str, t.Declaration]) -> tuple[t.Steps, t.Type] | None:
    """`$.a.b[-1].c` as Python attribute names and list indexes, with the type it ends at; None if it names no field."""
    if not isinstance(expr, str) or not expr.startswith("$"):
        return None
    rest, pos = expr[1:], 0
    steps: list[str | int] = []
    typ: t.Type = t.Ref(model.name, "model", model.module)
    while pos < len(rest):
        match = _STEP.match(rest, pos)
        if match is None:
            return None
        pos = match.end()
        current = _unwrap(typ)
        if match.group(2) is not None:
            if not isinstance(current, t.ListOf):
                return None
            steps.append(int(match.group(2)))
            typ = current.item
            continue
        wire = match.group(1) or match.group(3)
        decl = declarations.get(current.name) if isinstance(current, t.Ref) else None
        field = next((f for f in decl.fields if f.wire_name == wire), None) if isinstance(decl, t.Model) else None
        if field is None:
            return None
        steps.append(field.name)
        typ = field.type
    return (tuple(steps), typ) if steps else None


# ---------------------------------------------------------------- recognised shapes


def _detect(op: t.Operation, link: bool, model: t.Model, declarations: dict[str, t.Declaration]) -> t.Pagination | None:
    if op.http_method != "GET":
        return None
    items = _items(model)
    if items is None:
        return None
    common: dict[str, Any] = {"items": items[0], "item": items[1]}
    query = {p.wire_name: p for p in op.parameters if p.location == "query"}

    def param(names: Iterable[str], kind: str = "int") -> t.Parameter | None:
        for name in names:
            p = query.get(name)
            if p is not None and _scalar(p.type) == kind:
                return p
        return None

    def field(names: Iterable[str], kind: str) -> t.Steps | None:
        return _named_field(model, names, kind)

    page, offset, cursor = param(_PAGE), param(_OFFSET), param(_CURSOR, "str")
    total, total_pages = field(_TOTAL, "int"), field(_TOTAL_PAGES, "int")
    if page is not None and (total or total_pages):
        size = param(_PAGE_SIZE)
        start = page.default if page.default is not None else 1
        return t.Pagination(
            "page",
            param=page.name,
            size=size.name if size else None,
            start=start,
            total=total,
            total_pages=total_pages,
            **common,
        )
    limit = param(_LIMIT)
    if offset is not None and limit is not None:
        start = offset.default if offset.default is not None else 0
        return t.Pagination("offset", param=offset.name, size=limit.name, start=start, total=total, **common)
    if cursor is not None:
        has_more = field(_HAS_MORE, "bool")
        next_cursor = field(_NEXT_CURSOR, "str")
        if next_cursor is None and has_more is not None:
            item = _unwrap(items[1])
            decl = declarations.get(item.name) if isinstance(item, t.Ref) else None
            ident = next((f for f in decl.fields if f.wire_name == "id"), None) if isinstance(decl, t.Model) else None
            if ident is not None:
                next_cursor = (*items[0], -1, ident.name)
        if next_cursor is not None:
            size = param(_LIMIT)
            return t.Pagination(
                "cursor",
                param=cursor.name,
                size=size.name if size else None,
                has_more=has_more,
                next_cursor=next_cursor,
                **common,
            )
    next_url = field(_NEXT_URL, "str")
    if link or next_url is not None:
        return t.Pagination("url", next_url=next_url, **common)
    return None


def _items(model: t.Model) -> tuple[t.Steps, t.Type] | None:
    """The list of items of a page: the list field named like one (`data`, `items`, ...), else the only list field."""
    lists = [f for f in model.fields if isinstance(_unwrap(f.type), t.ListOf)]
    chosen = next((f for name in _ITEMS for f in lists if f.wire_name == name), None)
    if chosen is None and len(lists) == 1:
        chosen = lists[0]
    if chosen is None:
        return None
    list_type = _unwrap(chosen.type)
    assert isinstance(list_type, t.ListOf)
    return (chosen.name,), list_type.item


def _named_field(model: t.Model, names: Iterable[str], kind: str) -> t.Steps | None:
    """The first field of `model` with one of these wire names and of this primitive type."""
    for name in names:
        found = next((f for f in model.fields if f.wire_name == name), None)
        if found is not None and _scalar(found.type) == kind:
            return (found.name,)
    return None


def _declares_link(raw: dict[str, Any], ptr: str, deref: Deref) -> bool:
    """A success response of the operation declares a `Link` header."""
    responses = raw.get("responses")
    for status, response in responses.items() if isinstance(responses, dict) else ():
        if not str(status).startswith("2"):
            continue
        response, _ = deref(response, f"{ptr}/responses/{status}")
        headers = response.get("headers") if isinstance(response, dict) else None
        if isinstance(headers, dict) and any(str(name).lower() == "link" for name in headers):
            return True
    return False


def _unwrap(typ: t.Type) -> t.Type:
    return typ.inner if isinstance(typ, t.NullableOf) else typ


def _scalar(typ: t.Type) -> str | None:
    inner = _unwrap(typ)
    return inner.name if isinstance(inner, t.Primitive) else None
