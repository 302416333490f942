"""Pagination of the generated Mistral SDK against the scripted socket server: `for job in
client.fine_tuning.jobs.list(page_size=2)` goes over every job, one request per page, and stops at
the last page; the same with `async for`, and page by page with `iter_pages()`."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

import pytest

from mistralai import Mistral, models
from mistralai._runtime.pagination import PaginationLoopError

from .server import Connection, Request, Server, json_response

JOB = {
    "model": "open-mistral-7b",
    "status": "QUEUED",
    "created_at": 1700000000,
    "modified_at": 1700000000,
    "training_files": [],
    "hyperparameters": {},
    "auto_start": False,
    "job_type": "completion",
}


def jobs(count: int) -> List[Dict[str, Any]]:
    return [{**JOB, "id": f"job-{i}"} for i in range(count)]


def paged(all_jobs: List[Dict[str, Any]], total: Optional[int] = None) -> Any:
    """A handler that answers one page of `all_jobs` as the API does (`page` from 0, `page_size`)."""

    def handler(conn: Connection, request: Request) -> bool:
        query = parse_qs(urlsplit(request.path).query)
        page = int(query.get("page", ["0"])[0])
        size = int(query.get("page_size", ["100"])[0])
        data = all_jobs[page * size : (page + 1) * size]
        count = len(all_jobs) if total is None else total
        return json_response({"object": "list", "data": data, "total": count})(conn, request)

    return handler


def queries(server: Server) -> List[Dict[str, List[str]]]:
    return [parse_qs(urlsplit(r.path).query) for r in server.requests]


def test_for_loop_yields_every_job_in_three_requests(server: Server) -> None:
    server.enqueue(*[paged(jobs(5))] * 3)
    with Mistral(api_key="sk", server_url=server.url) as client:
        ids = [job.id for job in client.fine_tuning.jobs.list(page_size=2)]
    assert ids == [f"job-{i}" for i in range(5)]
    assert len(server.requests) == 3
    assert [q.get("page") for q in queries(server)] == [None, ["1"], ["2"]]
    assert all(q["page_size"] == ["2"] for q in queries(server))


def test_async_for_yields_every_job_in_three_requests(server: Server) -> None:
    server.enqueue(*[paged(jobs(5))] * 3)

    async def main() -> List[str]:
        async with Mistral(api_key="sk", server_url=server.url) as client:
            page = await client.fine_tuning.jobs.list_async(page_size=2)
            return [job.id async for job in page]

    assert asyncio.run(main()) == [f"job-{i}" for i in range(5)]
    assert len(server.requests) == 3


def test_iter_pages_goes_page_by_page_and_each_page_is_the_response_model(server: Server) -> None:
    server.enqueue(*[paged(jobs(5))] * 3)
    with Mistral(api_key="sk", server_url=server.url) as client:
        first = client.fine_tuning.jobs.list(page_size=2)
        assert isinstance(first, models.JobsOut) and first.total == 5 and len(server.requests) == 1
        sizes = [len(page.data) for page in first.iter_pages()]
    assert sizes == [2, 2, 1] and len(server.requests) == 3


def test_empty_list_is_one_request(server: Server) -> None:
    server.enqueue(paged([]))
    with Mistral(api_key="sk", server_url=server.url) as client:
        assert list(client.fine_tuning.jobs.list()) == []
    assert len(server.requests) == 1


def test_next_request_reuses_the_call_s_arguments_and_options(server: Server) -> None:
    server.enqueue(*[paged(jobs(3))] * 2)
    with Mistral(api_key="sk", server_url="http://127.0.0.1:9") as client:
        page = client.fine_tuning.jobs.list(
            page=0, page_size=2, model="m", server_url=server.url, http_headers={"x-trace": "t1"}
        )
        assert len(list(page)) == 3
    assert [q["page"] for q in queries(server)] == [["0"], ["1"]]
    assert all(q["model"] == ["m"] for q in queries(server))
    assert all(r.header("x-trace") == "t1" for r in server.requests)


def test_a_page_the_server_repeats_raises(server: Server) -> None:
    # The server ignores `page` and gives no total that could end the list.
    server.enqueue(*[json_response({"object": "list", "data": jobs(2), "total": 99})] * 2)
    with Mistral(api_key="sk", server_url=server.url) as client:
        with pytest.raises(PaginationLoopError, match="same page twice"):
            list(client.fine_tuning.jobs.list(page_size=2))
    assert len(server.requests) == 2


ITERATION_FORMS = """\
from mistralai import Mistral, models

client = Mistral(api_key="k", server_url="http://127.0.0.1:1")
page = client.fine_tuning.jobs.list(page_size=2)
as_before: models.JobsOut = page
total: int = page.total
for job in page:
    reveal_type(job)  # expect: JOB
for each in page.iter_pages():
    reveal_type(each)  # expect: PAGE
for item in client.files.list():
    reveal_type(item)  # expect: FILE


async def main() -> None:
    first = await client.batch.jobs.list_async(page_size=2)
    async for batch_job in first:
        reveal_type(batch_job)  # expect: BATCH_JOB
    async for later in first.iter_pages_async():
        reveal_type(later)  # expect: BATCH_PAGE
    wrong: str = job  # the one mistake: a job is not a str
"""
REVEALED = {
    "JOB": "mistralai.models.jobout.JobOut",
    "PAGE": "mistralai.fine_tuning_jobs.ListPage",
    "FILE": "mistralai.models.fileschema.FileSchema",
    "BATCH_JOB": "mistralai.models.batchjobout.BatchJobOut",
    "BATCH_PAGE": "mistralai.batch_jobs.ListPage",
}


def test_iteration_forms_type_check_under_mypy_strict(tmp_path: Path, sdk_src: Path) -> None:
    (tmp_path / "forms.py").write_text(ITERATION_FORMS)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--no-color-output",
            "--no-error-summary",
            "--hide-error-context",
            "forms.py",
        ],
        cwd=tmp_path,
        env={"MYPYPATH": str(sdk_src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = done.stdout.splitlines()
    expected = {
        n: f'forms.py:{n}: note: Revealed type is "{REVEALED[line.rsplit("# expect: ", 1)[1]]}"'
        for n, line in enumerate(ITERATION_FORMS.splitlines(), 1)
        if "# expect: " in line
    }
    assert sorted(line for line in lines if "Revealed type" in line) == sorted(expected.values()), done.stdout
    errors = [line for line in lines if ": error:" in line]
    mistake = ITERATION_FORMS.splitlines().index("    wrong: str = job  # the one mistake: a job is not a str") + 1
    assert len(errors) == 1 and errors[0].startswith(f"forms.py:{mistake}: error:"), done.stdout
