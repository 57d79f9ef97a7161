"""What every resource shares. A resource method builds a :class:`Call` (pure: path, body,
response type) and hands it to ``_send``; the sync and async twins differ only there."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Dict, Mapping, Optional, Type, Union

from ..base_client import NO_REQUEST_OPTIONS, NOT_GIVEN, NotGiven, RequestOptions, Timeout
from ..exceptions import InvalidRequestError
from ..responses import APIResponse, BinaryResponse
from ..transport import FileSpec

if TYPE_CHECKING:  # the clients import requests / aiohttp; resources load neither themselves
    from ..async_client import AsyncAPIClient
    from ..sync_client import SyncAPIClient


# Not frozen: one is built per call, and a frozen dataclass sets each field through
# object.__setattr__ (several microseconds here). Nothing changes a Call once built.
@dataclass
class Call:
    """One API call, described without sending it."""

    method: str
    path: str
    cast_to: Type[APIResponse]
    body: Optional[Mapping[str, Any]] = None
    params: Optional[Mapping[str, Any]] = None
    files: Optional[Mapping[str, FileSpec]] = None
    stream: bool = False
    stream_cls: Optional[Type[APIResponse]] = None
    binary: bool = False
    request_options: RequestOptions = field(default_factory=RequestOptions)


def request_options(
    extra_headers: Optional[Mapping[str, str]] = None,
    timeout: Timeout = NOT_GIVEN,
    max_retries: Union[int, NotGiven] = NOT_GIVEN,
) -> RequestOptions:
    """Per-call options from the keyword arguments every resource method accepts."""
    if extra_headers is None and timeout is NOT_GIVEN and max_retries is NOT_GIVEN:
        return NO_REQUEST_OPTIONS  # the usual call: no per-call options to build
    return RequestOptions(extra_headers=extra_headers, timeout=timeout, max_retries=max_retries)


#: The per-call keyword whose entries go to the query string, never into the body.
EXTRA_QUERY = "extra_query"


def query_of(params: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The call's query string from its ``extra_query`` keyword (``None`` when there is none).

    Every resource method takes ``extra_query``; :func:`body_of` leaves it out of the body, so
    a call builder passes this as its :class:`Call`'s ``params``.
    """
    extra_query = params.get(EXTRA_QUERY)
    if extra_query is None:
        return None
    if not isinstance(extra_query, Mapping):
        raise InvalidRequestError(
            f"extra_query must be a dict of query parameters; got {type(extra_query).__name__}",
            field=EXTRA_QUERY,
        )
    return dict(extra_query) or None


def body_of(
    fields: Mapping[str, Any], params: Mapping[str, Any], extra_body: Optional[Mapping[str, Any]]
) -> Dict[str, Any]:
    """A request body: the named fields that are set, other provider params, then extra_body.

    ``extra_query`` among ``params`` is not part of the body (see :func:`query_of`).

    ``model`` must be a string and ``stream`` a bool: a wrong type is refused here, naming the
    parameter, rather than sent for the provider to reject or misread.
    """
    model = fields.get("model")
    if model is not None and not isinstance(model, str):
        raise InvalidRequestError(
            f"model must be a string; got {type(model).__name__}", field="model"
        )
    stream = fields.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise InvalidRequestError(
            f"stream must be True or False; got {type(stream).__name__}", field="stream"
        )
    body = {name: value for name, value in fields.items() if value is not None}
    body.update(params)
    body.pop(EXTRA_QUERY, None)
    if extra_body:
        body.update(extra_body)
    return body


class SyncAPIResource:
    """Base of the sync resources: holds the client and sends calls through it."""

    def __init__(self, client: "SyncAPIClient") -> None:
        self._client = client

    def _send(self, call: Call) -> Any:
        if call.binary:
            return self._client.request_bytes(
                call.method,
                call.path,
                body=call.body,
                params=call.params,
                files=call.files,
                request_options=call.request_options,
            )
        return self._client.request(
            call.method,
            call.path,
            cast_to=call.cast_to,
            body=call.body,
            params=call.params,
            files=call.files,
            stream=call.stream,
            stream_cls=call.stream_cls,
            request_options=call.request_options,
        )


class AsyncAPIResource:
    """Base of the async resources: holds the client and awaits calls through it."""

    def __init__(self, client: "AsyncAPIClient") -> None:
        self._client = client

    def _send(self, call: Call) -> Awaitable[Any]:
        # Returns the client's coroutine for the caller to await (no coroutine of its own: one
        # layer fewer for every suspension of every call to pass through).
        if call.binary:
            return self._client.request_bytes(
                call.method,
                call.path,
                body=call.body,
                params=call.params,
                files=call.files,
                request_options=call.request_options,
            )
        return self._client.request(
            call.method,
            call.path,
            cast_to=call.cast_to,
            body=call.body,
            params=call.params,
            files=call.files,
            stream=call.stream,
            stream_cls=call.stream_cls,
            request_options=call.request_options,
        )


__all__ = [
    "EXTRA_QUERY",
    "AsyncAPIResource",
    "BinaryResponse",
    "Call",
    "SyncAPIResource",
    "body_of",
    "query_of",
]
