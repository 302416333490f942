"""Stage 4: every emitted Python file in black's layout.

Most files are laid out by `generator.layout`, which computes black's decisions for the statements gen's templates
emit in a fraction of black's time; files holding something outside its subset go to black itself, through the cache
(black runs only on text it has not seen). Files copied from gen's own template-free templates (the SDK runtime) are
black-formatted at the source, which the tests check.
"""

from __future__ import annotations

from functools import lru_cache

from .cache import Cache, sha256
from .problems import BuildError, Problem
from .versions import version

LINE_LENGTH = 88


@lru_cache(maxsize=None)
def black_version() -> str:
    """Black's version without importing black (a no-op build never needs black itself)."""
    found = version("black")
    if found is None:  # pragma: no cover - black is a dependency of gen
        import black

        return str(getattr(black, "__version__", "unknown"))
    return found


def format_key(text: str) -> str:
    """The cache key of one unformatted file: its text, black's version and the line length."""
    return sha256(f"black {black_version()} line-length {LINE_LENGTH}\0{text}".encode("utf-8"))


def format_files(files: dict[str, str], cache: Cache | None = None, *, own_templates: bool = True) -> dict[str, str]:
    """`own_templates`: every file comes from gen's own templates, which the tests show emit valid Python; files
    from a user's templates are compiled first, as black would parse them."""
    from .layout import Unsupported, layout

    cache = cache if cache is not None else Cache(None)
    formatted = dict(files)
    todo: list[tuple[str, str, str]] = []  # (path, text, cache key)
    static = _static_templates()
    for path, text in files.items():
        if path.endswith(".py") and text not in static:
            if not own_templates:
                _check_syntax(path, text)
            try:
                formatted[path] = layout(text)
                continue
            except Unsupported:
                pass
            key = format_key(text)
            hit = cache.get_formatted(key)
            if hit is not None:
                formatted[path] = hit.decode("utf-8")
            else:
                todo.append((path, text, key))
    for path, text, key in todo:  # serially: a large API is already formatted in two processes (generator.pipeline)
        formatted[path] = _black(path, text)
        cache.put_formatted(key, formatted[path].encode("utf-8"))
    return formatted


def _check_syntax(path: str, text: str) -> None:
    try:
        compile(text, path, "exec", flags=0x400, dont_inherit=True)  # ast.PyCF_ONLY_AST, without importing ast
    except SyntaxError as exc:
        message = f"generated code is not valid Python (line {exc.lineno}: {exc.msg}); check the templates"
        raise BuildError([Problem(path, "", message)]) from None


@lru_cache(maxsize=1)
def _static_templates() -> frozenset[str]:
    """The text of gen's own Python templates that take no input: what they render is the template itself."""
    from .render import builtin_templates_dir
    from .render.precompile import static

    texts = set()
    for path in builtin_templates_dir().rglob("*.py.jinja"):
        text = path.read_text(encoding="utf-8")
        if static(text):
            texts.add(text)
    return frozenset(texts)


def _black(path: str, text: str) -> str:
    import black  # imported on first use: ~0.2 s that a cached build does not pay

    try:
        return str(black.format_str(text, mode=black.Mode(line_length=LINE_LENGTH)))
    except Exception as exc:  # black's errors carry the offending line; that is all we can add
        # Reaching this means a template produced invalid Python: a bug in gen, not in the spec.
        raise BuildError([Problem(path, "", f"generated code is not valid Python (a bug in gen): {exc}")]) from None
