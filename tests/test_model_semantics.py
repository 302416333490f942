"""What the generated models do at run time, checked on the golden specs under tests/golden/.

Every golden case is built once (module fixture) and imported. The tests state the behaviour
ARCHITECTURE.md asks for: presence x nullability, wire names as aliases, open enums, discriminated
unions (closed when only sent, open when received), closed request-only models, recursion, the
TypedDict twins, lazy loading of `<pkg>.models`, and deterministic output. A test that fails here
points at the generator, not at the test.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import json
import keyword
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Iterator

import pydantic
import pytest
from pydantic import TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python
from typing_extensions import is_typeddict

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
# Each case's package is named after its folder (no gen.yaml): seven distinct top-level packages.
CASES = ("composition", "enums", "names", "nullable", "nullable31", "resources", "unions")

# A serializer warning means a value does not match its annotation: treat it as the bug it is.
pytestmark = pytest.mark.filterwarnings("error:Pydantic serializer warnings")


# ---------------------------------------------------------------- building and importing


def _gen(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _tree(folder: Path) -> dict[str, bytes]:
    skip = {"__pycache__", ".mypy_cache", ".pytest_cache"}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not skip.intersection(p.relative_to(folder).parts)
    }


def _purge() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in CASES:
            del sys.modules[name]


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("golden")
    result = _gen("build", "tests/golden", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    paths = [str(out / case / "src") for case in CASES]
    _purge()
    sys.path[:0] = paths
    yield out
    for p in paths:
        sys.path.remove(p)
    _purge()


def _models(case: str) -> Any:
    return importlib.import_module(f"{case}.models")


def _runtime(case: str) -> Any:
    return importlib.import_module(f"{case}._runtime.types")


@pytest.fixture(scope="module")
def nl(golden: Path) -> Any:
    return _models("nullable")


@pytest.fixture(scope="module")
def nl31(golden: Path) -> Any:
    return _models("nullable31")


@pytest.fixture(scope="module")
def un(golden: Path) -> Any:
    return _models("unions")


@pytest.fixture(scope="module")
def co(golden: Path) -> Any:
    return _models("composition")


@pytest.fixture(scope="module")
def en(golden: Path) -> Any:
    return _models("enums")


@pytest.fixture(scope="module")
def nm(golden: Path) -> Any:
    return _models("names")


def sent(model: pydantic.BaseModel) -> Any:
    """What the SDK puts on the wire for `model`: `model_dump_json()` with no arguments.

    `model_dump()` with no arguments must say the same thing (wire names, the same keys)."""
    on_wire = json.loads(model.model_dump_json())
    assert to_jsonable_python(model.model_dump()) == on_wire, "model_dump() and model_dump_json() disagree"
    return on_wire


def wire_names(model: type[pydantic.BaseModel]) -> dict[str, str]:
    """Python field name → wire name."""
    return {name: (f.alias or name) for name, f in model.model_fields.items()}


def _exports(m: Any) -> dict[str, Any]:
    """Every export that loads. A module that fails to import is reported by the import tests
    (test_each_model_module_imports_on_its_own, test_unknown_model_names_raise_attribute_error);
    here it is skipped so that one broken module does not hide what the others do."""
    loaded = {}
    for name in m.__all__:
        try:
            loaded[name] = getattr(m, name)
        except Exception:  # noqa: BLE001
            continue
    return loaded


def exported_models(m: Any) -> list[str]:
    """The model classes a models package defines (an alias of a model, like `Summary`, is not one; nor is the
    runtime's upload type `File`, which every models package re-exports)."""
    return [
        n
        for n, obj in _exports(m).items()
        if isinstance(obj, type)
        and issubclass(obj, pydantic.BaseModel)
        and obj.__name__ == n
        and obj.__module__.startswith(m.__name__ + ".")
    ]


# ---------------------------------------------------------------- presence x nullability

# The four cases, for the 3.0 spelling (nullable: true) and the 3.1 ones (type lists, anyOf null).
FOUR = {
    "nullable": dict(
        model="Presence",
        base={"required_plain": "a", "required_nullable": "b", "required_nullable_ref": None},
        req_plain="required_plain",
        req_nullable="required_nullable",
        opt_plain="optional_plain",
        opt_plain_value=7,
        opt_nullable="optional_nullable",
        opt_nullable_value=8,
    ),
    "nullable31": dict(
        model="Record",
        base={
            "req_plain": "a",
            "req_type_list": "b",
            "req_any_of": 1.5,
            "req_ref": None,
            "req_union": "s",
            "req_maybe_points": {"x": 0.5, "y": 0.5},
        },
        req_plain="req_plain",
        req_nullable="req_type_list",
        opt_plain="opt_plain",
        opt_plain_value="p",
        opt_nullable="opt_type_list",
        opt_nullable_value=8,
    ),
}


@pytest.fixture(params=sorted(FOUR))
def four(request: pytest.FixtureRequest, golden: Path) -> tuple[Any, dict[str, Any]]:
    case = FOUR[request.param]
    return getattr(_models(request.param), case["model"]), case


def test_unset_optional_fields_are_omitted(four: tuple[Any, dict[str, Any]]) -> None:
    model, c = four
    assert sent(model(**c["base"])) == c["base"]
    assert sent(model.model_validate(c["base"])) == c["base"]


def test_optional_defaults_are_none_and_unset(four: tuple[Any, dict[str, Any]]) -> None:
    model, c = four
    runtime = _runtime(model.__module__.split(".")[0])
    obj = model(**c["base"])
    assert getattr(obj, c["opt_plain"]) is None
    assert getattr(obj, c["opt_nullable"]) is runtime.UNSET


def test_none_on_optional_non_nullable_is_omitted(four: tuple[Any, dict[str, Any]]) -> None:
    model, c = four
    assert sent(model(**c["base"], **{c["opt_plain"]: None})) == c["base"]
    assert sent(model.model_validate({**c["base"], c["opt_plain"]: None})) == c["base"]


def test_value_on_optional_non_nullable_is_sent(four: tuple[Any, dict[str, Any]]) -> None:
    model, c = four
    obj = model(**c["base"], **{c["opt_plain"]: c["opt_plain_value"]})
    assert sent(obj) == {**c["base"], c["opt_plain"]: c["opt_plain_value"]}


def test_none_on_optional_nullable_is_sent_as_null(four: tuple[Any, dict[str, Any]]) -> None:
    model, c = four
    assert sent(model(**c["base"], **{c["opt_nullable"]: None})) == {**c["base"], c["opt_nullable"]: None}
    assert sent(model.model_validate({**c["base"], c["opt_nullable"]: None})) == {**c["base"], c["opt_nullable"]: None}


def test_value_on_optional_nullable_is_sent(four: tuple[Any, dict[str, Any]]) -> None:
    model, c = four
    obj = model(**c["base"], **{c["opt_nullable"]: c["opt_nullable_value"]})
    assert sent(obj) == {**c["base"], c["opt_nullable"]: c["opt_nullable_value"]}


def test_required_nullable_none_is_sent_as_null(four: tuple[Any, dict[str, Any]]) -> None:
    model, c = four
    payload = {**c["base"], c["req_nullable"]: None}
    assert sent(model(**payload)) == payload


def test_required_nullable_must_be_given(four: tuple[Any, dict[str, Any]]) -> None:
    model, c = four
    payload = {k: v for k, v in c["base"].items() if k != c["req_nullable"]}
    with pytest.raises(ValidationError):
        model(**payload)


def test_required_non_nullable_none_is_rejected(four: tuple[Any, dict[str, Any]]) -> None:
    model, c = four
    with pytest.raises(ValidationError):
        model(**{**c["base"], c["req_plain"]: None})
    with pytest.raises(ValidationError):
        model.model_validate({k: v for k, v in c["base"].items() if k != c["req_plain"]})


# -- 3.0 specifics


def test_30_nullable_ref_through_allof(nl: Any) -> None:
    base = FOUR["nullable"]["base"]
    obj = nl.Presence(**base, optional_nullable_ref=None)
    assert sent(obj) == {**base, "optional_nullable_ref": None}
    obj = nl.Presence(
        **{**base, "required_nullable_ref": {"city": "Oslo"}}, optional_nullable_ref={"city": "Rome", "zip": "001"}
    )
    assert isinstance(obj.required_nullable_ref, nl.Address)
    assert isinstance(obj.optional_nullable_ref, nl.Address)
    # The nested Address.zip is unset, so it is omitted inside the nested object too.
    assert sent(obj) == {
        **base,
        "required_nullable_ref": {"city": "Oslo"},
        "optional_nullable_ref": {"city": "Rome", "zip": "001"},
    }


def test_30_nullable_enums(nl: Any) -> None:
    base = FOUR["nullable"]["base"]
    obj = nl.Presence(**base, optional_nullable_enum_ref=None, nullable_enum=None, nullable_enum_unlisted=None)
    assert sent(obj) == {
        **base,
        "optional_nullable_enum_ref": None,
        "nullable_enum": None,
        "nullable_enum_unlisted": None,
    }
    obj = nl.Presence(**base, optional_nullable_enum_ref="red", nullable_enum="small", nullable_enum_unlisted="left")
    assert obj.optional_nullable_enum_ref is nl.Color.RED
    assert obj.nullable_enum == "small" and isinstance(obj.nullable_enum, nl.PresenceNullableEnum)
    assert isinstance(obj.nullable_enum_unlisted, nl.PresenceNullableEnumUnlisted)
    assert sent(obj) == {
        **base,
        "optional_nullable_enum_ref": "red",
        "nullable_enum": "small",
        "nullable_enum_unlisted": "left",
    }
    # null is nullability, not an enum value: the enum has no member for it.
    assert None not in [v.value for v in nl.PresenceNullableEnum]


def test_30_nullable_array_items_and_nullable_array(nl: Any) -> None:
    base = FOUR["nullable"]["base"]
    obj = nl.Presence(**base, nullable_items=[1, None, 3], nullable_array=None)
    assert sent(obj) == {**base, "nullable_items": [1, None, 3], "nullable_array": None}
    # The array itself is optional but not nullable: None leaves it out.
    assert sent(nl.Presence(**base, nullable_items=None)) == base
    assert sent(nl.Presence(**base, nullable_array=[])) == {**base, "nullable_array": []}
    with pytest.raises(ValidationError):
        nl.Presence(**base, nullable_array=["a", None])


def test_30_nullable_inline_object(nl: Any) -> None:
    base = FOUR["nullable"]["base"]
    assert sent(nl.Presence(**base, nullable_object=None)) == {**base, "nullable_object": None}
    obj = nl.Presence(**base, nullable_object={"note": "n"})
    assert isinstance(obj.nullable_object, nl.PresenceNullableObject)
    assert sent(obj) == {**base, "nullable_object": {"note": "n"}}


# -- 3.1 specifics


R31 = FOUR["nullable31"]["base"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("opt_any_of", None),
        ("opt_any_of", True),
        ("opt_ref_one_of", None),
        ("opt_ref_one_of", {"x": 1.5, "y": 2.5}),
        ("opt_enum_ref", None),
        ("opt_enum_ref", "fast"),
        ("opt_inline_enum", None),
        ("opt_inline_enum", "low"),
        ("opt_nullable_items", [1, None, 2]),
        ("opt_nullable_ref_items", [{"x": 0.5, "y": 0.5}, None]),
        ("opt_union", None),
        ("opt_union", "end"),
        ("opt_union", ["a", "b"]),
    ],
)
def test_31_optional_nullable_spellings(nl31: Any, field: str, value: Any) -> None:
    assert sent(nl31.Record(**R31, **{field: value})) == {**R31, field: value}
    assert sent(nl31.Record.model_validate({**R31, field: value})) == {**R31, field: value}


@pytest.mark.parametrize(
    "field, value",
    [
        ("req_any_of", None),
        ("req_ref", None),
        ("req_ref", {"x": 1.5, "y": 2.5}),
        ("req_union", None),
        ("req_union", "x"),
        ("req_union", ["a", "b"]),
    ],
)
def test_31_required_nullable_spellings(nl31: Any, field: str, value: Any) -> None:
    assert sent(nl31.Record(**{**R31, field: value})) == {**R31, field: value}


def test_31_nullable_union_rejects_other_types(nl31: Any) -> None:
    with pytest.raises(ValidationError):
        nl31.Record(**{**R31, "req_union": 5})
    with pytest.raises(ValidationError):
        nl31.Record(**R31, opt_union=[1, 2])


def test_31_nullable_enum_and_ref_types(nl31: Any) -> None:
    obj = nl31.Record(**{**R31, "req_ref": {"x": 1.0, "y": 2.0}}, opt_enum_ref="safe", opt_inline_enum="high")
    assert isinstance(obj.req_ref, nl31.Point)
    assert obj.opt_enum_ref is nl31.Mode.SAFE
    assert isinstance(obj.opt_inline_enum, nl31.RecordOptInlineEnum)
    assert None not in [v.value for v in nl31.RecordOptInlineEnum]


def test_31_optional_ref_to_nullable_component(nl31: Any) -> None:
    """`opt_maybe_name: $ref MaybeName` where MaybeName is `type: [string, "null"]`: the property can be
    null, so it is optional *and* nullable: unset is omitted, None is sent as null."""
    assert sent(nl31.Record(**R31)) == R31
    assert sent(nl31.Record(**R31, opt_maybe_name="n")) == {**R31, "opt_maybe_name": "n"}
    assert sent(nl31.Record(**R31, opt_maybe_name=None)) == {**R31, "opt_maybe_name": None}


def test_31_ref_to_nullable_union_component(nl31: Any) -> None:
    """`$ref MaybePoints` where MaybePoints is `anyOf [Point, array of Point, null]`."""
    assert sent(nl31.Record(**{**R31, "req_maybe_points": None})) == {**R31, "req_maybe_points": None}
    points = [{"x": 1.5, "y": 2.5}]
    assert sent(nl31.Record(**{**R31, "req_maybe_points": points})) == {**R31, "req_maybe_points": points}
    assert sent(nl31.Record(**R31, opt_maybe_points=None)) == {**R31, "opt_maybe_points": None}
    assert sent(nl31.Record(**R31, opt_maybe_points=points)) == {**R31, "opt_maybe_points": points}


def test_31_response_nullable_datetime(nl31: Any) -> None:
    wire = {"id": "r1", "record": R31, "deleted_at": None}
    out = nl31.RecordOut.model_validate(wire)
    assert out.deleted_at is None
    assert out.model_dump(mode="json", by_alias=True) == wire
    wire = {"id": "r1", "record": R31, "deleted_at": "2024-05-06T07:08:09Z"}
    out = nl31.RecordOut.model_validate(wire)
    assert out.deleted_at == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    assert out.model_dump(mode="json", by_alias=True) == wire


# ---------------------------------------------------------------- closed and open models


def test_request_only_closed_model_rejects_unknown_keys(nl: Any, un: Any, en: Any) -> None:
    with pytest.raises(ValidationError):
        nl.SettingsPatch(theme=None, bogus=1)
    with pytest.raises(ValidationError):
        nl.SettingsPatch.model_validate({"theme": None, "bogus": 1})
    with pytest.raises(ValidationError):
        un.CompletionRequest.model_validate({"messages": [], "temperature": 1})
    with pytest.raises(ValidationError):  # a closed member of a request-side union
        un.CompletionRequest.model_validate({"messages": [{"role": "user", "content": "u", "name": "x"}]})
    with pytest.raises(ValidationError):
        en.JobIn.model_validate({"priority": 1, "colour": "red"})


def test_request_only_closed_model_sends_its_fields(nl: Any) -> None:
    # `region` is required with a default: left out, it is still sent, with the default.
    assert sent(nl.SettingsPatch(theme=None)) == {"theme": None, "region": "eu-west"}
    assert sent(nl.SettingsPatch(theme="dark", region="us", font_size=None, language=None)) == {
        "theme": "dark",
        "region": "us",
        "font_size": None,
    }


def test_a_required_body_field_with_a_default_is_an_optional_argument_that_is_sent(golden: Path) -> None:
    import inspect

    import httpx

    package = importlib.import_module("nullable")
    parameters = inspect.signature(importlib.import_module("nullable.presence").Presence.patch_settings).parameters
    assert parameters["region"].default == "eu-west" and parameters["region"].annotation in ("str", str)
    assert parameters["theme"].default is inspect.Parameter.empty  # required without a default: still required
    bodies: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(204)

    with package.Nullable(server_url="https://api.test", client=httpx.Client(transport=httpx.MockTransport(handler))) as sdk:
        sdk.presence.patch_settings(theme="dark")
        sdk.presence.patch_settings(theme="dark", region="us")
    assert bodies == [{"theme": "dark", "region": "eu-west"}, {"theme": "dark", "region": "us"}]


def test_only_a_default_of_the_fields_own_plain_type_makes_a_required_field_optional() -> None:
    from generator.ir import types as t
    from generator.ir.schemas import _plain_default

    assert _plain_default(t.Primitive("str"), "mistral-embed")
    assert _plain_default(t.Primitive("float"), 1) and _plain_default(t.Primitive("bool"), False)
    assert not _plain_default(t.Primitive("int"), "30")  # the spec's default does not fit: the field stays required
    assert not _plain_default(t.Primitive("int"), True)
    assert not _plain_default(t.Primitive("str"), None)
    assert not _plain_default(t.Primitive("datetime"), "2024-01-01T00:00:00Z")
    assert not _plain_default(t.Ref("Color", "enum", "color"), "red")  # an enum member would need converting


@pytest.mark.parametrize(
    "case, name, payload",
    [
        # closed in the spec but also received: a server's new field must not break an old SDK
        ("nullable", "Presence", {**FOUR["nullable"]["base"], "added_later": {"x": 1}}),
        ("nullable", "PresenceEcho", {"presence": FOUR["nullable"]["base"], "stored_at": None, "added_later": [1, 2]}),
        ("unions", "DeltaEvent", {"type": "delta", "text": "t", "index": 3}),
        ("unions", "CompletionResponse", {"id": "r", "events": [], "usage": {"tokens": 3}}),
        ("enums", "Job", {"object": "job", "id": "j", "status": "queued", "priority": 1, "owner": "me"}),
        ("names", "Collisions", {"upper": {}, "lower": {}, "extra": None}),
    ],
)
def test_response_models_keep_unknown_fields(golden: Path, case: str, name: str, payload: dict[str, Any]) -> None:
    model = getattr(_models(case), name)
    obj = model.model_validate(payload)
    known = set(wire_names(model).values())
    assert obj.model_extra == {k: v for k, v in payload.items() if k not in known}
    assert obj.model_dump(mode="json", by_alias=True) == payload
    assert json.loads(obj.model_dump_json()) == payload


# ---------------------------------------------------------------- wire names

THING_REQUIRED = {"class": "c", "from": "f", "str": "s"}

# wire name → the Python name the naming rules give it (snake_case; keywords and pydantic's
# reserved names get a suffix; builtins that annotations use get one too; soft keywords are legal
# identifiers and are left alone, so the output does not depend on the Python running gen).
THING_PYTHON_NAMES = {
    "class": "class_",
    "from": "from_",
    "import": "import_",
    "str": "str_",
    "date": "date_",
    "int": "int_",
    "when": "when",
    "count": "count",
    "name": "name",
    "model_config": "model_config_",
    "schema": "schema_",
    "json": "json_",
    "copy": "copy_",
    "dict": "dict_",
    "createdAt": "created_at",
    "x-rate-limit": "x_rate_limit",
    "type": "type",
    "match": "match",
    "café": "café",
    "名前": "名前",
}

THING_FULL = {
    "class": "c",
    "from": "f",
    "import": True,
    "str": "s",
    "date": "2024-01-02",
    "int": 3,
    "when": "2024-02-03",
    "count": 4,
    "name": "n",
    "model_config": "mc",
    "schema": "sc",
    "json": "js",
    "copy": "cp",
    "dict": "dc",
    "createdAt": "yesterday",
    "x-rate-limit": 10,
    "a.b": "dotted",
    "a_b": "snake",
    "1st": "first",
    "Value": 1,
    "value": 2,
    "type": "t",
    "match": "m",
    "café": "crème",
    "名前": "なまえ",
}


def test_python_names_follow_the_rules(nm: Any) -> None:
    by_wire = {wire: name for name, wire in wire_names(nm.Thing).items()}
    assert set(by_wire) == set(THING_FULL), "every property is a field, under its wire name"
    assert {w: by_wire[w] for w in THING_PYTHON_NAMES} == THING_PYTHON_NAMES


def test_python_names_are_safe_identifiers(golden: Path) -> None:
    base_attributes = set(dir(pydantic.BaseModel))
    for case in CASES:
        m = _models(case)
        for model_name in exported_models(m):
            model = getattr(m, model_name)
            wires = list(wire_names(model).values())
            assert len(wires) == len(set(wires)), f"{case}.{model_name}: two fields share a wire name"
            for name in model.model_fields:
                assert name.isidentifier() and not keyword.iskeyword(name), (case, model_name, name)
                assert name not in base_attributes, f"{case}.{model_name}.{name} shadows BaseModel.{name}"
                assert not name.startswith("_"), (case, model_name, name)


def test_construct_with_python_names_dumps_wire_names(nm: Any) -> None:
    obj = nm.Thing(class_="c", from_="f", str_="s", created_at="now", x_rate_limit=5, model_config_="mc", json_="j")
    expected = {
        "class": "c",
        "from": "f",
        "str": "s",
        "createdAt": "now",
        "x-rate-limit": 5,
        "model_config": "mc",
        "json": "j",
    }
    assert sent(obj) == expected
    assert obj.model_dump(by_alias=True) == expected


def test_construct_with_wire_names(nm: Any) -> None:
    obj = nm.Thing(**{"class": "c", "from": "f", "str": "s", "x-rate-limit": 5, "createdAt": "now"})
    assert (obj.class_, obj.from_, obj.str_, obj.x_rate_limit, obj.created_at) == ("c", "f", "s", 5, "now")
    obj = nm.Thing.model_validate({**THING_REQUIRED, "1st": "one", "a.b": "ab"})
    assert sent(obj) == {**THING_REQUIRED, "1st": "one", "a.b": "ab"}


def test_full_thing_round_trips(nm: Any) -> None:
    obj = nm.Thing.model_validate(THING_FULL)
    assert obj.model_dump(mode="json", by_alias=True) == THING_FULL
    assert sent(obj) == THING_FULL
    assert obj.model_extra == {}


@pytest.mark.parametrize(
    "extra",
    [
        {"a_b": "snake"},  # `a_b` is also the Python name `a.b` would get
        {"a.b": "dotted"},
        {"value": 2},  # `value` and `Value` differ only in case
        {"Value": 1},
    ],
)
def test_fields_with_similar_names_do_not_read_each_other(nm: Any, extra: dict[str, Any]) -> None:
    payload = {**THING_REQUIRED, **extra}
    assert nm.Thing.model_validate(payload).model_dump(mode="json", by_alias=True) == payload


def test_builtin_named_fields_do_not_shadow_annotations(nm: Any) -> None:
    obj = nm.Thing.model_validate(
        {**THING_REQUIRED, "date": "2024-01-02", "when": "2024-02-03", "int": 1, "count": 2, "name": "n"}
    )
    assert obj.date_ == dt.date(2024, 1, 2) and obj.when == dt.date(2024, 2, 3)
    assert type(obj.int_) is int and type(obj.count) is int and type(obj.name) is str
    with pytest.raises(ValidationError):
        nm.Thing.model_validate({**THING_REQUIRED, "when": "not a date"})
    with pytest.raises(ValidationError):
        nm.Thing.model_validate({**THING_REQUIRED, "count": "many"})


def test_pydantic_attributes_survive_reserved_field_names(nm: Any) -> None:
    obj = nm.Thing.model_validate(
        {**THING_REQUIRED, "model_config": "a", "schema": "b", "json": "c", "copy": "d", "dict": "e"}
    )
    assert (obj.model_config_, obj.schema_, obj.json_, obj.copy_, obj.dict_) == ("a", "b", "c", "d", "e")
    assert isinstance(nm.Thing.model_config, dict)
    assert callable(obj.model_copy) and callable(obj.model_dump)


def test_schema_names_that_collide(nm: Any) -> None:
    runtime = _runtime("names")
    c = nm.Collisions.model_validate(
        {"upper": {"upper": True}, "lower": {"lower": False}, "base_model": {"base": "b"}, "unset": {"unset": "u"}}
    )
    assert type(c.upper) is nm.Foo and c.upper.upper is True
    assert type(c.lower) is not nm.Foo and c.lower.lower is False
    assert c.base_model.base == "b" and type(c.base_model) is not runtime.BaseModel
    assert isinstance(c.base_model, runtime.BaseModel)  # it is still one of the SDK's models
    assert c.unset.unset == "u" and type(c.unset) is not runtime.Unset
    # the sentinel still works in the module that imports the colliding names
    assert nm.Collisions.model_fields["unset"].default is None


def test_module_files_differ_in_more_than_case(golden: Path) -> None:
    for case in CASES:
        files = [p.name for p in (golden / case / "src" / case / "models").iterdir()]
        assert len({f.lower() for f in files}) == len(files), case


# ---------------------------------------------------------------- enums


def test_open_string_enum(en: Any) -> None:
    assert en.Status("queued") is en.Status.QUEUED
    assert en.Status.QUEUED == "queued" and isinstance(en.Status.QUEUED, str)
    new = en.Status("archived")
    assert isinstance(new, en.Status) and new == "archived" and new.value == "archived" and str(new) == "archived"
    assert en.Status("archived") == en.Status("archived")


def test_open_int_enum(en: Any) -> None:
    assert en.Priority(2) == 2 and en.Priority(2) in list(en.Priority)
    new = en.Priority(9)
    assert isinstance(new, en.Priority) and new == 9 and new.value == 9
    assert [v.value for v in en.Level] == [-1, 0, 1]
    assert en.Level(-1).value == -1


def test_open_enums_in_a_response_keep_unknown_values(en: Any) -> None:
    wire = {
        "object": "job",
        "id": "j",
        "status": "paused",
        "priority": 9,
        "history": ["queued", "archived"],
        "mode": "hybrid",
        "stage": "deploy",
    }
    job = en.Job.model_validate(wire)
    assert isinstance(job.status, en.Status) and job.status == "paused"
    assert isinstance(job.priority, en.Priority) and job.priority == 9
    assert job.history == ["queued", "archived"] and job.history[0] is en.Status.QUEUED
    assert isinstance(job.stage, en.JobStage)
    assert job.model_dump(mode="json", by_alias=True) == wire
    assert sent(job) == wire


def test_enum_member_names(en: Any) -> None:
    values = ["a-b", "a_b", "1st", "", "with space", "class", "None", "name", "value", "mro", "UPPER", "upper"]
    assert [m.value for m in en.Weird] == values, "every value is its own member, in spec order"
    for member in en.Weird:
        assert member.name.isidentifier() and not keyword.iskeyword(member.name), member.name
        assert en.Weird(member.value) is member
        assert getattr(en.Weird, member.name) is member
    assert en.Weird("") == ""


def test_single_value_enum_with_default_is_always_sent(en: Any) -> None:
    assert sent(en.JobIn(priority=1)) == {"priority": 1, "object": "job"}
    assert sent(en.JobIn.model_validate({"priority": 2})) == {"priority": 2, "object": "job"}
    with pytest.raises(ValidationError):
        en.JobIn.model_validate({"priority": 1, "object": "task"})


def test_spec_defaults_are_not_sent(en: Any) -> None:
    # `retries` has `default: 1`: documentation of the server, not a value the client sends.
    assert "retries" not in sent(en.JobIn(priority=1))
    assert sent(en.JobIn(priority=1, retries=3))["retries"] == 3


def test_inline_enums_are_named_parent_and_property(en: Any) -> None:
    assert en.JobInMode is not en.JobMode
    assert [v.value for v in en.JobInMode] == ["batch", "interactive"]
    assert isinstance(en.JobIn(priority=1, mode="batch").mode, en.JobInMode)
    assert isinstance(
        en.Job.model_validate({"id": "j", "status": "queued", "priority": 1, "mode": "batch"}).mode, en.JobMode
    )
    assert [v.value for v in en.JobInRetries] == [0, 1, 3]


# ---------------------------------------------------------------- unions


def test_plain_union_string_or_array(un: Any) -> None:
    assert sent(un.CompletionRequest(messages=[], stop="x")) == {"messages": [], "stop": "x"}
    assert sent(un.CompletionRequest(messages=[], stop=["a", "b"])) == {"messages": [], "stop": ["a", "b"]}
    with pytest.raises(ValidationError):
        un.CompletionRequest(messages=[], stop=5)


def test_union_of_model_and_enum(un: Any) -> None:
    r = un.CompletionRequest(messages=[], tool_choice="auto")
    assert r.tool_choice is un.ToolChoiceEnum.AUTO
    r = un.CompletionRequest(messages=[], tool_choice={"name": "f"})
    assert isinstance(r.tool_choice, un.ToolChoice)
    assert sent(r) == {"messages": [], "tool_choice": {"name": "f"}}
    assert sent(un.CompletionRequest(messages=[], tool_choice=un.ToolChoice(name="g")))["tool_choice"] == {"name": "g"}


def test_union_of_titled_inline_objects(un: Any) -> None:
    r = un.CompletionRequest(messages=[], content={"type": "text", "text": "hi"})
    assert type(r.content).__name__.endswith("TextChunk")
    assert sent(r)["content"] == {"type": "text", "text": "hi"}
    r = un.CompletionRequest(messages=[], content={"type": "image_url", "image_url": "u"})
    assert type(r.content).__name__.endswith("ImageChunk")
    assert sent(r)["content"] == {"type": "image_url", "image_url": "u"}
    with pytest.raises(ValidationError):
        un.CompletionRequest(messages=[], content={"type": "audio", "audio": "a"})


def test_type_list_union_keeps_each_type(un: Any) -> None:
    assert un.CompletionRequest(messages=[], seed=5).seed == 5
    assert type(un.CompletionRequest(messages=[], seed=5).seed) is int
    assert un.CompletionRequest(messages=[], seed="5").seed == "5"
    assert sent(un.CompletionRequest(messages=[], seed=5)) == {"messages": [], "seed": 5}


MESSAGES = [
    {"role": "system", "content": "s"},
    {"role": "user", "content": "u"},
    {"role": "developer", "content": "d"},
]


def test_discriminated_union_selects_member_from_dicts(un: Any) -> None:
    r = un.CompletionRequest.model_validate({"messages": MESSAGES})
    assert [type(m) for m in r.messages] == [un.SystemMessage, un.UserMessage, un.SystemMessage]
    assert sent(r) == {"messages": MESSAGES}


def test_discriminated_union_accepts_model_instances(un: Any) -> None:
    r = un.CompletionRequest(
        messages=[
            un.SystemMessage(role="system", content="s"),
            un.UserMessage(content="u"),
            {"role": "developer", "content": "d"},
        ]
    )
    assert [type(m) for m in r.messages] == [un.SystemMessage, un.UserMessage, un.SystemMessage]
    assert sent(r) == {"messages": MESSAGES}


def test_const_fields_are_always_sent(un: Any) -> None:
    assert sent(un.UserMessage(content="u")) == {"role": "user", "content": "u"}
    assert sent(un.StartEvent(model="m")) == {"type": "start", "model": "m"}
    with pytest.raises(ValidationError):
        un.UserMessage(role="system", content="u")


def test_request_side_union_rejects_unknown_tags(un: Any) -> None:
    with pytest.raises(ValidationError):
        un.CompletionRequest.model_validate({"messages": [{"role": "robot", "content": "x"}]})
    with pytest.raises(ValidationError):
        TypeAdapter(un.Message).validate_python({"role": "robot", "content": "x"})
    with pytest.raises(ValidationError):
        un.CompletionRequest.model_validate({"messages": [{"content": "no role"}]})


def test_discriminator_without_mapping(un: Any) -> None:
    r = un.CompletionRequest.model_validate(
        {"messages": [], "shapes": [{"kind": "circle", "radius": 1.5}, {"kind": "Square", "side": 2.0}]}
    )
    assert [type(s) for s in r.shapes] == [un.Circle, un.Square]
    r = un.CompletionRequest(messages=[], shapes=[un.Square(kind="Square", side=1.0), un.Circle(radius=2.0)])
    assert sent(r) == {"messages": [], "shapes": [{"kind": "Square", "side": 1.0}, {"kind": "circle", "radius": 2.0}]}
    with pytest.raises(ValidationError):
        un.CompletionRequest.model_validate({"messages": [], "shapes": [{"kind": "triangle", "side": 1.0}]})


EVENTS = [
    {"type": "start", "model": "m"},
    {"type": "delta", "text": "t"},
    {"type": "tool_call", "name": "search", "arguments": {"q": 1}},
    {"type": "done", "reason": None},
]


def test_response_union_keeps_unknown_tags(un: Any) -> None:
    unknown = _runtime("unions").UnknownVariant
    wire = {"id": "r", "events": EVENTS}
    r = un.CompletionResponse.model_validate(wire)
    assert [type(e) for e in r.events] == [un.StartEvent, un.DeltaEvent, unknown, un.DoneEvent]
    assert r.events[2].raw == EVENTS[2]
    assert r.model_dump(mode="json", by_alias=True) == wire
    assert json.loads(r.model_dump_json()) == wire
    assert un.CompletionResponse.model_validate_json(json.dumps(wire)).model_dump(mode="json") == wire


def test_response_union_by_type_adapter(un: Any) -> None:
    unknown = _runtime("unions").UnknownVariant
    ta = TypeAdapter(un.Event)
    assert type(ta.validate_python({"type": "start", "model": "m"})) is un.StartEvent
    v = ta.validate_python({"type": "future", "payload": [1]})
    assert isinstance(v, unknown) and v.raw == {"type": "future", "payload": [1]}
    assert ta.dump_python(v, mode="json") == {"type": "future", "payload": [1]}
    assert ta.validate_python(un.DoneEvent(type="done")).type == "done"


def test_response_union_known_tag_with_bad_body_is_an_error(un: Any) -> None:
    # An open union keeps tags it does not know; a tag it knows with a broken body is still an error.
    with pytest.raises(ValidationError):
        un.CompletionResponse.model_validate({"id": "r", "events": [{"type": "delta"}]})


def test_response_plain_union(un: Any) -> None:
    for result in ("s", 5, {"name": "f"}):
        wire = {"id": "r", "events": [], "result": result}
        r = un.CompletionResponse.model_validate(wire)
        assert r.model_dump(mode="json", by_alias=True) == wire
    assert type(un.CompletionResponse.model_validate({"id": "r", "events": [], "result": 5}).result) is int
    assert isinstance(
        un.CompletionResponse.model_validate({"id": "r", "events": [], "result": {"name": "f"}}).result, un.ToolChoice
    )


# ---------------------------------------------------------------- composition


DOCUMENT = {
    "id": "d1",
    "created_at": "2024-05-06T07:08:09Z",
    "tags": ["a"],
    "title": "T",
    "published_on": "2024-05-06",
    "owner": {"id": "o"},
    "labels": {"k": "v"},
    "metadata": {"any": [1, {"b": None}], "n": None},
    "free": {"x": {"y": 1}},
    "parts": {"p": {"tags": ["x"]}, "q": {}},
    "matrix": [[1.5, 2.5], []],
    "tree": {"name": "root", "children": [{"name": "leaf"}]},
    "pair": {"label": "a", "b": {"count": 1, "a": {"label": "inner"}}},
}


def test_allof_merges_parts_and_extra_required(co: Any) -> None:
    required = {wire_names(co.Document)[n] for n, f in co.Document.model_fields.items() if f.is_required()}
    assert required == {"id", "tags", "title"}
    assert set(wire_names(co.Document).values()) == set(DOCUMENT)
    for missing in ("id", "tags", "title"):
        with pytest.raises(ValidationError):
            co.Document.model_validate({k: v for k, v in DOCUMENT.items() if k != missing})


def test_document_types(co: Any) -> None:
    d = co.Document.model_validate(DOCUMENT)
    assert d.created_at == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    assert d.published_on == dt.date(2024, 5, 6)
    assert isinstance(d.owner, co.Identified)
    assert all(isinstance(v, co.Tagged) for v in d.parts.values())
    assert isinstance(d.tree, co.Node) and isinstance(d.tree.children[0], co.Node)
    assert isinstance(d.pair, co.PairA) and isinstance(d.pair.b, co.PairB) and isinstance(d.pair.b.a, co.PairA)
    assert d.model_dump(mode="json", by_alias=True) == DOCUMENT


def test_maps(co: Any) -> None:
    base = {"id": "d", "tags": [], "title": "t"}
    with pytest.raises(ValidationError):
        co.Document.model_validate({**base, "labels": {"k": 1}})
    with pytest.raises(ValidationError):
        co.Document.model_validate({**base, "parts": {"k": {"tags": "not a list"}}})
    for field in ("metadata", "free"):
        value = {"s": "x", "n": 1, "l": [None], "d": {"e": {}}}
        assert sent(co.Document.model_validate({**base, field: value}))[field] == value


def test_allof_single_ref_alias(co: Any) -> None:
    # Upload is a multipart body: its binary property is a file to upload (name, content, type),
    # which also accepts plain bytes.
    u = co.Upload.model_validate({"file": b"abc", "summary": {"id": "s", "created_at": "2024-05-06T07:08:09Z"}})
    assert isinstance(u.summary, co.Identified)
    assert u.file.content == b"abc"
    assert u.file.file_name == "upload"
    named = co.Upload(file={"file_name": "a.txt", "content": b"\x00\x01", "content_type": "text/plain"})
    assert (named.file.file_name, named.file.content, named.file.content_type) == ("a.txt", b"\x00\x01", "text/plain")


def _node(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"name": "leaf"}
    for i in range(depth):
        node = {"name": f"n{i}", "children": [node, {"name": f"x{i}", "children": []}]}
    return node


def _pair(depth: int) -> dict[str, Any]:
    pair: dict[str, Any] = {"label": "end"}
    for i in range(depth):
        pair = {"label": f"a{i}", "b": {"count": i, "a": pair}}
    return pair


def _expr(depth: int) -> dict[str, Any]:
    expr: dict[str, Any] = {"value": 0.5}
    for i in range(depth):
        expr = {"op": "add" if i % 2 else "mul", "left": expr, "right": {"value": float(i)}}
    return expr


def test_recursive_model_deep(co: Any) -> None:
    wire = _node(50)
    node = co.Node.model_validate(wire)
    depth = 0
    while node.children:
        node = node.children[0]
        depth += 1
    assert depth == 50
    assert co.Node.model_validate(wire).model_dump(mode="json", by_alias=True) == wire
    assert co.Node.model_validate_json(co.Node.model_validate(wire).model_dump_json()) == co.Node.model_validate(wire)


def test_two_schema_cycle_deep(co: Any) -> None:
    wire = _pair(50)
    pair = co.PairA.model_validate(wire)
    for _ in range(50):
        assert isinstance(pair, co.PairA) and isinstance(pair.b, co.PairB)
        pair = pair.b.a
    assert pair.label == "end"
    assert co.PairA.model_validate(wire).model_dump(mode="json", by_alias=True) == wire
    assert sent(co.PairB(a=co.PairA(b=co.PairB(count=1)))) == {"a": {"b": {"count": 1}}}


def test_recursion_through_a_union_deep(co: Any) -> None:
    wire = _expr(50)
    ta = TypeAdapter(co.Expr)
    expr = ta.validate_python(wire)
    for _ in range(50):
        assert isinstance(expr, co.BinOp)
        expr = expr.left
    assert expr.value == 0.5 and not isinstance(expr, co.BinOp)
    assert ta.dump_python(ta.validate_python(wire), mode="json") == wire
    assert co.BinOp.model_validate(wire).model_dump(mode="json", by_alias=True) == wire
    leaf = ta.validate_python({"value": 1.0})
    op = co.BinOp(op="add", left=leaf, right={"value": 2.0})
    assert sent(op) == {"op": "add", "left": {"value": 1.0}, "right": {"value": 2.0}}


def _json_value(depth: int) -> Any:
    value: Any = "leaf"
    for i in range(depth):
        value = {"k": [value, i + 0.5, True]} if i % 2 else [value, {"s": "x"}]
    return value


def test_union_that_contains_itself(co: Any) -> None:
    ta: TypeAdapter[Any] = TypeAdapter(co.JsonValue)
    for wire in ("s", 1.5, True, [], {}, ["a", [1.5, {"b": [False]}]], _json_value(50)):
        assert ta.dump_python(ta.validate_python(wire), mode="json") == wire
    with pytest.raises(ValidationError):
        ta.validate_python({"k": [None]})


# ---------------------------------------------------------------- every model round-trips

NB = FOUR["nullable"]["base"]

# Hand-written wire payloads, model name → payloads; `Model.model_validate(x).model_dump(mode="json",
# by_alias=True) == x` for each. Null and absent are both represented where the field allows them.
SAMPLES: dict[str, dict[str, list[Any]]] = {
    "nullable": {
        "Address": [{"city": "c"}, {"city": "c", "zip": "z"}],
        "PresenceNullableObject": [{}, {"note": "n"}],
        "Presence": [
            NB,
            {"required_plain": "a", "required_nullable": None, "required_nullable_ref": {"city": "c"}},
            {
                **NB,
                "optional_plain": 1,
                "optional_nullable": None,
                "optional_nullable_ref": None,
                "optional_nullable_enum_ref": None,
                "nullable_enum": None,
                "nullable_enum_unlisted": None,
                "nullable_items": [None, 1],
                "nullable_array": None,
                "nullable_object": None,
            },
            {
                **NB,
                "optional_nullable": 2,
                "optional_nullable_ref": {"city": "c", "zip": "z"},
                "optional_nullable_enum_ref": "blue",
                "nullable_enum": "large",
                "nullable_enum_unlisted": "right",
                "nullable_items": [],
                "nullable_array": ["x"],
                "nullable_object": {"note": "n"},
            },
        ],
        "PresenceEcho": [
            {"presence": NB, "stored_at": None},
            {"presence": NB, "stored_at": "2024-01-02T03:04:05Z", "previous": None},
            {"presence": NB, "stored_at": "2024-01-02T03:04:05.123000+02:00", "previous": NB},
        ],
        "SettingsPatch": [
            {"theme": None, "region": "eu-west"},
            {"theme": "dark", "region": "us-east", "font_size": None, "language": "en"},
            {"theme": None, "region": "eu-west", "font_size": 12},
        ],
    },
    "nullable31": {
        "Point": [{"x": 1.5, "y": -2.5}],
        "Record": [
            R31,
            {
                **R31,
                "req_type_list": None,
                "req_any_of": None,
                "req_ref": {"x": 1.0, "y": 2.0},
                "req_union": None,
                "req_maybe_points": None,
            },
            {**R31, "req_any_of": 2.5, "req_union": ["a", "b"], "req_maybe_points": []},
            {
                **R31,
                "opt_type_list": None,
                "opt_any_of": None,
                "opt_plain": "p",
                "opt_ref_one_of": None,
                "opt_enum_ref": None,
                "opt_inline_enum": None,
                "opt_nullable_items": [None],
                "opt_nullable_ref_items": [None, {"x": 1.0, "y": 1.0}],
                "opt_union": None,
                "opt_maybe_name": None,
                "opt_maybe_points": None,
            },
            {
                **R31,
                "opt_type_list": 3,
                "opt_any_of": False,
                "opt_ref_one_of": {"x": 1.0, "y": 1.0},
                "opt_enum_ref": "safe",
                "opt_inline_enum": "high",
                "opt_union": ["z"],
                "opt_maybe_name": "name",
                "opt_maybe_points": {"x": 1.0, "y": 1.0},
            },
        ],
        "RecordOut": [{"id": "i", "record": R31}, {"id": "i", "record": R31, "deleted_at": None}],
    },
    "resources": {
        "APIEndpoint": [{}, {"URL": "https://x"}],
        "ChatRequest": [{"model": "m"}],
        "Customer": [{"id": "c", "email": "e"}],
        "Source": [{"id": "s", "last4": "4242"}],
        # every acronym-laden wire name comes back as it was sent
        "Droplet": [
            {
                "floatingIPs": ["1.2.3.4"],
                "reservedIPv6": "::1",
                "VPCs": ["v"],
                "accessMTLSAuthentication": True,
                "1ClickApplications": ["wordpress"],
                "userIDs": ["u"],
                "OAuth2Token": "t",
                "HTTPSProxy": "p",
                "IPv4Address": "1.2.3.4",
                "createdAt": "2024-01-01T00:00:00Z",
            }
        ],
    },
    "unions": {
        "SystemMessage": [{"role": "system", "content": "s"}, {"role": "developer", "content": "d"}],
        "UserMessage": [{"role": "user", "content": "u"}],
        "ToolChoice": [{"name": "f"}],
        "Circle": [{"kind": "circle", "radius": 1.0}],
        "Square": [{"kind": "Square", "side": 1.0}],
        "StartEvent": [{"type": "start", "model": "m"}],
        "DeltaEvent": [{"type": "delta", "text": ""}],
        "DoneEvent": [{"type": "done"}, {"type": "done", "reason": None}, {"type": "done", "reason": "stop"}],
        "CompletionRequestContentTextChunk": [{"type": "text", "text": "t"}],
        "CompletionRequestContentImageChunk": [{"type": "image_url", "image_url": "u"}],
        "CompletionRequest": [
            {"messages": []},
            {
                "messages": MESSAGES,
                "stop": ["a"],
                "tool_choice": "none",
                "content": {"type": "text", "text": "t"},
                "seed": "s",
                "shapes": [{"kind": "circle", "radius": 1.0}, {"kind": "Square", "side": 2.0}],
            },
            {"messages": [], "stop": "x", "tool_choice": {"name": "f"}, "seed": 1},
        ],
        "CompletionResponse": [
            {"id": "r", "events": [], "result": "x"},
            {"id": "r", "events": EVENTS},
            {"id": "r", "events": [], "result": 2},
            {"id": "r", "events": [], "result": {"name": "n"}},
        ],
    },
    "composition": {
        "Identified": [{"id": "i"}, {"id": "i", "created_at": "2024-01-02T03:04:05Z"}],
        "Tagged": [{}, {"tags": []}, {"tags": ["a", "b"]}],
        "Document": [{"id": "d", "tags": [], "title": "t"}, DOCUMENT],
        "Node": [{"name": "n"}, {"name": "n", "children": []}, _node(3)],
        "PairA": [{}, _pair(3)],
        "PairB": [{}, {"count": 0, "a": {"b": {}}}],
        "Literal2": [{"value": 1.5}],
        "BinOp": [_expr(3)],
    },
    "enums": {
        "JobIn": [
            {"priority": 1, "object": "job"},
            {"priority": 3, "object": "job", "level": -1, "weird": "", "mode": "interactive", "retries": 0},
            {"priority": 2, "object": "job", "level": 0, "weird": "with space"},
        ],
        "Job": [
            {"object": "job", "id": "j", "status": "queued", "priority": 1},
            {
                "object": "job",
                "id": "j",
                "status": "failed",
                "priority": 3,
                "history": [],
                "mode": "batch",
                "stage": None,
            },
            {"object": "job", "id": "j", "status": "new", "priority": 4, "history": ["new", "queued"], "stage": "eval"},
        ],
    },
    "names": {
        "Thing": [THING_REQUIRED, THING_FULL],
        "Foo": [{}, {"upper": True}],
        "Foo2": [{}, {"lower": False}],
        "BaseModel2": [{}, {"base": "b"}],
        "Unset2": [{}, {"unset": "u"}],
        "Collisions": [
            {"upper": {}, "lower": {}},
            {"upper": {"upper": False}, "lower": {"lower": True}, "base_model": {}, "unset": {"unset": "x"}},
        ],
    },
}

# Unions and aliases, through a TypeAdapter.
UNION_SAMPLES: dict[str, dict[str, list[Any]]] = {
    "nullable31": {
        "RecordReqUnion": ["x", ["x"]],
        "RecordOptUnion": ["x", []],
        "MaybeName": ["x", None],
        "MaybePoints": [None, {"x": 1.0, "y": 1.0}, []],
    },
    "unions": {
        "Message": MESSAGES,
        "Event": EVENTS,
        "Shape": [{"kind": "circle", "radius": 1.0}, {"kind": "Square", "side": 1.0}],
        "CompletionRequestStop": ["x", ["x", "y"]],
        "CompletionRequestToolChoice": ["any", {"name": "f"}],
        "CompletionRequestSeed": ["1", 1],
        "CompletionResponseResult": ["1", 1, {"name": "f"}],
        "CompletionRequestContent": [{"type": "text", "text": "t"}, {"type": "image_url", "image_url": "u"}],
    },
    "composition": {
        "Expr": [{"value": 1.0}, _expr(2)],
        "Summary": [{"id": "s"}],
        "JsonValue": ["s", [1.5, {"k": True}]],
    },
}

_MODEL_SAMPLES = [
    (case, name, i) for case, by_name in SAMPLES.items() for name, xs in by_name.items() for i in range(len(xs))
]
_UNION_SAMPLES = [
    (case, name, i) for case, by_name in UNION_SAMPLES.items() for name, xs in by_name.items() for i in range(len(xs))
]


@pytest.mark.parametrize("case, name, i", _MODEL_SAMPLES, ids=[f"{c}-{n}-{i}" for c, n, i in _MODEL_SAMPLES])
def test_every_model_round_trips(golden: Path, case: str, name: str, i: int) -> None:
    model = getattr(_models(case), name)
    wire = SAMPLES[case][name][i]
    assert model.model_validate(wire).model_dump(mode="json", by_alias=True) == wire
    assert json.loads(model.model_validate_json(json.dumps(wire)).model_dump_json()) == wire


@pytest.mark.parametrize("case, name, i", _UNION_SAMPLES, ids=[f"{c}-{n}-{i}" for c, n, i in _UNION_SAMPLES])
def test_every_union_round_trips(golden: Path, case: str, name: str, i: int) -> None:
    ta: TypeAdapter[Any] = TypeAdapter(getattr(_models(case), name))
    wire = UNION_SAMPLES[case][name][i]
    assert ta.dump_python(ta.validate_python(wire), mode="json", by_alias=True) == wire
    assert json.loads(ta.dump_json(ta.validate_json(json.dumps(wire)), by_alias=True)) == wire


@pytest.mark.parametrize("case", CASES)
def test_samples_cover_every_model(golden: Path, case: str) -> None:
    # Multipart bodies carry files, not JSON: test_allof_single_ref_alias covers Upload.
    multipart_only = {"composition": ["Upload"]}.get(case, [])
    assert sorted(exported_models(_models(case))) == sorted([*SAMPLES.get(case, {}), *multipart_only])


# ---------------------------------------------------------------- the shape of the package


@pytest.mark.parametrize("case", CASES)
def test_typed_dict_twins(golden: Path, case: str) -> None:
    m = _models(case)
    for name, obj in _exports(m).items():
        if name.endswith("TypedDict") or (isinstance(obj, type) and issubclass(obj, (enum.Enum, Exception))):
            continue
        assert name + "TypedDict" in m.__all__, name
        if name in exported_models(m):
            twin = getattr(m, name + "TypedDict")
            assert is_typeddict(twin), name
            assert set(twin.__annotations__) == set(wire_names(obj).values()), name


@pytest.mark.parametrize("case", CASES)
def test_typed_dict_twin_required_keys(golden: Path, case: str) -> None:
    """`__required_keys__` / `__optional_keys__` of each twin say what its model requires (what
    runtime checkers and introspection read)."""
    m = _models(case)
    wrong = []
    for name in exported_models(m):
        model, twin = getattr(m, name), getattr(m, name + "TypedDict")
        wires = wire_names(model)
        required = {wires[n] for n, f in model.model_fields.items() if f.is_required()}
        if set(twin.__required_keys__) != required:
            wrong.append(f"{name}TypedDict: {sorted(twin.__required_keys__)} != {sorted(required)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("case", CASES)
def test_typed_dict_twin_validates_minimal_dicts(golden: Path, case: str) -> None:
    m = _models(case)
    for name, samples in SAMPLES[case].items():
        ta: TypeAdapter[Any] = TypeAdapter(getattr(m, name + "TypedDict"))
        assert ta.validate_python(samples[0]) is not None, name


def _run(code: str, case: str, golden: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(golden / case / "src")}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), case], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.mark.parametrize("case", CASES)
def test_each_model_module_imports_on_its_own(golden: Path, case: str) -> None:
    """`import <pkg>.models.<module>` works first, in a fresh interpreter state, for every module,
    and what it defines is usable right away (import cycles between models included)."""
    result = _run(
        """
        import importlib, pathlib, sys
        import pydantic
        from pydantic import TypeAdapter
        case = sys.argv[1]
        folder = pathlib.Path(importlib.import_module(case).__file__).parent / "models"
        modules = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
        failures = []
        for module in modules:
            for name in [n for n in sys.modules if n == case or n.startswith(case + ".")]:
                del sys.modules[name]
            try:
                mod = importlib.import_module(f"{case}.models.{module}")
                for value in list(vars(mod).values()):
                    if getattr(value, "__module__", None) != mod.__name__:
                        continue
                    if isinstance(value, type) and issubclass(value, pydantic.BaseModel):
                        value.model_rebuild(raise_errors=True)
                        value.model_json_schema()
            except Exception as exc:
                failures.append(f"{module}: {type(exc).__name__}: {exc}")
        print("\\n".join(failures))
        sys.exit(1 if failures else 0)
        """,
        case,
        golden,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case", CASES)
def test_models_load_lazily(golden: Path, case: str) -> None:
    result = _run(
        """
        import sys
        case = sys.argv[1]
        import importlib
        m = importlib.import_module(case + ".models")
        importlib.import_module(case)
        loaded = [n for n in sys.modules if n.startswith(case + ".models.")]
        assert not loaded, f"importing the package loaded {loaded}"
        first = next(n for n in m.__all__ if not m._EXPORTS[n].startswith(".."))
        getattr(m, first)
        assert any(n.startswith(case + ".models.") for n in sys.modules)
        assert set(m.__all__) <= set(dir(m))
        # The package re-exports every model the same lazy way: one model loads its own modules only.
        for name in [n for n in sys.modules if n == case or n.startswith(case + ".")]:
            del sys.modules[name]
        pkg = importlib.import_module(case)
        m = importlib.import_module(case + ".models")
        assert not [n for n in sys.modules if n.startswith(case + ".models.")]
        assert set(m.__all__) <= set(pkg.__all__) <= set(dir(pkg)), set(m.__all__) - set(pkg.__all__)
        last = [n for n in m.__all__ if not m._EXPORTS[n].startswith("..")][-1]
        value = getattr(pkg, last)
        assert value is getattr(m, last)
        loaded = {n for n in sys.modules if n.startswith(case + ".models.")}
        assert case + ".models" + m._EXPORTS[last] in loaded and len(loaded) < len(set(m._EXPORTS.values())) - 1, loaded
        assert pkg.File is m.File and pkg.FileTypedDict is m.FileTypedDict
        try:
            getattr(pkg, "NoSuchModel")
        except AttributeError:
            pass
        else:
            raise AssertionError("an unknown name must raise AttributeError")
        """,
        case,
        golden,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case", CASES)
def test_unknown_model_names_raise_attribute_error(golden: Path, case: str) -> None:
    m = _models(case)
    with pytest.raises(AttributeError):
        m.NoSuchModel  # noqa: B018
    assert not hasattr(m, "NoSuchModelTypedDict")
    with pytest.raises(ImportError):
        exec(f"from {case}.models import NoSuchModel", {})
    # every exported name resolves, and is kept once loaded
    for name in m.__all__:
        assert getattr(m, name) is getattr(m, name), name
        assert name in vars(m), name


@pytest.mark.parametrize("case", CASES)
def test_generated_code_passes_mypy_strict(golden: Path, case: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            os.devnull,
            str(golden / case / "src"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_build_is_deterministic(golden: Path, tmp_path: Path) -> None:
    """Building again (another process, another hash seed) gives the same bytes."""
    for seed in ("0", "4242"):
        out = tmp_path / f"seed-{seed}"
        result = _gen("build", "tests/golden", "--out", str(out), env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        for case in CASES:
            again, first = _tree(out / case), _tree(golden / case)
            assert sorted(again) == sorted(first), case
            assert [p for p in first if first[p] != again[p]] == [], case
