"""``Portkey``: the synchronous client style (``client.chat.completions.create(...)``)."""

from functools import cached_property
from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

from typing_extensions import Unpack

from .base_client import ClientOptions
from .client_params import ClientParams, options_from_params, options_with, split_http_client
from .requestor import SyncRequestor
from .resources.chat import Chat, ChatCompletions
from .resources.completions import Completions
from .resources.embeddings import Embeddings
from .resources.generic import generic_call
from .responses import APIResponse, GenericResponse
from .streaming import Stream
from .sync_client import SyncAPIClient

if TYPE_CHECKING:  # the platform resources are imported on first use
    from .resources import platform
    from .resources.audio import Audio
    from .resources.feedback import Feedback
    from .resources.generations import Generations
    from .resources.images import Images
    from .resources.models import Models
    from .resources.moderations import Moderations
    from .resources.prompts import Prompts


class Portkey(SyncAPIClient):
    """A client for the Portkey gateway.

    >>> client = Portkey(api_key="...", virtual_key="openai-vk")
    >>> client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}])

    Parameters are those of :class:`ClientParams` (``api_key``, ``virtual_key``, ``config``,
    ``provider``, ``trace_id``, ``metadata``, cache, Azure/Vertex/AWS options, ``timeout``,
    ``max_retries``, ...). They are encoded into headers once, here.
    """

    def __init__(self, **params: Unpack[ClientParams]) -> None:
        options, http_client = split_http_client(params)
        super().__init__(options_from_params(options), http_client=http_client)

    @classmethod
    def _from_options(cls, options: ClientOptions, requestor: SyncRequestor) -> "Portkey":
        client = cls.__new__(cls)
        SyncAPIClient.__init__(client, options, requestor)
        return client

    def with_options(self, **overrides: Unpack[ClientParams]) -> "Portkey":
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
            else SyncRequestor(self._requestor.retry_policy, http_client=http_client)
        )
        return self._from_options(options_with(self._options, changes), requestor)

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

    # ---- more inference endpoints (loaded on first use, like the platform resources) ----

    @cached_property
    def models(self) -> "Models":
        """Models: ``list()``, ``retrieve(model)``, ``delete(model)``."""
        from .resources.models import Models

        return Models(self)

    @cached_property
    def images(self) -> "Images":
        """Images: ``generate(prompt=...)``, ``edit(image=..., prompt=...)``, variations."""
        from .resources.images import Images

        return Images(self)

    @cached_property
    def audio(self) -> "Audio":
        """Audio: ``transcriptions.create``, ``translations.create``, ``speech.create`` (bytes)."""
        from .resources.audio import Audio

        return Audio(self)

    @cached_property
    def moderations(self) -> "Moderations":
        """Moderations: ``create(input=...)``."""
        from .resources.moderations import Moderations

        return Moderations(self)

    @cached_property
    def prompts(self) -> "Prompts":
        """Saved prompts (hosted only): ``completions.create(prompt_id=...)``, ``render(...)``."""
        from .resources.prompts import Prompts

        return Prompts(self)

    @cached_property
    def generations(self) -> "Generations":
        """Deprecated saved-prompt runs (hosted only): ``generations.create(prompt_id=...,
        variables=...)``; use ``prompts.completions.create`` in new code."""
        from .resources.generations import Generations

        return Generations(self)

    @cached_property
    def feedback(self) -> "Feedback":
        """Feedback (hosted only): ``create(trace_id=..., value=...)``, ``update(feedback_id)``."""
        from .resources.feedback import Feedback

        return Feedback(self)

    def __enter__(self) -> "Portkey":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # ---- any other endpoint (the reference SDK's generic verbs) ----

    def post(
        self,
        url: str,
        *,
        stream: bool = False,
        headers: Optional[Mapping[str, str]] = None,
        files: Optional[Mapping[str, Any]] = None,
        **body: Any,
    ) -> Union[GenericResponse, Stream[GenericResponse]]:
        """POST the keywords as a JSON body to ``url``, a path under ``base_url``, for an
        endpoint this SDK has no method for: ``client.post("/chat/completions", model=...,
        messages=[...])``. ``stream=True`` returns a :class:`Stream` of events; ``files``
        (field name to file) sends a multipart form instead."""
        call = generic_call("POST", url, body=body, headers=headers, stream=stream, files=files)
        return self.send(call)  # type: ignore[no-any-return]

    def get(
        self, *, path: str, headers: Optional[Mapping[str, str]] = None, cast_to: Any = None
    ) -> APIResponse:
        """GET ``path`` (under ``base_url``), parsed into ``cast_to`` (one of this SDK's
        response models; :class:`GenericResponse` when not given)."""
        return self.send(generic_call("GET", path, headers=headers, cast_to=cast_to))  # type: ignore[no-any-return]

    def put(
        self,
        *,
        path: str,
        body: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
        cast_to: Any = None,
    ) -> APIResponse:
        """PUT ``body`` as JSON to ``path`` (under ``base_url``); the answer as in :meth:`get`."""
        call = generic_call("PUT", path, body=body or {}, headers=headers, cast_to=cast_to)
        return self.send(call)  # type: ignore[no-any-return]

    def delete(
        self, *, path: str, headers: Optional[Mapping[str, str]] = None, cast_to: Any = None
    ) -> APIResponse:
        """DELETE ``path`` (under ``base_url``); the answer as in :meth:`get`."""
        return self.send(generic_call("DELETE", path, headers=headers, cast_to=cast_to))  # type: ignore[no-any-return]

    # ---- platform resources (loaded on first use; see resources/platform.py) ----

    @cached_property
    def files(self) -> "platform.Files":
        """Files: ``create(file=..., purpose=...)``, ``list``, ``retrieve``, ``delete``,
        ``content``."""
        from .resources.files import Files

        return Files(self)

    @cached_property
    def uploads(self) -> "platform.Uploads":
        """Large files in parts: ``create``, ``parts.create``, ``complete``,
        ``upload_file_chunked``."""
        from .resources.files import Uploads

        return Uploads(self)

    @cached_property
    def batches(self) -> "platform.Batches":
        """Batches: ``create``, ``list``, ``retrieve``, ``cancel``."""
        from .resources.batches import Batches

        return Batches(self)

    @cached_property
    def fine_tuning(self) -> "platform.FineTuning":
        """Fine-tuning: ``jobs`` (events, checkpoints), ``checkpoints.permissions``, ``alpha``."""
        from .resources.fine_tuning import FineTuning

        return FineTuning(self)

    @cached_property
    def alpha(self) -> "platform.Alpha":
        """Alpha features: ``graders.run`` / ``graders.validate``."""
        from .resources.fine_tuning import Alpha

        return Alpha(self)

    @cached_property
    def beta(self) -> "platform.Beta":
        """Beta APIs: ``assistants``, ``threads``, ``vector_stores``, ``realtime``."""
        from .resources.beta import Beta

        return Beta(self)

    @cached_property
    def vector_stores(self) -> "platform.VectorStores":
        """Vector stores with ``files`` and ``file_batches``."""
        from .resources.vector_stores import VectorStores

        return VectorStores(self)

    @cached_property
    def responses(self) -> "platform.Responses":
        """The Responses API: ``create``, ``retrieve``, ``delete``, ``cancel``, ``input_items``."""
        from .resources.responses_api import Responses

        return Responses(self)

    @cached_property
    def containers(self) -> "platform.Containers":
        """Containers with ``files``."""
        from .resources.containers import Containers

        return Containers(self)

    @cached_property
    def evals(self) -> "platform.Evals":
        """Evals with ``runs`` (and their ``output_items``)."""
        from .resources.evals import Evals

        return Evals(self)

    @cached_property
    def configs(self) -> "platform.Configs":
        """Saved gateway configs (hosted control plane)."""
        from .resources.control_plane import Configs

        return Configs(self)

    @cached_property
    def api_keys(self) -> "platform.ApiKeys":
        """Portkey API keys (hosted control plane)."""
        from .resources.control_plane import ApiKeys

        return ApiKeys(self)

    @cached_property
    def virtual_keys(self) -> "platform.VirtualKeys":
        """Virtual keys (hosted control plane)."""
        from .resources.control_plane import VirtualKeys

        return VirtualKeys(self)

    @cached_property
    def admin(self) -> "platform.Admin":
        """Organisation admin: ``users``, ``invites``, ``workspaces`` (hosted control plane)."""
        from .resources.admin import Admin

        return Admin(self)

    @cached_property
    def logs(self) -> "platform.Logs":
        """Request logs and ``exports`` (hosted control plane)."""
        from .resources.logs import Logs

        return Logs(self)

    @cached_property
    def labels(self) -> "platform.Labels":
        """Prompt labels (hosted control plane)."""
        from .resources.control_plane import Labels

        return Labels(self)

    @cached_property
    def collections(self) -> "platform.Collections":
        """Prompt collections (hosted control plane)."""
        from .resources.control_plane import Collections

        return Collections(self)

    @cached_property
    def providers(self) -> "platform.Providers":
        """Providers (hosted control plane)."""
        from .resources.control_plane import Providers

        return Providers(self)

    @cached_property
    def integrations(self) -> "platform.Integrations":
        """Integrations with ``workspaces`` and ``models`` (hosted control plane)."""
        from .resources.control_plane import Integrations

        return Integrations(self)

    @cached_property
    def guardrails(self) -> "platform.Guardrails":
        """Guardrails: checks and their actions (hosted control plane)."""
        from .resources.control_plane import Guardrails

        return Guardrails(self)

    @cached_property
    def mcp_servers(self) -> "platform.McpServers":
        """MCP servers with ``capabilities``, ``user_access``, ``metadata`` (hosted)."""
        from .resources.mcp import McpServers

        return McpServers(self)

    @cached_property
    def mcp_integrations(self) -> "platform.McpIntegrations":
        """MCP integrations with ``capabilities``, ``workspaces``, ``metadata`` (hosted)."""
        from .resources.mcp import McpIntegrations

        return McpIntegrations(self)

    @cached_property
    def analytics(self) -> "platform.Analytics":
        """Analytics: ``graphs``, ``groups``, ``summary`` (hosted control plane)."""
        from .resources.analytics import Analytics

        return Analytics(self)

    @cached_property
    def conversations(self) -> "platform.Conversations":
        """Conversations with ``items`` (Responses API state)."""
        from .resources.conversations import Conversations

        return Conversations(self)

    @cached_property
    def realtime(self) -> "platform.MainRealtime":
        """Realtime (GA): ``calls``, ``client_secrets``."""
        from .resources.realtime import MainRealtime

        return MainRealtime(self)

    @cached_property
    def videos(self) -> "platform.Videos":
        """Video generation: ``create``, ``poll``, ``remix``, ``download_content``, ..."""
        from .resources.videos import Videos

        return Videos(self)

    @cached_property
    def skills(self) -> "platform.Skills":
        """Skills with ``versions`` and ``content``."""
        from .resources.skills import Skills

        return Skills(self)

    @cached_property
    def webhooks(self) -> "platform.Webhooks":
        """Webhooks: ``verify_signature`` and ``unwrap`` (local; nothing is sent)."""
        from .resources.webhooks import Webhooks

        return Webhooks(self)
