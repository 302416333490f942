"""The default retry policy and the request log, end to end through the generated Mistral SDK.

The defaults must be safe for calls that create things: a POST that answered 500 is not sent
again (the job may exist), while 429 and 503 (the server did not act) and idempotent methods are
retried, at most twice. Every attempt is logged under the package's logger, never a credential.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from typing import Any, Optional

import httpx
import pytest

from mistralai import APIConnectionError, Mistral, models

from .server import Server, chat_completion, json_response, text_response

MODES = ["sync", "async"]
JOBS = "/v1/fine_tuning/jobs"
KEY = "sk-secret-7f3a9c"  # must never appear in a log record
HI = [{"role": "user", "content": "Hi"}]


def sdk(url: str, **kw: Any) -> Mistral:
    return Mistral(api_key=KEY, server_url=url, **kw)


def create_job(url: str, mode: str, **kw: Any) -> Any:
    """fine_tuning.jobs.create (a POST that creates a job) through a fresh SDK."""
    args = dict(model="mistral-small-latest", hyperparameters={"learning_rate": 0.0001})
    if mode == "sync":
        with sdk(url, **kw) as client:
            return client.fine_tuning.jobs.create(**args)

    async def go() -> Any:
        async with sdk(url, **kw) as client:
            return await client.fine_tuning.jobs.create_async(**args)

    return asyncio.run(go())


def get_job(url: str, mode: str, **kw: Any) -> Any:
    """fine_tuning.jobs.get (a GET) through a fresh SDK."""
    job_id = "b1b2c3d4-0000-0000-0000-000000000000"
    if mode == "sync":
        with sdk(url, **kw) as client:
            return client.fine_tuning.jobs.get(job_id=job_id)

    async def go() -> Any:
        async with sdk(url, **kw) as client:
            return await client.fine_tuning.jobs.get_async(job_id=job_id)

    return asyncio.run(go())


def complete(url: str, mode: str, **kw: Any) -> Any:
    if mode == "sync":
        with sdk(url, **kw) as client:
            return client.chat.complete(model="mistral-small-latest", messages=HI)

    async def go() -> Any:
        async with sdk(url, **kw) as client:
            return await client.chat.complete_async(model="mistral-small-latest", messages=HI)

    return asyncio.run(go())


def error(status: int, headers: Optional[dict] = None) -> Any:
    return json_response({"message": f"status {status}"}, status=status, headers=headers)


# ---------------------------------------------------------------- the policy


@pytest.mark.parametrize("mode", MODES)
def test_a_500_from_creating_a_job_is_sent_once(server: Server, mode: str) -> None:
    server.default = text_response("<h1>oops</h1>", 500)
    with pytest.raises(models.SDKError) as info:
        create_job(server.url, mode)
    assert info.value.status_code == 500
    assert server.count("POST", JOBS) == 1
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_429_with_retry_after_is_retried_after_the_wait(server: Server, mode: str) -> None:
    # Then a 500, which a POST does not repeat: two requests in all.
    server.enqueue(error(429, {"Retry-After": "1"}), text_response("<h1>oops</h1>", 500))
    with pytest.raises(models.SDKError) as info:
        create_job(server.url, mode)
    assert info.value.status_code == 500
    assert server.count("POST", JOBS) == 2
    gap = server.requests[1].received_at - server.requests[0].received_at
    assert gap >= 1.0, gap


@pytest.mark.parametrize("mode", MODES)
def test_a_persistent_503_is_retried_twice_then_raised(server: Server, mode: str) -> None:
    server.default = error(503)
    start = time.monotonic()
    with pytest.raises(models.SDKError) as info:
        create_job(server.url, mode)
    assert info.value.status_code == 503
    assert server.count("POST", JOBS) == 3  # the first attempt and 2 retries
    assert time.monotonic() - start < 5.0


@pytest.mark.parametrize("mode", MODES)
def test_a_500_from_an_idempotent_get_is_retried_twice(server: Server, mode: str) -> None:
    server.default = text_response("<h1>oops</h1>", 500)
    with pytest.raises(models.SDKError) as info:
        get_job(server.url, mode)
    assert info.value.status_code == 500
    assert len(server.requests) == 3
    assert {r.method for r in server.requests} == {"GET"}


@pytest.mark.parametrize("mode", MODES)
def test_a_per_call_retry_config_can_still_ask_for_500s(server: Server, mode: str) -> None:
    from mistralai.utils import BackoffStrategy, RetryConfig

    server.default = text_response("<h1>oops</h1>", 500)
    config = RetryConfig("backoff", BackoffStrategy(10, 20, 1.5, 5_000), False, ["5XX"], max_retries=4)
    with pytest.raises(models.SDKError):
        create_job(server.url, mode, retry_config=config)
    assert server.count("POST", JOBS) == 5


# ---------------------------------------------------------------- logging


def test_each_attempt_is_logged_without_credentials(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    server.enqueue(error(429, {"Retry-After": "0"}), json_response(chat_completion("fine")))
    with caplog.at_level(logging.DEBUG, logger="mistralai"):
        assert complete(server.url, "sync").choices[0].message.content == "fine"
    records = [r for r in caplog.records if r.name == "mistralai"]
    attempts = [r for r in records if r.levelno == logging.DEBUG]
    retries = [r for r in records if r.levelno == logging.WARNING]
    assert [(r.http_method, r.status_code, r.attempt) for r in attempts] == [  # type: ignore[attr-defined]
        ("POST", 429, 1),
        ("POST", 200, 2),
    ]
    for r in attempts:
        assert r.url == f"{server.url}/v1/chat/completions"  # type: ignore[attr-defined]
        assert isinstance(r.elapsed_ms, int) and r.elapsed_ms >= 0  # type: ignore[attr-defined]
        assert "POST" in r.getMessage() and "/v1/chat/completions" in r.getMessage()
    assert len(retries) == 1 and "429" in retries[0].getMessage()
    assert server.requests[0].header("authorization") == f"Bearer {KEY}"  # it was sent...
    for r in caplog.records:  # ...and never logged
        assert KEY not in r.getMessage() and KEY not in repr(r.__dict__)
        assert "Hi" not in r.getMessage()  # nor the request body


def test_async_attempts_are_logged_too(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    server.enqueue(error(503), json_response(chat_completion("fine")))
    with caplog.at_level(logging.DEBUG, logger="mistralai"):
        complete(server.url, "async")
    statuses = [r.status_code for r in caplog.records if r.name == "mistralai" and r.levelno == logging.DEBUG]  # type: ignore[attr-defined]
    assert statuses == [503, 200]


def test_nothing_is_logged_at_debug_unless_asked(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    server.enqueue(json_response(chat_completion("fine")))
    with caplog.at_level(logging.INFO, logger="mistralai"):
        complete(server.url, "sync")
    assert [r for r in caplog.records if r.name == "mistralai"] == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("mode", MODES)
def test_a_refused_connection_is_retried_twice_into_the_debug_logger(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    # Nothing listens on the port: the request is never sent, so even a POST is retried.
    mine = logging.getLogger("my.app.http")
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(APIConnectionError) as raised:
            create_job(f"http://127.0.0.1:{free_port()}", mode, debug_logger=mine)
    assert isinstance(raised.value.__cause__, httpx.ConnectError)
    attempts = [r for r in caplog.records if r.name == "my.app.http" and r.levelno == logging.DEBUG]
    assert [(r.attempt, r.status_code) for r in attempts] == [(1, None), (2, None), (3, None)]  # type: ignore[attr-defined]
    assert all("ConnectError" in r.getMessage() for r in attempts)
    assert len([r for r in caplog.records if r.name == "my.app.http" and r.levelno == logging.WARNING]) == 2
    assert [r for r in caplog.records if r.name == "mistralai"] == []
    assert all(KEY not in repr(r.__dict__) for r in caplog.records)


def test_an_api_key_in_the_query_is_masked_in_the_log() -> None:
    from mistralai._runtime.client import _safe_url
    from mistralai._runtime.config import Config, Scheme
    from mistralai._runtime.hooks import Hooks

    config = Config(
        server_url="http://x",
        client=None,
        async_client=None,
        retry_config=None,
        timeout_ms=None,
        security={"k": Scheme("api_key", "query", "api_key", KEY)},
        hooks=Hooks(),
        user_agent="t",
    )
    url = _safe_url(config, httpx.URL(f"http://u:pw@x/v1/a?api_key={KEY}&page=2"))
    assert KEY not in url and "pw" not in url
    assert "page=2" in url and "api_key=" in url
