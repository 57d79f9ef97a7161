"""``videos``: video generation jobs, their content, remixes, edits, extensions and reusable
characters.

``create`` (and ``edit``, ``extend``, ``create_character``) send ``multipart/form-data``: the
text fields plus the optional reference file. A job runs in the background: ``poll(video_id)``
retrieves it every ``poll_interval_ms`` (default 1000) until it leaves ``queued`` /
``in_progress``, and ``create_and_poll`` does both. They return the last state, ``failed``
included: check ``video.status``.
"""

import asyncio
import time
from typing import Any, Optional, Type, TypeVar

from ..exceptions import APIResponseValidationError, InvalidRequestError
from ..responses import BinaryResponse
from ..surface_types import Video, VideoCharacter
from .crud import (
    AsyncDeletable,
    AsyncListable,
    AsyncRetrievable,
    Deletable,
    Endpoint,
    Listable,
    Retrievable,
)
from .verbs import Verb

ModelT = TypeVar("ModelT")
VIDEOS = Endpoint("/videos", Video, id_name="video_id")
#: States of a job that is still running.
RUNNING = ("queued", "in_progress")
DEFAULT_POLL_MS = 1000


def _upload(action: str, model: Type[ModelT], *required: str, files: str) -> Verb[ModelT]:
    """A multipart ``POST /videos[/action]`` whose file part is ``files``."""
    return Verb("POST", action, model, on_item=False, required=required, files=(files,))


class VideoVerbs:
    """The verbs both twins share."""

    create = _upload("", Video, "prompt", files="input_reference")
    edit = _upload("edits", Video, "prompt", "video", files="video")
    extend = _upload("extensions", Video, "prompt", "video", files="video")
    create_character = _upload("characters", VideoCharacter, "name", "video", files="video")
    get_character = Verb("GET", "characters/{character_id}", VideoCharacter, on_item=False)
    remix = Verb("POST", "remix", Video, required=("prompt",))
    download_content = Verb("GET", "content", BinaryResponse, binary=True)


def poll_interval(poll_interval_ms: Optional[int]) -> float:
    """The pause between two polls, in seconds; a negative or non-integer interval is refused."""
    if poll_interval_ms is None:
        return DEFAULT_POLL_MS / 1000
    if isinstance(poll_interval_ms, bool) or not isinstance(poll_interval_ms, int):
        raise InvalidRequestError("poll_interval_ms must be an integer", field="poll_interval_ms")
    if poll_interval_ms < 0:
        raise InvalidRequestError("poll_interval_ms must be >= 0", field="poll_interval_ms")
    return poll_interval_ms / 1000


def video_id_of(video: Video) -> str:
    """The id of a created video; an answer without one cannot be polled."""
    if not video.id:
        raise APIResponseValidationError(
            "the video answer has no id to poll", status_code=200, body=video.model_dump()
        )
    return video.id


class Videos(VideoVerbs, Listable[Video], Retrievable[Video], Deletable):
    """``client.videos``: ``create``, ``list``, ``retrieve``, ``delete``, ``download_content``,
    ``remix``, ``edit``, ``extend``, ``create_character``, ``get_character``, ``poll``,
    ``create_and_poll``."""

    endpoint = VIDEOS

    def poll(
        self,
        video_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[int] = None,
        **params: Any,
    ) -> Video:
        """Retrieve the video until it is no longer queued or in progress."""
        pause = poll_interval(poll_interval_ms)
        while True:
            video = self.retrieve(*([video_id] if video_id else []), **params)
            if video.status not in RUNNING:
                return video
            time.sleep(pause)

    def create_and_poll(self, *, poll_interval_ms: Optional[int] = None, **params: Any) -> Video:
        """``create``, then ``poll`` until the video is done."""
        poll_interval(poll_interval_ms)  # checked before anything is sent
        video = self.create(**params)
        return self.poll(video_id_of(video), poll_interval_ms=poll_interval_ms)


class AsyncVideos(VideoVerbs, AsyncListable[Video], AsyncRetrievable[Video], AsyncDeletable):
    """Async twin of :class:`Videos`."""

    endpoint = VIDEOS

    async def poll(
        self,
        video_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[int] = None,
        **params: Any,
    ) -> Video:
        """Retrieve the video until it is no longer queued or in progress."""
        pause = poll_interval(poll_interval_ms)
        while True:
            video = await self.retrieve(*([video_id] if video_id else []), **params)
            if video.status not in RUNNING:
                return video
            await asyncio.sleep(pause)

    async def create_and_poll(
        self, *, poll_interval_ms: Optional[int] = None, **params: Any
    ) -> Video:
        """``create``, then ``poll`` until the video is done."""
        poll_interval(poll_interval_ms)  # checked before anything is sent
        video = await self.create(**params)
        return await self.poll(video_id_of(video), poll_interval_ms=poll_interval_ms)
