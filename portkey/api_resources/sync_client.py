"""The synchronous API client: a :class:`BaseClient` bound to the :class:`SyncRequestor` it owns
(or borrows, for a copy made by ``with_options``)."""

from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Type, TypeVar, Union, overload

from .base_client import NO_REQUEST_OPTIONS, BaseClient, Call, ClientOptions, RequestOptions
from .requestor import SyncRequestor
from .responses import APIResponse, BinaryResponse
from .streaming import Stream
from .transport import FileSpec

if TYPE_CHECKING:  # aiohttp is loaded only when a sync websocket is opened
    from .sync_websocket import SyncWebSocket

ResponseT = TypeVar("ResponseT", bound=APIResponse)
ChunkT = TypeVar("ChunkT", bound=APIResponse)


class SyncAPIClient(BaseClient):
    """Sends calls for the sync resources.

    A client made with no ``requestor`` owns a new one (and its connection pool) and closes it
    in :meth:`close`; a client given one borrows it and never closes it.
    """

    def __init__(
        self,
        options: ClientOptions,
        requestor: Optional[SyncRequestor] = None,
        *,
        http_client: Optional[Any] = None,
    ) -> None:
        super().__init__(options)
        self._owns_requestor = requestor is None
        self._requestor = requestor or SyncRequestor(http_client=http_client)

    def send(self, call: Call) -> Any:
        """Send one :class:`Call` as its resource method described it: parsed into its
        ``cast_to``, a stream of ``stream_cls`` chunks, or bytes."""
        spec = self.spec_of(call)
        if call.binary:
            return self._requestor.request_bytes(spec)
        if call.stream:
            return self._requestor.stream(spec, call.stream_cls or call.cast_to)
        return self._requestor.request(spec, call.cast_to)

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        cast_to: Type[ResponseT],
        body: Optional[Mapping[str, Any]] = ...,
        params: Optional[Mapping[str, Any]] = ...,
        files: Optional[Mapping[str, FileSpec]] = ...,
        stream: Literal[False] = ...,
        stream_cls: Optional[Type[ChunkT]] = ...,
        request_options: RequestOptions = ...,
    ) -> ResponseT: ...

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        cast_to: Type[ResponseT],
        body: Optional[Mapping[str, Any]] = ...,
        params: Optional[Mapping[str, Any]] = ...,
        files: Optional[Mapping[str, FileSpec]] = ...,
        stream: bool,
        stream_cls: Optional[Type[ChunkT]] = ...,
        request_options: RequestOptions = ...,
    ) -> Union[ResponseT, Stream[ChunkT]]: ...

    def request(
        self,
        method: str,
        path: str,
        *,
        cast_to: Type[ResponseT],
        body: Optional[Mapping[str, Any]] = None,
        params: Optional[Mapping[str, Any]] = None,
        files: Optional[Mapping[str, FileSpec]] = None,
        stream: bool = False,
        stream_cls: Optional[Type[ChunkT]] = None,
        request_options: RequestOptions = NO_REQUEST_OPTIONS,
    ) -> Union[ResponseT, Stream[ChunkT]]:
        """Send one call; a stream of ``stream_cls`` chunks when ``stream`` is true."""
        call = Call(
            method,
            path,
            cast_to,
            body=body,
            params=params,
            files=files,
            stream=stream,
            stream_cls=stream_cls,
            request_options=request_options,
        )
        return self.send(call)  # type: ignore[no-any-return]

    def request_bytes(
        self,
        method: str,
        path: str,
        *,
        body: Optional[Mapping[str, Any]] = None,
        params: Optional[Mapping[str, Any]] = None,
        files: Optional[Mapping[str, FileSpec]] = None,
        request_options: RequestOptions = NO_REQUEST_OPTIONS,
    ) -> BinaryResponse:
        """Send one call whose answer is bytes (audio, file content, a text transcript)."""
        call = Call(
            method,
            path,
            APIResponse,  # not used: the answer is bytes
            body=body,
            params=params,
            files=files,
            binary=True,
            request_options=request_options,
        )
        return self.send(call)  # type: ignore[no-any-return]

    def websocket(
        self,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        request_options: RequestOptions = NO_REQUEST_OPTIONS,
    ) -> "SyncWebSocket":
        """Open a websocket to ``path`` with this client's headers (the realtime API). It runs
        on a loop and thread of its own (see :mod:`.sync_websocket`); close it when done."""
        from .sync_websocket import SyncWebSocket

        spec = self.build_spec("GET", path, params=params, request_options=request_options)
        return SyncWebSocket.open(spec)

    @property
    def requestor(self) -> SyncRequestor:
        """The transport this client sends through (shared with its ``with_options`` copies)."""
        return self._requestor

    def close(self) -> None:
        """Close this client's connections. A copy made by ``with_options`` borrows its
        parent's, so closing the copy closes nothing; a user's ``http_client`` stays open."""
        if self._owns_requestor:
            self._requestor.close()
