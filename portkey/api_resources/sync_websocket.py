"""A websocket for the sync client (``client.realtime.connect`` on :class:`Portkey`).

A websocket needs an event loop, and sync code has none: each connection runs the async
transport's websocket (``async_requestor.connect_websocket``, the same handshake, headers,
proxies and errors as :class:`AsyncPortkey`) on a private event loop, on a daemon thread of
its own. Every call blocks the caller until that loop has done the work and hands back its
result or its exception. Closing the connection closes the websocket and its session, stops
the loop and ends the thread; a connection dropped without ``close()`` is closed when it is
collected, or at interpreter exit.

A process forked while a connection is open has a copy of the connection but not its thread:
there the connection is closed (using it raises :class:`APIConnectionError`) and closing it or
exiting never waits for a thread that is not there. The parent's connection is untouched.
"""

import asyncio
import threading
import weakref
from typing import Any, Coroutine, Optional, Tuple, TypeVar

import aiohttp

from . import forks
from .async_requestor import WebSocketConnection, connect_websocket
from .exceptions import APIConnectionError
from .proxies import EnvProxies
from .transport import RequestSpec

T = TypeVar("T")


class SyncWebSocket:
    """An open websocket driven from sync code: text frames in and out, blocking."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        thread: threading.Thread,
        socket: WebSocketConnection,
        session: aiohttp.ClientSession,
    ) -> None:
        self._loop = loop
        self._socket = socket
        self._generation = forks.generation()
        # Holds what closing needs but not this object: it runs on close(), on collection or
        # at interpreter exit, whichever comes first, and only once.
        self._shutdown = weakref.finalize(
            self, _shut_down, loop, thread, socket, session, self._generation
        )

    @classmethod
    def open(cls, spec: RequestSpec) -> "SyncWebSocket":
        """Connect to ``spec.url`` (its headers, query and timeout); raises the SDK's errors."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="portkey-websocket", daemon=True)
        thread.start()
        try:
            session, socket = asyncio.run_coroutine_threadsafe(_connect(spec), loop).result()
        except BaseException:
            # Also on an interrupted wait (Ctrl-C): _stop cancels the connect still running on
            # the loop and lets it close its session before the loop ends.
            _stop(loop, thread)
            raise
        return cls(loop, thread, socket, session)

    @property
    def closed(self) -> bool:
        """Whether the connection is closed (by either side, or by a fork: see above)."""
        return (
            not self._shutdown.alive
            or self._generation != forks.generation()
            or self._socket.closed
        )

    def send_text(self, text: str) -> None:
        """Send one text frame."""
        self._run(self._socket.send_text(text))

    def receive_text(self) -> Optional[str]:
        """The next text frame (blocking until it comes); ``None`` once the connection is
        closed."""
        if not self._shutdown.alive:
            return None
        return self._run(self._socket.receive_text())

    def close(self) -> None:
        """Close the websocket, stop its loop and end its thread; safe to call more than once."""
        self._shutdown()

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        if self._generation != forks.generation():
            work.close()  # never awaited: closed, so no warning is left behind
            raise APIConnectionError(
                "this websocket was opened by the parent process; open a new one in this process"
            )
        if not self._shutdown.alive:
            work.close()
            raise APIConnectionError("the websocket is closed")
        future = asyncio.run_coroutine_threadsafe(work, self._loop)
        try:
            return future.result()
        except BaseException:
            # A wait cut short (Ctrl-C, a signal handler's exception) must not leave the work
            # running on the loop: a later recv() would find a receive still in progress.
            future.cancel()
            raise


async def _connect(spec: RequestSpec) -> Tuple[aiohttp.ClientSession, WebSocketConnection]:
    # Proxies follow the same rules as every other call (see proxies.py); trust_env=False so
    # that ~/.netrc credentials are never sent to the gateway.
    session = aiohttp.ClientSession(trust_env=False)
    try:
        socket = await connect_websocket(session, EnvProxies().for_url(spec.url), spec)
    except BaseException:
        await session.close()
        raise
    return session, socket


async def _close(socket: WebSocketConnection, session: aiohttp.ClientSession) -> None:
    try:
        await socket.close()  # aiohttp bounds the closing handshake itself
    finally:
        await session.close()


def _shut_down(
    loop: asyncio.AbstractEventLoop,
    thread: threading.Thread,
    socket: WebSocketConnection,
    session: aiohttp.ClientSession,
    generation: int,
) -> None:
    if generation != forks.generation():
        return  # a forked child: the loop's thread is the parent's, and the socket too
    try:
        asyncio.run_coroutine_threadsafe(_close(socket, session), loop).result()
    finally:
        _stop(loop, thread)


def _stop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    try:
        asyncio.run_coroutine_threadsafe(_cancel_the_rest(), loop).result()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


async def _cancel_the_rest() -> None:
    """Cancel whatever still runs on this loop (an interrupted connect or receive) and wait
    for it to finish, so that it closes what it opened."""
    running = asyncio.current_task()
    pending = [task for task in asyncio.all_tasks() if task is not running]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


__all__ = ["SyncWebSocket"]
