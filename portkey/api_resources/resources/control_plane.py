"""Portkey's hosted control plane: configs, API keys, virtual keys, labels, collections,
guardrails, providers and integrations (with their workspace and model access).

These endpoints exist only on the hosted service (``https://api.portkey.ai/v1``) or a
self-hosted control plane, not on the open-source gateway. Updates use ``PUT``; lists page by
number (``current_page`` from 0, ``page_size``) and report ``total``.
"""

from functools import cached_property
from typing import Any, Optional, cast

from ..platform_types import (
    ApiKey,
    Collection,
    DeletedObject,
    Integration,
    IntegrationModel,
    IntegrationWorkspace,
    Label,
    PortkeyConfig,
    Provider,
    VirtualKey,
)
from ..responses import GenericResponse
from ..surface_types import Guardrail
from .base import Call
from .crud import (
    CRUD,
    AsyncCRUD,
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
    require_field,
)
from .pagination import PAGE_NUMBERS


def _control(path: str, model: Any, id_name: str, **facts: Any) -> Endpoint:
    """A control-plane endpoint: PUT updates and numbered pages."""
    return Endpoint(path, model, id_name=id_name, update_method="PUT", paging=PAGE_NUMBERS, **facts)


CONFIGS = _control("/configs", PortkeyConfig, "slug", required=("config",))
API_KEYS = _control("/api-keys", ApiKey, "id")
API_KEY_CREATE = _control("/api-keys/{type}/{sub_type}", ApiKey, "id", required=("name",))
VIRTUAL_KEYS = _control("/virtual-keys", VirtualKey, "slug", required=("provider",))
LABELS = _control("/labels", Label, "label_id", required=("name",))
COLLECTIONS = _control(
    "/collections",
    Collection,
    "collection_id",
    required=("name",),
    create_args=("name", "workspace_id", "parent_collection_id"),
)
PROVIDERS = _control(
    "/providers", Provider, "slug", query_keys=("workspace_id",), required=("integration_id",)
)
INTEGRATIONS = _control("/integrations", Integration, "slug", required=("ai_provider_id",))
GUARDRAILS = _control(
    "/guardrails", Guardrail, "guardrail_id", required=("name", "checks", "actions")
)
INTEGRATION_WORKSPACES = _control(
    "/integrations/{slug}/workspaces", IntegrationWorkspace, "workspace_id"
)
INTEGRATION_MODELS = _control("/integrations/{slug}/models", IntegrationModel, "model_slug")


def _bulk_update_call(endpoint: Endpoint, slug: Any, params: Any) -> Call:
    return endpoint.collection_call("PUT", "", params, cast_to=GenericResponse, parent_id=slug)


def _models_delete_call(slug: Any, params: Any) -> Call:
    require_field(params, "slugs")
    return INTEGRATION_MODELS.collection_call(
        "DELETE", "", params, cast_to=DeletedObject, parent_id=slug
    )


# ---- sync --------------------------------------------------------------------------------------


class Configs(CRUD[PortkeyConfig]):
    """``client.configs``: saved gateway configs, by ``slug``."""

    endpoint = CONFIGS


class ApiKeys(Listable[ApiKey], Retrievable[ApiKey], Updatable[ApiKey], Deletable):
    """``client.api_keys``: ``create(type=..., sub_type=...)``, ``list``, ``retrieve``,
    ``update``, ``delete``."""

    endpoint = API_KEYS

    def create(self, **params: Any) -> ApiKey:
        """Create a key: ``type`` (``organisation``/``workspace``) and ``sub_type``
        (``service``/``user``) pick the kind; the rest is the body."""
        return cast(ApiKey, self._send(API_KEY_CREATE.create_call(params)))


class VirtualKeys(CRUD[VirtualKey]):
    """``client.virtual_keys``: stored provider credentials, by ``slug``."""

    endpoint = VIRTUAL_KEYS


class Labels(Creatable[Label], Listable[Label], Retrievable[Label], Updatable[Label], Deletable):
    """``client.labels``: prompt labels."""

    endpoint = LABELS


class Collections(CRUD[Collection]):
    """``client.collections``: prompt collections."""

    endpoint = COLLECTIONS


class Guardrails(CRUD[Guardrail]):
    """``client.guardrails``: guardrails (checks and the actions on their verdict)."""

    endpoint = GUARDRAILS


class Providers(CRUD[Provider]):
    """``client.providers``: providers (integrations made available to a workspace)."""

    endpoint = PROVIDERS


class IntegrationWorkspaces(Listable[IntegrationWorkspace]):
    """``client.integrations.workspaces``: ``list(slug)`` and ``update(slug, ...)``."""

    endpoint = INTEGRATION_WORKSPACES

    def update(self, slug: Optional[str] = None, /, **params: Any) -> GenericResponse:
        """Set which workspaces may use the integration (a bulk ``PUT``)."""
        return cast(GenericResponse, self._send(_bulk_update_call(self.endpoint, slug, params)))


class IntegrationModels(Listable[IntegrationModel]):
    """``client.integrations.models``: ``list(slug)``, ``update(slug, models=[...])`` and
    ``delete(slug, slugs=[...])`` for custom models."""

    endpoint = INTEGRATION_MODELS

    def update(self, slug: Optional[str] = None, /, **params: Any) -> GenericResponse:
        """Enable, disable or price models of the integration (a bulk ``PUT``)."""
        return cast(GenericResponse, self._send(_bulk_update_call(self.endpoint, slug, params)))

    def delete(self, slug: Optional[str] = None, /, **params: Any) -> DeletedObject:
        """Remove custom models named by ``slugs`` (a list or a comma-separated string)."""
        return cast(DeletedObject, self._send(_models_delete_call(slug, params)))


class Integrations(CRUD[Integration]):
    """``client.integrations``: CRUD by ``slug``; ``workspaces`` and ``models`` access."""

    endpoint = INTEGRATIONS

    @cached_property
    def workspaces(self) -> IntegrationWorkspaces:
        """Which workspaces may use an integration."""
        return IntegrationWorkspaces(self._client)

    @cached_property
    def models(self) -> IntegrationModels:
        """Which models of an integration are available."""
        return IntegrationModels(self._client)


# ---- async -------------------------------------------------------------------------------------


class AsyncConfigs(AsyncCRUD[PortkeyConfig]):
    """Async twin of :class:`Configs`."""

    endpoint = CONFIGS


class AsyncApiKeys(
    AsyncListable[ApiKey], AsyncRetrievable[ApiKey], AsyncUpdatable[ApiKey], AsyncDeletable
):
    """Async twin of :class:`ApiKeys`."""

    endpoint = API_KEYS

    async def create(self, **params: Any) -> ApiKey:
        """Create a key of ``type`` / ``sub_type``."""
        return cast(ApiKey, await self._send(API_KEY_CREATE.create_call(params)))


class AsyncVirtualKeys(AsyncCRUD[VirtualKey]):
    """Async twin of :class:`VirtualKeys`."""

    endpoint = VIRTUAL_KEYS


class AsyncLabels(AsyncCRUD[Label]):
    """Async twin of :class:`Labels`."""

    endpoint = LABELS


class AsyncCollections(AsyncCRUD[Collection]):
    """Async twin of :class:`Collections`."""

    endpoint = COLLECTIONS


class AsyncGuardrails(AsyncCRUD[Guardrail]):
    """Async twin of :class:`Guardrails`."""

    endpoint = GUARDRAILS


class AsyncProviders(AsyncCRUD[Provider]):
    """Async twin of :class:`Providers`."""

    endpoint = PROVIDERS


class AsyncIntegrationWorkspaces(AsyncListable[IntegrationWorkspace]):
    """Async twin of :class:`IntegrationWorkspaces`."""

    endpoint = INTEGRATION_WORKSPACES

    async def update(self, slug: Optional[str] = None, /, **params: Any) -> GenericResponse:
        """Set which workspaces may use the integration."""
        call = _bulk_update_call(self.endpoint, slug, params)
        return cast(GenericResponse, await self._send(call))


class AsyncIntegrationModels(AsyncListable[IntegrationModel]):
    """Async twin of :class:`IntegrationModels`."""

    endpoint = INTEGRATION_MODELS

    async def update(self, slug: Optional[str] = None, /, **params: Any) -> GenericResponse:
        """Enable, disable or price models of the integration."""
        call = _bulk_update_call(self.endpoint, slug, params)
        return cast(GenericResponse, await self._send(call))

    async def delete(self, slug: Optional[str] = None, /, **params: Any) -> DeletedObject:
        """Remove custom models named by ``slugs``."""
        return cast(DeletedObject, await self._send(_models_delete_call(slug, params)))


class AsyncIntegrations(AsyncCRUD[Integration]):
    """Async twin of :class:`Integrations`."""

    endpoint = INTEGRATIONS

    @cached_property
    def workspaces(self) -> AsyncIntegrationWorkspaces:
        """Which workspaces may use an integration."""
        return AsyncIntegrationWorkspaces(self._client)

    @cached_property
    def models(self) -> AsyncIntegrationModels:
        """Which models of an integration are available."""
        return AsyncIntegrationModels(self._client)
