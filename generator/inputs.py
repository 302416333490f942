"""What a build reads, hashed. Two fingerprints come out of here:

- `describe(...)`: the inputs record of the manifest (out/<api>/.gen/manifest.json): the hash of every input file (the
  spec, the files its `$ref`s name, the overlays, gen.yaml), of the effective template set, the formatter and its
  version, and the options that change the output. It holds no absolute path and no time, so it is the same on every machine.
- `build_key(...)`: the key of a whole build in the user cache. On top of the inputs it covers gen's own code, the
  libraries whose behaviour shapes the output and the Python version, so that a cached build is only reused when a
  fresh one could not differ. The manifest leaves these out on purpose: a refactoring of gen must not churn every
  committed manifest.

Nothing here imports the pipeline's heavy dependencies (jinja2, jsonschema, black): a no-op build needs only this.
"""

from __future__ import annotations

import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

from . import __version__
from .cache import sha256

# `$ref: x`, `$ref: "x"`, `"$ref": "x"`: every reference, in YAML or JSON, read as text. Scanning text and keeping
# any file it might name errs on the side of hashing too much, never too little; it costs a millisecond where
# parsing the YAML would cost most of a no-op build.
_REF = re.compile(rb"""\$ref["']?\s*:\s*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s,}\]#'"]+))""")

# Libraries whose version can change what gen emits (the formatter's is in the manifest).
_LIBRARIES = ("jinja2", "pyyaml", "jsonschema", "jsonpath-rfc9535")


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def builtin_templates() -> Path:
    """The built-in template folder: package data of `generator.templates` when installed, `templates/` in a checkout
    (the same rule as generator.render)."""
    try:
        import generator.templates as package  # type: ignore[import-not-found,unused-ignore]  # package data

        if package.__file__:
            return Path(package.__file__).resolve().parent
    except ImportError:
        pass
    return Path(__file__).resolve().parent.parent / "templates"


def _tree(folder: Path, suffixes: tuple[str, ...] | None = None) -> dict[str, str]:
    """Relative posix path -> sha256 of every file below `folder` (caches of tools excluded)."""
    found: dict[str, str] = {}
    root = str(folder)
    for directory, folders, names in os.walk(root):  # os.walk and strings: every build, no-op ones too, runs this
        folders[:] = [name for name in folders if name != "__pycache__"]
        relative = os.path.relpath(directory, root).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        for name in names:
            if suffixes is not None and not name.endswith(suffixes):
                continue
            path = os.path.join(directory, name)
            if not os.path.isfile(path):
                continue
            with open(path, "rb") as handle:
                found[prefix + name] = sha256(handle.read())
    return dict(sorted(found.items()))


def template_set(overrides: Path | None) -> dict[str, str]:
    """Template name -> hash, for the templates a build would use: the built-in set with `overrides` in front."""
    templates = _tree(builtin_templates(), (".jinja",))
    if overrides is not None:
        templates.update(_tree(overrides))
    return dict(sorted(templates.items()))


def referenced_files(spec: Path, overlays: Iterable[Path] = ()) -> list[Path]:
    """Files inside the spec's folder that a `$ref` of the spec, of an overlay or of a referenced file may name."""
    folder = spec.resolve().parent
    seen: set[Path] = set()
    found: list[Path] = []
    queue = [(spec.resolve(), True)] + [(Path(o).resolve(), False) for o in overlays]
    looked_up: set[str] = set()  # Path.resolve() asks the file system: once per file named, not once per reference
    while queue:
        path, relative_to_self = queue.pop(0)
        try:
            text = path.read_bytes()
        except OSError:
            continue
        # References an overlay puts into the spec resolve against the spec, not the overlay.
        base = path.parent if relative_to_self else folder
        for match in _REF.finditer(text):
            raw = next(g for g in match.groups() if g is not None).decode("utf-8", "replace")
            parts = urlsplit(raw)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            for name in {parts.path, unquote(parts.path)}:
                # joined as text, as generator.load does: `a/../b.yaml` is `b.yaml`
                normalized = os.path.normpath(os.path.join(base, name))
                if normalized in looked_up:
                    continue
                looked_up.add(normalized)
                target = Path(normalized).resolve()
                if target in seen or not target.is_relative_to(folder) or not target.is_file():
                    continue
                seen.add(target)
                found.append(target)
                queue.append((target, True))
    return sorted(found)


def describe(
    spec: Path,
    overlays: tuple[Path, ...],
    config: Path | None,
    templates: Path | None,
    formatter: str,
    options: dict[str, str],
) -> dict[str, Any]:
    """`formatter`: its name and version, `black 26.10.1`."""
    # The manifest's record of the inputs; its "hash" covers everything else in it.
    folder = spec.resolve().parent

    def label(path: Path) -> str:
        resolved = path.resolve()
        return resolved.relative_to(folder).as_posix() if resolved.is_relative_to(folder) else resolved.name

    files: dict[str, str] = {}
    for path in [spec, *referenced_files(spec, overlays), *overlays, *([config] if config else [])]:
        try:
            files[label(path)] = sha256(Path(path).read_bytes())
        except OSError:
            files[label(path)] = "unreadable"
    record: dict[str, Any] = {
        "files": dict(sorted(files.items())),
        "formatter": formatter,
        "templates": sha256(_canonical(template_set(templates))),
    }
    if options:
        record["options"] = dict(sorted(options.items()))
    record["hash"] = sha256(_canonical(record))
    return record


@lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """gen's own code and data, the libraries that shape its output, and the Python running it."""
    package = Path(__file__).resolve().parent
    from importlib import metadata

    versions = {name: metadata.version(name) for name in _LIBRARIES}
    return sha256(
        _canonical(
            {
                "gen": __version__,
                "code": _tree(package, (".py", ".json")),
                "templates": _tree(builtin_templates()),
                "libraries": versions,
                "python": sys.version,
            }
        )
    )


def display_name(path: Path) -> str:
    """How problems name a file: relative to the working directory when inside it (generator.load's rule)."""
    try:
        absolute, cwd = path.resolve(), Path(os.getcwd()).resolve()
    except OSError:
        return str(path)
    return absolute.relative_to(cwd).as_posix() if absolute.is_relative_to(cwd) else str(path)


def build_key(inputs: dict[str, Any], *, strict: bool, spec: Path) -> str:
    """The user-cache key of one whole build. The spec's display name is in it because replayed warnings name it."""
    return sha256(
        _canonical(
            {"inputs": inputs["hash"], "code": code_fingerprint(), "strict": strict, "display": display_name(spec)}
        )
    )
