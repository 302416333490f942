"""The SSE runtime (generator/runtime/sse.py), tested without the generator.

Every SDK gets it as `_runtime/sse.py`, unchanged; here it is copied as a plain module and
imported on its own (which also proves it is self-contained). The parser is checked against
the 70 shared vectors (../shared/sse-vectors, copied to tests/data/sse-vectors) (whole, one byte at a time, and at the original
chunk boundaries), httpx-sse's 36 line-splitting cases, a table of WHATWG edge cases and a
differential property test against httpx-sse. The typed streams run over httpx clients with a
`MockTransport` whose body records how many chunks were pulled and whether it was closed.
"""

from __future__ import annotations

import ast
import asyncio
import gc
import gzip
import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, AsyncIterator, Callable, Iterator, Optional, Sequence, Union

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "generator" / "runtime" / "sse.py"
VECTORS = ROOT / "tests" / "data" / "sse-vectors"  # ../shared/sse-vectors, copied
URL = "https://api.test/v1/chat/completions"

Triple = tuple[str, str, str]  # (event type, data, last event id)


@pytest.fixture(scope="module")
def module_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # sse.py raises the runtime's own error type, so it travels with errors.py in a package.
    package = tmp_path_factory.mktemp("runtime") / "_gen_test_runtime"
    package.mkdir()
    (package / "__init__.py").write_text("")
    shutil.copyfile(SOURCE, package / "sse.py")
    shutil.copyfile(SOURCE.parent / "errors.py", package / "errors.py")
    return package / "sse.py"


@pytest.fixture(scope="module")
def m(module_path: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(module_path.parent.parent))
    try:
        yield importlib.import_module("_gen_test_runtime.sse")
    finally:
        sys.path.remove(str(module_path.parent.parent))
        for name in [n for n in sys.modules if n.startswith("_gen_test_runtime")]:
            del sys.modules[name]


def parse(m: ModuleType, chunks: Sequence[bytes]) -> tuple[list[Triple], list[int]]:
    """Feed `chunks`, then close; return the events and every retry value the parser accepted.

    Accepted retry values are seen through the decoder's public `retry` attribute: a subclass
    turns it into a property that records each assignment (the same value twice counts twice).
    """

    class Recording(m.SSEDecoder):  # type: ignore[misc, name-defined]
        accepted: list[int]

        @property
        def retry(self) -> Optional[int]:
            return self.__dict__.get("_retry_value")

        @retry.setter
        def retry(self, value: Optional[int]) -> None:
            if value is not None:
                self.__dict__.setdefault("accepted", []).append(value)
            self.__dict__["_retry_value"] = value

    decoder = Recording()
    events = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    assert decoder.close() == []
    return [(e.event, e.data, e.id) for e in events], decoder.__dict__.get("accepted", [])


def splits(data: bytes, chunks: Optional[Sequence[bytes]] = None) -> dict[str, list[bytes]]:
    ways = {"whole": [data], "bytewise": [data[i : i + 1] for i in range(len(data))]}
    if chunks is not None:
        assert b"".join(chunks) == data
        ways["chunks"] = list(chunks)
    return ways


# ---------------------------------------------------------------- the shared vectors

INDEX = json.loads((VECTORS / "index.json").read_text(encoding="utf-8"))["vectors"]
VECTOR_CASES = [
    pytest.param(v, mode, id=f"{v['name']}-{mode}")
    for v in INDEX
    for mode in ("whole", "bytewise", "chunks")
    if mode != "chunks" or v["chunks_hex"]
]


def test_all_vectors_are_there() -> None:
    assert len(INDEX) == 70
    assert len({v["name"] for v in INDEX}) == 70


@pytest.mark.parametrize(("vector", "mode"), VECTOR_CASES)
def test_vector(m: ModuleType, vector: dict[str, Any], mode: str) -> None:
    data = (VECTORS / vector["file"]).read_bytes()
    chunks = [bytes.fromhex(h) for h in vector["chunks_hex"]] if vector["chunks_hex"] else None
    expected = vector["expected_whatwg"]
    events, retries = parse(m, splits(data, chunks)[mode])
    assert events == [(e["type"], e["data"], e["last_event_id"]) for e in expected["events"]]
    assert retries == expected["retry"]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_vectors_cut_anywhere(m: ModuleType, data: st.DataObject) -> None:
    vector = data.draw(st.sampled_from(INDEX), label="vector")
    body = (VECTORS / vector["file"]).read_bytes()
    cuts = sorted(data.draw(st.lists(st.integers(0, len(body)), max_size=12), label="cuts"))
    chunks = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)])]
    expected = vector["expected_whatwg"]
    events, retries = parse(m, chunks)
    assert events == [(e["type"], e["data"], e["last_event_id"]) for e in expected["events"]]
    assert retries == expected["retry"]


# ---------------------------------------------------------------- httpx-sse's line splitting

LINE_CASES = json.loads((VECTORS / "httpx-sse-line-decoder.json").read_text(encoding="utf-8"))["cases"]


def test_all_line_cases_are_there() -> None:
    assert len(LINE_CASES) == 36


@pytest.mark.parametrize("case", LINE_CASES, ids=[f"{i}-{c['test']}" for i, c in enumerate(LINE_CASES)])
def test_httpx_sse_line_splitting(m: ModuleType, case: dict[str, Any]) -> None:
    """Same lines as httpx-sse, except at EOF: httpx-sse flushes an unterminated last line, which
    WHATWG discards (so it must still be held, unterminated, when the stream ends)."""
    text = "".join(case["chunks"])
    expected = list(case["expected_lines"])
    held = expected.pop() if text and text[-1] not in "\r\n" else ""
    for mode, chunks in splits(text.encode("utf-8"), [c.encode("utf-8") for c in case["chunks"]]).items():
        decoder = m.SSEDecoder()
        lines = [line for chunk in chunks for line in decoder._lines(chunk)]
        assert lines == expected, mode
        assert b"".join(decoder._tail).decode("utf-8") == held, mode
        assert decoder.pending == bool(held), mode


# ---------------------------------------------------------------- WHATWG edge cases of our own


def msg(data: str, last_id: str = "") -> Triple:
    return ("message", data, last_id)


EDGE_CASES: list[tuple[str, list[bytes], list[Triple], list[int]]] = [
    # line ends
    ("lf", [b"data: a\n\n"], [msg("a")], []),
    ("cr", [b"data: a\r\r"], [msg("a")], []),
    ("crlf", [b"data: a\r\n\r\n"], [msg("a")], []),
    ("mixed", [b"data: a\r\ndata: b\rdata: c\n\r\n"], [msg("a\nb\nc")], []),
    ("cr-cr-lf is a line and a blank line", [b"data: a\r\r\n"], [msg("a")], []),
    ("lf-cr is two line ends", [b"data: a\n\rdata: b\n\n"], [msg("a"), msg("b")], []),
    ("crlf cut between cr and lf", [b"data: a\r", b"\n\r", b"\n"], [msg("a")], []),
    ("cr at chunk end, then not lf", [b"data: a\r", b"data: b\r", b"\r"], [msg("a\nb")], []),
    ("cr at chunk end, empty chunk, lf", [b"data: a\r", b"", b"\ndata: b\n\n"], [msg("a\nb")], []),
    ("cr at chunk end, cr", [b"data: a\r", b"\r"], [msg("a")], []),
    ("blank lines between events", [b"\n\n\ndata: a\n\n\n\n\ndata: b\n\n\n"], [msg("a"), msg("b")], []),
    ("u+2028 and nel are not line ends", ["data: a\u2028b\x85c\n\n".encode()], [msg("a\u2028b\x85c")], []),
    ("vertical tab and form feed are not line ends", [b"data: a\x0bb\x0cc\n\n"], [msg("a\x0bb\x0cc")], []),
    # UTF-8
    ("char cut in two", [b"data: \xe2\x82", b"\xac\n\n"], [msg("\u20ac")], []),
    ("emoji cut in three", [b"data: \xf0", b"\x9f\x98", b"\x80\n\n"], [msg("\U0001f600")], []),
    ("invalid byte replaced", [b"data: a\xffb\n\n"], [msg("a\ufffdb")], []),
    ("truncated char at line end replaced", [b"data: \xe2\x82\n\n"], [msg("\ufffd")], []),
    ("truncated char before cr replaced", [b"data: \xe2\x82\r\r"], [msg("\ufffd")], []),
    ("surrogate bytes replaced", [b"data: \xed\xa0\x80\n\n"], [msg("\ufffd\ufffd\ufffd")], []),
    # BOM
    ("bom", [b"\xef\xbb\xbfdata: a\n\n"], [msg("a")], []),
    ("bom cut in three", [b"\xef", b"\xbb", b"\xbfdata: a\n\n"], [msg("a")], []),
    ("bom after empty chunks", [b"", b"\xef\xbb", b"", b"\xbfdata: a\n\n"], [msg("a")], []),
    ("only one bom is stripped", [b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n"], [msg("b")], []),
    ("bom not at start is kept", [b"data: a\n\n\xef\xbb\xbfdata: b\n\ndata: c\n\n"], [msg("a"), msg("c")], []),
    ("half a bom, then other bytes", [b"\xef\xbb", b"data: a\n\ndata: b\n\n"], [msg("b")], []),
    ("bom then cr-lf cut", [b"\xef\xbb\xbfdata: a\r", b"\n\r\n"], [msg("a")], []),
    # fields
    ("data without colon", [b"data\n\n"], [msg("")], []),
    ("two data without colon", [b"data\ndata\n\n"], [msg("\n")], []),
    ("data: empty", [b"data:\n\n"], [msg("")], []),
    ("data: no space", [b"data:a\n\n"], [msg("a")], []),
    ("data: only one space stripped", [b"data:  a \n\n"], [msg(" a ")], []),
    ("data: tab kept", [b"data:\ta\n\n"], [msg("\ta")], []),
    ("data: colons in value", [b"data: a: b:c\n\n"], [msg("a: b:c")], []),
    ("data: nul kept", [b"data: a\x00b\n\n"], [msg("a\x00b")], []),
    ("field names are case-sensitive", [b"Data: a\nDATA: b\ndata: c\n\n"], [msg("c")], []),
    ("field name with a space is unknown", [b"data : a\n data: b\ndata: c\n\n"], [msg("c")], []),
    ("unknown field and bare word ignored", [b"foo: x\nbar\ndata: a\n\n"], [msg("a")], []),
    ("event", [b"event: add\ndata: a\n\n"], [("add", "a", "")], []),
    ("event: empty means message", [b"event:\ndata: a\n\n"], [msg("a")], []),
    ("event resets after dispatch", [b"event: x\ndata: a\n\ndata: b\n\n"], [("x", "a", ""), msg("b")], []),
    ("event without data resets too", [b"event: x\n\ndata: a\n\n"], [msg("a")], []),
    ("last event wins", [b"event: x\nevent: y\ndata: a\n\n"], [("y", "a", "")], []),
    ("id carries over", [b"id: 1\ndata: a\n\ndata: b\n\n"], [msg("a", "1"), msg("b", "1")], []),
    ("id from a block without data", [b"id: 7\n\ndata: a\n\n"], [msg("a", "7")], []),
    ("id with nul ignored", [b"id: 1\ndata: a\n\nid: 2\x00\ndata: b\n\n"], [msg("a", "1"), msg("b", "1")], []),
    ("id without colon resets", [b"id: 1\ndata: a\n\nid\ndata: b\n\n"], [msg("a", "1"), msg("b")], []),
    ("id: empty resets", [b"id: 1\ndata: a\n\nid:\ndata: b\n\n"], [msg("a", "1"), msg("b")], []),
    ("id set after data in block", [b"data: a\nid: 3\n\n"], [msg("a", "3")], []),
    ("id non-ascii", ["id: \u2026\ndata: a\n\n".encode()], [msg("a", "\u2026")], []),
    ("retry", [b"retry: 1000\ndata: a\n\n"], [msg("a")], [1000]),
    ("retry leading zeros", [b"retry: 007\n\n"], [], [7]),
    ("retry without data dispatches nothing", [b"retry: 5\n\n"], [], [5]),
    ("retry twice", [b"retry: 5\nretry: 5\n\n"], [], [5, 5]),
    ("retry non-digit", [b"retry: 12a\nretry: a12\ndata: a\n\n"], [msg("a")], []),
    ("retry signs and spaces", [b"retry: -1\nretry: +1\nretry:  5\nretry: 5 \nretry: 1.5\n\n"], [], []),
    ("retry empty", [b"retry:\nretry\n\n"], [], []),
    ("retry non-ascii digits", ["retry: \u0663\u0664\nretry: \xb2\n\n".encode()], [], []),
    ("retry in an unterminated block still counts", [b"data: a\n\nretry: 9\ndata: b\n"], [msg("a")], [9]),
    # comments, blocks without data, EOF
    ("comment only", [b": hello\n: world\n\n"], [], []),
    ("colon only", [b":\n\n"], [], []),
    ("comment inside an event", [b"data: a\n: note\ndata: b\n\n"], [msg("a\nb")], []),
    ("no data lines, nothing dispatched", [b"event: ping\nid: 1\n\n"], [], []),
    ("missing final blank line", [b"data: a\n\ndata: b\n"], [msg("a")], []),
    ("missing final line end", [b"data: a\n\ndata: b"], [msg("a")], []),
    ("final blank line cut off", [b"data: a\n\ndata: b\r"], [msg("a")], []),
    ("empty stream", [b""], [], []),
    ("empty chunks everywhere", [b"", b"data: a", b"", b"\n", b"", b"\n", b""], [msg("a")], []),
    ("several events in one chunk", [b"data: 1\n\ndata: 2\n\ndata: 3\n\n"], [msg("1"), msg("2"), msg("3")], []),
    ("long line in many chunks", [b"data: "] + [b"x" * 100] * 1000 + [b"\n\n"], [msg("x" * 100_000)], []),
]


@pytest.mark.parametrize(("chunks", "expected", "retries"), [c[1:] for c in EDGE_CASES], ids=[c[0] for c in EDGE_CASES])
def test_whatwg_edge_case(m: ModuleType, chunks: list[bytes], expected: list[Triple], retries: list[int]) -> None:
    for mode, pieces in splits(b"".join(chunks), chunks).items():
        assert parse(m, pieces) == (expected, retries), mode


def test_event_carries_its_blocks_retry(m: ModuleType) -> None:
    decoder = m.SSEDecoder()
    events = decoder.feed(b"retry: 5\ndata: a\n\ndata: b\n\nretry: x\ndata: c\n\n")
    assert events == [
        m.ServerSentEvent("message", "a", "", 5),
        m.ServerSentEvent("message", "b", "", None),
        m.ServerSentEvent("message", "c", "", None),
    ]
    assert decoder.retry == 5


def test_retry_with_more_digits_than_int_converts_is_ignored(m: ModuleType) -> None:
    decoder = m.SSEDecoder()
    events = decoder.feed(b"retry: 1\n\nretry: " + b"9" * 10_000 + b"\ndata: a\n\n")
    assert [(e.data, e.retry) for e in events] == [("a", None)]
    assert decoder.retry == 1


def test_server_sent_event(m: ModuleType) -> None:
    event = m.ServerSentEvent(data="x")
    assert (event.event, event.data, event.id, event.retry) == ("message", "x", "", None)
    assert event == m.ServerSentEvent("message", "x")
    assert event != m.ServerSentEvent("message", "y")
    assert repr(event) == "ServerSentEvent(event='message', data='x', id='', retry=None)"
    with pytest.raises(AttributeError):
        event.other = 1  # slotted


def test_pending_and_close(m: ModuleType) -> None:
    decoder = m.SSEDecoder()
    assert not decoder.pending
    assert decoder.feed(b"id: 4\n: comment\n") == [] and not decoder.pending
    assert decoder.feed(b"data: a\n") == [] and decoder.pending
    assert decoder.feed(b"\n") == [m.ServerSentEvent("message", "a", "4")] and not decoder.pending
    assert decoder.feed(b"event: x\n") == [] and decoder.pending
    assert decoder.feed(b"\ndata: partial") == [] and decoder.pending
    assert decoder.close() == [] and not decoder.pending
    # The decoder can read the next connection's stream, which may start with a BOM again;
    # the last event ID and the reconnection time are kept for it.
    assert decoder.feed(b"\xef\xbb\xbfretry: 3\ndata: b\n\n") == [m.ServerSentEvent("message", "b", "4", 3)]
    assert decoder.close() == []
    assert (decoder.last_event_id, decoder.retry) == ("4", 3)


# ---------------------------------------------------------------- differential test against httpx-sse


class ChunkStream(httpx.SyncByteStream):
    def __init__(self, chunks: Sequence[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.chunks)


def httpx_sse_events(chunks: Sequence[bytes]) -> list[tuple[str, str, str, Optional[int]]]:
    from httpx_sse import EventSource

    response = httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=ChunkStream(chunks))
    return [(e.event, e.data, e.id, e.retry) for e in EventSource(response).iter_sse()]


VALUE = st.lists(
    st.one_of(
        st.text(
            st.one_of(
                st.sampled_from(list("ab: 09\t\x00\u00e9\u20ac\U0001f600\u2028\x85")),
                st.characters(exclude_characters="\r\n\ufeff", exclude_categories=("Cs",)),
            ),
            max_size=6,
        ).map(lambda s: s.encode("utf-8")),
        st.sampled_from([b"\xff", b"\xe2\x82", b"\xc3", b"\xed\xa0\x80"]),  # invalid UTF-8
    ),
    max_size=3,
).map(b"".join)
SEP = st.sampled_from([b"", b":", b": ", b":  "])
RETRY = st.one_of(st.from_regex(rb"\A[0-9]{1,6}\Z"), VALUE)
FIELD = st.one_of(
    st.tuples(st.sampled_from([b"data", b"event", b"id", b"Data", b"foo", b"dat", b"data "]), SEP, VALUE).map(b"".join),
    st.tuples(st.just(b"retry"), SEP, RETRY).map(b"".join),
    st.tuples(st.just(b":"), VALUE).map(b"".join),  # comment
)
DATA_LINE = st.tuples(st.sampled_from([b"data"]), SEP, VALUE).map(b"".join)


@st.composite
def block(draw: st.DrawFn) -> list[bytes]:
    """Non-blank lines, mostly with a data line among them, then the blank line that ends them."""
    lines = [line for line in draw(st.lists(FIELD, max_size=4)) if line]
    if draw(st.integers(0, 9)):
        lines.insert(draw(st.integers(0, len(lines))), draw(DATA_LINE))
    return [*lines, b""]


def field(line: bytes) -> tuple[str, str]:
    name, _, value = line.decode("utf-8", "replace").partition(":")
    return name, value[1:] if value.startswith(" ") else value


def httpx_sse_follows_whatwg(lines: list[bytes]) -> bool:
    """The inputs on which httpx-sse is known to follow WHATWG (see the vectors' README).

    httpx-sse dispatches a block without data lines when it set an event type or a retry, or
    once any last event ID is set; and it reads `retry` with int(), which takes signs, spaces,
    underscores and non-ASCII digits.
    """
    last_id, has_data, has_other = "", False, False
    for line in lines:
        if not line:
            if not has_data and (has_other or last_id):
                return False
            has_data = has_other = False
            continue
        name, value = field(line)
        if line.startswith(b":"):
            continue
        if name == "data":
            has_data = True
        elif name == "event":
            has_other = True
        elif name == "id" and "\0" not in value:
            last_id = value
        elif name == "retry":
            has_other = True
            try:
                as_int: Optional[int] = int(value)
            except ValueError:
                as_int = None
            whatwg = int(value) if value.isascii() and value.isdigit() else None
            if as_int != whatwg:
                return False
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(st.data())
def test_differential_against_httpx_sse(m: ModuleType, data: st.DataObject) -> None:
    lines = [line for b in data.draw(st.lists(block(), max_size=6), label="blocks") for line in b]
    if lines and data.draw(st.booleans(), label="cut the last block"):
        lines = lines[: data.draw(st.integers(0, len(lines) - 1), label="keep")]
    assume(httpx_sse_follows_whatwg(lines))
    ends = data.draw(st.lists(st.sampled_from([b"\n", b"\r", b"\r\n"]), min_size=len(lines), max_size=len(lines)))
    body = b"".join(line + end for line, end in zip(lines, ends))
    if lines and data.draw(st.booleans(), label="drop the last line end"):
        body = body[: -len(ends[-1])]
    cuts = sorted(data.draw(st.lists(st.integers(0, len(body)), max_size=10), label="cuts"))
    chunks = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)])]

    decoder = m.SSEDecoder()
    ours = [event for chunk in chunks for event in decoder.feed(chunk)] + decoder.close()
    assert [(e.event, e.data, e.id, e.retry) for e in ours] == httpx_sse_events(chunks)


# ---------------------------------------------------------------- EventStream / EventStreamAsync

Item = Union[bytes, Exception]


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that records how many chunks were pulled and whether it was closed.

    An exception among the items is raised when it is reached (a transport error mid-stream).
    """

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = list(items)
        self.pulled = 0
        self.closed = False

    def _next(self) -> Optional[bytes]:
        assert not self.closed, "read after close"
        if self.pulled == len(self.items):
            return None
        item = self.items[self.pulled]
        self.pulled += 1
        if isinstance(item, Exception):
            raise item
        return item

    def __iter__(self) -> Iterator[bytes]:
        while (chunk := self._next()) is not None:
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while (chunk := self._next()) is not None:
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def respond(body: Body, headers: Optional[dict[str, str]] = None) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(
            200, headers={"content-type": "text/event-stream", **(headers or {})}, stream=body
        )
    )


class Recorder:
    """The `decode` argument: JSON data, recording what it was called with; raises on 'boom'."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, event: Any) -> Any:
        self.seen.append(event.data)
        if event.data == "boom":
            raise ValueError("cannot decode 'boom'")
        return json.loads(event.data)


def chunk(*data: str) -> bytes:
    return b"".join(f"data: {d}\n\n".encode() for d in data)


def open_sync(m: ModuleType, body: Body, sentinel: Optional[str] = "[DONE]", **kw: Any) -> tuple[Any, Recorder]:
    client = httpx.Client(transport=respond(body, kw.get("headers")))
    response = client.send(client.build_request("POST", URL), stream=True)
    decode = Recorder()
    return m.EventStream(response, decode, sentinel), decode


async def open_async(m: ModuleType, body: Body, sentinel: Optional[str] = "[DONE]") -> tuple[Any, Recorder]:
    client = httpx.AsyncClient(transport=respond(body))
    response = await client.send(client.build_request("POST", URL), stream=True)
    decode = Recorder()
    return m.EventStreamAsync(response, decode, sentinel), decode


async def drain(stream: Any) -> list[Any]:
    return [value async for value in stream]


# The scenarios, each run sync and async: (items, sentinel) -> values yielded, then what is raised.
SCENARIOS: dict[str, tuple[list[Item], Optional[str], list[Any], Optional[str]]] = {
    "sentinel stops at once": (
        [chunk("1", "2"), chunk("3", "[DONE]", "4"), chunk("5"), b"never"],
        "[DONE]",
        [1, 2, 3],
        None,
    ),
    "sentinel alone in the last chunk": ([chunk("1"), chunk("[DONE]")], "[DONE]", [1], None),
    "events cut into bytes": ([bytes([b]) for b in chunk("1", "22", "[DONE]")], "[DONE]", [1, 22], None),
    "clean eof without a sentinel": ([chunk("1"), chunk("2")], None, [1, 2], None),
    "eof without the sentinel": ([chunk("1"), chunk("2")], "[DONE]", [1, 2], "after 2 events received"),
    "eof in the middle of an event": ([chunk("1"), b"data: 2\n"], None, [1], "after 1 event received"),
    "eof in the middle of a line": ([chunk("1", "2"), b"data: {"], None, [1, 2], "in the middle of an event"),
    "transport error mid-stream": (
        [chunk("1"), b"data: 2\n\ndata:", httpx.RemoteProtocolError("peer closed connection"), chunk("9")],
        "[DONE]",
        [1, 2],
        "RemoteProtocolError: peer closed connection",
    ),
    "read error before any event": ([httpx.ReadError("connection reset")], "[DONE]", [], "after 0 events received"),
}


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_stream_scenario(m: ModuleType, name: str, flavour: str) -> None:
    items, sentinel, values, error = SCENARIOS[name]
    body = Body(items)
    got: list[Any] = []

    async def run_async() -> Any:
        stream, _ = await open_async(m, body, sentinel)
        async for value in stream:
            got.append(value)
        return stream

    def run() -> Any:
        if flavour == "async":
            return asyncio.run(run_async())
        stream, _ = open_sync(m, body, sentinel)
        for value in stream:
            got.append(value)
        return stream

    if error is None:
        stream = run()
    else:
        with pytest.raises(m.StreamInterrupted, match="ended before completing") as info:
            run()
        assert error in str(info.value)
        assert info.value.events_received == len(values)
        cause = next((i for i in items if isinstance(i, Exception)), None)
        assert info.value.__cause__ is cause
    assert got == values
    assert body.closed
    if "sentinel stops" in name:
        assert body.pulled == 2  # the chunks after the sentinel's were never pulled
    if error is None:  # iterating again yields nothing, and reads nothing
        pulled = body.pulled
        assert (asyncio.run(drain(stream)) if flavour == "async" else list(stream)) == []
        assert body.pulled == pulled


def test_nothing_after_the_sentinel_is_decoded(m: ModuleType) -> None:
    body = Body([chunk("1", "[DONE]", "boom", "{")])
    stream, decode = open_sync(m, body)
    assert list(stream) == [1]
    assert decode.seen == ["1"]
    assert body.closed and stream.response.is_closed


def test_sentinel_is_compared_with_data_only(m: ModuleType) -> None:
    body = Body([b"event: done\ndata: 1\n\nevent: x\ndata: [DONE]\n\n", chunk("2")])
    stream, _ = open_sync(m, body)
    assert list(stream) == [1]


def test_decode_error_propagates_and_closes(m: ModuleType) -> None:
    body = Body([chunk("1", "boom", "3"), chunk("4")])
    stream, decode = open_sync(m, body)
    got = []
    with pytest.raises(ValueError, match="boom"):
        for value in stream:
            got.append(value)
    assert got == [1] and body.closed and body.pulled == 1
    assert list(stream) == [] and decode.seen == ["1", "boom"]


def test_context_manager_closes(m: ModuleType) -> None:
    body = Body([chunk("1"), chunk("2"), chunk("[DONE]")])
    stream, _ = open_sync(m, body)
    with stream as s:
        assert s is stream
        assert next(iter(s)) == 1
        assert not body.closed
    assert body.closed and body.pulled == 1 and list(stream) == []

    body = Body([chunk("1"), chunk("2")])
    stream, _ = open_sync(m, body)
    with pytest.raises(KeyError):
        with stream:
            for _ in stream:
                raise KeyError("the caller's own error")
    assert body.closed


def test_close_before_iterating(m: ModuleType) -> None:
    body = Body([chunk("1")])
    stream, _ = open_sync(m, body)
    stream.close()
    stream.close()  # idempotent
    assert body.closed and list(stream) == [] and body.pulled == 0


def test_break_then_garbage_collection_closes(m: ModuleType) -> None:
    body = Body([chunk("1"), chunk("2"), chunk("[DONE]")])
    stream, _ = open_sync(m, body)
    for _ in stream:
        break
    assert not body.closed
    del stream
    gc.collect()
    assert body.closed and body.pulled == 1


def test_unreferenced_stream_closes_at_once(m: ModuleType) -> None:
    body = Body([chunk("1"), chunk("2")])
    for value in open_sync(m, body)[0]:
        break
    assert body.closed  # reference counting alone, no gc.collect()


def test_content_encoding_is_undone(m: ModuleType) -> None:
    raw = gzip.compress(chunk("1", "2", "[DONE]", "3"))
    body = Body([raw[i : i + 7] for i in range(0, len(raw), 7)])
    stream, _ = open_sync(m, body, headers={"content-encoding": "gzip"})
    assert list(stream) == [1, 2]
    assert body.closed


def test_decode_gets_the_whole_event(m: ModuleType) -> None:
    client = httpx.Client(transport=respond(Body([b"id: 7\nevent: delta\nretry: 10\ndata: a\ndata: b\n\n"])))
    response = client.send(client.build_request("GET", URL), stream=True)
    events = list(m.EventStream(response, lambda e: e))
    assert events == [m.ServerSentEvent("delta", "a\nb", "7", 10)]


def test_async_decode_error_propagates_and_closes(m: ModuleType) -> None:
    body = Body([chunk("1", "boom", "3"), chunk("4")])

    async def main() -> None:
        stream, decode = await open_async(m, body)
        got = []
        with pytest.raises(ValueError, match="boom"):
            async for value in stream:
                got.append(value)
        assert got == [1] and body.closed and body.pulled == 1
        assert await drain(stream) == [] and decode.seen == ["1", "boom"]

    asyncio.run(main())


def test_async_context_manager_and_aclose(m: ModuleType) -> None:
    async def main() -> None:
        body = Body([chunk("1"), chunk("2"), chunk("[DONE]")])
        stream, _ = await open_async(m, body)
        async with stream as s:
            assert s is stream
            assert await s.__anext__() == 1
            assert not body.closed
        assert body.closed and body.pulled == 1 and await drain(stream) == []

        body = Body([chunk("1"), chunk("2")])
        stream, _ = await open_async(m, body)
        with pytest.raises(KeyError):
            async with stream:
                async for _ in stream:
                    raise KeyError("the caller's own error")
        assert body.closed

        body = Body([chunk("1")])
        stream, _ = await open_async(m, body)
        await stream.aclose()
        await stream.aclose()
        assert body.closed and await drain(stream) == [] and body.pulled == 0

    asyncio.run(main())


def test_async_break_then_garbage_collection_closes(m: ModuleType) -> None:
    async def main() -> Body:
        body = Body([chunk("1"), chunk("2"), chunk("[DONE]")])
        stream, _ = await open_async(m, body)
        async for _ in stream:
            break
        assert not body.closed
        del stream
        gc.collect()
        for _ in range(5):  # __del__ scheduled aclose() on the running loop
            await asyncio.sleep(0)
        assert body.closed and body.pulled == 1
        return body

    asyncio.run(main())


def test_async_garbage_collection_without_a_loop(m: ModuleType) -> None:
    # No running loop: a stream that can close synchronously is closed...
    body = Body([chunk("1"), chunk("2")])
    response = httpx.Response(200, stream=body)
    stream = m.EventStreamAsync(response, json.loads)
    del stream
    gc.collect()
    assert body.closed

    # ...and one that cannot is left alone, quietly (no exception, no warning).
    async def main() -> Any:
        stream, _ = await open_async(m, Body([chunk("1"), chunk("2")]))
        assert await stream.__anext__() == 1
        return stream

    stream = asyncio.run(main())
    del stream
    gc.collect()


# ---------------------------------------------------------------- the module as a file
# (black, ruff and mypy --strict: tests/test_gen_code.py, for the whole runtime)


def test_the_module_imports_only_what_an_sdk_has() -> None:
    text = SOURCE.read_text(encoding="utf-8")
    allowed = {"httpx", "pydantic", "typing_extensions"} | set(sys.stdlib_module_names)
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            assert {a.name.split(".")[0] for a in node.names} <= allowed
        elif isinstance(node, ast.ImportFrom):
            # The runtime's own errors module is the only sibling it needs.
            if node.level:
                assert node.level == 1 and node.module == "errors"
            else:
                assert (node.module or "").split(".")[0] in allowed
