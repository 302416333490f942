"""Stage 4: black over every emitted Python file."""

from __future__ import annotations

import black

from .problems import BuildError, Problem

_MODE = black.Mode(line_length=88)


def format_files(files: dict[str, str]) -> dict[str, str]:
    formatted = {}
    for path, text in files.items():
        if path.endswith(".py"):
            try:
                text = black.format_str(text, mode=_MODE)
            except Exception as exc:  # black's errors carry the offending line; that is all we can add
                # Reaching this means a template produced invalid Python: a bug in gen, not in the spec.
                raise BuildError([Problem(path, "", f"generated code is not valid Python (a bug in gen): {exc}")]) from None
        formatted[path] = text
    return formatted
