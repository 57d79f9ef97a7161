"""Typed responses of the endpoints beyond chat, completions and embeddings: models, images,
audio, moderations, and the hosted-only prompts and feedback APIs.

Lenient like every response model (see :mod:`.responses`): unknown fields are kept, missing ones
are ``None``, and the gateway's headers are available as ``response.gateway``.
"""

import json
from typing import Any, Dict, List, Optional, Type, TypeVar

from .responses import (
    APIResponse,
    BinaryResponse,
    ChatCompletionMessage,
    ChoiceDelta,
    PortkeyModel,
    Usage,
    parse_response,
)

# ---- models ----------------------------------------------------------------------------------


class ModelDeleted(APIResponse):
    """The answer of ``DELETE models/{model}`` (a fine-tuned model removed)."""

    id: Optional[str] = None
    object: Optional[str] = None
    deleted: Optional[bool] = None


# ---- images ----------------------------------------------------------------------------------


class Image(PortkeyModel):
    """One generated image: a URL or base64 data, and the prompt the model actually used."""

    url: Optional[str] = None
    b64_json: Optional[str] = None
    revised_prompt: Optional[str] = None


class ImageInputTokensDetails(PortkeyModel):
    """The image and text tokens of an image request's input."""

    image_tokens: Optional[int] = None
    text_tokens: Optional[int] = None


class ImagesUsage(PortkeyModel):
    """Tokens an image request used (``gpt-image-1``)."""

    input_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    input_tokens_details: Optional[ImageInputTokensDetails] = None


class ImagesResponse(APIResponse):
    """The answer of ``images/generations``, ``images/edits`` and ``images/variations``."""

    created: Optional[int] = None
    data: List[Image] = []
    usage: Optional[ImagesUsage] = None
    background: Optional[str] = None
    output_format: Optional[str] = None
    quality: Optional[str] = None
    size: Optional[str] = None


# ---- audio -----------------------------------------------------------------------------------


class TranscriptionWord(PortkeyModel):
    """A word of a transcript and when it was said (seconds)."""

    word: Optional[str] = None
    start: Optional[float] = None
    end: Optional[float] = None


class TranscriptionSegment(PortkeyModel):
    """A segment of a transcript, with the model's confidence measures."""

    id: Optional[int] = None
    seek: Optional[int] = None
    start: Optional[float] = None
    end: Optional[float] = None
    text: Optional[str] = None
    tokens: Optional[List[int]] = None
    temperature: Optional[float] = None
    avg_logprob: Optional[float] = None
    compression_ratio: Optional[float] = None
    no_speech_prob: Optional[float] = None


class Transcription(APIResponse):
    """The answer of ``audio/transcriptions``.

    With ``response_format`` ``text``, ``srt`` or ``vtt`` the provider answers plain text; it
    is in ``text`` all the same (``verbose_json`` adds ``language``, ``duration``, ``words``
    and ``segments``).
    """

    text: Optional[str] = None
    language: Optional[str] = None
    duration: Optional[float] = None
    words: Optional[List[TranscriptionWord]] = None
    segments: Optional[List[TranscriptionSegment]] = None
    usage: Optional[Dict[str, Any]] = None


class Translation(Transcription):
    """The answer of ``audio/translations`` (English text of the audio)."""


# ---- moderations -----------------------------------------------------------------------------


class Moderation(PortkeyModel):
    """The verdict on one input: flagged or not, and per category."""

    flagged: Optional[bool] = None
    categories: Optional[Dict[str, Any]] = None
    category_scores: Optional[Dict[str, Any]] = None


class ModerationCreateResponse(APIResponse):
    """The answer of ``moderations``."""

    id: Optional[str] = None
    model: Optional[str] = None
    results: List[Moderation] = []


# ---- prompts (hosted only) -------------------------------------------------------------------


class PromptCompletionChoice(PortkeyModel):
    """One alternative of a prompt completion: a chat ``message`` or, for a text prompt, a
    ``text``."""

    index: Optional[int] = None
    message: Optional[ChatCompletionMessage] = None
    text: Optional[str] = None
    finish_reason: Optional[str] = None
    logprobs: Optional[Any] = None


class PromptCompletion(APIResponse):
    """The answer of ``prompts/{prompt_id}/completions``: a chat or text completion."""

    id: Optional[str] = None
    object: Optional[str] = None
    created: Optional[int] = None
    model: Optional[str] = None
    choices: List[PromptCompletionChoice] = []
    usage: Optional[Usage] = None


class PromptCompletionChunkChoice(PortkeyModel):
    """One alternative in a streamed prompt completion chunk."""

    index: Optional[int] = None
    delta: Optional[ChoiceDelta] = None
    text: Optional[str] = None
    finish_reason: Optional[str] = None
    logprobs: Optional[Any] = None


class PromptCompletionChunk(APIResponse):
    """One chunk of a streamed prompt completion."""

    id: Optional[str] = None
    object: Optional[str] = None
    created: Optional[int] = None
    model: Optional[str] = None
    choices: List[PromptCompletionChunkChoice] = []
    usage: Optional[Usage] = None


class PromptRenderData(PortkeyModel):
    """A rendered prompt: the request body the template produces (messages or prompt, model,
    and its parameters), ready to send with any client (``data.to_dict()``)."""

    messages: Optional[List[ChatCompletionMessage]] = None
    prompt: Optional[str] = None
    model: Optional[str] = None


class PromptRender(APIResponse):
    """The answer of ``prompts/{prompt_id}/render``."""

    success: Optional[bool] = None
    data: Optional[PromptRenderData] = None


# ---- feedback (hosted only) ------------------------------------------------------------------


class FeedbackResponse(APIResponse):
    """The answer of ``POST feedback`` and ``PUT feedback/{feedback_id}``."""

    status: Optional[str] = None
    message: Optional[str] = None
    feedback_ids: Optional[List[str]] = None


TextResponseT = TypeVar("TextResponseT", bound=Transcription)


def text_response(cls: Type[TextResponseT], answer: BinaryResponse) -> TextResponseT:
    """A transcript answered as plain text (``srt``, ``vtt``, ``text``), as ``cls`` with the
    text in ``text`` and the gateway's headers attached (``raw_json`` is ``{"text": ...}``)."""
    text = answer.content.decode("utf-8", errors="replace")
    return parse_response(cls, json.dumps({"text": text}).encode(), answer.headers)


__all__ = [
    "FeedbackResponse",
    "Image",
    "ImageInputTokensDetails",
    "ImagesResponse",
    "ImagesUsage",
    "ModelDeleted",
    "Moderation",
    "ModerationCreateResponse",
    "PromptCompletion",
    "PromptCompletionChoice",
    "PromptCompletionChunk",
    "PromptCompletionChunkChoice",
    "PromptRender",
    "PromptRenderData",
    "Transcription",
    "TranscriptionSegment",
    "TranscriptionWord",
    "Translation",
    "text_response",
]
