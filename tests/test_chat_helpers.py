"""The chat helpers: a tool-calling round trip and JSON-schema answers through the real gateway
(the stand-in answers tools with tool_calls and ``response_format`` with JSON sampled from the
schema), ``parse`` / ``stream`` and the stored-completion verbs against the recording server.
Sync and async alike."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import pytest
from platform_support import (
    Case,
    check_case,
    direct_client,
    gateway_client,
    list_answer,
    resolve,
)
from provider_stub import ProviderStub, sse_events, status
from pydantic import BaseModel

from portkey import APIResponseValidationError, ChatCompletion, InvalidRequestError
from portkey.api_resources.chat_stream import (
    AsyncChatCompletionStream,
    ChatCompletionStream,
)
from portkey.api_resources.exceptions import LengthFinishReasonError
from portkey.api_resources.platform_types import DeletedObject
from portkey.api_resources.resources.pagination import AsyncPage, SyncPage
from portkey.api_resources.structured import pydantic_function_tool, strict_schema

HI = [{"role": "user", "content": "What is the weather in Paris?"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather of a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
            "required": ["city", "unit"],
        },
    },
}


class Step(BaseModel):
    explanation: str
    output: Optional[str] = None


class MathAnswer(BaseModel):
    """A worked answer."""

    steps: List[Step]
    final_answer: str
    confident: bool


class GetWeather(BaseModel):
    """The weather of a city."""

    city: str
    days: int


# ---- through the real gateway ------------------------------------------------------------------


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_tool_calling_round_trip(
    gateway_url: str, stub: ProviderStub, use_async: bool
) -> None:
    client = gateway_client(gateway_url, stub, use_async=use_async)
    messages: List[Dict[str, Any]] = list(HI)
    first = await resolve(
        client.chat.completions.create(model="gpt-4o", messages=messages, tools=[WEATHER_TOOL])
    )
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert (call.type, call.function.name) == ("function", "get_weather")
    arguments = json.loads(call.function.arguments)
    assert arguments == {"city": "stub", "unit": "c"}
    # the assistant's message goes back as it came, then the tool's answer
    messages.append(choice.message.to_dict())
    messages.append({"role": "tool", "tool_call_id": call.id, "content": "sunny, 21 C"})
    second = await resolve(
        client.chat.completions.create(model="gpt-4o", messages=messages, tools=[WEATHER_TOOL])
    )
    assert second.choices[0].message.content == "the tool said: sunny, 21 C"
    assert second.choices[0].finish_reason == "stop"
    sent = [r.json for r in stub.requests("a")]
    assert sent[0]["tools"] == [WEATHER_TOOL]
    assert sent[1]["messages"][1]["tool_calls"][0]["id"] == call.id
    assert sent[1]["messages"][2] == messages[2]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_response_format_json_schema(
    gateway_url: str, stub: ProviderStub, use_async: bool
) -> None:
    client = gateway_client(gateway_url, stub, use_async=use_async)
    schema_format = {
        "type": "json_schema",
        "json_schema": {"name": "math", "schema": strict_schema(MathAnswer), "strict": True},
    }
    raw = await resolve(
        client.chat.completions.create(model="gpt-4o", messages=HI, response_format=schema_format)
    )
    answer = MathAnswer.model_validate_json(raw.choices[0].message.content)
    assert answer.steps[0].explanation == "stub"
    parsed = await resolve(
        client.chat.completions.parse(model="gpt-4o", messages=HI, response_format=MathAnswer)
    )
    message = parsed.choices[0].message
    assert isinstance(message.parsed, MathAnswer)
    assert "parsed" not in message.to_dict()
    assert message.parsed == MathAnswer(
        steps=[Step(explanation="stub", output="stub")], final_answer="stub", confident=True
    )
    sent = [r.json["response_format"] for r in stub.requests("a")]
    assert sent[0] == schema_format
    assert sent[1] == schema_format | {
        "json_schema": {"name": "MathAnswer", "schema": strict_schema(MathAnswer), "strict": True}
    }


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_parse_with_a_pydantic_tool(
    gateway_url: str, stub: ProviderStub, use_async: bool
) -> None:
    client = gateway_client(gateway_url, stub, use_async=use_async)
    completion = await resolve(
        client.chat.completions.parse(model="gpt-4o", messages=HI, tools=[GetWeather])
    )
    message = completion.choices[0].message
    call = message.tool_calls[0]
    assert call.function.parsed_arguments == GetWeather(city="stub", days=1)
    # what the SDK parsed is not part of the message as received: it can go back as it is
    sent_back = message.to_dict()
    assert "parsed" not in sent_back
    assert "parsed_arguments" not in sent_back["tool_calls"][0]["function"]
    follow_up = [*HI, sent_back, {"role": "tool", "tool_call_id": call.id, "content": "rain"}]
    answer = await resolve(
        client.chat.completions.parse(model="gpt-4o", messages=follow_up, tools=[GetWeather])
    )
    assert answer.choices[0].message.content == "the tool said: rain"
    assert stub.requests("a")[1].json["messages"][1] == sent_back
    tool = stub.requests("a")[0].json["tools"][0]
    assert tool == pydantic_function_tool(GetWeather)
    assert tool["function"]["strict"] is True
    assert tool["function"]["description"] == "The weather of a city."
    assert tool["function"]["parameters"]["additionalProperties"] is False


# ---- parse against the recording server --------------------------------------------------------


def completion_body(message: Dict[str, Any], finish_reason: str = "stop") -> Dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
    }


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_parse_leaves_parsed_empty_on_a_refusal(stub: ProviderStub, use_async: bool) -> None:
    refusal = {"role": "assistant", "content": None, "refusal": "I can't help with that."}
    stub.script("default", status(200, json_body=completion_body(refusal)))
    client = direct_client(stub, use_async=use_async)
    completion = await resolve(
        client.chat.completions.parse(model="m", messages=HI, response_format=MathAnswer)
    )
    message = completion.choices[0].message
    assert message.parsed is None
    assert message.refusal == "I can't help with that."


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_parse_failures(stub: ProviderStub, use_async: bool) -> None:
    client = direct_client(stub, use_async=use_async)
    cut = completion_body({"role": "assistant", "content": '{"steps": ['}, "length")
    stub.script("default", status(200, json_body=cut))
    with pytest.raises(LengthFinishReasonError) as info:
        await resolve(
            client.chat.completions.parse(model="m", messages=HI, response_format=MathAnswer)
        )
    assert isinstance(info.value.completion, ChatCompletion)
    wrong = completion_body({"role": "assistant", "content": '{"steps": "none"}'})
    stub.script("default", status(200, json_body=wrong))
    with pytest.raises(APIResponseValidationError, match="MathAnswer"):
        await resolve(
            client.chat.completions.parse(model="m", messages=HI, response_format=MathAnswer)
        )


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"response_format": "json"}, "response_format"),
        ({"response_format": MathAnswer, "stream": True}, "stream"),
        ({"tools": WEATHER_TOOL}, "tools"),
        ({"messages": "hi"}, "messages"),
    ],
    ids=["format-not-model", "stream", "tools-not-list", "messages"],
)
async def test_parse_bad_input_fails_before_sending(
    stub: ProviderStub, use_async: bool, kwargs: Dict[str, Any], field: str
) -> None:
    client = direct_client(stub, use_async=use_async)
    arguments: Dict[str, Any] = {"model": "m", "messages": HI, **kwargs}
    with pytest.raises(InvalidRequestError) as info:
        await resolve(client.chat.completions.parse(**arguments))
    assert info.value.field == field
    with pytest.raises(InvalidRequestError):
        client.chat.completions.stream(**arguments)
    assert stub.requests() == []


# ---- stream against the recording server -------------------------------------------------------


def chunk(delta: Dict[str, Any], finish_reason: Optional[str] = None, **top: Any) -> Any:
    return {
        "id": "chatcmpl-s",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        **top,
    }


CONTENT_CHUNKS = [
    chunk({"role": "assistant", "content": '{"steps": [], '}),
    chunk({"content": '"final_answer": "4", '}),
    chunk({"content": '"confident": true}'}, "stop", system_fingerprint="fp_1"),
    {"id": "chatcmpl-s", "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 5,
                                                 "total_tokens": 8}},
]  # fmt: skip
TOOL_CHUNKS = [
    chunk({"role": "assistant", "tool_calls": [{"index": 0, "id": "call_1", "type": "function",
           "function": {"name": "GetWeather", "arguments": ""}}]}),
    chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"city": '}}]}),
    chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"Rome", "days": 2}'}}]}),
    chunk({"tool_calls": [{"index": 1, "id": "call_2", "type": "function",
           "function": {"name": "GetWeather", "arguments": '{"city": "Oslo", "days": 1}'}}]}),
    chunk({}, "tool_calls"),
]  # fmt: skip


async def collect(stream: Any, use_async: bool) -> List[Any]:
    if use_async:
        return [event async for event in stream]
    return list(stream)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_stream_accumulates_content_and_parses(stub: ProviderStub, use_async: bool) -> None:
    stub.script("default", sse_events(*CONTENT_CHUNKS))
    client = direct_client(stub, use_async=use_async)
    manager = client.chat.completions.stream(model="m", messages=HI, response_format=MathAnswer)
    if use_async:
        async with manager as stream:
            assert isinstance(stream, AsyncChatCompletionStream)
            events = await collect(stream, True)
            final = await stream.get_final_completion()
    else:
        with manager as stream:
            assert isinstance(stream, ChatCompletionStream)
            events = await collect(stream, False)
            final = stream.get_final_completion()
    kinds = [event.type for event in events]
    assert kinds == ["chunk", "content.delta", "chunk", "content.delta", "chunk",
                     "content.delta", "content.done", "chunk"]  # fmt: skip
    assert events[3].snapshot == '{"steps": [], "final_answer": "4", '
    done = events[6]
    assert done.parsed == MathAnswer(steps=[], final_answer="4", confident=True)
    assert final.choices[0].message.parsed == done.parsed
    assert final.choices[0].message.content == done.content
    assert final.system_fingerprint == "fp_1"
    assert final.usage.total_tokens == 8
    assert final.id == "chatcmpl-s"
    (record,) = stub.requests()
    assert record.json["stream"] is True
    assert record.json["response_format"]["json_schema"]["name"] == "MathAnswer"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_stream_accumulates_tool_calls(stub: ProviderStub, use_async: bool) -> None:
    stub.script("default", sse_events(*TOOL_CHUNKS))
    client = direct_client(stub, use_async=use_async)
    manager = client.beta.chat.completions.stream(model="m", messages=HI, tools=[GetWeather])
    if use_async:
        async with manager as stream:
            final = await stream.get_final_completion()
    else:
        with manager as stream:
            final = stream.get_final_completion()
    calls = final.choices[0].message.tool_calls
    assert [c.id for c in calls] == ["call_1", "call_2"]
    assert calls[0].function.arguments == '{"city": "Rome", "days": 2}'
    assert calls[0].function.parsed_arguments == GetWeather(city="Rome", days=2)
    assert calls[1].function.parsed_arguments == GetWeather(city="Oslo", days=1)
    assert final.choices[0].finish_reason == "tool_calls"


def test_stream_events_for_tool_calls_and_early_exit(stub: ProviderStub) -> None:
    stub.script("default", sse_events(*TOOL_CHUNKS))
    client = direct_client(stub)
    with client.chat.completions.stream(model="m", messages=HI, tools=[GetWeather]) as stream:
        events = list(stream)
    done = [e for e in events if e.type == "tool_calls.function.arguments.done"]
    assert [(e.index, e.parsed_arguments.city) for e in done] == [(0, "Rome"), (1, "Oslo")]
    deltas = [e.arguments_delta for e in events if e.type.endswith("arguments.delta")]
    assert deltas == ['{"city": ', '"Rome", "days": 2}', '{"city": "Oslo", "days": 1}']
    # leaving the block early closes the stream; the answer so far stays readable
    stub.script("default", sse_events(*CONTENT_CHUNKS))
    with client.chat.completions.stream(model="m", messages=HI) as stream:
        first = next(iter(stream))
    assert first.type == "chunk"
    assert stream.current_completion_snapshot.choices[0].message.content == '{"steps": [], '


async def test_stream_error_chunk_raises_out_of_the_helper(stub: ProviderStub) -> None:
    stub.script("default", sse_events(CONTENT_CHUNKS[0], {"error": {"message": "boom"}}))
    client = direct_client(stub, use_async=True)
    with pytest.raises(Exception, match="boom"):
        async with client.chat.completions.stream(model="m", messages=HI) as stream:
            await stream.get_final_completion()


# ---- stored completions -------------------------------------------------------------------------

STORED = {"id": "chatcmpl-1", "object": "chat.completion", "choices": []}
PAGE = (SyncPage, AsyncPage)
CASES = [
    Case("chat.completions.list",
         lambda c: c.chat.completions.list(limit=2, model="gpt-4o", order="asc",
                                           metadata={"team": "a"}),
         "GET", "/chat/completions",
         {"limit": "2", "model": "gpt-4o", "order": "asc", "metadata[team]": "a"},
         answer=list_answer("chatcmpl-1"), result_type=PAGE),
    Case("chat.completions.retrieve", lambda c: c.chat.completions.retrieve("chatcmpl-1"),
         "GET", "/chat/completions/chatcmpl-1", answer=STORED, result_type=ChatCompletion),
    Case("chat.completions.retrieve(completion_id=)",
         lambda c: c.chat.completions.retrieve(completion_id="chatcmpl-2"),
         "GET", "/chat/completions/chatcmpl-2", answer=STORED, result_type=ChatCompletion),
    Case("chat.completions.update",
         lambda c: c.chat.completions.update("chatcmpl-1", metadata={"k": "v"}),
         "POST", "/chat/completions/chatcmpl-1", body={"metadata": {"k": "v"}}, answer=STORED,
         result_type=ChatCompletion),
    Case("chat.completions.delete", lambda c: c.chat.completions.delete("chatcmpl-1"),
         "DELETE", "/chat/completions/chatcmpl-1",
         answer={"id": "chatcmpl-1", "object": "chat.completion.deleted", "deleted": True},
         result_type=DeletedObject),
    Case("chat.completions.messages.list",
         lambda c: c.chat.completions.messages.list("chatcmpl-1", limit=5, order="desc"),
         "GET", "/chat/completions/chatcmpl-1/messages", {"limit": "5", "order": "desc"},
         answer=list_answer("msg-1"), result_type=PAGE),
    Case("chat.completions.list(extra_query=)",
         lambda c: c.chat.completions.list(extra_query={"x": "1"}),
         "GET", "/chat/completions", {"x": "1"}, answer=list_answer(), result_type=PAGE),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=repr)
async def test_stored_completion_verbs(stub: ProviderStub, use_async: bool, case: Case) -> None:
    client = direct_client(stub, use_async=use_async)
    await check_case(case, client, stub, "default")


async def test_stored_messages_are_typed(stub: ProviderStub) -> None:
    answer = list_answer()
    answer["data"] = [{"id": "m1", "role": "user", "content": "hi", "content_parts": None}]
    stub.script("default", status(200, json_body=answer))
    page = direct_client(stub).chat.completions.messages.list("chatcmpl-1")
    assert [(m.id, m.role, m.content) for m in page] == [("m1", "user", "hi")]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_stored_verbs_bad_input(stub: ProviderStub, use_async: bool) -> None:
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(InvalidRequestError) as info:
        await resolve(client.chat.completions.retrieve(""))
    assert info.value.field == "completion_id"
    with pytest.raises(InvalidRequestError) as info:
        await resolve(client.chat.completions.list(metadata="team=a"))
    assert info.value.field == "metadata"
    with pytest.raises(InvalidRequestError):
        await resolve(client.chat.completions.messages.list())
    assert stub.requests() == []


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_create_with_a_pydantic_response_format_points_to_parse(
    stub: ProviderStub, use_async: bool
) -> None:
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(InvalidRequestError, match=r"chat\.completions\.parse") as info:
        await resolve(
            client.chat.completions.create(model="m", messages=HI, response_format=MathAnswer)
        )
    assert info.value.field == "response_format"
    assert stub.requests() == []
