"""What every resource shares. A resource method builds a :class:`Call` (pure: path, body,
response type) and hands it to ``_send``; the sync and async twins differ only there."""

from typing import TYPE_CHECKING, Any, Awaitable, Dict, Mapping, Optional, Union

from ..base_client import (
    NO_REQUEST_OPTIONS,
    NOT_GIVEN,
    Call,
    NotGiven,
    RequestOptions,
    Timeout,
)
from ..exceptions import InvalidRequestError
from ..responses import BinaryResponse

if TYPE_CHECKING:  # the clients import requests / aiohttp; resources load neither themselves
    from ..async_client import AsyncAPIClient
    from ..sync_client import SyncAPIClient


def mapping_or_none(value: Any, name: str) -> Optional[Mapping[str, Any]]:
    """``value`` when it is a dict (any mapping) or ``None``; raises
    :class:`InvalidRequestError` naming ``name`` otherwise (before anything is sent)."""
    if value is None or isinstance(value, Mapping):
        return value
    raise InvalidRequestError(
        f"{name} must be a dict, like {{'key': 'value'}}; got {type(value).__name__}",
        field=name,
    )


def request_options(
    extra_headers: Optional[Mapping[str, str]] = None,
    timeout: Timeout = NOT_GIVEN,
    max_retries: Union[int, NotGiven] = NOT_GIVEN,
) -> RequestOptions:
    """Per-call options from the keyword arguments every resource method accepts."""
    if extra_headers is None and timeout is NOT_GIVEN and max_retries is NOT_GIVEN:
        return NO_REQUEST_OPTIONS  # the usual call: no per-call options to build
    return RequestOptions(
        extra_headers=mapping_or_none(extra_headers, "extra_headers"),
        timeout=timeout,
        max_retries=max_retries,
    )


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
    if params:
        body.update(params)
        body.pop(EXTRA_QUERY, None)
    if extra_body is not None:  # checked even when empty: an empty list is no dict either
        body.update(mapping_or_none(extra_body, "extra_body") or {})
    return body


class SyncAPIResource:
    """Base of the sync resources: holds the client and sends calls through it."""

    def __init__(self, client: "SyncAPIClient") -> None:
        self._client = client

    def _send(self, call: Call) -> Any:
        return self._client.send(call)


class AsyncAPIResource:
    """Base of the async resources: holds the client and awaits calls through it."""

    def __init__(self, client: "AsyncAPIClient") -> None:
        self._client = client

    def _send(self, call: Call) -> Awaitable[Any]:
        # The client's coroutine, for the caller to await (no coroutine of its own: one
        # layer fewer for every suspension of every call to pass through).
        return self._client.send(call)


__all__ = [
    "EXTRA_QUERY",
    "AsyncAPIResource",
    "BinaryResponse",
    "Call",
    "SyncAPIResource",
    "body_of",
    "mapping_or_none",
    "query_of",
]
