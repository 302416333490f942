"""`client.chat`: the generated Chat group plus structured outputs, written by hand (gen.yaml `extend`).

    class Book(pydantic.BaseModel):
        title: str
        year: int

    res = client.chat.parse(response_format=Book, model="mistral-small-latest", messages=[...])
    book = res.parsed  # a Book (also res.choices[0].message.parsed)

The other keyword arguments are those of `complete` (`stream` for the streaming forms), passed on as they are.
"""

from __future__ import annotations

from typing import Any, Dict, Generic, List, Optional, Type

from .. import chat, models
from .._runtime.sse import EventStream, EventStreamAsync
from .structured import (
    ModelT,
    ParsedChatCompletionResponse,
    parse_content,
    parsed_response,
    response_format_from_pydantic_model,
    text_of,
)


class Chat(chat.Chat):
    """Chat Completion API, with structured outputs: `parse` and its async and streaming forms ask for an
    answer in the JSON schema of a pydantic model and read it into that model."""

    def parse(
        self, response_format: Type[ModelT], **kwargs: Any
    ) -> ParsedChatCompletionResponse[ModelT]:
        """`complete`, asking for an answer that validates as `response_format` (a pydantic model class);
        each choice's `message.parsed` is that answer as an instance of it (`.parsed`: the first choice's).
        Raises StructuredOutputError when a choice's text is not a valid instance."""
        response = self.complete(
            response_format=response_format_from_pydantic_model(response_format),
            **kwargs,
        )
        return parsed_response(response, response_format)

    async def parse_async(
        self, response_format: Type[ModelT], **kwargs: Any
    ) -> ParsedChatCompletionResponse[ModelT]:
        """`parse`, with `complete_async`."""
        format_ = response_format_from_pydantic_model(response_format)
        response = await self.complete_async(response_format=format_, **kwargs)
        return parsed_response(response, response_format)

    def parse_stream(
        self, response_format: Type[ModelT], **kwargs: Any
    ) -> ParsedEventStream[ModelT]:
        """`stream`, asking for an answer that validates as `response_format`. Iterate the result for the
        events as they arrive; `final()` reads what is left and returns the first choice's answer as an
        instance of `response_format`."""
        events = self.stream(
            response_format=response_format_from_pydantic_model(response_format),
            **kwargs,
        )
        return ParsedEventStream(events, response_format)

    async def parse_stream_async(
        self, response_format: Type[ModelT], **kwargs: Any
    ) -> ParsedEventStreamAsync[ModelT]:
        """`parse_stream`, with `stream_async`: `async for` the events, `await final()` for the answer."""
        format_ = response_format_from_pydantic_model(response_format)
        events = await self.stream_async(response_format=format_, **kwargs)
        return ParsedEventStreamAsync(events, response_format)


class _Texts:
    """Each choice's text so far, from the deltas of the events read."""

    def __init__(self) -> None:
        self.parts: Dict[int, List[str]] = {}

    def add(self, event: models.CompletionEvent) -> None:
        for choice in event.data.choices:
            text = text_of(choice.delta.content)
            if text:
                self.parts.setdefault(choice.index, []).append(text)

    def first(self) -> Optional[str]:
        return "".join(self.parts[min(self.parts)]) if self.parts else None


class ParsedEventStream(Generic[ModelT]):
    """The events of a structured-output stream, as `stream` gives them; `final()` is the answer they spell."""

    def __init__(
        self, events: EventStream[models.CompletionEvent], model: Type[ModelT]
    ) -> None:
        self._events = events
        self._model = model
        self._texts = _Texts()

    def __iter__(self) -> ParsedEventStream[ModelT]:
        return self

    def __next__(self) -> models.CompletionEvent:
        event = next(self._events)
        self._texts.add(event)
        return event

    def final(self) -> ModelT:
        """Read the rest of the stream and close it; the first choice's answer, as the requested model."""
        with self:
            for _ in self:
                pass
        return parse_content(self._texts.first(), self._model)

    def close(self) -> None:
        self._events.close()

    def __enter__(self) -> ParsedEventStream[ModelT]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ParsedEventStreamAsync(Generic[ModelT]):
    """`ParsedEventStream` for `async for`; `await final()` is the answer."""

    def __init__(
        self, events: EventStreamAsync[models.CompletionEvent], model: Type[ModelT]
    ) -> None:
        self._events = events
        self._model = model
        self._texts = _Texts()

    def __aiter__(self) -> ParsedEventStreamAsync[ModelT]:
        return self

    async def __anext__(self) -> models.CompletionEvent:
        event = await self._events.__anext__()
        self._texts.add(event)
        return event

    async def final(self) -> ModelT:
        """Read the rest of the stream and close it; the first choice's answer, as the requested model."""
        async with self:
            async for _ in self:
                pass
        return parse_content(self._texts.first(), self._model)

    async def aclose(self) -> None:
        await self._events.aclose()

    async def __aenter__(self) -> ParsedEventStreamAsync[ModelT]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
