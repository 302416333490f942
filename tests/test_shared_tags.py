"""Discriminated unions whose members share a tag value (tests/golden/shared_tags), issue 14 item 2.

Every member is kept and the data chooses among those that share a tag; a oneOf whose members fix one
property to a constant is discriminated by it; each shared tag is one warning (an error under --strict).
The golden SDK is built afresh into a temporary folder and imported, as tests/test_model_semantics.py does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Iterator

import pytest
from conftest import gen
from pydantic import TypeAdapter, ValidationError

CASE = "shared_tags"
SPEC = f"tests/golden/{CASE}/openapi.yaml"

# A shape of every member of Item, each as the server or the caller writes it.
SYSTEM = {"type": "message", "role": "system", "content": "Answer in one word."}
USER = {"type": "message", "role": "user", "content": "Capital of France?", "name": "ann"}
DEVELOPER = {"type": "message", "role": "developer", "content": "No markdown."}
OUTPUT = {
    "type": "message",
    "id": "msg_1",
    "role": "assistant",
    "content": [{"type": "output_text", "text": "Paris"}],
    "status": "completed",
}
CALL = {"type": "function_call", "call_id": "c1", "name": "lookup", "arguments": "{}"}
ITEMS = {"InputMessage": [SYSTEM, USER, DEVELOPER], "OutputMessage": [OUTPUT], "FunctionCall": [CALL]}

PARTS = {
    "TextPart": {"kind": "text", "text": "plain"},
    "CitedTextPart": {"kind": "text", "text": "cited", "citations": ["a", "b"]},
    "FileTextPart": {"kind": "text", "file_id": "file_1"},
    "ImagePart": {"kind": "image", "url": "https://example.com/a.png"},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    out = tmp_path_factory.mktemp("shared")
    result = gen("build", f"tests/golden/{CASE}", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    src = str(out / CASE / "src")
    sys.path.insert(0, src)
    yield out / CASE, result.stderr
    sys.path.remove(src)
    for name in [n for n in sys.modules if n.split(".")[0] == CASE]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def m(built: tuple[Path, str]) -> Any:
    import importlib

    return importlib.import_module(f"{CASE}.models")


@pytest.mark.parametrize("member, shape", [(k, v) for k, vs in ITEMS.items() for v in vs])
def test_each_item_shape_gets_its_own_class_and_round_trips(m: Any, member: str, shape: dict[str, Any]) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(m.Item)
    value = adapter.validate_python(shape)
    assert type(value) is getattr(m, member)
    assert adapter.dump_python(value, mode="json", by_alias=True) == shape
    assert type(adapter.validate_json(adapter.dump_json(value))) is getattr(m, member)


@pytest.mark.parametrize("member", list(PARTS))
def test_each_part_shape_gets_its_own_class(m: Any, member: str) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(m.Part)
    value = adapter.validate_python(PARTS[member])
    assert type(value) is getattr(m, member)
    assert adapter.dump_python(value, mode="json", by_alias=True) == PARTS[member]


def test_a_response_of_every_message_round_trips_unchanged(m: Any) -> None:
    wire = {"id": "resp_1", "output": [SYSTEM, USER, DEVELOPER, OUTPUT, CALL]}
    response = m.Response.model_validate(wire)
    assert [type(x).__name__ for x in response.output] == [
        "InputMessage",
        "InputMessage",
        "InputMessage",
        "OutputMessage",
        "FunctionCall",
    ]
    assert response.model_dump(mode="json", by_alias=True) == wire


def test_input_from_the_caller_keeps_every_member(m: Any) -> None:
    # Models passed as they are stay themselves, even where another member's required properties are all there.
    output = m.OutputMessage(id="msg_1", content=[], status="completed")
    request = m.ResponseRequest(
        input=[SYSTEM, output, m.InputMessage(role="user", content="hi")], parts=list(PARTS.values())
    )
    assert [type(x).__name__ for x in request.input] == ["InputMessage", "OutputMessage", "InputMessage"]
    assert request.input[1] is output
    assert [type(x).__name__ for x in request.parts] == list(PARTS)
    sent = request.model_dump(mode="json", by_alias=True)
    assert sent["input"][1] == {**OUTPUT, "content": []}
    assert sent["parts"] == list(PARTS.values())


def test_data_that_fits_no_member_fully_is_reported_against_the_first(m: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(m.Item).validate_python({"type": "message", "role": "user"})
    assert "content" in str(caught.value)


def test_a_fixed_value_that_disagrees_rules_a_member_out(m: Any) -> None:
    # OutputMessage requires the most, but its role is always "assistant": a user message with every one of
    # its required properties is still not an output message.
    shape = {**OUTPUT, "role": "user", "content": "hi"}
    value = TypeAdapter(m.Item).validate_python(shape)
    assert type(value) is m.InputMessage


def test_an_unknown_tag_from_a_response_is_kept(m: Any) -> None:
    reasoning = {"type": "reasoning", "id": "rs_1", "summary": []}
    response = m.Response.model_validate({"id": "resp_1", "output": [reasoning, OUTPUT]})
    assert type(response.output[0]).__name__ == "UnknownVariant"
    assert response.output[0].raw == reasoning
    assert type(response.output[1]) is m.OutputMessage
    assert response.model_dump(mode="json", by_alias=True)["output"] == [reasoning, OUTPUT]


def test_an_unknown_tag_in_a_union_only_sent_is_rejected(m: Any) -> None:
    # Part has no discriminator in the spec: its members' const `kind` made it discriminated (closed: only sent).
    with pytest.raises(ValidationError) as caught:
        m.ResponseRequest(input=[], parts=[{"kind": "video", "url": "x"}])
    assert "union_tag_invalid" in str(caught.value)


def test_generated_modules_hold_no_duplicate_keys(built: tuple[Path, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "F601,F401,F811,F841", str(built[0] / "src")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_typed_dicts_of_every_member_pass_mypy_strict(built: tuple[Path, str], tmp_path: Path) -> None:
    # One variable a literal: mypy simplifies a union whose TypedDict members are structural subtypes of each
    # other (CitedTextPart has every key of TextPart) inside a list's type context, and then rejects the keys
    # only the subtype has. That is mypy's, for any such union, not this one's.
    lines = [f"from {CASE}.models import ItemTypedDict, PartTypedDict, ResponseRequest"]
    lines += [f"item{i}: ItemTypedDict = {shape!r}" for i, shape in enumerate([SYSTEM, USER, OUTPUT, CALL])]
    lines += [f"part{i}: PartTypedDict = {shape!r}" for i, shape in enumerate(PARTS.values())]
    lines.append(
        'request = ResponseRequest.model_validate({"input": [item0, item1, item2, item3],'
        ' "parts": [part0, part1, part2, part3]})'
    )
    user = tmp_path / "use.py"
    user.write_text("\n".join(lines) + "\n")
    env = {**os.environ, "MYPYPATH": str(built[0] / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, str(user)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_warning_per_shared_tag(built: tuple[Path, str]) -> None:
    warnings = [line for line in built[1].splitlines() if "share the tag" in line]
    assert warnings == [
        f"{SPEC}#/components/schemas/Item: warning: members InputMessage and OutputMessage share the tag 'message';"
        " chosen by their required properties",
        f"{SPEC}#/components/schemas/Part: warning: members TextPart, CitedTextPart and FileTextPart share the tag"
        " 'text'; chosen by their required properties",
    ]


def test_shared_tags_are_errors_under_strict(tmp_path: Path) -> None:
    result = gen("build", f"tests/golden/{CASE}", "--out", str(tmp_path), "--strict")
    assert result.returncode == 2, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if "share the tag" in line]
    assert len(errors) == 2 and all("warning:" not in line for line in errors), result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / CASE).exists()


def _build_one(tmp_path: Path, schemas: str) -> tuple[str, str]:
    """The generated module of the union `U` in a spec holding `schemas` (YAML under components/schemas), and
    what the build printed on stderr."""
    spec = tmp_path / "api" / "openapi.yaml"
    spec.parent.mkdir()
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        + textwrap.indent(textwrap.dedent(schemas), "    ")
    )
    result = gen("build", str(spec.parent), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    return (tmp_path / "out" / "api" / "src" / "api" / "models" / "u.py").read_text(), result.stderr


def test_a_oneof_fixing_different_properties_stays_a_plain_union(tmp_path: Path) -> None:
    module, _ = _build_one(
        tmp_path,
        """
        U:
          oneOf:
            - {type: object, properties: {kind: {const: a}, x: {type: string}}}
            - {type: object, properties: {type: {const: b}, y: {type: string}}}
        """,
    )
    assert "discriminate" not in module and "Union[" in module


def test_a_oneof_fixing_one_property_by_a_one_value_enum_is_discriminated(tmp_path: Path) -> None:
    module, _ = _build_one(
        tmp_path,
        """
        U:
          oneOf:
            - {type: object, properties: {kind: {type: string, enum: [a]}, x: {type: string}}}
            - {type: object, properties: {kind: {type: string, enum: [b]}, y: {type: string}}}
        """,
    )
    assert 'discriminate("kind", "kind", {"a": "a", "b": "b"}' in module.replace("\n", "").replace("  ", "")


def test_an_anyof_is_not_discriminated_by_its_constants(tmp_path: Path) -> None:
    # anyOf lets a value match several members: its constants do not say which one it is.
    module, _ = _build_one(
        tmp_path,
        """
        U:
          anyOf:
            - {type: object, properties: {kind: {const: a}}}
            - {type: object, properties: {kind: {const: b}}}
        """,
    )
    assert "discriminate" not in module


def test_of_two_fixed_properties_the_one_that_tells_members_apart_is_the_tag(tmp_path: Path) -> None:
    # Like Box's skill cards: every member is `type: skill_card`, and `skill_card_type` differs.
    module, stderr = _build_one(
        tmp_path,
        """
        U:
          oneOf:
            - {type: object, properties: {type: {const: card}, sub: {const: a}, x: {type: string}}}
            - {type: object, properties: {type: {const: card}, sub: {const: b}, y: {type: string}}}
        """,
    )
    assert 'discriminate("sub", "sub", {"a": "a", "b": "b"}' in module.replace("\n", "").replace("  ", "")
    assert "share the tag" not in stderr
