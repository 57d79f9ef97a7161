"""A scriptable stand-in for an OpenAI-format LLM provider, for tests.

``ProviderStub`` is an aiohttp app served on a free 127.0.0.1 port by its own event loop in a
background thread, so synchronous tests, asyncio tests and the gateway (a separate process) can
all talk to it. Each gateway target reaches it through its own path prefix
(``host_for("a") -> http://127.0.0.1:PORT/t/a/v1``) so the stub knows which target was hit;
requests without that prefix belong to the target ``"default"``.

Per target, ``script(name, *actions)`` queues behaviours consumed one per request (then the
default, ``ok()``), and every request is recorded for inspection with ``requests(name)``.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple, Type, Union

from aiohttp import web

from portkey.local.gateway import LOOPBACK_HOST

DEFAULT_TARGET = "default"
DEFAULT_STREAM_CHUNKS = 5
TARGET_PREFIX = "/t/"
# A fixed timestamp keeps answers byte-for-byte reproducible between runs.
CREATED = 1_700_000_000


# --- scripted actions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ok:
    """Answer normally (the default once a target's script is used up)."""


@dataclass(frozen=True)
class Status:
    """Answer with ``code``; the body defaults to an OpenAI-style error object."""

    code: int
    json_body: Optional[Any] = None
    headers: Optional[Dict[str, str]] = None


@dataclass(frozen=True)
class Slow:
    """Wait ``seconds`` before answering normally."""

    seconds: float


@dataclass(frozen=True)
class Reset:
    """Abort the TCP connection (RST) without sending any response."""


@dataclass(frozen=True)
class CutStream:
    """Start a normal SSE stream, send ``after_chunks`` chunks, then drop the connection.

    The connection is closed (FIN) without the chunked body's terminator or ``[DONE]``, so the
    chunks sent before the cut are certain to arrive and the body is visibly incomplete.
    """

    after_chunks: int


@dataclass(frozen=True)
class MalformedJson:
    """Answer 200 with ``application/json`` content that is not valid JSON."""


@dataclass(frozen=True)
class EmptyBody:
    """Answer 200 with ``application/json`` content type and an empty body."""


@dataclass(frozen=True)
class HtmlError:
    """Answer ``code`` with an HTML error page, as a proxy or load balancer would."""

    code: int


@dataclass(frozen=True)
class SseEvents:
    """Answer 200 with a server-sent event stream of exactly these JSON ``payloads`` (then
    ``data: [DONE]`` when ``done``)."""

    payloads: Tuple[Any, ...]
    done: bool = True


@dataclass(frozen=True)
class Answer:
    """Answer normally (after waiting ``seconds``) with ``text`` as the content; ``text`` may
    be a function of the request's JSON body, to answer what was asked."""

    text: Union[str, Callable[[Any], str]]
    seconds: float = 0.0


Action = Union[
    Ok, Status, Slow, Reset, CutStream, MalformedJson, EmptyBody, HtmlError, SseEvents, Answer
]

MALFORMED_JSON_BODY = b'{"id": "chatcmpl-broken", "choices": [{"message": '


def ok() -> Ok:
    """Answer normally."""
    return Ok()


def status(
    code: int, json_body: Optional[Any] = None, headers: Optional[Dict[str, str]] = None
) -> Status:
    """Answer with HTTP ``code``, an optional JSON body and optional extra headers."""
    return Status(code, json_body, headers)


def slow(seconds: float) -> Slow:
    """Wait ``seconds`` and then answer normally."""
    return Slow(seconds)


def answer(text: Union[str, Callable[[Any], str]], seconds: float = 0.0) -> Answer:
    """Answer with ``text`` (or ``text(request_json)``) as the content, after ``seconds``."""
    return Answer(text, seconds)


def reset() -> Reset:
    """Abort the connection without a response."""
    return Reset()


def cut_stream(after_chunks: int) -> CutStream:
    """Send ``after_chunks`` SSE chunks, then abort the connection."""
    return CutStream(after_chunks)


def malformed_json() -> MalformedJson:
    """Answer 200 with a broken JSON body."""
    return MalformedJson()


def empty_body() -> EmptyBody:
    """Answer 200 with an empty body."""
    return EmptyBody()


def html_error(code: int) -> HtmlError:
    """Answer ``code`` with an HTML error page."""
    return HtmlError(code)


def sse_events(*payloads: Any, done: bool = True) -> SseEvents:
    """Answer with an SSE stream of ``payloads`` (each sent as one ``data:`` event)."""
    return SseEvents(tuple(payloads), done)


# --- recording --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the stub received it.

    ``path`` is the full request path (``/t/a/v1/chat/completions``); ``endpoint`` is the part
    after the target's ``/v1`` base (``/chat/completions``). Header names are lower-cased.
    """

    target: str
    method: str
    path: str
    endpoint: str
    query: str
    headers: Dict[str, str]
    body: bytes
    json: Optional[Any]
    received_at: float = field(compare=False)
    #: Every header line as sent, in order (``headers`` keeps one value per name).
    header_lines: Tuple[Tuple[str, str], ...] = field(default=(), compare=False)

    def header_values(self, name: str) -> List[str]:
        """Every value sent for header ``name`` (any spelling of its case)."""
        return [value for key, value in self.header_lines if key.lower() == name.lower()]


def split_target(path: str) -> Tuple[str, str]:
    """Split a request path into (target name, endpoint under the target's /v1 base)."""
    name = DEFAULT_TARGET
    rest = path
    if path.startswith(TARGET_PREFIX):
        name, _, tail = path[len(TARGET_PREFIX) :].partition("/")
        rest = "/" + tail
    if rest == "/v1" or rest.startswith("/v1/"):
        rest = rest[len("/v1") :] or "/"
    return name, rest


def stream_pieces(text: str, chunks: int) -> List[str]:
    """Split ``text`` into ``chunks`` consecutive pieces that join back to ``text``."""
    size = len(text)
    return [text[i * size // chunks : (i + 1) * size // chunks] for i in range(chunks)]


def answer_text(name: str) -> str:
    """The content every normal answer from target ``name`` carries."""
    return f"hello from {name}"


# --- the server -------------------------------------------------------------------------------


class ProviderStub:
    """An OpenAI-format provider stand-in on 127.0.0.1, scripted per target name."""

    def __init__(self) -> None:
        """Prepare an unstarted stub; call ``start()`` or use it as a context manager."""
        self._lock = threading.Lock()
        self._scripts: Dict[str, Deque[Action]] = defaultdict(deque)
        self._records: List[RecordedRequest] = []
        self._stream_chunks = DEFAULT_STREAM_CHUNKS
        self._stream_delay = 0.0
        self._counter = 0
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._runner: Optional[web.AppRunner] = None
        self._sock: Optional[socket.socket] = None
        self._port: Optional[int] = None

    # lifecycle

    def start(self) -> ProviderStub:
        """Serve on a free loopback port from a background thread; returns self."""
        if self._thread is not None:
            return self
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((LOOPBACK_HOST, 0))
        self._port = int(self._sock.getsockname()[1])
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="provider-stub", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(self._sock), loop).result(timeout=10)
        return self

    async def _serve(self, sock: socket.socket) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # Like a real provider, stop working on an answer once the caller hangs up; and do not
        # wait long at shutdown for a slow() answer nobody is waiting for.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5
        )
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    def stop(self) -> None:
        """Stop serving and join the thread; safe to call more than once."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        if self._sock is not None:
            self._sock.close()
        self._loop = self._thread = self._runner = self._sock = None

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        # Handlers still sleeping in a slow() answer would otherwise be destroyed while pending.
        current = asyncio.current_task()
        leftovers = [task for task in asyncio.all_tasks() if task is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    def __enter__(self) -> ProviderStub:
        """Start the stub."""
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        """Stop the stub."""
        self.stop()

    # addresses

    @property
    def port(self) -> int:
        """The port the stub listens on."""
        if self._port is None:
            raise RuntimeError("ProviderStub is not started")
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{LOOPBACK_HOST}:{self.port}"

    def host_for(self, name: str) -> str:
        """The ``custom_host`` a gateway target uses to reach this stub as target ``name``."""
        if not name or "/" in name:
            raise ValueError(f"target name must be non-empty and contain no '/': {name!r}")
        return f"{self.url}{TARGET_PREFIX}{name}/v1"

    # scripting

    def script(self, name: str, *actions: Action) -> None:
        """Queue ``actions`` for target ``name``, consumed one per request, then ``ok()``."""
        with self._lock:
            self._scripts[name].extend(actions)

    def set_stream_chunks(self, chunks: int, delay: float = 0.0) -> None:
        """Make streamed answers ``chunks`` content chunks long, ``delay`` seconds apart."""
        if chunks < 1:
            raise ValueError("a stream needs at least one chunk")
        with self._lock:
            self._stream_chunks = chunks
            self._stream_delay = delay

    def reset(self) -> None:
        """Forget all scripts and recorded requests and restore the default stream shape."""
        with self._lock:
            self._scripts.clear()
            self._records.clear()
            self._stream_chunks = DEFAULT_STREAM_CHUNKS
            self._stream_delay = 0.0

    def requests(self, name: Optional[str] = None) -> List[RecordedRequest]:
        """Requests received so far, oldest first; only target ``name``'s when given."""
        with self._lock:
            return [r for r in self._records if name is None or r.target == name]

    # request handling (runs on the stub's loop)

    def _take(self, request: web.Request, body: bytes) -> Tuple[RecordedRequest, Action, int]:
        name, endpoint = split_target(request.path)
        try:
            parsed: Optional[Any] = json.loads(body) if body else None
        except ValueError:
            parsed = None
        record = RecordedRequest(
            target=name,
            method=request.method,
            path=request.path,
            endpoint=endpoint,
            query=request.query_string,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            json=parsed,
            received_at=time.monotonic(),
            header_lines=tuple(request.headers.items()),
        )
        with self._lock:
            self._records.append(record)
            self._counter += 1
            queue = self._scripts.get(name)
            action: Action = queue.popleft() if queue else Ok()
            return record, action, self._counter

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        record, action, serial = self._take(request, await request.read())
        if isinstance(action, (Slow, Answer)):
            await asyncio.sleep(action.seconds)
        elif isinstance(action, Status):
            body = action.json_body
            if body is None:
                body = {
                    "error": {
                        "message": f"scripted status {action.code}",
                        "type": "stub_error",
                        "param": None,
                        "code": None,
                    }
                }
            return web.json_response(body, status=action.code, headers=action.headers)
        elif isinstance(action, Reset):
            return _abort(request)
        elif isinstance(action, MalformedJson):
            return web.Response(body=MALFORMED_JSON_BODY, content_type="application/json")
        elif isinstance(action, EmptyBody):
            return web.Response(body=b"", content_type="application/json")
        elif isinstance(action, HtmlError):
            page = f"<html><body><h1>{action.code} Error</h1><p>stub page</p></body></html>"
            return web.Response(status=action.code, text=page, content_type="text/html")
        elif isinstance(action, SseEvents):
            return await _send_events(request, action)

        cut_after = action.after_chunks if isinstance(action, CutStream) else None
        text = answer_text(record.target)
        if isinstance(action, Answer):
            text = action.text if isinstance(action.text, str) else action.text(record.json)
        return await self._answer(request, record, serial, cut_after, text)

    async def _answer(
        self,
        request: web.Request,
        record: RecordedRequest,
        serial: int,
        cut_after: Optional[int],
        text: str,
    ) -> web.StreamResponse:
        body = record.json if isinstance(record.json, dict) else {}
        model = body.get("model", "stub-model")
        endpoint = record.endpoint
        if request.method == "POST" and endpoint in ("/chat/completions", "/completions"):
            chat = endpoint == "/chat/completions"
            if body.get("stream") or cut_after is not None:
                include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                return await self._stream(
                    request, chat, model, text, serial, cut_after, include_usage
                )
            answer = _completion(chat, model, text, serial)
            if chat:
                _shape_chat_answer(answer, body)
            return web.json_response(answer)
        if request.method == "POST" and endpoint == "/embeddings":
            return web.json_response(_embeddings(model, body.get("input")))
        if request.method == "GET" and endpoint == "/models":
            return web.json_response(_models(record.target))
        return web.json_response({})

    async def _stream(
        self,
        request: web.Request,
        chat: bool,
        model: str,
        text: str,
        serial: int,
        cut_after: Optional[int],
        include_usage: bool,
    ) -> web.StreamResponse:
        with self._lock:
            chunks, delay = self._stream_chunks, self._stream_delay
        response = web.StreamResponse(headers={"Cache-Control": "no-cache"})
        response.content_type = "text/event-stream"
        await response.prepare(request)
        pieces = stream_pieces(text, chunks)
        for index, piece in enumerate(pieces):
            if cut_after is not None and index >= cut_after:
                return _abort(request, reset=False)
            last = index == len(pieces) - 1
            chunk = _chunk(chat, model, piece, serial, first=index == 0, last=last)
            await response.write(sse(chunk))
            if delay:
                await asyncio.sleep(delay)
        if cut_after is not None:
            return _abort(request, reset=False)
        if include_usage:
            await response.write(sse(_usage_chunk(chat, model, text, serial)))
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


def _abort(request: web.Request, reset: bool = True) -> web.StreamResponse:
    """Drop the connection mid-answer; aiohttp then discards the returned response quietly.

    ``reset`` sends a TCP RST. Otherwise the connection is closed with a FIN after the bytes
    already written: a RST could make the peer's kernel discard chunks it had not read yet,
    which would make "N chunks, then the cut" nondeterministic.
    """
    transport = request.transport
    if transport is not None:
        if reset:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                # SO_LINGER with a zero timeout turns close() into a reset instead of a FIN.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        else:
            transport.close()
    return web.Response()


async def _send_events(request: web.Request, action: SseEvents) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Cache-Control": "no-cache"})
    response.content_type = "text/event-stream"
    await response.prepare(request)
    for payload in action.payloads:
        await response.write(sse(payload))
    if action.done:
        await response.write(b"data: [DONE]\n\n")
    await response.write_eof()
    return response


# --- OpenAI-format payloads -------------------------------------------------------------------


def sample_of(schema: Any, defs: Optional[Dict[str, Any]] = None) -> Any:
    """A value that satisfies a (simple) JSON schema: each property present, the first enum
    member, ``"stub"`` for strings, ``1`` for integers, ``1.5`` for numbers, ``True`` for
    booleans, one item for arrays. Follows ``$ref`` into ``$defs``."""
    if not isinstance(schema, dict):
        return None
    defs = {**(defs or {}), **schema.get("$defs", {}), **schema.get("definitions", {})}
    if "$ref" in schema:
        return sample_of(defs.get(str(schema["$ref"]).rsplit("/", 1)[-1]), defs)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return sample_of(options[0], defs)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: sample_of(sub, defs) for name, sub in props.items()}
    if kind == "array":
        return [sample_of(schema.get("items", {}), defs)]
    return {"string": "stub", "integer": 1, "number": 1.5, "boolean": True}.get(str(kind))


def _shape_chat_answer(answer: Dict[str, Any], request: Dict[str, Any]) -> None:
    """Answer like a model would to ``tools`` and ``response_format``.

    With ``tools`` and no tool result yet, the answer calls the first function tool with
    arguments sampled from its parameters' schema (``finish_reason`` ``tool_calls``). After a
    ``tool`` message, the answer quotes the tool's result. A ``json_schema`` response format
    gets content sampled from the schema; ``json_object`` gets ``{"answer": ...}``.
    """
    message = answer["choices"][0]["message"]
    messages = request.get("messages") or []
    last = messages[-1] if messages and isinstance(messages[-1], dict) else {}
    tools = [t for t in request.get("tools") or [] if t.get("type") == "function"]
    if last.get("role") == "tool":
        message["content"] = f"the tool said: {last.get('content')}"
        return
    if tools and request.get("tool_choice") != "none":
        function = tools[0]["function"]
        arguments = sample_of(function.get("parameters") or {}) or {}
        message["content"] = None
        message["tool_calls"] = [
            {
                "id": f"call_stub_{len(messages)}",
                "type": "function",
                "function": {"name": function["name"], "arguments": json.dumps(arguments)},
            }
        ]
        answer["choices"][0]["finish_reason"] = "tool_calls"
        return
    response_format = request.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema") or {}
        message["content"] = json.dumps(sample_of(schema))
    elif response_format.get("type") == "json_object":
        message["content"] = json.dumps({"answer": message["content"]})


def sse(payload: Dict[str, Any]) -> bytes:
    """One server-sent event carrying ``payload`` as JSON."""
    return f"data: {json.dumps(payload)}\n\n".encode()


def _usage(text: str) -> Dict[str, int]:
    completion = len(text.split())
    return {"prompt_tokens": 3, "completion_tokens": completion, "total_tokens": 3 + completion}


def _completion(chat: bool, model: str, text: str, serial: int) -> Dict[str, Any]:
    if chat:
        choice: Dict[str, Any] = {
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "logprobs": None,
            "finish_reason": "stop",
        }
        return {
            "id": f"chatcmpl-stub-{serial}",
            "object": "chat.completion",
            "created": CREATED,
            "model": model,
            "choices": [choice],
            "usage": _usage(text),
        }
    return {
        "id": f"cmpl-stub-{serial}",
        "object": "text_completion",
        "created": CREATED,
        "model": model,
        "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": "stop"}],
        "usage": _usage(text),
    }


def _chunk(
    chat: bool, model: str, piece: str, serial: int, first: bool, last: bool
) -> Dict[str, Any]:
    finish = "stop" if last else None
    if chat:
        delta: Dict[str, Any] = (
            {"role": "assistant", "content": piece} if first else {"content": piece}
        )
        return {
            "id": f"chatcmpl-stub-{serial}",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
    return {
        "id": f"cmpl-stub-{serial}",
        "object": "text_completion",
        "created": CREATED,
        "model": model,
        "choices": [{"index": 0, "text": piece, "logprobs": None, "finish_reason": finish}],
    }


def _usage_chunk(chat: bool, model: str, text: str, serial: int) -> Dict[str, Any]:
    return {
        "id": f"{'chatcmpl' if chat else 'cmpl'}-stub-{serial}",
        "object": "chat.completion.chunk" if chat else "text_completion",
        "created": CREATED,
        "model": model,
        "choices": [],
        "usage": _usage(text),
    }


def _embeddings(model: str, given: Any) -> Dict[str, Any]:
    inputs = given if isinstance(given, list) else [given]
    data = [
        # Deterministic vectors derived from the input let tests tell the items apart.
        {"object": "embedding", "index": i, "embedding": [float(len(str(item))), float(i), 0.5]}
        for i, item in enumerate(inputs)
    ]
    tokens = sum(len(str(item).split()) for item in inputs)
    return {
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def _models(owner: str) -> Dict[str, Any]:
    return {
        "object": "list",
        "data": [{"id": "stub-model", "object": "model", "created": CREATED, "owned_by": owner}],
    }
