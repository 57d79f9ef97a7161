"""The Responses API helpers: ``parse`` (text_format, pydantic tools), ``stream`` (events, final
response, resuming by id, error and cut streams) and ``input_tokens.count``, against the
recording server and (for the stream) through the real gateway. Sync and async alike."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from platform_support import direct_client, gateway_client, query_of, resolve
from provider_stub import ProviderStub, sse_events, status
from pydantic import BaseModel

from portkey import APIStatusError, InvalidRequestError, StreamInterruptedError
from portkey.api_resources.platform_types import InputTokensCount, ModelResponse
from portkey.api_resources.response_types import CompactedResponse, ResponseFunctionToolCall
from portkey.api_resources.structured import strict_schema


class Event(BaseModel):
    name: str
    date: str
    participants: List[str]


class Lookup(BaseModel):
    """Look a word up."""

    word: str


EVENT_JSON = '{"name": "Science fair", "date": "Friday", "participants": ["Alice", "Bob"]}'


def response_body(*output: Dict[str, Any], status_: str = "completed") -> Dict[str, Any]:
    return {"id": "resp_1", "object": "response", "status": status_, "model": "gpt-4o",
            "output": list(output)}  # fmt: skip


def message(text: str) -> Dict[str, Any]:
    return {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": []}]}  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_parse_with_text_format(stub: ProviderStub, use_async: bool) -> None:
    stub.script("default", status(200, json_body=response_body(message(EVENT_JSON))))
    client = direct_client(stub, use_async=use_async)
    response = await resolve(
        client.responses.parse(
            model="gpt-4o", input="Alice and Bob go to the fair on Friday", text_format=Event,
            text={"verbosity": "low"},
        )
    )  # fmt: skip
    expected = Event(name="Science fair", date="Friday", participants=["Alice", "Bob"])
    assert response.output_parsed == expected
    assert response.output[0].content[0].parsed == expected
    assert response.output_text == EVENT_JSON
    (record,) = stub.requests()
    assert (record.method, record.endpoint) == ("POST", "/responses")
    assert record.json == {
        "model": "gpt-4o",
        "input": "Alice and Bob go to the fair on Friday",
        "text": {
            "verbosity": "low",
            "format": {"type": "json_schema", "name": "Event", "schema": strict_schema(Event),
                       "strict": True},
        },
    }  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_parse_with_a_pydantic_tool(stub: ProviderStub, use_async: bool) -> None:
    call = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "Lookup",
            "arguments": '{"word": "fair"}', "status": "completed"}  # fmt: skip
    stub.script("default", status(200, json_body=response_body(call)))
    client = direct_client(stub, use_async=use_async)
    response = await resolve(client.responses.parse(model="m", input="x", tools=[Lookup]))
    item = response.output[0]
    assert isinstance(item, ResponseFunctionToolCall)
    assert item.parsed_arguments == Lookup(word="fair")
    assert response.output_parsed is None
    tool = stub.requests()[0].json["tools"][0]
    assert tool == {"type": "function", "name": "Lookup", "parameters": strict_schema(Lookup),
                    "strict": True, "description": "Look a word up."}  # fmt: skip


STREAM = [
    {"type": "response.created", "sequence_number": 0,
     "response": response_body(status_="in_progress")},
    {"type": "response.output_text.delta", "sequence_number": 1, "item_id": "msg_1",
     "output_index": 0, "content_index": 0, "delta": EVENT_JSON[:20]},
    {"type": "response.output_text.delta", "sequence_number": 2, "item_id": "msg_1",
     "output_index": 0, "content_index": 0, "delta": EVENT_JSON[20:]},
    {"type": "response.output_text.done", "sequence_number": 3, "text": EVENT_JSON},
    {"type": "response.completed", "sequence_number": 4,
     "response": response_body(message(EVENT_JSON))},
]  # fmt: skip


async def read_stream(manager: Any, use_async: bool) -> Any:
    if use_async:
        async with manager as stream:
            events = [event async for event in stream]
            return events, await stream.get_final_response()
    with manager as stream:
        events = list(stream)
        return events, stream.get_final_response()


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_stream_events_and_final_response(stub: ProviderStub, use_async: bool) -> None:
    # Responses streams end at their final event: no [DONE] follows it
    stub.script("default", sse_events(*STREAM, done=False))
    client = direct_client(stub, use_async=use_async)
    manager = client.responses.stream(model="m", input="x", text_format=Event)
    events, final = await read_stream(manager, use_async)
    assert [e.type for e in events] == [s["type"] for s in STREAM]
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == EVENT_JSON
    assert isinstance(final, ModelResponse)
    assert final.output_parsed == Event.model_validate_json(EVENT_JSON)
    (record,) = stub.requests()
    assert record.json["stream"] is True
    assert record.json["text"]["format"]["name"] == "Event"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_stream_resumes_an_existing_response(stub: ProviderStub, use_async: bool) -> None:
    stub.script("default", sse_events(*STREAM[3:], done=False))
    client = direct_client(stub, use_async=use_async)
    manager = client.responses.stream("resp_1", starting_after=2)
    events, final = await read_stream(manager, use_async)
    assert [e.sequence_number for e in events] == [3, 4]
    assert final.output_text == EVENT_JSON
    (record,) = stub.requests()
    assert (record.method, record.endpoint) == ("GET", "/responses/resp_1")
    assert query_of(record) == {"stream": "true", "starting_after": "2"}


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_stream_error_event_raises(stub: ProviderStub, use_async: bool) -> None:
    error = {"type": "error", "code": "server_error", "message": "model overloaded"}
    stub.script("default", sse_events(STREAM[0], error, done=False))
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(APIStatusError, match="model overloaded"):
        await read_stream(client.responses.stream(model="m", input="x"), use_async)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_stream_cut_before_the_final_event_raises(
    stub: ProviderStub, use_async: bool
) -> None:
    stub.script("default", sse_events(*STREAM[:3], done=False))
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(StreamInterruptedError):
        await read_stream(client.responses.stream(model="m", input="x"), use_async)


async def test_stream_through_the_gateway(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", sse_events(*STREAM, done=False))
    client = gateway_client(gateway_url, stub)
    with client.responses.stream(model="gpt-4o", input="x") as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_response()
    assert kinds[-1] == "response.completed"
    assert final.output_text == EVENT_JSON
    assert stub.requests("a")[0].endpoint == "/responses"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_input_tokens_count(stub: ProviderStub, use_async: bool) -> None:
    answer = {"object": "response.input_tokens", "input_tokens": 11}
    stub.script("default", status(200, json_body=answer))
    client = direct_client(stub, use_async=use_async)
    count = await resolve(
        client.responses.input_tokens.count(model="gpt-4o", input="Tell me a joke.")
    )
    assert isinstance(count, InputTokensCount)
    assert count.input_tokens == 11
    (record,) = stub.requests()
    assert (record.method, record.endpoint) == ("POST", "/responses/input_tokens")
    assert record.json == {"model": "gpt-4o", "input": "Tell me a joke."}


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_compact(stub: ProviderStub, use_async: bool) -> None:
    compaction = {"type": "compaction", "id": "cmp_1", "encrypted_content": "opaque"}
    answer = {"id": "resp_c1", "object": "response.compaction", "created_at": 1764000000,
              "output": [message("Summary so far"), compaction],
              "usage": {"input_tokens": 120, "output_tokens": 30, "total_tokens": 150}}  # fmt: skip
    stub.script("default", status(200, json_body=answer))
    client = direct_client(stub, use_async=use_async)
    compacted = await resolve(
        client.responses.compact(
            model="gpt-4o", input=[{"role": "user", "content": "Hi"}],
            previous_response_id="resp_0", prompt_cache_key="k1",
        )
    )  # fmt: skip
    assert isinstance(compacted, CompactedResponse)
    assert compacted.object == "response.compaction"
    assert compacted.output[0].content[0].text == "Summary so far"
    assert compacted.output[1].type == "compaction"
    assert compacted.output[1].encrypted_content == "opaque"  # unknown kinds keep their fields
    assert compacted.usage is not None and compacted.usage.total_tokens == 150
    (record,) = stub.requests()
    assert (record.method, record.endpoint) == ("POST", "/responses/compact")
    assert record.json == {
        "model": "gpt-4o",
        "input": [{"role": "user", "content": "Hi"}],
        "previous_response_id": "resp_0",
        "prompt_cache_key": "k1",
    }


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_compact_without_a_model_fails_before_sending(
    stub: ProviderStub, use_async: bool
) -> None:
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(InvalidRequestError, match="model") as info:
        await resolve(client.responses.compact(input="Hi"))
    assert info.value.field == "model"
    assert stub.requests() == []


BAD = [
    ({"text_format": {"type": "json"}}, "text_format"),
    ({"text_format": Event, "stream": True}, "stream"),
    ({"text_format": Event, "text": "low"}, "text"),
    ({"tools": {"type": "function"}}, "tools"),
]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("kwargs", "field"), BAD, ids=[b[1] for b in BAD])
async def test_bad_input_fails_before_sending(
    stub: ProviderStub, use_async: bool, kwargs: Dict[str, Any], field: str
) -> None:
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(InvalidRequestError) as info:
        await resolve(client.responses.parse(model="m", input="x", **kwargs))
    assert info.value.field == field
    with pytest.raises(InvalidRequestError):
        client.responses.stream(model="m", input="x", **kwargs)
    assert stub.requests() == []
