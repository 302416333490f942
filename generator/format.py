"""Stage 4: black over every emitted Python file, through the cache: black runs only on text it has not seen."""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

from .cache import Cache, sha256
from .problems import BuildError, Problem

LINE_LENGTH = 88


@lru_cache(maxsize=None)
def black_version() -> str:
    """Black's version without importing black (a no-op build never needs black itself)."""
    try:
        return metadata.version("black")
    except metadata.PackageNotFoundError:  # pragma: no cover - black is a dependency of gen
        import black

        return str(black.__version__)


def format_key(text: str) -> str:
    """The cache key of one unformatted file: its text, black's version and the line length."""
    return sha256(f"black {black_version()} line-length {LINE_LENGTH}\0{text}".encode("utf-8"))


def format_files(files: dict[str, str], cache: Cache | None = None) -> dict[str, str]:
    cache = cache if cache is not None else Cache(None)
    formatted = {}
    for path, text in files.items():
        if path.endswith(".py"):
            key = format_key(text)
            hit = cache.get_formatted(key)
            if hit is not None:
                text = hit.decode("utf-8")
            else:
                text = _black(path, text)
                cache.put_formatted(key, text.encode("utf-8"))
        formatted[path] = text
    return formatted


def _black(path: str, text: str) -> str:
    import black  # imported on first use: ~0.2 s that a cached build does not pay

    try:
        return str(black.format_str(text, mode=black.Mode(line_length=LINE_LENGTH)))
    except Exception as exc:  # black's errors carry the offending line; that is all we can add
        # Reaching this means a template produced invalid Python: a bug in gen, not in the spec.
        raise BuildError([Problem(path, "", f"generated code is not valid Python (a bug in gen): {exc}")]) from None
