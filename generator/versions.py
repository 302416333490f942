"""Installed distributions' versions, read off their `.dist-info` folder names.

importlib.metadata answers the same question, but importing it costs a no-op build a fifth of its time (it brings
email, zipfile and csv along). The folder names on sys.path say it directly; anything else (an egg, a zip) falls
back to importlib.metadata.
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache


def version(distribution: str) -> str | None:
    found = _dist_infos().get(_normal(distribution))
    if found is not None:
        return found
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@lru_cache(maxsize=1)
def _dist_infos() -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                # `{name}-{version}.dist-info`, the name with `-` escaped: the first `-` ends it.
                project, dash, number = name[: -len(".dist-info")].partition("-")
                if dash:
                    found.setdefault(_normal(project), number)  # the first on sys.path wins, as for imports
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()
