"""Stand-ins for providers that do NOT speak the OpenAI format, for tests through the gateway.

``NativeProviders`` is one aiohttp app on a free 127.0.0.1 port, served by its own event loop in
a background thread (like ``provider_stub.ProviderStub``), that answers in each provider's own
wire format, so the open-source gateway's request and response translation is what the tests
exercise:

* ``anthropic``    ``POST {host}/messages`` - Messages API; JSON, or SSE with ``message_start``,
  ``content_block_start``, ``ping``, ``content_block_delta``, ``content_block_stop``,
  ``message_delta`` and ``message_stop`` events; errors ``{"type": "error", "error": {...}}``.
  Offered ``tools``, it answers with a ``tool_use`` block (``TOOL_USE_ID``), and accepts a
  ``tool_result`` for it. ``completions`` calls go to the legacy Text Completions API,
  ``POST {host}/complete``.
* ``cohere``       ``POST {host}/v2/chat`` - Chat API v2 (what gateway 1.15.2 calls); JSON, or SSE
  with ``message-start`` ... ``message-end``; errors ``{"message": ...}``. ``completions``
  calls go to the Generate API, ``POST {host}/v1/generate``.
* ``google``       ``POST {host}/v1beta/models/{model}:generateContent?key=...`` and
  ``:streamGenerateContent`` (a streamed JSON array); errors
  ``{"error": {"code", "message", "status"}}``.
* ``huggingface``  ``POST {host}/models/{model}/v1/chat/completions`` - the Inference API's
  OpenAI-compatible route (TGI); errors ``{"error": ..., "error_type": ...}``.
* ``vertex-ai``    ``POST {host}/v1/projects/{p}/locations/{r}/publishers/google/models/{model}:
  generateContent`` (and ``:streamGenerateContent?alt=sse``) with ``Authorization: Bearer
  <access token>``; Gemini's format and error shape.
* ``bedrock``      ``POST {host}/model/{model}/converse`` - the Converse API, SigV4-signed;
  errors ``{"message": ...}`` with an ``x-amzn-ErrorType`` header. (Not streamed: Bedrock
  streams in AWS's binary event-stream encoding, which this stand-in does not produce.)
* ``azure-openai`` ``POST {host}/deployments/{id}/chat/completions?api-version=...`` with an
  ``api-key`` header; OpenAI-format answers; errors ``{"error": {"code", "message"}}``.

``host_for(provider)`` is the ``custom_host`` a gateway target uses to reach the stand-in (the
gateway puts its provider-specific path after it). Each stand-in checks what its real provider
requires (credentials, required fields, names of fields) and refuses a request without them in
its native error shape, the way the real one would; so a translation that sends the wrong
field fails a test. ``script(provider, *replies)`` queues failures (``native_error(code)``,
``stream_error()``, ``unexpected_body()``) consumed one per request; ``requests(provider)``
lists what arrived.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Deque, Dict, List, Optional, Tuple, Type, Union

from aiohttp import web

from portkey.local.gateway import LOOPBACK_HOST

ANTHROPIC = "anthropic"
COHERE = "cohere"
GOOGLE = "google"
AZURE = "azure-openai"
HUGGINGFACE = "huggingface"
VERTEX = "vertex-ai"
BEDROCK = "bedrock"
PROVIDERS = (ANTHROPIC, COHERE, GOOGLE, AZURE, HUGGINGFACE, VERTEX, BEDROCK)

# The path prefix of each stand-in; ``host_for`` adds the part of the real base URL the gateway
# keeps when custom_host replaces it (anthropic's base is .../v1, azure's .../openai).
_PREFIX = {
    ANTHROPIC: "/anthropic/v1",
    COHERE: "/cohere",
    GOOGLE: "/google",
    AZURE: "/azure/openai",
    HUGGINGFACE: "/huggingface",
    VERTEX: "/vertex",
    BEDROCK: "/bedrock",
}
STREAM_PIECES = ("hello ", "from ", "the ", "stream")
INPUT_TOKENS = 7
# The tool call an anthropic stand-in makes when the request offers tools.
TOOL_USE_ID = "toolu_native_1"
TOOL_INPUT = {"city": "Paris"}
OUTPUT_TOKENS = 4
# The error "type" Anthropic's API uses for each status.
ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
# The error "status" Google's API uses for each code.
GOOGLE_STATUSES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
_GOOGLE_PATH = re.compile(r"^/v1beta/models/(?P<model>[^/:]+):(?P<method>\w+)$")
_HUGGINGFACE_PATH = re.compile(r"^/models/(?P<model>.+)/v1/chat/completions$")
_VERTEX_PATH = re.compile(
    r"^/v1/projects/(?P<project>[^/]+)/locations/(?P<region>[^/]+)/publishers/google/models/"
    r"(?P<model>[^/:]+):(?P<method>\w+)$"
)
_BEDROCK_PATH = re.compile(r"^/model/(?P<model>[^/]+)/converse$")
# What a SigV4-signed request's Authorization header looks like (the signature itself is not
# checked: the stand-in has no secret to check it with).
_SIGV4 = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key_id>[^/]+)/\d{8}/(?P<region>[^/]+)/bedrock/aws4_request, "
    r"SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$"
)
# The x-amzn-ErrorType Bedrock names each status with.
BEDROCK_ERROR_TYPES = {
    400: "ValidationException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
}
_AZURE_PATH = re.compile(r"^/deployments/(?P<deployment>[^/]+)/chat/completions$")


def answer_text(provider: str) -> str:
    """The content every normal non-streamed answer from ``provider`` carries."""
    return f"hello from {provider}"


def stream_text() -> str:
    """The content a streamed answer carries, joined."""
    return "".join(STREAM_PIECES)


def error_message(provider: str, code: int) -> str:
    """The message a scripted ``native_error(code)`` from ``provider`` carries."""
    return f"{provider} native error {code}"


# --- scripted replies --------------------------------------------------------------------------


@dataclass(frozen=True)
class NativeError:
    """Answer ``code`` with the provider's own error body carrying ``message``."""

    code: int
    message: Optional[str] = None


@dataclass(frozen=True)
class StreamError:
    """Start a stream, send one piece of text, then an in-stream error event (anthropic)."""

    error_type: str = "overloaded_error"
    message: str = "Overloaded"


@dataclass(frozen=True)
class UnexpectedBody:
    """Answer 200 with JSON in a shape the provider's API does not have (a changed API)."""


Reply = Union[NativeError, StreamError, UnexpectedBody]
UNEXPECTED_BODY = {"unexpected": "shape"}


def native_error(code: int, message: Optional[str] = None) -> NativeError:
    """Fail with HTTP ``code`` in the provider's native error shape."""
    return NativeError(code, message)


def unexpected_body() -> UnexpectedBody:
    """Answer 200 with a body the gateway cannot translate."""
    return UnexpectedBody()


def stream_error(error_type: str = "overloaded_error", message: str = "Overloaded") -> StreamError:
    """Fail in the middle of a stream with an anthropic ``error`` event."""
    return StreamError(error_type, message)


@dataclass(frozen=True)
class NativeRequest:
    """One request as a stand-in received it; ``path`` is relative to ``host_for(provider)``."""

    provider: str
    method: str
    path: str
    query: Dict[str, str]
    headers: Dict[str, str]
    json: Any


class ProviderRefusal(Exception):
    """A request the real provider would refuse; answered in the provider's error shape."""

    def __init__(self, code: int, message: str) -> None:
        """Refuse with HTTP ``code`` and ``message``."""
        super().__init__(message)
        self.code = code
        self.message = message


# --- the server --------------------------------------------------------------------------------


class NativeProviders:
    """Native provider stand-ins (see the module docstring) on one loopback port."""

    def __init__(self) -> None:
        """Prepare an unstarted server; call ``start()`` or use it as a context manager."""
        self._lock = threading.Lock()
        self._scripts: Dict[str, Deque[Reply]] = defaultdict(deque)
        self._records: List[NativeRequest] = []
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._runner: Optional[web.AppRunner] = None
        self._sock: Optional[socket.socket] = None

    def start(self) -> NativeProviders:
        """Serve on a free loopback port from a background thread; returns self."""
        if self._thread is not None:
            return self
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((LOOPBACK_HOST, 0))
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="native-stubs", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(self._sock), loop).result(timeout=10)
        return self

    async def _serve(self, sock: socket.socket) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    def stop(self) -> None:
        """Stop serving and join the thread; safe to call more than once."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        if self._sock is not None:
            self._sock.close()
        self._loop = self._thread = self._runner = self._sock = None

    def __enter__(self) -> NativeProviders:
        """Start the server."""
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        """Stop the server."""
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        if self._sock is None:
            raise RuntimeError("NativeProviders is not started")
        return f"http://{LOOPBACK_HOST}:{self._sock.getsockname()[1]}"

    def host_for(self, provider: str) -> str:
        """The ``custom_host`` of a gateway target for ``provider``."""
        if provider not in _PREFIX:
            raise ValueError(f"no native stand-in for {provider!r}; one of {PROVIDERS}")
        return self.url + _PREFIX[provider]

    def script(self, provider: str, *replies: Reply) -> None:
        """Queue ``replies`` for ``provider``, consumed one per request, then normal answers."""
        if provider not in _PREFIX:
            raise ValueError(f"no native stand-in for {provider!r}; one of {PROVIDERS}")
        with self._lock:
            self._scripts[provider].extend(replies)

    def requests(self, provider: Optional[str] = None) -> List[NativeRequest]:
        """Requests received so far, oldest first; only ``provider``'s when given."""
        with self._lock:
            return [r for r in self._records if provider is None or r.provider == provider]

    def reset(self) -> None:
        """Forget scripts and recorded requests."""
        with self._lock:
            self._scripts.clear()
            self._records.clear()

    # request handling (runs on the server's loop)

    def _take(self, request: web.Request, body: Any) -> Tuple[str, str, Optional[Reply]]:
        routed = route(request.path)
        if routed is None:
            return "", request.path, None
        provider, path = routed
        record = NativeRequest(
            provider=provider,
            method=request.method,
            path=path,
            query=dict(request.query),
            headers={k.lower(): v for k, v in request.headers.items()},
            json=body,
        )
        with self._lock:
            self._records.append(record)
            queue = self._scripts.get(provider)
            return provider, path, queue.popleft() if queue else None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        provider, path, reply = self._take(request, body)
        if not provider:
            return web.json_response({"error": f"no stand-in at {path}"}, status=404)
        if isinstance(reply, UnexpectedBody):
            return web.json_response(UNEXPECTED_BODY)
        handler = _HANDLERS[provider]
        try:
            if isinstance(reply, NativeError):
                raise ProviderRefusal(
                    reply.code, reply.message or error_message(provider, reply.code)
                )
            return await handler(request, path, body, reply)
        except ProviderRefusal as refusal:
            headers = None
            if provider == BEDROCK:
                headers = {"x-amzn-ErrorType": BEDROCK_ERROR_TYPES.get(refusal.code, "Exception")}
            return web.json_response(
                _ERROR_BODIES[provider](refusal.code, refusal.message),
                status=refusal.code,
                headers=headers,
            )


def route(full_path: str) -> Optional[Tuple[str, str]]:
    """(provider, path under its ``host_for``) for a request path; None when no stand-in owns it."""
    for provider, prefix in _PREFIX.items():
        if full_path.startswith(prefix + "/"):
            return provider, full_path[len(prefix) :]
    return None


def _require(condition: bool, code: int, message: str) -> None:
    if not condition:
        raise ProviderRefusal(code, message)


async def _sse_response(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Cache-Control": "no-cache"})
    response.content_type = "text/event-stream"
    await response.prepare(request)
    return response


def _event(name: str, payload: Dict[str, Any]) -> bytes:
    """A named SSE event, as Anthropic and Cohere send them."""
    return f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode()


# --- anthropic ---------------------------------------------------------------------------------


def _anthropic_error(code: int, message: str) -> Dict[str, Any]:
    kind = ANTHROPIC_ERROR_TYPES.get(code, "api_error")
    return {"type": "error", "error": {"type": kind, "message": message}}


def _anthropic_check(request: web.Request, path: str, body: Any) -> None:
    _require(request.method == "POST" and path == "/messages", 404, f"Not found: {path}")
    _require(bool(request.headers.get("x-api-key")), 401, "x-api-key header is required")
    _require(bool(request.headers.get("anthropic-version")), 400, "anthropic-version is required")
    _require(isinstance(body, dict), 400, "request body must be a JSON object")
    for field in ("model", "max_tokens", "messages"):
        _require(field in body, 400, f"{field}: Field required")
    for message in body["messages"]:
        # System prompts go in the top-level "system" field, never as a message.
        _require(
            message.get("role") in ("user", "assistant"),
            400,
            f"messages: Unexpected role {message.get('role')!r}",
        )
    for tool in body.get("tools") or ():
        _require(
            "name" in tool and "input_schema" in tool, 400, "tools: input_schema: Field required"
        )
    for block in _content_blocks(body["messages"], "tool_result"):
        _require(
            block.get("tool_use_id") == TOOL_USE_ID,
            400,
            f"tool_result block(s) provided when previous message does not have tool_use: "
            f"{block.get('tool_use_id')!r}",
        )


def _content_blocks(messages: List[Dict[str, Any]], kind: str) -> List[Dict[str, Any]]:
    """Every content block of type ``kind`` in ``messages``."""
    return [
        block
        for message in messages
        if isinstance(message.get("content"), list)
        for block in message["content"]
        if isinstance(block, dict) and block.get("type") == kind
    ]


def _has_tool_result(messages: List[Dict[str, Any]]) -> bool:
    return bool(_content_blocks(messages, "tool_result"))


async def _anthropic(
    request: web.Request, path: str, body: Any, reply: Optional[Reply]
) -> web.StreamResponse:
    if path == "/complete":
        return _anthropic_text_completion(request, body)
    _anthropic_check(request, path, body)
    model = body["model"]
    if not body.get("stream"):
        content: List[Dict[str, Any]] = [{"type": "text", "text": answer_text(ANTHROPIC)}]
        stop_reason = "end_turn"
        if body.get("tools") and not _has_tool_result(body["messages"]):
            tool = body["tools"][0]
            content = [
                {"type": "text", "text": "Let me look that up."},
                {"type": "tool_use", "id": TOOL_USE_ID, "name": tool["name"], "input": TOOL_INPUT},
            ]
            stop_reason = "tool_use"
        return web.json_response(
            {
                "id": "msg_native_1",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": content,
                "stop_reason": stop_reason,
                "stop_sequence": None,
                "usage": {"input_tokens": INPUT_TOKENS, "output_tokens": OUTPUT_TOKENS},
            }
        )
    response = await _sse_response(request)
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_native_stream",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": INPUT_TOKENS, "output_tokens": 1},
        },
    }
    await response.write(_event("message_start", start))
    block = {
        "type": "content_block_start",
        "index": 0,
        "content_block": {"type": "text", "text": ""},
    }
    await response.write(_event("content_block_start", block))
    await response.write(_event("ping", {"type": "ping"}))
    pieces = STREAM_PIECES[:1] if isinstance(reply, StreamError) else STREAM_PIECES
    for piece in pieces:
        delta = {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": piece},
        }
        await response.write(_event("content_block_delta", delta))
    if isinstance(reply, StreamError):
        error = {"type": "error", "error": {"type": reply.error_type, "message": reply.message}}
        await response.write(_event("error", error))
        await response.write_eof()
        return response
    await response.write(_event("content_block_stop", {"type": "content_block_stop", "index": 0}))
    end = {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": OUTPUT_TOKENS},
    }
    await response.write(_event("message_delta", end))
    await response.write(_event("message_stop", {"type": "message_stop"}))
    await response.write_eof()
    return response


def _anthropic_text_completion(request: web.Request, body: Any) -> web.Response:
    """The legacy Text Completions API (``/v1/complete``), which ``completions`` calls reach."""
    _require(bool(request.headers.get("x-api-key")), 401, "x-api-key header is required")
    _require(isinstance(body, dict), 400, "request body must be a JSON object")
    for field in ("model", "prompt", "max_tokens_to_sample"):
        _require(field in body, 400, f"{field}: field required")
    prompt = body["prompt"]
    _require(
        prompt.startswith("\n\nHuman:") and prompt.endswith("\n\nAssistant:"),
        400,
        'prompt must start with "\\n\\nHuman:" and end with "\\n\\nAssistant:"',
    )
    return web.json_response(
        {
            "type": "completion",
            "id": "compl_native_1",
            "completion": answer_text(ANTHROPIC),
            "stop_reason": "stop_sequence",
            "model": body["model"],
        }
    )


# --- cohere (chat v2) --------------------------------------------------------------------------


def _cohere_error(code: int, message: str) -> Dict[str, Any]:
    return {"id": "cohere-error-1", "message": message}


def _cohere_usage() -> Dict[str, Any]:
    units = {"input_tokens": INPUT_TOKENS, "output_tokens": OUTPUT_TOKENS}
    return {"billed_units": units, "tokens": units}


async def _cohere(
    request: web.Request, path: str, body: Any, reply: Optional[Reply]
) -> web.StreamResponse:
    _require(request.method == "POST" and path in ("/v2/chat", "/v1/generate"), 404, "Not found")
    auth = request.headers.get("Authorization", "")
    _require(auth.startswith("Bearer ") and len(auth) > 7, 401, "invalid api token")
    if path == "/v1/generate":
        return _cohere_generate(body)
    _require(isinstance(body, dict), 400, "invalid request: body must be a JSON object")
    for field in ("model", "messages"):
        _require(field in body, 400, f"invalid request: {field} must be specified")
    if not body.get("stream"):
        return web.json_response(
            {
                "id": "cohere-chat-1",
                "finish_reason": "COMPLETE",
                "message": {
                    "role": "assistant",
                    "content": [{"type": "text", "text": answer_text(COHERE)}],
                },
                "usage": _cohere_usage(),
            }
        )
    response = await _sse_response(request)
    start = {"id": "cohere-stream-1", "type": "message-start",
             "delta": {"message": {"role": "assistant", "content": []}}}  # fmt: skip
    await response.write(_event("message-start", start))
    content = {"type": "content-start", "index": 0,
               "delta": {"message": {"content": {"type": "text", "text": ""}}}}  # fmt: skip
    await response.write(_event("content-start", content))
    for piece in STREAM_PIECES:
        delta = {"type": "content-delta", "index": 0,
                 "delta": {"message": {"content": {"text": piece}}}}  # fmt: skip
        await response.write(_event("content-delta", delta))
    await response.write(_event("content-end", {"type": "content-end", "index": 0}))
    end = {"type": "message-end", "delta": {"finish_reason": "COMPLETE", "usage": _cohere_usage()}}
    await response.write(_event("message-end", end))
    await response.write_eof()
    return response


def _cohere_generate(body: Any) -> web.Response:
    """The Generate API (``/v1/generate``), which ``completions`` calls reach."""
    _require(isinstance(body, dict) and bool(body.get("prompt")), 400, "prompt must be specified")
    generations = [
        {"id": f"gen-{i}", "text": answer_text(COHERE), "finish_reason": "COMPLETE"}
        for i in range(int(body.get("num_generations", 1)))
    ]
    return web.json_response(
        {
            "id": "cohere-generate-1",
            "generations": generations,
            "prompt": body["prompt"],
            "meta": {
                "billed_units": {"input_tokens": INPUT_TOKENS, "output_tokens": OUTPUT_TOKENS}
            },
        }
    )


# --- google gemini -----------------------------------------------------------------------------


def _google_error(code: int, message: str) -> Dict[str, Any]:
    return {
        "error": {"code": code, "message": message, "status": GOOGLE_STATUSES.get(code, "UNKNOWN")}
    }


def _gemini_candidate(text: str, finished: bool) -> Dict[str, Any]:
    candidate: Dict[str, Any] = {
        "content": {"parts": [{"text": text}], "role": "model"},
        "index": 0,
    }
    if finished:
        candidate["finishReason"] = "STOP"
    return candidate


def _gemini_usage() -> Dict[str, int]:
    return {
        "promptTokenCount": INPUT_TOKENS,
        "candidatesTokenCount": OUTPUT_TOKENS,
        "totalTokenCount": INPUT_TOKENS + OUTPUT_TOKENS,
    }


def _check_gemini_body(body: Any) -> None:
    _require(
        isinstance(body, dict) and bool(body.get("contents")), 400, "contents is not specified"
    )
    for content in body["contents"]:
        _require(
            content.get("role") in ("user", "model"), 400, "Please use a valid role: user, model."
        )
        _require(bool(content.get("parts")), 400, "contents.parts must not be empty")


def _gemini_element(index: int, model: str) -> Dict[str, Any]:
    """Piece ``index`` of a streamed Gemini answer; the last one finishes it with usage."""
    last = index == len(STREAM_PIECES) - 1
    element: Dict[str, Any] = {
        "candidates": [_gemini_candidate(STREAM_PIECES[index], finished=last)],
        "modelVersion": model,
    }
    if last:
        element["usageMetadata"] = _gemini_usage()
    return element


def _gemini_answer(provider: str, model: str) -> web.Response:
    return web.json_response(
        {
            "candidates": [_gemini_candidate(answer_text(provider), finished=True)],
            "usageMetadata": _gemini_usage(),
            "modelVersion": model,
        }
    )


async def _google(
    request: web.Request, path: str, body: Any, reply: Optional[Reply]
) -> web.StreamResponse:
    match = _GOOGLE_PATH.match(path)
    _require(request.method == "POST" and match is not None, 404, f"Not found: {path}")
    assert match is not None
    model, method = match["model"], match["method"]
    _require(method in ("generateContent", "streamGenerateContent"), 404, f"no method {method}")
    _require(bool(request.query.get("key")), 403, "Method doesn't allow unregistered callers")
    _check_gemini_body(body)
    if method == "generateContent":
        return _gemini_answer(GOOGLE, model)
    # Without ?alt=sse Gemini streams one JSON array, each element on its own lines, separated
    # by ",\r\n" -- the gateway splits that stream on "\r\n".
    response = web.StreamResponse()
    response.content_type = "application/json"
    await response.prepare(request)
    for index in range(len(STREAM_PIECES)):
        opening = "[" if index == 0 else ",\r\n"
        await response.write(f"{opening}{json.dumps(_gemini_element(index, model))}\n".encode())
    await response.write(b"]")
    await response.write_eof()
    return response


# --- vertex ai (gemini models) -----------------------------------------------------------------


async def _vertex(
    request: web.Request, path: str, body: Any, reply: Optional[Reply]
) -> web.StreamResponse:
    match = _VERTEX_PATH.match(path)
    _require(request.method == "POST" and match is not None, 404, f"Not found: {path}")
    assert match is not None
    model, method = match["model"], match["method"]
    _require(method in ("generateContent", "streamGenerateContent"), 404, f"no method {method}")
    auth = request.headers.get("Authorization", "")
    _require(
        auth.startswith("Bearer ") and len(auth) > 7,
        401,
        "Request is missing required authentication credential.",
    )
    _check_gemini_body(body)
    if method == "generateContent":
        return _gemini_answer(VERTEX, model)
    _require(request.query.get("alt") == "sse", 400, "this stand-in streams only with alt=sse")
    response = await _sse_response(request)
    for index in range(len(STREAM_PIECES)):
        await response.write(f"data: {json.dumps(_gemini_element(index, model))}\r\n\r\n".encode())
    await response.write_eof()
    return response


# --- bedrock (converse) ------------------------------------------------------------------------


def _bedrock_error(code: int, message: str) -> Dict[str, Any]:
    return {"message": message}


async def _bedrock(
    request: web.Request, path: str, body: Any, reply: Optional[Reply]
) -> web.StreamResponse:
    match = _BEDROCK_PATH.match(path)
    _require(request.method == "POST" and match is not None, 404, f"Not found: {path}")
    assert match is not None
    signed = _SIGV4.match(request.headers.get("Authorization", ""))
    _require(
        signed is not None and bool(request.headers.get("x-amz-date")),
        403,
        "Missing Authentication Token",
    )
    _require(isinstance(body, dict) and bool(body.get("messages")), 400, "messages is required")
    for message in body["messages"]:
        _require(
            isinstance(message.get("content"), list),
            400,
            "Malformed input request: messages.content must be a list of content blocks",
        )
    return web.json_response(
        {
            "output": {
                "message": {"role": "assistant", "content": [{"text": answer_text(BEDROCK)}]}
            },
            "stopReason": "end_turn",
            "usage": {
                "inputTokens": INPUT_TOKENS,
                "outputTokens": OUTPUT_TOKENS,
                "totalTokens": INPUT_TOKENS + OUTPUT_TOKENS,
            },
            "metrics": {"latencyMs": 12},
        }
    )


# --- azure openai ------------------------------------------------------------------------------


def _azure_error(code: int, message: str) -> Dict[str, Any]:
    return {"error": {"code": str(code), "message": message, "param": None, "type": None}}


async def _azure(
    request: web.Request, path: str, body: Any, reply: Optional[Reply]
) -> web.StreamResponse:
    match = _AZURE_PATH.match(path)
    _require(request.method == "POST" and match is not None, 404, "Resource not found")
    assert match is not None
    _require(
        bool(request.headers.get("api-key")), 401, "Access denied due to invalid subscription key"
    )
    _require(
        bool(request.query.get("api-version")),
        404,
        "Resource not found (the api-version query parameter is required)",
    )
    _require(
        isinstance(body, dict) and bool(body.get("messages")),
        400,
        "'messages' is a required property",
    )
    # Azure names the model behind the deployment, whatever the request said.
    model = f"model-of-{match['deployment']}"
    return web.json_response(_openai_chat(answer_text(AZURE), model, "chatcmpl-azure-1"))


def _openai_chat(text: str, model: str, answer_id: str) -> Dict[str, Any]:
    """A chat completion in the OpenAI format, which Azure and Hugging Face's route answer in."""
    return {
        "id": answer_id,
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": INPUT_TOKENS,
            "completion_tokens": OUTPUT_TOKENS,
            "total_tokens": INPUT_TOKENS + OUTPUT_TOKENS,
        },
    }


# --- hugging face inference api ------------------------------------------------------------------


def _huggingface_error(code: int, message: str) -> Dict[str, Any]:
    return {"error": message, "error_type": "validation" if code < 500 else "generation"}


async def _huggingface(
    request: web.Request, path: str, body: Any, reply: Optional[Reply]
) -> web.StreamResponse:
    match = _HUGGINGFACE_PATH.match(path)
    _require(request.method == "POST" and match is not None, 404, "Not Found")
    assert match is not None
    auth = request.headers.get("Authorization", "")
    _require(
        auth.startswith("Bearer ") and len(auth) > 7,
        401,
        "Invalid credentials in Authorization header",
    )
    _require(isinstance(body, dict) and bool(body.get("messages")), 422, "missing field `messages`")
    return web.json_response(
        _openai_chat(answer_text(HUGGINGFACE), match["model"], "chatcmpl-hf-1")
    )


_HANDLERS = {
    ANTHROPIC: _anthropic,
    COHERE: _cohere,
    GOOGLE: _google,
    AZURE: _azure,
    HUGGINGFACE: _huggingface,
    VERTEX: _vertex,
    BEDROCK: _bedrock,
}
_ERROR_BODIES = {
    ANTHROPIC: _anthropic_error,
    COHERE: _cohere_error,
    GOOGLE: _google_error,
    AZURE: _azure_error,
    HUGGINGFACE: _huggingface_error,
    VERTEX: _google_error,
    BEDROCK: _bedrock_error,
}
