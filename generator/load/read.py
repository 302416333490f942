"""Turn one YAML or JSON file into plain data: dicts with string keys, lists, str, int, float, bool, None.

Spec text is kept as data: YAML timestamps stay strings, non-string mapping keys become their source spelling,
aliases are expanded into independent copies, and hostile input (alias bombs, absurd nesting) is refused in bounded
time and memory. YAML is read as YAML 1.2 by pyyaml (yaml12.py), imported only when a YAML file is read.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..problems import BuildError, Problem, pointer

# The largest public descriptions are around 10 MB (GitHub's REST API); the vendor APIs of the test
# corpus are under 2 MB. Anything far bigger is refused before it is read, so that a build's time and
# memory stay bounded whatever file it is given.
MAX_FILE_BYTES = 32 * 1024 * 1024
# Real specs nest a few dozen levels; the walkers of later stages recurse, so refuse what would exhaust the stack.
MAX_DEPTH = 256


@dataclass(frozen=True)
class Source:
    """A file as read: where it is, how to name it in messages, and its data."""

    path: Path
    display: str
    data: Any
    warnings: tuple[Problem, ...] = ()


def display_name(path: Path) -> str:
    """The path relative to the working directory when it lies inside it, else as given."""
    try:
        absolute, cwd = path.resolve(), Path.cwd().resolve()
    except OSError:
        return str(path)
    return absolute.relative_to(cwd).as_posix() if absolute.is_relative_to(cwd) else str(path)


def read(path: Path, display: str | None = None) -> Source:
    """Read and parse one file. Raises BuildError with one problem when it cannot be used."""
    display = display if display is not None else display_name(path)

    def fail(message: str) -> BuildError:
        return BuildError([Problem(display, "", message)])

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(
                f"file is {size / 1024 / 1024:.1f} MB; gen reads files of up to {MAX_FILE_BYTES // 1024 // 1024} MB"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"file is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise fail("file is empty")

    if path.suffix.lower() == ".json":
        data, duplicates = _parse_json(text, fail)
    else:
        from .yaml12 import parse  # here, not at the top: a JSON document never needs pyyaml

        data, duplicates = parse(text, fail)
    _check_depth(data, fail)
    warnings = tuple(
        Problem(display, where, f"duplicate key '{key}'{line}; the last value is used", warning=True)
        for where, key, line in _locate_duplicates(data, duplicates)
    )
    return Source(path=path, display=display, data=data, warnings=warnings)


def _parse_json(text: str, fail: Any) -> tuple[Any, list[tuple[dict[str, Any], str, int]]]:
    duplicates: list[tuple[dict[str, Any], str, int]] = []

    def pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        data = dict(pairs)
        if len(data) != len(pairs):  # rare: only then pay for finding which keys repeat
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    duplicates.append((data, key, 0))
                seen.add(key)
        return data

    try:
        return json.loads(text, object_pairs_hook=pairs_to_dict), duplicates
    except json.JSONDecodeError as exc:
        raise fail(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except ValueError:  # the one other error json raises: an integer of more digits than Python converts
        raise fail(f"invalid JSON: a number of more than {sys.get_int_max_str_digits()} digits") from None
    except RecursionError:
        raise fail(f"document is nested more than {MAX_DEPTH} levels deep") from None


def _check_depth(data: Any, fail: Any) -> None:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise fail(f"document is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values() if isinstance(child, (dict, list)))
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value if isinstance(child, (dict, list)))


def _locate_duplicates(data: Any, duplicates: list[tuple[dict[str, Any], str, int]]) -> list[tuple[str, str, str]]:
    """Pointers of the mappings that repeated a key; only walks the data when there is something to report."""
    if not duplicates:
        return []
    wanted = {id(mapping) for mapping, _, _ in duplicates}
    found: dict[int, str] = {}
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack and len(found) < len(wanted):
        value, tokens = stack.pop()
        if isinstance(value, dict):
            if id(value) in wanted:
                found.setdefault(id(value), pointer(*tokens))
            stack.extend((child, tokens + (key,)) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((child, tokens + (index,)) for index, child in enumerate(value))
    located = []
    for mapping, key, line in duplicates:
        if id(mapping) in found:
            located.append((found[id(mapping)], key, f" (line {line})" if line else ""))
    return located
