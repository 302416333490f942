"""Turning spec names into Python names: deterministic, collision-free, never invalid."""

from __future__ import annotations

import keyword
import re
import unicodedata
from functools import lru_cache

# Attributes of pydantic.BaseModel a field must not shadow. Written out rather than read from the
# installed pydantic so that the output does not depend on the machine that generates it.
PYDANTIC_RESERVED = frozenset(
    """
    construct copy dict from_orm json model_computed_fields model_config model_construct model_copy
    model_dump model_dump_json model_extra model_fields model_fields_set model_json_schema
    model_parametrized_name model_post_init model_rebuild model_validate model_validate_json
    model_validate_strings parse_file parse_obj parse_raw schema schema_json update_forward_refs
    validate
    """.split()
)

# Names the annotations of a generated model use. pydantic resolves annotations with the class body
# in scope, so a field called `date` would turn a later `date` annotation into that field's default.
SHADOWED = frozenset(
    """
    List Dict Any Union Literal Optional Nullable OptionalNullable UNSET Unset BaseModel TypedDict
    NotRequired Annotated Field date datetime bool int float str bytes
    """.split()
)

# Declaration names that would collide with what every models module imports.
RESERVED_TYPE_NAMES = frozenset(
    """
    BaseModel Unset UNSET Nullable Optional OptionalNullable List Dict Any Union Literal TypedDict
    NotRequired Annotated Discriminator Tag OpenStrEnum OpenIntEnum UnknownVariant date datetime
    None True False File FileTypedDict TypeAlias TypeAliasType TYPE_CHECKING SDKError
    ResponseValidationError APIConnectionError APITimeoutError UNKNOWN_TAG Field
    """.split()
)

# Globals of models/__init__.py: importing a submodule binds its name there, so no module may be
# called like one of them (a schema named `importlib` would break every lazy import after it).
_RESERVED_MODULES = frozenset({"importlib", "annotations"})

# Words inside one chunk: "HTTPCode" → HTTP, Code; "createdAt" → created, At. Letters beyond ASCII
# count as lower case, so "café" and "名前" stay whole.
_WORD = re.compile(r"[A-Z]+(?=[A-Z][^\W_A-Z])|[A-Z]?[^\W_A-Z]+|[A-Z]+")
_SEPARATORS = re.compile(r"[\W_]+")

# The same names are spelled over and over (a property name in every schema that has it, a schema name in every
# reference): the functions below are pure, so each remembers its recent answers.
_remembered = lru_cache(maxsize=1 << 15)


def _ascii_words(text: str) -> list[str]:
    # NFKC first: it is how Python itself normalises identifiers.
    normalized = unicodedata.normalize("NFKC", text)
    return [c for c in _SEPARATORS.split(normalized) if c]


# Words written in capitals when gen puts a name together from separate words (`image_url` → `ImageURL`,
# `files_api_routes_upload_file` → `FilesAPIRoutesUploadFile`), as the reference SDK spells them. A name
# that is one word already (`ApiEndpoint`, `JsonSchema`) is the spec's own spelling and is kept.
ACRONYMS = frozenset({"api", "http", "id", "json", "uri", "url", "uuid"})


@_remembered
def pascal(text: str) -> str:
    """`chat_completion` → `ChatCompletion`; `FTModelOut` and `ApiEndpoint` stay; `model-list` → `ModelList`;
    `image_url` → `ImageURL` (see ACRONYMS)."""
    parts = _ascii_words(text)
    joined = len(parts) > 1
    name = "".join(
        p.upper() if p.lower() in ACRONYMS and (joined or p.islower()) else p[:1].upper() + p[1:] for p in parts
    )
    return _identifier(name, prefix="Type")


def _snake_words(text: str) -> list[str]:
    words: list[str] = []
    for chunk in _ascii_words(text):
        found = _WORD.findall(chunk)
        words.extend(w.lower() for w in (found or [chunk]))
    return words


@_remembered
def snake(text: str) -> str:
    """`createdAt` → `created_at`; `HTTPCode` → `http_code`; `a.b-c` → `a_b_c`."""
    return _identifier("_".join(_snake_words(text)), prefix="field")


@_remembered
def upper_snake(text: str) -> str:
    """An enum member name; the caller deals with a leading digit or an empty result."""
    return "_".join(_snake_words(text)).upper()


def _identifier(name: str, prefix: str) -> str:
    if not (name.isascii() and name.isidentifier()):  # else every character is a letter, a digit or "_": all kept
        name = "".join(ch for ch in name if ch.isidentifier() or ch.isdigit() or ch == "_")
    if not name:
        return prefix
    if not name[0].isidentifier():
        name = f"{prefix}_{name}" if prefix.islower() else f"{prefix}{name}"
    if not name.isidentifier():
        name = re.sub(r"\W", "_", name)
    return name


@_remembered
def field_name(wire: str) -> str:
    # Soft keywords (match, case, type) are valid names: leaving them alone also keeps the output
    # the same whichever Python version runs gen.
    name = snake(wire)
    if keyword.iskeyword(name) or name in PYDANTIC_RESERVED:
        return name + "_"
    if name in SHADOWED or name.startswith("_"):
        return name.lstrip("_") + "_" if name.lstrip("_") else "field_"
    return name


class Namer:
    """Hands out unique names; case-insensitively, because module files are named in lower case."""

    def __init__(self, reserved: frozenset[str] = frozenset()) -> None:
        self._taken: set[str] = {r.lower() for r in reserved}
        self.claimed: set[str] = set()  # as spelled: a field may not be named like a class (see _field_names)

    def claim(self, wanted: str, twin: bool = False) -> str:
        """A free name; with `twin`, `<name>TypedDict` must be free too, and is taken with it."""

        def free(candidate: str) -> bool:
            return candidate.lower() not in self._taken and not (
                twin and (candidate + "TypedDict").lower() in self._taken
            )

        name, n = wanted, 1
        while not free(name):
            n += 1
            name = f"{wanted}{n}"
        self._taken.add(name.lower())
        self.claimed.add(name)
        if twin:
            self._taken.add((name + "TypedDict").lower())
        return name


def unique(names: list[str], sep: str = "_") -> list[str]:
    """Make a list of names unique, keeping the first occurrence as it is."""
    seen: set[str] = set()
    out = []
    for wanted in names:
        name, n = wanted, 1
        while name in seen:
            n += 1
            name = f"{wanted}{sep}{n}"
        seen.add(name)
        out.append(name)
    return out


@_remembered
def module_name(name: str) -> str:
    """The module of a declaration: its name in lower case, never a keyword nor the name itself."""
    module = name.lower()
    # A module named exactly like its class (a script without case: `名前`) would replace the class on
    # the models package once imported.
    reserved = keyword.iskeyword(module) or keyword.issoftkeyword(module) or module in _RESERVED_MODULES
    return module + "_" if reserved or module == name else module


# Attributes the SDK class and group classes define themselves.
_OWN_ATTRIBUTES = frozenset({"close", "aclose", "hooks"})


@_remembered
def attribute_name(text: str) -> str:
    """A group's attribute on the SDK (`client.fine_tuning`): snake_case, never a keyword."""
    name = snake(text)
    return name + "_" if keyword.iskeyword(name) or name in _OWN_ATTRIBUTES else name
