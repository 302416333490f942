"""Assemble the Api: declarations, operations, and the facts that depend on how types are used."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from ..config import Config
from ..load import Document
from ..problems import BuildError, Problem
from . import types as t
from .clients import errors_from_bodies, group_tree, security_schemes
from .operations import OperationBuilder
from .pagination import paginate
from .schemas import SchemaConverter


def build_ir(document: Document, config: Config) -> tuple[t.Api, list[Problem]]:
    """The Api, and the warnings found while building it (errors raise BuildError)."""
    problems: list[Problem] = []
    schemas = SchemaConverter(document.root, document.file, problems)
    schemas.declare_components()
    builder = OperationBuilder(schemas)
    operations = builder.build_all()
    # An operation's own x-speakeasy-retries first, then gen.yaml's, then the document's.
    fallback = config.retry_status_codes or builder.retry_status_codes(
        document.root.get("x-speakeasy-retries"), "/x-speakeasy-retries"
    )
    if fallback is not None:
        operations = [
            op if op.retry_status_codes is not None else replace(op, retry_status_codes=fallback) for op in operations
        ]
    schemas.check_cycles()
    problems[:] = dict.fromkeys(problems)  # a schema typed from two places reports what it found once
    errors = [p for p in problems if not p.warning]
    if errors:
        raise BuildError(errors, [p for p in problems if p.warning])

    declarations = dict(schemas.declarations)
    successes = [r.type for op in operations for r in op.responses if r.type is not None and r.status.startswith("2")]
    inner = [ref for d in declarations.values() for ref in decl_refs(d) if ref.name != d.name]
    used_elsewhere = _reachable(declarations, [*_request_types(operations), *successes]) | {r.name for r in inner}
    operations = errors_from_bodies(declarations, operations, used_elsewhere, schemas.namer)
    _files_in_multipart(declarations, operations)
    operations = [
        replace(op, pagination=paginate(op, raw, ptr, declarations, schemas.warn, schemas.deref))
        for op, (raw, ptr) in zip(operations, builder.sources, strict=True)
    ]
    sent = _reachable(declarations, _request_types(operations))
    received = _reachable(declarations, _response_types(operations))
    for name, decl in declarations.items():
        if isinstance(decl, t.Model):
            # Only a schema that the client alone sends may refuse unknown keys.
            closed = decl.extra == "forbid" and name in sent and name not in received
            declarations[name] = replace(decl, extra="forbid" if closed else "allow")
        elif isinstance(decl, t.Union) and decl.discriminator is not None:
            declarations[name] = replace(decl, open=name in received)

    info = document.root.get("info") or {}
    servers = []
    for server in document.root.get("servers") or []:
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            variables = tuple(
                (str(k), str((v or {}).get("default", ""))) for k, v in (server.get("variables") or {}).items()
            )
            description = server.get("description")
            server_id = server.get("x-speakeasy-server-id")
            servers.append(
                t.Server(
                    server["url"],
                    description if isinstance(description, str) else None,
                    variables,
                    server_id if isinstance(server_id, str) and server_id else None,
                )
            )
    description = info.get("description")
    tags = {
        str(tag["name"]): tag["description"]
        for tag in document.root.get("tags") or []
        if isinstance(tag, dict) and "name" in tag and isinstance(tag.get("description"), str)
    }
    return t.Api(
        name=config.name,
        package=config.package,
        sdk_class=config.sdk_class,
        version=config.version,
        title=config.title or str(info.get("title") or config.name),
        description=description if isinstance(description, str) else None,
        api_version=str(info.get("version", "")),
        source=document.file,
        servers=tuple(servers),
        declarations=tuple(declarations[k] for k in sorted(declarations)),
        operations=tuple(operations),
        groups=_extended(group_tree(operations, tags, config.sdk_class), config),
        security=security_schemes(document.root, config.sdk_class),
        max_retries=config.max_retries,
        timeout_ms=config.timeout_ms,
        connect_timeout_ms=config.connect_timeout_ms,
        origins=schemas.origins(),
    ), [p for p in problems if p.warning]


def _extended(groups: tuple[t.Group, ...], config: Config) -> tuple[t.Group, ...]:
    """The groups, with gen.yaml's `extend` classes in place; a group that does not exist is an error."""
    wanted = {e.group: (e.module, e.class_name) for e in config.extend}

    def walk(group: t.Group) -> t.Group:
        children = tuple(walk(c) for c in group.children)
        return replace(group, children=children, extension=wanted.pop(".".join(group.path), None))

    extended = tuple(walk(g) for g in groups)
    if wanted:
        names = []
        stack = list(groups)
        while stack:
            group = stack.pop(0)
            names.append(".".join(group.path))
            stack[:0] = group.children
        known = ", ".join(names) or "none"
        raise BuildError(
            [Problem(config.file, f"/extend/{g}", f"there is no group {g!r}; the groups are: {known}") for g in wanted]
        )
    return extended


def _request_types(operations: Iterable[t.Operation]) -> Iterable[t.Type]:
    for op in operations:
        for p in op.parameters:
            yield p.type
        if op.body is not None:
            yield op.body.type


def _response_types(operations: Iterable[t.Operation]) -> Iterable[t.Type]:
    for op in operations:
        for r in op.responses:
            if r.type is not None:
                yield r.type


def refs_in(typ: t.Type) -> Iterable[t.Ref]:
    if isinstance(typ, t.Ref):
        yield typ
    elif isinstance(typ, t.ListOf):
        yield from refs_in(typ.item)
    elif isinstance(typ, t.MapOf):
        yield from refs_in(typ.value)
    elif isinstance(typ, t.NullableOf):
        yield from refs_in(typ.inner)


def decl_refs(decl: t.Declaration) -> Iterable[t.Ref]:
    if isinstance(decl, t.Model):
        for f in decl.fields:
            yield from refs_in(f.type)
    elif isinstance(decl, t.Union):
        for m in decl.members:
            yield from refs_in(m)
    elif isinstance(decl, t.Alias):
        yield from refs_in(decl.target)
    elif isinstance(decl, t.ErrorClass):
        yield decl.data


def _reachable(declarations: dict[str, t.Declaration], roots: Iterable[t.Type]) -> set[str]:
    seen: set[str] = set()
    stack = [r.name for typ in roots for r in refs_in(typ)]
    while stack:
        name = stack.pop()
        if name in seen or name not in declarations:
            continue
        seen.add(name)
        stack.extend(r.name for r in decl_refs(declarations[name]))
    return seen


def _files_in_multipart(declarations: dict[str, t.Declaration], operations: Iterable[t.Operation]) -> None:
    """Binary properties of a multipart body are files to upload (name, content, type), not bytes."""

    def as_file(typ: t.Type) -> t.Type:
        if typ == t.Primitive("bytes"):
            return t.Primitive("file")
        if isinstance(typ, t.ListOf):
            return t.ListOf(as_file(typ.item))
        return typ

    for op in operations:
        if op.body is None or op.body.content_type != "multipart/form-data" or not isinstance(op.body.type, t.Ref):
            continue
        model = declarations.get(op.body.type.name)
        if isinstance(model, t.Model):
            fields = tuple(replace(f, type=as_file(f.type)) for f in model.fields)
            declarations[model.name] = replace(model, fields=fields)
