"""`client.<group>.with_raw_response.<method>(...)`: the typed result with the HTTP response's status code and
headers, in the sync, async and streaming forms; and the request id in every error's message."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, List

import pytest

from .server import Server, chat_completion, chunk_json, json_response, sse_body, sse_response, text_response

MESSAGES: List[Any] = [{"role": "user", "content": "Hi"}]
HEADERS = {"x-request-id": "req-1", "x-ratelimit-remaining-tokens": "999"}


def test_the_raw_response_of_a_call(server: Server) -> None:
    from mistralai import Mistral, models

    server.enqueue(json_response(chat_completion("Hello"), headers=HEADERS))
    with Mistral(api_key="k", server_url=server.url) as client:
        res = client.chat.with_raw_response.complete(model="m", messages=MESSAGES)
    assert res.status_code == 200 and res.request_id == "req-1"
    assert res.headers["x-ratelimit-remaining-tokens"] == "999"
    assert isinstance(res.data, models.ChatCompletionResponse) and res.parse() is res.data
    assert res.data.choices is not None and res.data.choices[0].message.content == "Hello"
    assert res.http_response.request.url.path == "/v1/chat/completions"


def test_the_raw_response_is_the_one_the_result_was_read_from_after_a_retry(server: Server) -> None:
    from mistralai import Mistral

    server.enqueue(json_response({"detail": "busy"}, status=503, headers={"retry-after": "0", "x-request-id": "r-503"}))
    server.enqueue(json_response({"object": "list", "data": []}, headers={"x-request-id": "r-200"}))
    with Mistral(api_key="k", server_url=server.url) as client:
        res = client.models.with_raw_response.list()
    assert (res.status_code, res.request_id, len(server.requests)) == (200, "r-200", 2)


def test_the_raw_response_of_an_async_call(server: Server) -> None:
    from mistralai import Mistral

    server.enqueue(json_response(chat_completion("Hello"), headers=HEADERS))

    async def main() -> Any:
        async with Mistral(api_key="k", server_url=server.url) as client:
            return await client.chat.with_raw_response.complete_async(model="m", messages=MESSAGES)

    res = asyncio.run(main())
    assert res.status_code == 200 and res.headers["x-request-id"] == "req-1"
    assert res.data.choices[0].message.content == "Hello"


def test_the_raw_response_of_a_stream_comes_before_its_events(server: Server) -> None:
    from mistralai import Mistral

    server.enqueue(sse_response(sse_body([chunk_json("a", 0), chunk_json("b", 1)])))
    with Mistral(api_key="k", server_url=server.url) as client:
        res = client.chat.with_raw_response.stream(model="m", messages=MESSAGES)
        assert res.headers["content-type"].startswith("text/event-stream")
        with res.data as events:
            assert [e.data.choices[0].delta.content for e in events] == ["a", "b"]


def test_the_raw_response_of_an_async_stream(server: Server) -> None:
    from mistralai import Mistral

    server.enqueue(sse_response(sse_body([chunk_json("a", 0), chunk_json("b", 1)])))

    async def main() -> Any:
        async with Mistral(api_key="k", server_url=server.url) as client:
            res = await client.chat.with_raw_response.stream_async(model="m", messages=MESSAGES)
            async with res.data as events:
                return res.status_code, [e.data.choices[0].delta.content async for e in events]

    assert asyncio.run(main()) == (200, ["a", "b"])


def test_a_plain_call_collects_nothing(server: Server) -> None:
    from mistralai import Mistral, models

    server.enqueue(json_response(chat_completion("Hello"), headers=HEADERS))
    with Mistral(api_key="k", server_url=server.url) as client:
        assert isinstance(client.chat.complete(model="m", messages=MESSAGES), models.ChatCompletionResponse)


@pytest.mark.parametrize("header", ["x-request-id", "mistral-correlation-id", "x-amzn-RequestId"])
def test_every_error_names_the_request_id(server: Server, header: str) -> None:
    from mistralai import Mistral, SDKError

    server.enqueue(text_response("boom", 500, headers={header: "abc-123"}))
    with Mistral(api_key="k", server_url=server.url, retry_config=None) as client:
        with pytest.raises(SDKError) as caught:
            client.chat.complete(model="m", messages=MESSAGES)
    assert caught.value.request_id == "abc-123"
    assert "Request ID: abc-123" in str(caught.value)


TYPED = """
from typing import List
from mistralai import Mistral, RawResponse, models
from mistralai._runtime.sse import EventStream

client = Mistral(api_key="k")
res: RawResponse[models.ChatCompletionResponse] = client.chat.with_raw_response.complete(
    model="m", messages=[{"role": "user", "content": "Hi"}]
)
status: int = res.status_code
stream: RawResponse[EventStream[models.CompletionEvent]] = client.chat.with_raw_response.stream(
    model="m", messages=[{"role": "user", "content": "Hi"}]
)
listed: RawResponse[models.ModelList] = client.models.with_raw_response.list()
wrong: RawResponse[models.ModelList] = client.chat.with_raw_response.complete(model="m", messages=[])
client.chat.with_raw_response.complete(model="m", messages=[], nonsense=1)


async def main() -> None:
    got: RawResponse[models.ChatCompletionResponse] = await client.chat.with_raw_response.complete_async(
        model="m", messages=[]
    )
"""


def test_the_raw_forms_are_typed(sdk_src: Path, tmp_path: Path) -> None:
    program = tmp_path / "typed.py"
    program.write_text(TYPED)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / ".mypy"), str(program)],
        env={**os.environ, "MYPYPATH": str(sdk_src)}, capture_output=True, text=True, timeout=300,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    # Exactly the two wrong lines: the wrappers keep the methods' parameters and results.
    assert [line.split(":")[1] for line in errors] == ["15", "16"], result.stdout
    assert 'Unexpected keyword argument "nonsense"' in errors[1]
