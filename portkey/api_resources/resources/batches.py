"""``batches``: run many requests from a JSONL file, asynchronously."""

from typing import Any, Optional, cast

from ..platform_types import Batch
from ..responses import BinaryResponse
from .crud import (
    AsyncCancellable,
    AsyncCreatable,
    AsyncListable,
    AsyncRetrievable,
    Cancellable,
    Creatable,
    Endpoint,
    Listable,
    Retrievable,
)

BATCHES = Endpoint(
    "/batches",
    Batch,
    id_name="batch_id",
    required=("input_file_id", "endpoint", "completion_window"),
)


class Batches(Creatable[Batch], Listable[Batch], Retrievable[Batch], Cancellable[Batch]):
    """``client.batches``: ``create``, ``list``, ``retrieve``, ``cancel``, ``output``."""

    endpoint = BATCHES

    def output(self, batch_id: Optional[str] = None, /, **params: Any) -> BinaryResponse:
        """The answers of a finished batch, as the JSONL bytes the gateway fetches from the
        provider (``GET /batches/{batch_id}/output``)."""
        call = BATCHES.action_call("GET", batch_id, "output", params, binary=True)
        return cast(BinaryResponse, self._send(call))


class AsyncBatches(
    AsyncCreatable[Batch], AsyncListable[Batch], AsyncRetrievable[Batch], AsyncCancellable[Batch]
):
    """Async twin of :class:`Batches`."""

    endpoint = BATCHES

    async def output(self, batch_id: Optional[str] = None, /, **params: Any) -> BinaryResponse:
        """Async twin of :meth:`Batches.output`."""
        call = BATCHES.action_call("GET", batch_id, "output", params, binary=True)
        return cast(BinaryResponse, await self._send(call))


__all__ = ["AsyncBatches", "Batches"]
