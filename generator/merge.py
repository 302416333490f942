"""Hand edits kept by a three-way merge: what `gen build` (without --force) does with a generated file edited by hand.

base = the text gen generated last time, ours = the file as edited, theirs = this build's text. The base comes from
the repository that holds out/: the manifest names it by its git blob id, and `git cat-file` reads it; gen keeps no
copy of its own. `git merge-file` merges. Everything here runs before anything is written (it only reads out/ and
git), and changes the plan in memory:

- the new text is the last one: the edits are all that differs, and the file stays as it is (`kept`; no git needed);
- a clean merge replaces the file (`merged`);
- a conflict blocks the build (`conflicts`): the file stays as it is, and write_conflicts() puts the merge, with its
  markers, in `<file>.gen-merge`. Once its markers are resolved, the next build takes that file as the merge;
- without a base (no git, out/ outside a work tree, the blob not in the repository, a manifest without blob ids) or
  for a file no longer generated, the file stays in `edited` with the reason in `unmerged`: the build stops, as it
  did before gen merged.

A merged file's manifest entry stays the generated text's, so the next build sees it as edited and merges from it.
The generated text of an edited file is never on disk to be committed: gen stores it in the repository as a blob
(`git hash-object -w`) when it builds, or the next merge would find no base.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .write import MERGE_SUFFIX, Plan

_MARKERS = re.compile(rb"^(?:<{7}|>{7})(?: |$)", re.MULTILINE)


def conflict_lines(text: bytes) -> list[int]:
    """The line (from 1) where each conflict of a merge starts."""
    return [number for number, line in enumerate(text.splitlines(), 1) if line.startswith(b"<<<<<<<")]


def resolve(plan: Plan, *, store: bool) -> None:
    """Merge every edited file of `plan` that can be merged; see the module's docstring. With `store`, the generated
    text of each file merged or kept goes into the repository (`--check` stores nothing)."""
    git = _Git(plan.out_dir)
    for path in list(plan.edited):
        theirs = plan.generated[path]
        if _merge_one(plan, path, git):
            plan.edited.remove(path)
            if store and path not in plan.conflicts:
                # The manifest names `theirs` as the next merge's base, and only the edited file will be committed.
                git.store(theirs)


def _merge_one(plan: Plan, path: str, git: _Git) -> bool:
    """Merge `path` into the plan (kept, merged, or a conflict); False, with the reason in plan.unmerged, when it
    cannot be merged."""
    if path in plan.remove:
        plan.unmerged[path] = "no longer generated: there is no new text to merge the edits into"
        return False
    if path not in plan.digests_before:
        plan.unmerged[path] = f"was in {plan.out_dir / '.genignore'}: gen has no generated text to merge from"
        return False
    ours, theirs = plan.before[path], plan.generated[path]
    if plan.digests[path] == plan.digests_before[path]:  # every manifest has the sha256, an old one too
        return _keep(plan, path)
    blob = plan.blobs_before.get(path)
    if blob is None:
        plan.unmerged[path] = "the manifest names no git blob (an older gen wrote it): no base to merge from"
        return False
    base = git.blob(blob)
    if base is None:
        plan.unmerged[path] = git.missing or (
            f"blob {blob[:12]} (what gen generated last time) is not in the repository: no base to merge from"
        )
        return False
    try:
        text, conflicts = _merge_file(path, ours, base, theirs)
    except OSError as exc:
        plan.unmerged[path] = f"git merge-file failed: {exc}"
        return False
    if conflicts:
        resolution = _read(plan.out_dir / (path + MERGE_SUFFIX))
        if resolution is None or _MARKERS.search(resolution):
            plan.conflicts[path] = text
            return True
        text, how = resolution, f"took your resolution of the conflicts from {path}{MERGE_SUFFIX}"
    else:
        how = "merged your edits with the new generation"
    if text == ours:
        return _keep(plan, path)
    plan.generated[path] = text
    plan.merged[path] = how
    return True


def _keep(plan: Plan, path: str) -> bool:
    plan.update.remove(path)
    plan.unchanged.append(path)
    plan.generated[path] = plan.before.pop(path)
    plan.kept.append(path)
    return True


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _merge_file(path: str, ours: bytes, base: bytes, theirs: bytes) -> tuple[bytes, int]:
    """`git merge-file --diff3` of the three texts: the merge and its number of conflicts."""
    with tempfile.TemporaryDirectory(prefix="gen-merge-") as folder:
        names = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            names.append(os.path.join(folder, name))
            with open(names[-1], "wb") as handle:
                handle.write(data)
        labels = [f"{path} (your edits)", f"{path} (generated last time)", f"{path} (generated now)"]
        done = subprocess.run(
            ["git", "merge-file", "-p", "--diff3", *(a for label in labels for a in ("-L", label)), *names],
            capture_output=True,
            check=False,
        )
    # Its status is the number of conflicts (at most 127); more, or negative, is an error.
    if not 0 <= done.returncode < 128:
        raise OSError(done.stderr.decode("utf-8", "replace").strip() or f"status {done.returncode}")
    return done.stdout, done.returncode


class _Git:
    """The repository holding out/<api>/, asked lazily: nothing runs unless a file needs a base."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._missing: str | None = None
        self._asked = False

    @property
    def missing(self) -> str | None:
        """Why no blob can be read at all (no git, not in a work tree); None when the repository is there."""
        if not self._asked:
            self._asked = True
            if shutil.which("git") is None:
                self._missing = "git is not installed: no base to merge from"
            elif self._run("rev-parse", "--is-inside-work-tree").stdout.strip() != b"true":
                self._missing = f"{self.out_dir} is not inside a git work tree: no base to merge from"
        return self._missing

    def blob(self, blob: str) -> bytes | None:
        if self.missing is not None:
            return None
        done = self._run("cat-file", "blob", blob)
        return done.stdout if done.returncode == 0 else None

    def _run(self, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["git", "-C", str(self.out_dir), *args], input=data, capture_output=True, check=False)

    def store(self, data: bytes) -> None:
        """Put a generated text in the repository (as a loose object, until `git gc` prunes it unreferenced)."""
        if self.missing is None:
            self._run("hash-object", "-w", "--stdin", data=data)


def write_conflicts(plan: Plan) -> list[str]:
    """Write each conflict's merge to `<file>.gen-merge` (unless it holds that already); return their paths."""
    written = []
    for path, text in sorted(plan.conflicts.items()):
        target = plan.out_dir / (path + MERGE_SUFFIX)
        if _read(target) != text:
            temp = target.with_name(target.name + ".tmp")
            temp.write_bytes(text)
            os.replace(temp, target)
        written.append(path + MERGE_SUFFIX)
    return written
