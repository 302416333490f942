"""Regeneration as CI and vendoring need it: determinism, the manifest, atomic incremental writes, hand edits and
.genignore, `--check`, the build cache, `--package` and vendored copies, `--templates`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, tree

PETS = """\
openapi: 3.1.0
info: {title: Pets, version: '1'}
servers: [{url: 'https://pets.example.com'}]
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
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
        kind: {$ref: '#/components/schemas/Kind'}
    Kind:
      type: string
      enum: [cat, dog]
    Owner:
      type: object
      description: Someone with pets.
      properties:
        name: {type: string}
"""


def run(*args: str, cwd: Path = ROOT, cache: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "GEN_CACHE_DIR": str(cache), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=300,
    )


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module, so that most builds after the first are served from it."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def pets(tmp_path: Path) -> Path:
    folder = tmp_path / "specs" / "pets"
    folder.mkdir(parents=True)
    (folder / "openapi.yaml").write_text(PETS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def mistral_out(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> Path:
    out = tmp_path_factory.mktemp("mistral-out")
    result = run("build", "specs/mistral", "--out", str(out), cache=cache)
    assert result.returncode == 0, result.stderr
    return out


# ---------------------------------------------------------------------------------------------------- determinism


def test_same_tree_under_any_hash_seed_locale_and_working_directory(tmp_path: Path) -> None:
    trees = []
    setups = [
        ("0", ROOT, "specs", {"LC_ALL": "C.UTF-8"}),
        # An ASCII locale with Python's UTF-8 mode off: any file read or written without an explicit encoding fails.
        ("4242", tmp_path, str(ROOT / "specs"), {"LC_ALL": "C", "PYTHONUTF8": "0"}),
    ]
    for seed, cwd, specs, env in setups:
        out = tmp_path / f"out-{seed}"
        # A cache of its own each time: both builds run the whole pipeline.
        result = run("build", specs, "--out", str(out), cwd=cwd, cache=tmp_path / f"cache-{seed}", env={"PYTHONHASHSEED": seed, **env})
        assert result.returncode == 0, result.stderr
        trees.append(tree(out))
    assert trees[0] == trees[1]
    assert ".gen/manifest.json" in {p.split("/", 1)[1] for p in trees[0]}


def test_manifest_records_version_inputs_and_every_file(mistral_out: Path) -> None:
    from generator import __version__
    from generator.format import identity

    out = mistral_out / "mistral"
    manifest = json.loads((out / ".gen" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == f"gen {__version__}"
    inputs = manifest["inputs"]
    assert inputs["formatter"] == identity("black") and identity("black").startswith("black 2")
    assert sorted(inputs["files"]) == ["gen.yaml", "openapi.yaml", "overlay.yaml"]
    import hashlib

    spec_hash = hashlib.sha256((ROOT / "specs" / "mistral" / "openapi.yaml").read_bytes()).hexdigest()
    assert inputs["files"]["openapi.yaml"] == spec_hash
    assert len(inputs["hash"]) == len(inputs["templates"]) == 64
    files = {p: data for p, data in tree(out).items() if not p.startswith(".gen/")}
    assert manifest["files"] == {p: hashlib.sha256(data).hexdigest() for p, data in files.items()}
    text = json.dumps(manifest)
    assert str(ROOT) not in text and "/tmp" not in text  # nothing that depends on where the build ran


def test_referenced_files_are_inputs(pets: Path, tmp_path: Path, cache: Path) -> None:
    """A schema in another file: changing it changes the manifest and the output, never a stale cached build."""
    (pets / "schemas").mkdir()
    (pets / "schemas" / "owner.yaml").write_text("type: object\ndescription: First.\nproperties:\n  name: {type: string}\n")
    spec = PETS.replace("    Owner:\n      type: object\n      description: Someone with pets.\n      properties:\n        name: {type: string}\n",
                        "    Owner: {$ref: 'schemas/owner.yaml'}\n")
    (pets / "openapi.yaml").write_text(spec)
    out = tmp_path / "out"
    assert run("build", str(pets), "--out", str(out), cache=cache).returncode == 0
    manifest = json.loads((out / "pets" / ".gen" / "manifest.json").read_text())
    assert "schemas/owner.yaml" in manifest["inputs"]["files"]
    (pets / "schemas" / "owner.yaml").write_text("type: object\ndescription: Second.\nproperties:\n  name: {type: string}\n")
    result = run("build", str(pets), "--out", str(out), cache=cache)
    assert result.returncode == 0, result.stderr
    assert "Second." in (out / "pets" / "src" / "pets" / "models" / "owner.py").read_text()


# ---------------------------------------------------------------------------------------------------- atomic, incremental


def test_failed_build_leaves_out_byte_identical_with_same_mtimes(mistral_out: Path, tmp_path: Path, cache: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs" / "mistral", specs / "mistral")
    out = tmp_path / "out"
    shutil.copytree(mistral_out, out)
    before = snapshot(out)
    spec = specs / "mistral" / "openapi.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("$ref: '#/components/schemas/", "$ref: '#/components/schemas/Nope", 1), encoding="utf-8")
    result = run("build", str(specs), "--out", str(out), cache=cache)
    assert result.returncode == 2
    assert "does not resolve" in result.stderr
    assert snapshot(out) == before


def test_a_template_that_emits_invalid_python_changes_nothing(mistral_out: Path, tmp_path: Path, cache: Path) -> None:
    """A failure late in the pipeline (black refusing the output) writes nothing either."""
    templates = tmp_path / "templates"
    (templates / "package").mkdir(parents=True)
    (templates / "package" / "utils.py.jinja").write_text("def broken(:\n")
    out = tmp_path / "out"
    shutil.copytree(mistral_out, out)
    before = snapshot(out)
    result = run("build", "specs/mistral", "--out", str(out), "--templates", str(templates), cache=cache)
    assert result.returncode == 2
    assert "utils.py" in result.stderr and "not valid Python" in result.stderr
    assert snapshot(out) == before


def test_a_failure_while_writing_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file of every API is staged before the first one is renamed into place: a full disk halfway through
    staging the second API leaves both as they were (and a folder the build created is gone again)."""
    from generator import write as w

    out = tmp_path / "out"
    w.write({"x.txt": "1"}, out / "a")
    w.write({"y.txt": "1"}, out / "b")
    before = snapshot(out)
    plans = [w.plan({"x.txt": "2"}, out / "a"), w.plan({"y.txt": "2", "z.txt": "3"}, out / "b"), w.plan({"n.txt": "1"}, out / "c")]
    calls = []
    real = w._store

    def full_disk(path: str, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 4:  # a's file and manifest, b's first file, then b's second file fails
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(w, "_store", full_disk)
    with pytest.raises(OSError):
        w.commit_all(plans)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert not list(out.rglob("staging-*"))
    with pytest.raises(OSError):  # c did not exist: staging it fails, and it does not exist afterwards
        monkeypatch.setattr(w, "_store", lambda path, data: (_ for _ in ()).throw(OSError(28, "full")))
        w.commit_all([plans[2]])
    monkeypatch.undo()
    assert not (out / "c").exists()


def test_only_changed_files_are_written_and_stale_ones_removed(pets: Path, tmp_path: Path, cache: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(pets), "--out", str(out), cache=cache).returncode == 0
    sdk = out / "pets"
    (sdk / "src" / "pets" / "models" / "custom.py").write_text("# mine\n")  # not gen's: never touched
    (sdk / "NOTES.md").write_text("mine\n")
    before = snapshot(sdk)

    result = run("build", str(pets), "--out", str(out), cache=cache)  # nothing changed
    assert result.returncode == 0, result.stderr
    assert "0 changed" in result.stdout
    assert snapshot(sdk) == before

    # Owner goes away: its module and page are removed, Pet's description changes, the rest keeps its mtime.
    spec = PETS.replace("description: A pet.", "description: A pet, now.")
    spec = spec[: spec.index("    Owner:")]
    (pets / "openapi.yaml").write_text(spec)
    result = run("build", str(pets), "--out", str(out), cache=cache)
    assert result.returncode == 0, result.stderr
    after = snapshot(sdk)
    gone = {"src/pets/models/owner.py", "docs/models/owner.md"}
    assert gone <= set(before) and not gone & set(after)
    changed = {p for p in after if p in before and after[p] != before[p]}
    assert "src/pets/models/pet.py" in changed and "docs/models/pet.md" in changed
    assert ".gen/manifest.json" in changed
    for path in set(after) - changed:
        assert after[path] == before[path], path  # same bytes and same mtime
    assert after["src/pets/models/custom.py"][0] == b"# mine\n"
    assert after["NOTES.md"][0] == b"mine\n"


def test_empty_folders_left_by_stale_files_are_removed(pets: Path, tmp_path: Path, cache: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(pets), "--out", str(out), cache=cache).returncode == 0
    # Without operations, the group module and its docs go; folders that only held them go too.
    spec = PETS[: PETS.index("paths:")] + "paths: {}\n" + PETS[PETS.index("components:"):]
    (pets / "openapi.yaml").write_text(spec)
    assert run("build", str(pets), "--out", str(out), cache=cache).returncode == 0
    manifest = json.loads((out / "pets" / ".gen" / "manifest.json").read_text())
    on_disk = {p.relative_to(out / "pets").as_posix() for p in (out / "pets").rglob("*") if p.is_file()}
    assert on_disk == set(manifest["files"]) | {".gen/manifest.json"}
    for folder in (out / "pets").rglob("*"):
        if folder.is_dir():
            assert any(folder.iterdir()), f"empty folder left behind: {folder}"


# ---------------------------------------------------------------------------------------------------- hand edits, .genignore


def test_an_edit_is_kept_until_its_file_changes_then_without_a_base_stops_the_build_until_force(
    pets: Path, tmp_path: Path, cache: Path
) -> None:
    # Outside any git work tree (tests/test_merge3.py has the merges, in one): gen has no base to merge from.
    out, env = tmp_path / "out", {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    assert run("build", str(pets), "--out", str(out), cache=cache, env=env).returncode == 0
    fresh = tree(out)
    edited = out / "pets" / "src" / "pets" / "models" / "pet.py"
    edited.write_bytes(edited.read_bytes() + b"# my fix\n")
    # The generated text did not change: the edits are all a merge would change, so they stay (no git needed).
    result = run("build", str(pets), "--out", str(out), cache=cache, env=env)
    assert result.returncode == 0, result.stderr
    assert "0 changed, 1 keeping hand edits" in result.stdout
    assert edited.read_bytes().endswith(b"# my fix\n")
    assert run("build", str(pets), "--out", str(out), "--check", cache=cache, env=env).returncode == 0

    (pets / "openapi.yaml").write_text(PETS.replace("        name: {type: string}\n", "        name: {type: string}\n        age: {type: integer}\n", 1))
    # The build stops before writing anything at all (the manifest included), and says why it did not merge.
    before = snapshot(out)
    result = run("build", str(pets), "--out", str(out), cache=cache, env=env)
    assert result.returncode == 1
    assert f"  src/pets/models/pet.py: {out / 'pets'} is not inside a git work tree: no base to merge from" in result.stderr
    assert "--force" in result.stderr
    assert snapshot(out) == before

    result = run("build", str(pets), "--out", str(out), "--force", cache=cache, env=env)
    assert result.returncode == 0, result.stderr
    assert b"age: Optional[int]" in edited.read_bytes() and b"# my fix" not in edited.read_bytes()
    assert tree(out) != fresh and not list(out.rglob("*.gen-merge"))


def test_genignore_keeps_a_file_through_any_build(mistral_out: Path, tmp_path: Path, cache: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(mistral_out, out)
    sdk = out / "mistral"
    mine = b"# hand-written, keep\n"
    (sdk / "src" / "mistralai" / "sdk.py").write_bytes(mine)
    (sdk / "docs" / "models" / "usermessage.md").write_bytes(mine)
    (sdk / ".genignore").write_text("# custom code\nsrc/mistralai/sdk.py\ndocs/models/usermessage.m?\n")
    for extra in ([], ["--force"], ["--package", "mistralai"]):
        result = run("build", "specs/mistral", "--out", str(out), *extra, cache=cache)
        assert result.returncode == 0, result.stderr
        assert (sdk / "src" / "mistralai" / "sdk.py").read_bytes() == mine
        assert (sdk / "docs" / "models" / "usermessage.md").read_bytes() == mine
    manifest = json.loads((sdk / ".gen" / "manifest.json").read_text())
    assert "src/mistralai/sdk.py" not in manifest["files"]
    assert manifest["ignored"] == ["docs/models/usermessage.md", "src/mistralai/sdk.py"]
    check = run("build", "specs/mistral", "--out", str(out), "--check", cache=cache)
    assert check.returncode == 0, check.stdout

    # Taken off .genignore, the file is gen's again, but an edited one: --force takes it back.
    (sdk / ".genignore").write_text("docs/models/usermessage.m?\n")
    result = run("build", "specs/mistral", "--out", str(out), cache=cache)
    assert result.returncode == 1 and "src/mistralai/sdk.py" in result.stderr
    assert run("build", "specs/mistral", "--out", str(out), "--force", cache=cache).returncode == 0
    assert (sdk / "src" / "mistralai" / "sdk.py").read_bytes() == (mistral_out / "mistral" / "src" / "mistralai" / "sdk.py").read_bytes()


def test_a_file_gen_did_not_write_is_never_overwritten(pets: Path, tmp_path: Path, cache: Path) -> None:
    out = tmp_path / "out"
    target = out / "pets" / "src" / "pets" / "models" / "pet.py"
    target.parent.mkdir(parents=True)
    target.write_text("# someone else's\n")
    for extra in ([], ["--force"]):
        result = run("build", str(pets), "--out", str(out), *extra, cache=cache)
        assert result.returncode == 1
        assert "src/pets/models/pet.py" in result.stderr
        assert target.read_text() == "# someone else's\n"
        assert not (out / "pets" / ".gen").exists()  # nothing written at all


# ---------------------------------------------------------------------------------------------------- --check


def test_check_passes_on_the_committed_tree() -> None:
    """The CI gate on this repository: out/ is exactly what `gen build specs/` writes."""
    before = snapshot(ROOT / "out")
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "specs/", "--check"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "up to date" in result.stdout
    assert snapshot(ROOT / "out") == before


def test_check_fails_after_a_change_to_specs(mistral_out: Path, tmp_path: Path, cache: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs" / "mistral", specs / "mistral")
    spec = specs / "mistral" / "openapi.yaml"
    text = spec.read_text(encoding="utf-8")
    assert "Chat Completion" in text
    spec.write_text(text.replace("Chat Completion", "Chat Completion (changed)"), encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(mistral_out, out)
    before = snapshot(out)
    result = run("build", str(specs), "--out", str(out), "--check", cache=cache)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.split() == ["differs", "src/mistralai/chat.py"] for line in lines), result.stdout
    assert any(line.split() == ["differs", ".gen/manifest.json"] for line in lines)
    assert "+++ b/src/mistralai/chat.py" in result.stdout
    assert any(line.startswith("+") and "Chat Completion (changed)" in line for line in lines)
    from generator.cli import DIFF_LINES_TOTAL

    assert len(lines) < DIFF_LINES_TOTAL + 100  # capped
    assert snapshot(out) == before  # --check writes nothing

    # A missing file and a stale one are differences too.
    (out / "mistral" / "src" / "mistralai" / "chat.py").unlink()
    result = run("build", "specs/mistral", "--out", str(out), "--check", cache=cache)
    assert result.returncode == 1
    assert any(line.split() == ["missing", "src/mistralai/chat.py"] for line in result.stdout.splitlines())


def test_check_on_a_fresh_build_is_clean(mistral_out: Path, cache: Path) -> None:
    result = run("build", "specs/mistral", "--out", str(mistral_out), "--check", cache=cache)
    assert result.returncode == 0, result.stdout
    files = len(tree(mistral_out / "mistral")) - 1  # all but the manifest
    assert result.stdout.strip() == f"{mistral_out / 'mistral'}: up to date ({files} files)"


def test_help_documents_the_exit_statuses() -> None:
    result = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    for needle in ("--check", "--force", "--package", "Exit status", "0  built", "1  --check", "2  bad input"):
        assert needle in result.stdout, needle


# ---------------------------------------------------------------------------------------------------- the cache


def test_noop_build_is_served_from_the_cache_without_black_or_the_loader(mistral_out: Path, cache: Path) -> None:
    code = (
        "import sys\n"
        "from generator.cli import main\n"
        f"try:\n    main(['build', 'specs/mistral', '--out', {str(mistral_out)!r}])\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "heavy = sorted(m for m in ('black', 'jsonschema', 'jinja2', 'generator.load', 'generator.render') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "GEN_CACHE_DIR": str(cache)},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout
    assert "0 changed" in result.stdout
    # The cache lives in GEN_CACHE_DIR, never in out/: out/ holds the generated files and the manifest, nothing else.
    manifest = json.loads((mistral_out / "mistral" / ".gen" / "manifest.json").read_text())
    assert set(tree(mistral_out / "mistral")) == set(manifest["files"]) | {".gen/manifest.json"}
    assert any((cache / "v4" / "builds").iterdir())


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(pets: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert run("build", str(pets), "--out", str(out), cache=cache).returncode == 0
    target = next(p for p in sorted((out / "pets").rglob("*.py")) if p.stat().st_size > 20)
    before = target.stat()
    data = bytearray(target.read_bytes())
    data[-2] = ord("#") if data[-2] != ord("#") else ord("x")
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    # The edit is seen: the build keeps it (nothing to merge, the generated text is the same), --force undoes it.
    result = run("build", str(pets), "--out", str(out), cache=cache)
    assert result.returncode == 0 and "0 changed, 1 keeping hand edits" in result.stdout
    result = run("build", str(pets), "--out", str(out), "--force", cache=cache)
    assert result.returncode == 0 and "1 changed" in result.stdout
    assert target.read_bytes() != bytes(data)


def test_black_runs_only_on_new_text(pets: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The formatter's output is cached by input text: a rebuild after one schema changed formats one module."""
    from generator import format as fmt
    from generator.cache import Cache
    from generator.pipeline import build, discover

    monkeypatch.setattr(fmt, "_POOL_FROM", 10**9)  # formatted in this process, where the calls are counted
    calls: list[str] = []
    real = fmt._black
    monkeypatch.setattr(fmt, "_black", lambda path, text: calls.append(path) or real(path, text))
    cache = Cache(tmp_path / "cache")
    (source,) = discover(pets)
    first = build(source, cache=cache)
    # The SDK runtime (generator/runtime) is copied as it is, black-formatted at the source (tests/test_gen_code.py).
    assert not first.cached and sorted(calls) == sorted(p for p in first.files if p.endswith(".py") and "/_runtime/" not in p)
    calls.clear()
    second = build(source, cache=cache)
    assert second.cached and second.files == first.files and second.warnings == first.warnings and not calls
    (pets / "openapi.yaml").write_text(PETS.replace("description: A pet.", "description: A pet, now."))
    (source,) = discover(pets)
    third = build(source, cache=cache)
    assert not third.cached
    assert calls == ["src/pets/models/pet.py"]  # every other module's text was seen before
    assert build(source, cache=Cache(None)).files == third.files


def test_worker_processes_format_what_one_process_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import format as fmt
    from generator import pipeline
    from generator.cache import Cache

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: black runs in this process only")
    source = pipeline.discover(ROOT / "specs" / "mistral")[0]
    monkeypatch.setattr(fmt, "_POOL_FROM", 1)
    pooled = pipeline.build(source, cache=Cache(None))
    monkeypatch.setattr(fmt, "_POOL_FROM", 10**9)
    alone = pipeline.build(source, cache=Cache(None))
    assert list(pooled.files) == list(alone.files) and pooled.files == alone.files


def test_invalid_python_in_a_worker_is_a_build_error_naming_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import format as fmt
    from generator.problems import BuildError

    monkeypatch.setattr(fmt, "_POOL_FROM", 1)
    files = {f"src/p/m{i}.py": f"x{i} = {i}\n" for i in range(30)} | {"src/p/bad.py": "def broken(:\n"}
    with pytest.raises(BuildError) as raised:
        fmt.format_files(files)
    (problem,) = raised.value.problems
    assert problem.file == "src/p/bad.py" and "not valid Python" in problem.message


def test_a_damaged_cache_is_a_miss(pets: Path, tmp_path: Path) -> None:
    from generator.cache import Cache
    from generator.pipeline import build, discover

    root = tmp_path / "cache"
    (source,) = discover(pets)
    clean = build(source, cache=Cache(root))
    (record,) = (root / "v4" / "builds").iterdir()
    # Damage that still parses: one character of one file's text changed.
    data = record.read_bytes()
    record.write_bytes(data.replace(b"class Pet", b"class Pat", 1))
    again = build(source, cache=Cache(root))
    assert not again.cached and again.files == clean.files
    record.write_bytes(b"garbage")
    assert not build(source, cache=Cache(root)).cached


def test_cache_is_bounded(tmp_path: Path) -> None:
    from generator.cache import Cache

    cache = Cache(tmp_path / "cache", max_bytes=10_000)
    keys = [f"{i:064x}" for i in range(30)]
    for i, key in enumerate(keys):
        cache.put_formatted(key, bytes([i]) * 1000)
        os.utime(next((tmp_path / "cache").rglob(key)), (i, i))  # written in this order, a second apart
    cache.prune()
    size = sum(p.stat().st_size for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert size <= 10_000
    assert cache.get_formatted(keys[-1]) == bytes([29]) * 1000  # the most recent entries stay
    assert cache.get_formatted(keys[0]) is None


def test_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from generator.cache import default_dir

    monkeypatch.setenv("GEN_CACHE_DIR", str(tmp_path / "mine"))
    assert default_dir() == tmp_path / "mine"
    monkeypatch.delenv("GEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_dir() == tmp_path / "xdg" / "gen"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_dir() == Path.home() / ".cache" / "gen"


# ---------------------------------------------------------------------------------------------------- vendoring, --package, --templates


def _absolute_imports_of(package_dir: Path, name: str) -> list[str]:
    import re

    pattern = re.compile(rf"^\s*(from\s+{name}(\.|\s)|import\s+{name}(\.|\s|$))", re.M)
    return [str(p) for p in package_dir.rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]


def test_vendored_copy_imports_and_works(mistral_out: Path, tmp_path: Path) -> None:
    package = mistral_out / "mistral" / "src" / "mistralai"
    assert _absolute_imports_of(package, "mistralai") == []
    app = tmp_path / "app"
    vendor = app / "myapp" / "_vendor"
    vendor.mkdir(parents=True)
    (app / "myapp" / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")
    shutil.copytree(package, vendor / "mistralai")
    # The hand-written code a fresh build does not make (gen.yaml `extend`) is vendored with the rest.
    extra = ROOT / "out" / "mistral" / "src" / "mistralai" / "extra"
    shutil.copytree(extra, vendor / "mistralai" / "extra", ignore=shutil.ignore_patterns("__pycache__"))
    code = """
import sys
from myapp._vendor.mistralai import Mistral, models
message = models.UserMessage(content="hello")
assert message.model_dump(by_alias=True)["content"] == "hello"
request = models.ChatCompletionRequest(model="m", messages=[message])
assert request.model_dump(by_alias=True, exclude_unset=True)["messages"][0]["content"] == "hello"
with Mistral(api_key="k", server_url="http://127.0.0.1:9") as client:
    assert type(client.chat).__module__ == "myapp._vendor.mistralai.extra.chat"
    assert type(client.fim).__module__ == "myapp._vendor.mistralai.fim"
assert not [m for m in sys.modules if m == "mistralai" or m.startswith("mistralai.")]
try:
    import mistralai
except ModuleNotFoundError:
    pass
else:
    raise AssertionError("a mistralai package is importable: the test proves nothing")
print("ok")
"""
    # -I: no PYTHONPATH, no working directory on sys.path; the app folder is the one path added.
    code = f"import sys; sys.path.insert(0, {str(app)!r})\n" + code
    result = subprocess.run([sys.executable, "-I", "-c", code], cwd=app, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_package_option_renames_the_package(tmp_path: Path, cache: Path) -> None:
    out = tmp_path / "out"
    result = run("build", "specs/mistral", "--out", str(out), "--package", "acme_ai", cache=cache)
    assert result.returncode == 0, result.stderr
    src = out / "mistral" / "src"
    assert sorted(p.name for p in src.iterdir()) == ["acme_ai"]
    assert _absolute_imports_of(src / "acme_ai", "mistralai") == []
    assert _absolute_imports_of(src / "acme_ai", "acme_ai") == []
    assert 'name = "acme_ai"' in (out / "mistral" / "pyproject.toml").read_text()
    manifest = json.loads((out / "mistral" / ".gen" / "manifest.json").read_text())
    assert manifest["inputs"]["options"] == {"package": "acme_ai"}
    code = "from acme_ai import Mistral, models; models.UserMessage(content='x'); Mistral(api_key='k').close()"
    result = subprocess.run([sys.executable, "-c", code], cwd=src, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_package_option_is_checked(tmp_path: Path, cache: Path) -> None:
    result = run("build", "specs/mistral", "--out", str(tmp_path), "--package", "Not-A-Name", cache=cache)
    assert result.returncode == 2 and "--package" in result.stderr
    assert not any(tmp_path.iterdir())


def test_templates_override_one_template_by_name(pets: Path, tmp_path: Path, cache: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(pets), "--out", str(out), cache=cache).returncode == 0
    manifest = json.loads((out / "pets" / ".gen" / "manifest.json").read_text())
    templates = tmp_path / "templates"
    (templates / "project").mkdir(parents=True)
    (templates / "project" / "README.md.jinja").write_text("# {{ api.title }}, our way\n")
    result = run("build", str(pets), "--out", str(out), "--templates", str(templates), cache=cache)
    assert result.returncode == 0, result.stderr
    assert (out / "pets" / "README.md").read_text() == "# Pets, our way\n"
    overridden = json.loads((out / "pets" / ".gen" / "manifest.json").read_text())
    assert overridden["inputs"]["templates"] != manifest["inputs"]["templates"]
    changed = {p for p in overridden["files"] if overridden["files"][p] != manifest["files"].get(p)}
    assert changed == {"README.md"}
