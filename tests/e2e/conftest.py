"""End-to-end tests of the generated Mistral SDK against a scripted socket server.

`import mistralai` must be the generated SDK (out/mistral/src by default, or the folder named by
GEN_E2E_SDK, e.g. /tmp/e2e-out/mistral/src while iterating on the runtime templates), never an
installed mistralai.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
SDK_SRC = Path(os.environ.get("GEN_E2E_SDK") or ROOT / "out" / "mistral" / "src").resolve()

if str(SDK_SRC) in sys.path:
    sys.path.remove(str(SDK_SRC))
sys.path.insert(0, str(SDK_SRC))
for _name in [n for n in sys.modules if n == "mistralai" or n.startswith("mistralai.")]:
    del sys.modules[_name]

import mistralai  # noqa: E402

assert Path(mistralai.__file__).resolve().is_relative_to(SDK_SRC), mistralai.__file__

from .server import Server  # noqa: E402


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    try:
        yield srv
    finally:
        srv.close()
    assert not srv.errors, srv.errors


@pytest.fixture
def sdk_src() -> Path:
    return SDK_SRC
