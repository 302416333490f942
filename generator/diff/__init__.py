"""`gen diff OLD NEW`: what changed in the SDK surface between two API descriptions, on the IR."""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..ir import build_ir
from ..ir import types as t
from ..load import load
from ..pipeline import discover
from ..problems import BuildError, Problem
from .compare import Change, compare
from .report import as_json, markdown

__all__ = ["Change", "as_json", "compare", "load_api", "markdown"]


def load_api(path: Path) -> tuple[t.Api, list[Problem]]:
    """The IR of one API: a spec file alone, or an API folder with its overlays and gen.yaml."""
    sources = discover(path)
    if len(sources) != 1:
        names = ", ".join(s.name for s in sources)
        raise BuildError(
            [Problem(str(path), "", f"holds {len(sources)} APIs ({names}); name one API folder or spec file")]
        )
    source = sources[0]
    config = load_config(source.config, source.name, str(source.config) if source.config else "")
    document = load(source.spec, source.overlays)
    api, warnings = build_ir(document, config)
    return api, [*document.warnings, *warnings]
