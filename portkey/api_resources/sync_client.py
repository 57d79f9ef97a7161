"""The synchronous API client: a :class:`BaseClient` bound to a shared :class:`SyncRequestor`."""

from typing import Any, Literal, Mapping, Optional, Type, TypeVar, Union, overload

from .base_client import NO_REQUEST_OPTIONS, BaseClient, ClientOptions, RequestOptions
from .requestor import SyncRequestor
from .responses import APIResponse, BinaryResponse
from .streaming import Stream
from .transport import FileSpec

ResponseT = TypeVar("ResponseT", bound=APIResponse)
ChunkT = TypeVar("ChunkT", bound=APIResponse)

_shared_requestor: Optional[SyncRequestor] = None


def shared_requestor() -> SyncRequestor:
    """The process-wide sync requestor, so every client shares one pool per thread."""
    global _shared_requestor
    if _shared_requestor is None:
        _shared_requestor = SyncRequestor()
    return _shared_requestor


class SyncAPIClient(BaseClient):
    """Sends calls for the sync resources."""

    def __init__(self, options: ClientOptions, requestor: Optional[SyncRequestor] = None) -> None:
        super().__init__(options)
        self._requestor = requestor or shared_requestor()

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
        spec = self.build_spec(
            method,
            path,
            body=body,
            params=params,
            files=files,
            stream=stream,
            request_options=request_options,
        )
        if stream:
            return self._requestor.stream(spec, stream_cls or cast_to)  # type: ignore[arg-type]
        return self._requestor.request(spec, cast_to)

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
        spec = self.build_spec(
            method, path, body=body, params=params, files=files, request_options=request_options
        )
        return self._requestor.request_bytes(spec)

    def close(self) -> None:
        """Close this thread's pooled connections."""
        self._requestor.close()
