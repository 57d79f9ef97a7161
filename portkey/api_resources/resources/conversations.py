"""``conversations``: stored Responses-API conversations and their ``items``."""

from functools import cached_property

from ..surface_types import Conversation, ConversationItem, ConversationItemList
from .crud import (
    AsyncCreatable,
    AsyncDeletable,
    AsyncListable,
    AsyncRetrievable,
    AsyncUpdatable,
    Creatable,
    Deletable,
    Endpoint,
    Listable,
    Retrievable,
    Updatable,
)
from .verbs import Verb

CONVERSATIONS = Endpoint("/conversations", Conversation, id_name="conversation_id")
ITEMS = Endpoint("/conversations/{conversation_id}/items", ConversationItem, id_name="item_id")
#: ``POST /conversations/{id}/items`` with ``{"items": [...]}``; ``include`` goes in the query.
ADD_ITEMS = Verb(
    "POST",
    "",
    ConversationItemList,
    on_item=False,
    required=("items",),
    query_keys=("include",),
)


class Items(Listable[ConversationItem], Retrievable[ConversationItem], Deletable):
    """``client.conversations.items`` (keyed by ``conversation_id``): ``create(items=[...])``,
    ``list``, ``retrieve``, ``delete``."""

    endpoint = ITEMS
    create = ADD_ITEMS


class Conversations(
    Creatable[Conversation], Retrievable[Conversation], Updatable[Conversation], Deletable
):
    """``client.conversations``: ``create``, ``retrieve``, ``update``, ``delete``; ``items``."""

    endpoint = CONVERSATIONS

    @cached_property
    def items(self) -> Items:
        """The items of a conversation."""
        return Items(self._client)


class AsyncItems(
    AsyncListable[ConversationItem], AsyncRetrievable[ConversationItem], AsyncDeletable
):
    """Async twin of :class:`Items`."""

    endpoint = ITEMS
    create = ADD_ITEMS


class AsyncConversations(
    AsyncCreatable[Conversation],
    AsyncRetrievable[Conversation],
    AsyncUpdatable[Conversation],
    AsyncDeletable,
):
    """Async twin of :class:`Conversations`."""

    endpoint = CONVERSATIONS

    @cached_property
    def items(self) -> AsyncItems:
        """The items of a conversation."""
        return AsyncItems(self._client)
