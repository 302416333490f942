"""The load stage walks a document fewer times than it reads it: what it records of one walk must be what a fresh
walk of the same document would find, or warnings would change."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from generator.load import bundle as B
from generator.load import document
from generator.load.read import read
from generator.load.repair import repair
from generator.problems import BuildError

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted(
    [p for p in (ROOT / "tests" / "corpus" / "documents").iterdir() if p.suffix in (".yaml", ".yml", ".json")]
    + list((ROOT / "tests" / "golden").glob("*/openapi.yaml"))
    + [ROOT / "specs" / "mistral" / "openapi.yaml", ROOT / "tests" / "data" / "mistral-2026-07.openapi.yaml"]
)


def _shape(visits: Any) -> list[tuple[Any, ...]]:
    return [(v.tokens, id(v.node), v.kind, v.parent_kind) for v in visits]


def _bundled(path: Path) -> tuple[B._Bundler, Any]:
    try:
        source = read(path)
    except BuildError:
        pytest.skip(f"{path.name} cannot be read")
    if not isinstance(source.data, dict):
        pytest.skip(f"{path.name} is not a mapping")
    bundler = B._Bundler(source)
    bundler.run()
    return bundler, source.data


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.parent.name if p.name == "openapi.yaml" else p.name)
def test_bundling_meets_every_reference_a_walk_of_the_result_finds(path: Path) -> None:
    bundler, root = _bundled(path)
    assert len(bundler.files) == 1 and not bundler.hoisted  # these documents are single files
    walked = [(v.tokens, id(v.node)) for v in B.walk(root) if isinstance(v.node.get("$ref"), str)]
    recorded = [(tokens, id(node)) for tokens, node in bundler.references if isinstance(node.get("$ref"), str)]
    assert recorded == walked


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.parent.name if p.name == "openapi.yaml" else p.name)
def test_the_walk_repair_records_is_a_walk_of_the_repaired_document(path: Path) -> None:
    bundler, root = _bundled(path)
    sources = bundler.sources
    repair(root, sources)
    assert sources.walked is not None and sources.walked[0] is root
    assert _shape(sources.walked[1]) == _shape(B.walk(root))
    # another document (even an equal one) is walked afresh
    other = copy.deepcopy(root)
    assert _shape(sources.visits(other)) == _shape(B.walk(other))


def test_repairs_inside_repaired_nodes_are_walked_as_repaired(tmp_path: Path) -> None:
    """`items: [x]` becomes `items: x` before the walk looks inside: x is met at /items, not /items/0."""
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.1.0\n"
        "info: {title: t, version: '1'}\n"
        "paths: {}\n"
        "components:\n"
        "  schemas:\n"
        "    A:\n"
        "      type: array\n"
        "      required: [a, a]\n"
        "      items: [{type: array, items: [{type: string, default: 1}], required: [b, b]}]\n"
    )
    loaded = document.load(spec)
    where = [w.pointer for w in loaded.warnings]
    assert where == [
        "/components/schemas/A/items",
        "/components/schemas/A/required",
        "/components/schemas/A/items/items",
        "/components/schemas/A/items/required",
        "/components/schemas/A/items/items/default",
    ]
