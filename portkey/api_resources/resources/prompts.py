"""``prompts`` (hosted service only): run a prompt saved in Portkey, or render its template.

``client.prompts.completions.create(prompt_id=..., variables={...})`` sends
``POST /prompts/{prompt_id}/completions`` with ``{"variables": {...}, ...}``; any other keyword
(``temperature``, ``max_tokens``, ...) overrides the saved prompt's hyperparameter of that name.
``client.prompts.render(prompt_id=..., variables={...})`` sends the same body to
``/prompts/{prompt_id}/render`` and returns the filled-in template without running it.

Prompt management (``create``, ``list``, ``retrieve``, ``update``, ``delete`` by ``prompt_slug``,
``publish``), its ``versions`` and the reusable ``partials`` (with their ``versions``) follow the
control plane's conventions: updates and publishing use ``PUT``, lists page by number.
"""

from functools import cached_property
from typing import TYPE_CHECKING, Any, Dict, Literal, Mapping, Optional, Union, overload

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..exceptions import InvalidRequestError
from ..responses import GenericResponse
from ..responses_extra import PromptCompletion, PromptCompletionChunk, PromptRender
from ..streaming import AsyncStream, Stream
from ..surface_types import Prompt, PromptPartial, PromptVersion
from .base import AsyncAPIResource, Call, SyncAPIResource, body_of, query_of, request_options
from .crud import (
    CRUD,
    AsyncCRUD,
    AsyncListable,
    AsyncRetrievable,
    AsyncUpdatable,
    Endpoint,
    Listable,
    Retrievable,
    Updatable,
    require_id,
)
from .pagination import PAGE_NUMBERS, SINGLE_PAGE
from .verbs import Verb

if TYPE_CHECKING:
    from ..async_client import AsyncAPIClient
    from ..sync_client import SyncAPIClient


PROMPTS = Endpoint(
    "/prompts",
    Prompt,
    id_name="prompt_slug",
    update_method="PUT",
    paging=PAGE_NUMBERS,
    required=("name", "collection_id", "string", "parameters"),
)
PROMPT_VERSIONS = Endpoint(
    "/prompts/{prompt_slug}/versions",
    PromptVersion,
    id_name="version_id",
    update_method="PUT",
    paging=SINGLE_PAGE,
)
PARTIALS = Endpoint(
    "/prompts/partials",
    PromptPartial,
    id_name="partial_slug",
    update_method="PUT",
    paging=SINGLE_PAGE,
    required=("name", "string"),
)
PARTIAL_VERSIONS = Endpoint(
    "/prompts/partials/{partial_slug}/versions", PromptPartial, paging=SINGLE_PAGE
)
#: ``PUT .../{slug}/makeDefault`` with ``{"version": n}``: make that version the live one.
PUBLISH = Verb("PUT", "makeDefault", GenericResponse, required=("version",))


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


class PromptVersions(Listable[PromptVersion], Retrievable[PromptVersion], Updatable[PromptVersion]):
    """``client.prompts.versions`` (keyed by ``prompt_slug``): ``list``, ``retrieve``,
    ``update(prompt_slug, version_id, label_id=...)``."""

    endpoint = PROMPT_VERSIONS


class PartialVersions(Listable[PromptPartial]):
    """``client.prompts.partials.versions``: ``list(partial_slug)``."""

    endpoint = PARTIAL_VERSIONS


class PromptPartials(CRUD[PromptPartial]):
    """``client.prompts.partials``: CRUD by ``partial_slug``, ``publish``; ``versions``."""

    endpoint = PARTIALS
    publish = PUBLISH

    @cached_property
    def versions(self) -> PartialVersions:
        """The versions of a partial."""
        return PartialVersions(self._client)


class Prompts(CRUD[Prompt]):
    """``client.prompts``: prompt management (CRUD by ``prompt_slug``, ``publish``,
    ``versions``, ``partials``), ``render(...)`` and ``completions.create(...)``."""

    endpoint = PROMPTS
    publish = PUBLISH

    def __init__(self, client: "SyncAPIClient") -> None:
        super().__init__(client)
        self.completions = PromptCompletions(client)

    @cached_property
    def versions(self) -> PromptVersions:
        """The versions of a prompt."""
        return PromptVersions(self._client)

    @cached_property
    def partials(self) -> PromptPartials:
        """Reusable prompt fragments."""
        return PromptPartials(self._client)

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


class AsyncPromptVersions(
    AsyncListable[PromptVersion], AsyncRetrievable[PromptVersion], AsyncUpdatable[PromptVersion]
):
    """Async twin of :class:`PromptVersions`."""

    endpoint = PROMPT_VERSIONS


class AsyncPartialVersions(AsyncListable[PromptPartial]):
    """Async twin of :class:`PartialVersions`."""

    endpoint = PARTIAL_VERSIONS


class AsyncPromptPartials(AsyncCRUD[PromptPartial]):
    """Async twin of :class:`PromptPartials`."""

    endpoint = PARTIALS
    publish = PUBLISH

    @cached_property
    def versions(self) -> AsyncPartialVersions:
        """The versions of a partial."""
        return AsyncPartialVersions(self._client)


class AsyncPrompts(AsyncCRUD[Prompt]):
    """``client.prompts`` on :class:`AsyncPortkey`."""

    endpoint = PROMPTS
    publish = PUBLISH

    def __init__(self, client: "AsyncAPIClient") -> None:
        super().__init__(client)
        self.completions = AsyncPromptCompletions(client)

    @cached_property
    def versions(self) -> AsyncPromptVersions:
        """The versions of a prompt."""
        return AsyncPromptVersions(self._client)

    @cached_property
    def partials(self) -> AsyncPromptPartials:
        """Reusable prompt fragments."""
        return AsyncPromptPartials(self._client)

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
