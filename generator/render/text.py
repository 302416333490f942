"""Spec text is data: these put it into Python and Markdown so that it can never change their structure."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

# Characters that may not stand raw inside a Python string literal (or would confuse an editor).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp", "Co", "Cn"})


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def py_literal(value: Any) -> str:
    """A Python literal that evaluates to `value` (str, int, float, bool or None)."""
    if isinstance(value, str):
        # black's choice: double quotes unless single quotes need fewer escapes.
        quote = "'" if value.count('"') > value.count("'") else '"'
        return quote + _escape_body(value, quote=quote) + quote
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return f'float("{value}")'
        return repr(value)
    raise TypeError(f"no Python literal for {type(value).__name__}")


def _escape_body(text: str, quote: str) -> str:
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == quote:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def docstring(text: str) -> str:
    """A triple-quoted literal holding `text`; nothing in it can end the string early."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    # A quote is escaped when it is part of a run of three (which would end the literal) or of the
    # run that ends the text (which would merge with the closing quotes).
    escaped_quotes: set[int] = set()
    for run in re.finditer('"+', text):
        if len(run.group()) >= 3 or run.end() == len(text):
            escaped_quotes.update(range(run.start(), run.end()))
    out = []
    for i, ch in enumerate(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"' if i in escaped_quotes else ch)
        elif ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return '"""' + "".join(out) + '"""'


def md_inline(text: str) -> str:
    """Text for one Markdown table cell: no line breaks, no cell separators, no raw HTML."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    # A backslash before a pipe would escape our escape; double it first.
    text = text.replace("\\|", "\\\\|").replace("|", "\\|")
    text = "".join(_md_char(ch) if ch != "\n" else ch for ch in text)
    return text.replace("\n", "<br/>")


def _md_char(ch: str) -> str:
    """A control or otherwise invisible character shown as its escape (NUL as `\\x00`), so that it
    neither disappears nor reaches the page raw; a tab is a space."""
    if unicodedata.category(ch) not in _UNSAFE_CATEGORIES:
        return ch
    return " " if ch == "\t" else _escape_char(ch)


def code_span(text: str) -> str:
    """`text` as inline code in a table cell: delimited by more backticks than any run inside it."""
    body = md_inline(text)
    longest = max((len(run) for run in re.findall("`+", body)), default=0)
    fence = "`" * (longest + 1)
    if longest:
        body = f" {body} "  # a code span may not start or end with its own backticks
    return f"{fence}{body}{fence}"


def md_block(text: str) -> str:
    """A description as Markdown (OpenAPI descriptions are CommonMark), unable to break the page:
    no raw HTML, no headings, table rows or code fences of its own (an unclosed fence would swallow
    everything after it)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    lines = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("#", "|", "```", "~~~")):
            line = "\\" + stripped
        lines.append("".join(_md_char(ch) for ch in line))
    return "\n".join(lines)


def example_cell(value: Any) -> str:
    if isinstance(value, str):
        return md_inline(value)
    dumped = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)
    lines = [md_inline(line.strip()) for line in dumped.split("\n")]
    return "<br/>".join(lines)
