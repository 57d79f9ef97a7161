"""Event handlers for streamed assistant runs: ``runs.stream(..., event_handler=handler)``.

:class:`AssistantEventHandler` has the hooks of OpenAI's class of the same name
(``on_text_created``, ``on_text_delta(delta, snapshot)``, ``on_message_done``,
``on_tool_call_delta(delta, snapshot)``, ``on_end``, ...); subclass it and override what you
need. Any object with some of these methods works too (a handler written for OpenAI's SDK
is called the same way); on the async client a hook may be ``async``. The hooks get this
SDK's typed objects: ``delta.value`` and ``snapshot.value`` for text, ``tool_call.type`` and
its fields for tool calls.

:class:`EventDispatch` turns the stream's events into those calls, keeping the snapshots
(text so far, tool calls so far); it is pure apart from calling the handler.
"""

from typing import Any, Dict, List, Optional, Tuple

from .assistant_types import MessageText, RunStep, TextContentBlock, ThreadMessage
from .exceptions import InvalidRequestError
from .platform_base import TypedPart


class AssistantEventHandler:
    """Hooks called as a streamed run goes; each does nothing unless overridden."""

    def on_event(self, event: Any) -> None:
        """Every event (``event.event``, ``event.data``), before the specific hook."""

    def on_run_step_created(self, run_step: RunStep) -> None:
        """A run step started."""

    def on_run_step_delta(self, delta: Any, snapshot: RunStep) -> None:
        """A run step changed (``delta.step_details``)."""

    def on_run_step_done(self, run_step: RunStep) -> None:
        """A run step finished."""

    def on_tool_call_created(self, tool_call: TypedPart) -> None:
        """A tool call started (``tool_call.type``: ``function``, ``code_interpreter``, ...)."""

    def on_tool_call_delta(self, delta: TypedPart, snapshot: TypedPart) -> None:
        """More of a tool call; ``snapshot`` is all of it so far."""

    def on_tool_call_done(self, tool_call: TypedPart) -> None:
        """A tool call is complete."""

    def on_message_created(self, message: ThreadMessage) -> None:
        """The assistant started a message."""

    def on_message_delta(self, delta: Any, snapshot: ThreadMessage) -> None:
        """More of a message; ``snapshot`` is all of it so far."""

    def on_message_done(self, message: ThreadMessage) -> None:
        """A message is complete."""

    def on_text_created(self, text: MessageText) -> None:
        """A text part of a message started."""

    def on_text_delta(self, delta: MessageText, snapshot: MessageText) -> None:
        """More text (``delta.value``); ``snapshot.value`` is the text so far."""

    def on_text_done(self, text: MessageText) -> None:
        """A text part is complete."""

    def on_end(self) -> None:
        """The stream ended."""

    def on_exception(self, exception: Exception) -> None:
        """The stream failed; the exception is raised after this hook."""


_KEEP = ("index", "id", "type")


def merge_delta(snapshot: Dict[str, Any], delta: Dict[str, Any]) -> None:
    """Add a tool-call delta to its snapshot: text pieces (``arguments``, ``input``) are
    appended, lists extended, nested objects merged."""
    for key, value in delta.items():
        current = snapshot.get(key)
        if key in _KEEP or current is None:
            snapshot[key] = value
        elif isinstance(current, str) and isinstance(value, str):
            snapshot[key] = current + value
        elif isinstance(current, dict) and isinstance(value, dict):
            merge_delta(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(value)
        else:
            snapshot[key] = value


class EventDispatch:
    """Calls a handler's hooks for each stream event; returns what the hooks returned (the
    async stream awaits those that are awaitable)."""

    def __init__(self, handler: Any) -> None:
        self._handler = handler
        self._messages: Dict[str, ThreadMessage] = {}
        self._calls: Dict[Tuple[str, int], Dict[str, Any]] = {}
        self._steps: Dict[str, RunStep] = {}

    def _call(self, hook: str, *args: Any) -> List[Any]:
        method = getattr(self._handler, hook, None)
        return [method(*args)] if callable(method) else []

    def dispatch(self, event: Any) -> List[Any]:
        """The hooks for one event."""
        results = self._call("on_event", event)
        name, data = event.event, event.data
        if name == "thread.message.created":
            self._messages[data.id or ""] = data.model_copy(deep=True, update={"content": []})
            results += self._call("on_message_created", data)
        elif name == "thread.message.delta":
            results += self._message_delta(data)
        elif name in ("thread.message.completed", "thread.message.incomplete"):
            results += self._call("on_message_done", data)
            for part in data.content if isinstance(data.content, list) else []:
                if isinstance(part, TextContentBlock) and part.text is not None:
                    results += self._call("on_text_done", part.text)
        elif name == "thread.run.step.created":
            self._steps[data.id or ""] = data
            results += self._call("on_run_step_created", data)
        elif name == "thread.run.step.delta":
            results += self._step_delta(data)
        elif name.startswith("thread.run.step.") and name != "thread.run.step.in_progress":
            for call in (data.step_details.tool_calls or []) if data.step_details else []:
                results += self._call("on_tool_call_done", TypedPart.model_validate(call))
            results += self._call("on_run_step_done", data)
        return results

    def end(self) -> List[Any]:
        """The hooks for the end of the stream."""
        return self._call("on_end")

    def failed(self, exception: Exception) -> List[Any]:
        """The hooks for a failed stream."""
        return self._call("on_exception", exception)

    def _message_delta(self, data: Any) -> List[Any]:
        snapshot = self._messages.get(data.id or "")
        if snapshot is None or data.delta is None:
            return []
        results: List[Any] = []
        content = snapshot.content if isinstance(snapshot.content, list) else []
        for part in data.delta.content:
            if part.text is None:
                continue
            index = part.index if part.index is not None else len(content)
            new = len(content) <= index
            while len(content) <= index:
                content.append(TextContentBlock(type="text", text=MessageText(value="")))
            block = content[index]
            text = block.text if isinstance(block, TextContentBlock) else None
            if text is None:
                continue
            if new:
                results += self._call("on_text_created", text)
            text.value = (text.value or "") + (part.text.value or "")
            results += self._call("on_text_delta", part.text, text)
        snapshot.content = content
        results += self._call("on_message_delta", data.delta, snapshot)
        return results

    def _step_delta(self, data: Any) -> List[Any]:
        results: List[Any] = []
        step = self._steps.get(data.id or "")
        details = (data.delta.step_details or {}) if data.delta else {}
        for position, call in enumerate(details.get("tool_calls") or []):
            index = call.get("index", position)
            key = (data.id or "", index)
            snapshot = self._calls.get(key)
            if snapshot is None:
                snapshot = self._calls[key] = {}
                merge_delta(snapshot, call)
                results += self._call("on_tool_call_created", TypedPart.model_validate(snapshot))
            else:
                merge_delta(snapshot, call)
            results += self._call(
                "on_tool_call_delta",
                TypedPart.model_validate(call),
                TypedPart.model_validate(snapshot),
            )
        if step is not None:
            results += self._call("on_run_step_delta", data.delta, step)
        return results


def check_handler(handler: Optional[Any]) -> Optional[Any]:
    """``handler`` as given; refuses a class where an instance is needed."""
    if handler is None:
        return None
    if isinstance(handler, type):
        raise InvalidRequestError(
            f"event_handler must be an instance, like {handler.__name__}(); got the class",
            field="event_handler",
        )
    return handler


__all__ = ["AssistantEventHandler", "EventDispatch", "check_handler", "merge_delta"]
