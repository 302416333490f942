"""Hostile input and hostile text.

1. Hostile documents (`gen build` as a user runs it): each is one clear error, exit 2, in bounded time (< 10 s) and
   memory (the build runs under an address-space limit), and out/ is left exactly as it was.
2. Names and injection, on the golden case tests/golden/names_injection/ (built here into a temporary folder): every
   awkward name becomes valid, collision-free Python with the wire name kept as the alias, and every dangerous string
   reaches docstrings, literals and Markdown escaped, with the structure of each file unchanged.
3. Tolerant responses, through the generated client of that case against a mock transport: extra fields are kept,
   unknown enum values are kept, an unknown union tag becomes UnknownVariant, and a missing required field raises an
   error that shows the body.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
import yaml

from conftest import ROOT

CASE = ROOT / "tests" / "golden" / "names_injection"
SPEC: dict[str, Any] = yaml.safe_load((CASE / "openapi.yaml").read_text(encoding="utf-8"))
PACKAGE = "names_injection"
TIME_LIMIT = 10.0  # seconds per hostile build
MEMORY_LIMIT = 2 * 1024 * 1024 * 1024  # bytes of address space for a hostile build

GOOD_API = """\
openapi: 3.1.0
info: {title: Good, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
"""


# ================================================================================================ hostile documents


def _limit_memory() -> None:  # runs in the child, before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _gen(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "GEN_CACHE_DIR": str(cwd / ".cache")}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory if sys.platform.startswith("linux") else None,
    )
    return done, time.perf_counter() - started


def _billion_laughs() -> str:
    lines = ["openapi: 3.1.0", "info: {title: t, version: '1'}", "paths: {}", "x-lol:"]
    lines.append('  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]')
    lines += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"  # 9 ** 10 (3.5 billion) strings once expanded


def _fifty_megabytes() -> str:
    """A well-formed document of 50 MB: many ordinary schemas."""
    schemas = {}
    size = 0
    index = 0
    while size < 50 * 1024 * 1024:
        schema = {
            "type": "object",
            "description": "A schema. " * 100,
            "properties": {f"field{j}": {"type": "string", "description": "A field. " * 10} for j in range(20)},
        }
        text = json.dumps(schema)
        schemas[f"Schema{index}"] = schema
        size += len(text)
        index += 1
    return json.dumps({"openapi": "3.1.0", "info": {"title": "big", "version": "1"}, "paths": {}, "components": {"schemas": schemas}})


_REF = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"

# name -> (file name, content, the error lines expected: regular expressions matched in order)
HOSTILE: dict[str, tuple[str, str, list[str]]] = {
    "invalid-yaml": (
        "openapi.yaml",
        "openapi: 3.1.0\ninfo: [\n  - x: y\n",
        [r"openapi\.yaml#: invalid YAML at line 3, column \d+: .+"],
    ),
    "yaml-bomb": (
        "openapi.yaml",
        _billion_laughs(),
        [r"openapi\.yaml#: YAML aliases expand to more than 1,000,000 extra nodes; refusing a possible alias bomb"],
    ),
    "50-megabytes": (
        "openapi.json",
        "",  # written by the test: 50 MB is not kept in memory at import time
        [r"openapi\.json#: file is 5\d\.\d MB; gen reads files of up to 32 MB"],
    ),
    "ref-cycle-through-allof": (
        "openapi.yaml",
        _REF
        + "    A:\n      allOf: [{$ref: '#/components/schemas/B'}]\n"
        + "    B:\n      allOf: [{$ref: '#/components/schemas/A'}]\n",
        [
            r"openapi\.yaml#/components/schemas/A: schema A is circular and never reaches a definition: A -> B -> A "
            r"\(each is only another of them, through allOf, anyOf or oneOf\)",
            r"openapi\.yaml#/components/schemas/B: schema B is circular and never reaches a definition: B -> A -> B "
            r"\(each is only another of them, through allOf, anyOf or oneOf\)",
        ],
    ),
    "ref-cycle-through-allof-with-properties": (
        "openapi.yaml",
        _REF
        + "    A:\n      allOf:\n        - $ref: '#/components/schemas/B'\n        - properties: {a: {type: string}}\n"
        + "    B:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - properties: {b: {type: string}}\n",
        [
            r"openapi\.yaml#/components/schemas/A/allOf/0: allOf through '#/components/schemas/B' is circular: "
            r"the schema would include itself",
            r"openapi\.yaml#/components/schemas/B/allOf/0: allOf through '#/components/schemas/A' is circular: "
            r"the schema would include itself",
        ],
    ),
    "remote-ref": (
        "openapi.yaml",
        _REF + "    A: {$ref: 'https://example.com/schemas.yaml#/A'}\n",
        [
            r"openapi\.yaml#/components/schemas/A: remote \$ref 'https://example\.com/schemas\.yaml#/A' is not "
            r"allowed: builds never touch the network"
        ],
    ),
    "ref-outside-the-folder": (
        "openapi.yaml",
        _REF + "    A: {$ref: '../../etc/passwd'}\n",
        [r"openapi\.yaml#/components/schemas/A: \$ref '\.\./\.\./etc/passwd' points outside the spec's folder .+"],
    ),
    "swagger-2": (
        "openapi.yaml",
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
        [
            r"openapi\.yaml#/swagger: Swagger 2\.0 is not supported; convert the document to OpenAPI 3 first "
            r"\(for example with swagger2openapi or https://converter\.swagger\.io\)"
        ],
    ),
    "ref-not-a-string": (
        "openapi.yaml",
        _REF + "    A: {type: object, properties: {x: {$ref: true}}}\n",
        [r"openapi\.yaml#/components/schemas/A/properties/x: \$ref must be a string \(a JSON pointer or URI\), not True"],
    ),
    "responses-not-an-object": (
        "openapi.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: getX\n"
        "      responses: 1.5\n",
        [r"openapi\.yaml#/paths/~1x/get/responses: responses must be an object of status codes and responses"],
    ),
    "empty-file": ("openapi.yaml", "", [r"openapi\.yaml#: file is empty"]),
    "whitespace-only": ("openapi.yaml", "\n   \n\t\n", [r"openapi\.yaml#: file is empty"]),
    "deep-nesting": (
        "openapi.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-deep: " + "[" * 500 + "]" * 500 + "\n",
        [r"openapi\.yaml#: document is nested more than 256 levels deep"],
    ),
    "not-utf8": ("openapi.yaml", "", [r"openapi\.yaml#: file is not UTF-8 text \(byte \d+\)"]),
    "huge-json-integer": (
        "openapi.json",
        '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "x-n": ' + "9" * 5000 + "}",
        [r"openapi\.json#: invalid JSON: a number of more than \d+ digits"],
    ),
    "huge-yaml-integer": (
        "openapi.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-n: " + "9" * 5000 + "\n",
        [r"openapi\.yaml#: invalid YAML at line 4, column 6: .*4300 digits.*"],
    ),
}


@pytest.fixture(scope="module")
def good_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """out/ as a previous successful build left it."""
    base = tmp_path_factory.mktemp("good")
    (base / "specs" / "good").mkdir(parents=True)
    (base / "specs" / "good" / "openapi.yaml").write_text(GOOD_API)
    done, _ = _gen("build", "specs", "--out", "out", cwd=base)
    assert done.returncode == 0, done.stderr
    return base / "out"


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_document_is_one_clear_error_fast_and_writes_nothing(case: str, tmp_path: Path, good_out: Path) -> None:
    file_name, text, expected = HOSTILE[case]
    api = tmp_path / "specs" / "hostile"
    api.mkdir(parents=True)
    spec = api / file_name
    if case == "50-megabytes":
        spec.write_text(_fifty_megabytes(), encoding="utf-8")
        assert spec.stat().st_size >= 50 * 1024 * 1024
    elif case == "not-utf8":
        spec.write_bytes(b"openapi: 3.1.0\ninfo: {title: '\xff\xfe', version: '1'}\npaths: {}\n")
    else:
        spec.write_text(text, encoding="utf-8")
    # The hostile API sits beside a good one: the whole build fails and writes nothing at all.
    (tmp_path / "specs" / "good").mkdir()
    (tmp_path / "specs" / "good" / "openapi.yaml").write_text(GOOD_API)
    out = tmp_path / "out"
    shutil.copytree(good_out, out)
    before = _snapshot(out)

    done, seconds = _gen("build", "specs", "--out", "out", cwd=tmp_path)

    assert done.returncode == 2, done.stderr
    assert seconds < TIME_LIMIT, f"{case} took {seconds:.1f} s"
    errors = [line for line in done.stderr.splitlines() if ": warning: " not in line]
    prefix = re.escape(os.path.join("specs", "hostile", ""))
    assert len(errors) == len(expected), done.stderr
    for line, pattern in zip(errors, expected):
        assert re.fullmatch(prefix + pattern, line), line
    assert done.stdout == ""
    assert _snapshot(out) == before


def test_a_hostile_file_reached_through_a_ref_is_refused_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "big.json").write_text(_fifty_megabytes(), encoding="utf-8")
    (tmp_path / "openapi.yaml").write_text(_REF + "    A: {$ref: 'big.json#/components/schemas/Schema0'}\n")
    done, seconds = _gen("build", "openapi.yaml", "--out", "out", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert seconds < TIME_LIMIT
    assert re.fullmatch(r"big\.json#: file is 5\d\.\d MB; gen reads files of up to 32 MB", done.stderr.strip())
    assert not (tmp_path / "out").exists()


# ================================================================================================ names and injection


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """tests/golden/names_injection built into a temporary out/ and importable as `names_injection`."""
    base = tmp_path_factory.mktemp("names_injection")
    done, _ = _gen("build", str(CASE), "--out", str(base / "out"), cwd=base)
    assert done.returncode == 0, done.stderr
    sdk = base / "out" / PACKAGE
    _purge()
    sys.path.insert(0, str(sdk / "src"))
    yield sdk
    sys.path.remove(str(sdk / "src"))
    _purge()


def _purge() -> None:
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def m(built: Path) -> Any:
    return importlib.import_module(f"{PACKAGE}.models")


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = SPEC["components"]["schemas"][name]
    return schema


def test_the_build_warns_about_what_it_mended(tmp_path: Path) -> None:
    """Duplicate operationIds, a title on an operation, a bad example and a repeated `required` entry are
    warnings with pointers, and the build goes on; --strict refuses them."""
    done, _ = _gen("build", str(CASE), "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warnings = done.stderr.splitlines()
    spec = str(CASE / "openapi.yaml")
    assert f"{spec}#/paths/~1things/post: warning: two operations are named class_.get_thing; this one is get_thing_2" in warnings
    assert f"{spec}#/paths/~1things~1{{id}}/get: warning: Unevaluated properties are not allowed ('title' was unexpected)" in warnings
    assert any(line.startswith(f"{spec}#/paths/~1things~1{{id}}/get/parameters/3/example: warning: example ") for line in warnings)
    assert f"{spec}#/components/schemas/Problem/required: warning: required lists 'message' more than once; deduplicated" in warnings
    strict, _ = _gen("build", "--strict", str(CASE), "--out", "strict-out", cwd=tmp_path)
    assert strict.returncode == 2
    assert not (tmp_path / "strict-out").exists()


def test_every_generated_python_file_compiles_and_passes_mypy_strict(built: Path, tmp_path: Path) -> None:
    for path in sorted((built / "src").rglob("*.py")):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), str(built / "src")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_export_resolves(m: Any) -> None:
    from pydantic import TypeAdapter

    for name in m.__all__:
        value = getattr(m, name)
        if not name.endswith("TypedDict") and not (inspect.isclass(value) and issubclass(value, BaseException)):
            TypeAdapter(value)


# ------------------------------------------------------------------------------------------------ point 3: names

# Every component schema and the Python name it gets: distinct (also ignoring case: module files are lower case).
COMPONENT_NAMES = {
    "Thing": "Thing",
    "Status": "Status",
    "Problem": "Problem",  # an error body: the exception is `Problem`, its parsed body `ProblemData`
    "Event": "Event",
    "Created": "Created",
    "Deleted": "Deleted",
    "Shape": "Shape",
    "Symbols": "Symbols",
    "Client": "Client",
    "BaseModel": "BaseModel2",
    "UNSET": "UNSET2",
    "Unset": "Unset3",
    "Field": "Field2",
    "importlib": "Importlib",
    "None": "None2",
    "class": "Class",
    "Foo": "Foo",
    "foo": "Foo2",
    "FooTypedDict": "FooTypedDict2",
    "1Thing": "Type1Thing",
    "my-thing": "MyThing",
    "my.thing": "MyThing2",
    "my thing": "MyThing3",
    "Über": "Über",
    "名前": "名前",
    "TitledA": "TitledA",
    "TitledB": "TitledB",
    "Identifiers": "Identifiers",
    '{{ Evil }} | """': "Evil",
}


def test_every_component_has_its_own_collision_free_name(m: Any) -> None:
    assert sorted(COMPONENT_NAMES) == sorted(SPEC["components"]["schemas"])
    names = list(COMPONENT_NAMES.values())
    assert len({n.lower() for n in names}) == len(names)
    for wire, name in COMPONENT_NAMES.items():
        assert name.isidentifier(), name
        value = getattr(m, name)
        if inspect.isclass(value):
            assert value.__name__ == name, wire
        assert not inspect.ismodule(value), wire
    assert m.ProblemData.model_validate({"message": "x"}).message == "x"
    # the symbols the SDK's modules import are still theirs
    runtime = importlib.import_module(f"{PACKAGE}._runtime.types")
    assert issubclass(m.BaseModel2, runtime.BaseModel) and m.BaseModel2 is not runtime.BaseModel
    assert runtime.UNSET is importlib.import_module(PACKAGE).UNSET


def test_a_schema_named_like_an_import_of_the_models_package_does_not_break_lazy_loading(m: Any) -> None:
    importlib.import_module(f"{PACKAGE}.models.importlib_")  # imported first, on purpose
    for name in m.__all__:
        assert getattr(m, name) is getattr(m, name)


def test_models_referring_to_renamed_schemas_resolve_them(m: Any) -> None:
    wire: dict[str, Any] = {prop: {} for prop in _schema("Symbols")["properties"]}
    wire["upper"], wire["lower"], wire["class"], wire["field"] = {"upper": True}, {"lower": False}, {"class": "c"}, {"field": "f"}
    symbols = m.Symbols.model_validate(wire)
    assert type(symbols.upper) is m.Foo and type(symbols.lower) is m.Foo2
    assert type(symbols.field) is m.Field2 and symbols.field.field == "f"
    assert type(symbols.class_) is m.Class and symbols.class_.class_ == "c"
    assert type(symbols.kanji) is getattr(m, "名前") and type(symbols.umlaut) is getattr(m, "Über")
    assert symbols.model_dump(mode="json", by_alias=True, exclude_unset=True) == wire


def _python_name_is_safe(name: str) -> bool:
    import keyword

    from generator.ir.naming import PYDANTIC_RESERVED, SHADOWED

    return (
        name.isidentifier()
        and not keyword.iskeyword(name)
        and name not in PYDANTIC_RESERVED
        and name not in SHADOWED
        and not name.startswith("_")
    )


@pytest.mark.parametrize("model", ["Thing", "Identifiers"])
def test_every_property_has_a_safe_python_name_and_keeps_its_wire_name(m: Any, model: str) -> None:
    cls = getattr(m, model)
    properties = list(_schema(model)["properties"])
    fields = cls.model_fields
    assert sorted(f.alias if f.alias is not None else name for name, f in fields.items()) == sorted(properties)
    assert len(fields) == len(properties)  # nothing dropped, nothing merged
    for name in fields:
        assert _python_name_is_safe(name), name
    # The TypedDict twin is keyed by wire names, exactly.
    twin = getattr(m, model + "TypedDict")
    assert sorted(twin.__required_keys__ | twin.__optional_keys__) == sorted(properties)


def test_no_field_is_named_like_a_class_it_could_hide(m: Any) -> None:
    """`名前` is a schema and a property here: in a model's body a field of that name would hide the class (a script
    without case meets no snake_case/PascalCase split), and pydantic could not resolve the annotations after it."""
    import inspect

    classes = {name for name in m.__all__ if inspect.isclass(getattr(m, name))}
    assert "名前" in classes
    models = [getattr(m, name) for name in classes if issubclass(getattr(m, name), m.Thing.__mro__[1])]
    assert m.Thing in models
    for model in models:
        assert not classes & set(model.model_fields), model
    field = next(name for name, info in m.Thing.model_fields.items() if info.alias == "名前")
    assert field == "名前_" and m.Thing.model_fields[field].annotation == Optional[str]


def test_awkward_properties_round_trip_by_wire_name(m: Any) -> None:
    properties = _schema("Thing")["properties"]
    wire: dict[str, Any] = {}
    for index, (name, prop) in enumerate(properties.items()):
        kind = prop.get("type")
        if "const" in prop:
            wire[name] = prop["const"]
        elif name == "status":
            wire[name] = "{{ x }}"
        elif kind == "integer":
            wire[name] = index
        elif kind == "number":
            wire[name] = index + 0.5
        elif kind == "boolean":
            wire[name] = index % 2 == 0
        elif kind == "array":
            wire[name] = [name]
        elif kind == "object":
            wire[name] = {"k": name}
        elif prop.get("format") == "date":
            wire[name] = f"2024-01-{index % 28 + 1:02d}"
        else:
            wire[name] = f"value of {name!r}"
    thing = m.Thing.model_validate(wire)
    assert thing.model_dump(mode="json", by_alias=True) == wire
    # a few by their Python names
    assert (thing.class_, thing.model_config_, thing.str_) == (wire["class"], wire["model_config"], wire["str"])
    assert (thing.value_2, thing.value) == (wire["Value"], wire["value"])
    assert (thing.a_b_2, thing.a_b) == (wire["a.b"], wire["a_b"])
    assert thing.field_1st == wire["1st"] and getattr(thing, "名前_") == wire["名前"]  # 名前 is a class here too
    # builtins used in annotations still mean the builtins (a field named `date` must not shadow the type)
    assert isinstance(thing.when, __import__("datetime").date)


def test_unset_fields_stay_off_the_wire_and_defaults_are_sent(m: Any) -> None:
    thing = m.Thing(class_="c", str_="s", model_config_="m")
    assert thing.model_dump(mode="json", by_alias=True) == {
        "class": "c",
        "str": "s",
        "model_config": "m",
        "sent_default": _schema("Thing")["properties"]["sent_default"]["default"],
        "constant": _schema("Thing")["properties"]["constant"]["const"],
    }


def test_duplicate_operation_ids_and_keyword_names_give_distinct_methods(built: Path) -> None:
    package = importlib.import_module(PACKAGE)
    sdk = package.NamesInjection(server_url="https://api.test")
    group = sdk.class_  # the tag `class`
    assert callable(group.get_thing) and callable(group.get_thing_2)
    assert callable(sdk.odd_group_name_v2.import_)  # the operationId `import`, the tag `odd group-name.v2`
    assert callable(sdk.models.class_)  # the tag `models`: a group attribute, its module is `models_`
    assert importlib.import_module(f"{PACKAGE}.models_").Models is type(sdk.models)
    signature = inspect.signature(group.get_thing)
    for name in ("id", "x_request_id", "from_", "page_size", "field_1st", "café", "retries_", "retries"):
        assert name in signature.parameters, name


def test_a_body_field_named_self_or_models_gives_a_valid_method(tmp_path: Path) -> None:
    """A body is flattened into keyword arguments: `self` and `models` (which the method body uses) must be renamed."""
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n      operationId: send\n"
        "      parameters: [{name: models, in: query, schema: {type: string}}]\n"
        "      requestBody:\n        content:\n          application/json:\n            schema:\n"
        "              type: object\n              properties: {self: {type: string}, n: {type: integer}}\n"
        "      responses: {'204': {description: ok}}\n"
    )
    done, _ = _gen("build", "openapi.yaml", "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for path in (tmp_path / "out").rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    # The API is named after the folder that holds openapi.yaml.
    (group,) = (tmp_path / "out").glob("*/src/*/x.py")  # untagged: grouped by the path
    source = group.read_text(encoding="utf-8")
    method = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef) and n.name == "send")
    assert "models" not in [a.arg for a in method.args.kwonlyargs]


# ------------------------------------------------------------------------------------------------ point 4: injection

DANGEROUS = ('"""', "'''", "\\", "{{", "{%", "\x00", "|", "\n")


def _docstring_after(tree: ast.AST, owner: str, attribute: str | None = None) -> str | None:
    """The docstring of class `owner` (or of its attribute `attribute`), read from the source."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == owner:
            body = node.body
            if attribute is None:
                return ast.get_docstring(node, clean=False)
            for first, second in zip(body, body[1:]):
                if isinstance(first, ast.AnnAssign) and isinstance(first.target, ast.Name) and first.target.id == attribute:
                    if isinstance(second, ast.Expr) and isinstance(second.value, ast.Constant):
                        return str(second.value.value)
    return None


def _same_text(docstring: str | None, text: str) -> bool:
    """Equal up to what docstrings normalise: line endings, indentation, trailing blanks."""
    assert docstring is not None

    def norm(s: str) -> list[str]:
        return [line.rstrip() for line in inspect.cleandoc(s.replace("\r\n", "\n")).split("\n")]

    return norm(docstring) == norm(text)


def test_the_spec_really_holds_every_dangerous_string() -> None:
    description = _schema("Thing")["properties"]["injected"]["description"]
    assert all(d in description for d in DANGEROUS)
    assert all(d in "".join(_schema("Status")["enum"]) for d in DANGEROUS)


def test_docstrings_keep_the_text_and_the_module_keeps_its_shape(built: Path) -> None:
    source = (built / "src" / PACKAGE / "models" / "thing.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    # shape: imports, the TypedDict, its docstring, the class; the class holds each field and its docstring only
    assert [type(n).__name__ for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))] == ["Assign", "Expr", "ClassDef"]
    thing = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    fields = [n for n in thing.body if isinstance(n, ast.AnnAssign)]
    assert len(fields) == len(_schema("Thing")["properties"])
    assert all(isinstance(n, (ast.AnnAssign, ast.Expr)) for n in thing.body)
    assert _same_text(_docstring_after(tree, "Thing"), _schema("Thing")["description"])
    for attribute, wire in (("injected", "injected"), ("quote_end", "quote_end"), ("backslash_end", "backslash_end"), ("name", "{{ name }}")):
        assert _same_text(_docstring_after(tree, "Thing", attribute), _schema("Thing")["properties"][wire]["description"]), attribute


def test_literals_keep_the_text(m: Any) -> None:
    assert [member.value for member in m.Status] == _schema("Status")["enum"]
    assert _same_text(m.Status.__doc__, _schema("Status")["description"])
    props = _schema("Thing")["properties"]
    assert m.Thing.model_fields["sent_default"].default == props["sent_default"]["default"]
    assert m.Thing.model_fields["constant"].default == props["constant"]["const"]
    assert m.Thing.model_fields["line_break"].alias == "line\nbreak"
    assert m.Thing.model_fields["a_b_4"].alias == "a\\b"


def test_union_tags_keep_the_text(m: Any) -> None:
    from pydantic import TypeAdapter

    adapter = TypeAdapter(m.Event)
    created = adapter.validate_python({"event-type": 'created | "new"', "id": 1})
    deleted = adapter.validate_python({"event-type": "deleted\n{{ x }}", "reason": "r"})
    assert type(created) is m.Created and type(deleted) is m.Deleted


def test_operation_and_sdk_docstrings_keep_the_text(built: Path) -> None:
    package = importlib.import_module(PACKAGE)
    group = importlib.import_module(f"{PACKAGE}.class_")
    operation = SPEC["paths"]["/things/{id}"]["get"]
    doc = inspect.cleandoc(group.Class.get_thing.__doc__)
    assert doc.startswith(operation["summary"] + "\n\n" + operation["description"] + "\n\nArgs:\n")
    sdk_doc = package.NamesInjection.__doc__
    assert sdk_doc.startswith(SPEC["info"]["title"])
    assert _same_text(sdk_doc.split("\n\n", 1)[1], SPEC["info"]["description"])
    sdk_module = importlib.import_module(f"{PACKAGE}.sdk")
    assert sdk_module.SERVER_VARIABLES == {"version": SPEC["servers"][0]["variables"]["version"]["default"]}


def _tables(markdown: str) -> list[list[str]]:
    """Every table of a Markdown page outside code fences, as lists of rows."""
    tables: list[list[str]] = []
    fence = None
    current: list[str] = []
    for line in markdown.split("\n") + [""]:
        stripped = line.strip()
        if fence is None and re.match(r"^(`{3,}|~{3,})", stripped):
            fence = re.match(r"^(`{3,}|~{3,})", stripped).group(1)  # type: ignore[union-attr]
        elif fence is not None and stripped.startswith(fence) and stripped.strip(fence[0]) == "":
            fence = None
        elif fence is None and line.startswith("|"):
            current.append(line)
            continue
        if current:
            tables.append(current)
            current = []
    assert fence is None, "a code fence is never closed"
    return tables


def _cells(row: str) -> list[str]:
    """A table row's cells: split on the pipes Markdown sees (not `\\|`)."""
    assert row.startswith("|") and row.endswith("|"), row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row[1:-1])]


def _decode(cell: str) -> str:
    """What a reader sees in a cell, mapped back to text: code span, `\\|`, `<br/>`, entities, `\\x00`."""
    match = re.fullmatch(r"(`+) ?(.*?) ?\1", cell)
    if match:
        cell = match.group(2)
    cell = cell.replace("\\|", "|").replace("<br/>", "\n").replace("&lt;", "<").replace("&gt;", ">")
    return re.sub(r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4}))", lambda m: chr(int(m.group(1) or m.group(2), 16)), cell)


def test_markdown_tables_keep_their_shape_everywhere(built: Path) -> None:
    pages = sorted(built.rglob("*.md"))
    assert len(pages) > 30
    for page in pages:
        for table in _tables(page.read_text(encoding="utf-8")):
            widths = {len(_cells(row)) for row in table}
            assert len(widths) == 1, (page, table)
            assert set(_cells(table[1])[0]) <= set("-:"), (page, table[1])


def test_markdown_cells_keep_the_text(built: Path) -> None:
    status = (built / "docs" / "models" / "status.md").read_text(encoding="utf-8")
    (values,) = _tables(status)
    shown = [_decode(_cells(row)[1]) for row in values[2:]]
    assert shown == [v if v != "" else '""' for v in _schema("Status")["enum"]]
    event = (built / "docs" / "models" / "event.md").read_text(encoding="utf-8")
    (members,) = _tables(event)
    assert [_decode(_cells(row)[1]) for row in members[2:]] == list(_schema("Event")["discriminator"]["mapping"])
    thing = (built / "docs" / "models" / "thing.md").read_text(encoding="utf-8")
    (fields,) = _tables(thing)
    rows = {_cells(row)[0]: _cells(row) for row in fields[2:]}
    injected = _schema("Thing")["properties"]["injected"]
    assert _decode(rows["`injected`"][3]) == injected["description"].replace("\r\n", "\n").strip()
    assert _decode(rows["`injected`"][4]) == injected["examples"][0].strip()


def test_markdown_pages_keep_their_shape(built: Path) -> None:
    """Spec text never adds a heading, a table, raw HTML or a code fence of its own; Jinja in it is printed, not run."""
    group = (built / "docs" / "sdks" / "class_" / "README.md").read_text(encoding="utf-8")
    headings = [line for line in group.split("\n") if line.startswith("#")]
    assert headings == [
        "# Class", "## Overview", "### Available Operations",
        "## get_thing", "### Example Usage", "### Parameters", "### Response", "### Errors",
        "## get_thing_2", "### Example Usage", "### Parameters", "### Response", "### Errors",
    ]  # fmt: skip
    assert "{{ description }}" in group and "{% summary %}" in group
    readme = (built / "README.md").read_text(encoding="utf-8")
    assert "{{ title }}" in readme and "{% raw %}" in readme
    for page in built.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert "<script>" not in text and "\x00" not in text, page


# ================================================================================================ tolerant responses


def _client(built: Path, handler: Any) -> Any:
    import httpx

    package = importlib.import_module(PACKAGE)
    return package.NamesInjection(
        server_url="https://api.test", client=httpx.Client(transport=httpx.MockTransport(handler)), retry_config=None
    )


def _json(body: Any, status: int = 200) -> Any:
    import httpx

    return lambda request: httpx.Response(status, json=body)


THING = {"class": "c", "str": "s", "model_config": "m"}


def test_a_response_with_an_extra_field_keeps_it(built: Path) -> None:
    with _client(built, _json({**THING, "brand_new": {"nested": [1, 2]}})) as sdk:
        thing = sdk.class_.get_thing(id="1")
    assert thing.model_extra == {"brand_new": {"nested": [1, 2]}}
    assert thing.model_dump(mode="json", by_alias=True)["brand_new"] == {"nested": [1, 2]}


def test_an_unknown_enum_value_is_kept(built: Path) -> None:
    with _client(built, _json({**THING, "status": "a value from next year"})) as sdk:
        thing = sdk.class_.get_thing(id="1")
    assert thing.status == "a value from next year" and str(thing.status) == "a value from next year"
    assert thing.model_dump(mode="json", by_alias=True)["status"] == "a value from next year"


def test_an_unknown_union_tag_yields_an_unknown_variant_with_the_raw_data(built: Path, m: Any) -> None:
    runtime = importlib.import_module(f"{PACKAGE}._runtime.types")
    raw = {"event-type": "archived", "when": "now"}
    with _client(built, _json(raw)) as sdk:
        event = sdk.odd_group_name_v2.import_()
    assert isinstance(event, runtime.UnknownVariant)
    assert event.raw == raw
    with _client(built, _json({"event-type": 'created | "new"', "id": 7})) as sdk:
        assert sdk.odd_group_name_v2.import_() == m.Created.model_validate({"event-type": 'created | "new"', "id": 7})


def test_a_missing_required_field_raises_an_error_that_shows_the_body(built: Path) -> None:
    package = importlib.import_module(PACKAGE)
    body = {"str": "s", "model_config": "m", "note": "the server forgot `class`"}
    with _client(built, _json(body)) as sdk:
        with pytest.raises(package.ResponseValidationError) as caught:
            sdk.class_.get_thing(id="1")
    message = str(caught.value)
    assert "class" in message
    assert json.dumps(body) in message or "the server forgot `class`" in message
    assert caught.value.status_code == 200 and json.loads(caught.value.body) == body


def test_an_error_body_is_raised_as_its_exception(built: Path, m: Any) -> None:
    with _client(built, _json({"message": "no such thing"}, status=404)) as sdk:
        with pytest.raises(m.Problem) as caught:
            sdk.class_.get_thing(id="nope")
    assert caught.value.data.message == "no such thing"


def test_a_schema_named_file_leaves_models_file_to_the_upload_type(tmp_path: Path) -> None:
    """`models.File` is always the runtime's upload type (the reference's examples import it); a schema of that
    name is declared as `File2`, the Namer's usual answer to a reserved name, at top level as well."""
    (tmp_path / "openapi.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n      operationId: send\n"
        "      requestBody:\n        content:\n          multipart/form-data:\n            schema:\n"
        "              type: object\n              required: [file]\n"
        "              properties: {file: {type: string, format: binary}}\n"
        "      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/File'}}}}}\n"
        "components:\n  schemas:\n    File:\n      type: object\n      properties: {id: {type: string}}\n"
    )
    done, _ = _gen("build", "openapi.yaml", "--out", "out", "--package", "filepkg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    code = (
        "import filepkg, filepkg.models as m\n"
        "assert m.File.__module__ == 'filepkg._runtime.files', m.File.__module__\n"
        "assert m.File2.__module__.startswith('filepkg.models.'), m.File2.__module__\n"
        "assert filepkg.File is m.File and filepkg.File2 is m.File2 and filepkg.File2TypedDict is m.File2TypedDict\n"
        "assert m.File2.model_validate({'id': 'a'}).id == 'a'\n"
    )
    src = next((tmp_path / "out").glob("*/src"))
    run = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
