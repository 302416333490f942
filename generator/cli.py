"""The `gen` command: it parses arguments, runs generator.pipeline and prints what happened."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .config import FORMATTERS, valid_package
from .pipeline import Options, Result, run
from .problems import BuildError, InternalError
from .write import GENIGNORE, MANIFEST, MERGE_SUFFIX, Plan, differences, unified_diff

# --check prints a unified diff of each differing file, capped per file and in all.
DIFF_LINES_PER_FILE = 40
DIFF_LINES_TOTAL = 400

BUILD_EPILOG = """\b
Exit status:
  0  built (or, with --check, out/ is what gen would write)
  1  --check: out/ differs from what gen would write (the files are listed, with a short diff);
     or hand edits of generated files conflict with the new generation (the merge, with its
     markers, is written to <file>.gen-merge), or cannot be merged (no git base; see --force),
     or a file gen did not write is in the way
  2  bad input: one line per problem, `file#/json/pointer: message`
  3  an internal error of gen: one line naming the file and JSON pointer it was working on
     (GEN_DEBUG=1 prints the traceback too)

\b
Hand edits of generated files are merged with the new generation (git merge-file, from the text
gen generated last time, found in the repository by the blob id the manifest records).
Nothing is written unless every API builds and no file is in conflict. Unchanged files keep their
mtime; files an earlier build generated and this one does not are removed; paths listed in
out/<api>/.genignore are never written. A no-op rebuild is served from the cache
($GEN_CACHE_DIR, default ~/.cache/gen)."""


@click.group()
@click.version_option(__version__, prog_name="gen")
def main() -> None:
    """gen: typed, documented Python SDKs from OpenAPI descriptions."""


def _package(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not valid_package(value):
        raise click.BadParameter(f"{value!r} is not a valid Python package name (lower case, digits, _)")
    return value


@main.command("build", epilog=BUILD_EPILOG)
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Where each API's SDK goes, as <out>/<api>/.",
)
@click.option(
    "--strict", is_flag=True, help="Treat warnings about the input as errors (all of them, of every stage, in one run)."
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="A folder of templates that replace built-in ones of the same name (e.g. DIR/models/model.py.jinja).",
)
@click.option(
    "--package",
    default=None,
    callback=_package,
    help="The Python package name of the SDK (overrides `package:` in gen.yaml); one API only.",
)
@click.option(
    "--formatter",
    type=click.Choice(FORMATTERS),
    default=None,
    help="The formatter of the generated code (overrides `formatter:` in gen.yaml; default black). ruff needs `pip install gen[ruff]`.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 and list the differences if out/ is not what this build would write.",
)
@click.option(
    "--force", is_flag=True, help="Overwrite (or remove) generated files edited by hand, instead of merging the edits."
)
def build_command(
    path: Path,
    out_dir: Path,
    strict: bool,
    templates: Path | None,
    package: str | None,
    formatter: str | None,
    check: bool,
    force: bool,
) -> None:
    """Build the SDK of every API under PATH (a folder of API folders, one API folder, or one spec file)."""
    if check and force:
        raise click.UsageError("--check writes nothing; --force has no meaning with it")
    options = Options(out_dir, strict, templates, package, formatter, check, force)
    try:
        results = run(path, options)
    except BuildError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    except Exception as exc:
        sys.exit(_internal_error(exc))
    for result in results:
        for warning in result.built.warnings:
            click.echo(str(warning), err=True)
    if check:
        sys.exit(_report_check(results, path))
    if _report_conflicts([result.plan for result in results], force):
        sys.exit(1)
    for result in results:
        planned = result.plan
        for merged, how in sorted(planned.merged.items()):
            click.echo(f"{planned.out_dir / merged}: {how}")
        ignored = f", {len(planned.ignored)} left alone (.genignore)" if planned.ignored else ""
        kept = f", {len(planned.kept)} keeping hand edits" if planned.kept else ""
        count = len(result.built.files)
        click.echo(f"{out_dir / result.built.source.name}: {count} files, {len(result.changes)} changed{kept}{ignored}")


def _internal_error(exc: Exception) -> int:
    """A bug in gen, not in the input: one line saying where, and exit status 3. The traceback only with GEN_DEBUG=1:
    a user reports the line; a developer asks for the rest."""
    import os
    import traceback

    if os.environ.get("GEN_DEBUG") == "1":
        traceback.print_exception(exc)
    cause = exc.__cause__ if isinstance(exc, InternalError) and isinstance(exc.__cause__, BaseException) else exc
    frames = traceback.extract_tb(cause.__traceback__)
    code = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    detail = " ".join(str(cause).split())[:200]
    where = f"{exc.file}#{exc.pointer}: " if isinstance(exc, InternalError) else ""
    doing = f" while {exc.doing}" if isinstance(exc, InternalError) and exc.doing else ""
    click.echo(
        f"{where}gen: internal error{doing}{code}: {type(cause).__name__}: {detail} "
        "(a bug in gen, not in the input: please report it with this line; GEN_DEBUG=1 prints the traceback)",
        err=True,
    )
    return 3


def _report_conflicts(plans: list[Plan], force: bool) -> bool:
    """Print every file that stops the build; True when there is one."""
    from .merge import conflict_lines

    stopped = False
    for planned in plans:
        ignore_file = planned.out_dir / GENIGNORE
        if planned.conflicts and not force:
            stopped = True
            click.echo(
                f"{planned.out_dir}: hand edits conflict with the new generation; each file is left as it is, "
                f"and its merge, with conflict markers, is written next to it as <file>{MERGE_SUFFIX}:",
                err=True,
            )
            for path, text in sorted(planned.conflicts.items()):
                lines = conflict_lines(text)
                where = ", ".join(str(line) for line in lines)
                noun = "conflict" if len(lines) == 1 else "conflicts"
                click.echo(f"  {path}: {len(lines)} {noun}, {path}{MERGE_SUFFIX} line {where}", err=True)
            click.echo(
                f"Resolve them in each {MERGE_SUFFIX} file and run gen build again: it then replaces the file. "
                "Or overwrite your edits with --force.",
                err=True,
            )
        if planned.edited and not force:
            stopped = True
            click.echo(
                f"{planned.out_dir}: generated files were edited since the last build "
                f"(their content no longer matches {MANIFEST}), and gen cannot merge the edits:",
                err=True,
            )
            for path in planned.edited:
                click.echo(f"  {path}: {planned.unmerged.get(path, 'edited')}", err=True)
            click.echo(
                f"Keep the edits by listing these paths in {ignore_file}, or overwrite them with --force.", err=True
            )
        if planned.foreign:
            stopped = True
            click.echo(
                f"{planned.out_dir}: files that gen did not write (not in {MANIFEST}) are where generated files go:",
                err=True,
            )
            for path in planned.foreign:
                click.echo(f"  {path}", err=True)
            click.echo(f"gen never overwrites them: move them away, or list them in {ignore_file}.", err=True)
    if stopped:
        conflicts = any(planned.conflicts for planned in plans) and not force
        click.echo("Nothing else was written." if conflicts else "Nothing was written.", err=True)
    return stopped


def _report_check(results: list[Result], path: Path) -> int:
    budget = DIFF_LINES_TOTAL
    left_out = 0
    status = 0
    for result in results:
        planned = result.plan
        found = differences(planned)
        if not found:
            click.echo(f"{planned.out_dir}: up to date ({len(planned.generated)} files)")
            continue
        status = 1
        made_with, running = planned.inputs_before.get("formatter"), result.built.inputs.get("formatter")
        if made_with and made_with != running:
            # Every file may differ by the formatter alone: listing them would hide the one cause.
            files = [d for d in found if d.path != MANIFEST]
            detail = f"{len(files)} of {len(planned.generated)} files differ" if files else "only the manifest differs"
            click.echo(
                f"{planned.out_dir}: made with {made_with}, but this gen formats with {running}; "
                f"install {str(made_with).replace(' ', '==')} to check it ({detail})"
            )
            continue
        noun = "file differs" if len(found) == 1 else "files differ"
        click.echo(f"{planned.out_dir}: {len(found)} {noun} from what `gen build` would write:")
        for difference in found:
            note = f" ({difference.note})" if difference.note else ""
            click.echo(f"  {difference.status:<9}  {difference.path}{note}")
        for difference in found:
            if budget <= 0:
                left_out += 1
                continue
            lines = unified_diff(difference, min(DIFF_LINES_PER_FILE, budget))
            budget -= len(lines)
            click.echo("")
            for line in lines:
                click.echo(line)
    if status:
        if left_out:
            click.echo(f"\n(diffs of {left_out} more files left out)")
        click.echo(f"\nRun `gen build {path}` and commit the result.")
    return status


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path, exists=True))
@click.argument("new", type=click.Path(path_type=Path, exists=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Markdown for a pull-request description, or JSON for tools.",
)
def diff_command(old: Path, new: Path, output_format: str) -> None:
    """What changed in the SDK surface from OLD to NEW (each a spec file or an API folder).

    Operations, parameters, models, fields, union members and enum values added, removed or changed, each
    marked breaking or not. Exit status: 0 (whatever changed), 2 on bad input."""
    from .diff import as_json, compare, load_api, markdown

    try:
        old_api, _ = load_api(old)
        new_api, _ = load_api(new)
    except BuildError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    except Exception as exc:
        sys.exit(_internal_error(exc))
    changes = compare(old_api, new_api)
    render = as_json if output_format == "json" else markdown
    click.echo(render(changes, str(old), str(new)), nl=False)


if __name__ == "__main__":
    main()
