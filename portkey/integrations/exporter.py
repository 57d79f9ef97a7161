"""Sends LLM-call log records to Portkey's logging API (``POST /logs``) from a background
thread, in batches, without ever blocking or breaking the application that produces them.

* ``submit`` only puts a record on a bounded queue. When the queue is full (the API is slow or
  down) the record is dropped and a warning logged: memory stays bounded and the caller never
  waits.
* One daemon thread takes up to ``batch_size`` records at a time (waiting at most
  ``flush_interval`` seconds to fill a batch) and posts them as one JSON array, which the API
  accepts as "one or more log entries".
* A batch that cannot be sent (connection refused, 5xx after the client's retries, bad key) is
  dropped with a warning on the ``portkey`` logger; it is counted in ``failed`` and the error
  kept in ``last_error``. Nothing is raised to the application.
* ``flush()`` waits until everything submitted so far was sent (or given up); ``close()`` flushes,
  stops the thread and closes the connection pool. Exporters still open at interpreter exit are
  flushed and closed then (``atexit``).
"""

import atexit
import contextlib
import queue
import threading
import time
from typing import Any, Dict, List, Mapping, Optional, cast

from ..api_resources.client import Portkey
from ..api_resources.logs import get_logger
from ..api_resources.responses import GenericResponse

#: Records sent in one request at most.
DEFAULT_BATCH_SIZE = 20
#: Seconds a partial batch waits for more records before it is sent.
DEFAULT_FLUSH_INTERVAL = 1.0
#: Records waiting to be sent at most; more are dropped (with a warning).
DEFAULT_MAX_QUEUE = 1000
#: Seconds one send may take; logging must not hold connections for long.
DEFAULT_SEND_TIMEOUT = 10.0
LOGS_PATH = "/logs"

_STOP = object()  # put on the queue by close(): the worker sends what it has and exits
_FLUSH = object()  # put on the queue by flush(): the worker sends its partial batch now


class LogExporter:
    """Batches log records and posts them to ``{base_url}/logs`` from a background thread.

    ``api_key`` and ``base_url`` default like a :class:`Portkey` client's (``PORTKEY_API_KEY``,
    ``PORTKEY_BASE_URL``, the hosted API); a missing key for the hosted API raises
    :class:`MissingAPIKeyError` here, not later in the background.
    """

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
        max_queue: int = DEFAULT_MAX_QUEUE,
        timeout: float = DEFAULT_SEND_TIMEOUT,
        max_retries: int = 1,
    ) -> None:
        _check_positive("batch_size", batch_size, whole=True)
        _check_positive("max_queue", max_queue, whole=True)
        _check_positive("flush_interval", flush_interval, whole=False)
        self._client = Portkey(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
        )
        self._client.options.require_api_key()
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max_queue)
        self._state = threading.Condition()
        self._pending = 0  # submitted and not yet sent or given up
        self._thread: Optional[threading.Thread] = None
        self._closed = False
        #: Records posted successfully.
        self.sent = 0
        #: Records dropped because the queue was full or the exporter closed.
        self.dropped = 0
        #: Records in batches the API did not accept (or could not be reached for).
        self.failed = 0
        #: The error of the last batch that could not be sent.
        self.last_error: Optional[BaseException] = None
        atexit.register(self.close)

    @property
    def base_url(self) -> str:
        """Where records are sent (``/logs`` under it)."""
        return self._client.options.base_url

    def submit(self, record: Mapping[str, Any]) -> bool:
        """Queue ``record`` for sending; never blocks, never raises. ``False`` if dropped."""
        with self._state:
            if self._closed:
                self._count_drop("the exporter is closed")
                return False
            self._start_worker()
            try:
                self._queue.put_nowait(dict(record))
            except queue.Full:
                self._count_drop(f"the queue of {self._queue.maxsize} unsent records is full")
                return False
            self._pending += 1
        return True

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Send the records submitted so far without waiting for a full batch, and wait until
        they are sent or given up; ``False`` on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._state:
            if self._pending and self._thread is not None:
                # A full queue means full batches, which go without waiting anyway.
                with contextlib.suppress(queue.Full):
                    self._queue.put_nowait(_FLUSH)
            while self._pending:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._state.wait(remaining)
        return True

    def close(self, timeout: Optional[float] = 5.0) -> None:
        """Send what is queued (waiting up to ``timeout`` seconds), stop the thread, release
        connections. Later ``submit`` calls drop their record. Safe to call twice."""
        with self._state:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
        atexit.unregister(self.close)
        if thread is not None:
            self._queue.put(_STOP)  # after every queued record
            thread.join(timeout)
        self._client.close()

    def __enter__(self) -> "LogExporter":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # ---- the worker -------------------------------------------------------------------------

    def _start_worker(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="portkey-log-exporter", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        try:
            self._work()
        finally:
            self._client.close()  # this thread's pooled connections

    def _work(self) -> None:
        stopping = False
        while not stopping:
            batch: List[Dict[str, Any]] = []
            first = self._queue.get()
            if first is _STOP:
                break
            if first is _FLUSH:
                continue  # nothing waiting to be sent
            batch.append(first)
            deadline = time.monotonic() + self.flush_interval
            while len(batch) < self.batch_size:
                try:
                    item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if item is _FLUSH:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            self._send(batch)

    def _send(self, batch: List[Dict[str, Any]]) -> None:
        try:
            # POST /logs takes one log object or an array of them; the client's body type
            # names the usual object case.
            self._client.request(
                "POST", LOGS_PATH, cast_to=GenericResponse, body=cast(Mapping[str, Any], batch)
            )
        except Exception as exc:  # any failure: logging must never reach the application
            self.failed += len(batch)
            self.last_error = exc
            get_logger().warning(
                "could not send %d LLM call log(s) to %s%s: %s",
                len(batch),
                self.base_url,
                LOGS_PATH,
                exc,
            )
        else:
            self.sent += len(batch)
        finally:
            with self._state:
                self._pending -= len(batch)
                self._state.notify_all()

    def _count_drop(self, reason: str) -> None:
        self.dropped += 1
        # The first drop and then every 100th: a flood of drops must not flood the log too.
        if self.dropped == 1 or self.dropped % 100 == 0:
            get_logger().warning("dropped an LLM call log (%d so far): %s", self.dropped, reason)


def _check_positive(name: str, value: Any, *, whole: bool) -> None:
    from ..api_resources.exceptions import InvalidRequestError

    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not value > 0:
        kind = "a whole number" if whole else "a number of seconds"
        raise InvalidRequestError(f"{name} must be {kind} above 0; got {value!r}", field=name)
