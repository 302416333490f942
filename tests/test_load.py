"""The load stage: reading, versions, overlays, $ref bundling, repairs, validation warnings."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import Document, load
from generator.problems import BuildError, Problem

ROOT = Path(__file__).resolve().parents[1]
MISTRAL = ROOT / "specs" / "mistral" / "openapi.yaml"

MINIMAL_31 = """\
openapi: 3.1.0
info: {title: Test, version: "1.0"}
paths: {}
"""

PETS_31 = """\
openapi: 3.1.0
info: {title: Pets, version: "1.0"}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        born: {type: string, format: date, example: 2020-01-01}
"""


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work inside tmp_path, so that display names are short relative paths."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(spec: Path, overlays: list[Path] | None = None, **kwargs: bool) -> list[Problem]:
    with pytest.raises(BuildError) as caught:
        load(spec, overlays or [], **kwargs)
    assert all(not problem.warning for problem in caught.value.problems)
    return caught.value.problems


def messages(problems: tuple[Problem, ...] | list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


# --- reading ---------------------------------------------------------------------------------------------------------


def test_yaml_31_loads_clean() -> None:
    document = load(write("openapi.yaml", PETS_31))
    assert isinstance(document, Document)
    assert document.file == "openapi.yaml"
    assert document.openapi == "3.1.0"
    assert document.warnings == ()
    assert document.root["components"]["schemas"]["Pet"]["required"] == ["name"]


def test_json_30_loads_clean() -> None:
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"type": "string", "nullable": True}}},
                        }
                    }
                }
            }
        },
    }
    document = load(write("openapi.json", json.dumps(spec)))
    assert document.openapi == "3.0.3"
    assert document.warnings == ()
    assert document.root == spec


def test_a_json_spec_without_overlays_imports_neither_pyyaml_nor_the_overlay_modules() -> None:
    """What a build needs only for YAML or for overlays is imported when it is met: a cold build pays for it."""
    spec = write("openapi.json", json.dumps({"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}}))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from generator.load import load\n"
        f"load(Path({str(spec.resolve())!r}))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'jsonpath_rfc9535')\n"
        "             or m in ('generator.load.yaml12', 'generator.load.overlay')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_display_name_is_relative_to_cwd(in_tmp: Path) -> None:
    write("specs/x/openapi.yaml", MINIMAL_31)
    assert load(in_tmp / "specs" / "x" / "openapi.yaml").file == "specs/x/openapi.yaml"


def test_timestamps_stay_strings() -> None:
    document = load(write("openapi.yaml", PETS_31))
    born = document.root["components"]["schemas"]["Pet"]["properties"]["born"]
    assert born["example"] == "2020-01-01"


def test_non_string_keys_become_strings() -> None:
    spec = MINIMAL_31.replace(
        "paths: {}",
        "paths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n"
        "        404: {description: missing}\n"
        "components:\n  schemas:\n    Flags:\n      properties:\n"
        "        yes: {type: string}\n        no: {type: string}",
    )
    root = load(write("openapi.yaml", spec)).root
    assert list(root["paths"]["/a"]["get"]["responses"]) == ["200", "404"]
    assert list(root["components"]["schemas"]["Flags"]["properties"]) == ["yes", "no"]


def test_empty_file_is_refused() -> None:
    (problem,) = errors_of(write("openapi.yaml", "\n  \n"))
    assert str(problem) == "openapi.yaml#: file is empty"


def test_top_level_must_be_a_mapping() -> None:
    (problem,) = errors_of(write("openapi.yaml", "- a\n- b\n"))
    assert "mapping" in problem.message and problem.pointer == ""


def test_invalid_yaml_names_line_and_column() -> None:
    (problem,) = errors_of(write("openapi.yaml", "openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: 1\n"))
    assert problem.file == "openapi.yaml" and problem.pointer == ""
    assert str(problem).startswith("openapi.yaml#: invalid YAML at line 4, column ")


def test_invalid_json_names_line() -> None:
    (problem,) = errors_of(write("openapi.json", '{"openapi": "3.1.0",\n "info": }'))
    assert str(problem).startswith("openapi.json#: invalid JSON at line 2, column 10")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["openapi: 3.1.0", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    spec = write("openapi.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    (problem,) = errors_of(spec)
    assert time.perf_counter() - started < 2
    assert "alias" in problem.message and "bomb" in problem.message


def test_plain_aliases_are_fine_and_independent() -> None:
    spec = PETS_31 + "    Named: &named {type: string}\n    Alias: *named\n"
    schemas = load(write("openapi.yaml", spec)).root["components"]["schemas"]
    assert schemas["Alias"] == {"type": "string"}
    assert schemas["Alias"] is not schemas["Named"]  # an edit to one must not change the other


def test_recursive_alias_is_refused() -> None:
    (problem,) = errors_of(write("openapi.yaml", "openapi: 3.1.0\nx: &x\n  y: *x\n"))
    assert "recursive" in problem.message


def test_duplicate_keys_warn() -> None:
    spec = MINIMAL_31 + "components:\n  schemas:\n    A: {type: string}\n    A: {type: integer}\n"
    document = load(write("openapi.yaml", spec))
    assert messages(document.warnings) == [
        "openapi.yaml#/components/schemas: warning: duplicate key 'A' (line 7); the last value is used"
    ]
    assert document.root["components"]["schemas"]["A"] == {"type": "integer"}


def test_merge_keys_may_be_overridden_without_warning() -> None:
    spec = MINIMAL_31 + "x-base: &base {a: 1, b: 2}\nx-use:\n  <<: *base\n  a: 3\n  sign: =\n"
    document = load(write("openapi.yaml", spec))
    assert document.root["x-use"] == {"a": 3, "b": 2, "sign": "="}
    assert document.warnings == ()


# --- versions --------------------------------------------------------------------------------------------------------


def test_swagger_2_is_refused_by_name() -> None:
    (problem,) = errors_of(write("swagger.yaml", 'swagger: "2.0"\ninfo: {title: t, version: "1"}\npaths: {}\n'))
    assert "Swagger 2.0 is not supported" in problem.message
    assert "OpenAPI 3" in problem.message


def test_missing_openapi_field() -> None:
    (problem,) = errors_of(write("openapi.yaml", "info: {title: t, version: '1'}\npaths: {}\n"))
    assert "'openapi' version field is missing" in problem.message


@pytest.mark.parametrize("version", ["4.0.0", "3.3.0", "2.0"])
def test_unsupported_version_is_named(version: str) -> None:
    (problem,) = errors_of(write("openapi.yaml", MINIMAL_31.replace("3.1.0", f'"{version}"')))
    assert problem.pointer == "/openapi" and version in problem.message


def test_unquoted_short_version_is_explained() -> None:
    (problem,) = errors_of(write("openapi.yaml", MINIMAL_31.replace("3.1.0", "3.1")))
    assert "must be a string" in problem.message


def test_32_is_accepted() -> None:
    assert load(write("openapi.yaml", MINIMAL_31.replace("3.1.0", "3.2.0"))).openapi == "3.2.0"


# --- overlays --------------------------------------------------------------------------------------------------------

OVERLAY_HEAD = "overlay: 1.0.0\ninfo: {title: fixes, version: '1'}\nactions:\n"


def test_overlay_update_merges_objects() -> None:
    overlay = write(
        "overlay.yaml",
        OVERLAY_HEAD + "  - target: $.info\n    update: {description: added, x-extra: {a: 1}}\n"
        "  - target: $.components.schemas.Pet\n    update:\n      properties:\n        name: {minLength: 1}\n"
        "        age: {type: integer}\n",
    )
    document = load(write("openapi.yaml", PETS_31), [overlay])
    assert document.root["info"] == {"title": "Pets", "version": "1.0", "description": "added", "x-extra": {"a": 1}}
    properties = document.root["components"]["schemas"]["Pet"]["properties"]
    assert properties["name"] == {"type": "string", "minLength": 1}
    assert properties["age"] == {"type": "integer"}
    assert document.warnings == ()


def test_overlay_update_appends_to_arrays() -> None:
    overlay = write(
        "overlay.yaml",
        OVERLAY_HEAD + "  - target: $.paths['/pets'].get.parameters\n    update: {name: offset, in: query}\n",
    )
    parameters = load(write("openapi.yaml", PETS_31), [overlay]).root["paths"]["/pets"]["get"]["parameters"]
    assert [parameter["name"] for parameter in parameters] == ["limit", "offset"]


def test_overlay_remove() -> None:
    overlay = write(
        "overlay.yaml",
        OVERLAY_HEAD + "  - target: $.paths.*.get.parameters[?@.name == 'limit']\n    remove: true\n"
        "  - target: $.components.schemas.Pet.properties.born\n    remove: true\n",
    )
    root = load(write("openapi.yaml", PETS_31), [overlay]).root
    assert root["paths"]["/pets"]["get"]["parameters"] == []
    assert list(root["components"]["schemas"]["Pet"]["properties"]) == ["name"]


def test_overlays_apply_in_order() -> None:
    first = write("one.yaml", OVERLAY_HEAD + "  - target: $.info\n    update: {title: First}\n")
    second = write("two.yaml", OVERLAY_HEAD + "  - target: $.info\n    update: {title: Second}\n")
    assert load(write("openapi.yaml", PETS_31), [first, second]).root["info"]["title"] == "Second"


def test_overlay_targets_by_index_and_messages_name_the_normalized_path() -> None:
    overlay = write(
        "overlay.yaml",
        OVERLAY_HEAD + "  - target: $.paths['/pets'].get.parameters[-1]\n    remove: true\n"
        '  - target: $["info"].title\n    update: {a: 1}\n',
    )
    problems = errors_of(write("openapi.yaml", PETS_31), [overlay])
    assert messages(problems) == [
        "overlay.yaml#/actions/1/target: target selects a string at $['info']['title']; "
        "select the object that holds it instead"
    ]
    overlay = write("overlay.yaml", OVERLAY_HEAD + "  - target: $.paths['/pets'].get.parameters[-1]\n    remove: true")
    assert load(write("openapi.yaml", PETS_31), [overlay]).root["paths"]["/pets"]["get"]["parameters"] == []


def test_overlay_target_matching_nothing_warns() -> None:
    overlay = write(
        "overlay.yaml",
        OVERLAY_HEAD + "  - target: $.info\n    update: {description: d}\n"
        "  - target: $.paths['/nope'].get\n    update: {summary: s}\n",
    )
    document = load(write("openapi.yaml", PETS_31), [overlay])
    assert messages(document.warnings) == [
        "overlay.yaml#/actions/1/target: warning: target \"$.paths['/nope'].get\" matches nothing"
    ]


def test_overlay_bad_jsonpath_is_an_error_in_the_overlay() -> None:
    overlay = write("overlay.yaml", OVERLAY_HEAD + "  - target: $.paths[\n    remove: true\n")
    (problem,) = errors_of(write("openapi.yaml", PETS_31), [overlay])
    assert problem.file == "overlay.yaml" and problem.pointer == "/actions/0/target"
    assert "invalid JSONPath" in problem.message


def test_malformed_overlay_reports_every_mistake() -> None:
    overlay = write("overlay.yaml", "overlay: 2.0.0\nactions:\n  - target: $.info\n    remvoe: true\n  - 3\n")
    problems = errors_of(write("openapi.yaml", PETS_31), [overlay])
    assert [(problem.file, problem.pointer) for problem in problems] == [
        ("overlay.yaml", "/overlay"),
        ("overlay.yaml", ""),
        ("overlay.yaml", "/actions/0/remvoe"),
        ("overlay.yaml", "/actions/1"),
    ]


# --- $ref ------------------------------------------------------------------------------------------------------------


def test_dangling_local_ref_is_an_error_at_the_ref() -> None:
    spec = write("openapi.yaml", PETS_31.replace("#/components/schemas/Pet", "#/components/schemas/Nope"))
    (problem,) = errors_of(spec)
    assert str(problem) == (
        "openapi.yaml#/paths/~1pets/get/responses/200/content/application~1json/schema: "
        "$ref '#/components/schemas/Nope' does not resolve"
    )


def test_every_dangling_ref_is_reported() -> None:
    spec = PETS_31.replace("name: {type: string}", "name: {$ref: '#/components/schemas/Missing'}")
    spec = spec.replace("#/components/schemas/Pet", "#/components/schemas/Nope")
    assert len(errors_of(write("openapi.yaml", spec))) == 2


def test_ref_pointer_escapes_and_percent_decoding() -> None:
    spec = PETS_31 + "    Uses:\n      $defs:\n        a/b~c: {type: string}\n      properties:\n"
    spec += "        x: {$ref: '#/components/schemas/Uses/$defs/a~1b~0c'}\n"
    spec += "        y: {$ref: '#/components/schemas/Uses/%24defs/a~1b%7E0c'}\n"
    spec += "        z: {$ref: '#/paths/~1pets/get/parameters/0/schema'}\n"
    assert load(write("openapi.yaml", spec)).warnings == ()


def test_recursive_local_refs_are_legal() -> None:
    spec = (
        PETS_31
        + "    Node:\n      type: object\n      properties:\n"
        + "        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n"
    )
    assert load(write("openapi.yaml", spec)).warnings == ()


def test_ref_that_only_refers_to_itself_is_an_error() -> None:
    spec = PETS_31 + "  requestBodies:\n    body: {$ref: '#/components/requestBodies/body'}\n"
    (problem,) = errors_of(write("openapi.yaml", spec))
    assert problem.pointer == "/components/requestBodies/body" and "circular" in problem.message


@pytest.mark.parametrize(
    "ref", ["https://example.com/pet.yaml#/Pet", "http://example.com/x.json", "//example.com/x.yaml", "ftp://h/x"]
)
def test_remote_ref_is_refused(ref: str) -> None:
    (problem,) = errors_of(write("openapi.yaml", PETS_31.replace("#/components/schemas/Pet", ref)))
    assert problem.pointer == "/paths/~1pets/get/responses/200/content/application~1json/schema"
    assert problem.message == f"remote $ref '{ref}' is not allowed: builds never touch the network"


@pytest.mark.parametrize("ref", ["../outside.yaml#/Pet", "../../etc/passwd", "sub/../../outside.yaml"])
def test_ref_escaping_the_spec_folder_is_refused(ref: str) -> None:
    write("outside.yaml", "Pet: {type: string}\n")
    spec = write("spec/openapi.yaml", PETS_31.replace("#/components/schemas/Pet", ref))
    (problem,) = errors_of(spec)
    assert problem.file == "spec/openapi.yaml" and "outside the spec's folder" in problem.message


def test_absolute_ref_is_refused(in_tmp: Path) -> None:
    target = write("pet.yaml", "Pet: {type: string}\n").resolve()
    (problem,) = errors_of(write("openapi.yaml", PETS_31.replace("#/components/schemas/Pet", f"{target}#/Pet")))
    assert "absolute path" in problem.message


def test_refs_in_examples_and_extensions_are_data() -> None:
    spec = PETS_31.replace(
        "born: {type: string, format: date, example: 2020-01-01}",
        "born: {type: string, example: {$ref: nowhere.yaml}, x-note: {$ref: 'https://x'}}",
    )
    spec = spec.replace("description: ok\n", "description: ok\n          x-meta: {$ref: '#/nope'}\n", 1)
    born = load(write("openapi.yaml", spec)).root["components"]["schemas"]["Pet"]["properties"]["born"]
    assert born["example"] == {"$ref": "nowhere.yaml"}


EXTERNAL_ROOT = """\
openapi: 3.1.0
info: {title: Pets, version: "1.0"}
paths:
  /pets:
    get:
      parameters:
        - $ref: "common/parameters.yaml#/Limit"
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "schemas/pet.yaml#/Pet"}
        default: {$ref: "common/responses.yaml#/Error"}
components:
  schemas:
    Pet: {type: string, description: the root's own Pet}
"""


def write_external_specs() -> Path:
    write(
        "schemas/pet.yaml",
        "Pet:\n  type: object\n  properties:\n    owner: {$ref: owner.json}\n"
        "    sibling: {$ref: '#/Pet'}\n    tag: {$ref: '../openapi.yaml#/components/schemas/Pet'}\n",
    )
    write(
        "schemas/owner.json",
        json.dumps({"type": "object", "properties": {"pets": {"type": "array", "items": {"$ref": "pet.yaml#/Pet"}}}}),
    )
    write(
        "common/parameters.yaml",
        "Limit: {name: limit, in: query, schema: {$ref: '#/LimitValue'}}\nLimitValue: {type: integer}\n",
    )
    write(
        "common/responses.yaml",
        "Error:\n  description: failure\n  content:\n"
        "    application/json:\n      schema: {$ref: '../schemas/owner.json'}\n",
    )
    return write("openapi.yaml", EXTERNAL_ROOT)


def test_relative_file_refs_are_hoisted_and_inlined() -> None:
    document = load(write_external_specs())
    root = document.root
    assert document.warnings == ()
    schemas = root["components"]["schemas"]
    assert list(schemas) == ["Pet", "LimitValue", "Pet2", "owner"]  # document order; Pet was taken, so Pet2
    operation = root["paths"]["/pets"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Pet2"
    }
    # a cycle across two files: pet.yaml -> owner.json -> pet.yaml, each hoisted once
    assert schemas["Pet2"]["properties"]["owner"] == {"$ref": "#/components/schemas/owner"}
    assert schemas["Pet2"]["properties"]["sibling"] == {"$ref": "#/components/schemas/Pet2"}
    assert schemas["Pet2"]["properties"]["tag"] == {"$ref": "#/components/schemas/Pet"}
    assert schemas["owner"]["properties"]["pets"]["items"] == {"$ref": "#/components/schemas/Pet2"}
    # non-schema objects are inlined, with their own references bundled
    assert operation["parameters"] == [
        {"name": "limit", "in": "query", "schema": {"$ref": "#/components/schemas/LimitValue"}}
    ]
    error = operation["responses"]["default"]
    assert error["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/owner"}
    assert all_refs_local(root)


def all_refs_local(value: object) -> bool:
    if isinstance(value, dict):
        ref_ok = not isinstance(value.get("$ref"), str) or value["$ref"].startswith("#")
        return ref_ok and all(all_refs_local(child) for child in value.values())
    if isinstance(value, list):
        return all(all_refs_local(child) for child in value)
    return True


def test_named_external_schema_keeps_its_component_name() -> None:
    write_external_specs()
    spec = EXTERNAL_ROOT.replace(
        "Pet: {type: string, description: the root's own Pet}", "Pet: {$ref: schemas/pet.yaml#/Pet}"
    )
    schemas = load(write("openapi.yaml", spec)).root["components"]["schemas"]
    assert list(schemas) == ["Pet", "LimitValue", "owner"]
    assert schemas["Pet"]["properties"]["sibling"] == {"$ref": "#/components/schemas/Pet"}
    assert schemas["Pet"]["properties"]["tag"] == {"$ref": "#/components/schemas/Pet"}
    assert schemas["owner"]["properties"]["pets"]["items"] == {"$ref": "#/components/schemas/Pet"}


def test_missing_named_external_schema_is_reported_once() -> None:
    spec = MINIMAL_31 + "components:\n  schemas:\n    Pet: {$ref: missing.yaml}\n"
    (problem,) = errors_of(write("openapi.yaml", spec))
    assert str(problem) == "openapi.yaml#/components/schemas/Pet: $ref 'missing.yaml' names a file that does not exist"


def test_bundling_is_deterministic() -> None:
    spec = write_external_specs()
    first, second = load(spec), load(spec)
    assert json.dumps(first.root) == json.dumps(second.root)
    assert first.warnings == second.warnings


def test_problem_in_a_referenced_file_names_that_file() -> None:
    spec = write_external_specs()
    write("schemas/pet.yaml", "Pet:\n  type: object\n  properties:\n    owner: {$ref: '#/Nope'}\n")
    (problem,) = errors_of(spec)
    assert str(problem) == "schemas/pet.yaml#/Pet/properties/owner: $ref '#/Nope' does not resolve"


def test_warning_in_a_hoisted_schema_names_its_file() -> None:
    spec = write_external_specs()
    write("schemas/pet.yaml", "Pet:\n  type: object\n  required: [a, a]\n  properties:\n    owner: {minimum: x}\n")
    assert messages(load(spec).warnings) == [
        "schemas/pet.yaml#/Pet/required: warning: required lists 'a' more than once; deduplicated",
        "schemas/pet.yaml#/Pet/properties/owner/minimum: warning: 'x' is not of type 'number'",
    ]


def test_missing_referenced_file() -> None:
    spec = write("openapi.yaml", PETS_31.replace("#/components/schemas/Pet", "nope.yaml#/Pet"))
    (problem,) = errors_of(spec)
    assert "does not exist" in problem.message


# --- repairs and validation ------------------------------------------------------------------------------------------


def test_mistral_items_lists_are_repaired(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    document = load(Path("specs/mistral/openapi.yaml"))
    assert messages(document.warnings) == [
        "specs/mistral/openapi.yaml#/components/schemas/EmbeddingResponse/allOf/1/properties/data/items: "
        "warning: items is a list; using its only element",
        "specs/mistral/openapi.yaml#/components/schemas/ClassificationResponse/properties/results/items: "
        "warning: items is a list; using its only element",
    ]
    schema = document.root["components"]["schemas"]["ClassificationResponse"]["properties"]["results"]
    assert schema["items"] == {"$ref": "#/components/schemas/ClassificationObject"}


def test_repairs_inside_repaired_nodes_are_walked_as_repaired() -> None:
    """`items: [x]` becomes `items: x` before the walk looks inside: x is met at /items, not /items/0."""
    spec = write(
        "openapi.yaml",
        MINIMAL_31 + "components:\n  schemas:\n    A:\n      type: array\n      required: [a, a]\n"
        "      items: [{type: array, items: [{type: string, default: 1}], required: [b, b]}]\n",
    )
    assert [w.pointer for w in load(spec).warnings] == [
        "/components/schemas/A/items",
        "/components/schemas/A/required",
        "/components/schemas/A/items/items",
        "/components/schemas/A/items/required",
        "/components/schemas/A/items/items/default",
    ]


def test_duplicate_required_is_deduplicated() -> None:
    document = load(write("openapi.yaml", PETS_31.replace("required: [name]", "required: [name, name]")))
    assert document.root["components"]["schemas"]["Pet"]["required"] == ["name"]
    assert messages(document.warnings) == [
        "openapi.yaml#/components/schemas/Pet/required: warning: required lists 'name' more than once; deduplicated"
    ]


def test_schema_violations_are_concise_warnings() -> None:
    spec = PETS_31.replace("name: {type: string}", "name: {type: strin}")
    spec = spec.replace("get:\n      operationId", "get:\n      title: nope\n      operationId")
    document = load(write("openapi.yaml", spec))
    assert messages(document.warnings) == [
        "openapi.yaml#/components/schemas/Pet/properties/name/type: warning: "
        "'strin' is not one of ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']",
        "openapi.yaml#/paths/~1pets/get: warning: Unevaluated properties are not allowed ('title' was unexpected)",
    ]


def test_30_schema_violations_name_the_real_mistake() -> None:
    spec = PETS_31.replace("3.1.0", "3.0.3").replace("name: {type: string}", "name: {type: string, const: a}")
    spec = spec.replace("{name: limit, in: query", "{name: limit, in: path")
    assert messages(load(write("openapi.yaml", spec)).warnings) == [
        "openapi.yaml#/components/schemas/Pet/properties/name: "
        "warning: 'const' does not match any of the regexes: '^x-'",
        "openapi.yaml#/paths/~1pets/get/parameters/0: warning: 'required' is a required property",
    ]


def test_long_instances_are_truncated() -> None:
    spec = PETS_31.replace("paths:\n", f"servers: {{url: {'x' * 300}}}\npaths:\n")
    (warning,) = load(write("openapi.yaml", spec)).warnings
    assert warning.pointer == "/servers" and len(warning.message) < 200


def test_warnings_are_capped() -> None:
    extra = "".join(f"    S{i:03}: {{type: {i}}}\n" for i in range(150))
    warnings = load(write("openapi.yaml", PETS_31 + extra)).warnings
    assert len(warnings) == 101
    assert str(warnings[-1]) == "openapi.yaml#: warning: ... and 50 more schema warnings"
    assert [w.pointer for w in warnings[:-1]] == sorted(w.pointer for w in warnings[:-1])


def test_strict_turns_warnings_into_errors() -> None:
    spec = write("openapi.yaml", PETS_31.replace("required: [name]", "required: [name, name]"))
    assert len(load(spec).warnings) == 1
    (problem,) = errors_of(spec, strict=True)
    assert (
        str(problem)
        == "openapi.yaml#/components/schemas/Pet/required: required lists 'name' more than once; deduplicated"
    )


def _outermost_schemas(path: Path) -> list[object]:
    from generator.load.bundle import walk

    root = load(path).root
    return [v.node for v in walk(root) if v.kind == "schema" and v.parent_kind != "schema"]


SCHEMAS_31 = [
    schema
    for path in [ROOT / "tests" / "corpus" / "documents" / "opc-baseline-openapi-3_1.yaml", MISTRAL]
    for schema in _outermost_schemas(path)
]
DAMAGE = [None, 1, -1, 1.5, True, "x", "strin", [], {}, ["a", "a"], [1], {"a": 1}, {"type": "x"}]
SCHEMA_KEYWORDS = ["type", "items", "properties", "required", "enum", "minimum", "anyOf", "$ref", "$defs", "pattern"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SCHEMAS_31), st.sampled_from(SCHEMA_KEYWORDS), st.sampled_from(DAMAGE), st.booleans())
def test_the_flattened_meta_schema_finds_what_the_official_one_finds(
    schema: object, keyword: str, damage: object, nested: bool
) -> None:
    """3.1 Schema Objects are checked against the 2020-12 meta-schema merged into one resource, for speed: the
    same findings as through the official meta-schema (which repeats some, once per vocabulary; validate() reports
    each pointer and message once), on real schemas and damaged ones."""
    from jsonschema import Draft202012Validator

    from generator.load.validate import _meta_validator

    damaged = json.loads(json.dumps(schema))
    if isinstance(damaged, dict):
        target = damaged
        if nested and isinstance(damaged.get("properties"), dict) and damaged["properties"]:
            inner = next(iter(damaged["properties"].values()))
            target = inner if isinstance(inner, dict) else damaged
        target[keyword] = damage

    def found(validator: Draft202012Validator) -> set[tuple[tuple[object, ...], str]]:
        return {(tuple(e.absolute_path), e.message) for e in validator.iter_errors(damaged)}

    assert found(_meta_validator()) == found(Draft202012Validator(Draft202012Validator.META_SCHEMA))
