"""Numbers as written: in a `type: number` field an int stays an int and a float a float, read and sent.

An SDK whose float fields turned `10` into `10.0` sent what the caller did not write, and read an id of 66138975 back
as 66138975.0 (`str(obj.id)` gave "66138975.0"). Here:
- every example of every golden case spec and of specs/mistral (`example` and `examples` of schemas, properties,
  parameters and media types) goes through the type the SDK gives that place and comes back unchanged, with the same
  JSON types (10 stays 10, 10.5 stays 10.5, 1e100 a float), read as Python data and as JSON text;
- what the runtime's `Number` accepts and refuses (bools, text where a union has a string member);
- the number_fields SDK on the wire, against the scripted socket server: JSON and form bodies, path and query
  parameters, and a response;
- mypy --strict on code that passes ints and floats, and refuses a string.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pydantic
import pytest
from conftest import ROOT, gen
from e2e.server import Server, json_response, respond
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config import load_config
from generator.ir import build_ir
from generator.ir import types as t
from generator.ir.schemas import SchemaConverter
from generator.load import load
from generator.pipeline import discover
from generator.render.annotations import _SOURCES, Spelling

GOLDEN = ROOT / "tests" / "golden"
CASES = sorted(p.parent.name for p in GOLDEN.glob("*/openapi.*"))
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Examples that do not fit their own schema, so that no SDK could keep them; each must still be refused.
INVALID = {
    ("names_injection", "/paths/~1things~1{id}/get/parameters/3/example"): "hostile text as an integer, on purpose",
}

# A serializer warning means a value does not match its annotation (a float field holding an int, say).
pytestmark = pytest.mark.filterwarnings("error:Pydantic serializer warnings")


# ---------------------------------------------------------------- the SDKs


def _purge(packages: set[str]) -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in packages:
            del sys.modules[name]


@pytest.fixture(scope="module")
def sdks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, str]]]:
    """API name → (its spec folder, its package), importable. The golden cases are built afresh (their committed
    output leaves the runtime out); Mistral's SDK is out/mistral, which test_golden keeps equal to the generator's."""
    out = tmp_path_factory.mktemp("numbers")
    result = gen("build", "tests/golden", "--out", str(out))
    assert result.returncode == 0, result.stderr
    folders = {case: (GOLDEN / case, out / case / "src") for case in CASES}
    folders["mistral"] = (ROOT / "specs" / "mistral", ROOT / "out" / "mistral" / "src")
    found = {}
    for name, (spec, src) in folders.items():
        (package,) = [p.name for p in src.iterdir() if (p / "__init__.py").is_file()]
        found[name] = (spec, package)
    packages = {package for _, package in found.values()}
    paths = [str(src) for _, src in folders.values()]
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # nothing lands in out/mistral
    _purge(packages)
    sys.path[:0] = paths
    try:
        yield found
    finally:
        for p in paths:
            sys.path.remove(p)
        _purge(packages)
        sys.dont_write_bytecode = dont_write


# ---------------------------------------------------------------- every example of a spec, with its type


def _operations(root: dict[str, Any], api: t.Api) -> Iterator[tuple[str, dict[str, Any], list[t.Operation]]]:
    """(pointer, Path Item, the IR operations of that path) for every path of the document."""
    for path, item in (root.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        pointer = "/paths/" + path.replace("~", "~0").replace("/", "~1")
        yield pointer, item, [op for op in api.operations if op.path == path.split("#", 1)[0]]


def _operation(ops: list[t.Operation], method: str, spec: dict[str, Any]) -> t.Operation:
    operation_id = spec.get("operationId")
    (op,) = [
        o
        for o in ops
        if o.http_method == method.upper() and (not isinstance(operation_id, str) or o.operation_id == operation_id)
    ]
    return op


def _response_type(op: t.Operation, status: str, declarations: dict[str, t.Declaration]) -> t.Type | None:
    for r in op.responses:
        if r.status == status.upper() and r.type is not None:
            decl = declarations.get(r.type.name) if isinstance(r.type, t.Ref) else None
            # An error response's body is the error's `data`.
            return decl.data if isinstance(decl, t.ErrorClass) else r.type
    return None


def _step(typ: t.Type, key: str, index: str | None, node: Any, declarations: dict[str, t.Declaration]) -> t.Type | None:
    """The type one keyword down a schema: `properties/<name>`, `items`, `additionalProperties`, `allOf/<i>`,
    `anyOf/<i>`, `oneOf/<i>`. None where the SDK gives that place no type of its own."""
    while True:
        if isinstance(typ, t.NullableOf):
            typ = typ.inner
        elif isinstance(typ, t.Ref) and isinstance(declarations.get(typ.name), t.Alias):
            target = declarations[typ.name]
            assert isinstance(target, t.Alias)
            typ = target.target
        else:
            break
    decl = declarations.get(typ.name) if isinstance(typ, t.Ref) else None
    if key == "properties" and isinstance(decl, t.Model):
        for f in decl.fields:
            if f.wire_name == index:
                return t.NullableOf(f.type) if f.nullable else f.type
        return None
    if key == "items" and isinstance(typ, t.ListOf):
        return typ.item
    if key == "additionalProperties" and isinstance(typ, t.MapOf):
        return typ.value
    if key == "allOf":
        return typ  # the members' properties are the one model's
    if key in ("anyOf", "oneOf") and index is not None:
        if not isinstance(decl, t.Union):
            return typ  # one member besides null: the member itself
        # The members as the spec lists them, null left out (it makes the union nullable instead).
        members = [m for m in node if not (isinstance(m, dict) and m.get("type") == "null")]
        position = members.index(node[int(index)]) if node[int(index)] in members else -1
        if 0 <= position < len(decl.members) and len(members) == len(decl.members):
            return decl.members[position]
    return None


def _schema_examples(
    schema: Any, pointer: str, typ: t.Type | None, declarations: dict[str, t.Declaration]
) -> Iterator[tuple[str, Any, t.Type]]:
    if not isinstance(schema, dict) or typ is None:
        return
    if "example" in schema:
        yield pointer + "/example", schema["example"], typ
    if isinstance(schema.get("examples"), list):
        for i, value in enumerate(schema["examples"]):
            yield f"{pointer}/examples/{i}", value, typ
    for key in ("properties", "items", "additionalProperties", "allOf", "anyOf", "oneOf"):
        child = schema.get(key)
        if key == "properties" and isinstance(child, dict):
            for name, sub in child.items():
                inner = f"{pointer}/properties/{name.replace('~', '~0').replace('/', '~1')}"
                yield from _schema_examples(sub, inner, _step(typ, key, name, child, declarations), declarations)
        elif key in ("items", "additionalProperties") and isinstance(child, dict):
            yield from _schema_examples(
                child, f"{pointer}/{key}", _step(typ, key, None, child, declarations), declarations
            )
        elif isinstance(child, list):
            for i, sub in enumerate(child):
                step = _step(typ, key, str(i), child, declarations)
                yield from _schema_examples(sub, f"{pointer}/{key}/{i}", step, declarations)


def _media_examples(
    holder: dict[str, Any],
    pointer: str,
    typ: t.Type | None,
    root: dict[str, Any],
    declarations: dict[str, t.Declaration],
) -> Iterator[tuple[str, Any, t.Type]]:
    """A Media Type or Parameter Object: its `example`, its `examples` (Example Objects), its schema's."""
    if typ is None:
        return
    if "example" in holder:
        yield pointer + "/example", holder["example"], typ
    for name, example in (holder.get("examples") or {}).items():
        if isinstance(example, dict) and "$ref" in example:
            example = root["components"]["examples"][example["$ref"].rsplit("/", 1)[-1]]
        if isinstance(example, dict) and "value" in example:
            yield f"{pointer}/examples/{name}/value", example["value"], typ
    yield from _schema_examples(holder.get("schema"), pointer + "/schema", typ, declarations)


def spec_examples(spec_folder: Path) -> tuple[list[tuple[str, Any, t.Type]], dict[str, t.Declaration]]:
    """(pointer, example, IR type) for every example of the API, as the SDK's build reads it (overlays applied)."""
    (source,) = discover(spec_folder)
    document = load(source.spec, source.overlays)
    api, _ = build_ir(document, load_config(source.config, source.name))
    declarations = {d.name: d for d in api.declarations}
    root = document.root
    names = SchemaConverter(root, document.file, [])
    names.declare_components()
    found: list[tuple[str, Any, t.Type]] = []
    for name, schema in (root.get("components", {}).get("schemas") or {}).items():
        pointer = "/components/schemas/" + name.replace("~", "~0").replace("/", "~1")
        found += _schema_examples(schema, pointer, names.component(name), declarations)
    for pointer, item, ops in _operations(root, api):
        shared = [p for p in item.get("parameters") or [] if isinstance(p, dict)]
        for method in METHODS:
            spec = item.get(method)
            if not isinstance(spec, dict):
                continue
            op = _operation(ops, method, spec)
            where = f"{pointer}/{method}"
            own = [(f"{where}/parameters/{i}", p) for i, p in enumerate(spec.get("parameters") or [])]
            for at, param in own + [(f"{pointer}/parameters/{i}", p) for i, p in enumerate(shared)]:
                match = [p for p in op.parameters if p.wire_name == param.get("name") and p.location == param.get("in")]
                typ = (t.NullableOf(match[0].type) if match[0].nullable else match[0].type) if match else None
                found += _media_examples(param, at, typ, root, declarations)
            body = spec.get("requestBody") or {}
            for content_type, media in (body.get("content") or {}).items():
                at = f"{where}/requestBody/content/{content_type.replace('/', '~1')}"
                found += _media_examples(media, at, op.body.type if op.body else None, root, declarations)
            for status, response in (spec.get("responses") or {}).items():
                for content_type, media in ((response or {}).get("content") or {}).items():
                    at = f"{where}/responses/{status}/content/{content_type.replace('/', '~1')}"
                    found += _media_examples(
                        media, at, _response_type(op, str(status), declarations), root, declarations
                    )
    return found, declarations


def python_type(typ: t.Type, package: str, declarations: dict[str, t.Declaration]) -> Any:
    """The annotation the SDK's own modules write for `typ`, evaluated."""
    spelled = Spelling(declarations, qualified=True)(typ)
    names: dict[str, Any] = {"models": importlib.import_module(package + ".models")}
    for name, source in _SOURCES.items():
        if " " not in name and source != ".":
            module = importlib.import_module(package + source if source.startswith(".") else source)
            names[name] = getattr(module, name)
    return eval(spelled, names)  # noqa: S307 - gen's own spelling of a type


def same(got: Any, want: Any) -> bool:
    """JSON equality that also tells an int from a float and a bool from a number."""
    if isinstance(want, float) and math.isnan(want):
        return isinstance(got, float) and math.isnan(got)
    if isinstance(want, (bool, int, float, str)) or want is None:
        return type(got) is type(want) and got == want
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(map(same, got, want))
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    return False


def _plain(value: Any) -> Any:
    """What a parser of the spec's YAML gives for a date or a time (a datetime object) as JSON reads it: text."""
    return json.loads(json.dumps(value, default=str))


@pytest.mark.parametrize("api", [*CASES, "mistral"])
def test_every_example_round_trips_unchanged(sdks: dict[str, tuple[Path, str]], api: str) -> None:
    spec, package = sdks[api]
    examples, declarations = spec_examples(spec)
    failures = []
    for pointer, example, typ in examples:
        adapter = pydantic.TypeAdapter(python_type(typ, package, declarations))
        example = _plain(example)
        try:
            read = adapter.validate_python(example)
            from_text = adapter.validate_json(json.dumps(example))
        except pydantic.ValidationError as exc:
            if (api, pointer) not in INVALID:
                failures.append(f"{pointer}: {example!r} refused: {exc}")
            continue
        if (api, pointer) in INVALID:
            failures.append(f"{pointer}: {example!r} is listed as invalid, but was taken")
        for value in (read, from_text):
            dumped = adapter.dump_python(value, mode="json", by_alias=True)
            sent = json.loads(adapter.dump_json(value, by_alias=True))
            if not (same(dumped, example) and same(sent, example)):
                failures.append(f"{pointer}: {example!r} came back as {sent!r}")
                break
    assert not failures, "\n".join(failures)
    if api in ("number_fields", "mistral"):
        assert len(examples) > 20, [p for p, _, _ in examples]  # the walk found them, not nothing


def test_the_walk_reaches_every_kind_of_place(sdks: dict[str, tuple[Path, str]]) -> None:
    pointers = [p for p, _, _ in spec_examples(sdks["number_fields"][0])[0]]
    expected = [
        "/components/schemas/Measurement/example",  # a schema's
        "/components/schemas/Measurement/properties/value/examples/1",  # a property's list
        "/components/schemas/Measurement/properties/reading/examples/0",  # a union's
        "/components/schemas/Bound/examples/2",
        "/components/schemas/Reading/properties/limits/properties/high/example",  # inside an inline object
        "/paths/~1measurements/post/requestBody/content/application~1json/example",  # a media type's
        "/paths/~1measurements/post/requestBody/content/application~1json/examples/fractions/value",
        "/paths/~1measurements~1{id}/get/parameters/0/schema/example",  # a parameter schema's
        "/paths/~1measurements~1{id}/get/parameters/1/example",  # a parameter's
        "/paths/~1measurements~1{id}/get/parameters/2/examples/mixed/value",
        "/paths/~1measurements~1{id}/get/responses/200/content/application~1json/examples/stored/value",
        "/paths/~1readings/post/requestBody/content/application~1x-www-form-urlencoded/example",
        "/paths/~1totals/get/responses/200/content/application~1json/example",
    ]
    assert [p for p in expected if p not in pointers] == []


def test_same_tells_int_from_float() -> None:
    assert same({"a": [10, 10.5]}, {"a": [10, 10.5]})
    assert not same(10.0, 10) and not same(10, 10.0) and not same(True, 1) and not same("1", 1)


# ---------------------------------------------------------------- the runtime's Number


@pytest.fixture(scope="module")
def number_fields(sdks: dict[str, tuple[Path, str]]) -> ModuleType:
    return importlib.import_module("number_fields")


def test_number_keeps_ints_and_floats(number_fields: ModuleType) -> None:
    m = number_fields.models.Measurement.model_validate_json(
        '{"id": 66138975, "value": 10.0, "weight": 3, "huge": 1e100, "big": 123456789012345678901234567890}'
    )
    assert (m.id, type(m.id), str(m.id)) == (66138975, int, "66138975")
    assert type(m.value) is float and type(m.weight) is int and type(m.huge) is float
    assert m.big == 123456789012345678901234567890  # beyond 2**53: a float would have rounded it
    assert m.model_dump_json() == (
        '{"id":66138975,"value":10.0,"unit_factor":1,"weight":3,"huge":1e+100,"big":123456789012345678901234567890}'
    )


def test_number_refuses_bools_and_reads_numeric_text(number_fields: ModuleType) -> None:
    model = number_fields.models.Measurement
    with pytest.raises(pydantic.ValidationError, match="valid number"):
        model(id=True, value=1, weight=None)
    with pytest.raises(pydantic.ValidationError, match="valid number"):
        model.model_validate_json('{"id": 1, "value": false, "weight": null}')
    with pytest.raises(pydantic.ValidationError, match="valid number"):
        model(id="ten", value=1, weight=None)
    # Outside a union, text holding a number is read as that number, as pydantic's float read it (but an int
    # stays an int).
    m = model(id="10", value=" 2.5 ", weight="3", samples=["1", "1.0"])
    assert (m.id, m.value, m.weight, m.samples) == (10, 2.5, 3, [1, 1.0])
    assert [type(x) for x in m.samples] == [int, float]
    # Where a union has a string member, text is that string: it is never read as a number first.
    r = model(id=1, value=1, weight=None, reading="7", level="3", bound="auto")
    assert (r.reading, r.level, r.bound) == ("7", 3, "auto")
    assert (type(r.level), model(id=1, value=1, weight=None, level=3.0).level) == (int, 3.0)


def test_number_in_json_schema(number_fields: ModuleType) -> None:
    schema = number_fields.models.Measurement.model_json_schema()
    assert schema["properties"]["id"] == {"title": "Id", "type": "number"}
    assert schema["properties"]["samples"]["anyOf"][0] == {"items": {"type": "number"}, "type": "array"}


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False))),
    )
)
def test_any_number_round_trips(number_fields: ModuleType, value: Any) -> None:
    model = number_fields.models.Measurement
    samples = value if isinstance(value, list) else [value]
    data = {"id": samples[0] if samples else 0, "value": value if not isinstance(value, list) else 1, "weight": None}
    data["samples"] = samples
    for m in (model.model_validate(data), model.model_validate_json(json.dumps(data))):
        sent = json.loads(m.model_dump_json())
        assert same({k: sent[k] for k in data}, json.loads(json.dumps(data)))


# ---------------------------------------------------------------- on the wire


def test_numbers_on_the_wire(number_fields: ModuleType) -> None:
    server = Server()
    try:
        stored = {"id": 66138975, "value": 10, "unit_factor": 1.5, "weight": None, "samples": [1, 2.5]}
        server.enqueue(json_response(stored), json_response(stored), respond(204, b"", "text/plain"))
        with number_fields.NumberFields(server_url=server.url) as client:
            created = client.measurements.create_measurement(
                id=66138975, value=10, weight=3, ratio=0.25, samples=[1, 2.5, -3], by_sensor={"a": 1, "b": 0.5}
            )
            got = client.measurements.get_measurement(id=66138975, scale=2, sizes=[10, 10.5])
            client.readings.create_reading(value=10, limits={"low": 1, "high": 2.5}, samples=[1, 2.5])
        body, read, form = server.requests
    finally:
        server.close()
    assert body.body == (
        b'{"id":66138975,"value":10,"unit_factor":1,"weight":3,"ratio":0.25,"samples":[1,2.5,-3],'
        b'"by_sensor":{"a":1,"b":0.5}}'
    )
    assert read.path == "/measurements/66138975?scale=2&sizes=10&sizes=10.5"
    assert form.body == b"value=10&limits%5Blow%5D=1&limits%5Bhigh%5D=2.5&samples=1&samples=2.5"
    for res in (created, got):
        assert same(json.loads(res.model_dump_json()), stored)
        assert str(res.id) == "66138975" and str(res.value) == "10" and res.unit_factor == 1.5


# ---------------------------------------------------------------- for type checkers


USER_CODE = """
from number_fields import NumberFields, models


def total(m: models.Measurement) -> float:
    return m.value * 2.5 + m.id  # a number field reads as a float


m = models.Measurement(id=66138975, value=10, weight=None, samples=[1, 2.5])
m2 = models.Measurement(id=0.5, value=10.5, weight=3, by_sensor={"a": 1, "b": 0.5})
data: models.MeasurementTypedDict = {"id": 1, "value": 2.5, "weight": None, "samples": [1, 2.5]}
level: models.MeasurementLevel = 3.5
with NumberFields() as client:
    client.measurements.create_measurement(id=1, value=2.5, weight=None)
    client.readings.create_reading(value=10, samples=[1, 2.5])
    totals: dict[str, float] = client.readings.get_totals()
"""


def test_mypy_takes_ints_and_floats_and_refuses_text(sdks: dict[str, tuple[Path, str]], tmp_path: Path) -> None:
    src = next(p for p in sys.path if (Path(p) / "number_fields" / "__init__.py").is_file())
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(USER_CODE)
    bad.write_text("from number_fields import models\n\nmodels.Measurement(id='1', value=1, weight=None)\n")

    def mypy(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--no-incremental",
                "--cache-dir",
                str(tmp_path / "cache"),
                str(path),
            ],
            env={**os.environ, "MYPYPATH": src},
            capture_output=True,
            text=True,
            timeout=300,
        )

    result = mypy(good)
    assert result.returncode == 0, result.stdout + result.stderr
    result = mypy(bad)
    assert result.returncode == 1 and 'incompatible type "str"; expected "float"' in result.stdout, result.stdout
