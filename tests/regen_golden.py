"""Rewrite tests/golden/<case>/expected/ from the generator. Run through `make golden`; never edit goldens by hand.

The SDK runtime (`src/<package>/_runtime/`, gen's generator/runtime/ copied as it is) is the same in every case, so
only RUNTIME_CASE keeps it in its expected tree; the others keep the manifest the generator wrote, which still lists
it, and tests/test_golden.py checks that they emit the same runtime. No test imports an expected tree: the tests that
import the golden SDKs (test_model_semantics.py, test_hostile.py) build them afresh into a temporary folder.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.pipeline import build, discover  # noqa: E402
from generator.write import write  # noqa: E402

RUNTIME_CASE = "unions"


def split_runtime(files: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(every other file, the files of `src/<package>/_runtime/` by their path inside `_runtime/`)."""
    rest, runtime = {}, {}
    for path, data in files.items():
        parts = PurePosixPath(path).parts
        if len(parts) > 3 and parts[0] == "src" and parts[2] == "_runtime":
            runtime["/".join(parts[3:])] = data
        else:
            rest[path] = data
    return rest, runtime


def main() -> None:
    for source in discover(ROOT / "tests" / "golden"):
        expected = source.spec.parent / "expected"
        built = build(source)
        # The expected tree holds exactly what the generator emits (the runtime once only): start from nothing.
        shutil.rmtree(expected, ignore_errors=True)
        write(built.files, expected, built.inputs)
        if source.name != RUNTIME_CASE:
            for runtime in (expected / "src").glob("*/_runtime"):
                shutil.rmtree(runtime)
        print(f"{expected.relative_to(ROOT)}: {len(built.files)} files")


if __name__ == "__main__":
    main()
