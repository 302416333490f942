"""JSON Schema (OpenAPI flavour) → IR types and declarations.

Every component schema becomes a named declaration. An inline schema that needs a name (an object, an
enum, a union) is named after where it sits: `ChatCompletionStreamRequest.stop` →
`ChatCompletionStreamRequestStop`.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import Any, Iterator
from urllib.parse import unquote

from ..problems import Problem, escape_pointer_token, working_on
from . import types as t
from .naming import (
    RESERVED_TYPE_NAMES,
    Namer,
    field_name,
    module_name,
    pascal,
    unique,
    upper_snake,
)

Schema = dict[str, Any]

_NULL_TYPES = ("null",)


def _is_null_schema(s: Any) -> bool:
    if not isinstance(s, dict):
        return False
    if s.get("type") == "null" or s.get("type") == ["null"]:
        return True
    if "const" in s and s["const"] is None and len(s) <= 3:
        return True
    return s.get("enum") == [None]


def _one_value(prop: Any) -> Any:
    """The only value a property schema admits (`const`, or an enum of one value); None if it admits more."""
    if not isinstance(prop, dict):
        return None
    if "const" in prop:
        return prop["const"]
    enum = prop.get("enum")
    return enum[0] if isinstance(enum, list) and len(enum) == 1 else None


def _properties(schema: Any) -> dict[Any, Any]:
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return properties if isinstance(properties, dict) else {}


def _fixed_strings(schema: Any) -> dict[str, str]:
    """A schema's own properties (not its allOf parts') that admit one string only, with that string."""
    fixed = {str(wire): _one_value(prop) for wire, prop in _properties(schema).items()}
    return {wire: value for wire, value in fixed.items() if isinstance(value, str)}


def _decode_token(token: str) -> str:
    if "%" not in token and "~" not in token:
        return token
    return unquote(token).replace("~1", "/").replace("~0", "~")


class SchemaConverter:
    def __init__(self, root: dict[str, Any], file: str, problems: list[Problem]) -> None:
        self.root = root
        self.file = file
        self.problems = problems
        self.namer = Namer(RESERVED_TYPE_NAMES)
        self.declarations: dict[str, t.Declaration] = {}
        # Pointer of a schema → the Ref naming it; filled for components up front so that recursion
        # and forward references resolve before the target is built.
        self._refs: dict[str, t.Ref] = {}
        self._building: set[str] = set()
        self._nullable_memo: dict[str, bool] = {}

    # ------------------------------------------------------------ entry points

    def declare_components(self) -> None:
        schemas = self.root.get("components", {}).get("schemas", {}) or {}
        for wire_name, schema in schemas.items():
            ptr = "/components/schemas/" + escape_pointer_token(wire_name)
            kind = self._classify(schema)
            # An overlay may rename a schema's class without renaming the schema (`$ref`s keep working).
            override = schema.get("x-speakeasy-name-override") if isinstance(schema, dict) else None
            self._refs[ptr] = self._claim(pascal(override if isinstance(override, str) else wire_name), kind)
        for wire_name, schema in schemas.items():
            ptr = "/components/schemas/" + escape_pointer_token(wire_name)
            with working_on(self.file, ptr):
                self._declare(ptr, schema, self._refs[ptr])

    def origins(self) -> tuple[tuple[str, str], ...]:
        """(declaration name, pointer of its schema), in the order they were declared."""
        return tuple((ref.name, ptr) for ptr, ref in self._refs.items())

    def component(self, name: str) -> t.Ref | None:
        """The declaration a component schema became (by its name under components/schemas)."""
        return self._refs.get("/components/schemas/" + escape_pointer_token(name))

    def check_cycles(self) -> None:
        """Aliases and unions that stand for each other with nothing in between (`A: {allOf: [B]}`,
        `B: {allOf: [A]}`) name no value at all: an error, not a type that recurses forever.

        A cycle through a model's field, an array or a map is an ordinary recursive type."""

        def direct(typ: t.Type) -> t.Ref | None:
            while isinstance(typ, t.NullableOf):
                typ = typ.inner
            return typ if isinstance(typ, t.Ref) and typ.kind in ("alias", "union") else None

        edges: dict[str, list[str]] = {}
        for name, decl in self.declarations.items():
            targets = (
                [decl.target] if isinstance(decl, t.Alias) else list(decl.members) if isinstance(decl, t.Union) else []
            )
            edges[name] = [
                ref.name for ref in map(direct, targets) if ref is not None and ref.name in self.declarations
            ]
        where = {ref.name: ptr for ptr, ref in self._refs.items()}
        for start in sorted(edges):
            # A path from `start` back to itself, found depth-first.
            stack: list[tuple[str, tuple[str, ...]]] = [(start, (start,))]
            seen: set[str] = set()
            while stack:
                name, path = stack.pop()
                if start in edges[name]:
                    cycle = " -> ".join(path + (start,))
                    self.error(
                        where.get(start, ""),
                        f"schema {start} is circular and never reaches a definition: {cycle} "
                        "(each is only another of them, through allOf, anyOf or oneOf)",
                    )
                    break
                for nxt in edges[name]:
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append((nxt, path + (nxt,)))

    def type_of(self, schema: Any, ptr: str, ctx: str) -> t.Type:
        """The type of a schema at `ptr`; `ctx` names any inline declaration it needs."""
        if schema is True or schema is None:
            return t.ANY
        if schema is False or not isinstance(schema, dict):
            return t.ANY
        if "$ref" in schema:
            inner = self._ref_type(schema["$ref"], ptr)
            if isinstance(inner, t.Ref) and (schema.get("nullable") is True or self._nullable_target(schema["$ref"])):
                return t.NullableOf(inner)
            return inner
        nullable, body = self._split_null(schema)
        inner = self._type_of_non_null(body, ptr, ctx)
        if nullable and not isinstance(inner, t.NullableOf):
            return t.NullableOf(inner)
        return inner

    # ------------------------------------------------------------ helpers

    def warn(self, ptr: str, message: str) -> None:
        self.problems.append(Problem(self.file, ptr, message, warning=True))

    def error(self, ptr: str, message: str) -> None:
        self.problems.append(Problem(self.file, ptr, message))

    def _claim(self, wanted: str, kind: t.DeclKind) -> t.Ref:
        name = self.namer.claim(wanted, twin=kind != "enum")
        return t.Ref(name, kind, module_name(name))

    def resolve(self, ref: Any, at: str) -> tuple[str, Any] | None:
        if not isinstance(ref, str):
            self.error(at, f"$ref must be a string (a JSON pointer or URI), not {ref!r}"[:160])
            return None
        if not ref.startswith("#"):
            self.error(at, f"$ref {ref!r} is not local; the loader should have bundled it")
            return None
        node: Any = self.root
        for token in ref[1:].split("/")[1:] if ref != "#" else []:
            token = _decode_token(token)
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                self.error(at, f"$ref {ref!r} does not resolve")
                return None
        return ref[1:], node

    def deref(self, schema: Any, ptr: str) -> tuple[Any, str]:
        """Follow `$ref`s until a schema that is not a bare reference; cycles stop the walk."""
        seen = set()
        while isinstance(schema, dict) and "$ref" in schema and schema["$ref"] not in seen:
            seen.add(schema["$ref"])
            found = self.resolve(schema["$ref"], ptr)
            if found is None:
                return {}, ptr
            ptr, schema = found
        return schema, ptr

    def _ref_type(self, ref: str, at: str) -> t.Type:
        found = self.resolve(ref, at)
        if found is None:
            return t.ANY
        target_ptr, target = found
        if target_ptr in self._refs:
            return self._named(target_ptr)
        # A reference into the middle of something (not a component): give it a name from its location.
        last = _decode_token(target_ptr.rsplit("/", 1)[-1])
        if target_ptr in self._building:
            self.error(at, f"$ref {ref!r} refers to itself without passing through a named schema")
            return t.ANY
        self._building.add(target_ptr)
        try:
            return self.type_of(target, target_ptr, pascal(last))
        finally:
            self._building.discard(target_ptr)

    def _named(self, ptr: str) -> t.Ref:
        """The declaration a use of the named schema at `ptr` refers to. A schema that is only another name for
        one (`Pet: {$ref: Animal}`) stands for it: the alias is still declared, but uses skip it, so that a
        cycle through it (Animal has a `Pet` field) is the model's own recursion, which pydantic resolves,
        and not a type alias of a model that refers back to that alias, which it cannot."""
        ref = self._refs[ptr]
        seen = {ptr}
        while ref.kind == "alias":
            node = self.resolve("#" + ptr, ptr)
            schema = node[1] if node is not None else None
            if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and set(schema) <= _ALIAS_KEYS):
                break
            found = self.resolve(schema["$ref"], ptr)
            if found is None or found[0] not in self._refs or found[0] in seen:
                break
            ptr = found[0]
            seen.add(ptr)
            ref = self._refs[ptr]
        return ref

    def _nullable_target(self, ref: str, seen: frozenset[str] = frozenset()) -> bool:
        """Whether a named schema admits null; a reference to it then does too."""
        if not isinstance(ref, str):
            return False  # reported where the reference is typed
        if ref in self._nullable_memo:
            return self._nullable_memo[ref]
        found = self.resolve(ref, "") if ref not in seen else None
        result = False
        if found is not None and isinstance(found[1], dict):
            target = found[1]
            result = self._admits_null(target, seen | {ref})
        self._nullable_memo[ref] = result
        return result

    def _admits_null(self, schema: Any, seen: frozenset[str] = frozenset()) -> bool:
        """Whether null is one of the schema's values: spelled nullable in any of the three ways, or a schema that
        types nothing (`{}` admits every value), or a union with such a member. A field of such a type keeps
        null apart from unset, like any nullable field."""
        if schema is True:
            return True
        if not isinstance(schema, dict):
            return False
        if "$ref" in schema:
            return schema.get("nullable") is True or self._nullable_target(schema["$ref"], seen)
        nullable, body = self._split_null(schema)
        if nullable or body.get("type") == "null" or _untyped(body):
            return True
        for key in ("anyOf", "oneOf"):
            members = body.get(key)
            if isinstance(members, list) and not body.get("properties"):
                if any(self._admits_null(member, seen) for member in members):
                    return True
        all_of = body.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1 and not body.get("properties"):
            return self._admits_null(all_of[0], seen)
        return False

    def _split_null(self, schema: Schema) -> tuple[bool, Schema]:
        """Nullability in its three spellings, and the schema without it."""
        nullable = schema.get("nullable") is True
        body = {k: v for k, v in schema.items() if k != "nullable"} if nullable else schema
        typ = schema.get("type")
        if isinstance(typ, list) and "null" in typ:
            nullable = True
            rest = [x for x in typ if x != "null"]
            body = {**body, "type": rest[0] if len(rest) == 1 else rest}
            if not rest:
                body = {k: v for k, v in body.items() if k != "type"}
                body["type"] = "null"
        for key in ("anyOf", "oneOf"):
            members = body.get(key)
            if isinstance(members, list) and any(_is_null_schema(m) for m in members):
                nullable = True
                body = {**body, key: [m for m in members if not _is_null_schema(m)]}
        enum = body.get("enum")
        if isinstance(enum, list) and None in enum and len(enum) > 1:
            nullable = True
            body = {**body, "enum": [v for v in enum if v is not None]}
        all_of = body.get("allOf")
        if isinstance(all_of, list) and len(all_of) > 1:
            # A part that only annotates (`allOf: [{type: string}, {nullable: false}]`, as Box writes them) constrains
            # nothing: without it a one-part allOf is its part, not an object model.
            kept = [part for part in all_of if not _annotation_only(part)]
            if kept and len(kept) < len(all_of):
                body = {**body, "allOf": kept}
                nullable = nullable or any(part.get("nullable") is True for part in all_of if _annotation_only(part))
        return nullable, body

    def _classify(self, schema: Any) -> t.DeclKind:
        if not isinstance(schema, dict) or "$ref" in schema:
            return "alias"
        _, body = self._split_null(schema)
        for key in ("anyOf", "oneOf"):
            members = body.get(key)
            if isinstance(members, list) and members and not body.get("properties"):
                if len(members) > 1:
                    return "union"
                return self._classify(members[0]) if "$ref" not in members[0] else "alias"
        if isinstance(body.get("allOf"), list) and body["allOf"]:
            if len(body["allOf"]) == 1 and not body.get("properties"):
                only = body["allOf"][0]
                return "alias" if "$ref" in only else self._classify(only)
            return "model"
        enum = body.get("enum")
        if isinstance(enum, list) and len(enum) > 1 and self._enum_base(enum) is not None:
            return "enum"
        typ = body.get("type")
        if isinstance(typ, list) and len(typ) > 1:
            return "union"
        if body.get("properties") or (typ == "object" and _has_typed_extras(body) is False and body.get("allOf")):
            return "model"
        return "alias"

    @staticmethod
    def _enum_base(values: list[Any]) -> str | None:
        if all(isinstance(v, str) for v in values):
            return "str"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return "int"
        return None

    def _values_type(self, s: Schema, values: list[Any], ptr: str) -> t.Type | None:
        """The type of an enum (other than one of strings or one of integers, which is declared) or of a const: a
        Literal where Python can spell one, else their JSON type; None leaves the schema's `type` to say it."""
        values = _distinct(values)
        if all(v is None or isinstance(v, (str, int)) for v in values):
            if len(values) == 1:
                return t.Const(values[0])
            if all(isinstance(v, bool) for v in values):
                return t.Primitive("bool")
            mixed = ", ".join(sorted({_json_type(v) for v in values}))
            self.warn(ptr, f"enum mixes value types ({mixed}); typed as a Literal of its values")
            return t.Literal(tuple(values))
        kinds = sorted({_json_type(v) for v in values})
        if kinds == ["number"]:  # floats (and integers): float, no Literal
            return None if "type" in s else t.Primitive("float")
        const = ptr.endswith("/const")
        if len(kinds) > 1:
            what = f"enum values are of mixed types ({', '.join(kinds)})"
        else:
            what = f"const is {_ONE[kinds[0]]}" if const else f"enum values are {kinds[0]}s"
        self.warn(ptr, f"{what}, which a Python Literal cannot hold: typed by JSON type")
        if "type" in s:
            return None
        if len(kinds) > 1:
            return t.ANY
        return t.ListOf(t.ANY) if kinds == ["array"] else t.MapOf(t.ANY)

    def _type_of_non_null(self, s: Schema, ptr: str, ctx: str) -> t.Type:
        if "const" in s:
            const = self._values_type(s, [s["const"]], ptr + "/const")
            if const is not None:
                return const
        enum = s.get("enum")
        if isinstance(enum, list) and enum and "const" not in s:
            if len(enum) > 1 and self._enum_base(enum) is not None:
                return self._inline(ptr, s, ctx, "enum")
            typed = self._values_type(s, enum, ptr + "/enum")
            if typed is not None:
                return typed
        for key in ("anyOf", "oneOf"):
            members = s.get(key)
            if isinstance(members, list) and not s.get("properties"):
                if not members:
                    return t.Primitive("none")
                if len(members) == 1:
                    return self.type_of(members[0], f"{ptr}/{key}/0", ctx)
                return self._inline(ptr, s, ctx, "union")
        all_of = s.get("allOf")
        if isinstance(all_of, list) and all_of:
            if len(all_of) == 1 and not s.get("properties"):
                return self.type_of(all_of[0], f"{ptr}/allOf/0", ctx)
            return self._inline(ptr, s, ctx, "model")
        typ = s.get("type")
        if isinstance(typ, list):
            if len(typ) == 1:
                typ = typ[0]
            else:
                return self._inline(ptr, s, ctx, "union")
        if typ == "string":
            fmt = s.get("format") if isinstance(s.get("format"), str) else ""
            if fmt in _STRING_FORMATS:
                return t.Primitive(_STRING_FORMATS[fmt])
            return t.Primitive("str", fmt or None)
        if typ == "integer":
            return t.Primitive("int")
        if typ == "number":
            return t.Primitive("float")
        if typ == "boolean":
            return t.Primitive("bool")
        if typ == "null":
            return t.Primitive("none")
        if typ == "array" or (typ is None and "items" in s):
            items = s.get("items")
            return t.ListOf(self.type_of(items, f"{ptr}/items", ctx) if items is not None else t.ANY)
        if s.get("properties"):
            return self._inline(ptr, s, ctx, "model")
        if typ == "object" or "additionalProperties" in s:
            extras = s.get("additionalProperties")
            if isinstance(extras, dict) and extras:
                return t.MapOf(self.type_of(extras, f"{ptr}/additionalProperties", ctx))
            return t.MapOf(t.ANY)
        return t.ANY

    def _inline(self, ptr: str, schema: Schema, ctx: str, kind: t.DeclKind) -> t.Ref:
        if ptr in self._refs:
            return self._refs[ptr]
        ref = self._claim(ctx, kind)
        self._refs[ptr] = ref
        with working_on(self.file, ptr):
            self._declare(ptr, schema, ref)
        return ref

    # ------------------------------------------------------------ declarations

    def _declare(self, ptr: str, schema: Any, ref: t.Ref) -> None:
        if ref.name in self.declarations:
            return
        description = schema.get("description") if isinstance(schema, dict) else None
        if ref.kind == "alias":
            # Placeholder first: an alias may (through a cycle) refer back to itself.
            self.declarations[ref.name] = t.Alias(ref.name, ref.module, description, t.ANY)
            target = self.type_of(schema, ptr, ref.name)
            if target == ref:
                self.error(ptr, "schema is nothing but a reference to itself")
                target = t.ANY
            self.declarations[ref.name] = t.Alias(ref.name, ref.module, description, target)
            return
        nullable, body = self._split_null(schema)
        # A one-member anyOf/oneOf/allOf was classified by its member: declare the member itself.
        while (only := _single_member(body)) is not None:
            key, member = only
            ptr = f"{ptr}/{key}/0"
            member_nullable, body = self._split_null(member)
            nullable = nullable or member_nullable
            description = description if description is not None else body.get("description")
        if ref.kind == "enum":
            self.declarations[ref.name] = self._enum(ref, body, description)
        elif ref.kind == "union":
            self.declarations[ref.name] = t.Union(ref.name, ref.module, description, ())
            union = self._union(ptr, ref, body, description)
            self.declarations[ref.name] = replace(union, nullable=nullable)
        else:
            self.declarations[ref.name] = t.Model(ref.name, ref.module, description, ())
            self.declarations[ref.name] = self._model(ptr, ref, body, description)

    def _enum(self, ref: t.Ref, s: Schema, description: str | None) -> t.Enum:
        values = [v for v in s["enum"] if v is not None]
        values = list(dict.fromkeys(values))
        base = self._enum_base(values) or "str"
        names = unique([_member_name(v) for v in values])
        return t.Enum(
            ref.name,
            ref.module,
            description,
            base,  # type: ignore[arg-type]
            tuple(t.EnumValue(n, v) for n, v in zip(names, values, strict=True)),
        )

    def _union(self, ptr: str, ref: t.Ref, s: Schema, description: str | None) -> t.Union:
        key = "anyOf" if "anyOf" in s else "oneOf" if "oneOf" in s else None
        members: list[t.Type] = []
        if key is None:  # 3.1 `type: [a, b]`
            for typ in s["type"]:
                members.append(self.type_of({**s, "type": typ}, ptr, ref.name))
        else:
            for i, member in enumerate(s[key]):
                mptr = f"{ptr}/{key}/{i}"
                title = member.get("title") if isinstance(member, dict) and "$ref" not in member else None
                ctx = ref.name + (pascal(title) if isinstance(title, str) and title else str(i + 1))
                members.append(self.type_of(member, mptr, ctx))
        members = list(dict.fromkeys(members))
        spec = s.get("discriminator")
        if isinstance(spec, dict) and isinstance(spec.get("propertyName"), str):
            discriminator = self._discriminator(ptr, spec, members)
        elif key == "oneOf":
            discriminator = self._constant_tag(ptr, s[key], members)
        else:
            discriminator = None
        return t.Union(ref.name, ref.module, description, tuple(members), discriminator)

    def _constant_tag(self, ptr: str, schemas: list[Any], members: list[t.Type]) -> t.Discriminator | None:
        """A oneOf without a discriminator whose object members each fix the same property to a string
        (`const`, or an enum of one value) is told apart by that property: it is the tag. Of several such
        properties, the one whose values differ most (`type: skill_card` beside `skill_card_type: keyword`)."""
        if len(members) < 2 or not all(isinstance(m, t.Ref) and m.kind == "model" for m in members):
            return None
        fixed = [_fixed_strings(self.deref(each, ptr)[0]) for each in schemas]
        shared = [prop for prop in fixed[0] if all(prop in each for each in fixed[1:])]
        if not shared:
            return None
        prop = max(shared, key=lambda name: len({each[name] for each in fixed}))
        return self._discriminator(ptr, {"propertyName": prop}, members)

    def _member_schema(self, member: t.Ref) -> tuple[str, Schema]:
        """Where a union member's schema is, and the schema itself."""
        for ptr, ref in self._refs.items():
            if ref == member:
                found = self.resolve("#" + ptr, ptr)
                schema = self.deref(found[1], ptr)[0] if found is not None else None
                return ptr, schema if isinstance(schema, dict) else {}
        return "", {}

    def _discriminator(self, ptr: str, spec: Schema, members: list[t.Type]) -> t.Discriminator | None:
        prop = spec["propertyName"]
        if not all(isinstance(m, t.Ref) and m.kind == "model" for m in members):
            self.warn(ptr + "/discriminator", "discriminator ignored: not every member is an object schema")
            return None
        tags: list[tuple[str, t.Ref]] = []
        mapping = spec.get("mapping") or {}
        mapped: set[t.Ref] = set()
        for tag, target in mapping.items():
            found = self.resolve(target if target.startswith("#") else f"#/components/schemas/{target}", ptr)
            if found is None:
                continue
            member = self._named(found[0]) if found[0] in self._refs else None
            if member is None or member not in members:
                self.warn(
                    f"{ptr}/discriminator/mapping/{escape_pointer_token(tag)}",
                    f"{target!r} is not a member of the union",
                )
                continue
            tags.append((str(tag), member))
            mapped.add(member)
        for each in members:
            assert isinstance(each, t.Ref)
            if each in mapped:
                continue
            tags.append((self._implicit_tag(each, prop), each))
        # Spec order of members, then tag order within a member.
        order = {m: i for i, m in enumerate(members)}
        tags.sort(key=lambda item: order[item[1]])
        self._warn_shared(ptr, tags)
        return t.Discriminator(prop, field_name(prop), tuple(tags))

    def _warn_shared(self, ptr: str, tags: list[tuple[str, t.Ref]]) -> None:
        """Members that share a tag are all kept, and the data chooses among them: say so once per tag, as the
        spec does not say which the tag means."""
        sharing: dict[str, list[str]] = {}
        for tag, member in tags:
            sharing.setdefault(tag, []).append(member.name)
        for tag, names in sharing.items():
            if len(names) > 1:
                listed = ", ".join(names[:-1]) + " and " + names[-1]
                self.warn(ptr, f"members {listed} share the tag {tag!r}; chosen by their required properties")

    def _implicit_tag(self, member: t.Ref, prop: str) -> str:
        # The member's own one-value property wins; else the OpenAPI rule: the schema's name.
        ptr, schema = self._member_schema(member)
        value = _one_value(_properties(schema).get(prop))
        if value is not None:
            return str(value)
        if ptr.startswith("/components/schemas/"):
            return _decode_token(ptr.rsplit("/", 1)[-1])
        return member.name

    def _object_parts(
        self, s: Schema, ptr: str, seen: frozenset[str] = frozenset()
    ) -> Iterator[tuple[str, str, Any, bool]]:
        """(wire name, pointer, property schema, required) for an object, merging allOf in order."""
        required = set(s.get("required") or []) if isinstance(s.get("required"), list) else set()
        for i, part in enumerate(s.get("allOf") or []):
            part_ptr = f"{ptr}/allOf/{i}"
            if isinstance(part, dict) and "$ref" in part:
                if part["$ref"] in seen:
                    self.error(part_ptr, f"allOf through {part['$ref']!r} is circular: the schema would include itself")
                    continue
                target, target_ptr = self.deref(part, part_ptr)
                yield from (
                    self._object_parts(target, target_ptr, seen | {part["$ref"]}) if isinstance(target, dict) else ()
                )
            elif isinstance(part, dict):
                yield from self._object_parts(part, part_ptr, seen)
        for wire, prop in (s.get("properties") or {}).items():
            yield str(wire), f"{ptr}/properties/{escape_pointer_token(wire)}", prop, wire in required
        # `required` may name properties that an allOf sibling declares.
        for wire in sorted(required - set((s.get("properties") or {}).keys())):
            yield str(wire), "", None, True

    def _model(self, ptr: str, ref: t.Ref, s: Schema, description: str | None) -> t.Model:
        merged: dict[str, tuple[str, Any, bool]] = {}
        for wire, pptr, prop, required in self._object_parts(s, ptr):
            if prop is None:  # a bare `required` entry: mark an earlier property required
                if wire in merged:
                    p_ptr, p_schema, _ = merged[wire]
                    merged[wire] = (p_ptr, p_schema, True)
                continue
            if wire in merged:
                required = required or merged[wire][2]
            merged[wire] = (pptr, prop, required)
        overrides = {
            wire: prop["x-speakeasy-name-override"]
            for wire, (_, prop, _) in merged.items()
            if isinstance(prop, dict) and isinstance(prop.get("x-speakeasy-name-override"), str)
        }
        names = _field_names(list(merged), overrides, self.namer.claimed)
        fields: list[t.Field] = []
        for (wire, (pptr, prop, required)), name in zip(merged.items(), names, strict=True):
            with working_on(self.file, pptr or ptr):
                fields.append(self._field(ref.name, wire, name, pptr, prop, required))
        # Required fields first, each group in spec order: what a caller must pass, then the rest.
        fields.sort(key=lambda f: not f.required)
        closed = s.get("additionalProperties") is False
        return t.Model(ref.name, ref.module, description, tuple(fields), "forbid" if closed else "allow")

    def _field(self, owner: str, wire: str, name: str, ptr: str, prop: Any, required: bool) -> t.Field:
        typ = self.type_of(prop, ptr, owner + pascal(wire))
        nullable = isinstance(typ, t.NullableOf) or self._admits_null(prop)
        if isinstance(typ, t.NullableOf):
            typ = typ.inner
        info = prop if isinstance(prop, dict) else {}
        example = None
        if isinstance(info.get("examples"), list) and info["examples"]:
            example = t.Example(info["examples"][0])
        elif "example" in info:
            example = t.Example(info["example"])
        default = None
        if isinstance(typ, t.Const):
            default = typ
        elif info.get("x-gen-send-default") is True and isinstance(info.get("default"), (str, int, float, bool)):
            default = t.Const(info["default"])
        elif required and _plain_default(typ, info.get("default")):
            # Required, yet the spec says what to send when the caller has no opinion (`model: mistral-embed`):
            # the caller may leave it out, and the default goes on the wire, where the server requires the key.
            default = t.Const(info["default"])
        description = info.get("description")
        return t.Field(
            name=name,
            wire_name=wire,
            type=typ,
            required=required,
            nullable=nullable,
            description=description if isinstance(description, str) else None,
            example=example,
            deprecated=info.get("deprecated") is True,
            default=default,
            allowed=allowed_values(self.deref(prop, ptr)[0]),
        )


_PLAIN_DEFAULTS: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}


def _plain_default(typ: t.Type, value: Any) -> bool:
    """Whether `value` is a default a required field of type `typ` can take as it is: a str, number or bool of
    the field's own primitive type (not a date, an enum member or an object, which would need converting)."""
    if not isinstance(typ, t.Primitive) or typ.name not in _PLAIN_DEFAULTS or value is None:
        return False
    if isinstance(value, bool) and typ.name != "bool":
        return False
    return isinstance(value, _PLAIN_DEFAULTS[typ.name])


# Keywords beside a `$ref` that leave it a mere second name of its target.
_ALIAS_KEYS = frozenset({"$ref", "description", "title", "nullable", "example", "examples", "deprecated"})

_STRING_FORMATS = {"date-time": "datetime", "date": "date", "binary": "bytes"}


def _field_names(wires: list[str], overrides: dict[str, str], classes: set[str]) -> list[str]:
    """Python names for properties. A wire name that is already a good name keeps it; a derived
    name avoids every wire name of the model too, because pydantic reads a field by its Python
    name as well as its alias (`a.b` must not become `a_b` when `a_b` is another property).
    `x-speakeasy-name-override` on a property chooses its Python name. No field is named like a
    class: in a script without case (`名前`) the two can meet, and in the model's body the field
    would hide the class its annotations name."""
    natural = {w for w in wires if field_name(w) == w and w not in overrides and w not in classes}
    taken = set(natural) | set(wires) | classes
    names = []
    for wire in wires:
        if wire in natural:
            names.append(wire)
            continue
        base = field_name(overrides.get(wire, wire))
        base = base + "_" if base in classes else base
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        names.append(name)
    return names


def _single_member(s: Schema) -> tuple[str, Schema] | None:
    """The one inline member of `anyOf: [X]`, `oneOf: [X]` or `allOf: [X]` (with no properties beside it)."""
    if s.get("properties"):
        return None
    for key in ("anyOf", "oneOf", "allOf"):
        members = s.get(key)
        if (
            isinstance(members, list)
            and len(members) == 1
            and isinstance(members[0], dict)
            and "$ref" not in members[0]
        ):
            return key, members[0]
    return None


_ANNOTATIONS = frozenset(
    {"nullable", "description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly", "externalDocs"}
)


def _annotation_only(s: Any) -> bool:
    return isinstance(s, dict) and all(key in _ANNOTATIONS or key.startswith("x-") for key in s)


def _untyped(s: Schema) -> bool:
    """A schema the IR types as Any: none of the keywords that give a value a type."""
    if any(key in s for key in ("const", "type", "items", "allOf", "additionalProperties")):
        return False
    if s.get("properties") or (isinstance(s.get("enum"), list) and s["enum"]):
        return False
    return not any(isinstance(s.get(key), list) for key in ("anyOf", "oneOf"))


def _has_typed_extras(s: Schema) -> bool:
    return isinstance(s.get("additionalProperties"), dict)


def _member_name(value: Any) -> str:
    if isinstance(value, str):
        name = upper_snake(value) or "EMPTY"
        return name if not name[0].isdigit() else f"VALUE_{name}"
    if isinstance(value, float) and math.isfinite(value):
        return "VALUE_" + str(value).replace(".", "_").replace("-", "MINUS_")
    return "VALUE_" + str(value).replace("-", "MINUS_")


_ONE = {"array": "an array", "object": "an object"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _distinct(values: list[Any]) -> list[Any]:
    """Each value once, in order; lists and objects compared as JSON (1 and true stay apart)."""
    seen: dict[str, Any] = {}
    for value in values:
        seen.setdefault(allowed_text(value), value)
    return list(seen.values())


def allowed_text(value: Any) -> str:
    """A value as the JSON the docs show."""
    return json.dumps(value, ensure_ascii=False, default=str)


def allowed_values(schema: Any) -> tuple[str, ...]:
    """The values an enum or const allows, as JSON, when the type cannot list them: some value is an object, a list
    or a float."""
    if not isinstance(schema, dict):
        return ()
    values = [schema["const"]] if "const" in schema else schema.get("enum")
    if not isinstance(values, list) or all(isinstance(v, (str, int)) or v is None for v in values):
        return ()
    return tuple(allowed_text(v) for v in _distinct(values))
