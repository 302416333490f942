"""Hand edits kept by a three-way merge: `gen build` in a git repository holding a built SDK, edited by hand, from a
changed spec. base = what gen generated last time (read from git by the blob id the manifest records), ours = the
edited file, theirs = the new generation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, tree

SPEC = """\
openapi: 3.1.0
info: {title: Pets, version: '1'}
servers: [{url: 'https://pets.example.com'}]
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
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
      description: A pet.
      required: [name]
      properties:
        name: {type: string}
"""

MODEL = "out/pets/src/pets/models/pet.py"
DOC = "out/pets/docs/models/pet.md"
METHOD = b'\n    def greet(self) -> str:\n        return "hi " + self.name\n'


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo, env=ENV, capture_output=True, text=True, check=True,
    )
    return done.stdout


# No configuration of the machine's (a conflict style, a signing key) changes what git does here.
ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def gen(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**ENV, "GEN_CACHE_DIR": str(repo.parent / "cache"), "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "specs/pets", "--out", "out", *args],
        cwd=repo, env=environment, capture_output=True, text=True, timeout=300,
    )


def respec(repo: Path, old: str, new: str) -> None:
    spec = repo / "specs" / "pets" / "openapi.yaml"
    text = spec.read_text(encoding="utf-8")
    assert old in text
    spec.write_text(text.replace(old, new), encoding="utf-8")


def edit(repo: Path, path: str, old: bytes, new: bytes) -> bytes:
    data = (repo / path).read_bytes()
    assert data.count(old) >= 1
    edited = data.replace(old, new)
    (repo / path).write_bytes(edited)
    return edited


def make_sdk(repo: Path) -> None:
    (repo / "specs" / "pets").mkdir(parents=True)
    (repo / "specs" / "pets" / "openapi.yaml").write_text(SPEC, encoding="utf-8")
    result = gen(repo)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose last commit holds a freshly built SDK in out/pets/."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    make_sdk(root)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "the generated SDK")
    return root


def generation(tmp_path: Path, spec: str) -> dict[str, bytes]:
    """What gen generates from `spec`, built apart (outside git)."""
    apart = tmp_path / "apart"
    (apart / "specs" / "pets").mkdir(parents=True, exist_ok=True)
    (apart / "specs" / "pets" / "openapi.yaml").write_text(spec, encoding="utf-8")
    assert gen(apart, "--force").returncode == 0
    return tree(apart / "out" / "pets")


def test_the_manifest_names_each_file_by_its_git_blob(repo: Path) -> None:
    manifest = json.loads((repo / "out/pets/.gen/manifest.json").read_text(encoding="utf-8"))
    committed = {
        line.split("\t")[1].removeprefix("out/pets/"): line.split()[1]
        for line in git(repo, "ls-files", "-s", "out/pets").splitlines()
    }
    assert manifest["blobs"] == {path: blob for path, blob in committed.items() if path != ".gen/manifest.json"}
    assert manifest["blobs"].keys() == manifest["files"].keys()


def test_an_edit_merges_cleanly_with_a_new_generation_again_and_again(repo: Path, tmp_path: Path) -> None:
    (repo / MODEL).write_bytes((repo / MODEL).read_bytes() + METHOD)
    respec(repo, "description: A pet.", "description: A pet of yours.")
    result = gen(repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "out/pets/src/pets/models/pet.py: merged your edits with the new generation"
    assert result.stdout.splitlines()[1].endswith(" files, 2 changed")
    model = (repo / MODEL).read_bytes()
    assert model.endswith(METHOD) and model.count(b'"""A pet of yours."""') == 2
    new = generation(tmp_path, SPEC.replace("description: A pet.", "description: A pet of yours."))
    assert model == new["src/pets/models/pet.py"] + METHOD
    assert (repo / DOC).read_bytes() == new["docs/models/pet.md"]
    # The manifest names the generated text, not the merge: the next build sees the file as edited, and finds the
    # base (never on disk, never committed) in the repository, where gen stored it.
    manifest = json.loads((repo / "out/pets/.gen/manifest.json").read_text(encoding="utf-8"))
    blob = manifest["blobs"]["src/pets/models/pet.py"]
    assert git(repo, "cat-file", "blob", blob).encode() == new["src/pets/models/pet.py"]
    assert gen(repo, "--check").returncode == 0  # the edits are kept: out/ is what `gen build` writes
    again = gen(repo)
    assert again.returncode == 0 and again.stdout.endswith(" files, 0 changed, 1 keeping hand edits\n")

    git(repo, "commit", "-qam", "a new generation, edits kept")
    respec(repo, "description: A pet of yours.", "description: Your pet.")
    result = gen(repo)
    assert result.returncode == 0, result.stderr
    assert "src/pets/models/pet.py: merged your edits with the new generation" in result.stdout
    model = (repo / MODEL).read_bytes()
    assert model.endswith(METHOD) and model.count(b'"""Your pet."""') == 2


def conflicting_edits(repo: Path) -> tuple[bytes, bytes]:
    """pet.py edited where the spec change does not reach (it merges), pet.md where it does (it conflicts)."""
    model = (repo / MODEL).read_bytes() + METHOD
    (repo / MODEL).write_bytes(model)
    doc = edit(repo, DOC, b"\nA pet.\n", b"\nA pet, or two.\n")
    respec(repo, "description: A pet.", "description: A pet of yours.")
    return model, doc


def test_a_conflict_leaves_the_file_writes_the_merge_beside_it_and_stops_the_build(repo: Path) -> None:
    model, doc = conflicting_edits(repo)
    before = tree(repo / "out")
    result = gen(repo)
    assert result.returncode == 1
    merge = (repo / (DOC + ".gen-merge")).read_bytes()
    # Nothing else written: not the edited file, not the one that merged cleanly, not the manifest.
    assert tree(repo / "out") == {**before, "pets/docs/models/pet.md.gen-merge": merge}
    assert (repo / MODEL).read_bytes() == model and (repo / DOC).read_bytes() == doc
    lines = merge.decode().splitlines()
    start = lines.index("<<<<<<< docs/models/pet.md (your edits)")
    assert lines[start:start + 7] == [
        "<<<<<<< docs/models/pet.md (your edits)",
        "A pet, or two.",
        "||||||| docs/models/pet.md (generated last time)",
        "A pet.",
        "=======",
        "A pet of yours.",
        ">>>>>>> docs/models/pet.md (generated now)",
    ]
    assert f"  docs/models/pet.md: 1 conflict, docs/models/pet.md.gen-merge line {start + 1}\n" in result.stderr
    assert "src/pets/models/pet.py" not in result.stderr  # it merged; only conflicts are listed
    assert "Nothing else was written." in result.stderr and "--force" in result.stderr
    assert gen(repo).returncode == 1 and (repo / (DOC + ".gen-merge")).read_bytes() == merge

    # Resolved (no markers left), the .gen-merge is the merge: the next build puts it in place and removes it.
    resolved = merge.replace(b"".join(line.encode() + b"\n" for line in lines[start:start + 7]), b"A pet of yours, or two.\n")
    (repo / (DOC + ".gen-merge")).write_bytes(resolved)
    result = gen(repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "out/pets/docs/models/pet.md: took your resolution of the conflicts from docs/models/pet.md.gen-merge",
        "out/pets/src/pets/models/pet.py: merged your edits with the new generation",
    ]
    assert (repo / DOC).read_bytes() == resolved and not (repo / (DOC + ".gen-merge")).exists()
    assert (repo / MODEL).read_bytes().endswith(METHOD) and b"A pet of yours." in (repo / MODEL).read_bytes()


def test_check_reports_merged_and_conflicting_files_and_writes_nothing(repo: Path) -> None:
    conflicting_edits(repo)
    before = tree(repo / "out")
    result = gen(repo, "--check")
    assert result.returncode == 1
    listed = [line.split() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert ["conflict", "docs/models/pet.md"] in listed and ["merged", "src/pets/models/pet.py"] in listed
    assert tree(repo / "out") == before  # no .gen-merge either


def test_force_overwrites_the_edits_and_removes_a_stale_merge(repo: Path, tmp_path: Path) -> None:
    conflicting_edits(repo)
    assert gen(repo).returncode == 1 and (repo / (DOC + ".gen-merge")).exists()
    result = gen(repo, "--force")
    assert result.returncode == 0, result.stderr
    assert tree(repo / "out" / "pets") == generation(tmp_path, SPEC.replace("description: A pet.", "description: A pet of yours."))
    # A .gen-merge is gen's, never a stranger's file: a build that commits removes one, even with nothing else to do.
    (repo / (MODEL + ".gen-merge")).write_text("<<<<<<< left over\n")
    result = gen(repo)
    assert result.returncode == 0 and result.stdout.endswith(" files, 1 changed\n")
    assert not (repo / (MODEL + ".gen-merge")).exists()


def test_outside_git_an_edit_stops_the_build_and_says_why(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    make_sdk(plain)
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    model, _ = conflicting_edits(plain)
    before = tree(plain / "out")
    result = gen(plain, env=env)
    assert result.returncode == 1
    reason = "out/pets is not inside a git work tree: no base to merge from"
    assert f"  src/pets/models/pet.py: {reason}\n" in result.stderr
    assert f"  docs/models/pet.md: {reason}\n" in result.stderr
    assert tree(plain / "out") == before
    assert f"edited     src/pets/models/pet.py ({reason})" in gen(plain, "--check", env=env).stdout


def test_without_git_an_edit_stops_the_build_and_says_why(repo: Path) -> None:
    conflicting_edits(repo)
    nothing = repo.parent / "empty-path"
    nothing.mkdir()
    result = gen(repo, env={"PATH": str(nothing)})
    assert result.returncode == 1
    assert "  src/pets/models/pet.py: git is not installed: no base to merge from\n" in result.stderr


def test_a_base_that_was_never_committed_stops_the_build_and_says_why(tmp_path: Path) -> None:
    root = tmp_path / "uncommitted"
    root.mkdir()
    git(root, "init", "-q")
    make_sdk(root)
    conflicting_edits(root)
    result = gen(root)
    assert result.returncode == 1
    blob = json.loads((root / "out/pets/.gen/manifest.json").read_text(encoding="utf-8"))["blobs"]["src/pets/models/pet.py"]
    assert (
        f"  src/pets/models/pet.py: blob {blob[:12]} (what gen generated last time) is not in the repository: "
        "no base to merge from\n"
    ) in result.stderr


def test_a_manifest_without_blob_ids_stops_the_build_and_says_why(repo: Path) -> None:
    manifest_path = repo / "out/pets/.gen/manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest["blobs"]  # as an older gen wrote it
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    git(repo, "commit", "-qam", "an old manifest")
    (repo / MODEL).write_bytes((repo / MODEL).read_bytes() + METHOD)
    # The generated text did not change: the sha256 every manifest has says so, and the edit stays.
    result = gen(repo, "--check")
    listed = [line.split() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert result.returncode == 1 and listed == [["differs", ".gen/manifest.json"]]
    respec(repo, "description: A pet.", "description: A pet of yours.")
    result = gen(repo)
    assert result.returncode == 1
    assert "  src/pets/models/pet.py: the manifest names no git blob (an older gen wrote it): no base to merge from\n" in result.stderr
