"""``PortkeyLangchainCallbackHandler``: real LangChain runs (``ChatOpenAI`` through the real
gateway to the provider stand-in) recorded to the logging API, which here is the stand-in's
catch-all used as a recording server (``POST /v1/logs`` lands on its ``default`` target)."""

import json
import logging
import socket
import subprocess
import sys
import uuid
from typing import Any, Dict, List

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI
from provider_stub import ProviderStub, status

from portkey import InvalidRequestError, MissingAPIKeyError, createHeaders
from portkey.integrations.exporter import LogExporter
from portkey.langchain import PortkeyLangchainCallbackHandler

LOG_KEY = "pk-logging-key-0001"


def logging_api(stub: ProviderStub) -> str:
    return f"{stub.url}/v1"


def handler_for(stub: ProviderStub, **options: Any) -> PortkeyLangchainCallbackHandler:
    options.setdefault("flush_interval", 0.05)
    return PortkeyLangchainCallbackHandler(LOG_KEY, base_url=logging_api(stub), **options)


def chat_model(gateway_url: str, stub: ProviderStub, **options: Any) -> ChatOpenAI:
    config = {"provider": "openai", "api_key": "sk-target-a", "custom_host": stub.host_for("a")}
    return ChatOpenAI(
        api_key="provider-key-not-for-logs",  # type: ignore[arg-type]
        base_url=gateway_url,
        model="gpt-4o-mini",
        default_headers=createHeaders(config=config),
        max_retries=0,
        **options,
    )


def posted_batches(stub: ProviderStub) -> List[List[Dict[str, Any]]]:
    """The JSON arrays POSTed to /v1/logs, in order."""
    batches = []
    for record in stub.requests("default"):
        assert (record.method, record.path) == ("POST", "/v1/logs")
        assert record.headers["x-portkey-api-key"] == LOG_KEY
        assert isinstance(record.json, list)
        batches.append(record.json)
    return batches


def logged(stub: ProviderStub) -> List[Dict[str, Any]]:
    return [entry for batch in posted_batches(stub) for entry in batch]


def test_handler_is_a_langchain_callback_handler(stub: ProviderStub) -> None:
    handler = handler_for(stub)
    try:
        assert isinstance(handler, BaseCallbackHandler)
    finally:
        handler.close()


def test_a_chat_call_is_logged_with_request_answer_latency_and_tokens(
    gateway_url: str, stub: ProviderStub
) -> None:
    handler = handler_for(stub, metadata={"_user": "u1"})
    try:
        answer = chat_model(gateway_url, stub, temperature=0.2).invoke(
            "Hi", config={"callbacks": [handler]}
        )
        assert answer.content == "hello from a"
        assert handler.flush(10)
    finally:
        handler.close()
    [entry] = logged(stub)
    request, response, metadata = entry["request"], entry["response"], entry["metadata"]
    assert request["provider"] == "openai"
    assert request["body"]["messages"] == [{"role": "user", "content": "Hi"}]
    assert request["body"]["model"] == "gpt-4o-mini"
    assert request["body"]["temperature"] == 0.2
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
    assert metadata["_user"] == "u1"
    assert metadata["trace_id"] == metadata["span_id"]  # a lone call is its own trace
    assert handler.exporter.sent == 1 and handler.exporter.failed == 0
    assert "provider-key-" not in json.dumps(entry)  # the model's key is not logged


def test_a_chain_run_shares_one_trace_and_names_its_parent(
    gateway_url: str, stub: ProviderStub
) -> None:
    handler = handler_for(stub)
    prompt = ChatPromptTemplate.from_messages([("system", "Be brief."), ("user", "{question}")])
    chain = prompt | chat_model(gateway_url, stub) | StrOutputParser()
    try:
        assert chain.invoke({"question": "Why?"}, config={"callbacks": [handler]}) == (
            "hello from a"
        )
        assert chain.invoke({"question": "How?"}, config={"callbacks": [handler]})
        handler.flush(10)
    finally:
        handler.close()
    first, second = logged(stub)
    assert first["request"]["body"]["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Why?"},
    ]
    for entry in (first, second):
        meta = entry["metadata"]
        assert meta["parent_span_id"] == meta["trace_id"] != meta["span_id"]
    assert first["metadata"]["trace_id"] != second["metadata"]["trace_id"]


def test_calls_are_sent_in_batches(gateway_url: str, stub: ProviderStub) -> None:
    # A long flush interval: the batch goes when it is full, not when the timer runs out.
    handler = handler_for(stub, batch_size=3, flush_interval=60)
    llm = chat_model(gateway_url, stub, callbacks=[handler])
    try:
        for question in ("one", "two", "three"):
            llm.invoke(question)
        handler.flush(30)
        assert [len(batch) for batch in posted_batches(stub)] == [3]
    finally:
        handler.close()


def test_a_streamed_call_is_logged_as_streamed(gateway_url: str, stub: ProviderStub) -> None:
    handler = handler_for(stub)
    llm = chat_model(gateway_url, stub, callbacks=[handler])
    try:
        assert "".join(str(chunk.content) for chunk in llm.stream("Hi")) == "hello from a"
        handler.flush(10)
    finally:
        handler.close()
    [entry] = logged(stub)
    assert entry["response"]["streamingMode"] is True
    assert entry["response"]["body"]["choices"][0]["message"]["content"] == "hello from a"


def test_a_failed_llm_call_is_logged_with_its_error(gateway_url: str, stub: ProviderStub) -> None:
    import openai

    stub.script("a", status(400, {"error": {"message": "context too long", "type": "invalid"}}))
    handler = handler_for(stub)
    try:
        with pytest.raises(openai.BadRequestError):
            chat_model(gateway_url, stub).invoke("Hi", config={"callbacks": [handler]})
        handler.flush(10)
    finally:
        handler.close()
    [entry] = logged(stub)
    assert entry["response"]["status"] == 400
    error = entry["response"]["body"]["error"]
    assert error["type"].endswith("Error") and "context too long" in error["message"]


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens there now: connection refused


def test_logging_api_down_leaves_the_app_unaffected_and_warns(
    gateway_url: str, stub: ProviderStub, caplog: pytest.LogCaptureFixture
) -> None:
    exporter = LogExporter(
        api_key=LOG_KEY, base_url=closed_port_url(), flush_interval=0.05, max_retries=0
    )
    handler = PortkeyLangchainCallbackHandler(exporter=exporter)
    llm = chat_model(gateway_url, stub, callbacks=[handler])
    try:
        with caplog.at_level(logging.WARNING, logger="portkey"):
            assert llm.invoke("Hi").content == "hello from a"
            assert llm.invoke("Again").content == "hello from a"
            assert handler.flush(30)
    finally:
        handler.close()
    assert handler.exporter.sent == 0 and handler.exporter.failed == 2
    assert handler.exporter.last_error is not None
    assert any("could not send" in r.getMessage() for r in caplog.records)
    assert all(LOG_KEY not in r.getMessage() for r in caplog.records)


def test_logging_api_errors_are_recorded_not_raised(
    gateway_url: str, stub: ProviderStub, caplog: pytest.LogCaptureFixture
) -> None:
    stub.script("default", status(401, {"error": {"message": f"bad key {LOG_KEY}"}}))
    handler = handler_for(stub)
    try:
        with caplog.at_level(logging.WARNING, logger="portkey"):
            answer = chat_model(gateway_url, stub).invoke("Hi", config={"callbacks": [handler]})
            handler.flush(10)
    finally:
        handler.close()
    assert answer.content == "hello from a"
    assert handler.exporter.failed == 1
    warnings = [r.getMessage() for r in caplog.records if "could not send" in r.getMessage()]
    assert warnings and LOG_KEY not in warnings[0]


def test_a_broken_callback_payload_never_reaches_the_app(
    stub: ProviderStub, caplog: pytest.LogCaptureFixture
) -> None:
    handler = handler_for(stub)
    run_id = uuid.uuid4()
    try:
        with caplog.at_level(logging.WARNING, logger="portkey"):
            handler.on_chat_model_start({}, [[object()]], run_id=run_id)  # type: ignore[list-item]
            handler.on_llm_start(None, ["p"], run_id=run_id)
            handler.on_llm_end(object(), run_id=run_id)  # type: ignore[arg-type]
            handler.on_llm_end(object(), run_id=uuid.uuid4())  # type: ignore[arg-type]
    finally:
        handler.close()
    assert any("could not record" in r.getMessage() for r in caplog.records)


def test_bad_handler_options_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTKEY_API_KEY", raising=False)
    monkeypatch.delenv("PORTKEY_BASE_URL", raising=False)
    monkeypatch.delenv("PORTKEY_PROXY", raising=False)
    with pytest.raises(MissingAPIKeyError):
        PortkeyLangchainCallbackHandler()
    for bad in ({"batch_size": 0}, {"max_queue": -1}, {"flush_interval": 0}, {"batch_size": 1.5}):
        with pytest.raises(InvalidRequestError) as caught:
            PortkeyLangchainCallbackHandler(LOG_KEY, base_url="http://127.0.0.1:9/v1", **bad)
        assert caught.value.field == next(iter(bad))


def test_portkey_ai_alias_path() -> None:
    from portkey_ai.langchain import PortkeyLangchainCallbackHandler as Aliased

    assert Aliased is PortkeyLangchainCallbackHandler


def test_missing_langchain_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['langchain_core'] = None\n"
        "try:\n    import portkey.langchain\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "pip install 'portkey-gateway-sdk[langchain]'" in result.stdout


def test_a_text_completion_llm_is_logged_with_its_prompt(
    gateway_url: str, stub: ProviderStub
) -> None:
    from langchain_openai import OpenAI as CompletionLLM

    config = {"provider": "openai", "api_key": "sk-target-a", "custom_host": stub.host_for("a")}
    handler = handler_for(stub)
    llm = CompletionLLM(
        api_key="unused",  # type: ignore[arg-type]
        base_url=gateway_url,
        model="gpt-3.5-turbo-instruct",
        default_headers=createHeaders(config=config),
        max_retries=0,
    )
    try:
        assert llm.invoke("Say hi", config={"callbacks": [handler]}) == "hello from a"
        handler.flush(10)
    finally:
        handler.close()
    [entry] = logged(stub)
    assert entry["request"]["url"] == "completions"
    assert entry["request"]["body"]["prompt"] == ["Say hi"]
    assert entry["response"]["body"]["choices"][0]["text"] == "hello from a"
    assert entry["response"]["body"]["usage"]["total_tokens"] > 0


def test_an_async_chain_is_logged_too(gateway_url: str, stub: ProviderStub) -> None:
    import asyncio

    handler = handler_for(stub)
    llm = chat_model(gateway_url, stub)
    try:
        answer = asyncio.run(llm.ainvoke("Hi", config={"callbacks": [handler]}))
        assert answer.content == "hello from a"
        handler.flush(10)
    finally:
        handler.close()
    [entry] = logged(stub)
    assert entry["response"]["body"]["choices"][0]["message"]["content"] == "hello from a"
