"""The generated Mistral SDK against a real socket server: requests on the wire, streams cut and
split anywhere, errors, retries, connection handling, hooks, timeouts. Each scenario runs through
the sync and the async methods."""

from __future__ import annotations

import asyncio
import json
import random
import socket
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, TypeVar

import httpx
import pytest

import mistralai
from mistralai import Mistral, models
from mistralai._runtime import sse as sse_module
from mistralai._runtime.sse import StreamInterrupted
from mistralai.utils import BackoffStrategy, RetryConfig

from .server import (
    Connection,
    Request,
    Server,
    chat_completion,
    chunk_json,
    head,
    json_response,
    random_cuts,
    respond,
    sse_body,
    sse_response,
    text_response,
    validation_error_body,
)

MODES = ["sync", "async"]
MODEL = "mistral-small-latest"
HI = [{"role": "user", "content": "Hi"}]
NO_RETRIES = None
T = TypeVar("T")


def run(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]


def sdk(server: Server, **kw: Any) -> Mistral:
    kw.setdefault("api_key", "sk-test")
    return Mistral(server_url=server.url, **kw)


def complete(server: Server, mode: str, sdk_kw: Optional[Dict[str, Any]] = None, **kw: Any) -> Any:
    """One chat.complete call through a fresh SDK, sync or async."""
    kw.setdefault("model", MODEL)
    kw.setdefault("messages", HI)
    if mode == "sync":
        with sdk(server, **(sdk_kw or {})) as client:
            return client.chat.complete(**kw)

    async def go() -> Any:
        async with sdk(server, **(sdk_kw or {})) as client:
            return await client.chat.complete_async(**kw)

    return run(go())


def stream_events(server: Server, mode: str, sdk_kw: Optional[Dict[str, Any]] = None, **kw: Any) -> List[Any]:
    """Iterate a chat.stream to its end and return the events. If the stream raises, the
    events received before are on the exception as `.events`."""
    kw.setdefault("model", MODEL)
    kw.setdefault("messages", HI)
    events: List[Any] = []
    try:
        if mode == "sync":
            with sdk(server, **(sdk_kw or {})) as client:
                for event in client.chat.stream(**kw):
                    events.append(event)
        else:

            async def go() -> None:
                async with sdk(server, **(sdk_kw or {})) as client:
                    async for event in await client.chat.stream_async(**kw):
                        events.append(event)

            run(go())
    except BaseException as exc:
        exc.events = events  # type: ignore[attr-defined]
        raise
    return events


def contents(events: List[Any]) -> List[Optional[str]]:
    return [e.data.choices[0].delta.content for e in events]


def wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


# -- a JSON completion -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_json_completion_request_and_response(server: Server, mode: str) -> None:
    server.enqueue(json_response(chat_completion("Bonjour! 👋")))
    res = complete(server, mode)

    (req,) = server.requests
    assert (req.method, req.path) == ("POST", "/v1/chat/completions")
    assert req.header("authorization") == "Bearer sk-test"
    assert req.header("content-type") == "application/json"
    assert req.header("accept") == "application/json"
    # Only what the caller set: no "stream", no spec defaults, no nulls for unset fields.
    assert req.json() == {"model": MODEL, "messages": [{"role": "user", "content": "Hi"}]}

    assert isinstance(res, models.ChatCompletionResponse)
    assert res.id == "cmpl-e2e"
    assert res.usage.total_tokens == 12
    assert res.choices is not None
    assert res.choices[0].message.content == "Bonjour! 👋"
    assert res.choices[0].finish_reason == "stop"


@pytest.mark.parametrize("mode", MODES)
def test_json_completion_sends_set_fields_and_explicit_nulls(server: Server, mode: str) -> None:
    server.enqueue(json_response(chat_completion()))
    complete(
        server,
        mode,
        temperature=0.3,
        max_tokens=None,  # nullable: an explicit None is sent as null
        top_p=None,  # optional, not nullable: None means "not set"
        stop=["\n\n"],
        random_seed=42,
        safe_prompt=True,
    )
    assert server.requests[0].json() == {
        "model": MODEL,
        "messages": [{"role": "user", "content": "Hi"}],
        "temperature": 0.3,
        "max_tokens": None,
        "stop": ["\n\n"],
        "random_seed": 42,
        "safe_prompt": True,
    }


@pytest.mark.parametrize("mode", MODES)
def test_a_response_message_sent_back_sends_only_what_its_schema_defines(server: Server, mode: str) -> None:
    """The usual chat loop appends the reply to the next request's messages. Fields the server added to it (not in
    the schema) stay readable, but are not sent back: the API would reject them."""
    server.enqueue(
        json_response(chat_completion("First.", reasoning_trace="internal", prefix=False)),
        json_response(chat_completion("Second.")),
    )
    first = complete(server, mode)
    reply = first.choices[0].message
    assert reply.reasoning_trace == "internal"  # kept for reading
    complete(server, mode, messages=[*HI, reply, {"role": "user", "content": "And?"}])
    sent = server.requests[1].json()["messages"]
    assert sent == [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "First.", "prefix": False},
        {"role": "user", "content": "And?"},
    ]


def test_a_dict_with_a_key_its_schema_does_not_define_is_refused_naming_it(server: Server) -> None:
    with pytest.raises(ValueError, match="bogus"):
        complete(server, "sync", messages=[{"role": "user", "content": "Hi", "bogus": 1}])
    assert not server.requests


@pytest.mark.parametrize("mode", MODES)
def test_keep_alive_connection_is_reused(server: Server, mode: str) -> None:
    server.enqueue(json_response(chat_completion("one")), json_response(chat_completion("two")))
    if mode == "sync":
        with sdk(server) as client:
            a = client.chat.complete(model=MODEL, messages=HI)
            b = client.chat.complete(model=MODEL, messages=HI)
    else:

        async def go() -> Any:
            async with sdk(server) as client:
                return (
                    await client.chat.complete_async(model=MODEL, messages=HI),
                    await client.chat.complete_async(model=MODEL, messages=HI),
                )

        a, b = run(go())
    assert [a.choices[0].message.content, b.choices[0].message.content] == ["one", "two"]
    assert len(server.connections) == 1
    assert len(server.connections[0].requests) == 2


# -- streams -------------------------------------------------------------------------------------------

N_EVENTS = 1200


def big_stream() -> tuple[bytes, List[Optional[str]]]:
    """N_EVENTS chunk events with multi-byte text, mixed line ends (LF, CRLF, CR), comments and
    ids, then [DONE]."""
    texts: List[Optional[str]] = []
    parts: List[str] = []
    for i in range(N_EVENTS):
        text = f"{i}: héllo wörld 日本語 🎉 «{'ü' * (i % 7)}» \"quoted\" \\ back\nslash"
        last = i == N_EVENTS - 1
        texts.append(text)
        data = chunk_json(text, i, finish_reason="stop" if last else None, usage=last)
        eol = ("\n", "\r\n", "\r")[i % 3]
        if i % 50 == 0:
            parts.append(f": keep-alive ping{eol}")
        if i % 97 == 0:
            parts.append(f"id: {i}{eol}")
        parts.append(f"data: {data}{eol}{eol}")
    parts.append("data: [DONE]\r\n\r\n")
    return "".join(parts).encode("utf-8"), texts


@pytest.mark.parametrize("framing", ["chunked", "length", "eof"])
@pytest.mark.parametrize("mode", MODES)
def test_stream_of_many_events_split_anywhere(
    server: Server, mode: str, framing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body, texts = big_stream()
    cuts = random_cuts(body, random.Random(f"{mode}-{framing}"))
    server.enqueue(sse_response(body, framing=framing, cuts=cuts, pause=0.0001))

    # Record what the parser is fed, to prove the splits reached it.
    feeds: List[bytes] = []
    original = sse_module.SSEDecoder.feed

    def feed(self: Any, chunk: bytes) -> Any:
        feeds.append(chunk)
        return original(self, chunk)

    monkeypatch.setattr(sse_module.SSEDecoder, "feed", feed)

    events = stream_events(server, mode)

    assert len(events) == N_EVENTS
    assert all(isinstance(e, models.CompletionEvent) for e in events)
    assert contents(events) == texts
    assert [e.data.created for e in events] == [1_700_000_000 + i for i in range(N_EVENTS)]
    assert events[0].data.choices[0].delta.role == "assistant"
    assert events[-1].data.choices[0].finish_reason == "stop"
    assert events[-1].data.usage is not None and events[-1].data.usage.total_tokens == 12

    (req,) = server.requests
    assert req.header("accept") == "text/event-stream"
    assert req.json() == {"model": MODEL, "messages": HI, "stream": True}

    fed = b"".join(feeds)
    assert body.startswith(fed) and b"data: [DONE]" in fed[-20:]  # nothing is read past [DONE]
    assert len(feeds) > 100, len(feeds)  # the writes arrived as separate reads
    ends = [f[-1] for f in feeds[:-1] if f]
    assert any(0x80 <= b for b in ends), "no read ended inside a UTF-8 character"
    assert any(
        a.endswith(b"\r") and b.startswith(b"\n") for a, b in zip(feeds, feeds[1:])
    ), "no read ended between CR and LF"


@pytest.mark.parametrize("framing", ["chunked", "eof"])
@pytest.mark.parametrize("mode", MODES)
def test_stream_ends_at_done_while_server_holds_connection_open(
    server: Server, mode: str, framing: str
) -> None:
    body = sse_body([chunk_json(f"t{i}", i) for i in range(5)])
    server.enqueue(sse_response(body, framing=framing, end="hold", hold=10.0))
    start = time.monotonic()
    events = stream_events(server, mode)
    elapsed = time.monotonic() - start
    assert contents(events) == [f"t{i}" for i in range(5)]
    assert elapsed < 2.0, f"the client waited {elapsed:.1f}s for the server after [DONE]"
    # The response was left unfinished, so the connection cannot be reused: it must be closed.
    conn = server.connections[0]
    assert conn.closed.wait(2.0), "the client never closed the connection after [DONE]"


@pytest.mark.parametrize("framing", ["chunked", "length", "eof"])
@pytest.mark.parametrize("mode", MODES)
def test_stream_cut_in_the_middle_of_an_event(server: Server, mode: str, framing: str) -> None:
    full = sse_body([chunk_json(f"t{i}", i) for i in range(30)])
    complete_events = sse_body([chunk_json(f"t{i}", i) for i in range(20)], done=False)
    half_event = f"data: {chunk_json('t20', 20)}".encode()[:40]
    body = complete_events + half_event
    cuts = random_cuts(body, random.Random(1), mean_gap=60)

    def handler(conn: Connection, req: Request) -> bool:
        headers = {"Content-Type": "text/event-stream"}
        if framing == "chunked":
            headers["Transfer-Encoding"] = "chunked"
            conn.send(head(200, headers))
            conn.send_split(f"{len(full):x}\r\n".encode() + body, [c + len(f"{len(full):x}\r\n") for c in cuts])
        elif framing == "length":
            headers["Content-Length"] = str(len(full))
            conn.send(head(200, headers))
            conn.send_split(body, cuts)
        else:
            headers["Connection"] = "close"
            conn.send(head(200, headers))
            conn.send_split(body, cuts)
        conn.close()
        return False

    server.enqueue(handler)
    with pytest.raises(StreamInterrupted) as info:
        stream_events(server, mode)
    events = info.value.events  # type: ignore[attr-defined]
    assert contents(events) == [f"t{i}" for i in range(20)], "events lost or duplicated"
    assert info.value.events_received == 20
    message = str(info.value)
    assert "ended before completing" in message and "20 events" in message, message
    if framing == "eof":
        assert "in the middle of an event" in message, message


@pytest.mark.parametrize("mode", MODES)
def test_stream_closed_between_events_without_done(server: Server, mode: str) -> None:
    body = sse_body([chunk_json(f"t{i}", i) for i in range(3)], done=False)
    server.enqueue(sse_response(body, framing="eof"))
    with pytest.raises(StreamInterrupted) as info:
        stream_events(server, mode)
    assert contents(info.value.events) == ["t0", "t1", "t2"]  # type: ignore[attr-defined]
    assert "[DONE]" in str(info.value)


# -- error responses -----------------------------------------------------------------------------------


@pytest.mark.parametrize("streaming", [False, True])
@pytest.mark.parametrize("mode", MODES)
def test_422_is_an_http_validation_error(server: Server, mode: str, streaming: bool) -> None:
    server.enqueue(json_response(validation_error_body(), status=422))
    call = stream_events if streaming else complete
    with pytest.raises(models.HTTPValidationError) as info:
        call(server, mode)
    e = info.value
    assert isinstance(e, models.SDKError) and isinstance(e, mistralai.SDKError)
    assert e.status_code == 422
    assert isinstance(e.data, models.HTTPValidationErrorData)
    assert e.data.detail is not None
    assert e.data.detail[0].msg == "Input should be 'user', 'assistant', 'system' or 'tool'"
    assert e.data.detail[0].loc == ["body", "messages", 0, "role"]
    assert e.data.detail[0].type == "literal_error"
    assert e.data.detail[1].msg == "Field required"
    assert json.loads(e.body) == validation_error_body()
    assert "422" in str(e)
    assert len(server.requests) == 1  # a 422 is not retried


@pytest.mark.parametrize("mode", MODES)
def test_429_with_retry_after_is_retried_once_after_waiting(server: Server, mode: str) -> None:
    server.enqueue(
        json_response({"message": "rate limited"}, status=429, headers={"Retry-After": "1"}),
        json_response(chat_completion("after the wait")),
    )
    start = time.monotonic()
    res = complete(server, mode)
    elapsed = time.monotonic() - start
    assert res.choices[0].message.content == "after the wait"
    assert len(server.requests) == 2
    gap = server.requests[1].received_at - server.requests[0].received_at
    assert gap >= 1.0, gap
    assert elapsed < 3.0, elapsed


HTML = "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1></body></html>"


@pytest.mark.parametrize("mode", MODES)
def test_500_with_html_body_is_an_sdk_error(server: Server, mode: str) -> None:
    server.enqueue(text_response(HTML, 500))
    with pytest.raises(models.SDKError) as info:
        complete(server, mode, retries=NO_RETRIES)
    e = info.value
    assert type(e) is models.SDKError
    assert e.status_code == 500
    assert e.body == HTML
    assert "500" in str(e) and "Oops" in str(e)
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode", MODES)
def test_500_with_a_short_retry_deadline_gives_up(server: Server, mode: str) -> None:
    server.default = text_response(HTML, 500)
    start = time.monotonic()
    with pytest.raises(models.SDKError) as info:
        # A POST repeats a 500 only when the caller asks for it.
        complete(server, mode, retries=RetryConfig("backoff", BackoffStrategy(10, 20, 1.5, 300), False, ["5XX"]))
    assert time.monotonic() - start < 2.0
    assert info.value.status_code == 500 and info.value.body == HTML
    assert len(server.requests) >= 2


@pytest.mark.parametrize("streaming", [False, True])
@pytest.mark.parametrize("mode", MODES)
def test_default_config_retries_5xx(server: Server, mode: str, streaming: bool) -> None:
    ok = (
        sse_response(sse_body([chunk_json("fine", 0)]))
        if streaming
        else json_response(chat_completion("fine"))
    )
    server.enqueue(text_response("<h1>busy</h1>", 503), ok)
    if streaming:
        assert contents(stream_events(server, mode)) == ["fine"]
    else:
        assert complete(server, mode).choices[0].message.content == "fine"
    assert len(server.requests) == 2


@pytest.mark.parametrize("mode", MODES)
def test_default_config_gives_up_on_persistent_5xx_when_the_client_says_so(server: Server, mode: str) -> None:
    # The client-level retry_config=None turns the default off.
    server.enqueue(text_response("<h1>busy</h1>", 503))
    with pytest.raises(models.SDKError) as info:
        complete(server, mode, sdk_kw={"retry_config": None})
    assert info.value.status_code == 503
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode", MODES)
def test_response_not_matching_its_schema_says_what_came(server: Server, mode: str) -> None:
    bad = {"id": "cmpl-e2e", "object": "chat.completion", "choices": "not a list"}
    server.enqueue(json_response(bad))
    with pytest.raises(models.SDKError) as info:
        complete(server, mode)
    message = str(info.value)
    assert json.dumps(bad) in message, message
    assert "errors.pydantic.dev" not in message
    assert len(message.splitlines()) <= 10, message
    assert info.value.status_code == 200
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode", MODES)
def test_non_json_success_body_is_an_sdk_error(server: Server, mode: str) -> None:
    server.enqueue(text_response("<html>captive portal</html>", 200))
    with pytest.raises(models.SDKError) as info:
        complete(server, mode)
    assert "captive portal" in str(info.value)
    assert "text/html" in str(info.value)


@pytest.mark.parametrize("mode", MODES)
def test_stream_event_not_matching_its_schema(server: Server, mode: str) -> None:
    body = sse_body([chunk_json("ok", 0), json.dumps({"id": "x", "choices": 3})])
    server.enqueue(sse_response(body))
    with pytest.raises(models.SDKError) as info:
        stream_events(server, mode)
    assert contents(info.value.events) == ["ok"]  # type: ignore[attr-defined]
    assert '{"id": "x", "choices": 3}' in str(info.value)
    assert "errors.pydantic.dev" not in str(info.value)


# -- closing streams early -----------------------------------------------------------------------------


def endless(server: Server) -> None:
    """Ten events, then the stream stays open until the client closes it."""
    body = sse_body([chunk_json(f"t{i}", i) for i in range(10)], done=False)
    server.enqueue(sse_response(body, end="hold", hold=10.0))


@pytest.mark.parametrize("form", ["for-break", "with", "close"])
def test_breaking_out_of_a_stream_closes_the_connection(server: Server, form: str) -> None:
    endless(server)
    seen: List[str] = []
    with sdk(server) as client:
        if form == "for-break":
            for event in client.chat.stream(model=MODEL, messages=HI):
                seen.append(event.data.choices[0].delta.content)
                if len(seen) == 2:
                    break
        elif form == "with":
            res = client.chat.stream(model=MODEL, messages=HI)
            with res as event_stream:
                for event in event_stream:
                    seen.append(event.data.choices[0].delta.content)
                    if len(seen) == 2:
                        break
            # `res` is still referenced: the `with` did the closing.
        else:
            res = client.chat.stream(model=MODEL, messages=HI)
            seen.append(next(res).data.choices[0].delta.content)
            res.close()
            assert list(res) == []
        assert server.wait_requests(1)
        conn = server.connections[0]
        t0 = time.monotonic()
        assert conn.closed.wait(1.0), "the server never saw the connection close"
        assert time.monotonic() - t0 < 1.0
    assert seen[0] == "t0"


@pytest.mark.parametrize("form", ["for-break", "with", "close"])
def test_breaking_out_of_an_async_stream_closes_the_connection(server: Server, form: str) -> None:
    endless(server)

    async def go() -> List[str]:
        seen: List[str] = []
        async with sdk(server) as client:
            if form == "for-break":
                async for event in await client.chat.stream_async(model=MODEL, messages=HI):
                    seen.append(event.data.choices[0].delta.content)
                    if len(seen) == 2:
                        break
            elif form == "with":
                res = await client.chat.stream_async(model=MODEL, messages=HI)
                async with res as event_stream:
                    async for event in event_stream:
                        seen.append(event.data.choices[0].delta.content)
                        if len(seen) == 2:
                            break
            else:
                res = await client.chat.stream_async(model=MODEL, messages=HI)
                seen.append((await res.__anext__()).data.choices[0].delta.content)
                await res.aclose()
                assert [e async for e in res] == []
            conn = server.connections[0]
            for _ in range(200):  # keep the loop running: a close may be scheduled on it
                if conn.closed.is_set():
                    break
                await asyncio.sleep(0.005)
            assert conn.closed.is_set(), "the server never saw the connection close"
        return seen

    assert run(go())[0] == "t0"


# -- hooks ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_hooks(server: Server, mode: str) -> None:
    calls: List[Any] = []

    def before(ctx: mistralai.HookContext, request: httpx.Request) -> httpx.Request:
        calls.append(("before", ctx.operation_id))
        request.headers["X-Trace-Id"] = "trace-42"
        return request

    def success(ctx: mistralai.HookContext, response: httpx.Response) -> None:
        calls.append(("success", ctx.operation_id, response.status_code))

    def error(ctx: mistralai.HookContext, response: Optional[httpx.Response], exc: Optional[BaseException]) -> None:
        calls.append(("error", ctx.operation_id, response.status_code if response else None, type(exc).__name__))

    hooks = mistralai.Hooks(before_request=[before], after_success=[success], after_error=[error])
    server.enqueue(
        json_response(chat_completion()),
        json_response(validation_error_body(), status=422),
    )
    op = "chat_completion_v1_chat_completions_post"
    if mode == "sync":
        with sdk(server, hooks=hooks) as client:
            client.chat.complete(model=MODEL, messages=HI)
            with pytest.raises(models.HTTPValidationError):
                client.chat.complete(model=MODEL, messages=HI)
            with pytest.raises(mistralai.APIConnectionError):
                client.chat.complete(model=MODEL, messages=HI, server_url="http://127.0.0.1:9", retries=None)
    else:

        async def go() -> None:
            async with sdk(server, hooks=hooks) as client:
                await client.chat.complete_async(model=MODEL, messages=HI)
                with pytest.raises(models.HTTPValidationError):
                    await client.chat.complete_async(model=MODEL, messages=HI)
                with pytest.raises(mistralai.APIConnectionError):
                    await client.chat.complete_async(
                        model=MODEL, messages=HI, server_url="http://127.0.0.1:9", retries=None
                    )

        run(go())
    assert [r.header("x-trace-id") for r in server.requests] == ["trace-42", "trace-42"]
    assert calls == [
        ("before", op),
        ("success", op, 200),
        ("before", op),
        ("error", op, 422, "HTTPValidationError"),
        ("before", op),
        ("error", op, None, "APIConnectionError"),  # hooks see what the caller gets
    ]


def test_hooks_can_be_added_after_construction(server: Server) -> None:
    server.enqueue(json_response(chat_completion()))
    with sdk(server) as client:
        client.hooks.before_request.append(lambda ctx, req: req.headers.update({"X-Late": "yes"}))
        client.chat.complete(model=MODEL, messages=HI)
    assert server.requests[0].header("x-late") == "yes"


# -- who closes the HTTP client ------------------------------------------------------------------------


def test_caller_supplied_client_is_not_closed(server: Server) -> None:
    server.enqueue(json_response(chat_completion()), json_response(chat_completion()))
    mine = httpx.Client()
    with Mistral(api_key="k", server_url=server.url, client=mine) as client:
        client.chat.complete(model=MODEL, messages=HI)
    assert not mine.is_closed
    assert not server.connections[0].closed.wait(0.3), "the SDK closed the caller's connection"
    assert mine.get(server.url + "/v1/models").status_code == 200  # still usable
    mine.close()
    assert server.connections[0].closed.wait(1.0)


def test_sdk_created_client_is_closed(server: Server) -> None:
    server.enqueue(json_response(chat_completion()))
    with Mistral(api_key="k", server_url=server.url) as client:
        client.chat.complete(model=MODEL, messages=HI)
        assert not server.connections[0].closed.is_set()
    assert server.connections[0].closed.wait(1.0), "the SDK's own client was left open"


def test_caller_supplied_async_client_is_not_closed(server: Server) -> None:
    server.enqueue(json_response(chat_completion()), json_response(chat_completion()))

    async def go() -> None:
        mine = httpx.AsyncClient()
        async with Mistral(api_key="k", server_url=server.url, async_client=mine) as client:
            await client.chat.complete_async(model=MODEL, messages=HI)
        assert not mine.is_closed
        await asyncio.sleep(0.3)
        assert not server.connections[0].closed.is_set()
        assert (await mine.get(server.url + "/v1/models")).status_code == 200
        await mine.aclose()

    run(go())
    assert server.connections[0].closed.wait(1.0)


def test_sdk_created_async_client_is_closed(server: Server) -> None:
    server.enqueue(json_response(chat_completion()))

    async def go() -> None:
        async with Mistral(api_key="k", server_url=server.url) as client:
            await client.chat.complete_async(model=MODEL, messages=HI)
        assert server.connections[0].closed.wait(1.0), "the SDK's own async client was left open"

    run(go())


# -- timeouts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["call", "client"])
@pytest.mark.parametrize("mode", MODES)
def test_timeout_ms(server: Server, mode: str, where: str) -> None:
    server.enqueue(respond(200, json.dumps(chat_completion()).encode(), delay=3.0))
    start = time.monotonic()
    with pytest.raises(mistralai.APITimeoutError) as info:
        if where == "call":
            complete(server, mode, timeout_ms=200, retries=NO_RETRIES)
        else:
            complete(server, mode, sdk_kw={"timeout_ms": 200, "retry_config": None})
    elapsed = time.monotonic() - start
    assert 0.15 <= elapsed < 2.5, elapsed  # the server would answer after 3 s
    assert isinstance(info.value, mistralai.SDKError)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


@pytest.mark.parametrize("mode", MODES)
def test_a_read_timeout_is_not_repeated(server: Server, mode: str) -> None:
    # The server got the request and may be working on it: sending it again could do the work twice.
    server.default = respond(200, json.dumps(chat_completion()).encode(), delay=3.0)
    with pytest.raises(mistralai.APITimeoutError):
        complete(
            server,
            mode,
            timeout_ms=100,
            retries=RetryConfig("backoff", BackoffStrategy(10, 10, 1.0, 400), True),
        )
    assert len(server.requests) == 1


def _gen_yaml_timeout() -> httpx.Timeout:
    """The timeout specs/mistral/gen.yaml asks for, as httpx spells it."""
    from generator.config import load_config

    config = load_config(Path(__file__).resolve().parents[2] / "specs" / "mistral" / "gen.yaml", "mistral")
    seconds = [None if ms is None else ms / 1000 for ms in (config.timeout_ms, config.connect_timeout_ms)]
    return httpx.Timeout(seconds[0], connect=seconds[1] if config.connect_timeout_ms is not None else seconds[0])


def test_the_sdks_own_clients_have_the_gen_yaml_timeout() -> None:
    expected = _gen_yaml_timeout()
    assert expected == httpx.Timeout(None, connect=10.0)  # Mistral: no read timeout, 10 s to connect
    client = Mistral(api_key="k")
    assert client._config.client.timeout == expected
    assert client._config.async_client.timeout == expected
    client.close()
    run(client.aclose())
    # A client the caller passes keeps its own settings.
    mine = httpx.Client(timeout=3.0)
    assert Mistral(api_key="k", client=mine)._config.client.timeout == httpx.Timeout(3.0)
    mine.close()


def test_timeout_ms_replaces_the_default_for_every_step() -> None:
    from mistralai._runtime.client import Call, Endpoint, build_request

    endpoint: Endpoint[Any] = Endpoint("op", "GET", "/v1/models")
    with Mistral(api_key="k", timeout_ms=1500) as client:
        config = client._config
        for call_ms, seconds in ((None, 1.5), (250, 0.25)):
            request = build_request(config, config.client, endpoint, (), None, Call(None, None, call_ms, None))
            assert request.extensions["timeout"] == httpx.Timeout(seconds).as_dict()
    with Mistral(api_key="k") as client:
        config = client._config
        request = build_request(config, config.client, endpoint, (), None, Call(None, None, None, None))
        assert request.extensions["timeout"] == _gen_yaml_timeout().as_dict()


def test_a_slow_completion_succeeds_with_the_default_timeout(server: Server) -> None:
    # httpx's own default would give up after 5 s of waiting for the answer.
    server.enqueue(respond(200, json.dumps(chat_completion("late")).encode(), delay=8.0))
    start = time.monotonic()
    assert complete(server, "sync").choices[0].message.content == "late"
    assert time.monotonic() - start >= 7.5
    assert len(server.requests) == 1


def test_a_stream_with_slow_gaps_between_events_succeeds_with_the_default_timeout(server: Server) -> None:
    events = [chunk_json(f"t{i}", i) for i in range(3)]
    body = sse_body(events)
    boundaries = [len(sse_body(events[: i + 1], done=False)) for i in range(2)]  # after t0, after t1
    server.enqueue(sse_response(body, framing="length", cuts=boundaries, pause=8.0))
    start = time.monotonic()
    assert contents(stream_events(server, "async")) == ["t0", "t1", "t2"]
    assert time.monotonic() - start >= 15.5  # two 8 s gaps


@pytest.mark.parametrize("mode", MODES)
def test_a_refused_connection_is_an_api_connection_error(mode: str) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(mistralai.APIConnectionError) as info:
        complete_at(f"http://127.0.0.1:{port}", mode)
    assert not isinstance(info.value, mistralai.APITimeoutError)
    assert isinstance(info.value, mistralai.SDKError)
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert "ConnectError" in str(info.value)


@pytest.mark.parametrize("mode", MODES)
def test_a_read_timeout_is_an_api_timeout_error(server: Server, mode: str) -> None:
    server.enqueue(respond(200, json.dumps(chat_completion()).encode(), delay=3.0))
    with pytest.raises(mistralai.APITimeoutError) as info:
        complete(server, mode, timeout_ms=200, retries=NO_RETRIES)
    assert isinstance(info.value, mistralai.APIConnectionError)
    assert isinstance(info.value, mistralai.SDKError)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


@pytest.mark.parametrize("mode", MODES)
def test_a_stream_body_that_cannot_be_decoded_is_an_sdk_error(server: Server, mode: str) -> None:
    # httpx raises DecodingError (not a TransportError) while the stream is iterated
    headers = {"Content-Encoding": "gzip"}
    server.enqueue(respond(200, b"this is not gzip", "text/event-stream", headers))
    with pytest.raises(StreamInterrupted) as info:
        stream_events(server, mode, retries=NO_RETRIES)
    assert isinstance(info.value, mistralai.SDKError)
    assert isinstance(info.value.__cause__, httpx.DecodingError)


def complete_at(url: str, mode: str) -> Any:
    if mode == "sync":
        with Mistral(api_key="k", server_url=url, retry_config=None) as client:
            return client.chat.complete(model=MODEL, messages=HI)

    async def go() -> Any:
        async with Mistral(api_key="k", server_url=url, retry_config=None) as client:
            return await client.chat.complete_async(model=MODEL, messages=HI)

    return run(go())


# -- credentials ---------------------------------------------------------------------------------------


def test_api_key_from_the_environment_and_from_a_callable(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    server.enqueue(json_response(chat_completion()), json_response(chat_completion()))
    monkeypatch.setenv("MISTRAL_API_KEY", "from-env")
    with Mistral(server_url=server.url) as client:
        client.chat.complete(model=MODEL, messages=HI)
    with Mistral(api_key=lambda: "from-callable", server_url=server.url) as client:
        client.chat.complete(model=MODEL, messages=HI)
    assert [r.header("authorization") for r in server.requests] == ["Bearer from-env", "Bearer from-callable"]


@pytest.mark.parametrize("mode", MODES)
def test_a_stream_that_stalls_past_the_timeout_is_interrupted(server: Server, mode: str) -> None:
    body = sse_body([chunk_json(f"t{i}", i) for i in range(3)], done=False)
    server.enqueue(sse_response(body, end="hold", hold=5.0))
    start = time.monotonic()
    with pytest.raises(StreamInterrupted) as info:
        stream_events(server, mode, timeout_ms=300, retries=NO_RETRIES)
    assert time.monotonic() - start < 2.0
    assert contents(info.value.events) == ["t0", "t1", "t2"]  # type: ignore[attr-defined]
    assert "ReadTimeout" in str(info.value), str(info.value)
    assert isinstance(info.value, mistralai.SDKError)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert server.connections[0].closed.wait(1.0)
    assert len(server.requests) == 1  # a stream that has begun is never retried


def test_cancelling_an_async_stream_closes_the_connection(server: Server) -> None:
    endless(server)

    async def go() -> List[str]:
        seen: List[str] = []

        async def consume() -> None:
            async with sdk(server) as client:
                async with await client.chat.stream_async(model=MODEL, messages=HI) as events:
                    async for event in events:
                        seen.append(event.data.choices[0].delta.content)

        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(consume(), 0.5)
        return seen

    assert run(go()) == [f"t{i}" for i in range(10)]
    assert server.connections[0].closed.wait(1.0)


@pytest.mark.parametrize("mode", MODES)
def test_server_url_with_a_path_prefix(server: Server, mode: str) -> None:
    server.enqueue(json_response(chat_completion()))
    complete(server, mode, server_url=server.url + "/proxy/mistral/")
    assert server.requests[0].path == "/proxy/mistral/v1/chat/completions"


# -- odd but real server behaviour ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_json_answer_to_a_stream_request_is_an_error_with_its_body(server: Server, mode: str) -> None:
    # e.g. a gateway that answers 200 with a JSON error instead of an event stream
    server.enqueue(json_response({"object": "error", "message": "quota exceeded"}))
    with pytest.raises(models.SDKError) as info:
        stream_events(server, mode)
    assert not isinstance(info.value, StreamInterrupted)
    assert "quota exceeded" in str(info.value) and "application/json" in str(info.value)
    assert info.value.status_code == 200


@pytest.mark.parametrize("mode", MODES)
def test_an_error_event_in_a_stream(server: Server, mode: str) -> None:
    body = f"data: {chunk_json('ok', 0)}\n\nevent: error\ndata: {{\"message\": \"overloaded\"}}\n\n".encode()
    server.enqueue(sse_response(body))
    with pytest.raises(models.SDKError) as info:
        stream_events(server, mode)
    assert contents(info.value.events) == ["ok"]  # type: ignore[attr-defined]
    assert "overloaded" in str(info.value)


@pytest.mark.parametrize("mode", MODES)
def test_a_gzip_compressed_stream(server: Server, mode: str) -> None:
    import zlib

    texts = [f"t{i} ünïcödé" for i in range(200)]
    raw = sse_body([chunk_json(t, i) for i, t in enumerate(texts)])
    compressor = zlib.compressobj(wbits=31)  # gzip
    pieces = [compressor.compress(raw[i : i + 97]) + compressor.flush(zlib.Z_SYNC_FLUSH) for i in range(0, len(raw), 97)]
    pieces.append(compressor.flush())

    def handler(conn: Connection, req: Request) -> bool:
        conn.send(head(200, {"Content-Type": "text/event-stream", "Content-Encoding": "gzip", "Transfer-Encoding": "chunked"}))
        for piece in pieces:
            if piece:
                conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        conn.send(b"0\r\n\r\n")
        return True

    server.enqueue(handler)
    assert contents(stream_events(server, mode)) == texts


def test_one_huge_event_split_in_many_writes(server: Server) -> None:
    text = "é" * 1_000_000  # 2 MB of UTF-8 in one data line
    body = sse_body([chunk_json(text, 0)])
    server.enqueue(sse_response(body, cuts=range(4093, len(body), 4093)))
    start = time.monotonic()
    assert contents(stream_events(server, "sync")) == [text]
    assert time.monotonic() - start < 5.0


def test_concurrent_async_streams_on_one_client(server: Server) -> None:
    n, per = 12, 40
    for _ in range(n):
        server.enqueue(sse_response(sse_body([chunk_json(f"t{i}", i) for i in range(per)]), pause=0.001, cuts=range(50, 10_000, 50)))

    async def go() -> List[List[Optional[str]]]:
        async with sdk(server) as client:

            async def one() -> List[Optional[str]]:
                return [e.data.choices[0].delta.content async for e in await client.chat.stream_async(model=MODEL, messages=HI)]

            return await asyncio.gather(*(one() for _ in range(n)))

    results = run(go())
    assert results == [[f"t{i}" for i in range(per)]] * n
    assert len(server.connections) > 1  # they really ran side by side


@pytest.mark.parametrize("mode", MODES)
def test_json_with_a_charset_and_problem_json(server: Server, mode: str) -> None:
    server.enqueue(respond(200, json.dumps(chat_completion("é")).encode(), "application/json; charset=utf-8"))
    assert complete(server, mode).choices[0].message.content == "é"
    server.enqueue(respond(422, json.dumps(validation_error_body()).encode(), "application/problem+json"))
    with pytest.raises(models.HTTPValidationError):
        complete(server, mode)


@pytest.mark.parametrize("mode", MODES)
def test_server_closing_an_idle_keep_alive_connection(server: Server, mode: str) -> None:
    # The server answers (without "Connection: close") and then hangs up: the pooled connection is
    # dead, and the next call must not fail because of it, even without retries.
    def answer_then_hang_up(conn: Connection, req: Request) -> bool:
        json_response(chat_completion("first"))(conn, req)
        return False

    server.enqueue(answer_then_hang_up, json_response(chat_completion("second")))
    if mode == "sync":
        with sdk(server, retry_config=None) as client:
            a = client.chat.complete(model=MODEL, messages=HI)
            time.sleep(0.1)
            b = client.chat.complete(model=MODEL, messages=HI)
    else:

        async def go() -> Any:
            async with sdk(server, retry_config=None) as client:
                a = await client.chat.complete_async(model=MODEL, messages=HI)
                await asyncio.sleep(0.1)
                return a, await client.chat.complete_async(model=MODEL, messages=HI)

        a, b = run(go())
    assert [a.choices[0].message.content, b.choices[0].message.content] == ["first", "second"]
    assert len(server.connections) == 2


@pytest.mark.parametrize("mode", MODES)
def test_server_hanging_up_without_answering(server: Server, mode: str) -> None:
    def hang_up(conn: Connection, req: Request) -> bool:
        return False

    server.enqueue(hang_up)
    with pytest.raises(mistralai.APIConnectionError) as info:
        complete(server, mode, retries=NO_RETRIES)
    assert isinstance(info.value.__cause__, httpx.RemoteProtocolError)
    # The default configuration does not repeat it either: the request was sent, and the
    # server may have acted on it.
    server.enqueue(hang_up, json_response(chat_completion("not reached")))
    before = len(server.requests)
    with pytest.raises(mistralai.APIConnectionError) as again:
        complete(server, mode)
    assert isinstance(again.value.__cause__, httpx.RemoteProtocolError)
    assert len(server.requests) == before + 1
