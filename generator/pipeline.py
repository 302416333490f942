"""The whole pipeline for one API folder: load → ir → render → format. Nothing here writes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .format import format_files
from .ir import build_ir
from .load import load
from .problems import BuildError, Problem
from .render import render

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


def build(source: ApiSource, *, strict: bool = False, templates: Path | None = None) -> Built:
    config = load_config(source.config, source.name, _display(source.config) if source.config else "")
    document = load(source.spec, source.overlays, strict=strict)
    api, ir_warnings = build_ir(document, config)
    warnings = tuple(document.warnings) + tuple(ir_warnings)
    if strict and ir_warnings:
        raise BuildError([Problem(w.file, w.pointer, w.message) for w in ir_warnings])
    files = format_files(render(api, templates))
    return Built(source, files, warnings)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
