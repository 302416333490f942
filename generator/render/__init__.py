"""Stage 3: the IR → the text of every file of the SDK. Only this stage knows Jinja."""

from __future__ import annotations

from pathlib import Path

import jinja2

from ..ir import types as t
from . import markdown, text
from .client import GroupDocs, readme_view
from .precompile import Compiled, static
from .python import PythonViews, sdk_view

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def builtin_templates_dir() -> Path:
    # Installed: templates are package data of `generator.templates`; in a checkout they sit at the top.
    try:
        import generator.templates as package

        return Path(package.__file__).parent
    except ImportError:  # pragma: no cover - the package mapping is part of pyproject
        return Path(__file__).resolve().parents[2] / "templates"


def _builtin_loader() -> jinja2.BaseLoader:
    return jinja2.FileSystemLoader(str(builtin_templates_dir()))


def environment(overrides: Path | None = None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [_builtin_loader()]
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


def render(
    api: t.Api, templates: Path | None = None, part: tuple[int, int] = (0, 1), compiled: dict[str, bytes] | None = None
) -> dict[str, str]:
    """Relative path → file text, for every file of `out/<api>/`; with `part=(i, n)`, the i-th of n disjoint shares
    of them, of about equal cost (for rendering in n processes). `compiled`: the templates' code, compiled by
    generator.render.precompile while the spec loaded."""
    index, count = part
    env = _environment(templates)
    if compiled:
        env.bytecode_cache = Compiled(compiled)
    views = PythonViews(api)
    pkg = f"src/{api.package}"
    files: dict[str, str] = {}

    def emit(path: str, template: str, **context: object) -> None:
        files[path] = env.get_template(template).render(api=api, **context)

    groups: list[t.Group] = []
    stack = list(api.groups)
    while stack:
        group = stack.pop()
        stack.extend(group.children)
        groups.append(group)
    mine = _share([*api.declarations, *groups], api, part)
    for decl in api.declarations:
        if id(decl) in mine:
            view = views.view(decl)
            emit(f"{pkg}/models/{decl.module}.py", f"models/{decl.kind}.py.jinja", view=view, decl=decl)
            emit(f"docs/models/{decl.module}.md", f"docs/{decl.kind}.md.jinja", decl=decl)
    declarations = {d.name: d for d in api.declarations}
    group_docs = GroupDocs(api, declarations)
    for group in groups:
        if id(group) in mine:
            gview, docs = group_docs(group)
            emit(f"{pkg}/{group.module}.py", "package/group.py.jinja", view=gview)
            emit(f"docs/sdks/{group.module}/README.md", "docs/group.md.jinja", view=gview, docs=docs)
    if index != count - 1:
        return files
    emit(f"{pkg}/models/__init__.py", "models/__init__.py.jinja")
    emit(f"{pkg}/__init__.py", "package/__init__.py.jinja")
    emit(f"{pkg}/py.typed", "package/py.typed.jinja")
    emit(f"{pkg}/utils.py", "package/utils.py.jinja")
    emit(f"{pkg}/sdk.py", "package/sdk.py.jinja", view=sdk_view(api))
    emit("pyproject.toml", "project/pyproject.toml.jinja")
    emit("README.md", "project/README.md.jinja", view=readme_view(api, declarations, group_docs))
    return dict(sorted(files.items()))


def _share(modules: list[t.Declaration | t.Group], api: t.Api, part: tuple[int, int]) -> set[int]:
    """The ids of the modules share `part` renders: the costliest first, each to the share with the least work so
    far, the last share starting with the package-wide files. The weights are rough render-and-format costs in
    tenths of a millisecond, measured on large APIs; any split is correct, a good one only makes builds faster."""
    index, count = part
    if count == 1:
        return {id(module) for module in modules}
    load = [0] * count
    load[-1] = 50 + 5 * len(api.operations)  # README, sdk.py, the runtime, the package files
    weights = [(-_weight(module), position) for position, module in enumerate(modules)]
    mine: set[int] = set()
    for weight, position in sorted(weights):
        lightest = load.index(min(load))
        load[lightest] -= weight
        if lightest == index:
            mine.add(id(modules[position]))
    return mine


def _weight(module: t.Declaration | t.Group) -> int:
    if isinstance(module, t.Group):
        return 10 + 18 * len(module.operations)
    if isinstance(module, t.Model):
        return 2 + len(module.fields)
    return 3
