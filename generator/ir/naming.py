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
    NotRequired Annotated Field Number DateInUnion DateTimeInUnion date datetime bool int float str bytes
    """.split()
)

# Declaration names that would collide with what every models module imports.
RESERVED_TYPE_NAMES = frozenset(
    """
    BaseModel Unset UNSET Nullable Optional OptionalNullable List Dict Any Union Literal TypedDict
    NotRequired Annotated Discriminator Tag OpenStrEnum OpenIntEnum UnknownVariant date datetime
    None True False File FileTypedDict TypeAlias TypeAliasType TYPE_CHECKING SDKError
    ResponseValidationError APIConnectionError APITimeoutError UNKNOWN_TAG Field Number DateInUnion DateTimeInUnion
    """.split()
)

# Globals of models/__init__.py: importing a submodule binds its name there, so no module may be
# called like one of them (a schema named `importlib` would break every lazy import after it).
_RESERVED_MODULES = frozenset({"importlib", "annotations"})

# Words inside one chunk: "HTTPCode" → HTTP, Code; "createdAt" → created, At. An acronym stays one word
# in its plural ("floatingIPs" → floating, IPs, not floating, I, Ps), with a version ("IPv6"), and in OAuth.
# Letters beyond ASCII count as lower case, so "café" and "名前" stay whole.
_WORD = re.compile(
    r"OAuth[0-9]*|[A-Z]{2,}s(?![^\W_A-Z])|[A-Z]{2,}v[0-9]+|[A-Z]+(?=[A-Z][^\W_A-Z])|[A-Z]?[^\W_A-Z]+|[A-Z]+"
)
# A name that starts with one digit reads it as a word ("1-Click Apps" → one_click_apps) rather than
# taking a prefix: longer numbers ("404", "2fa") are kept as they are, behind the prefix.
_DIGITS = "0123456789"
_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
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
    """`createdAt` → `created_at`; `HTTPCode` → `http_code`; `a.b-c` → `a_b_c`; `floatingIPs` → `floating_ips`;
    `1ClickApps` → `one_click_apps`."""
    words = _snake_words(text)
    if len(words) > 1 and words[0] in _DIGITS and words[1][:1].isalpha():
        words[0] = _DIGIT_WORDS[int(words[0])]
    return _identifier("_".join(words), prefix="field")


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


# ---------------------------------------------------------------- operations: groups and method names

# Leading path segments that name a version or the API itself, not a resource: /v1, /v2beta1, /2010-04-01, /api.
_PREFIX = re.compile(r"v[0-9]+(?:[._-][0-9]+)*(?:(?:alpha|beta|preview|rc)[0-9]*)?|[0-9]+(?:[.-][0-9]+)*|api", re.I)
_PARAMETER = "{}"
# Method names from the HTTP method and the path's shape; other methods (HEAD, OPTIONS, ...) keep their own name.
_ON_COLLECTION = {"GET": "list", "POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}
_ON_ITEM = {"GET": "retrieve", "POST": "update", "PUT": "update", "PATCH": "update", "DELETE": "delete"}


def framework_name(operation_id: str, path: str, method: str) -> str:
    """The name a framework put in front of the path and method: FastAPI's operationId is the function's name, the
    path with every non-word character as `_`, and the method (`chat_completion_v1_chat_completions_post`)."""
    suffix = re.sub(r"\W", "_", path) + "_" + method.lower()
    if operation_id.endswith(suffix) and len(operation_id) > len(suffix):
        return operation_id[: -len(suffix)]
    return operation_id


def is_mechanical(operation_id: str, path: str, method: str) -> bool:
    """An operationId spelled from the method and the path alone (`GetCustomersCustomerSources` for GET
    /v1/customers/{customer}/sources) says nothing the path does not."""
    said = {method.lower()} | {w for segment in path.split("/") for w in _snake_words(segment)}
    return set(_snake_words(operation_id)) <= said


def _segments(path: str) -> tuple[str, ...]:
    """The path's segments after its version prefixes: parameters as `{}`, literals without a file extension
    (`/Calls.json`); a custom method after a parameter (`/jobs/{job}:cancel`) is a segment of its own."""
    segments = [s for s in path.split("#", 1)[0].split("/") if s]
    while segments and _PREFIX.fullmatch(segments[0]):
        segments.pop(0)
    shape: list[str] = []
    for segment in segments:
        if "{" in segment:
            shape.append(_PARAMETER)
            _, colon, custom = segment.rpartition("}:")
            if colon and custom and "{" not in custom:
                shape.append(custom)
        else:
            shape.append(segment.split(".", 1)[0] or segment)
    return tuple(shape)


class Routes:
    """Groups and method names from the shape of the paths, for operations that neither a tag nor x-speakeasy-group
    places: `/v1/customers/{id}/sources/{source}` is in group `customers.sources`.

    A literal segment is a resource (a group), except the last one after a first resource when no other path goes
    below it and only one operation uses it: then it is an action (POST /v1/charges/{id}/capture → `charges.capture`).
    """

    def __init__(self, endpoints: list[tuple[str, str]]) -> None:
        self._below: set[tuple[str, ...]] = set()  # shapes some longer path starts with
        self._count: dict[tuple[str, ...], int] = {}  # operations per shape
        for path, _ in endpoints:
            shape = _segments(path)
            self._below.update(shape[:i] for i in range(1, len(shape)))
            self._count[shape] = self._count.get(shape, 0) + 1

    def names(self, path: str, method: str) -> tuple[tuple[str, ...], str]:
        """(the group, the method name)."""
        shape = _segments(path)
        groups: list[str] = []
        for i, segment in enumerate(shape):
            if segment == _PARAMETER:
                continue
            if i == len(shape) - 1 and groups and shape not in self._below and self._count.get(shape, 0) < 2:
                return tuple(groups), field_name(segment)
            groups.append(attribute_name(segment))
        verb = method.upper()
        if not groups:
            return ("default",), field_name(method.lower())
        table = _ON_ITEM if shape[-1] == _PARAMETER else _ON_COLLECTION
        return tuple(groups), table.get(verb, field_name(method.lower()))
