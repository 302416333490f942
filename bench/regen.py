"""Wall time of `gen build specs/` from cold to no-op, each the median of N runs (default 5).

Standalone: `python bench/regen.py [N]`. Each run is a fresh `python -m generator.cli` process, so interpreter start
and imports count, as they do for a user. Scenarios:

1. cold: an empty cache (GEN_CACHE_DIR) and an empty out folder: load, validate, IR, render, black every file, write.
2. no-op: the same build again: the inputs match a cached build, out/ matches the manifest: nothing is loaded,
   rendered or formatted, and nothing is written.
3. no-op --check: the CI gate on an up-to-date tree.
4. one description changed: the spec differs (a new description each run), so the whole pipeline runs, but black
   runs only on the modules whose text changed; the rest comes from the format cache.

The project's targets (issue 12, measured by `python -m bench` on the bench documents): no-op ≤ 0.2 s; a rebuild
after one description changed ≤ 2 s.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def gen(*args: str, cache: Path) -> float:
    env = {**os.environ, "GEN_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"gen {' '.join(args)} failed:\n{result.stderr}")
    return elapsed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results: dict[str, list[float]] = {"cold": [], "no-op": [], "no-op --check": [], "one description changed": []}
    with tempfile.TemporaryDirectory(prefix="gen-bench-") as tmp:
        work = Path(tmp)
        for i in range(runs):
            cache, out = work / f"cache-{i}", work / f"out-{i}"
            results["cold"].append(gen("build", "specs/", "--out", str(out), cache=cache))
        cache, out = work / "cache-0", work / "out-0"
        for _ in range(runs):
            results["no-op"].append(gen("build", "specs/", "--out", str(out), cache=cache))
        for _ in range(runs):
            results["no-op --check"].append(gen("build", "specs/", "--out", str(out), "--check", cache=cache))
        specs = work / "specs"
        shutil.copytree(ROOT / "specs", specs)
        spec = specs / "mistral" / "openapi.yaml"
        original = spec.read_text(encoding="utf-8")
        assert "Chat Completion" in original
        for i in range(runs):
            spec.write_text(original.replace("Chat Completion", f"Chat Completion {i}", 1), encoding="utf-8")
            results["one description changed"].append(gen("build", str(specs), "--out", str(out), cache=cache))
    cold = statistics.median(results["cold"])
    print(f"gen build specs/ (median of {runs} runs, {sys.executable})")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"  {name:<26} {median:7.3f} s   ({median / cold:6.1%} of cold)   runs: {', '.join(f'{t:.3f}' for t in times)}")
    noop = statistics.median(results["no-op"])
    changed = statistics.median(results["one description changed"])
    print(f"no-op = {noop:.3f} s (target ≤ 0.2 s): {'ok' if noop <= 0.2 else 'MISSED'}")
    print(f"one description changed = {changed:.3f} s (target ≤ 2 s): {'ok' if changed <= 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
