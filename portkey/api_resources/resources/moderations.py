"""``moderations``: whether text (or images) break a provider's content policy."""

from typing import Any, List, Mapping, Optional, Union

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..exceptions import InvalidRequestError
from ..responses_extra import ModerationCreateResponse
from .base import AsyncAPIResource, Call, SyncAPIResource, body_of, query_of, request_options

ModerationInput = Union[str, List[str], List[Mapping[str, Any]]]


def moderation_call(
    *,
    input: Any,
    model: Optional[str],
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``POST /moderations``."""
    if not isinstance(input, (str, list)) or not input:
        raise InvalidRequestError(
            "input must be a non-empty string or list (of strings or content parts); got "
            f"{type(input).__name__}",
            field="input",
        )
    return Call(
        "POST",
        "/moderations",
        cast_to=ModerationCreateResponse,
        body=body_of({"input": input, "model": model}, params, extra_body),
        params=query_of(params),
        request_options=request_options(extra_headers, timeout, max_retries),
    )


class Moderations(SyncAPIResource):
    """``client.moderations``."""

    def create(
        self,
        *,
        input: ModerationInput,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> ModerationCreateResponse:
        """Classify ``input``: ``results[i].flagged`` and per-category verdicts."""
        call = moderation_call(
            input=input,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]


class AsyncModerations(AsyncAPIResource):
    """``client.moderations`` on :class:`AsyncPortkey`."""

    async def create(
        self,
        *,
        input: ModerationInput,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> ModerationCreateResponse:
        """Async twin of :meth:`Moderations.create`."""
        call = moderation_call(
            input=input,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]
