"""The benchmark suite keeps working: `python -m bench --smoke` runs end to end and prints its table.

No timing is asserted: the smoke run uses tiny counts, no peers, only specs/mistral (with black and
with ruff) and no rebuild after a change, so that it takes seconds; the full suite (`python -m bench`,
see bench/README.md) is run by hand.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT

pytest.importorskip("httpx_sse")  # the floor figures need it (gen's test extra)

ROWS = (
    "| Stream parsing (sync) vs httpx-sse + model_validate_json |",
    "| Stream parsing (async) vs httpx-sse + model_validate_json |",
    "| Stream parsing (sync) vs mistralai 1.5.1 |",
    "| CPU per request (chat.complete) vs mistralai 1.5.1 |",
    "| ChatCompletionStreamRequest construct vs mistralai 1.5.1 |",
    "| ChatCompletionStreamRequest dump vs mistralai 1.5.1 |",
    "| `from mistralai import Mistral` vs `import httpx, pydantic` |",
    "| Every operation generated, specs/mistral |",
    "| No-op rebuild (black), specs/mistral |",
    "| Rebuild after one schema's description changed (black), mistral-2026-07 | not measured (--smoke) |",
    "| gen's size: lines of generator/**/*.py outside generator/runtime/ |",
    "| Load (`generator.load.load()`) of a synthetic spec: 50 files, 2,000 cross-file references |",
    "| stream, sync: events/s |",
    "| stream, async: events/s |",
    "| chat.complete: CPU µs per request (floor: bare httpx post) |",
    "| generated SDK |",
)


def test_smoke_run_prints_the_table(tmp_path):
    results = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--results", str(results)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    text = results.read_text(encoding="utf-8")
    assert done.stdout.rstrip() == text.rstrip()
    assert text.startswith("# Benchmark results (smoke run")
    for row in ROWS:
        assert row in text, f"{row!r} missing from:\n{text}"
    # gen built the document (a failed build would show as a failed row) and the peers were not run
    assert "gen failed" not in text and "| failed |" not in text
    assert "peers not run" in text
    # one generation row for each of gen's formatters on specs/mistral, with one cold and one no-op run
    for tool in ("gen \\(black\\)", "gen \\(ruff\\)"):
        assert re.search(rf"^\| specs/mistral \| [\d,]+ \| {tool} \| 1 \| [\d.]+ \| [\d.]+ \| [\d.]+ \|", text, re.M), text
    # the peak RSS of both builds of the largest document run (the only one), as a figure in MB
    for tool in ("gen \\(black\\)", "gen \\(ruff\\)"):
        assert re.search(rf"^\| Peak RSS of a cold build of the largest document \(specs/mistral, [\d,]+ KB\), {tool} \| \d+ MB", text, re.M), text
    # the operation count is filled in (whether all were generated is a target, reported, not asserted here)
    assert re.search(r"^\| Every operation generated, specs/mistral \| \d+ of \d+ operations \|", text, re.M), text
