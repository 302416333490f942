"""Turns one run's figures into bench/RESULTS.md: the targets table first, then the figures behind it."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

from .generation import FORMATTERS, REBUILD_DOC, SMALL_CHANGE, Doc, Rebuild, Result, SourceLines, gen_tool
from .multifile import FILES, LOAD_S, REFS

OPC = "openapi-python-client"
DMC = "datamodel-codegen"
PEERS = (OPC, DMC)
GEN_BLACK, GEN_RUFF = gen_tool("black"), gen_tool("ruff")
GEN_TOOLS = tuple(gen_tool(f) for f in FORMATTERS)
FORMATTER_OF = {gen_tool(f): f for f in FORMATTERS}

# The targets of generation (issue 12), each compared in this one run.
BLACK_VS_OPC = 1.0  # gen (black) cold: not slower than openapi-python-client
RUFF_VS_PEERS = 5.0  # gen (ruff) cold: at least 5× faster than each peer
REBUILD_S = 2.0  # rebuild after one schema description changed, wall seconds
NOOP_S = 0.2  # no-op rebuild, wall seconds
PEAK_RSS_MB = 300.0  # cold build of the largest document
SOURCE_LINES = 6500  # generator/**/*.py outside generator/runtime/
MULTIFILE_LOAD_S, MULTIFILE_FILES, MULTIFILE_REFS = LOAD_S, FILES, REFS  # issue 14: bench/multifile.py


@dataclass
class Target:
    label: str
    figures: str  # what the ratio is made of
    ratio: Optional[float]
    wanted: str  # e.g. "≥ 25×"
    met: Optional[bool]  # None: not measured in this run
    ratio_text: Optional[str] = None


def med(values: list[float]) -> float:
    return statistics.median(values)


def x(value: Optional[float]) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}×"
    if value >= 10:
        return f"{value:.1f}×"
    return f"{value:.2f}×"


def num(value: Optional[float], digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def mark(met: Optional[bool]) -> str:
    return "—" if met is None else ("✅" if met else "❌")


def table(header: list[str], rows: list[list[str]], align: Optional[str] = None) -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"] + ["| " + " | ".join(r) + " |" for r in rows]


@dataclass
class Report:
    smoke: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    runtime: dict[str, dict[str, Any]] = field(default_factory=dict)
    imports: dict[str, dict[str, list[list[float]]]] = field(default_factory=dict)
    generation: list[tuple[Doc, list[Result]]] = field(default_factory=list)
    rebuild: Optional[Rebuild] = None
    rebuild_skipped: str = ""  # why the rebuild after one change was not measured
    source: Optional[SourceLines] = None
    multifile: Optional[dict[str, Any]] = None  # bench/multifile.py's figures

    # ------------------------------------------------------------------------------- targets

    def targets(self) -> list[Target]:
        out: list[Target] = []
        ours, ref, floor = self.runtime.get("ours"), self.runtime.get("ref"), self.runtime.get("floor")
        if ours:
            for kind in ("sync", "async"):
                key = f"stream_{kind}_eps"
                r = ours[key] / ref[key] if ref else None
                out.append(Target(f"Stream parsing ({kind}) vs mistralai 1.5.1", f"{num(ours[key])} vs {num(ref[key]) if ref else '—'} events/s", r, "≥ 25×", None if r is None else r >= 25))
            for kind in ("sync", "async"):
                key = f"stream_{kind}_eps"
                r = ours[key] / floor[key] if floor else None
                out.append(Target(f"Stream parsing ({kind}) vs httpx-sse + model_validate_json", f"{num(ours[key])} vs {num(floor[key]) if floor else '—'} events/s", r, "≥ 0.95×", None if r is None else r >= 0.95))
            r = ours["request_cpu_us"] / ref["request_cpu_us"] if ref else None
            out.append(Target("CPU per request (chat.complete) vs mistralai 1.5.1", f"{num(ours['request_cpu_us'])} vs {num(ref['request_cpu_us']) if ref else '—'} µs", r, "≤ 1/15 (0.067×)", None if r is None else r <= 1 / 15))
            for key, label, limit, wanted in (("construct_us", "construct", 1 / 2, "≤ 1/2 (0.50×)"), ("dump_us", "dump", 1 / 3, "≤ 1/3 (0.33×)")):
                r = ours[key] / ref[key] if ref else None
                out.append(Target(f"ChatCompletionStreamRequest {label} vs mistralai 1.5.1", f"{num(ours[key], 1)} vs {num(ref[key], 1) if ref else '—'} µs", r, wanted, None if r is None else r <= limit))
        if "ours" in self.imports:
            sdk = med([t for t, _ in self.imports["ours"]["sdk"]]) * 1000
            base = med([t for t, _ in self.imports["ours"]["floor"]]) * 1000
            r = sdk / base
            out.append(Target("`from mistralai import Mistral` vs `import httpx, pydantic`", f"{num(sdk, 1)} vs {num(base, 1)} ms", r, "≤ 1.25×", r <= 1.25))
        out += self._generation_targets()
        if self.multifile is not None:
            out.append(self._multifile_target())
        return out

    def _multifile_target(self) -> Target:
        mf = self.multifile or {}
        load = med(mf["load"])
        build = f"; cold `gen build` {med(mf['build']):.2f} s (median of {len(mf['build'])})" if mf["build"] else ""
        runs = len(mf["load"])
        figures = f"{load:.2f} s, median of {runs} fresh process{'es' if runs > 1 else ''}, {mf['schemas']:,} schemas bundled{build}"
        full = (mf["files"], mf["refs"]) == (MULTIFILE_FILES, MULTIFILE_REFS)  # the target is set for that size only
        label = f"Load (`generator.load.load()`) of a synthetic spec: {mf['files']} files, {mf['refs']:,} cross-file references"
        return Target(label, figures, None, f"≤ {MULTIFILE_LOAD_S:g} s", load <= MULTIFILE_LOAD_S if full else None, f"{load:.2f} s")

    def _generation_targets(self) -> list[Target]:
        out: list[Target] = []
        for doc, results in self.generation:
            tools = {r.tool: r for r in results}
            for formatter, peers, wanted in (("black", (OPC,), BLACK_VS_OPC), ("ruff", PEERS, RUFF_VS_PEERS)):
                gen = tools.get(gen_tool(formatter))
                if gen is None:
                    continue
                label = f"Cold build, {doc.key}: {{peer}} / {gen.tool}"
                if gen.failed or not gen.cold:
                    out.append(Target(label.format(peer="peers"), f"{gen.tool} failed: " + (gen.failed or "no run"), None, f"≥ {wanted:g}×", False, "gen failed"))
                    continue
                gen_cold = med([p.wall for p in gen.cold])
                for name in peers:
                    peer = tools.get(name)
                    if peer is None:
                        continue
                    if peer.failed or not peer.cold:
                        out.append(Target(label.format(peer=name), f"{name} failed", None, f"≥ {wanted:g}×", None, "peer failed"))
                        continue
                    peer_cold = med([p.wall for p in peer.cold])
                    r = peer_cold / gen_cold
                    out.append(Target(label.format(peer=name), f"{peer_cold:.2f} vs {gen_cold:.2f} s", r, f"≥ {wanted:g}×", r >= wanted))
            gen = tools.get(GEN_BLACK) or next((tools[t] for t in GEN_TOOLS if t in tools), None)
            if gen is None or gen.failed or not gen.cold:
                continue
            complete = gen.ops_out == gen.ops_in
            out.append(Target(f"Every operation generated, {doc.key}", f"{gen.ops_out} of {gen.ops_in} operations", None, "all", complete, f"{gen.ops_out}/{gen.ops_in}"))
            noop = med([p.wall for p in gen.noop])
            gen_cold = med([p.wall for p in gen.cold])
            out.append(Target(f"No-op rebuild ({FORMATTER_OF[gen.tool]}), {doc.key}", f"{noop:.3f} s (cold {gen_cold:.2f} s)", None, f"≤ {NOOP_S:g} s", noop <= NOOP_S, f"{noop:.2f} s"))
        out.append(self._rebuild_target())
        out += self._rss_targets()
        if self.source is not None:
            src = self.source
            runtime = "generator/runtime/ not in this checkout" if src.runtime_lines is None else f"generator/runtime/ left out: {src.runtime_lines:,} lines"
            out.append(
                Target(
                    "gen's size: lines of generator/**/*.py outside generator/runtime/",
                    f"{src.lines:,} lines in {src.files} files ({runtime})",
                    None,
                    f"≤ {SOURCE_LINES:,} lines",
                    src.lines <= SOURCE_LINES,
                    f"{src.lines:,}",
                )
            )
        return out

    def _rebuild_target(self) -> Target:
        label = f"Rebuild after one schema's description changed (black), {REBUILD_DOC}"
        wanted = f"≤ {REBUILD_S:g} s, 1–{SMALL_CHANGE} files changed"
        rb = self.rebuild
        if rb is None:
            return Target(label, f"not measured ({self.rebuild_skipped or 'skipped'})", None, wanted, None)
        if rb.failed or not rb.rebuild:
            return Target(label, "failed: " + (rb.failed or "no run"), None, wanted, False, "failed")
        wall = med([p.wall for p in rb.rebuild])
        cold = med([p.wall for p in rb.cold])
        changed = "/".join("?" if n is None else str(n) for n in rb.changed)
        small = all(n is not None and 0 < n <= SMALL_CHANGE for n in rb.changed)
        figures = f"{wall:.2f} s (cold {cold:.2f} s); `{rb.schema}`: {changed} of {num(rb.files)} files changed"
        if not small:
            return Target(label, figures + " — not the few files one description touches", None, wanted, False, f"failed: {changed} changed")
        return Target(label, figures, None, wanted, wall <= REBUILD_S, f"{wall:.2f} s")

    def _rss_targets(self) -> list[Target]:
        runs = [(doc, results) for doc, results in self.generation]
        if not runs:
            return []
        doc, results = max(runs, key=lambda item: item[0].spec.stat().st_size)
        out = []
        for gen in results:
            if gen.tool not in GEN_TOOLS:
                continue
            label = f"Peak RSS of a cold build of the largest document ({doc.key}, {doc.size_kb:,.0f} KB), {gen.tool}"
            if gen.failed or not gen.cold:
                out.append(Target(label, f"{gen.tool} failed", None, f"≤ {PEAK_RSS_MB:g} MB", False, "failed"))
                continue
            rss = max(p.rss_mb for p in gen.cold)
            figures = f"{rss:.0f} MB: the largest single process (gen, a black worker, ruff), the most over {len(gen.cold)} cold run{'s' if len(gen.cold) > 1 else ''}"
            out.append(Target(label, figures, None, f"≤ {PEAK_RSS_MB:g} MB", rss <= PEAK_RSS_MB, f"{rss:.0f} MB"))
        return out

    # ------------------------------------------------------------------------------- markdown

    def markdown(self) -> str:
        m = self.meta
        mach = m.get("machine", {})
        ours_v = m.get("ours_versions", {})
        peer_v = m.get("peer_versions", {})
        lines = ["# Benchmark results" + (" (smoke run: tiny counts, not figures)" if self.smoke else ""), ""]
        lines.append(
            f"Run {m.get('date')} with `{m.get('command', 'python -m bench').strip()}` at {m.get('git')}, in "
            f"{m.get('elapsed', 0) / 60:.1f} min. The runtime figures are of the SDK in out/mistral/src{m.get('out_state', '')}."
        )
        lines.append("")
        load0, load1 = mach.get("load", (0, 0, 0)), m.get("load_end", (0, 0, 0))
        lines.append(
            f"Machine: {mach.get('cpu')}, {mach.get('nproc')} CPUs, {mach.get('memory')}; {mach.get('os')}; "
            f"Python {mach.get('python')}. Load average {load0[0]:.2f} at the start, {load1[0]:.2f} at the end."
        )
        lines.append("")
        lines.append(
            "Versions: " + ", ".join(f"{k} {v}" for k, v in ours_v.items() if k != "python") + " (gen's environment)"
            + ("; " + ", ".join(f"{k} {v}" for k, v in peer_v.items() if k != "python") + " (bench/.venv-peers)" if peer_v else "; peers not run")
            + "."
        )  # fmt: skip
        if m.get("gen_install"):
            gen_v = m.get("gen_versions", {})
            lines.append("")
            lines.append(
                f"gen is timed as installed by pip from this checkout, with its `ruff` extra, into {m['gen_install']} (not "
                "editable, byte-compiled, as the peers are installed): "
                + ", ".join(f"{k} {v}" for k, v in gen_v.items())
                + "."
            )
        lines.append("")

        lines += ["## Targets", ""]
        rows = [[t.label, t.figures, t.ratio_text or x(t.ratio), t.wanted, mark(t.met)] for t in self.targets()]
        lines += table(["target", "figures", "ratio or figure", "wanted", "met"], rows, "llrll")
        lines.append("")

        if self.generation:
            lines += self._generation()
        elif self.rebuild:
            lines += ["## Generation", ""] + self._rebuild()
        if self.runtime:
            lines += self._runtime()
        if self.imports:
            lines += self._imports()
        lines += self._method()
        # The conformance run is its own command (`python -m bench.conformance`): its last table is kept, not re-run.
        conformance = Path(__file__).resolve().parent / "CONFORMANCE.md"
        if not self.smoke and conformance.is_file():
            lines += ["", *conformance.read_text(encoding="utf-8").rstrip().splitlines()]
        return "\n".join(lines).rstrip() + "\n"

    def _generation(self) -> list[str]:
        lines = ["## Generation", ""]
        lines.append(
            "Whole processes, median of the runs shown; wall and CPU seconds (CPU includes the children a tool waits for, "
            "such as its formatter: gen's black workers or its ruff process, a peer's ruff, black or isort); peak RSS is "
            "the largest resident set of any single one of the process and its children, the most over the cold runs (not "
            "their sum: gen's black workers are forked from gen and share its pages). gen (black) is `gen build --formatter "
            "black` (the default), gen (ruff) `gen build --formatter ruff`; the two take turns run by run. \"No-op\" is the "
            "same command run again over its own output (for gen: same out dir, same cache). Operations and schemas: how "
            "many of the input's the output holds (schemas matched by class name, so a schema the tool renamed, such as "
            "resend's `Tag` → `Tag2` in gen, counts as missing)."
        )
        lines.append("")
        rows = []
        failures = []
        notes = []
        for doc, results in self.generation:
            gen_cold = {r.tool: med([p.wall for p in r.cold]) for r in results if r.tool in GEN_TOOLS and r.cold and not r.failed}
            for res in results:
                ops = "—" if res.ops_in is None else f"{num(res.ops_out) if res.ops_out is not None else '—'}/{res.ops_in}"
                schemas = f"{num(res.schemas_out) if res.schemas_out is not None else '—'}/{res.schemas_in}"
                if res.failed or not res.cold:
                    rows.append([doc.key, f"{doc.size_kb:,.0f}", res.tool, "failed", "", "", "", "", ops if res.ops_out is not None else "—", "—"] + ["—"] * len(GEN_TOOLS))
                    failures.append(f"- {res.tool} on {doc.key}: {res.failed}")
                    continue
                cold = med([p.wall for p in res.cold])
                ratios = ["" if res.tool == tool else x(cold / gen_cold[tool]) if tool in gen_cold else "—" for tool in GEN_TOOLS]
                rows.append(
                    [
                        doc.key,
                        f"{doc.size_kb:,.0f}",
                        res.tool,
                        str(len(res.cold)),
                        f"{cold:.2f}",
                        f"{med([p.cpu for p in res.cold]):.2f}",
                        f"{med([p.wall for p in res.noop]):.2f}",
                        f"{max(p.rss_mb for p in res.cold):.0f}",
                        ops,
                        schemas,
                    ]
                    + ratios
                )
                notes += [f"- {res.tool} on {doc.key}: {n}" for n in res.notes]
        lines += table(
            ["document", "KB", "tool", "runs", "cold wall s", "cold CPU s", "no-op wall s", "peak RSS MB", "operations", "schemas"]
            + [f"cold wall / {tool}" for tool in GEN_TOOLS],
            rows,
            "lrlrrrrrrr" + "r" * len(GEN_TOOLS),
        )
        lines.append("")
        if failures:
            lines += ["Failures (the tool wrote nothing):", ""] + failures + [""]
        if notes:
            lines += ["Notes:", ""] + notes + [""]
        lines += self._rebuild()

        rows = []
        for doc, results in self.generation:
            for gen in results:
                if gen.tool not in GEN_TOOLS or not gen.cold:
                    continue
                cold = med([p.wall for p in gen.cold])
                cpu = med([p.cpu for p in gen.cold])
                rows.append(
                    [
                        doc.key,
                        gen.tool,
                        f"{doc.size_kb:,.0f}",
                        str(gen.schemas_in),
                        str(gen.ops_in),
                        f"{cold:.2f}",
                        f"{cold / gen.schemas_in * 1000:.0f}" if gen.schemas_in else "—",
                        f"{cpu / gen.schemas_in * 1000:.0f}" if gen.schemas_in else "—",
                        f"{cold / (gen.schemas_in + (gen.ops_in or 0)) * 1000:.0f}",
                        f"{cold / doc.size_kb * 1000:.1f}",
                    ]
                )
        lines += ["### gen: time per schema", ""]
        lines += table(
            ["document", "tool", "KB", "schemas", "operations", "cold wall s", "wall ms/schema", "CPU ms/schema", "wall ms/(schema + operation)", "wall ms/KB"],
            rows,
            "llrrrrrrrr",
        )
        lines.append("")
        return lines

    def _rebuild(self) -> list[str]:
        rb = self.rebuild
        if rb is None:
            return []
        lines = ["### gen: rebuild after one change", ""]
        lines.append(
            f"{rb.doc}, copied into the work folder and built cold with black (new out dir, empty cache); then the "
            f"`description` of one component schema (the first, in the file's order, with a one-line description: "
            f"`{rb.schema or '?'}`) gets \" (changed)\" appended, and the same command builds again into the same out dir "
            "with the same cache: the whole pipeline runs, black runs only on the modules whose text changed. Whole "
            "processes; \"changed\" is the count gen prints (files written or removed)."
        )
        lines.append("")
        if rb.failed:
            lines += [f"Failed: {rb.failed}", ""]
        if rb.rebuild:
            rows = [
                [
                    str(len(rb.rebuild)),
                    f"{med([p.wall for p in rb.cold]):.2f}",
                    f"{med([p.wall for p in rb.rebuild]):.2f}",
                    f"{med([p.cpu for p in rb.rebuild]):.2f}",
                    f"{max(p.rss_mb for p in rb.rebuild):.0f}",
                    "/".join("?" if n is None else str(n) for n in rb.changed),
                    num(rb.files),
                ]
            ]
            lines += table(["runs", "cold wall s", "rebuild wall s", "rebuild CPU s", "rebuild peak RSS MB", "files changed", "files"], rows, "rrrrrrr")
            lines.append("")
        return lines

    def _runtime(self) -> list[str]:
        ours, ref, floor = self.runtime.get("ours", {}), self.runtime.get("ref"), self.runtime.get("floor")
        c = self.meta.get("counts", {})
        lines = ["## Generated SDK vs mistralai 1.5.1 at run time", ""]
        lines.append(
            f"Each SDK in its own interpreter, over an in-memory httpx.MockTransport; CPU time of the process, median of "
            f"{c.get('stream_runs')} (streams) or {c.get('runtime_runs')} timings; the generated SDK, the floor and the reference "
            f"in {c.get('probe_rounds', 1)} rounds of alternating processes, and the median over them (the reference's "
            f"streams in the first round only). Stream: {c.get('events', 0):,} "
            f"`chat.completion.chunk` events (~{ours.get('event_bytes', 0):.0f} bytes each, handed over in 4 KB chunks) "
            f"through `client.chat.stream` / `stream_async`. Request: {c.get('requests', 0):,} calls of `chat.complete` with "
            f"one user message, answered with a canned ~400-byte JSON. Request model: `ChatCompletionStreamRequest(**kwargs)` "
            f"with four messages as dicts, and `model_dump(mode=\"json\", by_alias=True)`, {c.get('loops', 0):,} times each. "
            "Floor: httpx-sse `connect_sse` + `model_validate_json` of a plain pydantic model of the chunk's shape; a bare "
            "`httpx.Client.post` of the same body."
        )
        lines.append("")

        def ratio(a: Optional[dict], b: Optional[dict], key: str) -> str:
            return x(a[key] / b[key]) if a and b and key in a and key in b else "—"

        rows = []
        for key, label, digits in (
            ("stream_sync_eps", "stream, sync: events/s", 0),
            ("stream_async_eps", "stream, async: events/s", 0),
            ("request_cpu_us", "chat.complete: CPU µs per request (floor: bare httpx post)", 1),
            ("construct_us", "ChatCompletionStreamRequest construct: µs", 2),
            ("dump_us", "ChatCompletionStreamRequest dump: µs", 2),
        ):
            rows.append(
                [
                    label,
                    num(ours.get(key), digits),
                    num(ref.get(key), digits) if ref else "—",
                    num(floor.get(key), digits) if floor and key in floor else "—",
                    ratio(ours, ref, key),
                    ratio(ours, floor, key),
                ]
            )
        lines += table(["figure", "generated SDK", "mistralai 1.5.1", "floor", "generated / reference", "generated / floor"], rows)
        lines.append("")
        if ref and "dump" in ref and "dump" in ours:
            if ref["dump"] == ours["dump"]:
                lines += ["Both SDKs dump the request model to the same JSON.", ""]
            else:
                lines += [
                    "The two dumps differ (not a benchmark problem, but the figures are of slightly different work): "
                    f"generated `{_json(ours['dump'])}`; reference `{_json(ref['dump'])}`.",
                    "",
                ]
        return lines

    def _imports(self) -> list[str]:
        c = self.meta.get("counts", {})
        lines = ["## Import", ""]
        lines.append(
            f"Fresh processes, median of {c.get('import_runs')} (after one warm-up that writes .pyc files): the time of the "
            "import statement alone, and the process's peak RSS just after it. The floor is `import httpx, pydantic` in the "
            "same interpreter."
        )
        lines.append("")
        rows = []
        names = {"ours": "generated SDK", "ref": "mistralai 1.5.1"}
        for who, figures in self.imports.items():
            sdk_t = med([t for t, _ in figures["sdk"]]) * 1000
            floor_t = med([t for t, _ in figures["floor"]]) * 1000
            sdk_rss = med([r for _, r in figures["sdk"]]) / 1024
            floor_rss = med([r for _, r in figures["floor"]]) / 1024
            rows.append([names[who], f"{sdk_t:.1f}", f"{floor_t:.1f}", x(sdk_t / floor_t), f"{sdk_rss:.1f}", f"{floor_rss:.1f}"])
        lines += table(["SDK", "`from mistralai import Mistral` ms", "`import httpx, pydantic` ms", "ratio", "peak RSS after SDK import MB", "after floor import MB"], rows)
        lines.append("")
        return lines

    def _method(self) -> list[str]:
        return [
            "## How to read this",
            "",
            "Every ratio above comes from this one run. Runtime figures are CPU time (the transport is in memory, so CPU "
            "is the cost); generation figures are wall time of whole processes, so a busy machine (see the load average) "
            "slows every tool alike but adds noise. The full suite is `.venv/bin/python -m bench`; see bench/README.md.",
        ]

    def raw(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "runtime": self.runtime,
            "imports": self.imports,
            "generation": [
                {"doc": doc.key, "results": [{**asdict(r), "cold": [_proc(p) for p in r.cold], "noop": [_proc(p) for p in r.noop]} for r in results]}
                for doc, results in self.generation
            ],
            "rebuild": None if self.rebuild is None else {**asdict(self.rebuild), "cold": [_proc(p) for p in self.rebuild.cold], "rebuild": [_proc(p) for p in self.rebuild.rebuild]},
            "source": None if self.source is None else asdict(self.source),
            "multifile": self.multifile,
            "targets": [asdict(t) for t in self.targets()],
        }


def _proc(p: Any) -> dict[str, Any]:
    return {"wall": p.wall, "cpu": p.cpu, "rss_mb": p.rss_mb, "rc": p.rc}


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("|", "\\|")
