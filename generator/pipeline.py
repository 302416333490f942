"""The whole pipeline for one API folder: load → ir → render → format. Nothing here writes to out/.

A build whose inputs, gen's code and libraries are exactly those of an earlier successful build is served from the
user cache (generator.cache) without loading, rendering or formatting anything; the loader, the IR, Jinja and black
are imported only when a build really runs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import inputs as fingerprint
from .cache import Cache
from .config import load_config
from .problems import BuildError, Problem

SPEC_NAMES = ("openapi.yaml", "openapi.yml", "openapi.json")


@dataclass(frozen=True)
class ApiSource:
    name: str
    spec: Path
    overlays: tuple[Path, ...]
    config: Path | None


@dataclass(frozen=True)
class Built:
    source: ApiSource
    files: dict[str, str]
    warnings: tuple[Problem, ...]
    inputs: dict[str, Any] | None = None  # the manifest's record of what the build read
    cached: bool = False  # served whole from the user cache


def _spec_in(folder: Path) -> Path | None:
    for name in SPEC_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def _api_folder(folder: Path, spec: Path) -> ApiSource:
    overlays = tuple(sorted(p for p in folder.glob("overlay*.y*ml") if p.is_file()))
    config = folder / "gen.yaml"
    return ApiSource(folder.resolve().name, spec, overlays, config if config.is_file() else None)


def discover(path: Path) -> list[ApiSource]:
    """PATH is a folder of API folders, one API folder, or one spec file."""
    if path.is_file():
        if path.name in SPEC_NAMES:
            return [_api_folder(path.parent, path)]
        name = re.sub(r"[^A-Za-z0-9_]+", "_", path.stem).strip("_").lower() or "api"
        return [ApiSource(name, path, (), None)]
    if not path.is_dir():
        raise BuildError([Problem(str(path), "", "no such file or folder")])
    spec = _spec_in(path)
    if spec is not None:
        return [_api_folder(path, spec)]
    sources = [_api_folder(sub, s) for sub in sorted(path.iterdir()) if sub.is_dir() and (s := _spec_in(sub))]
    if not sources:
        raise BuildError([Problem(str(path), "", f"no API folder here (a folder holding one of {', '.join(SPEC_NAMES)})")])
    return sources


@dataclass(frozen=True)
class Job:
    """One build before it runs: what it reads, and the key of what it makes (the user cache's and the stamps')."""

    source: ApiSource
    config: Any
    inputs: dict[str, Any]
    key: str
    strict: bool
    templates: Path | None


def prepare(
    source: ApiSource, *, strict: bool = False, templates: Path | None = None, package: str | None = None
) -> Job:
    """Read gen.yaml and fingerprint every input; nothing is loaded or rendered yet."""
    display = _display(source.config) if source.config else ""
    config = load_config(source.config, source.name, display)
    options: dict[str, str] = {}
    # An option is an input only where it changes something: `--package` naming gen.yaml's own package builds the
    # same tree, manifest included.
    if package is not None and package != config.package:
        config = load_config(source.config, source.name, display, package=package)
        options["package"] = package
    inputs = fingerprint.describe(source.spec, source.overlays, source.config, templates, options)
    key = fingerprint.build_key(inputs, strict=strict, spec=source.spec)
    return Job(source, config, inputs, key, strict, templates)


def build(
    source: ApiSource | Job,
    *,
    strict: bool = False,
    templates: Path | None = None,
    package: str | None = None,
    cache: Cache | None = None,
) -> Built:
    """Build one API in memory. `cache` defaults to the user cache; `Cache(None)` builds from scratch. A prepared
    Job carries its own options."""
    cache = cache if cache is not None else Cache.default()
    job = source if isinstance(source, Job) else prepare(source, strict=strict, templates=templates, package=package)
    replayed = _replay(cache, job.key, job.source, job.inputs)
    if replayed is not None:
        return replayed

    from .ir import build_ir
    from .load import load
    from .render import environment, precompile
    from .render.runtime import runtime_files

    compiling = precompile.start(environment(job.templates))  # on another core, while this one loads
    try:
        document = load(job.source.spec, job.source.overlays, strict=job.strict)
        api, ir_warnings = build_ir(document, job.config)
        warnings = tuple(document.warnings) + tuple(ir_warnings)
        if job.strict and ir_warnings:
            raise BuildError([Problem(w.file, w.pointer, w.message) for w in ir_warnings])
    except BaseException:
        if compiling is not None:
            compiling.abandon()
        raise
    compiled = compiling.result() if compiling is not None else None
    files = _render_and_format(api, job.templates, cache, compiled)
    files = dict(sorted({**files, **runtime_files(api)}.items()))  # black-formatted at the source (generator.runtime)
    cache.put_build(job.key, {"files": files, "warnings": [[w.file, w.pointer, w.message] for w in warnings]})
    cache.prune()
    return Built(job.source, files, warnings, job.inputs)


# Below this many modules, a second process costs more than it saves.
_PARALLEL_FROM = 40


def _render_and_format(
    api: Any, templates: Path | None, cache: Cache, compiled: dict[str, bytes] | None = None
) -> dict[str, str]:
    """Render and format in two processes where there are two cores: a forked child takes one share of the modules
    and this process the other (the machines that run builds in CI are small, and the build is short: more
    processes would cost more than they save). Small APIs stay in this one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cores < 2 or len(api.declarations) + len(api.groups) < _PARALLEL_FROM or not hasattr(os, "fork"):
        return _share(api, templates, cache, (0, 1), compiled)
    import pickle

    receive, send = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which leaves through os._exit
        os.close(receive)
        try:
            try:
                outcome: tuple[bool, Any] = (True, _share(api, templates, cache, (0, 2), compiled))
                payload = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # handed to the parent, which raises it
                try:
                    payload = pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
                except Exception:
                    payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
            with os.fdopen(send, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)  # no atexit handlers, no flushing of the parent's buffers
    os.close(send)
    try:
        files = _share(api, templates, cache, (1, 2), compiled)
    finally:
        with os.fdopen(receive, "rb") as pipe:
            payload = pipe.read()  # read to the end even when this share failed: the child must not block
        os.waitpid(child, 0)
    try:
        ok, theirs = pickle.loads(payload)
    except Exception:
        raise RuntimeError("the process rendering the other half of the modules died") from None
    if not ok:
        raise theirs
    files.update(theirs)
    return dict(sorted(files.items()))


def _share(
    api: Any, templates: Path | None, cache: Cache, part: tuple[int, int], compiled: dict[str, bytes] | None = None
) -> dict[str, str]:
    from .format import format_files
    from .render import render

    return format_files(render(api, templates, part, compiled), cache, own_templates=templates is None)


def _replay(cache: Cache, key: str, source: ApiSource, inputs: dict[str, Any]) -> Built | None:
    record = cache.get_build(key)
    if record is None:
        return None
    files = {str(path): str(text) for path, text in record["files"].items()}
    warnings = tuple(Problem(str(f), str(p), str(m), warning=True) for f, p, m in record.get("warnings", []))
    return Built(source, dict(sorted(files.items())), warnings, inputs, cached=True)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
