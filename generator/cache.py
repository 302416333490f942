"""The user's build cache: formatted files and whole builds, keyed by content hash. Never inside out/.

Layout under the cache folder (`$GEN_CACHE_DIR`, else `$XDG_CACHE_HOME/gen`, else `~/.cache/gen`):

    v4/format/ab/<key>    the formatter's output for one unformatted text (key: the text, the formatter, its version)
    v4/builds/<key>       a whole build: its files and warnings, keyed by everything it read (generator.inputs)

Every entry starts with a CRC of what follows and is written atomically (temporary file, then rename), so concurrent
builds can share the folder; a damaged entry, like any failure of the cache, is a miss, never a failed build. The
folder is kept under a size bound (`GEN_CACHE_MAX_MB`, default 512): after a build that stored something, the least
recently used entries go first.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zlib
from pathlib import Path
from typing import Any

VERSION = "v4"
DEFAULT_MAX_MB = 512


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_dir() -> Path:
    explicit = os.environ.get("GEN_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG rule: a relative value is ignored
        return Path(xdg, "gen")
    return Path.home() / ".cache" / "gen"


def _max_bytes() -> int:
    try:
        return max(1, int(os.environ.get("GEN_CACHE_MAX_MB", DEFAULT_MAX_MB))) * 1024 * 1024
    except ValueError:
        return DEFAULT_MAX_MB * 1024 * 1024


def _sealed(payload: bytes) -> bytes:
    return b"%08x\n" % zlib.crc32(payload) + payload


def _unsealed(raw: bytes | None) -> bytes | None:
    if raw is None:
        return None
    check, _, payload = raw.partition(b"\n")
    return payload if check == b"%08x" % zlib.crc32(payload) else None


class Cache:
    """A content-addressed store. `Cache(None)` is a cache that remembers nothing."""

    def __init__(self, root: Path | None, max_bytes: int | None = None) -> None:
        self.root = root / VERSION if root is not None else None
        self.max_bytes = max_bytes if max_bytes is not None else _max_bytes()
        self.stored = 0  # entries written by this process; pruning runs only when something was added

    @classmethod
    def default(cls) -> "Cache":
        return cls(default_dir())

    # ------------------------------------------------------------------ format: unformatted text -> formatted text

    def get_formatted(self, key: str) -> bytes | None:
        return _unsealed(self._read(self._fan_out("format", key)))

    def put_formatted(self, key: str, data: bytes) -> None:
        self._write(self._fan_out("format", key), _sealed(data))

    # ------------------------------------------------------------------ builds: everything a build read -> its files

    def get_build(self, key: str) -> dict[str, Any] | None:
        payload = _unsealed(self._read(None if self.root is None else self.root / "builds" / key))
        if payload is None:
            return None
        header, _, body = payload.partition(b"\n")
        try:
            index = json.loads(header)
            paths, sizes, warnings = index["paths"], index["sizes"], index["warnings"]
            files: dict[str, str] = {}
            position = 0
            for path, size in zip(paths, sizes, strict=True):
                files[path] = body[position : position + size].decode("utf-8")
                position += size
        except (ValueError, KeyError, TypeError):
            return None
        return {"files": files, "warnings": warnings} if position == len(body) else None

    def put_build(self, key: str, record: dict[str, Any]) -> None:
        """`record`: {"files": {path: text}, "warnings": [...]}. Stored as a checksum line, a JSON line of paths and
        sizes, then the texts end to end: encoding megabytes of code as JSON strings took a large build 50 ms. A
        CRC, not a hash: it is there to catch damage, and costs a no-op rebuild nothing next to hashing 10 MB."""
        if self.root is not None:
            texts = [text.encode("utf-8") for text in record["files"].values()]
            header = {"paths": list(record["files"]), "sizes": [len(t) for t in texts], "warnings": record["warnings"]}
            payload = json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n" + b"".join(texts)
            self._write(self.root / "builds" / key, _sealed(payload))

    # ------------------------------------------------------------------ plumbing

    def _fan_out(self, kind: str, key: str) -> Path | None:
        if self.root is None or len(key) < 3 or not key.isalnum():
            return None
        return self.root / kind / key[:2] / key

    def _read(self, path: Path | None) -> bytes | None:
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            os.utime(path)  # recently used: pruning keeps it
        except OSError:
            pass
        return data

    def _write(self, path: Path | None, data: bytes) -> None:
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a read-only or full cache folder only makes the next build slower
        self.stored += 1

    def prune(self) -> None:
        """Delete the least recently used entries until the cache is under 80% of its bound."""
        if self.root is None or not self.stored:
            return
        entries: list[tuple[float, int, str]] = []
        total = 0
        for folder, _, names in os.walk(self.root):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                entries.append((stat.st_mtime, stat.st_size, path))
                total += stat.st_size
        if total <= self.max_bytes:
            return
        target = self.max_bytes * 8 // 10
        for _, size, path in sorted(entries):
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= size
            if total <= target:
                break
