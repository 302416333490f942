"""A fast reader for the block-style YAML that OpenAPI documents are written in.

read.py tries it before pyyaml: on a large spec it is several times faster than pyyaml's C parser followed by the
construction of Python objects, because it builds the data straight from the lines. It reads a strict subset of YAML
— block mappings and sequences, plain, quoted and block scalars, comments, and flow collections that fit on one line
— and raises Unsupported on anything else (anchors, aliases, tags, complex keys, directives, several documents, tabs,
line breaks other than LF and CRLF, syntax errors, ...), so that pyyaml reads those and reports what is wrong exactly
as before. Within the subset it gives what pyyaml gives, to the type of every scalar and the line of every duplicate
key; where libyaml's behaviour is subtle (folding, chomping, escapes) the code follows libyaml's scanner step by step.
tests/test_fastyaml.py compares the two on every document at hand and on generated ones.
"""

from __future__ import annotations

import re
from typing import Any, Callable, cast

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from .slowyaml import SpecLoader

Duplicates = list[tuple[dict[str, Any], str, int]]


class Unsupported(Exception):
    """The text is outside the subset read here: pyyaml must read it."""


def parse(text: str) -> tuple[Any, Duplicates]:
    """The data of a YAML document and its duplicate keys as (mapping, key, 1-based line), as pyyaml (slowyaml)
    gives them; raises Unsupported on any text outside the subset."""
    _check_characters(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # libyaml reads CRLF as one line break, in scalars too
        if "\r" in text:
            raise Unsupported
    _check_markers(text)
    reader = _Reader(text.split("\n"))
    try:
        return reader.document(), reader.duplicates
    except RecursionError:  # nesting is bounded, but the caller may already be deep in its own stack
        raise Unsupported from None


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n\r"
# Characters pyyaml refuses (controls, surrogates, U+FFFE/F), those it takes as line breaks besides LF and CR (NEL,
# LS, PS) or skips (a BOM), and tabs, which may or may not be blanks: outside the subset.
_ODD_CHARACTER = re.compile("[^\n\r -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def _check_characters(text: str) -> None:
    try:
        # a regular expression over the whole text would cost more than the rest of the parse: set the printable
        # ASCII aside in C first (what remains of UTF-8 is whole characters)
        others = text.encode("utf-8").translate(None, _PRINTABLE_ASCII).decode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        raise Unsupported from None
    if _ODD_CHARACTER.search(others):
        raise Unsupported


_LEADING_MARKER = re.compile(r"(?:[ ]*+(?:#[^\n]*+)?\n)*+---(?:[ ]+#[^\n]*|[ ]*)(?:\n|$)")


def _check_markers(text: str) -> None:
    """One document, optionally opened by a `---` line: anything else that could be a document marker is left to
    pyyaml (a line starting with `---` or `...` is rare enough not to tell markers from text)."""
    if "\n---" not in text and "\n..." not in text and not text.startswith(("---", "...")):
        return
    opening = _LEADING_MARKER.match(text)
    if opening is None or "\n---" in text[opening.end() - 1 :] or "\n..." in text[opening.end() - 1 :]:
        raise Unsupported


# ------------------------------------------------------------------------------------------------- plain scalars

_CONSTRUCTOR = SafeConstructor()
_BUILD: dict[str, Callable[[ScalarNode], Any]] = {
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:null": _CONSTRUCTOR.construct_yaml_null,
}
# SpecLoader.resolve, as a table: the resolvers that may match a plain scalar, by its first character
_WILDCARD = SpecLoader.yaml_implicit_resolvers.get(None, [])
_RESOLVERS = {
    first: list(resolvers) + _WILDCARD
    for first, resolvers in SpecLoader.yaml_implicit_resolvers.items()
    if first is not None
}
_RESOLVABLE = SpecLoader._RESOLVABLE


def _construct_plain(text: str) -> Any:
    """A plain scalar as SpecLoader builds it: pyyaml's own resolvers pick the type, its own functions the value."""
    for tag, regexp in _RESOLVERS.get(text[:1], _WILDCARD):
        if regexp.match(text):
            build = _BUILD.get(tag)
            if build is None:  # `<<` (a merge) or another tag that slowyaml leaves to pyyaml's constructor
                raise Unsupported
            try:
                return build(ScalarNode(tag, text))
            except Exception:  # e.g. `0b_` matches the int pattern, but pyyaml then fails on it
                raise Unsupported from None
    return text


# ------------------------------------------------------------------------------------------------------- lines

# Lines hold no tab, CR or LF (parse refuses tabs and splits at LF), so a space is the only blank there is. The
# patterns are possessive where they repeat, so that no line costs more than its length.
_INDICATORS = r"\-?:,\[\]{}#&*!|>'\"%@`"
_PLAIN_START = rf"(?:[^ {_INDICATORS}]|-(?=[^ ]))"  # a plain scalar may not start like an indicator
_KEY_START = rf"(?:[^ {_INDICATORS}]|-(?=[^ :]))"
# libyaml forgets a possible simple key 1024 positions after its start: 256 characters from a key to its `:` are
# within that even were the positions bytes of UTF-8
_MAX_KEY = 256
# A plain key: `: ` ends it, ` #` starts a comment instead.
_PLAIN_KEY = re.compile(rf"({_KEY_START}(?:[^ :]|:(?=[^ ])| +(?=[^ #:]))*+) *:(?: +|$)")
# The lines of most specs take a fast way: `key: text` (text without `:` or `#`, or only `:` inside a word), `key:`
# and `- text`. Anything else (quotes, comments, flow, ...) takes the general one, and so do the keys that
# _simple_key refuses: too long, or `<<`.
_SIMPLE_KEY_TEXT = rf"(?!<< *:)({_KEY_START}[^:#]{{0,{_MAX_KEY - 1}}}+):"
_SIMPLE_TEXT = rf"{_PLAIN_START}[^:#]*+(?::(?=[^ ])[^:#]*+)*+"
_SIMPLE_ENTRY = re.compile(rf"{_SIMPLE_KEY_TEXT}(?: *$| +({_SIMPLE_TEXT})$)")
_SIMPLE_KEY = re.compile(rf"{_SIMPLE_KEY_TEXT}(?: +|$)")
_SIMPLE_ITEM = re.compile(rf"- +({_SIMPLE_TEXT})$")
_AFTER_QUOTED_KEY = re.compile(r" *:(?: +|$)")
_SPACES = re.compile(r" *")
_LINE_END = re.compile(r" +#.*| *")  # what may follow a quoted or flow scalar on its line
_BLOCK_HEADER = re.compile(r"[|>](?:([+-])([1-9])?|([1-9])([+-])?)?(?: +#.*| *)")
_NOT_PLAIN = frozenset("?:,[]{}#&*!|>'\"%@`")  # first characters of everything but a plain scalar
# Deeper documents (real ones nest some 15 levels) are left to pyyaml and read.py's depth check: the reader recurses,
# three calls a level.
_MAX_NESTING = 64

# double-quoted scalars: the text up to the next quote or escape, and the escapes libyaml knows
_DOUBLE_RUN = re.compile(r'[^"\\]*')
_ESCAPES = {
    "0": "\0",
    "a": "\x07",
    "b": "\x08",
    "t": "\t",
    "n": "\n",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_WIDTH = {"x": 2, "u": 4, "U": 8}
_HEX = re.compile(r"[0-9a-fA-F]*")

# flow collections on one line: plain scalars stop at any flow indicator, `:`, `?` or `#` (stricter than YAML)
_FLOW_PLAIN = re.compile(rf"(?:[^ {_INDICATORS}]|-(?=[^ ,\[\]{{}}:#?]))(?:[^ ,\[\]{{}}:#?]| +(?=[^ ,\[\]{{}}:#?]))*+")


def _simple_key(key: str, span: int, plain: bool) -> str:
    """A key written before its `:` on one line, `span` characters from its start to the `:`."""
    if span > _MAX_KEY or plain and key == "<<":  # a plain `<<` is a merge key, built by pyyaml's constructor
        raise Unsupported
    return key


def _after_spaces(line: str, at: int) -> int:
    return cast("re.Match[str]", _SPACES.match(line, at)).end()  # it matches anywhere


def _is_entry(line: str, col: int) -> bool:
    """A block sequence entry (`-` then a space or the end of the line) at col."""
    return line.startswith("-", col) and (len(line) == col + 1 or line[col + 1] == " ")


def _is_explicit_key(line: str, col: int) -> bool:
    return line.startswith("? ", col)


class _Reader:
    """Recursive descent over the lines. The methods that read a node return it with the line that follows it (the
    next one with content, blank lines and comments skipped) and that line's indentation (-1 at the end).

    `parent` is the column of the innermost block collection, libyaml's current indentation: continuation lines
    of a scalar must be indented more than it.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.count = len(lines)
        self.duplicates: Duplicates = []
        self.plain: dict[str, Any] = {}  # resolved plain scalars: `string`, `true`, `200` repeat a lot

    def document(self) -> Any:
        i, col = self._skip(0)
        if i < self.count and self.lines[i].startswith("---"):  # the only marker _check_markers lets through
            i, col = self._skip(i + 1)
        if i == self.count:
            raise Unsupported
        line = self.lines[i]
        if not _is_entry(line, col) and not _is_explicit_key(line, col) and self._key(line, col) is None:
            raise Unsupported  # a lone scalar is no spec
        data, i, _ = self._node(i, col, -1, 1)
        if i != self.count:
            raise Unsupported
        return data

    def _skip(self, i: int) -> tuple[int, int]:
        """The next line with content from i on, and its indentation (-1 at the end)."""
        lines, count = self.lines, self.count
        while i < count:
            line = lines[i]
            content = line.lstrip(" ")
            if content and content[0] != "#":
                return i, len(line) - len(content)
            i += 1
        return i, -1

    def _key(self, line: str, col: int) -> tuple[str, int] | None:
        """A `key:` at col: the key and where its value starts; None if the line holds no such key there."""
        first = line[col]
        if first == "'" or first == '"':
            end = self._quoted_end(line, col)
            if end < 0:
                return None
            after = _AFTER_QUOTED_KEY.match(line, end)
            if after is None:
                return None
            return _simple_key(self._one_line_quoted(line, col, end), after.end() - col, False), after.end()
        simple = _SIMPLE_KEY.match(line, col)
        if simple is not None:
            return simple.group(1).rstrip(" "), simple.end()
        match = _PLAIN_KEY.match(line, col)
        if match is None:
            return None
        return _simple_key(match.group(1), match.end() - col, True), match.end()

    def _explicit_key(self, i: int, col: int) -> tuple[str, int, int]:
        """`? key` on line i, then `: value` at the same column (pyyaml writes keys of over 128 characters so): the
        key, the line of the `:` and where the value starts. Only a one-line scalar key."""
        lines = self.lines
        line = lines[i]
        start = _after_spaces(line, col + 2)
        first = line[start : start + 1]
        if first == "'" or first == '"':
            end = self._quoted_end(line, start)
            if end < 0:
                raise Unsupported
            self._line_end(line, end)
            key = self._one_line_quoted(line, start, end)
        else:
            key = line[start:].rstrip(" ")
            if not key or first in _NOT_PLAIN or _is_entry(line, start) or ": " in key or " #" in key:
                raise Unsupported
            if key[-1] == ":" or key == "<<":
                raise Unsupported
        j, indent = self._skip(i + 1)
        line = lines[j] if indent == col else ""
        if not (line.startswith(": ", col) or line.endswith(":") and len(line) == col + 1):
            raise Unsupported
        return key, j, _after_spaces(line, col + 1)

    # --------------------------------------------------------------------------------------------- collections

    def _node(self, i: int, col: int, parent: int, depth: int) -> tuple[Any, int, int]:
        """The node starting at column col of line i (a collection may start mid-line: `- - a`, `- key: a`)."""
        if depth > _MAX_NESTING:
            raise Unsupported
        line = self.lines[i]
        if _is_entry(line, col):
            return self._sequence(i, col, depth)
        if _SIMPLE_ENTRY.match(line, col) or _is_explicit_key(line, col) or self._key(line, col) is not None:
            return self._mapping(i, col, depth)
        return self._scalar(i, col, parent, depth)

    def _mapping(self, i: int, col: int, depth: int) -> tuple[dict[str, Any], int, int]:
        lines, duplicates, skip, simple_entry = self.lines, self.duplicates, self._skip, _SIMPLE_ENTRY.match
        data: dict[str, Any] = {}
        while True:
            line = lines[i]
            simple = simple_entry(line, col)
            if simple is not None:
                key, text = simple.groups()
                if key[-1] == " ":
                    key = key.rstrip(" ")
                if key in data:
                    duplicates.append((data, key, i + 1))
                if text is None:
                    data[key], i, indent = self._below(i, col, depth, True)
                else:
                    j, indent = skip(i + 1)
                    if indent > col:  # the text goes on below (or the document is wrong): the general way
                        data[key], j, indent = self._plain(i, simple.start(2), col)
                    else:
                        text = text.rstrip(" ")
                        data[key] = text if text[0] not in _RESOLVABLE else self._resolve(text)
                    i = j
            else:
                if _is_explicit_key(line, col):
                    key, j, start = self._explicit_key(i, col)
                else:
                    entry = self._key(line, col)
                    if entry is None:
                        raise Unsupported
                    (key, start), j = entry, i
                if key in data:
                    duplicates.append((data, key, i + 1))
                # after `? key`, the `:` line may start a collection, like a `- ` entry
                data[key], i, indent = self._value(j, start, col, depth, j > i, True)
            if indent != col:
                if indent < col:
                    return data, i, indent
                raise Unsupported

    def _sequence(self, i: int, col: int, depth: int) -> tuple[list[Any], int, int]:
        lines, skip = self.lines, self._skip
        items: list[Any] = []
        while True:
            line = lines[i]
            simple = _SIMPLE_ITEM.match(line, col)
            if simple is not None:
                j, indent = skip(i + 1)
                if indent > col:
                    item, j, indent = self._plain(i, simple.start(1), col)
                else:
                    text = simple.group(1).rstrip(" ")
                    item = text if text[0] not in _RESOLVABLE else self._resolve(text)
                i = j
            else:
                item, i, indent = self._value(i, _after_spaces(line, col + 1), col, depth, True, False)
            items.append(item)
            if indent != col or not _is_entry(lines[i], col):
                if indent <= col:  # a key at col ends a sequence indented like its mapping (`key:\n- a`)
                    return items, i, indent
                raise Unsupported

    def _value(self, i: int, start: int, col: int, depth: int, compact: bool, indentless: bool) -> tuple[Any, int, int]:
        """The value of an entry at col whose text starts at `start` on line i, or on the lines below.

        After `- ` (compact), the text may start a collection; after `key: ` it may not (`key: - a` and `key: a: b`
        are errors, which _scalar refuses). A value below may be a sequence at col itself (indentless).
        """
        line = self.lines[i]
        if start < len(line) and line[start] != "#":
            if compact:
                return self._node(i, start, col, depth + 1)
            return self._scalar(i, start, col, depth + 1)
        return self._below(i, col, depth, indentless)

    def _below(self, i: int, col: int, depth: int, indentless: bool) -> tuple[Any, int, int]:
        """The value of an entry at col on line i whose line holds nothing more: what the lines below hold."""
        j, indent = self._skip(i + 1)
        if indent > col:
            return self._node(j, indent, col, depth + 1)
        if indent == col and indentless and _is_entry(self.lines[j], col):
            return self._sequence(j, col, depth + 1)
        return None, j, indent  # an empty value, which pyyaml resolves to null

    # ------------------------------------------------------------------------------------------------- scalars

    def _scalar(self, i: int, col: int, parent: int, depth: int) -> tuple[Any, int, int]:
        line = self.lines[i]
        first = line[col]
        if first == "'" or first == '"':
            text, i, end = self._quoted(i, col, parent)
            self._line_end(self.lines[i], end)
            return (text, *self._skip(i + 1))
        if first == "[" or first == "{":
            data, end = self._flow(line, col, i, depth)
            self._line_end(line, end)
            return (data, *self._skip(i + 1))
        if first == "|" or first == ">":
            text, i = self._block(i, col, parent)
            return (text, *self._skip(i))
        if first in _NOT_PLAIN or _is_entry(line, col):
            raise Unsupported
        return self._plain(i, col, parent)

    @staticmethod
    def _line_end(line: str, end: int) -> None:
        if _LINE_END.fullmatch(line, end) is None:
            raise Unsupported

    def _resolve(self, text: str) -> Any:
        if text[0] not in _RESOLVABLE:
            return text
        plain = self.plain
        if text not in plain:
            plain[text] = _construct_plain(text)
        return plain[text]

    def _plain(self, i: int, col: int, parent: int) -> tuple[Any, int, int]:
        """A plain scalar, folded over the lines indented more than parent (a blank line is a line break)."""
        lines, count = self.lines, self.count
        line = lines[i]
        comment = line.find(" #", col)
        text = (line[col:comment] if comment >= 0 else line[col:]).rstrip(" ")
        if ": " in text or text[-1] == ":":  # a second key on the line: an error pyyaml reports
            raise Unsupported
        if comment >= 0:
            return (self._resolve(text), *self._skip(i + 1))
        parts = [text]
        blank = 0
        for i in range(i + 1, count):
            line = lines[i]
            content = line.lstrip(" ")
            if not content:
                blank += 1
                continue
            indent = len(line) - len(content)
            if content[0] == "#":
                return (self._resolve("".join(parts)), *self._skip(i))
            if indent <= parent:
                return self._resolve("".join(parts)), i, indent
            content = content.rstrip(" ")
            if " #" in content or ": " in content or content[-1] == ":":
                raise Unsupported
            parts.append("\n" * blank if blank else " ")
            parts.append(content)
            blank = 0
        return self._resolve("".join(parts)), count, -1

    def _quoted_end(self, line: str, col: int) -> int:
        """Where the quoted scalar opening at col closes on its line (after the quote), or -1."""
        quote = line[col]
        if quote == "'":
            end = line.find("'", col + 1)
            while end >= 0 and line.startswith("''", end):
                end = line.find("'", end + 2)
            return end + 1 if end >= 0 else -1
        try:
            _, end, _ = _double_line(line, col + 1)
        except Unsupported:
            return -1  # not a key then, and _scalar will refuse the escape
        return end + 1 if end >= 0 else -1

    @staticmethod
    def _one_line_quoted(line: str, col: int, end: int) -> str:
        if line[col] == "'":
            return line[col + 1 : end - 1].replace("''", "'")
        return _double_line(line, col + 1)[0]

    def _quoted(self, i: int, col: int, parent: int) -> tuple[str, int, int]:
        """A quoted scalar opening at col of line i: its text, the line it closes on and where it closes.

        Over several lines, as libyaml folds it: spaces around a line break go, the break becomes a space, or
        n newlines when n blank lines follow; in double quotes, a `\\` before the break removes the break.
        """
        lines, count = self.lines, self.count
        read_line = _single_line if lines[i][col] == "'" else _double_line
        text, end, escaped = read_line(lines[i], col + 1)
        parts = [text]
        blank = 0
        while end < 0:
            i += 1
            if i >= count:
                raise Unsupported
            line = lines[i]
            content = line.lstrip(" ")
            if not content:
                if i == count - 1:
                    raise Unsupported  # the text ends inside the quotes
                blank += 1
                continue
            indent = len(line) - len(content)
            if indent <= parent:  # libyaml may take it, but no emitter writes it
                raise Unsupported
            parts.append("\n" * blank if blank or escaped else " ")
            blank = 0
            text, end, escaped = read_line(line, indent)
            parts.append(text)
        return "".join(parts), i, end + 1

    def _block(self, i: int, col: int, parent: int) -> tuple[str, int]:
        """A literal (`|`) or folded (`>`) block scalar: libyaml's yaml_parser_scan_block_scalar, line by line."""
        header = _BLOCK_HEADER.fullmatch(self.lines[i], col)
        if header is None:
            raise Unsupported
        literal = self.lines[i][col] == "|"
        chomping = header.group(1) or header.group(4)
        increment = header.group(2) or header.group(3)
        indent = parent + int(increment) if increment else 0
        i, column, breaks, widest = self._block_breaks(i + 1, indent)
        if not indent:
            indent = max(widest, parent + 1, 1)
        lines, last = self.lines, self.count - 1
        chunks: list[str] = []
        leading_break = ""
        trailing_breaks = "\n" * breaks
        leading_blank = False
        while column == indent and i <= last and not (i == last and column == len(lines[i])):
            line = lines[i]
            trailing_blank = line[column] == " "
            if not literal and leading_break and not leading_blank and not trailing_blank:
                if not trailing_breaks:
                    chunks.append(" ")
            else:
                chunks.append(leading_break)
            chunks.append(trailing_breaks)
            leading_blank = trailing_blank
            chunks.append(line[column:])
            leading_break = "\n" if i < last else ""  # the last line has no break after it
            i, column, breaks, _ = self._block_breaks(i + 1, indent)
            trailing_breaks = "\n" * breaks
        if chomping != "-":
            chunks.append(leading_break)
        if chomping == "+":
            chunks.append(trailing_breaks)
        return "".join(chunks), i

    def _block_breaks(self, i: int, indent: int) -> tuple[int, int, int, int]:
        """libyaml's yaml_parser_scan_block_scalar_breaks: from line i, skip the indentation (up to indent, all of
        it while indent is 0, unknown) of empty lines. The first line with text (or the end), the column reached
        on it, the number of line breaks skipped and the widest indentation seen."""
        lines, last = self.lines, self.count - 1
        breaks = widest = column = 0
        while i <= last:
            line = lines[i]
            column = len(line) - len(line.lstrip(" "))
            if indent and column > indent:
                column = indent
            widest = max(widest, column)
            if column < len(line) or i == last:
                break
            breaks += 1
            i += 1
        return i, column, breaks, widest

    # ---------------------------------------------------------------------------------------------------- flow

    def _flow(self, line: str, col: int, i: int, depth: int) -> tuple[Any, int]:
        """A flow sequence or mapping that closes on its line; returns it and where it ends."""
        if depth > _MAX_NESTING:
            raise Unsupported
        closing = "]" if line[col] == "[" else "}"
        data: Any = [] if closing == "]" else {}
        at = _after_spaces(line, col + 1)
        if line.startswith(closing, at):
            return data, at + 1
        while True:
            if closing == "]":
                item, at = self._flow_node(line, at, i, depth)
                data.append(item)
            else:
                key, at = self._flow_key(line, at)
                if not line.startswith(": ", at):
                    raise Unsupported
                if key in data:
                    self.duplicates.append((data, key, i + 1))
                data[key], at = self._flow_node(line, _after_spaces(line, at + 2), i, depth)
            at = _after_spaces(line, at)
            if line.startswith(closing, at):
                return data, at + 1
            if not line.startswith(",", at):
                raise Unsupported  # includes `[a: b]` (a mapping) and a flow collection going on below
            at = _after_spaces(line, at + 1)

    def _flow_node(self, line: str, at: int, i: int, depth: int) -> tuple[Any, int]:
        first = line[at : at + 1]
        if first == "[" or first == "{":
            return self._flow(line, at, i, depth + 1)
        if first == "'" or first == '"':
            end = self._quoted_end(line, at)
            if end < 0:
                raise Unsupported
            return self._one_line_quoted(line, at, end), end
        match = _FLOW_PLAIN.match(line, at)
        if match is None:
            raise Unsupported
        return self._resolve(match.group()), match.end()

    def _flow_key(self, line: str, at: int) -> tuple[str, int]:
        first = line[at : at + 1]
        if first == "'" or first == '"':
            end = self._quoted_end(line, at)
            key = self._one_line_quoted(line, at, end) if end >= 0 else None
        else:
            match = _FLOW_PLAIN.match(line, at)
            end, key = (match.end(), match.group()) if match else (-1, None)
        if key is None:
            raise Unsupported
        colon = _after_spaces(line, end)
        return _simple_key(key, colon - at, first not in ("'", '"')), colon


def _single_line(line: str, start: int) -> tuple[str, int, bool]:
    """Single-quoted text from start to the closing quote (its index) or to the end of the line (-1, and the spaces
    before the line break dropped). The third item is always False: single quotes have no escaped line breaks."""
    end = line.find("'", start)
    while end >= 0 and line.startswith("''", end):
        end = line.find("'", end + 2)
    text = line[start:end] if end >= 0 else line[start:].rstrip(" ")
    return text.replace("''", "'"), end, False


def _double_line(line: str, start: int) -> tuple[str, int, bool]:
    """Double-quoted text from start with its escapes, to the closing quote (its index) or to the end of the line
    (-1; the third item tells whether a `\\` escaped the line break, else the spaces before it are dropped)."""
    parts = []
    at = start
    while True:
        run = cast("re.Match[str]", _DOUBLE_RUN.match(line, at)).end()  # it matches anywhere
        if run == len(line):
            parts.append(line[at:run].rstrip(" "))
            return "".join(parts), -1, False
        parts.append(line[at:run])
        if line[run] == '"':
            return "".join(parts), run, False
        if run + 1 == len(line):
            return "".join(parts), -1, True
        escape = line[run + 1]
        if escape in _ESCAPES:
            parts.append(_ESCAPES[escape])
            at = run + 2
            continue
        width = _HEX_WIDTH.get(escape)
        digits = line[run + 2 : run + 2 + width] if width else ""
        if not width or len(digits) != width or _HEX.fullmatch(digits) is None:
            raise Unsupported
        code = int(digits, 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            raise Unsupported  # libyaml refuses these
        parts.append(chr(code))
        at = run + 2 + width
