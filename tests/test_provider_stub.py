"""The provider stand-in answers in the OpenAI format and does what each scripted action says."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Dict, List

import pytest
import requests
from provider_stub import (
    DEFAULT_STREAM_CHUNKS,
    MALFORMED_JSON_BODY,
    ProviderStub,
    answer_text,
    cut_stream,
    empty_body,
    html_error,
    malformed_json,
    ok,
    reset,
    slow,
    split_target,
    status,
    stream_pieces,
)

CHAT = {"model": "gpt-test", "messages": [{"role": "user", "content": "hi"}]}


def sse_events(raw: bytes) -> List[str]:
    """The ``data:`` payloads of an SSE body, in order."""
    events = []
    for block in raw.decode().split("\n\n"):
        if block.startswith("data: "):
            events.append(block[len("data: ") :])
    return events


def stream_raw(url: str, body: Dict[str, Any]) -> bytes:
    with requests.post(url, json=body, stream=True, timeout=10) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return response.raw.read()


def test_chat_answer_names_the_target_and_echoes_the_model(stub: ProviderStub) -> None:
    response = requests.post(f"{stub.host_for('a')}/chat/completions", json=CHAT, timeout=10)

    assert response.status_code == 200
    answer = response.json()
    assert answer["object"] == "chat.completion"
    assert answer["model"] == "gpt-test"
    assert answer["choices"][0]["message"] == {"role": "assistant", "content": "hello from a"}
    assert answer["choices"][0]["finish_reason"] == "stop"
    usage = answer["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


def test_requests_are_recorded_with_headers_and_body(stub: ProviderStub) -> None:
    requests.post(
        f"{stub.host_for('a')}/chat/completions?x=1",
        json=CHAT,
        headers={"Authorization": "Bearer k1", "X-Extra": "yes"},
        timeout=10,
    )
    requests.get(f"{stub.host_for('b')}/models", timeout=10)

    (seen,) = stub.requests("a")
    assert seen.target == "a"
    assert seen.method == "POST"
    assert seen.path == "/t/a/v1/chat/completions"
    assert seen.endpoint == "/chat/completions"
    assert seen.query == "x=1"
    assert seen.headers["authorization"] == "Bearer k1"
    assert seen.headers["x-extra"] == "yes"
    assert json.loads(seen.body) == CHAT
    assert seen.json == CHAT
    assert [r.target for r in stub.requests()] == ["a", "b"]
    assert stub.requests("b")[0].json is None


def test_text_completion_answer(stub: ProviderStub) -> None:
    body = {"model": "m1", "prompt": "say hi"}
    answer = requests.post(f"{stub.host_for('c')}/completions", json=body, timeout=10).json()

    assert answer["object"] == "text_completion"
    assert answer["model"] == "m1"
    assert answer["choices"][0]["text"] == "hello from c"


def test_chat_stream_has_default_chunks_joining_to_the_answer(stub: ProviderStub) -> None:
    raw = stream_raw(f"{stub.host_for('a')}/chat/completions", {**CHAT, "stream": True})

    events = sse_events(raw)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert len(chunks) == DEFAULT_STREAM_CHUNKS
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == "gpt-test" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"]["content"] for c in chunks)
    assert text == answer_text("a")
    assert [c["choices"][0]["finish_reason"] for c in chunks][-2:] == [None, "stop"]


def test_completion_stream_and_chunk_count_setting(stub: ProviderStub) -> None:
    stub.set_stream_chunks(3)
    raw = stream_raw(
        f"{stub.host_for('b')}/completions", {"model": "m", "prompt": "p", "stream": True}
    )

    events = sse_events(raw)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert len(chunks) == 3
    assert "".join(c["choices"][0]["text"] for c in chunks) == "hello from b"


def test_stream_usage_chunk_when_asked(stub: ProviderStub) -> None:
    body = {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
    events = sse_events(stream_raw(f"{stub.host_for('a')}/chat/completions", body))

    usage_chunk = json.loads(events[-2])
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"]["total_tokens"] > 0


def test_stream_pieces_always_join_back() -> None:
    for chunks in (1, 2, 5, 40):
        pieces = stream_pieces("hello from a", chunks)
        assert len(pieces) == chunks
        assert "".join(pieces) == "hello from a"


def test_embeddings_and_models(stub: ProviderStub) -> None:
    body = {"model": "emb", "input": ["one", "two words"]}
    answer = requests.post(f"{stub.host_for('e')}/embeddings", json=body, timeout=10).json()
    assert answer["object"] == "list"
    assert [d["index"] for d in answer["data"]] == [0, 1]
    assert answer["data"][0]["embedding"] != answer["data"][1]["embedding"]
    assert answer["model"] == "emb"

    models = requests.get(f"{stub.host_for('e')}/models", timeout=10).json()
    assert models["object"] == "list"
    assert models["data"][0]["owned_by"] == "e"


def test_unknown_paths_are_recorded_and_answer_empty_object(stub: ProviderStub) -> None:
    first = requests.delete(f"{stub.host_for('a')}/files/f1", timeout=10)
    second = requests.post(f"{stub.url}/anything/else", data=b"raw", timeout=10)

    assert first.json() == {} and second.json() == {}
    assert stub.requests("a")[0].endpoint == "/files/f1"
    unprefixed = stub.requests("default")[0]
    assert unprefixed.path == "/anything/else"
    assert unprefixed.body == b"raw"
    assert unprefixed.json is None


def test_unprefixed_api_paths_belong_to_default(stub: ProviderStub) -> None:
    answer = requests.post(f"{stub.url}/v1/chat/completions", json=CHAT, timeout=10).json()
    assert answer["choices"][0]["message"]["content"] == "hello from default"


def test_split_target() -> None:
    assert split_target("/t/a/v1/chat/completions") == ("a", "/chat/completions")
    assert split_target("/v1/models") == ("default", "/models")
    assert split_target("/t/b/other") == ("b", "/other")
    assert split_target("/t/b/v1") == ("b", "/")


def test_host_for_rejects_unroutable_names(stub: ProviderStub) -> None:
    with pytest.raises(ValueError):
        stub.host_for("a/b")
    assert stub.host_for("a") == f"http://127.0.0.1:{stub.port}/t/a/v1"


def test_script_is_consumed_in_order_per_target_then_ok(stub: ProviderStub) -> None:
    stub.script("a", status(503), status(500), ok())
    url = f"{stub.host_for('a')}/chat/completions"
    codes = [requests.post(url, json=CHAT, timeout=10).status_code for _ in range(5)]
    other = requests.post(f"{stub.host_for('b')}/chat/completions", json=CHAT, timeout=10)

    assert codes == [503, 500, 200, 200, 200]
    assert other.status_code == 200


def test_status_with_default_error_body_and_headers(stub: ProviderStub) -> None:
    stub.script("a", status(429, headers={"Retry-After": "3"}), status(400, {"detail": "x"}))
    url = f"{stub.host_for('a')}/chat/completions"

    limited = requests.post(url, json=CHAT, timeout=10)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "3"
    assert limited.json()["error"]["message"] == "scripted status 429"

    custom = requests.post(url, json=CHAT, timeout=10)
    assert custom.status_code == 400
    assert custom.json() == {"detail": "x"}


def test_slow_waits_then_answers(stub: ProviderStub) -> None:
    stub.script("a", slow(0.3))
    started = time.monotonic()
    response = requests.post(f"{stub.host_for('a')}/chat/completions", json=CHAT, timeout=10)

    assert time.monotonic() - started >= 0.3
    assert response.json()["choices"][0]["message"]["content"] == "hello from a"


def test_reset_aborts_without_a_response(stub: ProviderStub) -> None:
    stub.script("a", reset())
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(f"{stub.host_for('a')}/chat/completions", json=CHAT, timeout=10)
    assert len(stub.requests("a")) == 1


def test_cut_stream_breaks_the_connection_after_n_chunks(stub: ProviderStub) -> None:
    stub.script("a", cut_stream(2))
    received: List[bytes] = []
    with requests.post(
        f"{stub.host_for('a')}/chat/completions",
        json={**CHAT, "stream": True},
        stream=True,
        timeout=10,
    ) as response:
        assert response.status_code == 200
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            for line in response.iter_lines():
                if line:
                    received.append(line)

    assert len(received) == 2
    assert all(line.startswith(b"data: {") for line in received)


def test_malformed_json_body(stub: ProviderStub) -> None:
    stub.script("a", malformed_json())
    response = requests.post(f"{stub.host_for('a')}/chat/completions", json=CHAT, timeout=10)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.content == MALFORMED_JSON_BODY
    with pytest.raises(ValueError):
        response.json()


def test_empty_body(stub: ProviderStub) -> None:
    stub.script("a", empty_body())
    response = requests.post(f"{stub.host_for('a')}/chat/completions", json=CHAT, timeout=10)

    assert response.status_code == 200
    assert response.content == b""


def test_html_error_page(stub: ProviderStub) -> None:
    stub.script("a", html_error(502))
    response = requests.post(f"{stub.host_for('a')}/chat/completions", json=CHAT, timeout=10)

    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>502 Error</h1>" in response.text


def test_reset_method_clears_scripts_records_and_stream_shape(stub: ProviderStub) -> None:
    stub.script("a", status(500))
    stub.set_stream_chunks(2)
    requests.get(f"{stub.host_for('b')}/models", timeout=10)

    stub.reset()

    assert stub.requests() == []
    url = f"{stub.host_for('a')}/chat/completions"
    assert requests.post(url, json=CHAT, timeout=10).status_code == 200
    events = sse_events(stream_raw(url, {**CHAT, "stream": True}))
    assert len(events) == DEFAULT_STREAM_CHUNKS + 1


def test_concurrent_requests_are_all_recorded(stub: ProviderStub) -> None:
    stub.script("a", *[slow(0.05)] * 10)
    url = f"{stub.host_for('a')}/chat/completions"
    codes: List[int] = []
    lock = threading.Lock()

    def call() -> None:
        code = requests.post(url, json=CHAT, timeout=10).status_code
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=call) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert codes == [200] * 20
    assert len(stub.requests("a")) == 20


def test_start_stop_lifecycle_is_idempotent() -> None:
    stub = ProviderStub()
    with pytest.raises(RuntimeError):
        _ = stub.url
    with stub:
        assert stub.start() is stub
        assert requests.get(f"{stub.url}/v1/models", timeout=10).status_code == 200
        port = stub.port
    stub.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/v1/models", timeout=2)


def test_stop_while_a_slow_answer_is_pending() -> None:
    outcomes: List[BaseException] = []

    with ProviderStub() as stub:
        stub.script("a", slow(30))
        url = f"{stub.host_for('a')}/chat/completions"

        def call() -> None:
            try:
                requests.post(url, json=CHAT, timeout=10)
            except requests.exceptions.RequestException as exc:
                outcomes.append(exc)

        caller = threading.Thread(target=call)
        caller.start()
        deadline = time.monotonic() + 5
        while not stub.requests("a") and time.monotonic() < deadline:
            time.sleep(0.01)
        stopping = time.monotonic()

    assert time.monotonic() - stopping < 5
    caller.join(timeout=10)
    assert len(outcomes) == 1
