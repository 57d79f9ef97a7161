"""``embeddings``: vectors for text."""

from typing import Any, List, Mapping, Optional, Union

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..exceptions import InvalidRequestError
from ..responses import CreateEmbeddingResponse
from .base import AsyncAPIResource, Call, SyncAPIResource, body_of, query_of, request_options

EmbeddingInput = Union[str, List[str], List[int], List[List[int]]]


def embedding_call(
    *,
    input: Any,
    model: Optional[str],
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """The call for one embeddings request."""
    if not isinstance(input, (str, list)) or (isinstance(input, list) and not input):
        raise InvalidRequestError(
            "input must be a string or a non-empty list of strings/tokens", field="input"
        )
    return Call(
        "POST",
        "/embeddings",
        cast_to=CreateEmbeddingResponse,
        body=body_of({"model": model, "input": input}, params, extra_body),
        params=query_of(params),
        request_options=request_options(extra_headers, timeout, max_retries),
    )


class Embeddings(SyncAPIResource):
    """``client.embeddings``."""

    def create(
        self,
        *,
        input: EmbeddingInput,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> CreateEmbeddingResponse:
        """Embed ``input`` (a string or a list of them)."""
        call = embedding_call(
            input=input,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]


class AsyncEmbeddings(AsyncAPIResource):
    """``client.embeddings`` on :class:`AsyncPortkey`."""

    async def create(
        self,
        *,
        input: EmbeddingInput,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> CreateEmbeddingResponse:
        """Async twin of :meth:`Embeddings.create`."""
        call = embedding_call(
            input=input,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]
