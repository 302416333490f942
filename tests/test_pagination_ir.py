"""Which operations the IR calls paginated, and how (generator/ir/pagination.py): the shapes it recognises, the ones it
must not take for pages, and x-speakeasy-pagination with its mistakes as warnings. The e2e tests
(tests/e2e/test_pagination*.py) show the generated SDKs following what is decided here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.config import load_config
from generator.ir import build_ir
from generator.ir import types as t
from generator.load import load


def _list_op(params: list[dict[str, Any]], props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    schema = {"type": "object", "properties": props}
    return {
        "operationId": "listThings",
        "parameters": params,
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}, **extra},
    }


def _paging(
    tmp_path: Path, op: dict[str, Any], method: str = "get", responses: Any = None
) -> tuple[t.Pagination | None, list[str]]:
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/things": {method: op}},
        "components": {
            "schemas": {"Thing": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}
        },
    }
    if responses is not None:
        doc["components"]["responses"] = responses
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    api, warnings = build_ir(load(tmp_path / "openapi.yaml"), load_config(None, "a"))
    return api.operations[0].pagination, [f"{w.pointer}: {w.message}" for w in warnings]


def q(name: str, typ: str = "integer", **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": {"type": typ, **schema}}


THINGS = {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}


def test_page_with_a_total(tmp_path: Path) -> None:
    paging, _ = _paging(
        tmp_path, _list_op([q("page", default=0), q("page_size")], {"data": THINGS, "total": {"type": "integer"}})
    )
    assert paging is not None
    assert (paging.kind, paging.param, paging.size, paging.start, paging.items, paging.total) == (
        "page", "page", "page_size", 0, ("data",), ("total",)
    )  # fmt: skip


def test_a_page_parameter_without_a_total_or_a_list_is_not_paginated(tmp_path: Path) -> None:
    assert _paging(tmp_path, _list_op([q("page")], {"data": THINGS}))[0] is None
    assert _paging(tmp_path, _list_op([q("page")], {"total": {"type": "integer"}}))[0] is None


def test_offset_limit_and_the_only_list_field(tmp_path: Path) -> None:
    paging, _ = _paging(tmp_path, _list_op([q("offset"), q("limit")], {"things": THINGS}))
    assert paging is not None and (paging.kind, paging.items, paging.start, paging.total) == (
        "offset", ("things",), 0, None
    )  # fmt: skip


def test_cursor_from_the_last_item_needs_has_more_and_an_id(tmp_path: Path) -> None:
    op = _list_op([q("starting_after", "string")], {"data": THINGS, "has_more": {"type": "boolean"}})
    paging, _ = _paging(tmp_path, op)
    assert paging is not None and (paging.kind, paging.next_cursor, paging.has_more) == (
        "cursor", ("data", -1, "id"), ("has_more",)
    )  # fmt: skip
    # Without has_more, nothing says when the list ends: not paginated.
    assert _paging(tmp_path, _list_op([q("starting_after", "string")], {"data": THINGS}))[0] is None


def test_link_header_and_not_a_post(tmp_path: Path) -> None:
    op = _list_op([], {"data": THINGS})
    op["responses"]["200"]["headers"] = {"Link": {"schema": {"type": "string"}}}
    paging, _ = _paging(tmp_path, op)
    assert paging is not None and paging.kind == "url" and paging.next_url is None
    # The same response through a $ref.
    listed = op["responses"]["200"]
    op["responses"]["200"] = {"$ref": "#/components/responses/Listed"}
    paging, _ = _paging(tmp_path, op, responses={"Listed": listed})
    assert paging is not None and paging.kind == "url"
    assert _paging(tmp_path, _list_op([q("offset"), q("limit")], {"data": THINGS}), method="post")[0] is None


def test_the_extension_with_json_paths(tmp_path: Path) -> None:
    op = _list_op(
        [q("since", "string")],
        {"result": {"type": "object", "properties": {"items": THINGS, "next": {"type": "string"}}}},
    )
    op["x-speakeasy-pagination"] = {
        "type": "cursor",
        "inputs": [{"name": "since", "in": "parameters", "type": "cursor"}],
        "outputs": {"nextCursor": "$.result.next", "results": "$.result.items"},
    }
    paging, warnings = _paging(tmp_path, op)
    assert not warnings
    assert paging is not None and paging.origin == "x-speakeasy-pagination"
    assert (paging.kind, paging.param, paging.items, paging.next_cursor) == (
        "cursor", "since", ("result", "items"), ("result", "next")
    )  # fmt: skip


def test_mistakes_in_the_extension_are_warnings_and_leave_the_operation_unpaginated(tmp_path: Path) -> None:
    op = _list_op([q("since", "string")], {"data": THINGS})
    op["x-speakeasy-pagination"] = {
        "type": "cursor",
        "inputs": [{"name": "nope", "in": "parameters", "type": "cursor"}],
        "outputs": {"nextCursor": "$.missing"},
    }
    paging, warnings = _paging(tmp_path, op)
    assert paging is None
    ptr = "/paths/~1things/get/x-speakeasy-pagination"
    assert f"{ptr}/inputs/0/name: ignored: the operation has no parameter 'nope'" in warnings
    assert f"{ptr}/inputs: ignored: cursor needs an input of type cursor" in warnings
    op["x-speakeasy-pagination"] = {"type": "keyset"}
    assert _paging(tmp_path, op) == (
        None,
        [f"{ptr}/type: ignored: unknown pagination type 'keyset' (offsetLimit, cursor or url)"],
    )
