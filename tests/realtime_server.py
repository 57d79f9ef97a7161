"""A small realtime provider for tests: an aiohttp websocket at ``/v1/realtime`` on loopback.

It records each handshake (query and headers) and each event it receives, and answers like a
realtime API would: ``session.update`` -> ``session.updated``; ``response.create`` ->
``response.created`` then ``response.done``. Test-only events drive failures:
``test.close`` closes the socket, ``test.garbage`` sends a frame that is not JSON. A
handshake asking for ``model=forbidden`` is refused with 403.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from aiohttp import WSMsgType, web

from portkey.local.gateway import LOOPBACK_HOST


class RealtimeServer:
    """Serve the realtime test app on a free loopback port of the running event loop."""

    def __init__(self) -> None:
        self.handshakes: List[Dict[str, Any]] = []
        self.received: List[Dict[str, Any]] = []
        self._runner: Optional[web.AppRunner] = None
        self.base_url = ""

    async def start(self) -> RealtimeServer:
        """Start serving; ``base_url`` is then ``http://127.0.0.1:PORT/v1``."""
        app = web.Application()
        app.router.add_get("/v1/realtime", self._realtime)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, LOOPBACK_HOST, 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://{LOOPBACK_HOST}:{port}/v1"
        return self

    async def stop(self) -> None:
        """Stop serving and close open sockets."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _realtime(self, request: web.Request) -> web.StreamResponse:
        self.handshakes.append(
            {
                "query": dict(request.query),
                "headers": {k.lower(): v for k, v in request.headers.items()},
            }
        )
        if request.query.get("model") == "forbidden":
            return web.json_response({"error": {"message": "model not allowed"}}, status=403)
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "session.created", "event_id": "ev_0"})
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            event = json.loads(message.data)
            self.received.append(event)
            kind = event.get("type")
            if kind == "session.update":
                await socket.send_json({"type": "session.updated", "session": event.get("session")})
            elif kind == "response.create":
                await socket.send_json({"type": "response.created", "event_id": "ev_1"})
                await socket.send_json({"type": "response.done", "event_id": "ev_2"})
            elif kind == "test.garbage":
                await socket.send_str("this is not json")
            elif kind == "test.close":
                await socket.close()
        return socket
