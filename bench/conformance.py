"""The conformance run against Prism: `python -m bench.conformance` (see tests/conformance/harness.py).

Every operation of every corpus document gen builds and of every golden case, called through the SDK gen makes of it
with arguments hypothesis-jsonschema draws from the spec (seeded, `--examples` per operation), against `prism mock
--errors --dynamic`. Prints the per-document table (Markdown) with every failure and its cause, and writes it to
bench/CONFORMANCE.md and to the "Conformance against Prism" section of bench/RESULTS.md (`python -m bench` keeps that
section: bench/report.py reads it back from CONFORMANCE.md). tests/conformance/test_conformance.py runs a bounded
sample of the same in CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "conformance"))
import harness  # noqa: E402

sys.path.remove(str(ROOT / "tests" / "conformance"))

CONFORMANCE = HERE / "CONFORMANCE.md"
RESULTS = HERE / "RESULTS.md"
SECTION = "## Conformance against Prism"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.conformance", description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5, help="argument sets drawn per operation (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="the seed of the draws and of Prism's mocks")
    parser.add_argument("--docs", nargs="*", help="only these documents (corpus file names or golden/<case>)")
    parser.add_argument("--no-write", action="store_true", help="print the table, write nothing")
    args = parser.parse_args(argv)

    names = args.docs or [*harness.golden_names(), *harness.corpus_names()]
    started = time.perf_counter()
    reports = []
    with tempfile.TemporaryDirectory(prefix="bench-conformance-") as work:
        base = Path(work)
        with ThreadPoolExecutor(max_workers=2) as pool:  # builds run two at a time; Prism runs one at a time
            builds = {
                n: pool.submit(harness.build, n, base / "out" / n.replace("/", "_"), base / "cache") for n in names
            }
            for name in names:
                try:
                    target = builds[name].result()
                except RuntimeError as exc:
                    report = harness.Report(name, error=str(exc).splitlines()[0])
                else:
                    report = harness.run_target(target, examples=args.examples, seed=args.seed)
                print(f"{name}: {report.tried} tried, {report.accepted}/{report.requests} accepted, "
                      f"{report.parsed}/{report.requests} parsed ({report.seconds:.1f} s)", file=sys.stderr, flush=True)  # fmt: skip
                reports.append(report)
    text = markdown(reports, args, time.perf_counter() - started)
    print(text)
    if not args.no_write and not args.docs:
        CONFORMANCE.write_text(text, encoding="utf-8")
        write_section(RESULTS, text)
        print(f"wrote {CONFORMANCE.relative_to(ROOT)} and its section of {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


def markdown(reports: list[harness.Report], args: argparse.Namespace, seconds: float) -> str:
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    prism = harness.prism_version()
    lines = [
        SECTION,
        "",
        f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC with `python -m bench.conformance --examples "
        f"{args.examples} --seed {args.seed}` at {git.strip()}, in {seconds / 60:.1f} min; Prism {prism}.",
        "",
        "Every operation of each SDK is called with arguments drawn from its spec by hypothesis-jsonschema (seeded) "
        "against `prism mock --errors --dynamic`. *accepted*: Prism reported no error in the request; *parsed*: the "
        "SDK returned the response Prism made up (or raised the error class the spec declares for it). *skipped*: "
        "event streams (Prism cannot serve them), webhooks and callbacks. *ops accepted* / *ops parsed*: operations "
        "all of whose requests were accepted / responses parsed.",
        "",
        harness.table(reports),
        "",
        "### Failures, by cause",
        "",
        *(failures(reports) or ["None."]),
    ]
    return "\n".join(lines) + "\n"


def failures(reports: list[harness.Report]) -> list[str]:
    """Each understood cause once, with the operations it fails (Prism's limitations, the spec's, gen's bugs), then
    every failure not understood yet with its own cause."""
    grouped: dict[tuple[str, str], list[str]] = {}
    unexplained = []
    for report in reports:
        for failure in report.failures:
            known = harness.explain(failure)
            where = f"{failure.document} `{failure.operation}` ({failure.stage})"
            if known is None:
                unexplained.append(f"- {where}: {failure.cause}")
            else:
                grouped.setdefault(known, []).append(where)
    lines = []
    for (who, why), where in sorted(grouped.items()):
        lines.append(f"- **{who}**: {why}. {len(where)} operation(s): " + "; ".join(where) + ".")
    if unexplained:
        lines += ["", "Not explained yet:", "", *unexplained]
    return lines


def write_section(path: Path, text: str) -> None:
    """Put `text` in place of the conformance section of `path` (from its heading to the next `## `), or at the end."""
    if not path.is_file():
        return
    old = path.read_text(encoding="utf-8")
    start = old.find(SECTION)
    if start < 0:
        new = old.rstrip() + "\n\n" + text
    else:
        after = old.find("\n## ", start + len(SECTION))
        new = old[:start] + text + ("\n" + old[after + 1 :] if after >= 0 else "")
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
