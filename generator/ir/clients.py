"""The client side of the IR: operation groups, security schemes, and exceptions for error bodies."""

from __future__ import annotations

import keyword
from dataclasses import replace
from typing import Any

from . import types as t
from .naming import Namer, attribute_name, module_name, pascal, snake

# Modules of the SDK package that a group module must not shadow.
_RESERVED_MODULES = frozenset({"models", "sdk", "errors", "utils", "types", "httpclient"})
# Names that sdk.py and the group modules import; a group class must not take one of them.
_RESERVED_CLASSES = frozenset(
    """
    Any Call Callable Config Dict Endpoint EventStream EventStreamAsync File FileTypedDict Hooks List
    Literal Mapping Nullable Optional OptionalNullable Param RetryConfig Scheme Tuple Type
    TracebackType Union None True False
    """.split()
)


def security_schemes(root: dict[str, Any], sdk_class: str) -> tuple[t.SecurityScheme, ...]:
    """The schemes the document-wide `security` requirement names, in order; others are unused."""
    defined = (root.get("components") or {}).get("securitySchemes") or {}
    keys: list[str] = []
    for requirement in root.get("security") or []:
        if isinstance(requirement, dict):
            keys.extend(str(k) for k in requirement if str(k) not in keys)
    # Operations may name schemes the document-wide requirement does not: the SDK takes those too.
    for item in (root.get("paths") or {}).values():
        for op in (item or {}).values() if isinstance(item, dict) else ():
            for requirement in op.get("security") or [] if isinstance(op, dict) else []:
                if isinstance(requirement, dict):
                    keys.extend(str(k) for k in requirement if str(k) not in keys)
    schemes = []
    params: set[str] = set()
    for key in keys:
        spec = defined.get(key)
        if not isinstance(spec, dict):
            continue
        kind, location, wire = _scheme_shape(spec)
        if kind is None:
            continue
        param = snake(key)
        while param in params or param in (
            "server_url",
            "server",
            "client",
            "async_client",
            "retry_config",
            "timeout_ms",
            "hooks",
            "url_params",
        ):
            param += "_"
        params.add(param)
        env = f"{snake(sdk_class).upper()}_{snake(key).upper()}"
        description = spec.get("description")
        schemes.append(
            t.SecurityScheme(
                key, param, kind, location, wire, env, description if isinstance(description, str) else None
            )
        )
    return tuple(schemes)


def _scheme_shape(spec: dict[str, Any]) -> tuple[Any, Any, str]:
    typ = spec.get("type")
    if typ == "http" and str(spec.get("scheme", "")).lower() == "basic":
        return "basic", "header", "Authorization"
    if typ in ("http", "oauth2", "openIdConnect"):
        return "bearer", "header", "Authorization"
    if typ == "apiKey" and spec.get("in") in ("header", "query", "cookie") and isinstance(spec.get("name"), str):
        return "api_key", spec["in"], spec["name"]
    return None, None, ""


def errors_from_bodies(
    declarations: dict[str, t.Declaration], operations: list[t.Operation], used_elsewhere: set[str], namer: Namer
) -> list[t.Operation]:
    """Every model that an error response carries gets an exception class.

    A schema used only as an error body gives its name to the exception (`HTTPValidationError`),
    and its model becomes `HTTPValidationErrorData`: `except models.HTTPValidationError` reads as
    the API names the error. A schema also used elsewhere keeps its name; the exception is `<Name>Error`.
    """
    renamed: dict[str, t.Ref] = {}
    errors: dict[str, t.Ref] = {}
    for op in operations:
        for r in op.responses:
            if r.status.startswith(("2", "1", "3")) or not isinstance(r.type, t.Ref) or r.type.kind != "model":
                continue
            name = r.type.name
            if name in errors:
                continue
            model = declarations[name]
            assert isinstance(model, t.Model)
            if name in used_elsewhere:
                error_name = namer.claim(name + "Error", twin=True)
                data = r.type
            else:
                data_name = namer.claim(name + "Data", twin=True)
                data = t.Ref(data_name, "model", module_name(data_name))
                renamed[name] = data
                del declarations[name]
                declarations[data_name] = replace(model, name=data_name, module=data.module)
                error_name = name
            errors[name] = t.Ref(error_name, "error", module_name(error_name))
            declarations[error_name] = t.ErrorClass(error_name, module_name(error_name), model.description, data)

    def fix(r: t.Response) -> t.Response:
        if isinstance(r.type, t.Ref) and r.type.name in errors and not r.status.startswith("2"):
            return replace(r, type=errors[r.type.name])
        if isinstance(r.type, t.Ref) and r.type.name in renamed:
            return replace(r, type=renamed[r.type.name])
        return r

    return [replace(op, responses=tuple(fix(r) for r in op.responses)) for op in operations]


def group_tree(operations: list[t.Operation], tag_descriptions: dict[str, str], sdk_class: str) -> tuple[t.Group, ...]:
    paths: dict[tuple[str, ...], list[t.Operation]] = {}
    for op in operations:
        for depth in range(1, len(op.group) + 1):
            paths.setdefault(op.group[:depth], [])
        paths[op.group].append(op)
    taken: set[str] = set()
    classes: set[str] = set(_RESERVED_CLASSES) | {sdk_class}
    # Groups are named like their tag in snake_case ("1-Click Applications" → one_click_applications).
    descriptions = {attribute_name(tag): text for tag, text in reversed(tag_descriptions.items())}

    def node(path: tuple[str, ...]) -> t.Group:
        children = tuple(node(p) for p in paths if len(p) == len(path) + 1 and p[: len(path)] == path)
        module = "_".join(path).strip("_").lower()
        while module in _RESERVED_MODULES or module in taken or keyword.iskeyword(module):
            module += "_"
        taken.add(module)
        class_name = pascal("_".join(path))
        while class_name in classes:
            class_name += "Api"
        classes.add(class_name)
        return t.Group(
            path=path,
            class_name=class_name,
            module=module,
            description=descriptions.get(path[-1]),
            operations=tuple(paths[path]),
            children=children,
        )

    return tuple(node(p) for p in paths if len(p) == 1)
