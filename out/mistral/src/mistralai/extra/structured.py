"""Structured outputs: a pydantic model as a chat completion's `response_format` (JSON schema mode), and the
completion's content read back into that model."""

from __future__ import annotations

from typing import Any, Dict, Generic, List, Optional, Type, TypeVar

import pydantic

from .. import models
from .._runtime.errors import SDKError

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)


class StructuredOutputError(SDKError):
    """The model's answer is not an instance of the requested schema (or there is no answer to read). The
    text is `content`; pydantic's error, if any, is `__cause__`."""

    def __init__(self, message: str, content: Optional[str]) -> None:
        self.content = content
        super().__init__(message, body=content or "")


def response_format_from_pydantic_model(
    model: Type[pydantic.BaseModel], *, strict: bool = True
) -> models.ResponseFormat:
    """The `response_format` asking for JSON that validates as `model`. With `strict` (the default), every
    object of the schema is closed (`additionalProperties: false`), which the API's strict mode requires.
    """
    schema = model.model_json_schema()
    return models.ResponseFormat(
        type=models.ResponseFormats.JSON_SCHEMA,
        json_schema=models.JSONSchema(
            name=model.__name__,
            schema_definition=_closed(schema) if strict else schema,
            strict=strict,
        ),
    )


def _closed(node: Any) -> Any:
    if isinstance(node, list):
        return [_closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    closed: Dict[str, Any] = {key: _closed(value) for key, value in node.items()}
    if closed.get("type") == "object" and "additionalProperties" not in closed:
        closed["additionalProperties"] = False
    return closed


class ParsedAssistantMessage(models.AssistantMessage, Generic[ModelT]):
    """An assistant message and its content read into the requested model. `parsed` is never sent: the
    message can go back into the next request's `messages` as it is."""

    parsed: Optional[ModelT] = pydantic.Field(default=None, exclude=True)


class ParsedChatCompletionChoice(models.ChatCompletionChoice, Generic[ModelT]):
    message: ParsedAssistantMessage[ModelT]


class ParsedChatCompletionResponse(models.ChatCompletionResponse, Generic[ModelT]):
    """A chat completion whose choices carry `message.parsed`, an instance of the requested model."""

    # A list of a subclass is not a subtype of the base's list for mypy (lists are invariant), though every
    # element is a ChatCompletionChoice.
    choices: Optional[List[ParsedChatCompletionChoice[ModelT]]] = None  # type: ignore[assignment]

    @property
    def parsed(self) -> Optional[ModelT]:
        """The first choice's `message.parsed`."""
        return self.choices[0].message.parsed if self.choices else None


def text_of(content: object) -> Optional[str]:
    """The text of a message's content: a string, or the text chunks of a list of chunks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            chunk.text for chunk in content if isinstance(chunk, models.TextChunk)
        )
    return None


def parse_content(content: Optional[str], model: Type[ModelT]) -> ModelT:
    if not content:
        raise StructuredOutputError(f"no content to read as {model.__name__}", content)
    try:
        return model.model_validate_json(content)
    except pydantic.ValidationError as exc:
        raise StructuredOutputError(
            f"the content is not a valid {model.__name__}", content
        ) from exc


def parsed_response(
    response: models.ChatCompletionResponse, model: Type[ModelT]
) -> ParsedChatCompletionResponse[ModelT]:
    """`response` with each choice's content read into `model` (`message.parsed`; None for a choice
    without content, such as one that stopped on tool calls)."""
    parsed: ParsedChatCompletionResponse[ModelT] = (
        ParsedChatCompletionResponse.model_validate(response.model_dump(by_alias=True))
    )
    for choice in parsed.choices or []:
        text = text_of(choice.message.content)
        choice.message.parsed = parse_content(text, model) if text else None
    return parsed
