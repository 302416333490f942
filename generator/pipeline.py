"""The pipeline, in the order it runs: load → ir → render → format → write.

`run(path, options)` builds every API under `path` in memory, then writes them all in one commit (or, with
`check`, writes nothing). A build whose inputs, gen's code and libraries are exactly those of an earlier one is served
from the user cache (generator.cache) without loading, rendering or formatting anything: the stages are imported
only when a build really runs, so that such a no-op costs what reading the cache costs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import inputs as fingerprint
from .cache import Cache
from .config import Config, load_config, overridden
from .format import format_files, identity
from .problems import BuildError, Problem, as_errors, working_on
from .write import Plan, blocked, commit_all, plan

SPEC_NAMES = ("openapi.yaml", "openapi.yml", "openapi.json")


@dataclass(frozen=True)
class ApiSource:
    name: str
    spec: Path
    overlays: tuple[Path, ...]
    config: Path | None


@dataclass(frozen=True)
class Options:
    out_dir: Path = Path("out")
    strict: bool = False
    templates: Path | None = None  # a folder of templates in front of the built-in set
    package: str | None = None  # overrides gen.yaml's
    formatter: str | None = None  # overrides gen.yaml's
    check: bool = False  # write nothing
    force: bool = False  # overwrite generated files edited by hand


@dataclass(frozen=True)
class Built:
    source: ApiSource
    files: dict[str, str]
    warnings: tuple[Problem, ...]
    inputs: dict[str, Any] = field(default_factory=dict)  # the manifest's record of what the build read
    cached: bool = False  # served whole from the user cache


@dataclass(frozen=True)
class Result:
    built: Built
    plan: Plan
    changes: list[str]  # the paths written or removed; none with `check` or when a file stood in the way


def run(path: Path, options: Options = Options(), cache: Cache | None = None) -> list[Result]:
    """Build every API under `path`, merge hand edits into it (generator.merge), then write them unless
    `options.check` or a file in the way (an edited file that did not merge, or a foreign one, see generator.write)
    stops the commit; a merge conflict writes only its `<file>.gen-merge`. Raises BuildError, having written
    nothing."""
    sources = discover(path)
    if options.package is not None and len(sources) > 1:
        message = f"names one SDK but {path} holds {len(sources)} APIs; set `package:` in each gen.yaml"
        raise BuildError([Problem("--package", "", message)])
    cache = cache if cache is not None else Cache.default()
    built = [build(source, options, cache) for source in sources]
    plans = [plan(result.files, options.out_dir / result.source.name, result.inputs) for result in built]
    if not options.force:  # every merge is made in memory before anything is written
        from .merge import resolve

        for planned in plans:
            if planned.edited:
                resolve(planned, store=not options.check)
    changes: list[list[str]] = [[] for _ in plans]
    if options.check:
        return [Result(*each) for each in zip(built, plans, changes, strict=True)]
    if not any(blocked(planned, options.force) for planned in plans):
        changes = commit_all(plans, force=options.force)
    else:
        from .merge import write_conflicts

        for planned in plans:
            write_conflicts(planned)  # the one thing a blocked build writes: what a conflict needs resolving
    return [Result(*each) for each in zip(built, plans, changes, strict=True)]


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
        raise BuildError(
            [Problem(str(path), "", f"no API folder here (a folder holding one of {', '.join(SPEC_NAMES)})")]
        )
    return sources


def _spec_in(folder: Path) -> Path | None:
    for name in SPEC_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def _api_folder(folder: Path, spec: Path) -> ApiSource:
    overlays = tuple(sorted(p for p in folder.glob("overlay*.y*ml") if p.is_file()))
    config = folder / "gen.yaml"
    return ApiSource(folder.resolve().name, spec, overlays, config if config.is_file() else None)


def build(source: ApiSource, options: Options = Options(), cache: Cache | None = None) -> Built:
    """One API in memory: its files (relative path → text), warnings and inputs. `cache` defaults to the user
    cache; `Cache(None)` builds from scratch."""
    cache = cache if cache is not None else Cache.default()
    display = fingerprint.display_name(source.config) if source.config else ""
    with working_on(display or fingerprint.display_name(source.spec), "", "reading the configuration"):
        own = load_config(source.config, source.name, display)
    config = overridden(own, package=options.package, formatter=options.formatter)
    # An option is an input only where it changes something: `--package` naming gen.yaml's own package builds the
    # same tree, manifest included.
    changed = {"package": config.package} if config.package != own.package else {}
    record = fingerprint.describe(
        source.spec, source.overlays, source.config, options.templates, identity(config.formatter), changed
    )
    key = fingerprint.build_key(record, strict=options.strict, spec=source.spec)
    # Not part of what is cached: it depends on out/, which the user writes.
    unwritten = _unwritten_extensions(config, options.out_dir / source.name)
    replayed = cache.get_build(key)
    if replayed is not None:
        warnings = tuple(Problem(str(f), str(p), str(m), warning=True) for f, p, m in replayed["warnings"])
        return Built(source, dict(sorted(replayed["files"].items())), warnings + unwritten, record, cached=True)

    # The stages are imported only now: a build served from the cache needs none of them (nor jinja2 or jsonschema).
    from .ir import build_ir
    from .load import load
    from .render import render
    from .render.runtime import runtime_files

    found: list[Problem] = []  # the warnings of every stage so far
    try:
        with working_on(fingerprint.display_name(source.spec), "", "loading"):
            document = load(source.spec, source.overlays)
        found += document.warnings
        with working_on(document.file, "", "building the IR"):
            api, ir_warnings = build_ir(document, config)
        found += ir_warnings
    except BuildError as exc:
        if options.strict:  # every problem of every stage that ran, in one report
            raise BuildError(as_errors([*found, *exc.warnings]) + exc.problems) from None
        raise
    if options.strict and found:
        raise BuildError(as_errors(found))
    warnings = tuple(found)
    with working_on(api.source, "", "rendering"):
        rendered = render(api, options.templates)
    files = format_files(rendered, config.formatter, cache)
    files = dict(sorted({**files, **runtime_files(api)}.items()))  # black-formatted at the source (generator.runtime)
    cache.put_build(key, {"files": files, "warnings": [[w.file, w.pointer, w.message] for w in warnings]})
    cache.prune()
    return Built(source, files, warnings + unwritten, record)


def _unwritten_extensions(config: Config, target: Path) -> tuple[Problem, ...]:
    """A warning for each gen.yaml `extend` class whose module is not in out/ yet: the SDK would fail to import it."""
    found = []
    for extension in config.extend:
        module = target / "src" / config.package / Path(*extension.module.split("."))
        if not (module.with_suffix(".py").is_file() or (module / "__init__.py").is_file()):
            shown = module.with_suffix(".py").relative_to(target).as_posix()
            message = (
                f"{shown} is not written yet: `client.{extension.group}` fails until it defines {extension.class_name}"
            )
            found.append(Problem(config.file, f"/extend/{extension.group}", message, warning=True))
    return tuple(found)
