"""The asynchronous API client: a :class:`BaseClient` bound to the :class:`AsyncRequestor` it owns
(or borrows, for a copy made by ``with_options``)."""

from typing import Any, Awaitable, Mapping, Optional, Type, TypeVar, Union

from .async_requestor import AsyncRequestor, WebSocketConnection, open_websocket
from .base_client import NO_REQUEST_OPTIONS, BaseClient, Call, ClientOptions, RequestOptions
from .responses import APIResponse, BinaryResponse
from .streaming import AsyncStream
from .transport import FileSpec

ResponseT = TypeVar("ResponseT", bound=APIResponse)
ChunkT = TypeVar("ChunkT", bound=APIResponse)


class AsyncAPIClient(BaseClient):
    """Sends calls for the async resources.

    A client made with no ``requestor`` owns a new one (one pooled session per event loop it
    is used on) and closes it in :meth:`close`; a client given one borrows it.
    """

    def __init__(
        self,
        options: ClientOptions,
        requestor: Optional[AsyncRequestor] = None,
        *,
        http_client: Optional[Any] = None,
    ) -> None:
        super().__init__(options)
        self._owns_requestor = requestor is None
        self._requestor = requestor or AsyncRequestor(http_client=http_client)

    def send(self, call: Call) -> Awaitable[Any]:
        """Send one :class:`Call` as its resource method described it: parsed into its
        ``cast_to``, an async stream of ``stream_cls`` chunks, or bytes.

        Returns the requestor's coroutine for the caller to await, with no coroutine of its
        own (one layer fewer for every suspension of every call to pass through); a request
        that cannot be built raises here, inside the resource method that awaits this."""
        spec = self.spec_of(call)
        if call.binary:
            return self._requestor.request_bytes(spec)
        if call.stream:
            return self._requestor.stream(spec, call.stream_cls or call.cast_to)
        return self._requestor.request(spec, call.cast_to)

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
    ) -> Awaitable[Union[ResponseT, AsyncStream[ChunkT]]]:
        """Send one call; an async stream of ``stream_cls`` chunks when ``stream`` is true.

        Returns the requestor's coroutine for the caller to await, with no coroutine of its
        own: one layer fewer for every suspension of every call to pass through. (A request
        that cannot be built raises here, inside the resource method that awaits this.)"""
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
        return self.send(call)

    async def request_bytes(
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
        return await self.send(call)  # type: ignore[no-any-return]

    @property
    def requestor(self) -> AsyncRequestor:
        """The transport this client sends through (shared with its ``with_options`` copies)."""
        return self._requestor

    async def close(self) -> None:
        """Close this client's session on the running loop (and those of loops already
        closed). A ``with_options`` copy borrows its parent's sessions, so closing the copy
        closes nothing; a user's ``http_client`` stays open."""
        if self._owns_requestor:
            await self._requestor.aclose()

    async def websocket(
        self,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        request_options: RequestOptions = NO_REQUEST_OPTIONS,
    ) -> WebSocketConnection:
        """Open a websocket to ``path`` with this client's headers (the realtime API)."""
        spec = self.build_spec("GET", path, params=params, request_options=request_options)
        return await open_websocket(self._requestor, spec)
