"""Check the bundled document against the official OpenAPI JSON Schemas.

Every finding is a warning: published specs break the schema in small ways that do not stop an SDK from being built,
and the next stage reports as errors what it really cannot generate.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from jsonschema import Draft4Validator, Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from jsonschema_specifications import REGISTRY as META_SCHEMAS  # type: ignore[import-untyped]
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from ..problems import Problem, pointer
from .bundle import FIELDS, Sources, pointer_tokens, resolve, walk

MAX_WARNINGS = 100
MAX_REPR = 80
MAX_MESSAGE = 240
_SCHEMAS = Path(__file__).parent / "schemas"
_META_BASE = "https://json-schema.org/draft/2020-12/"


def validate(root: dict[str, Any], version: tuple[int, int], sources: Sources) -> list[Problem]:
    found: dict[tuple[str, str], None] = {}  # ordered set: (pointer, message)
    for tokens, error in _errors(root, version):
        found[(pointer(*tokens), _message(error))] = None
    ordered = sorted(found)
    warnings = [sources.problem(where, message, warning=True) for where, message in ordered[:MAX_WARNINGS]]
    if len(ordered) > MAX_WARNINGS:
        more = len(ordered) - MAX_WARNINGS
        warnings.append(Problem(sources.root_display, "", f"... and {more} more schema warnings", warning=True))
    return warnings


def _errors(root: dict[str, Any], version: tuple[int, int]) -> Iterator[tuple[tuple[Any, ...], ValidationError]]:
    yield from _each(_document_validator(version), root, ())
    if version >= (3, 1):
        # The 3.1 and 3.2 document schemas leave Schema Objects alone; the JSON Schema meta-schema checks them. Only
        # the outermost schema of each nest is needed: the meta-schema descends into subschemas itself.
        meta = _meta_validator()
        for visit in walk(root):
            if visit.kind == "schema" and visit.parent_kind != "schema":
                yield from _each(meta, visit.node, visit.tokens, lean=True)


def _each(
    validator: Validator, instance: Any, base: tuple[Any, ...], *, lean: bool = False
) -> Iterable[tuple[tuple[Any, ...], ValidationError]]:
    try:
        errors = list(validator.iter_errors(_without_refs(instance) if lean else instance))
    except RecursionError:
        return [(base, ValidationError("too deeply nested to validate"))]
    found = []
    for error in errors:
        for cause in _causes(error):
            found.append((base + tuple(cause.absolute_path), cause))
    return found


def _without_refs(schema: Any) -> Any:
    """A copy of `schema` in which every subschema that is only a `$ref` is `true`, or left out of a map of schemas:
    the meta-schema finds nothing to say about any, and multi-file specs are mostly such references (the meta-schema
    takes ~40 µs over each)."""
    if not isinstance(schema, dict):
        return schema
    if _is_ref(schema):
        return True
    lean = dict(schema)
    for name, value in schema.items():
        shape = FIELDS["schema"].get(name)
        if shape == "schema":
            lean[name] = _without_refs(value)
        elif shape == ("map", "schema") and isinstance(value, dict):  # a map entry's name is checked by nothing
            lean[name] = {key: _without_refs(item) for key, item in value.items() if not _is_ref(item)}
        elif shape == ("list", "schema") and isinstance(value, list):
            lean[name] = [_without_refs(item) for item in value]
    return lean


def _is_ref(schema: Any) -> bool:
    return isinstance(schema, dict) and len(schema) == 1 and isinstance(schema.get("$ref"), str)


def _causes(error: ValidationError) -> list[ValidationError]:
    """A oneOf/anyOf failure says little ("not valid under any of the given schemas"); the errors of the branch
    the author most plausibly meant say what is actually wrong.

    A branch is implausible when the instance has the wrong shape for it, misses its `$ref`, or has another value
    for one of its single-valued enum/const fields (the usual way branches are told apart, like `in: path`). Of the
    plausible branches the one with the fewest errors wins, and each of its errors is explained the same way. With
    no plausible branch, the deepest error of all is the best guess.
    """
    if not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for child in error.context:
        branches.setdefault(child.relative_schema_path[0], []).append(child)
    plausible = [found for found in branches.values() if not any(_rules_out(child, error) for child in found)]
    if plausible:
        chosen = min(plausible, key=len)
    else:
        chosen = [max(error.context, key=lambda child: len(child.absolute_path))]
    return [cause for child in chosen for cause in _causes(child)]


def _rules_out(child: ValidationError, parent: ValidationError) -> bool:
    depth = len(child.absolute_path) - len(parent.absolute_path)
    value = child.validator_value  # the keyword's value in the schema: a list for enum and required
    if child.validator == "const" or (child.validator == "enum" and isinstance(value, list) and len(value) == 1):
        return depth <= 1
    if child.validator == "type":
        return depth == 0
    if child.validator == "required":
        return depth == 0 and isinstance(value, list) and "$ref" in value
    return False


@lru_cache(maxsize=None)
def _document_validator(version: tuple[int, int]) -> Validator:
    if version == (3, 0):
        return Draft4Validator(_schema("oas-3.0.json"))
    schema = _anchored(_schema("oas-3.1.json" if version == (3, 1) else "oas-3.2.json"))
    # Crawled once here: otherwise every $dynamicRef lookup re-crawls the whole schema (4x slower on big specs).
    registry = Registry().with_resource(schema["$id"], DRAFT202012.create_resource(schema)).crawl()
    return Draft202012Validator(schema, registry=registry)


def _anchored(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every `$ref: "#/$defs/x"` turned into `$ref: "#x"` and an `$anchor` on its target.

    Same verdicts, but `referencing` resolves a JSON pointer segment by segment on every use, and the document schema
    is entered through such references for every parameter, response and media type: a third of the document's
    validation time on large specs. An anchor is one dictionary lookup.
    """
    anchors: dict[str, str] = {}

    def name(ref: str) -> str:
        if ref not in anchors:
            anchors[ref] = "p" + re.sub(r"[^A-Za-z0-9_-]", "_", ref[2:]) + f"_{len(anchors)}"
        return anchors[ref]

    def rewrite(node: Any) -> Any:
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: rewrite(value) for key, value in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            node["$ref"] = "#" + name(ref)
        return node

    anchored: dict[str, Any] = rewrite(schema)
    for ref, anchor in anchors.items():
        target = resolve(anchored, pointer_tokens(ref[1:]) or ())
        if not isinstance(target, dict) or "$anchor" in target:
            raise AssertionError(f"{ref} cannot take an anchor")  # gen's own schema files: a bug, not bad input
        target["$anchor"] = anchor
    return anchored


@lru_cache(maxsize=None)
def _meta_validator() -> Validator:
    return Draft202012Validator(_flat_meta_schema())


def _flat_meta_schema() -> dict[str, Any]:
    """The JSON Schema 2020-12 meta-schema with its seven vocabularies merged into one resource.

    Same verdicts, but validating through the official one costs seven `$ref`s and a `$dynamicRef` lookup per
    subschema: four to eight times slower (1.3 s instead of 0.3 s for the 1307 schemas of a 650 kB spec). The
    vocabularies' keywords and `$defs` do not overlap, and with no other dialect in play `$dynamicRef: "#meta"`
    always means the root.
    """
    top = META_SCHEMAS.contents(_META_BASE + "schema")
    merged: dict[str, Any] = {"type": ["object", "boolean"], "properties": {}, "$defs": {}}
    for part in [top] + [META_SCHEMAS.contents(_META_BASE + each["$ref"]) for each in top["allOf"]]:
        merged["properties"].update(part.get("properties", {}))
        merged["$defs"].update(part.get("$defs", {}))
    flat: dict[str, Any] = _point_home(merged)
    return flat


def _point_home(node: Any) -> Any:
    if isinstance(node, list):
        return [_point_home(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("$dynamicRef") == "#meta":
        return {"$ref": "#"}
    node = {key: _point_home(value) for key, value in node.items()}
    ref = node.get("$ref")
    if isinstance(ref, str) and "#/$defs/" in ref:  # "meta/validation#/$defs/stringArray" now lives here
        node["$ref"] = "#/$defs/" + ref.split("#/$defs/", 1)[1]
    return node


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((_SCHEMAS / name).read_text(encoding="utf-8"))
    return schema


def _message(error: ValidationError) -> str:
    message = error.message
    instance = repr(error.instance)
    if len(instance) > MAX_REPR and instance in message:  # big objects must not flood the report
        message = message.replace(instance, _shorten(instance, MAX_REPR))
    return _shorten(" ".join(message.split()), MAX_MESSAGE)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
