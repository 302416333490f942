"""How IR types are spelled in Python, and what each generated module must import.

The templates print what these views say; every decision about Python syntax is made here.
"""

from __future__ import annotations

import keyword
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from ..ir import types as t
from ..ir.build import decl_refs
from .text import py_literal

# How each IR primitive is spelled in Python (models and group modules alike).
PRIMITIVES = {
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
_IMPORT_SOURCES = {
    "TYPE_CHECKING": "typing",
    "Sequence": "typing",
    "TypeAliasType": "typing_extensions",
    "Any": "typing",
    "Dict": "typing",
    "List": "typing",
    "Union": "typing",
    "Literal": "typing_extensions",
    "Annotated": "typing_extensions",
    "NotRequired": "typing_extensions",
    "TypedDict": "typing_extensions",
    "TypeAlias": "typing_extensions",
    "date": "datetime",
    "datetime": "datetime",
    "Field": "pydantic",
    "StrictBool": "pydantic",
    "Discriminator": "pydantic",
    "Tag": "pydantic",
}


@dataclass(frozen=True)
class FieldView:
    field: t.Field
    annotation: str  # including Annotated[..., Field(alias=...)] when the wire name differs
    default: str | None  # Python source of the default, None when the field is required
    typed_dict_annotation: str


@dataclass(frozen=True)
class MemberView:
    annotation: str
    typed_dict_annotation: str
    tag: str | None  # Python literal of the discriminator tag


@dataclass(frozen=True)
class ModuleView:
    decl: t.Declaration
    imports: tuple[str, ...]
    late_imports: tuple[str, ...]  # imports that must follow the definitions (import cycles)
    fields: tuple[FieldView, ...] = ()
    members: tuple[MemberView, ...] = ()
    tag_map: str = ""  # Python dict literal: every tag → the tag of its member
    typed_dict_functional: bool = False
    alias_annotation: str = ""
    alias_typed_dict: str = ""
    typed_members: tuple[str, ...] = ()  # a union's members as plain data
    # A union or alias that contains itself: defined through TypeAliasType so that the name exists
    # before its definition is evaluated.
    recursive: bool = False


class PythonViews:
    def __init__(self, api: t.Api) -> None:
        self.decls = {d.name: d for d in api.declarations}
        self.by_module = {d.module: d for d in api.declarations}
        self.source = api.source
        self.component = _strongly_connected(self.decls)
        self.component_sizes: dict[int, int] = {}
        for number in self.component.values():
            self.component_sizes[number] = self.component_sizes.get(number, 0) + 1

    def in_cycle(self, decl: t.Declaration) -> bool:
        """Part of an import cycle: its module cannot import the others of the cycle first."""
        component = self.component[decl.name]
        return self.component_sizes[component] > 1 or any(r.name == decl.name for r in decl_refs(decl))

    def view(self, decl: t.Declaration) -> ModuleView:
        needs: set[str] = set()
        late: set[str] = set()
        runtime: set[str] = set()
        own: set[str] = set()
        ctx = _Ctx(self, decl, needs, late, runtime, own)
        if isinstance(decl, t.Model):
            runtime.add("BaseModel")
            needs.add("TypedDict")
            fields = tuple(self._field(ctx, f) for f in decl.fields)
            functional = any(not _class_body_key(f.wire_name) for f in decl.fields)
            return self._module(ctx, fields=fields, typed_dict_functional=functional)
        if isinstance(decl, t.Union):
            needs.update(("Union", "TypeAlias"))
            members = []
            disc = decl.discriminator
            tags: dict[t.Ref, str] = {}
            if disc is not None:
                needs.update(("Annotated", "Tag", "Discriminator"))
                runtime.add("discriminate")
                for tag, ref in disc.tags:
                    tags.setdefault(ref, tag)
                if decl.open:
                    runtime.update(("UnknownVariant", "UNKNOWN_TAG"))
            # pydantic picks, among members that all accept a value only after converting it, the first: so
            # members that convert strings to numbers come after those that take strings as they are ("1" is
            # then the string enum's "1", not the integer 1). Discriminated unions choose by tag instead.
            ordered = decl.members if disc is not None else sorted(decl.members, key=self._lax_rank)
            for member in ordered:
                annotation = ctx.annotation(member, in_union=True)
                typed = ctx.annotation(member, typed_dict=True)
                tag = tags.get(member) if isinstance(member, t.Ref) else None
                members.append(MemberView(annotation, typed, py_literal(tag) if tag is not None else None))
            typed_members = self._typed_members(ctx, decl)
            tag_map = ""
            if disc is not None:
                tag_map = "{" + ", ".join(f"{py_literal(tag)}: {py_literal(tags[ref])}" for tag, ref in disc.tags) + "}"
            return self._module(ctx, members=tuple(members), tag_map=tag_map, typed_members=typed_members)
        if isinstance(decl, t.Enum):
            runtime.add("OpenStrEnum" if decl.base == "str" else "OpenIntEnum")
            return self._module(ctx)
        if isinstance(decl, t.ErrorClass):
            return ModuleView(decl, (), ())
        needs.add("TypeAlias")
        return self._module(
            ctx,
            alias_annotation=ctx.annotation(decl.target),
            alias_typed_dict=ctx.annotation(decl.target, typed_dict=True),
        )

    def _lax_rank(self, typ: t.Type, seen: frozenset[str] = frozenset()) -> int:
        """0 for most types; 1 for integers (int, integer enums), 2 for floats, which also take numeric strings."""
        if isinstance(typ, t.NullableOf):
            return self._lax_rank(typ.inner, seen)
        if isinstance(typ, t.ListOf):
            return self._lax_rank(typ.item, seen)
        if isinstance(typ, t.MapOf):
            return self._lax_rank(typ.value, seen)
        if isinstance(typ, t.Primitive):
            return {"int": 1, "float": 2}.get(typ.name, 0)
        if isinstance(typ, t.Ref) and typ.name not in seen:
            decl = self.decls.get(typ.name)
            if isinstance(decl, t.Enum):
                return 1 if decl.base == "int" else 0
            if isinstance(decl, t.Alias):
                return self._lax_rank(decl.target, seen | {typ.name})
        return 0

    def _typed_members(self, ctx: _Ctx, decl: t.Union) -> tuple[str, ...]:
        """The union as plain data. Its list members merge into one `Sequence[Union[...]]`:
        type checkers cannot pick between `List[A]` and `List[List[A]]` for a list literal, and
        the model still validates the exact shape at run time."""
        lists = [m for m in decl.members if isinstance(m, t.ListOf)]
        if len(lists) < 2:
            return tuple(ctx.annotation(m, typed_dict=True) for m in decl.members)
        ctx.needs.add("Sequence")
        items = [ctx.annotation(m.item, typed_dict=True) for m in lists]
        merged = f"Sequence[Union[{', '.join(dict.fromkeys(items))}]]"
        out: list[str] = []
        for m in decl.members:
            if isinstance(m, t.ListOf):
                if merged not in out:
                    out.append(merged)
            else:
                out.append(ctx.annotation(m, typed_dict=True))
        return tuple(out)

    def _field(self, ctx: _Ctx, f: t.Field) -> FieldView:
        inner = ctx.annotation(f.type)
        typed = ctx.annotation(f.type, typed_dict=True)
        if f.required:
            wrapper, default = ("Nullable", None) if f.nullable else ("", None)
        elif f.nullable:
            wrapper, default = "OptionalNullable", "UNSET"
        else:
            wrapper, default = "Optional", "None"
        if f.default is not None:
            default = py_literal(f.default.value)
        if wrapper:
            ctx.runtime.add(wrapper)
            annotation = f"{wrapper}[{inner}]"
        else:
            annotation = inner
        if f.nullable:
            ctx.runtime.add("Nullable")
            typed = f"Nullable[{typed}]"
        if default == "UNSET":
            ctx.runtime.add("UNSET")
        if not f.required or f.default is not None:
            ctx.needs.add("NotRequired")
            typed = f"NotRequired[{typed}]"
        if f.wire_name != f.name:
            ctx.needs.update(("Annotated", "Field"))
            annotation = f"Annotated[{annotation}, Field(alias={py_literal(f.wire_name)})]"
        return FieldView(f, annotation, default, typed)

    def _module(self, ctx: _Ctx, **kwargs: object) -> ModuleView:
        if ctx.recursive and not isinstance(ctx.decl, t.Model):
            ctx.needs.update(("TYPE_CHECKING", "TypeAliasType", "TypeAlias"))
        lines = []
        by_source: dict[str, set[str]] = {}
        for name in ctx.needs:
            by_source.setdefault(_IMPORT_SOURCES[name], set()).add(name)
        for source in ("datetime", "typing", "pydantic", "typing_extensions"):
            if source in by_source:
                lines.append(f"from {source} import {', '.join(sorted(by_source[source], key=_import_order))}")
        if lines and (ctx.runtime or ctx.own or ctx.files):
            lines.append("")  # third-party imports, then the SDK's own
        if ctx.files:
            lines.append(f"from .._runtime.files import {', '.join(sorted(ctx.files))}")
        if ctx.runtime:
            lines.append(f"from .._runtime.types import {', '.join(sorted(ctx.runtime, key=_import_order))}")
        for module in sorted(ctx.own):
            decl = self.by_module[module]
            names = [decl.name] if isinstance(decl, t.Enum) else [decl.name, decl.name + "TypedDict"]
            lines.append(f"from .{module} import {', '.join(names)}")
        late = tuple(f"from . import {module} as _{module}" for module in sorted(ctx.late))
        return ModuleView(ctx.decl, tuple(lines), late, recursive=ctx.recursive and not isinstance(ctx.decl, t.Model), **kwargs)  # type: ignore[arg-type]


class _Ctx:
    """What one module's annotations pull in, collected while they are spelled."""

    def __init__(self, views: PythonViews, decl: t.Declaration, needs: set[str], late: set[str], runtime: set[str], own: set[str]) -> None:
        self.views = views
        self.decl = decl
        self.needs = needs
        self.late = late
        self.runtime = runtime
        self.own = own
        self.files: set[str] = set()
        self.recursive = False

    def annotation(self, typ: t.Type, typed_dict: bool = False, in_union: bool = False) -> str:
        """`in_union`: the type is (inside) a member of a union. There a boolean accepts only true and false:
        pydantic's lax bool also takes 0, 1, "1" or "yes", and would tie with (and, first, win over) the member
        those values really belong to, such as an integer enum."""
        if isinstance(typ, t.Primitive):
            if in_union and not typed_dict and typ.name == "bool":
                self.needs.add("StrictBool")
                return "StrictBool"
            spelled = PRIMITIVES[typ.name]
            if spelled == "File":
                self.files.add("FileTypedDict" if typed_dict else "File")
                return "FileTypedDict" if typed_dict else "File"
            if spelled in _IMPORT_SOURCES:
                self.needs.add(spelled)
            return spelled
        if isinstance(typ, t.ListOf):
            self.needs.add("List")
            return f"List[{self.annotation(typ.item, typed_dict, in_union)}]"
        if isinstance(typ, t.MapOf):
            self.needs.add("Dict")
            return f"Dict[str, {self.annotation(typ.value, typed_dict, in_union)}]"
        if isinstance(typ, t.Const):
            self.needs.add("Literal")
            return f"Literal[{py_literal(typ.value)}]"
        if isinstance(typ, t.NullableOf):
            self.runtime.add("Nullable")
            return f"Nullable[{self.annotation(typ.inner, typed_dict, in_union)}]"
        if in_union and not typed_dict and typ.kind == "alias":
            alias = self.views.decls.get(typ.name)
            if isinstance(alias, t.Alias) and _has_bool(alias.target):
                # the alias's module spells a lax bool: spelled here instead, strict
                return self.annotation(alias.target, typed_dict, in_union)
        if typed_dict and typ.kind == "enum":
            # Plain data may spell an enum member as its value.
            enum = self.views.decls.get(typ.name)
            if isinstance(enum, t.Enum) and enum.values:
                self.needs.update(("Union", "Literal"))
                values = ", ".join(py_literal(v.value) for v in enum.values)
                return f"Union[{self.annotation(typ)}, Literal[{values}]]"
        name = typ.name + ("TypedDict" if typed_dict and typ.kind != "enum" else "")
        # Annotations are evaluated when the module runs, so anything not yet defined at that point
        # is quoted: the declaration itself, and modules of the same import cycle (imported last).
        if typ.module == self.decl.module:
            self.recursive = True
            return f'"{name}"'
        cyclic = self.views.component[typ.name] == self.views.component[self.decl.name]
        if cyclic:
            # Models' annotations are resolved lazily by pydantic; unions and aliases in a cycle
            # are defined through TypeAliasType, whose value is resolved lazily too.
            self.recursive = True
            self.late.add(typ.module)
            return f'"_{typ.module}.{name}"'
        self.own.add(typ.module)
        return name


def _has_bool(typ: t.Type) -> bool:
    if isinstance(typ, t.Primitive):
        return typ.name == "bool"
    if isinstance(typ, t.ListOf):
        return _has_bool(typ.item)
    if isinstance(typ, t.MapOf):
        return _has_bool(typ.value)
    if isinstance(typ, t.NullableOf):
        return _has_bool(typ.inner)
    return False


def _class_body_key(wire: str) -> bool:
    """Whether `wire: T` in a class body makes the key `wire`: an identifier that is not a keyword,
    that Python does not NFKC-normalise (`ﬁle` would become `file`) and does not mangle (`__x`)."""
    return (
        wire.isidentifier()
        and not keyword.iskeyword(wire)
        and unicodedata.normalize("NFKC", wire) == wire
        and not (wire.startswith("__") and not wire.endswith("__"))
    )


def _import_order(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1, name)


def _strongly_connected(decls: dict[str, t.Declaration]) -> dict[str, int]:
    """Tarjan's algorithm, iterative so that deep specs cannot exhaust the stack."""
    graph = {name: sorted({r.name for r in decl_refs(d) if r.name in decls}) for name, d in decls.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(start, iter(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = index[node]
                    if member == node:
                        break
    return component


@dataclass(frozen=True)
class SdkView:
    server_url: str
    server_variables: tuple[tuple[str, str], ...]
    user_agent: str
    docstring: str
    init_docstring: str


def sdk_view(api: t.Api) -> SdkView:
    server = api.servers[0] if api.servers else t.Server("", None)
    doc = api.title + (f" (API version {api.api_version})" if api.api_version else "")
    if api.description:
        doc += "\n\n" + api.description
    args = ["Args:"]
    for s in api.security:
        how = {"bearer": "sent as a bearer token", "basic": "a (username, password) pair", "api_key": f"sent in the {s.location} {s.wire_name!r}"}[s.kind]
        env = "" if s.kind == "basic" else f"; defaults to the {s.env} environment variable"
        args.append(f"    {s.param}: the {s.key} credential, {how}{env}. A callable is called for every request.")
    args += [
        f"    server_url: the API's base URL{' (default: ' + server.url + ')' if server.url else ''}.",
        "    url_params: values for the variables of the server URL.",
        "    client: an httpx.Client to send requests with; the SDK never closes one you pass.",
        "    async_client: the same for the async methods.",
        "    retry_config: how to retry failed requests; None turns retries off. The default retries",
        "        connection errors, 429 and 5XX for up to 30 seconds with exponential backoff.",
        "    timeout_ms: a timeout for every request, in milliseconds.",
        "    hooks: callables run before each request and after each response.",
    ]
    return SdkView(
        server_url=server.url,
        server_variables=server.variables,
        user_agent=f"{api.package}/{api.version} (gen)",
        docstring=doc,
        init_docstring="Create a client.\n\n" + "\n".join(args),
    )
