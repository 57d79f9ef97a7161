"""``AsyncPortkey``: the asynchronous client style (``await client.chat.completions.create``)."""

from functools import cached_property
from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

from typing_extensions import Unpack

from .async_client import AsyncAPIClient
from .async_requestor import AsyncRequestor
from .base_client import ClientOptions
from .client_params import ClientParams, options_from_params, options_with, split_http_client
from .resources.chat import AsyncChat, AsyncChatCompletions
from .resources.completions import AsyncCompletions
from .resources.embeddings import AsyncEmbeddings
from .resources.generic import generic_call
from .responses import APIResponse, GenericResponse
from .streaming import AsyncStream

if TYPE_CHECKING:  # the platform resources are imported on first use
    from .resources import platform
    from .resources.audio import AsyncAudio
    from .resources.feedback import AsyncFeedback
    from .resources.generations import AsyncGenerations
    from .resources.images import AsyncImages
    from .resources.models import AsyncModels
    from .resources.moderations import AsyncModerations
    from .resources.prompts import AsyncPrompts


class AsyncPortkey(AsyncAPIClient):
    """The async twin of :class:`Portkey`, on aiohttp: same parameters, awaitable calls.

    Connections are pooled per event loop and closed when the loop shuts down; ``await
    client.close()`` or ``async with AsyncPortkey(...) as client`` closes them earlier.
    """

    def __init__(self, **params: Unpack[ClientParams]) -> None:
        options, http_client = split_http_client(params)
        super().__init__(options_from_params(options), http_client=http_client)

    @classmethod
    def _from_options(cls, options: ClientOptions, requestor: AsyncRequestor) -> "AsyncPortkey":
        client = cls.__new__(cls)
        AsyncAPIClient.__init__(client, options, requestor)
        return client

    def with_options(self, **overrides: Unpack[ClientParams]) -> "AsyncPortkey":
        """A client with some parameters changed, sharing this one's connection pool.

        The copy borrows this client's connections: closing the copy closes nothing, closing
        this client closes them for both. ``http_client=`` gives the copy your own instead.
        ``default_headers=`` are added to this client's (a header of the same name, in any
        case, replaced); the other parameters replace this client's.

        >>> traced = client.with_options(trace_id="t1", metadata={"_user": "u1"})
        """
        changes, http_client = split_http_client(overrides)
        requestor = (
            self._requestor
            if http_client is None
            else AsyncRequestor(self._requestor.retry_policy, http_client=http_client)
        )
        return self._from_options(options_with(self._options, changes), requestor)

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

    # ---- more inference endpoints (loaded on first use, like the platform resources) ----

    @cached_property
    def models(self) -> "AsyncModels":
        """Models: ``list()``, ``retrieve(model)``, ``delete(model)``."""
        from .resources.models import AsyncModels

        return AsyncModels(self)

    @cached_property
    def images(self) -> "AsyncImages":
        """Images: ``generate(prompt=...)``, ``edit(image=..., prompt=...)``, variations."""
        from .resources.images import AsyncImages

        return AsyncImages(self)

    @cached_property
    def audio(self) -> "AsyncAudio":
        """Audio: ``transcriptions.create``, ``translations.create``, ``speech.create`` (bytes)."""
        from .resources.audio import AsyncAudio

        return AsyncAudio(self)

    @cached_property
    def moderations(self) -> "AsyncModerations":
        """Moderations: ``create(input=...)``."""
        from .resources.moderations import AsyncModerations

        return AsyncModerations(self)

    @cached_property
    def prompts(self) -> "AsyncPrompts":
        """Saved prompts (hosted only): ``completions.create(prompt_id=...)``, ``render(...)``."""
        from .resources.prompts import AsyncPrompts

        return AsyncPrompts(self)

    @cached_property
    def generations(self) -> "AsyncGenerations":
        """Deprecated saved-prompt runs (hosted only): ``await generations.create(prompt_id=...,
        variables=...)``; use ``prompts.completions.create`` in new code."""
        from .resources.generations import AsyncGenerations

        return AsyncGenerations(self)

    @cached_property
    def feedback(self) -> "AsyncFeedback":
        """Feedback (hosted only): ``create(trace_id=..., value=...)``, ``update(feedback_id)``."""
        from .resources.feedback import AsyncFeedback

        return AsyncFeedback(self)

    async def __aenter__(self) -> "AsyncPortkey":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    # ---- any other endpoint (the reference SDK's generic verbs) ----

    async def post(
        self,
        url: str,
        *,
        stream: bool = False,
        headers: Optional[Mapping[str, str]] = None,
        files: Optional[Mapping[str, Any]] = None,
        **body: Any,
    ) -> Union[GenericResponse, AsyncStream[GenericResponse]]:
        """Async twin of :meth:`Portkey.post`."""
        call = generic_call("POST", url, body=body, headers=headers, stream=stream, files=files)
        return await self.send(call)  # type: ignore[no-any-return]

    async def get(
        self, *, path: str, headers: Optional[Mapping[str, str]] = None, cast_to: Any = None
    ) -> APIResponse:
        """Async twin of :meth:`Portkey.get`."""
        return await self.send(generic_call("GET", path, headers=headers, cast_to=cast_to))  # type: ignore[no-any-return]

    async def put(
        self,
        *,
        path: str,
        body: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
        cast_to: Any = None,
    ) -> APIResponse:
        """Async twin of :meth:`Portkey.put`."""
        call = generic_call("PUT", path, body=body or {}, headers=headers, cast_to=cast_to)
        return await self.send(call)  # type: ignore[no-any-return]

    async def delete(
        self, *, path: str, headers: Optional[Mapping[str, str]] = None, cast_to: Any = None
    ) -> APIResponse:
        """Async twin of :meth:`Portkey.delete`."""
        return await self.send(generic_call("DELETE", path, headers=headers, cast_to=cast_to))  # type: ignore[no-any-return]

    # ---- platform resources (loaded on first use; see resources/platform.py) ----

    @cached_property
    def files(self) -> "platform.AsyncFiles":
        """Files: ``create(file=..., purpose=...)``, ``list``, ``retrieve``, ``delete``,
        ``content``."""
        from .resources.files import AsyncFiles

        return AsyncFiles(self)

    @cached_property
    def uploads(self) -> "platform.AsyncUploads":
        """Large files in parts: ``create``, ``parts.create``, ``complete``,
        ``upload_file_chunked``."""
        from .resources.files import AsyncUploads

        return AsyncUploads(self)

    @cached_property
    def batches(self) -> "platform.AsyncBatches":
        """Batches: ``create``, ``list``, ``retrieve``, ``cancel``."""
        from .resources.batches import AsyncBatches

        return AsyncBatches(self)

    @cached_property
    def fine_tuning(self) -> "platform.AsyncFineTuning":
        """Fine-tuning: ``jobs`` (events, checkpoints), ``checkpoints.permissions``, ``alpha``."""
        from .resources.fine_tuning import AsyncFineTuning

        return AsyncFineTuning(self)

    @cached_property
    def alpha(self) -> "platform.AsyncAlpha":
        """Alpha features: ``graders.run`` / ``graders.validate``."""
        from .resources.fine_tuning import AsyncAlpha

        return AsyncAlpha(self)

    @cached_property
    def beta(self) -> "platform.AsyncBeta":
        """Beta APIs: ``assistants``, ``threads``, ``vector_stores``, ``realtime``."""
        from .resources.beta import AsyncBeta

        return AsyncBeta(self)

    @cached_property
    def vector_stores(self) -> "platform.AsyncVectorStores":
        """Vector stores with ``files`` and ``file_batches``."""
        from .resources.vector_stores import AsyncVectorStores

        return AsyncVectorStores(self)

    @cached_property
    def responses(self) -> "platform.AsyncResponses":
        """The Responses API: ``create``, ``retrieve``, ``delete``, ``cancel``, ``input_items``."""
        from .resources.responses_api import AsyncResponses

        return AsyncResponses(self)

    @cached_property
    def containers(self) -> "platform.AsyncContainers":
        """Containers with ``files``."""
        from .resources.containers import AsyncContainers

        return AsyncContainers(self)

    @cached_property
    def evals(self) -> "platform.AsyncEvals":
        """Evals with ``runs`` (and their ``output_items``)."""
        from .resources.evals import AsyncEvals

        return AsyncEvals(self)

    @cached_property
    def configs(self) -> "platform.AsyncConfigs":
        """Saved gateway configs (hosted control plane)."""
        from .resources.control_plane import AsyncConfigs

        return AsyncConfigs(self)

    @cached_property
    def api_keys(self) -> "platform.AsyncApiKeys":
        """Portkey API keys (hosted control plane)."""
        from .resources.control_plane import AsyncApiKeys

        return AsyncApiKeys(self)

    @cached_property
    def virtual_keys(self) -> "platform.AsyncVirtualKeys":
        """Virtual keys (hosted control plane)."""
        from .resources.control_plane import AsyncVirtualKeys

        return AsyncVirtualKeys(self)

    @cached_property
    def admin(self) -> "platform.AsyncAdmin":
        """Organisation admin: ``users``, ``invites``, ``workspaces`` (hosted control plane)."""
        from .resources.admin import AsyncAdmin

        return AsyncAdmin(self)

    @cached_property
    def logs(self) -> "platform.AsyncLogs":
        """Request logs and ``exports`` (hosted control plane)."""
        from .resources.logs import AsyncLogs

        return AsyncLogs(self)

    @cached_property
    def labels(self) -> "platform.AsyncLabels":
        """Prompt labels (hosted control plane)."""
        from .resources.control_plane import AsyncLabels

        return AsyncLabels(self)

    @cached_property
    def collections(self) -> "platform.AsyncCollections":
        """Prompt collections (hosted control plane)."""
        from .resources.control_plane import AsyncCollections

        return AsyncCollections(self)

    @cached_property
    def providers(self) -> "platform.AsyncProviders":
        """Providers (hosted control plane)."""
        from .resources.control_plane import AsyncProviders

        return AsyncProviders(self)

    @cached_property
    def integrations(self) -> "platform.AsyncIntegrations":
        """Integrations with ``workspaces`` and ``models`` (hosted control plane)."""
        from .resources.control_plane import AsyncIntegrations

        return AsyncIntegrations(self)

    @cached_property
    def guardrails(self) -> "platform.AsyncGuardrails":
        """Guardrails: checks and their actions (hosted control plane)."""
        from .resources.control_plane import AsyncGuardrails

        return AsyncGuardrails(self)

    @cached_property
    def mcp_servers(self) -> "platform.AsyncMcpServers":
        """MCP servers with ``capabilities``, ``user_access``, ``metadata`` (hosted)."""
        from .resources.mcp import AsyncMcpServers

        return AsyncMcpServers(self)

    @cached_property
    def mcp_integrations(self) -> "platform.AsyncMcpIntegrations":
        """MCP integrations with ``capabilities``, ``workspaces``, ``metadata`` (hosted)."""
        from .resources.mcp import AsyncMcpIntegrations

        return AsyncMcpIntegrations(self)

    @cached_property
    def analytics(self) -> "platform.AsyncAnalytics":
        """Analytics: ``graphs``, ``groups``, ``summary`` (hosted control plane)."""
        from .resources.analytics import AsyncAnalytics

        return AsyncAnalytics(self)

    @cached_property
    def conversations(self) -> "platform.AsyncConversations":
        """Conversations with ``items`` (Responses API state)."""
        from .resources.conversations import AsyncConversations

        return AsyncConversations(self)

    @cached_property
    def realtime(self) -> "platform.AsyncMainRealtime":
        """Realtime (GA): ``calls``, ``client_secrets``, ``connect``."""
        from .resources.realtime import AsyncMainRealtime

        return AsyncMainRealtime(self)

    @cached_property
    def videos(self) -> "platform.AsyncVideos":
        """Video generation: ``create``, ``poll``, ``remix``, ``download_content``, ..."""
        from .resources.videos import AsyncVideos

        return AsyncVideos(self)

    @cached_property
    def skills(self) -> "platform.AsyncSkills":
        """Skills with ``versions`` and ``content``."""
        from .resources.skills import AsyncSkills

        return AsyncSkills(self)

    @cached_property
    def webhooks(self) -> "platform.AsyncWebhooks":
        """Webhooks: ``verify_signature`` and ``unwrap`` (local; nothing is sent)."""
        from .resources.webhooks import AsyncWebhooks

        return AsyncWebhooks(self)
