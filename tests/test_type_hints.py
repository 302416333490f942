"""typing.get_type_hints works on every public class and method of a generated SDK: the SDK class,
its groups (reached through the properties' return types) and their methods, and every model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

WALK = r"""
import functools, importlib, inspect, sys, typing

package = importlib.import_module(sys.argv[1])
sdk_class = getattr(package, sys.argv[2])
failures, checked, groups = [], [], set()


def check(name, obj):
    checked.append(name)
    try:
        return typing.get_type_hints(obj)
    except Exception as exc:
        failures.append(f"{name}: {type(exc).__name__}: {exc}")
        return {}


def walk_class(cls):
    check(cls.__qualname__, cls)
    for name, member in vars(cls).items():
        if name.startswith("_") and name != "__init__":
            continue
        if isinstance(member, functools.cached_property):
            hints = check(f"{cls.__qualname__}.{name}", member.func)
            child = hints.get("return")
            if inspect.isclass(child) and child.__module__.startswith(package.__name__ + "."):
                if child not in groups:
                    groups.add(child)
                    walk_class(child)
        elif inspect.isfunction(member):
            check(f"{cls.__qualname__}.{name}", member)


walk_class(sdk_class)
models = importlib.import_module(package.__name__ + ".models")
for name in models.__all__:
    value = getattr(models, name)
    if inspect.isclass(value):
        walk_class(value)
print(len(checked), len(groups))
print("\n".join(failures))
sys.exit(1 if failures else 0)
"""

CASES = ("composition", "enums", "names", "names_injection", "nullable", "nullable31", "pagination", "resources", "unions")


@pytest.fixture(scope="module")
def golden_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden cases built whole (their expected/ folders leave the runtime out)."""
    from conftest import gen

    out = tmp_path_factory.mktemp("golden")
    result = gen("build", "tests/golden", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _walk(src: Path, package: str) -> tuple[int, int]:
    sdk_py = (src / package / "sdk.py").read_text(encoding="utf-8")
    sdk_class = next(line[6:].split(":")[0] for line in sdk_py.splitlines() if line.startswith("class "))
    result = subprocess.run(
        [sys.executable, "-c", WALK, package, sdk_class], cwd=src, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    checked, groups = map(int, result.stdout.split("\n")[0].split())
    return checked, groups


def test_get_type_hints_on_the_mistral_sdk() -> None:
    checked, groups = _walk(ROOT / "out" / "mistral" / "src", "mistralai")
    assert checked > 200 and groups >= 12, (checked, groups)  # 10 groups and 2 nested ones


@pytest.mark.parametrize("case", CASES)
def test_get_type_hints_on_a_golden_sdk(golden_out: Path, case: str) -> None:
    checked, _ = _walk(golden_out / case / "src", case)
    assert checked > 5
