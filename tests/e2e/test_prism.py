"""A third-party validator agrees with the requests of the generated Mistral SDK.

Prism (npm `@stoplight/prism-cli` 5.16, installed by `make prism`, a prerequisite of
`make test`) mocks `specs/mistral/openapi.yaml` on 127.0.0.1 and validates every request it
gets against that description: security, path, query, headers, JSON and multipart bodies.
Every non-streaming operation of `out/mistral/src/mistralai` is called here, as a user would,
and must come back as its parsed response model, with no violation of the request reported by
Prism. Prism cannot serve event streams, so `chat.stream`, `fim.stream` and `agents.stream`
are not called.

How Prism 5.16 answers (see `prism.py`):
- A request with an error-level violation gets a 422: the operation's own `HTTPValidationError`
  mock with the violations in the `sl-violations` header, or, for operations that declare no
  422 (files, models, fine-tuning, batch), an `application/problem+json` body listing them.
  Warnings don't change the status but are in `sl-violations` too: the tests accept none.
- `--errors` does not change that; it makes Prism answer 500 when its *own mocked response*
  breaks the spec. It is left off, because the published spec has such a defect:
  `ChatCompletionResponse` (and `FIMCompletionResponse`, built on it) lists `data` under
  `required` without declaring it, so every mock of chat/fim/agents `complete` breaks it
  (`Response body must have required property 'data'`). The spec is used as it is, no copy
  is patched: Prism loads the OpenAPI 3.1 document without complaint.
- Each operation runs against a static mock (the schema's examples, else one fixed value per
  type) and a dynamic one (json-schema-faker with a fixed seed): the SDK must parse both.
  Faker breaks the spec on its own at times (e.g. 0 for `exclusiveMinimum: 0`); those response
  violations are shown on failure, to tell Prism's mistakes from ours.

A Prism quirk shapes the arguments: it deserializes a `form`-style query parameter by the
schema's `type`, and OpenAPI 3.1 nullable arrays (`anyOf: [array, null]`) have none, so a
one-item list (`?sample_type=instruct`, correct per OpenAPI) is read as a string and refused.
`files.list` passes two items; the one-item case is kept as a strict xfail. For the same reason
Prism never sees the exploded `metadata` object of `batch.jobs.list` (`?team=nlp`).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple

import httpx
import pytest

try:  # tests/e2e is a package when it has an __init__.py, a plain folder otherwise
    from .prism import ROOT, Prism, executable, violations
except ImportError:
    from prism import ROOT, Prism, executable, violations  # type: ignore[no-redef,import-not-found]

SPEC = Path("specs/mistral/openapi.yaml")  # relative to ROOT, where Prism runs
# The committed SDK, or the build named by GEN_E2E_SDK (as in conftest.py, for iterating on templates).
SDK_SRC = Path(os.environ.get("GEN_E2E_SDK") or ROOT / "out" / "mistral" / "src").resolve()

FILE_ID = "654a62d8-4a1b-4c5c-9f28-6a0e1e2b8c11"
JOB_ID = "19c2e3a7-0f4e-4c8a-9a52-2f8e4b1d6c0a"
FT_MODEL = "ft:open-mistral-7b:587a6b29:20240514:7e773925"
SINCE = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
CHAT = [
    {"role": "system", "content": "Answer in one short sentence."},
    {"role": "user", "content": "Who is the best French painter?"},
]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


class Op(NamedTuple):
    """One call: what to call (given the client and the `models` module) and what it returns."""

    call: Callable[[Any, ModuleType], Any]
    returns: Callable[[ModuleType], Tuple[type, ...]]


OPERATIONS: Dict[str, Op] = {
    # ---------------------------------------------------------------- models
    "models.list": Op(lambda c, m: c.models.list(), lambda m: (m.ModelList,)),
    "models.retrieve": Op(
        lambda c, m: c.models.retrieve(model_id=FT_MODEL),
        lambda m: (m.BaseModelCard, m.FTModelCard),
    ),
    "models.delete": Op(
        lambda c, m: c.models.delete(model_id=FT_MODEL), lambda m: (m.DeleteModelOut,)
    ),
    "models.update": Op(
        lambda c, m: c.models.update(
            model_id=FT_MODEL, name="support-bot", description="Tuned on support tickets."
        ),
        lambda m: (m.FTModelOut,),
    ),
    "models.archive": Op(
        lambda c, m: c.models.archive(model_id=FT_MODEL), lambda m: (m.ArchiveFTModelOut,)
    ),
    "models.unarchive": Op(
        lambda c, m: c.models.unarchive(model_id=FT_MODEL),
        lambda m: (m.UnarchiveFTModelOut,),
    ),
    # ---------------------------------------------------------------- files
    "files.list": Op(
        lambda c, m: c.files.list(
            page=0,
            page_size=20,
            sample_type=[m.SampleType.INSTRUCT, "batch_request"],
            source=["upload", "repository"],
            search="train",
            purpose="fine-tune",
        ),
        lambda m: (m.ListFilesOut,),
    ),
    "files.upload": Op(
        lambda c, m: c.files.upload(
            file={
                "file_name": "train.jsonl",
                "content": b'{"messages": [{"role": "user", "content": "Hi"}]}\n',
            },
            purpose="fine-tune",
        ),
        lambda m: (m.UploadFileOut,),
    ),
    "files.retrieve": Op(
        lambda c, m: c.files.retrieve(file_id=FILE_ID), lambda m: (m.RetrieveFileOut,)
    ),
    "files.delete": Op(
        lambda c, m: c.files.delete(file_id=FILE_ID), lambda m: (m.DeleteFileOut,)
    ),
    "files.download": Op(
        lambda c, m: c.files.download(file_id=FILE_ID), lambda m: (httpx.Response,)
    ),
    "files.get_signed_url": Op(
        lambda c, m: c.files.get_signed_url(file_id=FILE_ID, expiry=24),
        lambda m: (m.FileSignedURL,),
    ),
    # ---------------------------------------------------------------- fine-tuning jobs
    "fine_tuning.jobs.list": Op(
        lambda c, m: c.fine_tuning.jobs.list(
            page=0,
            page_size=10,
            model="open-mistral-7b",
            created_after=SINCE,
            created_by_me=True,
            status="RUNNING",
            wandb_project="support",
            suffix="bot",
        ),
        lambda m: (m.JobsOut,),
    ),
    "fine_tuning.jobs.create": Op(
        lambda c, m: c.fine_tuning.jobs.create(
            model="open-mistral-7b",
            hyperparameters={"training_steps": 10, "learning_rate": 1e-4},
            training_files=[{"file_id": FILE_ID, "weight": 1.0}],
            validation_files=[FILE_ID],
            suffix="support",
            integrations=[m.WandbIntegration(project="support", api_key="k" * 40)],
            repositories=[{"name": "docs", "owner": "acme", "token": "ghp_x", "ref": "main"}],
            auto_start=False,
        ),
        lambda m: (m.JobOut, m.LegacyJobMetadataOut),
    ),
    "fine_tuning.jobs.get": Op(
        lambda c, m: c.fine_tuning.jobs.get(job_id=JOB_ID), lambda m: (m.DetailedJobOut,)
    ),
    "fine_tuning.jobs.cancel": Op(
        lambda c, m: c.fine_tuning.jobs.cancel(job_id=JOB_ID),
        lambda m: (m.DetailedJobOut,),
    ),
    "fine_tuning.jobs.start": Op(
        lambda c, m: c.fine_tuning.jobs.start(job_id=JOB_ID),
        lambda m: (m.DetailedJobOut,),
    ),
    # ---------------------------------------------------------------- batch jobs
    "batch.jobs.list": Op(
        lambda c, m: c.batch.jobs.list(
            page=0,
            page_size=10,
            model="mistral-small-latest",
            metadata={"team": "nlp"},
            created_after=SINCE,
            created_by_me=False,
            status="QUEUED",
        ),
        lambda m: (m.BatchJobsOut,),
    ),
    "batch.jobs.create": Op(
        lambda c, m: c.batch.jobs.create(
            input_files=[FILE_ID],
            endpoint=m.APIEndpoint.V1_CHAT_COMPLETIONS,
            model="mistral-small-latest",
            metadata={"job": "nightly"},
            timeout_hours=24,
        ),
        lambda m: (m.BatchJobOut,),
    ),
    "batch.jobs.get": Op(
        lambda c, m: c.batch.jobs.get(job_id=JOB_ID), lambda m: (m.BatchJobOut,)
    ),
    "batch.jobs.cancel": Op(
        lambda c, m: c.batch.jobs.cancel(job_id=JOB_ID), lambda m: (m.BatchJobOut,)
    ),
    # ---------------------------------------------------------------- completions
    "chat.complete": Op(
        lambda c, m: c.chat.complete(
            model="mistral-small-latest",
            messages=CHAT,
            temperature=0.3,
            max_tokens=128,
            stop=["\n\n"],
            random_seed=42,
            safe_prompt=False,
        ),
        lambda m: (m.ChatCompletionResponse,),
    ),
    "chat.complete-tools": Op(
        lambda c, m: c.chat.complete(
            model="mistral-large-latest",
            messages=[
                {"role": "user", "content": "What's the weather in Paris?"},
                m.AssistantMessage(
                    content="",
                    tool_calls=[
                        m.ToolCall(
                            id="call_1",
                            function=m.FunctionCall(
                                name="get_weather", arguments='{"city": "Paris"}'
                            ),
                        )
                    ],
                ),
                {
                    "role": "tool",
                    "tool_call_id": "call_1",
                    "name": "get_weather",
                    "content": "18°C, cloudy",
                },
            ],
            tools=[WEATHER_TOOL],
            tool_choice="auto",
            response_format={"type": "text"},
            n=1,
        ),
        lambda m: (m.ChatCompletionResponse,),
    ),
    "fim.complete": Op(
        lambda c, m: c.fim.complete(
            model="codestral-latest",
            prompt="def fibonacci(n: int) -> int:\n",
            suffix="\nprint(fibonacci(10))\n",
            temperature=0.0,
            max_tokens=64,
            min_tokens=1,
            stop="\n\n",
        ),
        lambda m: (m.FIMCompletionResponse,),
    ),
    "agents.complete": Op(
        lambda c, m: c.agents.complete(
            agent_id="ag:3996db2b:20240805:french-agent:a8997aab",
            messages=[{"role": "user", "content": "Bonjour !"}],
            max_tokens=64,
            tools=[WEATHER_TOOL],
            tool_choice="none",
        ),
        lambda m: (m.ChatCompletionResponse,),
    ),
    # ---------------------------------------------------------------- embeddings, classifiers, OCR
    "embeddings.create": Op(
        lambda c, m: c.embeddings.create(
            model="mistral-embed", inputs=["Embed this sentence.", "As well as this one."]
        ),
        lambda m: (m.EmbeddingResponse,),
    ),
    "classifiers.moderate": Op(
        lambda c, m: c.classifiers.moderate(
            model="mistral-moderation-latest", inputs="A text to classify."
        ),
        lambda m: (m.ClassificationResponse,),
    ),
    "classifiers.moderate_chat": Op(
        lambda c, m: c.classifiers.moderate_chat(
            model="mistral-moderation-latest",
            inputs=[
                {"role": "user", "content": "How do I bake bread?"},
                {"role": "assistant", "content": "Mix flour, water, salt and yeast."},
            ],
            truncate_for_context_length=True,
        ),
        lambda m: (m.ClassificationResponse,),
    ),
    "ocr.process-document": Op(
        lambda c, m: c.ocr.process(
            model="mistral-ocr-latest",
            document={"type": "document_url", "document_url": "https://arxiv.org/pdf/2201.04234"},
            pages=[0, 1],
            include_image_base64=True,
        ),
        lambda m: (m.OCRResponse,),
    ),
    "ocr.process-image": Op(
        lambda c, m: c.ocr.process(
            model="mistral-ocr-latest",
            document=m.ImageURLChunk(image_url="https://example.com/receipt.png"),
            image_limit=4,
            image_min_size=32,
        ),
        lambda m: (m.OCRResponse,),
    ),
}


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def mistralai() -> ModuleType:
    """The generated SDK, imported from SDK_SRC (put first on sys.path if it is not there)."""
    src = str(SDK_SRC)
    if src not in sys.path:
        sys.path.insert(0, src)
    import mistralai as sdk

    where = Path(sdk.__file__).resolve()
    assert SDK_SRC in where.parents, f"mistralai was imported from {where}, not {SDK_SRC}"
    return sdk


@pytest.fixture(scope="module", params=["static", "dynamic"])
def prism(request: pytest.FixtureRequest) -> Iterator[Prism]:
    """Prism mocking the Mistral spec; `dynamic` generates responses with a fixed seed."""
    if executable() is None:
        message = "Prism is not installed: run `make prism` (make test does)"
        if os.environ.get("GEN_REQUIRE_PRISM"):
            pytest.fail(message)
        pytest.skip(message)
    extra = ("--dynamic", "--seed", "gen") if request.param == "dynamic" else ()
    with Prism(SPEC, errors=False, extra=extra) as server:
        yield server


class Exchanges:
    """The responses of one client, recorded by SDK hooks (success and error alike)."""

    def __init__(self) -> None:
        self.responses: List[httpx.Response] = []

    def success(self, _context: Any, response: httpx.Response) -> None:
        self.responses.append(response)

    def error(self, _context: Any, response: Optional[httpx.Response], _error: Any) -> None:
        if response is not None:
            self.responses.append(response)

    def last(self) -> httpx.Response:
        assert self.responses, "no response came back"
        return self.responses[-1]


@pytest.fixture
def client(mistralai: ModuleType, prism: Prism) -> Iterator[Tuple[Any, Exchanges]]:
    sdk = mistralai.Mistral(api_key="test", server_url=prism.url, retry_config=None)
    seen = Exchanges()
    sdk.hooks.after_success.append(seen.success)
    sdk.hooks.after_error.append(seen.error)
    with sdk:
        yield sdk, seen


# ---------------------------------------------------------------- helpers


def reported(response: httpx.Response) -> List[Any]:
    """Every violation Prism reported: the `sl-violations` header, or a problem+json body."""
    found = violations(response.headers)
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        try:
            response.read()
            listed = json.loads(response.content).get("validation", [])
        except ValueError:
            listed = []
        for v in listed:
            # A refused request's list is located from `query`, `body`...: put it under
            # `request` as the header does (the --errors list already is).
            if isinstance(v, dict) and (v.get("location") or [""])[0] not in (
                "request",
                "response",
            ):
                v = {**v, "location": ["request", *(v.get("location") or [])]}
            found.append(v)
    return found


def located(found: List[Any], where: str) -> List[Any]:
    """The violations located in the request (`where="request"`) or the response."""
    return [
        v for v in found if isinstance(v, dict) and (v.get("location") or [where])[0] == where
    ]


def exchange(response: httpx.Response) -> str:
    request = response.request
    try:
        sent = request.read()  # a multipart body is a stream, readable again
    except (httpx.StreamError, TypeError):
        sent = b"(a stream)"
    body = sent[:1500].decode(errors="replace")
    try:
        shown = response.content[:1500].decode(errors="replace")
    except httpx.ResponseNotRead:
        shown = "(not read)"
    return (
        f"{request.method} {request.url}\n"
        f"content-type: {request.headers.get('content-type')}\n{body}\n"
        f"=> {response.status_code} {response.headers.get('content-type')}\n{shown}\n"
        "Prism's violations:\n" + "\n".join(map(describe, reported(response)))
    )


def describe(violation: Any) -> str:
    if not isinstance(violation, dict):
        return f"  {violation}"
    where = ".".join(str(p) for p in violation.get("location") or [])
    kind = f"{violation.get('severity')}, {violation.get('code')}"
    return f"  {where}: {violation.get('message')} ({kind})"


# ---------------------------------------------------------------- tests


def test_every_json_operation_is_covered(mistralai: ModuleType) -> None:
    """OPERATIONS calls every public method of every group but the streams (none is missed)."""

    def methods(group: Any, prefix: str) -> set[str]:
        found = set()
        # client.chat is a hand-written subclass (gen.yaml extend): the operations are its generated base's methods.
        generated = next(c for c in type(group).__mro__ if ".extra." not in c.__module__)
        for name, attr in vars(generated).items():
            if name.startswith("_") or name.endswith("_async") or name in ("close", "aclose"):
                continue
            if isinstance(attr, cached_property):  # a (sub)group: client.fine_tuning.jobs
                found |= methods(getattr(group, name), f"{prefix}{name}.")
            elif callable(attr):
                found.add(prefix + name)
        return found

    with mistralai.Mistral(api_key="test") as sdk:
        everything = methods(sdk, "")
    streams = {"chat.stream", "fim.stream", "agents.stream"}
    assert streams <= everything
    assert {name.split("-")[0] for name in OPERATIONS} == everything - streams


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_prism_accepts_the_request(
    name: str, client: Tuple[Any, Exchanges], mistralai: ModuleType
) -> None:
    sdk, seen = client
    op = OPERATIONS[name]
    expected = op.returns(mistralai.models)
    failure = None
    try:
        result = op.call(sdk, mistralai.models)
    except mistralai.models.SDKError as exc:
        failure = f"{name} raised {type(exc).__name__}: {exc}\n\n{exchange(seen.last())}"
    if failure is not None:
        pytest.fail(failure, pytrace=False)
    response = seen.last()
    try:
        if isinstance(result, httpx.Response):  # files.download: the raw, streamed response
            content = result.read()
            assert result.headers["content-type"] == "application/octet-stream"
            assert content
        against_request = located(reported(response), "request")
        assert not against_request, f"Prism objects to the request:\n{exchange(response)}"
        assert isinstance(result, expected), (
            f"{name} returned {type(result).__name__}, not {[t.__name__ for t in expected]}"
        )
    finally:
        if isinstance(result, httpx.Response):
            result.close()


class PrismQuirk(Exception):
    """Prism refused a request for a reason known to be Prism's, not the SDK's."""


@pytest.mark.xfail(
    strict=True,
    raises=PrismQuirk,
    reason="Prism 5.16 reads a one-item `form` array whose schema is anyOf[array, null] as a "
    "string; the SDK's `?sample_type=instruct` is correct OpenAPI serialization",
)
def test_prism_quirk_one_item_nullable_array_query(
    client: Tuple[Any, Exchanges], mistralai: ModuleType
) -> None:
    sdk, _ = client
    try:
        sdk.files.list(sample_type=["instruct"])
    except mistralai.models.SDKError as exc:
        response = exc.raw_response
        assert response is not None
        assert str(response.request.url).endswith("/v1/files?sample_type=instruct")
        found = located(reported(response), "request")
        if response.status_code == 422 and found and all(
            v["location"][1:] == ["query", "sample_type"] for v in found
        ):
            raise PrismQuirk(exchange(response)) from None
        raise


# ---------------------------------------------------------------- negative controls: the check can fail


def test_prism_rejects_a_raw_request_missing_a_required_field(prism: Prism) -> None:
    response = httpx.post(
        f"{prism.url}/v1/chat/completions",
        headers={"Authorization": "Bearer test", "Accept": "application/json"},
        json={"model": "mistral-small-latest"},  # no `messages`
    )
    assert response.status_code == 422, exchange(response)
    found = located(reported(response), "request")
    assert any("'messages'" in v["message"] for v in found), exchange(response)


def test_prism_rejects_an_sdk_request_that_breaks_the_spec(
    client: Tuple[Any, Exchanges], mistralai: ModuleType
) -> None:
    """The SDK does not check `maximum: 1.5` itself; Prism does, and the SDK raises its 422 error."""
    sdk, seen = client
    with pytest.raises(mistralai.models.HTTPValidationError) as raised:
        sdk.chat.complete(model="mistral-small-latest", messages=CHAT, temperature=5.0)
    assert raised.value.status_code == 422
    found = located(reported(raised.value.raw_response), "request")
    assert any(v["location"][-1] == "temperature" for v in found), exchange(seen.last())


def test_prism_rejects_a_multipart_upload_that_breaks_the_spec(
    client: Tuple[Any, Exchanges], mistralai: ModuleType
) -> None:
    """Multipart bodies are checked too; an operation without a declared 422 gets problem+json."""
    sdk, seen = client
    with pytest.raises(mistralai.models.SDKError) as raised:
        sdk.files.upload(file=b"{}\n", purpose="not-a-purpose")  # FilePurpose is an open enum
    assert raised.value.status_code == 422
    found = located(reported(raised.value.raw_response), "request")
    assert [v["location"] for v in found] == [["request", "body", "purpose"]], exchange(seen.last())
