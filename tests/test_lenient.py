"""Lenient edges, internal errors and `--strict`.

1. The golden case tests/golden/lenient/: each edge whose meaning is clear (a `4xx` range, a list-valued enum, an object
   const, a mixed enum, non-string `required` entries, a `$ref` where a map or a list is expected) builds, each with
   one warning naming its pointer; `--strict` refuses the build and lists every one of them in one run, exit 2.
2. The SDK built from it validates data with those enums and consts, and keeps what the references pointed to.
3. An unexpected error inside gen is one line naming the file and the JSON pointer being worked on, exit 3; the
   traceback only with GEN_DEBUG=1.
"""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import ROOT

CASE = "tests/golden/lenient"
SPEC = f"{CASE}/openapi.yaml"
PACKAGE = "lenient"
WARNINGS = [
    f"{SPEC}#/paths/~1balancers/get/parameters: warning: parameters is a $ref to 'parameters.yml#/paging', "
    "where OpenAPI expects the list itself; using what it points to",
    f"{SPEC}#/paths/~1balancers/post/responses: warning: responses is a $ref to '#/components/x-shared/created', "
    "where OpenAPI expects the map itself; using what it points to",
    f"{SPEC}#/paths/~1balancers~1{{id}}~1members/get/parameters/1: warning: parameters item is a $ref to "
    "'parameters.yml#/paging', a list; its items are used",
    f"{SPEC}#/components/schemas/Balancer/properties: warning: properties is a $ref to 'attributes.yml#/lb_attrs', "
    "where OpenAPI expects the map itself; using what it points to",
    f"{SPEC}#/paths/~1balancers/get/responses/4xx: warning: response range '4xx' read as '4XX'",
    f"{SPEC}#/components/x-shared/created/5xx: warning: response range '5xx' read as '5XX'",
    f"{SPEC}#/components/schemas/Balancer/required/1: warning: required entry 7 is not a property name; ignored",
    f'{SPEC}#/components/schemas/Balancer/required/2: warning: required entry {{"oops": true}} is not a property '
    "name; ignored",
    f"{SPEC}#/components/schemas/Shape/properties/empty/enum: warning: enum values are arrays, which a Python "
    "Literal cannot hold: typed by JSON type",
    f"{SPEC}#/components/schemas/Shape/properties/pair/enum: warning: enum values are arrays, which a Python "
    "Literal cannot hold: typed by JSON type",
    f"{SPEC}#/components/schemas/Shape/properties/origin/const: warning: const is an object, which a Python "
    "Literal cannot hold: typed by JSON type",
    f"{SPEC}#/components/schemas/Shape/properties/mixed/enum: warning: enum mixes value types (number, string); "
    "typed as a Literal of its values",
]


def _gen(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    """`gen` as a user runs it, with a cache of its own: a build replayed from the cache would not run the stages."""
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_each_edge_builds_with_one_warning_naming_its_pointer(tmp_path: Path) -> None:
    done = _gen("build", CASE, "--out", str(tmp_path / "out"), GEN_CACHE_DIR=str(tmp_path / "cache"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == WARNINGS


def test_strict_lists_the_problems_of_every_stage_in_one_run(tmp_path: Path) -> None:
    """The load stage's warnings (references, ranges, `required`) and the IR's (enums, consts) are reported
    together: as many problems as a lenient build shows, each an error."""
    done = _gen("build", "--strict", CASE, "--out", str(tmp_path / "out"), GEN_CACHE_DIR=str(tmp_path / "cache"))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [line.replace(": warning: ", ": ", 1) for line in WARNINGS]
    assert not (tmp_path / "out").exists()


def test_strict_reports_the_warnings_found_before_an_error(tmp_path: Path) -> None:
    """The load stage's warnings (a repeated `required` entry; the validator's two about the bad status code) and
    the IR's error in one report; the lenient build reports only the error, which stops it."""
    (tmp_path / "openapi.yaml").write_text(
        """\
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /a:
    get:
      responses:
        abc: {description: no status code}
components:
  schemas:
    A:
      type: object
      required: [a, a]
      properties:
        a: {type: string}
""",
        encoding="utf-8",
    )
    lenient = _gen("build", "openapi.yaml", "--out", "out", cwd=tmp_path, GEN_CACHE_DIR=str(tmp_path / "cache"))
    error = "openapi.yaml#/paths/~1a/get/responses/abc: 'abc' is not an HTTP status code (100-599, 1XX-5XX or default)"
    assert (lenient.returncode, lenient.stderr.splitlines()) == (2, [error])
    strict = _gen("build", "--strict", "openapi.yaml", "--out", "out", cwd=tmp_path, GEN_CACHE_DIR=str(tmp_path))
    assert strict.returncode == 2
    assert strict.stderr.splitlines() == [
        "openapi.yaml#/components/schemas/A/required: required lists 'a' more than once; deduplicated",
        "openapi.yaml#/paths/~1a/get/responses: 'default' is a required property",
        "openapi.yaml#/paths/~1a/get/responses: Unevaluated properties are not allowed ('abc' was unexpected)",
        error,
    ]


# ------------------------------------------------------------------------------------------------ internal errors

# Runs gen with a bug planted in the IR stage: typing an enum's values raises.
_PLANTED = """\
import sys
from generator.cli import main
from generator.ir import schemas

def planted(*args, **kwargs):
    raise TypeError("planted")

schemas.SchemaConverter._values_type = planted
sys.argv = ["gen", *sys.argv[1:]]
main()
"""


def _planted(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _PLANTED, "build", CASE, "--out", str(tmp_path / "out")],
        cwd=ROOT,
        env={**os.environ, "GEN_CACHE_DIR": str(tmp_path / "cache"), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_internal_error_is_one_line_naming_the_pointer_and_exit_3(tmp_path: Path) -> None:
    done = _planted(tmp_path)
    assert done.returncode == 3
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"{SPEC}#/components/schemas/Shape/properties/empty: gen: internal error at <string>:")
    assert line.endswith(
        ": TypeError: planted (a bug in gen, not in the input: please report it with this line; "
        "GEN_DEBUG=1 prints the traceback)"
    )
    assert not (tmp_path / "out").exists()


def test_gen_debug_prints_the_traceback(tmp_path: Path) -> None:
    done = _planted(tmp_path, GEN_DEBUG="1")
    assert done.returncode == 3
    assert "Traceback (most recent call last)" in done.stderr
    assert ", in planted\n" in done.stderr and "\nTypeError: planted\n" in done.stderr
    assert done.stderr.splitlines()[-1].startswith(f"{SPEC}#/components/schemas/Shape/properties/empty: ")


def test_an_internal_error_while_rendering_names_the_declaration(tmp_path: Path, monkeypatch: Any) -> None:
    from click.testing import CliRunner

    from generator import cli, render
    from generator.render import markdown

    def planted(*args: object) -> str:
        raise KeyError("planted")

    monkeypatch.setenv("GEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(markdown, "fields_table", planted)
    monkeypatch.setattr(render, "_builtin_environment", None)  # the process's environment holds the real one
    done = CliRunner().invoke(cli.main, ["build", CASE, "--out", str(tmp_path / "out")])
    assert done.exit_code == 3
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"{SPEC}#/components/schemas/Balancer: gen: internal error while rendering ")
    assert "KeyError: 'planted'" in line


# ------------------------------------------------------------------------------------------------ the SDK


@pytest.fixture(scope="module")
def m(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    base = tmp_path_factory.mktemp("lenient")
    done = _gen("build", CASE, "--out", str(base / "out"), GEN_CACHE_DIR=str(base / "cache"))
    assert done.returncode == 0, done.stderr
    src = str(base / "out" / PACKAGE / "src")
    sys.path.insert(0, src)
    yield importlib.import_module(f"{PACKAGE}.models")
    sys.path.remove(src)
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def test_enum_and_const_values_validate(m: Any) -> None:
    from pydantic import ValidationError

    data = {"empty": [], "pair": [3, 4], "origin": {"a": 1}, "mixed": "a", "switch": "off", "ratio": 3e-05}
    shape = m.Shape.model_validate(data)
    assert shape.model_dump(mode="json", by_alias=True, exclude_unset=True) == data
    assert shape.switch == m.ShapeSwitch.OFF == "off"  # YAML 1.2: `off` is a string, not false
    for mixed in (1, "a", None):
        assert m.Shape.model_validate({"mixed": mixed}).mixed == mixed
    for wrong in ({"mixed": "b"}, {"mixed": 2}, {"origin": "a"}, {"empty": {}}, {"pair": "x"}):
        with pytest.raises(ValidationError):
            m.Shape.model_validate(wrong)


def test_what_the_references_pointed_to_is_kept(m: Any) -> None:
    from pydantic import ValidationError

    assert list(m.Balancer.model_fields) == ["name", "algorithm", "shape"]
    balancer = m.Balancer.model_validate({"name": "lb", "algorithm": "round_robin", "shape": {"origin": {"a": 1}}})
    assert balancer.shape.origin == {"a": 1}
    with pytest.raises(ValidationError):  # `name` is required; 7 and {oops: true} were ignored
        m.Balancer.model_validate({"algorithm": "round_robin"})
    balancers = importlib.import_module(f"{PACKAGE}.balancers")
    for method, wanted in (("list_balancers", {"page", "per_page"}), ("list_members", {"id", "page", "per_page"})):
        assert wanted <= set(inspect.signature(getattr(balancers.Balancers, method)).parameters)


def test_the_docs_list_the_values_a_type_cannot_say() -> None:
    page = (ROOT / CASE / "expected" / "docs" / "models" / "shape.md").read_text(encoding="utf-8")
    assert "A list-valued enum.<br/>Always: `[]`" in page
    assert "Lists as values.<br/>One of: `[1, 2]`, `[3, 4]`" in page
    assert 'An object as a constant.<br/>Always: `{"a": 1}`' in page
    assert "A number written with an exponent.<br/>One of: `3e-05`, `1500.0`" in page


# ------------------------------------------------------------------------------------------------ references


def _load_problems(tmp_path: Path, schemas: str) -> list[str]:
    from generator.load import load
    from generator.problems import BuildError

    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n" + schemas, "utf-8")
    try:
        return [str(problem) for problem in load(spec).warnings]
    except BuildError as exc:
        return [str(problem) for problem in exc.problems]


def test_a_reference_to_one_object_where_a_list_is_expected_is_left_to_the_validator(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    problems = _load_problems(
        tmp_path,
        "  schemas:\n    A: {allOf: {$ref: '#/components/schemas/B'}}\n    B: {type: object}\n",
    )
    assert problems == [
        "openapi.yaml#/components/schemas/A/allOf: warning: {'$ref': '#/components/schemas/B'} is not of type 'array'"
    ]


def test_a_map_that_contains_itself_through_references_is_an_error(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    problems = _load_problems(
        tmp_path,
        "  x-p:\n    child: {type: object, properties: {$ref: '#/components/x-p'}}\n"
        "  schemas:\n    B: {type: object, properties: {$ref: '#/components/x-p'}}\n",
    )
    assert problems == [
        "openapi.yaml#/components/x-p/child/properties: $ref '#/components/x-p' is circular: inlining it would never end"
    ]


def test_values_no_literal_can_hold_build_everywhere(tmp_path: Path) -> None:
    """In parameters, component aliases, nullable enums and sent defaults too: warnings, never a crash."""
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "openapi.yaml").write_text(
        """\
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - {name: q, in: query, schema: {enum: [1, "a"]}}
        - {name: r, in: query, schema: {enum: [[1]]}}
        - {name: s, in: query, required: true, schema: {const: {a: 1}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/A'}
components:
  schemas:
    A:
      type: object
      properties:
        b: {enum: [[], null]}
        d: {const: 1.5}
        e: {type: object, default: {x: 1}, x-gen-send-default: true}
        f: {type: array, items: {type: integer}, enum: [[1, 2]]}
        h: {enum: [1.5, "x"]}
    B:
      enum: [[1], {a: 2}]
""",
        encoding="utf-8",
    )
    done = _gen("build", "t", "--out", "out", cwd=tmp_path, GEN_CACHE_DIR=str(tmp_path / "cache"))
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 7 and all(": warning: " in line for line in lines), lines
    model = (tmp_path / "out" / "t" / "src" / "t" / "models" / "a.py").read_text(encoding="utf-8")
    for annotation in (
        "b: OptionalNullable[List[Any]] = UNSET",
        "d: Optional[float] = None",
        "e: Optional[Dict[str, Any]] = None",
        "f: Optional[List[int]] = None",
        "h: Optional[Any] = None",
    ):
        assert annotation in model
