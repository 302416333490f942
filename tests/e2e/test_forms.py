"""Form and multipart bodies on the wire, byte for byte: the SDK of the `forms` golden case (tests/golden/forms),
built afresh, calls the scripted socket server as a user would.

What it shows: a form-urlencoded body sends nested objects and lists of objects in deepObject brackets, a list of
scalars as the field repeated, enums by value, booleans as true/false, and follows the spec's Encoding Objects
(deepObject, pipeDelimited, `explode: false`, a JSON `contentType`); a deepObject query parameter; a multipart body
with a file, a JSON part, repeated text parts and `contentType` overrides.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import httpx
import pytest

from .prism import Prism, executable, violations
from .server import Server, json_response

ROOT = Path(__file__).resolve().parents[2]
MODES = ("sync", "async")
SPEC = Path("tests/golden/forms/openapi.yaml")  # relative to ROOT, where Prism runs

CUSTOMER = {"id": "cus_1", "email": "jo@example.com", "tax_exempt": "exempt"}


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("forms")
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "tests/golden/forms", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    src = str(out / "forms" / "src")
    sys.path.insert(0, src)
    try:
        import forms

        yield forms
    finally:
        sys.path.remove(src)
        for name in [n for n in sys.modules if n == "forms" or n.startswith("forms.")]:
            del sys.modules[name]


def _call(mode: str, method: Any, **kwargs: Any) -> Any:
    if mode == "sync":
        return method(**kwargs)
    return asyncio.run(getattr(method.__self__, method.__name__ + "_async")(**kwargs))


@pytest.mark.parametrize("mode", MODES)
def test_form_body_bytes(server: Server, forms: ModuleType, mode: str) -> None:
    server.enqueue(json_response(CUSTOMER))
    client = forms.Forms(server_url=server.url)
    res = _call(
        mode,
        client.customers.create_customer,
        email="jo@example.com",
        address={"line1": "1 Main St", "city": "San Francisco", "geo": {"lat": 37.5, "lng": -122.25}},
        items=[{"price": "price_1", "quantity": 2}, forms.models.LineItem(price="price_2")],
        metadata={"order": "6735", "note": "a&b=c"},
        tax_exempt=forms.models.TaxExempt.EXEMPT,
        marketing_opt_in=False,
        preferred_locales=["en", "fr"],
        expand=["sources", "tax"],
        tags=["vip", "eu"],
        sources=["s1", "s2"],
        invoice_settings={"footer": "Thanks!", "days_until_due": 30},
    )
    assert res == forms.models.Customer(id="cus_1", email="jo@example.com", tax_exempt="exempt")
    (req,) = server.requests
    assert (req.method, req.path) == ("POST", "/v1/customers")
    assert req.header("content-type") == "application/x-www-form-urlencoded"
    assert req.body == (
        b"email=jo%40example.com"
        b"&address%5Bline1%5D=1+Main+St&address%5Bcity%5D=San+Francisco"
        b"&address%5Bgeo%5D%5Blat%5D=37.5&address%5Bgeo%5D%5Blng%5D=-122.25"
        b"&items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=2&items%5B1%5D%5Bprice%5D=price_2"
        b"&metadata%5Border%5D=6735&metadata%5Bnote%5D=a%26b%3Dc"
        b"&tax_exempt=exempt&marketing_opt_in=false"
        b"&preferred_locales=en&preferred_locales=fr"  # no Encoding: form, exploded
        b"&expand%5B0%5D=sources&expand%5B1%5D=tax"  # deepObject
        b"&tags=vip%7Ceu"  # pipeDelimited
        b"&sources=s1%2Cs2"  # explode: false (style form)
        b"&invoice_settings=%7B%22footer%22%3A%22Thanks%21%22%2C%22days_until_due%22%3A30%7D"  # contentType: JSON
    )
    assert int(req.header("content-length") or 0) == len(req.body)


def test_form_body_leaves_out_what_the_caller_did_not_set(server: Server, forms: ModuleType) -> None:
    server.enqueue(json_response(CUSTOMER))
    forms.Forms(server_url=server.url).customers.create_customer(email="jo@example.com", metadata={})
    (req,) = server.requests
    assert req.body == b"email=jo%40example.com"


def test_deep_object_query(server: Server, forms: ModuleType) -> None:
    server.enqueue(json_response({"data": [CUSTOMER]}))
    client = forms.Forms(server_url=server.url)
    res = client.customers.list_customers(created={"gte": 1700000000, "lte": 1800000000}, email=["a@b.c", "d@e.f"])
    assert res.data[0].id == "cus_1"
    (req,) = server.requests
    assert req.path == (
        "/v1/customers?created%5Bgte%5D=1700000000&created%5Blte%5D=1800000000&email=a%40b.c&email=d%40e.f"
    )


@pytest.mark.parametrize("mode", MODES)
def test_multipart_body_bytes(server: Server, forms: ModuleType, mode: str) -> None:
    server.enqueue(json_response({"id": "doc_1", "kind": "identity"}))
    client = forms.Forms(server_url=server.url)
    res = _call(
        mode,
        client.customers.upload_document,
        customer="cus 1",
        file=forms.models.File(file_name="id.pdf", content=b"%PDF-1.7\x00\xff"),
        kind="identity",
        metadata={"source": "scan", "pages": 2},
        labels=["front", "back"],
        confidential=True,
        note="# Passport\n",
        thumbnail=forms.models.File(file_name="thumb", content=b"\x89PNG"),
    )
    assert res.id == "doc_1"
    (req,) = server.requests
    assert req.path == "/v1/customers/cus%201/documents"
    content_type = req.header("content-type") or ""
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()

    def part(headers: bytes, data: bytes) -> bytes:
        return b"--" + boundary + b"\r\n" + headers + b"\r\n\r\n" + data + b"\r\n"

    disposition = b'Content-Disposition: form-data; name="%s"'
    assert req.body == (
        part(disposition % b"file" + b'; filename="id.pdf"\r\nContent-Type: application/pdf', b"%PDF-1.7\x00\xff")
        + part(disposition % b"kind", b"identity")
        + part(disposition % b"metadata" + b"\r\nContent-Type: application/json", b'{"source":"scan","pages":2}')
        + part(disposition % b"labels", b"front")  # a list of scalars: one part per item
        + part(disposition % b"labels", b"back")
        + part(disposition % b"confidential", b"true")
        + part(disposition % b"note" + b"\r\nContent-Type: text/markdown", b"# Passport\n")  # the Encoding's type
        + part(disposition % b"thumbnail" + b'; filename="thumb"\r\nContent-Type: image/png', b"\x89PNG")
        + b"--"
        + boundary
        + b"--\r\n"
    )


# ---------------------------------------------------------------- Prism


@pytest.fixture(scope="module")
def prism() -> Iterator[Prism]:
    if executable() is None:
        message = "Prism is not installed: run `make prism` (make test does)"
        if os.environ.get("GEN_REQUIRE_PRISM"):
            pytest.fail(message)
        pytest.skip(message)
    with Prism(SPEC) as server:
        yield server


def _prism_client(forms: ModuleType, prism: Prism) -> tuple[Any, list[httpx.Response]]:
    client = forms.Forms(server_url=prism.url, retry_config=None)
    seen: list[httpx.Response] = []
    client.hooks.after_success.append(lambda _context, response: seen.append(response))
    client.hooks.after_error.append(lambda _context, response, _error: seen.append(response))
    return client, seen


def _problems(response: httpx.Response) -> list[Any]:
    found = violations(response.headers)
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        response.read()
        found += json.loads(response.content).get("validation", [])
    return found


def test_prism_accepts_the_form_and_multipart_requests(forms: ModuleType, prism: Prism) -> None:
    """What Prism 5.16 can read of these bodies, it accepts: the deepObject fields to any depth (`address[geo][lat]`,
    `expand[0]`), pipeDelimited, enums, booleans, scalars and files. It reads no more: each form key or multipart part
    once (a repeated field or part is one string), a property's Encoding only when it has a `style` (so `sources`,
    `explode: false` alone, is one string), and no JSON part or JSON form field; the fields it cannot read are left
    out here (test_form_body_bytes and test_multipart_body_bytes check them)."""
    client, seen = _prism_client(forms, prism)
    customer = client.customers.create_customer(
        email="jo@example.com",
        address={"line1": "1 Main St", "city": "San Francisco", "geo": {"lat": 37.5, "lng": -122.25}},
        tax_exempt="reverse",
        marketing_opt_in=True,
        expand=["sources", "tax"],
        tags=["vip", "eu"],  # always sent: Prism reads a missing pipeDelimited field as a string, not as absent
    )
    assert isinstance(customer, forms.models.Customer), _problems(seen[-1])
    assert _problems(seen[-1]) == []
    listed = client.customers.list_customers(created={"gte": 1, "lte": 2}, email=["a@b.c", "d@e.f"], limit=3)
    assert isinstance(listed, forms.models.ListCustomersResponse)
    assert _problems(seen[-1]) == []
    document = client.customers.upload_document(
        customer="cus_1",
        file=forms.models.File(file_name="id.pdf", content=b"%PDF"),
        kind="tax",
        confidential=False,
        note="# Note",
        thumbnail=forms.models.File(file_name="thumb.png", content=b"\x89PNG"),
    )
    assert isinstance(document, forms.models.Document)
    assert _problems(seen[-1]) == []


def test_prism_reads_the_deep_object_brackets(forms: ModuleType, prism: Prism) -> None:
    """The other side of the test above: Prism does read the nested fields, so a wrong one is refused there. The body
    goes to the runtime as a plain dict, past the model that would refuse it in the SDK."""
    from forms import customers
    from forms._runtime import client as runtime

    client, seen = _prism_client(forms, prism)
    body = {"email": "jo@example.com", "address": {"line1": "1", "geo": {"lat": "north", "lng": 2}}, "tags": ["vip"]}
    call = runtime.Call(None, None, None, None)
    with pytest.raises(forms.SDKError):
        runtime.call(client.customers._config, customers._CREATE_CUSTOMER, (), body, call)
    request = seen[-1].request
    assert request.read() == b"email=jo%40example.com&address%5Bline1%5D=1&address%5Bgeo%5D%5Blat%5D=north" + (
        b"&address%5Bgeo%5D%5Blng%5D=2&tags=vip"
    )
    assert [v.get("location") for v in _problems(seen[-1])] == [["body", "address", "geo", "lat"]]
