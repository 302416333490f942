"""gen.yaml: the few choices a spec folder makes about its SDK."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .problems import BuildError, Problem

FORMATTERS = ("black", "ruff")
DEFAULT_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class Config:
    name: str  # the API folder's name; output goes to out/<name>/
    package: str
    sdk_class: str
    version: str = "0.1.0"
    title: str | None = None
    formatter: str = "black"  # or "ruff": `ruff format`, for very large APIs
    # The SDK's default timeout for its own HTTP client, in milliseconds: connect, read, write and
    # pool wait; None means none. `connect_timeout_ms` sets the connect part alone (default: the same).
    timeout_ms: int | None = DEFAULT_TIMEOUT_MS
    connect_timeout_ms: int | None = None


_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")
_CLASS = re.compile(r"^[A-Z][A-Za-z0-9_]*$")


def default_config(name: str) -> Config:
    package = re.sub(r"[^a-z0-9_]", "_", name.lower()).strip("_") or "sdk"
    if package[0].isdigit():
        package = "sdk_" + package
    sdk_class = "".join(p.capitalize() for p in package.split("_") if p) or "Sdk"
    return Config(name=name, package=package, sdk_class=sdk_class)


def valid_package(name: str) -> bool:
    return bool(_PACKAGE.match(name))


def load_config(path: Path | None, name: str, display: str = "") -> Config:
    """gen.yaml of an API folder, or the defaults."""
    return _load_config(path, name, display)


def overridden(config: Config, *, package: str | None = None, formatter: str | None = None) -> Config:
    """`config` with the command line's choices (`gen build --package/--formatter`) in place of gen.yaml's."""
    if package is not None:
        if not valid_package(package):
            raise BuildError([Problem("--package", "", f"{package!r} is not a valid Python package name")])
        config = replace(config, package=package)
    if formatter is not None:
        if formatter not in FORMATTERS:
            raise BuildError(
                [Problem("--formatter", "", f"{formatter!r} is not a formatter gen knows; use black or ruff")]
            )
        config = replace(config, formatter=formatter)
    return config


def _load_config(path: Path | None, name: str, display: str) -> Config:
    base = default_config(name)
    if path is None or not path.exists():
        return base
    shown = display or str(path)
    import yaml  # here: a no-op build of a folder without gen.yaml never needs it

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise BuildError([Problem(shown, "", f"invalid YAML: {exc}")]) from None
    if not isinstance(data, dict):
        raise BuildError([Problem(shown, "", "gen.yaml must be a mapping")])
    problems = []
    known = {"package", "sdk_class", "version", "title", "formatter", "timeout_ms", "connect_timeout_ms"}
    for key in data:
        if key not in known:
            problems.append(Problem(shown, f"/{key}", f"unknown setting; expected one of {', '.join(sorted(known))}"))
    package = str(data.get("package", base.package))
    sdk_class = str(data.get("sdk_class", base.sdk_class))
    if not _PACKAGE.match(package):
        problems.append(Problem(shown, "/package", f"{package!r} is not a valid Python package name"))
    if not _CLASS.match(sdk_class):
        problems.append(Problem(shown, "/sdk_class", f"{sdk_class!r} is not a valid class name"))
    formatter = str(data.get("formatter", base.formatter))
    if formatter not in FORMATTERS:
        problems.append(Problem(shown, "/formatter", f"{formatter!r} is not a formatter gen knows; use black or ruff"))
    timeout_ms = _milliseconds(data, "timeout_ms", base.timeout_ms, shown, problems)
    connect_timeout_ms = _milliseconds(data, "connect_timeout_ms", None, shown, problems)
    if problems:
        raise BuildError(problems)
    title = data.get("title")
    return Config(
        name=name,
        package=package,
        sdk_class=sdk_class,
        version=str(data.get("version", base.version)),
        title=str(title) if title is not None else None,
        formatter=formatter,
        timeout_ms=timeout_ms,
        connect_timeout_ms=connect_timeout_ms,
    )


def _milliseconds(
    data: dict[str, object], key: str, default: int | None, shown: str, problems: list[Problem]
) -> int | None:
    """A timeout setting: a whole number of milliseconds > 0, or null for no timeout."""
    if key not in data:
        return default
    value = data[key]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        problems.append(
            Problem(
                shown,
                f"/{key}",
                f"{value!r} is not a timeout; use a whole number of milliseconds > 0, or null for none",
            )
        )
        return default
    return value
