"""Turn one YAML or JSON file into plain data: dicts with string keys, lists, str, int, float, bool, None.

Spec text is kept as data: YAML timestamps stay strings, non-string mapping keys become their source spelling,
aliases are expanded into independent copies, and hostile input (alias bombs, absurd nesting) is refused in bounded
time and memory.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..problems import BuildError, Problem, pointer

# Alias expansion beyond the document's own size is where the danger lies (billion laughs): pyyaml shares aliased
# objects, but every later walk over the data pays for the expanded tree.
MAX_ALIAS_EXPANSION = 1_000_000
# The largest public descriptions are around 10 MB (GitHub's REST API); the vendor APIs of the test
# corpus are under 2 MB. Anything far bigger is refused before it is read, so that a build's time and
# memory stay bounded whatever file it is given.
MAX_FILE_BYTES = 32 * 1024 * 1024
# Real specs nest a few dozen levels; the walkers of later stages recurse, so refuse what would exhaust the stack.
MAX_DEPTH = 256

_YAML_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DROPPED_RESOLVERS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value"}


class _SpecLoader(_YAML_BASE):  # type: ignore[misc]
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

    # The first characters any implicit resolver can match: text that starts otherwise is text (most of a spec).
    _RESOLVABLE = frozenset("".join(first for first in yaml_implicit_resolvers if first))

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and (not implicit[0] or (value and value[0] not in self._RESOLVABLE)):
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)

    # No path resolvers are registered, so pyyaml's per-node bookkeeping for them has nothing to do.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

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


_SpecLoader.add_constructor("tag:yaml.org,2002:map", _SpecLoader.construct_spec_map)
_SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", _SpecLoader.construct_timestamp_as_text)


@dataclass(frozen=True)
class Source:
    """A file as read: where it is, how to name it in messages, and its data."""

    path: Path
    display: str
    data: Any
    warnings: tuple[Problem, ...] = ()


def display_name(path: Path) -> str:
    """The path relative to the working directory when it lies inside it, else as given."""
    try:
        absolute, cwd = path.resolve(), Path.cwd().resolve()
    except OSError:
        return str(path)
    return absolute.relative_to(cwd).as_posix() if absolute.is_relative_to(cwd) else str(path)


def read(path: Path, display: str | None = None) -> Source:
    """Read and parse one file. Raises BuildError with one problem when it cannot be used."""
    display = display if display is not None else display_name(path)

    def fail(message: str) -> BuildError:
        return BuildError([Problem(display, "", message)])

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(
                f"file is {size / 1024 / 1024:.1f} MB; gen reads files of up to {MAX_FILE_BYTES // 1024 // 1024} MB"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"file is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise fail("file is empty")

    if path.suffix.lower() == ".json":
        data, duplicates = _parse_json(text, fail)
    else:
        data, duplicates = _parse_yaml(text, fail)
    _check_depth(data, fail)
    warnings = tuple(
        Problem(display, where, f"duplicate key '{key}'{line}; the last value is used", warning=True)
        for where, key, line in _locate_duplicates(data, duplicates)
    )
    return Source(path=path, display=display, data=data, warnings=warnings)


def _parse_json(text: str, fail: Any) -> tuple[Any, list[tuple[dict[str, Any], str, int]]]:
    duplicates: list[tuple[dict[str, Any], str, int]] = []

    def pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        data = dict(pairs)
        if len(data) != len(pairs):  # rare: only then pay for finding which keys repeat
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    duplicates.append((data, key, 0))
                seen.add(key)
        return data

    try:
        return json.loads(text, object_pairs_hook=pairs_to_dict), duplicates
    except json.JSONDecodeError as exc:
        raise fail(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise fail(f"document is nested more than {MAX_DEPTH} levels deep") from None


def _parse_yaml(text: str, fail: Any) -> tuple[Any, list[tuple[dict[str, Any], str, int]]]:
    # Specs are nearly always plain block YAML, which fastyaml reads several times faster than pyyaml; it hands
    # everything else back (odd YAML, errors), so that what pyyaml makes of it stays as it was.
    from . import fastyaml  # here, not at the top: it builds on _SpecLoader

    try:
        return fastyaml.parse(text)
    except fastyaml.Unsupported:
        pass
    loader = _SpecLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise fail("file is empty")
        shared = _check_node_graph(node, fail)
        data = _construct(node, loader)
        if data is _SLOW:
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


_SLOW: Any = object()  # what _construct returns when the document needs pyyaml's own constructor
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _construct(node: Node, loader: _SpecLoader) -> Any:
    """The document from its nodes, as _SpecLoader would build it, for the tags of plain JSON-like YAML.

    pyyaml's constructor goes through a generic, generator-based machinery for every node; text, lists and
    mappings need none of it, and they are nearly all of a spec: this is three times faster on a large one. Other
    scalars (numbers, booleans, null) still go through pyyaml's own functions. A merge key or an explicit tag of
    another kind returns _SLOW, and the caller lets pyyaml build the document. Aliased nodes are built once per use,
    which is what _unshare would make of them anyway.
    """
    scalars = {
        "tag:yaml.org,2002:int": loader.construct_yaml_int,
        "tag:yaml.org,2002:float": loader.construct_yaml_float,
        "tag:yaml.org,2002:bool": loader.construct_yaml_bool,
        "tag:yaml.org,2002:null": loader.construct_yaml_null,
    }
    duplicates = loader.duplicates

    class Slow(Exception):
        pass

    def build(node: Node) -> Any:
        tag = node.tag
        if tag == _STR and isinstance(node, ScalarNode):
            return node.value
        if tag == _MAP and isinstance(node, MappingNode):
            data: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    raise Slow
                key = key_node.value  # `200:` and `yes:` are response codes and names: the text as written
                if key in data:
                    duplicates.append((data, key, key_node.start_mark.line + 1))
                data[key] = build(value_node)
            return data
        if tag == _SEQ and isinstance(node, SequenceNode):
            return [build(item) for item in node.value]
        scalar = scalars.get(tag)
        if scalar is None or not isinstance(node, ScalarNode):
            raise Slow
        return scalar(node)

    try:
        return build(node)
    except Slow:
        del duplicates[:]
        return _SLOW


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


def _check_depth(data: Any, fail: Any) -> None:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise fail(f"document is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values() if isinstance(child, (dict, list)))
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value if isinstance(child, (dict, list)))


def _locate_duplicates(data: Any, duplicates: list[tuple[dict[str, Any], str, int]]) -> list[tuple[str, str, str]]:
    """Pointers of the mappings that repeated a key; only walks the data when there is something to report."""
    if not duplicates:
        return []
    wanted = {id(mapping) for mapping, _, _ in duplicates}
    found: dict[int, str] = {}
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack and len(found) < len(wanted):
        value, tokens = stack.pop()
        if isinstance(value, dict):
            if id(value) in wanted:
                found.setdefault(id(value), pointer(*tokens))
            stack.extend((child, tokens + (key,)) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((child, tokens + (index,)) for index, child in enumerate(value))
    located = []
    for mapping, key, line in duplicates:
        if id(mapping) in found:
            located.append((found[id(mapping)], key, f" (line {line})" if line else ""))
    return located
