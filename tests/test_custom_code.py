"""gen.yaml `extend`: a hand-written subclass of a generated group, which the SDK hands out in its place, kept
across regeneration. The Mistral SDK's structured outputs (out/mistral/src/mistralai/extra/) are the real case;
a small API shows nested groups and type checking."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, gen

EXTRA = Path("src") / "mistralai" / "extra"

# The API changes under the custom code: the chat request gains a property, so the generated Chat changes.
OVERLAY_CHANGE = """
  - target: $.components.schemas.ChatCompletionRequest.properties
    update:
      user_tag: {type: string, description: A tag of the caller's own.}
"""

USES_THE_NEW_ARGUMENT = """
import json, sys
sys.path.insert(0, {tests!r})
import pydantic
from e2e.server import Server, chat_completion, json_response
from mistralai import Mistral

class Point(pydantic.BaseModel):
    x: int
    y: int

server = Server()
server.enqueue(json_response(chat_completion(json.dumps({{"x": 1, "y": 2}}))))
with Mistral(api_key="k", server_url=server.url) as client:
    res = client.chat.parse(response_format=Point, model="m", messages=[{{"role": "user", "content": "a point"}}], user_tag="t")
server.close()
assert res.parsed == Point(x=1, y=2), res
assert server.requests[0].json()["user_tag"] == "t"
print("ok")
"""


def test_the_mistral_custom_code_survives_a_rebuild_and_still_works(tmp_path: Path) -> None:
    specs, out = tmp_path / "specs", tmp_path / "out"
    shutil.copytree(ROOT / "specs" / "mistral", specs / "mistral")
    shutil.copytree(ROOT / "out" / "mistral", out / "mistral", ignore=shutil.ignore_patterns("__pycache__"))
    sdk = out / "mistral"
    custom = {p: p.read_bytes() for p in sorted((sdk / EXTRA).glob("*.py"))}
    assert {p.name for p in custom} >= {"__init__.py", "chat.py", "structured.py"}
    generated_chat = (sdk / "src" / "mistralai" / "chat.py").read_bytes()
    with (specs / "mistral" / "overlay.yaml").open("a", encoding="utf-8") as overlay:
        overlay.write(OVERLAY_CHANGE)

    result = gen("build", str(specs), "--out", str(out), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "extend" not in result.stderr  # the custom module is there: nothing to warn about
    assert (sdk / "src" / "mistralai" / "chat.py").read_bytes() != generated_chat  # the build really rewrote Chat
    assert b"user_tag" in (sdk / "src" / "mistralai" / "chat.py").read_bytes()
    assert {p: p.read_bytes() for p in sorted((sdk / EXTRA).glob("*.py"))} == custom
    assert gen("build", str(specs), "--out", str(out), "--check", cwd=tmp_path).returncode == 0

    # The custom code works with the new generated code: its tests pass on the rebuilt SDK, and `parse` passes the
    # new argument on to `complete`.
    env = {**os.environ, "GEN_E2E_SDK": str(sdk / "src")}
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/e2e/test_structured_outputs.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    program = USES_THE_NEW_ARGUMENT.format(tests=str(ROOT / "tests"))
    used = subprocess.run(
        [sys.executable, "-c", program],
        env={**os.environ, "PYTHONPATH": str(sdk / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert used.stdout.strip() == "ok", used.stderr[-3000:]


PETS = """\
openapi: 3.1.0
info: {title: Pets, version: '1'}
servers: [{url: 'https://pets.example.com'}]
paths:
  /pets:
    get:
      operationId: listPets
      x-speakeasy-group: pets
      x-speakeasy-name-override: list
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
  /pets/toys:
    get:
      operationId: listToys
      x-speakeasy-group: pets.toys
      x-speakeasy-name-override: list
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
"""

CUSTOM_PETS = '''\
"""Hand-written."""

from typing import List

from .. import pets


class Pets(pets.PetsApi):
    def names(self) -> List[str]:
        return [pet.name for pet in self.list()]
'''

CUSTOM_TOYS = '''\
"""Hand-written."""

from .. import pets_toys


class Toys(pets_toys.PetsToys):
    def count(self) -> int:
        return len(self.list())
'''

USES_THE_PETS_EXTENSIONS = """\
from pets import Pets

client = Pets(server_url="http://127.0.0.1:9")
names: list[str] = client.pets.names
count: int = client.pets.toys.count
print(type(client.pets).__module__, type(client.pets.toys).__module__)
"""


def _pets(tmp_path: Path, extend: str) -> tuple[Path, Path]:
    specs, out = tmp_path / "specs", tmp_path / "out"
    (specs / "pets").mkdir(parents=True)
    (specs / "pets" / "openapi.yaml").write_text(PETS, encoding="utf-8")
    (specs / "pets" / "gen.yaml").write_text(extend, encoding="utf-8")
    return specs, out


def test_nested_groups_are_extended_and_type_checked(tmp_path: Path) -> None:
    specs, out = _pets(tmp_path, 'extend:\n  pets: custom.pets:Pets\n  pets.toys: "custom.toys:Toys"\n')
    custom = out / "pets" / "src" / "pets" / "custom"
    custom.mkdir(parents=True)
    (custom / "__init__.py").write_text("")
    (custom / "pets.py").write_text(CUSTOM_PETS)
    (custom / "toys.py").write_text(CUSTOM_TOYS)

    result = gen("build", str(specs), "--out", str(out), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    program = tmp_path / "use.py"
    program.write_text(USES_THE_PETS_EXTENSIONS)
    env = {**os.environ, "PYTHONPATH": str(out / "pets" / "src"), "MYPYPATH": str(out / "pets" / "src")}
    ran = subprocess.run([sys.executable, str(program)], env=env, capture_output=True, text=True, timeout=60)
    assert ran.stdout.split() == ["pets.custom.pets", "pets.custom.toys"], ran.stderr
    typed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / ".mypy"),
            str(out / "pets" / "src" / "pets"),
            str(program),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The extended groups' own methods are typed through the SDK: `names` is a method, not a list.
    assert 'Incompatible types in assignment (expression has type "Callable[[], list[str]]"' in typed.stdout
    assert 'expression has type "Callable[[], int]"' in typed.stdout
    assert typed.stdout.count("error:") == 2, typed.stdout


def test_an_extension_not_written_yet_is_a_warning(tmp_path: Path) -> None:
    specs, out = _pets(tmp_path, "extend:\n  pets: custom.pets:Pets\n")
    result = gen("build", str(specs), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        os.path.join("specs", "pets", "gen.yaml") + "#/extend/pets: warning: src/pets/custom/pets.py is not written "
        "yet: `client.pets` fails until it defines Pets"
    ]


def test_an_extension_of_a_group_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    specs, out = _pets(tmp_path, "extend:\n  dogs: custom.dogs:Dogs\n  pets: custom/pets.py\n")
    result = gen("build", str(specs), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2
    shown = os.path.join("specs", "pets", "gen.yaml")
    assert result.stderr.splitlines() == [
        f"{shown}#/extend/pets: 'custom/pets.py' is not a class of the package written as module:Class, like "
        "extra.chat:Chat",
    ]
    (specs / "pets" / "gen.yaml").write_text("extend:\n  dogs: custom.dogs:Dogs\n")
    result = gen("build", str(specs), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{shown}#/extend/dogs: there is no group 'dogs'; the groups are: pets, pets.toys"
    ]
    assert not out.exists()


def test_an_overlay_renames_a_schema_class_without_renaming_the_schema() -> None:
    # specs/mistral/overlay.yaml: `x-speakeasy-name-override: APIEndpoint` on the ApiEndpoint schema.
    models = ROOT / "out" / "mistral" / "src" / "mistralai" / "models"
    assert "class APIEndpoint(" in (models / "apiendpoint.py").read_text()
    assert "endpoint: APIEndpoint" in (models / "batchjobin.py").read_text()
    assert "class JSONSchema(BaseModel)" in (models / "jsonschema.py").read_text()
