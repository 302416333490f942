"""The compiled yes/no schema check against jsonschema: it may say "no" where jsonschema finds nothing (validation
then just takes the slow path), but never "yes" where jsonschema finds a violation, or warnings would be lost."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import validate as V
from generator.load.bundle import walk
from generator.load.fastcheck import compile_schema, equal

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted(
    [p for p in (ROOT / "tests" / "corpus" / "documents").iterdir() if p.suffix in (".yaml", ".yml", ".json")]
    + list((ROOT / "tests" / "golden").glob("*/openapi.yaml"))
    + [ROOT / "specs" / "mistral" / "openapi.yaml", ROOT / "tests" / "data" / "mistral-2026-07.openapi.yaml"]
)
SMALL = [p for p in DOCUMENTS if p.stat().st_size < 300_000]


def loaded(path: Path) -> tuple[dict[str, Any], tuple[int, int]]:
    """The document as validation receives it (after bundling and repairs)."""
    from generator.load import document

    seen: list[tuple[dict[str, Any], tuple[int, int]]] = []
    real = document.validate

    def spy(data: dict[str, Any], version: tuple[int, int], sources: Any) -> list[Any]:
        seen.append((copy.deepcopy(data), version))
        return list(real(data, version, sources))

    document.validate = spy  # type: ignore[assignment]
    try:
        document.load(path)
    except Exception:
        pass  # the corpus' broken documents fail after validation, or before it (then nothing is seen)
    finally:
        document.validate = real  # type: ignore[assignment]
    if not seen:
        pytest.skip(f"{path.name} stops before validation")
    return seen[0]


def verdicts(root: dict[str, Any], version: tuple[int, int]) -> list[tuple[bool, bool]]:
    """(fast says valid, jsonschema says valid) for the document and, from 3.1 on, each outermost Schema Object."""
    pairs = [(V._document_check(version)(root), not any(V._document_validator(version).iter_errors(root)))]
    if version >= (3, 1):
        for visit in walk(root):
            if visit.kind == "schema" and visit.parent_kind != "schema":
                node = visit.node
                pairs.append((V._meta_check()(node), not any(V._meta_validator().iter_errors(node))))
    return pairs


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.parent.name if p.name == "openapi.yaml" else p.name)
def test_the_fast_check_agrees_with_jsonschema_on_real_documents(path: Path) -> None:
    root, version = loaded(path)
    pairs = verdicts(root, version)
    assert not [pair for pair in pairs if pair == (True, False)]  # never a wrong yes
    # and it is a fast path in fact: it says yes wherever jsonschema does
    assert [pair for pair in pairs if pair == (False, True)] == []


def _mutate(node: Any, rng: random.Random, budget: list[int]) -> Any:
    """Small damage of the kinds real documents have: wrong types, stray keys, missing required fields."""
    if budget[0] <= 0:
        return node
    if isinstance(node, dict) and node:
        key = rng.choice(sorted(node, key=str))
        roll = rng.random()
        budget[0] -= 1
        if roll < 0.2:
            del node[key]
        elif roll < 0.35:
            node[key] = rng.choice([None, 1, 1.5, True, "x", [], {}, ["a"], {"a": 1}])
        elif roll < 0.45:
            node[rng.choice(["foo", "x-ok", "$ref", "type", "nullable", "in", "required", "content"])] = rng.choice(
                ["#/x", "string", 3, True, None, [], {}]
            )
        else:
            budget[0] += 1
            node[key] = _mutate(node[key], rng, budget)
    elif isinstance(node, list) and node:
        index = rng.randrange(len(node))
        if rng.random() < 0.3:
            budget[0] -= 1
            node.append(copy.deepcopy(node[index]))
        else:
            node[index] = _mutate(node[index], rng, budget)
    return node


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SMALL), st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_the_fast_check_never_accepts_what_jsonschema_rejects(path: Path, seed: int, damage: int) -> None:
    root, version = _cached(path)
    mutated = _mutate(copy.deepcopy(root), random.Random(seed), [damage])
    for fast, slow in verdicts(mutated, version):
        assert not (fast and not slow)


_CACHE: dict[Path, tuple[dict[str, Any], tuple[int, int]]] = {}


def _cached(path: Path) -> tuple[dict[str, Any], tuple[int, int]]:
    if path not in _CACHE:
        _CACHE[path] = loaded(path)
    return _CACHE[path]


def test_the_stored_meta_schema_is_the_official_one_flattened() -> None:
    stored = json.loads((ROOT / "generator" / "load" / "schemas" / "json-schema-2020-12-flat.json").read_text())
    assert stored == V._flat_meta_schema()


@pytest.mark.parametrize(
    ("schema", "instance", "valid"),
    [
        ({"enum": [1]}, True, False),  # booleans are not numbers
        ({"const": 1}, 1.0, True),
        ({"type": "integer"}, 2.0, True),
        ({"uniqueItems": True}, [1, True], True),
        ({"uniqueItems": True}, [{"a": [1]}, {"a": [1.0]}], False),
        ({"properties": {"a": {"type": "string"}}, "unevaluatedProperties": False}, {"a": "x", "b": 1}, False),
        ({"allOf": [{"properties": {"a": True}}], "unevaluatedProperties": False}, {"a": 1}, True),
        ({"anyOf": [{"required": ["b"]}, {"properties": {"a": True}}], "unevaluatedProperties": False}, {"a": 1}, True),
        (
            {"if": {"required": ["a"]}, "then": {"properties": {"a": True}}, "unevaluatedProperties": False},
            {"a": 1},
            True,
        ),
        ({"somethingUnknown": 1}, {}, False),  # unknown keywords: "no", to be safe
    ],
)
def test_keywords(schema: dict[str, Any], instance: Any, valid: bool) -> None:
    assert compile_schema(schema, draft4=False)(instance) is valid


def test_equal_follows_json() -> None:
    assert equal({"a": [1, "x"]}, {"a": [1.0, "x"]}) and not equal(True, 1) and not equal([1], (1,))
