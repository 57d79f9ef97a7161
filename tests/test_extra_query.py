"""``extra_query`` goes to the query string of every call, never into its JSON body (issue 17's
bug: ``chat.completions.create(extra_query=...)`` used to send it as a body field).

Checked against the provider stand-in as a recording server, for the sync and async client.
"""

from __future__ import annotations

from typing import Any, Callable, List, Tuple

import pytest
from platform_support import direct_client, multipart_fields, query_of, resolve
from provider_stub import ProviderStub, status

import portkey
from portkey import Config, InvalidRequestError, LLMOptions

QUERY = {"api-version": "2024-10-21", "trace": "q1"}
MESSAGES = [{"role": "user", "content": "Hi"}]

CALLS: List[Tuple[str, Callable[[Any], Any], str]] = [
    ("chat.completions.create",
     lambda c: c.chat.completions.create(messages=MESSAGES, model="m", extra_query=QUERY),
     "/chat/completions"),
    ("completions.create",
     lambda c: c.completions.create(prompt="Hi", model="m", extra_query=QUERY), "/completions"),
    ("embeddings.create",
     lambda c: c.embeddings.create(input="Hi", model="m", extra_query=QUERY), "/embeddings"),
    ("images.generate",
     lambda c: c.images.generate(prompt="a cat", extra_query=QUERY), "/images/generations"),
    ("moderations.create",
     lambda c: c.moderations.create(input="Hi", extra_query=QUERY), "/moderations"),
    ("feedback.create",
     lambda c: c.feedback.create(trace_id="t1", value=1, extra_query=QUERY), "/feedback"),
    ("prompts.completions.create",
     lambda c: c.prompts.completions.create(prompt_id="p1", variables={}, extra_query=QUERY),
     "/prompts/p1/completions"),
    ("batches.create",
     lambda c: c.batches.create(input_file_id="f", endpoint="/v1/chat/completions",
                                completion_window="24h", extra_query=QUERY), "/batches"),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("name", "call", "endpoint"), CALLS, ids=[c[0] for c in CALLS])
async def test_extra_query_is_the_query_string(
    stub: ProviderStub, use_async: bool, name: str, call: Callable[[Any], Any], endpoint: str
) -> None:
    stub.script("default", status(200, json_body={"id": "x"}))
    client = direct_client(stub, use_async=use_async)
    await resolve(call(client))
    (record,) = stub.requests()
    assert record.endpoint == endpoint
    assert query_of(record) == QUERY
    assert isinstance(record.json, dict) and "extra_query" not in record.json, record.json


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_extra_query_must_be_a_dict(stub: ProviderStub, use_async: bool) -> None:
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(InvalidRequestError) as info:
        await resolve(
            client.chat.completions.create(messages=MESSAGES, model="m", extra_query="a=1")
        )
    assert info.value.field == "extra_query"
    assert stub.requests() == []


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_module_style_sends_extra_query_as_query(stub: ProviderStub, use_async: bool) -> None:
    portkey.base_url = f"{stub.url}/v1"
    portkey.api_key = None
    portkey.config = Config(
        mode="single", llms=[LLMOptions(provider="openai", api_key="sk-module-1", model="m")]
    )
    if use_async:
        await portkey.ChatCompletions.acreate(messages=MESSAGES, extra_query=QUERY)
    else:
        portkey.ChatCompletions.create(messages=MESSAGES, extra_query=QUERY)
    (record,) = stub.requests()
    assert query_of(record) == QUERY
    assert "extra_query" not in record.json


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_multipart_calls_send_extra_query_as_query(
    stub: ProviderStub, use_async: bool
) -> None:
    stub.script("default", status(200, json_body={"text": "hi"}))
    client = direct_client(stub, use_async=use_async)
    await resolve(
        client.audio.transcriptions.create(
            file=("a.wav", b"RIFF"), model="whisper-1", extra_query=QUERY
        )
    )
    (record,) = stub.requests()
    assert record.endpoint == "/audio/transcriptions"
    assert query_of(record) == QUERY
    fields = multipart_fields(record)
    assert "extra_query" not in fields and fields["model"] == (None, b"whisper-1")
