"""The format stage's choices: the range of black releases gen supports, `ruff format`, and what the manifest says
about the formatter that made out/."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, tree

# Formats every text of a JSON object {path: text} read from stdin with the black it runs under.
_FORMAT_ALL = """
import json, sys, black
texts = json.load(sys.stdin)
mode = black.Mode(line_length=88)
json.dump({"version": black.__version__, "files": {p: black.format_str(t, mode=mode) for p, t in texts.items()}}, sys.stdout)
"""


def _rendered() -> dict[Path, str]:
    """Every Python file gen renders for specs/ and the golden cases, before formatting, by where it is committed."""
    from generator.config import load_config
    from generator.ir import build_ir
    from generator.load import load
    from generator.pipeline import discover
    from generator.render import render

    found: dict[Path, str] = {}
    for folder, committed in ((ROOT / "specs", lambda s: ROOT / "out" / s.name), (ROOT / "tests" / "golden", lambda s: s.spec.parent / "expected")):
        for source in discover(folder):
            api, _ = build_ir(load(source.spec, source.overlays), load_config(source.config, source.name))
            for path, text in render(api).items():
                if path.endswith(".py"):
                    found[committed(source) / path] = text
    return found


def test_the_oldest_supported_black_formats_as_the_pinned_one() -> None:
    """pyproject allows black>=25.1,<27: its lowest release must give the committed bytes (made by the pinned
    highest, which tests/test_golden.py checks), file by file."""
    low = os.environ.get("GEN_BLACK_LOW") or str(ROOT / ".tools" / "black-25.1.0" / "bin" / "python")
    if not Path(low).exists():
        if os.environ.get("GEN_REQUIRE_PRISM"):  # `make test`, which installs it
            pytest.fail(f"{low} is missing: run `make black-low`")
        pytest.skip("the oldest supported black is not installed (make black-low)")
    rendered = _rendered()
    payload = json.dumps({str(path): text for path, text in rendered.items()})
    done = subprocess.run([low, "-c", _FORMAT_ALL], input=payload, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["version"] == "25.1.0"
    differing = [path for path, text in result["files"].items() if Path(path).read_text(encoding="utf-8") != text]
    assert len(result["files"]) > 250 and not differing, differing[:10]


def test_the_pinned_black_is_the_range_s_newest_and_made_out() -> None:
    from importlib import metadata

    requirement = next(r for r in metadata.requires("gen") or [] if r.startswith("black") and "extra" not in r)
    assert requirement.replace(" ", "") in ("black<27,>=25.1", "black>=25.1,<27")
    manifest = json.loads((ROOT / "out" / "mistral" / ".gen" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["formatter"] == f"black {metadata.version('black')}"


def _gen(*args: str, cwd: Path = ROOT, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args],
        cwd=cwd,
        env={**os.environ, "GEN_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture()
def unions(tmp_path: Path) -> Path:
    folder = tmp_path / "unions"
    shutil.copytree(ROOT / "tests" / "golden" / "unions", folder, ignore=shutil.ignore_patterns("expected"))
    return folder


def test_ruff_formats_a_valid_sdk_and_the_manifest_says_so(unions: Path, tmp_path: Path) -> None:
    from importlib import metadata

    out = tmp_path / "out"
    done = _gen("build", str(unions), "--out", str(out), "--formatter", "ruff", cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "unions" / ".gen" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["formatter"] == f"ruff {metadata.version('ruff')}"
    from ruff.__main__ import find_ruff_bin

    check = subprocess.run([find_ruff_bin(), "format", "--isolated", "--check", str(out / "unions" / "src")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    # The same SDK as black's, but for layout: every module compiles to the same code.
    black_out = tmp_path / "black"
    assert _gen("build", str(unions), "--out", str(black_out), cache=tmp_path / "cache").returncode == 0
    ours, theirs = tree(out / "unions"), tree(black_out / "unions")
    assert sorted(ours) == sorted(theirs)
    for path in ours:
        if path.endswith(".py"):
            assert _code(ours[path]) == _code(theirs[path]), path


def _code(source: bytes) -> str:
    """The module's syntax tree, docstrings compared as `inspect.cleandoc` reads them (the formatters indent them
    alike, but ruff also strips the trailing spaces of their lines)."""
    import ast
    import inspect

    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = inspect.cleandoc(node.value)
    return ast.dump(tree)


def test_formatter_in_gen_yaml_and_its_errors(unions: Path, tmp_path: Path) -> None:
    (unions / "gen.yaml").write_text("formatter: ruff\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _gen("build", str(unions), "--out", str(out), cache=tmp_path / "cache").returncode == 0
    manifest = json.loads((out / "unions" / ".gen" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["formatter"].startswith("ruff ")
    (unions / "gen.yaml").write_text("formatter: yapf\n", encoding="utf-8")
    done = _gen("build", str(unions), "--out", str(tmp_path / "other"), cache=tmp_path / "cache")
    assert done.returncode == 2 and not (tmp_path / "other").exists()
    assert done.stderr.strip().endswith("gen.yaml#/formatter: 'yapf' is not a formatter gen knows; use black or ruff")
    done = _gen("build", str(unions), "--formatter", "yapf", cache=tmp_path / "cache")
    assert done.returncode == 2 and "'yapf' is not one of 'black', 'ruff'" in done.stderr


def test_check_names_the_formatter_version_instead_of_every_file(unions: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _gen("build", str(unions), "--out", str(out), cache=tmp_path / "cache").returncode == 0
    manifest_path = out / "unions" / ".gen" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    running = manifest["inputs"]["formatter"]
    # What a manifest written by another black release looks like (its files would differ by layout alone).
    manifest["inputs"]["formatter"] = "black 25.1.0"
    for path in (out / "unions" / "src").rglob("*.py"):
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        # As that release records it: its files are not hand edits (which gen would merge, or keep as they are).
        manifest["files"][path.relative_to(out / "unions").as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    done = _gen("build", str(unions), "--out", str(out), "--check", cache=tmp_path / "cache")
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 3, done.stdout  # the one line, then the advice to rebuild
    assert lines[0].startswith(f"{out / 'unions'}: made with black 25.1.0, but this gen formats with {running}")
    assert "install black==25.1.0" in lines[0] and lines[0].endswith(" files differ)")
