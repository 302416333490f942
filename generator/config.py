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
    # retries: {max_retries: 0-10, status_codes: ["429", "5XX", ...]}: the SDK's default
    # number of retries, and the statuses every operation retries whatever its method.
    max_retries: int | None = None
    retry_status_codes: tuple[str, ...] | None = None
    # The SDK's default timeout for its own HTTP client, in milliseconds: connect, read, write and
    # pool wait; None means none. `connect_timeout_ms` sets the connect part alone (default: the same).
    timeout_ms: int | None = DEFAULT_TIMEOUT_MS
    connect_timeout_ms: int | None = None
    # extend: {group path: "module:Class"}: hand-written subclasses of generated groups (modules relative to the
    # package) that the SDK hands out in their place, so that custom methods live beside generated ones.
    extend: tuple[Extension, ...] = ()
    file: str = "gen.yaml"  # how problems name gen.yaml


@dataclass(frozen=True)
class Extension:
    group: str  # "chat", "fine_tuning.jobs"
    module: str  # "extra.chat", relative to the package
    class_name: str


_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")
_CLASS = re.compile(r"^[A-Z][A-Za-z0-9_]*$")
_GROUP_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")
_CLASS_REF = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*):([A-Za-z_][A-Za-z0-9_]*)$")


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
    known = {
        "package",
        "sdk_class",
        "version",
        "title",
        "formatter",
        "retries",
        "timeout_ms",
        "connect_timeout_ms",
        "extend",
    }
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
    max_retries, retry_codes = _retries(data.get("retries"), shown, problems)
    timeout_ms = _milliseconds(data, "timeout_ms", base.timeout_ms, shown, problems)
    connect_timeout_ms = _milliseconds(data, "connect_timeout_ms", None, shown, problems)
    extend = _extensions(data.get("extend"), shown, problems)
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
        max_retries=max_retries,
        retry_status_codes=retry_codes,
        timeout_ms=timeout_ms,
        connect_timeout_ms=connect_timeout_ms,
        extend=extend,
        file=shown,
    )


_STATUS = re.compile(r"^[1-5](?:[0-9]{2}|XX)$", re.IGNORECASE)


def _retries(value: object, shown: str, problems: list[Problem]) -> tuple[int | None, tuple[str, ...] | None]:
    """gen.yaml's `retries` mapping: (max_retries, status_codes), each None when absent."""
    if value is None:
        return None, None
    if not isinstance(value, dict):
        problems.append(Problem(shown, "/retries", "must be a mapping with max_retries and/or status_codes"))
        return None, None
    for key in value:
        if key not in ("max_retries", "status_codes"):
            problems.append(Problem(shown, f"/retries/{key}", "unknown setting; expected max_retries or status_codes"))
    max_retries = value.get("max_retries")
    if max_retries is not None and (
        not isinstance(max_retries, int) or isinstance(max_retries, bool) or not 0 <= max_retries <= 10
    ):
        problems.append(Problem(shown, "/retries/max_retries", f"{max_retries!r} is not an integer from 0 to 10"))
        max_retries = None
    codes = value.get("status_codes")
    if codes is None:
        return max_retries, None
    if not isinstance(codes, list) or not codes:
        problems.append(Problem(shown, "/retries/status_codes", 'must be a non-empty list like [429, 503, "5XX"]'))
        return max_retries, None
    found = []
    for i, code in enumerate(codes):
        if isinstance(code, bool) or not isinstance(code, (int, str)) or not _STATUS.match(str(code)):
            problems.append(
                Problem(shown, f"/retries/status_codes/{i}", f'{code!r} is not a status code like 503 or "5XX"')
            )
        else:
            found.append(str(code).upper())
    return max_retries, tuple(found)


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


def _extensions(value: object, shown: str, problems: list[Problem]) -> tuple[Extension, ...]:
    """gen.yaml's `extend` mapping, `{chat: "extra.chat:Chat"}`; whether each group exists is the IR's to say."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        problems.append(
            Problem(shown, "/extend", 'must be a mapping of group to class, like {chat: "extra.chat:Chat"}')
        )
        return ()
    found = []
    for group, target in value.items():
        where = f"/extend/{group}"
        match = _CLASS_REF.match(target) if isinstance(target, str) else None
        if not (isinstance(group, str) and _GROUP_PATH.match(group)):
            problems.append(Problem(shown, where, f"{group!r} is not a group path like chat or fine_tuning.jobs"))
        elif match is None:
            message = f"{target!r} is not a class of the package written as module:Class, like extra.chat:Chat"
            problems.append(Problem(shown, where, message))
        else:
            found.append(Extension(group, match.group(1), match.group(2)))
    return tuple(sorted(found, key=lambda e: e.group))
