"""``beta``: assistants, threads, vector stores and realtime, grouped as OpenAI's SDK does."""

from functools import cached_property

from .assistants import Assistants, AsyncAssistants
from .base import AsyncAPIResource, SyncAPIResource
from .chat import AsyncChat, AsyncChatCompletions, Chat, ChatCompletions
from .chatkit import AsyncChatKit, ChatKit
from .realtime import AsyncRealtime, Realtime
from .threads import AsyncThreads, Threads
from .vector_stores import AsyncVectorStores, VectorStores


class Beta(SyncAPIResource):
    """``client.beta``: ``assistants``, ``threads``, ``vector_stores``, ``realtime``,
    ``chatkit``."""

    @cached_property
    def assistants(self) -> Assistants:
        """Assistants."""
        return Assistants(self._client)

    @cached_property
    def threads(self) -> Threads:
        """Threads with their messages and runs."""
        return Threads(self._client)

    @cached_property
    def vector_stores(self) -> VectorStores:
        """Vector stores (also ``client.vector_stores``)."""
        return VectorStores(self._client)

    @cached_property
    def realtime(self) -> Realtime:
        """Realtime sessions."""
        return Realtime(self._client)

    @cached_property
    def chatkit(self) -> ChatKit:
        """ChatKit sessions and threads."""
        return ChatKit(self._client)

    @cached_property
    def chat(self) -> Chat:
        """``beta.chat.completions``: the same as ``client.chat.completions`` (``parse``,
        ``stream``, ...), where OpenAI's SDK first put the structured-output helpers."""
        return Chat(ChatCompletions(self._client))


class AsyncBeta(AsyncAPIResource):
    """Async twin of :class:`Beta`, whose ``realtime`` can also ``connect``."""

    @cached_property
    def assistants(self) -> AsyncAssistants:
        """Assistants."""
        return AsyncAssistants(self._client)

    @cached_property
    def threads(self) -> AsyncThreads:
        """Threads with their messages and runs."""
        return AsyncThreads(self._client)

    @cached_property
    def vector_stores(self) -> AsyncVectorStores:
        """Vector stores (also ``client.vector_stores``)."""
        return AsyncVectorStores(self._client)

    @cached_property
    def realtime(self) -> AsyncRealtime:
        """Realtime: ``connect`` and ``sessions``."""
        return AsyncRealtime(self._client)

    @cached_property
    def chatkit(self) -> AsyncChatKit:
        """ChatKit sessions and threads."""
        return AsyncChatKit(self._client)

    @cached_property
    def chat(self) -> AsyncChat:
        """``beta.chat.completions``: the same as ``client.chat.completions``."""
        return AsyncChat(AsyncChatCompletions(self._client))
