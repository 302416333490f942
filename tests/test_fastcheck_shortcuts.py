"""The compiled check's shortcuts (string enums and consts, `required` as a key-set test, properties read from the
instance's side, `^x-: {}` skipped, evaluated properties compiled) give the verdicts of the plain readings."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from generator.load.fastcheck import Compiler, compile_schema, equal

VALUES: list[Any] = [
    None, True, False, 0, 1, 1.0, 1.5, -2, "", "a", "b", "1", "true", "x-a", [], ["a"], [1, 1], {}, {"a": 1},
    {"a": "b", "x-y": 1}, {"b": None, "c": []}, {"$ref": "#/x"}, {"a": 1, "b": 2, "c": 3, "d": 4},
]  # fmt: skip


def _plain_enum(options: list[Any], x: Any) -> bool:
    return any(equal(x, option) for option in options)


@pytest.mark.parametrize("draft4", [True, False])
def test_string_enums_and_consts_agree_with_json_equality(draft4: bool) -> None:
    for options in (["a"], ["a", "b"], ["1", "true"], ["a", 1], ["", "x-a"]):
        check = compile_schema({"enum": options}, draft4=draft4)
        assert [check(x) for x in VALUES] == [_plain_enum(options, x) for x in VALUES]
        for value in options:
            check = compile_schema({"const": value}, draft4=draft4)
            assert [check(x) for x in VALUES] == [equal(x, value) for x in VALUES]


def test_required_agrees_with_membership() -> None:
    for names in ([], ["a"], ["a", "b"], ["$ref"], ["a", "x-y"]):
        check = compile_schema({"required": names}, draft4=False)
        assert [check(x) for x in VALUES] == [not isinstance(x, dict) or all(n in x for n in names) for x in VALUES]


def test_properties_agree_whichever_side_is_smaller() -> None:
    schema = {"properties": {name: {"type": "integer"} for name in "abc"}}
    check = compile_schema(schema, draft4=False)
    expected = [
        not isinstance(x, dict) or all(not isinstance(v, bool) and isinstance(v, (int, float)) and v == int(v)
                                       for k, v in x.items() if k in "abc" and k != "")
        for x in VALUES
    ]  # fmt: skip
    assert [check(x) for x in VALUES] == expected


def test_extension_patterns_that_check_nothing_are_skipped_but_others_are_not() -> None:
    open_ = compile_schema({"patternProperties": {"^x-": {}}}, draft4=True)
    assert all(open_(x) for x in VALUES)
    typed = compile_schema({"patternProperties": {"^x-": {}, "^a$": {"type": "string"}}}, draft4=True)
    assert [typed(x) for x in VALUES] == [not isinstance(x, dict) or isinstance(x.get("a", ""), str) for x in VALUES]
    closed = compile_schema(
        {"properties": {"a": {}}, "patternProperties": {"^x-": {}}, "additionalProperties": False}, draft4=True
    )
    assert [closed(x) for x in VALUES] == [
        not isinstance(x, dict) or all(k == "a" or k.startswith("x-") for k in x) for x in VALUES
    ]


def _evaluated_by_hand(compiler: Compiler, schema: Any, instance: dict[str, Any]) -> set[str]:
    """jsonschema's find_evaluated_property_keys_by_schema, read off the schema every time (gen's earlier code)."""
    import re

    if not isinstance(schema, dict):
        return set()
    keys: set[str] = set()
    if "$ref" in schema:
        keys |= _evaluated_by_hand(compiler, compiler.resolve(schema["$ref"]), instance)
    if isinstance(schema.get("properties"), dict):
        keys |= schema["properties"].keys() & instance.keys()
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        if keyword in schema:
            check = compiler.check(schema[keyword])
            keys.update(name for name, item in instance.items() if check(item))
    if isinstance(schema.get("patternProperties"), dict):
        keys.update(n for n in instance if any(re.search(p, n) for p in schema["patternProperties"]))
    if isinstance(schema.get("dependentSchemas"), dict):
        for name, sub in schema["dependentSchemas"].items():
            if name in instance:
                keys |= _evaluated_by_hand(compiler, sub, instance)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(keyword, []) or []:
            if compiler.check(sub)(instance):
                keys |= _evaluated_by_hand(compiler, sub, instance)
    if "if" in schema:
        if compiler.check(schema["if"])(instance):
            keys |= _evaluated_by_hand(compiler, schema["if"], instance)
            if "then" in schema:
                keys |= _evaluated_by_hand(compiler, schema["then"], instance)
        elif "else" in schema:
            keys |= _evaluated_by_hand(compiler, schema["else"], instance)
    return keys


def test_compiled_evaluated_properties_are_those_read_off_the_schema() -> None:
    root = {
        "$defs": {"ext": {"patternProperties": {"^x-": True}}, "named": {"properties": {"name": {"type": "string"}}}},
        "allOf": [{"$ref": "#/$defs/ext"}],
        "anyOf": [{"$ref": "#/$defs/named"}, {"required": ["b"], "properties": {"b": {}}}],
        "oneOf": [{"required": ["c"]}, {"additionalProperties": {"type": "integer"}}],
        "dependentSchemas": {"d": {"properties": {"e": {}}}},
        "if": {"properties": {"a": {"const": 1}}, "required": ["a"]},
        "then": {"properties": {"t": {}}},
        "else": {"properties": {"f": {}}},
        "unevaluatedProperties": False,
    }
    compiler = Compiler(root, draft4=False)
    keys = ["a", "b", "c", "d", "e", "f", "t", "name", "x-q", "zz"]
    instances = [
        {key: value for key, value in zip(chosen, itertools.cycle([1, "s", None]))}
        for size in range(4)
        for chosen in itertools.combinations(keys, size)
    ]
    for instance in instances:
        assert compiler.evaluated(root, instance) == _evaluated_by_hand(compiler, root, instance), instance
