"""`gen build` on bad input: exit 2, one clear line per problem, and out/ exactly as it was."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, gen, tree

BAD = {
    "dangling-ref": (
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Foo:\n"
        "      type: object\n      properties:\n        bar: {$ref: '#/components/schemas/Nope'}\n",
        "openapi.yaml#/components/schemas/Foo/properties/bar: $ref '#/components/schemas/Nope' does not resolve",
    ),
    "invalid-yaml": ("openapi: 3.1.0\ninfo: [\n  - x: y\n", "openapi.yaml#: invalid YAML at line 3"),
    "swagger-2": ("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "Swagger 2.0 is not supported"),
    "empty": ("", "openapi.yaml#: "),
}


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = gen("build", "specs/", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_exits_2_and_leaves_out_alone(case: str, tmp_path: Path, built_out: Path) -> None:
    text, expected = BAD[case]
    # The broken API sits beside a good one: the whole build fails and writes nothing at all.
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs" / "mistral", specs / "mistral")
    (specs / "broken").mkdir()
    (specs / "broken" / "openapi.yaml").write_text(text)
    out = tmp_path / "out"
    shutil.copytree(built_out, out)
    before = _snapshot(out)
    result = gen("build", str(specs), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if ": warning: " not in line]
    assert len(errors) == 1, result.stderr
    assert expected in errors[0]
    assert errors[0].startswith(os.path.join("specs", "broken", "openapi.yaml") + "#")
    assert _snapshot(out) == before


def test_single_spec_file_builds_into_a_folder_named_after_it(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n"
        "        '200':\n          description: ok\n          content:\n            application/json:\n"
        "              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}\n"
        "components:\n  schemas:\n    Pet:\n      type: object\n      required: [name]\n"
        "      properties:\n        name: {type: string}\n"
    )
    result = gen("build", str(spec), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    files = tree(tmp_path / "out" / "pets")
    assert "src/pets/models/pet.py" in files
    assert "docs/models/pet.md" in files


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    result = gen("build", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr
    assert not (tmp_path / "out").exists()
