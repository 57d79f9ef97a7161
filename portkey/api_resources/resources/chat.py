"""``chat/completions``: chat answers, whole or streamed; structured outputs (``parse``), the
accumulating ``stream`` helper, and stored completions (``list``, ``retrieve``, ``update``,
``delete``, ``messages.list``)."""

from functools import cached_property
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Union,
    overload,
)

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..config import Message
from ..exceptions import InvalidRequestError
from ..responses import ChatCompletion, ChatCompletionChunk, ChatCompletionStoreMessage
from ..streaming import AsyncStream, Stream
from ..structured import (
    ToolModels,
    is_model_type,
    parse_chat_completion,
    response_format_param,
)
from .base import Call, body_of, query_of, request_options
from .crud import (
    AsyncDeletable,
    AsyncListable,
    AsyncRetrievable,
    AsyncUpdatable,
    Deletable,
    Endpoint,
    Listable,
    Retrievable,
    Updatable,
)
from .pagination import AsyncPage, SyncPage

if TYPE_CHECKING:  # imported by stream(): a plain call need not load the stream helpers
    from ..chat_stream import AsyncChatCompletionStreamManager, ChatCompletionStreamManager

MessageParam = Union[Message, Mapping[str, Any]]


def checked_messages(messages: Any) -> List[MessageParam]:
    """The messages as a list, each with a role; raises before anything is sent otherwise."""
    # A plain list first: isinstance against typing's Mapping goes through ABC hooks.
    if type(messages) is not list and (
        messages is None or isinstance(messages, (str, bytes, Mapping))
    ):
        raise InvalidRequestError(
            "messages must be a list like [{'role': 'user', 'content': 'Hi'}]; got "
            f"{type(messages).__name__}",
            field="messages",
        )
    checked = list(messages)
    if not checked:
        raise InvalidRequestError("messages is empty: give at least one message", field="messages")
    for message in checked:
        # The usual message, a plain dict with a role, needs no isinstance (which costs
        # microseconds against a pydantic model class).
        if type(message) is not dict or not message.get("role"):
            _check_roles(checked)
            break
    return checked


def _check_roles(messages: List[Any]) -> None:
    """Raise for the first message without a role (dicts, mappings or ``Message`` models)."""
    for index, message in enumerate(messages):
        role = (
            message.role
            if isinstance(message, Message)
            else (message.get("role") if isinstance(message, Mapping) else None)
        )
        if not role:
            raise InvalidRequestError(
                f"messages[{index}] has no role: each message needs 'role' and 'content'",
                field="messages",
            )


def chat_call(
    *,
    messages: Iterable[MessageParam],
    model: Optional[str],
    stream: bool,
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """The call for one chat completion."""
    if "response_format" in params and is_model_type(params["response_format"]):
        raise InvalidRequestError(
            "response_format is a pydantic model: use client.chat.completions.parse(...) (or "
            ".stream(...)), which sends it as a JSON schema and parses the answer into it",
            field="response_format",
        )
    fields = {"model": model, "messages": checked_messages(messages), "stream": stream or None}
    return Call(
        "POST",
        "/chat/completions",
        cast_to=ChatCompletion,
        body=body_of(fields, params, extra_body),
        stream=stream,
        stream_cls=ChatCompletionChunk,
        params=query_of(params),
        request_options=request_options(extra_headers, timeout, max_retries),
    )


#: Completions stored with ``store=True``: ``list``, ``retrieve``, ``update``, ``delete``.
STORED_COMPLETIONS = Endpoint("/chat/completions", ChatCompletion, id_name="completion_id")
STORED_MESSAGES = Endpoint(
    "/chat/completions/{completion_id}/messages", ChatCompletionStoreMessage, id_name="message_id"
)


def structured_call(
    *,
    messages: Iterable[MessageParam],
    model: Optional[str],
    stream: bool,
    response_format: Any,
    tools: Any,
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Tuple[Call, ToolModels]:
    """The call of ``parse`` / ``stream``: pydantic ``response_format`` and tools turned into
    strict JSON schemas; and the tool models, to parse the answer's tool calls with."""
    if "stream" in params:
        raise InvalidRequestError(
            "parse() and stream() choose streaming themselves: leave out stream=",
            field="stream",
        )
    tool_models = ToolModels(tools)
    given = dict(params)
    if response_format is not None:
        given["response_format"] = response_format_param(response_format)
    if tool_models.wire is not None:
        given["tools"] = tool_models.wire
    call = chat_call(
        messages=messages,
        model=model,
        stream=stream,
        params=given,
        extra_headers=extra_headers,
        extra_body=extra_body,
        timeout=timeout,
        max_retries=max_retries,
    )
    return call, tool_models


def stored_list_params(params: Mapping[str, Any]) -> Dict[str, Any]:
    """``list`` keywords for the query: ``metadata={"k": "v"}`` is sent as ``metadata[k]=v``."""
    given = dict(params)
    metadata = given.pop("metadata", None)
    if metadata is not None:
        if not isinstance(metadata, Mapping):
            raise InvalidRequestError(
                f"metadata must be a dict; got {type(metadata).__name__}", field="metadata"
            )
        given.update({f"metadata[{key}]": value for key, value in metadata.items()})
    return given


class ChatCompletionMessages(Listable[ChatCompletionStoreMessage]):
    """``client.chat.completions.messages``: ``list(completion_id)`` of a stored completion."""

    endpoint = STORED_MESSAGES


class AsyncChatCompletionMessages(AsyncListable[ChatCompletionStoreMessage]):
    """Async twin of :class:`ChatCompletionMessages`."""

    endpoint = STORED_MESSAGES


class ChatCompletions(
    Listable[ChatCompletion],
    Retrievable[ChatCompletion],
    Updatable[ChatCompletion],
    Deletable,
):
    """``client.chat.completions``: ``create``, ``parse``, ``stream``; stored completions."""

    endpoint = STORED_COMPLETIONS

    @overload
    def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = ...,
        stream: Literal[False] = ...,
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> ChatCompletion: ...

    @overload
    def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = ...,
        stream: Literal[True],
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> Stream[ChatCompletionChunk]: ...

    @overload
    def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = ...,
        stream: bool,
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> Union[ChatCompletion, Stream[ChatCompletionChunk]]: ...

    def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = None,
        stream: bool = False,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Union[ChatCompletion, Stream[ChatCompletionChunk]]:
        """Ask for a chat answer. ``stream=True`` returns a :class:`Stream` of chunks.

        Any other keyword (``temperature``, ``max_tokens``, ``tools``, ...) goes to the provider
        as it is. ``model`` may be left out when the config's targets name their models.
        """
        call = chat_call(
            messages=messages,
            model=model,
            stream=stream,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]

    def parse(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = None,
        response_format: Any = None,
        tools: Optional[Iterable[Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> ChatCompletion:
        """Ask for an answer shaped by ``response_format`` (a pydantic model class, sent as a
        strict JSON schema) and return it with ``choices[i].message.parsed`` set to the model.

        ``tools`` may hold pydantic models (or :func:`pydantic_function_tool` dicts): calls of
        them get ``function.parsed_arguments``. A refusal leaves ``parsed`` ``None`` (read
        ``message.refusal``); an answer cut off at the token limit raises
        :class:`LengthFinishReasonError`.
        """
        call, tool_models = structured_call(
            messages=messages,
            model=model,
            stream=False,
            response_format=response_format,
            tools=tools,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        completion: ChatCompletion = self._send(call)
        return parse_chat_completion(completion, response_format, tool_models)

    def stream(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = None,
        response_format: Any = None,
        tools: Optional[Iterable[Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> "ChatCompletionStreamManager":
        """A streamed answer that accumulates: ``with client.chat.completions.stream(...) as
        stream:`` iterate events, then ``stream.get_final_completion()``. Takes what
        :meth:`parse` takes; the request is sent when the ``with`` block starts."""
        call, tool_models = structured_call(
            messages=messages,
            model=model,
            stream=True,
            response_format=response_format,
            tools=tools,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        from ..chat_stream import ChatCompletionAccumulator, ChatCompletionStreamManager

        accumulator = ChatCompletionAccumulator(response_format, tool_models)
        return ChatCompletionStreamManager(lambda: self._send(call), accumulator)

    def list(self, parent_id: Optional[str] = None, /, **params: Any) -> SyncPage[ChatCompletion]:
        """Stored completions (made with ``store=True``), paged: ``after``, ``limit``,
        ``model``, ``order`` and ``metadata`` (a dict) filter them."""
        return super().list(parent_id, **stored_list_params(params))

    @cached_property
    def messages(self) -> ChatCompletionMessages:
        """The messages of a stored completion."""
        return ChatCompletionMessages(self._client)


class AsyncChatCompletions(
    AsyncListable[ChatCompletion],
    AsyncRetrievable[ChatCompletion],
    AsyncUpdatable[ChatCompletion],
    AsyncDeletable,
):
    """``client.chat.completions`` on :class:`AsyncPortkey`."""

    endpoint = STORED_COMPLETIONS

    @overload
    async def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = ...,
        stream: Literal[False] = ...,
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> ChatCompletion: ...

    @overload
    async def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = ...,
        stream: Literal[True],
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> AsyncStream[ChatCompletionChunk]: ...

    @overload
    async def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = ...,
        stream: bool,
        extra_headers: Optional[Mapping[str, str]] = ...,
        extra_body: Optional[Mapping[str, Any]] = ...,
        timeout: Timeout = ...,
        max_retries: Union[int, NotGiven] = ...,
        **params: Any,
    ) -> Union[ChatCompletion, AsyncStream[ChatCompletionChunk]]: ...

    async def create(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = None,
        stream: bool = False,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Union[ChatCompletion, AsyncStream[ChatCompletionChunk]]:
        """Async twin of :meth:`ChatCompletions.create`."""
        call = chat_call(
            messages=messages,
            model=model,
            stream=stream,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]

    async def parse(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = None,
        response_format: Any = None,
        tools: Optional[Iterable[Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> ChatCompletion:
        """Async twin of :meth:`ChatCompletions.parse`."""
        call, tool_models = structured_call(
            messages=messages,
            model=model,
            stream=False,
            response_format=response_format,
            tools=tools,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        completion: ChatCompletion = await self._send(call)
        return parse_chat_completion(completion, response_format, tool_models)

    def stream(
        self,
        *,
        messages: Iterable[MessageParam],
        model: Optional[str] = None,
        response_format: Any = None,
        tools: Optional[Iterable[Any]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> "AsyncChatCompletionStreamManager":
        """Async twin of :meth:`ChatCompletions.stream`: ``async with ... as stream``."""
        call, tool_models = structured_call(
            messages=messages,
            model=model,
            stream=True,
            response_format=response_format,
            tools=tools,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        from ..chat_stream import AsyncChatCompletionStreamManager, ChatCompletionAccumulator

        accumulator = ChatCompletionAccumulator(response_format, tool_models)
        return AsyncChatCompletionStreamManager(lambda: self._send(call), accumulator)

    async def list(
        self, parent_id: Optional[str] = None, /, **params: Any
    ) -> AsyncPage[ChatCompletion]:
        """Stored completions, paged (see :meth:`ChatCompletions.list`)."""
        return await super().list(parent_id, **stored_list_params(params))

    @cached_property
    def messages(self) -> AsyncChatCompletionMessages:
        """The messages of a stored completion."""
        return AsyncChatCompletionMessages(self._client)


class Chat:
    """``client.chat``: holds ``completions``."""

    def __init__(self, completions: ChatCompletions) -> None:
        self.completions = completions


class AsyncChat:
    """``client.chat`` on :class:`AsyncPortkey`: holds ``completions``."""

    def __init__(self, completions: AsyncChatCompletions) -> None:
        self.completions = completions
