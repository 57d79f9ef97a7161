"""LangChain callback handler that records every LLM call in Portkey's logs.

    from portkey.langchain import PortkeyLangchainCallbackHandler   # or portkey_ai.langchain

    handler = PortkeyLangchainCallbackHandler(api_key="PORTKEY_API_KEY", metadata={"_user": "u1"})
    llm = ChatOpenAI(model="gpt-4o-mini", callbacks=[handler])
    chain.invoke({...}, config={"callbacks": [handler]})

For each LLM or chat-model run the handler records the request (messages or prompts and the
invocation parameters), the answer, the latency, the token usage and, for a failed call, the
error, with the run's trace/span ids, and sends it to ``POST /logs`` in batches from a
background thread (:class:`~portkey.integrations.exporter.LogExporter`). A logging API that is
slow or down never blocks or breaks the chain: records are dropped with a warning on the
``portkey`` logger. ``handler.flush()`` waits for the records so far; ``handler.close()``
(also run at exit) sends the rest.

Needs ``langchain-core``: ``pip install 'portkey-gateway-sdk[langchain]'``.
"""

import threading
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence
from uuid import UUID

from .api_resources.logs import get_logger
from .integrations.exporter import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_FLUSH_INTERVAL,
    DEFAULT_MAX_QUEUE,
    LogExporter,
)
from .integrations.records import CallStart, Usage, error_record, plain, success_record
from .version import DISTRIBUTION_NAME

try:
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.messages import BaseMessage
    from langchain_core.messages.utils import convert_to_openai_messages
    from langchain_core.outputs import ChatGeneration, LLMResult
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        f"portkey.langchain needs langchain-core: pip install '{DISTRIBUTION_NAME}[langchain]'"
    ) from exc

__all__ = ["PortkeyLangchainCallbackHandler"]


class PortkeyLangchainCallbackHandler(BaseCallbackHandler):
    """Logs each LangChain LLM / chat-model call to Portkey (see the module docstring).

    ``api_key`` / ``base_url`` default to ``PORTKEY_API_KEY`` / ``PORTKEY_BASE_URL`` (else the
    hosted API); ``metadata`` is added to every record (``{"_user": ...}`` and the like). The
    batching knobs are those of :class:`~portkey.integrations.exporter.LogExporter`; pass
    ``exporter=`` to share one exporter between handlers.
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
        super().__init__()
        self.exporter = exporter or LogExporter(
            api_key=api_key,
            base_url=base_url,
            batch_size=batch_size,
            flush_interval=flush_interval,
            max_queue=max_queue,
        )
        self.metadata: Dict[str, Any] = dict(metadata or {})
        self._lock = threading.Lock()
        self._calls: Dict[UUID, CallStart] = {}
        self._streamed: Dict[UUID, bool] = {}
        self._roots: Dict[UUID, UUID] = {}  # run -> the outermost run above it (the trace)

    # ---- LangChain callbacks ------------------------------------------------------------------

    def on_chain_start(
        self,
        serialized: Optional[Dict[str, Any]],
        inputs: Any,
        *,
        run_id: UUID,
        parent_run_id: Optional[UUID] = None,
        **kwargs: Any,
    ) -> None:
        """Remember which trace this chain run belongs to (its LLM calls share it)."""
        self._guarded(self._link, run_id, parent_run_id)

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """Forget a finished chain run."""
        self._guarded(self._unlink, run_id)

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Forget a failed chain run."""
        self._guarded(self._unlink, run_id)

    def on_llm_start(
        self,
        serialized: Optional[Dict[str, Any]],
        prompts: List[str],
        *,
        run_id: UUID,
        parent_run_id: Optional[UUID] = None,
        tags: Optional[List[str]] = None,
        metadata: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> None:
        """A text LLM starts: record its prompts and parameters."""
        self._guarded(
            self._start,
            serialized,
            lambda: {"prompt": list(prompts)},
            "completions",
            run_id,
            parent_run_id,
            tags,
            metadata,
            kwargs,
        )

    def on_chat_model_start(
        self,
        serialized: Optional[Dict[str, Any]],
        messages: List[List[BaseMessage]],
        *,
        run_id: UUID,
        parent_run_id: Optional[UUID] = None,
        tags: Optional[List[str]] = None,
        metadata: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> None:
        """A chat model starts: record its messages (OpenAI format) and parameters."""
        self._guarded(
            self._start,
            serialized,
            lambda: {"messages": _openai_messages(messages)},
            "chat/completions",
            run_id,
            parent_run_id,
            tags,
            metadata,
            kwargs,
        )

    def on_llm_new_token(self, token: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """A streamed token: the call is logged as a streamed one."""
        with self._lock:
            if run_id in self._calls:
                self._streamed[run_id] = True

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        """The call answered: send its record."""
        self._guarded(self._end, response, run_id)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """The call failed: send a record with the error."""
        self._guarded(self._fail, error, run_id)

    # ---- lifecycle ---------------------------------------------------------------------------

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Wait until the records so far are sent (or given up); ``False`` on timeout."""
        return self.exporter.flush(timeout)

    def close(self) -> None:
        """Send what is queued and stop the background thread."""
        self.exporter.close()

    # ---- internals ---------------------------------------------------------------------------

    def _guarded(self, step: Any, *args: Any) -> None:
        # A logging problem must never break the host application's chain.
        try:
            step(*args)
        except Exception as exc:
            get_logger().warning("Portkey LangChain handler could not record a call: %r", exc)

    def _link(self, run_id: UUID, parent_run_id: Optional[UUID]) -> None:
        with self._lock:
            root = self._roots.get(parent_run_id, parent_run_id) if parent_run_id else run_id
            self._roots[run_id] = root

    def _unlink(self, run_id: UUID) -> None:
        with self._lock:
            self._roots.pop(run_id, None)

    def _start(
        self,
        serialized: Optional[Dict[str, Any]],
        request: Callable[[], Dict[str, Any]],
        endpoint: str,
        run_id: UUID,
        parent_run_id: Optional[UUID],
        tags: Optional[List[str]],
        run_metadata: Optional[Dict[str, Any]],
        kwargs: Mapping[str, Any],
    ) -> None:
        params = dict(kwargs.get("invocation_params") or {})
        run_metadata = dict(run_metadata or {})
        provider = str(run_metadata.get("ls_provider") or _provider_of(serialized, params))
        body = {**_model_params(params), **request()}
        metadata = {**run_metadata, **self.metadata}
        if tags:
            metadata["tags"] = ",".join(tags)
        with self._lock:
            root = self._roots.get(parent_run_id, parent_run_id) if parent_run_id else run_id
            self._calls[run_id] = CallStart(
                provider=provider,
                url=endpoint,
                body=body,
                span_id=str(run_id),
                span_name=_name_of(serialized) or endpoint,
                trace_id=str(root),
                parent_span_id=str(parent_run_id) if parent_run_id else None,
                metadata=metadata,
            )

    def _pop(self, run_id: UUID) -> Optional[CallStart]:
        with self._lock:
            self._streamed.setdefault(run_id, False)
            return self._calls.pop(run_id, None)

    def _end(self, response: LLMResult, run_id: UUID) -> None:
        start = self._pop(run_id)
        with self._lock:
            streamed = self._streamed.pop(run_id, False)
        if start is None:
            return
        choices: List[Dict[str, Any]] = []
        usage = Usage()
        model = start.body.get("model")
        for index, generation in enumerate(response.generations[0] if response.generations else []):
            info = generation.generation_info or {}
            choice: Dict[str, Any] = {"index": index, "finish_reason": info.get("finish_reason")}
            if isinstance(generation, ChatGeneration):
                message = generation.message
                choice["message"] = {"role": "assistant", "content": plain(message.content)}
                usage = _usage_of_message(message) or usage
                model = getattr(message, "response_metadata", {}).get("model_name") or model
            else:
                choice["text"] = generation.text
            choices.append(choice)
        output = response.llm_output or {}
        if usage.prompt_tokens is None:
            usage = _usage_of_llm_output(output)
        model = output.get("model_name") or model
        self.exporter.submit(
            success_record(start, model=model, choices=choices, usage=usage, streaming=streamed)
        )

    def _fail(self, error: BaseException, run_id: UUID) -> None:
        start = self._pop(run_id)
        with self._lock:
            self._streamed.pop(run_id, None)
        if start is not None:
            self.exporter.submit(error_record(start, error))


def _openai_messages(batches: Sequence[Sequence[BaseMessage]]) -> List[Any]:
    messages = [message for batch in batches for message in batch]
    return list(convert_to_openai_messages(messages))


def _model_params(params: Mapping[str, Any]) -> Dict[str, Any]:
    """Invocation parameters as an OpenAI-style body (``model_name`` -> ``model``)."""
    body = {key: value for key, value in params.items() if not key.startswith("_")}
    if "model" not in body and "model_name" in body:
        body["model"] = body.pop("model_name")
    return body


def _provider_of(serialized: Optional[Mapping[str, Any]], params: Mapping[str, Any]) -> str:
    ids = (serialized or {}).get("id") or []
    if len(ids) > 2:
        return str(ids[2])
    return str(params.get("_type", "langchain"))


def _name_of(serialized: Optional[Mapping[str, Any]]) -> Optional[str]:
    serialized = serialized or {}
    ids = serialized.get("id") or []
    name = serialized.get("name") or (ids[-1] if ids else None)
    return str(name) if name else None


def _usage_of_message(message: BaseMessage) -> Optional[Usage]:
    usage = getattr(message, "usage_metadata", None)
    if not usage:
        return None
    return Usage(usage.get("input_tokens"), usage.get("output_tokens"))


def _usage_of_llm_output(output: Mapping[str, Any]) -> Usage:
    counts = output.get("token_usage") or output.get("usage") or {}
    if not isinstance(counts, Mapping):
        return Usage()
    return Usage(counts.get("prompt_tokens"), counts.get("completion_tokens"))
