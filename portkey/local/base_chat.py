"""Chat for a base model: messages rendered as a few-shot Q/A completion, and back.

gemma 3 270M as shipped for the local model is the pretrained (not instruction-tuned) model and
its GGUF carries no chat template: given chat turn markup it continues the markup with noise.
Given a few short question/answer pairs and a new ``Q: ...\\nA:``, the same model answers in a
line, and a stop at the next ``\\nQ:`` ends the answer there. These pure functions turn an
OpenAI chat request into such a completion request, and the completion (whole, or streamed
chunk by chunk) back into the chat shape; :mod:`portkey.local.model_server` applies them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence

__all__ = [
    "DEFAULT_TEMPERATURE",
    "FEW_SHOT",
    "STOP",
    "ChatRequestError",
    "chat_chunk",
    "chat_completion",
    "completion_request",
    "render_prompt",
]

#: The worked examples every prompt starts with: one of each kind of short request the demo and
#: the CLI send (a fact, a count, a greeting, a "name a ...", a sentence to write).
FEW_SHOT = (
    ("What is the capital of Italy?", "Rome."),
    ("Say hello in French.", "Bonjour!"),
    ("Name an animal that can fly.", "A bird."),
    ("How many wheels does a bicycle have?", "Two."),
    ("Name a vegetable that is orange.", "A carrot."),
    ("Write one sentence about the moon.", "The moon shines in the night sky."),
)

#: The temperature when a request names none. A base model sampled at the usual 0.8-1.0 drifts
#: ("Say hello in Spanish." -> "Bonjour!"); its most likely answer is the sensible one.
DEFAULT_TEMPERATURE = 0.0

#: Where an answer ends: the model goes on to invent the next question, or starts a new block.
STOP = ("\nQ:", "\n\n")

# OpenAI's limit on stop sequences; the caller's own are kept first.
_MAX_STOPS = 4

# Sampling fields a completion request takes unchanged from a chat request.
_PASSED_THROUGH = (
    "max_tokens",
    "temperature",
    "top_p",
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "stream",
    "stream_options",
    "user",
)


# Chat fields that ask for more than text; refused rather than ignored.
_UNSUPPORTED = ("tools", "tool_choice", "functions", "function_call")


class ChatRequestError(ValueError):
    """A chat request that cannot be rendered; the message names the field (answered as 400)."""


def _text(content: Any, where: str) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for index, part in enumerate(content):
            if not isinstance(part, dict) or part.get("type") != "text":
                kind = part.get("type") if isinstance(part, dict) else type(part).__name__
                raise ChatRequestError(
                    f"{where}.content[{index}] is a {kind!r} part: the local model reads text "
                    "parts only"
                )
            texts.append(str(part.get("text") or ""))
        return "\n".join(texts)
    raise ChatRequestError(f"{where}.content must be a string or a list of parts")


def _one_line(text: str) -> str:
    # A newline inside a question would read as the end of the block to the model.
    return " ".join(text.split())


def render_prompt(messages: Any) -> str:
    """The completion prompt for ``messages``: system text, the examples, the turns, ``A:``.

    Each user turn opens a ``Q:`` block and the assistant turn after it is that block's ``A:``;
    all follow :data:`FEW_SHOT`. A conversation ending with an assistant message is continued
    from that text (a prefill). Raises :class:`ChatRequestError` naming the message at fault.
    """
    if not isinstance(messages, Sequence) or isinstance(messages, (str, bytes)):
        raise ChatRequestError("messages must be a list of {role, content} objects")
    system: List[str] = []
    exchanges: List[List[str]] = []  # [question] while open, [question, answer] once answered
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, Mapping):
            raise ChatRequestError(f"{where} must be an object with role and content")
        role = message.get("role")
        text = _one_line(_text(message.get("content"), where))
        if role in ("system", "developer"):
            system.append(text)
        elif role in ("user", "tool"):
            exchanges.append([text if role == "user" else f"(tool result) {text}"])
        elif role == "assistant":
            if exchanges and len(exchanges[-1]) == 1:
                exchanges[-1].append(text)
            else:
                exchanges.append(["", text])
        else:
            raise ChatRequestError(
                f"{where}.role must be system, user, assistant or tool; got {role!r}"
            )
    if not exchanges:
        raise ChatRequestError("messages need at least one user message")
    blocks = [line for line in system if line]
    blocks += [f"Q: {question}\nA: {answer}" for question, answer in FEW_SHOT]
    blocks += [
        f"Q: {exchange[0]}\nA: {exchange[1]}" if len(exchange) == 2 else f"Q: {exchange[0]}\nA:"
        for exchange in exchanges
    ]
    return "\n\n".join(blocks)


def _stops(requested: Any) -> List[str]:
    if requested is None:
        mine: List[str] = []
    elif isinstance(requested, str):
        mine = [requested]
    elif isinstance(requested, list) and all(isinstance(item, str) for item in requested):
        mine = list(requested)
    else:
        raise ChatRequestError("stop must be a string or a list of strings")
    merged = mine + [stop for stop in STOP if stop not in mine]
    return merged[: max(_MAX_STOPS, len(mine))]


def _refuse_unsupported(chat: Mapping[str, Any]) -> None:
    # A base model cannot do these; answering as if it had would drop them without a word.
    for name in _UNSUPPORTED:
        if chat.get(name):
            raise ChatRequestError(
                f"{name}: the local base model answers in plain text only; remove {name!r}"
            )
    response_format = chat.get("response_format")
    if isinstance(response_format, Mapping) and response_format.get("type") not in (None, "text"):
        raise ChatRequestError(
            f"response_format: the local base model cannot promise "
            f"{response_format.get('type')!r} output; remove response_format"
        )
    if chat.get("n") not in (None, 1):
        raise ChatRequestError(f"n: the local model gives one answer per request; got {chat['n']}")


def completion_request(chat: Mapping[str, Any]) -> Dict[str, Any]:
    """The ``/v1/completions`` body that answers the ``/v1/chat/completions`` body ``chat``.

    ``temperature`` defaults to :data:`DEFAULT_TEMPERATURE` rather than the runtime's default.

    Raises :class:`ChatRequestError` for what a base model cannot do: tools and function
    calls, structured output, more than one choice, non-text content.
    """
    if not isinstance(chat, Mapping):
        raise ChatRequestError("the request body must be a JSON object")
    _refuse_unsupported(chat)
    body: Dict[str, Any] = {
        "prompt": render_prompt(chat.get("messages")),
        "stop": _stops(chat.get("stop")),
    }
    for name in _PASSED_THROUGH:
        if chat.get(name) is not None:
            body[name] = chat[name]
    body.setdefault("temperature", DEFAULT_TEMPERATURE)
    if chat.get("max_tokens") is None and chat.get("max_completion_tokens") is not None:
        body["max_tokens"] = chat["max_completion_tokens"]
    return body


def chat_completion(completion: Mapping[str, Any], model: str) -> Dict[str, Any]:
    """A ``chat.completion`` object from a whole ``text_completion`` answer."""
    choices = [
        {
            "index": choice.get("index", 0),
            "message": {"role": "assistant", "content": str(choice.get("text") or "").strip()},
            "logprobs": None,
            "finish_reason": choice.get("finish_reason"),
        }
        for choice in completion.get("choices") or []
    ]
    answer: Dict[str, Any] = {
        "id": completion.get("id") or "chatcmpl-local",
        "object": "chat.completion",
        "created": completion.get("created"),
        "model": model,
        "choices": choices,
    }
    if completion.get("usage") is not None:
        answer["usage"] = completion["usage"]
    return answer


def chat_chunk(
    chunk: Mapping[str, Any], model: str, *, role: bool = False, lstrip: bool = False
) -> Dict[str, Any]:
    """A ``chat.completion.chunk`` from a streamed ``text_completion`` chunk.

    ``role`` adds the assistant role to the delta (the stream's first chunk); ``lstrip`` drops
    leading whitespace (until the answer's first visible text: the model puts a space after
    ``A:``).
    """
    choices = []
    for choice in chunk.get("choices") or []:
        text = str(choice.get("text") or "")
        delta: Dict[str, Any] = {"content": text.lstrip() if lstrip else text}
        if role:
            delta["role"] = "assistant"
        choices.append(
            {
                "index": choice.get("index", 0),
                "delta": delta,
                "logprobs": None,
                "finish_reason": choice.get("finish_reason"),
            }
        )
    answer: Dict[str, Any] = {
        "id": chunk.get("id") or "chatcmpl-local",
        "object": "chat.completion.chunk",
        "created": chunk.get("created"),
        "model": model,
        "choices": choices,
    }
    if chunk.get("usage") is not None:
        answer["usage"] = chunk["usage"]
    return answer
