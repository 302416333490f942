"""How operations and groups are spelled in Python: method signatures, endpoints, the SDK class."""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import types as t
from .text import py_literal

_PRIMITIVES = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "bytes": "bytes",
    "file": "File",
    "any": "Any",
    "none": "None",
    "date": "date",
    "datetime": "datetime",
}
# Keyword arguments every method takes; parameters of the API that clash are renamed.
CALL_OPTIONS = ("retries", "server_url", "timeout_ms", "http_headers")


def annotation(typ: t.Type, typed_dict: bool = False) -> str:
    """A type as group modules spell it: models through the lazily loaded `models` package."""
    if isinstance(typ, t.Primitive):
        name = _PRIMITIVES[typ.name]
        return f"{name}TypedDict" if typed_dict and name == "File" else name
    if isinstance(typ, t.ListOf):
        return f"List[{annotation(typ.item, typed_dict)}]"
    if isinstance(typ, t.MapOf):
        return f"Dict[str, {annotation(typ.value, typed_dict)}]"
    if isinstance(typ, t.Const):
        return f"Literal[{py_literal(typ.value)}]"
    if isinstance(typ, t.NullableOf):
        return f"Nullable[{annotation(typ.inner, typed_dict)}]"
    if typed_dict and typ.kind in ("model", "union", "alias"):
        return f"models.{typ.name}TypedDict"
    return f"models.{typ.name}"


def accepts(typ: t.Type) -> str:
    """What a caller may pass: the model, or the same data as plain dicts (the TypedDict twin)."""
    plain, typed = annotation(typ), annotation(typ, typed_dict=True)
    return plain if plain == typed else f"Union[{plain}, {typed}]"


@dataclass(frozen=True)
class Argument:
    name: str  # the keyword argument
    annotation: str
    default: str | None  # None: required
    description: str | None
    wire_name: str = ""


@dataclass(frozen=True)
class OperationView:
    op: t.Operation
    constant: str  # the module-level Endpoint's name
    arguments: tuple[Argument, ...]  # keyword-only, required first
    param_names: tuple[str, ...]  # in Endpoint.params order
    body: str | None  # Python expression building the body, or None
    returns: str  # annotation of the sync method's result
    returns_async: str
    runner: str  # call | stream
    endpoint_args: tuple[str, ...]  # source of the Endpoint(...) arguments
    docstring: str | None
    params_doc: tuple[Argument, ...]


def _wrapper(required: bool, nullable: bool) -> tuple[str, str | None]:
    if required:
        return ("Nullable", None) if nullable else ("", None)
    return ("OptionalNullable", "UNSET") if nullable else ("Optional", "None")


def _argument(name: str, typ: t.Type, required: bool, nullable: bool, default: t.Const | None, description: str | None, wire: str) -> Argument:
    wrapper, fallback = _wrapper(required, nullable)
    inner = accepts(typ)
    spelled = f"{wrapper}[{inner}]" if wrapper else inner
    value = py_literal(default.value) if default is not None else fallback
    return Argument(name, spelled, value, description, wire)


def operation_view(op: t.Operation, declarations: dict[str, t.Declaration]) -> OperationView:
    taken = set(CALL_OPTIONS)
    arguments: list[Argument] = []
    for p in op.parameters:
        name = p.name
        while name in taken:
            name += "_"
        taken.add(name)
        arguments.append(_argument(name, p.type, p.required, p.nullable, None, p.description, p.wire_name))
    param_names = tuple(a.name for a in arguments)

    body_expr = None
    body_content = None
    if op.body is not None:
        body_content = op.body.content_type
        target = declarations.get(op.body.type.name) if isinstance(op.body.type, t.Ref) else None
        if isinstance(target, t.Model) and target.fields:
            # An object body is flattened into keyword arguments, then validated as its model.
            pairs = []
            for f in target.fields:
                name = f.name
                while name in taken:
                    name += "_"
                taken.add(name)
                required = f.required and f.default is None
                arguments.append(_argument(name, f.type, required, f.nullable, f.default, f.description, f.wire_name))
                pairs.append(f"{py_literal(f.name)}: {name}")
            # Validated from a dict: the caller may pass models or plain dicts for every field.
            body_expr = f"models.{target.name}.model_validate({{{', '.join(pairs)}}})"
        else:
            name = "request"
            while name in taken:
                name += "_"
            taken.add(name)
            arguments.append(_argument(name, op.body.type, op.body.required, False, None, op.body.description, ""))
            body_expr = name
    arguments.sort(key=lambda a: a.default is not None)

    success = next((r for r in op.responses if r.status.startswith("2")), None)
    if op.streaming and success is not None and success.type is not None:
        kind, result = "stream", annotation(success.type)
        returns, returns_async = f"EventStream[{result}]", f"EventStreamAsync[{result}]"
        runner, accept = "stream", "text/event-stream"
    elif success is not None and success.type is not None and success.content_type and _is_json(success.content_type):
        kind, result = "json", annotation(success.type)
        returns = returns_async = result
        runner, accept = "call", success.content_type
    elif success is not None and success.content_type is not None:
        kind, result = "raw", "httpx.Response"
        returns = returns_async = result
        runner, accept = "call", success.content_type
    else:
        kind, result = "empty", "None"
        returns = returns_async = result
        runner, accept = "call", "application/json"

    errors = []
    for r in op.responses:
        if r.status.startswith("2") or not isinstance(r.type, t.Ref) or r.type.kind != "error":
            continue
        error = declarations[r.type.name]
        assert isinstance(error, t.ErrorClass)
        errors.append(f"({py_literal(r.status)}, models.{error.name}, models.{error.data.name})")

    constant = "_" + op.method_name.upper()
    endpoint_args = [py_literal(op.operation_id), py_literal(op.http_method), py_literal(op.path)]
    if op.parameters:
        params = ", ".join(
            f"Param({py_literal(p.wire_name)}, {py_literal(p.location)}, {py_literal(p.style)}, {p.explode})"
            for p in op.parameters
        )
        endpoint_args.append(f"params=({params},)")
    if body_content is not None:
        endpoint_args.append(f"body={py_literal(body_content)}")
    endpoint_args.append(f"accept={py_literal(accept)}")
    if kind in ("json", "stream"):
        endpoint_args.append(f"response=lambda: {result}")
    endpoint_args.append(f"kind={py_literal(kind)}")
    if errors:
        endpoint_args.append(f"errors=lambda: ({', '.join(errors)},)")
    if op.security is not None:
        endpoint_args.append(f"security=({''.join(py_literal(s) + ', ' for s in op.security)})")
    if op.server_url:
        endpoint_args.append(f"server_url={py_literal(op.server_url)}")
    if op.sse_sentinel is not None:
        endpoint_args.append(f"sentinel={py_literal(op.sse_sentinel)}")
    doc = _docstring(op, arguments)
    return OperationView(
        op=op,
        constant=constant,
        arguments=tuple(arguments),
        param_names=param_names,
        body=body_expr,
        returns=returns,
        returns_async=returns_async,
        runner=runner,
        endpoint_args=tuple(endpoint_args),
        docstring=doc,
        params_doc=tuple(arguments),
    )


def _docstring(op: t.Operation, arguments: list[Argument]) -> str:
    parts = [x.strip() for x in (op.summary, op.description) if x and x.strip()]
    if parts and len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    lines = ["Args:"]
    for a in arguments:
        about = " ".join((a.description or "").split()) or "(no description in the API)"
        lines.append(f"    {a.name}: {about}")
    lines += [
        "    retries: Override the client's retry configuration for this call (None: no retries).",
        "    server_url: Override the server URL for this call.",
        "    timeout_ms: Override the client's timeout for this call, in milliseconds.",
        "    http_headers: Extra headers to send with this call.",
    ]
    if op.deprecated:
        parts.append("Deprecated: the API may remove this operation.")
    return "\n\n".join([*parts, "\n".join(lines)])


def _is_json(content_type: str) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


@dataclass(frozen=True)
class GroupView:
    group: t.Group
    operations: tuple[OperationView, ...]
    children: tuple[t.Group, ...]
    typing_names: tuple[str, ...]


def group_view(group: t.Group, declarations: dict[str, t.Declaration]) -> GroupView:
    operations = tuple(operation_view(op, declarations) for op in group.operations)
    source = " ".join(a.annotation for v in operations for a in v.arguments) + " ".join(v.returns for v in operations)
    names = tuple(n for n in ("Any", "Dict", "List", "Literal", "Union") if n + "[" in source or n + "," in source or f"{n}]" in source)
    return GroupView(group, operations, group.children, names)
