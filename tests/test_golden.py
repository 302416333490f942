"""The committed output is what the generator emits today, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATA, ROOT, gen, tree
from regen_golden import RUNTIME_CASE, split_runtime

CASES = sorted(p.parent.name for p in (ROOT / "tests" / "golden").glob("*/openapi.*"))


def _compare(actual: dict[str, bytes], expected: dict[str, bytes]) -> None:
    assert sorted(actual) == sorted(expected), "the generated file list differs (run `make golden` if intended)"
    differing = [path for path in actual if actual[path] != expected[path]]
    assert not differing, f"generated files differ from the committed ones: {differing[:10]}"


# Files of out/ that gen does not write: the code written by hand that gen.yaml `extend` hands out.
HAND_WRITTEN = {"mistral": "src/mistralai/extra/"}


def test_out_matches_specs(tmp_path: Path) -> None:
    result = gen("build", "specs/", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for api in (ROOT / "specs").iterdir():
        if api.is_dir():
            committed = tree(ROOT / "out" / api.name)
            generated = json.loads(committed[".gen/manifest.json"])["files"].keys() | {".gen/manifest.json"}
            others = sorted(set(committed) - generated)
            assert all(path.startswith(HAND_WRITTEN[api.name]) for path in others), others
            _compare(tree(tmp_path / api.name), {path: committed[path] for path in generated})


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str, tmp_path: Path) -> None:
    result = gen("build", f"tests/golden/{case}", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    actual, expected = tree(tmp_path / case), tree(ROOT / "tests" / "golden" / case / "expected")
    if case != RUNTIME_CASE:
        # The runtime is committed once, in RUNTIME_CASE (tests/regen_golden.py): every case emits that one.
        actual, runtime = split_runtime(actual)
        assert runtime, "no _runtime/ emitted"
        assert runtime == split_runtime(tree(ROOT / "tests" / "golden" / RUNTIME_CASE / "expected"))[1]
    _compare(actual, expected)


def test_seed_page_is_byte_identical(tmp_path: Path) -> None:
    result = gen("build", "specs/mistral", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    generated = (tmp_path / "mistral" / "docs" / "models" / "chatcompletionstreamrequest.md").read_bytes()
    seed = (DATA / "seed" / "chatcompletionstreamrequest.md").read_bytes()  # ../shared/seed, copied
    assert generated == seed


def test_build_is_deterministic(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    trees = []
    for seed, cwd in (("0", ROOT), ("12345", tmp_path)):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        spec = ROOT / "specs" / "mistral"
        result = subprocess.run(
            [sys.executable, "-m", "generator.cli", "build", str(spec), "--out", str(out)],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, result.stderr
        trees.append(tree(out / "mistral"))
    assert trees[0] == trees[1]
