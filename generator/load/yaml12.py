"""A YAML document read as YAML 1.2 (the YAML of OpenAPI 3.x) by pyyaml, its C loader when present.

pyyaml reads YAML 1.1, where `on`, `no` and `y` are booleans, `010` is octal, `1:20` is sexagesimal and `1e3` is text.
Its 1.1 reading of plain scalars is swapped for the 1.2 core schema, whose types are JSON's; the rest of pyyaml (the
parser, its errors, safe construction) is used as it is. Spec text is kept as data: timestamps stay strings, mapping
keys are the text written, duplicate keys are reported with their line, and aliases are expanded into independent
copies after alias bombs and recursive aliases are refused.

Kept apart from read.py so that pyyaml is imported only when a YAML document is read: a JSON document never needs it
(importing it takes some 15 ms, most of it regular expressions compiled by its pure-Python reader and resolver).
"""

from __future__ import annotations

import copy
import re
from typing import Any, Callable, TypeVar

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .read import MAX_DEPTH

# Alias expansion beyond the document's own size is where the danger lies (billion laughs): pyyaml shares aliased
# objects, but every later walk over the data pays for the expanded tree.
MAX_ALIAS_EXPANSION = 1_000_000

_YAML_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULL, _BOOL, _INT, _FLOAT = (f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float"))

# The core schema's plain scalars (YAML 1.2.2, section 10.3.2), by tag; tried in this order, so `10` is an int.
_CORE_SCHEMA: list[tuple[str, str, str]] = [
    (_NULL, r"~|null|Null|NULL|", "~nN"),
    (_BOOL, r"true|True|TRUE|false|False|FALSE", "tTfF"),
    (_INT, r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (_FLOAT, r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN",
     "-+.0123456789"),
]  # fmt: skip
_PATTERNS = {tag: re.compile(rf"(?:{pattern})\Z") for tag, pattern, _ in _CORE_SCHEMA}


class SpecLoader(_YAML_BASE):  # type: ignore[misc]
    """pyyaml's safe loader with the YAML 1.2 core schema, and mappings built as spec data."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # (mapping object, key, 1-based line) for every key given twice in one mapping
        self.duplicates: list[tuple[dict[str, Any], str, int]] = []

    def construct_spec_map(self, node: MappingNode) -> Any:
        data: dict[str, Any] = {}
        yield data  # allows recursive structures to be built; they are refused earlier anyway
        # Merge keys (<<) put the merged pairs first; a key written out may override them, but not repeat itself.
        written = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
        self.flatten_mapping(node)
        first_written = len(node.value) - written
        seen: set[str] = set()
        for index, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                if not isinstance(key_node, ScalarNode):
                    raise ConstructorError(None, None, "a mapping key must be a plain scalar", key_node.start_mark)
                # `200:` and `true:` are response codes and names: keep them as the author spelled them.
                key = key_node.value
            if index >= first_written:
                if key in seen:
                    self.duplicates.append((data, key, key_node.start_mark.line + 1))
                seen.add(key)
            # not deep: nested values are filled in later by pyyaml's own loop, so nesting costs no Python stack
            data[key] = self.construct_object(value_node, deep=False)

    def construct_timestamp_as_text(self, node: ScalarNode) -> str:
        # `!!timestamp 2020-01-01`: dates are examples and formats, not datetimes to round-trip
        return str(node.value)

    def construct_core_bool(self, node: ScalarNode) -> bool:
        return _checked(node, _BOOL, lambda text: text.lower() == "true")

    def construct_core_int(self, node: ScalarNode) -> int:
        return _checked(node, _INT, _int)

    def construct_core_float(self, node: ScalarNode) -> float:
        return _checked(node, _FLOAT, _float)


_T = TypeVar("_T")


def _checked(node: ScalarNode, tag: str, build: Callable[[str], _T]) -> _T:
    """The value of a scalar the core schema gives `tag`; also what stands behind an explicit `!!int` and the like,
    so the text is checked against the schema's pattern first (pyyaml's own functions take `1_000` and `0b1`)."""
    text = str(node.value)
    if _PATTERNS[tag].match(text) is None:
        raise ConstructorError(None, None, f"{text!r} is not a YAML 1.2 {tag.rsplit(':', 1)[1]}", node.start_mark)
    try:
        return build(text)
    except ValueError as exc:  # an integer of more digits than Python converts (4300)
        raise ConstructorError(None, None, str(exc).split(";")[0], node.start_mark) from None


def _int(text: str) -> int:
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text)  # decimal, leading zeros and all: `010` is 10


def _float(text: str) -> float:
    if text.lstrip("-+").lower() in (".inf", ".nan"):
        return float(text.replace(".", ""))  # Python spells them `-inf` and `nan`
    return float(text)  # `1.`, `.5` and `1e3` as YAML reads them


for _tag, _pattern, _first in _CORE_SCHEMA:
    SpecLoader.add_implicit_resolver(_tag, _PATTERNS[_tag], list(_first) + ([""] if _tag == _NULL else []))
# `<<` is not in the core schema, but merge keys are common in hand-written specs and every YAML tool reads them.
SpecLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"<<\Z"), ["<"])
SpecLoader.add_constructor("tag:yaml.org,2002:map", SpecLoader.construct_spec_map)
SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", SpecLoader.construct_timestamp_as_text)
SpecLoader.add_constructor(_BOOL, SpecLoader.construct_core_bool)
SpecLoader.add_constructor(_INT, SpecLoader.construct_core_int)
SpecLoader.add_constructor(_FLOAT, SpecLoader.construct_core_float)


def parse(text: str, fail: Any) -> tuple[Any, list[tuple[dict[str, Any], str, int]]]:
    """The data of a YAML document and its duplicate keys as (mapping, key, 1-based line); `fail(message)` makes
    the exception raised for a document pyyaml cannot read, or one refused as hostile."""
    loader = SpecLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise fail("file is empty")
        shared = "*" in text and _check_aliases(node, fail)  # no `*`, no alias: most documents skip the walk
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise fail(_describe_yaml_error(exc)) from None
    except yaml.YAMLError as exc:
        raise fail(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise fail(f"document is nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()
    if shared:
        data = _unshare(data)
    return data, loader.duplicates


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "unreadable"
    if exc.context and exc.problem:
        what = f"{exc.problem} ({exc.context})"
    if mark is None:
        return f"invalid YAML: {what}"
    return f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {what}"


def _check_aliases(root: Node, fail: Any) -> bool:
    """Refuse recursive aliases and alias bombs before anything is built; True when some collection is shared.

    Sizes are measured bottom-up, once per distinct collection: a bomb costs no more to measure than its own text.
    """
    expanded: dict[int, int] = {}  # id of a collection node -> nodes in it once every alias is expanded
    distinct = 0  # nodes of the document as written
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            own = 1 + sum(1 for child in _children_of(node) if isinstance(child, ScalarNode))
            distinct += own
            # capped so that a bomb's sizes do not become enormous integers
            expanded[key] = min(own + sum(expanded[id(child)] for child in _collections_in(node)), 2**62)
            continue
        if key in expanded:
            continue
        if key in on_path:
            raise fail(f"a YAML alias at line {node.start_mark.line + 1} refers to its own ancestor (recursive data)")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _collections_in(node))
    if expanded[id(root)] - distinct > MAX_ALIAS_EXPANSION:
        raise fail(
            f"YAML aliases expand to more than {MAX_ALIAS_EXPANSION:,} extra nodes; refusing a possible alias bomb"
        )
    return expanded[id(root)] > distinct


def _children_of(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return node.value  # type: ignore[no-any-return]
    if isinstance(node, MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _collections_in(node: Node) -> list[Node]:
    return [child for child in _children_of(node) if not isinstance(child, ScalarNode)]


def _unshare(data: Any) -> Any:
    """Give every alias its own copy: an overlay or repair that edits one use must not edit the others."""
    seen: set[int] = set()
    stack = [data]
    seen.add(id(data))
    while stack:
        parent = stack.pop()
        keys = parent.keys() if isinstance(parent, dict) else range(len(parent))
        for key in keys:
            child = parent[key]
            if not isinstance(child, (dict, list)):
                continue
            if id(child) in seen:
                child = parent[key] = copy.deepcopy(child)
            seen.add(id(child))
            stack.append(child)
    return data
