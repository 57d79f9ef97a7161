"""A real headless Chromium for the docs test, driven over the DevTools protocol.

``Browser`` starts Chromium with a fresh profile and no background traffic of its own, talks to
one page over the DevTools websocket (aiohttp's client, already an SDK dependency) and reports,
for each URL it loads, every request the page made and what a script measured in it.
``StaticSite`` serves a built site on loopback for the length of a ``with`` block.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, List, Optional

import aiohttp

#: Where the browser is looked for (first found wins); PORTKEY_DOCS_BROWSER overrides.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER_ENV = "PORTKEY_DOCS_BROWSER"
INSTALL_HINT = (
    "the docs browser check needs Chromium: `apt-get install chromium` (Debian/Ubuntu; "
    f"`make test` does this when run as root) or set {BROWSER_ENV} to a Chromium/Chrome binary"
)
# No traffic of the browser's own (updates, sync, metrics), so what is seen is the page's.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
)


def find_browser() -> Optional[str]:
    """The Chromium binary to use, or None when there is none."""
    configured = os.environ.get(BROWSER_ENV)
    if configured:
        return shutil.which(configured) or (configured if Path(configured).is_file() else None)
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log on the test's stderr."""


class StaticSite:
    """``directory`` served on ``http://127.0.0.1:PORT/`` in a thread, inside a ``with``."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> StaticSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@dataclass
class PageVisit:
    """What one page load did: the URLs it requested and the measuring script's result."""

    url: str
    requests: List[str] = field(default_factory=list)
    measured: Any = None


class Browser:
    """Headless Chromium with one tab at ``width`` x ``height`` CSS pixels."""

    def __init__(self, binary: str, width: int = 1280, height: int = 800) -> None:
        self.binary = binary
        self.width = width
        self.height = height
        self._profile = tempfile.mkdtemp(prefix="portkey-docs-browser-")
        self._process: Optional[subprocess.Popen[bytes]] = None

    def __enter__(self) -> Browser:
        self._process = subprocess.Popen(
            [
                self.binary,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self._profile}",
                f"--window-size={self.width},{self.height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: its helpers end with it
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=15)
            # Renderer and GPU helpers of this browser, if any outlived it.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)
        # Chromium's helpers may still be flushing the profile: leftovers are only temp files.
        shutil.rmtree(self._profile, ignore_errors=True)

    def _devtools_port(self, timeout: float = 30.0) -> int:
        """The port Chromium chose, from the DevToolsActivePort file in its profile."""
        marker = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.binary} exited with code {self._process.returncode}")
            try:
                return int(marker.read_text(encoding="utf-8").split()[0])
            except (OSError, ValueError, IndexError):
                time.sleep(0.1)
        raise RuntimeError(f"{self.binary} opened no DevTools port within {timeout:.0f}s")

    def visit(
        self, urls: List[str], script: str, screenshots: Optional[Dict[str, Path]] = None
    ) -> List[PageVisit]:
        """Load each URL in turn, then run ``script`` (an expression) in it.

        ``screenshots`` maps some of the URLs to PNG paths to write after loading.
        """
        return asyncio.run(self._visit(urls, script, screenshots or {}))

    async def _visit(
        self, urls: List[str], script: str, screenshots: Dict[str, Path]
    ) -> List[PageVisit]:
        port = self._devtools_port()
        timeout = aiohttp.ClientTimeout(total=120)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(f"http://127.0.0.1:{port}/json/list") as listing:
                targets = await listing.json()
            page = next(target for target in targets if target.get("type") == "page")
            async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                devtools = _DevTools(ws)
                await devtools.call("Network.enable")
                await devtools.call("Page.enable")
                await devtools.call("Network.setCacheDisabled", cacheDisabled=True)
                await devtools.call(
                    "Emulation.setDeviceMetricsOverride",
                    width=self.width,
                    height=self.height,
                    deviceScaleFactor=1,
                    mobile=False,
                )
                visits = []
                for url in urls:
                    visit = PageVisit(url)
                    devtools.requests = visit.requests
                    loaded = devtools.expect("Page.loadEventFired")
                    await devtools.call("Page.navigate", url=url)
                    await asyncio.wait_for(loaded, timeout=60)
                    result = await devtools.call(
                        "Runtime.evaluate", expression=script, returnByValue=True
                    )
                    visit.measured = result.get("result", {}).get("value")
                    if url in screenshots:
                        shot = await devtools.call("Page.captureScreenshot", format="png")
                        screenshots[url].write_bytes(base64.b64decode(shot["data"]))
                    visits.append(visit)
                return visits


class _DevTools:
    """Request/response and events over one DevTools websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        self._next_id = 0
        self._pending: Dict[int, asyncio.Future[Dict[str, Any]]] = {}
        self._waiting: Dict[str, asyncio.Future[Dict[str, Any]]] = {}
        self.requests: List[str] = []
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self._ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if "id" in data:
                future = self._pending.pop(data["id"], None)
                if future is not None and not future.done():
                    if "error" in data:
                        future.set_exception(RuntimeError(f"DevTools: {data['error']}"))
                    else:
                        future.set_result(data.get("result", {}))
                continue
            method = data.get("method", "")
            if method == "Network.requestWillBeSent":
                self.requests.append(data["params"]["request"]["url"])
            waiter = self._waiting.pop(method, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(data.get("params", {}))

    def expect(self, method: str) -> asyncio.Future[Dict[str, Any]]:
        """A future for the next ``method`` event (register before causing it)."""
        future: asyncio.Future[Dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[method] = future
        return future

    async def call(self, method: str, **params: Any) -> Dict[str, Any]:
        self._next_id += 1
        future: asyncio.Future[Dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = future
        await self._ws.send_str(
            json.dumps({"id": self._next_id, "method": method, "params": params})
        )
        return await asyncio.wait_for(future, timeout=60)
