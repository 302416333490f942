"""IR types spelled as Python annotations, and the imports those spellings need.

Model modules, group modules, the model docs and the diff report all spell types here, so they cannot drift apart.
While it spells, a `Spelling` records every name it used (a typing name, `date`, the runtime's `Nullable`, a model's
module, `models`); a generated module's import block is written from that record, so it imports what it uses and
nothing else.
"""

from __future__ import annotations

import sys
from typing import Collection, Mapping

from ..ir import types as t
from .text import py_literal

# How each IR primitive is spelled.
_PRIMITIVES = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "bytes": "bytes",
    "any": "Any",
    "none": "None",
    "date": "date",
    "datetime": "datetime",
}

# Where each name that annotations, and the code the templates write around them, use comes from. A source starting
# with a dot is a module of the generated package, relative to the package's top; `Spelling` resolves it for the
# module being written.
_SOURCES = {
    **dict.fromkeys(("TYPE_CHECKING", "Any", "Dict", "List", "Mapping", "Optional", "Sequence", "Union"), "typing"),
    **dict.fromkeys(("date", "datetime"), "datetime"),
    "cached_property": "functools",
    **dict.fromkeys(("Discriminator", "Field", "StrictBool", "Tag"), "pydantic"),
    **dict.fromkeys(("Annotated", "Literal", "NotRequired"), "typing_extensions"),
    **dict.fromkeys(("TypeAlias", "TypeAliasType", "TypedDict"), "typing_extensions"),
    "models": ".",
    "client as _client": "._runtime",
    "pagination as _pagination": "._runtime",
    **dict.fromkeys(("Call", "Endpoint", "Param"), "._runtime.client"),
    "Config": "._runtime.config",
    "Encoding": "._runtime.encoding",
    **dict.fromkeys(("File", "FileTypedDict"), "._runtime.files"),
    "RetryConfig": "._runtime.retries",
    **dict.fromkeys(("raw", "raw_async"), "._runtime.raw"),
    **dict.fromkeys(("EventStream", "EventStreamAsync"), "._runtime.sse"),
    **dict.fromkeys(("UNSET", "Nullable", "Number", "OptionalNullable", "BaseModel"), "._runtime.types"),
    **dict.fromkeys(("DateInUnion", "DateTimeInUnion"), "._runtime.types"),
    **dict.fromkeys(("OpenStrEnum", "OpenIntEnum", "UnknownVariant", "UNKNOWN_TAG", "discriminate"), "._runtime.types"),
}
_MODULES = {"httpx"}  # imported whole


def presence(required: bool, nullable: bool) -> tuple[str, str | None]:
    """The wrapper that spells a field's or an argument's presence and nullability ("" when it needs none), and the
    default it takes when the caller leaves it out (None: the caller must give it). The four cases of the
    architecture's table."""
    if required:
        return ("Nullable" if nullable else "", None)
    return ("OptionalNullable", "UNSET") if nullable else ("Optional", "None")


class Imports:
    """What one module imports, written as isort writes it: the standard library, third-party packages, then the
    package's own modules, each group sorted by module, whole-module imports first; within a line constants, then
    classes, then the rest."""

    def __init__(self) -> None:
        self._names: dict[str, set[str]] = {}
        self._whole: set[str] = set()

    def add(self, source: str, *names: str) -> None:
        """`from source import names`; without names, `import source`."""
        if names:
            self._names.setdefault(source, set()).update(names)
        else:
            self._whole.add(source)

    def lines(self, *, stdlib_apart: bool = True) -> tuple[str, ...]:
        """`stdlib_apart=False` keeps the standard library and third-party imports in one block (model modules
        keep the seed's layout)."""
        sections: tuple[list[str], list[str], list[str]] = ([], [], [])
        for source in sorted(self._whole):
            sections[_section(source)].append(f"import {source}")
        for source in sorted(self._names):
            names = ", ".join(sorted(self._names[source], key=_import_order))
            sections[_section(source)].append(f"from {source} import {names}")
        stdlib, third_party, local = sections
        blocks = [stdlib, third_party, local] if stdlib_apart else [stdlib + third_party, local]
        lines: list[str] = []
        for block in blocks:
            if block and lines:
                lines.append("")
            lines += block
        return tuple(lines)


def _section(source: str) -> int:
    """0: the standard library, 1: third-party packages, 2: the generated package."""
    if source.startswith("."):
        return 2
    return 0 if source.split(".")[0] in sys.stdlib_module_names else 1


def _import_order(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1, name)


class Spelling:
    """Spells IR types as Python annotations for one module, and records the imports the spellings need.

    declarations: by name; an enum's values and an alias's target are read from them.
    qualified: declarations are spelled `models.X`, through the lazily loaded package (group modules, at the package's
        top); otherwise `X`, imported from its own module (model modules, in `models/`; the docs and the diff report,
        which ignore the imports).
    home: the model module being written: a reference to it is quoted, the name is not defined yet when the
        annotation is evaluated.
    cycle: the names of the declarations in home's import cycle: referred to through a module imported after the
        definitions (`late`), quoted too.
    docs: spelled for readers (the docs, the diff report): a `type: number` is `float`, what type checkers see; code
        spells it as the runtime's `Number`, which keeps an int an int on the wire.
    """

    def __init__(
        self,
        declarations: Mapping[str, t.Declaration] | None = None,
        *,
        qualified: bool = False,
        home: str | None = None,
        cycle: Collection[str] = (),
        docs: bool = False,
    ) -> None:
        self.declarations = declarations or {}
        self.qualified = qualified
        self.home = home
        self.cycle = cycle
        self.docs = docs
        self.root = "." if qualified else ".."  # the package's top, relative to the module
        self.imports = Imports()
        self.late: set[str] = set()  # modules of home's cycle, imported after the definitions
        self.recursive = False  # a spelling quoted home or a module of its cycle

    def use(self, name: str, source: str | None = None) -> str:
        """`name`, imported from `source` (by default where it always comes from); returns it."""
        if name in _MODULES:
            self.imports.add(name)
            return name
        source = source or _SOURCES[name]
        self.imports.add(self.root + source[1:] if source.startswith(".") else source, name)
        return name

    def __call__(self, typ: t.Type, *, typed_dict: bool = False, in_union: bool = False) -> str:
        """`typed_dict`: the TypedDict twin's spelling (plain data), where an enum also takes its values as literals.
        `in_union`: the type is (inside) a member of a union. There a boolean accepts only true and false: pydantic's
        lax bool also takes 0, 1, "1" or "yes", and would tie with (and, first, win over) the member those values
        really belong to, such as an integer enum."""
        if isinstance(typ, t.Primitive):
            if typ.name == "file":
                return self.use("FileTypedDict" if typed_dict else "File")
            if in_union and not typed_dict and typ.name == "bool":
                return self.use("StrictBool")
            if typ.name == "float" and not self.docs:
                return self.use("Number")
            if in_union and not typed_dict and not self.docs and typ.name in ("date", "datetime"):
                return self.use("DateInUnion" if typ.name == "date" else "DateTimeInUnion")
            spelled = _PRIMITIVES[typ.name]
            return self.use(spelled) if spelled in _SOURCES else spelled
        if isinstance(typ, t.ListOf):
            return f"{self.use('List')}[{self(typ.item, typed_dict=typed_dict, in_union=in_union)}]"
        if isinstance(typ, t.MapOf):
            return f"{self.use('Dict')}[str, {self(typ.value, typed_dict=typed_dict, in_union=in_union)}]"
        if isinstance(typ, t.Const):
            return f"{self.use('Literal')}[{py_literal(typ.value)}]"
        if isinstance(typ, t.Literal):
            return f"{self.use('Literal')}[{', '.join(map(py_literal, typ.values))}]"
        if isinstance(typ, t.NullableOf):
            return f"{self.use('Nullable')}[{self(typ.inner, typed_dict=typed_dict, in_union=in_union)}]"
        decl = self.declarations.get(typ.name)
        if in_union and not typed_dict and isinstance(decl, t.Alias) and _has_bool(decl.target):
            # the alias's module spells a lax bool: spelled here instead, strict
            return self(decl.target, in_union=True)
        if typed_dict and isinstance(decl, t.Enum) and decl.values:
            values = ", ".join(py_literal(v.value) for v in decl.values)
            return f"{self.use('Union')}[{self(typ)}, {self.use('Literal')}[{values}]]"
        twin = typed_dict and typ.kind in ("model", "union", "alias")
        return self._declaration(typ, typ.name + "TypedDict" if twin else typ.name)

    def has_twin(self, typ: t.Type) -> bool:
        """Whether plain data is spelled differently from the model (a model, a file or an enum is inside). Asked of a
        throwaway Spelling: the caller may then write only one of the two, and must not import the other's names."""
        probe = Spelling(self.declarations, qualified=self.qualified, home=self.home, cycle=self.cycle, docs=self.docs)
        return probe(typ) != probe(typ, typed_dict=True)

    def _declaration(self, ref: t.Ref, name: str) -> str:
        if self.qualified:
            return f"{self.use('models')}.{name}"
        # Annotations are evaluated when the module runs, so anything not yet defined at that point is quoted: the
        # declaration itself, and the modules of its import cycle (imported last). Models' annotations are resolved
        # lazily by pydantic; unions and aliases in a cycle are defined through TypeAliasType, resolved lazily too.
        if ref.module == self.home:
            self.recursive = True
            return f'"{name}"'
        if ref.name in self.cycle:
            self.recursive = True
            self.late.add(ref.module)
            return f'"_{ref.module}.{name}"'
        self.imports.add(f".{ref.module}", name)
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
