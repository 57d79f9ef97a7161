"""``prompts`` (hosted service only): run a prompt saved in Portkey, or render its template.

``client.prompts.completions.create(prompt_id=..., variables={...})`` sends
``POST /prompts/{prompt_id}/completions`` with ``{"variables": {...}, ...}``; any other keyword
(``temperature``, ``max_tokens``, ...) overrides the saved prompt's hyperparameter of that name.
``client.prompts.render(prompt_id=..., variables={...})`` sends the same body to
``/prompts/{prompt_id}/render`` and returns the filled-in template without running it.
"""

from typing import TYPE_CHECKING, Any, Dict, Literal, Mapping, Optional, Union, overload

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..exceptions import InvalidRequestError
from ..responses_extra import PromptCompletion, PromptCompletionChunk, PromptRender
from ..streaming import AsyncStream, Stream
from .base import AsyncAPIResource, Call, SyncAPIResource, body_of, query_of, request_options
from .crud import require_id

if TYPE_CHECKING:
    from ..async_client import AsyncAPIClient
    from ..sync_client import SyncAPIClient


def _prompt_body(
    variables: Any,
    stream: bool,
    params: Mapping[str, Any],
    extra_body: Optional[Mapping[str, Any]],
) -> Dict[str, Any]:
    if variables is not None and not isinstance(variables, Mapping):
        raise InvalidRequestError(
            "variables must be a dict of the template's variables, like {'name': 'Ada'}; got "
            f"{type(variables).__name__}",
            field="variables",
        )
    # The API requires "variables" even for a template without any.
    fields = {"variables": dict(variables or {}), "stream": stream or None}
    return body_of(fields, params, extra_body)


def prompt_completion_call(
    *,
    prompt_id: Any,
    variables: Any,
    stream: bool,
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``POST /prompts/{prompt_id}/completions``."""
    return Call(
        "POST",
        f"/prompts/{require_id(prompt_id, 'prompt_id')}/completions",
        cast_to=PromptCompletion,
        body=_prompt_body(variables, stream, params, extra_body),
        stream=stream,
        stream_cls=PromptCompletionChunk,
        params=query_of(params),
        request_options=request_options(extra_headers, timeout, max_retries),
    )


def prompt_render_call(
    *,
    prompt_id: Any,
    variables: Any,
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``POST /prompts/{prompt_id}/render``."""
    return Call(
        "POST",
        f"/prompts/{require_id(prompt_id, 'prompt_id')}/render",
        cast_to=PromptRender,
        body=_prompt_body(variables, False, params, extra_body),
        params=query_of(params),
        request_options=request_options(extra_headers, timeout, max_retries),
    )


class PromptCompletions(SyncAPIResource):
    """``client.prompts.completions``."""

    @overload
    def create(
        self,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = ...,
        stream: Literal[False] = ...,
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> PromptCompletion: ...

    @overload
    def create(
        self,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = ...,
        stream: Literal[True],
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> Stream[PromptCompletionChunk]: ...

    def create(
        self,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = None,
        stream: bool = False,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Union[PromptCompletion, Stream[PromptCompletionChunk]]:
        """Run the saved prompt ``prompt_id`` with ``variables``; ``stream=True`` returns a
        :class:`Stream` of chunks. Other keywords override the prompt's hyperparameters."""
        call = prompt_completion_call(
            prompt_id=prompt_id,
            variables=variables,
            stream=stream,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]


class Prompts(SyncAPIResource):
    """``client.prompts``: ``render(...)`` and ``completions.create(...)``."""

    def __init__(self, client: "SyncAPIClient") -> None:
        super().__init__(client)
        self.completions = PromptCompletions(client)

    def render(
        self,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> PromptRender:
        """The saved prompt ``prompt_id`` filled in with ``variables``, not run:
        ``render(...).data`` is a request body to send with any client."""
        call = prompt_render_call(
            prompt_id=prompt_id,
            variables=variables,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]


class AsyncPromptCompletions(AsyncAPIResource):
    """``client.prompts.completions`` on :class:`AsyncPortkey`."""

    @overload
    async def create(
        self,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = ...,
        stream: Literal[False] = ...,
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> PromptCompletion: ...

    @overload
    async def create(
        self,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = ...,
        stream: Literal[True],
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> AsyncStream[PromptCompletionChunk]: ...

    async def create(
        self,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = None,
        stream: bool = False,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Union[PromptCompletion, AsyncStream[PromptCompletionChunk]]:
        """Async twin of :meth:`PromptCompletions.create`."""
        call = prompt_completion_call(
            prompt_id=prompt_id,
            variables=variables,
            stream=stream,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]


class AsyncPrompts(AsyncAPIResource):
    """``client.prompts`` on :class:`AsyncPortkey`."""

    def __init__(self, client: "AsyncAPIClient") -> None:
        super().__init__(client)
        self.completions = AsyncPromptCompletions(client)

    async def render(
        self,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> PromptRender:
        """Async twin of :meth:`Prompts.render`."""
        call = prompt_render_call(
            prompt_id=prompt_id,
            variables=variables,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]
