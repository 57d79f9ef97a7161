"""``mcp_servers`` and ``mcp_integrations`` (hosted control plane): remote MCP endpoints
(integrations), the servers workspaces use (servers), their capabilities, metadata, user access
and OAuth tokens.

Each resource's verbs are declared once, in a ``...Verbs`` class both twins share; sync and
async differ only in their base (``SyncResource`` / ``AsyncResource``).
"""

from functools import cached_property

from ..responses import GenericResponse
from ..surface_types import McpIntegration, McpServer
from .crud import (
    CRUD,
    AsyncCRUD,
    AsyncListable,
    AsyncResource,
    Endpoint,
    Listable,
    SyncResource,
)
from .pagination import PAGE_NUMBERS, SINGLE_PAGE
from .verbs import Verb

MCP_SERVERS = Endpoint(
    "/mcp-servers",
    McpServer,
    id_name="mcp_server_id",
    update_method="PUT",
    paging=PAGE_NUMBERS,
    required=("name", "mcp_integration_id"),
)
SERVER_CAPABILITIES = Endpoint(
    "/mcp-servers/{mcp_server_id}/capabilities", GenericResponse, paging=SINGLE_PAGE
)
SERVER_USER_ACCESS = Endpoint(
    "/mcp-servers/{mcp_server_id}/user-access", GenericResponse, paging=SINGLE_PAGE
)
SERVER_METADATA = Endpoint("/mcp-servers/{mcp_server_id}/metadata", GenericResponse)

MCP_INTEGRATIONS = Endpoint(
    "/mcp-integrations",
    McpIntegration,
    id_name="mcp_integration_id",
    update_method="PUT",
    paging=PAGE_NUMBERS,
    required=("name", "url", "auth_type", "transport"),
)
INTEGRATION_CAPABILITIES = Endpoint(
    "/mcp-integrations/{mcp_integration_id}/capabilities", GenericResponse, paging=SINGLE_PAGE
)
INTEGRATION_WORKSPACES = Endpoint(
    "/mcp-integrations/{mcp_integration_id}/workspaces", GenericResponse, paging=SINGLE_PAGE
)
INTEGRATION_METADATA = Endpoint("/mcp-integrations/{mcp_integration_id}/metadata", GenericResponse)


def _on(method: str, action: str = "", *required: str) -> Verb[GenericResponse]:
    """A verb on a sub-resource's own path (``PUT /mcp-servers/{id}/capabilities``)."""
    return Verb(method, action, GenericResponse, on_item=False, required=required)


# ---- the verbs, declared once ------------------------------------------------------------------


class ServerVerbs:
    """``test``, ``get_tokens``, ``update_tokens``, ``delete_tokens``, ``get_client_info``."""

    test = Verb("POST", "test", GenericResponse)
    get_tokens = Verb("GET", "tokens", GenericResponse)
    update_tokens = Verb("PUT", "tokens", GenericResponse, required=("access_token",))
    delete_tokens = Verb("DELETE", "tokens", GenericResponse)
    get_client_info = Verb("GET", "client-info", GenericResponse)


class ServerCapabilityVerbs:
    """``update(mcp_server_id, capabilities=[...])`` and ``sync``."""

    endpoint = SERVER_CAPABILITIES
    update = _on("PUT", "", "capabilities")
    sync = _on("POST", "sync")


class UserAccessVerbs:
    """``check(mcp_server_id)`` and ``update(mcp_server_id, user_access=[...])``."""

    endpoint = SERVER_USER_ACCESS
    check = _on("GET", "check")
    update = _on("PUT", "", "user_access")


class ServerMetadataVerbs:
    """``retrieve(mcp_server_id)`` and ``sync(mcp_server_id, ...)``."""

    endpoint = SERVER_METADATA
    retrieve = _on("GET")
    sync = _on("POST", "sync")


class IntegrationVerbs:
    """``sync`` and ``test``."""

    sync = Verb("POST", "sync", GenericResponse)
    test = Verb("POST", "test", GenericResponse)


class IntegrationCapabilityVerbs:
    """``update(mcp_integration_id, capabilities=[...])``."""

    endpoint = INTEGRATION_CAPABILITIES
    update = _on("PUT", "", "capabilities")


class IntegrationWorkspaceVerbs:
    """``update(mcp_integration_id, workspaces=[...])``."""

    endpoint = INTEGRATION_WORKSPACES
    update = _on("PUT", "", "workspaces")


class IntegrationMetadataVerbs:
    """``retrieve(mcp_integration_id)``."""

    endpoint = INTEGRATION_METADATA
    retrieve = _on("GET")


# ---- sync --------------------------------------------------------------------------------------


class ServerCapabilities(ServerCapabilityVerbs, Listable[GenericResponse]):
    """``client.mcp_servers.capabilities``: ``list``, ``update``, ``sync``."""


class ServerUserAccess(UserAccessVerbs, Listable[GenericResponse]):
    """``client.mcp_servers.user_access``: ``list``, ``check``, ``update``."""


class ServerMetadata(ServerMetadataVerbs, SyncResource):
    """``client.mcp_servers.metadata``: ``retrieve``, ``sync``."""


class McpServers(ServerVerbs, CRUD[McpServer]):
    """``client.mcp_servers``: CRUD by ``mcp_server_id``, ``test``, OAuth tokens, client info;
    ``capabilities``, ``user_access``, ``metadata``."""

    endpoint = MCP_SERVERS

    @cached_property
    def capabilities(self) -> ServerCapabilities:
        """The tools, prompts and resources the server offers, and which are enabled."""
        return ServerCapabilities(self._client)

    @cached_property
    def user_access(self) -> ServerUserAccess:
        """Which users may use the server."""
        return ServerUserAccess(self._client)

    @cached_property
    def metadata(self) -> ServerMetadata:
        """What the server says about itself."""
        return ServerMetadata(self._client)


class IntegrationCapabilities(IntegrationCapabilityVerbs, Listable[GenericResponse]):
    """``client.mcp_integrations.capabilities``: ``list``, ``update``."""


class IntegrationWorkspaces(IntegrationWorkspaceVerbs, Listable[GenericResponse]):
    """``client.mcp_integrations.workspaces``: ``list``, ``update``."""


class IntegrationMetadata(IntegrationMetadataVerbs, SyncResource):
    """``client.mcp_integrations.metadata``: ``retrieve``."""


class McpIntegrations(IntegrationVerbs, CRUD[McpIntegration]):
    """``client.mcp_integrations``: CRUD by ``mcp_integration_id``, ``sync``, ``test``;
    ``capabilities``, ``workspaces``, ``metadata``."""

    endpoint = MCP_INTEGRATIONS

    @cached_property
    def capabilities(self) -> IntegrationCapabilities:
        """The capabilities of the integration."""
        return IntegrationCapabilities(self._client)

    @cached_property
    def workspaces(self) -> IntegrationWorkspaces:
        """Which workspaces may use the integration."""
        return IntegrationWorkspaces(self._client)

    @cached_property
    def metadata(self) -> IntegrationMetadata:
        """What the integration's server says about itself."""
        return IntegrationMetadata(self._client)


# ---- async -------------------------------------------------------------------------------------


class AsyncServerCapabilities(ServerCapabilityVerbs, AsyncListable[GenericResponse]):
    """Async twin of :class:`ServerCapabilities`."""


class AsyncServerUserAccess(UserAccessVerbs, AsyncListable[GenericResponse]):
    """Async twin of :class:`ServerUserAccess`."""


class AsyncServerMetadata(ServerMetadataVerbs, AsyncResource):
    """Async twin of :class:`ServerMetadata`."""


class AsyncMcpServers(ServerVerbs, AsyncCRUD[McpServer]):
    """Async twin of :class:`McpServers`."""

    endpoint = MCP_SERVERS

    @cached_property
    def capabilities(self) -> AsyncServerCapabilities:
        """The tools, prompts and resources the server offers, and which are enabled."""
        return AsyncServerCapabilities(self._client)

    @cached_property
    def user_access(self) -> AsyncServerUserAccess:
        """Which users may use the server."""
        return AsyncServerUserAccess(self._client)

    @cached_property
    def metadata(self) -> AsyncServerMetadata:
        """What the server says about itself."""
        return AsyncServerMetadata(self._client)


class AsyncIntegrationCapabilities(IntegrationCapabilityVerbs, AsyncListable[GenericResponse]):
    """Async twin of :class:`IntegrationCapabilities`."""


class AsyncIntegrationWorkspaces(IntegrationWorkspaceVerbs, AsyncListable[GenericResponse]):
    """Async twin of :class:`IntegrationWorkspaces`."""


class AsyncIntegrationMetadata(IntegrationMetadataVerbs, AsyncResource):
    """Async twin of :class:`IntegrationMetadata`."""


class AsyncMcpIntegrations(IntegrationVerbs, AsyncCRUD[McpIntegration]):
    """Async twin of :class:`McpIntegrations`."""

    endpoint = MCP_INTEGRATIONS

    @cached_property
    def capabilities(self) -> AsyncIntegrationCapabilities:
        """The capabilities of the integration."""
        return AsyncIntegrationCapabilities(self._client)

    @cached_property
    def workspaces(self) -> AsyncIntegrationWorkspaces:
        """Which workspaces may use the integration."""
        return AsyncIntegrationWorkspaces(self._client)

    @cached_property
    def metadata(self) -> AsyncIntegrationMetadata:
        """What the integration's server says about itself."""
        return AsyncIntegrationMetadata(self._client)
