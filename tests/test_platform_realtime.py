"""``beta.realtime.connect`` on AsyncPortkey: a websocket (aiohttp) to a small realtime server
written for these tests, carrying JSON events both ways with the client's Portkey headers."""

from __future__ import annotations

from typing import AsyncIterator

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
from portkey.api_resources.resources.realtime import AsyncRealtimeConnection


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


def test_the_sync_client_has_sessions_but_no_connect() -> None:
    client = Portkey(base_url="http://127.0.0.1:9/v1")
    assert hasattr(client.beta.realtime, "sessions")
    assert not hasattr(client.beta.realtime, "connect")
