"""The benchmark suite: `python -m bench` (see bench/README.md).

One run measures everything the targets compare, so every ratio in the table comes from figures
taken minutes apart on the same machine: generation (gen with black and with ruff, and its peers,
cold and no-op, peak memory), gen's rebuild after one schema's description changed, the size of
gen's source, the generated Mistral SDK against mistralai 1.5.1 at run time, and import time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

from . import generation, multifile, peers
from .report import Report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
OURS_SRC = ROOT / "out" / "mistral" / "src"

IMPORT_SDK = (
    "import time, resource, json\n"
    "t = time.perf_counter()\n"
    "from mistralai import Mistral\n"
    "d = time.perf_counter() - t\n"
    "print(json.dumps([d, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))"
)
IMPORT_FLOOR = IMPORT_SDK.replace("from mistralai import Mistral", "import httpx, pydantic")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a CI-sized run: specs/mistral only, no peers, no rebuild after a change, tiny counts; writes nothing unless --results is given")
    parser.add_argument("--results", type=Path, default=None, help="where to write the Markdown (default bench/RESULTS.md; with --smoke, nowhere)")
    parser.add_argument("--no-peers", action="store_true", help="skip the peers and the reference SDK (no virtual environment is made)")
    parser.add_argument("--docs", default=None, help="comma-separated document keys to generate (default: all five)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default bench/.work; with --smoke, a temporary folder)")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: generation, rebuild, runtime, import, multifile")
    parser.add_argument("--runs", type=int, default=5, help="cold/no-op runs of specs/mistral, per formatter (default 5)")
    parser.add_argument("--big-runs", type=int, default=3, help="cold/no-op runs of the large documents per formatter, and rebuilds after a change (default 3)")
    parser.add_argument("--events", type=int, default=100_000, help="events in the streamed response (default 100,000)")
    parser.add_argument("--requests", type=int, default=2000, help="chat.complete calls per timing (default 2,000)")
    parser.add_argument("--loops", type=int, default=20_000, help="request model constructions/dumps per timing (default 20,000)")
    parser.add_argument("--runtime-runs", type=int, default=5, help="timings of each runtime figure, the median is kept (default 5)")
    parser.add_argument("--stream-runs", type=int, default=3, help="timings of each stream figure (default 3)")
    parser.add_argument("--import-runs", type=int, default=11, help="fresh processes per import figure (default 11)")
    parser.add_argument("--probe-rounds", type=int, default=3, help="processes measuring the generated SDK and the floor, alternately; each figure is the median over them (default 3)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.no_peers = True
        args.docs = args.docs or "specs/mistral"
        args.runs = args.big_runs = 1
        args.events, args.requests, args.loops = 2000, 200, 500
        args.runtime_runs = args.stream_runs = args.probe_rounds = 1
        args.import_runs = 3
    elif args.results is None:
        args.results = HERE / "RESULTS.md"
    return args


# ----------------------------------------------------------------------------------------- machine


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    usable: Optional[int]
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu,
        "nproc": usable,
        "memory": memory,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "load": os.getloadavg(),
    }


def out_state() -> str:
    try:
        dirty = subprocess.run(["git", "status", "--porcelain", "--", str(OURS_SRC)], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return " (with uncommitted changes)" if dirty else " (as committed)"


def git_head() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        return head + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ----------------------------------------------------------------------------------------- runtime


def ours_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(OURS_SRC)
    return env


def ref_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def probe(
    interpreter: str, env: dict[str, str], args: argparse.Namespace, work: Path, floor: bool = False, stream: bool = True
) -> dict[str, Any]:
    cmd = [
        interpreter, str(HERE / "sdk_probe.py"),
        "--events", str(args.events), "--requests", str(args.requests), "--loops", str(args.loops),
        "--runs", str(args.runtime_runs), "--stream-runs", str(args.stream_runs),
    ] + (["--floor"] if floor else []) + ([] if stream else ["--no-stream"])  # fmt: skip
    done = subprocess.run(cmd, env=env, cwd=work, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def median_figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each number the median over the runs that have it (each run's own median of its timings); anything else as
    the first run has it."""
    figures = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            figures[key] = statistics.median(run[key] for run in runs if key in run)
    return figures


def import_times(interpreter: str, env: dict[str, str], runs: int, work: Path) -> dict[str, list[list[float]]]:
    """Alternate SDK and floor imports in fresh processes; one warm-up of each first (writes .pyc files)."""
    out: dict[str, list[list[float]]] = {"sdk": [], "floor": []}
    for i in range(runs + 1):
        for kind, code in (("sdk", IMPORT_SDK), ("floor", IMPORT_FLOOR)):
            done = subprocess.run([interpreter, "-c", code], env=env, cwd=work, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"import probe failed ({interpreter}):\n{done.stderr[-3000:]}")
            if i:
                out[kind].append(json.loads(done.stdout))
    return out


# ----------------------------------------------------------------------------------------- main


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    args.argv = argv if argv is not None else sys.argv[1:]
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = skip - {"generation", "rebuild", "runtime", "import", "multifile"}
    if unknown:
        raise SystemExit(f"--skip: unknown part(s) {sorted(unknown)}")
    if args.work is not None:
        return _run(args, skip, args.work)
    if args.smoke:
        with tempfile.TemporaryDirectory(prefix="gen-bench-") as scratch:
            return _run(args, skip, Path(scratch))
    return _run(args, skip, WORK)


def _run(args: argparse.Namespace, skip: set[str], work: Path) -> int:
    started = time.perf_counter()
    work.mkdir(parents=True, exist_ok=True)
    report = Report(smoke=args.smoke)
    report.meta.update(
        date=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine(),
        git=git_head(),
        out_state=out_state(),
        command="python -m bench " + " ".join(args.argv),
        counts={"events": args.events, "requests": args.requests, "loops": args.loops, "runtime_runs": args.runtime_runs, "stream_runs": args.stream_runs, "import_runs": args.import_runs, "probe_rounds": args.probe_rounds},
    )
    ours_python = sys.executable
    report.meta["ours_versions"] = peers.versions(ours_python, peers.OURS_DISTS)
    peer_python: Optional[str] = None
    if not args.smoke and not {"generation", "rebuild"} <= skip:
        report.meta["gen_install"] = str(generation.install_gen(log).parent.parent.relative_to(ROOT))
        report.meta["gen_versions"] = peers.versions(generation.gen_interpreter(), peers.GEN_DISTS)
    report.source = generation.source_lines()
    if not args.no_peers:
        peer_python = str(peers.ensure(log))
        report.meta["peer_versions"] = peers.versions(peer_python, peers.PEER_DISTS, ref_env())

    if "runtime" not in skip:
        # The SDK's figures are ratios to the floor's and the reference's, measured in other processes: processes that
        # alternate, so that a slow spell of the machine falls on every side, not on whichever ran then. The
        # reference streams 100,000 events at a few thousand a second: its stream figures (far from their target) are
        # taken in the first round only.
        rounds: dict[str, list[dict[str, Any]]] = {"ours": [], "floor": [], "ref": []}
        for round_ in range(args.probe_rounds):
            log(f"runtime, round {round_ + 1} of {args.probe_rounds}: generated SDK ({args.events:,} events), the floor, mistralai 1.5.1")
            rounds["ours"].append(probe(ours_python, ours_env(), args, work))
            rounds["floor"].append(probe(ours_python, ours_env(), args, work, floor=True))
            if peer_python:
                rounds["ref"].append(probe(peer_python, ref_env(), args, work, stream=round_ == 0))
        for side, runs in rounds.items():
            if runs:
                report.runtime[side] = median_figures(runs)

    if "import" not in skip:
        log("import times")
        report.imports["ours"] = import_times(ours_python, ours_env(), args.import_runs, work)
        if peer_python:
            report.imports["ref"] = import_times(peer_python, ref_env(), args.import_runs, work)

    all_docs = generation.documents(args.runs, args.big_runs)
    gen_work = work / "generation"
    shutil.rmtree(gen_work, ignore_errors=True)
    if "generation" not in skip:
        docs = all_docs
        if args.docs:
            wanted = [d.strip() for d in args.docs.split(",")]
            unknown = set(wanted) - {d.key for d in docs}
            if unknown:
                raise SystemExit(f"unknown document(s) {sorted(unknown)}; known: {[d.key for d in docs]}")
            docs = [d for d in docs if d.key in wanted]
        for doc in docs:
            log(f"generation: {doc.key} ({doc.size_kb:,.0f} KB, {doc.runs} runs of each tool)")
            # gen (black) and gen (ruff) take turns, then the peers: the same order for every document.
            results = generation.run_gen(doc, gen_work, doc.runs, log)
            if peer_python:
                venv = peers.VENV
                results.append(generation.run_opc(doc, gen_work, doc.runs, venv, log))
                results.append(generation.run_dmc(doc, gen_work, doc.runs, venv, log))
            for result in results:
                if result.failed:
                    log(f"  {result.tool} failed on {doc.key}: {result.failed}")
            report.generation.append((doc, results))

    # The rebuild after one change is a target of its own document, whichever documents --docs chose.
    if args.smoke:
        report.rebuild_skipped = "--smoke"
    elif "rebuild" in skip:
        report.rebuild_skipped = "--skip rebuild"
    else:
        doc = next(d for d in all_docs if d.key == generation.REBUILD_DOC)
        log(f"rebuild after one change: {doc.key} ({args.big_runs} runs)")
        report.rebuild = generation.run_rebuild(doc, gen_work, args.big_runs, log)
        if report.rebuild.failed:
            log(f"  the rebuild failed: {report.rebuild.failed}")

    if "multifile" not in skip:
        # issue 14: references across many files resolved in time linear in their count
        files, refs = (50, 2000) if args.smoke else (multifile.FILES, multifile.REFS)
        log(f"multi-file spec: {files} files, {refs:,} cross-file references ({args.runs} loads, {args.big_runs if not args.smoke else 0} cold builds)")
        shutil.rmtree(work / "multifile", ignore_errors=True)
        report.multifile = multifile.measure(work / "multifile", args.runs, 0 if args.smoke else args.big_runs, files, refs, generation.gen_interpreter())

    report.meta["load_end"] = os.getloadavg()
    report.meta["elapsed"] = time.perf_counter() - started
    text = report.markdown()
    print(text)
    (work / "results.json").write_text(json.dumps(report.raw(), indent=1, default=str))
    if args.results is not None:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(text, encoding="utf-8")
        log(f"wrote {args.results}")
    return 0
