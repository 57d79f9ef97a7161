"""``chat.completions.stream(...)``: a context-managed chat stream that accumulates the answer.

::

    with client.chat.completions.stream(model=..., messages=...) as stream:
        for event in stream:
            if event.type == "content.delta":
                print(event.delta, end="")
    completion = stream.get_final_completion()   # a ChatCompletion, parsed when asked

Iterating yields events: ``chunk`` for every chunk (with the snapshot so far), then, as they
happen, ``content.delta`` / ``content.done``, ``refusal.delta`` / ``refusal.done`` and
``tool_calls.function.arguments.delta`` / ``.done``. The accumulation is pure
(:class:`ChatCompletionAccumulator`); the sync and async streams only differ in how they read.
"""

import json
from dataclasses import dataclass, field
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Iterator,
    List,
    Optional,
    Union,
)

from .responses import ChatCompletion, ChatCompletionChunk, GatewayInfo
from .streaming import AsyncStream, Stream
from .structured import ToolModels, is_model_type, parse_chat_completion, parse_json_text

# ---- events ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChunkEvent:
    """A chunk arrived; ``snapshot`` is the completion accumulated so far."""

    chunk: ChatCompletionChunk
    snapshot: ChatCompletion
    type: str = "chunk"


@dataclass(frozen=True)
class ContentDeltaEvent:
    """More text: ``delta`` is the new piece, ``snapshot`` all of it so far."""

    delta: str
    snapshot: str
    index: int = 0
    type: str = "content.delta"


@dataclass(frozen=True)
class ContentDoneEvent:
    """The text is complete; ``parsed`` is it validated into ``response_format`` (if a
    pydantic model was given)."""

    content: str
    parsed: Any = None
    index: int = 0
    type: str = "content.done"


@dataclass(frozen=True)
class RefusalDeltaEvent:
    """More of a refusal."""

    delta: str
    snapshot: str
    index: int = 0
    type: str = "refusal.delta"


@dataclass(frozen=True)
class RefusalDoneEvent:
    """The refusal is complete."""

    refusal: str
    index: int = 0
    type: str = "refusal.done"


@dataclass(frozen=True)
class FunctionToolCallArgumentsDeltaEvent:
    """More arguments of tool call ``index`` (``arguments`` so far)."""

    name: str
    index: int
    arguments: str
    arguments_delta: str
    type: str = "tool_calls.function.arguments.delta"


@dataclass(frozen=True)
class FunctionToolCallArgumentsDoneEvent:
    """Tool call ``index`` is complete; ``parsed_arguments`` for a pydantic tool."""

    name: str
    index: int
    arguments: str
    parsed_arguments: Any = None
    type: str = "tool_calls.function.arguments.done"


ChatStreamEvent = Union[
    ChunkEvent,
    ContentDeltaEvent,
    ContentDoneEvent,
    RefusalDeltaEvent,
    RefusalDoneEvent,
    FunctionToolCallArgumentsDeltaEvent,
    FunctionToolCallArgumentsDoneEvent,
]


# ---- accumulation ------------------------------------------------------------------------------


@dataclass
class _ChoiceState:
    message: Dict[str, Any] = field(default_factory=lambda: {"role": "assistant"})
    finish_reason: Optional[str] = None
    logprobs: Optional[Dict[str, List[Any]]] = None
    tool_calls: Dict[int, Dict[str, Any]] = field(default_factory=dict)
    open_call: Optional[int] = None
    content_done: bool = False


class ChatCompletionAccumulator:
    """Builds a :class:`ChatCompletion` from chunks, and the events each chunk causes."""

    def __init__(self, response_format: Any = None, tools: Optional[ToolModels] = None) -> None:
        self._response_format = response_format
        self._tools = tools
        self._top: Dict[str, Any] = {"object": "chat.completion"}
        self._choices: Dict[int, _ChoiceState] = {}
        self._chunks = 0

    def add(self, chunk: ChatCompletionChunk) -> List[ChatStreamEvent]:
        """Take one chunk; return the events it causes (its ``chunk`` event first)."""
        self._chunks += 1
        for key in ("id", "created", "model", "service_tier", "system_fingerprint"):
            value = getattr(chunk, key, None)
            if value is not None:
                self._top[key] = value
        if chunk.usage is not None:
            self._top["usage"] = chunk.usage.to_dict()
        events: List[ChatStreamEvent] = []
        for choice in chunk.choices:
            index = choice.index or 0
            state = self._choices.setdefault(index, _ChoiceState())
            events.extend(self._add_choice(state, index, choice))
        return [ChunkEvent(chunk=chunk, snapshot=self.snapshot()), *events]

    def _add_choice(self, state: _ChoiceState, index: int, choice: Any) -> List[ChatStreamEvent]:
        events: List[ChatStreamEvent] = []
        delta = choice.delta
        message = state.message
        if delta.role:
            message["role"] = delta.role
        if delta.content:
            message["content"] = (message.get("content") or "") + delta.content
            events.append(ContentDeltaEvent(delta.content, message["content"], index))
        if delta.refusal:
            message["refusal"] = (message.get("refusal") or "") + delta.refusal
            events.append(RefusalDeltaEvent(delta.refusal, message["refusal"], index))
        for call in delta.tool_calls or []:
            events.extend(self._add_tool_call(state, call))
        if choice.logprobs is not None:
            logprobs = state.logprobs = state.logprobs or {}
            for kind in ("content", "refusal"):
                tokens = getattr(choice.logprobs, kind, None)
                if tokens:
                    logprobs.setdefault(kind, []).extend(t.to_dict() for t in tokens)
        if choice.finish_reason:
            state.finish_reason = choice.finish_reason
            events.extend(self._finish(state, index))
        return events

    def _add_tool_call(self, state: _ChoiceState, delta: Any) -> List[ChatStreamEvent]:
        events: List[ChatStreamEvent] = []
        position = delta.index if delta.index is not None else len(state.tool_calls)
        if state.open_call is not None and state.open_call != position:
            events.append(self._call_done(state, state.open_call))
        state.open_call = position
        call = state.tool_calls.setdefault(
            position, {"id": None, "type": "function", "function": {"name": "", "arguments": ""}}
        )
        if delta.id:
            call["id"] = delta.id
        if delta.type:
            call["type"] = delta.type
        function = delta.function
        if function is not None:
            if function.name:
                call["function"]["name"] += function.name
            if function.arguments:
                call["function"]["arguments"] += function.arguments
                events.append(
                    FunctionToolCallArgumentsDeltaEvent(
                        name=call["function"]["name"],
                        index=position,
                        arguments=call["function"]["arguments"],
                        arguments_delta=function.arguments,
                    )
                )
        return events

    def _call_done(self, state: _ChoiceState, position: int) -> FunctionToolCallArgumentsDoneEvent:
        function = state.tool_calls[position]["function"]
        model = self._tools.models.get(function["name"]) if self._tools else None
        parsed = parse_json_text(model, function["arguments"] or "{}") if model else None
        return FunctionToolCallArgumentsDoneEvent(
            name=function["name"],
            index=position,
            arguments=function["arguments"],
            parsed_arguments=parsed,
        )

    def _finish(self, state: _ChoiceState, index: int) -> List[ChatStreamEvent]:
        events: List[ChatStreamEvent] = []
        if state.open_call is not None:
            events.append(self._call_done(state, state.open_call))
            state.open_call = None
        content = state.message.get("content")
        if content is not None and not state.content_done:
            state.content_done = True
            parsed = None
            if is_model_type(self._response_format) and state.finish_reason == "stop":
                parsed = parse_json_text(self._response_format, content)
            events.append(ContentDoneEvent(content, parsed, index))
        refusal = state.message.get("refusal")
        if refusal is not None:
            events.append(RefusalDoneEvent(refusal, index))
        return events

    def snapshot(self) -> ChatCompletion:
        """The completion accumulated so far (not parsed)."""
        choices = []
        for index in sorted(self._choices):
            state = self._choices[index]
            message = dict(state.message)
            if state.tool_calls:
                message["tool_calls"] = [state.tool_calls[i] for i in sorted(state.tool_calls)]
            choices.append(
                {
                    "index": index,
                    "message": message,
                    "finish_reason": state.finish_reason,
                    "logprobs": state.logprobs,
                }
            )
        return ChatCompletion.model_validate({**self._top, "choices": choices})

    def final(self) -> ChatCompletion:
        """The whole completion, parsed into ``response_format`` / pydantic tools if given."""
        return parse_chat_completion(self.snapshot(), self._response_format, self._tools)


# ---- the streams -------------------------------------------------------------------------------


class ChatCompletionStream:
    """A chat stream that accumulates: iterate it for events, then ``get_final_completion()``."""

    def __init__(
        self, raw: Stream[ChatCompletionChunk], accumulator: ChatCompletionAccumulator
    ) -> None:
        self._raw = raw
        self._accumulator = accumulator
        self._events = self._iterate()
        self._final: Optional[ChatCompletion] = None

    @property
    def gateway(self) -> GatewayInfo:
        """Which target is answering, and the gateway's other response headers."""
        return self._raw.gateway

    @property
    def current_completion_snapshot(self) -> ChatCompletion:
        """The completion accumulated so far."""
        return self._accumulator.snapshot()

    def _iterate(self) -> Iterator[ChatStreamEvent]:
        for chunk in self._raw:
            yield from self._accumulator.add(chunk)

    def __iter__(self) -> Iterator[ChatStreamEvent]:
        return self._events

    def __next__(self) -> ChatStreamEvent:
        return next(self._events)

    def until_done(self) -> "ChatCompletionStream":
        """Read the rest of the stream."""
        for _ in self._events:
            pass
        return self

    def get_final_completion(self) -> ChatCompletion:
        """The whole answer (reading the rest of the stream first), parsed if asked."""
        if self._final is None:
            self.until_done()
            self._final = self._accumulator.final()
        return self._final

    def get_final_text(self) -> str:
        """The first choice's whole text."""
        content = self.get_final_completion().choices[0].message.content
        return content if isinstance(content, str) else json.dumps(content)

    def close(self) -> None:
        """Release the connection."""
        self._raw.close()


class ChatCompletionStreamManager:
    """What ``chat.completions.stream(...)`` returns: ``with`` it to send the request and get
    a :class:`ChatCompletionStream`; the connection is released when the block ends."""

    def __init__(
        self,
        open_stream: Callable[[], Stream[ChatCompletionChunk]],
        accumulator: ChatCompletionAccumulator,
    ) -> None:
        self._open = open_stream
        self._accumulator = accumulator
        self._stream: Optional[ChatCompletionStream] = None

    def __enter__(self) -> ChatCompletionStream:
        self._stream = ChatCompletionStream(self._open(), self._accumulator)
        return self._stream

    def __exit__(self, *exc_info: object) -> None:
        if self._stream is not None:
            self._stream.close()


class AsyncChatCompletionStream:
    """Async twin of :class:`ChatCompletionStream`."""

    def __init__(
        self, raw: AsyncStream[ChatCompletionChunk], accumulator: ChatCompletionAccumulator
    ) -> None:
        self._raw = raw
        self._accumulator = accumulator
        self._events = self._iterate()
        self._final: Optional[ChatCompletion] = None

    @property
    def gateway(self) -> GatewayInfo:
        """Which target is answering, and the gateway's other response headers."""
        return self._raw.gateway

    @property
    def current_completion_snapshot(self) -> ChatCompletion:
        """The completion accumulated so far."""
        return self._accumulator.snapshot()

    async def _iterate(self) -> AsyncIterator[ChatStreamEvent]:
        async for chunk in self._raw:
            for event in self._accumulator.add(chunk):
                yield event

    def __aiter__(self) -> AsyncIterator[ChatStreamEvent]:
        return self._events

    async def __anext__(self) -> ChatStreamEvent:
        return await self._events.__anext__()

    async def until_done(self) -> "AsyncChatCompletionStream":
        """Read the rest of the stream."""
        async for _ in self._events:
            pass
        return self

    async def get_final_completion(self) -> ChatCompletion:
        """The whole answer (reading the rest of the stream first), parsed if asked."""
        if self._final is None:
            await self.until_done()
            self._final = self._accumulator.final()
        return self._final

    async def get_final_text(self) -> str:
        """The first choice's whole text."""
        content = (await self.get_final_completion()).choices[0].message.content
        return content if isinstance(content, str) else json.dumps(content)

    async def close(self) -> None:
        """Release the connection."""
        await self._raw.aclose()


class AsyncChatCompletionStreamManager:
    """Async twin of :class:`ChatCompletionStreamManager` (``async with``)."""

    def __init__(
        self,
        open_stream: Callable[[], Awaitable[AsyncStream[ChatCompletionChunk]]],
        accumulator: ChatCompletionAccumulator,
    ) -> None:
        self._open = open_stream
        self._accumulator = accumulator
        self._stream: Optional[AsyncChatCompletionStream] = None

    async def __aenter__(self) -> AsyncChatCompletionStream:
        self._stream = AsyncChatCompletionStream(await self._open(), self._accumulator)
        return self._stream

    async def __aexit__(self, *exc_info: object) -> None:
        if self._stream is not None:
            await self._stream.close()


__all__ = [
    "AsyncChatCompletionStream",
    "AsyncChatCompletionStreamManager",
    "ChatCompletionAccumulator",
    "ChatCompletionStream",
    "ChatCompletionStreamManager",
    "ChatStreamEvent",
    "ChunkEvent",
    "ContentDeltaEvent",
    "ContentDoneEvent",
    "FunctionToolCallArgumentsDeltaEvent",
    "FunctionToolCallArgumentsDoneEvent",
    "RefusalDeltaEvent",
    "RefusalDoneEvent",
]
