"""The SSE decoder and the stream objects, fed bytes directly: line endings split across reads,
comments, multi-line data, the end marker, error events, and streams that end too early."""

import asyncio
import json
from typing import AsyncIterator, Iterable, List

import pytest

from portkey import (
    APIResponseValidationError,
    APIStatusError,
    AsyncStream,
    ChatCompletionChunk,
    Stream,
    StreamInterruptedError,
)
from portkey.api_resources.streaming import SSEDecoder


def decode(*reads: bytes) -> List[str]:
    decoder = SSEDecoder()
    events = [event for read in reads for event in decoder.feed(read)]
    events.extend(decoder.flush())
    return [event.data for event in events]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_every_line_ending(newline: bytes) -> None:
    body = b"data: one" + newline + newline + b"data: two" + newline + newline
    assert decode(body) == ["one", "two"]


def test_crlf_split_across_reads() -> None:
    assert decode(b"data: one\r", b"\n\r", b"\ndata: two\r\n\r\n") == ["one", "two"]


def test_byte_at_a_time() -> None:
    body = b'data: {"a": 1}\n\ndata: [DONE]\n\n'
    assert decode(*[body[i : i + 1] for i in range(len(body))]) == ['{"a": 1}', "[DONE]"]


def test_comments_fields_and_multiline_data() -> None:
    body = b": keep-alive\nevent: update\nid: 7\nretry: 10\ndata: line1\ndata:line2\n\n"
    decoder = SSEDecoder()
    (event,) = decoder.feed(body)
    assert (event.event, event.data) == ("update", "line1\nline2")


def test_final_event_without_trailing_blank_line() -> None:
    assert decode(b"data: last") == ["last"]


def test_multibyte_utf8_split_across_reads() -> None:
    encoded = "data: Zoë ✓\n\n".encode()
    assert decode(encoded[:8], encoded[8:]) == ["Zoë ✓"]


def chunk(content: str, finish: object = None) -> bytes:
    payload = {"choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}]}
    return f"data: {json.dumps(payload)}\n\n".encode()


def sync_stream(reads: Iterable[bytes], closed: List[bool]) -> Stream[ChatCompletionChunk]:
    return Stream(
        cast_to=ChatCompletionChunk,
        body=iter(list(reads)),
        close=lambda: closed.append(True),
        headers={"x-portkey-last-used-option-index": "config.targets[2]"},
        secrets=("sk-secret-value-1234",),
    )


def test_stream_yields_typed_chunks_and_stops_at_done() -> None:
    closed: List[bool] = []
    stream = sync_stream([chunk("he"), chunk("llo"), b"data: [DONE]\n\n", chunk("ignored")], closed)
    assert stream.gateway.target_index == 2
    assert [c.choices[0].delta.content for c in stream] == ["he", "llo"]
    assert closed == [True]


def test_stream_ending_without_done_mid_answer_raises() -> None:
    with pytest.raises(StreamInterruptedError) as info:
        list(sync_stream([chunk("he"), chunk("llo")], []))
    assert info.value.chunks_received == 2


def test_stream_ending_without_done_after_finish_reason_is_complete() -> None:
    chunks = list(sync_stream([chunk("hi"), chunk("", finish="stop")], []))
    assert len(chunks) == 2


def test_empty_stream_raises() -> None:
    with pytest.raises(StreamInterruptedError):
        list(sync_stream([], []))


def test_error_event_raises_with_status_and_masked_secret() -> None:
    error = {"error": {"message": "bad key sk-secret-value-1234", "status": 401}}
    reads = [chunk("a"), f"data: {json.dumps(error)}\n\n".encode()]
    with pytest.raises(APIStatusError) as info:
        list(sync_stream(reads, []))
    assert info.value.status_code == 401
    assert "sk-secret-value-1234" not in str(info.value)


def test_malformed_chunk_raises() -> None:
    with pytest.raises(APIResponseValidationError, match="chunk 2"):
        list(sync_stream([chunk("a"), b"data: {not json\n\n"], []))


def test_close_is_idempotent() -> None:
    closed: List[bool] = []
    stream = sync_stream([chunk("a")], closed)
    stream.close()
    stream.close()
    assert closed == [True]


def test_async_stream_matches_sync_behaviour() -> None:
    async def body(reads: List[bytes]) -> AsyncIterator[bytes]:
        for read in reads:
            yield read

    async def collect(reads: List[bytes]) -> List[str]:
        stream = AsyncStream(
            cast_to=ChatCompletionChunk, body=body(reads), close=lambda: None, headers={}
        )
        return [c.choices[0].delta.content or "" async for c in stream]

    assert asyncio.run(collect([chunk("a"), chunk("b"), b"data: [DONE]\n\n"])) == ["a", "b"]
    with pytest.raises(StreamInterruptedError):
        asyncio.run(collect([chunk("a")]))
