"""`gen diff OLD NEW`: the SDK surface compared on the IR, each change marked breaking or not."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, ROOT

OLD = """\
openapi: 3.1.0
info: {title: Shop, version: '1'}
paths:
  /items:
    get:
      operationId: listItems
      tags: [items]
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Item'}}}}
    post:
      operationId: createItem
      tags: [items]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/ItemIn'}}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}
  /items/{id}:
    delete:
      operationId: deleteItem
      tags: [items]
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: gone}}
components:
  schemas:
    Item:
      type: object
      required: [id, name, color]
      properties:
        id: {type: string}
        name: {type: string}
        color: {$ref: '#/components/schemas/Color'}
        legacy: {type: string}
    ItemIn:
      type: object
      required: [name]
      properties:
        name: {type: string}
        price: {type: integer}
        color: {$ref: '#/components/schemas/Color'}
    Color:
      type: string
      enum: [red, green, blue]
    Old:
      type: object
      properties: {x: {type: string}}
"""

NEW = """\
openapi: 3.1.0
info: {title: Shop, version: '2'}
paths:
  /items:
    get:
      operationId: listItems
      tags: [items]
      parameters:
        - {name: shop, in: query, required: true, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
        - {name: sort, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Item'}}}}
    post:
      operationId: createItem
      tags: [items]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/ItemIn'}}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}
  /items/{id}:
    get:
      operationId: getItem
      tags: [items]
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}
components:
  schemas:
    Item:
      type: object
      required: [id, color]
      properties:
        id: {type: string}
        name: {type: string}
        color: {$ref: '#/components/schemas/Color'}
        tags: {type: array, items: {type: string}}
    ItemIn:
      type: object
      required: [name, sku]
      properties:
        name: {type: string}
        sku: {type: string}
        price: {type: number}
        note: {type: [string, 'null']}
        color: {$ref: '#/components/schemas/Color'}
    Color:
      type: string
      enum: [red, green, black]
    New:
      type: object
      properties: {y: {type: integer}}
"""

EXPECTED = """\
## SDK changes

`old.yaml` → `new.yaml`: **9 breaking changes**, 6 other changes.

### Breaking changes (9)

- Operation `items.delete_item` removed (`DELETE /items/{id}`)
- `items.list_items`: parameter `cursor` removed
- `items.list_items`: parameter `shop` added (`str`, required)
- Enum `Color`: value `"blue"` removed
- `Item`: field `legacy` removed
- `Item`: field `name` now optional
- `ItemIn`: field `price` type `int` → `float`
- `ItemIn`: field `sku` added (`str`, required)
- Model `Old` removed

### Other changes (6)

- Operation `items.get_item` added (`GET /items/{id}`)
- `items.list_items`: parameter `sort` added (`str`, optional)
- Enum `Color`: value `"black"` added
- `Item`: field `tags` added (`List[str]`, optional)
- `ItemIn`: field `note` added (`str`, optional, nullable)
- Model `New` added
"""


def gen(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.fixture
def pair(tmp_path: Path) -> Path:
    (tmp_path / "old.yaml").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(NEW, encoding="utf-8")
    return tmp_path


def test_markdown_report_of_a_small_pair(pair: Path) -> None:
    result = gen("diff", "old.yaml", "new.yaml", cwd=pair)
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXPECTED


def test_json_report_carries_the_same_changes(pair: Path) -> None:
    result = gen("diff", "old.yaml", "new.yaml", "--format", "json", cwd=pair)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["old"], data["new"], data["breaking"], data["other"]) == ("old.yaml", "new.yaml", 9, 6)
    assert {"kind": "field", "subject": "ItemIn.sku", "action": "added",
            "detail": "`ItemIn`: field `sku` added (`str`, required)", "breaking": True} in data["changes"]
    assert {"kind": "value", "subject": "Color.BLACK", "action": "added",
            "detail": 'enum `Color`: value `"black"` added', "breaking": False} in data["changes"]


def test_no_change(pair: Path) -> None:
    result = gen("diff", "old.yaml", "old.yaml", cwd=pair)
    assert result.returncode == 0
    assert result.stdout == "## SDK changes\n\n`old.yaml` → `old.yaml`: no change to the SDK surface.\n"


def test_direction_decides_what_breaks() -> None:
    """Required → optional breaks what a caller receives; optional → required breaks what a caller sends."""
    from generator.diff.compare import compare
    from generator.ir import types as t

    def api(required: bool) -> t.Api:
        field = t.Field(name="x", wire_name="x", type=t.Primitive("str"), required=required, nullable=False)
        models = (
            t.Model(name="In", module="in_", description=None, fields=(field,)),
            t.Model(name="Out", module="out", description=None, fields=(field,)),
        )
        op = t.Operation(
            group=("g",), method_name="call", operation_id="call", http_method="POST", path="/", summary=None,
            description=None, parameters=(),
            body=t.Body(content_type="application/json", type=t.Ref("In", "model", "in_"), required=True),
            responses=(t.Response(status="200", content_type="application/json", type=t.Ref("Out", "model", "out")),),
            streaming=False, sse_sentinel=None,
        )
        return t.Api(
            name="a", package="a", sdk_class="A", version="1", title="A", description=None, api_version="1",
            source="a.yaml", servers=(), declarations=models, operations=(op,),
        )

    loosened = {c.subject: c.breaking for c in compare(api(True), api(False))}
    tightened = {c.subject: c.breaking for c in compare(api(False), api(True))}
    assert loosened == {"In.x": False, "Out.x": True}
    assert tightened == {"In.x": True, "Out.x": False}


def test_api_folders_are_compared_with_their_overlays(tmp_path: Path) -> None:
    """An API folder is what the SDK is built from: its overlays and gen.yaml apply."""
    shutil.copytree(ROOT / "specs" / "mistral", tmp_path / "mistral")
    overlay = tmp_path / "mistral" / "overlay.yaml"
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("name-override: list\n", "name-override: list_all\n", 1), encoding="utf-8")
    result = gen("diff", "specs/mistral", str(tmp_path / "mistral"))
    assert result.returncode == 0, result.stderr
    renamed = [line for line in result.stdout.splitlines() if "renamed to" in line]
    assert len(renamed) == 1 and renamed[0].startswith("- Operation `") and renamed[0].split("`")[3].endswith(".list_all")


def test_bad_input_exits_2(pair: Path) -> None:
    (pair / "broken.yaml").write_text("openapi: 3.1.0\ninfo: [\n", encoding="utf-8")
    result = gen("diff", "old.yaml", "broken.yaml", cwd=pair)
    assert result.returncode == 2
    assert result.stderr.startswith("broken.yaml#")


def test_the_two_mistral_releases() -> None:
    old = ROOT / "specs" / "mistral" / "openapi.yaml"  # ../shared/specs/mistral-2025-03, unchanged
    new = DATA / "mistral-2026-07.openapi.yaml"  # ../shared/specs/mistral-2026-07, copied
    result = gen("diff", str(old), str(new))
    assert result.returncode == 0, result.stderr
    report = result.stdout
    breaking, other = report.split("### Other changes")
    for field in ("guardrails", "metadata", "parallel_tool_calls", "prompt_mode", "reasoning_effort"):
        assert f"- `ChatCompletionRequest`: field `{field}` added" in other, field
    assert "- `ChatModerationRequest`: field `truncate_for_context_length` removed" in breaking
    removals = [line for line in report.splitlines() if line.startswith("- ") and line.endswith(" removed")]
    assert removals and all(line in breaking for line in removals)
    data = json.loads(gen("diff", str(old), str(new), "--format", "json").stdout)
    assert all(c["breaking"] for c in data["changes"] if c["action"] == "removed" and c["kind"] != "response")
