"""Rewrite tests/golden/<case>/expected/ from the generator. Run through `make golden`; never edit goldens by hand."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.pipeline import build, discover  # noqa: E402
from generator.write import write  # noqa: E402


def main() -> None:
    for source in discover(ROOT / "tests" / "golden"):
        expected = source.spec.parent / "expected"
        built = build(source)
        # The expected tree holds exactly what the generator emits: start from nothing.
        shutil.rmtree(expected, ignore_errors=True)
        write(built.files, expected, built.inputs)
        print(f"{expected.relative_to(ROOT)}: {len(built.files)} files")


if __name__ == "__main__":
    main()
