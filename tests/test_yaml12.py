"""YAML specs are read as YAML 1.2 (the YAML of OpenAPI 3.x): plain scalars take the core schema's types, not pyyaml's
YAML 1.1 ones (`on` is text, `1e3` a number, `010` ten)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import load
from generator.load.read import read
from generator.problems import BuildError

HEAD = 'openapi: 3.1.0\ninfo: {title: T, version: "1"}\n'

SCALARS: list[tuple[str, Any]] = [
    *((word, word) for word in "on off yes no y n On OFF Yes NO Y N".split()),  # YAML 1.1 booleans
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False), ("FALSE", False),
    ("tRue", "tRue"),
    ("~", None), ("null", None), ("Null", None), ("NULL", None), ("", None), ("nUll", "nUll"),
    ("0", 0), ("-12", -12), ("+5", 5), ("010", 10), ("0o17", 15), ("0x1f", 31), ("0x1F", 31),
    ("1_000", "1_000"), ("0b101", "0b101"), ("1:20", "1:20"), ("-0x1f", "-0x1f"),
    ("3e-05", 3e-05), ("1e3", 1000.0), ("1.", 1.0), (".5", 0.5), ("-1.5E+3", -1500.0), ("1.0", 1.0),
    (".inf", math.inf), ("-.Inf", -math.inf), ("+.INF", math.inf), ("1_0.5", "1_0.5"), ("1e", "1e"),
    ("2020-01-01", "2020-01-01"), ("2020-01-01T10:00:00Z", "2020-01-01T10:00:00Z"), ("=", "="),
    ("'010'", "010"), ('"true"', "true"), ("!!int '0x10'", 16), ("!!float 1", 1.0), ("!!str 1", "1"),
]  # fmt: skip


def read_text(tmp_path: Path, text: str, name: str = "doc.yaml") -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read(path).data


@pytest.mark.parametrize(("text", "value"), SCALARS, ids=[text or "(empty)" for text, _ in SCALARS])
def test_plain_scalars_take_the_core_schema_types(tmp_path: Path, text: str, value: Any) -> None:
    found = read_text(tmp_path, f"a: {text}\n")["a"]
    assert type(found) is type(value) and found == value


def test_nan(tmp_path: Path) -> None:
    assert all(math.isnan(value) for value in read_text(tmp_path, "[.nan, .NaN, .NAN]"))


def test_an_enum_of_yaml_11_booleans_keeps_its_strings(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        HEAD + "paths: {}\ncomponents:\n  schemas:\n    Switch:\n      type: string\n"
        "      enum: [on, off, yes, no, y, n]\n      default: off\n",
        encoding="utf-8",
    )
    document = load(spec)
    switch = document.root["components"]["schemas"]["Switch"]
    assert switch["enum"] == ["on", "off", "yes", "no", "y", "n"]
    assert switch["default"] == "off"
    assert document.warnings == ()  # string values of a string enum: nothing to say


def test_numbers_in_exponent_form_are_numbers(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        HEAD + "paths: {}\ncomponents:\n  schemas:\n    Rate:\n      type: number\n      minimum: 1e-08\n"
        "      maximum: 1e+09\n      default: 3e-05\n",
        encoding="utf-8",
    )
    document = load(spec)
    assert document.root["components"]["schemas"]["Rate"] == {
        "type": "number",
        "minimum": 1e-08,
        "maximum": 1e9,
        "default": 3e-05,
    }
    assert document.warnings == ()  # under YAML 1.1 these were strings, and the schema said so


def test_mapping_keys_stay_as_written(tmp_path: Path) -> None:
    data = read_text(tmp_path, "200: a\n010: b\ntrue: c\n~: d\n1e3: e\non: f\n")
    assert list(data) == ["200", "010", "true", "~", "1e3", "on"]


@pytest.mark.parametrize("text", ["!!int 1_000", "!!int 0b1", "!!bool yes", "!!float 1_0", "9" * 5000])
def test_what_the_core_schema_cannot_build_is_an_error_at_its_line(tmp_path: Path, text: str) -> None:
    with pytest.raises(BuildError) as caught:
        read_text(tmp_path, f"a: 1\nb: {text}\n")
    assert caught.value.problems[0].message.startswith("invalid YAML at line 2, column 4: ")


# JSON is YAML 1.2: any JSON text, read as YAML, is the data it is as JSON (YAML 1.1 read `1e-05` as a string).
json_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x7f\x85\ufeff\ufffe\uffff"), max_size=8
).filter(lambda text: all(not ("\x80" <= ch <= "\x9f") for ch in text))
json_data = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | json_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_text, inner, max_size=4),
    max_leaves=20,
)


def same(a: Any, b: Any) -> bool:
    """Equal, with equal types all the way down (`1 == 1.0 == True` in Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return bool(a == b)


@settings(max_examples=300, deadline=None)
@given(json_data, st.sampled_from([None, 2]))
def test_json_read_as_yaml_is_the_same_data(tmp_path_factory: pytest.TempPathFactory, data: Any, indent: Any) -> None:
    text = json.dumps({"data": data}, indent=indent, ensure_ascii=False)
    assert same(read_text(tmp_path_factory.mktemp("json"), text)["data"], json.loads(text)["data"])
