from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Copies of ../shared material the tests need (CI machines may not have ../shared next to the clone).
DATA = ROOT / "tests" / "data"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path (caches of tools that ran there excluded)."""
    skip = {".mypy_cache", "__pycache__", ".pytest_cache"}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not skip.intersection(p.relative_to(folder).parts)
    }


def gen(*args: str, cwd: Path = ROOT) -> "subprocess.CompletedProcess[str]":
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
