"""``logs``: stored request logs (insert, list, retrieve) and log exports; and the read side of
``feedback`` (list, retrieve), for the feedback resource to build on.

Hosted control plane only. The public reference documents ``POST /logs``, ``GET /logs/{id}``
and the export endpoints; ``GET /logs`` and the feedback reads are sent as the same API's
conventions suggest (numbered pages, ``total``).
"""

from functools import cached_property
from typing import Any, Optional, cast

from ..platform_types import FeedbackEntry, LogEntry, LogExport
from ..responses import GenericResponse
from .crud import (
    AsyncCreatable,
    AsyncListable,
    AsyncRetrievable,
    AsyncUpdatable,
    Creatable,
    Endpoint,
    Listable,
    Retrievable,
    Updatable,
)
from .pagination import PAGE_NUMBERS

LOGS = Endpoint("/logs", LogEntry, id_name="log_id", paging=PAGE_NUMBERS)
LOG_EXPORTS = Endpoint(
    "/logs/exports",
    LogExport,
    id_name="export_id",
    update_method="PUT",
    paging=PAGE_NUMBERS,
    required=("requested_data",),
)
FEEDBACK = Endpoint("/feedback", FeedbackEntry, id_name="feedback_id", paging=PAGE_NUMBERS)


def _export_action(method: str, export_id: Any, action: str, params: Any) -> Any:
    cast_to = GenericResponse if action == "download" else None
    return LOG_EXPORTS.action_call(method, export_id, action, params, cast_to=cast_to)


# ---- sync --------------------------------------------------------------------------------------


class Exports(
    Creatable[LogExport], Listable[LogExport], Retrievable[LogExport], Updatable[LogExport]
):
    """``client.logs.exports``: ``create``, ``list``, ``retrieve``, ``update``, ``start``,
    ``cancel``, ``download``."""

    endpoint = LOG_EXPORTS

    def start(self, id: Optional[str] = None, /, **params: Any) -> LogExport:
        """Start preparing an export."""
        return cast(LogExport, self._send(_export_action("POST", id, "start", params)))

    def cancel(self, id: Optional[str] = None, /, **params: Any) -> LogExport:
        """Stop an export in progress."""
        return cast(LogExport, self._send(_export_action("POST", id, "cancel", params)))

    def download(self, id: Optional[str] = None, /, **params: Any) -> GenericResponse:
        """Where to download a finished export (a signed URL)."""
        return cast(GenericResponse, self._send(_export_action("GET", id, "download", params)))


class Logs(Creatable[LogEntry], Listable[LogEntry], Retrievable[LogEntry]):
    """``client.logs``: ``create`` (insert a log), ``list``, ``retrieve``; ``exports``."""

    endpoint = LOGS

    @cached_property
    def exports(self) -> Exports:
        """Log exports."""
        return Exports(self._client)


class FeedbackQueries(Listable[FeedbackEntry], Retrievable[FeedbackEntry]):
    """``list`` and ``retrieve`` of feedback, as a base for the feedback resource."""

    endpoint = FEEDBACK


# ---- async -------------------------------------------------------------------------------------


class AsyncExports(
    AsyncCreatable[LogExport],
    AsyncListable[LogExport],
    AsyncRetrievable[LogExport],
    AsyncUpdatable[LogExport],
):
    """Async twin of :class:`Exports`."""

    endpoint = LOG_EXPORTS

    async def start(self, id: Optional[str] = None, /, **params: Any) -> LogExport:
        """Start preparing an export."""
        return cast(LogExport, await self._send(_export_action("POST", id, "start", params)))

    async def cancel(self, id: Optional[str] = None, /, **params: Any) -> LogExport:
        """Stop an export in progress."""
        return cast(LogExport, await self._send(_export_action("POST", id, "cancel", params)))

    async def download(self, id: Optional[str] = None, /, **params: Any) -> GenericResponse:
        """Where to download a finished export."""
        call = _export_action("GET", id, "download", params)
        return cast(GenericResponse, await self._send(call))


class AsyncLogs(AsyncCreatable[LogEntry], AsyncListable[LogEntry], AsyncRetrievable[LogEntry]):
    """Async twin of :class:`Logs`."""

    endpoint = LOGS

    @cached_property
    def exports(self) -> AsyncExports:
        """Log exports."""
        return AsyncExports(self._client)


class AsyncFeedbackQueries(AsyncListable[FeedbackEntry], AsyncRetrievable[FeedbackEntry]):
    """Async twin of :class:`FeedbackQueries`."""

    endpoint = FEEDBACK
