"""``responses``: the Responses API (create, retrieve, delete, cancel) and its input items.

Streaming (``stream=True``) is refused before sending: the SDK's SSE stream expects the chat
format's ``[DONE]`` marker, which Responses streams do not send.
"""

from functools import cached_property

from ..platform_types import ModelResponse, ResponseInputItem
from .crud import (
    AsyncCancellable,
    AsyncCreatable,
    AsyncDeletable,
    AsyncListable,
    AsyncRetrievable,
    Cancellable,
    Creatable,
    Deletable,
    Endpoint,
    Listable,
    Retrievable,
)

RESPONSES = Endpoint("/responses", ModelResponse, id_name="response_id")
INPUT_ITEMS = Endpoint("/responses/{response_id}/input_items", ResponseInputItem)


class InputItems(Listable[ResponseInputItem]):
    """``client.responses.input_items``: ``list(response_id)``."""

    endpoint = INPUT_ITEMS


class Responses(
    Creatable[ModelResponse],
    Retrievable[ModelResponse],
    Deletable,
    Cancellable[ModelResponse],
):
    """``client.responses``: ``create``, ``retrieve``, ``delete``, ``cancel``; ``input_items``."""

    endpoint = RESPONSES

    @cached_property
    def input_items(self) -> InputItems:
        """The input items of a response."""
        return InputItems(self._client)


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

    @cached_property
    def input_items(self) -> AsyncInputItems:
        """The input items of a response."""
        return AsyncInputItems(self._client)
