"""Every platform resource (sync and async) in one namespace, for type annotations.

The clients import these lazily, on first use of each attribute: loading all of them costs
about 0.2 s, which ``import portkey`` and plain chat calls should not pay.
"""

from .admin import Admin, AsyncAdmin
from .analytics import Analytics, AsyncAnalytics
from .batches import AsyncBatches, Batches
from .beta import AsyncBeta, Beta
from .containers import AsyncContainers, Containers
from .control_plane import (
    ApiKeys,
    AsyncApiKeys,
    AsyncCollections,
    AsyncConfigs,
    AsyncGuardrails,
    AsyncIntegrations,
    AsyncLabels,
    AsyncProviders,
    AsyncVirtualKeys,
    Collections,
    Configs,
    Guardrails,
    Integrations,
    Labels,
    Providers,
    VirtualKeys,
)
from .conversations import AsyncConversations, Conversations
from .evals import AsyncEvals, Evals
from .files import AsyncFiles, AsyncUploads, Files, Uploads
from .fine_tuning import Alpha, AsyncAlpha, AsyncFineTuning, FineTuning
from .logs import AsyncFeedbackQueries, AsyncLogs, FeedbackQueries, Logs
from .mcp import AsyncMcpIntegrations, AsyncMcpServers, McpIntegrations, McpServers
from .pagination import AsyncPage, SyncPage
from .realtime import AsyncMainRealtime, MainRealtime
from .responses_api import AsyncResponses, Responses
from .skills import AsyncSkills, Skills
from .vector_stores import AsyncVectorStores, VectorStores
from .videos import AsyncVideos, Videos
from .webhooks import AsyncWebhooks, Webhooks

__all__ = [
    "Admin",
    "Alpha",
    "Analytics",
    "ApiKeys",
    "AsyncAdmin",
    "AsyncAlpha",
    "AsyncAnalytics",
    "AsyncApiKeys",
    "AsyncBatches",
    "AsyncBeta",
    "AsyncCollections",
    "AsyncConfigs",
    "AsyncContainers",
    "AsyncConversations",
    "AsyncEvals",
    "AsyncFeedbackQueries",
    "AsyncFiles",
    "AsyncFineTuning",
    "AsyncGuardrails",
    "AsyncIntegrations",
    "AsyncLabels",
    "AsyncLogs",
    "AsyncMainRealtime",
    "AsyncMcpIntegrations",
    "AsyncMcpServers",
    "AsyncPage",
    "AsyncProviders",
    "AsyncResponses",
    "AsyncSkills",
    "AsyncUploads",
    "AsyncVectorStores",
    "AsyncVideos",
    "AsyncVirtualKeys",
    "AsyncWebhooks",
    "Batches",
    "Beta",
    "Collections",
    "Configs",
    "Containers",
    "Conversations",
    "Evals",
    "FeedbackQueries",
    "Files",
    "FineTuning",
    "Guardrails",
    "Integrations",
    "Labels",
    "Logs",
    "MainRealtime",
    "McpIntegrations",
    "McpServers",
    "Providers",
    "Responses",
    "Skills",
    "SyncPage",
    "Uploads",
    "VectorStores",
    "Videos",
    "VirtualKeys",
    "Webhooks",
]
