"""The retry runtime (generator/runtime/retries.py), tested without the generator.

Every SDK gets it as `_runtime/retries.py`, unchanged; here it is copied as a plain module
and imported on its own (which also proves it is self-contained). Requests go through
httpx clients over `httpx.MockTransport`; sleep, the monotonic clock, the wall clock and the
jitter draw are faked, so nothing here waits for real except the cancellation test.
"""

from __future__ import annotations

import ast
import asyncio
import email.utils
import importlib.util
import inspect
import itertools
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "generator" / "runtime" / "retries.py"
URL = "https://api.test/v1/things"
NOW = 1_700_000_000.0  # the faked wall clock (seconds since the epoch)
START = 1000.0  # the faked monotonic clock when a call starts


@pytest.fixture(scope="module")
def module_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("runtime") / "retries.py"
    shutil.copyfile(SOURCE, path)
    return path


@pytest.fixture(scope="module")
def r(module_path: Path) -> Iterator[ModuleType]:
    name = "_gen_test_runtime_retries"
    spec = importlib.util.spec_from_file_location(name, module_path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
        yield mod
    finally:
        del sys.modules[name]


def config(
    r: ModuleType,
    initial: float = 500,
    max_interval: float = 60_000,
    exponent: float = 1.5,
    max_elapsed: float = 3_600_000,
    connection_errors: bool = False,
    strategy: str = "backoff",
) -> Any:
    backoff = r.BackoffStrategy(initial, max_interval, exponent, max_elapsed)
    return r.RetryConfig(strategy, backoff, connection_errors)


def retries(r: ModuleType, codes: tuple[str, ...] = ("429", "500", "502", "503", "504"), **kw: Any) -> Any:
    return r.Retries(config(r, **kw), list(codes))


# ---------------------------------------------------------------- the harness


class Harness:
    """A scripted server, fake time, and both ways of calling `retry`.

    Each script item answers one attempt: a status code, `(status, headers)`, an
    `httpx.Response`, or an exception instance (raised from the transport). The last item
    repeats. Every attempt takes `call_time` seconds of the fake monotonic clock.
    """

    def __init__(self, r: ModuleType, mode: str, script: list[Any], call_time: float = 0.0) -> None:
        self.r = r
        self.mode = mode
        self.script = script
        self.call_time = call_time
        self.calls = 0
        self.t = START
        self.sleeps: list[float] = []
        self.sleep_started_at: list[float] = []
        self.responses: list[httpx.Response] = []
        self.on_sleep: Callable[[float], None] | None = None
        self.body: bytes | None = None

    # fakes
    def clock(self) -> float:
        return self.t

    def _sleep(self, seconds: float) -> None:
        self.sleep_started_at.append(self.t)
        self.sleeps.append(seconds)
        if self.on_sleep is not None:
            self.on_sleep(seconds)
        self.t += seconds

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        self._sleep(seconds)

    def handler(self, request: httpx.Request) -> httpx.Response:
        item = self.script[min(self.calls, len(self.script) - 1)]
        self.calls += 1
        self.t += self.call_time
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, httpx.Response):
            return item
        status, headers = item if isinstance(item, tuple) else (item, {})
        return httpx.Response(status, headers=headers, content=b"body %d" % self.calls)

    def run(self, retry_config: Any, rand: Callable[[], float] = lambda: 0.5) -> httpx.Response:
        kw = dict(clock=self.clock, rand=rand, now=lambda: NOW)
        if self.mode == "sync":
            with httpx.Client(transport=httpx.MockTransport(self.handler)) as client:

                def send() -> httpx.Response:
                    response = client.send(client.build_request("GET", URL), stream=True)
                    self.responses.append(response)
                    return response

                response = self.r.retry(send, retry_config, sleep=self.sleep, **kw)
                assert isinstance(response, httpx.Response)
                self.body = response.read()
                return response

        async def main() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.MockTransport(self.handler)) as client:

                async def send() -> httpx.Response:
                    response = await client.send(client.build_request("GET", URL), stream=True)
                    self.responses.append(response)
                    return response

                response = await self.r.retry_async(send, retry_config, sleep=self.asleep, **kw)
                assert isinstance(response, httpx.Response)
                self.body = await response.aread()
                return response

        return asyncio.run(main())


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def harness(r: ModuleType, mode: str, *script: Any, call_time: float = 0.0) -> Harness:
    return Harness(r, mode, list(script), call_time)


def conn_error(message: str = "connection refused") -> httpx.ConnectError:
    return httpx.ConnectError(message, request=httpx.Request("GET", URL))


# ---------------------------------------------------------------- status codes


def test_503_503_200_succeeds_after_two_growing_waits(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, 503, 503, 200)
    response = h.run(retries(r))  # 500 ms, x1.5, no jitter at rand=0.5
    assert response.status_code == 200
    assert h.body == b"body 3"
    assert h.calls == 3
    assert h.sleeps == pytest.approx([0.5, 0.75])
    assert h.sleeps[1] > h.sleeps[0]


def test_retried_responses_are_closed_and_the_last_is_not(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, 502, 503, 504, 200)
    h.run(retries(r))
    assert [resp.status_code for resp in h.responses] == [502, 503, 504, 200]
    assert [resp.is_closed for resp in h.responses[:-1]] == [True, True, True]
    assert h.body == b"body 4"  # the returned one was still readable


def test_exhausted_attempts_return_the_last_response_unclosed(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, 503)
    response = h.run(retries(r, initial=1000, exponent=1, max_elapsed=3000))
    assert response.status_code == 503
    assert h.calls == 4 and h.sleeps == [1.0, 1.0, 1.0]
    assert h.body == b"body 4"
    assert all(resp.is_closed for resp in h.responses[:-1])


def test_400_is_not_retried(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, 400, 200)
    response = h.run(retries(r))
    assert response.status_code == 400
    assert h.calls == 1 and h.sleeps == []
    assert h.body == b"body 1"


def test_a_5xx_pattern_covers_the_class(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, 500, 599, 502, 404)
    response = h.run(retries(r, codes=("5XX",)))
    assert response.status_code == 404
    assert h.calls == 4 and len(h.sleeps) == 3


@pytest.mark.parametrize(
    "codes, status, expected",
    [
        (["5XX"], 500, True),
        (["5XX"], 599, True),
        (["5xx"], 503, True),
        (["5XX"], 499, False),
        (["5XX"], 600, False),
        (["4XX"], 429, True),
        (["429"], 429, True),
        (["429"], 428, False),
        ([429, "503"], 429, True),
        ([], 503, False),
    ],
)
def test_status_matching(r: ModuleType, codes: list[Any], status: int, expected: bool) -> None:
    assert r.Retries(config(r), codes).is_retryable_status(status) is expected


@pytest.mark.parametrize("code", ["5X", "XXX", "600", "50", "5000", "abc", "", "5XXX"])
def test_malformed_status_codes_are_refused(r: ModuleType, code: str) -> None:
    with pytest.raises(ValueError):
        r.Retries(config(r), [code])


# ---------------------------------------------------------------- Retry-After


def test_retry_after_seconds_is_honoured(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, (429, {"Retry-After": "1"}), 200)
    response = h.run(retries(r))
    assert response.status_code == 200
    assert h.sleeps == [1.0]


def test_retry_after_ms_is_honoured_before_retry_after(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, (503, {"retry-after-ms": "1500", "Retry-After": "9"}), 200)
    h.run(retries(r))
    assert h.sleeps == [1.5]


def test_retry_after_http_date(r: ModuleType, mode: str) -> None:
    date = email.utils.formatdate(NOW + 3, usegmt=True)
    h = harness(r, mode, (503, {"Retry-After": date}), 200)
    assert h.run(retries(r)).status_code == 200
    assert h.sleeps == pytest.approx([3.0])


def test_retry_after_http_date_without_zone_means_utc(r: ModuleType) -> None:
    date = email.utils.formatdate(NOW + 4)  # "-0000": an unqualified UTC time
    assert date.endswith("-0000")
    h = harness(r, "sync", (503, {"Retry-After": date}), 200)
    h.run(retries(r))
    assert h.sleeps == pytest.approx([4.0])


@pytest.mark.parametrize(
    "value",
    ["0", email.utils.formatdate(NOW - 60, usegmt=True), "soon", "-5", "1e3", ""],
)
def test_a_past_zero_or_unreadable_retry_after_falls_back_to_backoff(r: ModuleType, value: str) -> None:
    h = harness(r, "sync", (503, {"Retry-After": value}), 200)
    h.run(retries(r))
    assert h.sleeps == [0.5]


def test_retry_after_shorter_than_the_backoff_does_not_shorten_it(r: ModuleType) -> None:
    h = harness(r, "sync", (503, {"Retry-After": "1"}), 200)
    h.run(retries(r, initial=4000))
    assert h.sleeps == [4.0]


def test_retry_after_past_the_deadline_returns_the_response_without_sleeping(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, (429, {"Retry-After": "120"}), 200)
    response = h.run(retries(r, max_elapsed=60_000))
    assert response.status_code == 429
    assert h.calls == 1 and h.sleeps == []
    assert h.body == b"body 1"  # handed back unclosed: its body could still be read


def test_retry_after_counts_from_the_elapsed_time(r: ModuleType) -> None:
    # 1 s elapsed per attempt; deadline 10 s. After attempt 1 (t=1) 8 s still fit; after
    # attempt 2 (t=10) nothing does.
    h = harness(r, "sync", (503, {"Retry-After": "8"}), call_time=1.0)
    response = h.run(retries(r, max_elapsed=10_000))
    assert response.status_code == 503
    assert h.calls == 2 and h.sleeps == [8.0]


# ---------------------------------------------------------------- the deadline


def test_the_deadline_is_a_total_across_attempts(r: ModuleType, mode: str) -> None:
    # waits 0.1, 0.2, 0.4, 0.8 ...; each attempt takes 0.3 s; deadline 2 s.
    # t: 0.3 +0.1 | 0.7 +0.2 | 1.2 +0.4 | 1.9 -> a 0.8 s wait would end at 2.7: stop.
    h = harness(r, mode, 503, call_time=0.3)
    response = h.run(retries(r, initial=100, exponent=2, max_interval=1000, max_elapsed=2000))
    assert response.status_code == 503
    assert h.sleeps == pytest.approx([0.1, 0.2, 0.4])
    assert h.calls == 4


def test_a_wait_may_end_exactly_at_the_deadline(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, 503)
    h.run(retries(r, initial=1000, exponent=1, max_elapsed=2000))
    assert h.sleeps == [1.0, 1.0]
    assert sum(h.sleeps) == 2.0 and h.calls == 3


def test_a_deadline_shorter_than_the_first_wait_means_no_retry(r: ModuleType) -> None:
    h = harness(r, "sync", 503, 200)
    assert h.run(retries(r, initial=500, max_elapsed=100)).status_code == 503
    assert h.calls == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    initial=st.integers(50, 5_000),
    exponent=st.floats(1.0, 4.0),
    max_interval=st.integers(50, 20_000),
    max_elapsed=st.integers(0, 60_000),
    call_time=st.sampled_from([0.0, 0.05, 0.7, 3.0]),
    draws=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=1, max_size=8),
)
def test_no_sleep_ever_ends_past_the_deadline(
    r: ModuleType,
    initial: int,
    exponent: float,
    max_interval: int,
    max_elapsed: int,
    call_time: float,
    draws: list[float],
) -> None:
    h = harness(r, "sync", 503, call_time=call_time)
    it = itertools.cycle(draws)
    h.run(
        retries(r, initial=initial, exponent=exponent, max_interval=max_interval, max_elapsed=max_elapsed),
        rand=lambda: next(it),
    )
    deadline = START + max_elapsed / 1000
    for started, slept in zip(h.sleep_started_at, h.sleeps):
        assert started + slept <= deadline + 1e-9
    assert sum(h.sleeps) <= max_elapsed / 1000 + 1e-9
    # it stopped only because the next wait (at most max_interval) would not fit
    assert h.t + max_interval / 1000 > deadline - 1e-9


# ---------------------------------------------------------------- jitter


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    initial=st.integers(1, 10_000),
    exponent=st.floats(1.0, 3.0),
    max_interval=st.integers(1, 100_000),
    draws=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=1, max_size=6),
)
def test_jitter_stays_within_25_percent_and_under_max_interval(
    r: ModuleType, initial: int, exponent: float, max_interval: int, draws: list[float]
) -> None:
    h = harness(r, "sync", *([503] * len(draws)), 200)
    it = iter(draws)
    h.run(retries(r, initial=initial, exponent=exponent, max_interval=max_interval), rand=lambda: next(it))
    assert len(h.sleeps) == len(draws)
    for n, (slept, u) in enumerate(zip(h.sleeps, draws)):
        base = min(initial * exponent**n, max_interval) / 1000
        assert 0.75 * base - 1e-9 <= slept <= min(1.25 * base, max_interval / 1000) + 1e-9
        assert slept == pytest.approx(min(base * (0.75 + 0.5 * u), max_interval / 1000))


@pytest.mark.parametrize("draw, expected", [(0.0, 0.375), (0.5, 0.5), (0.999999, 0.625), (-3.0, 0.375), (7.0, 0.625)])
def test_jitter_extremes_and_out_of_range_draws(r: ModuleType, draw: float, expected: float) -> None:
    h = harness(r, "sync", 503, 200)
    h.run(retries(r), rand=lambda: draw)
    assert h.sleeps == pytest.approx([expected], abs=1e-6)


def test_a_huge_attempt_count_does_not_overflow(r: ModuleType) -> None:
    h = harness(r, "sync", 503)
    # exponent 1e6: the base overflows a float after ~52 attempts; capped at max_interval
    h.run(retries(r, initial=1, exponent=1e6, max_interval=1, max_elapsed=100))
    assert h.calls > 60
    assert max(h.sleeps) <= 0.001


# ---------------------------------------------------------------- connection errors


@pytest.mark.parametrize(
    "error",
    [
        conn_error(),
        httpx.ConnectTimeout("slow", request=httpx.Request("GET", URL)),
        httpx.PoolTimeout("no connection", request=httpx.Request("GET", URL)),
    ],
    ids=lambda e: type(e).__name__,
)
def test_connection_errors_are_retried_when_enabled(r: ModuleType, mode: str, error: Exception) -> None:
    h = harness(r, mode, error, error, 200)
    assert h.run(retries(r, connection_errors=True)).status_code == 200
    assert h.calls == 3 and h.sleeps == pytest.approx([0.5, 0.75])


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadTimeout("slow head", request=httpx.Request("POST", URL)),
        httpx.ReadError("reset", request=httpx.Request("POST", URL)),
        httpx.WriteError("broken pipe", request=httpx.Request("POST", URL)),
        httpx.WriteTimeout("slow upload", request=httpx.Request("POST", URL)),
        httpx.RemoteProtocolError("Server disconnected without sending a response.", request=httpx.Request("POST", URL)),
    ],
    ids=lambda e: type(e).__name__,
)
def test_failures_after_the_request_was_sent_are_not_repeated(r: ModuleType, mode: str, error: Exception) -> None:
    # The server may have acted on the request: repeating it could do the work twice.
    h = harness(r, mode, error, 200)
    with pytest.raises(type(error)):
        h.run(retries(r, connection_errors=True))
    assert h.calls == 1 and h.sleeps == []


def test_connection_errors_propagate_when_disabled(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, conn_error(), 200)
    with pytest.raises(httpx.ConnectError):
        h.run(retries(r, connection_errors=False))
    assert h.calls == 1 and h.sleeps == []


def test_the_last_connection_error_is_raised_at_the_deadline(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, conn_error("first"), conn_error("second"), conn_error("third"))
    with pytest.raises(httpx.ConnectError, match="third"):
        h.run(retries(r, initial=1000, exponent=1, max_elapsed=2000, connection_errors=True))
    assert h.calls == 3 and h.sleeps == [1.0, 1.0]


def test_connection_errors_and_statuses_mix(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, 503, conn_error(), (429, {"Retry-After": "2"}), 200)
    assert h.run(retries(r, connection_errors=True)).status_code == 200
    assert h.sleeps == pytest.approx([0.5, 0.75, 2.0])


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        httpx.UnsupportedProtocol("ftp://", request=httpx.Request("GET", URL)),
        httpx.LocalProtocolError("bad header", request=httpx.Request("GET", URL)),
        httpx.ProxyError("proxy says no", request=httpx.Request("GET", URL)),
    ],
    ids=lambda e: type(e).__name__,
)
def test_other_exceptions_propagate_at_once(r: ModuleType, mode: str, error: Exception) -> None:
    h = harness(r, mode, error, 200)
    with pytest.raises(type(error)):
        h.run(retries(r, connection_errors=True))
    assert h.calls == 1 and h.sleeps == []


# ---------------------------------------------------------------- interrupts


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit, GeneratorExit])
def test_an_interrupt_from_send_propagates_untried(r: ModuleType, mode: str, interrupt: type[BaseException]) -> None:
    h = harness(r, mode, interrupt(), 200)
    with pytest.raises(interrupt):
        h.run(retries(r, connection_errors=True))
    assert h.calls == 1 and h.sleeps == []


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit])
def test_an_interrupt_during_the_sleep_propagates(r: ModuleType, mode: str, interrupt: type[BaseException]) -> None:
    h = harness(r, mode, 503, 200)

    def stop(_: float) -> None:
        raise interrupt()

    h.on_sleep = stop
    with pytest.raises(interrupt):
        h.run(retries(r))
    assert h.calls == 1 and len(h.sleeps) == 1
    assert h.responses[0].is_closed  # nothing left open behind the interrupt


def test_cancelling_the_task_mid_sleep_propagates(r: ModuleType) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503)

    sleeping = asyncio.Event()

    async def sleep(seconds: float) -> None:
        sleeping.set()
        await asyncio.sleep(seconds)  # the real one: a 60 s wait, cancelled at once

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:

            async def send() -> httpx.Response:
                return await client.send(client.build_request("GET", URL), stream=True)

            task = asyncio.create_task(r.retry_async(send, retries(r, initial=60_000, exponent=1), sleep=sleep))
            await asyncio.wait_for(sleeping.wait(), 5)
            loop = asyncio.get_running_loop()
            started = loop.time()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert loop.time() - started < 5
            assert task.cancelled()

    asyncio.run(main())
    assert calls == 1


def test_cancelled_error_from_send_is_not_retried(r: ModuleType) -> None:
    h = harness(r, "async", asyncio.CancelledError(), 200)
    with pytest.raises(asyncio.CancelledError):
        h.run(retries(r, connection_errors=True))
    assert h.calls == 1 and h.sleeps == []


def test_the_default_async_sleep_is_asyncio_sleep(r: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    # The default is looked up when needed (sync programs never import asyncio): asyncio.sleep.
    assert inspect.signature(r.retry_async).parameters["sleep"].default is None
    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def recording_sleep(seconds: float) -> None:
        slept.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", recording_sleep)
    h = harness(r, "async", 503, 200)

    async def main() -> int:
        async with httpx.AsyncClient(transport=httpx.MockTransport(h.handler)) as client:

            async def send() -> httpx.Response:
                return await client.send(client.build_request("GET", URL), stream=True)

            response = await r.retry_async(send, retries(r, initial=1, exponent=1))
            return int(response.status_code)

    assert asyncio.run(main()) == 200 and h.calls == 2
    assert len(slept) == 1


# ---------------------------------------------------------------- single attempts


def test_strategy_none_makes_one_call(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, 503, 200)
    cfg = r.Retries(r.RetryConfig("none", None, True), ["5XX"])
    assert h.run(cfg).status_code == 503
    assert h.calls == 1 and h.sleeps == []


def test_no_retries_makes_one_call(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, conn_error(), 200)
    with pytest.raises(httpx.ConnectError):
        h.run(None)
    assert h.calls == 1


def test_a_failing_close_does_not_stop_the_retry(r: ModuleType) -> None:
    class Stream(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield b""

        def close(self) -> None:
            raise httpx.CloseError("peer reset while closing")

    h = harness(r, "sync", httpx.Response(503, stream=Stream()), 200)
    assert h.run(retries(r)).status_code == 200
    assert h.calls == 2


# ---------------------------------------------------------------- the public surface


def test_constructors_match_the_reference_sdk(r: ModuleType) -> None:
    def names(f: Callable[..., Any]) -> list[str]:
        return list(inspect.signature(f).parameters)

    assert names(r.BackoffStrategy) == ["initial_interval", "max_interval", "exponent", "max_elapsed_time"]
    # The reference's three, then our optional per-config status codes and retry cap.
    assert names(r.RetryConfig) == ["strategy", "backoff", "retry_connection_errors", "status_codes", "max_retries"]
    assert names(r.Retries) == ["config", "status_codes"]
    assert names(r.retry)[:2] == ["send", "retries"]
    assert names(r.retry_async)[:2] == ["send", "retries"]

    positional = r.RetryConfig("backoff", r.BackoffStrategy(1, 50, 1.1, 100), False)
    keyword = r.RetryConfig(
        strategy="backoff",
        backoff=r.BackoffStrategy(initial_interval=1, max_interval=50, exponent=1.1, max_elapsed_time=100),
        retry_connection_errors=False,
    )
    assert positional == keyword
    assert keyword.backoff.max_elapsed_time == 100 and keyword.retry_connection_errors is False
    held = r.Retries(positional, ["429", "5XX"])
    assert held.config is positional and held.status_codes == ["429", "5XX"]
    assert r.RetryConfig.__doc__ and "Retry-After" in r.RetryConfig.__doc__
    assert "jitter" in (r.BackoffStrategy.__doc__ or "")


@pytest.mark.parametrize(
    "make",
    [
        lambda r: r.RetryConfig("exponential", r.BackoffStrategy(1, 2, 2, 3), False),
        lambda r: r.RetryConfig("backoff", None, False),
        lambda r: r.BackoffStrategy(-1, 2, 2, 3),
        lambda r: r.BackoffStrategy(1, 2, 0, 3),
        lambda r: r.BackoffStrategy(1, float("nan"), 2, 3),
        lambda r: r.BackoffStrategy(1, 2, 2, float("inf")),
        lambda r: r.BackoffStrategy("1", 2, 2, 3),
        lambda r: r.RetryConfig("backoff", r.BackoffStrategy(1, 2, 2, 3), False, max_retries=-1),
        lambda r: r.RetryConfig("backoff", r.BackoffStrategy(1, 2, 2, 3), False, max_retries=True),
        lambda r: r.RetryConfig("backoff", r.BackoffStrategy(1, 2, 2, 3), False, max_retries=1.5),
    ],
)
def test_invalid_configuration_is_refused(r: ModuleType, make: Callable[[ModuleType], Any]) -> None:
    with pytest.raises(ValueError):
        make(r)


def test_the_stream_rule_is_documented(r: ModuleType) -> None:
    doc = r.__doc__ or ""
    assert "stream=True" in doc and "body" in doc


# ---------------------------------------------------------------- the module as a file
# (black, ruff and mypy --strict: tests/test_gen_code.py, for the whole runtime)


def test_the_module_imports_only_what_an_sdk_has() -> None:
    text = SOURCE.read_text()
    allowed = {"httpx", "pydantic", "typing_extensions"} | set(sys.stdlib_module_names)
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            assert {a.name.split(".")[0] for a in node.names} <= allowed
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            assert (node.module or "").split(".")[0] in allowed


# ---------------------------------------------------------------- the default policy


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE", "get", "delete"])
def test_idempotent_methods_retry_every_5xx(r: ModuleType, method: str) -> None:
    held = r.Retries(config(r), r.default_status_codes(method))
    assert [s for s in (429, 500, 502, 503, 504, 599) if held.is_retryable_status(s)] == [429, 500, 502, 503, 504, 599]
    assert not any(held.is_retryable_status(s) for s in (400, 404, 409, 422))


@pytest.mark.parametrize("method", ["POST", "PATCH", "post", "COPY"])
def test_other_methods_retry_only_429_and_503(r: ModuleType, method: str) -> None:
    held = r.Retries(config(r), r.default_status_codes(method))
    assert [s for s in (400, 408, 429, 500, 501, 502, 503, 504) if held.is_retryable_status(s)] == [429, 503]


def test_declared_status_codes_replace_the_default(r: ModuleType) -> None:
    assert r.default_status_codes("POST", ("500", "5XX")) == ["500", "5XX"]
    assert r.default_status_codes("GET", ()) == []  # the description may turn status retries off
    assert r.SAFE_STATUS_CODES == ("429", "503")
    assert r.IDEMPOTENT_METHODS == {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"}


def capped(r: ModuleType, max_retries: Any, **kw: Any) -> Any:
    base = config(r, **kw)
    return r.Retries(r.RetryConfig("backoff", base.backoff, base.retry_connection_errors, max_retries=max_retries), ["503"])


def test_a_post_500_is_attempted_once_under_the_default_codes(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, 500, 200)
    held = r.Retries(config(r), r.default_status_codes("POST"))
    assert h.run(held).status_code == 500
    assert h.calls == 1 and h.sleeps == []


@pytest.mark.parametrize("max_retries, calls", [(0, 1), (1, 2), (2, 3)])
def test_max_retries_caps_the_attempts(r: ModuleType, mode: str, max_retries: int, calls: int) -> None:
    h = harness(r, mode, 503)
    assert h.run(capped(r, max_retries)).status_code == 503
    assert h.calls == calls and len(h.sleeps) == calls - 1


def test_max_retries_counts_connection_errors_too(r: ModuleType, mode: str) -> None:
    h = harness(r, mode, conn_error(), 503, conn_error(), 200)
    with pytest.raises(httpx.ConnectError):
        h.run(capped(r, 2, connection_errors=True))
    assert h.calls == 3


def test_the_deadline_still_bounds_a_capped_config(r: ModuleType, mode: str) -> None:
    # Retry-After beyond the total deadline: the response comes back at once.
    h = harness(r, mode, (503, {"Retry-After": "30"}), 200)
    assert h.run(capped(r, 2, max_elapsed=20_000)).status_code == 503
    assert h.calls == 1 and h.sleeps == []
    # Within it, the server's wait is honoured.
    h = harness(r, mode, (503, {"Retry-After": "1"}), 200)
    assert h.run(capped(r, 2, max_elapsed=20_000)).status_code == 200
    assert h.sleeps == [1.0]


def test_on_retry_is_told_each_retry(r: ModuleType, mode: str) -> None:
    seen: list[Any] = []
    h = harness(r, mode, conn_error(), (429, {"Retry-After": "2"}), 200)
    kw = dict(clock=h.clock, rand=lambda: 0.5, now=lambda: NOW)

    def on_retry(number: int, response: Any, error: Any, wait: float) -> None:
        seen.append((number, None if response is None else response.status_code, type(error).__name__, wait))

    held = r.Retries(config(r, connection_errors=True), ["429"])
    if mode == "sync":
        with httpx.Client(transport=httpx.MockTransport(h.handler)) as client:
            r.retry(lambda: client.send(client.build_request("GET", URL)), held, sleep=h.sleep, on_retry=on_retry, **kw)
    else:

        async def main() -> None:
            async with httpx.AsyncClient(transport=httpx.MockTransport(h.handler)) as client:
                await r.retry_async(
                    lambda: client.send(client.build_request("GET", URL)), held, sleep=h.asleep, on_retry=on_retry, **kw
                )

        asyncio.run(main())
    assert seen == [(1, None, "ConnectError", 0.5), (2, 429, "NoneType", 2.0)]
