"""One LLM call as a Portkey log record: the body of ``POST /logs`` (request, response,
metadata), with latency, token usage and, for a failed call, the error.

Framework objects (messages, results, exceptions) are turned into plain JSON here, so a record
can always be sent: anything JSON cannot carry is written as its ``str``.
"""

import json
import math
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

#: The status a failed call is logged with when its exception carries none.
ERROR_STATUS = 500


@dataclass
class Usage:
    """Token counts of one call (``None`` where the framework did not report them)."""

    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None

    @property
    def total_tokens(self) -> Optional[int]:
        """Prompt plus completion tokens, when both are known."""
        if self.prompt_tokens is None or self.completion_tokens is None:
            return None
        return self.prompt_tokens + self.completion_tokens

    def as_dict(self) -> Dict[str, int]:
        """The OpenAI-style ``usage`` object, with the known counts only."""
        counts = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
        }
        return {name: count for name, count in counts.items() if count is not None}


@dataclass
class CallStart:
    """What is known when an LLM call starts: its request, and when it started."""

    provider: str
    url: str
    body: Dict[str, Any]
    span_id: str
    span_name: str
    trace_id: str
    parent_span_id: Optional[str] = None
    metadata: Dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def elapsed_ms(self) -> int:
        """Whole milliseconds since the call started."""
        return max(0, int((time.monotonic() - self.started) * 1000))


def success_record(
    start: CallStart,
    *,
    model: Optional[str],
    choices: List[Dict[str, Any]],
    usage: Usage,
    streaming: bool = False,
) -> Dict[str, Any]:
    """The log record of a call that answered."""
    body: Dict[str, Any] = {"object": "chat.completion", "model": model, "choices": choices}
    if usage.as_dict():
        body["usage"] = usage.as_dict()
    return _record(start, status=200, body=body, streaming=streaming)


def error_record(start: CallStart, error: BaseException) -> Dict[str, Any]:
    """The log record of a call that raised ``error``: its HTTP status when it has one."""
    status = getattr(error, "status_code", None)
    if not isinstance(status, int) or isinstance(status, bool):
        status = ERROR_STATUS
    body = {"error": {"message": str(error), "type": type(error).__name__}}
    return _record(start, status=status, body=body, streaming=False)


def _record(
    start: CallStart, *, status: int, body: Dict[str, Any], streaming: bool
) -> Dict[str, Any]:
    elapsed = start.elapsed_ms()
    metadata = {str(key): _text(value) for key, value in start.metadata.items()}
    metadata.update(
        trace_id=start.trace_id,
        span_id=start.span_id,
        span_name=start.span_name,
    )
    if start.parent_span_id:
        metadata["parent_span_id"] = start.parent_span_id
    return {
        "request": {
            "url": start.url,
            "provider": start.provider,
            "method": "POST",
            "headers": {},
            "body": plain(start.body),
        },
        "response": {
            "status": status,
            "headers": {},
            "body": plain(body),
            "response_time": elapsed,
            "streamingMode": streaming,
        },
        "metadata": metadata,
    }


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(plain(value))


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: mappings, sequences and scalars kept, the rest ``str``."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return str(value)
