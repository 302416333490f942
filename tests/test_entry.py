"""The `gen` entry point answers a no-op `gen build` from the run record and the out stamps before the rest of gen is
imported; anything it cannot vouch for goes to the full command, which must then behave exactly as without it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings, strategies as st

from conftest import ROOT

from generator import entry, stamps

# Runs `gen` through its entry point and says on stderr's last line whether the full command was imported. Like the
# console script, it lives in a folder of its own: the folders on sys.path are watched (a script run with `-c` would
# put the working directory there, which the first build changes by creating out/).
SCRIPT = """\
import sys
sys.argv = ["gen", *sys.argv[1:]]
from generator import entry
try:
    entry.main()
finally:
    print("FULL" if "generator.cli" in sys.modules or "click" in sys.modules else "ENTRY", file=sys.stderr)
"""

SPEC = """\
openapi: 3.1.0
info: {title: Pets, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: [{$ref: '#/components/schemas/Pet'}]
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
"""


def gen(*args: str, cwd: Path, cache: Path) -> tuple[int, str, str, str]:
    """Exit status, stdout, stderr without the last line, and that line ("FULL" or "ENTRY")."""
    script = cwd / "bin" / "gen.py"
    if not script.exists():
        script.parent.mkdir()
        script.write_text(SCRIPT, encoding="utf-8")
        settle()
    result = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=cwd, env={**os.environ, "GEN_CACHE_DIR": str(cache)}, capture_output=True, text=True, timeout=300,
    )
    *rest, which = result.stderr.splitlines(keepends=True)
    return result.returncode, result.stdout, "".join(rest), which.strip()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "specs" / "pets"
    folder.mkdir(parents=True)
    (folder / "openapi.yaml").write_text(SPEC, encoding="utf-8")
    time.sleep(2 * stamps.RACY_NS / 1e9)  # inputs written just now cannot be vouched for by their times
    return tmp_path


def settle() -> None:
    time.sleep(2 * stamps.RACY_NS / 1e9)


def test_a_noop_is_answered_before_gen_is_imported_and_prints_what_the_full_command_prints(project: Path) -> None:
    cache = project / "cache"
    status, out, err, which = gen("build", "specs", cwd=project, cache=cache)
    assert (status, which) == (0, "FULL")
    assert "items is a list" in err  # a warning, which a no-op prints again
    status, noop_out, noop_err, which = gen("build", "specs/", "--out", "./out", cwd=project, cache=cache)
    assert (status, which) == (0, "ENTRY")  # the same command as pathlib spells it
    full = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "specs"],
        cwd=project, env={**os.environ, "GEN_CACHE_DIR": str(cache)}, capture_output=True, text=True, timeout=300,
    )
    assert full.returncode == 0
    assert noop_out == full.stdout == out.replace(out.split(" files, ")[1].split(" changed")[0] + " changed", "0 changed")
    assert noop_err == full.stderr == err


@pytest.mark.parametrize(
    "change",
    ["spec edited", "file added to the spec's folder", "new API folder", "generated file edited", "generated file removed"],
)
def test_what_the_entry_cannot_vouch_for_goes_to_the_full_command(project: Path, change: str) -> None:
    cache = project / "cache"
    assert gen("build", "specs", cwd=project, cache=cache)[0] == 0
    settle()
    assert gen("build", "specs", cwd=project, cache=cache)[3] == "ENTRY"
    spec = project / "specs" / "pets" / "openapi.yaml"
    generated = project / "out" / "pets" / "README.md"
    if change == "spec edited":
        spec.write_text(SPEC.replace("name: {type: string}", "nick: {type: string}"), encoding="utf-8")
    elif change == "file added to the spec's folder":
        (project / "specs" / "pets" / "gen.yaml").write_text("package: pets_sdk\n", encoding="utf-8")
    elif change == "new API folder":
        (project / "specs" / "more").mkdir()
        (project / "specs" / "more" / "openapi.yaml").write_text(SPEC, encoding="utf-8")
    elif change == "generated file edited":
        generated.write_text(generated.read_text(encoding="utf-8") + "\nmine\n", encoding="utf-8")
    else:
        generated.unlink()
    status, out, err, which = gen("build", "specs", cwd=project, cache=cache)
    assert which == "FULL"
    if change == "generated file edited":
        assert status == 1 and "edited since the last build" in err
        return
    assert status == 0, err
    assert " 0 changed" not in out or change == "new API folder"
    if change == "new API folder":
        assert "out/more: " in out and "out/pets: " in out
    if change == "file added to the spec's folder":
        assert (project / "out" / "pets" / "src" / "pets_sdk").is_dir()
    settle()
    assert gen("build", "specs", cwd=project, cache=cache)[3] == "ENTRY"  # recorded again


def test_a_damaged_run_record_is_a_miss(project: Path) -> None:
    cache = project / "cache"
    assert gen("build", "specs", cwd=project, cache=cache)[0] == 0
    runs = list((cache / stamps.VERSION / "runs").iterdir())
    assert len(runs) == 1
    runs[0].write_bytes(runs[0].read_bytes()[:-3] + b"xyz")
    status, out, _, which = gen("build", "specs", cwd=project, cache=cache)
    assert (status, which) == (0, "FULL") and "0 changed" in out
    settle()
    assert gen("build", "specs", cwd=project, cache=cache)[3] == "ENTRY"


def test_other_commands_and_options_go_to_the_full_command(project: Path) -> None:
    cache = project / "cache"
    assert gen("build", "specs", cwd=project, cache=cache)[0] == 0
    settle()
    for args in (["build", "specs", "--check"], ["build", "specs", "--force"], ["--version"], ["build", "specs", "--strict"]):
        assert gen(*args, cwd=project, cache=cache)[3] == "FULL", args


def test_watched_trees_see_added_edited_and_removed_entries(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "__pycache__").mkdir()
    settle()
    watched = stamps.watch([str(tmp_path / "missing")], [str(tmp_path)])
    assert watched is not None and stamps.settled(watched, time.time_ns()) and stamps.same(watched)
    assert not any("__pycache__" in path for path in watched)
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"")  # Python's own caches are not inputs
    assert stamps.same(watched)
    target = tmp_path / "sub" / "a.txt"
    before = target.stat()
    target.write_text("b", encoding="utf-8")  # same size, same mtime: the change time still moves
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert not stamps.same(watched)
    assert not stamps.settled(stamps.watch([], [str(tmp_path)]) or {}, time.time_ns())  # just changed
    for change in ("add", "remove", "appear"):
        watched = stamps.watch([str(tmp_path / "missing")], [str(tmp_path)])
        assert watched is not None
        if change == "add":
            (tmp_path / "sub" / "deeper").mkdir()
        elif change == "remove":
            target.unlink()
        else:
            (tmp_path / "missing").write_text("", encoding="utf-8")
        assert not stamps.same(watched), change


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="/.ab", max_size=12))
def test_paths_are_spelled_as_pathlib_spells_them(text: str) -> None:
    assert entry.posix_path(text) == str(PurePosixPath(text))


@pytest.mark.parametrize(
    ("arguments", "parsed"),
    [
        (["build", "specs"], ("specs", "out", False)),
        (["build", "--strict", "./specs//", "--out", "o/"], ("specs", "o", True)),
        (["build", "--out=/tmp/o", "specs/x.yaml"], ("specs/x.yaml", "/tmp/o", False)),
        (["build"], None),
        (["build", "a", "b"], None),
        (["build", "specs", "--out"], None),
        (["build", "specs", "--out", "a", "--out", "b"], None),
        (["build", "specs", "--templates", "t"], None),
        (["build", "specs", "--strict", "--strict"], None),
        (["build", "specs", "--help"], None),
        (["diff", "a", "b"], None),
        ([], None),
    ],
)
def test_the_entry_knows_only_plain_builds(arguments: list[str], parsed: tuple[str, str, bool] | None) -> None:
    assert entry.parse(arguments) == parsed


def test_the_console_script_is_the_entry() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'gen = "generator.entry:main"' in text


def test_a_stamp_is_taken_again_without_bytes_once_the_times_can_vouch(tmp_path: Path) -> None:
    from generator.write import commit, plan, stamp_plan

    out, root = tmp_path / "out", str(tmp_path / "cache")
    planned = plan({"a.py": "x = 1\n"}, out)
    commit(planned)
    ticks = os.stat(out / "a.py").st_ctime_ns  # a coarse file clock, still in the tick that wrote a.py
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stamps, "_file_clock", lambda folder: ticks)
        record = {"key": "k", "stamp": stamp_plan(planned), "count": 1, "ignored": 0, "warnings": []}
    assert len(record["stamp"]["files"]["a.py"]) == 5  # checked by its bytes
    stamps.write_record(stamps.stamp_file(root, str(out)), record)
    settle()
    assert stamps.unchanged(root, str(out), "another key") is None
    assert stamps.unchanged(root, str(out), "k") is not None
    again = stamps.read_record(stamps.stamp_file(root, str(out)))
    assert again is not None and all(len(entry) == 4 for entry in again["stamp"]["files"].values() if entry)
    (out / "a.py").write_text("x = 2\n", encoding="utf-8")
    assert stamps.unchanged(root, str(out), "k") is None


def test_the_file_clock_is_not_behind_what_was_just_written(tmp_path: Path) -> None:
    (tmp_path / ".gen").mkdir()
    for index in range(50):
        (tmp_path / f"{index}.py").write_text("x\n", encoding="utf-8")
        clock = stamps._file_clock(str(tmp_path / ".gen"))
        assert clock is not None and clock >= os.stat(tmp_path / f"{index}.py").st_ctime_ns
    assert stamps._file_clock(str(tmp_path / "missing")) is None
