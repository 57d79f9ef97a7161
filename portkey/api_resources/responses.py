"""Typed responses. Lenient by design: unknown fields are kept, missing ones are ``None``.

Every response object gives attribute access (``r.choices[0].message.content``), dict-style
access for code written against the legacy SDK (``r["choices"]``), the JSON as received
(``r.to_dict()``, ``r.raw_json``), and what the gateway says about how it served the call
(``r.gateway``: which target answered, retries, cache status, trace id, provider).
"""

import json
import re
from typing import (
    Annotated,
    Any,
    Dict,
    FrozenSet,
    Iterator,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from .constants import (
    CACHE_STATUS_HEADER,
    LAST_USED_OPTION_INDEX_HEADER,
    PROVIDER_HEADER,
    RETRY_ATTEMPT_COUNT_HEADER,
    TRACE_ID_HEADER,
)
from .exceptions import ProviderResponseError, error_message
from .response_meta import ResponseMeta, attach, attach_new, meta_of
from .secrets import redact, redact_json

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

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "json",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> Dict[str, Any]:
        """The fields as received (absent fields stay absent), as plain JSON-ready data.

        The keywords are the openai SDK's: ``exclude_unset=False`` adds the declared fields
        that were absent (as ``None``), ``exclude_none=True`` drops the ``None`` ones,
        ``mode="python"`` keeps Python values."""
        return self.model_dump(
            mode=mode,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            warnings=warnings,
        )

    def to_json(
        self,
        indent: Optional[int] = 2,
        *,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> str:
        """The fields as received, as JSON text (the keywords as in :meth:`to_dict`)."""
        data = self.to_dict(
            use_api_names=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            warnings=warnings,
        )
        return json.dumps(data, indent=indent, ensure_ascii=False)

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


#: Keys of a body that carries a result; a body with ``error`` and none of these is an error.
RESULT_KEYS: FrozenSet[str] = frozenset(
    ("id", "choices", "data", "output", "results", "text", "content", "embedding")
)


def parse_response(
    cls: Type[ResponseT],
    raw: bytes,
    headers: Mapping[str, str],
    status_code: int = 200,
    secrets: Tuple[str, ...] = (),
) -> ResponseT:
    """Validate a JSON body into ``cls`` and attach the headers and raw bytes.

    ``headers`` is taken as the HTTP library gives it (any spelling of the names; it must not
    change afterwards): it is copied with lower-case names the first time it is read.

    A body that is an error and nothing else (``{"error": {...}}`` with no result, what the
    gateway answers with a 200 when it cannot translate a provider's answer) raises
    :class:`ProviderResponseError` with the gateway's message instead of becoming an empty
    response. ``status_code`` is the status it came with; ``secrets`` (the call's keys) are
    masked in that error.
    """
    response = cls.model_validate_json(raw)
    fields_set = response.model_fields_set
    if "error" in fields_set and fields_set.isdisjoint(RESULT_KEYS):
        _raise_error_body(response, headers, status_code, secrets)
    # Just built, so there is no earlier record to replace. The headers are copied
    # (lower-cased) when read.
    attach_new(response, ResponseMeta(headers, raw))
    return response


def _raise_error_body(
    response: APIResponse, headers: Mapping[str, str], status_code: int, secrets: Tuple[str, ...]
) -> None:
    if not response["error"]:
        return  # "error": null beside nothing else is an empty answer, not an error
    body = redact_json(response.to_dict(), secrets)
    raise ProviderResponseError(
        redact(error_message(status_code, body), secrets),
        status_code=status_code,
        body=body,
        headers=headers,
    )


# ---- shared parts ---------------------------------------------------------------------------


def _json_text(value: Any) -> Any:
    """Tool-call arguments as JSON text: some providers send an object where OpenAI sends a
    string; it is kept, as the JSON text OpenAI would have sent."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


#: The default of a field the SDK fills in itself (``parse``'s ``parsed``): not part of the
#: body as received, so ``to_dict()`` / ``to_json()`` leave it out and a parsed message can be
#: sent back in ``messages`` as it is.
PARSED: Any = Field(default=None, exclude=True)

#: A string that may arrive as a JSON object (tool-call arguments).
JsonText = Annotated[Optional[str], BeforeValidator(_json_text)]


class PromptTokensDetails(PortkeyModel):
    """Where a prompt's tokens came from: the cache, audio."""

    cached_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None


class CompletionTokensDetails(PortkeyModel):
    """What an answer's tokens were spent on: reasoning, audio, predicted output."""

    reasoning_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None
    accepted_prediction_tokens: Optional[int] = None
    rejected_prediction_tokens: Optional[int] = None


class Usage(PortkeyModel):
    """Token counts of a call (``prompt_tokens_details.cached_tokens``,
    ``completion_tokens_details.reasoning_tokens``, ...)."""

    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    prompt_tokens_details: Optional[PromptTokensDetails] = None
    completion_tokens_details: Optional[CompletionTokensDetails] = None


class FunctionCall(PortkeyModel):
    """A function the model asked to call; ``arguments`` is JSON text.

    ``parsed_arguments`` is set by ``chat.completions.parse`` for a strict tool given as a
    pydantic model: the arguments validated into it.
    """

    name: Optional[str] = None
    arguments: JsonText = None
    parsed_arguments: Optional[Any] = PARSED


class CustomToolCallInput(PortkeyModel):
    """A call of a custom (free-form) tool: its name and raw input."""

    name: Optional[str] = None
    input: Optional[str] = None


class ToolCall(PortkeyModel):
    """A tool the model asked to call: ``type`` ``function`` (``function.name``,
    ``function.arguments``) or ``custom`` (``custom.input``)."""

    id: Optional[str] = None
    type: Optional[str] = None
    function: Optional[FunctionCall] = None
    custom: Optional[CustomToolCallInput] = None


class URLCitation(PortkeyModel):
    """A web source the answer cites, and where in the text."""

    url: Optional[str] = None
    title: Optional[str] = None
    start_index: Optional[int] = None
    end_index: Optional[int] = None


class Annotation(PortkeyModel):
    """An annotation of a message's text (``type`` ``url_citation`` for web search)."""

    type: Optional[str] = None
    url_citation: Optional[URLCitation] = None


class ChatCompletionAudio(PortkeyModel):
    """Audio the model answered with (``modalities=["text", "audio"]``)."""

    id: Optional[str] = None
    data: Optional[str] = None
    expires_at: Optional[int] = None
    transcript: Optional[str] = None


class ChatCompletionMessage(PortkeyModel):
    """The assistant's message in a chat completion.

    ``refusal`` holds the model's refusal when it declined; ``parsed`` is set by
    ``chat.completions.parse``: the content validated into the requested ``response_format``.
    """

    role: Optional[str] = None
    content: Optional[Union[str, List[Any]]] = None
    refusal: Optional[str] = None
    annotations: Optional[List[Annotation]] = None
    audio: Optional[ChatCompletionAudio] = None
    tool_calls: Optional[List[ToolCall]] = None
    function_call: Optional[FunctionCall] = None
    parsed: Optional[Any] = PARSED


class TopLogprob(PortkeyModel):
    """One of the most likely tokens at a position, with its log probability."""

    token: Optional[str] = None
    bytes: Optional[List[int]] = None
    logprob: Optional[float] = None


class TokenLogprob(TopLogprob):
    """A chosen token's log probability and the ``top_logprobs`` alternatives."""

    top_logprobs: List[TopLogprob] = []


class ChoiceLogprobs(PortkeyModel):
    """Log probabilities of a choice's content tokens (and of its refusal tokens)."""

    content: Optional[List[TokenLogprob]] = None
    refusal: Optional[List[TokenLogprob]] = None


# ---- chat completions ------------------------------------------------------------------------


class ChatChoice(PortkeyModel):
    """One alternative answer of a chat completion."""

    index: Optional[int] = None
    # A factory, not an instance: an instance here would build the models at import.
    message: ChatCompletionMessage = Field(default_factory=ChatCompletionMessage)
    finish_reason: Optional[str] = None
    logprobs: Optional[ChoiceLogprobs] = None


class ChatCompletion(APIResponse):
    """The answer of ``chat/completions``."""

    id: Optional[str] = None
    object: Optional[str] = None
    created: Optional[int] = None
    model: Optional[str] = None
    choices: List[ChatChoice] = []
    usage: Optional[Usage] = None
    service_tier: Optional[str] = None
    system_fingerprint: Optional[str] = None


class ChatCompletionStoreMessage(APIResponse):
    """A message of a stored chat completion (``chat.completions.messages.list``)."""

    id: Optional[str] = None
    role: Optional[str] = None
    name: Optional[str] = None
    content: Optional[Union[str, List[Any]]] = None
    content_parts: Optional[List[Dict[str, Any]]] = None
    refusal: Optional[str] = None
    annotations: Optional[List[Annotation]] = None
    audio: Optional[ChatCompletionAudio] = None
    tool_calls: Optional[List[ToolCall]] = None
    function_call: Optional[FunctionCall] = None


class ChoiceDeltaFunctionCall(PortkeyModel):
    """A piece of a function call in a stream chunk (the arguments arrive in pieces)."""

    name: Optional[str] = None
    arguments: JsonText = None


class ChoiceDeltaToolCall(PortkeyModel):
    """A piece of a tool call in a stream chunk; ``index`` says which call it extends."""

    index: Optional[int] = None
    id: Optional[str] = None
    type: Optional[str] = None
    function: Optional[ChoiceDeltaFunctionCall] = None


class ChoiceDelta(PortkeyModel):
    """The part of a message one stream chunk adds."""

    role: Optional[str] = None
    content: Optional[str] = None
    refusal: Optional[str] = None
    tool_calls: Optional[List[ChoiceDeltaToolCall]] = None
    function_call: Optional[ChoiceDeltaFunctionCall] = None


class ChatChunkChoice(PortkeyModel):
    """One alternative in a chat stream chunk."""

    index: Optional[int] = None
    delta: ChoiceDelta = Field(default_factory=ChoiceDelta)
    finish_reason: Optional[str] = None
    logprobs: Optional[ChoiceLogprobs] = None


class ChatCompletionChunk(APIResponse):
    """One chunk of a streamed chat completion."""

    id: Optional[str] = None
    object: Optional[str] = None
    created: Optional[int] = None
    model: Optional[str] = None
    choices: List[ChatChunkChoice] = []
    usage: Optional[Usage] = None
    service_tier: Optional[str] = None
    system_fingerprint: Optional[str] = None


# ---- text completions ------------------------------------------------------------------------


class CompletionLogprobs(PortkeyModel):
    """Log probabilities of a text completion's tokens (the legacy ``logprobs`` shape)."""

    tokens: Optional[List[str]] = None
    token_logprobs: Optional[List[Optional[float]]] = None
    top_logprobs: Optional[List[Optional[Dict[str, float]]]] = None
    text_offset: Optional[List[int]] = None


class TextChoice(PortkeyModel):
    """One alternative of a text completion (or of a stream chunk)."""

    index: Optional[int] = None
    text: Optional[str] = None
    finish_reason: Optional[str] = None
    logprobs: Optional[CompletionLogprobs] = None


class TextCompletion(APIResponse):
    """The answer of ``completions``."""

    id: Optional[str] = None
    object: Optional[str] = None
    created: Optional[int] = None
    model: Optional[str] = None
    choices: List[TextChoice] = []
    usage: Optional[Usage] = None
    system_fingerprint: Optional[str] = None


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
