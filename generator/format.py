"""Stage 4: every rendered Python file through the formatter: black (the default) or `ruff format`.

The formatter is a library we call, never one we re-write. Its output is cached by the hash of the unformatted
text, the formatter and its version, so a rebuild formats only the files whose rendered text changed. A build with
many files to format spreads black over the machine's cores; ruff formats them all in one process of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .cache import Cache, sha256
from .problems import BuildError, Problem

LINE_LENGTH = 88

# Below this many files to format, starting worker processes costs more than it saves.
_POOL_FROM = 24


@lru_cache(maxsize=None)
def identity(formatter: str) -> str:
    """`black 26.10.1`: what the manifest records, and part of every cache key."""
    try:
        return f"{formatter} {metadata.version(formatter)}"
    except metadata.PackageNotFoundError:
        hint = " (pip install gen[ruff])" if formatter == "ruff" else ""
        raise BuildError([Problem(formatter, "", f"the formatter {formatter} is not installed{hint}")]) from None


def format_files(files: dict[str, str], formatter: str = "black", cache: Cache | None = None) -> dict[str, str]:
    """The same files, every `.py` one formatted; raises BuildError naming a file that is not valid Python."""
    cache = cache if cache is not None else Cache(None)
    salt = f"{identity(formatter)} line-length {LINE_LENGTH}\0"
    formatted = dict(files)
    todo: dict[str, str] = {}
    keys: dict[str, str] = {}
    for path, text in files.items():
        if not path.endswith(".py"):
            continue
        keys[path] = sha256((salt + text).encode("utf-8"))
        hit = cache.get_formatted(keys[path])
        if hit is not None:
            formatted[path] = hit.decode("utf-8")
        else:
            todo[path] = text
    done = _ruff(todo) if formatter == "ruff" else _black_all(todo)
    for path, text in done.items():
        formatted[path] = text
        cache.put_formatted(keys[path], text.encode("utf-8"))
    return formatted


# ---------------------------------------------------------------------------------------------------- black


def _black_all(todo: dict[str, str]) -> dict[str, str]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cores < 2 or len(todo) < _POOL_FROM:
        return {path: _black(path, text) for path, text in todo.items()}
    # Shares of about equal size, the longest texts dealt first; a few more shares than cores evens out the end.
    shares: list[list[tuple[str, str]]] = [[] for _ in range(cores * 4)]
    sizes = [0] * len(shares)
    for path, text in sorted(todo.items(), key=lambda item: -len(item[1])):
        smallest = sizes.index(min(sizes))
        shares[smallest].append((path, text))
        sizes[smallest] += len(text)
    # Imported here, not on a no-op build's path; black in the parent, so that forked workers start with it loaded.
    from concurrent.futures import ProcessPoolExecutor

    import black  # noqa: F401

    context = None
    if sys.platform == "linux":
        import multiprocessing

        context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=cores, mp_context=context) as pool:
        results = pool.map(_black_share, [share for share in shares if share])
        return {path: text for result in results for path, text in result}


def _black_share(share: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(path, _black(path, text)) for path, text in share]


def _black(path: str, text: str) -> str:
    import black  # here: ~0.2 s of imports that a build served from the cache never pays

    try:
        return str(black.format_str(text, mode=black.Mode(line_length=LINE_LENGTH)))
    except Exception as exc:  # black's message names the offending line; the path is ours to add
        raise _invalid(path, str(exc)) from None


def _invalid(path: str, detail: str) -> BuildError:
    # Only a template can produce invalid Python: spec text reaches the code through escaping filters.
    message = f"generated code is not valid Python ({' '.join(detail.split())[:200]}); check the templates"
    return BuildError([Problem(path, "", message)])


# ---------------------------------------------------------------------------------------------------- ruff


def _ruff(todo: dict[str, str]) -> dict[str, str]:
    """`ruff format` over a temporary tree holding the files; `--isolated` so that no configuration file of the
    user's changes the output."""
    if not todo:
        return {}
    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped,unused-ignore]

    with tempfile.TemporaryDirectory(prefix="gen-ruff-", dir=_scratch()) as folder:
        for path, text in todo.items():
            target = Path(folder, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        command = [find_ruff_bin(), "format", "--isolated", "--quiet", f"--line-length={LINE_LENGTH}", folder]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            for path, text in todo.items():  # ruff names its temporary copy: find the file by compiling
                try:
                    compile(text, path, "exec", flags=0x400, dont_inherit=True)  # ast.PyCF_ONLY_AST
                except SyntaxError as exc:
                    raise _invalid(path, f"line {exc.lineno}: {exc.msg}") from None
            raise BuildError([Problem("ruff", "", f"ruff format failed: {result.stderr.strip()[:300]}")])
        return {path: Path(folder, path).read_text(encoding="utf-8") for path in todo}


def _scratch() -> str | None:
    """A folder in memory where there is one: creating a thousand files on some disks takes seconds."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
