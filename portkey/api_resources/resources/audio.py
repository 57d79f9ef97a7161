"""``audio``: speech to text (``transcriptions``, ``translations``, multipart uploads) and text to
speech (``speech``, whose answer is the audio's bytes)."""

from typing import TYPE_CHECKING, Any, Mapping, Optional, Type, TypeVar, Union, cast

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..exceptions import InvalidRequestError
from ..responses import BinaryResponse
from ..responses_extra import Transcription, Translation, text_response
from .base import AsyncAPIResource, Call, SyncAPIResource, body_of, query_of, request_options
from .files import FileInput
from .multipart import multipart_call

if TYPE_CHECKING:
    from ..async_client import AsyncAPIClient
    from ..sync_client import SyncAPIClient

TranscriptT = TypeVar("TranscriptT", bound=Transcription)

#: Transcript formats the provider answers as plain text rather than JSON.
TEXT_FORMATS = frozenset({"text", "srt", "vtt"})


def transcript_call(
    path: str,
    cast_to: Type[Transcription],
    *,
    file: Any,
    model: Optional[str],
    response_format: Optional[str],
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``POST /audio/transcriptions`` or ``/audio/translations`` (multipart: ``file``)."""
    if response_format is not None and not isinstance(response_format, str):
        raise InvalidRequestError(
            f"response_format must be a string; got {type(response_format).__name__}",
            field="response_format",
        )
    return multipart_call(
        path,
        cast_to=cast_to,
        files={"file": file},
        fields={"model": model, "response_format": response_format},
        params=params,
        extra_headers=extra_headers,
        extra_body=extra_body,
        timeout=timeout,
        max_retries=max_retries,
        binary=response_format in TEXT_FORMATS,
    )


def transcript_of(cast_to: Type[TranscriptT], answer: Any) -> TranscriptT:
    """The typed transcript: JSON answers are parsed already, plain-text ones are wrapped."""
    if isinstance(answer, BinaryResponse):
        return text_response(cast_to, answer)
    return cast(TranscriptT, answer)


def speech_call(
    *,
    input: Any,
    voice: Any,
    model: Optional[str],
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``POST /audio/speech``; the answer is audio bytes."""
    if not isinstance(input, str) or not input:
        raise InvalidRequestError(
            f"input must be the text to speak, a non-empty string; got {type(input).__name__}",
            field="input",
        )
    if voice is None or voice == "":
        raise InvalidRequestError("voice is required (e.g. 'alloy')", field="voice")
    return Call(
        "POST",
        "/audio/speech",
        cast_to=Transcription,  # unused: the answer is bytes
        body=body_of({"model": model, "input": input, "voice": voice}, params, extra_body),
        binary=True,
        params=query_of(params),
        request_options=request_options(extra_headers, timeout, max_retries),
    )


class Transcriptions(SyncAPIResource):
    """``client.audio.transcriptions``."""

    def create(
        self,
        *,
        file: FileInput,
        model: Optional[str] = None,
        response_format: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Transcription:
        """Transcribe the audio in ``file``; other keywords (``language``, ``prompt``,
        ``temperature``, ...) go to the provider as form fields."""
        call = transcript_call(
            "/audio/transcriptions",
            Transcription,
            file=file,
            model=model,
            response_format=response_format,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return transcript_of(Transcription, self._send(call))


class Translations(SyncAPIResource):
    """``client.audio.translations``."""

    def create(
        self,
        *,
        file: FileInput,
        model: Optional[str] = None,
        response_format: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Translation:
        """Translate the audio in ``file`` into English text."""
        call = transcript_call(
            "/audio/translations",
            Translation,
            file=file,
            model=model,
            response_format=response_format,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return transcript_of(Translation, self._send(call))


class Speech(SyncAPIResource):
    """``client.audio.speech``."""

    def create(
        self,
        *,
        input: str,
        voice: Any,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> BinaryResponse:
        """Speak ``input`` in ``voice``; the audio is ``response.content`` (bytes), and
        ``response.write_to_file(path)`` saves it."""
        call = speech_call(
            input=input,
            voice=voice,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]


class Audio:
    """``client.audio``: ``transcriptions``, ``translations`` and ``speech``."""

    def __init__(self, client: "SyncAPIClient") -> None:
        self.transcriptions = Transcriptions(client)
        self.translations = Translations(client)
        self.speech = Speech(client)


class AsyncTranscriptions(AsyncAPIResource):
    """``client.audio.transcriptions`` on :class:`AsyncPortkey`."""

    async def create(
        self,
        *,
        file: FileInput,
        model: Optional[str] = None,
        response_format: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Transcription:
        """Async twin of :meth:`Transcriptions.create`."""
        call = transcript_call(
            "/audio/transcriptions",
            Transcription,
            file=file,
            model=model,
            response_format=response_format,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return transcript_of(Transcription, await self._send(call))


class AsyncTranslations(AsyncAPIResource):
    """``client.audio.translations`` on :class:`AsyncPortkey`."""

    async def create(
        self,
        *,
        file: FileInput,
        model: Optional[str] = None,
        response_format: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Translation:
        """Async twin of :meth:`Translations.create`."""
        call = transcript_call(
            "/audio/translations",
            Translation,
            file=file,
            model=model,
            response_format=response_format,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return transcript_of(Translation, await self._send(call))


class AsyncSpeech(AsyncAPIResource):
    """``client.audio.speech`` on :class:`AsyncPortkey`."""

    async def create(
        self,
        *,
        input: str,
        voice: Any,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> BinaryResponse:
        """Async twin of :meth:`Speech.create`."""
        call = speech_call(
            input=input,
            voice=voice,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]


class AsyncAudio:
    """``client.audio`` on :class:`AsyncPortkey`."""

    def __init__(self, client: "AsyncAPIClient") -> None:
        self.transcriptions = AsyncTranscriptions(client)
        self.translations = AsyncTranslations(client)
        self.speech = AsyncSpeech(client)
