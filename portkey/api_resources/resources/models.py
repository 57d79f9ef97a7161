"""``models``: the models a provider serves (list, retrieve) and removing a fine-tuned one."""

from typing import Any, Mapping, Optional, Union

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..responses import Model, ModelList
from ..responses_extra import ModelDeleted
from .base import AsyncAPIResource, Call, SyncAPIResource, request_options
from .crud import require_id


def models_list_call(
    *,
    extra_headers: Optional[Mapping[str, str]],
    extra_query: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``GET /models``."""
    return Call(
        "GET",
        "/models",
        cast_to=ModelList,
        params=dict(extra_query) if extra_query else None,
        request_options=request_options(extra_headers, timeout, max_retries),
    )


def model_call(
    method: str,
    model: Any,
    *,
    extra_headers: Optional[Mapping[str, str]],
    extra_query: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``GET`` or ``DELETE /models/{model}``; the id is quoted whole, so it stays one segment."""
    return Call(
        method,
        f"/models/{require_id(model, 'model')}",
        cast_to=Model if method == "GET" else ModelDeleted,
        params=dict(extra_query) if extra_query else None,
        request_options=request_options(extra_headers, timeout, max_retries),
    )


class Models(SyncAPIResource):
    """``client.models``."""

    def list(
        self,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
    ) -> ModelList:
        """The models the provider (of the virtual key, config or ``provider``) serves."""
        call = models_list_call(
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]

    def retrieve(
        self,
        model: str,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
    ) -> Model:
        """One model by id (``"gpt-4o"``)."""
        call = model_call(
            "GET",
            model,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]

    def delete(
        self,
        model: str,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
    ) -> ModelDeleted:
        """Delete a fine-tuned model you own."""
        call = model_call(
            "DELETE",
            model,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]


class AsyncModels(AsyncAPIResource):
    """``client.models`` on :class:`AsyncPortkey`."""

    async def list(
        self,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
    ) -> ModelList:
        """Async twin of :meth:`Models.list`."""
        call = models_list_call(
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]

    async def retrieve(
        self,
        model: str,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
    ) -> Model:
        """Async twin of :meth:`Models.retrieve`."""
        call = model_call(
            "GET",
            model,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]

    async def delete(
        self,
        model: str,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
    ) -> ModelDeleted:
        """Async twin of :meth:`Models.delete`."""
        call = model_call(
            "DELETE",
            model,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]
