"""load(): read a spec, apply overlays, bundle $refs, repair, validate; the one entry point of the stage."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ..problems import BuildError, Problem, as_errors
from .bundle import bundle
from .read import read
from .repair import repair
from .validate import validate
from .values import check_values

_VERSION = re.compile(r"^3\.(\d+)\.\d+(-.+)?$")
_SUPPORTED_MINORS = (0, 1, 2)


@dataclass(frozen=True)
class Document:
    file: str  # display name of the root spec, e.g. "specs/x/openapi.yaml"
    openapi: str  # e.g. "3.1.0"
    root: dict[str, Any]  # after overlays, repairs and bundling; every "$ref" in it is local ("#/...")
    warnings: tuple[Problem, ...]


def load(spec: Path, overlays: Sequence[Path] = (), *, strict: bool = False) -> Document:
    """Raises BuildError listing every error found; with `strict`, warnings count as errors."""
    source = read(Path(spec))
    display, data = source.display, source.data
    if not isinstance(data, dict):
        found = "a list" if isinstance(data, list) else f"the value {data!r}"[:80]
        raise BuildError([Problem(display, "", f"an OpenAPI document must be a mapping at the top level, not {found}")])
    _version(data, display)  # before overlays: a Swagger file is refused as such, not as failed overlay targets
    warnings = list(source.warnings)

    errors: list[Problem] = []
    for overlay in overlays:
        # here: most specs have no overlay, and a build without one needs neither overlay.py nor jsonpath-rfc9535
        from .overlay import apply_overlay

        try:
            found_problems = apply_overlay(data, Path(overlay))
        except BuildError as exc:
            found_problems = exc.problems
        _split(found_problems, errors, warnings)
    _raise_if(errors, warnings)

    openapi, version = _version(data, display)  # again: an overlay may have changed it
    sources, found_problems = bundle(source)
    _split(found_problems, errors, warnings)
    _raise_if(errors, warnings)

    warnings.extend(repair(data, sources))
    warnings.extend(validate(data, version, sources))
    warnings.extend(check_values(data, version, sources))
    if strict:
        _raise_if(as_errors(warnings), [])
    return Document(file=display, openapi=openapi, root=data, warnings=tuple(warnings))


def _version(data: dict[str, Any], display: str) -> tuple[str, tuple[int, int]]:
    def fail(where: str, message: str) -> BuildError:
        return BuildError([Problem(display, where, message)])

    if "openapi" not in data:
        if "swagger" in data:
            raise fail(
                "/swagger",
                f"Swagger {data['swagger']} is not supported; convert the document to OpenAPI 3 first "
                "(for example with swagger2openapi or https://converter.swagger.io)",
            )
        raise fail("", "not an OpenAPI document: the 'openapi' version field is missing")
    value = data["openapi"]
    if not isinstance(value, str):
        # `openapi: 3.1` in YAML is the number 3.1
        raise fail("/openapi", f'the openapi version must be a string such as "3.1.0", not {value!r}')
    match = _VERSION.match(value)
    if match is None or int(match.group(1)) not in _SUPPORTED_MINORS:
        raise fail("/openapi", f"OpenAPI version {value} is not supported; use 3.0.x, 3.1.x or 3.2.x")
    return value, (3, int(match.group(1)))


def _split(problems: Sequence[Problem], errors: list[Problem], warnings: list[Problem]) -> None:
    for problem in problems:
        (warnings if problem.warning else errors).append(problem)


def _raise_if(errors: list[Problem], warnings: list[Problem]) -> None:
    if errors:
        raise BuildError(errors, warnings)
