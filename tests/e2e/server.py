"""A scripted HTTP/1.1 server on a raw socket, for end-to-end tests of generated SDKs.

Why raw sockets: the tests need exact control of the bytes (chunked or Content-Length framing,
writes split anywhere, a body cut in the middle) and of the timing (a response held open, a slow
server), and they need to see what the client does with the connection (closes it, keeps it).

Use: `server.enqueue(handler, ...)` scripts the responses, one handler per request, in order.
A handler is `handler(conn, request) -> bool`: it writes the response with `conn.send...` and
returns True to keep serving the connection (keep-alive) or False to close it. The helpers at the
bottom (`json_response`, `text_response`, `sse_response`, ...) build the common ones.
Every request is recorded in `server.requests`; every connection in `server.connections`, with
the moment the client closed it (`client_closed_at`) when it did.
"""

from __future__ import annotations

import json
import queue
import random
import select
import socket
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

Handler = Callable[["Connection", "Request"], bool]


@dataclass
class Request:
    method: str
    path: str  # with the query string
    headers: Dict[str, str]  # lower-cased names
    raw_headers: List[Tuple[str, str]]
    body: bytes
    connection: "Connection"
    received_at: float

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> Optional[str]:
        return self.headers.get(name.lower())


class ClientClosed(Exception):
    """The client closed (or reset) the connection while the server was writing or waiting."""


class Connection:
    """One accepted socket. Writes go out at once (TCP_NODELAY)."""

    def __init__(self, server: "Server", sock: socket.socket, number: int) -> None:
        self.server = server
        self.sock = sock
        self.number = number
        self.opened_at = time.monotonic()
        self.client_closed_at: Optional[float] = None  # when we read EOF (or a reset)
        self.server_closed = False
        self.closed = threading.Event()  # set on EOF from the client
        self.requests: List[Request] = []
        self._buffer = b""
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(10.0)  # for writes; reads wait in select() with a short timeout

    # -- writing ---------------------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            self._mark_client_closed()
            raise ClientClosed(str(exc)) from exc

    def send_split(
        self, data: bytes, cuts: Iterable[int], pause: float = 0.0001
    ) -> int:
        """Write `data` in pieces ending at the offsets `cuts` (sorted, deduplicated here),
        pausing after each write so that the pieces reach the client as separate reads.
        Returns the number of writes."""
        points = sorted({c for c in cuts if 0 < c < len(data)}) + [len(data)]
        start = 0
        for end in points:
            self.send(data[start:end])
            start = end
            if pause:
                time.sleep(pause)
        return len(points)

    def close(self) -> None:
        """Close from the server side (the client sees EOF)."""
        self.server_closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    # -- reading ---------------------------------------------------------------------------------
    def _mark_client_closed(self) -> None:
        if self.client_closed_at is None:
            self.client_closed_at = time.monotonic()
        self.closed.set()

    def _recv(self) -> Optional[bytes]:
        """Some bytes; b"" at EOF; None on timeout."""
        try:
            ready, _, _ = select.select([self.sock], [], [], 0.02)
            if not ready:
                return None
            return self.sock.recv(65536)
        except (ConnectionResetError, OSError, ValueError):
            return b""

    def wait_client_close(self, timeout: float) -> bool:
        """Wait (reading and discarding) until the client closes; True if it did in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.server.stopping.is_set():
            data = self._recv()
            if data == b"":
                self._mark_client_closed()
                return True
            if data:
                self._buffer += data
        return False

    def read_request(self) -> Optional[Request]:
        """The next request on the connection; None when the client closed it (or we stop)."""
        while b"\r\n\r\n" not in self._buffer:
            if not self._fill():
                return None
        head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, path, _version = lines[0].split(" ", 2)
        raw_headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            raw_headers.append((name.strip(), value.strip()))
        headers = {name.lower(): value for name, value in raw_headers}
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            length = int(headers.get("content-length", "0"))
            while len(self._buffer) < length:
                if not self._fill():
                    return None
            body, self._buffer = self._buffer[:length], self._buffer[length:]
        if body is None:
            return None
        request = Request(
            method, path, headers, raw_headers, body, self, time.monotonic()
        )
        self.requests.append(request)
        return request

    def _read_chunked(self) -> Optional[bytes]:
        body = b""
        while True:
            while b"\r\n" not in self._buffer:
                if not self._fill():
                    return None
            size_line, self._buffer = self._buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(self._buffer) < size + 2:
                if not self._fill():
                    return None
            body += self._buffer[:size]
            self._buffer = self._buffer[size + 2 :]
            if size == 0:
                return body

    def _fill(self) -> bool:
        while not self.server.stopping.is_set():
            data = self._recv()
            if data is None:
                continue
            if data == b"":
                self._mark_client_closed()
                return False
            self._buffer += data
            return True
        return False


class Server:
    """Listens on 127.0.0.1 (a free port); one thread per connection."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.02)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.stopping = threading.Event()
        self._script: "queue.Queue[Handler]" = queue.Queue()
        self.default: Optional[Handler] = None  # serves requests when the script is empty
        self.requests: List[Request] = []
        self.connections: List[Connection] = []
        self.errors: List[str] = []  # unexpected things: handler crashes, unscripted requests
        self._lock = threading.Lock()
        self._threads: List[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    def enqueue(self, *handlers: Handler) -> None:
        for handler in handlers:
            self._script.put(handler)

    def reset(self) -> None:
        while not self._script.empty():
            self._script.get_nowait()
        self.default = None
        self.requests.clear()
        self.errors.clear()

    def _accept(self) -> None:
        number = 0
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            number += 1
            conn = Connection(self, sock, number)
            with self._lock:
                self.connections.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: Connection) -> None:
        try:
            while not self.stopping.is_set():
                request = conn.read_request()
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                handler = self._next_handler()
                if handler is None:
                    self.errors.append(f"unscripted request {request.method} {request.path}")
                    conn.send(_plain(599, b"no response scripted for this request"))
                    continue
                try:
                    keep = handler(conn, request)
                except ClientClosed:
                    return
                except Exception as exc:  # a bug in the test's handler
                    self.errors.append(f"handler failed: {type(exc).__name__}: {exc}")
                    return
                if not keep:
                    return
        finally:
            if not conn.server_closed:
                conn.close()

    def _next_handler(self) -> Optional[Handler]:
        try:
            return self._script.get(block=self.default is None, timeout=2.0)
        except queue.Empty:
            return self.default

    def count(self, method: str, path: str) -> int:
        """How many requests came for `method path` (the path without its query string)."""
        with self._lock:
            return sum(1 for r in self.requests if r.method == method and r.path.split("?")[0] == path)

    def wait_requests(self, n: int, timeout: float = 5.0) -> List[Request]:
        deadline = time.monotonic() + timeout
        while len(self.requests) < n and time.monotonic() < deadline:
            time.sleep(0.005)
        return list(self.requests)

    def close(self) -> None:
        self.stopping.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=2)
        self._accepter.join(timeout=2)


# -- building responses ----------------------------------------------------------------------------


def head(
    status: int,
    headers: Union[Sequence[Tuple[str, str]], Dict[str, str]] = (),
    reason: Optional[str] = None,
) -> bytes:
    phrase = reason if reason is not None else _phrase(status)
    items = headers.items() if isinstance(headers, dict) else headers
    lines = [f"HTTP/1.1 {status} {phrase}"] + [f"{k}: {v}" for k, v in items]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Whatever"


def _plain(status: int, body: bytes) -> bytes:
    return head(
        status, {"Content-Type": "text/plain", "Content-Length": str(len(body))}
    ) + body


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n" if data else b""


LAST_CHUNK = b"0\r\n\r\n"


def respond(
    status: int,
    body: bytes = b"",
    content_type: Optional[str] = "application/json",
    headers: Optional[Dict[str, str]] = None,
    *,
    delay: float = 0.0,
    keep_alive: bool = True,
) -> Handler:
    """A complete response with Content-Length."""

    def handler(conn: Connection, request: Request) -> bool:
        if delay:
            # Wait, but notice when the client gives up (a timeout closes the connection).
            if conn.wait_client_close(delay):
                return False
        all_headers = {"Content-Length": str(len(body))}
        if content_type is not None:
            all_headers["Content-Type"] = content_type
        all_headers.update(headers or {})
        if not keep_alive:
            all_headers["Connection"] = "close"
        conn.send(head(status, all_headers) + body)
        return keep_alive

    return handler


def json_response(
    obj: Any, status: int = 200, headers: Optional[Dict[str, str]] = None, **kw: Any
) -> Handler:
    return respond(status, json.dumps(obj).encode(), "application/json", headers, **kw)


def text_response(
    body: str, status: int, content_type: str = "text/html; charset=utf-8", **kw: Any
) -> Handler:
    return respond(status, body.encode(), content_type, **kw)


def sse_body(datas: Sequence[str], *, done: bool = True, eol: str = "\n") -> bytes:
    """`data: ...` events, each ended by a blank line, then `data: [DONE]`."""
    parts = [f"data: {d}{eol}{eol}" for d in datas]
    if done:
        parts.append(f"data: [DONE]{eol}{eol}")
    return "".join(parts).encode("utf-8")


def sse_response(
    body: bytes,
    *,
    framing: str = "chunked",
    end: str = "finish",
    cuts: Iterable[int] = (),
    pause: float = 0.0,
    hold: float = 10.0,
) -> Handler:
    """A text/event-stream response.

    framing: "chunked", "length" (Content-Length) or "eof" (no length: the body ends when the
        server closes the connection).
    end: "finish" (complete the body; keep-alive unless framing is "eof"), "close" (close the
        socket after the bytes, whatever the framing says), "hold" (send the bytes, leave the
        body unfinished and the connection open until the client closes it, at most `hold` s).
    cuts: offsets into the body where the writes are split (see `Connection.send_split`); with
        chunked framing each piece is one HTTP chunk, and the wire bytes are split again at
        random so that chunk-size lines are cut too.
    """
    cuts = sorted(set(cuts))

    def handler(conn: Connection, request: Request) -> bool:
        headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        if framing == "chunked":
            headers["Transfer-Encoding"] = "chunked"
        elif framing == "length":
            headers["Content-Length"] = str(len(body))
        else:
            headers["Connection"] = "close"
        conn.send(head(200, headers))
        if framing == "chunked":
            pieces, start = [], 0
            for end_at in [c for c in cuts if 0 < c < len(body)] + [len(body)]:
                pieces.append(body[start:end_at])
                start = end_at
            wire, wire_cuts = b"", []
            rng = random.Random(len(body))
            for piece in pieces:
                framed = chunk(piece)
                size_len = framed.index(b"\r\n") + 2
                # split the framing itself now and then: inside the size line, or its CRLF
                if rng.random() < 0.1:
                    wire_cuts.append(len(wire) + rng.randrange(1, size_len + 1))
                wire += framed
                wire_cuts.append(len(wire))
            if end == "finish":
                wire += LAST_CHUNK
            conn.send_split(wire, wire_cuts, pause)
        else:
            conn.send_split(body, cuts, pause)
        if end == "close" or (end == "finish" and framing == "eof"):
            conn.close()
            return False
        if end == "hold":
            conn.wait_client_close(hold)
            return False
        return True

    return handler


def random_cuts(data: bytes, rng: random.Random, mean_gap: int = 150) -> List[int]:
    """Split points anywhere, about `mean_gap` bytes apart, plus some chosen on purpose: inside
    multi-byte UTF-8 characters and between the CR and LF of a CRLF."""
    cuts = set()
    pos = 0
    while True:
        pos += rng.randint(1, 2 * mean_gap)
        if pos >= len(data):
            break
        cuts.add(pos)
    inside_char = [
        i for i, b in enumerate(data) if 0x80 <= b < 0xC0  # a continuation byte
    ]
    crlf = []
    start = 0
    while True:
        i = data.find(b"\r\n", start)
        if i < 0:
            break
        crlf.append(i + 1)  # between CR and LF
        start = i + 1
    cuts.update(rng.sample(inside_char, min(300, len(inside_char))))
    cuts.update(rng.sample(crlf, min(300, len(crlf))))
    return sorted(cuts)


# -- payloads of the Mistral API ---------------------------------------------------------------------

USAGE = {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12}


def chat_completion(content: str = "Hello!", **message: Any) -> Dict[str, Any]:
    return {
        "id": "cmpl-e2e",
        "object": "chat.completion",
        "model": "mistral-small-latest",
        "created": 1_700_000_000,
        "usage": USAGE,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, **message},
                "finish_reason": "tool_calls" if message.get("tool_calls") else "stop",
            }
        ],
    }


def completion_chunk(
    content: Optional[str], i: int = 0, finish_reason: Optional[str] = None, usage: bool = False
) -> Dict[str, Any]:
    delta: Dict[str, Any] = {"content": content}
    if i == 0:
        delta["role"] = "assistant"
    chunk_: Dict[str, Any] = {
        "id": "cmpl-stream",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000 + i,
        "model": "mistral-small-latest",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    if usage:
        chunk_["usage"] = USAGE
    return chunk_


def chunk_json(content: Optional[str], i: int = 0, **kw: Any) -> str:
    return json.dumps(completion_chunk(content, i, **kw), ensure_ascii=False)


def validation_error_body() -> Dict[str, Any]:
    return {
        "detail": [
            {
                "loc": ["body", "messages", 0, "role"],
                "msg": "Input should be 'user', 'assistant', 'system' or 'tool'",
                "type": "literal_error",
            },
            {"loc": ["body", "model"], "msg": "Field required", "type": "missing"},
        ]
    }
