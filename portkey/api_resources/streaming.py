"""Server-sent events: an incremental decoder and the stream objects callers iterate.

A stream yields typed chunks as their bytes arrive and ends at the ``[DONE]`` marker. It never
ends quietly when something went wrong: a connection that breaks, a body that stops before
``[DONE]`` (unless every choice already reported a finish reason) or an ``{"error": ...}``
event all raise. Streams are context managers; leaving the block or calling ``close()``
releases the connection.
"""

from typing import (
    Any,
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generic,
    Iterator,
    List,
    Mapping,
    NoReturn,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)

from pydantic import ValidationError

from .exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    StreamInterruptedError,
    error_message,
)
from .response_meta import ResponseMeta, attach_new
from .responses import APIResponse, ChatCompletionChunk, GatewayInfo, TextCompletion
from .secrets import redact, redact_json

ChunkT = TypeVar("ChunkT", bound=APIResponse)

DONE_MARKER = "[DONE]"
_DONE_BYTES = DONE_MARKER.encode()
_DONE = (DONE_MARKER, _DONE_BYTES)
#: Chunk types whose ``choices`` are models with ``index`` and ``finish_reason`` fields.
_TYPED_CHOICES = (ChatCompletionChunk, TextCompletion)


class ServerSentEvent:
    """One decoded event: its ``event`` type (``None`` for the default) and ``data`` text."""

    __slots__ = ("data", "event")

    def __init__(self, data: str, event: Optional[str] = None) -> None:
        self.data = data
        self.event = event

    def __repr__(self) -> str:
        return f"ServerSentEvent(event={self.event!r}, data={self.data!r})"


class SSEDecoder:
    """Turns a byte stream into events, following the WHATWG event-stream rules.

    Lines end with LF, CRLF or CR; a blank line dispatches the event; ``data`` lines of one
    event are joined with LF; lines starting with ``:`` are comments. ``idle`` is true when
    nothing is pending (no partial line, data or event type): the next read starts afresh.
    """

    def __init__(self) -> None:
        self._pending = b""
        self._data: List[str] = []
        self._event: Optional[str] = None
        self.idle = True

    def feed(self, chunk: bytes) -> List[ServerSentEvent]:
        """Decode what ``chunk`` completes; keep any unfinished line for the next call."""
        data = self._pending + chunk
        if b"\r" in data:
            # A CR at the very end may be the first half of a CRLF split across chunks.
            held = b"\r" if data.endswith(b"\r") else b""
            if held:
                data = data[:-1]
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            lines = data.split(b"\n")
            self._pending = lines.pop() + held
        else:
            lines = data.split(b"\n")
            self._pending = lines.pop()
        events: List[ServerSentEvent] = []
        for line in lines:
            event = self._line(line)
            if event is not None:
                events.append(event)
        self.idle = not self._pending and not self._data and self._event is None
        return events

    def flush(self) -> List[ServerSentEvent]:
        """Decode what is left when the body ends (a final line with no line break)."""
        events = self.feed(b"\n") if self._pending else []
        event = self._line(b"")
        if event is not None:
            events.append(event)
        self.idle = not self._pending and not self._data and self._event is None
        return events

    def _line(self, raw: bytes) -> Optional[ServerSentEvent]:
        if not raw:
            if not self._data:
                self._event = None
                return None
            event = ServerSentEvent("\n".join(self._data), self._event)
            self._data = []
            self._event = None
            return event
        if raw.startswith(b"data: "):
            # Nearly every line; the same result as the general path below, in fewer steps.
            self._data.append(raw[6:].decode("utf-8", errors="replace"))
            return None
        line = raw.decode("utf-8", errors="replace")
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        return None


class _ChunkParser(Generic[ChunkT]):
    """What sync and async streams share: turning events into chunks and noticing the end."""

    def __init__(
        self, cast_to: Type[ChunkT], headers: Mapping[str, str], secrets: Tuple[str, ...]
    ) -> None:
        self.cast_to = cast_to
        if not cast_to.__pydantic_complete__:
            cast_to.model_rebuild()  # models build on first use (defer_build)
        self._validate_json: Callable[[Union[str, bytes]], ChunkT] = (
            cast_to.__pydantic_validator__.validate_json
        )
        self.headers = dict(headers)
        self.meta = ResponseMeta(self.headers)
        self.secrets = secrets
        self.decoder = SSEDecoder()
        self.chunks = 0
        self.done = False
        self._finished_choices: set[Any] = set()
        self._seen_choices: set[Any] = set()
        # Chat and text chunks declare `choices` of models with `index` and `finish_reason`
        # fields, so the per-chunk tracking reads them directly; other types are probed.
        self._typed_choices = issubclass(cast_to, _TYPED_CHOICES)

    def parse_usual(self, data: bytes) -> Optional[ChunkT]:
        """The chunk a read of the body carries when it is the usual one: exactly one one-line
        ``data:`` event of the default type, nothing pending. ``None`` for any other read (then
        decode it with ``decoder.feed``, which gives the same result) and for the end marker
        (then ``done`` is set).

        Gateways flush one event per write, so this runs for nearly every chunk: it takes the
        data without an event object, line splitting or decoding, and does what
        :meth:`parse_data` and :meth:`_accept` do with their steps inline.
        """
        # Indexing and `in` with a byte value (10 is LF, 13 is CR) are the cheapest checks
        # bytes have (`b"\r" in data` or `data.count(...)` cost several times more). The
        # prefix test comes first: it also makes the read long enough to index.
        if not (self.decoder.idle and data[:6] == b"data: " and data[-1] == 10 == data[-2]):
            return None
        payload = data[6:-2]
        if 10 in payload or 13 in payload:
            return None  # more than one line
        if payload == _DONE_BYTES:
            self.done = True
            return None
        try:
            # The model's validator itself: model_validate_json only adds a Python call.
            chunk = self._validate_json(payload)
        except ValidationError:
            chunk = self._validate_text(payload)
        extra = chunk.__pydantic_extra__
        if extra and "error" in extra:
            self._raise_error_event(chunk)
        attach_new(chunk, self.meta)  # one meta object for the whole stream
        self.chunks += 1
        if self._typed_choices:
            for choice in chunk.choices:  # type: ignore[attr-defined]
                index = choice.index
                self._seen_choices.add(index)
                if choice.finish_reason:
                    self._finished_choices.add(index)
        else:
            self._track_choices(chunk)
        return chunk

    def parse(self, event: ServerSentEvent) -> Optional[ChunkT]:
        """The chunk an event carries, ``None`` for the end marker; raises on an error event."""
        return self.parse_data(event.data, event.event)

    def parse_data(self, data: Union[str, bytes], event: Optional[str] = None) -> Optional[ChunkT]:
        """The chunk an event's ``data`` carries (text, or UTF-8 bytes; ``event`` is its type,
        ``None`` for the default), ``None`` for the end marker; raises on an error event."""
        if data in _DONE:
            self.done = True
            return None
        try:
            chunk = self._validate_json(data)
        except ValidationError:
            chunk = self._validate_text(data)
        return self._accept(chunk, event)

    def _accept(self, chunk: ChunkT, event: Optional[str]) -> ChunkT:
        # The general path's bookkeeping; parse_usual does the same inline.
        extra = chunk.__pydantic_extra__
        if event == "error" or (extra and "error" in extra):
            self._raise_error_event(chunk)
        attach_new(chunk, self.meta)
        self.chunks += 1
        self._track_choices(chunk)
        return chunk

    def _track_choices(self, chunk: ChunkT) -> None:
        # Which choices were seen, and finished, for any chunk type (check_complete reads it).
        for choice in getattr(chunk, "choices", None) or ():
            index = getattr(choice, "index", None)
            self._seen_choices.add(index)
            if getattr(choice, "finish_reason", None):
                self._finished_choices.add(index)

    def _raise_error_event(self, chunk: ChunkT) -> NoReturn:
        body = redact_json(chunk.to_dict(), self.secrets)
        status = _error_status(body)
        raise APIStatusError(
            redact(f"error event in stream: {error_message(status, body)}", self.secrets),
            status_code=status,
            body=body,
            headers=self.headers,
        )

    def _validate_text(self, data: Union[str, bytes]) -> ChunkT:
        # Bytes that are not UTF-8 are read as text with replacement characters, as the
        # general decoder does; anything else that fails is reported.
        text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
        try:
            if isinstance(data, bytes):
                return self._validate_json(text)
        except ValidationError:
            pass
        text = redact(text, self.secrets)
        raise APIResponseValidationError(
            f"stream chunk {self.chunks + 1} is not valid JSON: {text[:200]}",
            status_code=200,
            body=text,
        ) from None

    def check_complete(self) -> None:
        """Raise when the body ended without the end marker and mid-answer."""
        if self.done:
            return
        if self._seen_choices and self._seen_choices <= self._finished_choices:
            return  # every choice finished; only the marker is missing
        raise StreamInterruptedError(
            f"stream ended after {self.chunks} chunks without the [DONE] marker; the answer is "
            "incomplete",
            chunks_received=self.chunks,
        )

    def interrupted(self, exc: APIConnectionError) -> StreamInterruptedError:
        """The error to raise when the connection broke mid-stream."""
        if isinstance(exc, StreamInterruptedError):
            return exc
        return StreamInterruptedError(
            f"stream broke after {self.chunks} chunks: {exc.message}",
            chunks_received=self.chunks,
        )


def _error_status(body: Any) -> int:
    error = body.get("error") if isinstance(body, dict) else None
    for source in (error, body):
        if isinstance(source, dict):
            for key in ("status", "status_code", "code"):
                value = source.get(key)
                if isinstance(value, int) and 400 <= value <= 599:
                    return value
    return 500


class Stream(Generic[ChunkT]):
    """A streamed response: iterate it for typed chunks.

    ``gateway`` tells which target is answering. Use it as a context manager, or call
    ``close()``, to release the connection when you stop early.
    """

    def __init__(
        self,
        *,
        cast_to: Type[ChunkT],
        body: Iterator[bytes],
        close: Callable[[], None],
        headers: Mapping[str, str],
        secrets: Tuple[str, ...] = (),
    ) -> None:
        self._parser = _ChunkParser(cast_to, headers, secrets)
        self._body = body
        self._close = close
        self._closed = False
        self._iterator = self._chunks()

    @property
    def gateway(self) -> GatewayInfo:
        """Which target serves this stream, and the gateway's other response headers."""
        return GatewayInfo.from_headers(self._parser.headers)

    def get_headers(self) -> dict[str, str]:
        """The response headers (names in lower case)."""
        return dict(self._parser.headers)

    def __iter__(self) -> Iterator[ChunkT]:
        # The generator itself, so that a for loop skips __next__'s extra call per chunk.
        return self._iterator

    def __next__(self) -> ChunkT:
        return next(self._iterator)

    def _chunks(self) -> Iterator[ChunkT]:
        parser = self._parser
        parse_usual = parser.parse_usual
        try:
            try:
                for data in self._body:
                    chunk = parse_usual(data)
                    if chunk is not None:  # the usual read: one event (see parse_usual)
                        yield chunk
                        continue
                    if parser.done:
                        return  # complete: see below
                    for event in parser.decoder.feed(data):
                        chunk = parser.parse(event)
                        if chunk is None:
                            # The answer is complete: stop now. Waiting for the body to end
                            # would hang on a server that keeps the connection open.
                            return
                        yield chunk
                for event in parser.decoder.flush():
                    chunk = parser.parse(event)
                    if chunk is None:
                        return
                    yield chunk
            except APIConnectionError as exc:
                raise parser.interrupted(exc) from exc
            parser.check_complete()
        finally:
            self.close()

    def close(self) -> None:
        """Release the connection. Safe to call more than once."""
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> "Stream[ChunkT]":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncStream(Generic[ChunkT]):
    """The async twin of :class:`Stream`: ``async for chunk in stream``, ``async with``,
    ``await stream.close()``."""

    def __init__(
        self,
        *,
        cast_to: Type[ChunkT],
        body: AsyncIterator[bytes],
        close: Callable[[], None],
        headers: Mapping[str, str],
        secrets: Tuple[str, ...] = (),
    ) -> None:
        self._parser = _ChunkParser(cast_to, headers, secrets)
        self._body = body
        self._close = close
        self._closed = False
        self._iterator = self._chunks()

    @property
    def gateway(self) -> GatewayInfo:
        """Which target serves this stream, and the gateway's other response headers."""
        return GatewayInfo.from_headers(self._parser.headers)

    def get_headers(self) -> dict[str, str]:
        """The response headers (names in lower case)."""
        return dict(self._parser.headers)

    def __aiter__(self) -> AsyncIterator[ChunkT]:
        # The generator itself, so that async for skips __anext__'s extra await per chunk.
        return self._iterator

    async def __anext__(self) -> ChunkT:
        return await self._iterator.__anext__()

    async def _chunks(self) -> AsyncGenerator[ChunkT, None]:
        parser = self._parser
        parse_usual = parser.parse_usual
        try:
            try:
                async for data in self._body:
                    chunk = parse_usual(data)
                    if chunk is not None:  # the usual read: one event (see parse_usual)
                        yield chunk
                        continue
                    if parser.done:
                        return  # complete: never wait on the server after [DONE]
                    for event in parser.decoder.feed(data):
                        chunk = parser.parse(event)
                        if chunk is None:
                            return  # complete: never wait on the server after [DONE]
                        yield chunk
                for event in parser.decoder.flush():
                    chunk = parser.parse(event)
                    if chunk is None:
                        return
                    yield chunk
            except APIConnectionError as exc:
                raise parser.interrupted(exc) from exc
            parser.check_complete()
        finally:
            self._release()

    def _release(self) -> None:
        if not self._closed:
            self._closed = True
            self._close()

    async def close(self) -> None:
        """Release the connection; iteration then stops. Safe to call more than once.

        ``close`` is the openai SDK's name for this (code written for it calls
        ``await stream.close()``); :meth:`aclose` is the same."""
        self._release()
        await self._iterator.aclose()

    async def aclose(self) -> None:
        """The same as :meth:`close` (the name asynchronous generators use)."""
        await self.close()

    async def __aenter__(self) -> "AsyncStream[ChunkT]":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
