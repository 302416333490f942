"""Multi-file specs: many files tied together by relative `$ref`s (issue 14, item 9).

The bundler resolves each file named by a reference once (not each reference) and reads each file once; these tests
pin what it produces: the synthetic document of bench/multifile.py bundles to the same document as before that
change, and one file reached by different spellings (`a/../b.yaml`, `./b.yaml`, a symbolic link) is one file.
No timing is asserted here: `python -m bench.multifile` measures.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import ROOT

from generator.load import load
from generator.problems import BuildError


def _multifile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_multifile", ROOT / "bench" / "multifile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The sha256 of the bundled document (JSON, keys sorted) of the 50-file, 2,000-reference synthetic spec, as
# generator/load bundled it before references were resolved once per file (commit 6d78574).
BUNDLED_50_2000 = "ca8d3f6f97c0edabb7fa5ca42701a028af57272982c5974a6bc6b0d2a2503e95"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def external_refs(folder: Path) -> int:
    return sum(
        text.count('"$ref": "') - text.count('"$ref": "#')
        for text in (path.read_text(encoding="utf-8") for path in folder.rglob("*.yaml"))
    )


def local_refs(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [value["$ref"]] if isinstance(value.get("$ref"), str) else []
        return own + [ref for child in value.values() for ref in local_refs(child)]
    if isinstance(value, list):
        return [ref for child in value for ref in local_refs(child)]
    return []


def test_synthetic_multifile_spec_bundles_as_before(in_tmp: Path) -> None:
    multifile = _multifile()
    spec = multifile.generate(in_tmp / "spec", files=50, refs=2000)
    assert len(list((in_tmp / "spec").rglob("*.yaml"))) == 50
    assert external_refs(in_tmp / "spec") == 2000
    assert any("/../" in path.read_text() for path in (in_tmp / "spec").rglob("*.yaml"))  # roundabout spellings
    document = load(spec)
    assert document.warnings == ()
    text = json.dumps(document.root, sort_keys=True)
    assert hashlib.sha256(text.encode()).hexdigest() == BUNDLED_50_2000
    schemas = document.root["components"]["schemas"]
    refs = local_refs(document.root)
    assert all(ref.startswith("#/components/schemas/") and ref.split("/")[-1] in schemas for ref in refs)
    # every schema of every file was reached (the generator chains them), each hoisted once
    assert len(schemas) == 124


def test_the_generator_is_deterministic(in_tmp: Path) -> None:
    multifile = _multifile()
    first, second = in_tmp / "a", in_tmp / "b"
    multifile.generate(first, files=30, refs=600)
    multifile.generate(second, files=30, refs=600)
    files = sorted(path.relative_to(first) for path in first.rglob("*.yaml"))
    assert files == sorted(path.relative_to(second) for path in second.rglob("*.yaml"))
    assert all((first / name).read_bytes() == (second / name).read_bytes() for name in files)


ROOT_SPEC = """\
openapi: 3.1.0
info: {title: Pets, version: "1.0"}
paths:
  /pets:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
"""


def spec_with(*refs: str) -> Path:
    properties = "".join(f"                  p{i}: {{$ref: '{ref}'}}\n" for i, ref in enumerate(refs))
    return write("openapi.yaml", ROOT_SPEC + properties)


def properties_of(document: Any) -> dict[str, Any]:
    media = document.root["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]
    properties: dict[str, Any] = media["schema"]["properties"]
    return properties


def test_one_file_through_different_relative_paths_is_one_file() -> None:
    write("schemas/pet.yaml", "Pet:\n  type: object\n  properties:\n    friend: {$ref: '../schemas/./pet.yaml#/Pet'}\n")
    write("schemas/sub/x.yaml", "X: {type: string}\n")
    document = load(
        spec_with(
            "schemas/pet.yaml#/Pet",
            "./schemas/pet.yaml#/Pet",
            "schemas/sub/../pet.yaml#/Pet",
            "schemas/nowhere/../pet.yaml#/Pet",  # a folder that does not exist, then `..`: still the same file
            "schemas//pet.yaml#/Pet",
        )
    )
    assert list(document.root["components"]["schemas"]) == ["Pet"]
    assert set(json.dumps(value) for value in properties_of(document).values()) == {
        '{"$ref": "#/components/schemas/Pet"}'
    }
    assert document.root["components"]["schemas"]["Pet"]["properties"]["friend"] == {"$ref": "#/components/schemas/Pet"}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_file_reached_through_a_symbolic_link_is_the_file_it_links_to(in_tmp: Path) -> None:
    write("schemas/pet.yaml", "Pet: {type: object, properties: {owner: {$ref: 'owner.yaml'}}}\n")
    write("schemas/owner.yaml", "type: string\n")
    os.symlink("schemas/pet.yaml", "pet-link.yaml")
    os.symlink("schemas", "models")
    document = load(spec_with("schemas/pet.yaml#/Pet", "pet-link.yaml#/Pet", "models/pet.yaml#/Pet"))
    schemas = document.root["components"]["schemas"]
    assert list(schemas) == ["Pet", "owner"]  # the link's own refs are read from where the file really is
    assert {value["$ref"] for value in properties_of(document).values()} == {"#/components/schemas/Pet"}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_symbolic_link_out_of_the_spec_folder_is_refused(in_tmp: Path) -> None:
    write("outside/pet.yaml", "Pet: {type: string}\n")
    (in_tmp / "spec").mkdir()
    os.symlink(in_tmp / "outside", in_tmp / "spec" / "shared")
    os.chdir(in_tmp / "spec")
    with pytest.raises(BuildError) as caught:
        load(spec_with("shared/pet.yaml#/Pet", "shared/./pet.yaml#/Pet"))
    assert [str(problem) for problem in caught.value.problems] == [
        "openapi.yaml#/paths/~1pets/get/responses/200/content/application~1json/schema/properties/p0: "
        "$ref 'shared/pet.yaml#/Pet' points outside the spec's folder .",
        "openapi.yaml#/paths/~1pets/get/responses/200/content/application~1json/schema/properties/p1: "
        "$ref 'shared/./pet.yaml#/Pet' points outside the spec's folder .",
    ]


def test_a_missing_file_is_reported_at_each_reference_in_the_file_that_names_it() -> None:
    write("schemas/pet.yaml", "Pet:\n  type: object\n  properties:\n    owner: {$ref: '../people/owner.yaml'}\n")
    with pytest.raises(BuildError) as caught:
        load(spec_with("schemas/pet.yaml#/Pet", "schemas/../people/owner.yaml"))
    assert [str(problem) for problem in caught.value.problems] == [
        "openapi.yaml#/paths/~1pets/get/responses/200/content/application~1json/schema/properties/p1: "
        "$ref 'schemas/../people/owner.yaml' names a file that does not exist",
        "schemas/pet.yaml#/Pet/properties/owner: $ref '../people/owner.yaml' names a file that does not exist",
    ]
