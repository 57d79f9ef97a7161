"""LlamaIndex callback handler that records every LLM call in Portkey's logs.

    from llama_index.core import Settings
    from llama_index.core.callbacks import CallbackManager
    from portkey.llamaindex import PortkeyLlamaCallbackHandler   # or portkey_ai.llamaindex

    handler = PortkeyLlamaCallbackHandler(api_key="PORTKEY_API_KEY", metadata={"_user": "u1"})
    Settings.callback_manager = CallbackManager([handler])

For each ``LLM`` event (``chat``, ``complete`` and their streaming forms) the handler records
the request (messages or prompt, model, call arguments), the answer, the latency, the token
usage and, for a failed call, the error, and sends it to ``POST /logs`` in batches from a
background thread (:class:`~portkey.integrations.exporter.LogExporter`). LlamaIndex does not
shield an application from its handlers, so every callback here catches its own failures: a
logging API that is slow or down never blocks or breaks the query; records are dropped with a
warning on the ``portkey`` logger. ``handler.flush()`` waits for the records so far;
``handler.close()`` (also run at exit) sends the rest.

Needs ``llama-index-core``: ``pip install 'portkey-gateway-sdk[llamaindex]'``.
"""

import sys
import threading
import uuid
from typing import Any, Dict, List, Mapping, Optional

from .api_resources.logs import get_logger
from .integrations.exporter import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_FLUSH_INTERVAL,
    DEFAULT_MAX_QUEUE,
    LogExporter,
)
from .integrations.records import CallStart, Usage, error_record, plain, success_record
from .version import DISTRIBUTION_NAME

if sys.version_info < (3, 10):
    # llama-index-core's own dependency (banks) uses ``X | None`` at run time: on 3.9 importing
    # it fails with a TypeError deep inside; say so plainly instead.
    raise ImportError("portkey.llamaindex needs Python 3.10 or newer, as llama-index-core does")

try:
    from llama_index.core.callbacks.base_handler import BaseCallbackHandler
    from llama_index.core.callbacks.schema import CBEventType, EventPayload
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        f"portkey.llamaindex needs llama-index-core: pip install '{DISTRIBUTION_NAME}[llamaindex]'"
    ) from exc

__all__ = ["PortkeyLlamaCallbackHandler"]

_ROOT = "root"  # LlamaIndex's parent id of a top-level event


class PortkeyLlamaCallbackHandler(BaseCallbackHandler):
    """Logs each LlamaIndex LLM call to Portkey (see the module docstring).

    ``api_key`` / ``base_url`` default to ``PORTKEY_API_KEY`` / ``PORTKEY_BASE_URL`` (else the
    hosted API); ``metadata`` is added to every record. The batching knobs are those of
    :class:`~portkey.integrations.exporter.LogExporter`; pass ``exporter=`` to share one.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
        max_queue: int = DEFAULT_MAX_QUEUE,
        exporter: Optional[LogExporter] = None,
    ) -> None:
        super().__init__(event_starts_to_ignore=[], event_ends_to_ignore=[])
        self.exporter = exporter or LogExporter(
            api_key=api_key,
            base_url=base_url,
            batch_size=batch_size,
            flush_interval=flush_interval,
            max_queue=max_queue,
        )
        self.metadata: Dict[str, Any] = dict(metadata or {})
        self._lock = threading.Lock()
        self._calls: Dict[str, CallStart] = {}
        self._trace_id: Optional[str] = None
        self._trace_depth = 0

    # ---- LlamaIndex callbacks ----------------------------------------------------------------

    def start_trace(self, trace_id: Optional[str] = None) -> None:
        """A trace (query, chat, ...) begins: its LLM calls share one trace id."""
        with self._lock:
            if self._trace_depth == 0:
                self._trace_id = str(uuid.uuid4())
            self._trace_depth += 1

    def end_trace(
        self,
        trace_id: Optional[str] = None,
        trace_map: Optional[Dict[str, List[str]]] = None,
    ) -> None:
        """A trace ends."""
        with self._lock:
            self._trace_depth = max(0, self._trace_depth - 1)
            if self._trace_depth == 0:
                self._trace_id = None

    def on_event_start(
        self,
        event_type: CBEventType,
        payload: Optional[Dict[str, Any]] = None,
        event_id: str = "",
        parent_id: str = "",
        **kwargs: Any,
    ) -> str:
        """An LLM call starts: record its request."""
        if event_type == CBEventType.LLM:
            try:
                self._start(payload or {}, event_id, parent_id)
            except Exception as exc:  # logging must never break the query
                _warn(exc)
        return event_id

    def on_event_end(
        self,
        event_type: CBEventType,
        payload: Optional[Dict[str, Any]] = None,
        event_id: str = "",
        **kwargs: Any,
    ) -> None:
        """An LLM call ends (with an answer or an exception): send its record."""
        if event_type == CBEventType.LLM:
            try:
                self._end(payload or {}, event_id)
            except Exception as exc:  # logging must never break the query
                _warn(exc)

    # ---- lifecycle ---------------------------------------------------------------------------

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Wait until the records so far are sent (or given up); ``False`` on timeout."""
        return self.exporter.flush(timeout)

    def close(self) -> None:
        """Send what is queued and stop the background thread."""
        self.exporter.close()

    # ---- internals ---------------------------------------------------------------------------

    def _start(self, payload: Mapping[str, Any], event_id: str, parent_id: str) -> None:
        serialized = dict(payload.get(EventPayload.SERIALIZED) or {})
        body: Dict[str, Any] = {}
        model = serialized.get("model_name") or serialized.get("model")
        if model:
            body["model"] = model
        body.update(plain(payload.get(EventPayload.ADDITIONAL_KWARGS) or {}))
        messages = payload.get(EventPayload.MESSAGES)
        if messages is not None:
            body["messages"] = [_message(message) for message in messages]
            endpoint = "chat/completions"
        else:
            body["prompt"] = plain(payload.get(EventPayload.PROMPT))
            endpoint = "completions"
        class_name = str(serialized.get("class_name") or "llama_index")
        with self._lock:
            self._calls[event_id] = CallStart(
                provider=class_name.split("_")[0],
                url=endpoint,
                body=body,
                span_id=event_id,
                span_name=class_name,
                trace_id=self._trace_id or event_id,
                parent_span_id=parent_id if parent_id and parent_id != _ROOT else None,
                metadata=dict(self.metadata),
            )

    def _end(self, payload: Mapping[str, Any], event_id: str) -> None:
        with self._lock:
            start = self._calls.pop(event_id, None)
        if start is None:
            return
        error = payload.get(EventPayload.EXCEPTION)
        if isinstance(error, BaseException):
            self.exporter.submit(error_record(start, error))
            return
        response = payload.get(EventPayload.RESPONSE)
        if response is not None:  # a chat answer
            message = _message(response.message)
            choice: Dict[str, Any] = {"index": 0, "message": message, "finish_reason": "stop"}
        else:  # a completion
            response = payload.get(EventPayload.COMPLETION)
            choice = {"index": 0, "text": getattr(response, "text", None), "finish_reason": "stop"}
        self.exporter.submit(
            success_record(
                start,
                model=start.body.get("model"),
                choices=[choice],
                usage=_usage(response),
                streaming=getattr(response, "delta", None) is not None,
            )
        )


def _message(message: Any) -> Dict[str, Any]:
    role = getattr(message, "role", "user")
    return {"role": str(getattr(role, "value", role)), "content": plain(message.content)}


def _usage(response: Any) -> Usage:
    """Token counts from the answer: ``additional_kwargs`` (as llama-index's OpenAI LLM
    reports them) or the raw provider answer's ``usage``."""
    counts: Any = getattr(response, "additional_kwargs", None) or {}
    if "prompt_tokens" not in counts:
        raw = getattr(response, "raw", None)
        counts = raw.get("usage") if isinstance(raw, Mapping) else getattr(raw, "usage", None)
        if counts is not None and not isinstance(counts, Mapping):
            counts = {
                "prompt_tokens": getattr(counts, "prompt_tokens", None),
                "completion_tokens": getattr(counts, "completion_tokens", None),
            }
    counts = counts or {}
    return Usage(counts.get("prompt_tokens"), counts.get("completion_tokens"))


def _warn(exc: Exception) -> None:
    get_logger().warning("Portkey LlamaIndex handler could not record a call: %r", exc)
