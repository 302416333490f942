"""The SDK's dependency floors are true: on exactly the oldest httpx, pydantic and typing-extensions each SDK's
pyproject.toml accepts, the model-semantics tests pass and the Mistral SDK makes real calls (JSON and a stream)
to the local e2e server. Pydantic 2.11 (no `Field(exclude_if=...)`) would send every unset field as null, and
2.12.0 dumps a model inside an optional nullable field as null: both fail here.

The floors venv is `.tools/sdk-floors` (`make sdk-floors`, a prerequisite of `make test`), with gen itself
installed there so that the model-semantics tests can build the golden SDKs as they always do.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("httpx", "pydantic", "typing-extensions")


def _floors(pyproject: str) -> dict[str, str]:
    return dict(re.findall(r'"(httpx|pydantic|typing-extensions)>=([0-9.]+)"', pyproject))


def test_every_sdk_and_gens_sdk_extra_state_the_same_floors() -> None:
    floors = _floors((ROOT / "out" / "mistral" / "pyproject.toml").read_text())
    assert sorted(floors) == sorted(PACKAGES), floors
    for expected in sorted((ROOT / "tests" / "golden").glob("*/expected/pyproject.toml")):
        assert _floors(expected.read_text()) == floors, expected
    sdk_extra = re.search(r"^sdk = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.M)
    assert sdk_extra is not None
    assert _floors(sdk_extra.group(1)) == floors


def _interpreter() -> str:
    python = os.environ.get("GEN_SDK_FLOORS") or str(ROOT / ".tools" / "sdk-floors" / "bin" / "python")
    if not Path(python).exists():
        if os.environ.get("GEN_REQUIRE_PRISM"):  # `make test`, which installs it
            pytest.fail(f"{python} is missing: run `make sdk-floors`")
        pytest.skip("the SDK's floors are not installed (make sdk-floors)")
    return python


def test_the_sdk_works_on_its_floors() -> None:
    python = _interpreter()
    floors = _floors((ROOT / "out" / "mistral" / "pyproject.toml").read_text())
    show = subprocess.run(
        [python, "-c", "import importlib.metadata as m, sys; print(*(m.version(p) for p in sys.argv[1:]))", *PACKAGES],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert show.returncode == 0, show.stderr
    installed = dict(zip(PACKAGES, show.stdout.split(), strict=True))
    # `0.24` on the floor is the release 0.24.0.
    assert {p: v.removesuffix(".0") for p, v in installed.items()} == {
        p: v.removesuffix(".0") for p, v in floors.items()
    }, f"{python} has other versions than the floors: run `make sdk-floors`"

    e2e = "tests/e2e/test_client.py::"
    result = subprocess.run(
        [
            python,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "-q",
            "tests/test_model_semantics.py",
            e2e + "test_json_completion_request_and_response",
            e2e + "test_json_completion_sends_set_fields_and_explicit_nulls",
            e2e + "test_stream_of_many_events_split_anywhere",
            e2e + "test_422_is_an_http_validation_error",
            # mypy is not a run-time dependency; tests/test_model_semantics.py runs it on the newest releases.
            "-k",
            "not mypy",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "GEN_E2E_SDK"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\b\d+ passed\b", summary) and "failed" not in summary and "error" not in summary, summary
