"""``realtime`` (GA) and ``beta.realtime``: realtime sessions, calls, client secrets,
transcription sessions, and (on :class:`AsyncPortkey`) a live websocket.

``async with client.beta.realtime.connect(model="gpt-4o-realtime-preview") as conn:`` opens
``GET /realtime?model=...`` as a websocket with the client's ``x-portkey-*`` headers; the
connection sends and receives JSON events (``{"type": "session.update", ...}``).

``client.realtime`` is the generally available API: ``connect`` (no beta header),
``client_secrets.create`` (an ephemeral key) and ``calls`` (WebRTC/SIP calls: ``create`` posts
an SDP offer and returns the SDP answer as bytes; ``accept``, ``hangup``, ``refer``, ``reject``).

On the sync client, ``with client.realtime.connect(model=...) as conn:`` gives the same
connection with blocking ``send``/``recv`` and a plain ``for`` loop; it runs on a private event
loop and thread of its own (see :mod:`..sync_websocket`).
"""

import json
from functools import cached_property
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Dict,
    Iterator,
    Mapping,
    Optional,
    Tuple,
    Type,
    Union,
)

from ..exceptions import APIConnectionError, APIResponseValidationError, InvalidRequestError
from ..platform_types import RealtimeEvent, RealtimeSession
from ..responses import BinaryResponse, GenericResponse
from ..surface_types import RealtimeClientSecret, TranscriptionSession
from .base import AsyncAPIResource, SyncAPIResource, mapping_or_none, request_options
from .crud import AsyncCreatable, AsyncResource, Creatable, Endpoint, SyncResource, require_field
from .verbs import Verb

if TYPE_CHECKING:  # the websocket transports live with aiohttp, loaded only when one is opened
    from ..async_requestor import WebSocketConnection
    from ..sync_websocket import SyncWebSocket

SESSIONS = Endpoint("/realtime/sessions", RealtimeSession, required=("model",))
CLIENT_SECRETS = Endpoint("/realtime/client_secrets", RealtimeClientSecret)
# OpenAI's own SDK sends this header with transcription sessions; kept for compatibility.
TRANSCRIPTION_SESSIONS = Endpoint(
    "/realtime/transcription_sessions",
    TranscriptionSession,
    headers={"OpenAI-Beta": "assistants=v2"},
)
CALLS = Endpoint("/realtime/calls", GenericResponse, id_name="call_id")
REALTIME_PATH = "/realtime"
#: Providers' realtime APIs ask clients to opt in to the beta protocol.
REALTIME_BETA = {"OpenAI-Beta": "realtime=v1"}


def checked_event(event: Any) -> str:
    """The JSON text of an event to send; an event is a mapping with a string ``type``."""
    if not isinstance(event, Mapping) or not isinstance(event.get("type"), str):
        raise InvalidRequestError(
            "a realtime event is a dict with a 'type', e.g. {'type': 'response.create'}",
            field="event",
        )
    return json.dumps(dict(event))


def parse_event(text: str) -> RealtimeEvent:
    """A received frame as an event; a frame that is not a JSON object is an error."""
    try:
        return RealtimeEvent.model_validate_json(text)
    except ValueError:
        raise APIResponseValidationError(
            f"the realtime server sent a frame that is not a JSON event: {text[:200]!r}",
            status_code=101,
            body=text,
        ) from None


def connect_arguments(
    model: str,
    extra_query: Optional[Mapping[str, Any]],
    extra_headers: Optional[Mapping[str, str]],
    beta: bool,
) -> Tuple[Dict[str, Any], Any]:
    """The query and request options of a ``connect`` (checked now, before connecting):
    ``beta`` adds the header that opts in to the beta protocol."""
    require_field({"model": model}, "model")
    extra_headers = mapping_or_none(extra_headers, "extra_headers")
    extra_query = mapping_or_none(extra_query, "extra_query")
    headers = {**REALTIME_BETA, **(extra_headers or {})} if beta else extra_headers
    return {**(extra_query or {}), "model": model}, request_options(headers)


class RealtimeConnection:
    """A live realtime connection of the sync client: ``send`` events, ``recv`` them (both
    block), or ``for`` them."""

    def __init__(self, socket: "SyncWebSocket") -> None:
        self._socket = socket

    def send(self, event: Mapping[str, Any]) -> None:
        """Send one event (a dict with a ``type``)."""
        self._socket.send_text(checked_event(event))

    def recv(self) -> RealtimeEvent:
        """The next event (blocking until it comes); raises :class:`APIConnectionError` if the
        connection has closed."""
        text = self._socket.receive_text()
        if text is None:
            raise APIConnectionError("the realtime connection is closed")
        return parse_event(text)

    def __iter__(self) -> Iterator[RealtimeEvent]:
        while True:
            text = self._socket.receive_text()
            if text is None:
                return
            yield parse_event(text)

    @property
    def closed(self) -> bool:
        """Whether the connection is closed."""
        return self._socket.closed

    def close(self) -> None:
        """Close the connection and end its thread."""
        self._socket.close()


class RealtimeConnectionManager:
    """What the sync ``connect`` returns: ``with`` it for a connection closed on exit (or
    ``manager.enter()`` and close the connection yourself)."""

    def __init__(
        self, realtime: "Union[Realtime, MainRealtime]", query: Mapping[str, Any], options: Any
    ) -> None:
        self._realtime = realtime
        self._query = dict(query)
        self._options = options
        self._connection: Optional[RealtimeConnection] = None

    def enter(self) -> RealtimeConnection:
        """Open the connection."""
        socket = self._realtime._client.websocket(
            REALTIME_PATH, params=self._query, request_options=self._options
        )
        self._connection = RealtimeConnection(socket)
        return self._connection

    def __enter__(self) -> RealtimeConnection:
        return self.enter()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._connection is not None:
            self._connection.close()


class AsyncRealtimeConnection:
    """A live realtime connection: ``send`` events, ``recv`` them, or ``async for`` them."""

    def __init__(self, socket: "WebSocketConnection") -> None:
        self._socket = socket

    async def send(self, event: Mapping[str, Any]) -> None:
        """Send one event (a dict with a ``type``)."""
        await self._socket.send_text(checked_event(event))

    async def recv(self) -> RealtimeEvent:
        """The next event; raises :class:`APIConnectionError` if the connection has closed."""
        text = await self._socket.receive_text()
        if text is None:
            raise APIConnectionError("the realtime connection is closed")
        return parse_event(text)

    async def __aiter__(self) -> AsyncIterator[RealtimeEvent]:
        while True:
            text = await self._socket.receive_text()
            if text is None:
                return
            yield parse_event(text)

    @property
    def closed(self) -> bool:
        """Whether the connection is closed."""
        return self._socket.closed

    async def close(self) -> None:
        """Close the connection."""
        await self._socket.close()


class AsyncRealtimeConnectionManager:
    """What ``connect`` returns: ``async with`` it for a connection closed on exit (or
    ``await manager.enter()`` and close the connection yourself)."""

    def __init__(
        self,
        realtime: "Union[AsyncRealtime, AsyncMainRealtime]",
        query: Mapping[str, Any],
        options: Any,
    ) -> None:
        self._realtime = realtime
        self._query = dict(query)
        self._options = options
        self._connection: Optional[AsyncRealtimeConnection] = None

    async def enter(self) -> AsyncRealtimeConnection:
        """Open the connection."""
        socket = await self._realtime._client.websocket(
            REALTIME_PATH, params=self._query, request_options=self._options
        )
        self._connection = AsyncRealtimeConnection(socket)
        return self._connection

    async def __aenter__(self) -> AsyncRealtimeConnection:
        return await self.enter()

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._connection is not None:
            await self._connection.close()


class CallVerbs:
    """``create(sdp=...)`` (the SDP answer, as bytes) and the verbs on one call."""

    endpoint = CALLS
    create = Verb(
        "POST",
        "",
        BinaryResponse,
        on_item=False,
        required=("sdp",),
        binary=True,
        headers={"Accept": "application/sdp"},
    )
    accept = Verb("POST", "accept", GenericResponse, required=("type",))
    hangup = Verb("POST", "hangup", GenericResponse)
    refer = Verb("POST", "refer", GenericResponse, required=("target_uri",))
    reject = Verb("POST", "reject", GenericResponse)


class Calls(CallVerbs, SyncResource):
    """``client.realtime.calls``: ``create``, ``accept``, ``hangup``, ``refer``, ``reject``."""


class AsyncCalls(CallVerbs, AsyncResource):
    """Async twin of :class:`Calls`."""


class ClientSecrets(Creatable[RealtimeClientSecret]):
    """``client.realtime.client_secrets``: ``create`` (an ephemeral key for a client)."""

    endpoint = CLIENT_SECRETS


class AsyncClientSecrets(AsyncCreatable[RealtimeClientSecret]):
    """Async twin of :class:`ClientSecrets`."""

    endpoint = CLIENT_SECRETS


class TranscriptionSessions(Creatable[TranscriptionSession]):
    """``client.beta.realtime.transcription_sessions``: ``create``."""

    endpoint = TRANSCRIPTION_SESSIONS


class AsyncTranscriptionSessions(AsyncCreatable[TranscriptionSession]):
    """Async twin of :class:`TranscriptionSessions`."""

    endpoint = TRANSCRIPTION_SESSIONS


class RealtimeSessions(Creatable[RealtimeSession]):
    """``client.beta.realtime.sessions``: ``create`` (an ephemeral client secret)."""

    endpoint = SESSIONS


class AsyncRealtimeSessions(AsyncCreatable[RealtimeSession]):
    """Async twin of :class:`RealtimeSessions`."""

    endpoint = SESSIONS


class Realtime(SyncAPIResource):
    """``client.beta.realtime`` on the sync client: ``connect``, ``sessions``,
    ``transcription_sessions``."""

    @cached_property
    def sessions(self) -> RealtimeSessions:
        """Realtime sessions."""
        return RealtimeSessions(self._client)

    @cached_property
    def transcription_sessions(self) -> TranscriptionSessions:
        """Realtime transcription sessions."""
        return TranscriptionSessions(self._client)

    def connect(
        self,
        *,
        model: str,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> RealtimeConnectionManager:
        """A realtime connection for ``model``, opened by ``with`` (checked now, sent then)."""
        query, options = connect_arguments(model, extra_query, extra_headers, beta=True)
        return RealtimeConnectionManager(self, query, options)


class MainRealtime(SyncAPIResource):
    """``client.realtime`` (GA) on the sync client: ``connect``, ``calls``, ``client_secrets``."""

    @cached_property
    def calls(self) -> Calls:
        """WebRTC / SIP calls."""
        return Calls(self._client)

    @cached_property
    def client_secrets(self) -> ClientSecrets:
        """Ephemeral keys."""
        return ClientSecrets(self._client)

    def connect(
        self,
        *,
        model: str,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> RealtimeConnectionManager:
        """A GA realtime connection for ``model`` (no beta header), opened by ``with``."""
        query, options = connect_arguments(model, extra_query, extra_headers, beta=False)
        return RealtimeConnectionManager(self, query, options)


class AsyncRealtime(AsyncAPIResource):
    """``client.beta.realtime`` on :class:`AsyncPortkey`: ``connect`` and ``sessions``."""

    @cached_property
    def sessions(self) -> AsyncRealtimeSessions:
        """Realtime sessions."""
        return AsyncRealtimeSessions(self._client)

    @cached_property
    def transcription_sessions(self) -> AsyncTranscriptionSessions:
        """Realtime transcription sessions."""
        return AsyncTranscriptionSessions(self._client)

    def connect(
        self,
        *,
        model: str,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> AsyncRealtimeConnectionManager:
        """A realtime connection for ``model``, opened by ``async with`` (checked now, sent
        then)."""
        query, options = connect_arguments(model, extra_query, extra_headers, beta=True)
        return AsyncRealtimeConnectionManager(self, query, options)


class AsyncMainRealtime(AsyncAPIResource):
    """``client.realtime`` (GA) on :class:`AsyncPortkey`: ``connect``, ``calls``,
    ``client_secrets``."""

    @cached_property
    def calls(self) -> AsyncCalls:
        """WebRTC / SIP calls."""
        return AsyncCalls(self._client)

    @cached_property
    def client_secrets(self) -> AsyncClientSecrets:
        """Ephemeral keys."""
        return AsyncClientSecrets(self._client)

    def connect(
        self,
        *,
        model: str,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> AsyncRealtimeConnectionManager:
        """A GA realtime connection for ``model`` (no beta header), opened by ``async with``."""
        query, options = connect_arguments(model, extra_query, extra_headers, beta=False)
        return AsyncRealtimeConnectionManager(self, query, options)
