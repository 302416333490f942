"""Assemble the Api: declarations, operations, and the facts that depend on how types are used."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from ..config import Config
from ..load import Document
from ..problems import BuildError, Problem
from . import types as t
from .operations import OperationBuilder
from .schemas import SchemaConverter


def build_ir(document: Document, config: Config) -> t.Api:
    problems: list[Problem] = []
    schemas = SchemaConverter(document.root, document.file, problems)
    schemas.declare_components()
    operations = OperationBuilder(schemas).build_all()
    errors = [p for p in problems if not p.warning]
    if errors:
        raise BuildError(errors)

    declarations = dict(schemas.declarations)
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
            servers.append(t.Server(server["url"], description if isinstance(description, str) else None, variables))
    description = info.get("description")
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
    ), [p for p in problems if p.warning]


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
