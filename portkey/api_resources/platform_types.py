"""Lenient response models of the platform resources (files, batches, assistants, ... and the
hosted control plane: configs, keys, admin, logs, ...).

Each model types the few fields callers reach for most and keeps every other field as it came
(``extra="allow"`` on :class:`PortkeyModel`), so a field the API adds tomorrow is still there
today as ``obj.new_field`` / ``obj["new_field"]``.
"""

from typing import Any, Dict, List, Optional, Union

from .assistant_types import Assistant, Run, RunStep, Thread, ThreadMessage
from .platform_base import DeletedObject, ErrorInfo, ListResponse, PlatformObject
from .response_types import CompactedResponse, InputTokensCount, ModelResponse
from .responses import APIResponse, PortkeyModel

# ---- files, uploads, batches -----------------------------------------------------------------


class FileObject(PlatformObject):
    """A stored file; ``status`` is ``uploaded``, ``processed`` or ``error`` (see
    ``files.wait_for_processing``)."""

    bytes: Optional[int] = None
    created_at: Optional[int] = None
    expires_at: Optional[int] = None
    filename: Optional[str] = None
    purpose: Optional[str] = None
    status: Optional[str] = None
    status_details: Optional[str] = None


class Upload(PlatformObject):
    """A multi-part upload; ``file`` holds the finished file once completed."""

    created_at: Optional[int] = None
    expires_at: Optional[int] = None
    bytes: Optional[int] = None
    filename: Optional[str] = None
    purpose: Optional[str] = None
    status: Optional[str] = None
    file: Optional[FileObject] = None


class UploadPart(PlatformObject):
    """One part of an upload."""

    upload_id: Optional[str] = None


class BatchRequestCounts(PortkeyModel):
    """How many of a batch's requests finished, and how many failed."""

    total: Optional[int] = None
    completed: Optional[int] = None
    failed: Optional[int] = None


class BatchError(PortkeyModel):
    """Why one line of a batch's input was refused."""

    code: Optional[str] = None
    message: Optional[str] = None
    param: Optional[str] = None
    line: Optional[int] = None


class BatchErrors(PortkeyModel):
    """The errors of a batch's input validation."""

    object: Optional[str] = None
    data: List[BatchError] = []


class Batch(PlatformObject):
    """A batch job over a JSONL input file; ``output_file_id`` holds the answers once
    ``status`` is ``completed`` (``batches.output``)."""

    endpoint: Optional[str] = None
    model: Optional[str] = None
    input_file_id: Optional[str] = None
    output_file_id: Optional[str] = None
    error_file_id: Optional[str] = None
    completion_window: Optional[str] = None
    status: Optional[str] = None
    request_counts: Optional[BatchRequestCounts] = None
    errors: Optional[BatchErrors] = None
    metadata: Optional[Dict[str, Any]] = None
    usage: Optional[Dict[str, Any]] = None
    created_at: Optional[int] = None
    in_progress_at: Optional[int] = None
    expires_at: Optional[int] = None
    finalizing_at: Optional[int] = None
    completed_at: Optional[int] = None
    failed_at: Optional[int] = None
    expired_at: Optional[int] = None
    cancelling_at: Optional[int] = None
    cancelled_at: Optional[int] = None


# ---- fine-tuning and graders -------------------------------------------------------------------


class Hyperparameters(PortkeyModel):
    """A fine-tuning job's hyperparameters (``"auto"`` or a number each)."""

    batch_size: Optional[Union[str, int]] = None
    learning_rate_multiplier: Optional[Union[str, float]] = None
    n_epochs: Optional[Union[str, int]] = None


class FineTuningJob(PlatformObject):
    """A fine-tuning job; ``status`` goes ``validating_files`` -> ``queued`` -> ``running``
    -> ``succeeded`` (or ``failed``, ``cancelled``)."""

    created_at: Optional[int] = None
    finished_at: Optional[int] = None
    estimated_finish: Optional[int] = None
    model: Optional[str] = None
    fine_tuned_model: Optional[str] = None
    organization_id: Optional[str] = None
    status: Optional[str] = None
    training_file: Optional[str] = None
    validation_file: Optional[str] = None
    result_files: List[str] = []
    trained_tokens: Optional[int] = None
    hyperparameters: Optional[Hyperparameters] = None
    error: Optional[ErrorInfo] = None
    seed: Optional[int] = None
    suffix: Optional[str] = None
    method: Optional[Dict[str, Any]] = None
    integrations: Optional[List[Dict[str, Any]]] = None
    metadata: Optional[Dict[str, Any]] = None


class FineTuningJobEvent(PlatformObject):
    """One event of a fine-tuning job."""

    level: Optional[str] = None
    message: Optional[str] = None
    created_at: Optional[int] = None


class FineTuningCheckpoint(PlatformObject):
    """A checkpoint written during a fine-tuning job."""

    fine_tuned_model_checkpoint: Optional[str] = None
    fine_tuning_job_id: Optional[str] = None
    step_number: Optional[int] = None
    metrics: Optional[Dict[str, Any]] = None


class CheckpointPermission(PlatformObject):
    """A project's permission to use a fine-tuned checkpoint."""

    project_id: Optional[str] = None


class GraderResult(APIResponse):
    """The answer of running or validating a grader."""

    reward: Optional[float] = None
    grader: Optional[Dict[str, Any]] = None
    metadata: Optional[Dict[str, Any]] = None


# ---- vector stores ---------------------------------------------------------------------------


class FileCounts(PortkeyModel):
    """How many files of a vector store (or file batch) are in each state."""

    in_progress: Optional[int] = None
    completed: Optional[int] = None
    failed: Optional[int] = None
    cancelled: Optional[int] = None
    total: Optional[int] = None


class VectorStore(PlatformObject):
    """A vector store for file search."""

    name: Optional[str] = None
    status: Optional[str] = None
    file_counts: Optional[FileCounts] = None
    usage_bytes: Optional[int] = None
    created_at: Optional[int] = None
    last_active_at: Optional[int] = None
    expires_after: Optional[Dict[str, Any]] = None
    expires_at: Optional[int] = None
    metadata: Optional[Dict[str, Any]] = None


class VectorStoreFile(PlatformObject):
    """A file attached to a vector store; ``status`` is ``in_progress``, ``completed``,
    ``failed`` or ``cancelled``."""

    vector_store_id: Optional[str] = None
    status: Optional[str] = None
    usage_bytes: Optional[int] = None
    created_at: Optional[int] = None
    last_error: Optional[ErrorInfo] = None
    chunking_strategy: Optional[Dict[str, Any]] = None
    attributes: Optional[Dict[str, Any]] = None


class VectorStoreFileBatch(PlatformObject):
    """A batch of files being attached to a vector store."""

    vector_store_id: Optional[str] = None
    status: Optional[str] = None
    file_counts: Optional[FileCounts] = None
    created_at: Optional[int] = None


class VectorStoreSearchResults(APIResponse):
    """The answer of a vector store search."""

    object: Optional[str] = None
    search_query: Any = None
    data: List[Any] = []
    has_more: Optional[bool] = None
    next_page: Optional[str] = None


# ---- responses, containers, evals, realtime --------------------------------------------------


class ResponseInputItem(PlatformObject):
    """One input item of a response."""

    type: Optional[str] = None
    role: Optional[str] = None
    content: Union[List[Any], str, None] = None


class Container(PlatformObject):
    """A code-interpreter container."""

    name: Optional[str] = None
    status: Optional[str] = None


class ContainerFile(PlatformObject):
    """A file inside a container."""

    container_id: Optional[str] = None
    path: Optional[str] = None
    bytes: Optional[int] = None


class Eval(PlatformObject):
    """An evaluation: a data source config and testing criteria."""

    name: Optional[str] = None
    data_source_config: Optional[Dict[str, Any]] = None
    testing_criteria: List[Any] = []


class EvalRun(PlatformObject):
    """A run of an evaluation."""

    eval_id: Optional[str] = None
    status: Optional[str] = None
    model: Optional[str] = None
    result_counts: Optional[Dict[str, Any]] = None


class EvalRunOutputItem(PlatformObject):
    """One graded output of an eval run."""

    run_id: Optional[str] = None
    status: Optional[str] = None


class RealtimeSession(PlatformObject):
    """A realtime session (its ephemeral ``client_secret`` included)."""

    model: Optional[str] = None
    modalities: Optional[List[str]] = None
    client_secret: Optional[Dict[str, Any]] = None


class RealtimeEvent(APIResponse):
    """One JSON event received over a realtime connection."""

    type: Optional[str] = None
    event_id: Optional[str] = None


# ---- the hosted control plane ----------------------------------------------------------------


class PortkeyConfig(PlatformObject):
    """A saved gateway config (``slug`` is what ``config="pc-..."`` refers to)."""

    slug: Optional[str] = None
    name: Optional[str] = None
    config: Union[Dict[str, Any], str, None] = None
    status: Optional[str] = None


class ApiKey(PlatformObject):
    """A Portkey API key (the key itself is only shown when created)."""

    key: Optional[str] = None
    name: Optional[str] = None
    type: Optional[str] = None
    scopes: Optional[List[str]] = None


class VirtualKey(PlatformObject):
    """A virtual key: a provider credential stored by Portkey."""

    slug: Optional[str] = None
    name: Optional[str] = None
    provider: Optional[str] = None
    status: Optional[str] = None


class User(PlatformObject):
    """A user of the organisation."""

    email: Optional[str] = None
    role: Optional[str] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None


class UserInvite(PlatformObject):
    """An invitation to join the organisation."""

    email: Optional[str] = None
    role: Optional[str] = None
    status: Optional[str] = None


class Workspace(PlatformObject):
    """A workspace."""

    slug: Optional[str] = None
    name: Optional[str] = None
    description: Optional[str] = None


class WorkspaceMember(PlatformObject):
    """A user's membership of a workspace."""

    user_id: Optional[str] = None
    role: Optional[str] = None
    email: Optional[str] = None


class LogEntry(PlatformObject):
    """One request log (or trace) stored by Portkey."""

    trace_id: Optional[str] = None
    created_at: Optional[str] = None


class LogExport(PlatformObject):
    """A log export job."""

    status: Optional[str] = None
    description: Optional[str] = None
    filters: Optional[Dict[str, Any]] = None
    requested_data: Optional[List[str]] = None


class Label(PlatformObject):
    """A prompt label."""

    name: Optional[str] = None
    description: Optional[str] = None
    color_code: Optional[str] = None


class Collection(PlatformObject):
    """A collection of prompts."""

    slug: Optional[str] = None
    name: Optional[str] = None


class FeedbackEntry(PlatformObject):
    """A stored feedback on a trace."""

    trace_id: Optional[str] = None
    value: Optional[float] = None
    weight: Optional[float] = None
    metadata: Optional[Dict[str, Any]] = None


class Provider(PlatformObject):
    """A provider (the successor of virtual keys) bound to an integration."""

    slug: Optional[str] = None
    name: Optional[str] = None
    integration_id: Optional[str] = None
    status: Optional[str] = None


class Integration(PlatformObject):
    """An organisation-level provider integration."""

    slug: Optional[str] = None
    name: Optional[str] = None
    ai_provider_id: Optional[str] = None
    status: Optional[str] = None


class IntegrationWorkspace(PlatformObject):
    """A workspace's access to an integration."""

    enabled: Optional[bool] = None


class IntegrationModel(APIResponse):
    """A model's availability in an integration."""

    slug: Optional[str] = None
    enabled: Optional[bool] = None
    is_custom: Optional[bool] = None


__all__ = [
    "ApiKey",
    "Assistant",
    "Batch",
    "BatchError",
    "BatchErrors",
    "BatchRequestCounts",
    "CheckpointPermission",
    "Collection",
    "CompactedResponse",
    "Container",
    "ContainerFile",
    "DeletedObject",
    "ErrorInfo",
    "Eval",
    "EvalRun",
    "EvalRunOutputItem",
    "FeedbackEntry",
    "FileCounts",
    "FileObject",
    "FineTuningCheckpoint",
    "FineTuningJob",
    "FineTuningJobEvent",
    "GraderResult",
    "Hyperparameters",
    "InputTokensCount",
    "Integration",
    "IntegrationModel",
    "IntegrationWorkspace",
    "Label",
    "ListResponse",
    "LogEntry",
    "LogExport",
    "ModelResponse",
    "PlatformObject",
    "PortkeyConfig",
    "Provider",
    "RealtimeEvent",
    "RealtimeSession",
    "ResponseInputItem",
    "Run",
    "RunStep",
    "Thread",
    "ThreadMessage",
    "Upload",
    "UploadPart",
    "User",
    "UserInvite",
    "VectorStore",
    "VectorStoreFile",
    "VectorStoreFileBatch",
    "VectorStoreSearchResults",
    "VirtualKey",
    "Workspace",
    "WorkspaceMember",
]
