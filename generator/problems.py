"""Findings about the input, each tied to a file and a JSON pointer."""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence


def escape_pointer_token(token: object) -> str:
    """RFC 6901: '~' and '/' inside a key must be escaped in a pointer."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(*tokens: object) -> str:
    return "".join("/" + escape_pointer_token(t) for t in tokens)


@dataclass(frozen=True)
class Problem:
    file: str  # as the user named it, e.g. specs/x/openapi.yaml
    pointer: str  # RFC 6901 JSON pointer, "" for the whole document
    message: str
    warning: bool = False

    def __str__(self) -> str:
        # One line, always: a message from a library may carry newlines.
        message = " ".join(self.message.split())
        kind = "warning: " if self.warning else ""
        return f"{self.file}#{self.pointer}: {kind}{message}"


class BuildError(Exception):
    """Raised by any stage when the input cannot be turned into an SDK. `warnings`: those the stage had found before
    it stopped, which `--strict` reports as errors with the rest."""

    def __init__(self, problems: list[Problem], warnings: Sequence[Problem] = ()):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.warnings = tuple(warnings)

    def __reduce__(self) -> tuple[type, tuple[list[Problem], tuple[Problem, ...]]]:
        return (BuildError, (self.problems, self.warnings))  # raised in a worker process, re-raised in the parent


def as_errors(warnings: Iterable[Problem]) -> list[Problem]:
    return [dataclasses.replace(warning, warning=False) for warning in warnings]


class InternalError(Exception):
    """A bug in gen, met while working on one place of the input (its cause is the original exception): the one line
    gen prints names that place, so that a report says which input to look at."""

    def __init__(self, file: str, pointer: str, doing: str = ""):
        super().__init__(f"{file}#{pointer}")
        self.file, self.pointer, self.doing = file, pointer, doing

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        return (InternalError, (self.file, self.pointer, self.doing))


@contextmanager
def working_on(file: str, pointer: str, doing: str = "") -> Iterator[None]:
    """An unexpected exception raised inside becomes an InternalError naming this place; the innermost place wins."""
    try:
        yield
    except (BuildError, InternalError):
        raise
    except Exception as exc:
        raise InternalError(file, pointer, doing) from exc
