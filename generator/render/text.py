"""Spec text is data: these put it into Python and Markdown so that it can never change their structure."""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from typing import Any, Callable

# Characters that may not stand raw inside a Python string literal (or would confuse an editor).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp", "Co", "Cn"})


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _per_text(function: Callable[[Any], str]) -> Callable[[Any], str]:
    """`function` remembering its results for the most recent texts (a `str`, nothing else): the same names and
    descriptions are spelled several times over (a field in its model, its TypedDict, its docs and every operation
    that takes it)."""
    remembered = functools.lru_cache(maxsize=_REMEMBERED)(function)

    @functools.wraps(function)
    def cached(text: Any) -> str:
        return remembered(text) if type(text) is str else function(text)

    return cached


_REMEMBERED = 1 << 14


def py_literal(value: Any) -> str:
    """A Python literal that evaluates to `value` (str, int, float, bool or None)."""
    if isinstance(value, str):
        return _str_literal(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return f'float("{value}")'
        return repr(value)
    raise TypeError(f"no Python literal for {type(value).__name__}")


# The ASCII characters that may not stand raw (all of category Cc), and every character beyond ASCII (decided one by
# one, once per process).
_ASCII_UNSAFE = re.compile("[\x00-\x1f\x7f]")
_BEYOND_ASCII = re.compile("[^\x00-\x7f]")
_UNSAFE_BEYOND_ASCII: dict[str, bool] = {}


@_per_text
def _str_literal(value: str) -> str:
    # black's choice: double quotes unless single quotes need fewer escapes.
    quote = "'" if value.count('"') > value.count("'") else '"'
    return quote + _escape_body(value, quote=quote) + quote


def _unsafe(text: str) -> dict[int, str]:
    """Escapes for the characters of `text` that may not stand raw. Found by regular expression rather than a loop
    over the characters: spec text runs to megabytes, and a loop over every character was a fifth of a cold build."""
    if text.isascii():
        if text.isprintable():  # for ASCII: no control character
            return {}
        return {ord(ch): _escape_char(ch) for ch in set(_ASCII_UNSAFE.findall(text))}
    found = set(_ASCII_UNSAFE.findall(text))
    verdicts = _UNSAFE_BEYOND_ASCII
    for ch in set(_BEYOND_ASCII.findall(text)):
        unsafe = verdicts.get(ch)
        if unsafe is None:
            unsafe = verdicts[ch] = unicodedata.category(ch) in _UNSAFE_CATEGORIES
        if unsafe:
            found.add(ch)
    return {ord(ch): _escape_char(ch) for ch in found}


def _escape_body(text: str, quote: str) -> str:
    table = _unsafe(text)
    table.update({ord("\\"): "\\\\", ord(quote): "\\" + quote, ord("\n"): "\\n", ord("\t"): "\\t"})
    return text.translate(table)


# A quote is escaped when it is part of a run of three (which would end the literal) or of the run that ends the
# text (which would merge with the closing quotes).
_QUOTE_RUNS = re.compile(r'"{3,}|"+\Z')


@_per_text
def docstring(text: str) -> str:
    """A triple-quoted literal holding `text`; nothing in it can end the string early."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    table = _unsafe(text)
    table.pop(ord("\n"), None)
    table.pop(ord("\t"), None)
    table[ord("\\")] = "\\\\"
    body = _QUOTE_RUNS.sub(lambda run: '\\"' * len(run.group()), text.translate(table))
    return '"""' + body + '"""'


@_per_text
def md_inline(text: str) -> str:
    """Text for one Markdown table cell: no line breaks, no cell separators, no raw HTML."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    # A backslash before a pipe would escape our escape; double it first.
    text = text.replace("\\|", "\\\\|").replace("|", "\\|")
    return text.translate(_md_table(text)).replace("\n", "<br/>")


def _md_table(text: str) -> dict[int, str]:
    """A control or otherwise invisible character shown as its escape (NUL as `\\x00`), so that it neither
    disappears nor reaches the page raw; a tab is a space; line breaks are the caller's."""
    table = _unsafe(text)
    table.pop(ord("\n"), None)
    if "\t" in text:
        table[ord("\t")] = " "
    return table


@_per_text
def code_span(text: str) -> str:
    """`text` as inline code in a table cell: delimited by more backticks than any run inside it."""
    body = md_inline(text)
    longest = max((len(run) for run in re.findall("`+", body)), default=0)
    fence = "`" * (longest + 1)
    if longest:
        body = f" {body} "  # a code span may not start or end with its own backticks
    return f"{fence}{body}{fence}"


@_per_text
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
        lines.append(line)
    return "\n".join(lines).translate(_md_table(text))


@_per_text
def example_cell(value: Any) -> str:
    if isinstance(value, str):
        return md_inline(value)
    dumped = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)
    lines = [md_inline(line.strip()) for line in dumped.split("\n")]
    return "<br/>".join(lines)
