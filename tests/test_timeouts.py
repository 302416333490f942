"""gen.yaml's timeout settings: validated with one-line errors, and written into the SDK as the
default timeout of the HTTP clients it makes (the e2e tests run the Mistral SDK with them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from conftest import ROOT
from generator.config import DEFAULT_TIMEOUT_MS, Config, load_config
from generator.problems import BuildError


def _config(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "gen.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, "api", display="gen.yaml")


@pytest.mark.parametrize(
    ("text", "timeout_ms", "connect_timeout_ms"),
    [
        ("package: api\n", DEFAULT_TIMEOUT_MS, None),
        ("timeout_ms: 120000\n", 120000, None),
        ("timeout_ms: null\nconnect_timeout_ms: 10000\n", None, 10000),
        ("timeout_ms: null\n", None, None),
        ("connect_timeout_ms: 2000\n", DEFAULT_TIMEOUT_MS, 2000),
    ],
)
def test_timeout_settings(tmp_path: Path, text: str, timeout_ms: int | None, connect_timeout_ms: int | None) -> None:
    config = _config(tmp_path, text)
    assert (config.timeout_ms, config.connect_timeout_ms) == (timeout_ms, connect_timeout_ms)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timeout_ms: 0\n", "gen.yaml#/timeout_ms: 0 is not a timeout"),
        ("timeout_ms: -5\n", "gen.yaml#/timeout_ms: -5 is not a timeout"),
        ("timeout_ms: 1.5\n", "gen.yaml#/timeout_ms: 1.5 is not a timeout"),
        ("timeout_ms: '10s'\n", "gen.yaml#/timeout_ms: '10s' is not a timeout"),
        ("timeout_ms: true\n", "gen.yaml#/timeout_ms: True is not a timeout"),
        ("connect_timeout_ms: []\n", "gen.yaml#/connect_timeout_ms: [] is not a timeout"),
    ],
)
def test_bad_timeout_settings_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(BuildError) as info:
        _config(tmp_path, text)
    (line,) = str(info.value).splitlines()
    assert line.startswith(message), line
    assert line.endswith("use a whole number of milliseconds > 0, or null for none"), line


def _default_timeout(sdk_py: Path) -> httpx.Timeout:
    """DEFAULT_TIMEOUT of a generated sdk.py, evaluated."""
    (line,) = [x for x in sdk_py.read_text(encoding="utf-8").splitlines() if x.startswith("DEFAULT_TIMEOUT = ")]
    value = eval(line.split(" = ", 1)[1], {"httpx": httpx})
    assert isinstance(value, httpx.Timeout)
    return value


def test_the_sdk_carries_the_gen_yaml_timeout(tmp_path: Path) -> None:
    from conftest import gen

    # gen's default, in a golden case without gen.yaml settings
    golden = ROOT / "tests" / "golden" / "enums" / "expected" / "src" / "enums" / "sdk.py"
    assert _default_timeout(golden) == httpx.Timeout(DEFAULT_TIMEOUT_MS / 1000)
    # Mistral's: no read timeout, a connect timeout
    assert _default_timeout(ROOT / "out" / "mistral" / "src" / "mistralai" / "sdk.py") == httpx.Timeout(
        None, connect=10.0
    )
    spec = tmp_path / "api"
    spec.mkdir()
    shutil.copy(ROOT / "tests" / "golden" / "enums" / "openapi.yaml", spec / "openapi.yaml")
    (spec / "gen.yaml").write_text("timeout_ms: 300000\nconnect_timeout_ms: 4500\n", encoding="utf-8")
    done = gen("build", str(spec), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    sdk_py = next((tmp_path / "out" / "api" / "src").glob("*/sdk.py"))
    assert _default_timeout(sdk_py) == httpx.Timeout(300.0, connect=4.5)
