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
if not harness.prism_installed():
    pytest.skip("Prism is not installed: run `make prism` (or set PRISM)", allow_module_level=True)

EXAMPLES = 2
SEED = 0
SAMPLE = [
    *harness.golden_names(),
    "oai30-petstore.yaml",
    "oai30-petstore-expanded.yaml",
    "oai31-tictactoe.yaml",
    "oai30-link-example.yaml",
    "opc-openapi-3_1-enums.yaml",
    "opc-3_1-specific.yaml",
    "opc-baseline-openapi-3_1.yaml",
]

# (document, "group.method", stage) -> (whose limitation, why). Stage: "draw" (nothing could be drawn from the
# schemas), "call" (the SDK refused arguments valid for the spec), "request" (Prism refused the request), "response"
# (the SDK did not parse the response, or Prism's made-up response broke the spec). Whose: "Prism" (the SDK is right),
# "spec" (the description asks for what has no form on the wire), "gen" (an open gen bug); harness.KNOWN must explain
# the failure's cause the same way.
EXPECTED: dict[tuple[str, str, str], tuple[str, str]] = {
    ("golden/composition", "documents.evaluate", "response"): (
        "Prism",
        "Prism's faker cuts the recursive Expr short and breaks its required `value`: a 500, nothing to parse",
    ),
    ("golden/forms", "customers.create_customer", "request"): (
        "Prism",
        "Prism reads neither deepObject form fields (`address[line1]=`) nor a JSON-encoded form field",
    ),
    ("golden/forms", "customers.upload_document", "request"): (
        "Prism",
        "Prism reads the repeated multipart parts of `labels` as one string",
    ),
    ("opc-openapi-3_1-enums.yaml", "tests.get_user_list", "request"): (
        "spec",
        "a required query array of nulls (`an_enum_value_with_only_null`) has no form in a query string",
    ),
    ("opc-openapi-3_1-enums.yaml", "tests.post_user_list", "request"): (
        "Prism",
        "Prism reads the repeated multipart parts of `an_enum_value` as one string",
    ),
    ("opc-3_1-specific.yaml", "const.post_const_path", "request"): (
        "Prism",
        "Prism does not read `required+query` as the parameter `required query`",
    ),
    **{
        ("opc-baseline-openapi-3_1.yaml", op, stage): why
        for op, stage, why in [
            ("config.content_type_override", "request", ("Prism", "the request crashes Prism 5.16")),
            ("config.content_type_override", "response", ("Prism", "Prism, restarted, answers it with a 500")),
            ("models.allof", "response", ("Prism", "Prism's faker breaks oneOf: a 500, nothing to parse")),
            ("responses.reference_response", "response", ("Prism", "Prism's faker breaks oneOf: a 500")),
            ("types.unions.duplicate_types", "draw", ("spec", "oneOf of two identical members")),
            ("defaults.defaults_tests", "request", ("Prism", "`string+with+num` is not read")),
            ("location.get_location_query_optionality", "request", ("spec", "a required null query parameter")),
            ("tests.get_user_list", "request", ("spec", "required query arrays of nulls")),
            ("tests.post_tests_json_body_string", "request", ("Prism", 'a JSON body `""` is taken for none')),
            ("tests.upload_file", "request", ("Prism", "JSON multipart parts are not parsed")),
        ]
    },
}


@pytest.mark.parametrize("name", SAMPLE)
def test_prism_accepts_every_request_and_the_sdk_parses_every_response(tmp_path: Path, name: str) -> None:
    target = harness.build(name, tmp_path / "out", tmp_path / "cache")
    report = harness.run_target(target, examples=EXAMPLES, seed=SEED)
    assert not report.error, report.error
    assert report.tried == report.operations - report.streams
    assert report.requests >= report.tried
    found = {f.key: f for f in report.failures}
    expected = {key: why for key, why in EXPECTED.items() if key[0] == name}
    unexpected = [f"{op} ({stage}): {f.cause}" for (_, op, stage), f in sorted(found.items()) if f.key not in expected]
    fixed = [
        f"{op} ({stage}): {why}"
        for (_, op, stage), (_, why) in sorted(expected.items())
        if (name, op, stage) not in found
    ]
    assert not unexpected, "new failures:\n" + "\n".join(unexpected)
    assert not fixed, "these pass now: take them out of EXPECTED:\n" + "\n".join(fixed)
    for key, (who, _) in expected.items():
        known = harness.explain(found[key])
        assert known is not None and known[0] == who, (key, found[key].cause, known)
