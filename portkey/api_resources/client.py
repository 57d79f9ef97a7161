"""``Portkey``: the synchronous client style (``client.chat.completions.create(...)``)."""

from functools import cached_property
from typing import Any, Optional

from typing_extensions import Unpack

from .base_client import ClientOptions
from .client_params import ClientParams, options_from_params, options_with
from .requestor import SyncRequestor
from .resources.chat import Chat, ChatCompletions
from .resources.completions import Completions
from .resources.embeddings import Embeddings
from .sync_client import SyncAPIClient


class Portkey(SyncAPIClient):
    """A client for the Portkey gateway.

    >>> client = Portkey(api_key="...", virtual_key="openai-vk")
    >>> client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}])

    Parameters are those of :class:`ClientParams` (``api_key``, ``virtual_key``, ``config``,
    ``provider``, ``trace_id``, ``metadata``, cache, Azure/Vertex/AWS options, ``timeout``,
    ``max_retries``, ...). They are encoded into headers once, here.
    """

    def __init__(self, **params: Unpack[ClientParams]) -> None:
        super().__init__(options_from_params(params))

    @classmethod
    def _from_options(cls, options: ClientOptions, requestor: Optional[SyncRequestor]) -> "Portkey":
        client = cls.__new__(cls)
        SyncAPIClient.__init__(client, options, requestor)
        return client

    def with_options(self, **overrides: Unpack[ClientParams]) -> "Portkey":
        """A client with some parameters changed, sharing this one's connection pool.

        >>> traced = client.with_options(trace_id="t1", metadata={"_user": "u1"})
        >>> traced.chat.completions.create(...)
        """
        return self._from_options(options_with(self._options, overrides), self._requestor)

    copy = with_options

    @cached_property
    def chat(self) -> Chat:
        """Chat completions: ``client.chat.completions.create(...)``."""
        return Chat(ChatCompletions(self))

    @cached_property
    def completions(self) -> Completions:
        """Text completions: ``client.completions.create(prompt=...)``."""
        return Completions(self)

    @cached_property
    def embeddings(self) -> Embeddings:
        """Embeddings: ``client.embeddings.create(input=...)``."""
        return Embeddings(self)

    def __enter__(self) -> "Portkey":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
