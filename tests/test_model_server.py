"""The local model's chat front (portkey.local.model_server.build_app), with no model.

The front runs on a loopback port in a background thread and forwards to the provider stand-in
as its ``/v1/completions`` backend: what the stand-in records is exactly what a llama.cpp runtime
would be asked. The real model behind it is covered by tests/test_local_model.py
(``-m local_model``).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests
from aiohttp import web
from provider_stub import ProviderStub, answer_text, status

from portkey import Config, LLMOptions, Portkey
from portkey.local.base_chat import STOP
from portkey.local.gateway import LOOPBACK_HOST
from portkey.local.model import RUNTIMES, available_runtime
from portkey.local.model_server import BackendError, build_app, start_backend

ALIAS = "gemma-3-270m"


class RunningFront:
    """``build_app(backend, ALIAS)`` served on a free loopback port by a background loop."""

    def __init__(self, backend_url: str) -> None:
        self._app = build_app(backend_url, ALIAS)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._sock = socket.socket()
        self._sock.bind((LOOPBACK_HOST, 0))
        self.url = f"http://{LOOPBACK_HOST}:{self._sock.getsockname()[1]}/v1"
        self._runner: Optional[web.AppRunner] = None

    def __enter__(self) -> RunningFront:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    async def _serve(self) -> None:
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, self._sock).start()

    def __exit__(self, *exc_info: object) -> None:
        assert self._runner is not None
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._sock.close()


@pytest.fixture
def front(stub: ProviderStub) -> Iterator[RunningFront]:
    """The chat front with the stand-in's target ``m`` as its completion backend."""
    with RunningFront(stub.host_for("m")) as running:
        yield running


def ask(text: str) -> List[Dict[str, str]]:
    return [{"role": "user", "content": text}]


def test_chat_is_asked_as_a_completion_and_answered_as_chat(
    front: RunningFront, stub: ProviderStub
) -> None:
    body = {"model": ALIAS, "messages": ask("What is the capital of France?"), "max_tokens": 9}
    response = requests.post(f"{front.url}/chat/completions", json=body, timeout=10)

    assert response.status_code == 200
    answer = response.json()
    assert answer["object"] == "chat.completion"
    assert answer["model"] == ALIAS
    assert answer["choices"][0]["message"] == {"role": "assistant", "content": answer_text("m")}
    (sent,) = stub.requests("m")
    assert sent.endpoint == "/completions"
    assert sent.json["prompt"].endswith("\n\nQ: What is the capital of France?\nA:")
    assert sent.json["stop"] == list(STOP)
    assert sent.json["max_tokens"] == 9
    assert "messages" not in sent.json


def test_streamed_chat_arrives_as_chat_chunks(front: RunningFront, stub: ProviderStub) -> None:
    stub.set_stream_chunks(4)
    body = {"messages": ask("Say hello."), "stream": True}
    events: List[str] = []
    with requests.post(f"{front.url}/chat/completions", json=body, stream=True, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith(b"data:"):
                events.append(line[len(b"data:") :].strip().decode())

    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert len(chunks) == 4
    assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert all("role" not in chunk["choices"][0]["delta"] for chunk in chunks[1:])
    text = "".join(chunk["choices"][0]["delta"]["content"] for chunk in chunks)
    assert text == answer_text("m")
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert stub.requests("m")[0].json["stream"] is True


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"messages": []}, "at least one user message"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "messages[0].role must be"),
        ({"messages": ask("x"), "stop": 5}, "stop must be a string"),
    ],
)
def test_bad_chat_requests_get_400_naming_the_field_and_reach_no_model(
    front: RunningFront, stub: ProviderStub, body: Dict[str, Any], message: str
) -> None:
    response = requests.post(f"{front.url}/chat/completions", json=body, timeout=10)

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert stub.requests() == []


def test_a_body_that_is_not_json_gets_400(front: RunningFront, stub: ProviderStub) -> None:
    response = requests.post(f"{front.url}/chat/completions", data=b"{nope", timeout=10)

    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]["message"]
    assert stub.requests() == []


def test_a_backend_error_passes_through(front: RunningFront, stub: ProviderStub) -> None:
    stub.script("m", status(503, {"error": {"message": "loading model"}}))

    response = requests.post(f"{front.url}/chat/completions", json={"messages": ask("x")})

    assert response.status_code == 503
    assert response.json()["error"]["message"] == "loading model"


def test_completions_pass_through_unchanged(front: RunningFront, stub: ProviderStub) -> None:
    body = {"prompt": "The sky is", "max_tokens": 4}
    response = requests.post(f"{front.url}/completions", json=body, timeout=10)

    assert response.status_code == 200
    assert response.json()["choices"][0]["text"] == answer_text("m")
    assert stub.requests("m")[0].json == body


def test_models_lists_the_alias(front: RunningFront) -> None:
    listing = requests.get(f"{front.url}/models", timeout=10).json()

    assert [entry["id"] for entry in listing["data"]] == [ALIAS]


def test_the_sdk_chats_through_the_gateway_and_the_front(
    front: RunningFront, stub: ProviderStub, gateway_url: str
) -> None:
    llm = LLMOptions(provider="openai", api_key="local", custom_host=front.url, model=ALIAS)
    with Portkey(base_url=gateway_url, config=Config(mode="single", llms=[llm])) as client:
        response = client.chat.completions.create(messages=ask("What is 2 + 2?"), max_tokens=5)

    assert response.choices[0].message.content == answer_text("m")
    assert stub.requests("m")[0].json["prompt"].endswith("Q: What is 2 + 2?\nA:")


def test_an_unknown_runtime_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown runtime 'vllm'; expected one of xllamacpp"):
        start_backend("vllm", Path("model.gguf"), threads=1)


def test_available_runtime_is_one_of_the_known_ones_or_none() -> None:
    assert available_runtime() in (None, *RUNTIMES)


FAKE_LLAMA_CPP_SERVER = """\
import argparse, sys
from aiohttp import web

parser = argparse.ArgumentParser()
for name in ("--model", "--host", "--port", "--n_ctx", "--n_threads"):
    parser.add_argument(name)
args = parser.parse_args()
if args.model.endswith("broken.gguf"):
    sys.exit(3)


async def models(request):
    return web.json_response({"data": [{"id": args.model}], "argv": sys.argv[1:]})


app = web.Application()
app.router.add_get("/v1/models", models)
web.run_app(app, host=args.host, port=int(args.port), print=None)
"""


@pytest.fixture
def fake_llama_cpp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in ``python -m llama_cpp.server`` (the real one compiles llama.cpp to install)."""
    package = tmp_path / "fake" / "llama_cpp" / "server"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "__main__.py").write_text(FAKE_LLAMA_CPP_SERVER, encoding="utf-8")
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path / "fake"), path]))


@pytest.mark.usefixtures("fake_llama_cpp")
def test_the_source_built_runtime_runs_as_a_child_until_stopped() -> None:
    backend = start_backend("llama-cpp-python", Path("model.gguf"), threads=2)
    try:
        listing = requests.get(f"{backend.url}/models", timeout=10).json()
    finally:
        backend.stop()

    assert listing["data"][0]["id"] == "model.gguf"
    argv = listing["argv"]
    assert argv[argv.index("--host") + 1] == LOOPBACK_HOST
    assert argv[argv.index("--n_ctx") + 1] == "4096"
    assert argv[argv.index("--n_threads") + 1] == "2"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{backend.url}/models", timeout=5)
    backend.stop()  # a second stop is harmless


@pytest.mark.usefixtures("fake_llama_cpp")
def test_a_source_built_runtime_that_exits_is_reported_with_its_code() -> None:
    with pytest.raises(BackendError, match=r"llama_cpp\.server exited with code 3"):
        start_backend("llama-cpp-python", Path("broken.gguf"), threads=1)
