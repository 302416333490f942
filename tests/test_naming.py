"""generator/ir/naming.py: how spec names become class names."""

from __future__ import annotations

import pytest

from generator.ir.naming import Namer, RESERVED_TYPE_NAMES, pascal


@pytest.mark.parametrize("name", ["ApiEndpoint", "JsonSchema", "JSONSchema", "APIEndpoint", "FTModelOut", "ImageURLChunk", "Deltamessage", "名前"])
def test_a_component_name_that_is_already_a_pascal_case_identifier_is_kept_as_the_spec_spells_it(name: str) -> None:
    assert pascal(name) == name


@pytest.mark.parametrize(
    "wire, expected",
    [("chat_completion", "ChatCompletion"), ("model-list", "ModelList"), ("userMessage", "UserMessage"), ("2fa", "Type2fa")],
)
def test_other_names_are_made_pascal_case(wire: str, expected: str) -> None:
    assert pascal(wire) == expected


def test_names_that_differ_only_by_case_get_distinct_classes_in_claim_order() -> None:
    # Module files are lower case: `ApiEndpoint` and `APIEndpoint` cannot both be `apiendpoint.py`.
    namer = Namer(RESERVED_TYPE_NAMES)
    assert [namer.claim(n, twin=True) for n in ("ApiEndpoint", "APIEndpoint", "File")] == ["ApiEndpoint", "APIEndpoint2", "File2"]


@pytest.mark.parametrize(
    "wire, expected",
    [
        ("image_url", "ImageURL"),
        ("files_api_routes_upload_file", "FilesAPIRoutesUploadFile"),
        ("model_id", "ModelID"),
        ("url", "URL"),
        ("Identity", "Identity"),  # a word that starts like one is no acronym
        ("ids", "Ids"),
    ],
)
def test_acronyms_are_capitals_in_names_gen_puts_together(wire: str, expected: str) -> None:
    assert pascal(wire) == expected
