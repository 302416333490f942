"""Real-world breadth: every document of the corpus either builds into an SDK that imports and type-checks, or is
refused with the messages recorded here.

`documents/` holds the 23 public OpenAPI documents of `../shared/corpus/` (byte-identical copies): the OpenAPI
Initiative's examples (3.0, 3.1, one 3.2), a peer generator's end-to-end documents including its deliberately broken
ones (`opc-err-*`), and three large vendor APIs (Box, Twilio, Resend).

Each selected document is built once per session with `gen build` in a subprocess, as a user would; the builds run
concurrently (one per core, the largest first), each timed, with a fresh build cache so that every build is real. The
times are printed at the end of the module. Then, for every document that builds:

- the warnings are exactly the ones recorded below (plus one per webhook and callback, which an SDK does not make);
- every operation of the document is an endpoint of the SDK and every component schema is a declaration of it (no
  silent drops: what gen cannot generate faithfully is an error, and the refused documents below show that);
- the package imports: the SDK class, every group, every model, union, enum and alias (each also made into a pydantic
  TypeAdapter, so forward references and recursion resolve);
- black --check over every built package (most files are laid out without black: black must agree);
- one `mypy --strict` run over every built package (the whole corpus: it costs ~20 s, so the "sample" is all of it);
- one `ruff check --select F401,F601,F811,F841` run over every built package: no unused import, no repeated key.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import os
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

HERE = Path(__file__).resolve().parent
DOCUMENTS = HERE / "documents"
ROOT = HERE.parents[1]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
NAMES = sorted(p.name for p in DOCUMENTS.iterdir() if p.suffix in (".yaml", ".yml", ".json"))

# ------------------------------------------------------------------------------------------------ what is expected

# Documents gen refuses: why, and the exact error lines (`gen build` runs in documents/, so paths are bare names).
REFUSED: dict[str, tuple[str, list[str]]] = {
    "opc-err-bad-status-code.yaml": (
        "a response keyed `abcdef`: the SDK could not tell which responses it describes",
        [
            "opc-err-bad-status-code.yaml#/paths/~1/get/responses/abcdef: "
            "'abcdef' is not an HTTP status code (100-599, 1XX-5XX or default)"
        ],
    ),
    "opc-err-circular-body-ref.yaml": (
        "a request body that is only a reference to itself has no content to send",
        [
            "opc-err-circular-body-ref.yaml#/components/requestBodies/body: $ref '#/components/requestBodies/body' "
            "is circular and never reaches a definition: "
            "'#/components/requestBodies/body' -> '#/components/requestBodies/body'"
        ],
    ),
    "opc-err-missing-body-ref.yaml": (
        "the request body refers to a component that does not exist",
        [
            "opc-err-missing-body-ref.yaml#/paths/~1/post/requestBody: "
            "$ref '#/components/requestBodies/body' does not resolve"
        ],
    ),
    "opc-err-optional-path-param.yaml": (
        "a path parameter marked optional: the URL cannot be built without it",
        [
            "opc-err-optional-path-param.yaml#/paths/~1{optional}/get/parameters/0/required: "
            "path parameter 'optional' must be required"
        ],
    ),
}

# Every warning a document that builds must report, besides one per webhook and callback (checked separately).
# Anything else reported is a failure: a new warning is either a regression or a change to record here.
# `--strict` turns these into errors; STRICT_REFUSED records that for the invalid-defaults document.
WARNINGS: dict[str, list[str]] = {
    "opc-baseline-openapi-3_0.json": [
        # 3.0 has no `const` (the SDK still treats it as one value)
        "opc-baseline-openapi-3_0.json#/paths/~1models~1oneof-with-required-const/get/responses/200/content/"
        "application~1json/schema/oneOf/0/properties/type: warning: 'const' does not match any of the regexes: '^x-'",
        "opc-baseline-openapi-3_0.json#/paths/~1models~1oneof-with-required-const/get/responses/200/content/"
        "application~1json/schema/oneOf/1/properties/type: warning: 'const' does not match any of the regexes: '^x-'",
        # a title on an operation
        "opc-baseline-openapi-3_0.json#/paths/~1types~1unions~1duplicate-types/post: "
        "warning: 'title' does not match any of the regexes: '^x-'",
        # a bad default
        "opc-baseline-openapi-3_0.json#/paths/~1defaults/post/parameters/1/schema/default: "
        "warning: default 1 is not of type 'string'",
        # FastAPI's operationIds octet_stream_tests_octet_stream_get and ..._post both name a function octet_stream
        "opc-baseline-openapi-3_0.json#/paths/~1tests~1octet_stream/post: "
        "warning: two operations are named tests.octet_stream; this one is octet_stream_2",
    ],
    "opc-baseline-openapi-3_1.yaml": [
        "opc-baseline-openapi-3_1.yaml#/paths/~1types~1unions~1duplicate-types/post: "
        "warning: Unevaluated properties are not allowed ('title' was unexpected)",
        "opc-baseline-openapi-3_1.yaml#/paths/~1defaults/post/parameters/1/schema/default: "
        "warning: default 1 is not of type 'string'",
        "opc-baseline-openapi-3_1.yaml#/paths/~1tests~1octet_stream/post: "
        "warning: two operations are named tests.octet_stream; this one is octet_stream_2",
    ],
    # The peer generator refuses this document. gen never sends a default the caller did not set, so the SDK is
    # right; the defaults are wrong only as documentation: warnings with their pointers, errors under --strict.
    "opc-err-invalid-uuid-defaults.yaml": [
        "opc-err-invalid-uuid-defaults.yaml#/paths/~1/post/parameters/0/schema/default: "
        "warning: default 'notauuid' is not a valid uuid",
        "opc-err-invalid-uuid-defaults.yaml#/paths/~1/put/parameters/0/schema/default: "
        "warning: default 3 is not of type 'string'",
    ],
}
STRICT_REFUSED = ["opc-err-invalid-uuid-defaults.yaml"]

GOOD = [name for name in NAMES if name not in REFUSED]
BUILD_TIMEOUT = 900  # seconds, per document; a build is expected to take well under a minute


# ------------------------------------------------------------------------------------------------ building


@dataclass(frozen=True)
class Result:
    name: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    out: Path  # <--out>/<api>: where the SDK is

    @property
    def errors(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if ": warning: " not in line]

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if ": warning: " in line]


def _api_name(document: str) -> str:
    from generator.pipeline import discover

    return discover(DOCUMENTS / document)[0].name


def _gen_build(name: str, out: Path, cache: Path, *extra: str) -> Result:
    env = {**os.environ, "GEN_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", name, "--out", str(out), *extra],
        cwd=DOCUMENTS,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    return Result(name, done.returncode, done.stdout, done.stderr, time.perf_counter() - started, out / _api_name(name))


def _selected_documents(session: pytest.Session) -> list[str]:
    """The documents whose tests run in this session (so `-k petstore` does not build Box)."""
    chosen = set()
    for item in session.items:
        if Path(item.path).resolve() == Path(__file__).resolve():
            callspec = getattr(item, "callspec", None)
            if callspec is not None and callspec.params.get("name") in NAMES:
                chosen.add(callspec.params["name"])
            elif item.name.startswith(("test_mypy", "test_ruff")):
                chosen.update(GOOD)
    return sorted(chosen, key=lambda n: -(DOCUMENTS / n).stat().st_size)  # the largest first


@pytest.fixture(scope="module")
def builds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[Result]]]:
    base = tmp_path_factory.mktemp("corpus")
    cache = base / "cache"
    pool = ThreadPoolExecutor(max_workers=max(1, min(os.cpu_count() or 2, 4)))
    futures = {
        name: pool.submit(_gen_build, name, base / "out" / name, cache) for name in _selected_documents(request.session)
    }
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)
    _report_times(request, futures)


def _report_times(request: pytest.FixtureRequest, futures: dict[str, Future[Result]]) -> None:
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    lines = ["", f"corpus build times (gen build, fresh cache, {os.cpu_count()} cores, builds run concurrently):"]
    for name, future in sorted(futures.items()):
        if future.done() and not future.cancelled() and future.exception() is None:
            result = future.result()
            status = "built" if result.returncode == 0 else f"refused (exit {result.returncode})"
            lines.append(f"  {name:<40} {result.seconds:6.1f} s  {status}")
    with capture.global_and_fixture_disabled():
        for line in lines:
            reporter.write_line(line)


def _result(builds: dict[str, Future[Result]], name: str) -> Result:
    if name not in builds:
        pytest.skip(f"{name} was not selected in this session")
    return builds[name].result()


# ------------------------------------------------------------------------------------------------ the corpus itself


def test_the_corpus_is_complete_and_unchanged() -> None:
    assert len(NAMES) == 23, NAMES
    assert set(REFUSED) <= set(NAMES) and set(WARNINGS) <= set(NAMES)
    if SHARED_CORPUS.is_dir():
        shared = {p.name: p.read_bytes() for p in SHARED_CORPUS.iterdir()}
        assert sorted(shared) == NAMES
        assert [n for n in NAMES if (DOCUMENTS / n).read_bytes() != shared[n]] == []


# ------------------------------------------------------------------------------------------------ refused documents


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_broken_documents_are_refused_with_clear_errors(builds: dict[str, Future[Result]], name: str) -> None:
    result = _result(builds, name)
    reason, expected = REFUSED[name]
    assert result.returncode == 2, f"{name} should be refused ({reason}):\n{result.stderr}"
    assert result.errors == expected
    assert not result.out.exists(), "a refused build must write nothing"


@pytest.mark.parametrize("name", STRICT_REFUSED)
def test_strict_turns_the_recorded_warnings_into_errors(tmp_path: Path, name: str) -> None:
    result = _gen_build(name, tmp_path / "out", tmp_path / "cache", "--strict")
    assert result.returncode == 2, result.stderr
    assert result.errors == [line.replace(": warning: ", ": ", 1) for line in WARNINGS[name]]
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------------------------ documents that build


@pytest.mark.parametrize("name", GOOD)
def test_document_builds_with_exactly_the_recorded_warnings(builds: dict[str, Future[Result]], name: str) -> None:
    result = _result(builds, name)
    assert result.returncode == 0, result.stderr
    assert result.errors == []
    document = _document(name)
    not_made = [line for line in result.warnings if _is_not_made(line)]
    assert sorted(not_made) == sorted(_webhook_and_callback_warnings(name, document))
    assert [line for line in result.warnings if not _is_not_made(line)] == WARNINGS.get(name, [])


@pytest.mark.parametrize("name", GOOD)
def test_every_operation_and_component_schema_is_in_the_sdk(builds: dict[str, Future[Result]], name: str) -> None:
    """No silent drops: what the document describes is in the SDK (the IR-side names are the generator's own)."""
    result = _result(builds, name)
    assert result.returncode == 0, result.stderr
    document = _document(name)
    package = result.out / "src" / _package(name)

    wanted = set()
    for path, method, op in _operations(document.root):
        operation_id = op.get("operationId") if isinstance(op.get("operationId"), str) else f"{method}_{path}"
        wanted.add((operation_id, method.upper(), path.split("#", 1)[0]))
    assert _endpoints(package) == wanted

    from generator.ir.schemas import SchemaConverter

    converter = SchemaConverter(document.root, document.file, [])
    converter.declare_components()
    exported = _exports(package / "models" / "__init__.py")
    components = ((document.root.get("components") or {}).get("schemas") or {})
    missing = []
    for component in components:
        ref = converter.component(component)
        # A schema used only as an error body names the exception; its model is then <Name>Data.
        if ref is None or ref.name not in exported:
            missing.append(component)
    assert missing == []


@pytest.mark.parametrize("name", GOOD)
def test_the_sdk_imports(builds: dict[str, Future[Result]], name: str) -> None:
    from pydantic import TypeAdapter

    result = _result(builds, name)
    assert result.returncode == 0, result.stderr
    package_name = _package(name)
    src = str(result.out / "src")
    sys.path.insert(0, src)
    try:
        package = importlib.import_module(package_name)
        sdk_class = getattr(package, _sdk_class(name))
        with sdk_class() as sdk:
            groups = _walk_groups(sdk)
        operations = sum(1 for _ in _operations(_document(name).root))
        assert len(groups) >= (1 if operations else 0)
        models = package.models
        for export in models.__all__:
            value = getattr(models, export)
            if export.endswith("TypedDict") or (inspect.isclass(value) and issubclass(value, BaseException)):
                continue
            TypeAdapter(value)  # builds the validator: every reference resolves, recursion included
    finally:
        sys.path.remove(src)
        for module in [m for m in sys.modules if m == package_name or m.startswith(package_name + ".")]:
            del sys.modules[module]


def test_mypy_strict_on_every_built_sdk(builds: dict[str, Future[Result]], tmp_path: Path) -> None:
    results = [_result(builds, name) for name in GOOD]
    assert all(r.returncode == 0 for r in results), [r.name for r in results if r.returncode]
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy-cache")]
    for result in results:
        command += ["-p", _package(result.name)]
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(r.out / "src") for r in results)}
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]


def test_ruff_finds_no_unused_import_or_duplicate_on_every_built_sdk(builds: dict[str, Future[Result]]) -> None:
    from test_ruff_clean import ruff_findings  # tests/: what it checks, and on the committed output

    results = [_result(builds, name) for name in GOOD]
    assert all(r.returncode == 0 for r in results), [r.name for r in results if r.returncode]
    assert ruff_findings(*(r.out for r in results)) == []


# ------------------------------------------------------------------------------------------------ helpers


@functools.lru_cache(maxsize=None)
def _document(name: str) -> Any:
    from generator.load import load

    return load(DOCUMENTS / name)


def _package(name: str) -> str:
    from generator.config import default_config

    return default_config(_api_name(name)).package


def _sdk_class(name: str) -> str:
    from generator.config import default_config

    return default_config(_api_name(name)).sdk_class


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")


def _deref(root: dict[str, Any], node: Any) -> Any:
    seen = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        seen.add(node["$ref"])
        for token in node["$ref"].lstrip("#").split("/")[1:]:
            node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def _operations(root: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (root.get("paths") or {}).items():
        item = _deref(root, item)
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            if isinstance(item.get(method), dict):
                yield path, method, item[method]
        for method, op in (item.get("additionalOperations") or {}).items():
            if isinstance(op, dict):
                yield path, method, op


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _is_not_made(line: str) -> bool:
    return ": warning: webhook " in line or ": warning: callback " in line


def _webhook_and_callback_warnings(name: str, document: Any) -> list[str]:
    """One warning per webhook operation and per callback: each is named, none dropped silently."""
    root = document.root
    lines = []
    for path, method, op in _operations(root):
        for callback in op.get("callbacks") or {}:
            where = f"/paths/{_escape(path)}/{method}/callbacks/{_escape(callback)}"
            lines.append(f"{name}#{where}: warning: callback {callback!r} is not generated: "
                         "the API sends it, an SDK only makes requests")
    for hook, item in (root.get("webhooks") or {}).items():
        for method in _METHODS:
            if isinstance(_deref(root, item).get(method), dict):
                lines.append(
                    f"{name}#/webhooks/{_escape(hook)}/{method}: warning: webhook {hook!r} ({method.upper()}) is not "
                    "generated: the API sends it, an SDK only makes requests (the component schemas it uses are "
                    "generated as models)"
                )
    return lines


def _endpoints(package: Path) -> set[tuple[str, str, str]]:
    """(operation id, method, path) of every `Endpoint(...)` the group modules define, read from their source."""
    found = set()
    for module in package.glob("*.py"):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "Endpoint":
                operation_id, method, path = (ast.literal_eval(arg) for arg in value.args[:3])
                found.add((operation_id, method, path))
    return found


def _exports(init: Path) -> set[str]:
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "_EXPORTS":
            assert isinstance(node.value, ast.Dict)
            return {ast.literal_eval(key) for key in node.value.keys if key is not None}
    raise AssertionError(f"no _EXPORTS in {init}")


def _walk_groups(owner: Any) -> list[Any]:
    """Every group object reachable from the SDK (groups are cached properties, nested ones too)."""
    found = []
    for name, attribute in vars(type(owner)).items():
        if isinstance(attribute, functools.cached_property):
            group = getattr(owner, name)
            found.append(group)
            found.extend(_walk_groups(group))
    return found
