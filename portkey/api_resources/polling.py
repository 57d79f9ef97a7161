"""Waiting for an object to reach a final state: the loop behind ``create_and_poll``, ``poll``,
``upload_and_poll``, ``submit_tool_outputs_and_poll`` and ``files.wait_for_processing``.

The loop fetches the object, stops when it is done, and otherwise sleeps: ``poll_interval_ms``
when the call gives one, else the interval the server asks for (``openai-poll-after-ms``), else
:data:`DEFAULT_POLL_INTERVAL_MS`. ``max_wait_seconds`` bounds the whole wait with
:class:`PollTimeoutError`. The sync and async loops differ only in how they fetch and sleep.
"""

import asyncio
import time
from typing import Any, Awaitable, Callable, Dict, FrozenSet, Mapping, Optional, TypeVar, Union

from .constants import DEFAULT_POLL_INTERVAL_MS, POLL_AFTER_HEADER
from .exceptions import APIResponseValidationError, InvalidRequestError, PollTimeoutError
from .responses import APIResponse

ObjectT = TypeVar("ObjectT", bound=APIResponse)

#: Run states a run leaves only by an action of yours (or never).
RUN_FINAL_STATES: FrozenSet[str] = frozenset(
    ("requires_action", "cancelled", "completed", "failed", "expired", "incomplete")
)
#: Vector store files and file batches are done once no longer ``in_progress``.
IN_PROGRESS = "in_progress"
#: A stored file is done once processed (or failed, or gone).
FILE_FINAL_STATES: FrozenSet[str] = frozenset(("processed", "error", "deleted"))


def check_interval(poll_interval_ms: Optional[Union[int, float]]) -> Optional[float]:
    """``poll_interval_ms`` in seconds; refuses a negative or non-number interval."""
    if poll_interval_ms is None:
        return None
    if isinstance(poll_interval_ms, bool) or not isinstance(poll_interval_ms, (int, float)):
        raise InvalidRequestError(
            f"poll_interval_ms must be a number of milliseconds; got {poll_interval_ms!r}",
            field="poll_interval_ms",
        )
    if poll_interval_ms < 0:
        raise InvalidRequestError("poll_interval_ms must not be negative", field="poll_interval_ms")
    return poll_interval_ms / 1000


def seconds_to_ms(seconds: Any) -> Any:
    """A ``poll_interval`` in seconds as milliseconds (a non-number is passed on, for
    :func:`check_interval` to refuse naming ``poll_interval_ms``)."""
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool):
        return seconds * 1000
    return seconds


def next_wait(obj: APIResponse, interval: Optional[float]) -> float:
    """Seconds to sleep before the next check of ``obj``."""
    if interval is not None:
        return interval
    asked = obj.get_headers().get(POLL_AFTER_HEADER, "")
    if asked.isdigit():
        return int(asked) / 1000
    return DEFAULT_POLL_INTERVAL_MS / 1000


def _timed_out(obj: APIResponse, started: float, max_wait: Optional[float]) -> None:
    if max_wait is not None and time.monotonic() - started >= max_wait:
        raise PollTimeoutError(
            f"{type(obj).__name__} {getattr(obj, 'id', '')} still "
            f"{getattr(obj, 'status', 'unfinished')} after {max_wait:g} s",
            last=obj,
        )


def poll_until(
    fetch: Callable[[], ObjectT],
    done: Callable[[ObjectT], bool],
    poll_interval_ms: Optional[Union[int, float]] = None,
    max_wait_seconds: Optional[float] = None,
) -> ObjectT:
    """Fetch until ``done``; returns the final object."""
    interval = check_interval(poll_interval_ms)
    started = time.monotonic()
    while True:
        obj = fetch()
        if done(obj):
            return obj
        _timed_out(obj, started, max_wait_seconds)
        time.sleep(next_wait(obj, interval))


async def apoll_until(
    fetch: Callable[[], Awaitable[ObjectT]],
    done: Callable[[ObjectT], bool],
    poll_interval_ms: Optional[Union[int, float]] = None,
    max_wait_seconds: Optional[float] = None,
) -> ObjectT:
    """Async twin of :func:`poll_until`."""
    interval = check_interval(poll_interval_ms)
    started = time.monotonic()
    while True:
        obj = await fetch()
        if done(obj):
            return obj
        _timed_out(obj, started, max_wait_seconds)
        await asyncio.sleep(next_wait(obj, interval))


def run_done(run: APIResponse) -> bool:
    """Whether a run stopped (finished, failed, or waits for tool outputs); an answer without
    a status has nothing to wait for."""
    status = getattr(run, "status", None)
    return status is None or status in RUN_FINAL_STATES


def processing_done(obj: APIResponse) -> bool:
    """Whether a vector store file or file batch left ``in_progress``."""
    return getattr(obj, "status", None) != IN_PROGRESS


def file_done(obj: APIResponse) -> bool:
    """Whether a stored file is processed (or failed); without a status, nothing to wait for."""
    status = getattr(obj, "status", None)
    return status is None or status in FILE_FINAL_STATES


def with_id(params: Mapping[str, Any], name: str, value: Any) -> Dict[str, Any]:
    """``params`` with the id ``name`` set when ``value`` is given. The helpers pass ids to
    the plain verbs by keyword, which every verb accepts whatever its positional order."""
    return {**params, name: value} if value is not None else dict(params)


def id_of(obj: APIResponse, name: str = "id") -> str:
    """``obj``'s id (or another id field), or a clear error when the answer has none."""
    value = getattr(obj, name, None)
    if not isinstance(value, str) or not value:
        raise APIResponseValidationError(
            f"the API answered a {type(obj).__name__} without {name!r}; cannot poll it",
            status_code=200,
            body=obj.to_dict(),
        )
    return value


__all__ = [
    "FILE_FINAL_STATES",
    "RUN_FINAL_STATES",
    "PollTimeoutError",
    "apoll_until",
    "check_interval",
    "file_done",
    "id_of",
    "next_wait",
    "poll_until",
    "processing_done",
    "run_done",
    "seconds_to_ms",
    "with_id",
]
