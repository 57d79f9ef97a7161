"""``batches``: run many requests from a JSONL file, asynchronously."""

from ..platform_types import Batch
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
    """``client.batches``: ``create``, ``list``, ``retrieve``, ``cancel``."""

    endpoint = BATCHES


class AsyncBatches(
    AsyncCreatable[Batch], AsyncListable[Batch], AsyncRetrievable[Batch], AsyncCancellable[Batch]
):
    """Async twin of :class:`Batches`."""

    endpoint = BATCHES


__all__ = ["AsyncBatches", "Batches"]
