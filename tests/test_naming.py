"""generator/ir/naming.py: how spec names become class, field, group and method names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.ir.naming import (
    RESERVED_TYPE_NAMES,
    Namer,
    Routes,
    attribute_name,
    field_name,
    framework_name,
    is_mechanical,
    pascal,
    snake,
)
from generator.ir.operations import OperationBuilder
from generator.ir.schemas import SchemaConverter
from generator.problems import Problem


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


# ---------------------------------------------------------------- snake_case: fields, groups, methods


@pytest.mark.parametrize(
    "wire, expected",
    [
        ("floatingIPs", "floating_ips"),
        ("reservedIPv6", "reserved_ipv6"),
        ("VPCs", "vpcs"),
        ("accessMTLSAuthentication", "access_mtls_authentication"),
        ("userIDs", "user_ids"),
        ("GPUsPerNode", "gpus_per_node"),
        ("IPv4Address", "ipv4_address"),
        ("OAuth2Token", "oauth2_token"),
        ("HTTPSProxy", "https_proxy"),
        ("HTTPCode", "http_code"),
        ("createdAt", "created_at"),
        ("Floating IPs", "floating_ips"),
        ("x509Cert", "x509_cert"),
        ("IPsec", "i_psec"),  # a plural acronym is capitals and an `s` that ends the word
    ],
)
def test_acronyms_stay_whole_in_snake_case(wire: str, expected: str) -> None:
    assert snake(wire) == expected


@pytest.mark.parametrize(
    "wire, expected",
    [
        ("1ClickApplications", "one_click_applications"),
        ("1-Click Applications", "one_click_applications"),
        ("3D Secure", "three_d_secure"),
        ("2fa", "field_2fa"),  # a digit glued to lower case letters is not a word of its own
        ("404", "field_404"),
        ("24Hours", "field_24_hours"),  # only one digit is read as a word
        ("1_000", "field_1_000"),
    ],
)
def test_a_leading_digit_reads_as_a_word(wire: str, expected: str) -> None:
    assert field_name(wire) == expected


def test_attribute_names_read_tags_the_same_way() -> None:
    assert attribute_name("1-Click Applications") == "one_click_applications"
    assert attribute_name("Reserved IPv6") == "reserved_ipv6"


# ---------------------------------------------------------------- operations


@pytest.mark.parametrize(
    "operation_id, path, method, expected",
    [
        ("chat_completion_v1_chat_completions_post", "/v1/chat/completions", "post", "chat_completion"),
        ("retrieve_model_v1_models__model_id__get", "/v1/models/{model_id}", "get", "retrieve_model"),
        ("list_models_v1_models_get", "/v1/models", "get", "list_models"),
        ("chat_completion_v1_chat_completions_post", "/v1/chat/completions", "put", "chat_completion_v1_chat_completions_post"),
        ("_v1_models_get", "/v1/models", "get", "_v1_models_get"),  # nothing left: kept
        ("listModels", "/v1/models", "get", "listModels"),
    ],
)
def test_a_framework_made_operation_id_is_trimmed_to_its_name(operation_id: str, path: str, method: str, expected: str) -> None:
    assert framework_name(operation_id, path, method) == expected


@pytest.mark.parametrize(
    "operation_id, path, method, mechanical",
    [
        ("PostCustomers", "/v1/customers", "post", True),
        ("GetCustomersCustomerSources", "/v1/customers/{customer}/sources", "get", True),
        ("GetCustomersCustomerSourcesId", "/v1/customers/{customer}/sources/{id}", "get", True),
        ("PostChargesChargeCapture", "/v1/charges/{charge}/capture", "post", True),
        ("embeddings", "/v1/embeddings", "post", True),
        ("GetCustomers", "/v1/customers", "post", False),  # another method's name is a name
        ("listPets", "/pets", "get", False),
        ("findPetById", "/pets/{id}", "get", False),
        ("chat_completion", "/v1/chat/completions", "post", False),
    ],
)
def test_an_operation_id_spelled_from_method_and_path_is_mechanical(
    operation_id: str, path: str, method: str, mechanical: bool
) -> None:
    assert is_mechanical(operation_id, path, method) is mechanical


ENDPOINTS = [
    ("/v1/customers", "get"),
    ("/v1/customers", "post"),
    ("/v1/customers/{customer}", "get"),
    ("/v1/customers/{customer}", "post"),
    ("/v1/customers/{customer}", "put"),
    ("/v1/customers/{customer}", "patch"),
    ("/v1/customers/{customer}", "delete"),
    ("/v1/customers/{customer}", "head"),
    ("/v1/customers/{customer}/sources", "get"),
    ("/v1/customers/{customer}/sources", "post"),
    ("/v1/customers/{customer}/sources/{id}", "get"),
    ("/v1/customers/{customer}/sources/{id}/verify", "post"),
    ("/v1/customers/{customer}/discount", "delete"),
    ("/v1/charges/{charge}/capture", "post"),
    ("/v1/charges/search", "get"),
    ("/v1/invoices/upcoming", "get"),
    ("/v1/invoices/upcoming/lines", "get"),
    ("/api/v2beta1/projects/{project}/jobs/{job}:cancel", "post"),
    ("/2010-04-01/Accounts/{AccountSid}/Calls.json", "get"),
    ("/", "get"),
    ("/v1", "get"),
    ("/v1/{id}", "get"),
    ("/search", "get"),
]


@pytest.mark.parametrize(
    "path, method, group, name",
    [
        ("/v1/customers", "get", ("customers",), "list"),
        ("/v1/customers", "post", ("customers",), "create"),
        ("/v1/customers/{customer}", "get", ("customers",), "retrieve"),
        ("/v1/customers/{customer}", "post", ("customers",), "update"),
        ("/v1/customers/{customer}", "put", ("customers",), "update"),
        ("/v1/customers/{customer}", "patch", ("customers",), "update"),
        ("/v1/customers/{customer}", "delete", ("customers",), "delete"),
        ("/v1/customers/{customer}", "head", ("customers",), "head"),
        ("/v1/customers/{customer}/sources", "get", ("customers", "sources"), "list"),
        ("/v1/customers/{customer}/sources", "post", ("customers", "sources"), "create"),
        ("/v1/customers/{customer}/sources/{id}", "get", ("customers", "sources"), "retrieve"),
        ("/v1/customers/{customer}/sources/{id}/verify", "post", ("customers", "sources"), "verify"),
        ("/v1/customers/{customer}/discount", "delete", ("customers",), "discount"),  # one operation: an action
        ("/v1/charges/{charge}/capture", "post", ("charges",), "capture"),
        ("/v1/charges/search", "get", ("charges",), "search"),
        ("/v1/invoices/upcoming", "get", ("invoices", "upcoming"), "list"),  # a path goes below it: a resource
        ("/v1/invoices/upcoming/lines", "get", ("invoices", "upcoming"), "lines"),
        ("/api/v2beta1/projects/{project}/jobs/{job}:cancel", "post", ("projects", "jobs"), "cancel"),
        ("/2010-04-01/Accounts/{AccountSid}/Calls.json", "get", ("accounts",), "calls"),
        ("/", "get", ("default",), "get"),
        ("/v1", "get", ("default",), "get"),
        ("/v1/{id}", "get", ("default",), "get"),
        ("/search", "get", ("search",), "list"),  # the first segment is always a resource
    ],
)
def test_untagged_operations_are_named_by_the_shape_of_their_path(
    path: str, method: str, group: tuple[str, ...], name: str
) -> None:
    assert Routes(ENDPOINTS).names(path, method) == (group, name)


def _operations(paths: dict[str, Any]) -> tuple[list[tuple[str, str, str]], list[str]]:
    root = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}
    problems: list[Problem] = []
    operations = OperationBuilder(SchemaConverter(root, Path("openapi.yaml"), problems)).build_all()
    return [(".".join(op.group), op.method_name, op.operation_id) for op in operations], [p.message for p in problems]


OK = {"responses": {"204": {"description": "ok"}}}


def test_the_operation_id_or_the_extensions_name_what_the_path_would() -> None:
    operations, problems = _operations(
        {
            "/v1/pets": {"get": {**OK, "operationId": "findPets"}, "post": {**OK, "operationId": "PostPets"}},
            "/v1/pets/{id}": {
                "get": {**OK, "operationId": "show_pet_v1_pets__id__get"},
                "delete": {**OK, "operationId": "delete_pet_v1_pets__id__delete", "tags": ["Pet Store"]},
                "put": {**OK, "operationId": "PutPetsId", "x-speakeasy-name-override": "replace"},
                "patch": {**OK, "operationId": "PatchPetsId", "x-speakeasy-group": "zoo.pets"},
            },
        }
    )
    assert problems == []
    assert [(group, name) for group, name, _ in operations] == [
        ("pets", "find_pets"),  # a name of its own
        ("pets", "create"),  # Stripe's spelling of the path: the path names it
        ("pets", "show_pet"),  # FastAPI's function name
        ("pets", "replace"),
        ("pet_store", "delete_pet"),  # a tag places it; the operationId names it
        ("zoo.pets", "patch_pets_id"),  # x-speakeasy-group places it; the operationId names it
    ]
    # The operationId the SDK reports is the spec's, untrimmed.
    assert operations[2][2] == "show_pet_v1_pets__id__get"


def test_clashes_are_numbered_in_spec_order_and_reported() -> None:
    operations, problems = _operations(
        {
            "/v1/customers": {"get": {**OK, "operationId": "GetCustomers"}},
            "/v2/customers": {"get": {**OK, "operationId": "GetV2Customers"}},
            "/v1/customers/{id}/sources": {"get": {**OK}, "post": {**OK}},
            # a method named like the subgroup above: the subgroup keeps its name
            "/v1/customers/{id}/balance": {"get": {**OK, "operationId": "sources"}},
        }
    )
    assert [(group, name) for group, name, _ in operations] == [
        ("customers", "list"),
        ("customers", "list_2"),
        ("customers.sources", "list"),
        ("customers.sources", "create"),
        ("customers", "sources_2"),
    ]
    assert problems == [
        "two operations are named customers.list; this one is list_2",
        "two operations are named customers.sources; this one is sources_2",
    ]


def test_the_resources_golden_case_reads_like_its_api() -> None:
    from generator.config import default_config
    from generator.ir.build import build_ir
    from generator.load import load

    spec = Path(__file__).parent / "golden" / "resources" / "openapi.yaml"
    api, _ = build_ir(load(spec), default_config("resources"))
    surface = set()
    stack = list(api.groups)
    while stack:
        group = stack.pop()
        stack.extend(group.children)
        surface.update(f"{'.'.join(group.path)}.{op.method_name}" for op in group.operations)
    assert surface == {
        "customers.list", "customers.create", "customers.list_2", "customers.retrieve", "customers.update",
        "customers.delete", "customers.fetch_customer_balance", "customers.sources.list", "customers.sources.create",
        "customers.sources.retrieve", "customers.sources.update", "customers.sources.verify", "charges.list",
        "charges.search", "charges.capture", "jobs.cancel", "chat.chat_completion", "embeddings.create",
        "models.retrieve_model", "analytics.reports.all", "floating_ips.list_floating_ips", "vpcs.get_vpc",
        "one_click_applications.list_one_click_applications",
    }  # fmt: skip
