"""OpenAPI Overlay Specification 1.0: ordered actions that update or remove the nodes a JSONPath selects.

Applied to the spec as read, before bundling and validation, so that an overlay can fix what would fail them.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath_rfc9535
from jsonpath_rfc9535 import JSONPathNode, JSONPathQuery

from ..problems import Problem, pointer
from .read import Source, read

_VERSION = re.compile(r"^1\.0\.\d+$")
_OVERLAY_FIELDS = {"overlay", "info", "extends", "actions"}
_ACTION_FIELDS = {"target", "description", "update", "remove"}


@dataclass(frozen=True)
class Action:
    index: int
    target: str
    query: JSONPathQuery
    update: Any
    has_update: bool
    remove: bool


def apply_overlay(document: dict[str, Any], path: Path) -> list[Problem]:
    """Apply one overlay file to `document` in place; returns its problems (errors and warnings)."""
    overlay = read(path)
    problems = list(overlay.warnings)
    actions, errors = _parse(overlay)
    problems.extend(errors)
    if errors:
        return problems  # a half-understood overlay is not applied at all
    for action in actions:
        problems.extend(_apply(document, action, overlay))
    return problems


def _parse(overlay: Source) -> tuple[list[Action], list[Problem]]:
    data = overlay.data
    errors: list[Problem] = []

    def error(where: str, message: str) -> None:
        errors.append(Problem(overlay.display, where, message))

    if not isinstance(data, dict):
        error("", "an overlay must be a mapping with overlay, info and actions")
        return [], errors
    version = data.get("overlay")
    if "overlay" not in data:
        error("", "not an overlay: the 'overlay' version field is missing")
    elif not (isinstance(version, str) and _VERSION.match(version)):
        error("/overlay", f"overlay version {version!r} is not supported; this tool applies Overlay 1.0.x")
    info = data.get("info")
    if not isinstance(info, dict):
        error("/info" if "info" in data else "", "overlay info must be an object with title and version")
    else:
        for name in ("title", "version"):
            if not isinstance(info.get(name), str):
                error(pointer("info", name) if name in info else "/info", f"overlay info.{name} must be a string")
    if "extends" in data and not isinstance(data["extends"], str):
        error("/extends", "extends must be a URI string")
    for name in data:
        if name not in _OVERLAY_FIELDS and not str(name).startswith("x-"):
            error(pointer(name), f"unknown overlay field '{name}'")

    raw_actions = data.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        error("/actions" if "actions" in data else "", "actions must be a non-empty list")
        return [], errors
    actions = []
    for index, raw in enumerate(raw_actions):
        action = _parse_action(index, raw, error)
        if action is not None:
            actions.append(action)
    return actions, errors


def _parse_action(index: int, raw: Any, error: Any) -> Action | None:
    here = pointer("actions", index)
    if not isinstance(raw, dict):
        error(here, "an action must be an object with target and update or remove")
        return None
    ok = True
    for name in raw:
        if name not in _ACTION_FIELDS and not str(name).startswith("x-"):
            # a misspelt `remove` would otherwise silently do nothing
            error(pointer("actions", index, name), f"unknown action field '{name}'")
            ok = False
    if "description" in raw and not isinstance(raw["description"], str):
        error(pointer("actions", index, "description"), "description must be a string")
        ok = False
    remove = raw.get("remove", False)
    if not isinstance(remove, bool):
        error(pointer("actions", index, "remove"), "remove must be true or false")
        ok = False
    target = raw.get("target")
    if not isinstance(target, str):
        error(pointer("actions", index, "target") if "target" in raw else here, "target must be a JSONPath string")
        return None
    try:
        query = jsonpath_rfc9535.compile(target)
    except jsonpath_rfc9535.JSONPathError as exc:
        error(pointer("actions", index, "target"), f"invalid JSONPath {target!r}: {exc}")
        return None
    if not ok:
        return None
    return Action(index, target, query, raw.get("update"), "update" in raw, remove)


def _apply(document: dict[str, Any], action: Action, overlay: Source) -> list[Problem]:
    here = pointer("actions", action.index)
    try:
        nodes = list(action.query.finditer(document))
    except jsonpath_rfc9535.JSONPathError as exc:
        return [Problem(overlay.display, here + "/target", f"cannot evaluate target: {exc}")]
    if not nodes:
        return [Problem(overlay.display, here + "/target", f"target {action.target!r} matches nothing", warning=True)]
    if action.remove:
        return _remove(nodes, overlay, here)
    if not action.has_update:
        return [
            Problem(overlay.display, here, "action has neither update nor remove: true; it does nothing", warning=True)
        ]
    problems = []
    for node in nodes:
        value = node.value
        if isinstance(value, dict):
            if not isinstance(action.update, dict):
                problems.append(
                    Problem(overlay.display, here + "/update", f"update for object {node.path()} must be an object")
                )
                continue
            _merge(value, action.update)
        elif isinstance(value, list):
            value.append(copy.deepcopy(action.update))
        else:
            message = f"target selects a {_kind(value)} at {node.path()}; select the object that holds it instead"
            problems.append(Problem(overlay.display, here + "/target", message))
    return problems


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    """Objects merge key by key, recursively; anything else replaces. Copies, so one update can serve many targets."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _remove(nodes: list[JSONPathNode], overlay: Source, here: str) -> list[Problem]:
    problems = []
    by_list: dict[int, tuple[list[Any], list[int]]] = {}
    for node in nodes:
        parent = node.parent
        if parent is None or not node.location:
            problems.append(Problem(overlay.display, here + "/target", "cannot remove the document root"))
            continue
        container, key = parent.value, node.location[-1]
        if isinstance(container, dict):
            container.pop(key, None)
        elif isinstance(container, list):
            by_list.setdefault(id(container), (container, []))[1].append(key)  # type: ignore[arg-type]
    # Indexes shift as items go, so remove from each list back to front.
    for container, indexes in by_list.values():
        for index in sorted(set(indexes), reverse=True):
            del container[index]
    return problems


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", str: "string", int: "number", float: "number"}.get(type(value), type(value).__name__)
