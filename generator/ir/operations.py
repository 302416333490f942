"""Paths → IR operations: grouping, method names, parameters, bodies, responses."""

from __future__ import annotations

import re
from typing import Any, cast

from ..problems import escape_pointer_token, working_on
from . import types as t
from .naming import Routes, attribute_name, field_name, framework_name, is_mechanical, pascal, unique
from .schemas import SchemaConverter

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")  # query: 3.2
_STATUS = re.compile(r"^(default|[1-5][0-9][0-9]|[1-5]XX)$")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_BODY_STYLES = ("form", "spaceDelimited", "pipeDelimited", "deepObject")
_BODY_PREFERENCE = (
    "application/json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
)


def _is_json(content_type: str) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


_RETRY_STATUS = re.compile(r"[1-5](?:[0-9]{2}|XX)", re.IGNORECASE)


class OperationBuilder:
    def __init__(self, schemas: SchemaConverter) -> None:
        self.schemas = schemas
        # The spec's operation object and its pointer, for each operation build_all returns, in the same order.
        self.sources: list[tuple[dict[str, Any], str]] = []

    def build_all(self) -> list[t.Operation]:
        found_all: list[tuple[str, str, dict[str, Any], dict[str, Any], str]] = []
        paths = self.schemas.root.get("paths") or {}
        for path, item in paths.items():
            item_ptr = "/paths/" + escape_pointer_token(path)
            item, item_ptr = self.schemas.deref(item, item_ptr)
            if not isinstance(item, dict):
                continue
            found = [(method, item.get(method), f"{item_ptr}/{method}") for method in HTTP_METHODS]
            # 3.2: methods without a field of their own (COPY, LINK, ...), keyed by their name.
            extra = item.get("additionalOperations")
            if isinstance(extra, dict):
                for method, op in extra.items():
                    found.append((str(method), op, f"{item_ptr}/additionalOperations/{escape_pointer_token(method)}"))
            found_all.extend((path, method, op, item, op_ptr) for method, op, op_ptr in found if isinstance(op, dict))
        routes = Routes([(path, method) for path, method, *_ in found_all])
        operations: list[t.Operation] = []
        pointers: list[str] = []
        for path, method, op, item, op_ptr in found_all:
            with working_on(self.schemas.file, op_ptr):
                operations.append(self._operation(path, method, op, item, op_ptr, routes))
            pointers.append(op_ptr)
            self._callbacks(op, op_ptr)
        self._webhooks()
        # Method names must be unique within a group, and differ from the group's subgroups and from the names every
        # group has (`with_raw_response`); the first in spec order keeps its name.
        taken = sorted({".".join(op.group[:depth]) for op in operations for depth in range(2, len(op.group) + 1)})
        taken += sorted({".".join(op.group) + ".with_raw_response" for op in operations})
        keys = unique([*taken, *(".".join(op.group) + "." + op.method_name for op in operations)])[len(taken) :]
        result = []
        self.sources = [(op, op_ptr) for _, _, op, _, op_ptr in found_all]
        for op, key, op_ptr in zip(operations, keys, pointers, strict=True):
            method_name = key.rsplit(".", 1)[1]
            if method_name != op.method_name:
                self.schemas.warn(
                    op_ptr, f"two operations are named {'.'.join(op.group)}.{op.method_name}; this one is {method_name}"
                )
            result.append(_replace(op, method_name=method_name))
        return result

    def _webhooks(self) -> None:
        """Webhooks are requests the API sends, not ones an SDK makes: each is named, never dropped silently."""
        webhooks = self.schemas.root.get("webhooks")
        for name, item in (webhooks or {}).items() if isinstance(webhooks, dict) else ():
            item_ptr = "/webhooks/" + escape_pointer_token(name)
            item, item_ptr = self.schemas.deref(item, item_ptr)
            for method in HTTP_METHODS:
                if isinstance(item, dict) and isinstance(item.get(method), dict):
                    self.schemas.warn(
                        f"{item_ptr}/{method}",
                        f"webhook {name!r} ({method.upper()}) is not generated: the API sends it, an SDK only makes "
                        "requests (the component schemas it uses are generated as models)",
                    )

    def _callbacks(self, op: dict[str, Any], op_ptr: str) -> None:
        callbacks = op.get("callbacks")
        for name in callbacks if isinstance(callbacks, dict) else ():
            self.schemas.warn(
                f"{op_ptr}/callbacks/{escape_pointer_token(name)}",
                f"callback {name!r} is not generated: the API sends it, an SDK only makes requests",
            )

    def retry_status_codes(self, ext: Any, ptr: str) -> tuple[str, ...] | None:
        """`statusCodes` of an x-speakeasy-retries extension ("429", 503, "5XX"), or None without one."""
        if ext is None:
            return None
        codes = ext.get("statusCodes") if isinstance(ext, dict) else None
        if codes is None:
            return None
        if not isinstance(codes, list) or not all(
            isinstance(c, (str, int)) and not isinstance(c, bool) and _RETRY_STATUS.fullmatch(str(c)) for c in codes
        ):
            self.schemas.warn(f"{ptr}/statusCodes", 'ignored: expected a list of status codes like 503 or "5XX"')
            return None
        return tuple(str(c).upper() for c in codes)

    def _operation(
        self, path: str, method: str, op: dict[str, Any], item: dict[str, Any], ptr: str, routes: Routes
    ) -> t.Operation:
        operation_id = op.get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            operation_id = f"{method}_{path}"
        ctx = pascal(operation_id)
        group, method_name = _names(op, path, method, routes)

        parameters = self._parameters(item, op, ptr, ctx)
        body = self._body(op, ptr, ctx)
        responses = self._responses(op, ptr, ctx)
        successes = [r for r in responses if r.status.startswith("2")]
        streaming = any(r.content_type == "text/event-stream" for r in successes)
        sentinel = op.get("x-speakeasy-sse-sentinel")
        retry_codes = self.retry_status_codes(op.get("x-speakeasy-retries"), f"{ptr}/x-speakeasy-retries")
        security = None
        if isinstance(op.get("security"), list):
            security = tuple(dict.fromkeys(str(k) for req in op["security"] if isinstance(req, dict) for k in req))
        server_url = None
        if isinstance(op.get("servers"), list) and op["servers"] and isinstance(op["servers"][0], dict):
            server_url = op["servers"][0].get("url") if isinstance(op["servers"][0].get("url"), str) else None
        summary = op.get("summary")
        description = op.get("description")
        return t.Operation(
            group=group,
            method_name=method_name,
            operation_id=operation_id,
            http_method=method.upper(),
            path=path.split("#", 1)[0],
            summary=summary if isinstance(summary, str) else None,
            description=description if isinstance(description, str) else None,
            parameters=parameters,
            body=body,
            responses=responses,
            streaming=streaming,
            sse_sentinel=sentinel if isinstance(sentinel, str) else None,
            deprecated=op.get("deprecated") is True,
            security=security,
            retry_status_codes=retry_codes,
            server_url=server_url,
        )

    def _parameters(self, item: dict[str, Any], op: dict[str, Any], ptr: str, ctx: str) -> tuple[t.Parameter, ...]:
        item_ptr = ptr.rsplit("/", 1)[0]
        found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for base, params in ((item_ptr, item.get("parameters")), (ptr, op.get("parameters"))):
            for i, param in enumerate(params or []):
                p, p_ptr = self.schemas.deref(param, f"{base}/parameters/{i}")
                if (
                    isinstance(p, dict)
                    and isinstance(p.get("name"), str)
                    and p.get("in") in ("path", "query", "header", "cookie")
                ):
                    found[(p["name"], p["in"])] = (p, p_ptr)
                elif isinstance(p, dict):
                    # Never dropped silently: an SDK without the parameter could not make the call.
                    where = p.get("in")
                    self.schemas.error(
                        p_ptr + ("/in" if "in" in p else ""),
                        f"parameter {p.get('name')!r} cannot be generated: `in` must be path, query, header or cookie, not {where!r}",
                    )
        names = unique([field_name(name) for name, _ in found])
        result = []
        for ((wire, location), (p, p_ptr)), name in zip(found.items(), names, strict=True):
            schema = p.get("schema")
            schema_ptr = p_ptr + "/schema"
            if schema is None and isinstance(p.get("content"), dict) and p["content"]:
                media_type, media = next(iter(p["content"].items()))
                schema = (media or {}).get("schema")
                schema_ptr = f"{p_ptr}/content/{escape_pointer_token(media_type)}/schema"
            typ = self.schemas.type_of(schema, schema_ptr, ctx + pascal(wire))
            nullable = isinstance(typ, t.NullableOf)
            if isinstance(typ, t.NullableOf):
                typ = typ.inner
            required = p.get("required") is True
            if location == "path" and not required:
                self.schemas.error(p_ptr + "/required", f"path parameter {wire!r} must be required")
            style = p.get("style") or ("simple" if location in ("path", "header") else "form")
            explode = p.get("explode", style == "form")
            example = None
            if "example" in p:
                example = t.Example(p["example"])
            default = schema.get("default") if isinstance(schema, dict) else None
            result.append(
                t.Parameter(
                    name=name,
                    wire_name=wire,
                    location=cast(t.Location, location),
                    type=typ,
                    required=required or location == "path",
                    nullable=nullable,
                    description=p.get("description") if isinstance(p.get("description"), str) else None,
                    style=str(style),
                    explode=bool(explode),
                    deprecated=p.get("deprecated") is True,
                    example=example,
                    default=default if isinstance(default, int) and not isinstance(default, bool) else None,
                )
            )
        # Path parameters first (in path order), then required ones, then the rest.
        return tuple(sorted(result, key=lambda p: (p.location != "path", not p.required)))

    def _body(self, op: dict[str, Any], ptr: str, ctx: str) -> t.Body | None:
        body, body_ptr = self.schemas.deref(op.get("requestBody"), ptr + "/requestBody")
        if not isinstance(body, dict):
            return None
        content = body.get("content") or {}
        if not content:
            return None
        chosen = next((ct for ct in _BODY_PREFERENCE if ct in content), None)
        if chosen is None:
            chosen = next((ct for ct in content if _is_json(ct)), next(iter(content)))
        media = content[chosen] or {}
        schema_ptr = f"{body_ptr}/content/{escape_pointer_token(chosen)}/schema"
        if "schema" in media:
            typ = self.schemas.type_of(media["schema"], schema_ptr, ctx + "Request")
        else:
            typ = t.Primitive("bytes")
        description = body.get("description")
        return t.Body(
            chosen,
            typ,
            body.get("required") is True,
            description if isinstance(description, str) else None,
            self._encoding(chosen, media),
        )

    def _encoding(self, media_type: str, media: dict[str, Any]) -> tuple[t.PartEncoding, ...]:
        """The Encoding Objects of a form or multipart body (OpenAPI ignores them for any other media type)."""
        encoding = media.get("encoding")
        if media_type not in _FORMS or not isinstance(encoding, dict):
            return ()
        result = []
        for wire, spec in encoding.items():
            if not isinstance(spec, dict):
                continue
            style, explode = spec.get("style"), spec.get("explode")
            if style not in _BODY_STYLES:
                style = None  # another style is a schema violation, reported (as a warning) by validation
            explicit = style is not None or isinstance(explode, bool)
            # With neither style nor explode given, the property goes by its content type (OpenAPI 3.1.1, Encoding
            # Object); with either, the other takes its default as for a query parameter.
            style = (style or "form") if explicit else None
            part_type = spec.get("contentType")
            result.append(
                t.PartEncoding(
                    wire_name=str(wire),
                    style=style,
                    explode=explode if isinstance(explode, bool) else style == "form",
                    content_type=part_type if isinstance(part_type, str) and part_type.strip() else None,
                )
            )
        return tuple(result)

    def _responses(self, op: dict[str, Any], ptr: str, ctx: str) -> tuple[t.Response, ...]:
        result: list[t.Response] = []
        responses = op.get("responses") or {}
        if not isinstance(responses, dict):
            self.schemas.error(f"{ptr}/responses", "responses must be an object of status codes and responses")
            return ()
        for status, response in responses.items():
            status = str(status)
            r_ptr = f"{ptr}/responses/{escape_pointer_token(status)}"
            if not _STATUS.match(status):
                self.schemas.error(r_ptr, f"{status!r} is not an HTTP status code (100-599, 1XX-5XX or default)")
                continue
            response, r_ptr = self.schemas.deref(response, r_ptr)
            if not isinstance(response, dict):
                continue
            description = response.get("description") if isinstance(response.get("description"), str) else None
            content = response.get("content") or {}
            if not content:
                result.append(t.Response(status, None, None, description))
                continue
            chosen = next((ct for ct in content if _is_json(ct)), None)
            if chosen is None:
                chosen = "text/event-stream" if "text/event-stream" in content else next(iter(content))
            media = content[chosen] or {}
            suffix = "Response" if status.startswith("2") else f"Error{status}" if status != "default" else "Error"
            schema_ptr = f"{r_ptr}/content/{escape_pointer_token(chosen)}/schema"
            if "schema" in media:
                typ: t.Type | None = self.schemas.type_of(media["schema"], schema_ptr, ctx + suffix)
            else:
                typ = None
            result.append(t.Response(status, chosen, typ, description))
        result.sort(key=lambda r: not r.status.startswith("2"))
        return tuple(result)


def _names(op: dict[str, Any], path: str, method: str, routes: Routes) -> tuple[tuple[str, ...], str]:
    """The group and method name: x-speakeasy-group, else the first tag, else the path (see Routes); then
    x-speakeasy-name-override, else the operationId (without what a framework added), except where the path placed the
    operation and the operationId only spells out its method and path: then the path's shape names it too."""
    given = op.get("operationId")
    operation_id = given if isinstance(given, str) and given else None
    if operation_id is not None:
        operation_id = framework_name(operation_id, path.split("#", 1)[0], method)
    group_ext = op.get("x-speakeasy-group")
    tags = op.get("tags")
    by_path = None
    if isinstance(group_ext, str) and group_ext:
        group = tuple(attribute_name(g) for g in group_ext.split("."))
    elif isinstance(tags, list) and tags:
        group = (attribute_name(str(tags[0])),)
    else:
        group, by_path = routes.names(path, method)
    name_ext = op.get("x-speakeasy-name-override")
    if isinstance(name_ext, str) and name_ext:
        return group, field_name(name_ext)
    if by_path is not None and (operation_id is None or is_mechanical(operation_id, path, method)):
        return group, by_path
    return group, field_name(operation_id if operation_id is not None else f"{method}_{path}")


def _replace(op: t.Operation, **changes: Any) -> t.Operation:
    from dataclasses import replace

    return replace(op, **changes)
