"""The peers' own virtual environment, bench/.venv-peers: the other generators and the reference SDK.

Created on first use with the interpreter that runs the suite and filled with pip from PyPI; a
stamp file records the pinned set, so a change of pins reinstalls and an unchanged set costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import venv
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-peers"
PINS = (
    "openapi-python-client==0.29.1",
    "datamodel-code-generator==0.89.0",
    "mistralai==1.5.1",
)
# What the tables report the version of, in each interpreter.
OURS_DISTS = ("gen", "black", "ruff", "jinja2", "pyyaml", "pydantic", "pydantic-core", "httpx", "httpx-sse")
# What gen's own environment (bench/.venv-gen, the gen that is timed) reports.
GEN_DISTS = ("gen", "black", "ruff", "jinja2", "pyyaml", "jsonschema")
PEER_DISTS = ("openapi-python-client", "datamodel-code-generator", "mistralai", "ruff", "black", "isort", "pydantic", "pydantic-core", "httpx")


def python(venv_dir: Path = VENV) -> Path:
    return venv_dir / "bin" / "python"


def ensure(log: Callable[[str], None]) -> Path:
    """Create or update bench/.venv-peers; return its python."""
    stamp = VENV / (".installed-" + hashlib.sha256("\n".join(PINS).encode()).hexdigest()[:12])
    if stamp.exists() and python().exists():
        return python()
    if not python().exists():
        log(f"creating {VENV.relative_to(HERE.parent)}")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    for old in VENV.glob(".installed-*"):
        old.unlink()
    log(f"installing {', '.join(PINS)} (pip, PyPI)")
    pip = [str(python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["--upgrade", "pip"], check=True)  # the same pip as gen's environment (bench/generation.py)
    subprocess.run([*pip, *PINS], check=True)
    stamp.touch()
    return python()


def versions(interpreter: Path | str, dists: tuple[str, ...], env: dict[str, str] | None = None) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, sys\n"
        "out = {}\n"
        f"for name in {list(dists)!r}:\n"
        "    try: out[name] = m.version(name)\n"
        "    except m.PackageNotFoundError: out[name] = '(not installed)'\n"
        "out['python'] = sys.version.split()[0]\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([str(interpreter), "-c", code], capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout)


def default_interpreter() -> str:
    return sys.executable
