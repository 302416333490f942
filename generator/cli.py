"""The `gen` command."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import click

from . import __version__, stamps
from .config import valid_package
from .cache import Cache
from .pipeline import ApiSource, Built, Job, build, discover, prepare
from .problems import BuildError
from .stamps import GENIGNORE, MANIFEST
from .write import Plan, commit_all, differences, plan, stamp_plan, unified_diff

# --check prints a unified diff of each differing file, capped per file and in all.
DIFF_LINES_PER_FILE = 40
DIFF_LINES_TOTAL = 400

BUILD_EPILOG = """\b
Exit status:
  0  built (or, with --check, out/ is what gen would write)
  1  --check: out/ differs from what gen would write (the files are listed, with a short diff);
     or generated files were edited by hand since the last build (see --force), or a file gen
     did not write is in the way
  2  bad input: one line per problem, `file#/json/pointer: message`

\b
Nothing is written unless every API builds and no file is in conflict. Unchanged files keep their
mtime; files an earlier build generated and this one does not are removed; paths listed in
out/<api>/.genignore are never written. A no-op rebuild is served from the cache
($GEN_CACHE_DIR, default ~/.cache/gen), which also keeps the file metadata of each out/<api>/."""


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
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="Where each API's SDK goes, as <out>/<api>/.")
@click.option("--strict", is_flag=True, help="Treat warnings about the input as errors.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None, help="A folder of templates that replace built-in ones of the same name (e.g. DIR/models/model.py.jinja).")
@click.option("--package", default=None, callback=_package, help="The Python package name of the SDK (overrides `package:` in gen.yaml); one API only.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list the differences if out/ is not what this build would write.")
@click.option("--force", is_flag=True, help="Overwrite (or remove) generated files that were edited by hand.")
def build_command(
    path: Path, out_dir: Path, strict: bool, templates: Path | None, package: str | None, check: bool, force: bool
) -> None:
    """Build the SDK of every API under PATH (a folder of API folders, one API folder, or one spec file)."""
    if check and force:
        raise click.UsageError("--check writes nothing; --force has no meaning with it")
    cache = Cache.default()
    root = None if cache.root is None else str(cache.root)
    try:
        sources = discover(path)
        if package is not None and len(sources) > 1:
            raise click.UsageError(f"--package names one SDK but {path} holds {len(sources)} APIs; set `package:` in each gen.yaml")
        # What the build keys are computed from, as it is before any of it is read: the next `gen build` with the same
        # arguments checks it without importing this module (generator.entry).
        started = time.time_ns()
        watched = _watch(path, sources) if not check and templates is None and package is None else None
        jobs = [prepare(source, strict=strict, templates=templates, package=package) for source in sources]
        # An API whose out/<api>/ is, by its stamp, as this very build left it last time needs no build at all.
        found = [None if check else stamps.unchanged(root, _resolved(out_dir, job), job.key) for job in jobs]
        built = [None if record else build(job, cache=cache) for job, record in zip(jobs, found)]
    except BuildError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    # Everything was built in memory before anything is written: a failure above leaves out/ as it was.
    for result, record in zip(built, found):
        warnings = [str(w) for w in result.warnings] if result is not None else record["warnings"] if record else []
        for warning in warnings:
            click.echo(warning, err=True)
    done = {i: result for i, result in enumerate(built) if result is not None}
    plans = {i: plan(result.files, out_dir / result.source.name, result.inputs) for i, result in done.items()}
    if check:
        sys.exit(_report_check([(done[i], planned) for i, planned in plans.items()], path))
    if _report_conflicts(list(plans.values()), force):
        sys.exit(1)
    changes = dict(zip(plans, commit_all(list(plans.values()), force=force)))
    for i, (job, result, record) in enumerate(zip(jobs, built, found)):
        if result is not None:
            planned = plans[i]
            record = _record_stamp(job, result, planned, root, _resolved(out_dir, job))
        assert record is not None
        ignored = f", {record['ignored']} left alone (.genignore)" if record["ignored"] else ""
        click.echo(f"{out_dir / job.source.name}: {record['count']} files, {len(changes.get(i, []))} changed{ignored}")
    _record_run(root, (path, out_dir, strict), watched, started, jobs)


def _resolved(out_dir: Path, job: Job) -> str:
    return str((out_dir / job.source.name).resolve())


def _record_stamp(job: Job, result: Built, planned: Plan, root: str | None, resolved: str) -> dict[str, Any]:
    record = {
        "key": job.key,
        "stamp": stamp_plan(planned),
        "count": len(result.files),
        "ignored": len(planned.ignored),
        "warnings": [str(w) for w in result.warnings],
    }
    if root is not None:
        stamps.write_record(stamps.stamp_file(root, resolved), record)
    return record


def _watch(path: Path, sources: Sequence[ApiSource]) -> dict[str, Any] | None:
    """Everything a build key is computed from, by its file metadata: the folders that hold the specs (their
    overlays, gen.yaml and the files they reference are inside), gen's code and templates, and the folders on the
    path its libraries come from."""
    from .inputs import builtin_templates

    trees = {os.path.dirname(os.path.abspath(__file__)), str(builtin_templates())}
    trees.update(str(source.spec.resolve().parent) for source in sources)
    if path.is_dir():
        trees.add(os.path.abspath(path))
    singles = [os.path.abspath(path)] + [os.path.abspath(entry or ".") for entry in sys.path]
    return stamps.watch(singles, sorted(trees))


def _record_run(
    root: str | None, command: tuple[Path, Path, bool], watched: dict[str, Any] | None, started: int, jobs: list[Job]
) -> None:
    """Remember what this command read and where it wrote, for generator.entry: only when nothing it read was
    changing while it ran."""
    if root is None or watched is None or not stamps.settled(watched, started):
        return
    path, out_dir, strict = command
    record = {
        **stamps.environment(),
        "watch": watched,
        "outs": [[str(out_dir / job.source.name), _resolved(out_dir, job), job.key] for job in jobs],
    }
    key = stamps.command_key(os.getcwd(), str(path), str(out_dir), strict)
    stamps.write_record(stamps.run_file(root, key), record)


def _report_conflicts(plans: list[Plan], force: bool) -> bool:
    """Print every file that stops the build; True when there is one."""
    stopped = False
    for planned in plans:
        ignore_file = planned.out_dir / GENIGNORE
        if planned.edited and not force:
            stopped = True
            click.echo(
                f"{planned.out_dir}: generated files were edited since the last build "
                f"(their content no longer matches {MANIFEST}):",
                err=True,
            )
            for path in planned.edited:
                click.echo(f"  {path}", err=True)
            click.echo(f"Keep the edits by listing these paths in {ignore_file}, or overwrite them with --force.", err=True)
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
        click.echo("Nothing was written.", err=True)
    return stopped


def _report_check(plans: list[tuple[Built, Plan]], path: Path) -> int:
    budget = DIFF_LINES_TOTAL
    left_out = 0
    status = 0
    for result, planned in plans:
        found = differences(planned)
        if not found:
            click.echo(f"{planned.out_dir}: up to date ({len(planned.generated)} files)")
            continue
        status = 1
        noun = "file differs" if len(found) == 1 else "files differ"
        click.echo(f"{planned.out_dir}: {len(found)} {noun} from what `gen build` would write:")
        for difference in found:
            click.echo(f"  {difference.status:<9}  {difference.path}")
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
@click.option("--format", "output_format", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True, help="Markdown for a pull-request description, or JSON for tools.")
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
    changes = compare(old_api, new_api)
    render = as_json if output_format == "json" else markdown
    click.echo(render(changes, str(old), str(new)), nl=False)


if __name__ == "__main__":
    main()
