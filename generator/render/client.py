"""How operations and groups are spelled in Python: method signatures, endpoints, the SDK class."""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import types as t
from ..ir.naming import pascal
from .annotations import Spelling, presence
from .text import py_literal

# Keyword arguments every method takes; parameters of the API that clash are renamed.
CALL_OPTIONS = ("retries", "server_url", "timeout_ms", "http_headers")


def _accepts(spell: Spelling, typ: t.Type) -> str:
    """What a caller may pass: the model, or the same data as plain dicts (the TypedDict twin).

    Lists are taken as any sequence of either spelling: a list literal mixing models and dicts
    type-checks, which `Union[List[A], List[B]]` would refuse."""
    if isinstance(typ, t.ListOf) and spell.has_twin(typ.item):
        return f"{spell.use('Sequence')}[{_accepts(spell, typ.item)}]"
    union = spell.declarations.get(typ.name) if isinstance(typ, t.Ref) else None
    if isinstance(union, t.Union) and len(union.members) > 1 and all(isinstance(m, t.ListOf) for m in union.members):
        # A union of list shapes (`List[A] | List[List[A]]`): one sequence of every item shape, so a
        # list literal type-checks; the model validates the exact shape when the call runs.
        items = ", ".join(dict.fromkeys(_accepts(spell, m.item) for m in union.members if isinstance(m, t.ListOf)))
        return f"{spell.use('Sequence')}[{spell.use('Union')}[{items}]]"
    if not spell.has_twin(typ):
        return spell(typ)
    return f"{spell.use('Union')}[{spell(typ)}, {spell(typ, typed_dict=True)}]"


@dataclass(frozen=True)
class Argument:
    name: str  # the keyword argument
    annotation: str
    default: str | None  # None: required
    description: str | None
    wire_name: str
    type: t.Type
    required: bool
    nullable: bool
    example: t.Example | None


@dataclass(frozen=True)
class PageView:
    """The page class of a paginated operation: its response model, which also iterates across pages."""

    class_name: str  # ListPage
    bases: str  # the runtime's Page of the item type, then the response model
    model: str  # the response model's name
    item: t.Type
    constant: str  # the module-level Paging's name
    paging_args: tuple[str, ...]  # source of the Paging(...) arguments
    paging: t.Pagination


@dataclass(frozen=True)
class OperationView:
    op: t.Operation
    constant: str  # the module-level Endpoint's name
    arguments: tuple[Argument, ...]  # keyword-only, required first
    param_names: tuple[str, ...]  # in Endpoint.params order
    body: str | None  # Python expression building the body, or None
    result: str  # what the endpoint yields: the response, or each event of a stream
    returns: str  # annotation of the sync method's result
    returns_async: str
    runner: str  # call | stream
    endpoint_args: tuple[str, ...]  # source of the Endpoint(...) arguments
    docstring: str | None
    caller: str = "_client"  # the runtime module whose `runner` makes the call
    page: PageView | None = None


def _argument(
    spell: Spelling,
    name: str,
    typ: t.Type,
    required: bool,
    nullable: bool,
    default: t.Const | None,
    description: str | None,
    wire: str,
    example: t.Example | None,
    plain: bool = False,
) -> Argument:
    wrapper, fallback = presence(required, nullable)
    if plain:
        wrapper = ""  # never None: a default stands for the value the field must have on the wire
    inner = _accepts(spell, typ)
    spelled = f"{spell.use(wrapper)}[{inner}]" if wrapper else inner
    if fallback == "UNSET":
        spell.use("UNSET")
    value = py_literal(default.value) if default is not None else fallback
    return Argument(name, spelled, value, description, wire, typ, required, nullable, example)


def operation_view(op: t.Operation, declarations: dict[str, t.Declaration], spell: Spelling) -> OperationView:
    """`spell` spells the group module's annotations and records its imports."""
    # What the template writes for every operation: the endpoint constant, the call options, the call.
    for name in (
        "Endpoint",
        "Call",
        "Optional",
        "Mapping",
        "OptionalNullable",
        "UNSET",
        "RetryConfig",
    ):
        spell.use(name)
    # `self` and `models` are names the method body itself uses.
    taken = set(CALL_OPTIONS) | {"self", "models"}
    arguments: list[Argument] = []
    for p in op.parameters:
        name = p.name
        while name in taken:
            name += "_"
        taken.add(name)
        arguments.append(
            _argument(spell, name, p.type, p.required, p.nullable, None, p.description, p.wire_name, p.example)
        )
    param_names = tuple(a.name for a in arguments)

    body_expr = None
    body_content = None
    if op.body is not None:
        body_content = op.body.content_type
        target = declarations.get(op.body.type.name) if isinstance(op.body.type, t.Ref) else None
        if isinstance(target, t.Model) and target.fields:
            # An object body is flattened into keyword arguments, then validated as its model.
            pairs = []
            for f in target.fields:
                name = f.name
                while name in taken:
                    name += "_"
                taken.add(name)
                required = f.required and f.default is None
                # A required field with a default (`model: mistral-embed`) is an argument the caller may leave out,
                # typed as the field (not Optional: None is not a value the server takes for it).
                plain = f.required and f.default is not None and not f.nullable
                arguments.append(
                    _argument(
                        spell,
                        name,
                        f.type,
                        required,
                        f.nullable,
                        f.default,
                        f.description,
                        f.wire_name,
                        f.example,
                        plain=plain,
                    )
                )
                pairs.append(f"{py_literal(f.name)}: {name}")
            # Validated from a dict: the caller may pass models or plain dicts for every field.
            body_expr = f"{spell.use('models')}.{target.name}.model_validate({{{', '.join(pairs)}}})"
        else:
            name = "request"
            while name in taken:
                name += "_"
            taken.add(name)
            arguments.append(
                _argument(spell, name, op.body.type, op.body.required, False, None, op.body.description, "", None)
            )
            body_expr = name
    arguments.sort(key=lambda a: a.default is not None)

    success = next((r for r in op.responses if r.status.startswith("2")), None)
    if success is None:
        # Without a 2xx response, `default` describes the success too (what to accept, what to parse), unless it
        # is a typed error.
        success = next((r for r in op.responses if r.status == "default" and not _is_error(r.type)), None)
    if op.streaming and success is not None and success.type is not None:
        kind, result = "stream", spell(success.type)
        returns, returns_async = f"{spell.use('EventStream')}[{result}]", f"{spell.use('EventStreamAsync')}[{result}]"
        runner, accept = "stream", "text/event-stream"
    elif success is not None and success.type is not None and success.content_type and _is_json(success.content_type):
        kind, result = "json", spell(success.type)
        returns = returns_async = result
        runner, accept = "call", success.content_type
    elif success is not None and success.content_type is not None:
        kind, result = "raw", f"{spell.use('httpx')}.Response"
        returns = returns_async = result
        runner, accept = "call", success.content_type
    else:
        kind, result = "empty", "None"
        returns = returns_async = result
        runner, accept = "call", "application/json"

    errors = []
    for r in op.responses:
        if r.status.startswith("2") or not isinstance(r.type, t.Ref) or r.type.kind != "error":
            continue
        error = declarations[r.type.name]
        assert isinstance(error, t.ErrorClass)
        models = spell.use("models")
        errors.append(f"({py_literal(r.status)}, {models}.{error.name}, {models}.{error.data.name})")

    constant = "_" + op.method_name.upper()
    endpoint_args = [py_literal(op.operation_id), py_literal(op.http_method), py_literal(op.path)]
    if op.parameters:
        param = spell.use("Param")
        params = ", ".join(
            f"{param}({py_literal(p.wire_name)}, {py_literal(p.location)}, {py_literal(p.style)}, {p.explode})"
            for p in op.parameters
        )
        endpoint_args.append(f"params=({params},)")
    if body_content is not None:
        endpoint_args.append(f"body={py_literal(body_content)}")
    if op.body is not None and op.body.encoding:
        encoding = spell.use("Encoding")
        entries = ", ".join(f"{py_literal(e.wire_name)}: {_encoding(encoding, e)}" for e in op.body.encoding)
        endpoint_args.append(f"encoding={{{entries}}}")
    endpoint_args.append(f"accept={py_literal(accept)}")
    if kind in ("json", "stream"):
        endpoint_args.append(f"response=lambda: {result}")
    endpoint_args.append(f"kind={py_literal(kind)}")
    if errors:
        endpoint_args.append(f"errors=lambda: ({', '.join(errors)},)")
    if op.security is not None:
        endpoint_args.append(f"security=({''.join(py_literal(s) + ', ' for s in op.security)})")
    if op.server_url:
        endpoint_args.append(f"server_url={py_literal(op.server_url)}")
    if op.sse_sentinel is not None:
        endpoint_args.append(f"sentinel={py_literal(op.sse_sentinel)}")
    if op.retry_status_codes is not None:
        endpoint_args.append(f"retry_status_codes=({''.join(py_literal(c) + ', ' for c in op.retry_status_codes)})")
    doc = _docstring(op, arguments)
    page = None
    if op.pagination is not None and success is not None and isinstance(success.type, t.Ref):
        page = _page_view(op, op.pagination, success.type, spell)
        result = returns = returns_async = page.class_name
        endpoint_args = [f"response=lambda: {result}" if a.startswith("response=") else a for a in endpoint_args]
    else:
        spell.use("client as _client")  # a group of paginated operations only calls through _pagination
    return OperationView(
        op=op,
        constant=constant,
        arguments=tuple(arguments),
        param_names=param_names,
        body=body_expr,
        result=result,
        returns=returns,
        returns_async=returns_async,
        runner=runner,
        endpoint_args=tuple(endpoint_args),
        docstring=doc,
        caller="_pagination" if page is not None else "_client",
        page=page,
    )


def _is_error(typ: t.Type | None) -> bool:
    return isinstance(typ, t.Ref) and typ.kind == "error"


def _page_view(op: t.Operation, paging: t.Pagination, model: t.Ref, spell: Spelling) -> PageView:
    names = [p.name for p in op.parameters]
    arguments = [py_literal(paging.kind), _steps(paging.items)]
    if paging.param is not None:
        arguments.append(f"param={names.index(paging.param)}")
    if paging.size is not None:
        arguments.append(f"size={names.index(paging.size)}")
    if paging.kind in ("page", "offset"):
        arguments.append(f"start={paging.start}")
    for key in ("total", "total_pages", "has_more", "next_cursor", "next_url"):
        steps = getattr(paging, key)
        if steps is not None:
            arguments.append(f"{key}={_steps(steps)}")
    class_name = pascal(op.method_name) + "Page"
    spell.use("pagination as _pagination")
    bases = f"_pagination.Page[{spell(paging.item)}], {spell(model)}"
    constant = f"_{op.method_name.upper()}_PAGING"
    return PageView(class_name, bases, model.name, paging.item, constant, tuple(arguments), paging)


def _steps(steps: t.Steps) -> str:
    return f"({''.join(py_literal(s) + ', ' for s in steps)})"


def _encoding(constructor: str, encoding: t.PartEncoding) -> str:
    """`Encoding(...)` of the runtime, with only what the spec sets (its defaults are the runtime's)."""
    arguments = []
    if encoding.style is not None:
        arguments += [f"style={py_literal(encoding.style)}", f"explode={encoding.explode}"]
    if encoding.content_type is not None:
        arguments.append(f"content_type={py_literal(encoding.content_type)}")
    return f"{constructor}({', '.join(arguments)})"


def _docstring(op: t.Operation, arguments: list[Argument]) -> str:
    parts = [x.strip() for x in (op.summary, op.description) if x and x.strip()]
    if parts and len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    lines = ["Args:"]
    for a in arguments:
        about = " ".join((a.description or "").split())
        if about:  # one the API does not describe is left to the signature: a placeholder would say nothing
            lines.append(f"    {a.name}: {about}")
    lines += [
        "    retries: Override the client's retry configuration for this call (None: no retries).",
        "    server_url: Override the server URL for this call.",
        "    timeout_ms: Override the client's timeout for this call, in milliseconds.",
        "    http_headers: Extra headers to send with this call.",
    ]
    if op.deprecated:
        parts.append("Deprecated: the API may remove this operation.")
    return "\n\n".join([*parts, "\n".join(lines)])


def _is_json(content_type: str) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


@dataclass(frozen=True)
class GroupView:
    group: t.Group
    operations: tuple[OperationView, ...]
    children: tuple[t.Group, ...]
    imports: tuple[str, ...]


def group_view(group: t.Group, declarations: dict[str, t.Declaration]) -> GroupView:
    spell = Spelling(declarations, qualified=True)
    # What the template writes around the operations: the class, its children.
    spell.use("Config")
    if group.children or group.operations:
        spell.use("cached_property")
    if group.operations:
        spell.use("raw")
        spell.use("raw_async")
    operations = tuple(operation_view(op, declarations, spell) for op in group.operations)
    return GroupView(group, operations, group.children, spell.imports.lines())


# ---------------------------------------------------------------- docs/sdks/<group>/README.md


@dataclass(frozen=True)
class OperationDoc:
    view: OperationView
    anchor: str
    title: str  # the summary, or the method name
    description: str | None
    example: str  # a Markdown code block
    arguments: str  # the parameters table
    response: str  # Markdown
    errors: str  # the errors table


def operation_doc(
    view: OperationView, api: t.Api, declarations: dict[str, t.Declaration], group: t.Group
) -> OperationDoc:
    from . import examples, markdown

    op = view.op
    env = next((s.env for s in api.security if s.kind != "basic"), None)
    setup = "import os\n\n" if env else ""
    auth = "".join(
        f'{s.param}=os.getenv("{s.env}", "")' if s.kind != "basic" else f'{s.param}=("<username>", "<password>")'
        for s in api.security[:1]
    )
    call_path = "client." + ".".join(group.path) + "." + op.method_name
    args = []
    for a in view.arguments:
        if not a.required:
            continue
        value = examples.example(a.type, declarations, a.example)
        args.append(f"        {a.name}={examples.py_value(value, 2)},")
    call = f"    res = {call_path}(\n" + "\n".join(args) + "\n    )" if args else f"    res = {call_path}()"
    if view.runner == "stream":
        use = "\n\n    with res as event_stream:\n        for event in event_stream:\n            print(event, flush=True)"
    elif view.page is not None:
        use = "\n\n    for item in res:  # every item, this page's then the next pages' (one request each)\n        print(item)"
    elif view.returns == "None":
        use = ""
    elif view.returns == "httpx.Response":
        use = "\n\n    data = res.read()  # reads the whole body and releases the connection\n    print(len(data))"
    else:
        use = "\n\n    print(res)"
    code = f"{setup}from {api.package} import {api.sdk_class}\n\nwith {api.sdk_class}({auth}) as client:\n{call}{use}"
    success = next((r for r in op.responses if r.status.startswith("2")), None)
    if success is None:
        # Without a 2xx response, `default` describes the success too (what to accept, what to parse), unless it
        # is a typed error.
        success = next((r for r in op.responses if r.status == "default" and not _is_error(r.type)), None)
    if view.runner == "stream" and success is not None and isinstance(success.type, t.Ref):
        response = f"**EventStream[[models.{success.type.name}](../../models/{success.type.module}.md)]**: iterate it (or use it in `with`) to get the events as they arrive."
    elif view.page is not None and success is not None and isinstance(success.type, t.Ref):
        response = (
            f"**{view.page.class_name}**: the first page, a [models.{success.type.name}](../../models/{success.type.module}.md) "
            f"that also iterates over the items of every page (`for item in res`, `async for item in res`), "
            f"asking for each next page only when the items before it have been used; `res.iter_pages()` "
            f"(`res.iter_pages_async()`) goes page by page. {_stops(view.page.paging)}"
        )
    elif success is not None and isinstance(success.type, t.Ref) and view.returns != "httpx.Response":
        response = f"**[models.{success.type.name}](../../models/{success.type.module}.md)**"
    elif view.returns == "httpx.Response":
        response = "**httpx.Response**: the response, body not yet read: `res.read()` reads it all, or iterate `res.iter_bytes()` and then `res.close()`."
    elif view.returns == "None":
        response = "None."
    elif success is not None and success.type is not None:
        shown = Spelling(declarations, qualified=True, docs=True)(success.type)  # what readers see: a float
        response = f"**EventStream[{shown}]**" if view.runner == "stream" else f"**{shown}**"
    else:
        response = f"**{view.returns}**"
    errors = []
    for r in op.responses:
        if isinstance(r.type, t.Ref) and r.type.kind == "error":
            errors.append((f"models.{r.type.name}", r.status, r.content_type or ""))
    errors.append(("models.SDKError", "4XX, 5XX", "\\*/\\*"))
    description = op.description if op.description and op.description != op.summary else None
    return OperationDoc(
        view=view,
        anchor=op.method_name.lower(),  # GitHub keeps underscores in heading anchors
        title=op.summary or op.method_name,
        description=description,
        example=markdown.code_block(code),
        arguments=markdown.arguments_table(list(view.arguments)),
        response=response,
        errors=markdown.errors_table(errors),
    )


# ---------------------------------------------------------------- README.md of the SDK


@dataclass(frozen=True)
class ReadmeView:
    quick_start: OperationDoc | None  # a plain JSON call
    streaming: OperationDoc | None
    async_example: str | None  # a code block
    groups: tuple[tuple[t.Group, tuple[OperationDoc, ...]], ...]
    env: str | None
    first_error: str | None
    timeout_doc: str  # gen.yaml's default timeout, in words
    simplest: OperationDoc | None  # a call that needs no argument, to show a client at work
    upload: OperationDoc | None  # the first operation taking a file
    raw_example: str | None  # the quick start's call, through with_raw_response (a code block)
    paged: OperationDoc | None = None  # the first paginated operation
    paged_async: str | None = None  # a code block: its items with `async for`
    paged_names: tuple[str, ...] = ()  # `group.method` of every paginated operation


class GroupDocs:
    """Each group's view and the docs of its operations, built once per render: the group module, its page and
    the README all show them."""

    def __init__(self, api: t.Api, declarations: dict[str, t.Declaration]) -> None:
        self.api = api
        self.declarations = declarations
        # keyed by identity (groups are compared field by field otherwise); the view holds the group, so its id
        # is not reused while the entry exists
        self._built: dict[int, tuple[GroupView, tuple[OperationDoc, ...]]] = {}

    def __call__(self, group: t.Group) -> tuple[GroupView, tuple[OperationDoc, ...]]:
        found = self._built.get(id(group))
        if found is None:
            view = group_view(group, self.declarations)
            docs = tuple(operation_doc(o, self.api, self.declarations, group) for o in view.operations)
            self._built[id(group)] = found = (view, docs)
        return found


def readme_view(api: t.Api, declarations: dict[str, t.Declaration], group_docs: GroupDocs | None = None) -> ReadmeView:
    from . import markdown

    group_docs = group_docs if group_docs is not None else GroupDocs(api, declarations)
    groups = []
    stack = list(api.groups)
    while stack:
        group = stack.pop(0)
        stack[:0] = list(group.children)
        groups.append((group, group_docs(group)[1]))
    docs = [d for _, ds in groups for d in ds]
    plain = [d for d in docs if d.view.runner == "call" and d.view.returns not in ("None", "httpx.Response")]
    streaming = next((d for d in docs if d.view.runner == "stream"), None)
    # The quick start shows the plain twin of the first streaming operation (same URL and method),
    # else the call that needs the most arguments: both are what the API is mostly used for.
    twin = None
    if streaming is not None:
        key = (streaming.view.op.http_method, streaming.view.op.path)
        twin = next((d for d in plain if (d.view.op.http_method, d.view.op.path) == key), None)
    by_need = sorted(plain, key=lambda d: -sum(a.required for a in d.view.arguments))
    quick = twin or (by_need[0] if by_need else None)
    async_example = None
    source = streaming or quick
    if source is not None:
        code = source.example.split("\n", 1)[1].rsplit("\n", 1)[0]  # the code inside the fence
        code = code.replace(f"with {api.sdk_class}(", f"async with {api.sdk_class}(")
        call = f".{source.view.op.method_name}("
        code = code.replace(call, f".{source.view.op.method_name}_async(", 1).replace(
            "res = client.", "res = await client."
        )
        if source.view.runner == "stream":
            code = code.replace(
                "with res as event_stream:\n        for event",
                "async with res as event_stream:\n        async for event",
            )
        async_example = markdown.code_block(_in_main(code))
    errors = [
        r.type.name
        for op in api.operations
        for r in op.responses
        if isinstance(r.type, t.Ref) and r.type.kind == "error"
    ]
    env = next((s.env for s in api.security if s.kind != "basic"), None)
    from .python import timeout_doc

    raw_example = None
    if quick is not None:
        call = f"res = client.{'.'.join(quick.view.op.group)}.{quick.view.op.method_name}("
        raw_call = call.replace("res = ", "raw = ").replace(f".{quick.view.op.method_name}(", ".with_raw_response.", 1)
        raw_call += f"{quick.view.op.method_name}("
        shown = '    print(raw.status_code, raw.headers.get("content-type"), raw.request_id)\n    print(raw.data)'
        if call in quick.example and "    print(res)" in quick.example:
            raw_example = quick.example.replace(call, raw_call).replace("    print(res)", shown)
    simplest = next((d for d in plain if not any(a.required for a in d.view.arguments)), None)
    upload = next((d for d in docs if any(_takes_file(a.type) for a in d.view.arguments)), None)
    paged = next((d for d in docs if d.view.page is not None), None)
    paged_async = None
    if paged is not None:
        code = paged.example.split("\n", 1)[1].rsplit("\n", 1)[0]
        method = paged.view.op.method_name
        code = code.replace(f"with {api.sdk_class}(", f"async with {api.sdk_class}(")
        code = code.replace(f".{method}(", f".{method}_async(", 1).replace("res = client.", "res = await client.")
        paged_async = markdown.code_block(_in_main(code.replace("for item in res", "async for item in res")))
    return ReadmeView(
        quick,
        streaming,
        async_example,
        tuple(groups),
        env,
        errors[0] if errors else None,
        timeout_doc(api),
        simplest,
        upload,
        raw_example,
        paged,
        paged_async,
        tuple(".".join(g.path) + "." + d.view.op.method_name for g, ds in groups for d in ds if d.view.page),
    )


def _in_main(code: str) -> str:
    """An example that starts `async with`, run by `asyncio.run(main())`."""
    lines = ["import asyncio"] + code.split("\n")
    body_start = next(i for i, line in enumerate(lines) if line.startswith("async with"))
    inner = ["async def main() -> None:"] + ["    " + line if line else line for line in lines[body_start:]]
    head = lines[:body_start]
    while head and not head[-1]:
        head.pop()
    return "\n".join(head + ["", ""] + inner + ["", "", "asyncio.run(main())"])


def _stops(paging: t.Pagination) -> str:
    """How the pages of an operation follow each other and end, in a sentence or two for its docs."""
    param = f"`{paging.param}`"
    if paging.kind == "page":
        how = f"Each next page asks for {param} + 1"
    elif paging.kind == "offset":
        how = f"Each next page moves {param} on by the items received"
    elif paging.kind == "cursor":
        how = f"Each next page sends the cursor the page before gave as {param}"
    else:
        how = "Each next page is fetched from the link the page before gave" + (
            "" if paging.next_url is not None else ' in its `Link` header (rel="next")'
        )
    ends = ["a page without items"]
    if paging.total is not None or paging.total_pages is not None:
        ends.append("the page that reaches the total")
    if paging.has_more is not None:
        ends.append("a page whose has-more flag is false")
    if paging.kind == "cursor":
        ends.append("a page without a next cursor")
    if paging.kind == "url":
        ends.append("a page without a next link")
    return f"{how}, with the call's other arguments and options; the last page is {', or '.join(ends)}."


def _takes_file(typ: t.Type) -> bool:
    return typ == t.Primitive("file") or (isinstance(typ, t.ListOf) and _takes_file(typ.item))
