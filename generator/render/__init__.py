"""Stage 3: the IR → the text of every file of the SDK. Only this stage knows Jinja."""

from __future__ import annotations

from pathlib import Path

import jinja2

from ..inputs import builtin_templates
from ..ir import types as t
from ..problems import working_on
from . import markdown, text
from .client import GroupDocs, readme_view
from .python import PythonViews, sdk_view


def environment(overrides: Path | None = None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(builtin_templates()))]
    if overrides is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(overrides)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        # One render never sees a template change: no need to stat its file at every use (and include).
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        py=text.py_literal,
        docstring=text.docstring,
        md=text.md_inline,
        md_block=text.md_block,
    )
    env.globals.update(
        fields_table=markdown.fields_table,
        members_table=markdown.members_table,
        values_table=markdown.values_table,
        alias_cell=lambda decl: markdown.type_cell(decl.target),
    )
    return env


_builtin_environment: jinja2.Environment | None = None


def _environment(overrides: Path | None) -> jinja2.Environment:
    """Gen's own templates are compiled once per process, not once per API, unless a file of theirs has changed
    since. A user's folder is read afresh for every render: a template may be added to it between two builds."""
    global _builtin_environment
    if overrides is not None:
        return environment(overrides)
    env = _builtin_environment
    if env is None or env.cache is None or not all(template.is_up_to_date for template in env.cache.values()):
        env = _builtin_environment = environment()
    return env


# What `<pkg>.models` exports besides the declarations: the runtime's errors, and its upload file type under the
# names the reference SDK gives it (`models.File`). These names are reserved (naming.RESERVED_TYPE_NAMES), so no
# schema is ever declared under them: a schema called `File` becomes `File2`.
_RUNTIME_EXPORTS = (
    ("APIConnectionError", ".._runtime.errors"),
    ("APITimeoutError", ".._runtime.errors"),
    ("ResponseValidationError", ".._runtime.errors"),
    ("SDKError", ".._runtime.errors"),
    ("File", ".._runtime.files"),
    ("FileTypedDict", ".._runtime.files"),
)


# What the package defines itself, with the module each comes from, in the order the package imports them. The
# package's __init__ imports these, lists them in __all__, and leaves a model of the same name to `.models`.
_PACKAGE_OWN = (
    ("APIConnectionError", "._runtime.errors"),
    ("APITimeoutError", "._runtime.errors"),
    ("PaginationLoopError", "._runtime.errors"),
    ("ResponseValidationError", "._runtime.errors"),
    ("SDKError", "._runtime.errors"),
    ("HookContext", "._runtime.hooks"),
    ("Hooks", "._runtime.hooks"),
    ("RawResponse", "._runtime.raw"),
    ("BackoffStrategy", "._runtime.retries"),
    ("RetryConfig", "._runtime.retries"),
    ("EventStream", "._runtime.sse"),
    ("EventStreamAsync", "._runtime.sse"),
    ("StreamInterrupted", "._runtime.sse"),
    ("UNSET", "._runtime.unset"),
)
# Names the package's __init__ binds besides those: its own module-level names.
_PACKAGE_GLOBALS = frozenset(("models", "VERSION", "TYPE_CHECKING", "Any", "List"))


def package_view(api: t.Api, exports: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[str]]:
    """(the package's own names with their modules, the names of `.models` the package re-exports lazily)."""
    own = [*_PACKAGE_OWN, (api.sdk_class, ".sdk")]
    taken = _PACKAGE_GLOBALS | {name for name, _ in own}
    return own, [name for name, _ in exports if name not in taken]


def model_exports(api: t.Api) -> list[tuple[str, str]]:
    """(name, module relative to `<pkg>.models`) for every name `<pkg>.models` exports, in a stable order."""
    exports = list(_RUNTIME_EXPORTS)
    for decl in api.declarations:
        exports.append((decl.name, "." + decl.module))
        if decl.kind not in ("enum", "error"):
            exports.append((decl.name + "TypedDict", "." + decl.module))
    return exports


def render(api: t.Api, templates: Path | None = None) -> dict[str, str]:
    """Relative path → file text, for every file of `out/<api>/`."""
    env = _environment(templates)
    views = PythonViews(api)
    pkg = f"src/{api.package}"
    files: dict[str, str] = {}

    origins = dict(api.origins)

    def emit(path: str, template: str, **context: object) -> None:
        files[path] = env.get_template(template).render(api=api, **context)

    groups: list[t.Group] = []
    stack = list(api.groups)
    while stack:
        group = stack.pop()
        stack.extend(group.children)
        groups.append(group)
    for decl in api.declarations:
        with working_on(api.source, origins.get(decl.name, ""), f"rendering {pkg}/models/{decl.module}.py"):
            emit(f"{pkg}/models/{decl.module}.py", f"models/{decl.kind}.py.jinja", view=views.view(decl), decl=decl)
            emit(f"docs/models/{decl.module}.md", f"docs/{decl.kind}.md.jinja", decl=decl)
    declarations = {d.name: d for d in api.declarations}
    group_docs = GroupDocs(api, declarations)
    for group in groups:
        with working_on(api.source, "", f"rendering {pkg}/{group.module}.py"):
            gview, docs = group_docs(group)
            emit(f"{pkg}/{group.module}.py", "package/group.py.jinja", view=gview)
            emit(f"docs/sdks/{group.module}/README.md", "docs/group.md.jinja", view=gview, docs=docs)
    exports = model_exports(api)
    emit(f"{pkg}/models/__init__.py", "models/__init__.py.jinja", exports=exports)
    own, reexported = package_view(api, exports)
    emit(f"{pkg}/__init__.py", "package/__init__.py.jinja", own=own, reexported=reexported)
    emit(f"{pkg}/py.typed", "package/py.typed.jinja")
    emit(f"{pkg}/utils.py", "package/utils.py.jinja")
    emit(f"{pkg}/sdk.py", "package/sdk.py.jinja", view=sdk_view(api))
    emit("pyproject.toml", "project/pyproject.toml.jinja")
    emit("README.md", "project/README.md.jinja", view=readme_view(api, declarations, group_docs))
    return dict(sorted(files.items()))
