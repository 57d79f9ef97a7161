"""``completions``: text completion for prompt-style models, whole or streamed."""

from typing import Any, List, Literal, Mapping, Optional, Union, overload

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..exceptions import InvalidRequestError
from ..responses import TextCompletion, TextCompletionChunk
from ..streaming import AsyncStream, Stream
from .base import AsyncAPIResource, Call, SyncAPIResource, body_of, query_of, request_options

Prompt = Union[str, List[str]]


def completion_call(
    *,
    prompt: Any,
    model: Optional[str],
    stream: bool,
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """The call for one text completion."""
    if not isinstance(prompt, (str, list)) or (isinstance(prompt, list) and not prompt):
        raise InvalidRequestError(
            f"prompt must be a string or a non-empty list of strings; got {prompt!r:.60}",
            field="prompt",
        )
    fields = {"model": model, "prompt": prompt, "stream": stream or None}
    return Call(
        "POST",
        "/completions",
        cast_to=TextCompletion,
        body=body_of(fields, params, extra_body),
        stream=stream,
        stream_cls=TextCompletionChunk,
        params=query_of(params),
        request_options=request_options(extra_headers, timeout, max_retries),
    )


class Completions(SyncAPIResource):
    """``client.completions``."""

    @overload
    def create(
        self,
        *,
        prompt: Prompt,
        model: Optional[str] = ...,
        stream: Literal[False] = ...,
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> TextCompletion: ...

    @overload
    def create(
        self,
        *,
        prompt: Prompt,
        model: Optional[str] = ...,
        stream: Literal[True],
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> Stream[TextCompletionChunk]: ...

    @overload
    def create(
        self,
        *,
        prompt: Prompt,
        model: Optional[str] = ...,
        stream: bool,
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> Union[TextCompletion, Stream[TextCompletionChunk]]: ...

    def create(
        self,
        *,
        prompt: Prompt,
        model: Optional[str] = None,
        stream: bool = False,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Union[TextCompletion, Stream[TextCompletionChunk]]:
        """Complete ``prompt``. ``stream=True`` returns a :class:`Stream` of chunks."""
        call = completion_call(
            prompt=prompt,
            model=model,
            stream=stream,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]


class AsyncCompletions(AsyncAPIResource):
    """``client.completions`` on :class:`AsyncPortkey`."""

    @overload
    async def create(
        self,
        *,
        prompt: Prompt,
        model: Optional[str] = ...,
        stream: Literal[False] = ...,
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> TextCompletion: ...

    @overload
    async def create(
        self,
        *,
        prompt: Prompt,
        model: Optional[str] = ...,
        stream: Literal[True],
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> AsyncStream[TextCompletionChunk]: ...

    @overload
    async def create(
        self,
        *,
        prompt: Prompt,
        model: Optional[str] = ...,
        stream: bool,
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> Union[TextCompletion, AsyncStream[TextCompletionChunk]]: ...

    async def create(
        self,
        *,
        prompt: Prompt,
        model: Optional[str] = None,
        stream: bool = False,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Union[TextCompletion, AsyncStream[TextCompletionChunk]]:
        """Async twin of :meth:`Completions.create`."""
        call = completion_call(
            prompt=prompt,
            model=model,
            stream=stream,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]
