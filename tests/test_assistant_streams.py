"""Streamed assistant runs (``runs.stream`` / ``create_and_stream`` /
``submit_tool_outputs_stream``, ``threads.create_and_run_stream``) against the recording server:
the request each sends, the named and typed events, the text, the final run and messages."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

import pytest
from platform_support import direct_client
from provider_stub import ProviderStub, sse_events

from portkey import APIStatusError, InvalidRequestError
from portkey.api_resources.assistant_events import AssistantEventHandler
from portkey.api_resources.assistant_stream import AssistantStreamEvent, MessageDeltaEvent
from portkey.api_resources.platform_types import Run, RunStep, ThreadMessage


def run(status: str) -> Dict[str, Any]:
    return {"id": "run_1", "object": "thread.run", "thread_id": "thread_1", "status": status}


def message(status: str, text: str = "") -> Dict[str, Any]:
    content = [{"type": "text", "text": {"value": text, "annotations": []}}] if text else []
    return {"id": "msg_1", "object": "thread.message", "thread_id": "thread_1",
            "role": "assistant", "status": status, "content": content}  # fmt: skip


def delta(text: str) -> Dict[str, Any]:
    part = {"index": 0, "type": "text", "text": {"value": text}}
    return {"id": "msg_1", "object": "thread.message.delta", "delta": {"content": [part]}}


STEP = {"id": "step_1", "object": "thread.run.step", "run_id": "run_1", "type": "message_creation",
        "status": "in_progress"}  # fmt: skip
EVENTS = [run("queued"), run("queued"), run("in_progress"), STEP, message("in_progress"),
          delta("Hel"), delta("lo!"), message("completed", "Hello!"), {**STEP,
          "status": "completed"}, run("completed")]  # fmt: skip
NAMES = ["thread.run.created", "thread.run.queued", "thread.run.in_progress",
         "thread.run.step.created", "thread.message.created", "thread.message.delta",
         "thread.message.delta", "thread.message.completed", "thread.run.step.completed",
         "thread.run.completed"]  # fmt: skip

TOOLS = [{"tool_call_id": "call_1", "output": "42"}]
CALLS: List[Tuple[str, Callable[[Any], Any], str, Dict[str, Any]]] = [
    ("runs.stream", lambda c: c.beta.threads.runs.stream(thread_id="thread_1",
                                                         assistant_id="asst_1"),
     "/threads/thread_1/runs", {"assistant_id": "asst_1", "stream": True}),
    ("runs.create_and_stream",
     lambda c: c.beta.threads.runs.create_and_stream("thread_1", assistant_id="asst_1",
                                                     instructions="Be brief."),
     "/threads/thread_1/runs",
     {"assistant_id": "asst_1", "instructions": "Be brief.", "stream": True}),
    ("runs.submit_tool_outputs_stream",
     lambda c: c.beta.threads.runs.submit_tool_outputs_stream("run_1", thread_id="thread_1",
                                                              tool_outputs=TOOLS),
     "/threads/thread_1/runs/run_1/submit_tool_outputs", {"tool_outputs": TOOLS, "stream": True}),
    ("threads.create_and_run_stream",
     lambda c: c.beta.threads.create_and_run_stream(assistant_id="asst_1"),
     "/threads/runs", {"assistant_id": "asst_1", "stream": True}),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("name", "call", "endpoint", "body"), CALLS, ids=[c[0] for c in CALLS])
async def test_stream_sends_and_names_events(
    stub: ProviderStub,
    use_async: bool,
    name: str,
    call: Callable[[Any], Any],
    endpoint: str,
    body: Dict[str, Any],
) -> None:
    stub.script("default", sse_events(*EVENTS))
    manager = call(direct_client(stub, use_async=use_async))
    if use_async:
        async with manager as stream:
            events = [event async for event in stream]
            final = await stream.get_final_run()
            messages = await stream.get_final_messages()
    else:
        with manager as stream:
            events = list(stream)
            final = stream.get_final_run()
            messages = stream.get_final_messages()
    assert all(isinstance(e, AssistantStreamEvent) for e in events)
    assert [e.event for e in events] == NAMES
    kinds = [type(e.data) for e in events]
    assert kinds[0] is Run and kinds[3] is RunStep and kinds[4] is ThreadMessage
    assert kinds[5] is MessageDeltaEvent
    assert events[5].data.delta.content[0].text.value == "Hel"
    assert isinstance(final, Run) and final.status == "completed"
    assert [m.content[0].text.value for m in messages] == ["Hello!"]
    (record,) = stub.requests()
    assert (record.method, record.endpoint, record.json) == ("POST", endpoint, body)
    assert record.headers["openai-beta"] == "assistants=v2"
    assert record.headers["accept"] == "text/event-stream"


async def test_text_deltas(stub: ProviderStub) -> None:
    stub.script("default", sse_events(*EVENTS))
    with direct_client(stub).beta.threads.runs.stream("thread_1", assistant_id="a") as stream:
        assert list(stream.text_deltas) == ["Hel", "lo!"]
    stub.script("default", sse_events(*EVENTS))
    client = direct_client(stub, use_async=True)
    async with client.beta.threads.runs.stream("thread_1", assistant_id="a") as stream:
        assert [text async for text in stream.text_deltas] == ["Hel", "lo!"]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_error_event_raises(stub: ProviderStub, use_async: bool) -> None:
    stub.script("default", sse_events(run("queued"), {"error": {"message": "run exploded"}}))
    manager = direct_client(stub, use_async=use_async).beta.threads.runs.stream(
        "thread_1", assistant_id="a"
    )
    with pytest.raises(APIStatusError, match="run exploded"):
        if use_async:
            async with manager as stream:
                await stream.until_done()
        else:
            with manager as stream:
                stream.until_done()


BAD = [
    ("stream=", lambda c: c.beta.threads.runs.stream("t", assistant_id="a", stream=True),
     "stream"),
    ("event_handler class", lambda c: c.beta.threads.create_and_run_stream(
        assistant_id="a", event_handler=AssistantEventHandler), "event_handler"),
    ("no assistant_id", lambda c: c.beta.threads.runs.stream("t"), "assistant_id"),
    ("no tool_outputs", lambda c: c.beta.threads.runs.submit_tool_outputs_stream(
        "run_1", thread_id="t"), "tool_outputs"),
    ("no thread_id", lambda c: c.beta.threads.runs.stream(assistant_id="a"), "thread_id"),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("name", "call", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_fails_before_sending(
    stub: ProviderStub, use_async: bool, name: str, call: Callable[[Any], Any], field: str
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        call(direct_client(stub, use_async=use_async))
    assert info.value.field == field
    assert stub.requests() == []


# ---- event handlers ---------------------------------------------------------------------------


def step_delta(calls: List[Dict[str, Any]]) -> Dict[str, Any]:
    details = {"type": "tool_calls", "tool_calls": calls}
    return {"id": "step_2", "object": "thread.run.step.delta", "delta": {"step_details": details}}


TOOL_STEP = {
    "id": "step_2",
    "object": "thread.run.step",
    "type": "tool_calls",
    "status": "in_progress",
    "step_details": {"type": "tool_calls", "tool_calls": []},
}
FINAL_CALL = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "f", "arguments": '{"a": 1}', "output": None},
}
HANDLER_EVENTS = [
    *EVENTS[:9],
    TOOL_STEP,
    step_delta([{"index": 0, "id": "call_1", "type": "function",
                 "function": {"name": "f", "arguments": ""}}]),
    step_delta([{"index": 0, "type": "function", "function": {"arguments": '{"a": '}}]),
    step_delta([{"index": 0, "type": "function", "function": {"arguments": "1}"}}]),
    {**TOOL_STEP, "status": "completed",
     "step_details": {"type": "tool_calls", "tool_calls": [FINAL_CALL]}},
    run("requires_action"),
]  # fmt: skip
EXPECTED = [
    ("step_created", "step_1"),
    ("message_created", "msg_1"),
    ("text_created", ""),
    ("text_delta", "Hel", "Hel"),
    ("text_delta", "lo!", "Hello!"),
    ("message_done", "msg_1"),
    ("text_done", "Hello!"),
    ("step_done", "step_1"),
    ("step_created", "step_2"),
    ("tool_created", "call_1", "f"),
    ("tool_delta", ""),
    ("tool_delta", '{"a": '),
    ("tool_delta", '{"a": 1}'),
    ("tool_done", '{"a": 1}'),
    ("step_done", "step_2"),
    ("end",),
]


class Recorder(AssistantEventHandler):
    def __init__(self) -> None:
        self.calls: List[Tuple[Any, ...]] = []
        self.events = 0

    def on_event(self, event: Any) -> None:
        self.events += 1

    def on_run_step_created(self, run_step: Any) -> None:
        self.calls.append(("step_created", run_step.id))

    def on_run_step_done(self, run_step: Any) -> None:
        self.calls.append(("step_done", run_step.id))

    def on_message_created(self, message: Any) -> None:
        self.calls.append(("message_created", message.id))

    def on_message_done(self, message: Any) -> None:
        self.calls.append(("message_done", message.id))

    def on_text_created(self, text: Any) -> None:
        self.calls.append(("text_created", text.value))

    def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.calls.append(("text_delta", delta.value, snapshot.value))

    def on_text_done(self, text: Any) -> None:
        self.calls.append(("text_done", text.value))

    def on_tool_call_created(self, tool_call: Any) -> None:
        self.calls.append(("tool_created", tool_call.id, tool_call.function["name"]))

    def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
        self.calls.append(("tool_delta", snapshot.function["arguments"]))

    def on_tool_call_done(self, tool_call: Any) -> None:
        self.calls.append(("tool_done", tool_call.function["arguments"]))

    def on_end(self) -> None:
        self.calls.append(("end",))

    def on_exception(self, exception: Exception) -> None:
        self.calls.append(("exception", type(exception).__name__))


class AsyncRecorder:
    """Duck-typed (not a subclass), with async hooks, as OpenAI's async handlers have."""

    def __init__(self) -> None:
        self.calls: List[Tuple[Any, ...]] = []

    async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.calls.append(("text_delta", delta.value, snapshot.value))

    async def on_end(self) -> None:
        self.calls.append(("end",))


def test_event_handler_hooks_in_order(stub: ProviderStub) -> None:
    stub.script("default", sse_events(*HANDLER_EVENTS))
    handler = Recorder()
    client = direct_client(stub)
    with client.beta.threads.runs.stream(
        thread_id="thread_1", assistant_id="a", event_handler=handler
    ) as stream:
        stream.until_done()
    assert handler.calls == EXPECTED
    assert handler.events == len(HANDLER_EVENTS)
    assert "event_handler" not in stub.requests()[0].json


async def test_async_event_handler_with_async_hooks(stub: ProviderStub) -> None:
    stub.script("default", sse_events(*HANDLER_EVENTS))
    handler = AsyncRecorder()
    client = direct_client(stub, use_async=True)
    async with client.beta.threads.create_and_run_stream(
        assistant_id="a", event_handler=handler
    ) as stream:
        final = await stream.get_final_run()
    assert handler.calls == [("text_delta", "Hel", "Hel"), ("text_delta", "lo!", "Hello!"),
                             ("end",)]  # fmt: skip
    assert final.status == "requires_action"


def test_handler_sees_the_failure_before_it_is_raised(stub: ProviderStub) -> None:
    stub.script("default", sse_events(run("queued"), {"error": {"message": "run exploded"}}))
    handler = Recorder()
    manager = direct_client(stub).beta.threads.runs.stream(
        "thread_1", assistant_id="a", event_handler=handler
    )
    with pytest.raises(APIStatusError), manager as stream:
        stream.until_done()
    assert handler.calls == [("exception", "APIStatusError")]


def test_async_hooks_on_the_sync_client_are_refused(stub: ProviderStub) -> None:
    stub.script("default", sse_events(*EVENTS))
    manager = direct_client(stub).beta.threads.runs.stream(
        "thread_1", assistant_id="a", event_handler=AsyncRecorder()
    )
    with pytest.raises(InvalidRequestError) as info, manager as stream:
        stream.until_done()
    assert info.value.field == "event_handler"
