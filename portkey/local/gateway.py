"""Run the open-source Portkey gateway (the ``@portkey-ai/gateway`` npm package) on loopback.

``LocalGateway`` installs the pinned gateway with npm when needed, starts it with Node on a
free 127.0.0.1 port, waits until it answers, and stops it by process group::

    with LocalGateway() as gateway:
        client = Portkey(base_url=gateway.base_url, ...)

The gateway is started with ``gateway_preload.js`` (shipped next to this module), which makes
streamed answers work on current Node/@hono/node-server versions and keeps the gateway bound to
loopback; see that file for the details.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path
from types import TracebackType
from typing import Any, Dict, List, Optional, Type

from .paths import user_cache_dir

__all__ = [
    "GATEWAY_PACKAGE",
    "GATEWAY_SCRIPT",
    "GATEWAY_VERSION",
    "LOOPBACK_HOST",
    "PRELOAD_SCRIPT",
    "GatewayStartError",
    "LocalGateway",
    "cache_dir",
    "default_install_dir",
    "free_port",
    "installed_version",
    "log_tail",
    "port_is_free",
    "source_checkout_dir",
]

GATEWAY_PACKAGE = "@portkey-ai/gateway"
GATEWAY_VERSION = "1.15.2"
LOOPBACK_HOST = "127.0.0.1"
GREETING = "AI Gateway says hey!"
PRELOAD_SCRIPT = Path(__file__).resolve().with_name("gateway_preload.js")
# The gateway's own entry point; node_modules/.bin/gateway is a symlink to it on POSIX and a
# .cmd shim on Windows, so the real file is what node is given.
GATEWAY_SCRIPT = Path("node_modules", *GATEWAY_PACKAGE.split("/"), "build", "start-server.js")

STOP_GRACE_SECONDS = 5.0
INSTALL_TIMEOUT_SECONDS = 600.0
LOG_TAIL_LINES = 30
# Picking a free port and the gateway binding it is racy; a few fresh ports settle it.
PORT_ATTEMPTS = 3

logger = logging.getLogger("portkey.local")

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class GatewayStartError(RuntimeError):
    """The gateway could not be installed or started.

    The message says what failed and ends with the last lines the gateway (or npm) printed.
    """


def free_port(host: str = LOOPBACK_HOST) -> int:
    """Return a TCP port on ``host`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = LOOPBACK_HOST) -> bool:
    """Whether ``port`` on ``host`` can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def cache_dir() -> Path:
    """The per-user folder the pinned gateway is installed into when no checkout has one."""
    return user_cache_dir() / f"gateway-{GATEWAY_VERSION}"


def source_checkout_dir(package_dir: Optional[Path] = None) -> Optional[Path]:
    """The source checkout the SDK runs from, when that checkout has the gateway installed.

    ``package_dir`` is the ``portkey`` package folder (default: the one running). In a checkout
    its parent holds package.json and node_modules; in an installed SDK (a wheel or an sdist
    installed with pip) its parent is site-packages, so this is None there and the gateway goes
    into ``cache_dir()``.
    """
    root = (package_dir or Path(__file__).resolve().parents[1]).parent
    if (root / "package.json").is_file() and (root / GATEWAY_SCRIPT).is_file():
        return root
    return None


def default_install_dir() -> Path:
    """The source checkout if the SDK runs from one with the gateway installed, else the
    per-user cache folder."""
    return source_checkout_dir() or cache_dir()


def installed_version(install_dir: Path) -> Optional[str]:
    """The gateway version installed in ``install_dir``, or None if there is none."""
    manifest = install_dir / "node_modules" / GATEWAY_PACKAGE / "package.json"
    try:
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None
    return version if isinstance(version, str) else None


def log_tail(path: Optional[Path], lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` readable lines of a gateway log (spinner frames and colours removed)."""
    if path is None:
        return ""
    try:
        raw = path.read_bytes()[-64_000:]
    except OSError:
        return ""
    text = _ANSI_ESCAPE.sub("", raw.decode("utf-8", errors="replace"))
    # The startup spinner redraws one line with \r; keep only what each line finally showed.
    kept = [line.split("\r")[-1].rstrip() for line in text.split("\n")]
    return "\n".join([line for line in kept if line.strip()][-lines:])


def _with_log(message: str, path: Optional[Path]) -> str:
    tail = log_tail(path)
    where = f" (log: {path})" if path is not None else ""
    if not tail:
        return f"{message}{where}; the gateway wrote no output"
    return f"{message}{where}. Last gateway output:\n{tail}"


def _require_executable(name: str, purpose: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise GatewayStartError(
            f"'{name}' was not found on PATH; {purpose}. Install Node.js 18 or newer "
            f"(https://nodejs.org) so that 'node' and 'npm' are on PATH."
        )
    return found


def _own_process_group() -> Dict[str, Any]:
    """Popen arguments that put the gateway in its own process group.

    So stop() can signal everything it spawned, and a Ctrl-C aimed at the caller does not
    reach it before stop() does.
    """
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _signal_group(process: subprocess.Popen[bytes], kill: bool) -> None:
    """Signal the gateway's whole process group (it runs in its own session)."""
    if sys.platform == "win32":
        if kill:
            process.kill()
        else:
            process.terminate()
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)


def _terminate(process: subprocess.Popen[bytes], grace: Optional[float] = None) -> None:
    """Stop ``process``: SIGTERM its group, SIGKILL after ``grace`` seconds, then reap it."""
    if grace is None:
        grace = STOP_GRACE_SECONDS
    # Only signal while the child is unreaped: after wait() its pid may belong to someone else.
    if process.poll() is None:
        _signal_group(process, kill=False)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            logger.warning("gateway pid %d ignored SIGTERM; killing it", process.pid)
            _signal_group(process, kill=True)
            process.wait()


def _probe(port: int, timeout: float = 1.0) -> bool:
    """Whether the gateway answers ``GET /`` on ``port`` with its greeting."""
    # http.client rather than urllib: urllib would route loopback via any *_PROXY setting.
    connection = http.client.HTTPConnection(LOOPBACK_HOST, port, timeout=timeout)
    try:
        connection.request("GET", "/")
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    # Checking the greeting guards against some other server that took the port.
    return response.status == 200 and body.decode("utf-8", "replace").strip() == GREETING


class LocalGateway:
    """The open-source Portkey gateway running as a child process on 127.0.0.1."""

    def __init__(
        self,
        install_dir: Optional[Path] = None,
        port: Optional[int] = None,
        log_path: Optional[Path] = None,
        *,
        streaming_workaround: bool = True,
    ) -> None:
        """Configure, without starting anything.

        ``install_dir`` holds (or will hold) ``node_modules`` with the gateway; by default the
        SDK's source checkout if it has one, else ``~/.cache/portkey/gateway-<version>``
        (``$XDG_CACHE_HOME`` is honoured). ``port`` defaults to a free port chosen at start.
        ``log_path`` receives the gateway's stdout and stderr; by default a temporary file that
        ``stop()`` removes, or kept when starting fails (its tail is in the error anyway).
        ``streaming_workaround=False`` leaves out the preload's fix for streamed answers (they
        then fail with gateway 1.15.2); it exists to check whether a newer gateway needs it.
        """
        # Absolute, because node runs with install_dir as its working directory.
        self.install_dir = (
            Path(install_dir).expanduser().resolve()
            if install_dir is not None
            else default_install_dir()
        )
        self._requested_port = port
        self._port: Optional[int] = port
        self.streaming_workaround = streaming_workaround
        self._given_log_path = log_path
        self._log_path: Optional[Path] = log_path
        self._process: Optional[subprocess.Popen[bytes]] = None
        self._finalizer: Optional[weakref.finalize[..., LocalGateway]] = None

    # properties

    @property
    def port(self) -> int:
        """The gateway's port (fixed at the first start when none was given)."""
        if self._port is None:
            raise RuntimeError("the gateway has no port yet: call start() first")
        return self._port

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT``, where ``GET /`` answers the greeting."""
        return f"http://{LOOPBACK_HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``, the base URL clients send API calls to."""
        return f"{self.root_url}/v1"

    @property
    def log_path(self) -> Optional[Path]:
        """Where the gateway's output goes, once started."""
        return self._log_path

    @property
    def running(self) -> bool:
        """Whether the gateway process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> Optional[int]:
        """The gateway process id while it runs."""
        return self._process.pid if self.running and self._process is not None else None

    # installation

    def gateway_script(self) -> Path:
        """Path of the gateway's entry script inside ``install_dir`` (may not exist yet)."""
        return self.install_dir / GATEWAY_SCRIPT

    def ensure_installed(self, timeout: float = INSTALL_TIMEOUT_SECONDS) -> Path:
        """Install the pinned gateway into ``install_dir`` if missing; return its entry script.

        Uses ``npm ci`` when ``install_dir`` has a package-lock.json, else
        ``npm install @portkey-ai/gateway@<version>``. Raises GatewayStartError when node or
        npm is missing or the install fails.
        """
        script = self.gateway_script()
        _require_executable("node", "it runs the Portkey gateway")
        if script.is_file():
            version = installed_version(self.install_dir)
            if version != GATEWAY_VERSION:
                logger.warning(
                    "gateway %s in %s is not the pinned %s",
                    version,
                    self.install_dir,
                    GATEWAY_VERSION,
                )
            return script

        npm = _require_executable("npm", "it installs the Portkey gateway")
        self.install_dir.mkdir(parents=True, exist_ok=True)
        if (self.install_dir / "package-lock.json").is_file():
            command = [npm, "ci", "--no-audit", "--no-fund"]
        else:
            manifest = self.install_dir / "package.json"
            if not manifest.exists():
                # Without a package.json here npm would install into the nearest parent that has
                # one (or a node_modules folder), far from install_dir.
                manifest.write_text(
                    json.dumps({"name": "portkey-local-gateway", "private": True}) + "\n",
                    encoding="utf-8",
                )
            command = [
                npm,
                "install",
                f"{GATEWAY_PACKAGE}@{GATEWAY_VERSION}",
                "--no-audit",
                "--no-fund",
                "--save-exact",
            ]
        logger.info("installing %s@%s into %s", GATEWAY_PACKAGE, GATEWAY_VERSION, self.install_dir)
        started = time.monotonic()
        try:
            result = subprocess.run(
                command,
                cwd=self.install_dir,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise GatewayStartError(
                f"'{' '.join(command)}' in {self.install_dir} took longer than {timeout:.0f}s"
            ) from exc
        output = (result.stdout + result.stderr).decode("utf-8", "replace").strip()
        if result.returncode != 0 or not script.is_file():
            tail = "\n".join(output.splitlines()[-LOG_TAIL_LINES:])
            raise GatewayStartError(
                f"'{' '.join(command)}' in {self.install_dir} failed "
                f"(exit {result.returncode}); npm said:\n{tail}"
            )
        logger.info("installed the gateway in %.1fs", time.monotonic() - started)
        return script

    # lifecycle

    def start(self, timeout: float = 30.0) -> str:
        """Start the gateway, wait until ``GET /`` answers, and return ``base_url``.

        Raises GatewayStartError if it cannot be installed, exits, or does not answer within
        ``timeout`` seconds. Calling start() on a running gateway just returns ``base_url``.
        """
        if self.running:
            return self.base_url
        script = self.ensure_installed()
        node = _require_executable("node", "it runs the Portkey gateway")
        if not PRELOAD_SCRIPT.is_file():
            raise GatewayStartError(
                f"{PRELOAD_SCRIPT} is missing: the portkey package was installed without its "
                "package data"
            )
        if self._requested_port is not None and not port_is_free(self._requested_port):
            raise GatewayStartError(
                f"port {self._requested_port} on {LOOPBACK_HOST} is already in use"
            )
        self._open_log()

        if self._requested_port is not None:
            self._spawn_and_wait(node, script, self._requested_port, timeout)
            return self.base_url

        # Once a port was chosen it is kept, so restart() and clients keep the same URL.
        attempts = 1 if self._port is not None else PORT_ATTEMPTS
        for attempt in range(1, attempts + 1):
            port = self._port if self._port is not None else free_port()
            try:
                self._spawn_and_wait(node, script, port, timeout)
                return self.base_url
            except GatewayStartError as exc:
                if attempt == attempts or "EADDRINUSE" not in str(exc):
                    raise
                logger.info("port %d was taken before the gateway bound it; retrying", port)
                self._port = None
        raise AssertionError("unreachable")  # pragma: no cover

    def _open_log(self) -> None:
        if self._log_path is None:
            handle, name = tempfile.mkstemp(prefix="portkey-gateway-", suffix=".log")
            os.close(handle)
            self._log_path = Path(name)
        else:
            self._log_path.parent.mkdir(parents=True, exist_ok=True)

    def _command(self, node: str, script: Path, port: int) -> List[str]:
        # The gateway only understands "--port=N"; "--port N" is silently ignored (port 8787).
        return [node, "--require", str(PRELOAD_SCRIPT), str(script), f"--port={port}"]

    def _spawn_and_wait(self, node: str, script: Path, port: int, timeout: float) -> None:
        assert self._log_path is not None
        env = dict(os.environ)
        env["PORTKEY_GATEWAY_HOST"] = LOOPBACK_HOST
        env["PORTKEY_GATEWAY_STREAMING_WORKAROUND"] = "1" if self.streaming_workaround else "0"
        command = self._command(node, script, port)
        logger.info("starting gateway: %s", " ".join(command))
        started = time.monotonic()
        with open(self._log_path, "ab") as log:
            process = subprocess.Popen(
                command,
                cwd=self.install_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                **_own_process_group(),
            )
        self._process = process
        self._port = port
        # Stops the gateway if the caller forgets to: on garbage collection or interpreter exit.
        self._finalizer = weakref.finalize(self, _terminate, process)

        deadline = started + timeout
        while True:
            code = process.poll()
            if code is not None:
                self._forget_process()
                raise GatewayStartError(
                    _with_log(f"the gateway exited with code {code} while starting", self._log_path)
                )
            if _probe(port):
                break
            if time.monotonic() >= deadline:
                self._stop_process()
                raise GatewayStartError(
                    _with_log(
                        f"the gateway did not answer GET {self.root_url}/ within {timeout:.1f}s",
                        self._log_path,
                    )
                )
            time.sleep(0.05)
        logger.info(
            "gateway %s ready at %s in %.2fs (pid %d)",
            GATEWAY_VERSION,
            self.base_url,
            time.monotonic() - started,
            process.pid,
        )

    def _forget_process(self) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
        if self._process is not None:
            self._process.wait()
        self._process = None
        self._finalizer = None

    def _stop_process(self) -> None:
        if self._finalizer is not None:
            # Runs _terminate at most once, even if stop() is called again.
            self._finalizer()
        self._process = None
        self._finalizer = None

    def stop(self) -> None:
        """Stop the gateway (SIGTERM, then SIGKILL after a grace period); idempotent."""
        if self._process is not None:
            logger.info("stopping gateway pid %d", self._process.pid)
        self._stop_process()
        if self._given_log_path is None and self._log_path is not None:
            self._log_path.unlink(missing_ok=True)
            self._log_path = None

    def restart(self, timeout: float = 30.0) -> None:
        """Stop the gateway and start it again on the same port."""
        if self._port is None:
            raise RuntimeError("the gateway was never started: call start() first")
        self._stop_process()
        self.start(timeout=timeout)

    def __enter__(self) -> LocalGateway:
        """Start the gateway."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        """Stop the gateway."""
        self.stop()

    def __repr__(self) -> str:
        """Show where the gateway lives and whether it runs."""
        state = f"running on {self.root_url}" if self.running else "stopped"
        return f"<LocalGateway {GATEWAY_VERSION} {state} from {self.install_dir}>"
