"""``AsyncPortkey``: the asynchronous client style (``await client.chat.completions.create``)."""

from functools import cached_property
from typing import Any, Optional

from typing_extensions import Unpack

from .async_client import AsyncAPIClient
from .async_requestor import AsyncRequestor
from .base_client import ClientOptions
from .client_params import ClientParams, options_from_params, options_with
from .resources.chat import AsyncChat, AsyncChatCompletions
from .resources.completions import AsyncCompletions
from .resources.embeddings import AsyncEmbeddings


class AsyncPortkey(AsyncAPIClient):
    """The async twin of :class:`Portkey`, on aiohttp: same parameters, awaitable calls.

    Connections are pooled per event loop and closed when the loop shuts down; ``await
    client.close()`` or ``async with AsyncPortkey(...) as client`` closes them earlier.
    """

    def __init__(self, **params: Unpack[ClientParams]) -> None:
        super().__init__(options_from_params(params))

    @classmethod
    def _from_options(
        cls, options: ClientOptions, requestor: Optional[AsyncRequestor]
    ) -> "AsyncPortkey":
        client = cls.__new__(cls)
        AsyncAPIClient.__init__(client, options, requestor)
        return client

    def with_options(self, **overrides: Unpack[ClientParams]) -> "AsyncPortkey":
        """A client with some parameters changed, sharing this one's connection pool."""
        return self._from_options(options_with(self._options, overrides), self._requestor)

    copy = with_options

    @cached_property
    def chat(self) -> AsyncChat:
        """Chat completions: ``await client.chat.completions.create(...)``."""
        return AsyncChat(AsyncChatCompletions(self))

    @cached_property
    def completions(self) -> AsyncCompletions:
        """Text completions: ``await client.completions.create(prompt=...)``."""
        return AsyncCompletions(self)

    @cached_property
    def embeddings(self) -> AsyncEmbeddings:
        """Embeddings: ``await client.embeddings.create(input=...)``."""
        return AsyncEmbeddings(self)

    async def __aenter__(self) -> "AsyncPortkey":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()
