"""The local model's server process: a llama.cpp runtime behind a base-model chat front.

``python -m portkey.local.model_server --model GGUF --port N`` (what :class:`LocalModel` starts)
loads the GGUF into one of two llama.cpp runtimes, each serving OpenAI's ``/v1/completions`` on
an internal loopback port:

- ``xllamacpp`` (prebuilt wheels on PyPI: seconds to install), run inside this process;
- ``llama-cpp-python`` (compiled from source on install: minutes), run as a child process.

In front of it, on ``--port``, an aiohttp app answers ``/v1/chat/completions`` by rendering the
messages as a few-shot Q/A completion (:mod:`portkey.local.base_chat`): the model is a base
model, and chat turn markup makes it produce noise. ``/v1/completions`` is passed through and
``/v1/models`` names the model by its alias. The front starts listening only once the model is
loaded, so a ``200`` from ``/v1/models`` means ready.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence

from aiohttp import ClientSession, ClientTimeout, web

from .base_chat import ChatRequestError, chat_chunk, chat_completion, completion_request
from .gateway import LOOPBACK_HOST, free_port
from .model import RUNTIMES, available_runtime

__all__ = [
    "Backend",
    "BackendError",
    "build_app",
    "main",
    "start_backend",
]

logger = logging.getLogger("portkey.local")

# Enough for the examples, a few turns of conversation and an answer; a 270M model's default
# (its training context, 32k) would reserve a KV cache a hundred times larger for nothing.
CONTEXT_TOKENS = 4096
_READY_TIMEOUT = 300.0
_PROXY_TIMEOUT = ClientTimeout(total=None, sock_connect=10)


class BackendError(RuntimeError):
    """The runtime did not come up; the message says why (its own output is in the log)."""


@dataclass
class Backend:
    """A running runtime: its OpenAI-compatible base URL and how to stop it."""

    url: str
    stop: Callable[[], None]


def _answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2.0) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _start_xllamacpp(model: Path, threads: int) -> Backend:
    xllamacpp: Any = importlib.import_module("xllamacpp")
    port = free_port()
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = CONTEXT_TOKENS
    # gemma 3 uses sliding-window attention; without a full-size cache for those layers llama.cpp
    # re-reads the whole prompt every request. With it, the few-shot examples every prompt
    # starts with stay cached: ~10 new tokens per question instead of ~110 (measured).
    params.swa_full = True
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.hostnames = [LOOPBACK_HOST]
    params.port = port
    # Loads the model, then serves HTTP from its own threads; raises if the model cannot load.
    server = xllamacpp.Server(params)
    holder: List[Any] = [server]

    def stop() -> None:
        # The server's destructor stops its threads; dropping the last reference runs it.
        holder.clear()

    return Backend(url=f"http://{LOOPBACK_HOST}:{port}/v1", stop=stop)


def _start_llama_cpp_python(model: Path, threads: int) -> Backend:
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model),
        "--host", LOOPBACK_HOST, "--port", str(port),
        "--n_ctx", str(CONTEXT_TOKENS), "--n_threads", str(threads),
    ]  # fmt: skip
    # Same stdout as this process: the server's lines land in the model log.
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    url = f"http://{LOOPBACK_HOST}:{port}/v1"

    def stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        process.wait()

    deadline = time.monotonic() + _READY_TIMEOUT
    while not _answers(f"{url}/models"):
        if process.poll() is not None:
            raise BackendError(f"llama_cpp.server exited with code {process.returncode}")
        if time.monotonic() >= deadline:
            stop()
            raise BackendError(f"llama_cpp.server did not answer within {_READY_TIMEOUT:.0f}s")
        time.sleep(0.25)
    return Backend(url=url, stop=stop)


def start_backend(runtime: str, model: Path, threads: int) -> Backend:
    """Load ``model`` into ``runtime`` (a key of :data:`RUNTIMES`) and return it once it serves."""
    if runtime == "xllamacpp":
        return _start_xllamacpp(model, threads)
    if runtime == "llama-cpp-python":
        return _start_llama_cpp_python(model, threads)
    raise ValueError(f"unknown runtime {runtime!r}; expected one of {', '.join(RUNTIMES)}")


# ---- the chat front -----------------------------------------------------------------------

_SESSION = web.AppKey("session", ClientSession)


def _error(status: int, message: str, kind: str = "invalid_request_error") -> web.Response:
    return web.json_response({"error": {"message": message, "type": kind}}, status=status)


def build_app(backend_url: str, model_alias: str) -> web.Application:
    """The aiohttp app that fronts a ``/v1/completions`` server at ``backend_url``."""
    app = web.Application()

    async def open_session(app: web.Application) -> None:
        # trust_env=False: a user's http_proxy must not capture loopback calls.
        app[_SESSION] = ClientSession(timeout=_PROXY_TIMEOUT, trust_env=False)

    async def close_session(app: web.Application) -> None:
        await app[_SESSION].close()

    app.on_startup.append(open_session)
    app.on_cleanup.append(close_session)

    async def models(request: web.Request) -> web.Response:
        entry = {"id": model_alias, "object": "model", "created": 0, "owned_by": "portkey-local"}
        return web.json_response({"object": "list", "data": [entry]})

    async def chat(request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "the request body is not valid JSON")
        try:
            completion = completion_request(body)
        except ChatRequestError as exc:
            return _error(400, str(exc))
        session = request.app[_SESSION]
        async with session.post(f"{backend_url}/completions", json=completion) as upstream:
            if upstream.status != 200:
                return web.Response(
                    status=upstream.status,
                    body=await upstream.read(),
                    content_type=upstream.content_type,
                )
            if not completion.get("stream"):
                answer = chat_completion(await upstream.json(), model_alias)
                return web.json_response(answer)
            response = web.StreamResponse(
                headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
            )
            await response.prepare(request)
            role_sent = text_started = False
            async for raw in upstream.content:
                line = raw.decode("utf-8", errors="replace").strip()
                if not line.startswith("data:"):
                    continue
                data = line[len("data:") :].strip()
                if data == "[DONE]":
                    await response.write(b"data: [DONE]\n\n")
                    continue
                chunk = chat_chunk(
                    json.loads(data), model_alias, role=not role_sent, lstrip=not text_started
                )
                if chunk["choices"]:
                    role_sent = True
                    text_started = text_started or any(
                        choice["delta"]["content"] for choice in chunk["choices"]
                    )
                await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
            await response.write_eof()
            return response

    async def completions(request: web.Request) -> web.StreamResponse:
        session = request.app[_SESSION]
        async with session.post(
            f"{backend_url}/completions",
            data=await request.read(),
            headers={"Content-Type": request.content_type or "application/json"},
        ) as upstream:
            response = web.StreamResponse(
                status=upstream.status,
                headers={"Content-Type": upstream.headers.get("Content-Type", "application/json")},
            )
            await response.prepare(request)
            async for piece in upstream.content.iter_any():
                await response.write(piece)
            await response.write_eof()
            return response

    app.router.add_get("/v1/models", models)
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_post("/v1/completions", completions)
    return app


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m portkey.local.model_server``: load the model, serve until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(
        prog="python -m portkey.local.model_server",
        description="Serve a GGUF base model with an OpenAI-compatible API on loopback.",
    )
    parser.add_argument("--model", type=Path, required=True, help="the GGUF file")
    parser.add_argument("--model-alias", required=True, help="the id /v1/models reports")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--runtime", choices=list(RUNTIMES), help="default: the first one installed"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if not args.model.is_file():
        parser.exit(1, f"Model path does not exist: {args.model}\n")
    runtime = args.runtime or available_runtime()
    if runtime is None:
        parser.exit(1, "no llama.cpp runtime is installed: pip install xllamacpp\n")
    started = time.monotonic()
    try:
        backend = start_backend(runtime, args.model, args.threads)
    except BackendError as exc:
        parser.exit(1, f"{exc}\n")
    logger.info("%s serves %s at %s (%.1fs)", runtime, args.model, backend.url,
                time.monotonic() - started)  # fmt: skip
    try:
        web.run_app(
            build_app(backend.url, args.model_alias),
            host=LOOPBACK_HOST,
            port=args.port,
            print=None,
            access_log=None,
        )
    finally:
        with contextlib.suppress(Exception):
            backend.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
