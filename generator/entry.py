"""The `gen` command's entry point: a no-op `gen build` is answered here, before the rest of gen is imported.

`gen build PATH [--out OUT] [--strict]` run again with nothing changed is most of what CI runs. Everything it has
to establish is in two records of the user cache (generator.stamps): the run record of this very command (the file
metadata of everything its build keys were computed from, and its out folders) and the stamp of each out/<api>/.
When both hold, it prints what the full command would print and exits; checking them costs a few hundred stat()
calls. Anything else (another command, an option this does not know, a record that does not hold, a stamp that is
not settled) goes to generator.cli, which decides everything again from the inputs.
"""

from __future__ import annotations

import os
import sys

from . import stamps

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing itself costs a no-op a few milliseconds; the annotations are strings
    from typing import Sequence


def main() -> None:
    if os.name != "posix" or not served(sys.argv[1:]):
        from .cli import main as cli

        cli()


def served(arguments: Sequence[str]) -> bool:
    """Print what `gen build` would print and return True, when the records show it would build nothing."""
    command = parse(arguments)
    if command is None:
        return False
    path, out, strict = command
    root = os.path.join(stamps.cache_folder(), stamps.VERSION)
    cwd = os.getcwd()
    run = stamps.read_record(stamps.run_file(root, stamps.command_key(cwd, path, out, strict)))
    if run is None or {key: run.get(key) for key in stamps.environment()} != stamps.environment():
        return False
    watched, outs = run.get("watch"), run.get("outs")
    if not isinstance(watched, dict) or not isinstance(outs, list) or not stamps.same(watched):
        return False
    warnings: list[str] = []
    lines: list[str] = []
    try:
        for display, resolved, key in outs:
            record = stamps.unchanged(root, resolved, key)
            if record is None:
                return False
            ignored = f", {record['ignored']} left alone (.genignore)" if record["ignored"] else ""
            warnings.extend(str(warning) for warning in record["warnings"])
            lines.append(f"{display}: {record['count']} files, 0 changed{ignored}")
    except (ValueError, TypeError, KeyError):  # a record of another shape is a miss, as a damaged one is
        return False
    # click.echo, which prints these otherwise, strips terminal escapes and may encode differently: such text is
    # left to it.
    if not all(text.isascii() and text.isprintable() for text in warnings + lines):
        return False
    for warning in warnings:
        sys.stderr.write(warning + "\n")
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.flush()
    return True


def parse(arguments: Sequence[str]) -> tuple[str, str, bool] | None:
    """PATH, OUT and --strict of `build PATH [--out OUT] [--strict]` in any order, the paths spelled as
    pathlib.PurePosixPath spells them (which is how generator.cli records them); None for anything else."""
    if not arguments or arguments[0] != "build":
        return None
    path: str | None = None
    out: str | None = None
    strict = False
    rest = list(arguments[1:])
    while rest:
        argument = rest.pop(0)
        if argument == "--strict" and not strict:
            strict = True
        elif argument == "--out" and out is None and rest and not rest[0].startswith("-") and rest[0]:
            out = rest.pop(0)
        elif argument.startswith("--out=") and out is None and len(argument) > len("--out="):
            out = argument[len("--out=") :]
        elif not argument.startswith("-") and argument and path is None:
            path = argument
        else:
            return None
    if path is None:
        return None
    return posix_path(path), posix_path("out" if out is None else out), strict


def posix_path(text: str) -> str:
    """str(PurePosixPath(text)): repeated slashes and `.` parts dropped, `..` kept, a leading `//` kept."""
    anchor = "//" if text.startswith("//") and not text.startswith("///") else "/" if text.startswith("/") else ""
    parts = [part for part in text.split("/") if part and part != "."]
    return anchor + "/".join(parts) if anchor or parts else "."
