"""What runs on a worker (a thread, a process, a Dask worker): one call, measured.

A :class:`Job` is plain data (picklable); the worker builds its ``Portkey`` client itself, once
per process and client settings, rather than receiving one pickled from the parent: a forked or
remote process gets its own connections.
"""

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..api_resources.client import Portkey
from ..api_resources.exceptions import APIStatusError
from ..api_resources.responses import GatewayInfo
from .records import CallRecord

__all__ = ["Job", "clients_in_this_process", "run_job", "worker_client"]


@dataclass(frozen=True)
class Job:
    """One prompt to send: the call's body and the client settings to send it with.

    ``client_key`` names the client settings (``client_params``), so a worker builds one client
    per distinct settings and reuses it for every later job.
    """

    id: str
    index: int
    prompt: str
    messages: List[Dict[str, Any]]
    params: Dict[str, Any]
    stream: bool
    client_key: str
    client_params: Dict[str, Any] = field(repr=False)
    assigned_target: Optional[int] = None
    expected: Any = None


_clients: Dict[Tuple[int, str], Portkey] = {}
_clients_lock = threading.Lock()


def worker_client(key: str, params: Mapping[str, Any]) -> Portkey:
    """This process's client for ``params`` (built on first use; keyed by process id, so a
    forked child never uses its parent's)."""
    slot = (os.getpid(), key)
    client = _clients.get(slot)
    if client is None:
        with _clients_lock:
            client = _clients.get(slot)
            if client is None:
                client = Portkey(**params)
                _clients[slot] = client
    return client


def clients_in_this_process() -> int:
    """How many clients this process has built for jobs (a diagnostic for executors)."""
    pid = os.getpid()
    return sum(1 for owner, _ in _clients if owner == pid)


def run_job(job: Job, client: Optional[Portkey] = None) -> Dict[str, Any]:
    """Send ``job`` with ``client`` (default: this process's client for the job's settings)
    and return its :class:`CallRecord` as a dict (cheap to send back).

    A failed call is a record too (``ok`` False, with the error's class, message, HTTP status
    and, when the gateway said, the target that failed): it counts in the comparison.
    """
    if client is None:
        client = worker_client(job.client_key, job.client_params)
    started = time.perf_counter()
    measured: Dict[str, Any] = {}
    try:
        if job.stream:
            _stream(client, job, started, measured)
        else:
            response = client.chat.completions.create(messages=job.messages, **job.params)
            measured["info"] = response.gateway
            choice = response.choices[0] if response.choices else None
            content = choice.message.content if choice is not None else None
            measured["output"] = content if isinstance(content, str) else ""
            measured["usage"] = response.usage
    except Exception as exc:
        # Every failure becomes a record: a failing target must show in the comparison.
        info = measured.get("info")
        if info is None:
            info = GatewayInfo.from_headers(exc.headers if isinstance(exc, APIStatusError) else {})
        return _record(
            job,
            info,
            ok=False,
            status=exc.status_code if isinstance(exc, APIStatusError) else None,
            latency=time.perf_counter() - started,
            ttft=measured.get("ttft"),
            error_type=type(exc).__name__,
            error=str(exc),
        ).to_dict()
    usage = measured.get("usage")
    return _record(
        job,
        measured["info"],
        ok=True,
        status=200,
        latency=time.perf_counter() - started,
        ttft=measured.get("ttft"),
        prompt_tokens=getattr(usage, "prompt_tokens", None),
        completion_tokens=getattr(usage, "completion_tokens", None),
        total_tokens=getattr(usage, "total_tokens", None),
        output=measured["output"],
    ).to_dict()


def _stream(client: Portkey, job: Job, started: float, measured: Dict[str, Any]) -> None:
    params = dict(job.params)
    # Ask for the usage chunk so a streamed call's tokens are known too.
    params.setdefault("stream_options", {"include_usage": True})
    pieces: List[str] = []
    with client.chat.completions.create(messages=job.messages, stream=True, **params) as stream:
        measured["info"] = stream.gateway
        for chunk in stream:
            for choice in chunk.choices or []:
                content = choice.delta.content
                if content:
                    measured.setdefault("ttft", time.perf_counter() - started)
                    pieces.append(content)
            if chunk.usage is not None:
                measured["usage"] = chunk.usage
    measured["output"] = "".join(pieces)


def _record(job: Job, info: GatewayInfo, **outcome: Any) -> CallRecord:
    expected = list(job.expected) if isinstance(job.expected, tuple) else job.expected
    return CallRecord(
        id=job.id,
        index=job.index,
        prompt=job.prompt,
        target=info.target_index,
        assigned_target=job.assigned_target,
        retries=info.retry_attempt_count,
        cache_status=info.cache_status,
        expected=expected,
        **outcome,
    )
