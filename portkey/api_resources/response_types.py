"""Typed models of the Responses API (``client.responses``): a response, its output items and
content parts, its usage, and the input-token count. Lenient: an unknown kind of output item or
content part becomes a generic part with its ``type``. :func:`parse_model_response` fills in the
structured outputs of ``responses.parse``."""

from typing import Annotated, Any, Dict, List, Optional, Union

from pydantic import Tag

from .platform_base import OTHER, ErrorInfo, PlatformObject, TypedPart, by_type
from .responses import PARSED, APIResponse, JsonText, PortkeyModel
from .structured import ToolModels, is_model_type, validate_text


class ResponseOutputText(TypedPart):
    """Text the model wrote (``type`` ``output_text``); ``parsed`` is set by
    ``responses.parse``: the text validated into ``text_format``."""

    text: Optional[str] = None
    annotations: List[Dict[str, Any]] = []
    logprobs: Optional[List[Dict[str, Any]]] = None
    parsed: Optional[Any] = PARSED


class ResponseOutputRefusal(TypedPart):
    """The model's refusal (``type`` ``refusal``)."""

    refusal: Optional[str] = None


#: One part of an output message, typed by its ``type``.
ResponseContent = Annotated[
    Union[
        Annotated[ResponseOutputText, Tag("output_text")],
        Annotated[ResponseOutputRefusal, Tag("refusal")],
        Annotated[TypedPart, Tag(OTHER)],
    ],
    by_type("output_text", "refusal"),
]


class ResponseOutputMessage(TypedPart):
    """A message the model produced (``type`` ``message``)."""

    id: Optional[str] = None
    role: Optional[str] = None
    status: Optional[str] = None
    content: List[ResponseContent] = []


class ResponseFunctionToolCall(TypedPart):
    """A function the model asked to call (``type`` ``function_call``); answer it with a
    ``function_call_output`` input item carrying the same ``call_id``."""

    id: Optional[str] = None
    call_id: Optional[str] = None
    name: Optional[str] = None
    arguments: JsonText = None
    status: Optional[str] = None
    parsed_arguments: Optional[Any] = PARSED


class ReasoningSummary(TypedPart):
    """A summary of the model's reasoning."""

    text: Optional[str] = None


class ResponseReasoningItem(TypedPart):
    """The model's reasoning (``type`` ``reasoning``)."""

    id: Optional[str] = None
    summary: List[ReasoningSummary] = []
    encrypted_content: Optional[str] = None
    status: Optional[str] = None


class ResponseOtherItem(TypedPart):
    """An output item of another kind (web search call, file search call, ...)."""

    id: Optional[str] = None
    status: Optional[str] = None


#: One item of a response's output, typed by its ``type``.
ResponseOutputItem = Annotated[
    Union[
        Annotated[ResponseOutputMessage, Tag("message")],
        Annotated[ResponseFunctionToolCall, Tag("function_call")],
        Annotated[ResponseReasoningItem, Tag("reasoning")],
        Annotated[ResponseOtherItem, Tag(OTHER)],
    ],
    by_type("message", "function_call", "reasoning"),
]


class InputTokensDetails(PortkeyModel):
    """Where input tokens came from."""

    cached_tokens: Optional[int] = None


class OutputTokensDetails(PortkeyModel):
    """What output tokens were spent on."""

    reasoning_tokens: Optional[int] = None


class ResponseUsage(PortkeyModel):
    """Token counts of a response."""

    input_tokens: Optional[int] = None
    input_tokens_details: Optional[InputTokensDetails] = None
    output_tokens: Optional[int] = None
    output_tokens_details: Optional[OutputTokensDetails] = None
    total_tokens: Optional[int] = None


class ModelResponse(PlatformObject):
    """A response of the Responses API (``client.responses``); ``output_text`` joins its text.

    ``output_parsed`` is set by ``responses.parse``: the text validated into ``text_format``.
    """

    created_at: Optional[float] = None
    status: Optional[str] = None
    error: Optional[ErrorInfo] = None
    incomplete_details: Optional[Dict[str, Any]] = None
    instructions: Optional[Union[str, List[Any]]] = None
    model: Optional[str] = None
    output: List[ResponseOutputItem] = []
    usage: Optional[ResponseUsage] = None
    parallel_tool_calls: Optional[bool] = None
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    tool_choice: Optional[Union[str, Dict[str, Any]]] = None
    tools: List[Dict[str, Any]] = []
    text: Optional[Dict[str, Any]] = None
    reasoning: Optional[Dict[str, Any]] = None
    previous_response_id: Optional[str] = None
    max_output_tokens: Optional[int] = None
    metadata: Optional[Dict[str, Any]] = None
    service_tier: Optional[str] = None
    store: Optional[bool] = None
    truncation: Optional[str] = None
    user: Optional[str] = None
    background: Optional[bool] = None
    output_parsed: Optional[Any] = PARSED

    @property
    def output_text(self) -> str:
        """The text of every ``output_text`` part of the output, joined."""
        return "".join(
            part.text or ""
            for item in self.output
            if isinstance(item, ResponseOutputMessage)
            for part in item.content
            if isinstance(part, ResponseOutputText)
        )


class CompactedResponse(PlatformObject):
    """The answer of ``responses.compact``: a conversation compacted into ``output`` items
    (opaque ``compaction`` items among them, to send back as input), and what it cost."""

    created_at: Optional[float] = None
    output: List[ResponseOutputItem] = []
    usage: Optional[ResponseUsage] = None


class InputTokensCount(APIResponse):
    """The answer of ``responses.input_tokens.count``: how many tokens the input would use."""

    object: Optional[str] = None
    input_tokens: Optional[int] = None


def parse_model_response(
    response: ModelResponse, text_format: Any = None, tools: Optional[ToolModels] = None
) -> ModelResponse:
    """Fill each ``output_text`` part's ``parsed`` and the response's ``output_parsed`` (the
    text validated into ``text_format``), and ``parsed_arguments`` of pydantic tools' calls."""
    model = text_format if is_model_type(text_format) else None
    for item in response.output:
        if isinstance(item, ResponseOutputMessage) and model is not None:
            for part in item.content:
                if isinstance(part, ResponseOutputText) and part.text is not None:
                    part.parsed = validate_text(model, part.text, "the answer")
                    if response.output_parsed is None:
                        response.output_parsed = part.parsed
        if isinstance(item, ResponseFunctionToolCall) and tools is not None:
            tool_model = tools.models.get(item.name or "")
            if tool_model is not None:
                what = f"the arguments of {item.name}"
                item.parsed_arguments = validate_text(tool_model, item.arguments or "{}", what)
    return response


__all__ = [
    "CompactedResponse",
    "InputTokensCount",
    "InputTokensDetails",
    "ModelResponse",
    "OutputTokensDetails",
    "ReasoningSummary",
    "ResponseContent",
    "ResponseFunctionToolCall",
    "ResponseOtherItem",
    "ResponseOutputItem",
    "ResponseOutputMessage",
    "ResponseOutputRefusal",
    "ResponseOutputText",
    "ResponseReasoningItem",
    "ResponseUsage",
    "parse_model_response",
]
