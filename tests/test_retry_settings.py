"""Where an SDK's retry defaults come from: gen.yaml's `retries`, and `x-speakeasy-retries` in the description.

Precedence for the statuses an operation retries: the operation's own x-speakeasy-retries, then gen.yaml's
retries.status_codes, then the document's top-level x-speakeasy-retries, then the runtime's safe default
(429 and 503, and 5XX for idempotent methods). gen.yaml's retries.max_retries replaces the SDK's default cap.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from conftest import gen
from generator.config import load_config
from generator.ir import build_ir
from generator.load import load
from generator.problems import BuildError
from generator.render import render
from generator.render.runtime import runtime_files


def document(top: Any = None, on_post: Any = None) -> dict[str, Any]:
    ok = {"200": {"description": "ok"}}
    post: dict[str, Any] = {"operationId": "makeThing", "responses": ok}
    if on_post is not None:
        post["x-speakeasy-retries"] = on_post
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "servers": [{"url": "http://localhost"}],
        "paths": {"/things": {"post": post, "get": {"operationId": "listThings", "responses": ok}}},
    }
    if top is not None:
        doc["x-speakeasy-retries"] = top
    return doc


def write(folder: Path, doc: dict[str, Any], config: Any = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "openapi.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    if config is not None:
        (folder / "gen.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return folder


def codes(folder: Path) -> dict[str, Any]:
    api, _ = build_ir(load(folder / "openapi.yaml"), load_config(folder / "gen.yaml", folder.name))
    return {op.operation_id: op.retry_status_codes for op in api.operations}


def test_without_settings_the_runtime_default_applies(tmp_path: Path) -> None:
    assert codes(write(tmp_path / "a", document())) == {"makeThing": None, "listThings": None}


def test_precedence(tmp_path: Path) -> None:
    top = {"strategy": "backoff", "statusCodes": [502, "503"]}
    assert codes(write(tmp_path / "a", document(top=top))) == {"makeThing": ("502", "503"), "listThings": ("502", "503")}
    own = {"statusCodes": ["5xx"]}
    folder = write(tmp_path / "b", document(top=top, on_post=own), {"retries": {"status_codes": [429, 500]}})
    assert codes(folder) == {"makeThing": ("5XX",), "listThings": ("429", "500")}


def test_a_malformed_extension_is_a_warning_and_ignored(tmp_path: Path) -> None:
    folder = write(tmp_path / "a", document(on_post={"statusCodes": "5XX"}))
    api, warnings = build_ir(load(folder / "openapi.yaml"), load_config(None, "a"))
    assert [op.retry_status_codes for op in api.operations] == [None, None]
    assert any(
        w.pointer == "/paths/~1things/post/x-speakeasy-retries/statusCodes" and "status codes" in w.message
        for w in warnings
    )


def test_gen_yaml_retries_is_read(tmp_path: Path) -> None:
    (tmp_path / "gen.yaml").write_text("retries:\n  max_retries: 0\n  status_codes: [429, '5xx']\n")
    config = load_config(tmp_path / "gen.yaml", "x")
    assert config.max_retries == 0 and config.retry_status_codes == ("429", "5XX")


@pytest.mark.parametrize(
    "retries, message",
    [
        ("[2]", "gen.yaml#/retries: must be a mapping with max_retries and/or status_codes"),
        ("{max_retries: 11}", "gen.yaml#/retries/max_retries: 11 is not an integer from 0 to 10"),
        ("{max_retries: true}", "gen.yaml#/retries/max_retries: True is not an integer from 0 to 10"),
        ("{status_codes: []}", 'gen.yaml#/retries/status_codes: must be a non-empty list like [429, 503, "5XX"]'),
        ("{status_codes: [429, 600]}", "gen.yaml#/retries/status_codes/1: 600 is not a status code like 503 or \"5XX\""),
        ("{attempts: 3}", "gen.yaml#/retries/attempts: unknown setting; expected max_retries or status_codes"),
    ],
)
def test_gen_yaml_retries_errors_are_one_line(tmp_path: Path, retries: str, message: str) -> None:
    (tmp_path / "gen.yaml").write_text(f"retries: {retries}\n")
    with pytest.raises(BuildError) as info:
        load_config(tmp_path / "gen.yaml", "x", display="gen.yaml")
    assert [str(p) for p in info.value.problems] == [message]


def test_a_bad_setting_fails_the_build(tmp_path: Path) -> None:
    write(tmp_path / "specs" / "t", document(), {"retries": {"max_retries": -1}})
    done = gen("build", str(tmp_path / "specs"), "--out", str(tmp_path / "out"))
    assert done.returncode != 0
    assert "gen.yaml#/retries/max_retries: -1 is not an integer from 0 to 10" in done.stderr


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Any]:
    """The SDK of a gen.yaml with retries set, written unformatted and imported."""
    folder = write(
        tmp_path / "t",
        document(),
        {"package": "retry_sdk", "sdk_class": "Sdk", "retries": {"max_retries": 5, "status_codes": [500]}},
    )
    api, _ = build_ir(load(folder / "openapi.yaml"), load_config(folder / "gen.yaml", "t"))
    for relative, text in {**render(api), **runtime_files(api)}.items():
        path = tmp_path / "out" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(tmp_path / "out" / "src"))
    try:
        yield importlib.import_module("retry_sdk")
    finally:
        sys.path.remove(str(tmp_path / "out" / "src"))
        for name in [n for n in sys.modules if n == "retry_sdk" or n.startswith("retry_sdk.")]:
            del sys.modules[name]


def test_the_sdk_carries_the_settings(built: Any) -> None:
    sdk = built.Sdk()
    assert sdk._config.retry_config.max_retries == 5
    assert sdk._config.retry_config.backoff.max_elapsed_time == 20_000  # the rest of the default is kept
    assert built.Sdk(retry_config=None)._config.retry_config is None  # the caller still decides
    group = importlib.import_module(sdk.things.__class__.__module__)  # untagged: grouped by the path
    endpoints = {v.operation_id: v for v in vars(group).values() if isinstance(v, group.Endpoint)}
    assert {k: e.retry_status_codes for k, e in endpoints.items()} == {"makeThing": ("500",), "listThings": ("500",)}
