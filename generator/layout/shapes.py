"""Shapes whose layout is known without the transforms: long imports, and calls or defs the template already
wrote one argument per line. Most split statements are one of them."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from .model import (
    LINE_LENGTH,
    COMMA,
    OTHER,
    OPENING,
    CLOSING,
    Leaf,
    Line,
)
from .source import MAGIC_COMMA, ONE_LINE_STRING, argument_line, bare_line, tokenize
from .splits import transform_line

_IMPORT = re.compile(r" *from ([\w.]+) import (\w+(?: as \w+)?(?:, \w+(?: as \w+)?)*)((?:  # .*)?)$")


def split_import_text(raw: str, depth: int) -> Optional[list[str]]:
    """What the transforms make of a long `from module import a, b as c` (a third of all statements split): the
    names parenthesized, each on its own line with a trailing comma, whatever their length; a trailing comment
    goes after the closing parenthesis."""
    match = _IMPORT.match(raw)
    if match is None or not raw.isascii():
        return None
    indent = "    " * depth
    names = match.group(2).split(", ")
    closing = indent + ")" + match.group(3)
    return [f"{indent}from {match.group(1)} import (", *(f"{indent}    {name}," for name in names), closing]


_EXPLODED_HEAD = re.compile(
    r"(?:(?:async )?def [A-Za-z_]\w*\(|return (?:await )?[A-Za-z_][\w.]*\("
    r"|[A-Za-z_]\w*(?:: [\w.\[\]]+(?:, [\w.\[\]]+)*)? = (?:[A-Za-z_][\w.]*\(|\{|\[))$"
)
_CLOSING = {"(": ")", "[": "]", "{": "}"}
# A string, or a string key and a string value, with its comma: nothing splits it, however long.
_STRING_ITEM = re.compile(r' *"(?:[^"\\\n]|\\.)*"(?:: "(?:[^"\\\n]|\\.)*")?,')


def exploded(raw: str, depth: int) -> Optional[list[str]]:
    """A def, a `return` of a call or an assignment of a call, a dict or a list, that the template already wrote one
    item per line with a trailing comma, every line fitting: the transforms split it exactly there (the magic
    trailing comma), so it stays as it is. Anything else about it, and the transforms decide."""
    lines = raw.split("\n")
    if len(lines) < 3:
        return None
    indent = "    " * depth
    head, items, tail = lines[0], lines[1:-1], lines[-1]
    if not _EXPLODED_HEAD.match(head, len(indent)) or not head.isascii():
        return None
    if not head.startswith("def ", len(indent)) and not head.startswith("async def ", len(indent)):
        if tail != indent + _CLOSING[head[-1]] or not _balanced(head):
            return None
        if head[-1] != "(":
            # A display's items are not arguments: only those that stay as they are are known here.
            if len(head) > LINE_LENGTH or not all(_simple(i, 1) or _STRING_ITEM.fullmatch(i) for i in items):
                return None
            return [head, *items, tail]
        if len(head) > LINE_LENGTH:
            return _long_assignment(head, items, tail, depth)
    elif len(head) > LINE_LENGTH or not (
        tail.startswith(indent + ") -> ")
        and tail.endswith(":")
        and len(tail) <= LINE_LENGTH
        and _simple(tail[len(indent) + 1 : -1], 0)
    ):
        return None
    body = _exploded_items(items, depth + 1)
    return None if body is None else [head, *body, tail]


def _exploded_items(items: list[str], depth: int) -> Optional[list[str]]:
    """The lines of one argument per line, each ending in a comma: each as it is where it fits, else split alone."""
    inner = "    " * depth
    out: list[str] = []
    for item in items:
        if not item.startswith(inner) or item[len(inner)] == " " or not item.endswith(","):
            return None
        lines = _argument(item, depth)
        if lines is None:
            return None
        out.extend(lines)
    return out


# The same arguments come back many times in one build: the sync and async variant of each method, the same
# `security=` or `errors=` of every endpoint, the same parameters of every method (four in five on large APIs).
# An argument's indentation is part of its text, so its depth is too.
@lru_cache(maxsize=1 << 16)
def _argument(item: str, depth: int) -> Optional[tuple[str, ...]]:
    """An argument on its own line: as it is where it fits, else what delimiter_split hands on, transformed alone."""
    if _simple(item, 1):
        return (item,)
    simply = annotated(item, depth) or exploded_tuple(item, depth)
    if simply is not None:
        return tuple(simply)
    leaves, end = tokenize(item, 0)
    if end == len(item) and not any(leaf.type == OTHER for leaf in leaves) and _top_level_commas(leaves) == 1:
        return tuple(str(each) for each in transform_line(argument_line(leaves, Line(depth, inside_brackets=True))))
    return None


_ASSIGNED_CALL = re.compile(r"( *)([A-Za-z_]\w*: [A-Za-z_][\w.]*\[)([\w.\[\]]+)(\] =) ([A-Za-z_][\w.]*\()$")


def _long_assignment(head: str, items: list[str], tail: str, depth: int) -> Optional[list[str]]:
    """`name: Outer[inner] = call(`, one argument per line, when that first line does not fit (the endpoint
    declarations of long operation and model names). The invisible parentheses around the value stay where the
    left-hand side (`... =` and a space) fits in 87 columns: the call moves to its own line inside them. Else black
    splits the left-hand side at its subscript, which must then fit on three lines."""
    match = _ASSIGNED_CALL.match(head)
    if match is None or not _simple(match.group(3), 0):
        return None
    indent, subscript, inner, equals, call = match.groups()
    left = indent + subscript + inner + equals
    if len(left) + 1 <= LINE_LENGTH - 1:
        nested = "    " + indent
        body = _exploded_items(["    " + item for item in items], depth + 2)
        return None if body is None else [left + " (", nested + call, *body, nested + ")", tail]
    lines = [indent + subscript, indent + "    " + inner, indent + "] = " + call]
    if any(len(line) > LINE_LENGTH for line in lines):
        return None
    body = _exploded_items(items, depth + 1)
    return None if body is None else [*lines, *body, tail]


def _balanced(head: str) -> bool:
    """The brackets of an annotation in the head close before its final opening bracket."""
    rest = head[:-1]
    return rest.count("[") == rest.count("]") and "(" not in rest


def _top_level_commas(leaves: list[Leaf]) -> int:
    depth = found = 0
    for leaf in leaves:
        if leaf.type in OPENING:
            depth += 1
        elif leaf.type in CLOSING:
            depth -= 1
        elif leaf.type == COMMA and depth == 0:
            found += 1
    return found


def _simple(text: str, commas: int) -> bool:
    """A line that fits, with balanced brackets, no magic trailing comma and `commas` commas outside brackets."""
    if len(text) > LINE_LENGTH or not text.isascii():
        return False
    bare = bare_line(text)
    if bare is None or MAGIC_COMMA.search(bare):
        return False
    depth = 0
    found = 0
    for ch in bare:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return False
        elif ch == "," and depth == 0:
            found += 1
    return depth == 0 and found == commas


_ANNOTATED = re.compile(
    r"( *)([A-Za-z_]\w*: [A-Za-z_][\w.]*\[)(.*)(\](?: = (?:None|UNSET|True|False|-?[0-9]+))?,?)$"
)


def annotated(raw: str, depth: int) -> Optional[list[str]]:
    """`name: Outer[inner]`, maybe with a short default (and a trailing comma, as a parameter): a field or a
    parameter whose type is too long. The transforms split at the outer subscript, then what is inside as any
    bracketed type (see _inside). For a field with a value, only when `... = (` does not fit: black may split around
    the value otherwise. The rest goes to the transforms."""
    match = _ANNOTATED.match(raw)
    if match is None or len(raw) <= LINE_LENGTH or not raw.isascii():
        return None
    indent, head, inner, tail = match.groups()
    if len(indent) != 4 * depth or len(indent) + len(head) > LINE_LENGTH or len(indent) + len(tail) > LINE_LENGTH:
        return None
    if not tail.endswith(",") and " = " in tail and len(raw) - len(tail) + len("] = (") <= LINE_LENGTH:
        # A statement's value sits in invisible parentheses; where `... = (` fits, black may split there.
        return None
    body = _inside(inner, depth + 1)
    return None if body is None else [indent + head, *body, indent + tail]


# One item of a type: a dotted name, maybe subscripted, a literal, or a call of keyword arguments with literal
# values, which is kept whole (`Field(alias="x")`).
_TYPE_ITEM = re.compile(
    r'[A-Za-z_][\w.]*(?:\[.*\])?|"(?:[^"\\]|\\.)*"|-?[0-9]+'
    r'|[A-Za-z_][\w.]*\((?:[a-z_]\w*=(?:"(?:[^"\\]|\\.)*"|[\w.]+)(?:, (?=[a-z_]))?)*\)'
)


def _inside(inner: str, depth: int) -> Optional[list[str]]:
    """black's lines for what a subscript holds once split at its brackets: on one line where it fits, else one
    item per line with a trailing comma (the delimiter split), each item too long split at its own last brackets.
    None for anything but names, dots, literals, brackets and commas, or when a line would not fit."""
    items = _items(inner)
    if items is None:
        return None
    indent = "    " * depth
    if len(indent) + len(inner) <= LINE_LENGTH:
        return [indent + inner]
    if len(items) == 1:
        return _item(inner, depth, "")
    lines: list[str] = []
    for item in items:
        split = _item(item, depth, ",")
        if split is None:
            return None
        lines.extend(split)
    return lines


def _item(item: str, depth: int, suffix: str) -> Optional[list[str]]:
    indent = "    " * depth
    if len(indent) + len(item) + len(suffix) <= LINE_LENGTH:
        return [indent + item + suffix]
    opening = item.find("[")
    if opening < 0 and "(" not in item:
        return [indent + item + suffix]  # a name or a literal longer than the line: nothing splits it
    if opening < 0 or not item.endswith("]") or len(indent) + opening + 1 > LINE_LENGTH:
        return None
    body = _inside(item[opening + 1 : -1], depth + 1)
    return None if body is None else [indent + item[: opening + 1], *body, indent + "]" + suffix]


_PLAIN = re.compile(r"[A-Za-z0-9_.=-]+")


def _items(text: str) -> Optional[list[str]]:
    """`text` cut at its top-level commas (each followed by one space), or None when it is not a list of type items
    with balanced brackets and no trailing comma."""
    items: list[str] = []
    depth = 0
    start = 0
    position = 0
    while position < len(text):
        run = _PLAIN.match(text, position)
        if run is not None:  # names, numbers, dots, `=` and `-`: nothing to look at one by one
            position = run.end()
            continue
        ch = text[position]
        if ch == '"':
            match = _TYPE_ITEM.match(text, position)
            if match is None or not match.group().startswith('"'):
                return None
            position = match.end()
            continue
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
            if depth < 0:
                return None
        elif ch == "," and depth == 0:
            if text[position + 1 : position + 2] != " ":
                return None
            items.append(text[start:position])
            start = position + 2
            position += 1
        elif not (ch in ", " and depth > 0 and _after_comma(text, position)):
            return None
        position += 1
    items.append(text[start:])
    if depth or any(_TYPE_ITEM.fullmatch(item) is None for item in items):
        return None
    return items


def _after_comma(text: str, position: int) -> bool:
    """A comma followed by one space, or that space (nested items are checked when their subscript is split)."""
    if text[position] == ",":
        return text[position + 1 : position + 2] == " " and text[position + 2 : position + 3] not in ("]", "")
    return text[position - 1] == ","


_TUPLE_ITEM = re.compile(r"( *)((?:[a-z_]\w*=)?\()(.*),\),$")


def exploded_tuple(item: str, depth: int) -> Optional[list[str]]:
    """An argument that is a tuple of two or more items with a trailing comma (`params=(a, b,),`): the comma is
    magic, so the transforms put each item on its own line, whatever the lengths. Items that do not fit, or that
    hold anything but literals, names and calls of them, go to the transforms."""
    match = _TUPLE_ITEM.match(item)
    if match is None or not item.isascii():
        return None
    indent, head, inner = match.groups()
    if len(indent) != 4 * depth or len(indent) + len(head) > LINE_LENGTH:
        return None
    items = _arguments(inner)
    if items is None or len(items) < 2:
        return None
    inside = indent + "    "
    lines = [indent + head]
    for each in items:
        line = f"{inside}{each},"
        if len(line) > LINE_LENGTH or not _simple(line, 1):
            return None
        lines.append(line)
    return [*lines, indent + "),"]


def _arguments(text: str) -> Optional[list[str]]:
    """`text` cut at its top-level commas (each followed by one space); None where it holds what would make that
    uncertain."""
    if bare_line(text) is None:
        return None  # a comment, a backslash, triple quotes
    bare = ONE_LINE_STRING.sub(lambda string: "_" * len(string.group()), text)  # same length, nothing inside
    items: list[str] = []
    depth = start = 0
    for position, ch in enumerate(bare):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            if text[position + 1 : position + 2] != " ":
                return None
            items.append(text[start:position])
            start = position + 2
    items.append(text[start:])
    return None if depth or "" in items else items


_CLASS = re.compile(r"( *)class (\w+)\(([\w.]+)\):$")


def long_class(raw: str) -> Optional[list[str]]:
    """`class Name(Base):` past the limit: the transforms split at its only brackets, whatever the lengths."""
    match = _CLASS.match(raw)
    if match is None or not raw.isascii():
        return None
    indent, name, base = match.groups()
    return [f"{indent}class {name}(", f"{indent}    {base}", f"{indent}):"]
