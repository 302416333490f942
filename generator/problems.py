"""Findings about the input, each tied to a file and a JSON pointer."""

from __future__ import annotations

from dataclasses import dataclass


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
    """Raised by any stage when the input cannot be turned into an SDK."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:  # raised in a worker process, re-raised in the parent
        return (BuildError, (self.problems,))
