"""Compare the SDK surface of two Apis (the IR), change by change, each marked breaking or not.

The surface is what a caller of the generated SDK writes against: operations (`group.method`) with their keyword
arguments, and the models, unions, enums, aliases and errors of `models`. Things the SDK hides (the HTTP method, the
path, a parameter's location, a field's wire name) are reported when they change but never count as breaking.

Breaking, for a caller whose code worked with the old SDK:
- an operation, parameter, declaration, field, enum value or union member removed, or an operation renamed (moved
  to another group or method name; paired by operationId, else by HTTP method and path);
- a type changed (a parameter's, a field's, an alias's, a body's or a success response's), or a declaration changing
  kind (model -> union, ...), or an operation switching between streaming and not;
- in what the caller sends (parameters, request bodies and the models they reach): a new required parameter or field
  (unless the SDK fills it in itself: a const-like default), optional becoming required, nullable becoming non-nullable;
- in what the caller receives (responses, errors and the models they reach): required becoming optional or
  non-nullable becoming nullable (a value the caller relied on may now be missing or None);
- an enum member renamed (same value, new Python name), a discriminator tag removed or sent to another member.
Not breaking: additions (operations, optional parameters and fields, declarations, enum values, union members, error
responses), relaxations in the other direction, deprecations, descriptions, and the hidden HTTP details above.
A declaration that no operation reaches is judged both ways, as if sent and received.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from ..ir import types as t
from ..ir.build import decl_refs, refs_in
from ..render.annotations import Spelling

KIND_ORDER = ("operation", "parameter", "body", "response", "declaration", "field", "member", "value")


@dataclass(frozen=True)
class Change:
    kind: str  # one of KIND_ORDER
    subject: str  # "chat.complete", "chat.complete(model)", "ChatCompletionRequest.stop", "Role.TOOL"
    action: str  # "added", "removed", "changed"
    detail: str  # what changed, in Markdown (code spans for names and types)
    breaking: bool

    def sort_key(self) -> tuple[int, str, int, str, str]:
        """Operations first, then declarations; each followed by the changes inside it."""
        area = 0 if self.kind in ("operation", "parameter", "body", "response") else 1
        owner = self.subject.split("(")[0] if area == 0 else self.subject.split(".")[0]
        return (area, owner, KIND_ORDER.index(self.kind), self.subject, self.detail)


# ---------------------------------------------------------------------------------------------------- spelling


def spell(typ: t.Type | None) -> str:
    """A type as the SDK's annotations spell it, declarations by their bare names (without Optional: presence is
    reported on its own); None for no body."""
    return "None" if typ is None else Spelling(docs=True)(typ)


def code_span(text: object) -> str:
    text = str(text)
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _presence(required: bool, nullable: bool) -> str:
    return ("required" if required else "optional") + (", nullable" if nullable else "")


# ---------------------------------------------------------------------------------------------------- direction


def _refs(typ: t.Type | None) -> Iterator[str]:
    if typ is not None:
        yield from (ref.name for ref in refs_in(typ))


def _decl_refs(decl: t.Declaration) -> Iterator[str]:
    return (ref.name for ref in decl_refs(decl))


def _reachable(api: t.Api, roots: Iterable[t.Type | None]) -> set[str]:
    declarations = {d.name: d for d in api.declarations}
    seen: set[str] = set()
    stack = [name for typ in roots for name in _refs(typ)]
    while stack:
        name = stack.pop()
        if name not in seen and name in declarations:
            seen.add(name)
            stack.extend(_decl_refs(declarations[name]))
    return seen


def _directions(api: t.Api) -> tuple[set[str], set[str]]:
    """(declarations the caller sends, declarations the caller receives)."""
    sent = _reachable(
        api,
        [p.type for op in api.operations for p in op.parameters] + [op.body.type for op in api.operations if op.body],
    )
    received = _reachable(api, [r.type for op in api.operations for r in op.responses])
    received |= {d.name for d in api.declarations if isinstance(d, t.ErrorClass)}
    orphans = {d.name for d in api.declarations} - sent - received
    return sent | orphans, received | orphans


# ---------------------------------------------------------------------------------------------------- comparison


def compare(old: t.Api, new: t.Api) -> list[Change]:
    changes: list[Change] = []
    old_sent, old_received = _directions(old)
    new_sent, new_received = _directions(new)
    sent, received = old_sent | new_sent, old_received | new_received
    changes.extend(_operations(old, new))
    old_decls = {d.name: d for d in old.declarations}
    new_decls = {d.name: d for d in new.declarations}
    for name in sorted(old_decls.keys() - new_decls.keys()):
        changes.append(
            Change("declaration", name, "removed", f"{old_decls[name].kind} {code_span(name)} removed", True)
        )
    for name in sorted(new_decls.keys() - old_decls.keys()):
        changes.append(Change("declaration", name, "added", f"{new_decls[name].kind} {code_span(name)} added", False))
    for name in sorted(old_decls.keys() & new_decls.keys()):
        changes.extend(_declaration(old_decls[name], new_decls[name], name in sent, name in received))
    return sorted(changes, key=Change.sort_key)


def _op_name(op: t.Operation) -> str:
    return ".".join((*op.group, op.method_name))


def _success(op: t.Operation) -> str:
    types = [spell(r.type) for r in op.responses if r.status.startswith("2")]
    return " | ".join(dict.fromkeys(types)) or "None"


def _errors(op: t.Operation) -> dict[str, str]:
    return {r.status: spell(r.type) for r in op.responses if not r.status.startswith("2")}


def _operations(old: t.Api, new: t.Api) -> Iterator[Change]:
    before = {_op_name(op): op for op in old.operations}
    after = {_op_name(op): op for op in new.operations}
    removed = sorted(before.keys() - after.keys())
    added = sorted(after.keys() - before.keys())
    # An operation that moved to another group or name is one change, not a removal and an addition: paired by
    # operationId, else by HTTP method, path and streaming when that pair is unique on both sides.
    renamed: dict[str, str] = {}
    for identity in (
        lambda op: op.operation_id,
        lambda op: (op.http_method, op.path, op.streaming),
    ):
        left = _unique_by(identity, [before[n] for n in removed if n not in renamed])
        right = _unique_by(identity, [after[n] for n in added if n not in renamed.values()])
        for key in sorted(left.keys() & right.keys(), key=str):
            renamed[_op_name(left[key])] = _op_name(right[key])
    for name in removed:
        op = before[name]
        if name in renamed:
            detail = f"operation {code_span(name)} renamed to {code_span(renamed[name])} ({code_span(op.http_method + ' ' + op.path)})"
            yield Change("operation", renamed[name], "renamed", detail, True)
            yield from _operation(renamed[name], op, after[renamed[name]])
        else:
            yield Change(
                "operation",
                name,
                "removed",
                f"operation {code_span(name)} removed ({code_span(op.http_method + ' ' + op.path)})",
                True,
            )
    for name in added:
        if name not in renamed.values():
            op = after[name]
            yield Change(
                "operation",
                name,
                "added",
                f"operation {code_span(name)} added ({code_span(op.http_method + ' ' + op.path)})",
                False,
            )
    for name in sorted(before.keys() & after.keys()):
        yield from _operation(name, before[name], after[name])


def _unique_by(identity: Callable[[t.Operation], object], ops: list[t.Operation]) -> dict[object, t.Operation]:
    found: dict[object, list[t.Operation]] = {}
    for op in ops:
        found.setdefault(identity(op), []).append(op)
    return {key: group[0] for key, group in found.items() if len(group) == 1}


def _operation(name: str, old: t.Operation, new: t.Operation) -> Iterator[Change]:
    def change(kind: str, subject: str, detail: str, breaking: bool, action: str = "changed") -> Change:
        return Change(kind, subject, action, detail, breaking)

    here = code_span(name)
    if (old.http_method, old.path) != (new.http_method, new.path):
        yield change(
            "operation",
            name,
            f"operation {here}: endpoint {code_span(old.http_method + ' ' + old.path)} → {code_span(new.http_method + ' ' + new.path)}",
            False,
        )
    if old.streaming != new.streaming:
        now = "returns an event stream" if new.streaming else "no longer returns an event stream"
        yield change("operation", name, f"operation {here} {now}", True)
    if new.deprecated and not old.deprecated:
        yield change("operation", name, f"operation {here} deprecated", False)
    if old.deprecated and not new.deprecated:
        yield change("operation", name, f"operation {here} no longer deprecated", False)
    # parameters: keyword arguments, by Python name
    old_params = {p.name: p for p in old.parameters}
    new_params = {p.name: p for p in new.parameters}
    for pname in sorted(old_params.keys() - new_params.keys()):
        yield change("parameter", f"{name}({pname})", f"{here}: parameter {code_span(pname)} removed", True, "removed")
    for pname in sorted(new_params.keys() - old_params.keys()):
        p = new_params[pname]
        yield change(
            "parameter",
            f"{name}({pname})",
            f"{here}: parameter {code_span(pname)} added ({code_span(spell(p.type))}, {_presence(p.required, p.nullable)})",
            p.required,
            "added",
        )
    for pname in sorted(old_params.keys() & new_params.keys()):
        a, b = old_params[pname], new_params[pname]
        subject = f"{name}({pname})"
        found = list(_member_changes(a, b, sent=True, received=False))
        if a.location != b.location:
            found.append((f"moved from {a.location} to {b.location}", False))
        if found:
            detail = f"{here}: parameter {code_span(pname)} " + ", ".join(d for d, _ in found)
            yield change("parameter", subject, detail, any(b for _, b in found))
    # the request body: its model's fields are the method's other keyword arguments
    if old.body is None and new.body is not None:
        yield change(
            "body",
            name,
            f"{here}: request body added ({code_span(spell(new.body.type))}, {_presence(new.body.required, False)})",
            new.body.required,
            "added",
        )
    elif old.body is not None and new.body is None:
        yield change("body", name, f"{here}: request body removed", True, "removed")
    elif old.body is not None and new.body is not None:
        if spell(old.body.type) != spell(new.body.type):
            yield change(
                "body",
                name,
                f"{here}: request body type {code_span(spell(old.body.type))} → {code_span(spell(new.body.type))}",
                True,
            )
        if new.body.required and not old.body.required:
            yield change("body", name, f"{here}: request body now required", True)
        if old.body.required and not new.body.required:
            yield change("body", name, f"{here}: request body now optional", False)
        if old.body.content_type != new.body.content_type:
            yield change(
                "body",
                name,
                f"{here}: request body sent as {code_span(new.body.content_type)} instead of {code_span(old.body.content_type)}",
                False,
            )
    # responses
    if _success(old) != _success(new):
        yield change(
            "response", name, f"{here}: returns {code_span(_success(new))} instead of {code_span(_success(old))}", True
        )
    old_errors, new_errors = _errors(old), _errors(new)
    for status in sorted(new_errors.keys() - old_errors.keys()):
        yield change(
            "response", name, f"{here}: error response {status} added ({code_span(new_errors[status])})", False, "added"
        )
    for status in sorted(old_errors.keys() - new_errors.keys()):
        yield change(
            "response",
            name,
            f"{here}: error response {status} removed ({code_span(old_errors[status])})",
            False,
            "removed",
        )
    for status in sorted(old_errors.keys() & new_errors.keys()):
        if old_errors[status] != new_errors[status]:
            yield change(
                "response",
                name,
                f"{here}: error response {status} is {code_span(new_errors[status])} instead of {code_span(old_errors[status])}",
                False,
            )


def _member_changes(
    a: t.Field | t.Parameter, b: t.Field | t.Parameter, *, sent: bool, received: bool
) -> Iterator[tuple[str, bool]]:
    """What changed in one field or parameter, each with whether it breaks callers."""
    if spell(a.type) != spell(b.type):
        yield f"type {code_span(spell(a.type))} → {code_span(spell(b.type))}", True
    filled = isinstance(b, t.Field) and b.default is not None  # the SDK sends it on its own
    if b.required and not a.required:
        yield "now required", sent and not filled
    if a.required and not b.required:
        yield "now optional", received
    if a.nullable and not b.nullable:
        yield "no longer nullable", sent
    if b.nullable and not a.nullable:
        yield "now nullable", received
    if a.wire_name != b.wire_name:
        yield f"sent as {code_span(b.wire_name)} instead of {code_span(a.wire_name)}", False
    if b.deprecated and not a.deprecated:
        yield "deprecated", False
    if isinstance(a, t.Field) and isinstance(b, t.Field) and a.default != b.default:
        old = "none" if a.default is None else code_span(json.dumps(a.default.value))
        new = "none" if b.default is None else code_span(json.dumps(b.default.value))
        yield f"default {old} → {new}", False


def _declaration(old: t.Declaration, new: t.Declaration, sent: bool, received: bool) -> Iterator[Change]:
    name = new.name
    here = code_span(name)
    if old.kind != new.kind:
        yield Change(
            "declaration", name, "changed", f"{here} is now {_article(new.kind)} instead of {_article(old.kind)}", True
        )
        return
    if isinstance(old, t.Model) and isinstance(new, t.Model):
        yield from _model(old, new, sent, received)
    elif isinstance(old, t.Enum) and isinstance(new, t.Enum):
        yield from _enum(old, new)
    elif isinstance(old, t.Union) and isinstance(new, t.Union):
        yield from _union(old, new, sent, received)
    elif isinstance(old, t.Alias) and isinstance(new, t.Alias):
        if spell(old.target) != spell(new.target):
            yield Change(
                "declaration",
                name,
                "changed",
                f"alias {here}: {code_span(spell(old.target))} → {code_span(spell(new.target))}",
                True,
            )
    elif isinstance(old, t.ErrorClass) and isinstance(new, t.ErrorClass):
        if old.data.name != new.data.name:
            yield Change(
                "declaration",
                name,
                "changed",
                f"error {here} carries {code_span(new.data.name)} instead of {code_span(old.data.name)}",
                True,
            )


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _model(old: t.Model, new: t.Model, sent: bool, received: bool) -> Iterator[Change]:
    name = new.name
    before = {f.name: f for f in old.fields}
    after = {f.name: f for f in new.fields}
    for fname in sorted(before.keys() - after.keys()):
        yield Change(
            "field", f"{name}.{fname}", "removed", f"{code_span(name)}: field {code_span(fname)} removed", True
        )
    for fname in sorted(after.keys() - before.keys()):
        f = after[fname]
        breaking = sent and f.required and f.default is None
        detail = f"{code_span(name)}: field {code_span(fname)} added ({code_span(spell(f.type))}, {_presence(f.required, f.nullable)})"
        yield Change("field", f"{name}.{fname}", "added", detail, breaking)
    for fname in sorted(before.keys() & after.keys()):
        found = list(_member_changes(before[fname], after[fname], sent=sent, received=received))
        if found:
            detail = f"{code_span(name)}: field {code_span(fname)} " + ", ".join(d for d, _ in found)
            yield Change("field", f"{name}.{fname}", "changed", detail, any(b for _, b in found))


def _enum(old: t.Enum, new: t.Enum) -> Iterator[Change]:
    name = new.name
    if old.base != new.base:
        yield Change(
            "declaration", name, "changed", f"enum {code_span(name)}: values are {new.base} instead of {old.base}", True
        )
    before = {v.value: v.name for v in old.values}
    after = {v.value: v.name for v in new.values}

    def value(v: str | int) -> str:
        return code_span(json.dumps(v))

    for v in sorted(before.keys() - after.keys(), key=str):
        yield Change(
            "value", f"{name}.{before[v]}", "removed", f"enum {code_span(name)}: value {value(v)} removed", True
        )
    for v in sorted(after.keys() - before.keys(), key=str):
        yield Change("value", f"{name}.{after[v]}", "added", f"enum {code_span(name)}: value {value(v)} added", False)
    for v in sorted(before.keys() & after.keys(), key=str):
        if before[v] != after[v]:
            detail = f"enum {code_span(name)}: member {code_span(before[v])} renamed {code_span(after[v])} (value {value(v)})"
            yield Change("value", f"{name}.{after[v]}", "changed", detail, True)


def _union(old: t.Union, new: t.Union, sent: bool, received: bool) -> Iterator[Change]:
    name = new.name
    here = code_span(name)
    before = [spell(m) for m in old.members]
    after = [spell(m) for m in new.members]
    for member in [m for m in before if m not in after]:
        yield Change("member", f"{name}.{member}", "removed", f"union {here}: member {code_span(member)} removed", True)
    for member in [m for m in after if m not in before]:
        yield Change("member", f"{name}.{member}", "added", f"union {here}: member {code_span(member)} added", False)
    if new.nullable and not old.nullable:
        yield Change("declaration", name, "changed", f"union {here} now nullable", received)
    if old.nullable and not new.nullable:
        yield Change("declaration", name, "changed", f"union {here} no longer nullable", sent)
    if old.discriminator and new.discriminator:
        if old.discriminator.wire_name != new.discriminator.wire_name:
            detail = f"union {here}: discriminated by {code_span(new.discriminator.wire_name)} instead of {code_span(old.discriminator.wire_name)}"
            yield Change("declaration", name, "changed", detail, True)
        tags_before = {tag: ref.name for tag, ref in old.discriminator.tags}
        tags_after = {tag: ref.name for tag, ref in new.discriminator.tags}
        # A tag that comes or goes with its member is already told by the member's line.
        for tag in sorted(tags_before.keys() - tags_after.keys()):
            if tags_before[tag] in after:
                detail = f"union {here}: tag {code_span(json.dumps(tag))} removed"
                yield Change("member", f"{name}.{tags_before[tag]}", "removed", detail, True)
        for tag in sorted(tags_after.keys() - tags_before.keys()):
            if tags_after[tag] in before:
                detail = f"union {here}: tag {code_span(json.dumps(tag))} added"
                yield Change("member", f"{name}.{tags_after[tag]}", "added", detail, False)
        for tag in sorted(tags_before.keys() & tags_after.keys()):
            if tags_before[tag] != tags_after[tag]:
                detail = f"union {here}: tag {code_span(json.dumps(tag))} selects {code_span(tags_after[tag])} instead of {code_span(tags_before[tag])}"
                yield Change("member", f"{name}.{tags_after[tag]}", "changed", detail, True)
    elif old.discriminator != new.discriminator:
        now = "discriminated" if new.discriminator else "no longer discriminated"
        yield Change("declaration", name, "changed", f"union {here} {now}", False)
