"""``client.post`` / ``get`` / ``put`` / ``delete``: any path under ``base_url``, as the reference
SDK's generic verbs take it. Through the real gateway for a chat call, straight at the stand-in
(as a recording server) for the rest; both clients."""

from typing import Any, List

import pytest
from platform_support import gateway_client
from provider_stub import ProviderStub, answer_text, status

import portkey
from portkey import (
    APIResponse,
    AsyncPortkey,
    AsyncStream,
    BadRequestError,
    ChatCompletion,
    GenericResponse,
    InvalidRequestError,
    Portkey,
    Stream,
)

HI = [{"role": "user", "content": "Hi"}]


def stub_client(stub: ProviderStub, use_async: bool) -> Any:
    cls: Any = AsyncPortkey if use_async else Portkey
    return cls(base_url=f"{stub.url}/v1", api_key="pk-generic", provider="openai", max_retries=0)


async def run(value: Any) -> Any:
    return await value if hasattr(value, "__await__") else value


async def finish(client: Any) -> None:
    await run(client.close())


@pytest.mark.parametrize("use_async", [False, True])
async def test_post_sends_its_keywords_as_the_body_through_the_gateway(
    gateway_url: str, stub: ProviderStub, use_async: bool
) -> None:
    client = gateway_client(gateway_url, stub, use_async=use_async)
    answer = await run(client.post("/chat/completions", model="m", messages=HI, seed=3))
    assert isinstance(answer, GenericResponse)
    assert answer.choices[0]["message"]["content"] == answer_text("a")
    assert answer["object"] == "chat.completion"
    assert answer.get_headers()["x-portkey-provider"] == "openai"
    (record,) = stub.requests("a")
    assert record.endpoint == "/chat/completions"
    assert record.json == {"model": "m", "messages": HI, "seed": 3}
    await finish(client)


@pytest.mark.parametrize("use_async", [False, True])
async def test_post_streams_events_when_asked(stub: ProviderStub, use_async: bool) -> None:
    stub.set_stream_chunks(4)
    client = stub_client(stub, use_async)
    stream = await run(client.post("chat/completions", stream=True, model="m", messages=HI))
    assert isinstance(stream, AsyncStream if use_async else Stream)
    if use_async:
        chunks: List[Any] = [chunk async for chunk in stream]
    else:
        chunks = list(stream)
    text = "".join(c.choices[0]["delta"].get("content") or "" for c in chunks if c.choices)
    assert text == answer_text("default")
    (record,) = stub.requests("default")
    assert record.json == {"model": "m", "messages": HI, "stream": True}
    assert record.headers["accept"] == "text/event-stream"
    await finish(client)


@pytest.mark.parametrize("use_async", [False, True])
async def test_get_put_delete_go_to_the_path_with_their_headers(
    stub: ProviderStub, use_async: bool
) -> None:
    client = stub_client(stub, use_async)
    models = await run(client.get(path="/models", headers={"X-Team": "red"}))
    put = await run(client.put(path="/things/1", body={"name": "n"}))
    gone = await run(client.delete(path="things/1", cast_to=GenericResponse))
    typed = await run(client.post("/chat/completions", model="m", messages=HI))
    assert models.data and isinstance(put, GenericResponse) and isinstance(gone, APIResponse)
    assert isinstance(typed, GenericResponse)
    get_record, put_record, delete_record, _ = stub.requests("default")
    assert (get_record.method, get_record.endpoint) == ("GET", "/models")
    assert get_record.header_values("x-team") == ["red"] and get_record.body == b""
    assert (put_record.method, put_record.endpoint, put_record.json) == (
        "PUT",
        "/things/1",
        {"name": "n"},
    )
    assert (delete_record.method, delete_record.endpoint) == ("DELETE", "/things/1")
    for record in (get_record, put_record, delete_record):
        assert record.headers["x-portkey-api-key"] == "pk-generic"
    await finish(client)


@pytest.mark.parametrize("use_async", [False, True])
async def test_a_cast_to_model_types_the_answer(stub: ProviderStub, use_async: bool) -> None:
    client = stub_client(stub, use_async)
    # The stub answers any other GET with {}: an empty chat completion, typed.
    answer = await run(client.get(path="/whatever", cast_to=ChatCompletion))
    assert isinstance(answer, ChatCompletion) and answer.choices == []
    await finish(client)


@pytest.mark.parametrize("use_async", [False, True])
async def test_post_sends_files_as_a_multipart_form(stub: ProviderStub, use_async: bool) -> None:
    client = stub_client(stub, use_async)
    await run(client.post("/files", files={"file": ("a.jsonl", b"{}\n")}, purpose="batch"))
    (record,) = stub.requests("default")
    assert record.headers["content-type"].startswith("multipart/form-data")
    assert b'name="purpose"' in record.body and b"batch" in record.body
    assert b'filename="a.jsonl"' in record.body
    await finish(client)


@pytest.mark.parametrize("use_async", [False, True])
async def test_errors_raise_as_for_every_call(stub: ProviderStub, use_async: bool) -> None:
    stub.script("default", status(400))
    client = stub_client(stub, use_async)
    with pytest.raises(BadRequestError):
        await run(client.post("/chat/completions", model="m", messages=HI))
    await finish(client)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.post("https://evil.example/steal", a=1), "url"),
        (lambda c: c.post("//evil.example/steal"), "url"),
        (lambda c: c.get(path="http://evil.example/x"), "path"),
        (lambda c: c.delete(path=""), "path"),
        (lambda c: c.put(path=None), "path"),
        (lambda c: c.get(path="/x", cast_to=dict), "cast_to"),
        (lambda c: c.put(path="/x", body=["not", "a", "dict"]), "body"),
        (lambda c: c.post("/x", stream="yes"), "stream"),
        (lambda c: c.post("/x", stream=True, files={"file": b"x"}), "stream"),
        (lambda c: c.post("/x", headers={"Bad Name": "v"}), "Bad Name"),
    ],
)
@pytest.mark.parametrize("use_async", [False, True])
async def test_bad_input_is_refused_before_sending(
    stub: ProviderStub, use_async: bool, call: Any, field: str
) -> None:
    client = stub_client(stub, use_async)
    with pytest.raises(InvalidRequestError) as caught:
        await run(call(client))
    assert caught.value.field == field
    assert stub.requests() == []
    await finish(client)


def test_generic_response_is_exported() -> None:
    assert portkey.GenericResponse is GenericResponse
