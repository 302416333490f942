"""The SDK runtime's one serializer of values on the wire (generator/runtime/encoding.py), tested without the
generator: parameters against the "Style Examples" table of OpenAPI 3.1.1's Parameter Object, then deepObject to any
depth, and form-urlencoded and multipart bodies by their Encoding Objects.

The runtime is copied as a plain package and imported on its own, as every SDK carries it.
"""

from __future__ import annotations

import enum
import importlib
import json
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator, Optional
from urllib.parse import unquote, urlencode

import pydantic
import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / "generator" / "runtime"


@pytest.fixture(scope="module")
def enc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    package = tmp_path_factory.mktemp("runtime") / "_gen_test_encoding"
    shutil.copytree(RUNTIME, package, ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(package.parent))
    try:
        yield importlib.import_module("_gen_test_encoding.encoding")
    finally:
        sys.path.remove(str(package.parent))
        for name in [n for n in sys.modules if n.startswith("_gen_test_encoding")]:
            del sys.modules[name]


# ---------------------------------------------------------------- the specification's table

# OpenAPI 3.1.1, Parameter Object, "Style Examples": the parameter `color` with these values.
EMPTY, STRING, ARRAY, OBJECT = "", "blue", ["blue", "black", "brown"], {"R": 100, "G": 200, "B": 150}
VALUES = {"empty": EMPTY, "string": STRING, "array": ARRAY, "object": OBJECT}
COLUMNS = ("empty", "string", "array", "object")

# The table as the specification prints it (n/a cells left out): style | explode | empty | string | array | object.
TABLE = """
matrix | false | ;color | ;color=blue | ;color=blue,black,brown | ;color=R,100,G,200,B,150
matrix | true | ;color | ;color=blue | ;color=blue;color=black;color=brown | ;R=100;G=200;B=150
label | false | . | .blue | .blue,black,brown | .R,100,G,200,B,150
label | true | . | .blue | .blue.black.brown | .R=100.G=200.B=150
simple | false | _empty_ | blue | blue,black,brown | R,100,G,200,B,150
simple | true | _empty_ | blue | blue,black,brown | R=100,G=200,B=150
form | false | ?color= | ?color=blue | ?color=blue,black,brown | ?color=R,100,G,200,B,150
form | true | ?color= | ?color=blue | ?color=blue&color=black&color=brown | ?R=100&G=200&B=150
spaceDelimited | false | _n/a_ | _n/a_ | ?color=blue%20black%20brown | ?color=R%20100%20G%20200%20B%20150
pipeDelimited | false | _n/a_ | _n/a_ | ?color=blue%7Cblack%7Cbrown | ?color=R%7C100%7CG%7C200%7CB%7C150
deepObject | true | _n/a_ | _n/a_ | _n/a_ | ?color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150
"""


def _cells() -> list[tuple[str, bool, str, str]]:
    cells = []
    for line in TABLE.strip().splitlines():
        style, explode, *row = (cell.strip() for cell in line.split("|"))
        for column, cell in zip(COLUMNS, row, strict=True):
            if cell != "_n/a_":
                cells.append((style, explode == "true", column, "" if cell == "_empty_" else cell))
    return cells


CELLS = _cells()
QUERY_STYLES = ("form", "spaceDelimited", "pipeDelimited", "deepObject")


def test_the_table_is_read_whole() -> None:
    # 8 rows of 4 cells, spaceDelimited and pipeDelimited 2 each, deepObject 1.
    assert len(CELLS) == 8 * 4 + 2 * 2 + 1


def _decoded(query: str) -> list[tuple[str, str]]:
    """`?a=b&c=d` as the (name, value) pairs it carries, percent-decoding undone."""
    assert query.startswith("?")
    return [tuple(unquote(part) for part in pair.split("=", 1)) for pair in query[1:].split("&")]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("style", "explode", "column", "expected"), CELLS, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CELLS]
)
def test_style_examples_table(enc: ModuleType, style: str, explode: bool, column: str, expected: str) -> None:
    value = VALUES[column]
    if style in QUERY_STYLES:
        assert enc.query_pairs("color", value, style, explode) == _decoded(expected)
    else:
        assert enc.path_value("color", value, style, explode) == expected
        if style == "simple":  # headers are simple-style, never percent-encoded
            assert enc.header_value(value, explode) == expected


# ---------------------------------------------------------------- values, whatever their Python type


class Shade(str, enum.Enum):
    DARK = "dark"


class Color(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)

    red: int = pydantic.Field(alias="R")
    shade: Optional[Shade] = None


def test_booleans_enums_models_and_dates_are_their_wire_values(enc: ModuleType) -> None:
    assert enc.query_pairs("on", True, "form", True) == [("on", "true")]
    assert enc.query_pairs("on", [False, True], "form", False) == [("on", "false,true")]
    assert enc.query_pairs("shade", Shade.DARK, "form", True) == [("shade", "dark")]
    # A model goes by its wire (alias) names, None members left out.
    assert enc.query_pairs("color", Color(red=1), "deepObject", True) == [("color[R]", "1")]
    assert enc.query_pairs("color", Color(red=1, shade=Shade.DARK), "form", True) == [("R", "1"), ("shade", "dark")]
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert enc.query_pairs("since", when, "form", True) == [("since", "2025-01-02T03:04:05+00:00")]
    assert enc.query_pairs("gone", None, "form", True) == []
    assert enc.query_pairs("ids", [1, None, 2], "form", True) == [("ids", "1"), ("ids", "2")]


def test_path_values_are_percent_encoded_piece_by_piece(enc: ModuleType) -> None:
    # The delimiters of the style stay; a delimiter inside a value does not pass for one.
    assert enc.path_value("id", "a/b c", "simple", False) == "a%2Fb%20c"
    assert enc.path_value("id", ["a,b", "c"], "simple", False) == "a%2Cb,c"
    assert enc.path_value("id", ["x.y", "z"], "label", True) == ".x.y.z"
    assert enc.path_value("id", {"k;1": "v=2"}, "matrix", True) == ";k%3B1=v%3D2"
    assert enc.render_path("/v1/{id}/items", [("id", "ft:a b", "simple", False)]) == "/v1/ft%3Aa%20b/items"


def test_cookies_are_form_pairs(enc: ModuleType) -> None:
    assert enc.cookie_value("color", ARRAY, False) == "color=blue,black,brown"
    assert enc.cookie_value("color", ARRAY, True) == "color=blue; color=black; color=brown"
    assert enc.cookie_value("on", False, True) == "on=false"


# ---------------------------------------------------------------- deepObject, to any depth


def test_deep_object_nests_objects_and_lists_in_brackets(enc: ModuleType) -> None:
    value = {
        "line1": "1 Main St",
        "geo": {"lat": 37.5, "tags": ["a", "b"]},
        "items": [{"price": "p_1", "qty": 2}, {"price": "p_2"}],
        "empty": None,
    }
    assert enc.deep_pairs("address", value) == [
        ("address[line1]", "1 Main St"),
        ("address[geo][lat]", "37.5"),
        ("address[geo][tags][0]", "a"),
        ("address[geo][tags][1]", "b"),
        ("address[items][0][price]", "p_1"),
        ("address[items][0][qty]", "2"),
        ("address[items][1][price]", "p_2"),
    ]
    assert enc.query_pairs("expand", ["sources", "tax"], "deepObject", True) == [
        ("expand[0]", "sources"),
        ("expand[1]", "tax"),
    ]


def test_a_container_nested_deeper_than_a_style_describes_is_json(enc: ModuleType) -> None:
    assert enc.query_pairs("f", {"a": {"b": 1}}, "form", False) == [("f", 'a,{"b":1}')]


# ---------------------------------------------------------------- form-urlencoded bodies


class Geo(pydantic.BaseModel):
    lat: float
    lng: float


class Address(pydantic.BaseModel):
    line1: str
    geo: Optional[Geo] = None


class CustomerCreate(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)

    email: str
    address: Optional[Address] = None
    metadata: Optional[dict[str, str]] = None
    tax_exempt: Optional[Shade] = None
    opt_in: Optional[bool] = pydantic.Field(default=None, alias="marketing_opt_in")
    locales: Optional[list[str]] = None
    expand: Optional[list[str]] = None
    tags: Optional[list[str]] = None
    settings: Optional[dict[str, Any]] = None


def _form(enc: ModuleType, body: Any, **encodings: Any) -> str:
    return urlencode(enc.form_pairs(body, encodings))


def test_form_body_defaults(enc: ModuleType) -> None:
    body = CustomerCreate(
        email="jo@example.com",
        address=Address(line1="1 Main St", geo=Geo(lat=37.5, lng=-122.25)),
        metadata={"order": "6735"},
        tax_exempt=Shade.DARK,
        opt_in=False,
        locales=["en", "fr"],
    )
    # Scalars as they are, enums by value, booleans as true/false, a list of scalars repeated (form, exploded), an
    # object in deepObject brackets; unset fields not at all.
    assert enc.form_pairs(body, {}) == [
        ("email", "jo@example.com"),
        ("address[line1]", "1 Main St"),
        ("address[geo][lat]", "37.5"),
        ("address[geo][lng]", "-122.25"),
        ("metadata[order]", "6735"),
        ("tax_exempt", "dark"),
        ("marketing_opt_in", "false"),
        ("locales", "en"),
        ("locales", "fr"),
    ]
    assert _form(enc, body).startswith("email=jo%40example.com&address%5Bline1%5D=1+Main+St&")


def test_form_body_by_its_encoding_objects(enc: ModuleType) -> None:
    E = enc.Encoding
    body = {
        "email": "a@b.c",
        "expand": ["sources", "tax"],
        "tags": ["vip", "eu"],
        "locales": ["en", "fr"],
        "settings": {"footer": "Thanks", "days": 30, "off": None},
        "gone": None,
    }
    encodings = {
        "expand": E(style="deepObject", explode=True),
        "tags": E(style="pipeDelimited", explode=False),
        "locales": E(style="form", explode=False),
        "settings": E(content_type="application/json"),
    }
    assert enc.form_pairs(body, encodings) == [
        ("email", "a@b.c"),
        ("expand[0]", "sources"),
        ("expand[1]", "tax"),
        ("tags", "vip|eu"),
        ("locales", "en,fr"),
        ("settings", '{"footer":"Thanks","days":30,"off":null}'),
    ]
    # A content type that is not JSON leaves the default rules in charge.
    assert enc.form_pairs({"s": {"a": 1}}, {"s": E(content_type="text/plain")}) == [("s[a]", "1")]
    # A list of objects without an Encoding: brackets with indexes.
    assert enc.form_pairs({"items": [{"price": "p"}]}, {}) == [("items[0][price]", "p")]


# ---------------------------------------------------------------- multipart bodies


def test_multipart_parts(enc: ModuleType) -> None:
    File = importlib.import_module("_gen_test_encoding.files").File
    E = enc.Encoding
    body = {
        "file": File(file_name="id.pdf", content=b"%PDF"),
        "kind": Shade.DARK,
        "metadata": {"source": "scan", "pages": 2},
        "labels": ["front", "back"],
        "confidential": True,
        "note": "# Note",
        "count": 3,
        "thumbnail": File(file_name="t", content=b"PNG"),
        "shots": [File(file_name="a.png", content=b"A", content_type="image/webp")],
        "skipped": None,
    }
    encodings = {
        "note": E(content_type="text/markdown"),
        "count": E(content_type="application/json"),
        "thumbnail": E(content_type="image/png, image/jpeg"),
        "shots": E(content_type="image/*"),
    }
    assert enc.multipart_parts(body, encodings) == [
        ("file", ("id.pdf", b"%PDF", None)),  # httpx names the type from the file name
        ("kind", (None, b"dark", None)),  # text: no Content-Type, the multipart default
        ("metadata", (None, b'{"source":"scan","pages":2}', "application/json")),
        ("labels", (None, b"front", None)),
        ("labels", (None, b"back", None)),
        ("confidential", (None, b"true", None)),
        ("note", (None, b"# Note", "text/markdown")),
        ("count", (None, b"3", "application/json")),
        ("thumbnail", ("t", b"PNG", "image/png")),  # the first type the Encoding names
        ("shots", ("a.png", b"A", "image/webp")),  # the file's own type wins; a wildcard names none
    ]
    # A list of objects: one JSON part per item (RFC 7578 §4.3), as the Encoding Object describes.
    assert enc.multipart_parts({"rows": [{"a": 1}, {"a": 2}]}, {}) == [
        ("rows", (None, b'{"a":1}', "application/json")),
        ("rows", (None, b'{"a":2}', "application/json")),
    ]
    # JSON of a model: its wire names; None stays null in JSON.
    assert json.loads(enc.to_json(Color(red=3))) == {"R": 3, "shade": None}
