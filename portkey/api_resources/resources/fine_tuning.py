"""``fine_tuning``: jobs (with events and checkpoints), checkpoint permissions and the alpha
graders (``client.fine_tuning.alpha.graders``, also reachable as ``client.alpha.graders``)."""

from functools import cached_property
from typing import Any, Optional, cast

from ..platform_types import (
    CheckpointPermission,
    FineTuningCheckpoint,
    FineTuningJob,
    FineTuningJobEvent,
    GraderResult,
    ListResponse,
)
from .base import AsyncAPIResource, SyncAPIResource
from .crud import (
    AsyncCancellable,
    AsyncCreatable,
    AsyncDeletable,
    AsyncListable,
    AsyncResource,
    AsyncRetrievable,
    Cancellable,
    Creatable,
    Deletable,
    Endpoint,
    Listable,
    Retrievable,
    SyncResource,
    require_field,
)
from .pagination import AsyncPage, SyncPage
from .verbs import Verb

JOBS = Endpoint(
    "/fine_tuning/jobs",
    FineTuningJob,
    id_name="fine_tuning_job_id",
    required=("model", "training_file"),
)
JOB_CHECKPOINTS = Endpoint(
    "/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints", FineTuningCheckpoint
)
CHECKPOINT_PERMISSIONS = Endpoint(
    "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions",
    CheckpointPermission,
    id_name="permission_id",
    required=("project_ids",),
)
#: ``GET .../permissions`` as one list answer (the reference's ``permissions.retrieve``).
PERMISSIONS_PAGE = Verb("GET", "", ListResponse, on_item=False)
GRADERS = Endpoint("/fine_tuning/alpha/graders", GraderResult)


def _grader_call(action: str, params: Any) -> Any:
    require_field(params, "grader")
    return GRADERS.collection_call("POST", action, params)


# ---- sync --------------------------------------------------------------------------------------


class JobCheckpoints(Listable[FineTuningCheckpoint]):
    """``client.fine_tuning.jobs.checkpoints``: ``list(fine_tuning_job_id)``."""

    endpoint = JOB_CHECKPOINTS


class Jobs(
    Creatable[FineTuningJob],
    Listable[FineTuningJob],
    Retrievable[FineTuningJob],
    Cancellable[FineTuningJob],
):
    """``client.fine_tuning.jobs``: ``create``, ``list``, ``retrieve``, ``cancel``, ``pause``,
    ``resume``, ``list_events`` and ``checkpoints.list``."""

    endpoint = JOBS

    @cached_property
    def checkpoints(self) -> JobCheckpoints:
        """The checkpoints of a job."""
        return JobCheckpoints(self._client)

    def pause(self, id: Optional[str] = None, /, **params: Any) -> FineTuningJob:
        """Pause a running job."""
        return cast(FineTuningJob, self._send(JOBS.action_call("POST", id, "pause", params)))

    def resume(self, id: Optional[str] = None, /, **params: Any) -> FineTuningJob:
        """Resume a paused job."""
        return cast(FineTuningJob, self._send(JOBS.action_call("POST", id, "resume", params)))

    def list_events(
        self, id: Optional[str] = None, /, **params: Any
    ) -> SyncPage[FineTuningJobEvent]:
        """The events of a job, newest first, paged."""
        return self._page(JOBS.item_list_call(id, "events", params), FineTuningJobEvent)


class CheckpointPermissions(
    Creatable[CheckpointPermission], Listable[CheckpointPermission], Deletable
):
    """``client.fine_tuning.checkpoints.permissions``: ``create``, ``list``, ``delete``
    (keyed by ``fine_tuned_model_checkpoint``)."""

    endpoint = CHECKPOINT_PERMISSIONS
    retrieve = PERMISSIONS_PAGE


class Checkpoints(SyncAPIResource):
    """``client.fine_tuning.checkpoints``: holds ``permissions``."""

    @cached_property
    def permissions(self) -> CheckpointPermissions:
        """Who may use a fine-tuned checkpoint."""
        return CheckpointPermissions(self._client)


class Graders(SyncResource):
    """``client.alpha.graders``: ``run`` and ``validate`` a grader."""

    endpoint = GRADERS

    def run(self, **params: Any) -> GraderResult:
        """Grade ``model_sample`` with ``grader`` (and ``item`` / ``reference_answer``)."""
        return cast(GraderResult, self._send(_grader_call("run", params)))

    def validate(self, **params: Any) -> GraderResult:
        """Check that ``grader`` is well formed."""
        return cast(GraderResult, self._send(_grader_call("validate", params)))


class Alpha(SyncAPIResource):
    """``client.alpha`` (and ``client.fine_tuning.alpha``): holds ``graders``."""

    @cached_property
    def graders(self) -> Graders:
        """Graders for reinforcement fine-tuning and evals."""
        return Graders(self._client)


class FineTuning(SyncAPIResource):
    """``client.fine_tuning``: ``jobs``, ``checkpoints``, ``alpha``."""

    @cached_property
    def jobs(self) -> Jobs:
        """Fine-tuning jobs."""
        return Jobs(self._client)

    @cached_property
    def checkpoints(self) -> Checkpoints:
        """Checkpoint permissions."""
        return Checkpoints(self._client)

    @cached_property
    def alpha(self) -> Alpha:
        """Alpha features: graders."""
        return Alpha(self._client)


# ---- async -------------------------------------------------------------------------------------


class AsyncJobCheckpoints(AsyncListable[FineTuningCheckpoint]):
    """Async twin of :class:`JobCheckpoints`."""

    endpoint = JOB_CHECKPOINTS


class AsyncJobs(
    AsyncCreatable[FineTuningJob],
    AsyncListable[FineTuningJob],
    AsyncRetrievable[FineTuningJob],
    AsyncCancellable[FineTuningJob],
):
    """Async twin of :class:`Jobs`."""

    endpoint = JOBS

    @cached_property
    def checkpoints(self) -> AsyncJobCheckpoints:
        """The checkpoints of a job."""
        return AsyncJobCheckpoints(self._client)

    async def pause(self, id: Optional[str] = None, /, **params: Any) -> FineTuningJob:
        """Pause a running job."""
        call = JOBS.action_call("POST", id, "pause", params)
        return cast(FineTuningJob, await self._send(call))

    async def resume(self, id: Optional[str] = None, /, **params: Any) -> FineTuningJob:
        """Resume a paused job."""
        call = JOBS.action_call("POST", id, "resume", params)
        return cast(FineTuningJob, await self._send(call))

    async def list_events(
        self, id: Optional[str] = None, /, **params: Any
    ) -> AsyncPage[FineTuningJobEvent]:
        """The events of a job, paged."""
        return await self._page(JOBS.item_list_call(id, "events", params), FineTuningJobEvent)


class AsyncCheckpointPermissions(
    AsyncCreatable[CheckpointPermission], AsyncListable[CheckpointPermission], AsyncDeletable
):
    """Async twin of :class:`CheckpointPermissions`."""

    endpoint = CHECKPOINT_PERMISSIONS
    retrieve = PERMISSIONS_PAGE


class AsyncCheckpoints(AsyncAPIResource):
    """Async twin of :class:`Checkpoints`."""

    @cached_property
    def permissions(self) -> AsyncCheckpointPermissions:
        """Who may use a fine-tuned checkpoint."""
        return AsyncCheckpointPermissions(self._client)


class AsyncGraders(AsyncResource):
    """Async twin of :class:`Graders`."""

    endpoint = GRADERS

    async def run(self, **params: Any) -> GraderResult:
        """Grade ``model_sample`` with ``grader``."""
        return cast(GraderResult, await self._send(_grader_call("run", params)))

    async def validate(self, **params: Any) -> GraderResult:
        """Check that ``grader`` is well formed."""
        return cast(GraderResult, await self._send(_grader_call("validate", params)))


class AsyncAlpha(AsyncAPIResource):
    """Async twin of :class:`Alpha`."""

    @cached_property
    def graders(self) -> AsyncGraders:
        """Graders for reinforcement fine-tuning and evals."""
        return AsyncGraders(self._client)


class AsyncFineTuning(AsyncAPIResource):
    """Async twin of :class:`FineTuning`."""

    @cached_property
    def jobs(self) -> AsyncJobs:
        """Fine-tuning jobs."""
        return AsyncJobs(self._client)

    @cached_property
    def checkpoints(self) -> AsyncCheckpoints:
        """Checkpoint permissions."""
        return AsyncCheckpoints(self._client)

    @cached_property
    def alpha(self) -> AsyncAlpha:
        """Alpha features: graders."""
        return AsyncAlpha(self._client)
