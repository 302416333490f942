"""Structured outputs (`chat.parse` and its async and streaming forms): code written by hand in
out/mistral/src/mistralai/extra/, which `client.chat` hands out through gen.yaml's `extend`. Here it is called as a
user calls it, against the test server; tests/test_custom_code.py shows that a rebuild keeps it."""

from __future__ import annotations

import asyncio
import json
import typing
from typing import Any, List

import pydantic
import pytest

from .server import Server, chat_completion, chunk_json, json_response, sse_body, sse_response


class Book(pydantic.BaseModel):
    title: str
    year: int
    authors: List[str]


DUNE = {"title": "Dune", "year": 1965, "authors": ["Frank Herbert"]}
MESSAGES: List[Any] = [{"role": "user", "content": "A famous novel, as JSON."}]


def _asked_schema(server: Server) -> Any:
    body = server.requests[0].json()
    assert body["response_format"]["type"] == "json_schema"
    return body["response_format"]["json_schema"]


def test_parse_returns_an_instance_of_the_callers_model(server: Server) -> None:
    from mistralai import Mistral
    from mistralai.extra.structured import ParsedChatCompletionResponse

    server.enqueue(json_response(chat_completion(json.dumps(DUNE))))
    with Mistral(api_key="k", server_url=server.url) as client:
        res = client.chat.parse(response_format=Book, model="mistral-small-latest", messages=MESSAGES, temperature=0)
    assert isinstance(res, ParsedChatCompletionResponse)
    assert res.choices is not None and isinstance(res.choices[0].message.parsed, Book)
    assert res.parsed == Book(**DUNE)
    assert res.usage.total_tokens > 0 and res.id == "cmpl-e2e"  # the rest of the response, as `complete` gives it
    schema = _asked_schema(server)
    assert schema["name"] == "Book" and schema["strict"] is True
    assert schema["schema"]["additionalProperties"] is False  # strict mode needs closed objects
    assert set(schema["schema"]["required"]) == {"title", "year", "authors"}
    assert server.requests[0].json()["temperature"] == 0  # the other arguments are `complete`'s


def test_a_parsed_message_goes_back_into_the_next_request_without_its_parsed_value(server: Server) -> None:
    from mistralai import Mistral

    server.enqueue(json_response(chat_completion(json.dumps(DUNE))))
    server.enqueue(json_response(chat_completion("Frank Herbert wrote it.")))
    with Mistral(api_key="k", server_url=server.url) as client:
        res = client.chat.parse(response_format=Book, model="m", messages=MESSAGES)
        assert res.choices is not None
        client.chat.complete(
            model="m", messages=[*MESSAGES, res.choices[0].message, {"role": "user", "content": "Who?"}]
        )
    sent = server.requests[1].json()["messages"][1]
    assert sent == {"role": "assistant", "content": json.dumps(DUNE)}


def test_parse_async(server: Server) -> None:
    from mistralai import Mistral

    server.enqueue(json_response(chat_completion(json.dumps(DUNE))))

    async def main() -> Any:
        async with Mistral(api_key="k", server_url=server.url) as client:
            return await client.chat.parse_async(response_format=Book, model="m", messages=MESSAGES)

    assert asyncio.run(main()).parsed == Book(**DUNE)
    assert _asked_schema(server)["name"] == "Book"


def _stream_of(text: str, pieces: int = 4) -> bytes:
    size = -(-len(text) // pieces)
    return sse_body([chunk_json(text[i : i + size], n) for n, i in enumerate(range(0, len(text), size))])


def test_parse_stream_yields_the_events_then_the_parsed_answer(server: Server) -> None:
    from mistralai import Mistral

    server.enqueue(sse_response(_stream_of(json.dumps(DUNE))))
    with Mistral(api_key="k", server_url=server.url) as client:
        with client.chat.parse_stream(response_format=Book, model="m", messages=MESSAGES) as stream:
            deltas = [event.data.choices[0].delta.content for event in stream]
            book = stream.final()
    assert "".join(str(d) for d in deltas) == json.dumps(DUNE) and len(deltas) == 4
    assert book == Book(**DUNE)
    assert server.requests[0].json()["stream"] is True and _asked_schema(server)["name"] == "Book"


def test_parse_stream_final_reads_what_is_left(server: Server) -> None:
    from mistralai import Mistral

    server.enqueue(sse_response(_stream_of(json.dumps(DUNE))))
    with Mistral(api_key="k", server_url=server.url) as client:
        stream = client.chat.parse_stream(response_format=Book, model="m", messages=MESSAGES)
        next(stream)
        assert stream.final() == Book(**DUNE)


def test_parse_stream_async(server: Server) -> None:
    from mistralai import Mistral

    server.enqueue(sse_response(_stream_of(json.dumps(DUNE))))

    async def main() -> Any:
        async with Mistral(api_key="k", server_url=server.url) as client:
            stream = await client.chat.parse_stream_async(response_format=Book, model="m", messages=MESSAGES)
            count = 0
            async for _ in stream:
                count += 1
            return count, await stream.final()

    assert asyncio.run(main()) == (4, Book(**DUNE))


def test_an_answer_that_is_not_the_model_is_an_sdk_error(server: Server) -> None:
    from mistralai import Mistral, SDKError
    from mistralai.extra.structured import StructuredOutputError

    server.enqueue(json_response(chat_completion('{"title": "Dune"}')))
    with Mistral(api_key="k", server_url=server.url) as client:
        with pytest.raises(StructuredOutputError) as caught:
            client.chat.parse(response_format=Book, model="m", messages=MESSAGES)
    assert isinstance(caught.value, SDKError) and isinstance(caught.value.__cause__, pydantic.ValidationError)
    assert caught.value.content == '{"title": "Dune"}'


def test_the_extended_group_keeps_the_generated_methods_and_type_hints() -> None:
    from mistralai import Mistral, chat
    from mistralai.extra import chat as extra_chat

    client = Mistral(api_key="k")
    assert type(client.chat) is extra_chat.Chat and isinstance(client.chat, chat.Chat)
    assert typing.get_type_hints(Mistral.chat.func)["return"] is extra_chat.Chat  # type: ignore[attr-defined]
    for method in ("parse", "parse_async", "parse_stream", "parse_stream_async", "complete", "stream"):
        typing.get_type_hints(getattr(extra_chat.Chat, method))
