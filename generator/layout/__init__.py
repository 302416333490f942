"""Stage 4a: black's layout, computed directly for the code gen's own templates emit.

black took two thirds of a cold build while nearly every line gen emits is already in its final form: the templates
write black's spacing, quotes and blank lines, and spec text only lands in strings and docstrings. What is left is
what depends on the spec: which statements outgrow 88 columns and how black splits them, and how docstrings are
re-indented. This package reproduces exactly those decisions: the right-hand, left-hand and delimiter splits of
black's stable style (black 26, default mode; `splits`, on black's line model in `model`), for statements made of
names, literals, brackets, commas, `=`, `:`, `->`, attribute dots and argument-free lambdas (`source` turns text into
such statements), with the shapes most split statements take computed directly (`shapes`), and docstrings.

A statement outside that subset that black would have to split (an operator, a comment or a multi-line string inside
it, a comprehension, non-ASCII text near the limit, ...) raises `Unsupported`, and the caller gives the whole file to
black instead. Being right is not left to reasoning: tests/test_layout.py lays out every file rendered for the golden
cases and specs/mistral, and statements in the templates' shapes drawn by hypothesis, and checks that the result is
what black makes of them; the corpus tests check the SDKs of the corpus documents with black.
"""

from __future__ import annotations

from typing import Optional

from .docstrings import docstring
from .model import (
    LINE_LENGTH,
    STRING,
    COLON,
    OTHER,
    Unsupported,
)
from .shapes import annotated, exploded, long_class, split_import_text
from .source import KEYWORDS, has_magic_comma, statement, statements, tokenize
from .splits import transform_line

__all__ = ["KEYWORDS", "LINE_LENGTH", "Unsupported", "layout"]


def layout(text: str) -> str:
    """black's output for `text`, which must already be black-formatted except for split statements, docstring
    indentation and the blank lines after imports. Raises Unsupported where the text leaves the modelled subset."""
    out: list[str] = []
    previous_opens_block = True  # the first statement of a module is a docstring position too
    blanks: list[str] = []
    after_import: Optional[int] = None  # the depth of the import just before, with nothing else in between
    for kind, raw, tokens in statements(text):
        if kind == "blank":
            blanks.append(raw)
            continue
        if kind == "comment":
            out.extend(_capped(blanks, raw))
            blanks = []
            out.append(raw)
            after_import = None
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if indent % 4:
            raise Unsupported("indentation that is not a multiple of four")
        depth = indent // 4
        word = raw[indent : indent + 7]
        is_import = word.startswith(("from ", "import "))
        if after_import is not None and not is_import and not word.startswith(("def ", "class ", "async ", "@")):
            # black: one blank line after the imports at module level; at least one after them in a block.
            if depth == 0 and after_import == 0:
                blanks = [""]
            elif depth == after_import and not blanks:
                blanks = [""]
        out.extend(_capped(blanks, raw))
        blanks = []
        after_import = depth if is_import else None
        if kind == "simple":
            out.append(raw)
            previous_opens_block = raw.endswith(":")
            continue
        if kind == "string":
            value = raw.strip()
            out.append(docstring(value, depth) if previous_opens_block else raw)  # black leaves other strings alone
            previous_opens_block = False
            continue
        if kind == "exploded" and is_import and "\n" not in raw:
            lines = split_import_text(raw, depth)
            if lines is not None:
                out.extend(lines)
                previous_opens_block = False
                continue
        if kind == "exploded" and word.startswith("class "):
            lines = long_class(raw)
            if lines is not None:
                out.extend(lines)
                previous_opens_block = True
                continue
        if kind == "exploded":
            # A long one-line field or parameter is laid out before its leaves are made: it holds no comment and
            # is too long to stay as it is, so the branches below would come to `annotated` too.
            lines = exploded(raw, depth) or annotated(raw, depth)
            if lines is not None:
                out.extend(lines)
                previous_opens_block = raw.endswith(":")
                continue
            tokens = tokenize(raw, 0)[0]
        comment = tokens[-1].type == OTHER and tokens[-1].value.startswith("#")
        code = tokens[:-1] if comment else tokens
        if len(code) == 1 and code[0].type == STRING and not comment:
            if previous_opens_block:
                if code[0].value[:3] != '"""':
                    raise Unsupported("a docstring in another spelling than triple double quotes")
                out.append(docstring(code[0].value, depth))
            else:
                out.append(raw)  # black leaves a lone string alone, however long
        elif "\n" not in raw and len(raw) <= LINE_LENGTH and raw.isascii() and not has_magic_comma(code):
            out.append(raw)
        elif comment:
            lines = split_import_text(raw, depth) if is_import else None
            if lines is None:
                raise Unsupported("a statement to split carries a comment")
            out.extend(lines)
        else:
            lines = split_import_text(raw, depth) if is_import else exploded(raw, depth) or annotated(raw, depth)
            out.extend(lines or (str(line) for line in transform_line(statement(code, depth))))
        previous_opens_block = code[-1].type == COLON
    return "\n".join(out).rstrip("\n") + "\n"


def _capped(blanks: list[str], line: str) -> list[str]:
    """black keeps at most two blank lines at module level and one inside a block."""
    return blanks[: 2 if line[:1] not in (" ", "\t") else 1]
