"""The default executor: a fixed set of threads that close their connections when done.

The SDK's sync transport keeps pooled connections per thread, and only the thread itself can
close them; ``concurrent.futures.ThreadPoolExecutor`` offers no hook at thread exit, so a run's
connections would be left for the garbage collector. These threads close the run's clients as
they finish.
"""

import concurrent.futures as cf
import queue
import threading
from typing import Any, Callable, Iterable, List, Optional, Tuple

from ..api_resources.client import Portkey

__all__ = ["RunThreads"]

_Task = Optional[Tuple["cf.Future[Any]", Callable[..., Any], Tuple[Any, ...]]]


class RunThreads(cf.Executor):
    """``workers`` threads running submitted calls; each closes ``clients`` (its own pooled
    connections of them) when the executor shuts down."""

    def __init__(self, workers: int, clients: Iterable[Portkey]) -> None:
        """Start ``workers`` threads."""
        self._clients = list(clients)
        self._tasks: queue.Queue[_Task] = queue.Queue()
        self._threads: List[threading.Thread] = [
            threading.Thread(target=self._work, name=f"portkey-experiment-{n}", daemon=True)
            for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        try:
            while True:
                task = self._tasks.get()
                if task is None:
                    return
                future, fn, args = task
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(fn(*args))
                except BaseException as exc:  # handed to whoever waits on the future
                    future.set_exception(exc)
        finally:
            for client in self._clients:
                client.close()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> "cf.Future[Any]":
        """Queue ``fn(*args)``; keyword arguments are not supported."""
        if kwargs:
            raise TypeError("RunThreads.submit takes positional arguments only")
        future: cf.Future[Any] = cf.Future()
        self._tasks.put((future, fn, args))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Let the threads finish what they run, then stop them (and join them with ``wait``)."""
        for _ in self._threads:
            self._tasks.put(None)
        if wait:
            for thread in self._threads:
                thread.join()
