"""Paths → IR operations: grouping, method names, parameters, bodies, responses."""

from __future__ import annotations

import re
from typing import Any, cast

from ..problems import escape_pointer_token, working_on
from . import types as t
from .naming import attribute_name, field_name, pascal, unique
from .schemas import SchemaConverter

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")  # query: 3.2
_STATUS = re.compile(r"^(default|[1-5][0-9][0-9]|[1-5]XX)$")
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

    def build_all(self) -> list[t.Operation]:
        operations: list[t.Operation] = []
        pointers: list[str] = []
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
            for method, op, op_ptr in found:
                if isinstance(op, dict):
                    with working_on(self.schemas.file, op_ptr):
                        operations.append(self._operation(path, method, op, item, op_ptr))
                    pointers.append(op_ptr)
                    self._callbacks(op, op_ptr)
        self._webhooks()
        # Method names must be unique within a group; the first in spec order keeps its name.
        keys = unique([".".join(op.group) + "." + op.method_name for op in operations])
        result = []
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

    def _operation(self, path: str, method: str, op: dict[str, Any], item: dict[str, Any], ptr: str) -> t.Operation:
        operation_id = op.get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            operation_id = f"{method}_{path}"
        ctx = pascal(operation_id)
        group_ext = op.get("x-speakeasy-group")
        if isinstance(group_ext, str) and group_ext:
            group = tuple(attribute_name(g) for g in group_ext.split("."))
        elif op.get("tags"):
            group = (attribute_name(str(op["tags"][0])),)
        else:
            group = ("default",)
        name_ext = op.get("x-speakeasy-name-override")
        method_name = field_name(name_ext) if isinstance(name_ext, str) and name_ext else field_name(operation_id)

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
        return t.Body(chosen, typ, body.get("required") is True, description if isinstance(description, str) else None)

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


def _replace(op: t.Operation, **changes: Any) -> t.Operation:
    from dataclasses import replace

    return replace(op, **changes)
