"""``beta.chatkit``: ChatKit sessions (a short-lived client secret for a chat widget) and the
threads they create. Every call sends ``OpenAI-Beta: chatkit_beta=v1``."""

from functools import cached_property
from typing import Any

from ..surface_types import ChatKitSession, ChatKitThread, ChatKitThreadItem
from .base import AsyncAPIResource, SyncAPIResource
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
from .pagination import AsyncPage, SyncPage

CHATKIT_BETA = {"OpenAI-Beta": "chatkit_beta=v1"}
SESSIONS = Endpoint(
    "/chatkit/sessions",
    ChatKitSession,
    id_name="session_id",
    headers=CHATKIT_BETA,
    required=("user", "workflow"),
)
THREADS = Endpoint("/chatkit/threads", ChatKitThread, id_name="thread_id", headers=CHATKIT_BETA)


class Sessions(Creatable[ChatKitSession], Cancellable[ChatKitSession]):
    """``client.beta.chatkit.sessions``: ``create(user=..., workflow=...)``, ``cancel``."""

    endpoint = SESSIONS


class Threads(Listable[ChatKitThread], Retrievable[ChatKitThread], Deletable):
    """``client.beta.chatkit.threads``: ``list``, ``retrieve``, ``delete``, ``list_items``."""

    endpoint = THREADS

    def list_items(self, *ids: str, **params: Any) -> SyncPage[ChatKitThreadItem]:
        """The items of one thread, paged."""
        return self._page(THREADS.item_list_call(ids, "items", params), ChatKitThreadItem)


class ChatKit(SyncAPIResource):
    """``client.beta.chatkit``: ``sessions`` and ``threads``."""

    @cached_property
    def sessions(self) -> Sessions:
        """ChatKit sessions."""
        return Sessions(self._client)

    @cached_property
    def threads(self) -> Threads:
        """ChatKit threads."""
        return Threads(self._client)


class AsyncSessions(AsyncCreatable[ChatKitSession], AsyncCancellable[ChatKitSession]):
    """Async twin of :class:`Sessions`."""

    endpoint = SESSIONS


class AsyncThreads(AsyncListable[ChatKitThread], AsyncRetrievable[ChatKitThread], AsyncDeletable):
    """Async twin of :class:`Threads`."""

    endpoint = THREADS

    async def list_items(self, *ids: str, **params: Any) -> AsyncPage[ChatKitThreadItem]:
        """The items of one thread, paged."""
        call = THREADS.item_list_call(ids, "items", params)
        return await self._page(call, ChatKitThreadItem)


class AsyncChatKit(AsyncAPIResource):
    """Async twin of :class:`ChatKit`."""

    @cached_property
    def sessions(self) -> AsyncSessions:
        """ChatKit sessions."""
        return AsyncSessions(self._client)

    @cached_property
    def threads(self) -> AsyncThreads:
        """ChatKit threads."""
        return AsyncThreads(self._client)
