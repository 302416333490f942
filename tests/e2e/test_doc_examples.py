"""The examples in the generated docs are real programs: each runs against Prism (which answers 422
to a request that breaks the spec) and all of them pass `mypy --strict`."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from .prism import Prism, executable

ROOT = Path(__file__).resolve().parents[2]
SDK = Path(os.environ.get("GEN_E2E_SDK", ROOT / "out" / "mistral" / "src")).resolve()
DOCS = SDK.parent / "docs" / "sdks"
README = SDK.parent / "README.md"
SPEC = ROOT / "specs" / "mistral" / "openapi.yaml"

_SECTION = re.compile(r"^## (\w+)\n(.*?)(?=^## |\Z)", re.S | re.M)
_CODE = re.compile(r"^(`{3,})python\n(.*?)\n\1$", re.S | re.M)


def _examples() -> List[Tuple[str, str]]:
    found = []
    for page in sorted(DOCS.glob("*/README.md")):
        text = page.read_text()
        for method, body in _SECTION.findall(text):
            code = _CODE.search(body)
            if code is not None:
                found.append((f"{page.parent.name}.{method}", code.group(2)))
    return found


EXAMPLES = _examples()


def test_every_operation_has_an_example() -> None:
    pages = sorted(DOCS.glob("*/README.md"))
    listed = sum(len(re.findall(r"^\* \[", p.read_text(), re.M)) for p in pages)
    assert len(EXAMPLES) == listed >= 28


@pytest.fixture(scope="module")
def prism() -> Iterator[Prism]:
    if executable() is None:
        message = "Prism is not installed: run `make prism` (make test does)"
        if os.environ.get("GEN_REQUIRE_PRISM"):
            pytest.fail(message)
        pytest.skip(message)
    with Prism(SPEC) as server:
        yield server


@pytest.mark.parametrize("name, code", [e for e in EXAMPLES if ".stream" not in e[0]], ids=lambda v: v if "\n" not in v else "")
def test_the_example_runs_against_prism(name: str, code: str, prism: Prism, tmp_path: Path) -> None:
    # The example as printed, with the SDK's default server pointed at Prism (and nothing else changed).
    program = f"import mistralai.sdk\nmistralai.sdk.SERVER_URL = {prism.url!r}\n" + code
    (tmp_path / "example.txt").write_text("some content\n")  # what file examples upload
    env = {**os.environ, "PYTHONPATH": str(SDK), "MISTRAL_API_KEY": "test"}
    result = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{name}:\n{code}\n{result.stderr[-2000:]}"


def _readme_examples() -> List[Tuple[str, str]]:
    found = []
    for section, body in re.findall(r"^## ([^\n]+)\n(.*?)(?=^## |\Z)", README.read_text(), re.S | re.M):
        for i, code in enumerate(_CODE.finditer(body)):
            found.append((f"{section.replace(' ', '_')}-{i}", code.group(2)))
    return found


README_EXAMPLES = _readme_examples()


def test_the_readme_has_the_sections_users_look_for() -> None:
    sections = {name.split("-")[0] for name, _ in README_EXAMPLES}
    wanted = {"Authentication", "Servers", "Streaming", "Async", "Retries", "Logging", "Timeouts", "Errors"}
    assert wanted | {"Quick_start", "File_uploads", "Custom_HTTP_client"} <= sections, sections


@pytest.mark.parametrize("name, code", [e for e in README_EXAMPLES if "event_stream" not in e[1]], ids=lambda v: v if "\n" not in v else "")
def test_the_readme_example_runs_against_prism(name: str, code: str, prism: Prism, tmp_path: Path) -> None:
    # As printed, with the default server and every named one pointed at Prism.
    setup = (
        f"import mistralai.sdk\nmistralai.sdk.SERVER_URL = {prism.url!r}\n"
        f"mistralai.sdk.SERVERS = {{k: {prism.url!r} for k in mistralai.sdk.SERVERS}}\n"
    )
    (tmp_path / "example.txt").write_text("some content\n")
    env = {**os.environ, "PYTHONPATH": str(SDK), "MISTRAL_API_KEY": "test"}
    result = subprocess.run([sys.executable, "-c", setup + code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{name}:\n{code}\n{result.stderr[-2000:]}"


@pytest.mark.parametrize("name, code", [e for e in README_EXAMPLES if "event_stream" in e[1]], ids=lambda v: v if "\n" not in v else "")
def test_the_readme_stream_example_runs_against_the_test_server(name: str, code: str, tmp_path: Path) -> None:
    # Prism does not stream: the scripted server answers every request with a two-chunk event stream.
    from .server import Server, chunk_json, sse_body, sse_response

    server = Server()
    server.default = sse_response(sse_body([chunk_json("Hello", 0), chunk_json(" world", 1)]))
    try:
        setup = f"import mistralai.sdk\nmistralai.sdk.SERVER_URL = {server.url!r}\n"
        env = {**os.environ, "PYTHONPATH": str(SDK), "MISTRAL_API_KEY": "test"}
        result = subprocess.run([sys.executable, "-c", setup + code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    finally:
        server.close()
    assert result.returncode == 0, f"{name}:\n{code}\n{result.stderr[-2000:]}"
    assert result.stdout.count("data=CompletionChunk(") == 2 and len(server.requests) == 1, result.stdout


def test_stream_examples_iterate_the_stream() -> None:
    streams = [code for name, code in EXAMPLES if ".stream" in name]
    assert streams
    for code in streams:
        assert "with res as event_stream:" in code and "for event in event_stream:" in code
        ast.parse(code)


def test_examples_and_readme_type_check(tmp_path: Path) -> None:
    blocks = [code for _, code in EXAMPLES] + [m.group(2) for m in _CODE.finditer(README.read_text())]
    for i, code in enumerate(blocks):
        (tmp_path / f"example_{i}.py").write_text(code.replace("    ...\n", "    pass\n") + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / ".cache"), str(tmp_path)],
        env={**os.environ, "MYPYPATH": str(SDK)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:]
