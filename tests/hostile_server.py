"""A loopback HTTP server that misbehaves on command, at the socket level, for probes.

Each request is answered by a *behaviour*: a function given the connection's socket and the
parsed request, free to write any bytes at any pace (a redirect, a body that trickles, a stream
that never ends after ``[DONE]``, a gzip bomb). The server keeps connections alive, records every
request (method, path, headers, body) and counts connections opened and still open, so tests can
see whether a client reused, released or leaked them.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import socketserver
import threading
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from portkey.local.gateway import LOOPBACK_HOST


@dataclass
class Request:
    """One request as received."""

    method: str
    path: str
    headers: Dict[str, str]
    body: bytes


Behaviour = Callable[[socket.socket, Request], bool]
"""Writes the answer; returns whether the connection may serve another request."""


def respond(
    sock: socket.socket,
    status: int,
    body: bytes = b"",
    headers: Optional[Dict[str, str]] = None,
    reason: str = "X",
) -> None:
    """Write one complete response with a Content-Length."""
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


CHAT_ANSWER = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "hello"},
            "finish_reason": "stop",
        }
    ],
}


def ok_json(payload: object = CHAT_ANSWER) -> Behaviour:
    """Answer 200 with ``payload`` as JSON."""

    def behave(sock: socket.socket, request: Request) -> bool:
        body = json.dumps(payload).encode()
        respond(sock, 200, body, {"Content-Type": "application/json"})
        return True

    return behave


def redirect(status: int, location: str) -> Behaviour:
    """Answer with a redirect to ``location``."""

    def behave(sock: socket.socket, request: Request) -> bool:
        respond(sock, status, b"", {"Location": location})
        return True

    return behave


def trickle(interval: float, body: bytes = json.dumps(CHAT_ANSWER).encode()) -> Behaviour:
    """Send the headers at once, then the body one byte every ``interval`` seconds."""

    def behave(sock: socket.socket, request: Request) -> bool:
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n"
        sock.sendall((head + "Content-Type: application/json\r\n\r\n").encode())
        for byte in body:
            time.sleep(interval)
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return False
        return True

    return behave


def sse_then_hang(events: List[str], hang: float) -> Behaviour:
    """Stream ``events`` (chunked), then keep the connection open ``hang`` seconds unfinished."""

    def behave(sock: socket.socket, request: Request) -> bool:
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        for event in events:
            data = f"data: {event}\n\n".encode()
            sock.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        deadline = time.monotonic() + hang
        sock.settimeout(0.05)
        while time.monotonic() < deadline:
            try:
                if sock.recv(1) == b"":
                    return False  # the client hung up
            except socket.timeout:
                continue
            except OSError:
                return False
        return False

    return behave


def gzip_bomb(status: int, decompressed_bytes: int) -> Behaviour:
    """Answer ``status`` with a small gzip body that decompresses to ``decompressed_bytes``."""
    payload = gzip.compress(b"0" * decompressed_bytes, compresslevel=9)

    def behave(sock: socket.socket, request: Request) -> bool:
        respond(sock, status, payload, {"Content-Encoding": "gzip", "Content-Type": "text/plain"})
        return True

    return behave


def reset_after_read() -> Behaviour:
    """Read the request, then drop the connection without answering."""

    def behave(sock: socket.socket, request: Request) -> bool:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        return False

    return behave


class HostileServer:
    """The server; ``script(*behaviours)`` queues answers, then ``default`` answers."""

    def __init__(self, default: Optional[Behaviour] = None) -> None:
        self.default = default or ok_json()
        self._script: List[Behaviour] = []
        self._lock = threading.Lock()
        self.requests: List[Request] = []
        self.connections_opened = 0
        self.connections_open = 0
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer._serve_connection(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server((LOOPBACK_HOST, 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{LOOPBACK_HOST}:{self._server.server_address[1]}"

    def script(self, *behaviours: Behaviour) -> None:
        """Answer the next requests with ``behaviours``, one each, in order."""
        with self._lock:
            self._script.extend(behaviours)

    def wait_for_open_connections(self, count: int, within: float = 5.0) -> int:
        """The number of open connections once it is ``count`` (or after ``within`` seconds)."""
        deadline = time.monotonic() + within
        while self.connections_open != count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.connections_open

    def _next(self) -> Behaviour:
        with self._lock:
            return self._script.pop(0) if self._script else self.default

    def _serve_connection(self, sock: socket.socket) -> None:
        with self._lock:
            self.connections_opened += 1
            self.connections_open += 1
        try:
            reader = sock.makefile("rb")
            while True:
                request = _read_request(reader)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                if not self._next()(sock, request):
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self.connections_open -= 1
            with contextlib.suppress(OSError):
                sock.close()


def _read_request(reader: socket.SocketIO) -> Optional[Request]:  # type: ignore[name-defined]
    line = reader.readline()
    if not line:
        return None
    method, path, _ = line.decode("latin-1").split(" ", 2)
    headers: Dict[str, str] = {}
    while True:
        header = reader.readline().decode("latin-1")
        if header in ("\r\n", "\n", ""):
            break
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = reader.read(length) if length else b""
    return Request(method, path, headers, body)


def split_request_target(path: str) -> Tuple[str, str]:
    """``/v1/x?y`` -> (``/v1/x``, ``y``)."""
    base, _, query = path.partition("?")
    return base, query
