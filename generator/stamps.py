"""Stamps: what files and folders looked like when a build finished, so that a rebuild can tell from their metadata
alone that nothing it would read has changed.

Like git's index: a file edited since has another size, inode or change time (which no tool can set back), and a
folder that gained or lost an entry has another change time. Where the clock cannot tell (a file the file clock
has not yet moved past could change again within the same tick), the bytes decide, or the stamp is not trusted.

Two kinds of record live in the user cache, under `<cache>/v3/`:

    stamps/<hash of the out folder>    out/<api>/ as the last build left it: its files' metadata, the build key, the
                                       file count and the warnings the build printed
    runs/<hash of the command>         one `gen build PATH --out OUT [--strict]` in one working directory: the
                                       metadata of everything its build key was computed from, and its out folders

This module imports nothing but builtins and a hash, and neither does `generator.entry`, which serves a no-op
rebuild from these records before the rest of gen (click, pathlib, re, json...) is imported: that import alone is
most of what a no-op used to cost. Records are marshal data behind a CRC; a damaged one is a miss.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing itself costs a no-op a few milliseconds; the annotations are strings
    from typing import Any, Iterable, Mapping

    Signature = list[int]

try:  # the C hash without hashlib's OpenSSL start-up; the same digest
    from _sha256 import sha256 as _sha256  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.12 renamed it; other builds have hashlib only
    try:
        from _sha2 import sha256 as _sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
    except ImportError:
        from hashlib import sha256 as _sha256  # type: ignore[assignment,unused-ignore]

VERSION = "v3"
MANIFEST = ".gen/manifest.json"
GENIGNORE = ".genignore"

# Where the file clock itself is not read: a file whose mtime or ctime is this close to the wall clock could still
# change within the same tick of the file clock without its times changing.
RACY_NS = 50_000_000

# A command whose inputs span more entries than this (a spec in a huge folder) gets no run record: checking it
# would cost what it saves.
_WATCH_LIMIT = 20_000


def digest(data: bytes) -> str:
    return str(_sha256(data).hexdigest())


def cache_folder() -> str:
    """The user cache: `$GEN_CACHE_DIR`, else `$XDG_CACHE_HOME/gen` (when absolute), else `~/.cache/gen`."""
    explicit = os.environ.get("GEN_CACHE_DIR")
    if explicit:
        return os.path.expanduser(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG rule: a relative value is ignored
        return os.path.join(xdg, "gen")
    return os.path.join(os.path.expanduser("~"), ".cache", "gen")


def signature(path: str) -> Signature | None:
    """Size, mtime, ctime and inode of what `path` names (following links); None when nothing is there."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


# ---------------------------------------------------------------------------------------------------- out/<api>/


def stamp(out_dir: str, digests: Mapping[str, str | None]) -> dict[str, Any]:
    """The metadata of the files `digests` names in out_dir (relative path → the hash of their bytes, or None to
    read them when needed), with the manifest and .genignore: enough for fresh() to tell that nothing in it changed
    since, without reading a file."""
    now = time.time_ns()
    base = os.path.join(out_dir, "")
    racy_from = _file_clock(base + ".gen")
    if racy_from is None:
        racy_from = now - RACY_NS
    entries: dict[str, list[Any]] = {}
    for path, known in [*digests.items(), (MANIFEST, digests.get(MANIFEST)), (GENIGNORE, None)]:
        try:
            info = os.stat(base + path)
        except FileNotFoundError:
            entries[path] = []  # absent, and it must stay so (.genignore)
            continue
        entry: list[Any] = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        if max(info.st_mtime_ns, info.st_ctime_ns) >= racy_from:
            if known is None:
                with open(base + path, "rb") as handle:
                    known = digest(handle.read())
            entry.append(known)
        entries[path] = entry
    return {"time": now, "files": entries}


def _file_clock(folder: str) -> int | None:
    """The time the file system puts on a change made now, read off gen's own folder in out/<api>/ after touching
    it (git's rule for its index: a file whose time is not older than this could still change without its time
    changing; one that is older cannot). Right after a commit every file has a recent time (a rename sets the
    change time), but the file clock has moved past nearly all of them; the wall clock's margin would not tell."""
    try:
        os.utime(folder)
        return os.stat(folder).st_mtime_ns
    except OSError:
        return None


def fresh(out_dir: str, recorded: Mapping[str, Any]) -> bool:
    """True when every file stamp() recorded is still there, as it was (and .genignore is as it was)."""
    return _checked(out_dir, recorded, time.time_ns()) is not None


def _checked(out_dir: str, recorded: Mapping[str, Any], now: int) -> dict[str, list[Any]] | None:
    """What stamp() would record at `now`, when everything `recorded` is as it was; else None. One pass: a no-op
    that takes a stamp again (see unchanged) stats each file once."""
    files = recorded.get("files")
    if not isinstance(files, dict) or MANIFEST not in files:
        return None
    base = os.path.join(out_dir, "")  # strings, not Paths: this runs for every file of a no-op rebuild
    entries: dict[str, list[Any]] = {}
    for path, entry in files.items():
        try:
            info = os.stat(base + path)
        except FileNotFoundError:
            if entry:
                return None
            entries[path] = []
            continue
        except OSError:
            return None
        seen = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        if not entry or entry[:4] != seen:
            return None
        if len(entry) > 4:
            try:
                with open(base + path, "rb") as handle:
                    if digest(handle.read()) != entry[4]:
                        return None
            except OSError:
                return None
            if max(info.st_mtime_ns, info.st_ctime_ns) >= now - RACY_NS:
                seen.append(entry[4])  # still too recent for its times to vouch for it
        entries[path] = seen
    return entries


def stamp_file(root: str, out_dir: str) -> str:
    """Where the stamp of one out/<api>/ (given as a resolved, absolute path) is kept."""
    return os.path.join(root, "stamps", digest(out_dir.encode("utf-8", "surrogateescape")))


def unchanged(root: str | None, out_dir: str, key: str) -> dict[str, Any] | None:
    """The stamp record of out/<api>/ (resolved, absolute) when the last build there had this key and nothing in it
    changed since. A stamp with files checked byte for byte is taken again once their times can vouch for them."""
    if root is None:
        return None
    where = stamp_file(root, out_dir)
    record = read_record(where)
    if record is None or record.get("key") != key or not isinstance(record.get("stamp"), dict):
        return None
    now = time.time_ns()
    entries = _checked(out_dir, record["stamp"], now)
    if entries is None:
        return None
    def checked_by_bytes(files: dict[str, list[Any]]) -> int:
        return sum(len(entry) > 4 for entry in files.values())

    if checked_by_bytes(entries) < checked_by_bytes(record["stamp"]["files"]):  # fewer to read next time
        record["stamp"] = {"time": now, "files": entries}
        write_record(where, record)
    return record


# ---------------------------------------------------------------------------------------------------- commands


def command_key(cwd: str, path: str, out: str, strict: bool) -> str:
    """One `gen build PATH --out OUT [--strict]`, with PATH and OUT as pathlib spells them (see entry.py)."""
    # Not marshal: its bytes for equal strings differ with their interning and reference counts.
    text = "\0".join((cwd, path, out, "strict" if strict else ""))
    return digest(text.encode("utf-8", "surrogateescape"))


def run_file(root: str, key: str) -> str:
    return os.path.join(root, "runs", key)


def watch(singles: Iterable[str], trees: Iterable[str]) -> dict[str, Signature | None] | None:
    """The signatures of `singles` and of every folder and file below each of `trees` (caches of Python excluded);
    None when there are too many, or one cannot be read."""
    found: dict[str, Signature | None] = {}
    try:
        for path in singles:
            found[path] = signature(path)
        for tree in trees:
            found[tree] = signature(tree)
            for directory, folders, names in os.walk(tree):
                folders[:] = sorted(name for name in folders if name != "__pycache__")
                for name in sorted(folders + names):
                    path = os.path.join(directory, name)
                    found[path] = signature(path)
                if len(found) > _WATCH_LIMIT:
                    return None
    except OSError:
        return None
    return found


def settled(watched: Mapping[str, Signature | None], now: int) -> bool:
    """Whether every signature is old enough to be trusted (see RACY_NS)."""
    return all(entry is None or max(entry[1], entry[2]) < now - RACY_NS for entry in watched.values())


def same(watched: Mapping[str, Signature | None]) -> bool:
    """Whether everything watched still has the signature it had."""
    try:
        return all(signature(path) == entry for path, entry in watched.items())
    except OSError:
        return False


def environment() -> dict[str, Any]:
    """What else a build key depends on: the interpreter, and where its libraries come from (the folders on the
    path are watched too: installing or removing a distribution changes their entries)."""
    return {"python": sys.version, "path": list(sys.path)}


# ---------------------------------------------------------------------------------------------------- records


def read_record(path: str) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    if len(raw) < 4 or int.from_bytes(raw[:4], "big") != zlib.crc32(raw[4:]):
        return None
    try:
        record = marshal.loads(raw[4:])
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(record, dict):
        return None
    try:
        os.utime(path)  # recently used: the cache's pruning keeps it
    except OSError:
        pass
    return record


def write_record(path: str, record: Mapping[str, Any]) -> None:
    """Atomically (a temporary file, then a rename); a cache that cannot be written only makes the next build
    slower."""
    payload = marshal.dumps(dict(record))
    data = zlib.crc32(payload).to_bytes(4, "big") + payload
    temporary = f"{path}.tmp-{os.getpid()}-{time.monotonic_ns()}"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
    except OSError:
        pass
