"""Every pagination shape gen knows, against the scripted socket server: the SDK of the `pagination`
golden case (tests/golden/pagination), built afresh. Each list goes over every item, one request per
page, stops at the last page (empty page, total reached, has_more false, no next cursor or link), and
raises instead of looping when the server repeats a cursor or a link."""

from __future__ import annotations

import asyncio
import copy
import pickle
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Iterator, List
from urllib.parse import parse_qs, urlsplit

import pytest

from .server import Connection, Request, Server, json_response

ROOT = Path(__file__).resolve().parents[2]
MODES = ("sync", "async")


@pytest.fixture(scope="module")
def pagination(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("pagination")
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "tests/golden/pagination", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    src = str(out / "pagination" / "src")
    sys.path.insert(0, src)
    try:
        import pagination

        yield pagination
    finally:
        sys.path.remove(src)
        for name in [n for n in sys.modules if n == "pagination" or n.startswith("pagination.")]:
            del sys.modules[name]


def collect(mode: str, client: Any, group: str, method: str, key: str, **kwargs: Any) -> List[Any]:
    """`[item.key for item in client.group.method(**kwargs)]`, with `for` or `async for`."""
    if mode == "sync":
        return [getattr(item, key) for item in getattr(getattr(client, group), method)(**kwargs)]

    async def main() -> List[Any]:
        page = await getattr(getattr(client, group), method + "_async")(**kwargs)
        return [getattr(item, key) async for item in page]

    return asyncio.run(main())


def query(request: Request) -> Dict[str, List[str]]:
    return parse_qs(urlsplit(request.path).query)


@pytest.mark.parametrize("mode", MODES)
def test_page_and_total(server: Server, pagination: ModuleType, mode: str) -> None:
    pets = [{"id": str(i), "name": f"p{i}"} for i in range(5)]
    server.enqueue(*[json_response({"data": pets[i : i + 2], "total": 5}) for i in (0, 2, 4)])
    client = pagination.Pagination(server_url=server.url)
    assert collect(mode, client, "pets", "list_pets", "id", per_page=2) == ["0", "1", "2", "3", "4"]
    # `page` starts at the spec's default (1) when the caller gives none.
    assert [query(r).get("page") for r in server.requests] == [None, ["2"], ["3"]]


@pytest.mark.parametrize("mode", MODES)
def test_offset_limit_stops_at_an_empty_page(server: Server, pagination: ModuleType, mode: str) -> None:
    # No total: a short page may not be the last (servers cap the limit), so an empty page ends the list.
    server.enqueue(*[json_response({"items": items}) for items in ([{"id": 1}, {"id": 2}], [{"id": 3}], [])])
    client = pagination.Pagination(server_url=server.url)
    assert collect(mode, client, "toys", "list_toys", "id", limit=2) == [1, 2, 3]
    assert [query(r).get("offset") for r in server.requests] == [None, ["2"], ["3"]]


@pytest.mark.parametrize("mode", MODES)
def test_cursor_from_the_last_item_while_has_more(server: Server, pagination: ModuleType, mode: str) -> None:
    customers = [{"id": f"cus_{i}"} for i in range(5)]
    server.enqueue(
        json_response({"object": "list", "data": customers[:2], "has_more": True}),
        json_response({"object": "list", "data": customers[2:4], "has_more": True}),
        json_response({"object": "list", "data": customers[4:], "has_more": False}),
    )
    client = pagination.Pagination(server_url=server.url)
    ids = collect(mode, client, "customers", "list_customers", "id", limit=2)
    assert ids == [c["id"] for c in customers]
    assert len(server.requests) == 3
    assert [query(r).get("starting_after") for r in server.requests] == [None, ["cus_1"], ["cus_3"]]
    assert all(query(r)["limit"] == ["2"] for r in server.requests)


@pytest.mark.parametrize("mode", MODES)
def test_a_repeated_cursor_raises(server: Server, pagination: ModuleType, mode: str) -> None:
    page = {"events": [{"id": "e1"}], "next_page_token": "same"}
    server.enqueue(*[json_response(page)] * 2)
    client = pagination.Pagination(server_url=server.url)
    with pytest.raises(pagination.SDKError, match="cursor 'same' again") as raised:
        collect(mode, client, "events", "list_events", "id")
    assert type(raised.value).__name__ == "PaginationLoopError"
    assert len(server.requests) == 2


@pytest.mark.parametrize("mode", MODES)
def test_next_cursor_field_until_null(server: Server, pagination: ModuleType, mode: str) -> None:
    server.enqueue(
        json_response({"events": [{"id": "e1"}, {"id": "e2"}], "next_page_token": "t2"}),
        json_response({"events": [{"id": "e3"}], "next_page_token": None}),
    )
    client = pagination.Pagination(server_url=server.url)
    assert collect(mode, client, "events", "list_events", "id") == ["e1", "e2", "e3"]
    assert [query(r).get("page_token") for r in server.requests] == [None, ["t2"]]


@pytest.mark.parametrize("mode", MODES)
def test_link_header(server: Server, pagination: ModuleType, mode: str) -> None:
    def linked(names: List[str], link: str) -> Any:
        def handler(conn: Connection, request: Request) -> bool:
            headers = {"Link": link} if link else {}
            return json_response({"repos": [{"name": n} for n in names]}, headers=headers)(conn, request)

        return handler

    server.enqueue(
        linked(["a", "b"], f'<{server.url}/v1/repos?per_page=2&page=2>; rel="next", <{server.url}/x>; rel="last"'),
        linked(["c"], '</v1/repos?per_page=2&page=3>; rel="next"'),  # relative to the page's URL
        linked([], ""),
    )
    client = pagination.Pagination(server_url=server.url)
    assert collect(mode, client, "repos", "list_repos", "name", per_page=2) == ["a", "b", "c"]
    paths = ["/v1/repos?per_page=2", "/v1/repos?per_page=2&page=2", "/v1/repos?per_page=2&page=3"]
    assert [r.path for r in server.requests] == paths


@pytest.mark.parametrize("mode", MODES)
def test_next_page_uri_in_the_body(server: Server, pagination: ModuleType, mode: str) -> None:
    server.enqueue(
        json_response({"invoices": [{"id": "i1"}], "next_page_uri": "/v1/invoices?PageSize=1&PageToken=t2"}),
        json_response({"invoices": [{"id": "i2"}], "next_page_uri": None}),
    )
    client = pagination.Pagination(server_url=server.url)
    assert collect(mode, client, "invoices", "list_invoices", "id", page_size=1) == ["i1", "i2"]
    assert [r.path for r in server.requests] == ["/v1/invoices?PageSize=1", "/v1/invoices?PageSize=1&PageToken=t2"]


@pytest.mark.parametrize("mode", MODES)
def test_a_repeated_link_raises(server: Server, pagination: ModuleType, mode: str) -> None:
    link = '</v1/repos?page=2>; rel="next"'
    server.enqueue(*[json_response({"repos": [{"name": "a"}]}, headers={"Link": link})] * 3)
    client = pagination.Pagination(server_url=server.url)
    with pytest.raises(pagination.SDKError, match="next link .* again"):
        collect(mode, client, "repos", "list_repos", "name")
    assert len(server.requests) == 2


@pytest.mark.parametrize("mode", MODES)
def test_extension_cursor_in_a_nested_object(server: Server, pagination: ModuleType, mode: str) -> None:
    server.enqueue(
        json_response({"result": {"orders": [{"id": "o1"}], "cursor": "c1"}}),
        json_response({"result": {"orders": [{"id": "o2"}]}}),
    )
    client = pagination.Pagination(server_url=server.url)
    assert collect(mode, client, "orders", "list_orders", "id", size=1) == ["o1", "o2"]
    assert [query(r).get("since") for r in server.requests] == [None, ["c1"]]


def test_the_page_is_the_response_model_and_iterates_pages(server: Server, pagination: ModuleType) -> None:
    pets = [{"id": str(i), "name": f"p{i}"} for i in range(3)]
    server.enqueue(json_response({"data": pets[:2], "total": 3}), json_response({"data": pets[2:], "total": 3}))
    client = pagination.Pagination(server_url=server.url)
    page = client.pets.list_pets(per_page=2)
    assert isinstance(page, pagination.models.PetPage) and page.total == 3 and len(page.data) == 2
    assert page.model_dump() == {"data": pets[:2], "total": 3}
    # Equal to the response model with the same data, either way round, as before it paged.
    same = pagination.models.PetPage.model_validate({"data": pets[:2], "total": 3})
    assert page == same and same == page and page != pagination.models.PetPage(data=[], total=3)
    copied = copy.deepcopy(page)  # the SDK's clients are shared, not copied
    assert copied == page and pickle.loads(pickle.dumps(page)) == page
    assert [[p.id for p in each.data] for each in page.iter_pages()] == [["0", "1"], ["2"]]
    assert len(server.requests) == 2


def test_a_page_built_by_hand_iterates_over_its_own_items(server: Server, pagination: ModuleType) -> None:
    page = pagination.pets.ListPetsPage(data=[{"id": "1", "name": "a"}], total=9)
    assert [p.id for p in page] == ["1"] and [len(p.data) for p in page.iter_pages()] == [1]
    assert not server.requests
