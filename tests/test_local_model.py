"""Tests for the real local model (gemma 3 270M on llama-cpp-python's server).

The tests marked ``local_model`` run real inference. Their packages compile llama.cpp on install,
so CI does not install them and deselects the marker; on a machine without them they skip with
the install command. The unmarked tests need no model and always run.
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
from portkey.local.model import MODEL_ALIAS, MODEL_PACKAGES, LocalModel, ModelStartError

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
    if LocalModel.is_installed():
        assert "Model path does not exist" in error.log_tail
        assert "no-such-model.gguf" in error.log_tail
    else:
        assert "No module named" in error.log_tail
    assert error.log_tail.splitlines()[-1] in log_path.read_text()
    # The failed start cleaned up after itself and stopping again is harmless.
    with pytest.raises(RuntimeError):
        _ = local.base_url
    local.stop()


@pytest.mark.skipif(os.name != "posix", reason="the stand-in for python is a shell script")
def test_install_streams_pip_output_and_reports_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip's lines reach progress as they come (compile steps condensed); a failure carries them."""
    fake_python = tmp_path / "python"
    fake_python.write_text(
        "#!/bin/sh\n"
        'echo "argv: $*"\n'
        'echo "cmake args: $CMAKE_ARGS"\n'
        'echo "  [7/140] /usr/bin/g++ -O3 -march=native -c vendor/llama.cpp/src/llama.cpp"\n'
        'echo "ERROR: Failed building wheel for llama-cpp-python" >&2\n'
        "exit 1\n"
    )
    fake_python.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake_python))
    monkeypatch.setattr(LocalModel, "is_installed", staticmethod(lambda: False))
    monkeypatch.delenv("CMAKE_ARGS", raising=False)
    lines: List[str] = []
    with pytest.raises(ModelStartError) as caught:
        LocalModel().ensure_installed(progress=lines.append)
    assert f"argv: -m pip install -v {' '.join(MODEL_PACKAGES)}" in lines
    assert "cmake args: -DLLAVA_BUILD=OFF" in lines
    assert "building llama.cpp [7/140]" in lines
    error = caught.value
    assert "failed with exit code 1" in str(error)
    assert "Failed building wheel for llama-cpp-python" in error.log_tail
    assert error.log_tail in str(error)


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
    assert text.strip()
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
