"""The `gen` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .pipeline import Built, build, discover
from .problems import BuildError
from .write import write


@click.group()
@click.version_option(__version__, prog_name="gen")
def main() -> None:
    """gen: typed, documented Python SDKs from OpenAPI descriptions."""


@main.command("build")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="Where each API's SDK goes, as <out>/<api>/.")
@click.option("--strict", is_flag=True, help="Treat warnings about the input as errors.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None, help="A folder of templates that replace built-in ones of the same name.")
def build_command(path: Path, out_dir: Path, strict: bool, templates: Path | None) -> None:
    """Build the SDK of every API under PATH (a folder of API folders, one API folder, or one spec file)."""
    try:
        built: list[Built] = [build(source, strict=strict, templates=templates) for source in discover(path)]
    except BuildError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    # Everything was built in memory before anything is written: a failure above leaves out/ as it was.
    for result in built:
        for warning in result.warnings:
            click.echo(str(warning), err=True)
        changed = write(result.files, out_dir / result.source.name)
        click.echo(f"{out_dir / result.source.name}: {len(result.files)} files, {len(changed)} changed")
if __name__ == "__main__":
    main()
