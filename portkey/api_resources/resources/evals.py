"""``evals``: evaluations, their runs and the runs' graded output items."""

from functools import cached_property
from typing import Any, Optional, cast

from ..platform_types import Eval, EvalRun, EvalRunOutputItem
from .crud import (
    AsyncCreatable,
    AsyncCRUD,
    AsyncDeletable,
    AsyncListable,
    AsyncRetrievable,
    Creatable,
    Deletable,
    Endpoint,
    Listable,
    Retrievable,
    Updatable,
)

EVALS = Endpoint(
    "/evals", Eval, id_name="eval_id", required=("data_source_config", "testing_criteria")
)
EVAL_RUNS = Endpoint("/evals/{eval_id}/runs", EvalRun, id_name="run_id", required=("data_source",))
OUTPUT_ITEMS = Endpoint(
    "/evals/{eval_id}/runs/{run_id}/output_items", EvalRunOutputItem, id_name="output_item_id"
)


def _cancel_call(run_id: Any, params: Any) -> Any:
    # the API cancels a run with a bare POST on the run itself (there is no /cancel)
    given = dict(params)
    return EVAL_RUNS.call("POST", EVAL_RUNS.item_path(run_id, given), given)


class OutputItems(Listable[EvalRunOutputItem], Retrievable[EvalRunOutputItem]):
    """``client.evals.runs.output_items`` (keyed by ``eval_id`` and ``run_id``)."""

    endpoint = OUTPUT_ITEMS


class EvalRuns(Creatable[EvalRun], Listable[EvalRun], Retrievable[EvalRun], Deletable):
    """``client.evals.runs`` (keyed by ``eval_id``): ``create``, ``list``, ``retrieve``,
    ``cancel``, ``delete``; ``output_items``."""

    endpoint = EVAL_RUNS

    @cached_property
    def output_items(self) -> OutputItems:
        """The graded outputs of a run."""
        return OutputItems(self._client)

    def cancel(self, id: Optional[str] = None, /, **params: Any) -> EvalRun:
        """Cancel a run that has not finished."""
        return cast(EvalRun, self._send(_cancel_call(id, params)))


class Evals(Creatable[Eval], Listable[Eval], Retrievable[Eval], Updatable[Eval], Deletable):
    """``client.evals``: ``create``, ``list``, ``retrieve``, ``update``, ``delete``; ``runs``."""

    endpoint = EVALS

    @cached_property
    def runs(self) -> EvalRuns:
        """The runs of an evaluation."""
        return EvalRuns(self._client)


class AsyncOutputItems(AsyncListable[EvalRunOutputItem], AsyncRetrievable[EvalRunOutputItem]):
    """Async twin of :class:`OutputItems`."""

    endpoint = OUTPUT_ITEMS


class AsyncEvalRuns(
    AsyncCreatable[EvalRun], AsyncListable[EvalRun], AsyncRetrievable[EvalRun], AsyncDeletable
):
    """Async twin of :class:`EvalRuns`."""

    endpoint = EVAL_RUNS

    @cached_property
    def output_items(self) -> AsyncOutputItems:
        """The graded outputs of a run."""
        return AsyncOutputItems(self._client)

    async def cancel(self, id: Optional[str] = None, /, **params: Any) -> EvalRun:
        """Cancel a run that has not finished."""
        return cast(EvalRun, await self._send(_cancel_call(id, params)))


class AsyncEvals(AsyncCRUD[Eval]):
    """Async twin of :class:`Evals`."""

    endpoint = EVALS

    @cached_property
    def runs(self) -> AsyncEvalRuns:
        """The runs of an evaluation."""
        return AsyncEvalRuns(self._client)
