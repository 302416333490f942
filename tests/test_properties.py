"""Property tests: random component schemas → an SDK that builds and imports, and whose models round-trip every
instance their schema accepts.

Each example draws a small OpenAPI document (3.0 or 3.1) holding a few component schemas: objects with awkward
property names and every combination of required and nullable, arrays, maps, unions (anyOf, oneOf, 3.1 type lists),
discriminated unions (explicit and implicit tags), string and integer enums, const, allOf, nullability in every
spelling (`nullable: true`, `type: [T, "null"]`, an anyOf/oneOf member `{type: "null"}`, `null` in an enum),
recursion (through optional properties and arrays, directly and between schemas), and names that collide. Some
components are also the responses of operations (so their discriminated unions are open).

The document goes through the real pipeline in-process (load → build_ir → render → format_files, plus runtime_files)
into a temporary folder and is imported under a package name of its own. Then, for instances drawn with
hypothesis-jsonschema from each component's schema (translated to plain JSON Schema: `nullable` becomes a `null`
alternative, references are inlined with recursion cut after one turn), `Model.model_validate(x).model_dump(mode="json",
by_alias=True)` (a TypeAdapter for unions, enums and aliases) must give back exactly `x`: the same keys (unset stays
unset, null stays null), the same types (a bool is not a number), the same values.

What the random schemas leave out, on purpose:
- `format: date` / `date-time`: the SDK parses them into `date` / `datetime`, which normalises their spelling;
- numbers beyond 2**53 in `type: number`: a float cannot hold them (integers are unbounded);
- an optional property with a `const`: the SDK sends a const-like default even when unset (ARCHITECTURE.md: the
  operation relies on it), so such a field never round-trips as absent; consts appear on required properties (tags);
- a reference that must be followed for an instance to exist and leads back to itself (`required` recursion): no
  finite instance exists.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pydantic
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from generator.cache import Cache
from generator.config import Config
from generator.format import format_files
from generator.ir import build_ir
from generator.ir.schemas import SchemaConverter
from generator.load import load
from generator.problems import BuildError
from generator.render import render
from generator.render.runtime import runtime_files

EXAMPLES = 200

# Property names that stress naming: keywords, builtins, pydantic's and the SDK's names, case twins, digits,
# punctuation, non-ASCII, a ligature Python normalises, leading underscores, quotes, Jinja, the empty name.
PROPERTY_NAMES = [
    "id", "name", "type", "class", "from", "None", "True", "import", "str", "int", "float", "date", "list", "dict",
    "model_config", "model_fields", "schema", "json", "copy", "validate", "self", "Client", "BaseModel", "UNSET",
    "Field", "Value", "value", "1st", "x-rate-limit", "a.b", "a_b", "first name", "café", "名前", "ﬁle", "file",
    "__private", "_under", "", 'say "hi"', "back\\slash", "{{ x }}", "a|b", "line\nbreak",
]  # fmt: skip
COMPONENT_NAMES = [
    "Pet", "pet", "Client", "BaseModel", "UNSET", "Unset", "Field", "importlib", "None", "class", "1Thing",
    "my-thing", "my.thing", "Über", "名前", "List", "Any", "Node", "Tree", "Model", "ModelTypedDict", "Event",
]  # fmt: skip
STRING_VALUES = ["a", "b", "A", "", "class", "None", "1", "a-b", "a_b", '"""', "{{ x }}", "|", "line\nbreak", "名前", "_missing_", "name"]
INT_VALUES = [0, 1, -1, 7, 2**40]
TAG_NAMES = ["type", "kind", "event-type", "class", "名前"]
NUMBER_BOUNDS = {"minimum": -(2**53), "maximum": 2**53}


# ================================================================================================ random documents


@dataclass
class Ctx:
    version: tuple[int, int]
    earlier: list[str]  # components defined before the current one: safe targets where a value must exist
    everything: list[str]  # all components: targets where a value may be absent (optional, array items)
    objects: list[tuple[str, set[str]]]  # earlier object components open to extension (allOf), with their properties

    @property
    def v31(self) -> bool:
        return self.version >= (3, 1)


def _pick(draw: Any, pool: list[Any], low: int, high: int) -> list[Any]:
    """`low` to `high` distinct elements of `pool` (a permutation's head: no draws wasted on duplicates)."""
    count = draw(st.integers(low, min(high, len(pool))))
    return list(draw(st.permutations(pool))[:count])


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": "#/components/schemas/" + name.replace("~", "~0").replace("/", "~1")}


@st.composite
def primitive(draw: Any, ctx: Ctx) -> dict[str, Any]:
    choices: list[dict[str, Any]] = [
        {"type": "string"},
        {"type": "integer"},
        {"type": "number", **NUMBER_BOUNDS},
        {"type": "boolean"},
        {},
    ]
    if ctx.v31:
        choices.append({"type": "null"})
    return dict(draw(st.sampled_from(choices)))


@st.composite
def enum(draw: Any, ctx: Ctx) -> dict[str, Any]:
    shape = draw(st.sampled_from(["string", "string", "integer", "integer", "mixed"]))
    if shape == "mixed":  # no single type: gen warns and types it by `type`, here none (Any)
        return {"enum": [*_pick(draw, STRING_VALUES, 1, 2), *_pick(draw, INT_VALUES, 1, 2)]}
    if shape == "string":
        values = _pick(draw, STRING_VALUES, 2, 4)
        typed = {"type": "string"} if draw(st.booleans()) else {}
    else:
        values = _pick(draw, INT_VALUES, 2, 4)
        typed = {"type": "integer"}
    return {**typed, "enum": values}


def const(value: Any, ctx: Ctx) -> dict[str, Any]:
    return {"const": value} if ctx.v31 else {"type": "string", "enum": [value]}


@st.composite
def nullable(draw: Any, inner: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    """`inner` admitting null, in one of the spellings the document's version allows."""
    spellings = ["anyOf"]
    if not ctx.v31:
        spellings = ["nullable"]  # 3.0 has no null type
    else:
        spellings += ["oneOf"]
        if isinstance(inner.get("type"), str) and "enum" not in inner and "const" not in inner:
            spellings.append("type-list")
        if "enum" in inner:
            spellings.append("enum-null")
    spelling = draw(st.sampled_from(spellings))
    if spelling == "nullable":
        return {**inner, "nullable": True}
    if spelling == "type-list":
        return {**inner, "type": [inner["type"], "null"]}
    if spelling == "enum-null":
        typed = {"type": [inner["type"], "null"]} if "type" in inner else {}
        return {**inner, **typed, "enum": [*inner["enum"], None]}
    null = {"type": "null"}
    members = [inner, null] if draw(st.booleans()) else [null, inner]
    return {spelling: members}


@st.composite
def schema(draw: Any, ctx: Ctx, depth: int, must_exist: bool) -> dict[str, Any]:
    """A schema in a position where a value must exist (required property, union member) or may be absent."""
    kinds = ["primitive", "enum"]
    targets = ctx.earlier if must_exist else ctx.everything
    if targets:
        kinds.append("ref")
    if depth < 3:
        kinds += ["object", "array", "map", "union"]
    kind = draw(st.sampled_from(kinds))
    if kind == "primitive":
        inner = draw(primitive(ctx))
    elif kind == "enum":
        inner = draw(enum(ctx))
    elif kind == "ref":
        inner = _ref(draw(st.sampled_from(targets)))
    elif kind == "object":
        inner = draw(object_schema(ctx, depth + 1))
    elif kind == "array":
        inner = {"type": "array", "items": draw(schema(ctx, depth + 1, must_exist=False))}
    elif kind == "map":
        inner = {"type": "object", "additionalProperties": draw(schema(ctx, depth + 1, must_exist=False))}
    else:
        inner = draw(union(ctx, depth + 1))
    if draw(st.integers(0, 3)) == 0 and inner.get("type") != "null":
        if "$ref" in inner and not ctx.v31:
            return {**inner, "nullable": True}  # 3.0: gen honours a `nullable` beside a `$ref`
        return draw(nullable(inner, ctx))
    return inner


@st.composite
def union(draw: Any, ctx: Ctx, depth: int) -> dict[str, Any]:
    if ctx.v31 and draw(st.integers(0, 3)) == 0:
        types = _pick(draw, ["string", "integer", "boolean", "array", "object"], 2, 3)
        return {"type": types}
    members = draw(st.lists(schema(ctx, depth, must_exist=True), min_size=2, max_size=3))
    members = [m for m in members if not (isinstance(m.get("anyOf"), list) or isinstance(m.get("oneOf"), list))] or members
    return {draw(st.sampled_from(["anyOf", "oneOf"])): members}


@st.composite
def object_schema(draw: Any, ctx: Ctx, depth: int) -> dict[str, Any]:
    names = _pick(draw, PROPERTY_NAMES, 0, 4)
    required = [n for n in names if draw(st.booleans())]
    properties = {n: draw(schema(ctx, depth, must_exist=n in required)) for n in names}
    result: dict[str, Any] = {"type": "object", "properties": properties}
    if draw(st.integers(0, 3)) == 0:  # inline objects are named after their titles: let them collide
        result["title"] = draw(st.sampled_from(["Same", "Item", "class", "名前"]))
    if required:
        result["required"] = required
    extra = draw(st.sampled_from(["absent", "absent", "true", "false", "schema"]))
    if extra == "true":
        result["additionalProperties"] = True
    elif extra == "false":
        result["additionalProperties"] = False
    elif extra == "schema":
        result["additionalProperties"] = draw(primitive(ctx))
    return result


@st.composite
def component(draw: Any, ctx: Ctx) -> dict[str, Any]:
    kinds = ["object", "object", "union", "enum", "alias", "array"] + ["allOf", "allOf"] * bool(ctx.objects)
    kind = draw(st.sampled_from(kinds))
    if kind == "allOf":
        base, base_properties = draw(st.sampled_from(ctx.objects))
        own = draw(object_schema(ctx, 1))
        own.pop("additionalProperties", None)
        # a property both parts declare would have to satisfy both schemas at once: often impossible
        own["properties"] = {k: v for k, v in own["properties"].items() if k not in base_properties}
        required = [r for r in own.pop("required", []) if r in own["properties"]]
        if required:
            own["required"] = required
        return {"allOf": [_ref(base), own]}
    if kind == "union":
        return draw(union(ctx, 1))
    if kind == "enum":
        return draw(enum(ctx))
    if kind == "alias":
        return draw(schema(ctx, 2, must_exist=True))
    if kind == "array":
        return {"type": "array", "items": draw(schema(ctx, 1, must_exist=False))}
    return draw(object_schema(ctx, 1))


@st.composite
def discriminated(draw: Any, ctx: Ctx, taken: set[str]) -> dict[str, dict[str, Any]]:
    """A oneOf of object components told apart by a one-value tag property, with or without a mapping."""
    names = [n for n in COMPONENT_NAMES if n not in taken]
    chosen = _pick(draw, names, 3, 4)
    members, union_name = chosen[:-1], chosen[-1]
    tag = draw(st.sampled_from(TAG_NAMES))
    values = _pick(draw, STRING_VALUES, len(members), len(members))
    schemas: dict[str, dict[str, Any]] = {}
    for member, value in zip(members, values):
        body = draw(object_schema(ctx, 2))
        body["properties"] = {**{k: v for k, v in body["properties"].items() if k != tag}, tag: const(value, ctx)}
        body["required"] = [*[r for r in body.get("required", []) if r != tag], tag]
        schemas[member] = body
    spec: dict[str, Any] = {"propertyName": tag}
    style = draw(st.sampled_from(["implicit", "pointers", "names"]))
    if style != "implicit":
        spec["mapping"] = {
            value: (_ref(member)["$ref"] if style == "pointers" else member) for member, value in zip(members, values)
        }
    schemas[union_name] = {"oneOf": [_ref(m) for m in members], "discriminator": spec}
    return schemas


@st.composite
def documents(draw: Any) -> dict[str, Any]:
    version = draw(st.sampled_from([(3, 0), (3, 1)]))
    names = _pick(draw, COMPONENT_NAMES, 1, 4)
    components: dict[str, dict[str, Any]] = {}
    objects: list[tuple[str, set[str]]] = []
    for index, name in enumerate(names):
        ctx = Ctx(version, names[:index], names, list(objects))
        components[name] = draw(component(ctx))
        if components[name].get("type") == "object" and components[name].get("additionalProperties", True) is True:
            objects.append((name, set(components[name].get("properties", {}))))
    if draw(st.booleans()):
        ctx = Ctx(version, list(names), list(names), list(objects))
        components.update(draw(discriminated(ctx, set(names))))
    received = [n for n in components if draw(st.booleans())]
    paths = {
        f"/r{i}": {
            "get": {
                "operationId": f"get{i}",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": _ref(n)}}}},
            }
        }
        for i, n in enumerate(received)
    }
    return {
        "openapi": "3.1.0" if version == (3, 1) else "3.0.3",
        "info": {"title": "Properties", "version": "1"},
        "paths": paths,
        "components": {"schemas": components},
    }


# ================================================================================================ plain JSON Schema


def json_schema(node: Any, components: dict[str, Any], v31: bool, stack: tuple[str, ...] = ()) -> Any:
    """The OpenAPI schema as JSON Schema for hypothesis-jsonschema: self-contained, recursion cut after one turn."""
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].split("/")[-1].replace("~1", "/").replace("~0", "~")
        if stack.count(name) >= 2:
            result: Any = False  # one more turn of the cycle would never end: this value may not occur here
        else:
            result = json_schema(components[name], components, v31, stack + (name,))
        if node.get("nullable") is True and not v31:
            return {"anyOf": [result, {"type": "null"}]}
        return result
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("discriminator", "nullable"):
            continue
        if key in ("properties",):
            out[key] = {k: json_schema(v, components, v31, stack) for k, v in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = json_schema(value, components, v31, stack)
        elif key in ("anyOf", "oneOf", "allOf"):
            # oneOf as anyOf: the SDK types both as a union; instances matching several members are a harder test
            out["anyOf" if key == "oneOf" else key] = [json_schema(v, components, v31, stack) for v in value]
        else:
            out[key] = value
    if node.get("nullable") is True and not v31:
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _features(document: dict[str, Any]) -> Iterator[str]:
    """What an example exercises, for `pytest --hypothesis-show-statistics`."""
    yield f"OpenAPI {document['openapi'][:3]}"
    text = json.dumps(document)
    for needle, feature in (
        ('"nullable": true', "nullable: true"),
        ('"null"]', "type: [T, null]"),
        ('{"type": "null"}', "a {type: null} member or schema"),
        ("null]", "null in an enum"),
        ('"discriminator"', "discriminated union"),
        ('"allOf"', "allOf"),
        ('"anyOf"', "anyOf"),
        ('"oneOf"', "oneOf"),
        ('"additionalProperties": {', "map or typed extras"),
        ('"additionalProperties": false', "closed object"),
        ('"title"', "titled inline object"),
    ):
        if needle in text:
            yield feature
    if document["paths"]:
        yield "some components are responses"
    components = document["components"]["schemas"]
    if any(f'"#/components/schemas/{name}"' in json.dumps(schema) for name, schema in components.items()):
        yield "a schema refers to itself"


# ================================================================================================ building and checking


@dataclass
class Built:
    package: str
    models: Any
    names: dict[str, str]  # component -> declaration name
    nullable: set[str]  # components whose every use admits null (a model class itself never holds null)
    folder: Path
    warnings: list[str] = field(default_factory=list)


_counter = itertools.count()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Cache]]:
    base = tmp_path_factory.mktemp("properties")
    yield base, Cache(base / "cache")  # shared: a text black has formatted once is not formatted again


def build(document: dict[str, Any], base: Path, cache: Cache) -> Built:
    package = f"prop_{next(_counter)}"
    folder = base / package
    folder.mkdir()
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    loaded = load(spec)
    api, warnings = build_ir(loaded, Config(name=package, package=package, sdk_class="Sdk"))
    files = {**format_files(render(api), "black", cache), **runtime_files(api)}
    for relative, text in files.items():
        path = folder / "out" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    converter = SchemaConverter(loaded.root, loaded.file, [])
    converter.declare_components()
    names, nullable = {}, set()
    for component in document["components"]["schemas"]:
        ref = converter.component(component)
        assert ref is not None, component
        names[component] = ref.name
        from generator.ir import types as t

        if isinstance(converter.type_of(_ref(component), "", "Use"), t.NullableOf):
            nullable.add(component)
    sys.path.insert(0, str(folder / "out" / "src"))
    importlib.invalidate_caches()
    root = importlib.import_module(package)
    root.Sdk()  # the SDK class constructs
    return Built(package, root.models, names, nullable, folder, [str(w) for w in (*loaded.warnings, *warnings)])


def discard(built: Built) -> None:
    sys.path.remove(str(built.folder / "out" / "src"))
    for name in [m for m in sys.modules if m == built.package or m.startswith(built.package + ".")]:
        del sys.modules[name]
    shutil.rmtree(built.folder, ignore_errors=True)


def same(got: Any, want: Any) -> bool:
    """JSON equality that tells bool from number, and number from string (1 == 1.0 is fine: JSON has one number)."""
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, (int, float)):
        return isinstance(got, (int, float)) and got == want
    if want is None:
        return got is None
    if isinstance(want, str):
        return isinstance(got, str) and str(got) == want
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    return False


def round_trip(value: Any, instance: Any) -> Any:
    if inspect.isclass(value) and issubclass(value, pydantic.BaseModel):
        return value.model_validate(instance).model_dump(mode="json", by_alias=True)
    adapter = pydantic.TypeAdapter(value)
    return adapter.dump_python(adapter.validate_python(instance), mode="json", by_alias=True)


@pytest.mark.filterwarnings("error::UserWarning")  # pydantic's serializer warnings are findings too
def test_a_tag_whose_field_is_renamed_still_tells_the_members_apart(workspace: tuple[Path, Cache]) -> None:
    # Found by the test below: `名前` is also a class, so the members' tag field is `名前_`; the union read the tag
    # from the attribute the union alone would have used, found none, and pydantic warned on every dump.
    member = {"type": "object", "required": ["名前"], "properties": {"名前": {"type": "string", "enum": ["a"]}}}
    other = {"type": "object", "required": ["名前"], "properties": {"名前": {"type": "string", "enum": ["b"]}}}
    union = {"oneOf": [{"$ref": "#/components/schemas/Client"}, {"$ref": "#/components/schemas/名前"}]}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Properties", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {"Client": member, "名前": other, "Pair": {**union, "discriminator": {"propertyName": "名前"}}}
        },
    }
    base, cache = workspace
    built = build(document, base, cache)
    try:
        pair = getattr(built.models, built.names["Pair"])
        for instance in ({"名前": "a"}, {"名前": "b"}):
            assert round_trip(pair, instance) == instance
    finally:
        discard(built)


@pytest.mark.filterwarnings("error::UserWarning")  # pydantic's serializer warnings are findings too
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(document=documents(), data=st.data())
def test_random_schemas_build_import_and_round_trip(
    workspace: tuple[Path, Cache], document: dict[str, Any], data: st.DataObject
) -> None:
    base, cache = workspace
    note(json.dumps(document, indent=1, ensure_ascii=False))
    for feature in _features(document):
        event(feature)
    components = document["components"]["schemas"]
    v31 = document["openapi"].startswith("3.1")
    # Instances first: a draw that hypothesis gives up on then costs no build.
    instances = {
        name: data.draw(st.lists(from_schema(json_schema(components[name], components, v31, (name,))), min_size=1, max_size=3), label=name)
        for name in sorted(components)
    }
    try:
        built = build(document, base, cache)
    except BuildError as exc:  # pragma: no cover - the failure is the finding
        pytest.fail(f"the build failed:\n{exc}")
    try:
        for name, declaration in sorted(built.names.items()):
            value = getattr(built.models, declaration)
            for instance in instances[name]:
                if instance is None and inspect.isclass(value):
                    # A model or enum class never holds null: every field, argument and response of a component
                    # that admits null is Nullable[...] instead.
                    assert name in built.nullable, f"{name} admits null but its uses are not nullable"
                    continue
                try:
                    dumped = round_trip(value, instance)
                except pydantic.ValidationError as exc:
                    pytest.fail(f"{name} ({declaration}) refused a valid instance {instance!r}:\n{exc}")
                assert same(dumped, instance), f"{name} ({declaration}): {instance!r} came back as {dumped!r}"
    finally:
        discard(built)
