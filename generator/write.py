"""Stage 5: put the files in out/<api>/, touching only what changed. Only this stage writes."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

MANIFEST = ".gen/manifest.json"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(out_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return dict(data.get("files", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gen-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write(files: dict[str, str], out_dir: Path) -> list[str]:
    """Write `files` under `out_dir`; return the relative paths that changed."""
    previous = _read_manifest(out_dir)
    encoded = {path: text.encode("utf-8") for path, text in files.items()}
    changed = []
    for path, data in encoded.items():
        target = out_dir / path
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        _write_atomic(target, data)
        changed.append(path)
    # Files an earlier build generated and this one does not: gone. Anything else is the user's.
    for path in sorted(set(previous) - set(encoded)):
        target = out_dir / path
        if target.is_file():
            target.unlink()
            changed.append(path)
    manifest = {"files": {path: _digest(data) for path, data in sorted(encoded.items())}}
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    manifest_path = out_dir / MANIFEST
    if not manifest_path.exists() or manifest_path.read_text(encoding="utf-8") != text:
        _write_atomic(manifest_path, text.encode("utf-8"))
    return changed
