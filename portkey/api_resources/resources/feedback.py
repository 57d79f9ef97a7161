"""``feedback`` (hosted service only): score a request by its trace id, or change a score.

``create`` sends ``POST /feedback`` with ``{"trace_id", "value", "weight", "metadata"}``;
``update`` sends ``PUT /feedback/{feedback_id}`` with ``{"value", "weight", "metadata"}``;
``bulk_create(feedbacks=[...])`` sends several in one ``POST /feedback`` whose body is the JSON
array of them (``feedback_ids`` come back in the same order);
``list`` and ``retrieve`` come from the read side in :mod:`.logs`.
``value`` is a whole number from -10 to 10 and ``weight`` a number from 0 to 1 (the API's
ranges), checked before anything is sent.
"""

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union, cast

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..exceptions import InvalidRequestError
from ..responses_extra import FeedbackResponse
from .base import Call, body_of, query_of, request_options
from .crud import require_id
from .logs import AsyncFeedbackQueries, FeedbackQueries  # list / retrieve

MIN_VALUE, MAX_VALUE = -10, 10
_FEEDBACK_FIELDS = ("trace_id", "value", "weight", "metadata")


def _checked_fields(value: Any, weight: Any, metadata: Any) -> Dict[str, Any]:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_VALUE <= value <= MAX_VALUE:
        raise InvalidRequestError(
            f"value must be a whole number from {MIN_VALUE} to {MAX_VALUE}; got {value!r}",
            field="value",
        )
    if weight is not None and (
        isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1
    ):
        raise InvalidRequestError(
            f"weight must be a number from 0 to 1; got {weight!r}", field="weight"
        )
    if metadata is not None and not isinstance(metadata, Mapping):
        raise InvalidRequestError(
            f"metadata must be a dict; got {type(metadata).__name__}", field="metadata"
        )
    return {"value": value, "weight": weight, "metadata": metadata}


def feedback_create_call(
    *,
    trace_id: Any,
    value: Any,
    weight: Any,
    metadata: Any,
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``POST /feedback``."""
    if not isinstance(trace_id, str) or not trace_id.strip():
        raise InvalidRequestError(
            "trace_id must be the non-empty trace id of the request to score (its "
            "x-portkey-trace-id)",
            field="trace_id",
        )
    fields = {"trace_id": trace_id, **_checked_fields(value, weight, metadata)}
    return Call(
        "POST",
        "/feedback",
        cast_to=FeedbackResponse,
        body=body_of(fields, params, extra_body),
        params=query_of(params),
        request_options=request_options(extra_headers, timeout, max_retries),
    )


def feedback_bulk_create_call(
    feedbacks: Any,
    *,
    extra_headers: Optional[Mapping[str, str]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``POST /feedback`` with a JSON array of feedbacks, each checked like ``create``'s."""
    if not isinstance(feedbacks, Sequence) or isinstance(feedbacks, (str, bytes)) or not feedbacks:
        raise InvalidRequestError(
            "feedbacks must be a non-empty list of {'trace_id': ..., 'value': ...} dicts",
            field="feedbacks",
        )
    checked: List[Dict[str, Any]] = []
    for index, item in enumerate(feedbacks):
        if not isinstance(item, Mapping):
            raise InvalidRequestError(
                f"feedbacks[{index}] must be a dict; got {type(item).__name__}", field="feedbacks"
            )
        fields = feedback_create_call(
            trace_id=item.get("trace_id"),
            value=item.get("value"),
            weight=item.get("weight"),
            metadata=item.get("metadata"),
            params={k: v for k, v in item.items() if k not in _FEEDBACK_FIELDS},
            extra_headers=None,
            extra_body=None,
            timeout=NOT_GIVEN,
            max_retries=NOT_GIVEN,
        ).body
        checked.append(dict(fields or {}))
    try:
        json.dumps(checked, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidRequestError(
            f"feedbacks cannot be sent as JSON: {error}", field="feedbacks"
        ) from None
    return Call(
        "POST",
        "/feedback",
        cast_to=FeedbackResponse,
        # The API takes the array itself as the body; the transport sends any JSON value.
        body=cast(Mapping[str, Any], checked),
        request_options=request_options(extra_headers, timeout, max_retries),
    )


def feedback_update_call(
    *,
    feedback_id: Any,
    value: Any,
    weight: Any,
    metadata: Any,
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``PUT /feedback/{feedback_id}``."""
    path = f"/feedback/{require_id(feedback_id, 'feedback_id')}"
    return Call(
        "PUT",
        path,
        cast_to=FeedbackResponse,
        body=body_of(_checked_fields(value, weight, metadata), params, extra_body),
        params=query_of(params),
        request_options=request_options(extra_headers, timeout, max_retries),
    )


class Feedback(FeedbackQueries):
    """``client.feedback``."""

    def create(
        self,
        *,
        trace_id: str,
        value: int,
        weight: Optional[float] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> FeedbackResponse:
        """Score the request(s) of ``trace_id`` with ``value`` (-10..10), weighted by
        ``weight`` (0..1, default 1 on the server)."""
        call = feedback_create_call(
            trace_id=trace_id,
            value=value,
            weight=weight,
            metadata=metadata,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]

    def bulk_create(
        self,
        *,
        feedbacks: Sequence[Mapping[str, Any]],
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
    ) -> FeedbackResponse:
        """Score several traces in one call: each item is ``create``'s keywords as a dict."""
        call = feedback_bulk_create_call(
            feedbacks, extra_headers=extra_headers, timeout=timeout, max_retries=max_retries
        )
        return self._send(call)  # type: ignore[no-any-return]

    def update(
        self,
        feedback_id: str,
        *,
        value: int,
        weight: Optional[float] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> FeedbackResponse:
        """Change the feedback ``feedback_id`` (an id from ``create(...).feedback_ids``)."""
        call = feedback_update_call(
            feedback_id=feedback_id,
            value=value,
            weight=weight,
            metadata=metadata,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]


class AsyncFeedback(AsyncFeedbackQueries):
    """``client.feedback`` on :class:`AsyncPortkey`."""

    async def create(
        self,
        *,
        trace_id: str,
        value: int,
        weight: Optional[float] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> FeedbackResponse:
        """Async twin of :meth:`Feedback.create`."""
        call = feedback_create_call(
            trace_id=trace_id,
            value=value,
            weight=weight,
            metadata=metadata,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]

    async def bulk_create(
        self,
        *,
        feedbacks: Sequence[Mapping[str, Any]],
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
    ) -> FeedbackResponse:
        """Async twin of :meth:`Feedback.bulk_create`."""
        call = feedback_bulk_create_call(
            feedbacks, extra_headers=extra_headers, timeout=timeout, max_retries=max_retries
        )
        return await self._send(call)  # type: ignore[no-any-return]

    async def update(
        self,
        feedback_id: str,
        *,
        value: int,
        weight: Optional[float] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> FeedbackResponse:
        """Async twin of :meth:`Feedback.update`."""
        call = feedback_update_call(
            feedback_id=feedback_id,
            value=value,
            weight=weight,
            metadata=metadata,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]
