"""The SDK runtime: the modules of generator/runtime/, copied into every SDK's `_runtime/` as they are.

They are plain Python that gen's own suite type-checks, lints and tests, black-formatted at the source; no template
and no formatter touches them. gen never imports them (they need httpx and pydantic, which gen does not): they are
read as files, found beside this subpackage, in a checkout and in an installed wheel alike.
"""

from __future__ import annotations

from pathlib import Path

from ..ir import types as t

RUNTIME = Path(__file__).resolve().parent.parent / "runtime"


def runtime_files(api: t.Api) -> dict[str, str]:
    """Relative path → text of every runtime module in the SDK of `api`, byte for byte the module's file."""
    return {
        f"src/{api.package}/_runtime/{path.name}": path.read_bytes().decode("utf-8")
        for path in sorted(RUNTIME.glob("*.py"))
    }
