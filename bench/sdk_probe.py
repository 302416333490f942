"""Runtime figures of one Mistral SDK, measured in the interpreter that runs this file.

Run by bench/run.py, once with the generated SDK on PYTHONPATH and once in the peers' virtual
environment with mistralai 1.5.1; it imports nothing from bench/ or generator/ and prints one JSON
object on stdout. Every figure is CPU time of this process (time.process_time), median of --runs:
the transport is in memory (httpx.MockTransport), so there is no I/O to wait for and CPU time is
what the SDK costs, without the noise of other processes on the machine.

    python bench/sdk_probe.py --events 100000 --requests 2000 --loops 20000 --runs 5 [--floor]

--floor also measures, in the same interpreter, what a hand-written client would cost: httpx-sse
+ `model_validate_json` of a plain pydantic model of the same shape for the stream, and a bare
`httpx.Client.post` for a request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from typing import Any, Callable, Dict, List, Optional

import httpx

URL = "https://api.mistral.ai"
MODEL = "mistral-small-latest"
CHUNK = 4096  # bytes per chunk the transport hands to the SDK, as bench/sse_parse.py does
WARM_UP_EVENTS = 200
WORDS = ["Hello", " world", ",", " the", " quick", " brown", " fox", " jumps", " over", " é", " 数据", "\n"]

COMPLETE_BODY = json.dumps(
    {
        "id": "cmpl-e5cc70bb28c444948073e77776eb30ef",
        "object": "chat.completion",
        "model": MODEL,
        "usage": {"prompt_tokens": 16, "completion_tokens": 34, "total_tokens": 50},
        "created": 1702256327,
        "choices": [
            {
                "index": 0,
                "message": {"content": "Hello! How can I help you today?", "tool_calls": None, "prefix": False, "role": "assistant"},
                "finish_reason": "stop",
            }
        ],
    }
).encode()

SMALL_MESSAGES = [{"role": "user", "content": "Hello, how are you?"}]

# The request model test: a realistic, moderately full request, passed as the plain dicts a caller writes.
REQUEST_KWARGS: Dict[str, Any] = {
    "model": MODEL,
    "messages": [
        {"role": "system", "content": "You are a concise assistant. Answer in English."},
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": "Paris."},
        {"role": "user", "content": "And its population, roughly? Give one number."},
    ],
    "temperature": 0.3,
    "top_p": 0.9,
    "max_tokens": 512,
    "random_seed": 42,
    "stop": ["\n\n"],
    "safe_prompt": False,
}


def sse_body(n: int) -> bytes:
    """n realistic `chat.completion.chunk` events as Mistral sends them, then `data: [DONE]`."""
    parts = []
    for i in range(n):
        delta: Dict[str, Any] = {"content": WORDS[i % len(WORDS)] * (1 + i % 3)}
        if i == 0:
            delta = {"role": "assistant", "content": ""}
        choice: Dict[str, Any] = {"index": 0, "delta": delta, "finish_reason": "stop" if i == n - 1 else None}
        chunk: Dict[str, Any] = {
            "id": f"{i // 500:08x}e4b1a2c3d4e5f60718293a4b5c6d7e8f",
            "object": "chat.completion.chunk",
            "created": 1718000000 + i // 50,
            "model": MODEL,
            "choices": [choice],
        }
        if i == n - 1:
            chunk["usage"] = {"prompt_tokens": 12, "completion_tokens": n, "total_tokens": 12 + n}
        parts.append(b"data: " + json.dumps(chunk, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n")
    parts.append(b"data: [DONE]\n\n")
    return b"".join(parts)


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body handed over in fixed-size chunks, to sync and async clients alike."""

    def __init__(self, chunks: List[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self):  # type: ignore[override]
        return iter(self._chunks)

    async def __aiter__(self):  # type: ignore[override]
        for chunk in self._chunks:
            yield chunk


class Server:
    """The in-memory server: a streamed answer (`body`, swappable between warm-up and timing) or the canned JSON."""

    def __init__(self, body: bytes) -> None:
        self.use(body)

    def use(self, body: bytes) -> None:
        self.chunks = [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)]

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            request.read()
            if request.headers.get("accept", "").startswith("text/event-stream"):
                return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Chunks(self.chunks))
            return httpx.Response(200, headers={"content-type": "application/json"}, content=COMPLETE_BODY)

        return httpx.MockTransport(handler)


def median_cpu(runs: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def median_cpu_async(runs: int, fn: Callable[[], Any]) -> float:
    loop = asyncio.new_event_loop()
    try:
        return median_cpu(runs, lambda: loop.run_until_complete(fn()))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def time_streams(args: argparse.Namespace, server: Server, body: bytes, sync: Callable[[], Any], asynchronous: Callable[[], Any]) -> tuple:
    """Events per second of each pipeline, after one short warm-up stream of each (lazy imports, first validations)."""
    server.use(sse_body(WARM_UP_EVENTS))
    sync()
    median_cpu_async(1, asynchronous)
    server.use(body)
    sync_s = median_cpu(args.stream_runs, sync)
    async_s = median_cpu_async(args.stream_runs, asynchronous)
    return args.events / sync_s, args.events / async_s


def sdk_figures(args: argparse.Namespace, body: bytes) -> Dict[str, Any]:
    import mistralai
    from mistralai import Mistral

    server = Server(body)
    mock = server.transport()
    sdk = Mistral(api_key="sk-bench", client=httpx.Client(transport=mock), async_client=httpx.AsyncClient(transport=mock))
    counts: Dict[str, int] = {}
    last: Dict[str, Any] = {}

    def stream_sync() -> None:
        n = 0
        with sdk.chat.stream(model=MODEL, messages=SMALL_MESSAGES) as events:
            for event in events:
                n += 1
                last["sync"] = event
        counts["sync"] = n

    async def stream_async() -> None:
        n = 0
        events = await sdk.chat.stream_async(model=MODEL, messages=SMALL_MESSAGES)
        async with events:
            async for event in events:
                n += 1
                last["async"] = event
        counts["async"] = n

    out: Dict[str, Any] = {"module": mistralai.__file__}
    if not args.no_stream:
        out["stream_sync_eps"], out["stream_async_eps"] = time_streams(args, server, body, stream_sync, stream_async)
        for kind in ("sync", "async"):
            if counts[kind] != args.events:
                raise SystemExit(f"{kind} stream yielded {counts[kind]} events, expected {args.events}")
            if last[kind].data.choices[0].finish_reason != "stop" or last[kind].data.usage.total_tokens != 12 + args.events:
                raise SystemExit(f"{kind} stream: the last event was not decoded as sent: {last[kind]!r}")

    def complete() -> None:
        for _ in range(args.requests):
            res = sdk.chat.complete(model=MODEL, messages=SMALL_MESSAGES)
        assert res is not None and res.choices[0].message.content == "Hello! How can I help you today?"

    for _ in range(min(50, args.requests)):  # warm up: lazy imports, pydantic's first-use work
        sdk.chat.complete(model=MODEL, messages=SMALL_MESSAGES)
    out["request_cpu_us"] = median_cpu(args.runs, complete) / args.requests * 1e6

    from mistralai import models

    request_model = models.ChatCompletionStreamRequest
    request = request_model(**REQUEST_KWARGS)

    def construct() -> None:
        for _ in range(args.loops):
            request_model(**REQUEST_KWARGS)

    def dump() -> None:
        for _ in range(args.loops):
            request.model_dump(mode="json", by_alias=True)

    construct()
    out["construct_us"] = median_cpu(args.runs, construct) / args.loops * 1e6
    out["dump_us"] = median_cpu(args.runs, dump) / args.loops * 1e6
    out["dump"] = request.model_dump(mode="json", by_alias=True)
    return out


def floor_figures(args: argparse.Namespace, body: bytes) -> Dict[str, Any]:
    import httpx_sse
    import pydantic

    class DeltaMessage(pydantic.BaseModel):
        role: Optional[str] = None
        content: Optional[str] = None
        tool_calls: Optional[List[Dict[str, Any]]] = None

    class Choice(pydantic.BaseModel):
        index: int
        delta: DeltaMessage
        finish_reason: Optional[str] = None

    class Usage(pydantic.BaseModel):
        prompt_tokens: int
        completion_tokens: int
        total_tokens: int

    class CompletionChunk(pydantic.BaseModel):
        id: str
        object: Optional[str] = None
        created: Optional[int] = None
        model: str
        usage: Optional[Usage] = None
        choices: List[Choice]

    server = Server(body)
    mock = server.transport()
    client = httpx.Client(transport=mock)
    aclient = httpx.AsyncClient(transport=mock)
    request = {"model": MODEL, "messages": SMALL_MESSAGES, "stream": True}
    headers = {"Authorization": "Bearer sk-bench", "Accept": "text/event-stream"}
    counts: Dict[str, int] = {}

    def stream_sync() -> None:
        n = 0
        with httpx_sse.connect_sse(client, "POST", URL + "/v1/chat/completions", json=request, headers=headers) as source:
            for sse in source.iter_sse():
                if sse.data == "[DONE]":
                    break
                CompletionChunk.model_validate_json(sse.data)
                n += 1
        counts["sync"] = n

    async def stream_async() -> None:
        n = 0
        async with httpx_sse.aconnect_sse(aclient, "POST", URL + "/v1/chat/completions", json=request, headers=headers) as source:
            async for sse in source.aiter_sse():
                if sse.data == "[DONE]":
                    break
                CompletionChunk.model_validate_json(sse.data)
                n += 1
        counts["async"] = n

    out: Dict[str, Any] = {}
    out["stream_sync_eps"], out["stream_async_eps"] = time_streams(args, server, body, stream_sync, stream_async)
    assert counts == {"sync": args.events, "async": args.events}, counts

    small = {"model": MODEL, "messages": SMALL_MESSAGES}
    auth = {"Authorization": "Bearer sk-bench"}

    def post() -> None:
        for _ in range(args.requests):
            client.post(URL + "/v1/chat/completions", json=small, headers=auth)

    post()
    out["request_cpu_us"] = median_cpu(args.runs, post) / args.requests * 1e6
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--loops", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stream-runs", type=int, default=3)
    parser.add_argument("--floor", action="store_true", help="measure the floor figures instead of the SDK")
    parser.add_argument("--no-stream", action="store_true", help="leave the stream figures out (an SDK's other figures only)")
    args = parser.parse_args()
    body = sse_body(args.events)
    figures = floor_figures(args, body) if args.floor else sdk_figures(args, body)
    figures["python"] = sys.version.split()[0]
    figures["event_bytes"] = len(body) / args.events
    figures["chunks"] = -(-len(body) // CHUNK)
    json.dump(figures, sys.stdout)


if __name__ == "__main__":
    main()
