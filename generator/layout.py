"""Stage 4a: black's layout, computed directly for the code gen's own templates emit.

black takes two thirds of a cold build while nearly every line gen emits is already in its final form: the templates
write black's spacing, quotes and blank lines, and spec text only lands in strings and docstrings. What is left is
what depends on the spec: which statements outgrow 88 columns and how black splits them, and how docstrings are
re-indented. This module reproduces exactly those decisions: the right-hand, left-hand and delimiter splits of
black's stable style (black 26, default mode), for statements made of names, literals, brackets, commas, `=`, `:`,
`->`, attribute dots and argument-free lambdas.

A statement outside that subset that black would have to split (an operator, a comment or a multi-line string inside
it, a comprehension, non-ASCII text near the limit, ...) raises `Unsupported`, and the caller gives the whole file to
black instead. Being right is not left to reasoning: the tests lay out every file of every golden case, the corpus
and the property examples, and check that the result is what black makes of it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Optional

LINE_LENGTH = 88


class Unsupported(Exception):
    """The file holds a statement this module does not lay out."""


class CannotSplit(Exception):
    pass


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


# --- transforms (black's linegen) -------------------------------------------------------------------------------


def transform_line(line: Line, force: bool = False) -> list[Line]:
    """`force`: black's FORCE_OPTIONAL_PARENTHESES, its second opinion on a statement that stays too long."""
    line_str = str(line)
    if not line.should_split_rhs and not line.magic_trailing_comma and is_short_enough(line, line_str):
        return [line]
    if line.contains_multiline_strings():
        raise Unsupported("multi-line string inside a statement to split")
    if line.is_def and not _split_funcdef_with_rhs(line):
        transformers = [left_hand_split]
    elif line.inside_brackets:
        transformers = [delimiter_split, rhs_with_omits]
    else:
        transformers = [rhs_with_omits]
    for transform in transformers:
        try:
            return _run_transformer(line, transform, line_str, force)
        except CannotSplit:
            continue
    return [line]


def _run_transformer(line: Line, transform, line_str: str, force: bool) -> list[Line]:  # type: ignore[no-untyped-def]
    result: list[Line] = []
    for transformed in transform(line, force):
        if str(transformed) == line_str:
            raise CannotSplit("unchanged result")
        result.extend(transform_line(transformed, force))
    if (
        force
        or transform is not rhs_with_omits
        or not line.tracker.invisible
        or any(b.value for b in line.tracker.invisible if b.depth == 0)
        or line.contains_multiline_strings()
        or is_short_enough(result[0])
    ):
        return result
    # The first line is still too long: black's second opinion, keeping the optional parentheses.
    copy = Line(line.depth, line.inside_brackets)
    for leaf in line.leaves:
        fresh = Leaf(leaf.type, leaf.value, leaf.original_prefix, leaf.parent)
        fresh.annotation = leaf.annotation
        copy.append(fresh)
    second = _run_transformer(copy, transform, line_str, True)
    if all(is_short_enough(ln) for ln in second):
        return second
    return result


def _split_funcdef_with_rhs(line: Line) -> bool:
    leaves: list[Leaf] = []
    inside = False
    for leaf in line.leaves:
        if leaf.type == COLON:
            inside = False
        if inside:
            leaves.append(leaf)
        if leaf.type == ARROW:
            inside = True
    result = Line(line.depth)
    tracked = _inside_matching_brackets(leaves)
    for leaf in leaves:
        result.append(leaf, preformatted=True, track=id(leaf) in tracked)
    first = next((leaf for leaf in leaves if leaf.value), None)
    if result.magic_trailing_comma is not None:
        return True
    return first is not None and first.type == STRING and not is_short_enough(result)


def left_hand_split(line: Line, force: bool = False) -> Iterator[Line]:
    for bracket_type in (LPAR, LSQB):
        head: list[Leaf] = []
        body: list[Leaf] = []
        tail: list[Leaf] = []
        current = head
        matching: Optional[Leaf] = None
        for leaf in line.leaves:
            if current is body and leaf.type in CLOSING and leaf.opening is matching and matching is not None:
                _ensure_visible(leaf)
                _ensure_visible(matching)
                current = tail if body else head
            current.append(leaf)
            if current is head and leaf.type == bracket_type:
                matching = leaf
                current = body
        if matching is not None and tail:
            break
    if matching is None or not tail:
        raise CannotSplit("no brackets")
    head_line = _build_line(head, line, matching, "head")
    body_line = _build_line(body, line, matching, "body")
    tail_line = _build_line(tail, line, matching, "tail")
    _succeeded_or_raise(head_line, body_line, tail_line)
    for result in (head_line, body_line, tail_line):
        if result:
            yield result


class RHS:
    __slots__ = ("head", "body", "tail", "opening", "closing")

    def __init__(self, head: Line, body: Line, tail: Line, opening: Leaf, closing: Leaf) -> None:
        self.head, self.body, self.tail, self.opening, self.closing = head, body, tail, opening, closing


def right_hand_split(line: Line, omit: frozenset[int] = frozenset(), force: bool = False) -> Iterator[Line]:
    rhs = _first_right_hand_split(line, omit)
    yield from _maybe_split_omitting_optional_parens(rhs, line, omit, force)


def rhs_with_omits(line: Line, force: bool = False) -> Iterator[Line]:
    first_lines: Optional[list[Line]] = None
    prefix_lengths: dict[int, int] = {}
    length = 4 * line.depth
    for leaf in line.leaves:
        prefix_lengths[id(leaf)] = length
        length += len(leaf.prefix) + len(leaf.value)
    for omit in _trailers_to_omit(line):
        if omit:
            target: Optional[Leaf] = None
            for leaf in reversed(line.leaves):
                if leaf.type in CLOSING and id(leaf) not in omit:
                    target = leaf.opening
                    break
            if target is not None and target.value and prefix_lengths.get(id(target), 0) > LINE_LENGTH:
                continue
        lines = list(right_hand_split(line, omit, force))
        if first_lines is None and not omit:
            first_lines = lines
        if is_short_enough(lines[0]):
            yield from lines
            return
    if first_lines is not None:
        yield from first_lines
    else:
        yield from right_hand_split(line, force=force)


def _first_right_hand_split(line: Line, omit: frozenset[int] = frozenset()) -> RHS:
    tail: list[Leaf] = []
    body: list[Leaf] = []
    head: list[Leaf] = []
    current = tail
    opening: Optional[Leaf] = None
    closing: Optional[Leaf] = None
    for leaf in reversed(line.leaves):
        if current is body and leaf is opening:
            current = head if body else tail
        current.append(leaf)
        if current is tail and leaf.type in CLOSING and id(leaf) not in omit:
            opening = leaf.opening
            closing = leaf
            current = body
    if opening is None or closing is None or not head:
        raise CannotSplit("no brackets")
    tail.reverse()
    body.reverse()
    head.reverse()
    head_line = _build_line(head, line, opening, "head")
    body_line = _build_line(body, line, opening, "body")
    tail_line = _build_line(tail, line, opening, "tail")
    _succeeded_or_raise(head_line, body_line, tail_line)
    return RHS(head_line, body_line, tail_line, opening, closing)


def _maybe_split_omitting_optional_parens(rhs: RHS, line: Line, omit: frozenset[int], force: bool) -> Iterator[Line]:
    if (
        not force
        and rhs.opening.type == LPAR
        and not rhs.opening.value
        and rhs.closing.type == RPAR
        and not rhs.closing.value
        and not line.is_import
        and _can_omit_invisible_parens(rhs)
    ):
        omit = frozenset({id(rhs.closing), *omit})
        try:
            rhs_oop = _first_right_hand_split(line, omit)
            if _prefer_split_rhs_oop(rhs_oop, rhs):
                yield from _maybe_split_omitting_optional_parens(rhs_oop, line, omit, force)
                return
        except CannotSplit as error:
            if line.is_chained_assignment:
                pass
            elif not _can_be_split(rhs.body) and not is_short_enough(rhs.body):
                raise CannotSplit("body still too long") from error
            elif rhs.head.contains_multiline_strings() or rhs.tail.contains_multiline_strings():
                raise CannotSplit("multi-line strings") from error
    _ensure_visible(rhs.opening)
    _ensure_visible(rhs.closing)
    for result in (rhs.head, rhs.body, rhs.tail):
        if result:
            yield result


def _prefer_split_rhs_oop(rhs_oop: RHS, rhs: RHS) -> bool:
    if not (len(rhs.head.leaves) >= 2 and rhs.head.leaves[-2].type == EQUAL):
        return True
    if not any(leaf.type in BRACKETS for leaf in rhs.head.leaves[:-1]):
        return True
    if not (str_width(str(rhs.head)) <= LINE_LENGTH - 1):
        return True
    if rhs.head.magic_trailing_comma is not None:
        return True
    head_equals = sum(1 for leaf in rhs.head.leaves if leaf.type == EQUAL)
    oop_head_equals = sum(1 for leaf in rhs_oop.head.leaves if leaf.type == EQUAL)
    if head_equals > 1 and head_equals > oop_head_equals:
        return False
    closing_after_assign = False
    for leaf in reversed(rhs_oop.head.leaves):
        if leaf.type == EQUAL:
            break
        if leaf.type in CLOSING:
            closing_after_assign = True
            break
    return closing_after_assign or (
        any(leaf.type == EQUAL for leaf in rhs_oop.head.leaves) and is_short_enough(rhs_oop.head)
    )


def _can_omit_invisible_parens(rhs: RHS) -> bool:
    line = rhs.body
    tracker = line.tracker
    if not tracker.delimiters:
        return True
    priority = tracker.max_priority()
    count = tracker.count(priority)
    if count > 1:
        return False
    if priority == DOT_PRIORITY:
        return True
    first, second = line.leaves[0], line.leaves[1]
    if first.type in OPENING and second.type not in CLOSING and _can_omit_opening_paren(line, first):
        return True
    penultimate, last = line.leaves[-2], line.leaves[-1]
    if last.type in (RPAR, RBRACE) or (
        last.type == RSQB and last.opening is not None and last.opening.parent != TRAILER
    ):
        if penultimate.type in OPENING:
            return False
        if first.multiline:
            return True
        if _can_omit_closing_paren(line, last):
            return True
    return False


def _can_omit_opening_paren(line: Line, first: Leaf) -> bool:
    remainder = False
    length = 4 * line.depth
    index = -1
    for index, leaf, leaf_length in line.enumerate_with_length():
        if leaf.type in CLOSING and leaf.opening is first:
            remainder = True
        if remainder:
            length += leaf_length
            if length > LINE_LENGTH:
                break
            if leaf.type in OPENING:
                remainder = False
    else:
        if len(line.leaves) == index + 1:
            return True
    return False


def _can_omit_closing_paren(line: Line, last: Leaf) -> bool:
    length = 4 * line.depth
    seen_other_brackets = False
    for _, leaf, leaf_length in line.enumerate_with_length():
        length += leaf_length
        if leaf is last.opening:
            if seen_other_brackets or length <= LINE_LENGTH:
                return True
        elif leaf.type in OPENING:
            seen_other_brackets = True
    return False


def _can_be_split(line: Line) -> bool:
    leaves = line.leaves
    if len(leaves) < 2:
        return False
    if leaves[0].type == STRING and leaves[1].type == DOT:
        calls = dots = 0
        following = leaves[-1]
        for leaf in leaves[-2::-1]:
            if leaf.type in OPENING:
                if following.type not in CLOSING:
                    return False
                calls += 1
            elif leaf.type == DOT:
                dots += 1
            elif leaf.type == NAME:
                if not (following.type == DOT or following.type in OPENING):
                    return False
            elif leaf.type not in CLOSING:
                return False
            if dots > 1 and calls > 1:
                return False
            following = leaf
    return True


def _succeeded_or_raise(head: Line, body: Line, tail: Line) -> None:
    tail_len = len(str(tail).strip()) if tail else 0
    if not body:
        if tail_len == 0:
            raise CannotSplit("same line")
        if tail_len < 3:
            raise CannotSplit("not worth it")


def _ensure_trailing_comma(leaves: list[Leaf], original: Line, opening: Leaf) -> bool:
    if not leaves:
        return False
    if original.is_import:
        return True
    if not original.is_def:
        return False
    if opening.value != "(":
        return False
    if any(leaf.type == COMMA and not leaf.annotation for leaf in leaves):
        return False
    if opening.parent != PARAMS:
        return False  # the brackets of a return annotation
    return True


def _build_line(leaves: list[Leaf], original: Line, opening: Leaf, component: str) -> Line:
    result = Line(original.depth)
    if component == "body":
        result.inside_brackets = True
        result.depth += 1
        if _ensure_trailing_comma(leaves, original, opening):
            if leaves[-1].type != COMMA:
                leaves.append(Leaf(COMMA, ","))
    tracked = _inside_matching_brackets(leaves) if component == "head" else set()
    for leaf in leaves:
        result.append(leaf, preformatted=True, track=id(leaf) in tracked)
    if component == "body" and _should_split_line(result, opening):
        result.should_split_rhs = True
    return result


def _inside_matching_brackets(leaves: list[Leaf]) -> set[int]:
    ids: set[int] = set()
    stack: list[tuple[int, list[int]]] = []
    started = False
    for leaf in leaves:
        if not started:
            if leaf.type not in OPENING:
                continue
            started = True
        if leaf.type in OPENING:
            stack.append((MATCH[leaf.type], [id(leaf)]))
        elif leaf.type in CLOSING:
            if stack and leaf.type == stack[-1][0]:
                _, level = stack.pop()
                level.append(id(leaf))
                ids.update(level)
            else:
                stack.clear()  # black resets on a closing bracket that matches nothing
        elif stack:
            stack[-1][1].append(id(leaf))
    return ids


def _should_split_line(line: Line, opening: Leaf) -> bool:
    if opening.value not in "[{(":
        return False
    exclude: frozenset[int] = frozenset()
    trailing_comma = False
    if not line.leaves:
        return False
    last = line.leaves[-1]
    if last.type == COMMA:
        trailing_comma = True
        exclude = frozenset({id(last)})
    try:
        priority = line.tracker.max_priority(exclude)
    except ValueError:
        return False
    return priority == COMMA_PRIORITY and (trailing_comma or opening.parent in (ATOM, IMPORT))


def _trailers_to_omit(line: Line) -> Iterator[frozenset[int]]:
    omit: set[int] = set()
    if not line.magic_trailing_comma:
        yield frozenset(omit)
    length = 4 * line.depth
    opening: Optional[Leaf] = None
    closing: Optional[Leaf] = None
    inner: set[int] = set()
    for index, leaf, leaf_length in line.enumerate_with_length(reverse=True):
        length += leaf_length
        if length > LINE_LENGTH:
            break
        if opening is not None:
            if leaf is opening:
                opening = None
            elif leaf.type in CLOSING:
                if _has_trailing_comma(line, index, leaf):
                    break
                inner.add(id(leaf))
        elif leaf.type in CLOSING:
            prev = line.leaves[index - 1] if index > 0 else None
            if prev is not None and prev.type in OPENING:
                inner.add(id(leaf))
                continue
            if closing is not None:
                omit.add(id(closing))
                omit.update(inner)
                inner.clear()
                yield frozenset(omit)
            if _has_trailing_comma(line, index, leaf):
                break
            if leaf.value:
                opening = leaf.opening
                closing = leaf


def _has_trailing_comma(line: Line, index: int, closing: Leaf) -> bool:
    """Brackets that end in a comma (not a one-tuple's) must explode: black never omits them."""
    prev = line.leaves[index - 1] if index > 0 else None
    return (
        prev is not None
        and prev.type == COMMA
        and closing.opening is not None
        and not _one_sequence_between(closing.opening, closing, line.leaves)
    )


def delimiter_split(line: Line, force: bool = False) -> Iterator[Line]:
    if not line.leaves:
        raise CannotSplit("empty line")
    last = line.leaves[-1]
    tracker = line.tracker
    try:
        priority = tracker.max_priority(frozenset({id(last)}))
    except ValueError:
        raise CannotSplit("no delimiters") from None
    if priority == DOT_PRIORITY and tracker.count(priority) == 1:
        raise CannotSplit("a single attribute")
    current = Line(line.depth, line.inside_brackets)
    lowest_depth = sys.maxsize
    star = False
    for leaf in line.leaves:
        current.append(leaf, preformatted=True)
        lowest_depth = min(lowest_depth, leaf.depth)
        if leaf.depth == lowest_depth and leaf.type in (STAR, DSTAR):
            star = True
        if tracker.delimiters.get(id(leaf)) == priority:
            current.leaves[0].prefix = ""
            yield current
            current = Line(line.depth, line.inside_brackets)
    if current:
        if priority == COMMA_PRIORITY and current.leaves[-1].type != COMMA:
            if star:
                # Whether black adds this comma after *args depends on the Python versions it infers from the file.
                raise Unsupported("a trailing comma after star arguments")
            current.append(Leaf(COMMA, ","), preformatted=True)
        current.leaves[0].prefix = ""
        yield current


def _ensure_visible(leaf: Leaf) -> None:
    if leaf.type == LPAR:
        leaf.value = "("
    elif leaf.type == RPAR:
        leaf.value = ")"


# --- from source text to lines ------------------------------------------------------------------------------------


def layout(text: str) -> str:
    """black's output for `text`, which must already be black-formatted except for split statements, docstring
    indentation and the blank lines after imports. Raises Unsupported where the text leaves the modelled subset."""
    out: list[str] = []
    previous_opens_block = True  # the first statement of a module is a docstring position too
    blanks: list[str] = []
    after_import: Optional[int] = None  # the depth of the import just before, with nothing else in between
    for kind, raw, tokens in _statements(text):
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
            out.append(_docstring(value, depth) if previous_opens_block else raw)  # black leaves other strings alone
            previous_opens_block = False
            continue
        if kind == "exploded" and is_import and "\n" not in raw:
            lines = _split_import_text(raw, depth)
            if lines is not None:
                out.extend(lines)
                previous_opens_block = False
                continue
        if kind == "exploded":
            lines = _exploded(raw, depth)
            if lines is not None:
                out.extend(lines)
                previous_opens_block = raw.endswith(":")
                continue
            tokens = _tokenize(raw, 0)[0]
        comment = tokens[-1].type == OTHER and tokens[-1].value.startswith("#")
        code = tokens[:-1] if comment else tokens
        if len(code) == 1 and code[0].type == STRING and not comment:
            if previous_opens_block:
                if code[0].value[:3] != '"""':
                    raise Unsupported("a docstring in another spelling than triple double quotes")
                out.append(_docstring(code[0].value, depth))
            else:
                out.append(raw)  # black leaves a lone string alone, however long
        elif "\n" not in raw and len(raw) <= LINE_LENGTH and raw.isascii() and not _has_magic_comma(code):
            out.append(raw)
        elif comment:
            if not is_import or not code[0].value == "from":
                raise Unsupported("a statement to split carries a comment")
            # black keeps the comment of a split import after its closing parenthesis.
            lines = _split_import(code, depth) or [str(line) for line in transform_line(_statement(code, depth))]
            lines[-1] += "  " + tokens[-1].value
            out.extend(lines)
        else:
            lines = _split_import(code, depth) if is_import else _exploded(raw, depth)
            out.extend(lines or (str(line) for line in transform_line(_statement(code, depth))))
        previous_opens_block = code[-1].type == COLON
    return "\n".join(out).rstrip("\n") + "\n"


_IMPORT = re.compile(r" *from ([\w.]+) import (\w+(?: as \w+)?(?:, \w+(?: as \w+)?)*)$")


def _split_import_text(raw: str, depth: int) -> Optional[list[str]]:
    """_split_import, read off the text of a plain one-line import."""
    match = _IMPORT.match(raw)
    if match is None or not raw.isascii():
        return None
    indent = "    " * depth
    names = match.group(2).split(", ")
    return [f"{indent}from {match.group(1)} import (", *(f"{indent}    {name}," for name in names), indent + ")"]


def _split_import(code: list[Leaf], depth: int) -> Optional[list[str]]:
    """What the transforms make of `from module import a, b as c` (a third of all statements split): black
    parenthesizes the names and puts each on its own line, with a trailing comma, whatever their length."""
    if code[0].value != "from":
        return None
    index = next((i for i, leaf in enumerate(code) if leaf.type == NAME and leaf.value == "import"), None)
    if index is None or index + 1 >= len(code):
        return None
    names: list[str] = []
    current: list[str] = []
    for leaf in code[index + 1 :]:
        if leaf.type == COMMA:
            if not current:
                return None
            names.append(" ".join(current))
            current = []
        elif leaf.type == NAME:
            current.append(leaf.value)
        else:
            return None  # parentheses, a star: the transforms decide
    if current:
        names.append(" ".join(current))
    indent = "    " * depth
    if any(len(name.split()) not in (1, 3) for name in names):
        return None
    module = "".join(str(leaf) for leaf in code[1:index]).strip()
    head = f"{indent}from {module} import ("
    return [head, *(f"{indent}    {name}," for name in names), indent + ")"]


_EXPLODED_HEAD = re.compile(r"(?:(?:async )?def [A-Za-z_]\w*|return (?:await )?[A-Za-z_][\w.]*)\($")


def _exploded(raw: str, depth: int) -> Optional[list[str]]:
    """A def, or a `return` of a call, that the template already wrote one argument per line with a trailing comma,
    every line fitting: the transforms split it exactly there (the magic trailing comma), so it stays as it is.
    Anything else about it, and the transforms decide."""
    lines = raw.split("\n")
    if len(lines) < 3:
        return None
    indent = "    " * depth
    head, items, tail = lines[0], lines[1:-1], lines[-1]
    if not _EXPLODED_HEAD.match(head, len(indent)) or len(head) > LINE_LENGTH or not head.isascii():
        return None
    if head[len(indent)] == "r":
        if tail != indent + ")":
            return None
    elif not (
        tail.startswith(indent + ") -> ")
        and tail.endswith(":")
        and len(tail) <= LINE_LENGTH
        and _simple(tail[len(indent) + 1 : -1], 0)
    ):
        return None
    inner = indent + "    "
    out = [head]
    for item in items:
        if not item.startswith(inner) or item[len(inner)] == " " or not item.endswith(","):
            return None
        if _simple(item, 1):
            out.append(item)
            continue
        # An argument that is long, or explodes itself: what delimiter_split hands on, transformed on its own.
        leaves, end = _tokenize(item, 0)
        if end != len(item) or any(leaf.type == OTHER for leaf in leaves) or _top_level_commas(leaves) != 1:
            return None
        line = _bracket_parents(leaves, Line(depth + 1, inside_brackets=True))
        out.extend(str(each) for each in transform_line(line))
    out.append(tail)
    return out


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
    if len(text) > LINE_LENGTH or "#" in text or not text.isascii() or _TRIPLE[0] in text or _TRIPLE[1] in text:
        return False
    bare = _ONE_LINE_STRING.sub('""', text) if ('"' in text or "'" in text) else text
    if bare.count('"') % 2 or "'" in bare or "\\" in bare or _MAGIC_COMMA.search(bare):
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


def _capped(blanks: list[str], line: str) -> list[str]:
    """black keeps at most two blank lines at module level and one inside a block."""
    return blanks[: 2 if line[:1] not in (" ", "\t") else 1]


# One-line strings, to look past them when checking that a line is a whole statement black keeps as it is.
_ONE_LINE_STRING = re.compile(r"""[rRbBuUfF]{0,2}(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""")
_MAGIC_COMMA = re.compile(r",\s*[)\]}]")
_TRIPLE = ('"""', "'''")
# A statement that is nothing but a triple-double-quoted string (a docstring, or a field's description).
_LONE_STRING = re.compile(r' *"""(?:[^"\\]|\\.|"(?!""))*""" *(?=\n|\Z)')


def _statements(text: str) -> Iterator[tuple[str, str, list[Leaf]]]:
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
        if stripped.startswith(_TRIPLE[0]):
            match = _LONE_STRING.match(text, pos)
            if match is not None:
                yield "string", text[pos : match.end()], []
                pos = match.end() + 1
                continue
        if len(line) <= LINE_LENGTH and "#" not in line and _TRIPLE[0] not in line and _TRIPLE[1] not in line:
            bare = _ONE_LINE_STRING.sub('""', line) if ('"' in line or "'" in line) else line
            if (
                bare.strip() != '""'  # a lone string may be a docstring
                and line.isascii()
                and bare.count('"') % 2 == 0
                and "'" not in bare
                and "\\" not in bare
                and bare.count("(") == bare.count(")")
                and bare.count("[") == bare.count("]")
                and bare.count("{") == bare.count("}")
                and not _MAGIC_COMMA.search(bare)
            ):
                yield "simple", line, []
                pos = line_end + 1
                continue
        end_of_statement = _balanced_end(text, pos, line_end)
        if end_of_statement is not None:
            yield "exploded", text[pos:end_of_statement], []  # leaves only when needed: most need none
            pos = end_of_statement + 1
            continue
        start = pos
        leaves, pos = _tokenize(text, pos)
        yield "code", text[start:pos], leaves
        pos += 1  # the newline that ends the statement


def _balanced_end(text: str, pos: int, line_end: int) -> Optional[int]:
    """Where a statement that opens brackets on its first line and closes them on a later one ends, found from
    bracket counts alone; None for anything else (strings across lines, comments, continuations)."""
    depth = 0
    while True:
        line = text[pos:line_end]
        if "#" in line or "\\" in line or _TRIPLE[0] in line or _TRIPLE[1] in line:
            return None
        bare = _ONE_LINE_STRING.sub('""', line) if ('"' in line or "'" in line) else line
        if bare.count('"') % 2 or "'" in bare:
            return None
        depth += bare.count("(") + bare.count("[") + bare.count("{")
        depth -= bare.count(")") + bare.count("]") + bare.count("}")
        if depth <= 0:
            return line_end if depth == 0 else None
        if line_end >= len(text):
            return None
        pos = line_end + 1
        newline = text.find("\n", pos)
        line_end = len(text) if newline < 0 else newline


def _tokenize(source: str, pos: int) -> tuple[list[Leaf], int]:
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


def _has_magic_comma(tokens: list[Leaf]) -> bool:
    for index in range(1, len(tokens)):
        if tokens[index].type in CLOSING and tokens[index - 1].type == COMMA:
            return True
    return False


def _statement(tokens: list[Leaf], depth: int) -> Line:
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


def _bracket_parents(tokens: list[Leaf], line: Line) -> Line:
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


# --- docstrings ---------------------------------------------------------------------------------------------------


def _docstring(value: str, depth: int) -> str:
    """black's docstring normalisation, for a plain triple-double-quoted docstring."""
    if re.search(r"\\\s*\n", value):
        raise Unsupported("docstring with a backslash-newline")
    indent = "    " * depth
    docstring = value[3:-3]
    started_empty = not docstring
    if "\n" in value:
        docstring = _fix_multiline_docstring(docstring, indent)
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


def _fix_multiline_docstring(docstring: str, prefix: str) -> str:
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
