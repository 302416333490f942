"""Conformance against Prism, a bounded sample (the full run: `python -m bench.conformance`, bench/CONFORMANCE.md).

Every golden case and a few small corpus documents are built; every operation of each SDK is called with two argument
sets drawn from the spec (hypothesis-jsonschema, seed 0) against `prism mock --errors --dynamic` (see harness.py).
Prism must accept every request and the SDK must parse every response Prism makes up, except the failures listed in
EXPECTED, each with its cause. An expected failure that no longer happens fails the test too: the list only shrinks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import harness

pytest.importorskip("hypothesis_jsonschema")
if harness.executable() is None:
    pytest.skip("Prism is not installed: run `make prism` (or set PRISM)", allow_module_level=True)

EXAMPLES = 2
SEED = 0
SAMPLE = [
    *harness.golden_names(),
    "oai30-petstore.yaml",
    "oai30-petstore-expanded.yaml",
    "oai31-tictactoe.yaml",
    "oai30-link-example.yaml",
]

# (document, "group.method", stage) -> why it fails. Stage: "draw" (nothing could be drawn from the schemas), "call"
# (the SDK refused arguments valid for the spec), "request" (Prism refused the request), "response" (the SDK did not
# parse the response, or Prism's made-up response broke the spec).
EXPECTED: dict[tuple[str, str, str], str] = {}


@pytest.mark.parametrize("name", SAMPLE)
def test_prism_accepts_every_request_and_the_sdk_parses_every_response(tmp_path: Path, name: str) -> None:
    target = harness.build(name, tmp_path / "out", tmp_path / "cache")
    report = harness.run_target(target, examples=EXAMPLES, seed=SEED)
    assert not report.error, report.error
    assert report.tried == report.operations - report.streams > 0 or report.operations == 0
    found = {f.key: f.cause for f in report.failures}
    expected = {key: why for key, why in EXPECTED.items() if key[0] == name}
    unexpected = [
        f"{op} ({stage}): {cause}"
        for (_, op, stage), cause in sorted(found.items())
        if (name, op, stage) not in expected
    ]
    fixed = [
        f"{op} ({stage}): {why}" for (_, op, stage), why in sorted(expected.items()) if (name, op, stage) not in found
    ]
    assert not unexpected, "new failures:\n" + "\n".join(unexpected)
    assert not fixed, "these pass now: take them out of EXPECTED:\n" + "\n".join(fixed)
    assert report.requests >= report.tried
