"""Typed responses. Lenient by design: unknown fields are kept, missing ones are ``None``.

Every response object gives attribute access (``r.choices[0].message.content``), dict-style
access for code written against the legacy SDK (``r["choices"]``), the JSON as received
(``r.to_dict()``, ``r.raw_json``), and what the gateway says about how it served the call
(``r.gateway``: which target answered, retries, cache status, trace id, provider).
"""

import json
import re
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Type, TypeVar, Union

from pydantic import BaseModel, ConfigDict

from .constants import (
    CACHE_STATUS_HEADER,
    LAST_USED_OPTION_INDEX_HEADER,
    PROVIDER_HEADER,
    RETRY_ATTEMPT_COUNT_HEADER,
    TRACE_ID_HEADER,
)
from .response_meta import ResponseMeta, attach, meta_of

_TARGET_INDEX = re.compile(r"targets\[(\d+)\]")


class GatewayInfo(BaseModel):
    """How the gateway served a call, read from its ``x-portkey-*`` response headers.

    ``target_index`` is the index of the top-level target (the LLM of your config) that
    answered; ``target_path`` holds every index for nested targets
    (``config.targets[1].targets[0]`` -> ``(1, 0)``).
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    last_used_option_index: Optional[str] = None
    target_path: Tuple[int, ...] = ()
    retry_attempt_count: Optional[int] = None
    cache_status: Optional[str] = None
    trace_id: Optional[str] = None
    provider: Optional[str] = None

    @property
    def target_index(self) -> Optional[int]:
        """Index in ``config.llms`` (or ``targets``) of the LLM that answered, if known."""
        return self.target_path[0] if self.target_path else None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> "GatewayInfo":
        """Read the gateway's headers (names in lower case)."""
        option = headers.get(LAST_USED_OPTION_INDEX_HEADER)
        retries = headers.get(RETRY_ATTEMPT_COUNT_HEADER)
        return cls(
            last_used_option_index=option,
            target_path=tuple(int(i) for i in _TARGET_INDEX.findall(option or "")),
            retry_attempt_count=int(retries) if retries and retries.lstrip("-").isdigit() else None,
            cache_status=headers.get(CACHE_STATUS_HEADER) or None,
            trace_id=headers.get(TRACE_ID_HEADER) or None,
            provider=headers.get(PROVIDER_HEADER) or None,
        )


class PortkeyModel(BaseModel):
    """Base of every response part: lenient, with dict-style access for legacy code."""

    model_config = ConfigDict(extra="allow", protected_namespaces=(), defer_build=True)

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.to_dict()

    def get(self, key: str, default: Any = None) -> Any:
        """Dict-style ``get``: the field's value, or ``default`` when it is absent."""
        value = getattr(self, key, None)
        return default if value is None else value

    def to_dict(self) -> Dict[str, Any]:
        """The fields as received (absent fields stay absent), as plain JSON-ready data."""
        return self.model_dump(mode="json", exclude_unset=True)

    def to_json(self, indent: Optional[int] = 2) -> str:
        """The fields as received, as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        return f"{type(self).__name__}({self.to_json()})"


class APIResponse(PortkeyModel):
    """A whole response body, with the HTTP headers it came with."""

    # The headers and raw bytes are kept beside the model (response_meta.py says why); copies,
    # deep copies and pickles keep them, and equal bodies with different headers are not equal.

    def _response_meta(self) -> ResponseMeta:
        return meta_of(self)

    def __copy__(self) -> "APIResponse":
        copied = super().__copy__()
        attach(copied, meta_of(self))
        return copied

    def __deepcopy__(self, memo: Optional[Dict[int, Any]] = None) -> "APIResponse":
        copied = super().__deepcopy__(memo)
        attach(copied, meta_of(self).copy())
        return copied

    def __getstate__(self) -> Dict[Any, Any]:
        meta = meta_of(self)
        return {**super().__getstate__(), "__portkey_meta__": (meta.headers, meta.raw)}

    def __setstate__(self, state: Dict[Any, Any]) -> None:
        state = dict(state)
        headers, raw = state.pop("__portkey_meta__", ({}, b""))
        super().__setstate__(state)
        attach(self, ResponseMeta(headers, raw))

    def __eq__(self, other: object) -> bool:
        if not super().__eq__(other):
            return False
        return not isinstance(other, APIResponse) or meta_of(self) == meta_of(other)

    @property
    def gateway(self) -> GatewayInfo:
        """Which target served the call, retries, cache status, trace id and provider."""
        return GatewayInfo.from_headers(self._response_meta().headers)

    def get_headers(self) -> Dict[str, str]:
        """The response headers (names in lower case)."""
        return dict(self._response_meta().headers)

    @property
    def raw_json(self) -> str:
        """The body exactly as the gateway sent it."""
        return self._response_meta().raw.decode("utf-8", errors="replace")

    def _repr_markdown_(self) -> str:
        """Jupyter rendering: the JSON body and how the gateway served it."""
        info = self.gateway
        served = f"target {info.target_index}" if info.target_index is not None else "n/a"
        return (
            f"**{type(self).__name__}** · served by {served} · provider "
            f"`{info.provider}` · cache `{info.cache_status}`\n\n```json\n{self.to_json()}\n```"
        )


ResponseT = TypeVar("ResponseT", bound=APIResponse)


# The whole body of the gateway's answer when it could not translate a provider's answer: it
# sends status 200 with {"error": {"message": "Invalid response received from <provider>: ..."},
# "provider": "<provider>"}.
_ERROR_ENVELOPE_KEYS = frozenset({"error", "provider"})


def parse_response(cls: Type[ResponseT], raw: bytes, headers: Mapping[str, str]) -> ResponseT:
    """Validate a JSON body into ``cls`` and attach the headers and raw bytes.

    ``headers`` is taken as the HTTP library gives it (any spelling of the names; it must not
    change afterwards): it is copied with lower-case names the first time it is read.

    Raises ``ValueError`` (which the requestors report as ``APIResponseValidationError``) for a
    success status whose body is only an error: returning it as an empty response would lose
    the error silently.
    """
    response = cls.model_validate_json(raw)
    extra = response.__pydantic_extra__
    if extra and "error" in extra and _is_error_envelope(response):
        raise ValueError("a success status with an error body")
    attach(response, ResponseMeta(headers, raw))  # headers copied (lower-cased) when read
    return response


def _is_error_envelope(response: APIResponse) -> bool:
    error = getattr(response, "error", None)
    return isinstance(error, dict) and response.model_fields_set <= _ERROR_ENVELOPE_KEYS


# ---- shared parts ---------------------------------------------------------------------------


class Usage(PortkeyModel):
    """Token counts of a call."""

    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    total_tokens: Optional[int] = None


class FunctionCall(PortkeyModel):
    """A function the model asked to call."""

    name: Optional[str] = None
    arguments: Optional[str] = None


class ToolCall(PortkeyModel):
    """A tool the model asked to call."""

    id: Optional[str] = None
    type: Optional[str] = None
    function: Optional[FunctionCall] = None


class ChatCompletionMessage(PortkeyModel):
    """The assistant's message in a chat completion."""

    role: Optional[str] = None
    content: Optional[Union[str, List[Any]]] = None
    tool_calls: Optional[List[ToolCall]] = None
    function_call: Optional[FunctionCall] = None


# ---- chat completions ------------------------------------------------------------------------


class ChatChoice(PortkeyModel):
    """One alternative answer of a chat completion."""

    index: Optional[int] = None
    message: ChatCompletionMessage = ChatCompletionMessage()
    finish_reason: Optional[str] = None
    logprobs: Optional[Any] = None


class ChatCompletion(APIResponse):
    """The answer of ``chat/completions``."""

    id: Optional[str] = None
    object: Optional[str] = None
    created: Optional[int] = None
    model: Optional[str] = None
    choices: List[ChatChoice] = []
    usage: Optional[Usage] = None
    system_fingerprint: Optional[str] = None


class ChoiceDelta(PortkeyModel):
    """The part of a message one stream chunk adds."""

    role: Optional[str] = None
    content: Optional[str] = None
    tool_calls: Optional[List[Any]] = None
    function_call: Optional[Any] = None


class ChatChunkChoice(PortkeyModel):
    """One alternative in a chat stream chunk."""

    index: Optional[int] = None
    delta: ChoiceDelta = ChoiceDelta()
    finish_reason: Optional[str] = None
    logprobs: Optional[Any] = None


class ChatCompletionChunk(APIResponse):
    """One chunk of a streamed chat completion."""

    id: Optional[str] = None
    object: Optional[str] = None
    created: Optional[int] = None
    model: Optional[str] = None
    choices: List[ChatChunkChoice] = []
    usage: Optional[Usage] = None


# ---- text completions ------------------------------------------------------------------------


class TextChoice(PortkeyModel):
    """One alternative of a text completion (or of a stream chunk)."""

    index: Optional[int] = None
    text: Optional[str] = None
    finish_reason: Optional[str] = None
    logprobs: Optional[Any] = None


class TextCompletion(APIResponse):
    """The answer of ``completions``."""

    id: Optional[str] = None
    object: Optional[str] = None
    created: Optional[int] = None
    model: Optional[str] = None
    choices: List[TextChoice] = []
    usage: Optional[Usage] = None


class TextCompletionChunk(TextCompletion):
    """One chunk of a streamed text completion."""


# ---- embeddings, models and the rest ---------------------------------------------------------


class Embedding(PortkeyModel):
    """One input's embedding vector."""

    index: Optional[int] = None
    object: Optional[str] = None
    embedding: Union[List[float], str, None] = None


class CreateEmbeddingResponse(APIResponse):
    """The answer of ``embeddings``."""

    object: Optional[str] = None
    data: List[Embedding] = []
    model: Optional[str] = None
    usage: Optional[Usage] = None


class Model(APIResponse):
    """One model a provider serves."""

    id: Optional[str] = None
    object: Optional[str] = None
    created: Optional[int] = None
    owned_by: Optional[str] = None


class ModelList(APIResponse):
    """The answer of ``GET models``."""

    object: Optional[str] = None
    data: List[Model] = []

    def __iter__(self) -> Iterator[Model]:  # type: ignore[override]
        return iter(self.data)


class GenericResponse(APIResponse):
    """Any JSON object, for endpoints whose answer has no dedicated model."""


class BinaryResponse:
    """A non-JSON answer (audio, file content): the bytes and the headers."""

    def __init__(self, content: bytes, headers: Mapping[str, str]) -> None:
        self.content = content
        self.headers = {name.lower(): value for name, value in headers.items()}

    @property
    def gateway(self) -> GatewayInfo:
        """How the gateway served the call."""
        return GatewayInfo.from_headers(self.headers)

    def write_to_file(self, path: str) -> None:
        """Save the bytes to ``path``."""
        with open(path, "wb") as handle:
            handle.write(self.content)


# Names the legacy SDK exported.
PortkeyResponse = APIResponse
