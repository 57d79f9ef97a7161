"""``responses.stream(...)``: a context-managed Responses API stream.

::

    with client.responses.stream(model=..., input=...) as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                print(event.delta, end="")
    response = stream.get_final_response()

Every event names itself in ``type``. The stream ends at the response's final event
(``response.completed``, ``response.incomplete`` or ``response.failed``), whose ``response`` is
the final one; Responses streams send no ``[DONE]`` marker, so reading stops there and the
connection is released. An ``error`` event raises :class:`APIStatusError`.
"""

from typing import Any, AsyncIterator, Awaitable, Callable, Iterator, Optional

from .exceptions import APIStatusError, StreamInterruptedError
from .response_types import ModelResponse
from .responses import APIResponse, GatewayInfo
from .streaming import AsyncStream, Stream

#: The events that end a response stream; each carries the final ``response``.
FINAL_EVENTS = frozenset(("response.completed", "response.incomplete", "response.failed"))


class ResponseStreamEvent(APIResponse):
    """One event of a Responses stream: ``type`` says which; the fields depend on it (``delta``
    for text deltas, ``response`` for lifecycle events, ``item`` for output items, ...)."""

    type: Optional[str] = None
    sequence_number: Optional[int] = None
    response: Optional[ModelResponse] = None
    delta: Optional[Any] = None
    text: Optional[str] = None
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None


class ResponseStreamState:
    """What the sync and async streams share: the final response, once seen."""

    def __init__(self, finish: Callable[[ModelResponse], ModelResponse]) -> None:
        self._finish = finish
        self.final: Optional[ModelResponse] = None

    def take(self, event: ResponseStreamEvent) -> bool:
        """Note ``event``; true when it ends the stream. Raises on an ``error`` event."""
        if event.type == "error":
            data = event.to_dict()
            raise APIStatusError(
                f"error event in stream: {data.get('message') or data}",
                status_code=500,
                body=data,
                headers=event.get_headers(),
            )
        if event.type in FINAL_EVENTS and event.response is not None:
            self.final = self._finish(event.response)
            return True
        return False

    def final_response(self) -> ModelResponse:
        """The final response; raises when the stream ended without one."""
        if self.final is None:
            raise StreamInterruptedError(
                "the response stream ended before its final event (response.completed)",
                chunks_received=0,
            )
        return self.final


class ResponseStream:
    """A Responses stream: iterate it for events, then ``get_final_response()``."""

    def __init__(self, raw: Stream[ResponseStreamEvent], state: ResponseStreamState) -> None:
        self._raw = raw
        self._state = state
        self._events = self._iterate()

    @property
    def gateway(self) -> GatewayInfo:
        """Which target is answering, and the gateway's other response headers."""
        return self._raw.gateway

    def _iterate(self) -> Iterator[ResponseStreamEvent]:
        try:
            for event in self._raw:
                ended = self._state.take(event)
                yield event
                if ended:
                    return
        finally:
            self._raw.close()

    def __iter__(self) -> Iterator[ResponseStreamEvent]:
        return self._events

    def __next__(self) -> ResponseStreamEvent:
        return next(self._events)

    def until_done(self) -> "ResponseStream":
        """Read the rest of the stream."""
        for _ in self._events:
            pass
        return self

    def get_final_response(self) -> ModelResponse:
        """The final response (reading the rest of the stream first), parsed if asked."""
        self.until_done()
        return self._state.final_response()

    def close(self) -> None:
        """Release the connection."""
        self._raw.close()


class ResponseStreamManager:
    """What ``responses.stream(...)`` returns: ``with`` it to get a :class:`ResponseStream`."""

    def __init__(
        self, open_stream: Callable[[], Stream[ResponseStreamEvent]], state: ResponseStreamState
    ) -> None:
        self._open = open_stream
        self._state = state
        self._stream: Optional[ResponseStream] = None

    def __enter__(self) -> ResponseStream:
        self._stream = ResponseStream(self._open(), self._state)
        return self._stream

    def __exit__(self, *exc_info: object) -> None:
        if self._stream is not None:
            self._stream.close()


class AsyncResponseStream:
    """Async twin of :class:`ResponseStream`."""

    def __init__(self, raw: AsyncStream[ResponseStreamEvent], state: ResponseStreamState) -> None:
        self._raw = raw
        self._state = state
        self._events = self._iterate()

    @property
    def gateway(self) -> GatewayInfo:
        """Which target is answering, and the gateway's other response headers."""
        return self._raw.gateway

    async def _iterate(self) -> AsyncIterator[ResponseStreamEvent]:
        try:
            async for event in self._raw:
                ended = self._state.take(event)
                yield event
                if ended:
                    return
        finally:
            await self._raw.aclose()

    def __aiter__(self) -> AsyncIterator[ResponseStreamEvent]:
        return self._events

    async def __anext__(self) -> ResponseStreamEvent:
        return await self._events.__anext__()

    async def until_done(self) -> "AsyncResponseStream":
        """Read the rest of the stream."""
        async for _ in self._events:
            pass
        return self

    async def get_final_response(self) -> ModelResponse:
        """The final response (reading the rest of the stream first), parsed if asked."""
        await self.until_done()
        return self._state.final_response()

    async def close(self) -> None:
        """Release the connection."""
        await self._raw.aclose()


class AsyncResponseStreamManager:
    """Async twin of :class:`ResponseStreamManager` (``async with``)."""

    def __init__(
        self,
        open_stream: Callable[[], Awaitable[AsyncStream[ResponseStreamEvent]]],
        state: ResponseStreamState,
    ) -> None:
        self._open = open_stream
        self._state = state
        self._stream: Optional[AsyncResponseStream] = None

    async def __aenter__(self) -> AsyncResponseStream:
        self._stream = AsyncResponseStream(await self._open(), self._state)
        return self._stream

    async def __aexit__(self, *exc_info: object) -> None:
        if self._stream is not None:
            await self._stream.close()


__all__ = [
    "FINAL_EVENTS",
    "AsyncResponseStream",
    "AsyncResponseStreamManager",
    "ResponseStream",
    "ResponseStreamEvent",
    "ResponseStreamManager",
    "ResponseStreamState",
]
