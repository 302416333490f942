"""Throughput of the runtime's SSE parser against httpx-sse, with and without pydantic validation.

Standalone: `python bench/sse_parse.py [N]` (default N=100,000 events). It loads
generator/runtime/sse.py as a plain module (the SDK's `_runtime/sse.py`, as it is), builds N realistic
`chat.completion.chunk` events cut into ~4 KB chunks, and prints events/second (median of 5 runs)
for four pipelines:

1. ours: SSEDecoder.feed over bytes
2. httpx-sse: its line decoder + SSEDecoder, over the same chunks decoded incrementally to str
   (what `EventSource.iter_sse` does via `response.iter_text()`)
3. ours + `TypeAdapter(ChatCompletionChunk).validate_json(event.data)`
4. httpx-sse + `ChatCompletionChunk.model_validate_json(event.data)`

The project's target: (3) runs at >= 0.95x the throughput of (4).
"""

from __future__ import annotations

import codecs
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Callable, List, Optional

from httpx_sse._decoders import SSEDecoder as HttpxSSEDecoder
from httpx_sse._decoders import SSELineDecoder
from pydantic import BaseModel, TypeAdapter

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "generator" / "runtime" / "sse.py"
CHUNK = 4096
RUNS = 5


def load_runtime_sse() -> ModuleType:
    spec = importlib.util.spec_from_loader("gen_runtime_sse", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    exec(
        compile(SOURCE.read_text(encoding="utf-8"), str(SOURCE), "exec"),
        module.__dict__,
    )
    return module


class Delta(BaseModel):
    role: Optional[str] = None
    content: Optional[str] = None


class Choice(BaseModel):
    index: int
    delta: Delta
    finish_reason: Optional[str] = None
    logprobs: Optional[dict[str, object]] = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: str
    created: int
    model: str
    system_fingerprint: Optional[str] = None
    choices: List[Choice]


WORDS = [
    "Hello",
    " world",
    ",",
    " the",
    " quick",
    " brown",
    " fox",
    " jumps",
    " over",
    " é",
    " 数据",
    "\n",
]


def make_stream(n: int) -> tuple[bytes, list[bytes]]:
    parts = []
    for i in range(n):
        chunk = {
            "id": f"chatcmpl-{i // 500:08x}e4b1a2c3d4e5f60718293a4b5c6d7e8f",
            "object": "chat.completion.chunk",
            "created": 1718000000 + i // 50,
            "model": "mistral-small-latest",
            "system_fingerprint": "fp_7b4a29e5c1",
            "choices": [
                {
                    "index": 0,
                    "delta": {"content": WORDS[i % len(WORDS)] * (1 + i % 3)},
                    "finish_reason": None,
                    "logprobs": None,
                }
            ],
        }
        parts.append(
            b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"
        )
    body = b"".join(parts)
    return body, [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)]


def ours(
    sse: ModuleType, chunks: list[bytes], validate: Optional[Callable[[str], object]]
) -> int:
    decoder = sse.SSEDecoder()
    n = 0
    for chunk in chunks:
        for event in decoder.feed(chunk):
            if validate is not None:
                validate(event.data)
            n += 1
    decoder.close()
    return n


def httpx_sse(chunks: list[bytes], validate: Optional[Callable[[str], object]]) -> int:
    text_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    lines = SSELineDecoder()
    decoder = HttpxSSEDecoder()
    n = 0
    for chunk in chunks:
        for line in lines.decode(text_decoder.decode(chunk)):
            event = decoder.decode(line)
            if event is not None:
                if validate is not None:
                    validate(event.data)
                n += 1
    for line in lines.flush():
        decoder.decode(line)
    return n


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    sse = load_runtime_sse()
    body, chunks = make_stream(n)
    adapter = TypeAdapter(ChatCompletionChunk)
    pipelines: dict[str, Callable[[], int]] = {
        "ours: SSEDecoder": lambda: ours(sse, chunks, None),
        "httpx-sse: decoder": lambda: httpx_sse(chunks, None),
        "ours + TypeAdapter.validate_json": lambda: ours(
            sse, chunks, adapter.validate_json
        ),
        "httpx-sse + model_validate_json": lambda: httpx_sse(
            chunks, ChatCompletionChunk.model_validate_json
        ),
    }
    # Rounds interleave the pipelines, so that a noisy neighbour slows all of them alike; time
    # is the process's CPU time, which does not count the time another process had the CPU.
    seconds: dict[str, list[float]] = {name: [] for name in pipelines}
    for _ in range(RUNS):
        for name, run in pipelines.items():
            start = time.process_time()
            got = run()
            seconds[name].append(time.process_time() - start)
            assert got == n, (name, got, n)
    rate = {name: n / statistics.median(times) for name, times in seconds.items()}
    names = list(pipelines)
    print(
        f"{n:,} events, {len(body) / n:.0f} bytes each, {len(chunks):,} chunks of {CHUNK} B, "
        f"median of {RUNS} runs, Python {sys.version.split()[0]}"
    )
    print(f"| {'pipeline':<34} | {'events/s':>12} | {'ratio':>16} |")
    print(f"| {'-' * 34} | {'-' * 12} | {'-' * 16} |")
    for i, name in enumerate(names):
        if i % 2 == 0:
            ratio = f"{rate[name] / rate[names[i + 1]]:.2f}x httpx-sse"
        else:
            ratio = "1.00x"
        print(f"| {name:<34} | {rate[name]:>12,.0f} | {ratio:>16} |")
    target = rate[names[2]] / rate[names[3]]
    print(
        f"target (3)/(4) >= 0.95: {target:.2f} {'OK' if target >= 0.95 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
