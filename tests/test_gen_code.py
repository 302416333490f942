"""gen's own code, the SDK runtime (generator/runtime/) included: mypy --strict, ruff, and the formatters.

Every SDK gets the runtime's modules as `_runtime/`, byte for byte (generator.render.runtime), so they are checked
here once, not in every SDK that carries them; what they do is tested in test_sse.py, test_retries.py and through the
generated SDKs (test_model_semantics.py, tests/e2e/).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

GENERATOR = ROOT / "generator"
RUNTIME = GENERATOR / "runtime"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_gen_passes_mypy_strict(tmp_path: Path) -> None:
    result = _run("mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), str(GENERATOR))
    assert result.returncode == 0, result.stdout + result.stderr


def test_gen_passes_ruff() -> None:
    result = _run("ruff", "check", "--no-cache", str(GENERATOR))  # the rules: pyproject's [tool.ruff.lint]
    assert result.returncode == 0, result.stdout + result.stderr


def test_gen_is_formatted_by_its_own_configuration() -> None:
    result = _run("ruff", "format", "--check", "--no-cache", str(GENERATOR))  # pyproject's [tool.ruff]; not the runtime
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_runtime_is_black_formatted() -> None:
    # No formatter touches it on the way into an SDK (generator.pipeline): it must be in black's layout already.
    result = _run("black", "--check", "--line-length", "88", str(RUNTIME))
    assert result.returncode == 0, result.stderr


def test_every_module_is_copied_as_it_is() -> None:
    from generator.render.runtime import runtime_files

    class Api:
        package = "pkg"

    copied = runtime_files(Api())  # type: ignore[arg-type]  # only the package name is read
    assert copied == {
        f"src/pkg/_runtime/{path.name}": path.read_bytes().decode("utf-8") for path in sorted(RUNTIME.glob("*.py"))
    }
    assert "src/pkg/_runtime/__init__.py" in copied and len(copied) >= 10


def test_gen_never_imports_the_runtime() -> None:
    # The runtime needs httpx and pydantic, which are not gen's dependencies: a build reads it as files only.
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from generator.cache import Cache\n"
        "from generator.pipeline import build, discover\n"
        "built = build(discover(Path('tests/golden/unions'))[0], cache=Cache(None))\n"
        "assert any('/_runtime/' in path for path in built.files)\n"
        "runtime = ('generator.runtime', 'httpx', 'pydantic')\n"
        "loaded = [m for m in sys.modules if m.startswith(runtime)]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
