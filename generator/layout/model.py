"""black's model of a line: leaves, the brackets and delimiters between them, magic trailing commas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional


class Unsupported(Exception):
    """The file holds a statement this package does not lay out."""


class CannotSplit(Exception):
    pass


LINE_LENGTH = 88


# Leaf types.
NAME, STRING, NUMBER, LPAR, RPAR, LSQB, RSQB, LBRACE, RBRACE, COMMA, COLON, EQUAL, DOT, ARROW, STAR, DSTAR, OTHER = (
    range(17)
)
OPENING = frozenset({LPAR, LSQB, LBRACE})
CLOSING = frozenset({RPAR, RSQB, RBRACE})
BRACKETS = OPENING | CLOSING
MATCH = {LPAR: RPAR, LSQB: RSQB, LBRACE: RBRACE}
COMMA_PRIORITY = 18
DOT_PRIORITY = 1

# Parents of an opening bracket, as far as black's decisions depend on them.
ATOM, TRAILER, PARAMS, CLASS, IMPORT = range(5)


class Leaf:
    __slots__ = ("type", "value", "prefix", "original_prefix", "depth", "opening", "parent", "annotation", "multiline")

    def __init__(self, type: int, value: str, prefix: str = "", parent: int = ATOM) -> None:
        self.type = type
        self.value = value
        self.prefix = prefix
        self.original_prefix = prefix  # black's whitespace before the leaf in the one-line statement
        self.depth = 0  # bracket depth, set when a line marks the leaf (black's `bracket_depth`)
        self.opening: Optional[Leaf] = None  # for a closing bracket: its opening bracket, once matched
        self.parent = parent  # for an opening bracket: what kind of node the brackets belong to
        self.annotation = False  # a comma inside a parameter's annotation
        self.multiline = type == STRING and "\n" in value

    def __str__(self) -> str:
        return self.prefix + self.value


def str_width(text: str) -> int:
    if text.isascii():
        return len(text)
    raise Unsupported("non-ASCII text in a statement whose layout depends on its width")


class Tracker:
    """Bracket depths and the delimiters at depth 0 of one line (black's BracketTracker)."""

    __slots__ = ("depth", "match", "delimiters", "previous", "invisible", "lambdas")

    def __init__(self) -> None:
        self.depth = 0
        self.match: dict[tuple[int, int], Leaf] = {}
        self.delimiters: dict[int, int] = {}
        self.previous: Optional[Leaf] = None
        self.invisible: list[Leaf] = []
        self.lambdas: list[int] = []

    def mark(self, leaf: Leaf) -> None:
        kind = leaf.type
        depth = self.depth
        if kind in CLOSING:
            if depth == 0 and (0, kind) not in self.match:
                return
            depth -= 1
            opening = self.match.pop((depth, kind), None)
            if opening is None:
                raise Unsupported("unbalanced brackets")
            leaf.opening = opening
            if not leaf.value:
                self.invisible.append(leaf)
        elif kind == COLON and self.lambdas and depth == self.lambdas[-1]:
            depth -= 1
            self.lambdas.pop()
        leaf.depth = depth
        if depth == 0:
            previous = self.previous
            if kind == DOT and (previous is None or previous.type in CLOSING):
                if previous is not None:
                    self.delimiters[id(previous)] = DOT_PRIORITY
            elif kind == COMMA:
                self.delimiters[id(leaf)] = COMMA_PRIORITY
        if kind in OPENING:
            self.match[(depth, MATCH[kind])] = leaf
            depth += 1
            if not leaf.value:
                self.invisible.append(leaf)
        elif kind == NAME and leaf.value == "lambda":
            depth += 1
            self.lambdas.append(depth)
        self.depth = depth
        self.previous = leaf

    def max_priority(self, exclude: frozenset[int] = frozenset()) -> int:
        priorities = [p for k, p in self.delimiters.items() if k not in exclude]
        if not priorities:
            raise ValueError("no delimiters")
        return max(priorities)

    def count(self, priority: int) -> int:
        return sum(1 for p in self.delimiters.values() if p == priority)


class Line:
    __slots__ = ("depth", "leaves", "tracker", "inside_brackets", "should_split_rhs", "magic_trailing_comma")

    def __init__(self, depth: int, inside_brackets: bool = False) -> None:
        self.depth = depth
        self.leaves: list[Leaf] = []
        self.tracker = Tracker()
        self.inside_brackets = inside_brackets
        self.should_split_rhs = False
        self.magic_trailing_comma: Optional[Leaf] = None

    def append(self, leaf: Leaf, preformatted: bool = False, track: bool = False) -> None:
        if self.inside_brackets or not preformatted or track:
            self.tracker.mark(leaf)
            leaves = self.leaves
            if leaf.type in CLOSING and leaves and leaves[-1].type == COMMA and self.has_magic_trailing_comma(leaf):
                self.magic_trailing_comma = leaf
        self.leaves.append(leaf)

    def has_magic_trailing_comma(self, closing: Leaf) -> bool:
        if not (closing.type in CLOSING and self.leaves and self.leaves[-1].type == COMMA):
            return False
        if closing.type == RBRACE:
            return True
        opening = closing.opening
        if closing.type == RSQB:
            if (
                opening is not None
                and opening.parent == TRAILER
                and _one_sequence_between(opening, closing, self.leaves, (LSQB, RSQB))
            ):
                return False
            return True
        if self.is_import:
            return True
        return opening is not None and not _one_sequence_between(opening, closing, self.leaves)

    @property
    def is_import(self) -> bool:
        return bool(self.leaves) and self.leaves[0].type == NAME and self.leaves[0].value in ("import", "from")

    @property
    def is_def(self) -> bool:
        if not self.leaves:
            return False
        first = self.leaves[0]
        if first.type == NAME and first.value == "def":
            return True
        return (
            first.type == NAME
            and first.value == "async"
            and len(self.leaves) > 1
            and self.leaves[1].type == NAME
            and self.leaves[1].value == "def"
        )

    @property
    def is_chained_assignment(self) -> bool:
        return sum(1 for leaf in self.leaves if leaf.type == EQUAL) > 1

    def __bool__(self) -> bool:
        return bool(self.leaves)

    def __str__(self) -> str:
        first = self.leaves[0]
        return first.prefix + "    " * self.depth + first.value + "".join(map(str, self.leaves[1:]))

    def enumerate_with_length(self, reverse: bool = False) -> Iterator[tuple[int, Leaf, int]]:
        indices = range(len(self.leaves) - 1, -1, -1) if reverse else range(len(self.leaves))
        for index in indices:
            leaf = self.leaves[index]
            if "\n" in leaf.value:
                return
            yield index, leaf, len(leaf.prefix) + len(leaf.value)

    def contains_multiline_strings(self) -> bool:
        return any(leaf.multiline for leaf in self.leaves)


def _one_sequence_between(
    opening: Leaf, closing: Leaf, leaves: list[Leaf], brackets: tuple[int, int] = (LPAR, RPAR)
) -> bool:
    if (opening.type, closing.type) != brackets:
        return False
    depth = closing.depth + 1
    try:
        start = next(i for i, leaf in enumerate(leaves) if leaf is opening)
    except StopIteration:
        return False
    commas = 0
    for leaf in leaves[start + 1 :]:
        if leaf is closing:
            break
        if leaf.depth == depth and leaf.type == COMMA:
            commas += 1
            if opening.parent in (TRAILER, PARAMS, CLASS) and opening.type == LPAR:
                commas += 1  # a comma of an argument list: never a one-tuple
                break
    return commas < 2


def is_short_enough(line: Line, line_str: str = "") -> bool:
    line_str = line_str or str(line)
    if "\n" in line_str:
        return False
    return str_width(line_str) <= LINE_LENGTH
