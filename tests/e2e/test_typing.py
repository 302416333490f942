"""The generated SDK under `mypy --strict`: what calls return, that mistakes are caught, and that code
written for the reference SDK type-checks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from .conftest import SDK_SRC
from .test_reference_surface import USER_PROGRAM

STREAM = "mistralai._runtime.sse.EventStream[mistralai.models.completionevent.CompletionEvent]"
STREAM_ASYNC = "mistralai._runtime.sse.EventStreamAsync[mistralai.models.completionevent.CompletionEvent]"
EVENT = "mistralai.models.completionevent.CompletionEvent"

REVEAL = '''\
from typing import List

from mistralai import Mistral, models

client = Mistral(api_key="k", server_url="http://127.0.0.1:1")
messages: List[models.ChatCompletionStreamRequestMessagesTypedDict] = [{"role": "user", "content": "hi"}]
request: List[models.ChatCompletionRequestMessagesTypedDict] = [{"role": "user", "content": "hi"}]

reveal_type(client.chat.stream(model="m", messages=messages))  # expect: STREAM
reveal_type(client.chat.complete(model="m", messages=request))  # expect: COMPLETION
res = client.chat.stream(model="m", messages=messages)
with res as event_stream:
    for event in event_stream:
        reveal_type(event)  # expect: EVENT
reveal_type(client.fim.stream(model="codestral-latest", prompt="def"))  # expect: STREAM
reveal_type(client.embeddings.create(model="mistral-embed", inputs=["a"]))  # expect: EMBEDDINGS


async def main() -> None:
    stream = await client.chat.stream_async(model="m", messages=messages)
    reveal_type(stream)  # expect: STREAM_ASYNC
    async for chunk in stream:
        reveal_type(chunk)  # expect: EVENT
    async with await client.chat.stream_async(model="m", messages=messages) as s2:
        reveal_type(s2)  # expect: STREAM_ASYNC
'''

REVEALED = {
    "STREAM": STREAM,
    "STREAM_ASYNC": STREAM_ASYNC,
    "EVENT": EVENT,
    "COMPLETION": "mistralai.models.chatcompletionresponse.ChatCompletionResponse",
    "EMBEDDINGS": "mistralai.models.embeddingresponse.EmbeddingResponse",
}
EXPECTED_REVEALS = {
    number: REVEALED[line.rsplit("# expect: ", 1)[1]]
    for number, line in enumerate(REVEAL.splitlines(), 1)
    if "# expect: " in line
}

MISTAKES = '''\
from mistralai import Mistral, models

client = Mistral(api_key="k")
msgs: list[models.ChatCompletionRequestMessagesTypedDict] = [{"role": "user", "content": "hi"}]
client.chat.complete(model=3, messages=msgs)  # L5: model is a str
client.chat.complete(modle="m", messages=msgs)  # L6: no such argument
client.chat.complete(model="m", messages=msgs, temperature="hot")  # L7
res = client.chat.complete(model="m", messages=msgs)
res.choices[0]  # L9: choices may be None
bad: list[models.ChatCompletionRequestMessagesTypedDict] = [{"role": "user", "contents": "hi"}]  # L10
async def f() -> None:
    await client.chat.complete(model="m", messages=msgs)  # L12: not awaitable
client.chat.stream(model="m", messages=msgs).data  # L13: a stream has no .data
models.UserMessage(content=1)  # L14: content is a str or chunks
'''

EXPECTED_MISTAKES = {5, 6, 7, 9, 10, 12, 13, 14}

LINE = re.compile(r"^(?P<file>[^:\s]+\.py):(?P<line>\d+): (?P<kind>error|note): (?P<msg>.*)$")


@pytest.fixture(scope="module")
def mypy(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, List[Tuple[int, str, str]]]:
    """Run mypy --strict once over every snippet; findings by file name."""
    folder = tmp_path_factory.mktemp("typing")
    files = FILES
    for name, text in files.items():
        (folder / name).write_text(text)
    done = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--no-incremental",
            "--cache-dir", str(folder / ".mypy_cache"), "--show-error-codes", "--no-color-output",
            "--no-error-summary", "--hide-error-context", *files,
        ],
        cwd=folder,
        env={"MYPYPATH": str(SDK_SRC), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 2: mypy itself failed
    found: Dict[str, List[Tuple[int, str, str]]] = {name: [] for name in files}
    for line in done.stdout.splitlines():
        m = LINE.match(line)
        if m:
            found[Path(m["file"]).name].append((int(m["line"]), m["kind"], m["msg"]))
        elif line.strip():
            found.setdefault("?", []).append((0, "other", line))
    assert "?" not in found, found["?"]
    return found


def test_revealed_types(mypy: Dict[str, List[Tuple[int, str, str]]]) -> None:
    reveals = {
        line: msg.removeprefix("Revealed type is ").strip('"')
        for line, kind, msg in mypy["reveal.py"]
        if kind == "note" and msg.startswith("Revealed type is")
    }
    assert reveals == EXPECTED_REVEALS
    errors = [f for f in mypy["reveal.py"] if f[1] == "error"]
    assert not errors, errors


def test_mistakes_are_caught(mypy: Dict[str, List[Tuple[int, str, str]]]) -> None:
    lines = {line for line, kind, _ in mypy["mistakes.py"] if kind == "error"}
    assert lines == EXPECTED_MISTAKES, mypy["mistakes.py"]


# Code written for the reference fails mypy --strict in three ways today. (The reference itself
# hides most of its own: its `Mistral.__enter__` is unannotated, so inside `with Mistral() as m:`
# everything is Any. With real types it has the first problem below too, not the other two.)

# One snippet per known issue: each must type-check once the issue is fixed.
ISSUE_SNIPPETS = {
    "list_literals": '''\
from mistralai import Mistral
from mistralai.models import SystemMessage, UserMessage

client = Mistral(api_key="k")
client.chat.complete(model="m", messages=[{"role": "user", "content": "hi"}])
client.chat.complete(model="m", messages=[UserMessage(content="hi")])
client.chat.complete(model="m", messages=[SystemMessage(content="be brief"), UserMessage(content="hi")])
client.chat.stream(model="m", messages=[{"role": "user", "content": "hi"}])
client.embeddings.create(model="mistral-embed", inputs=["a", "b"])
''',
    "enum_strings": '''\
from typing import List

from mistralai import Mistral, models

client = Mistral(api_key="k")
msgs: List[models.ChatCompletionRequestMessagesTypedDict] = [{"role": "user", "content": "hi"}]
client.chat.complete(model="m", messages=msgs, tool_choice="any")
client.chat.complete(model="m", messages=msgs, response_format={"type": "json_object"})
''',
    "open_unions": '''\
from mistralai import Mistral

client = Mistral(api_key="k")
listed = client.models.list()
ids = [m.id for m in listed.data or []]
''',
}

FILES = {
    "reveal.py": REVEAL,
    "mistakes.py": MISTAKES,
    "user_program.py": USER_PROGRAM,
    **{f"issue_{name}.py": text for name, text in ISSUE_SNIPPETS.items()},
}


def test_open_union_members_type_check(mypy: Dict[str, List[Tuple[int, str, str]]]) -> None:
    assert not [f for f in mypy["issue_open_unions.py"] if f[1] == "error"]


def test_reference_style_program_type_checks(mypy: Dict[str, List[Tuple[int, str, str]]]) -> None:
    errors = [f for f in mypy["user_program.py"] if f[1] == "error"]
    assert not errors, errors
