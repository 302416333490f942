"""The views of model modules and of the SDK class.

The templates print what these views say; every decision about Python syntax is made here (types are spelled, and
imports collected, by `annotations`).
"""

from __future__ import annotations

import keyword
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from ..ir import types as t
from ..ir.build import decl_refs
from .annotations import Imports, Spelling, presence
from .text import py_literal


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
        self.component = _strongly_connected(self.decls)
        self.cycles: dict[int, set[str]] = {}
        for name, number in self.component.items():
            self.cycles.setdefault(number, set()).add(name)

    def view(self, decl: t.Declaration) -> ModuleView:
        if isinstance(decl, t.ErrorClass):
            return ModuleView(decl, (), ())
        spell = Spelling(self.decls, home=decl.module, cycle=self.cycles[self.component[decl.name]])
        if isinstance(decl, t.Model):
            spell.use("BaseModel")
            spell.use("TypedDict")
            fields = tuple(self._field(spell, f) for f in decl.fields)
            functional = any(not _class_body_key(f.wire_name) for f in decl.fields)
            return self._module(spell, decl, fields=fields, typed_dict_functional=functional)
        if isinstance(decl, t.Union):
            spell.use("Union")
            spell.use("TypeAlias")
            members = []
            disc = decl.discriminator
            tags: dict[t.Ref, str] = {}
            if disc is not None:
                for name in ("Annotated", "Tag", "Discriminator", "discriminate"):
                    spell.use(name)
                tags = _labels(disc)
                if decl.open:
                    spell.use("UnknownVariant")
                    spell.use("UNKNOWN_TAG")
            # pydantic picks, among members that all accept a value only after converting it, the first: so
            # members that convert strings to numbers come after those that take strings as they are ("1" is
            # then the string enum's "1", not the integer 1). Discriminated unions choose by tag instead.
            ordered = decl.members if disc is not None else sorted(decl.members, key=self._lax_rank)
            for member in ordered:
                annotation = spell(member, in_union=True)
                typed = spell(member, typed_dict=True)
                member_tag = tags.get(member) if isinstance(member, t.Ref) else None
                members.append(
                    MemberView(annotation, typed, py_literal(member_tag) if member_tag is not None else None)
                )
            typed_members = self._typed_members(spell, decl)
            tag_map = self._tag_map(disc, tags) if disc is not None else ""
            return self._module(spell, decl, members=tuple(members), tag_map=tag_map, typed_members=typed_members)
        if isinstance(decl, t.Enum):
            spell.use("OpenStrEnum" if decl.base == "str" else "OpenIntEnum")
            return self._module(spell, decl)
        spell.use("TypeAlias")
        return self._module(
            spell,
            decl,
            alias_annotation=spell(decl.target),
            alias_typed_dict=spell(decl.target, typed_dict=True),
        )

    def _tag_map(self, disc: t.Discriminator, labels: dict[t.Ref, str]) -> str:
        """Python dict literal: every tag value → the label of its member, or, for a value that several members
        share, the runtime's candidates for them (label, class name, required and fixed wire properties)."""
        sharing: dict[str, list[t.Ref]] = {}
        for tag, ref in disc.tags:
            sharing.setdefault(tag, []).append(ref)
        entries = []
        for tag, refs in sharing.items():
            if len(refs) == 1:
                entries.append(f"{py_literal(tag)}: {py_literal(labels[refs[0]])}")
            else:
                candidates = ", ".join(self._candidate(disc, ref, labels[ref]) for ref in refs)
                entries.append(f"{py_literal(tag)}: ({candidates})")
        return "{" + ", ".join(entries) + "}"

    def _candidate(self, disc: t.Discriminator, ref: t.Ref, label: str) -> str:
        model = self.decls.get(ref.name)
        own = model.fields if isinstance(model, t.Model) else ()
        fields = [f for f in own if f.wire_name != disc.wire_name]
        # A required property with a default may be left out: what it fixes is checked instead.
        required = [py_literal(f.wire_name) for f in fields if f.required and f.default is None]
        fixed = ", ".join(
            f"{py_literal(f.wire_name)}: {py_literal(f.type.value)}"
            for f in fields
            if isinstance(f.type, t.Const) and not f.nullable
        )
        spelled = ", ".join(required) + ("," if len(required) == 1 else "")
        return f"({py_literal(label)}, {py_literal(ref.name)}, ({spelled}), {{{fixed}}})"

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

    def _typed_members(self, spell: Spelling, decl: t.Union) -> tuple[str, ...]:
        """The union as plain data. Its list members merge into one `Sequence[Union[...]]`:
        type checkers cannot pick between `List[A]` and `List[List[A]]` for a list literal, and
        the model still validates the exact shape at run time."""
        lists = [m for m in decl.members if isinstance(m, t.ListOf)]
        if len(lists) < 2:
            return tuple(spell(m, typed_dict=True) for m in decl.members)
        items = [spell(m.item, typed_dict=True) for m in lists]
        merged = f"{spell.use('Sequence')}[{spell.use('Union')}[{', '.join(dict.fromkeys(items))}]]"
        out: list[str] = []
        for m in decl.members:
            if isinstance(m, t.ListOf):
                if merged not in out:
                    out.append(merged)
            else:
                out.append(spell(m, typed_dict=True))
        return tuple(out)

    def _field(self, spell: Spelling, f: t.Field) -> FieldView:
        annotation = spell(f.type)
        typed = spell(f.type, typed_dict=True)
        wrapper, default = presence(f.required, f.nullable)
        if f.default is not None:
            default = py_literal(f.default.value)
        if wrapper:
            # a model's Optional is the runtime's: it keeps a field the caller left out off the wire
            annotation = f"{spell.use(wrapper, '._runtime.types')}[{annotation}]"
        if f.nullable:
            typed = f"{spell.use('Nullable')}[{typed}]"
        if default == "UNSET":
            spell.use("UNSET")
        if not f.required or f.default is not None:
            typed = f"{spell.use('NotRequired')}[{typed}]"
        if f.wire_name != f.name:
            annotation = (
                f"{spell.use('Annotated')}[{annotation}, {spell.use('Field')}(alias={py_literal(f.wire_name)})]"
            )
        return FieldView(f, annotation, default, typed)

    def _module(self, spell: Spelling, decl: t.Declaration, **kwargs: object) -> ModuleView:
        recursive = spell.recursive and not isinstance(decl, t.Model)
        if recursive:
            for name in ("TYPE_CHECKING", "TypeAliasType", "TypeAlias"):
                spell.use(name)
        late = tuple(f"from . import {module} as _{module}" for module in sorted(spell.late))
        return ModuleView(decl, spell.imports.lines(stdlib_apart=False), late, recursive=recursive, **kwargs)  # type: ignore[arg-type]


def _class_body_key(wire: str) -> bool:
    """Whether `wire: T` in a class body makes the key `wire`: an identifier that is not a keyword,
    that Python does not NFKC-normalise (`ﬁle` would become `file`) and does not mangle (`__x`)."""
    return (
        wire.isidentifier()
        and not keyword.iskeyword(wire)
        and unicodedata.normalize("NFKC", wire) == wire
        and not (wire.startswith("__") and not wire.endswith("__"))
    )


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
    imports: tuple[str, ...]
    server_url: str
    server_variables: tuple[tuple[str, str], ...]
    servers: tuple[tuple[str, str], ...]  # (id, url) of the servers `server=` names, in the spec's order
    named_variables: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (id, variables) of those with variables
    user_agent: str
    default_timeout: str  # the httpx.Timeout expression of gen.yaml's timeout settings
    timeout_doc: str
    docstring: str
    init_docstring: str


def sdk_view(api: t.Api) -> SdkView:
    server = api.servers[0] if api.servers else t.Server("", None)
    named: dict[str, str] = {}
    named_variables: dict[str, tuple[tuple[str, str], ...]] = {}
    for candidate in api.servers:
        if candidate.id is not None and candidate.id not in named:
            named[candidate.id] = candidate.url
            if candidate.variables:
                named_variables[candidate.id] = candidate.variables
    doc = api.title + (f" (API version {api.api_version})" if api.api_version else "")
    if api.description:
        doc += "\n\n" + api.description
    args = ["Args:"]
    for s in api.security:
        how = {
            "bearer": "sent as a bearer token",
            "basic": "a (username, password) pair",
            "api_key": f"sent in the {s.location} {s.wire_name!r}",
        }[s.kind]
        env = "" if s.kind == "basic" else f"; defaults to the {s.env} environment variable"
        args.append(f"    {s.param}: the {s.key} credential, {how}{env}. A callable is called for every request.")
    view_retries = 2 if api.max_retries is None else api.max_retries
    if named:
        choices = ", ".join(f"{k!r} ({v})" for k, v in named.items())
        args.append(f"    server: the server to use, by name: {choices}. server_url wins over it.")
    args += [
        f"    server_url: the API's base URL{' (default: ' + server.url + ')' if server.url else ''}.",
        "    url_params: values for the variables of the server URL.",
        "    client: an httpx.Client to send requests with; the SDK never closes one you pass.",
        "    async_client: the same for the async methods.",
        "    retry_config: how to retry failed requests; None turns retries off. The default makes at",
        f"        most {view_retries} retries within 20 seconds, with exponential backoff, of failures to connect, 429",
        "        and 503, and of other 5XX for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE, TRACE).",
        "    timeout_ms: a timeout for every request, in milliseconds (connect, read, write and pool",
        f"        wait), in place of the default: {timeout_doc(api)}.",
        "    hooks: callables run before each request and after each response.",
        f"    debug_logger: a logging.Logger for requests and retries, instead of the {api.package!r} logger.",
    ]
    return SdkView(
        imports=_sdk_imports(api),
        server_url=server.url,
        server_variables=server.variables,
        named_variables=tuple(named_variables.items()),
        servers=tuple(named.items()),
        user_agent=f"{api.package}/{api.version} (gen)",
        default_timeout=_timeout_expr(api),
        timeout_doc=timeout_doc(api),
        docstring=doc,
        init_docstring="Create a client.\n\n" + "\n".join(args),
    )


def _seconds(ms: int | None) -> str:
    return "None" if ms is None else repr(ms / 1000)


def _timeout_expr(api: t.Api) -> str:
    if api.connect_timeout_ms is None or api.connect_timeout_ms == api.timeout_ms:
        return f"httpx.Timeout({_seconds(api.timeout_ms)})"
    return f"httpx.Timeout({_seconds(api.timeout_ms)}, connect={_seconds(api.connect_timeout_ms)})"


def timeout_doc(api: t.Api) -> str:
    def ms(value: int | None) -> str:
        return "none" if value is None else f"{value} ms"

    if api.connect_timeout_ms is None or api.connect_timeout_ms == api.timeout_ms:
        return f"{ms(api.timeout_ms)} for each step" if api.timeout_ms is not None else "no timeout"
    read = "no read timeout" if api.timeout_ms is None else f"{ms(api.timeout_ms)} to read"
    return f"{read}, {ms(api.connect_timeout_ms)} to connect"


def _sdk_imports(api: t.Api) -> tuple[str, ...]:
    """sdk.py's imports: the credentials' types and the groups' properties only where the API has them."""
    imports = Imports()
    imports.add("types", "TracebackType")
    # TypeVar, Union and Unset spell OptionalNullable for typing.get_type_hints without pydantic.
    imports.add("typing", "TYPE_CHECKING", "Dict", "Optional", "Type", "TypeVar", "Union")
    if api.security:
        imports.add("typing", "Callable")
    if any(s.kind == "basic" for s in api.security):
        imports.add("typing", "Tuple")
    if any(s.kind != "basic" for s in api.security):
        imports.add("os")  # the credential's environment variable
    if api.groups:
        imports.add("functools", "cached_property")
        imports.add("importlib.util")  # the groups' modules, loaded lazily
        imports.add("sys")
        imports.add("types", "ModuleType")
    imports.add("logging")
    imports.add("httpx")
    imports.add("._runtime.config", "Config", "Scheme")
    if api.max_retries is not None:
        imports.add("dataclasses")
        imports.add("._runtime.config", "DEFAULT_RETRY_CONFIG")
        imports.add("._runtime.unset", "Unset")
    imports.add("._runtime.hooks", "Hooks")
    imports.add("._runtime.retries", "RetryConfig")
    imports.add("._runtime.unset", "UNSET", "Unset")
    return imports.lines()


def _labels(disc: t.Discriminator) -> dict[t.Ref, str]:
    """Each member's Tag in the union: its first tag value, or, when an earlier member holds that value
    already, the value and the member's name (a tag shared by members names them all apart)."""
    labels: dict[t.Ref, str] = {}
    taken = {tag for tag, _ in disc.tags}
    for tag, ref in disc.tags:
        if ref in labels:
            continue
        label = tag
        if label in labels.values():
            label = f"{tag}~{ref.name}"
            while label in taken:
                label += "~"
            taken.add(label)
        labels[ref] = label
    return labels
