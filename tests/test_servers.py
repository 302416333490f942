"""Named servers (`x-speakeasy-server-id`): `Mistral(server="eu")` sends to that server's URL, `server_url=` wins,
an unknown name is a clear error, and a named server's URL variables get its own defaults. Each check runs in a
fresh interpreter: on the committed out/mistral, and on the names_injection golden (hostile ids, variables) built
afresh.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import gen

ROOT = Path(__file__).resolve().parents[1]

MISTRAL = """
import httpx
from mistralai import Mistral
from mistralai.sdk import SERVERS

assert SERVERS == {"eu": "https://api.mistral.ai"}, SERVERS
seen = []

def answer(request):
    seen.append(str(request.url))
    return httpx.Response(200, json={"object": "list", "data": []})

def sent_to(**kw):
    seen.clear()
    with Mistral(api_key="k", client=httpx.Client(transport=httpx.MockTransport(answer)), **kw) as sdk:
        sdk.models.list()
    return seen[0]

assert sent_to(server="eu") == "https://api.mistral.ai/v1/models", seen
assert sent_to() == "https://api.mistral.ai/v1/models", seen
assert sent_to(server="eu", server_url="http://127.0.0.1:9/x") == "http://127.0.0.1:9/x/v1/models", seen
try:
    Mistral(api_key="k", server="moon")
except ValueError as e:
    assert str(e) == "unknown server 'moon': the servers are 'eu'", str(e)
else:
    raise AssertionError("no error for an unknown server")
print("ok")
"""

NAMES = """
from names_injection import NamesInjection

def url(**kw):
    return NamesInjection(**kw)._config.server_url

eu = "eu\\" 'x"
assert url() == 'https://names.example.com/v1"\\\\', url()
assert url(server=eu) == "https://eu.names.example.com/v2", url(server=eu)
assert url(server=eu, url_params={"region": "us"}) == "https://us.names.example.com/v2"
assert url(server_url="http://127.0.0.1:9/{version}") == "http://127.0.0.1:9/{version}"
try:
    url(server="eu")
except ValueError as e:
    assert "unknown server 'eu'" in str(e), str(e)
else:
    raise AssertionError("no error for an unknown server")
print("ok")
"""


def _run(src: Path, script: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=src,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stdout + result.stderr


def test_mistral_server_by_name() -> None:
    _run(ROOT / "out" / "mistral" / "src", MISTRAL)


def test_named_server_with_variables_and_a_hostile_id(tmp_path: Path) -> None:
    built = gen("build", "tests/golden/names_injection", "--out", str(tmp_path))
    assert built.returncode == 0, built.stderr
    _run(tmp_path / "names_injection" / "src", NAMES)
