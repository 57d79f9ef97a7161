"""Structured outputs: pydantic models as ``response_format`` / ``text_format`` and as strict
function tools, and the answer parsed back into them.

The JSON schema a pydantic model produces is made *strict* the way OpenAI's structured outputs
require: every object closes its properties (``additionalProperties: false``) and lists all of
them as required, and ``default: null`` is dropped. The answer's text (and each strict tool's
arguments) is then validated into the model; a refusal leaves ``parsed`` as ``None``.
"""

from typing import Any, Dict, Iterable, List, Mapping, Optional, Type

from pydantic import BaseModel, ValidationError

from .exceptions import (
    APIResponseValidationError,
    ContentFilterFinishReasonError,
    InvalidRequestError,
    LengthFinishReasonError,
)
from .responses import ChatCompletion


def is_model_type(value: Any) -> bool:
    """Whether ``value`` is a pydantic model class (not an instance)."""
    return isinstance(value, type) and issubclass(value, BaseModel)


def strict_schema(model: Type[BaseModel]) -> Dict[str, Any]:
    """The model's JSON schema, made strict for structured outputs."""
    schema: Dict[str, Any] = _strict(model.model_json_schema())
    return schema


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    strict = {key: _strict(value) for key, value in node.items()}
    if "default" in strict and strict["default"] is None:
        del strict["default"]
    if strict.get("type") == "object" or "properties" in strict:
        strict["additionalProperties"] = False
        strict["required"] = list(strict.get("properties", {}))
    if "properties" in strict:  # property names are data, not schema keywords
        strict["properties"] = {
            name: _strict(schema) for name, schema in node["properties"].items()
        }
    return strict


def response_format_param(response_format: Any) -> Any:
    """The wire ``response_format`` for a pydantic model (a strict ``json_schema``); a dict
    is sent as it is."""
    if is_model_type(response_format):
        return {
            "type": "json_schema",
            "json_schema": {
                "name": response_format.__name__,
                "schema": strict_schema(response_format),
                "strict": True,
            },
        }
    if isinstance(response_format, Mapping):
        return dict(response_format)
    raise InvalidRequestError(
        "response_format must be a pydantic model class or a dict like "
        f"{{'type': 'json_object'}}; got {type(response_format).__name__}",
        field="response_format",
    )


def text_format_param(text_format: Any) -> Dict[str, Any]:
    """The Responses API's ``text.format`` for a pydantic model (a strict ``json_schema``)."""
    if not is_model_type(text_format):
        raise InvalidRequestError(
            f"text_format must be a pydantic model class; got {type(text_format).__name__}",
            field="text_format",
        )
    return {
        "type": "json_schema",
        "name": text_format.__name__,
        "schema": strict_schema(text_format),
        "strict": True,
    }


def pydantic_function_tool(
    model: Type[BaseModel], *, name: Optional[str] = None, description: Optional[str] = None
) -> Dict[str, Any]:
    """A strict function tool whose parameters are ``model``'s fields.

    ``chat.completions.parse`` validates the arguments of a call to it into ``model``
    (``tool_call.function.parsed_arguments``). ``model`` itself may also be given in ``tools``.
    """
    if not is_model_type(model):
        raise InvalidRequestError(
            f"a tool model must be a pydantic model class; got {type(model).__name__}",
            field="tools",
        )
    function: Dict[str, Any] = {
        "name": name or model.__name__,
        "parameters": strict_schema(model),
        "strict": True,
    }
    text = description or (model.__doc__ or "").strip()
    if text:
        function["description"] = text
    return {"type": "function", "function": function}


class ToolModels:
    """The wire ``tools`` of a call, and the pydantic model of each strict tool by name.

    ``flat`` writes function tools the Responses API's way (``name``, ``parameters`` beside
    ``type``) instead of chat's (inside ``function``).
    """

    def __init__(self, tools: Optional[Iterable[Any]], *, flat: bool = False) -> None:
        self.wire: Optional[List[Any]] = None
        self.models: Dict[str, Type[BaseModel]] = {}
        if tools is None:
            return
        if isinstance(tools, (str, bytes, Mapping)):
            raise InvalidRequestError("tools must be a list of tools", field="tools")
        self.wire = []
        for tool in tools:
            if is_model_type(tool):
                tool_param = pydantic_function_tool(tool)
                self.models[tool_param["function"]["name"]] = tool
                tool = {"type": "function", **tool_param["function"]} if flat else tool_param
            self.wire.append(tool)


def validate_text(model: Type[BaseModel], text: str, what: str) -> BaseModel:
    """``text`` (JSON) validated into ``model``; an :class:`APIResponseValidationError` that
    names ``what`` the text was (``"the answer"``, ``"the arguments of f"``) otherwise."""
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise APIResponseValidationError(
            f"{what} does not match {model.__name__}: {exc.errors()[0].get('msg')} "
            f"(text: {text[:200]!r})",
            status_code=200,
            body=text,
        ) from None


def parse_chat_completion(
    completion: ChatCompletion,
    response_format: Any = None,
    tools: Optional[ToolModels] = None,
) -> ChatCompletion:
    """Fill ``message.parsed`` (content validated into ``response_format`` when it is a
    pydantic model) and ``tool_calls[].function.parsed_arguments`` (for pydantic tools).

    A refusal leaves ``parsed`` ``None``; an answer cut off at the token limit or stopped by
    the content filter raises, since its JSON cannot be trusted.
    """
    model = response_format if is_model_type(response_format) else None
    for choice in completion.choices:
        if choice.finish_reason == "length":
            raise LengthFinishReasonError(
                "the answer was cut off at the token limit (finish_reason 'length'): raise "
                "max_tokens / max_completion_tokens",
                completion=completion,
            )
        if choice.finish_reason == "content_filter":
            raise ContentFilterFinishReasonError(
                "the provider's content filter stopped the answer", completion=completion
            )
        message = choice.message
        if model is not None and isinstance(message.content, str) and not message.refusal:
            message.parsed = validate_text(model, message.content, "the answer")
        for call in message.tool_calls or []:
            function = call.function
            tool_model = tools.models.get(function.name or "") if tools and function else None
            if function is not None and tool_model is not None:
                arguments = function.arguments or "{}"
                what = f"the arguments of {function.name}"
                function.parsed_arguments = validate_text(tool_model, arguments, what)
    return completion


def parse_json_text(model: Type[BaseModel], text: str) -> BaseModel:
    """``text`` validated into ``model`` (an :class:`APIResponseValidationError` otherwise)."""
    return validate_text(model, text, "the answer")


__all__ = [
    "ToolModels",
    "is_model_type",
    "parse_chat_completion",
    "parse_json_text",
    "pydantic_function_tool",
    "response_format_param",
    "strict_schema",
    "text_format_param",
    "validate_text",
]
