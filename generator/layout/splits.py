"""black's transforms, ported: how a statement that does not fit (or holds a magic trailing comma) is split.

left_hand_split for defs, right_hand_split with its optional parentheses and omitted trailers, delimiter_split for
what is between brackets; each line they make is transformed again until it fits or cannot be split.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Optional

from .model import (
    LINE_LENGTH,
    NAME,
    STRING,
    LPAR,
    RPAR,
    LSQB,
    RSQB,
    RBRACE,
    COMMA,
    COLON,
    EQUAL,
    DOT,
    ARROW,
    STAR,
    DSTAR,
    OPENING,
    CLOSING,
    BRACKETS,
    MATCH,
    COMMA_PRIORITY,
    DOT_PRIORITY,
    ATOM,
    TRAILER,
    PARAMS,
    IMPORT,
    Leaf,
    Line,
    Unsupported,
    CannotSplit,
    str_width,
    is_short_enough,
    _one_sequence_between,
)


def transform_line(line: Line, force: bool = False) -> list[Line]:
    """`force`: black's FORCE_OPTIONAL_PARENTHESES, its second opinion on a statement that stays too long."""
    line_str = str(line)
    if not line.should_split_rhs and not line.magic_trailing_comma and is_short_enough(line, line_str):
        return [line]
    if line.contains_multiline_strings():
        raise Unsupported("multi-line string inside a statement to split")
    if line.is_def and _parenthesis_in_return_annotation(line):
        # black wraps a return annotation in invisible parentheses of its own, which decide where a def with a call
        # or a parenthesised type after `->` splits; that is not ported (the templates never write one).
        raise Unsupported("parentheses in a return annotation")
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


def _parenthesis_in_return_annotation(line: Line) -> bool:
    after_arrow = False
    for leaf in line.leaves:
        if leaf.type == ARROW:
            after_arrow = True
        elif after_arrow and leaf.type == LPAR and leaf.value:
            return True
    return False


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
