"""The user's build cache: formatted files and whole builds, keyed by content hash. Never inside out/.

Layout under the cache folder (`$GEN_CACHE_DIR`, else `$XDG_CACHE_HOME/gen`, else `~/.cache/gen`):

    v3/objects/ab/<sha256>   the bytes of one file black formatted, named by their own hash
    v3/format/ab/<key>       the hash of black's output for one unformatted text (key: text + black version + line length)
    v3/builds/<key>          a whole build: its files and warnings after a checksum, keyed by all it read
    v3/stamps/, v3/runs/     what out/<api>/ and a build's inputs looked like after it (generator.stamps)

A build is one entry, not one per file: a cold build of a large spec would otherwise spend a second creating
thousands of small files. Every entry is written atomically (temporary file, then rename), so concurrent builds can
share the folder. Entries are checked when read (bytes that do not hash to what their entry says are ignored), and
any failure of the cache is a miss, never a failed build. The folder is kept under a size bound (`GEN_CACHE_MAX_MB`, default 512): after a build
that stored something, the least recently used entries go first.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from pathlib import Path
from typing import Any

from .stamps import VERSION, cache_folder

DEFAULT_MAX_MB = 512


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_dir() -> Path:
    return Path(cache_folder())


def _max_bytes() -> int:
    try:
        return max(1, int(os.environ.get("GEN_CACHE_MAX_MB", DEFAULT_MAX_MB))) * 1024 * 1024
    except ValueError:
        return DEFAULT_MAX_MB * 1024 * 1024


class Cache:
    """A content-addressed store. `Cache(None)` is a cache that remembers nothing."""

    def __init__(self, root: Path | None, max_bytes: int | None = None) -> None:
        self.root = root / VERSION if root is not None else None
        self.max_bytes = max_bytes if max_bytes is not None else _max_bytes()
        self.stored = 0  # entries written by this process; pruning runs only when something was added

    @classmethod
    def default(cls) -> "Cache":
        return cls(default_dir())

    # ------------------------------------------------------------------ objects: file bytes by their own hash

    def get_object(self, digest: str) -> bytes | None:
        data = self._read(self._object_path(digest))
        if data is None or sha256(data) != digest:
            return None
        return data

    def put_object(self, data: bytes) -> str:
        digest = sha256(data)
        path = self._object_path(digest)
        if path is not None and not path.exists():
            self._write(path, data)
        return digest

    # ------------------------------------------------------------------ format: unformatted text -> formatted object

    def get_formatted(self, key: str) -> bytes | None:
        pointer = self._read(self._fan_out("format", key))
        if pointer is None:
            return None
        return self.get_object(pointer.decode("ascii", "replace"))

    def put_formatted(self, key: str, data: bytes) -> None:
        digest = self.put_object(data)
        self._write(self._fan_out("format", key), digest.encode("ascii"))

    # ------------------------------------------------------------------ builds: everything a build read -> its files

    def get_build(self, key: str) -> dict[str, Any] | None:
        raw = self._read(None if self.root is None else self.root / "builds" / key)
        if raw is None:
            return None
        check, _, payload = raw.partition(b"\n")
        if check != b"%08x" % zlib.crc32(payload):  # a damaged entry is a miss
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
            self._write(self.root / "builds" / key, b"%08x\n" % zlib.crc32(payload) + payload)

    # ------------------------------------------------------------------ plumbing

    def _object_path(self, digest: str) -> Path | None:
        return self._fan_out("objects", digest)

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
            import tempfile  # here: a no-op rebuild reads the cache and writes nothing

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
