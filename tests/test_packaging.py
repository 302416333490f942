"""The wheel holds the whole generator: a package missing from pyproject's list works in the editable install the
tests use and fails for everyone who installs gen with pip."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_of_the_generator_is_in_the_wheel() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "generator").rglob("__init__.py")
    } | {"generator.templates"}
    assert set(setuptools["packages"]) == on_disk
    for package, patterns in setuptools["package-data"].items():
        folder = ROOT / ("templates" if package == "generator.templates" else package.replace(".", "/"))
        assert all(list(folder.glob(pattern)) for pattern in patterns), package
