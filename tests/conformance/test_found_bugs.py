"""The gen bugs the conformance run found and that are fixed, each on the smallest spec that shows it.

1. Box writes `allOf: [{type: string, nullable: true}, {nullable: false}]`: a part that only annotates constrains
   nothing, so the property is a string, not an empty object model that rejects every string the API sends.
2. An operation whose only response is `default` (text/plain): that is its success, so the SDK accepts text/plain and
   returns the response, instead of sending `Accept: application/json` (refused with 406) and dropping the body.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from typing import Any, Iterator

import httpx
import pytest

SPEC = """\
openapi: 3.0.3
info: {title: Found, version: '1'}
servers: [{url: 'https://found.example'}]
paths:
  /files/{id}:
    get:
      operationId: getFile
      tags: [files]
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: A file.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Item'}
  /status:
    get:
      operationId: getStatus
      tags: [files]
      responses:
        default:
          description: The status, as text.
          content:
            text/plain:
              schema: {type: string}
components:
  schemas:
    Item:
      type: object
      properties:
        sequence_id:
          allOf:
            - {type: string, nullable: true, example: '3'}
            - {nullable: false}
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("found")
    (folder / "found").mkdir()
    (folder / "found" / "openapi.yaml").write_text(SPEC)
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "found", "--out", "out"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    src = str(folder / "out" / "found" / "src")
    sys.path.insert(0, src)
    try:
        yield importlib.import_module("found")
    finally:
        sys.path.remove(src)
        for name in [n for n in sys.modules if n == "found" or n.startswith("found.")]:
            del sys.modules[name]


def test_an_allof_part_that_only_annotates_does_not_make_a_model(found: Any) -> None:
    models = importlib.import_module("found.models")
    item = models.Item.model_validate({"sequence_id": "3"})
    assert item.sequence_id == "3"
    assert models.Item.model_validate({"sequence_id": None}).sequence_id is None


def test_a_default_only_response_is_the_success(found: Any) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="all good", headers={"content-type": "text/plain"})

    client = found.Found(client=httpx.Client(transport=httpx.MockTransport(answer)))
    response = client.files.get_status()
    assert seen[0].headers["accept"] == "text/plain"
    assert isinstance(response, httpx.Response)
    assert response.read() == b"all good"


def test_a_union_of_date_time_and_date_keeps_each_its_own_values() -> None:
    # Found by the conformance run (opc-baseline-openapi-3_1, anyOf [date-time, date]): "2000-01-01" was read as a
    # naive datetime and sent as 2000-01-01T00:00:00, which is neither; the other order read a midnight date-time as a
    # date.
    from datetime import date, datetime, timezone
    from typing import Union

    import pydantic

    from generator.runtime.types import DateInUnion, DateTimeInUnion
    for members in ((DateTimeInUnion, DateInUnion), (DateInUnion, DateTimeInUnion)):
        adapter = pydantic.TypeAdapter(Union[members])  # type: ignore[valid-type]
        assert adapter.validate_python("2000-01-01") == date(2000, 1, 1)
        assert adapter.validate_json('"2000-01-01"') == date(2000, 1, 1)
        midnight = adapter.validate_python("2000-01-01T00:00:00Z")
        assert midnight == datetime(2000, 1, 1, tzinfo=timezone.utc) and isinstance(midnight, datetime)
        assert type(adapter.validate_python(datetime(2000, 1, 1))) is datetime
        assert type(adapter.validate_python(date(2000, 1, 1))) is date
        assert adapter.dump_python(adapter.validate_python("2000-01-01"), mode="json") == "2000-01-01"
