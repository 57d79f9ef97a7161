"""Streamed assistant runs: ``runs.stream``, ``runs.create_and_stream``,
``runs.submit_tool_outputs_stream`` and ``threads.create_and_run_stream``.

::

    with client.beta.threads.runs.stream(thread_id=..., assistant_id=...) as stream:
        for event in stream:
            if event.event == "thread.message.delta":
                print(event.data.delta.content[0].text.value, end="")
    run = stream.get_final_run()

Each event is an :class:`AssistantStreamEvent`: its ``event`` name (``thread.run.created``,
``thread.message.delta``, ``thread.run.requires_action``, ...) and its ``data``, typed by the
object it carries (:class:`Run`, :class:`RunStep`, :class:`ThreadMessage`, or the delta models
below). The name is worked out from the object (the first sighting of an id is its
``.created`` event, later ones name its status; deltas name themselves), which is the order
OpenAI sends them in. The stream ends at its ``[DONE]`` marker; an ``error`` event raises.
An ``event_handler`` (:class:`~.assistant_events.AssistantEventHandler`) gets its hooks
called as the events arrive.
"""

import inspect
from dataclasses import dataclass
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Iterator,
    List,
    Optional,
    Set,
    Type,
)

from .assistant_events import EventDispatch
from .assistant_types import MessageText, Run, RunStep, ThreadMessage
from .exceptions import InvalidRequestError
from .platform_base import TypedPart
from .responses import APIResponse, GatewayInfo, PortkeyModel
from .streaming import AsyncStream, Stream


class AssistantStreamData(APIResponse):
    """One event's JSON as received (any assistant object); see :class:`AssistantStreamEvent`."""

    id: Optional[str] = None
    object: Optional[str] = None
    status: Optional[str] = None


class MessageDeltaText(MessageText):
    """A piece of a message part's text."""


class MessageDeltaContent(TypedPart):
    """A piece of one part (``index``) of a message."""

    index: Optional[int] = None
    text: Optional[MessageDeltaText] = None


class MessageDelta(PortkeyModel):
    """What a ``thread.message.delta`` adds to a message."""

    role: Optional[str] = None
    content: List[MessageDeltaContent] = []


class MessageDeltaEvent(APIResponse):
    """The data of a ``thread.message.delta`` event."""

    id: Optional[str] = None
    object: Optional[str] = None
    delta: Optional[MessageDelta] = None


class RunStepDelta(PortkeyModel):
    """What a ``thread.run.step.delta`` adds to a step."""

    step_details: Optional[Dict[str, Any]] = None


class RunStepDeltaEvent(APIResponse):
    """The data of a ``thread.run.step.delta`` event."""

    id: Optional[str] = None
    object: Optional[str] = None
    delta: Optional[RunStepDelta] = None


_DATA_TYPES: Dict[str, Type[APIResponse]] = {
    "thread.run": Run,
    "thread.run.step": RunStep,
    "thread.message": ThreadMessage,
    "thread.message.delta": MessageDeltaEvent,
    "thread.run.step.delta": RunStepDeltaEvent,
}


@dataclass(frozen=True)
class AssistantStreamEvent:
    """One event of an assistant stream: its name and its typed data."""

    event: str
    data: Any


class AssistantEventNamer:
    """Names events and types their data; keeps the final run and the messages seen."""

    def __init__(self) -> None:
        self._seen: Set[str] = set()
        self.run: Optional[Run] = None
        self.messages: Dict[str, ThreadMessage] = {}

    def event_of(self, raw: AssistantStreamData) -> AssistantStreamEvent:
        """The named, typed event for one chunk of the stream."""
        kind = raw.object or "unknown"
        model = _DATA_TYPES.get(kind)
        data: Any = model.model_validate(raw.to_dict()) if model else raw
        if kind.endswith(".delta") or raw.id is None:
            name = kind
        elif raw.id not in self._seen:
            self._seen.add(raw.id)
            name = f"{kind}.created"
        else:
            name = f"{kind}.{raw.status}"
        if isinstance(data, Run):
            self.run = data
        elif isinstance(data, ThreadMessage) and data.id:
            self.messages[data.id] = data
        return AssistantStreamEvent(name, data)

    def text_of(self, event: AssistantStreamEvent) -> str:
        """The text a ``thread.message.delta`` event adds (empty for other events)."""
        if not isinstance(event.data, MessageDeltaEvent) or event.data.delta is None:
            return ""
        return "".join(
            part.text.value or "" for part in event.data.delta.content if part.text is not None
        )


def _sync_results(results: List[Any]) -> None:
    for result in results:
        if inspect.isawaitable(result):
            close = getattr(result, "close", None)
            if callable(close):
                close()  # never awaited: say so instead of a "never awaited" warning
            raise InvalidRequestError(
                "event_handler has async hooks: use it with AsyncPortkey", field="event_handler"
            )


async def _async_results(results: List[Any]) -> None:
    for result in results:
        if inspect.isawaitable(result):
            await result


class AssistantStream:
    """An assistant stream: iterate it for :class:`AssistantStreamEvent` objects (and, with
    an ``event_handler``, its hooks are called as the events arrive)."""

    def __init__(self, raw: Stream[AssistantStreamData], handler: Any = None) -> None:
        self._raw = raw
        self._namer = AssistantEventNamer()
        self._dispatch = EventDispatch(handler) if handler is not None else None
        self._events = self._iterate()

    @property
    def gateway(self) -> GatewayInfo:
        """Which target is answering, and the gateway's other response headers."""
        return self._raw.gateway

    def _iterate(self) -> Iterator[AssistantStreamEvent]:
        dispatch = self._dispatch
        try:
            for raw in self._raw:
                event = self._namer.event_of(raw)
                if dispatch is not None:
                    _sync_results(dispatch.dispatch(event))
                yield event
        except Exception as exc:
            if dispatch is not None:
                _sync_results(dispatch.failed(exc))
            raise
        if dispatch is not None:
            _sync_results(dispatch.end())

    def __iter__(self) -> Iterator[AssistantStreamEvent]:
        return self._events

    def __next__(self) -> AssistantStreamEvent:
        return next(self._events)

    @property
    def text_deltas(self) -> Iterator[str]:
        """Only the message text, piece by piece."""
        for event in self._events:
            text = self._namer.text_of(event)
            if text:
                yield text

    def until_done(self) -> "AssistantStream":
        """Read the rest of the stream."""
        for _ in self._events:
            pass
        return self

    def get_final_run(self) -> Optional[Run]:
        """The run as its last event showed it (``completed``, ``requires_action``, ...)."""
        self.until_done()
        return self._namer.run

    def get_final_messages(self) -> List[ThreadMessage]:
        """Every message the run wrote, as last seen."""
        self.until_done()
        return list(self._namer.messages.values())

    def close(self) -> None:
        """Release the connection."""
        self._raw.close()


class AssistantStreamManager:
    """What the ``*_stream`` methods return: ``with`` it to get an :class:`AssistantStream`."""

    def __init__(
        self, open_stream: Callable[[], Stream[AssistantStreamData]], handler: Any = None
    ) -> None:
        self._open = open_stream
        self._handler = handler
        self._stream: Optional[AssistantStream] = None

    def __enter__(self) -> AssistantStream:
        self._stream = AssistantStream(self._open(), self._handler)
        return self._stream

    def __exit__(self, *exc_info: object) -> None:
        if self._stream is not None:
            self._stream.close()


class AsyncAssistantStream:
    """Async twin of :class:`AssistantStream` (handler hooks may be ``async``)."""

    def __init__(self, raw: AsyncStream[AssistantStreamData], handler: Any = None) -> None:
        self._raw = raw
        self._namer = AssistantEventNamer()
        self._dispatch = EventDispatch(handler) if handler is not None else None
        self._events = self._iterate()

    @property
    def gateway(self) -> GatewayInfo:
        """Which target is answering, and the gateway's other response headers."""
        return self._raw.gateway

    async def _iterate(self) -> AsyncIterator[AssistantStreamEvent]:
        dispatch = self._dispatch
        try:
            async for raw in self._raw:
                event = self._namer.event_of(raw)
                if dispatch is not None:
                    await _async_results(dispatch.dispatch(event))
                yield event
        except Exception as exc:
            if dispatch is not None:
                await _async_results(dispatch.failed(exc))
            raise
        if dispatch is not None:
            await _async_results(dispatch.end())

    def __aiter__(self) -> AsyncIterator[AssistantStreamEvent]:
        return self._events

    async def __anext__(self) -> AssistantStreamEvent:
        return await self._events.__anext__()

    @property
    def text_deltas(self) -> AsyncIterator[str]:
        """Only the message text, piece by piece (``async for``)."""
        return self._text_deltas()

    async def _text_deltas(self) -> AsyncIterator[str]:
        async for event in self._events:
            text = self._namer.text_of(event)
            if text:
                yield text

    async def until_done(self) -> "AsyncAssistantStream":
        """Read the rest of the stream."""
        async for _ in self._events:
            pass
        return self

    async def get_final_run(self) -> Optional[Run]:
        """The run as its last event showed it."""
        await self.until_done()
        return self._namer.run

    async def get_final_messages(self) -> List[ThreadMessage]:
        """Every message the run wrote, as last seen."""
        await self.until_done()
        return list(self._namer.messages.values())

    async def close(self) -> None:
        """Release the connection."""
        await self._raw.aclose()


class AsyncAssistantStreamManager:
    """Async twin of :class:`AssistantStreamManager` (``async with``)."""

    def __init__(
        self,
        open_stream: Callable[[], Awaitable[AsyncStream[AssistantStreamData]]],
        handler: Any = None,
    ) -> None:
        self._open = open_stream
        self._handler = handler
        self._stream: Optional[AsyncAssistantStream] = None

    async def __aenter__(self) -> AsyncAssistantStream:
        self._stream = AsyncAssistantStream(await self._open(), self._handler)
        return self._stream

    async def __aexit__(self, *exc_info: object) -> None:
        if self._stream is not None:
            await self._stream.close()


__all__ = [
    "AssistantStream",
    "AssistantStreamData",
    "AssistantStreamEvent",
    "AssistantStreamManager",
    "AsyncAssistantStream",
    "AsyncAssistantStreamManager",
    "MessageDelta",
    "MessageDeltaContent",
    "MessageDeltaEvent",
    "RunStepDelta",
    "RunStepDeltaEvent",
]
