"""Conformance against Prism: every operation of a generated SDK, called with arguments drawn from the spec.

For one API description and the SDK gen made of it:

1. `prism mock --errors --dynamic` serves the description (as gen read it: YAML 1.2, bundled, repaired, written
   out as JSON, so that both sides read the same document) on 127.0.0.1.
2. Every method of every group of the SDK is found by walking the client, and read from its own source: the
   `Endpoint` it calls (method, path, `Param`s in order), which argument goes to which `Param`, and how the body is
   built (`models.X.model_validate({"field": argument, ...})`, the fields' wire names being the model's aliases, or
   one `request` argument). Nothing is guessed from names.
3. The operation's parameter and body schemas (from the document) become JSON Schemas; hypothesis-jsonschema draws a
   few argument sets from them, seeded; the method is called with each, through a transport that keeps what Prism
   answered.
4. Each call is classified. The request is *accepted* when Prism reports no error-level violation of the request
   (`sl-violations`, located under `request`); the response is *parsed* when the method returns, or raises the typed
   error the description declares for that status. Anything else is a failure with its cause: Prism's violations, a
   mock Prism made that breaks its own description (it answers 500 `VIOLATIONS` under `--errors`), or the SDK's
   exception.

Event streams (Prism cannot serve them), webhooks and callbacks (an SDK does not call them) are counted as skipped.
"""

from __future__ import annotations

import ast
import base64
import functools
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

import httpx

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ROOT / "tests" / "corpus" / "documents"
GOLDEN = ROOT / "tests" / "golden"
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from prism import Prism, executable, violations  # noqa: E402

sys.path.remove(str(ROOT / "tests" / "e2e"))

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Characters a header, cookie or path segment carries without escaping: what a drawn string of those holds when the
# schema does not constrain it (a header cannot carry a newline; `.` and `..` are path navigation to httpx).
SAFE_TEXT = "^[A-Za-z0-9_~-]+$"
# The integer formats Prism (ajv-formats) checks: values are drawn within their range, int64's as JavaScript holds it
# exactly (Prism refuses an int64 beyond ±(2**53 - 1)).
INT_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**53 - 1), 2**53 - 1)}


# ------------------------------------------------------------------------------------------------ what a run finds


@dataclass(frozen=True)
class Failure:
    document: str
    operation: str  # "group.method", as a user calls it
    stage: str  # "draw" (no arguments could be drawn), "call" (the SDK refused them), "request", "response"
    cause: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.document, self.operation, self.stage)


@dataclass
class Report:
    document: str
    operations: int = 0  # every operation of the SDK
    skipped: int = 0  # event streams, webhooks and callbacks
    streams: int = 0  # of those, the SDK's event-stream operations
    tried: int = 0  # operations called at least once
    requests: int = 0
    accepted: int = 0
    parsed: int = 0
    ops_accepted: int = 0  # operations all of whose requests Prism accepted
    ops_parsed: int = 0  # operations all of whose responses the SDK parsed
    failures: list[Failure] = field(default_factory=list)
    error: str = ""  # the document could not be run at all (Prism refused it, ...)
    seconds: float = 0.0


@dataclass(frozen=True)
class Target:
    """One API description and the SDK gen made of it."""

    name: str  # the corpus document's file name, or "golden/<case>"
    spec: Path
    src: Path  # the SDK's `src` folder
    package: str


# ------------------------------------------------------------------------------------------------ building


def corpus_names() -> list[str]:
    """The corpus documents gen builds (the refused ones are tests/corpus/test_corpus.py's REFUSED: `opc-err-*`,
    except the one whose defaults are only wrong as documentation)."""
    names = sorted(p.name for p in DOCUMENTS.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    return [n for n in names if not n.startswith("opc-err-") or n == "opc-err-invalid-uuid-defaults.yaml"]


def golden_names() -> list[str]:
    return [f"golden/{p.name}" for p in sorted(GOLDEN.iterdir()) if (p / "openapi.yaml").is_file()]


def spec_path(name: str) -> Path:
    """A corpus document's file, or a golden case's (`golden/<case>`) spec."""
    if name.startswith("golden/"):
        return GOLDEN / name.removeprefix("golden/") / "openapi.yaml"
    return DOCUMENTS / name


def build(name: str, out: Path, cache: Path) -> Target:
    """`gen build` of one corpus document or golden case, as tests/corpus/test_corpus.py builds the corpus: in a
    subprocess, from the spec's folder (a golden case is its folder, with the case's name)."""
    spec = spec_path(name)
    what = spec.parent.name if name.startswith("golden/") else spec.name
    cwd = spec.parent.parent if name.startswith("golden/") else spec.parent
    env = {**os.environ, "GEN_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", what, "--out", str(out)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"gen build {name} exited {done.returncode}:\n{done.stderr}")
    (api,) = [p for p in out.iterdir() if (p / "src").is_dir()]
    (package,) = [p.name for p in (api / "src").iterdir() if (p / "__init__.py").is_file()]
    return Target(name, spec, api / "src", package)


def prism_installed() -> bool:
    return executable() is not None


def prism_version() -> str:
    """The version of the Prism the run uses (prism-cli's package.json), or "?" when it is elsewhere."""
    package = ROOT / ".tools" / "prism" / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    try:
        return str(json.loads(package.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "?"


def load_document(spec: Path) -> dict[str, Any]:
    from generator.load.document import load

    return load(spec).root


# ------------------------------------------------------------------------------------------------ the SDK's operations


@dataclass(frozen=True)
class Operation:
    label: str  # "group.method"
    method: Callable[..., Any]
    endpoint: Any  # the SDK's runtime Endpoint
    params: tuple[tuple[str, str, str], ...]  # (argument, wire name, location), in Endpoint.params order
    body_fields: tuple[tuple[str, str], ...]  # (argument, wire name) of a flattened object body
    body_argument: str | None  # the one argument holding a body that is not flattened


def sdk_client(target: Target, url: str, transport: httpx.BaseTransport) -> Any:
    """The SDK's client, with a dummy value for every credential, retries off, talking through `transport`."""
    import_sdk(target)
    module = importlib.import_module(f"{target.package}.sdk")
    (sdk_class,) = [
        value for value in list(vars(module).values()) if inspect.isclass(value) and value.__module__ == module.__name__
    ]
    credentials = {}
    for parameter in list(inspect.signature(sdk_class).parameters.values()):
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD:
            basic = "Tuple" in str(parameter.annotation)
            credentials[parameter.name] = ("conformance", "secret") if basic else "conformance-token"
    client = httpx.Client(transport=transport, timeout=30.0)
    return sdk_class(**credentials, server_url=url, client=client, retry_config=None)


def import_sdk(target: Target) -> ModuleType:
    src = str(target.src)
    if src not in sys.path:
        sys.path.insert(0, src)
    module = importlib.import_module(target.package)
    assert Path(module.__file__ or "").resolve().is_relative_to(target.src.resolve()), module.__file__
    return module


def operations(client: Any, prefix: str = "") -> Iterator[Operation]:
    """Every operation method reachable from `client` (its groups, depth first, in attribute order)."""
    for name, attribute in inspect.getmembers(type(client)):
        if name.startswith("_"):
            continue
        if isinstance(attribute, property) or hasattr(attribute, "func") and hasattr(attribute, "attrname"):
            group = getattr(client, name)
            if hasattr(group, "_config"):
                yield from operations(group, f"{prefix}{name}.")
        elif inspect.isfunction(attribute) and not inspect.iscoroutinefunction(attribute):
            found = _read_method(attribute, f"{prefix}{name}", getattr(client, name))
            if found is not None:
                yield found


@functools.lru_cache(maxsize=None)
def _module_tree(module: ModuleType) -> ast.Module:
    return ast.parse(inspect.getsource(module))


def _read_method(function: Callable[..., Any], label: str, bound: Callable[..., Any]) -> Operation | None:
    """What the generated method does with its arguments, read from its source (the call to `_client.<runner>`)."""
    module = sys.modules[function.__module__]
    line = function.__code__.co_firstlineno
    tree = next(
        node
        for node in ast.walk(_module_tree(module))
        if isinstance(node, ast.FunctionDef)
        and (node.decorator_list[0] if node.decorator_list else node).lineno == line
    )
    # The runner's call (`_client.call`, `_client.stream`, `_pagination.call`, ...): the one whose second argument is
    # the module's Endpoint, then the parameters' tuple and the body.
    call = next(
        (
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and len(node.args) >= 4
            and isinstance(node.args[1], ast.Name)
            and hasattr(getattr(module, node.args[1].id, None), "operation_id")
        ),
        None,
    )
    if call is None:
        return None
    constant, params, body = call.args[1:4]
    assert isinstance(constant, ast.Name) and isinstance(params, ast.Tuple)
    endpoint = getattr(module, constant.id)
    names = [element.id for element in params.elts if isinstance(element, ast.Name)]
    assert len(names) == len(endpoint.params), label
    wired = tuple((n, p.wire_name, p.location) for n, p in zip(names, endpoint.params, strict=True))
    fields: tuple[tuple[str, str], ...] = ()
    argument = None
    if isinstance(body, ast.Call):  # models.X.model_validate({"field": argument, ...})
        assert isinstance(body.func, ast.Attribute) and isinstance(body.func.value, ast.Attribute)
        model = getattr(sys.modules[f"{module.__package__}.models"], body.func.value.attr)
        (mapping,) = body.args
        assert isinstance(mapping, ast.Dict)
        pairs = []
        for key, value in zip(mapping.keys, mapping.values, strict=True):
            assert isinstance(key, ast.Constant) and isinstance(value, ast.Name)
            info = model.model_fields[key.value]
            pairs.append((value.id, info.alias or key.value))
        fields = tuple(pairs)
    elif isinstance(body, ast.Name):
        argument = body.id
    return Operation(label, bound, endpoint, wired, fields, argument)


# ------------------------------------------------------------------------------------------------ drawing arguments


class Unsupported(Exception):
    """The schema holds something that cannot be drawn from."""


def json_schema(schema: Any, root: dict[str, Any], *, request: bool, safe: bool = False) -> Any:
    """An OpenAPI Schema Object (3.0 or 3.1) as the JSON Schema hypothesis-jsonschema draws from.

    References are inlined (a reference back into itself becomes `false`: the value stops there, where the schema
    allows it to); `nullable` becomes a `null` type; what a request must not hold (`readOnly`) or a response
    (`writeOnly`) is taken out; an object without `additionalProperties` gets no properties it does not declare (the
    SDK's models only type those). `safe`: unconstrained strings are kept to characters a header or path carries.
    """
    return _convert(schema, root, request, safe, ())


def _convert(
    schema: Any, root: dict[str, Any], request: bool, safe: bool, stack: tuple[str, ...], part: bool = False
) -> Any:
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict):
        raise Unsupported(f"schema {schema!r}")
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in stack or len(stack) > 12:
            return False
        if not ref.startswith("#/"):
            raise Unsupported(f"$ref {ref}")
        target: Any = root
        for token in ref[2:].split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        converted = _convert(target, root, request, safe, (*stack, ref), part)
        if siblings and isinstance(converted, dict):
            # siblings of a $ref (3.1) only add to it: open, like an allOf part
            return {"allOf": [converted, _convert(siblings, root, request, safe, stack, True)]}
        return converted
    out: dict[str, Any] = {}

    def sub(value: Any) -> Any:
        return _convert(value, root, request, safe, stack)

    for key, value in schema.items():
        if key in ("properties", "patternProperties"):
            out[key] = {
                name: sub(child)
                for name, child in value.items()
                if not (isinstance(child, dict) and child.get("readOnly" if request else "writeOnly") is True)
            }
        elif key in ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else"):
            out[key] = [sub(v) for v in value] if isinstance(value, list) else sub(value)
        elif key == "allOf":  # its parts are open: each holds only some of the properties
            out[key] = [_convert(v, root, request, safe, stack, True) for v in value]
        elif key in ("anyOf", "oneOf", "prefixItems"):
            out[key] = [sub(v) for v in value]
        elif key in ("type", "enum", "const", "required", "minimum", "maximum", "multipleOf", "minLength"):
            out[key] = value
        elif key in ("maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties"):
            out[key] = value
        elif key in ("exclusiveMinimum", "exclusiveMaximum", "format", "dependentRequired"):
            out[key] = value
    if isinstance(schema.get("discriminator"), dict):
        _tag_members(schema, out, root)
    if schema.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if "type" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    for bound in ("Minimum", "Maximum"):  # 3.0: a boolean beside minimum/maximum
        flag = out.get(f"exclusive{bound}")
        if isinstance(flag, bool):
            del out[f"exclusive{bound}"]
            if flag and bound.lower() in out:
                out[f"exclusive{bound}"] = out.pop(bound.lower())
    if isinstance(out.get("required"), list):
        # a property taken out above (readOnly in a request) is not required of it either
        removed = set(schema.get("properties") or {}) - set(out.get("properties") or {})
        out["required"] = [r for r in out["required"] if isinstance(r, str) and r not in removed]
    if "allOf" in out and not part and "additionalProperties" not in out and "propertyNames" not in out:
        names = _all_of_properties(out)
        if names is not None:
            out["propertyNames"] = {"enum": sorted(names | set(out.get("properties") or {}))}
    elif "properties" in out and "additionalProperties" not in out and not part:
        out["additionalProperties"] = False
        # `required` naming a property the object does not declare (Box's PostOAuth2Revoke: grant_type) cannot be
        # met by a closed object: left to Prism, which refuses the request if it must be there
        out["required"] = [r for r in out.get("required", []) if r in out["properties"]]
    fmt = out.get("format")
    if fmt in INT_FORMATS:
        low, high = INT_FORMATS[fmt]
        out.setdefault("minimum", low)
        out.setdefault("maximum", high)
    types = out.get("type")
    if safe and (types == "string" or types is None and not _composite(out)):
        if not any(k in out for k in ("pattern", "format", "enum", "const")):
            out["pattern"] = SAFE_TEXT
    return out


def _all_of_properties(schema: Any) -> set[str] | None:
    """The properties an allOf's parts declare, or None when one part is open to more (additionalProperties)."""
    names: set[str] = set()
    for part in schema.get("allOf") or []:
        if not isinstance(part, dict) or "additionalProperties" in part and part["additionalProperties"] is not False:
            return None
        if "allOf" in part:
            inner = _all_of_properties(part)
            if inner is None:
                return None
            names |= inner
        names |= set(part.get("properties") or {})
    return names


def _tag_members(schema: dict[str, Any], out: dict[str, Any], root: dict[str, Any]) -> None:
    """A discriminator fixes its property in each member (JSON Schema alone does not say so, and Prism's ajv
    ignores it): the mapping's values for that member, else its schema name, unless the member fixes it itself."""
    name = schema["discriminator"].get("propertyName")
    mapping = schema["discriminator"].get("mapping") or {}
    for key in ("oneOf", "anyOf"):
        for index, member in enumerate(schema.get(key) or []):
            ref = member.get("$ref") if isinstance(member, dict) else None
            if not isinstance(ref, str) or not isinstance(out[key][index], dict):
                continue
            short = ref.rsplit("/", 1)[-1]
            tags = [tag for tag, target in mapping.items() if target in (ref, short)]
            own = (_deref(member, root).get("properties") or {}).get(name)
            if not tags and isinstance(own, dict) and ("enum" in own or "const" in own):
                continue
            fixed = {"properties": {name: {"enum": tags or [short]}}, "required": [name]}
            out[key][index] = {"allOf": [out[key][index], fixed]}


def _composite(schema: dict[str, Any]) -> bool:
    return any(k in schema for k in ("allOf", "anyOf", "oneOf", "properties", "items", "enum", "const", "$ref"))


def _custom_formats() -> dict[str, Any]:
    from hypothesis import strategies as st

    return {
        "uuid": st.uuids().map(str),
        "byte": st.binary(max_size=12).map(lambda b: base64.b64encode(b).decode()),
        "binary": st.text("abcdef0123456789", max_size=16),  # a file's content
        "url": st.from_regex(r"\Ahttps://[a-z]{1,12}\.example\Z"),
    }


@dataclass(frozen=True)
class Plan:
    """What is drawn for one operation: each key of the drawn dict, and where its value goes."""

    strategy: Any
    binary_fields: frozenset[str]  # wire names of multipart/form fields that are files
    raw_body: bool  # the body is bytes (not JSON, form or multipart)


def plan(op: Operation, document: dict[str, Any]) -> Plan:
    from hypothesis import strategies as st
    from hypothesis_jsonschema import from_schema

    path_item, spec_op = spec_operation(op, document)
    declared = {}
    for raw in [*path_item.get("parameters", []), *spec_op.get("parameters", [])]:
        parameter = _deref(raw, document)
        declared[(parameter["name"], parameter["in"])] = parameter
    formats = _custom_formats()
    required: dict[str, Any] = {}
    optional: dict[str, Any] = {}
    for argument, wire, location in op.params:
        parameter = declared[(wire, location)]
        schema = parameter.get("schema")
        if schema is None:  # `content`: one media type, its schema
            (media,) = parameter["content"].values()
            schema = media.get("schema", {})
        converted = json_schema(schema, document, request=True, safe=location in ("path", "header", "cookie"))
        # A path segment cannot be empty; nor can a query value unless the parameter allows it (`allowEmptyValue`,
        # false by default: Prism refuses `?name=`). A required query array is absent from the URL when empty.
        empty = location == "query" and parameter.get("allowEmptyValue") is True
        if location in ("path", "query") and not empty and isinstance(converted, dict):
            if converted.get("type") == "string":
                converted.setdefault("minLength", 1)
            elif converted.get("type") == "array" and parameter.get("required"):
                converted.setdefault("minItems", 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            strategy = from_schema(converted, custom_formats=formats, allow_x00=False, codec="ascii")
        (required if parameter.get("required") else optional)[argument] = strategy
    binary: set[str] = set()
    raw_body = False
    if op.endpoint.body is not None:
        body = _deref(spec_op["requestBody"], document)
        media = body["content"][op.endpoint.body]
        schema = media.get("schema", {})
        resolved = _deref(schema, document)
        if op.endpoint.body.startswith(("multipart/", "application/x-www-form-urlencoded")):
            for wire, prop in (resolved.get("properties") or {}).items():
                prop = _deref(prop, document)
                items = _deref(prop.get("items", {}), document) if prop.get("type") == "array" else {}
                if "binary" in (prop.get("format"), items.get("format")) or "contentMediaType" in prop:
                    binary.add(wire)
        raw_body = op.body_argument is not None and not _is_json(op.endpoint.body) and not binary
        converted = json_schema(schema, document, request=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            required["\x00body"] = from_schema(converted, custom_formats=formats)
    return Plan(st.fixed_dictionaries(required, optional=optional), frozenset(binary), raw_body)


def spec_operation(op: Operation, document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(Path Item, Operation) of the document that `op` calls: by path and method, where a path key may carry a
    `#fragment` that the URL does not (Box's `/files/{file_id}#get_shared_link`); the operationId tells them apart."""
    method = op.endpoint.method.lower()
    candidates = [
        (item, item[method])
        for key, item in document["paths"].items()
        if key.split("#")[0] == op.endpoint.path and isinstance(item, dict) and method in item
    ]
    for item, operation in candidates:
        if operation.get("operationId") == op.endpoint.operation_id:
            return item, operation
    return candidates[0]


def spec_operation_key(op: Operation, document: dict[str, Any]) -> str:
    """The path key of the document under which `op` is described."""
    item, _ = spec_operation(op, document)
    return next(key for key, value in document["paths"].items() if value is item)


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().endswith(("/json", "+json"))


def _deref(node: Any, document: dict[str, Any]) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        target: Any = document
        for token in node["$ref"][2:].split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node, seen = target, seen + 1
    return node


def draw(strategy: Any, count: int, seed: int) -> list[Any]:
    """`count` values of `strategy`, the same ones for the same seed (hypothesis-jsonschema's values)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded

    found: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @seeded(seed)
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found[:count]


def arguments(op: Operation, drawn: dict[str, Any], the_plan: Plan) -> dict[str, Any]:
    """The keyword arguments of the SDK method for one drawn dict."""
    kwargs = {k: v for k, v in drawn.items() if k != "\x00body"}
    if "\x00body" not in drawn:
        return kwargs
    body = drawn["\x00body"]
    if op.body_fields:
        if not isinstance(body, dict):
            raise Unsupported(f"the drawn body is not an object: {body!r}"[:200])
        by_wire = {wire: argument for argument, wire in op.body_fields}
        for wire, value in body.items():
            if wire in by_wire:
                kwargs[by_wire[wire]] = _file(value) if wire in the_plan.binary_fields else value
    elif op.body_argument is not None:
        kwargs[op.body_argument] = body.encode() if the_plan.raw_body and isinstance(body, str) else body
    return kwargs


def _file(value: Any) -> Any:
    if isinstance(value, list):
        return [_file(v) for v in value]
    text = value if isinstance(value, str) else json.dumps(value)
    return {"file_name": "conformance.bin", "content": text.encode()}


# ------------------------------------------------------------------------------------------------ calling


class Recorder(httpx.BaseTransport):
    """The real transport, keeping the last request and response (read, so its body can be shown)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.last: httpx.Response | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.last = None
        response = self.inner.handle_request(request)
        response.read()
        self.last = response
        return response

    def close(self) -> None:
        self.inner.close()


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _violations(response: httpx.Response, where: str) -> list[str]:
    found = []
    for v in violations(response.headers):
        if not isinstance(v, dict):
            found.append(str(v))
        elif str(v.get("location", [""])[0]) == where and v.get("severity") == "Error":
            found.append(f"{'.'.join(map(str, v.get('location', [])))}: {v.get('message')}")
    return found


# The errors by which Prism refuses a request (prism-http's ProblemJsonError types); its others say it could not make
# a response (no schema to mock from, no response declared, ...).
REFUSALS = frozenset(
    {
        "UNPROCESSABLE_ENTITY",
        "UNAUTHORIZED",
        "NO_PATH_MATCHED_ERROR",
        "NO_METHOD_MATCHED_ERROR",
        "NO_SERVER_MATCHED_ERROR",
        "NOT_ACCEPTABLE",
        "INVALID_CONTENT_TYPE",
        "NOT_FOUND",
    }
)


def _prism_problem(response: httpx.Response) -> tuple[str, list[str]] | None:
    """(kind, messages) of an error Prism made itself (`https://stoplight.io/prism/errors#KIND`), else None.

    Under --errors, kind VIOLATIONS (a 500) means the response Prism made up breaks the description; the other kinds
    (UNPROCESSABLE_ENTITY, UNAUTHORIZED, NO_PATH_MATCHED_ERROR, ...) refuse the request.
    """
    if "problem+json" not in response.headers.get("content-type", ""):
        return None
    try:
        problem = response.json()
    except ValueError:
        return None
    kind = str(problem.get("type", "")) if isinstance(problem, dict) else ""
    if "stoplight.io/prism/errors#" not in kind:
        return None
    found = [
        f"{'.'.join(map(str, v.get('location', [])))}: {v.get('message')}"
        for v in problem.get("validation") or []
        if isinstance(v, dict)
    ]
    return kind.rpartition("#")[2], found or [f"{problem.get('title')}: {problem.get('detail')}"]


def call_once(op: Operation, kwargs: dict[str, Any], recorder: Recorder, url: str) -> tuple[str | None, str | None]:
    """(request failure, response failure): None where that side conforms."""
    recorder.last = None
    error: BaseException | None = None
    try:
        op.method(**kwargs, server_url=url, retries=None)
    except Exception as exc:  # noqa: BLE001 - every exception is a finding, classified below
        error = exc
    response = recorder.last
    if response is None:
        return f"SDK refused the arguments: {type(error).__name__}: {_short(str(error))}", None
    rejected = _violations(response, "request")
    problem = _prism_problem(response)
    if problem is not None and problem[0] in REFUSALS:
        rejected = rejected or [f"{problem[0]}: " + "; ".join(problem[1])]
    if rejected:
        return "Prism: " + _short("; ".join(rejected)), None
    if problem is not None and problem[0] == "VIOLATIONS":
        return None, "Prism's mock breaks the description: " + _short("; ".join(problem[1]))
    if problem is not None:
        return None, f"Prism made no response: {problem[0]}: " + _short("; ".join(problem[1]))
    if error is None:
        return None, None
    from_sdk = type(error).__module__.startswith(op.method.__module__.rpartition(".")[0])
    typed = from_sdk and type(error).__name__ not in ("SDKError", "ResponseValidationError")
    if typed:  # the error response the description declares, parsed as its model
        return None, None
    return None, f"{response.status_code}: {type(error).__name__}: {_short(str(error))}"


# ------------------------------------------------------------------------------------------------ one document


def spec_for_prism(document: dict[str, Any], folder: Path) -> Path:
    path = folder / "openapi.json"
    path.write_text(json.dumps(document))
    return path


def count_unmade(document: dict[str, Any]) -> int:
    """Webhooks and callbacks: operations the description holds that an SDK does not call."""
    count = sum(1 for item in (document.get("webhooks") or {}).values() for m in METHODS if m in (item or {}))
    for item in (document.get("paths") or {}).values():
        for method in METHODS:
            for callback in ((item or {}).get(method) or {}).get("callbacks", {}).values():
                for expression in (_deref(callback, document) or {}).values():
                    count += sum(1 for m in METHODS if m in (expression or {}))
    return count


def run_target(target: Target, *, examples: int = 2, seed: int = 0) -> Report:
    """Every operation of one SDK against Prism, `examples` calls each (fewer when the schemas allow fewer)."""
    started = time.perf_counter()
    report = Report(target.name)
    document = load_document(target.spec)
    report.skipped = count_unmade(document)
    if not any(m in (item or {}) for item in (document.get("paths") or {}).values() for m in METHODS):
        report.seconds = time.perf_counter() - started  # nothing to call (webhooks only): Prism refuses to start
        return report
    with tempfile.TemporaryDirectory(prefix="conformance-") as folder:
        spec = spec_for_prism(document, Path(folder))
        try:
            prism = Prism(spec, errors=True, extra=("--dynamic", "--seed", str(seed))).start()
        except (RuntimeError, TimeoutError) as exc:
            report.error = _short(f"Prism cannot serve it: {exc}", 500)
            return report
        recorder = Recorder()
        try:
            client = sdk_client(target, prism.url, recorder)
            for op in operations(client):
                report.operations += 1
                if op.endpoint.kind == "stream":
                    report.skipped += 1
                    report.streams += 1
                    continue
                _run_operation(report, op, document, recorder, prism, examples, seed)
        finally:
            recorder.close()
            prism.stop()
    report.seconds = time.perf_counter() - started
    return report


def _run_operation(
    report: Report, op: Operation, document: dict[str, Any], recorder: Recorder, prism: Prism, examples: int, seed: int
) -> None:
    report.tried += 1
    found: Counter[tuple[str, str]] = Counter()
    try:
        the_plan = plan(op, document)
        drawn = draw(the_plan.strategy, examples, seed)
        calls = [arguments(op, d, the_plan) for d in drawn]
    except Exception as exc:  # noqa: BLE001 - hypothesis-jsonschema gives up on some schemas: a finding
        cause = (
            "no value satisfies the schemas"
            if type(exc).__name__ == "Unsatisfiable"
            else f"{type(exc).__name__}: {exc}"
        )
        report.failures.append(Failure(report.document, op.label, "draw", _short(cause)))
        return
    if not calls:
        report.failures.append(Failure(report.document, op.label, "draw", "no value satisfies the schemas"))
        return
    for kwargs in calls:
        report.requests += 1
        request_failure, response_failure = call_once(op, kwargs, recorder, prism.url)
        if request_failure is not None and "APIConnectionError" in request_failure and prism.process is not None:
            try:  # the connection broke: give Prism a moment to exit, if that is why
                prism.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
        if prism.process is not None and prism.process.poll() is not None:  # the request crashed Prism: restart it
            last = [line for line in prism.output().splitlines() if line.strip()][-1:]
            request_failure, response_failure = "Prism crashed on this request: " + _short(" ".join(last)), None
            prism.stop()
            prism.start()
        if request_failure is None:
            report.accepted += 1
            if response_failure is None:
                report.parsed += 1
            else:
                found[("response", response_failure)] += 1
        else:
            stage = "call" if request_failure.startswith("SDK refused") else "request"
            found[(stage, request_failure)] += 1
    if found and "#" in spec_operation_key(op, document):
        found = Counter(
            {
                (stage, f"{cause} (#fragment: {spec_operation_key(op, document)})"): n
                for (stage, cause), n in found.items()
            }
        )
    stages = {stage for stage, _ in found}
    report.ops_accepted += not stages & {"call", "request"}
    report.ops_parsed += not stages
    for stage in sorted(stages):  # one line per failing stage: its first cause
        cause = min(c for s, c in found if s == stage)
        report.failures.append(Failure(report.document, op.label, stage, cause))


# ------------------------------------------------------------------------------------------------ known causes

# Why a failure happens, for the failures understood so far: (who, pattern of the cause, explanation). "Prism": a
# limitation of Prism 5.16, the SDK being right; "spec": the description asks for what has no form on the wire or
# contradicts itself; "gen": an open gen bug. Read by the bench's report (grouped) and by the CI test's EXPECTED.
KNOWN: list[tuple[str, str, str]] = [
    (
        "spec",
        r"#fragment",
        "the path key carries a #fragment (Box's `/shared_items#folders`): several operations share one URL and "
        "method, and Prism validates and answers each as the first of them",
    ),
    (
        "Prism",
        r"Prism's mock breaks the description",
        "Prism's json-schema-faker makes up a response that breaks the description (recursive schemas, oneOf members "
        "that overlap); Prism then answers 500 under --errors, so there is nothing to parse",
    ),
    (
        "Prism",
        r"Prism made no response: (UNKNOWN|NO_RESPONSE)",
        "Prism cannot make this response: no schema to mock from (examples only), or no response declared",
    ),
    (
        "Prism",
        r"Prism crashed|Server disconnected without sending a response|\"code\":\"internal_server_error\"",
        "the request crashes Prism 5.16 (a TypeError in its body negotiation); the next one finds it restarted",
    ),
    (
        "Prism",
        r"must be (array|object)|address must have required property|geo must have required property",
        "Prism does not decode form and multipart bodies as OpenAPI encodes them: repeated parts and "
        "pipe/comma-delimited fields are not read as arrays, deepObject fields (a[b]=c) are not read as objects (and "
        "appear, empty, when absent), JSON parts (contentType application/json) are not parsed",
    ),
    (
        "Prism",
        r"required property '[^']*%20",
        "Prism does not read `+` as a space in a query parameter's name (httpx writes spaces as `+`, as HTML forms do)",
    ),
    (
        "Prism",
        r"Body parameter is required",
        'Prism takes a JSON body that is a falsy value ("", 0, false) for no body',
    ),
    (
        "spec",
        r"Request body property \S+ must match exactly one schema in oneOf",
        "a oneOf whose members overlap (golden/shared_tags: an open TextPart admits every CitedTextPart): a value of "
        "the larger member matches two members, which oneOf forbids",
    ),
    (
        "spec",
        r"no value satisfies",
        "no value satisfies the schema (a oneOf of two identical members: every value matches both)",
    ),
    (
        "spec",
        r"Request (query|body) must have required property '(null_required|an_enum_value_with|some_nullable)",
        "a null has no form in a query string or a multipart part: the SDK leaves the null out, and Prism misses "
        "the required parameter",
    ),
    (
        "spec",
        r"must have required property '(grant_type|id)'",
        "`required` names a property the schema does not declare (Box's PostOAuth2Revoke: grant_type, "
        "post_invites' actionable_by: id), so the SDK's model has no field for it",
    ),
    (
        "gen",
        r"Illegal header name",
        "a header parameter whose name is not an HTTP token (`header param`): gen should refuse or warn at build time",
    ),
    (
        "gen",
        r"aCamelDateTime must match",
        "a union of date-time and date (`anyOf: [date-time, date]`): a date is validated into a naive datetime and "
        "sent as `2000-01-01T00:00:00`, which is neither",
    ),
    (
        "gen",
        r"^30[1-8]: SDKError",
        "an operation whose only response is a redirect (Twilio's 307 with a JSON body) raises SDKError",
    ),
]


def explain(failure: Failure) -> tuple[str, str] | None:
    """(who, why) of a failure whose cause is understood, else None."""
    for who, pattern, why in KNOWN:
        if re.search(pattern, failure.cause):
            return who, why
    return None


# ------------------------------------------------------------------------------------------------ the table


def table(reports: list[Report]) -> str:
    lines = [
        "| document | operations | skipped | tried | requests | accepted | parsed | ops accepted | ops parsed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total = Report("**total**")
    for r in reports:
        if r.error:
            lines.append(f"| {r.document} | — | — | — | — | — | — | — | {r.error} |")
            continue
        lines.append(_row(r))
        for name in ("operations", "skipped", "tried", "requests", "accepted", "parsed", "ops_accepted", "ops_parsed"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    lines.append(_row(total))
    return "\n".join(lines)


def _row(r: Report) -> str:
    figures = [r.operations, r.skipped, r.tried, r.requests, r.accepted, r.parsed, r.ops_accepted, r.ops_parsed]
    return f"| {r.document} | " + " | ".join(str(f) for f in figures) + " |"
