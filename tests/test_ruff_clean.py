"""Generated modules import what they use and nothing else: ruff's pyflakes checks for unused imports (F401), repeated
dict keys (F601), redefinitions (F811) and unused variables (F841) find nothing in any SDK gen writes. Users who vendor
an SDK run ruff over their repository; this keeps them from finding our leftovers.

Here: the committed output (out/ and every golden case's expected tree, which tests/test_golden.py keeps equal to what
gen emits). The corpus SDKs are checked in tests/corpus/test_corpus.py, on the builds it makes anyway.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import ROOT

CODES = "F401,F601,F811,F841"


def ruff_findings(*folders: Path) -> list[str]:
    """`file:line: code message` for each finding of CODES under the folders, whatever the repository's ruff settings
    and .gitignore say."""
    from ruff.__main__ import find_ruff_bin

    done = subprocess.run(
        [find_ruff_bin(), "check", "--isolated", "--no-cache", "--no-respect-gitignore", "--select", CODES,
         "--output-format", "json", "--exit-zero", *map(str, folders)],
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [f"{f['filename']}:{f['location']['row']}: {f['code']} {f['message']}" for f in json.loads(done.stdout)]


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("import os\nfrom typing import Any, Any\n\nX = {'a': 1, 'a': 2}\n\n\ndef f() -> None:\n    y = 1\n")
    codes = sorted(line.split(": ")[1].split()[0] for line in ruff_findings(tmp_path))
    assert codes == ["F401", "F401", "F601", "F811", "F841"]


def test_committed_output_is_clean() -> None:
    folders = [ROOT / "out", *sorted((ROOT / "tests" / "golden").glob("*/expected"))]
    assert len(folders) > 2 and all(f.is_dir() for f in folders)
    assert ruff_findings(*folders) == []
