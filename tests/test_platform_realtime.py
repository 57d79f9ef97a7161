"""``realtime.connect`` / ``beta.realtime.connect`` on AsyncPortkey and Portkey: a websocket
(aiohttp; on the sync client driven from a loop and thread of its own) to a small realtime
server written for these tests, carrying JSON events both ways with the client's Portkey
headers."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import signal
import socket
import threading
import warnings
from typing import Any, AsyncIterator, Iterator

import pytest
from realtime_server import RealtimeServer

from portkey import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncPortkey,
    InvalidRequestError,
    PermissionDeniedError,
    Portkey,
)
from portkey.api_resources.platform_types import RealtimeEvent
from portkey.api_resources.resources.realtime import AsyncRealtimeConnection, RealtimeConnection


@pytest.fixture
async def server() -> AsyncIterator[RealtimeServer]:
    """The realtime test server, on this test's event loop."""
    running = await RealtimeServer().start()
    try:
        yield running
    finally:
        await running.stop()


def client_for(server: RealtimeServer) -> AsyncPortkey:
    return AsyncPortkey(
        base_url=server.base_url, api_key="pk-realtime", provider="openai", trace_id="tr-rt"
    )


async def test_connect_sends_and_receives_events(server: RealtimeServer) -> None:
    client = client_for(server)
    async with client.beta.realtime.connect(model="gpt-4o-realtime") as connection:
        assert isinstance(connection, AsyncRealtimeConnection)
        first = await connection.recv()
        assert isinstance(first, RealtimeEvent)
        assert (first.type, first.event_id) == ("session.created", "ev_0")

        await connection.send({"type": "session.update", "session": {"voice": "alloy"}})
        updated = await connection.recv()
        assert updated.type == "session.updated"
        assert updated.session == {"voice": "alloy"}

        await connection.send({"type": "response.create"})
        kinds = []
        async for event in connection:
            kinds.append(event.type)
            if event.type == "response.done":
                break
        assert kinds == ["response.created", "response.done"]
    assert connection.closed
    assert server.received == [
        {"type": "session.update", "session": {"voice": "alloy"}},
        {"type": "response.create"},
    ]
    handshake = server.handshakes[0]
    assert handshake["query"] == {"model": "gpt-4o-realtime"}
    headers = handshake["headers"]
    assert headers["x-portkey-api-key"] == "pk-realtime"
    assert headers["x-portkey-provider"] == "openai"
    assert headers["x-portkey-trace-id"] == "tr-rt"
    assert headers["openai-beta"] == "realtime=v1"


async def test_extra_query_and_headers(server: RealtimeServer) -> None:
    client = client_for(server)
    manager = client.beta.realtime.connect(
        model="m1", extra_query={"intent": "transcription"}, extra_headers={"x-extra": "1"}
    )
    connection = await manager.enter()
    try:
        assert (await connection.recv()).type == "session.created"
    finally:
        await connection.close()
    handshake = server.handshakes[0]
    assert handshake["query"] == {"model": "m1", "intent": "transcription"}
    assert handshake["headers"]["x-extra"] == "1"


async def test_iteration_ends_when_the_server_closes(server: RealtimeServer) -> None:
    client = client_for(server)
    async with client.beta.realtime.connect(model="m") as connection:
        await connection.send({"type": "test.close"})
        seen = [event.type async for event in connection]
        assert seen == ["session.created"]
        with pytest.raises(APIConnectionError, match="closed"):
            await connection.recv()


async def test_a_frame_that_is_not_json_is_an_error(server: RealtimeServer) -> None:
    client = client_for(server)
    async with client.beta.realtime.connect(model="m") as connection:
        await connection.recv()
        await connection.send({"type": "test.garbage"})
        with pytest.raises(APIResponseValidationError, match="not a JSON event"):
            await connection.recv()


async def test_a_refused_handshake_is_a_status_error(server: RealtimeServer) -> None:
    client = client_for(server)
    with pytest.raises(PermissionDeniedError) as caught:
        async with client.beta.realtime.connect(model="forbidden"):
            pass
    assert caught.value.status_code == 403


async def test_no_server_is_a_connection_error() -> None:
    client = AsyncPortkey(base_url="http://127.0.0.1:9/v1", api_key="pk")
    with pytest.raises(APIConnectionError):
        async with client.beta.realtime.connect(model="m"):
            pass


async def test_bad_input_is_refused_before_connecting(server: RealtimeServer) -> None:
    client = client_for(server)
    with pytest.raises(InvalidRequestError) as caught:
        client.beta.realtime.connect(model="")
    assert caught.value.field == "model"
    async with client.beta.realtime.connect(model="m") as connection:
        for bad in ({"no": "type"}, "response.create", {"type": 3}):
            with pytest.raises(InvalidRequestError) as caught:
                await connection.send(bad)  # type: ignore[arg-type]
            assert caught.value.field == "event"
    assert server.received == []
    assert len(server.handshakes) == 1  # only the good connect reached the server


# ---- the sync client: the same connection, blocking ------------------------------------------


@pytest.fixture
def threaded_server() -> Iterator[RealtimeServer]:
    """The realtime test server on an event loop of its own thread (the sync client blocks
    the test's thread)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    running = asyncio.run_coroutine_threadsafe(RealtimeServer().start(), loop).result(10)
    try:
        yield running
    finally:
        asyncio.run_coroutine_threadsafe(running.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def sync_client_for(server: RealtimeServer) -> Portkey:
    return Portkey(
        base_url=server.base_url, api_key="pk-realtime", provider="openai", trace_id="tr-rt"
    )


def websocket_threads() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "portkey-websocket")


@pytest.mark.parametrize("beta", [True, False], ids=["beta", "ga"])
def test_sync_connect_sends_and_receives_events(
    threaded_server: RealtimeServer, beta: bool
) -> None:
    client = sync_client_for(threaded_server)
    realtime = client.beta.realtime if beta else client.realtime
    with realtime.connect(model="gpt-4o-realtime") as connection:
        assert isinstance(connection, RealtimeConnection)
        assert websocket_threads() == 1
        first = connection.recv()
        assert (first.type, first.event_id) == ("session.created", "ev_0")
        connection.send({"type": "session.update", "session": {"voice": "alloy"}})
        assert connection.recv().session == {"voice": "alloy"}
        connection.send({"type": "response.create"})
        kinds = []
        for event in connection:
            kinds.append(event.type)
            if event.type == "response.done":
                break
        assert kinds == ["response.created", "response.done"]
    assert connection.closed
    assert websocket_threads() == 0  # leaving the block ends the connection's thread
    assert threaded_server.received == [
        {"type": "session.update", "session": {"voice": "alloy"}},
        {"type": "response.create"},
    ]
    handshake = threaded_server.handshakes[0]
    assert handshake["query"] == {"model": "gpt-4o-realtime"}
    assert handshake["headers"]["x-portkey-api-key"] == "pk-realtime"
    assert handshake["headers"]["x-portkey-trace-id"] == "tr-rt"
    assert ("openai-beta" in handshake["headers"]) is beta


def test_sync_iteration_ends_when_the_server_closes(threaded_server: RealtimeServer) -> None:
    client = sync_client_for(threaded_server)
    with client.realtime.connect(model="m") as connection:
        connection.send({"type": "test.close"})
        assert [event.type for event in connection] == ["session.created"]
        with pytest.raises(APIConnectionError, match="closed"):
            connection.recv()
    connection.close()  # a second close does nothing
    with pytest.raises(APIConnectionError, match="closed"):
        connection.recv()


def test_sync_errors_are_the_sdk_errors(threaded_server: RealtimeServer) -> None:
    client = sync_client_for(threaded_server)
    with client.realtime.connect(model="m") as connection:
        connection.recv()
        connection.send({"type": "test.garbage"})
        with pytest.raises(APIResponseValidationError, match="not a JSON event"):
            connection.recv()
    with pytest.raises(PermissionDeniedError) as caught:
        client.realtime.connect(model="forbidden").enter()
    assert caught.value.status_code == 403
    with pytest.raises(APIConnectionError):
        Portkey(base_url="http://127.0.0.1:9/v1", api_key="pk").realtime.connect(model="m").enter()
    assert websocket_threads() == 0  # a failed connect leaves no thread behind


def test_sync_bad_input_is_refused_before_connecting(threaded_server: RealtimeServer) -> None:
    client = sync_client_for(threaded_server)
    with pytest.raises(InvalidRequestError) as caught:
        client.realtime.connect(model="")
    assert caught.value.field == "model"
    with client.beta.realtime.connect(model="m") as connection:
        for bad in ({"no": "type"}, "response.create", {"type": 3}):
            with pytest.raises(InvalidRequestError) as caught:
                connection.send(bad)  # type: ignore[arg-type]
            assert caught.value.field == "event"
    assert threaded_server.received == []
    assert len(threaded_server.handshakes) == 1


def test_a_sync_connection_dropped_unclosed_is_closed_when_collected(
    threaded_server: RealtimeServer,
) -> None:
    client = sync_client_for(threaded_server)
    connection = client.realtime.connect(model="m").enter()
    assert connection.recv().type == "session.created"
    assert websocket_threads() == 1
    del connection
    gc.collect()
    assert websocket_threads() == 0


class _Interrupted(Exception):
    """Raised by a timer signal's handler, as Ctrl-C raises KeyboardInterrupt."""


def _interrupt(signum: int, frame: Any) -> None:
    raise _Interrupted


def test_an_interrupted_sync_recv_leaves_the_connection_usable(
    threaded_server: RealtimeServer,
) -> None:
    client = sync_client_for(threaded_server)
    previous = signal.signal(signal.SIGALRM, _interrupt)
    try:
        with client.realtime.connect(model="m") as connection:
            assert connection.recv().type == "session.created"
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            with pytest.raises(_Interrupted):
                connection.recv()  # nothing comes: the wait is interrupted
            connection.send({"type": "response.create"})
            # The interrupted receive was cancelled, not left waiting on the loop.
            assert connection.recv().type == "response.created"
            assert connection.recv().type == "response.done"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_interrupted_sync_connect_leaves_nothing_open() -> None:
    # A server that takes the connection and never answers the handshake.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    client = Portkey(base_url=f"http://127.0.0.1:{port}/v1", api_key="pk")
    previous = signal.signal(signal.SIGALRM, _interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(_Interrupted):
            client.realtime.connect(model="m").enter()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        listener.close()
    gc.collect()  # an unclosed aiohttp session would warn here (warnings are errors)
    assert websocket_threads() == 0


#: The parent's open connection, inherited by a forked child.
_forked_connection: Any = None


def _use_the_parents_connection() -> str:
    """In a forked child: what using (then closing) the inherited connection does."""
    try:
        _forked_connection.recv()
    except APIConnectionError as exc:
        outcome = f"refused: {exc.message}"
    else:
        outcome = "used the parent's socket"
    _forked_connection.close()  # must not wait for the parent's loop thread
    return outcome


def test_a_forked_child_never_uses_the_parents_sync_connection(
    threaded_server: RealtimeServer,
) -> None:
    global _forked_connection
    client = sync_client_for(threaded_server)
    with client.realtime.connect(model="m") as connection:
        _forked_connection = connection
        context = multiprocessing.get_context("fork")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork of a threaded parent
            with context.Pool(1) as pool:
                outcome = pool.apply_async(_use_the_parents_connection).get(timeout=30)
        assert outcome.startswith("refused: ") and "parent process" in outcome
        # The parent's connection is untouched by the child.
        assert connection.recv().type == "session.created"
        assert not connection.closed
    _forked_connection = None
