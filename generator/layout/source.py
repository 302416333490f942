"""From generated source text to statements, and from a statement to the Line black's transforms start from:
bracket parents known, optional parentheses inserted where black inserts invisible ones."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Optional

from .model import (
    LINE_LENGTH,
    NAME,
    STRING,
    NUMBER,
    LPAR,
    RPAR,
    LSQB,
    RSQB,
    LBRACE,
    RBRACE,
    COMMA,
    COLON,
    EQUAL,
    DOT,
    ARROW,
    STAR,
    DSTAR,
    OTHER,
    OPENING,
    CLOSING,
    ATOM,
    TRAILER,
    PARAMS,
    CLASS,
    IMPORT,
    Leaf,
    Line,
    Unsupported,
)

KEYWORDS = frozenset(
    "False None True and as assert async await break class continue def del elif else except finally for from "
    "global if import in is lambda nonlocal not or pass raise return try while with yield".split()
)
# Keywords that split a statement somewhere black puts optional parentheses or delimiters this module does not model.
_UNMODELLED = frozenset("and or not in is if else for while with del assert async yield elif except".split())

_OPS = {
    "(": LPAR,
    ")": RPAR,
    "[": LSQB,
    "]": RSQB,
    "{": LBRACE,
    "}": RBRACE,
    ",": COMMA,
    ":": COLON,
    "=": EQUAL,
    ".": DOT,
    "->": ARROW,
    "*": STAR,
    "**": DSTAR,
}

_TOKEN = re.compile(
    r"""(?P<ws>[ \t]+)
    |(?P<nl>\\?\r?\n)
    |(?P<comment>\#[^\n]*)
    |(?P<string>(?:[rRbBuUfF]{0,2})(?:\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))
    |(?P<number>\d[\w.]*(?:[eE][+-]?\d+)?j?|\.\d[\w]*)
    |(?P<name>[^\W\d]\w*)
    |(?P<op>\*\*=?|//=?|->|:=|<<=?|>>=?|[-+*/%@&|^=<>!]=|\.\.\.|[-+*/%@&|^~<>()\[\]{},:;.=])
    """,
    re.VERBOSE | re.DOTALL,
)


# One-line strings, to look past them when checking that a line is a whole statement black keeps as it is.
ONE_LINE_STRING = re.compile(r"""[rRbBuUfF]{0,2}(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""")
MAGIC_COMMA = re.compile(r",\s*[)\]}]")
TRIPLE = ('"""', "'''")
# A statement that is nothing but a triple-double-quoted string (a docstring, or a field's description).
LONE_STRING = re.compile(r' *"""(?:[^"\\]|\\.|"(?!""))*""" *(?=\n|\Z)')


def statements(text: str) -> Iterator[tuple[str, str, list[Leaf]]]:
    """("blank" | "comment" | "simple" | "code", source text, leaves) for each line or logical line of `text`.
    "simple": a whole statement on one line that black keeps as it is (most lines: the fast path, without leaves)."""
    pos = 0
    end = len(text)
    while pos < end:
        newline = text.find("\n", pos)
        line_end = end if newline < 0 else newline
        line = text[pos:line_end]
        stripped = line.strip()
        if not stripped:
            yield "blank", line, []
            pos = line_end + 1
            continue
        if stripped[0] == "#":
            yield "comment", line, []
            pos = line_end + 1
            continue
        if stripped.startswith(TRIPLE[0]):
            string_end = _lone_string_end(text, pos, pos + len(line) - len(line.lstrip(" ")))
            if string_end is not None:
                yield "string", text[pos:string_end], []
                pos = string_end + 1
                continue
        if _kept(line):
            yield "simple", line, []
            pos = line_end + 1
            continue
        end_of_statement = _balanced_end(text, pos, line_end)
        if end_of_statement is not None:
            yield "exploded", text[pos:end_of_statement], []  # leaves only when needed: most need none
            pos = end_of_statement + 1
            continue
        start = pos
        leaves, pos = tokenize(text, pos)
        yield "code", text[start:pos], leaves
        pos += 1  # the newline that ends the statement


def _lone_string_end(text: str, pos: int, quotes: int) -> Optional[int]:
    """Where LONE_STRING's match at `pos` ends, found without running the pattern over the whole docstring when the
    string holds no backslash: it then closes at the first triple quotes after `quotes`, its opening ones."""
    close = text.find(TRIPLE[0], quotes + 3)
    if not text.startswith(TRIPLE[0], quotes) or close < 0 or text.find("\\", quotes, close) >= 0:
        match = LONE_STRING.match(text, pos)
        return None if match is None else match.end()
    end = close + 3
    while end < len(text) and text[end] == " ":
        end += 1
    return end if end == len(text) or text[end] == "\n" else None


# Most lines of a build are one of a few thousand (the same parameters, fields and calls in every module): each is
# looked at once.
@lru_cache(maxsize=1 << 16)
def _kept(line: str) -> bool:
    """A whole statement on one line that black keeps as it is."""
    bare = bare_line(line) if len(line) <= LINE_LENGTH else None
    return (
        bare is not None
        and bare.strip() != '""'  # a lone string may be a docstring
        and line.isascii()
        and bare.count("(") == bare.count(")")
        and bare.count("[") == bare.count("]")
        and bare.count("{") == bare.count("}")
        and not MAGIC_COMMA.search(bare)
    )


@lru_cache(maxsize=1 << 16)
def bare_line(line: str) -> Optional[str]:
    """`line` with its one-line strings emptied, so that brackets and commas can be counted; None when it holds what
    that cannot see past: a comment, a continuation backslash, triple quotes, a string left open."""
    if "#" in line or TRIPLE[0] in line or TRIPLE[1] in line:
        return None
    bare = ONE_LINE_STRING.sub('""', line) if ('"' in line or "'" in line) else line
    if bare.count('"') % 2 or "'" in bare or "\\" in bare:
        return None
    return bare


def _balanced_end(text: str, pos: int, line_end: int) -> Optional[int]:
    """Where a statement that opens brackets on its first line and closes them on a later one ends, found from
    bracket counts alone; None for anything else (strings across lines, comments, continuations)."""
    depth = 0
    while True:
        change = _depth_change(text[pos:line_end])
        if change is None:
            return None
        depth += change
        if depth <= 0:
            return line_end if depth == 0 else None
        if line_end >= len(text):
            return None
        pos = line_end + 1
        newline = text.find("\n", pos)
        line_end = len(text) if newline < 0 else newline


@lru_cache(maxsize=1 << 16)
def _depth_change(line: str) -> Optional[int]:
    """Brackets opened minus brackets closed on `line` (the lines of exploded statements repeat as their arguments
    do); None where bare_line cannot see."""
    bare = bare_line(line)
    if bare is None:
        return None
    return bare.count("(") + bare.count("[") + bare.count("{") - bare.count(")") - bare.count("]") - bare.count("}")


def tokenize(source: str, pos: int) -> tuple[list[Leaf], int]:
    """The leaves of the logical line starting at `pos`, and where it ends (its newline, or the end of the text)."""
    leaves: list[Leaf] = []
    depth = 0
    while pos < len(source) and source[pos] == " ":
        pos += 1
    prefix = ""
    end = len(source)
    while pos < end:
        match = _TOKEN.match(source, pos)
        if match is None:
            raise Unsupported(f"unexpected character {source[pos]!r}")
        kind = match.lastgroup
        value = match.group()
        if kind == "nl":
            if value.startswith("\\"):
                raise Unsupported("backslash continuation")
            if depth <= 0:
                return leaves, pos + len(value) - 1
            prefix += "\n"
            pos = match.end()
            continue
        pos = match.end()
        if kind == "ws":
            prefix += value
            continue
        if kind == "comment":
            if depth > 0:
                raise Unsupported("comment inside brackets")
            leaves.append(Leaf(OTHER, value))  # the statement's trailing comment, kept as a marker leaf
            continue
        if kind == "string":
            leaf = Leaf(STRING, value)
        elif kind == "number":
            leaf = Leaf(NUMBER, value)
        elif kind == "name":
            leaf = Leaf(NAME, value)
        else:
            leaf = Leaf(_OPS.get(value, OTHER), value)
            if leaf.type in OPENING:
                depth += 1
            elif leaf.type in CLOSING:
                depth -= 1
        previous = leaves[-1] if leaves else None
        if leaf.type in CLOSING or leaf.type == COMMA or (previous is not None and previous.type in OPENING):
            prefix = ""  # black's spacing, whatever the template wrote
        elif "\n" in prefix:
            prefix = " "  # joined from a template's own line break inside brackets
        leaf.prefix = prefix if leaves else ""
        prefix = ""
        leaves.append(leaf)
    return leaves, end


def has_magic_comma(tokens: list[Leaf]) -> bool:
    for index in range(1, len(tokens)):
        if tokens[index].type in CLOSING and tokens[index - 1].type == COMMA:
            return True
    return False


def statement(tokens: list[Leaf], depth: int) -> Line:
    """The statement as black's line generator hands it to the transforms: bracket parents known, optional
    parentheses inserted where black inserts invisible ones."""
    first = tokens[0].value
    if first == "async" and len(tokens) > 1 and tokens[1].value == "def":
        pass
    elif first in _UNMODELLED or first in ("del", "assert", "with", "while", "for", "if", "elif", "except"):
        raise Unsupported(f"a long {first!r} statement")
    _classify(tokens)
    if tokens[0].value == "def" or (tokens[0].value == "async" and len(tokens) > 1 and tokens[1].value == "def"):
        _mark_annotation_commas(tokens)
    leaves = _with_optional_parens(tokens)
    line = Line(depth)
    for leaf in leaves:
        leaf.original_prefix = leaf.prefix
        line.append(leaf)
    return line


def argument_line(tokens: list[Leaf], line: Line) -> Line:
    """An argument on its own line, as delimiter_split hands it on: no optional parentheses of its own."""
    _classify(tokens)
    tokens[0].prefix = ""
    for leaf in tokens:
        leaf.original_prefix = leaf.prefix
        line.append(leaf, preformatted=True)
    return line


def _classify(tokens: list[Leaf]) -> None:
    """Refuse what this module does not model; tell calls and subscripts from tuples and lists."""
    previous: Optional[Leaf] = None
    for index, leaf in enumerate(tokens):
        if leaf.type == OTHER:
            if not (leaf.value in "-+" and (previous is None or previous.type in OPENING | {COMMA, EQUAL, COLON})):
                raise Unsupported(f"operator {leaf.value!r} in a statement to split")
        elif leaf.type == NAME and leaf.value in _UNMODELLED and not (index == 0 and leaf.value == "async"):
            raise Unsupported(f"{leaf.value!r} in a statement to split")
        elif leaf.type == NAME and leaf.value == "lambda":
            if index + 1 >= len(tokens) or tokens[index + 1].type != COLON:
                raise Unsupported("lambda with parameters")
        elif leaf.type == STRING and previous is not None and previous.type == STRING:
            raise Unsupported("implicitly concatenated strings")
        elif leaf.type in (STAR, DSTAR) and not (previous is not None and previous.type in (LPAR, COMMA)):
            raise Unsupported("arithmetic in a statement to split")
        elif leaf.type == LPAR:
            if previous is not None and previous.type == NAME and index >= 2 and tokens[index - 2].value == "def":
                leaf.parent = PARAMS
            elif previous is not None and previous.type == NAME and index >= 2 and tokens[index - 2].value == "class":
                leaf.parent = CLASS
            elif previous is not None and (
                (previous.type == NAME and previous.value not in KEYWORDS) or previous.type in (RPAR, RSQB, STRING)
            ):
                leaf.parent = TRAILER
        elif leaf.type == LSQB:
            if previous is not None and (
                (previous.type == NAME and previous.value not in KEYWORDS) or previous.type in (RPAR, RSQB, STRING)
            ):
                leaf.parent = TRAILER
        previous = leaf


def _mark_annotation_commas(tokens: list[Leaf]) -> None:
    """Commas inside a parameter's annotation (`x: Union[a, b]`) are not commas between parameters."""
    depth = 0
    in_annotation = False
    for leaf in tokens:
        if leaf.type in OPENING:
            depth += 1
        elif leaf.type in CLOSING:
            depth -= 1
        elif depth == 1 and leaf.type == COLON:
            in_annotation = True
        elif depth == 1 and leaf.type in (EQUAL, COMMA):
            in_annotation = False
        elif depth > 1 and leaf.type == COMMA and in_annotation:
            leaf.annotation = True


def _with_optional_parens(tokens: list[Leaf]) -> list[Leaf]:
    first = tokens[0].value
    if first == "from":
        index = next((i for i, leaf in enumerate(tokens) if leaf.type == NAME and leaf.value == "import"), None)
        if index is None or index + 1 >= len(tokens):
            raise Unsupported("odd import")
        rest = tokens[index + 1 :]
        if rest[0].type == LPAR:
            rest[0].value = rest[-1].value = ""
            rest[0].parent = IMPORT
            return tokens
        opening = Leaf(LPAR, "", parent=IMPORT)
        opening.prefix, rest[0].prefix = rest[0].prefix, ""
        return tokens[: index + 1] + [opening] + rest + [Leaf(RPAR, "")]
    if first in ("def", "async"):
        # black wraps a return annotation in optional parentheses.
        arrow = next((i for i, leaf in enumerate(tokens) if leaf.type == ARROW), None)
        if arrow is None:
            return tokens
        if tokens[-1].type != COLON:
            raise Unsupported("def statement with a body on the same line")
        return tokens[: arrow + 1] + _wrap(tokens[arrow + 1 : -1]) + tokens[-1:]
    if first in ("import", "raise", "class", "@", "pass", "break", "continue", "global", "nonlocal"):
        return tokens
    if first == "return":
        return tokens[:1] + _wrap(tokens[1:]) if len(tokens) > 1 else tokens
    # Assignments: what follows each `=` at depth 0 (and the annotation after an annotated target's `:`).
    cuts: list[int] = []
    depth = 0
    annotated = False
    for index, leaf in enumerate(tokens):
        if leaf.type in OPENING:
            depth += 1
        elif leaf.type in CLOSING:
            depth -= 1
        elif depth == 0 and leaf.type == EQUAL:
            cuts.append(index)
        elif depth == 0 and leaf.type == COLON and not cuts and not annotated:
            annotated = True
            cuts.append(index)
        elif (
            depth == 0
            and leaf.type == OTHER
            and leaf.value.endswith("=")
            and leaf.value not in ("==", "!=", "<=", ">=")
        ):
            raise Unsupported("augmented assignment")
    if not cuts:
        return tokens
    result = tokens[: cuts[0] + 1]
    for n, cut in enumerate(cuts):
        stop = cuts[n + 1] if n + 1 < len(cuts) else len(tokens)
        result += _wrap(tokens[cut + 1 : stop])
        if n + 1 < len(cuts):
            result.append(tokens[stop])
    return result


def _wrap(child: list[Leaf]) -> list[Leaf]:
    if not child:
        raise Unsupported("empty expression")
    if child[0].type == LPAR and _closes_at_end(child):
        raise Unsupported("parenthesized expression")  # black would make these parentheses invisible
    if len(child) == 1 and child[0].multiline:
        return child
    opening = Leaf(LPAR, "", parent=ATOM)
    opening.prefix, child[0].prefix = child[0].prefix, ""
    return [opening, *child, Leaf(RPAR, "")]


def _closes_at_end(child: list[Leaf]) -> bool:
    depth = 0
    for index, leaf in enumerate(child):
        if leaf.type in OPENING:
            depth += 1
        elif leaf.type in CLOSING:
            depth -= 1
            if depth == 0:
                return index == len(child) - 1
    return False
