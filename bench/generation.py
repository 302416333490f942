"""Generation benchmarks: gen and its peers, each as a whole process, timed from outside.

Every run is a fresh process started with subprocess and reaped with os.wait4, which gives that
process's own resource usage: CPU time (user + system, including the children it waited for, such
as a peer's formatter, gen's black workers or its ruff process) and peak resident set size (the
largest single one of the process and the children it waited for, not their sum). Wall time is
measured around the process.

- gen (black) and gen (ruff), cold: `gen build <doc> --out <new dir> --formatter black|ruff` with
  GEN_CACHE_DIR set to a new, empty folder; no-op: the same command again, into the same out dir,
  with the same cache. The two alternate run by run (black, ruff, black, ruff, ...).
- gen, rebuild after one change: the Mistral 2026-07 spec copied into the work folder, built cold
  with black, then the `description` of one component schema (the first, in the file's order, whose
  description is a one-line plain scalar) gets " (changed)" appended, and the same command builds
  again into the same out dir with the same cache: that rebuild is timed.
- openapi-python-client: `openapi-python-client generate --path <spec> --output-path <new dir>
  --overwrite` (it runs its own ruff hooks); "no-op": the same command again over its own output.
- datamodel-codegen: `datamodel-codegen --input <spec> --input-file-type openapi --output <file>
  --output-model-type pydantic_v2.BaseModel` with its default formatters (black, isort); a document
  whose schema names make modules gets a directory instead of a file, as the tool asks.

A peer that produces nothing is reported as failed, with the gist of its message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
PROCESS_TIMEOUT = 1800.0  # seconds; a run that takes longer is killed and reported as failed


@dataclass(frozen=True)
class Doc:
    key: str
    gen_path: Path  # what `gen build` is given: an API folder (spec + overlays + gen.yaml) or a spec file
    spec: Path  # the OpenAPI file the peers read (they know nothing of overlays)
    runs: int  # how many cold (and no-op) runs

    @property
    def overlays(self) -> list[Path]:
        if self.gen_path.is_dir():
            return sorted(p for p in self.gen_path.glob("overlay*.y*ml") if p.is_file())
        return []

    @property
    def size_kb(self) -> float:
        return self.spec.stat().st_size / 1024


def documents(small_runs: int, big_runs: int) -> list[Doc]:
    return [
        Doc("specs/mistral", ROOT / "specs" / "mistral", ROOT / "specs" / "mistral" / "openapi.yaml", small_runs),
        Doc("mistral-2026-07", SHARED / "specs" / "mistral-2026-07.openapi.yaml", SHARED / "specs" / "mistral-2026-07.openapi.yaml", big_runs),
        Doc("resend", SHARED / "corpus" / "resend-openapi.yaml", SHARED / "corpus" / "resend-openapi.yaml", big_runs),
        Doc("twilio", SHARED / "corpus" / "twilio-api-v2010.yaml", SHARED / "corpus" / "twilio-api-v2010.yaml", big_runs),
        Doc("box", SHARED / "corpus" / "box-openapi.json", SHARED / "corpus" / "box-openapi.json", big_runs),
    ]


# ----------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Inputs:
    operations: int
    schemas: tuple[str, ...]


def _read(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _merge(target: dict, update: dict) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def _apply_overlay(document: Any, overlay: Any) -> None:
    """Just enough of the Overlay 1.0 semantics to count what gen is asked to build."""
    import jsonpath_rfc9535

    for action in overlay.get("actions") or []:
        nodes = list(jsonpath_rfc9535.finditer(action["target"], document))
        if action.get("remove"):
            for node in reversed(nodes):
                if node.parent is not None and node.location:
                    container = node.parent.value
                    key = node.location[-1]
                    if isinstance(container, dict):
                        container.pop(key, None)
                    elif isinstance(container, list) and isinstance(key, int) and key < len(container):
                        del container[key]
        elif "update" in action:
            for node in nodes:
                if isinstance(node.value, dict) and isinstance(action["update"], dict):
                    _merge(node.value, json.loads(json.dumps(action["update"])))
                elif isinstance(node.value, list):
                    node.value.append(action["update"])


def inputs(spec: Path, overlays: Sequence[Path] = ()) -> Inputs:
    document = _read(spec)
    for overlay in overlays:
        _apply_overlay(document, _read(overlay))
    operations = sum(
        1
        for item in (document.get("paths") or {}).values()
        if isinstance(item, dict)
        for method in item
        if method in HTTP_METHODS
    )
    schemas = tuple((document.get("components") or {}).get("schemas") or {})
    return Inputs(operations, schemas)


# ----------------------------------------------------------------------------------------- outputs

_DEFINED = re.compile(r"^(?:class\s+(\w+)|type\s+(\w+)\s*=|(\w+)\s*(?::\s*TypeAlias\s*)?=)", re.M)
_GEN_ENDPOINT = re.compile(r"\bEndpoint\(\s*\"")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def python_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if p.is_file()] if folder.is_dir() else ([folder] if folder.is_file() else [])


def schemas_found(files: list[Path], names: tuple[str, ...]) -> int:
    """How many of the input's component schemas have a class or alias of their name in the output."""
    defined: set[str] = set()
    for path in files:
        for match in _DEFINED.finditer(path.read_text(encoding="utf-8", errors="replace")):
            defined.add(_norm(next(g for g in match.groups() if g)))
    return sum(1 for name in names if _norm(name) in defined or _norm(name.split(".")[-1]) in defined)


def gen_operations(out: Path) -> int:
    """Every operation is one `Endpoint(...)` in a group module (the SDK's package, not _runtime or models)."""
    total = 0
    for path in python_files(out):
        if "_runtime" in path.parts or "models" in path.parts:
            continue
        total += len(_GEN_ENDPOINT.findall(path.read_text(encoding="utf-8")))
    return total


def opc_operations(out: Path) -> int:
    """openapi-python-client writes one module per operation under <package>/api/<tag>/."""
    return sum(1 for p in out.rglob("*.py") if "api" in p.relative_to(out).parts[:-1] and p.name != "__init__.py")


# ----------------------------------------------------------------------------------------- processes


@dataclass
class Proc:
    wall: float
    cpu: float
    rss_mb: float
    rc: int
    log: str


def timed(cmd: list[str], env: dict[str, str], cwd: Path, log_path: Path) -> Proc:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # The disk settles first: the writes and deletions of the run before (its output, removed just now) would
    # otherwise be flushed while this one runs, and billed to it. Every tool gets the same.
    os.sync()
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=cwd, start_new_session=True)
        killer = threading.Timer(PROCESS_TIMEOUT, lambda: os.killpg(proc.pid, signal.SIGKILL))
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    if proc.returncode == -signal.SIGKILL:
        text += f"\nkilled after {PROCESS_TIMEOUT:.0f} s"
    return Proc(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, text)


_NOISE = (
    "If you believe",
    "For further information",
    "Generating ",
    "Error(s) encountered",
    "warn_deprecated(",
    "warnings.warn",
    "return _get_type",
)
_EXCEPTION = re.compile(r"^[A-Za-z_.]*(Error|Exception|Exit)\b.*:")


def failure_message(log: str) -> str:
    """The gist of a failed tool's output, on one line."""
    lines = []
    for raw in log.splitlines():
        line = raw.strip()
        if not line or line[0] in "│╭╰─┃" or line.startswith(_NOISE) or "Warning:" in line:
            continue
        lines.append(re.sub(r"\s*\[type=.*$", "", line))
    exceptions = [line for line in lines if _EXCEPTION.match(line)]
    gist = exceptions[-1] if exceptions else " / ".join(lines[:4])
    return (gist[:297] + "...") if len(gist) > 300 else (gist or "(no output)")


# ----------------------------------------------------------------------------------------- tools


@dataclass
class Result:
    tool: str
    doc: str
    ops_in: Optional[int]  # None: the tool does not generate operations
    schemas_in: int
    cold: list[Proc] = field(default_factory=list)
    noop: list[Proc] = field(default_factory=list)
    failed: Optional[str] = None
    ops_out: Optional[int] = None
    schemas_out: Optional[int] = None
    notes: list[str] = field(default_factory=list)


GEN_VENV = ROOT / "bench" / ".venv-gen"
_installed: Optional[Path] = None  # bench/.venv-gen/bin/gen once install_gen() ran

FORMATTERS = ("black", "ruff")  # gen's two formatters, each a tool of its own in the tables


def gen_tool(formatter: str) -> str:
    return f"gen ({formatter})"


def install_gen(log: Callable[[str], None]) -> Path:
    """gen as users get it, and as the peers are installed: `pip install` of this checkout (not editable) into
    bench/.venv-gen, byte-compiled by pip, with the `ruff` extra (`gen build --formatter ruff`). The editable install
    of the checkout compiles gen's modules on every run where bytecode is not written (PYTHONDONTWRITEBYTECODE), which
    costs a build about 0.2 s the peers do not pay."""
    import venv

    global _installed
    if not (GEN_VENV / "bin" / "python").exists():
        log(f"creating {GEN_VENV.relative_to(ROOT)}")
        venv.EnvBuilder(with_pip=True, clear=True).create(GEN_VENV)
    log("installing gen[ruff] from this checkout into bench/.venv-gen (pip, not editable)")
    python = str(GEN_VENV / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # A current pip, as users have and as `make build` installs: the console script an old pip writes imports `re`
    # before gen's code runs (about 10 ms of every run).
    subprocess.run(pip + ["--upgrade", "pip"], check=True)
    subprocess.run(pip + ["--force-reinstall", "--no-deps", str(ROOT)], check=True)
    subprocess.run(pip + [f"{ROOT}[ruff]"], check=True)  # the dependencies and ruff, where missing
    _installed = GEN_VENV / "bin" / "gen"
    return _installed


def gen_command() -> list[str]:
    import sys

    if _installed is not None:
        return [str(_installed)]
    script = Path(sys.executable).parent / "gen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator"]


def gen_interpreter() -> str:
    """The python that runs the gen being timed (for the versions it reports)."""
    import sys

    return str(GEN_VENV / "bin" / "python") if _installed is not None else sys.executable


def run_gen(doc: Doc, work: Path, runs: int, log: Callable[[str], None], formatters: Sequence[str] = FORMATTERS) -> list[Result]:
    """gen with each formatter, cold then no-op, the formatters taking turns run by run (black, ruff, black, ruff, ...)
    so that a slow spell of the machine falls on both."""
    wanted = inputs(doc.spec, doc.overlays)
    results = {f: Result(gen_tool(f), doc.key, wanted.operations, len(wanted.schemas)) for f in formatters}
    counted = dict.fromkeys(formatters, 0)
    retries = dict.fromkeys(formatters, 0)
    while any(counted[f] < runs and not results[f].failed for f in formatters):
        for formatter in formatters:
            result, i = results[formatter], counted[formatter]
            if i >= runs or result.failed:
                continue
            folder = work / f"gen-{formatter}-{_slug(doc.key)}-{i}"
            shutil.rmtree(folder, ignore_errors=True)
            cache = folder / "cache"
            cache.mkdir(parents=True)
            out = folder / "out"
            env = {**os.environ, "GEN_CACHE_DIR": str(cache)}
            cmd = gen_command() + ["build", str(doc.gen_path), "--out", str(out), "--formatter", formatter]
            source = gen_source_state()
            cold = timed(cmd, env, ROOT, folder / "cold.log")
            if cold.rc != 0:
                result.failed = failure_message(cold.log)
                continue
            noop = timed(cmd, env, ROOT, folder / "noop.log")
            if noop.rc != 0:
                result.failed = "no-op rebuild: " + failure_message(noop.log)
                continue
            changed = re.findall(r"(\d+) changed", noop.log)
            if gen_source_state() != source and retries[formatter] < MAX_RETRIES:
                # Someone edited generator/ or templates/ while this pair ran: the no-op was not one. Run it again.
                retries[formatter] += 1
                result.notes.append(f"run {i + 1}: gen's source changed during the run (no-op changed {'/'.join(changed)} files); run again")
                log(f"  {result.tool} {doc.key} #{i + 1}: gen's source changed during the run; again")
                continue
            if changed != ["0"]:
                result.notes.append(f"run {i + 1}: the no-op rebuild changed {'/'.join(changed) or '?'} files")
            result.cold.append(cold)
            result.noop.append(noop)
            log(f"  {result.tool} {doc.key} #{i + 1}: cold {cold.wall:.2f} s, no-op {noop.wall:.2f} s")
            if i == 0:
                files = python_files(out)
                result.ops_out = gen_operations(out)
                result.schemas_out = schemas_found(files, wanted.schemas)
            shutil.rmtree(folder, ignore_errors=True)
            counted[formatter] += 1
    return [results[f] for f in formatters]


MAX_RETRIES = 3


def gen_source_state() -> tuple[tuple[str, int, int], ...]:
    """What gen's code and templates look like on disk (path, size, mtime): edits between two runs show here."""
    state = []
    for top in ("generator", "templates"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                state.append((str(path.relative_to(ROOT)), stat.st_size, stat.st_mtime_ns))
    return tuple(state)


# ----------------------------------------------------------------------------------------- rebuild after one change

REBUILD_DOC = "mistral-2026-07"
CHANGE = " (changed)"
SMALL_CHANGE = 10  # a rebuild after one description changed may rewrite at most this many files (and at least one)


@dataclass
class Rebuild:
    doc: str
    schema: Optional[str] = None  # whose description changed
    files: Optional[int] = None  # how many files the build writes
    cold: list[Proc] = field(default_factory=list)  # the cold build before the change (not a target)
    rebuild: list[Proc] = field(default_factory=list)  # the timed rebuild after it
    changed: list[Optional[int]] = field(default_factory=list)  # "N changed" of each rebuild
    failed: Optional[str] = None


def change_description(spec: Path) -> str:
    """Append CHANGE to the `description` of one component schema of a YAML spec, as text (the rest of the file keeps
    its bytes): the first schema, in the file's order, whose description is a one-line plain scalar. Returns the
    schema's name. The edit is checked by reading the file again."""
    text = spec.read_text(encoding="utf-8")
    before = _read(spec)
    schemas = (before.get("components") or {}).get("schemas") or {}
    lines = text.splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if re.match(r"^  schemas:\s*$", line)), None)
    if start is None:
        raise ValueError(f"{spec}: no `components: schemas:` block at two spaces of indentation")
    name: Optional[str] = None
    for n in range(start + 1, len(lines)):
        line = lines[n]
        if line.strip() and not line.startswith("    "):
            break  # the end of the schemas block
        if re.match(r"^    \S", line):  # a schema's own line
            key = re.match(r"^    ([^\s:#][^:]*):\s*$", line)
            name = key.group(1).strip("'\"") if key else None
            continue
        plain = re.match(r"^      description: ([^'\"|>&*!\s#][^#\n]*?)\s*$", line)
        if name is None or not plain or not isinstance((schemas.get(name) or {}).get("description"), str):
            continue
        candidate = lines[:n] + [line.rstrip("\r\n").rstrip() + CHANGE + line[len(line.rstrip("\r\n")) :]] + lines[n + 1 :]
        spec.write_text("".join(candidate), encoding="utf-8")
        after = _read(spec)
        if after["components"]["schemas"][name].get("description") == schemas[name]["description"] + CHANGE:
            return name
        spec.write_text(text, encoding="utf-8")  # not the plain scalar it looked like: the next one
        name = None
    raise ValueError(f"{spec}: no component schema with a one-line plain description")


def run_rebuild(doc: Doc, work: Path, runs: int, log: Callable[[str], None]) -> Rebuild:
    """Per run: a copy of the spec, built cold with black into a new out dir and cache; one schema's description
    changed; the same command again (same out dir, same cache), timed, and its "N changed" read."""
    result = Rebuild(doc.key)
    for i in range(runs):
        folder = work / f"rebuild-{_slug(doc.key)}-{i}"
        shutil.rmtree(folder, ignore_errors=True)
        cache = folder / "cache"
        cache.mkdir(parents=True)
        spec = folder / "spec" / doc.spec.name  # the same file name: the same API name, out/<api>/
        spec.parent.mkdir()
        shutil.copyfile(doc.spec, spec)
        out = folder / "out"
        env = {**os.environ, "GEN_CACHE_DIR": str(cache)}
        cmd = gen_command() + ["build", str(spec), "--out", str(out), "--formatter", "black"]
        cold = timed(cmd, env, ROOT, folder / "cold.log")
        if cold.rc != 0:
            result.failed = "cold build: " + failure_message(cold.log)
            break
        try:
            result.schema = change_description(spec)
        except ValueError as exc:
            result.failed = str(exc)
            break
        again = timed(cmd, env, ROOT, folder / "rebuild.log")
        if again.rc != 0:
            result.failed = "rebuild: " + failure_message(again.log)
            break
        found = re.search(r"(\d+) files, (\d+) changed", again.log)
        result.files = int(found.group(1)) if found else None
        result.changed.append(int(found.group(2)) if found else None)
        result.cold.append(cold)
        result.rebuild.append(again)
        log(f"  rebuild of {doc.key} #{i + 1}: cold {cold.wall:.2f} s, after `{result.schema}`'s description changed {again.wall:.2f} s ({result.changed[-1]} changed)")
        shutil.rmtree(folder, ignore_errors=True)
    return result


# ----------------------------------------------------------------------------------------- gen's size


@dataclass(frozen=True)
class SourceLines:
    lines: int  # of generator/**/*.py outside generator/runtime/, as `wc -l` counts them (newlines)
    files: int
    runtime_lines: Optional[int]  # generator/runtime/**/*.py; None: no such folder in this checkout


def source_lines(root: Path = ROOT) -> SourceLines:
    package = root / "generator"
    lines = files = 0
    runtime: Optional[int] = 0 if (package / "runtime").is_dir() else None
    for path in sorted(package.rglob("*.py")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        count = path.read_bytes().count(b"\n")
        if path.relative_to(package).parts[0] == "runtime":
            runtime = (runtime or 0) + count
        else:
            lines += count
            files += 1
    return SourceLines(lines, files, runtime)


def peer_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = str((venv / "bin").resolve()) + os.pathsep + env.get("PATH", "")
    env.update(NO_COLOR="1", COLUMNS="200", TERM="dumb", VIRTUAL_ENV=str(venv.resolve()))
    return env


def run_opc(doc: Doc, work: Path, runs: int, venv: Path, log: Callable[[str], None]) -> Result:
    wanted = inputs(doc.spec)
    result = Result("openapi-python-client", doc.key, wanted.operations, len(wanted.schemas))
    env = peer_env(venv)
    for i in range(runs):
        folder = work / f"opc-{_slug(doc.key)}-{i}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        out = folder / "client"
        cmd = [str(venv / "bin" / "openapi-python-client"), "generate", "--path", str(doc.spec), "--output-path", str(out), "--overwrite"]
        cold = timed(cmd, env, folder, folder / "cold.log")
        if not python_files(out):
            result.failed = failure_message(cold.log)
            break
        noop = timed(cmd, env, folder, folder / "noop.log")
        result.cold.append(cold)
        result.noop.append(noop)
        log(f"  openapi-python-client {doc.key} #{i + 1}: {cold.wall:.2f} s, again {noop.wall:.2f} s (exit {cold.rc})")
        if i == 0:
            result.ops_out = opc_operations(out)
            result.schemas_out = schemas_found(python_files(out), wanted.schemas)
            skipped = cold.log.count("Endpoint will not be generated")
            if cold.rc != 0:
                result.notes.append(f"exit status {cold.rc} (warnings; client written)")
            if skipped:
                result.notes.append(f"{skipped} endpoints skipped with a warning")
        shutil.rmtree(folder, ignore_errors=True)
    return result


MODULAR = "Modular references require an output directory"


def run_dmc(doc: Doc, work: Path, runs: int, venv: Path, log: Callable[[str], None]) -> Result:
    wanted = inputs(doc.spec)
    result = Result("datamodel-codegen", doc.key, None, len(wanted.schemas))
    env = peer_env(venv)
    as_directory = False
    i = 0
    while i < runs:
        folder = work / f"dmc-{_slug(doc.key)}-{i}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        out = folder / ("models" if as_directory else "models.py")
        cmd = [
            str(venv / "bin" / "datamodel-codegen"),
            "--input", str(doc.spec),
            "--input-file-type", "openapi",
            "--output", str(out),
            "--output-model-type", "pydantic_v2.BaseModel",
        ]  # fmt: skip
        cold = timed(cmd, env, folder, folder / "cold.log")
        if cold.rc != 0 and MODULAR in cold.log and not as_directory:
            as_directory = True  # the tool asks for a directory for this document; that attempt is not counted
            result.notes.append("modular output (a directory), as the tool asks for this document")
            shutil.rmtree(folder, ignore_errors=True)
            continue
        if cold.rc != 0 or not python_files(out):
            result.failed = failure_message(cold.log)
            break
        noop = timed(cmd, env, folder, folder / "noop.log")
        result.cold.append(cold)
        result.noop.append(noop)
        log(f"  datamodel-codegen {doc.key} #{i + 1}: {cold.wall:.2f} s, again {noop.wall:.2f} s")
        if i == 0:
            result.schemas_out = schemas_found(python_files(out), wanted.schemas)
        shutil.rmtree(folder, ignore_errors=True)
        i += 1
    return result


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
