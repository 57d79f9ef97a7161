"""``chat/completions``: chat answers, whole or streamed."""

from typing import Any, Iterable, List, Literal, Mapping, Optional, Union, overload

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..config import Message
from ..exceptions import InvalidRequestError
from ..responses import ChatCompletion, ChatCompletionChunk
from ..streaming import AsyncStream, Stream
from .base import AsyncAPIResource, Call, SyncAPIResource, body_of, request_options

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
    for index, message in enumerate(checked):
        role = (
            # Plain dicts first: isinstance against a pydantic model class costs microseconds.
            message.get("role")
            if type(message) is dict
            else message.role
            if isinstance(message, Message)
            else (message.get("role") if isinstance(message, Mapping) else None)
        )
        if not role:
            raise InvalidRequestError(
                f"messages[{index}] has no role: each message needs 'role' and 'content'",
                field="messages",
            )
    return checked


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
    fields = {"model": model, "messages": checked_messages(messages), "stream": stream or None}
    return Call(
        "POST",
        "/chat/completions",
        cast_to=ChatCompletion,
        body=body_of(fields, params, extra_body),
        stream=stream,
        stream_cls=ChatCompletionChunk,
        request_options=request_options(extra_headers, timeout, max_retries),
    )


class ChatCompletions(SyncAPIResource):
    """``client.chat.completions``."""

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


class AsyncChatCompletions(AsyncAPIResource):
    """``client.chat.completions`` on :class:`AsyncPortkey`."""

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


class Chat:
    """``client.chat``: holds ``completions``."""

    def __init__(self, completions: ChatCompletions) -> None:
        self.completions = completions


class AsyncChat:
    """``client.chat`` on :class:`AsyncPortkey`: holds ``completions``."""

    def __init__(self, completions: AsyncChatCompletions) -> None:
        self.completions = completions
