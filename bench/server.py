"""A deliberately fast loopback HTTP/1.1 server for the benchmark.

It answers every POST with a canned OpenAI-format chat completion, or, when the JSON body asks
for ``"stream": true``, with a canned server-sent-event stream of ``--stream-chunks`` chunk
events plus ``[DONE]`` (one HTTP chunk per event, as a gateway flushes them). Every answer is
built once at start-up, so the server spends almost nothing per request and the client's own
cost (SDK or raw) dominates what the benchmark sees.

It runs in its own process (``python -m bench.server``), not in a thread of the benchmark:
a thread would compete for the benchmark's GIL and blur the numbers. The SDK runs and the raw
runs talk to the same server process. It speaks just enough HTTP/1.1 for this: keep-alive,
pipelining, ``Content-Length`` request bodies. It prints ``PORT <n>`` once it listens.
"""

import argparse
import asyncio
import json
import sys
from typing import Dict, List, Optional

CREATED = 1_700_000_000
MODEL = "gpt-4o-mini"
#: Response headers a gateway adds; sent on both answers so clients parse realistic headers.
GATEWAY_HEADERS = (
    b"x-portkey-last-used-option-index: config.targets[0]\r\n"
    b"x-portkey-retry-attempt-count: 0\r\n"
    b"x-portkey-cache-status: DISABLED\r\n"
    b"x-portkey-provider: openai\r\n"
)


def completion_body() -> bytes:
    """The JSON of one non-streamed chat completion."""
    answer = {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": CREATED,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello! How can I help you today?"},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 9, "total_tokens": 18},
        "system_fingerprint": "fp_bench",
    }
    return json.dumps(answer, separators=(",", ":")).encode()


def stream_events(chunks: int) -> List[bytes]:
    """The SSE events of one streamed answer: ``chunks`` chunk events, then ``[DONE]``."""
    events = []
    for index in range(chunks):
        last = index == chunks - 1
        delta: Dict[str, str] = {}
        if index == 0:
            delta = {"role": "assistant", "content": ""}
        elif not last:
            delta = {"content": f"tok{index % 100} "}
        chunk = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": MODEL,
            "choices": [{"index": 0, "delta": delta, "finish_reason": "stop" if last else None}],
        }
        events.append(b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    return events


def completion_response() -> bytes:
    """The whole HTTP response for a non-streamed call."""
    body = completion_body()
    head = (
        b"HTTP/1.1 200 OK\r\n"
        b"Content-Type: application/json\r\n"
        + GATEWAY_HEADERS
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
    )
    return head + body


def stream_response(chunks: int) -> bytes:
    """The whole HTTP response for a streamed call: chunked transfer, one HTTP chunk per event."""
    head = (
        b"HTTP/1.1 200 OK\r\n"
        b"Content-Type: text/event-stream\r\n"
        b"Cache-Control: no-cache\r\n" + GATEWAY_HEADERS + b"Transfer-Encoding: chunked\r\n\r\n"
    )
    parts = [head]
    for event in stream_events(chunks):
        parts.append(b"%x\r\n%s\r\n" % (len(event), event))
    parts.append(b"0\r\n\r\n")
    return b"".join(parts)


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
OK_EMPTY = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


class BenchProtocol(asyncio.Protocol):
    """One keep-alive connection: parse request heads and bodies, write canned answers."""

    def __init__(self, completion: bytes, stream: bytes) -> None:
        self._completion = completion
        self._stream = stream
        self._buffer = b""
        self._transport: Optional[asyncio.Transport] = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Remember the transport to answer on."""
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        """Answer every complete request in the buffer (clients may pipeline)."""
        buffer = self._buffer + data
        transport = self._transport
        assert transport is not None
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buffer[:end]
            length = 0
            lowered = head.lower()
            at = lowered.find(b"\r\ncontent-length:")
            if at >= 0:
                stop = lowered.find(b"\r\n", at + 2)
                length = int(lowered[at + 17 : stop if stop >= 0 else len(lowered)])
            total = end + 4 + length
            if len(buffer) < total:
                break
            body = buffer[end + 4 : total]
            buffer = buffer[total:]
            if head.startswith(b"POST "):
                wants_stream = b'"stream":true' in body or b'"stream": true' in body
                transport.write(self._stream if wants_stream else self._completion)
            elif head.startswith(b"GET "):
                transport.write(OK_EMPTY)
            else:
                transport.write(NOT_FOUND)
        self._buffer = buffer


async def serve(port: int, stream_chunks: int) -> None:
    """Listen on 127.0.0.1:``port`` (0 picks a free one), print the port, serve forever."""
    completion = completion_response()
    stream = stream_response(stream_chunks)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: BenchProtocol(completion, stream), "127.0.0.1", port, backlog=1024
    )
    sockets = server.sockets or ()
    print(f"PORT {sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: Optional[List[str]] = None) -> None:
    """Command line: ``python -m bench.server [--port N] [--stream-chunks N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--stream-chunks", type=int, default=5000)
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.port, args.stream_chunks))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
