"""The intermediate representation: what the SDK contains, with no trace of YAML, $ref or JSON Schema.

Everything here is a frozen dataclass. Templates read these and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from typing import Literal as TypingLiteral
from typing import Union as TypingUnion

# ---------------------------------------------------------------- types


Location = TypingLiteral["path", "query", "header", "cookie"]


@dataclass(frozen=True)
class Primitive:
    # "str" | "int" | "float" | "bool" | "date" | "datetime" | "bytes" | "any" | "none", and "file":
    # binary content uploaded as a part of a multipart body (a name, the bytes, a content type)
    name: str
    # A string's `format` the Python type does not capture (uuid, email, uri...): for examples.
    format: str | None = None


@dataclass(frozen=True)
class ListOf:
    item: Type


@dataclass(frozen=True)
class MapOf:
    value: Type


@dataclass(frozen=True)
class Const:
    """A single allowed value (`const`, or an enum of one value)."""

    value: str | int | float | bool | None


@dataclass(frozen=True)
class Literal:
    """One of a few values of different JSON types (`enum: [1, "a"]`): what a Python Literal can hold."""

    values: tuple[str | int | bool, ...]


@dataclass(frozen=True)
class NullableOf:
    inner: Type


DeclKind = TypingLiteral["model", "union", "enum", "alias", "error"]


@dataclass(frozen=True)
class Ref:
    """A use of a named declaration (a model, union, enum or alias module)."""

    name: str
    kind: DeclKind
    module: str


Type = TypingUnion[Primitive, ListOf, MapOf, Const, Literal, NullableOf, Ref]

ANY = Primitive("any")


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Example:
    """The first example the spec gives, kept as data."""

    value: Any


@dataclass(frozen=True)
class Field:
    name: str  # Python identifier
    wire_name: str  # the JSON key
    type: Type  # without the field-level nullability
    required: bool
    nullable: bool
    description: str | None = None
    example: Example | None = None
    deprecated: bool = False
    # The value the field takes when the caller leaves it unset, and sends on the wire; only for
    # one-value (const-like) fields and defaults the spec asks to be sent (x-gen-send-default).
    default: Const | None = None
    # The values an enum or const allows, as JSON text, where the type cannot say them (objects, lists, numbers).
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Model:
    name: str
    module: str
    description: str | None
    fields: tuple[Field, ...]
    # "forbid" only for request-only schemas that close themselves (additionalProperties: false);
    # anything a server sends keeps unknown keys, so new API fields never break an old SDK.
    extra: TypingLiteral["allow", "forbid"] = "allow"
    kind: TypingLiteral["model"] = "model"


@dataclass(frozen=True)
class Discriminator:
    wire_name: str  # the tag property on the wire
    attribute: str  # the same property as a Python attribute on the member models
    tags: tuple[tuple[str, Ref], ...]  # every tag value with the member it selects, in spec order


@dataclass(frozen=True)
class Union:
    name: str
    module: str
    description: str | None
    members: tuple[Type, ...]
    discriminator: Discriminator | None = None
    # A union a server sends keeps unknown discriminator tags as an unknown variant instead of failing.
    open: bool = False
    # The named schema itself admits null (uses of it are nullable too).
    nullable: bool = False
    kind: TypingLiteral["union"] = "union"


@dataclass(frozen=True)
class EnumValue:
    name: str  # Python identifier of the member
    value: str | int


@dataclass(frozen=True)
class Enum:
    name: str
    module: str
    description: str | None
    base: TypingLiteral["str", "int"]
    values: tuple[EnumValue, ...]
    kind: TypingLiteral["enum"] = "enum"


@dataclass(frozen=True)
class Alias:
    """A named component that is neither an object, a union nor an enum (e.g. `type: string`)."""

    name: str
    module: str
    description: str | None
    target: Type
    kind: TypingLiteral["alias"] = "alias"


@dataclass(frozen=True)
class ErrorClass:
    """An exception raised for an error response whose body has a schema; `data` is the parsed body."""

    name: str
    module: str
    description: str | None
    data: Ref
    kind: TypingLiteral["error"] = "error"


Declaration = TypingUnion[Model, Union, Enum, Alias, ErrorClass]


# ---------------------------------------------------------------- operations


@dataclass(frozen=True)
class Parameter:
    name: str  # Python identifier
    wire_name: str
    location: Location
    type: Type
    required: bool
    nullable: bool
    description: str | None = None
    style: str = "form"
    explode: bool = True
    deprecated: bool = False
    example: Example | None = None
    # The schema's `default` when it is an integer: where a page or offset starts when the caller leaves it out.
    default: int | None = None


@dataclass(frozen=True)
class PartEncoding:
    """A form or multipart body property's Encoding Object, with the spec's defaults applied."""

    wire_name: str
    # form, spaceDelimited, pipeDelimited or deepObject; None when the Encoding gives neither a style nor `explode`:
    # the property is then written by its content type.
    style: str | None
    explode: bool
    content_type: str | None  # as the spec writes it: `image/png, image/jpeg`, `application/json`, ...


@dataclass(frozen=True)
class Body:
    content_type: str  # application/json, multipart/form-data, ...
    type: Type
    required: bool
    description: str | None = None
    encoding: tuple[PartEncoding, ...] = ()  # only for form and multipart bodies, in the spec's order


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX", "default"
    content_type: str | None  # None when the response has no body
    type: Type | None
    description: str | None = None


# Where a value lies inside a page: attribute names of the models on the way, and list indexes (-1: the last item).
Steps = tuple[TypingUnion[str, int], ...]


@dataclass(frozen=True)
class Pagination:
    """How an operation's response is one page of a longer list, and how to ask for the page after it."""

    # page: a page number goes up by one; offset: an offset goes up by the items received; cursor: the next request
    # sends a value the page gives; url: the next request goes to a URL the page gives (body or `Link` header).
    kind: TypingLiteral["page", "offset", "cursor", "url"]
    items: Steps  # the list of items in the page model
    item: Type
    param: str | None = None  # the Python name of the parameter that advances (page, offset or cursor)
    size: str | None = None  # the page size (`page_size`, `limit`) parameter's Python name
    start: int = 0  # the page or offset the server uses when the caller gives none
    total: Steps | None = None  # the number of items of the whole list
    total_pages: Steps | None = None
    has_more: Steps | None = None  # a flag that is false on the last page
    next_cursor: Steps | None = None  # the cursor of the next page (`("data", -1, "id")`: the last item's id)
    next_url: Steps | None = None  # kind url: the next page's URL in the body; None: the `Link` header's rel="next"
    origin: TypingLiteral["x-speakeasy-pagination", "detected"] = "detected"


@dataclass(frozen=True)
class SecurityScheme:
    key: str  # the name under components/securitySchemes
    param: str  # the SDK constructor's keyword argument
    kind: TypingLiteral["bearer", "basic", "api_key"]
    location: TypingLiteral["header", "query", "cookie"]
    wire_name: str  # header, query or cookie name
    env: str  # environment variable read when the argument is not given
    description: str | None = None


@dataclass(frozen=True)
class Operation:
    group: tuple[str, ...]  # ("fine_tuning", "jobs")
    method_name: str
    operation_id: str
    http_method: str  # upper case
    path: str  # without any "#fragment"
    summary: str | None
    description: str | None
    parameters: tuple[Parameter, ...]
    body: Body | None
    responses: tuple[Response, ...]  # successes first, then errors, in spec order
    streaming: bool  # the success response is text/event-stream
    sse_sentinel: str | None
    deprecated: bool = False
    # Keys of the security schemes that apply; None when the document-wide requirement applies.
    security: tuple[str, ...] | None = None
    server_url: str | None = None  # an operation-level `servers` override
    # The statuses to retry (x-speakeasy-retries, gen.yaml retries.status_codes); None: the
    # runtime's safe default (429, 503, and 5XX for idempotent methods).
    retry_status_codes: tuple[str, ...] | None = None
    pagination: Pagination | None = None


# ---------------------------------------------------------------- the API


@dataclass(frozen=True)
class Group:
    path: tuple[str, ...]  # ("fine_tuning", "jobs")
    class_name: str
    module: str
    description: str | None
    operations: tuple[Operation, ...]
    children: tuple["Group", ...]
    # gen.yaml `extend`: the hand-written subclass the SDK hands out instead, as (module relative to the package,
    # class name); the generated class stays in `module` for it to build on.
    extension: tuple[str, str] | None = None

    @property
    def accessor(self) -> tuple[str, str]:
        """(module, class) of what `client.<path>` returns."""
        return self.extension or (self.module, self.class_name)


@dataclass(frozen=True)
class Server:
    url: str
    description: str | None
    variables: tuple[tuple[str, str], ...] = ()  # (name, default)
    id: str | None = None  # `x-speakeasy-server-id`: the name the SDK's `server=` picks it by


@dataclass(frozen=True)
class Api:
    name: str  # the API folder name, e.g. "mistral"
    package: str  # Python package name, e.g. "mistralai"
    sdk_class: str
    version: str  # the SDK's version
    title: str
    description: str | None
    api_version: str  # info.version of the spec
    source: str  # display name of the spec, for the generated headers
    servers: tuple[Server, ...]
    declarations: tuple[Declaration, ...]  # sorted by name
    operations: tuple[Operation, ...] = field(default=())
    groups: tuple[Group, ...] = ()  # the top-level groups; nested ones hang below them
    security: tuple[SecurityScheme, ...] = ()
    max_retries: int | None = None  # gen.yaml retries.max_retries; None: the runtime's default (2)
    # gen.yaml's default timeout for the SDK's own HTTP client (milliseconds; None: no timeout)
    timeout_ms: int | None = 60_000
    connect_timeout_ms: int | None = None  # None: the same as timeout_ms
    # Where each declaration comes from (name, JSON pointer in `source`), for the line an internal error prints.
    origins: tuple[tuple[str, str], ...] = ()
