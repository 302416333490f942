"""pyyaml's reading of a YAML document: its C loader when present, data as the spec wrote it, hostile input refused.

Kept apart from read.py so that pyyaml is imported only when a YAML document is read: a JSON document never needs it
(importing it takes some 15 ms, most of it regular expressions compiled by its pure-Python reader and resolver).
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .read import MAX_DEPTH

# Alias expansion beyond the document's own size is where the danger lies (billion laughs): pyyaml shares aliased
# objects, but every later walk over the data pays for the expanded tree.
MAX_ALIAS_EXPANSION = 1_000_000

_YAML_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DROPPED_RESOLVERS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value"}


class SpecLoader(_YAML_BASE):  # type: ignore[misc]
    """Safe loader that keeps spec text as text.

    Dates like `2020-01-01` are examples and formats, not datetimes to round-trip; `=` is a string, not pyyaml's
    unconstructible `value` tag.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED_RESOLVERS]
        for first, resolvers in _YAML_BASE.yaml_implicit_resolvers.items()
    }

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
                    raise yaml.constructor.ConstructorError(
                        None, None, "a mapping key must be a plain scalar", key_node.start_mark
                    )
                # `200:` and `yes:` are response codes and names; keep them as the author spelled them.
                key = key_node.value
            if index >= first_written:
                if key in seen:
                    self.duplicates.append((data, key, key_node.start_mark.line + 1))
                seen.add(key)
            # not deep: nested values are filled in later by pyyaml's own loop, so nesting costs no Python stack
            data[key] = self.construct_object(value_node, deep=False)

    def construct_timestamp_as_text(self, node: ScalarNode) -> str:
        return str(node.value)


SpecLoader.add_constructor("tag:yaml.org,2002:map", SpecLoader.construct_spec_map)
SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", SpecLoader.construct_timestamp_as_text)


def parse(text: str, fail: Any) -> tuple[Any, list[tuple[dict[str, Any], str, int]]]:
    """The data of a YAML document and its duplicate keys as (mapping, key, 1-based line); `fail(message)` makes
    the exception raised for a document pyyaml cannot read, or one refused as hostile."""
    loader = SpecLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise fail("file is empty")
        shared = _check_node_graph(node, fail)
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


def _check_node_graph(root: Node, fail: Any) -> bool:
    """Refuse recursive aliases and alias bombs before anything is built; True when some collection is shared.

    Only shared collections can multiply: a document without them is never slower to walk than to read.
    """
    return _shares_collections(root) and _check_expansion(root, fail)


def _shares_collections(root: Node) -> bool:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        stack.extend(_collections_in(node))
    return False


def _check_expansion(root: Node, fail: Any) -> bool:
    """Each distinct collection's expanded size, bottom-up: a bomb costs no more to measure than its own text."""
    expanded: dict[int, int] = {}
    distinct = 0
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
    return True


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
