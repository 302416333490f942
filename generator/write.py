"""Stage 5: put the files in out/<api>/, touching only what changed. Only this stage writes.

`plan()` compares what a build produced with out/<api>/ and its manifest and touches nothing; `commit()` applies a
plan; `differences()` describes one for `gen build --check`. The rules:

- A file whose bytes did not change is not touched (it keeps its mtime).
- Files the previous manifest lists that this build no longer produces are removed; nothing else ever is.
- A file the manifest does not list is never overwritten or removed (`foreign`), not even with `force`.
- A listed file whose bytes no longer hash to the manifest's value was edited by hand (`edited`): commit() refuses
  to replace or remove it unless `force`. generator.merge turns such a file, where it can, into a three-way merge
  (`merged`, `kept` or `conflicts`); the manifest records every file's git blob id for that, and always the text gen
  generated, never the merged one, so that the next build merges again from the right base.
- `<file>.gen-merge` (a conflict, written by generator.merge) is gen's: a build that commits removes it.
- Paths matched by out/<api>/.genignore are never written or removed; the manifest lists them apart ("ignored"), so
  that one taken off .genignore later counts as an edited file, not as a stranger.
- Everything is staged in out/<api>/.gen/ first, then renamed into place, the manifest last; if staging fails,
  out/ is as it was.

A no-op rebuild imports this module and writes nothing: what only writing or --check needs is imported there.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Mapping, Sequence

from . import __version__

MANIFEST = ".gen/manifest.json"
GENIGNORE = ".genignore"
MERGE_SUFFIX = ".gen-merge"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_id(data: bytes) -> str:
    """The id git gives `data` as a blob (`git hash-object`): the manifest names each generated text by it, so that a
    merge finds its base in the repository's history, and gen needs no git to build."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


# ---------------------------------------------------------------------------------------------------- the manifest


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of out_dir ({} when there is none or it cannot be read)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _manifest_files(manifest: Mapping[str, Any], key: str = "files") -> dict[str, str]:
    files = manifest.get(key)
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items()}


def manifest_bytes(
    digests: Mapping[str, str],
    inputs: Mapping[str, Any] | None,
    ignored: Sequence[str] = (),
    blobs: Mapping[str, str] | None = None,
) -> bytes:
    manifest: dict[str, Any] = {"generator": f"gen {__version__}", "files": dict(sorted(digests.items()))}
    if blobs:
        manifest["blobs"] = dict(sorted(blobs.items()))
    if inputs is not None:
        manifest["inputs"] = dict(inputs)
    if ignored:
        # Generated paths that .genignore leaves to the user: should one leave .genignore, gen may take it back
        # (with --force, as an edited file) instead of treating it as a file it never wrote.
        manifest["ignored"] = sorted(ignored)
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------------- .genignore


class GenIgnore:
    """out/<api>/.genignore: one path or glob per line, relative to out/<api>/; `#` starts a comment.

    `src/pkg/custom.py` names a file; `src/pkg/custom/` (or `src/pkg/custom`) everything below a folder; `*`, `?` and
    `[...]` are globs (`*` crosses folders: `docs/*.md` matches `docs/models/x.md`)."""

    def __init__(self, lines: Sequence[str] = ()) -> None:
        self.patterns: list[str] = []
        for line in lines:
            line = line.strip()
            if line and not line.startswith("#"):
                self.patterns.append(line.lstrip("/").rstrip("/"))

    @classmethod
    def read(cls, out_dir: Path) -> "GenIgnore":
        try:
            return cls((out_dir / GENIGNORE).read_text(encoding="utf-8").splitlines())
        except OSError:
            return cls()

    def __contains__(self, path: str) -> bool:
        for pattern in self.patterns:
            if path == pattern or path.startswith(pattern + "/") or fnmatch.fnmatchcase(path, pattern):
                return True
        return False


# ---------------------------------------------------------------------------------------------------- the plan


@dataclass
class Plan:
    out_dir: Path
    generated: dict[str, bytes]  # what out_dir holds after commit (ignored paths left out)
    digests: dict[str, str] = field(default_factory=dict)  # the manifest's hash of each generated file
    create: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # produced, but .genignore keeps the user's file
    edited: list[str] = field(
        default_factory=list
    )  # edited by hand since the last build, and this one would replace or remove it
    foreign: list[str] = field(
        default_factory=list
    )  # not written by gen (not in the manifest), and this build would replace it
    before: dict[str, bytes] = field(default_factory=dict)  # current bytes of every updated or removed file
    # What the last build generated, by its manifest: sha256 and git blob id of each file.
    digests_before: dict[str, str] = field(default_factory=dict)
    blobs_before: dict[str, str] = field(default_factory=dict)
    # Set by generator.merge.resolve (the edited files it merged are no longer in `edited`):
    kept: list[str] = field(default_factory=list)  # edited by hand, and the edits are all the merge changes
    merged: dict[str, str] = field(default_factory=dict)  # path -> how its edits were merged (it is in `update`)
    conflicts: dict[str, bytes] = field(default_factory=dict)  # path -> the merge, with conflict markers
    unmerged: dict[str, str] = field(default_factory=dict)  # an edited path -> why it could not be merged
    stale_merges: list[str] = field(default_factory=list)  # `<file>.gen-merge` beside generated files
    manifest: bytes = b""
    manifest_before: bytes | None = None
    inputs_before: dict[str, Any] = field(default_factory=dict)  # what the last build read, by its manifest

    @property
    def manifest_changed(self) -> bool:
        return self.manifest != self.manifest_before

    @property
    def changes(self) -> list[str]:
        return sorted(self.create + self.update + self.remove + self.stale_merges)

    @property
    def up_to_date(self) -> bool:
        return not self.changes and not self.manifest_changed


def _read_file(path: str) -> bytes | None:
    """The bytes of a regular file; None when there is nothing there. A folder in the way is an error."""
    try:
        with open(path, "rb") as handle:  # one system call where it is there, which is the common case
            return handle.read()
    except FileNotFoundError:
        if not os.path.islink(path):
            return None
    except IsADirectoryError:
        pass
    raise IsADirectoryError(f"{path} is in the way of a generated file and is not a file")


def _store(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def _blocked_folder(out_dir: Path, path: str) -> bool:
    folder = out_dir
    for part in PurePosixPath(path).parts[:-1]:
        folder = folder / part
        if not folder.exists():
            return False
        if not folder.is_dir():
            return True
    return False


# The paths templates make (no segment starts with a dot); anything else is checked the long way.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")


def _check_relative(path: str) -> None:
    if _PLAIN_PATH.fullmatch(path):
        return
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or path.startswith(".gen/"):
        raise ValueError(f"not a path gen may write: {path!r}")


def plan(files: Mapping[str, str | bytes], out_dir: Path, inputs: Mapping[str, Any] | None = None) -> Plan:
    """Compare `files` (relative path -> text) with out_dir. Touches nothing."""
    manifest = read_manifest(out_dir)
    previous = _manifest_files(manifest)
    recorded = manifest.get("inputs")
    listed = manifest.get("ignored")
    ignored_before = {str(p) for p in listed} if isinstance(listed, list) else set()
    ignore = GenIgnore.read(out_dir)
    result = Plan(out_dir=out_dir, generated={}, inputs_before=recorded if isinstance(recorded, dict) else {})
    result.digests_before, result.blobs_before = previous, _manifest_files(manifest, "blobs")
    base = os.path.join(out_dir, "")  # strings, not Paths: this runs for every file
    fresh = not os.path.lexists(out_dir)  # then nothing is there to read (nor in the way)
    for path in sorted(files):
        _check_relative(path)
        value = files[path]
        data = value.encode("utf-8") if isinstance(value, str) else value
        if path in ignore:
            result.ignored.append(path)
            continue
        result.generated[path] = data
        if fresh:
            result.create.append(path)
            continue
        if os.path.lexists(base + path + MERGE_SUFFIX):
            result.stale_merges.append(path + MERGE_SUFFIX)
        try:
            current = _read_file(base + path)
        except IsADirectoryError:
            result.foreign.append(path)
            result.update.append(path)
            continue
        if current is None:
            result.create.append(path)
            if _blocked_folder(out_dir, path):
                result.foreign.append(path)  # a file of the user's stands where a folder of the path must go
        elif current == data:
            result.unchanged.append(path)
        else:
            result.update.append(path)
            result.before[path] = current
            if path not in previous:
                (result.edited if path in ignored_before else result.foreign).append(path)
            elif _digest(current) != previous[path]:
                result.edited.append(path)
    for path in sorted(set(previous) - set(files)):
        if path in ignore:
            continue
        if os.path.lexists(base + path + MERGE_SUFFIX):
            result.stale_merges.append(path + MERGE_SUFFIX)
        try:
            _check_relative(path)
            current = _read_file(base + path)
        except (ValueError, IsADirectoryError):
            continue  # a manifest entry gen would never write, or a folder now: not gen's to remove
        if current is None:
            continue
        result.remove.append(path)
        result.before[path] = current
        if _digest(current) != previous[path]:
            result.edited.append(path)
    result.edited.sort()
    result.digests = {path: _digest(data) for path, data in result.generated.items()}
    blobs = {path: blob_id(data) for path, data in result.generated.items()}
    result.manifest = manifest_bytes(result.digests, inputs, result.ignored, blobs)
    try:
        result.manifest_before = (out_dir / MANIFEST).read_bytes()
    except OSError:
        result.manifest_before = None
    return result


class WriteRefused(Exception):
    """commit() would overwrite files that are not gen's, or (without force) files edited by hand."""

    def __init__(self, plan: Plan, paths: list[str]):
        super().__init__(f"{plan.out_dir}: refusing to overwrite {', '.join(paths)}")
        self.plan = plan
        self.paths = paths


def blocked(plan: Plan, force: bool) -> list[str]:
    """The files that stop `plan` from being committed: foreign ones always, edited ones (merged with a conflict, or
    not merged at all) unless `force`."""
    return sorted(plan.foreign + ([] if force else plan.edited + list(plan.conflicts)))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def commit(plan: Plan, *, force: bool = False) -> list[str]:
    """Apply `plan`; return the relative paths that changed (written or removed)."""
    return commit_all([plan], force=force)[0]


def commit_all(plans: list[Plan], *, force: bool = False) -> list[list[str]]:
    """Apply several plans (one per API) as one: nothing is renamed into place before every file of every plan is
    staged, so a failure while staging (a full disk) leaves every out/<api>/ as it was."""
    for planned in plans:
        if blocked(planned, force):
            raise WriteRefused(planned, blocked(planned, force))
    staged: list[_Staged] = []
    try:
        for planned in plans:
            if not planned.up_to_date:
                staged.append(_Staged(planned))
    except BaseException:
        for stage in staged:
            stage.discard()
        raise
    for stage in staged:
        stage.apply()
    return [planned.changes for planned in plans]


class _Staged:
    """Phase 1 of a commit: every new file and the manifest written beside their targets, in out/<api>/.gen/."""

    def __init__(self, plan: Plan) -> None:
        import tempfile

        self.plan = plan
        out_dir = plan.out_dir
        self.created = next((p for p in [*reversed(out_dir.parents), out_dir] if not p.exists()), None)
        gen_dir = out_dir / ".gen"
        gen_dir.mkdir(parents=True, exist_ok=True)
        self.staging = tempfile.mkdtemp(prefix="staging-", dir=gen_dir)
        self.files: list[tuple[str, str]] = []  # strings, not Paths: this runs for every file
        base = os.path.join(out_dir, "")
        try:
            mode = 0o666 & ~_umask()
            updated = set(plan.update)
            for index, path in enumerate(sorted(plan.create + plan.update)):
                target = base + path
                temp = os.path.join(self.staging, str(index))
                # A new file gets the usual mode (0644 under umask 022) as it is created; one gen replaces keeps its.
                _store(temp, plan.generated[path])
                if path in updated and os.path.isfile(target):
                    os.chmod(temp, os.stat(target).st_mode & 0o7777)
                elif path in updated:
                    os.chmod(temp, mode)
                self.files.append((temp, target))
            self.manifest = os.path.join(self.staging, "manifest.json")
            _store(self.manifest, plan.manifest)
            os.chmod(self.manifest, mode)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        import shutil

        shutil.rmtree(self.staging, ignore_errors=True)
        if self.created is not None:  # out/<api>/ (or a parent) did not exist before: it does not now either
            shutil.rmtree(self.created, ignore_errors=True)

    def apply(self) -> None:
        """Phase 2: renames, which do not fail for want of space. The manifest goes last: should this be interrupted,
        a file already renamed holds what the next build produces, so it does not count as edited."""
        import shutil

        out_dir = self.plan.out_dir
        try:
            made: set[str] = set()
            for temp, target in self.files:
                folder = os.path.dirname(target)
                if folder not in made:
                    os.makedirs(folder, exist_ok=True)
                    made.add(folder)
                os.replace(temp, target)
            for path in self.plan.remove + self.plan.stale_merges:
                target_path = out_dir / path
                target_path.unlink(missing_ok=True)
                _remove_empty_parents(target_path.parent, out_dir)
            if self.plan.manifest_changed:
                os.replace(self.manifest, out_dir / MANIFEST)
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()  # only succeeds when empty
        except OSError:
            return
        folder = folder.parent


def write(
    files: Mapping[str, str | bytes],
    out_dir: Path,
    inputs: Mapping[str, Any] | None = None,
    *,
    force: bool = False,
) -> list[str]:
    """Write `files` under `out_dir`; return the relative paths that changed. Raises WriteRefused (see commit)."""
    return commit(plan(files, out_dir, inputs), force=force)


# ---------------------------------------------------------------------------------------------------- --check


@dataclass(frozen=True)
class Difference:
    path: str
    # "missing", "differs", "edited" (by hand since the last build, and not merged), "merged" (edited, and the edits
    # merge cleanly with the new text), "conflict" (they do not), "stale" (generated before, no longer; or a
    # `.gen-merge`), "not gen's" (a file gen did not write is in the way)
    status: str
    before: bytes | None
    after: bytes | None  # with "conflict", the merge with its markers
    note: str = ""  # why an edited file was not merged


def differences(plan: Plan) -> list[Difference]:
    found = []
    foreign = set(plan.foreign)
    for path in plan.changes:
        if path in plan.remove or path in plan.stale_merges:
            found.append(Difference(path, "stale", plan.before.get(path), None, plan.unmerged.get(path, "")))
        elif path in plan.create:
            found.append(Difference(path, "missing", None, plan.generated[path]))
        elif path in plan.conflicts:
            found.append(Difference(path, "conflict", plan.before.get(path), plan.conflicts[path]))
        else:
            status = "not gen's" if path in foreign else "edited" if path in plan.edited else "differs"
            status = "merged" if path in plan.merged else status
            found.append(
                Difference(path, status, plan.before.get(path), plan.generated[path], plan.unmerged.get(path, ""))
            )
    if plan.manifest_changed:
        status = "missing" if plan.manifest_before is None else "differs"
        found.append(Difference(MANIFEST, status, plan.manifest_before, plan.manifest))
    return found


def unified_diff(difference: Difference, max_lines: int) -> list[str]:
    """A unified diff of one difference, at most `max_lines` lines (a last line says how many were left out)."""

    def lines(data: bytes | None) -> list[str]:
        if data is None:
            return []
        return data.decode("utf-8", "replace").splitlines()

    if b"\0" in (difference.before or b"") + (difference.after or b""):
        return ["Binary files differ"]
    before = f"a/{difference.path}" if difference.before is not None else "/dev/null"
    after = f"b/{difference.path}" if difference.after is not None else "/dev/null"
    import difflib

    diff = list(
        difflib.unified_diff(lines(difference.before), lines(difference.after), before, after, lineterm="", n=2)
    )
    if len(diff) > max_lines:
        left = len(diff) - max_lines
        diff = diff[:max_lines] + [f"... ({left} more diff lines)"]
    return diff
