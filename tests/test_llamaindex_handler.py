"""``PortkeyLlamaCallbackHandler``: real LlamaIndex LLM calls (llama-index's ``OpenAI`` LLM
through the real gateway to the provider stand-in) recorded to the logging API, which here is
the stand-in's catch-all used as a recording server (``POST /v1/logs``, target ``default``)."""

import logging
import socket
import subprocess
import sys
from typing import Any, Dict, List

import openai
import pytest
from llama_index.core.callbacks import CallbackManager, CBEventType, EventPayload
from llama_index.core.callbacks.base_handler import BaseCallbackHandler
from llama_index.core.llms import ChatMessage
from llama_index.llms.openai import OpenAI as LlamaOpenAI
from provider_stub import ProviderStub, status

from portkey import InvalidRequestError, createHeaders
from portkey.integrations.exporter import LogExporter
from portkey.llamaindex import PortkeyLlamaCallbackHandler

LOG_KEY = "pk-logging-key-0002"
HI = [ChatMessage(role="user", content="Hi")]


def handler_for(stub: ProviderStub, **options: Any) -> PortkeyLlamaCallbackHandler:
    options.setdefault("flush_interval", 0.05)
    return PortkeyLlamaCallbackHandler(LOG_KEY, base_url=f"{stub.url}/v1", **options)


def llm_for(gateway_url: str, stub: ProviderStub, handler: BaseCallbackHandler) -> LlamaOpenAI:
    config = {"provider": "openai", "api_key": "sk-target-a", "custom_host": stub.host_for("a")}
    return LlamaOpenAI(
        model="gpt-4o-mini",
        api_key="unused",
        api_base=gateway_url,
        default_headers=createHeaders(config=config),
        max_retries=0,
        callback_manager=CallbackManager([handler]),
    )


def logged(stub: ProviderStub) -> List[Dict[str, Any]]:
    entries: List[Dict[str, Any]] = []
    for record in stub.requests("default"):
        assert (record.method, record.path) == ("POST", "/v1/logs")
        assert record.headers["x-portkey-api-key"] == LOG_KEY
        assert isinstance(record.json, list)
        entries.extend(record.json)
    return entries


def test_handler_is_a_llamaindex_callback_handler(stub: ProviderStub) -> None:
    handler = handler_for(stub)
    try:
        assert isinstance(handler, BaseCallbackHandler)
    finally:
        handler.close()


def test_a_chat_call_is_logged_with_request_answer_latency_and_tokens(
    gateway_url: str, stub: ProviderStub
) -> None:
    handler = handler_for(stub, metadata={"_user": "u2"})
    try:
        answer = llm_for(gateway_url, stub, handler).chat(HI)
        assert answer.message.content == "hello from a"
        assert handler.flush(10)
    finally:
        handler.close()
    [entry] = logged(stub)
    request, response = entry["request"], entry["response"]
    assert request["provider"] == "openai"
    assert request["body"]["model"] == "gpt-4o-mini"
    assert request["body"]["messages"] == [{"role": "user", "content": "Hi"}]
    assert response["status"] == 200
    assert response["body"]["choices"][0]["message"] == {
        "role": "assistant",
        "content": "hello from a",
    }
    usage = response["body"]["usage"]
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert isinstance(response["response_time"], int) and response["response_time"] >= 0
    assert response["streamingMode"] is False
    assert entry["metadata"]["_user"] == "u2"
    assert handler.exporter.sent == 1


def test_a_streamed_chat_is_logged_whole_and_as_streamed(
    gateway_url: str, stub: ProviderStub
) -> None:
    handler = handler_for(stub)
    try:
        pieces = [
            chunk.delta or "" for chunk in llm_for(gateway_url, stub, handler).stream_chat(HI)
        ]
        assert "".join(pieces) == "hello from a"
        handler.flush(10)
    finally:
        handler.close()
    [entry] = logged(stub)
    assert entry["response"]["streamingMode"] is True
    assert entry["response"]["body"]["choices"][0]["message"]["content"] == "hello from a"


def test_calls_inside_one_trace_share_its_id(gateway_url: str, stub: ProviderStub) -> None:
    handler = handler_for(stub, batch_size=2, flush_interval=60)
    llm = llm_for(gateway_url, stub, handler)
    try:
        with llm.callback_manager.as_trace("query"):
            llm.chat(HI)
            llm.chat(HI)
        llm.chat(HI)
        assert handler.flush(30)  # sends the third record now, not after the 60 s interval
    finally:
        handler.close()
    first, second, third = logged(stub)
    assert first["metadata"]["trace_id"] == second["metadata"]["trace_id"]
    assert third["metadata"]["trace_id"] != first["metadata"]["trace_id"]
    assert len(stub.requests("default")) == 2  # a full batch of two, then the flushed one


def test_a_failed_call_is_logged_with_its_error(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", status(400, {"error": {"message": "context too long", "type": "invalid"}}))
    handler = handler_for(stub)
    try:
        with pytest.raises(openai.BadRequestError):
            llm_for(gateway_url, stub, handler).chat(HI)
        handler.flush(10)
    finally:
        handler.close()
    [entry] = logged(stub)
    assert entry["response"]["status"] == 400
    assert "context too long" in entry["response"]["body"]["error"]["message"]


def test_logging_api_down_leaves_the_app_unaffected_and_warns(
    gateway_url: str, stub: ProviderStub, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    exporter = LogExporter(api_key=LOG_KEY, base_url=dead, flush_interval=0.05, max_retries=0)
    handler = PortkeyLlamaCallbackHandler(exporter=exporter)
    try:
        with caplog.at_level(logging.WARNING, logger="portkey"):
            assert llm_for(gateway_url, stub, handler).chat(HI).message.content == "hello from a"
            assert handler.flush(30)
    finally:
        handler.close()
    assert exporter.failed == 1 and exporter.sent == 0 and exporter.last_error is not None
    assert any("could not send" in r.getMessage() for r in caplog.records)


def test_a_broken_payload_never_reaches_the_app(
    stub: ProviderStub, caplog: pytest.LogCaptureFixture
) -> None:
    handler = handler_for(stub)
    try:
        with caplog.at_level(logging.WARNING, logger="portkey"):
            event = handler.on_event_start(
                CBEventType.LLM, {EventPayload.MESSAGES: [object()]}, event_id="e1"
            )
            assert event == "e1"
            handler.on_event_start(CBEventType.LLM, {}, event_id="e2")
            handler.on_event_end(CBEventType.LLM, {EventPayload.RESPONSE: object()}, event_id="e2")
            handler.on_event_end(CBEventType.LLM, None, event_id="never-started")
            handler.on_event_start(CBEventType.QUERY, None, event_id="q")  # not an LLM event
    finally:
        handler.close()
    assert any("could not record" in r.getMessage() for r in caplog.records)


def test_bad_handler_options_are_refused() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        PortkeyLlamaCallbackHandler(LOG_KEY, base_url="http://127.0.0.1:9/v1", batch_size=0)
    assert caught.value.field == "batch_size"


def test_missing_llama_index_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['llama_index'] = None\n"
        "try:\n    import portkey.llamaindex\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "pip install 'portkey-gateway-sdk[llamaindex]'" in result.stdout
