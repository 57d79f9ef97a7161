"""Every platform resource (sync and async) in one namespace, for type annotations.

The clients import these lazily, on first use of each attribute: loading all of them costs
about 0.2 s, which ``import portkey`` and plain chat calls should not pay.
"""

from .admin import Admin, AsyncAdmin
from .batches import AsyncBatches, Batches
from .beta import AsyncBeta, Beta
from .containers import AsyncContainers, Containers
from .control_plane import (
    ApiKeys,
    AsyncApiKeys,
    AsyncCollections,
    AsyncConfigs,
    AsyncIntegrations,
    AsyncLabels,
    AsyncProviders,
    AsyncVirtualKeys,
    Collections,
    Configs,
    Integrations,
    Labels,
    Providers,
    VirtualKeys,
)
from .evals import AsyncEvals, Evals
from .files import AsyncFiles, AsyncUploads, Files, Uploads
from .fine_tuning import Alpha, AsyncAlpha, AsyncFineTuning, FineTuning
from .logs import AsyncFeedbackQueries, AsyncLogs, FeedbackQueries, Logs
from .pagination import AsyncPage, SyncPage
from .responses_api import AsyncResponses, Responses
from .vector_stores import AsyncVectorStores, VectorStores

__all__ = [
    "Admin",
    "Alpha",
    "ApiKeys",
    "AsyncAdmin",
    "AsyncAlpha",
    "AsyncApiKeys",
    "AsyncBatches",
    "AsyncBeta",
    "AsyncCollections",
    "AsyncConfigs",
    "AsyncContainers",
    "AsyncEvals",
    "AsyncFeedbackQueries",
    "AsyncFiles",
    "AsyncFineTuning",
    "AsyncIntegrations",
    "AsyncLabels",
    "AsyncLogs",
    "AsyncPage",
    "AsyncProviders",
    "AsyncResponses",
    "AsyncUploads",
    "AsyncVectorStores",
    "AsyncVirtualKeys",
    "Batches",
    "Beta",
    "Collections",
    "Configs",
    "Containers",
    "Evals",
    "FeedbackQueries",
    "Files",
    "FineTuning",
    "Integrations",
    "Labels",
    "Logs",
    "Providers",
    "Responses",
    "SyncPage",
    "Uploads",
    "VectorStores",
    "VirtualKeys",
]
