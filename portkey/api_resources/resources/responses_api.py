"""``responses``: the Responses API (create, retrieve, delete, cancel), its input items, the
input-token count, ``parse`` (structured outputs) and ``stream`` (a context-managed stream).

``create(stream=True)`` is refused before sending; ``stream(...)`` is the way to stream, since
Responses streams end at their final event rather than at a ``[DONE]`` marker.
"""

from functools import cached_property
from typing import Any, Dict, Iterable, Optional, Tuple, cast

from ..exceptions import InvalidRequestError
from ..platform_types import InputTokensCount, ModelResponse, ResponseInputItem
from ..response_stream import (
    AsyncResponseStreamManager,
    ResponseStreamEvent,
    ResponseStreamManager,
    ResponseStreamState,
)
from ..response_types import CompactedResponse, parse_model_response
from ..structured import ToolModels, text_format_param
from .base import Call
from .crud import (
    AsyncCancellable,
    AsyncCreatable,
    AsyncDeletable,
    AsyncListable,
    AsyncResource,
    AsyncRetrievable,
    Cancellable,
    Creatable,
    Deletable,
    Endpoint,
    Listable,
    Retrievable,
    SyncResource,
)
from .verbs import Verb

RESPONSES = Endpoint("/responses", ModelResponse, id_name="response_id")
INPUT_ITEMS = Endpoint("/responses/{response_id}/input_items", ResponseInputItem)
#: ``POST /responses/compact``: a conversation (``input`` and/or ``previous_response_id``)
#: compacted for the next request.
COMPACT = Verb(
    "POST",
    "compact",
    CompactedResponse,
    on_item=False,
    required=("model",),
    doc="Compact a conversation (``input``, ``previous_response_id``, ``instructions``) into "
    "items to send as the next request's input.",
)


def structured_params(
    params: Dict[str, Any], text_format: Any, tools: Optional[Iterable[Any]]
) -> Tuple[Dict[str, Any], ToolModels]:
    """``params`` with ``text_format`` as ``text.format`` (a strict JSON schema) and pydantic
    tools as strict function tools; and the tool models, to parse the answer's calls with."""
    if "stream" in params:
        raise InvalidRequestError(
            "parse() and stream() choose streaming themselves: leave out stream=",
            field="stream",
        )
    given = dict(params)
    if text_format is not None:
        text = given.get("text") or {}
        if not isinstance(text, dict):
            raise InvalidRequestError("text must be a dict", field="text")
        given["text"] = {**text, "format": text_format_param(text_format)}
    tool_models = ToolModels(tools, flat=True)
    if tool_models.wire is not None:
        given["tools"] = tool_models.wire
    return given, tool_models


def stream_call(response_id: Any, params: Dict[str, Any]) -> Call:
    """A streaming ``POST /responses`` (or, with ``response_id``, ``GET /responses/{id}``
    resuming an existing response's stream, ``starting_after`` an event number)."""
    if response_id is not None:
        query = {**(params.pop("extra_query", None) or {}), "stream": "true"}
        call = RESPONSES.retrieve_call(response_id, {**params, "extra_query": query})
    else:
        call = RESPONSES.create_call(params)
        call.body = {**(call.body or {}), "stream": True}
    call.stream = True
    call.stream_cls = ResponseStreamEvent
    return call


def input_tokens_call(params: Dict[str, Any]) -> Call:
    """``POST /responses/input_tokens``: how many tokens an input would use."""
    return RESPONSES.collection_call("POST", "input_tokens", params, cast_to=InputTokensCount)


class InputTokens(SyncResource):
    """``client.responses.input_tokens``: ``count(model=..., input=...)``."""

    endpoint = RESPONSES

    def count(self, **params: Any) -> InputTokensCount:
        """How many input tokens a request with these fields would use."""
        return cast(InputTokensCount, self._send(input_tokens_call(params)))


class AsyncInputTokens(AsyncResource):
    """Async twin of :class:`InputTokens`."""

    endpoint = RESPONSES

    async def count(self, **params: Any) -> InputTokensCount:
        """How many input tokens a request with these fields would use."""
        return cast(InputTokensCount, await self._send(input_tokens_call(params)))


class InputItems(Listable[ResponseInputItem]):
    """``client.responses.input_items``: ``list(response_id)``."""

    endpoint = INPUT_ITEMS


class Responses(
    Creatable[ModelResponse],
    Retrievable[ModelResponse],
    Deletable,
    Cancellable[ModelResponse],
):
    """``client.responses``: ``create``, ``retrieve``, ``delete``, ``cancel``, ``compact``;
    ``input_items``, ``input_tokens``."""

    endpoint = RESPONSES
    compact = COMPACT

    @cached_property
    def input_items(self) -> InputItems:
        """The input items of a response."""
        return InputItems(self._client)

    @cached_property
    def input_tokens(self) -> InputTokens:
        """Count a request's input tokens."""
        return InputTokens(self._client)

    def parse(
        self, *, text_format: Any = None, tools: Optional[Iterable[Any]] = None, **params: Any
    ) -> ModelResponse:
        """Create a response whose text follows ``text_format`` (a pydantic model class, sent
        as a strict JSON schema); ``output_parsed`` and each ``output_text`` part's
        ``parsed`` hold it validated. Pydantic ``tools`` get ``parsed_arguments``."""
        given, tool_models = structured_params(params, text_format, tools)
        response = self.create(**given)
        return parse_model_response(response, text_format, tool_models)

    def stream(
        self,
        response_id: Optional[str] = None,
        /,
        *,
        text_format: Any = None,
        tools: Optional[Iterable[Any]] = None,
        **params: Any,
    ) -> ResponseStreamManager:
        """A streamed response: ``with client.responses.stream(model=..., input=...) as
        stream:`` iterate its events, then ``stream.get_final_response()``. With a
        ``response_id``, resume the stream of an existing (background) response."""
        given, tool_models = structured_params(params, text_format, tools)
        call = stream_call(response_id, given)
        state = ResponseStreamState(
            lambda response: parse_model_response(response, text_format, tool_models)
        )
        return ResponseStreamManager(lambda: self._send(call), state)


class AsyncInputItems(AsyncListable[ResponseInputItem]):
    """Async twin of :class:`InputItems`."""

    endpoint = INPUT_ITEMS


class AsyncResponses(
    AsyncCreatable[ModelResponse],
    AsyncRetrievable[ModelResponse],
    AsyncDeletable,
    AsyncCancellable[ModelResponse],
):
    """Async twin of :class:`Responses`."""

    endpoint = RESPONSES
    compact = COMPACT

    @cached_property
    def input_items(self) -> AsyncInputItems:
        """The input items of a response."""
        return AsyncInputItems(self._client)

    @cached_property
    def input_tokens(self) -> AsyncInputTokens:
        """Count a request's input tokens."""
        return AsyncInputTokens(self._client)

    async def parse(
        self, *, text_format: Any = None, tools: Optional[Iterable[Any]] = None, **params: Any
    ) -> ModelResponse:
        """Async twin of :meth:`Responses.parse`."""
        given, tool_models = structured_params(params, text_format, tools)
        response = await self.create(**given)
        return parse_model_response(response, text_format, tool_models)

    def stream(
        self,
        response_id: Optional[str] = None,
        /,
        *,
        text_format: Any = None,
        tools: Optional[Iterable[Any]] = None,
        **params: Any,
    ) -> AsyncResponseStreamManager:
        """Async twin of :meth:`Responses.stream` (``async with``)."""
        given, tool_models = structured_params(params, text_format, tools)
        call = stream_call(response_id, given)
        state = ResponseStreamState(
            lambda response: parse_model_response(response, text_format, tool_models)
        )
        return AsyncResponseStreamManager(lambda: self._send(call), state)
