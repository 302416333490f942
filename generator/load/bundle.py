"""$ref bundling: one self-contained document whose every $ref is local and resolves.

Whether a `$ref` is a reference at all, and whether its target is a Schema, depends on where it sits in the
OpenAPI structure, so this module also knows that structure (`walk`); repair, validate and the value checks reuse it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, NamedTuple
from urllib.parse import unquote, urlsplit

from ..problems import BuildError, Problem, pointer
from .read import Source, display_name, read

# ---------------------------------------------------------------------------------------------------------------------
# Where things live in an OpenAPI document (3.0, 3.1 and 3.2 together: the versions only add fields).
# A field maps to a kind, ("map", kind) for name -> object, or ("list", kind). Fields not listed are walked as "other"
# (so a stray $ref is still found), except in Schemas, whose unknown keywords are annotations: data, not schemas.

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
_SCHEMA_ONE = (
    "additionalProperties", "items", "additionalItems", "not", "if", "then", "else", "contains",
    "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema",
)  # fmt: skip
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_PARAMETER_LIKE = {"schema": "schema", "content": ("map", "media_type"), "examples": ("map", "example")}

FIELDS: dict[str, dict[str, Any]] = {
    "document": {"paths": "paths", "webhooks": ("map", "path_item"), "components": "components"},
    "components": {
        "schemas": ("map", "schema"),
        "responses": ("map", "response"),
        "parameters": ("map", "parameter"),
        "examples": ("map", "example"),
        "requestBodies": ("map", "request_body"),
        "headers": ("map", "header"),
        "securitySchemes": ("map", "security_scheme"),
        "links": ("map", "link"),
        "callbacks": ("map", "callback"),
        "pathItems": ("map", "path_item"),
        "mediaTypes": ("map", "media_type"),
    },
    "path_item": {
        **{method: "operation" for method in _METHODS},
        "parameters": ("list", "parameter"),
        "additionalOperations": ("map", "operation"),
    },
    "operation": {
        "parameters": ("list", "parameter"),
        "requestBody": "request_body",
        "responses": "responses",
        "callbacks": ("map", "callback"),
    },
    "parameter": _PARAMETER_LIKE,
    "header": _PARAMETER_LIKE,
    "request_body": {"content": ("map", "media_type")},
    "media_type": {
        "schema": "schema",
        "itemSchema": "schema",
        "examples": ("map", "example"),
        "encoding": ("map", "encoding"),
        "prefixEncoding": ("list", "encoding"),
        "itemEncoding": "encoding",
    },
    "encoding": {
        "headers": ("map", "header"),
        "encoding": ("map", "encoding"),
        "prefixEncoding": ("list", "encoding"),
        "itemEncoding": "encoding",
    },
    "response": {"headers": ("map", "header"), "content": ("map", "media_type"), "links": ("map", "link")},
    "schema": {
        **{name: ("map", "schema") for name in _SCHEMA_MAPS},
        **{name: "schema" for name in _SCHEMA_ONE},
        **{name: ("list", "schema") for name in _SCHEMA_LISTS},
    },
}
# Objects whose every (non x-) key names a child of one kind.
MAP_KINDS = {"paths": "path_item", "callback": "path_item", "responses": "response"}
# Objects with nothing inside that can be a reference (only the object itself may be one).
OPAQUE_KINDS = {"example", "link", "security_scheme"}
# Keys whose values are examples or literal values: a "$ref" inside is data.
DATA_KEYS = {"example", "examples", "default", "enum", "const", "value"}


def _field_spec(kind: str, name: str) -> Any:
    if kind in MAP_KINDS:
        return MAP_KINDS[kind]
    if kind in OPAQUE_KINDS or name == "$ref":
        return None
    spec = FIELDS.get(kind, {}).get(name)
    if spec is not None:
        return spec
    if kind == "schema" or name in DATA_KEYS:
        return None
    return "other"


def _children(node: dict[str, Any], kind: str) -> Iterator[tuple[Any, Any, tuple[str | int, ...], str]]:
    """The objects directly inside `node` that can hold references, in document order, as (container, key, tokens
    from `node`, kind). Each value is read only when its turn comes, so that a caller may replace the children
    already seen."""
    for name in list(node):
        if name.startswith("x-"):
            continue
        spec = _field_spec(kind, name)
        if spec is None:
            continue
        value = node[name]
        if isinstance(spec, tuple):
            shape, child_kind = spec
            if shape == "map" and isinstance(value, dict):
                for key in list(value):
                    if isinstance(value[key], dict):
                        yield value, key, (name, key), child_kind
                continue
            spec = child_kind  # a list, or a list given where one object was expected
        if isinstance(value, dict):
            yield node, name, (name,), spec
        elif isinstance(value, list):  # `items: [..]` and the like are repaired or reported elsewhere
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield value, index, (name, index), spec


class Visit(NamedTuple):
    tokens: tuple[str | int, ...]  # from the document root
    node: dict[str, Any]
    kind: str
    parent_kind: str | None


def walk(root: dict[str, Any]) -> Iterator[Visit]:
    """Every object that can hold references, parents before children, in document order.

    Children are looked up after the caller has seen the parent, so a caller may repair a node in place.
    """
    stack = [Visit((), root, "document", None)]
    while stack:
        visit = stack.pop()
        yield visit
        found = [
            Visit(visit.tokens + suffix, container[key], child_kind, visit.kind)
            for container, key, suffix, child_kind in _children(visit.node, visit.kind)
        ]
        stack.extend(reversed(found))


# ---------------------------------------------------------------------------------------------------------------------
# Reference strings


@dataclass(frozen=True)
class Ref:
    file: str  # "" for a reference into the same file
    fragment: tuple[str, ...] | None  # JSON pointer tokens; None when the fragment is not a pointer
    remote: bool


@lru_cache(maxsize=1 << 14)  # every reference is parsed by bundling, by the reference check and by the value checks
def parse_ref(ref: str) -> Ref:
    parts = urlsplit(ref)
    remote = bool(parts.scheme or parts.netloc or ref.startswith("//"))
    return Ref(file=unquote(parts.path), fragment=pointer_tokens(parts.fragment), remote=remote)


def pointer_tokens(fragment: str) -> tuple[str, ...] | None:
    """RFC 6901 tokens of a URI fragment (percent-decoded first, as RFC 6901 section 6 says)."""
    text = unquote(fragment)
    if text == "":
        return ()
    if not text.startswith("/"):
        return None  # a plain-name anchor such as "#foo"
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in text[1:].split("/"))


MISSING = object()


def resolve(data: Any, tokens: tuple[str, ...]) -> Any:
    for token in tokens:
        if isinstance(data, dict) and token in data:
            data = data[token]
        elif (
            isinstance(data, list) and token.isdigit() and (token == "0" or token[0] != "0") and int(token) < len(data)
        ):
            data = data[int(token)]
        else:
            return MISSING
    return data


# ---------------------------------------------------------------------------------------------------------------------
# Where bundled content came from, so that problems found later name the file the user has to edit.


@dataclass
class Sources:
    root_display: str
    origins: dict[str, tuple[str, str]] = field(default_factory=dict)  # root pointer -> (file, pointer in file)

    def record(self, where: tuple[str | int, ...], display: str, source_pointer: str) -> None:
        self.origins[pointer(*where)] = (display, source_pointer)

    def locate(self, where: str) -> tuple[str, str]:
        if self.origins:
            prefix = where
            while True:
                if prefix in self.origins:
                    display, source = self.origins[prefix]
                    return display, source + where[len(prefix) :]
                if not prefix:
                    break
                prefix = prefix[: prefix.rfind("/")]
        return self.root_display, where

    def problem(self, where: str, message: str, *, warning: bool = False) -> Problem:
        display, source = self.locate(where)
        return Problem(display, source, message, warning=warning)


# ---------------------------------------------------------------------------------------------------------------------
# Bundling


def bundle(root: Source) -> tuple[Sources, list[Problem]]:
    """Make `root.data` self-contained in place; returns where content came from and the errors found."""
    bundler = _Bundler(root)
    try:
        bundler.run()
    except RecursionError:  # only reachable by stacking references to deep objects inside deep objects
        return bundler.sources, [Problem(root.display, "", "references nest too deeply to bundle")]
    problems = list(dict.fromkeys(bundler.problems))  # a reference may be looked at twice; report it once
    if all(problem.warning for problem in problems):
        problems += _check_local_refs(root.data, bundler.sources)
    return bundler.sources, problems


_COMPONENT_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class _Bundler:
    """Follows every reference to another file: Schemas are hoisted into components/schemas, anything else is inlined.

    Schemas get a name because they can be recursive (a copy would never end) and because the next stage names models
    after them; other objects are plain values, so copying them in place is simplest and loses nothing.
    """

    def __init__(self, root: Source) -> None:
        self.root = root
        self.folder = root.path.resolve().parent
        self.sources = Sources(root.display)
        self.problems: list[Problem] = []
        self.files: dict[Path, Source | None] = {root.path.resolve(): root}
        self.hoisted: dict[str, Any] = {}  # kept apart until the end so the walk never sees them in the wrong file
        self.hoisted_refs: dict[tuple[Path, tuple[str, ...]], str] = {}
        self.queue: list[tuple[dict[str, Any], Source, tuple[str | int, ...], tuple[str | int, ...]]] = []
        self.inlining: set[tuple[Path, tuple[str, ...]]] = set()
        components = root.data.get("components")
        existing = components.get("schemas") if isinstance(components, dict) else None
        self.taken = set(existing) if isinstance(existing, dict) else set()

    def run(self) -> None:
        self._adopt_named_refs()
        self._walk(self.root.data, "document", self.root, (), ())
        while self.queue:
            node, source, src, dst = self.queue.pop(0)
            self._walk(node, "schema", source, src, dst)
        if self.hoisted:
            components = self.root.data.setdefault("components", {})
            if not isinstance(components, dict) or not isinstance(components.setdefault("schemas", {}), dict):
                self.problems.append(Problem(self.root.display, "/components", "components must be an object"))
                return
            components["schemas"].update(self.hoisted)

    def _adopt_named_refs(self) -> None:
        """`components: schemas: Pet: {$ref: pet.yaml}` names the external schema: it is hoisted as Pet itself, not
        as a second schema that Pet merely points to. Done first, so that uses found earlier in the walk agree."""
        components = self.root.data.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        if not isinstance(schemas, dict):
            return
        for name, node in schemas.items():
            if not (isinstance(node, dict) and list(node) == ["$ref"] and isinstance(node["$ref"], str)):
                continue
            parsed = parse_ref(node["$ref"])
            if parsed.remote or not parsed.file or parsed.fragment is None:
                continue  # local, or an error reported by the walk
            dst = ("components", "schemas", name)
            target = self._target(node["$ref"], self.root, dst)
            if target is None or target[0] is self.root or (target[0].path, target[1]) in self.hoisted_refs:
                continue
            self._hoist(target[0], target[1], name=name)
            # the walk now rewrites this entry to point at itself; the hoisted copy replaces it at the end

    def _walk(
        self, node: dict[str, Any], kind: str, source: Source, src: tuple[str | int, ...], dst: tuple[str | int, ...]
    ) -> Any:
        """Bundle `node`, found at `src` in `source` and placed at `dst` in the result; returns its replacement."""
        if isinstance(node.get("$ref"), str):
            replacement = self._reference(node, kind, source, src, dst)
            if replacement is not node:
                return replacement
        if kind == "schema":
            self._discriminator(node, source, src)
        if kind in OPAQUE_KINDS:
            return node
        moved = self._expand_containers(node, kind, source, src, dst)
        if not moved:
            self._walk_children(node, kind, source, src, dst, moved)
            return node
        held = {(file.path, at) for file, at in moved.values()} - self.inlining
        self.inlining |= held  # a container that (through its content) contains itself is reported, not copied forever
        try:
            self._walk_children(node, kind, source, src, dst, moved)
        finally:
            self.inlining -= held
        return node

    def _walk_children(
        self,
        node: dict[str, Any],
        kind: str,
        source: Source,
        src: tuple[str | int, ...],
        dst: tuple[str | int, ...],
        moved: dict[tuple[str | int, ...], tuple[Source, tuple[str, ...]]],
    ) -> None:
        # each child is read only when its turn comes, after the children before it have been bundled and replaced
        for container, key, tokens, child_kind in _children(node, kind):
            item = container[key]
            child_source, child_src = source, src + tokens
            for cut in (2, 1):  # a child of a container copied from elsewhere is read where it came from
                if moved and tokens[:cut] in moved:
                    child_source, at = moved[tokens[:cut]]
                    child_src = at + tokens[cut:]
                    break
            new = self._walk(item, child_kind, child_source, child_src, dst + tokens)
            if new is not item:
                container[key] = new

    def _expand_containers(
        self, node: dict[str, Any], kind: str, source: Source, src: tuple[str | int, ...], dst: tuple[str | int, ...]
    ) -> dict[tuple[str | int, ...], tuple[Source, tuple[str, ...]]]:
        """A reference where OpenAPI allows none, in place of a map or a list (`properties: {$ref: attrs.yaml}`,
        `responses: {$ref: ...}`, a list of parameters, or an item of one that names a list of them), replaced by a
        copy of what it points to, with a warning. Returns where each copy came from, by its tokens from `node`."""
        moved: dict[tuple[str | int, ...], tuple[Source, tuple[str, ...]]] = {}
        for name in list(node):
            shape = _container_shape(kind, name)
            value = node[name]
            if shape is None:
                continue
            if _is_reference(value):
                found = self._container_target(value["$ref"], shape, source, src + (name,))
                if found is not None:
                    file, at, copied = found
                    node[name] = copied
                    moved[(name,)] = (file, at)
                    self.sources.record(dst + (name,), file.display, pointer(*at))
                    self._warn(
                        source,
                        src + (name,),
                        f"{name} is a $ref to '{value['$ref']}', where OpenAPI "
                        f"expects the {shape} itself; using what it points to",
                    )
            elif shape == "list" and kind != "schema" and isinstance(value, list) and any(map(_is_reference, value)):
                self._splice(node, name, source, src, dst, moved)
        return moved

    def _splice(
        self,
        node: dict[str, Any],
        name: str,
        source: Source,
        src: tuple[str | int, ...],
        dst: tuple[str | int, ...],
        moved: dict[tuple[str | int, ...], tuple[Source, tuple[str, ...]]],
    ) -> None:
        """Items of a list that are references to lists (`parameters: [{$ref: common.yaml#/paging}]`) are spliced in."""
        items: list[Any] = []
        for index, item in enumerate(node[name]):
            target = self._target(item["$ref"], source, src + (name, index)) if _is_reference(item) else None
            if target is None or not isinstance(resolve(target[0].data, target[1]), list):
                items.append(item)
                continue
            ref = item["$ref"]
            found = self._container_target(ref, "list", source, src + (name, index))
            if found is None:
                items.append(item)
                continue
            file, at, copied = found
            self._warn(source, src + (name, index), f"{name} item is a $ref to '{ref}', a list; its items are used")
            for offset, each in enumerate(copied):
                moved[(name, len(items))] = (file, at + (str(offset),))
                self.sources.record(dst + (name, len(items)), file.display, pointer(*at, offset))
                items.append(each)
        node[name] = items

    def _container_target(
        self, ref: str, shape: str, source: Source, src: tuple[str | int, ...]
    ) -> tuple[Source, tuple[str, ...], Any] | None:
        """The file, pointer and a copy of the map or list a reference names; None after reporting why not."""
        seen: set[tuple[Path, tuple[str, ...]]] = set()
        while True:
            target = self._target(ref, source, src)
            if target is None:
                return None
            file, at = target
            value = resolve(file.data, at)
            if value is MISSING:
                self._error(source, src, f"$ref '{ref}' does not resolve")
                return None
            if (file.path, at) in seen or (file.path, at) in self.inlining:
                self._error(source, src, f"$ref '{ref}' is circular: inlining it would never end")
                return None
            seen.add((file.path, at))
            if not _is_reference(value):
                break
            ref, source, src = value["$ref"], file, at
        if shape == "list" and not isinstance(value, list):
            return None  # one object where a list of them is expected: walked as that object, and reported later
        if shape == "map" and not isinstance(value, dict):
            self._error(source, src, f"$ref '{ref}' stands where a map is expected, but points to something else")
            return None
        return file, at, copy.deepcopy(value)

    def _reference(
        self, node: dict[str, Any], kind: str, source: Source, src: tuple[str | int, ...], dst: tuple[str | int, ...]
    ) -> Any:
        ref = node["$ref"]
        target = self._target(ref, source, src)
        if target is None:
            return node
        file, tokens = target
        if file is self.root:
            if source is not self.root:  # back into the root file: now simply a local reference
                node["$ref"] = "#" + pointer(*tokens)
            return node
        if kind == "schema":
            node["$ref"] = self._hoist(file, tokens)
            return node
        key = (file.path, tokens)
        if key in self.inlining:
            self._error(source, src, f"$ref '{ref}' is circular: inlining it would never end")
            return node
        value = copy.deepcopy(resolve(file.data, tokens))
        if not isinstance(value, dict):
            return value
        value.update({name: item for name, item in node.items() if name != "$ref"})  # summary/description override
        self.sources.record(dst, file.display, pointer(*tokens))
        self.inlining.add(key)
        try:
            return self._walk(value, kind, file, tokens, dst)
        finally:
            self.inlining.discard(key)

    def _target(self, ref: str, source: Source, src: tuple[str | int, ...]) -> tuple[Source, tuple[str, ...]] | None:
        """The file and pointer a reference names, after checking it may be followed; None after reporting why not."""
        parsed = parse_ref(ref)
        if parsed.remote:
            self._error(source, src, f"remote $ref '{ref}' is not allowed: builds never touch the network")
            return None
        if parsed.fragment is None:
            self._error(source, src, f"$ref '{ref}' uses a plain-name fragment; only JSON pointers are supported")
            return None
        if not parsed.file and source is self.root:
            return source, parsed.fragment  # checked once bundling is done
        file = self._file(ref, parsed.file, source, src) if parsed.file else source
        if file is None:
            return None
        if resolve(file.data, parsed.fragment) is MISSING:
            self._error(source, src, f"$ref '{ref}' does not resolve")
            return None
        return file, parsed.fragment

    def _file(self, ref: str, relative: str, source: Source, src: tuple[str | int, ...]) -> Source | None:
        if Path(relative).is_absolute():
            self._error(source, src, f"$ref '{ref}' is an absolute path; use a path relative to the spec")
            return None
        path = (source.path.resolve().parent / relative).resolve()
        if not path.is_relative_to(self.folder):
            self._error(source, src, f"$ref '{ref}' points outside the spec's folder {display_name(self.folder)}")
            return None
        if path in self.files:
            return self.files[path]
        if not path.is_file():
            self._error(source, src, f"$ref '{ref}' names a file that does not exist")
            return None
        try:
            loaded: Source | None = read(path)
        except BuildError as exc:
            self.problems.extend(exc.problems)
            loaded = None
        self.files[path] = loaded
        if loaded is not None:
            self.problems.extend(loaded.warnings)
        return loaded

    def _hoist(self, file: Source, tokens: tuple[str, ...], name: str | None = None) -> str:
        key = (file.path, tokens)
        if key not in self.hoisted_refs:  # remembered before walking, so cycles between files end here
            name = name or self._unique(tokens[-1] if tokens else file.path.stem)
            self.hoisted_refs[key] = "#" + pointer("components", "schemas", name)
            value = copy.deepcopy(resolve(file.data, tokens))
            self.hoisted[name] = value
            dst = ("components", "schemas", name)
            self.sources.record(dst, file.display, pointer(*tokens))
            if isinstance(value, dict):
                self.queue.append((value, file, tokens, dst))
        return self.hoisted_refs[key]

    def _unique(self, wanted: str) -> str:
        base = _COMPONENT_NAME.sub("_", wanted).strip("_") or "Schema"
        name, number = base, 1
        while name in self.taken:
            number += 1
            name = f"{base}{number}"
        self.taken.add(name)
        return name

    def _discriminator(self, node: dict[str, Any], source: Source, src: tuple[str | int, ...]) -> None:
        """Mapping values that reference other files (or this external file) must follow their schemas."""
        discriminator = node.get("discriminator")
        mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
        if not isinstance(mapping, dict):
            return
        for key, value in mapping.items():
            if not isinstance(value, str) or not ("#" in value or "/" in value):
                continue  # a schema name, not a reference
            where = src + ("discriminator", "mapping", key)
            target = self._target(value, source, where)
            if target is not None:
                file, tokens = target
                mapping[key] = "#" + pointer(*tokens) if file is self.root else self._hoist(file, tokens)

    def _error(self, source: Source, src: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(source.display, pointer(*src), message))

    def _warn(self, source: Source, src: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(source.display, pointer(*src), message, warning=True))


def _is_reference(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("$ref"), str)


def _container_shape(kind: str, name: str) -> str | None:
    """ "map" or "list" when the field `name` of a `kind` object holds a map or a list of objects (which OpenAPI never
    lets be a reference), else None."""
    if name.startswith("x-"):
        return None
    spec = _field_spec(kind, name)
    if isinstance(spec, tuple):
        return str(spec[0])
    return "map" if spec in ("paths", "responses") else None


def _check_local_refs(root: dict[str, Any], sources: Sources) -> list[Problem]:
    """Every reference must resolve, and a chain of references must end in something that is not a reference."""
    problems: list[Problem] = []
    settled: set[str] = set()  # pointers of references whose chains are known to end (or were reported)
    for visit in walk(root):
        ref = visit.node.get("$ref")
        if not isinstance(ref, str):
            continue
        here = pointer(*visit.tokens)
        parsed = parse_ref(ref)
        if parsed.remote or parsed.file:
            continue  # reported while bundling
        if parsed.fragment is None:
            problems.append(
                sources.problem(here, f"$ref '{ref}' uses a plain-name fragment; only JSON pointers are supported")
            )
            continue
        if resolve(root, parsed.fragment) is MISSING:
            problems.append(sources.problem(here, f"$ref '{ref}' does not resolve"))
            continue
        problems.extend(_check_chain(root, here, ref, settled, sources))
    return problems


def _check_chain(root: dict[str, Any], start: str, ref: str, settled: set[str], sources: Sources) -> list[Problem]:
    """Follow references from the one at `start` while each target is itself a reference."""
    chain, refs = [start], [ref]
    tokens = parse_ref(ref).fragment or ()
    current = pointer(*tokens)
    problems: list[Problem] = []
    while current not in settled:
        if current in chain:
            cycle = chain[chain.index(current) :]
            path = " -> ".join(f"'#{member}'" for member in cycle + [current])
            for member in cycle:
                message = f"$ref '{refs[chain.index(member)]}' is circular and never reaches a definition: {path}"
                problems.append(sources.problem(member, message))
            break
        node = resolve(root, tokens)
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            break
        parsed = parse_ref(node["$ref"])
        if parsed.remote or parsed.file or parsed.fragment is None or resolve(root, parsed.fragment) is MISSING:
            break  # reported where that reference is visited
        chain.append(current)
        refs.append(node["$ref"])
        tokens = parsed.fragment
        current = pointer(*tokens)
    settled.update(chain)
    return problems
