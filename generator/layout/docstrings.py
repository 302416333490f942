"""black's docstring normalisation: indentation, padding, where the closing quotes go."""

from __future__ import annotations

import re
import sys
from functools import lru_cache

from .model import (
    LINE_LENGTH,
    Unsupported,
)


# The same docstrings come back in a build (the sync and async variant of each method, shared descriptions).
@lru_cache(maxsize=1 << 14)
def docstring(value: str, depth: int) -> str:
    """black's docstring normalisation, for a plain triple-double-quoted docstring."""
    if re.search(r"\\\s*\n", value):
        raise Unsupported("docstring with a backslash-newline")
    indent = "    " * depth
    docstring = value[3:-3]
    started_empty = not docstring
    if "\n" in value:
        docstring = _fix_multilinedocstring(docstring, indent)
    else:
        docstring = docstring.strip()
    trailing_backslash = False
    if docstring:
        if docstring[0] == '"':
            docstring = " " + docstring
        if docstring[-1] == '"':
            docstring += " "
        if docstring[-1] == "\\":
            count = len(docstring) - len(docstring.rstrip("\\"))
            if count % 2:
                docstring += " "
                trailing_backslash = True
    elif not started_empty:
        docstring = " "
    lines = docstring.splitlines()
    last_length = len(lines[-1]) if docstring and not docstring.endswith("\n") else 0
    if len(lines) > 1 and last_length + 3 > LINE_LENGTH and len(indent) + 3 <= LINE_LENGTH and not trailing_backslash:
        if value[-4] == "\n":
            return indent + '"""' + docstring + '"""'
        return indent + '"""' + docstring + "\n" + indent + '"""'
    return indent + '"""' + docstring + '"""'


def _fix_multilinedocstring(docstring: str, prefix: str) -> str:
    lines = [_expand_leading_tabs(line) for line in re.split(r"\r\n|\r|\n", docstring)]
    indent = sys.maxsize
    for line in lines[1:]:
        stripped = line.lstrip()
        if stripped:
            indent = min(indent, len(line) - len(stripped))
    trimmed = [lines[0].strip()]
    if indent < sys.maxsize:
        last = len(lines) - 2
        for index, line in enumerate(lines[1:]):
            stripped_line = line[indent:].rstrip()
            if stripped_line or index == last:
                trimmed.append(prefix + stripped_line)
            else:
                trimmed.append("")
    return "\n".join(trimmed)


def _expand_leading_tabs(line: str) -> str:
    stripped = line.lstrip()
    if not stripped or stripped == line:
        return line
    width = len(line) - len(stripped)
    return line[:width].expandtabs(4) + stripped
