"""``files`` and ``uploads``: stored files, and large files sent in parts.

``client.files.create(file=..., purpose="batch")`` sends one multipart request.
``client.uploads.upload_file_chunked(file=..., mime_type=..., purpose=...)`` creates an upload,
sends the file in parts of at most ``part_size`` bytes (reading one part at a time, so a large
file is never held in memory whole), reports progress after each part, and completes the
upload; if a part fails it cancels the upload and raises the failure.
"""

import asyncio
import contextlib
import io
import mimetypes
import os
from dataclasses import dataclass
from functools import cached_property
from typing import IO, Any, Callable, ContextManager, Dict, Optional, Tuple, Union, cast

from ..constants import FILE_MAX_WAIT_SECONDS, FILE_POLL_INTERVAL_SECONDS
from ..exceptions import APIError, APIResponseValidationError, InvalidRequestError
from ..platform_types import FileObject, Upload, UploadPart
from ..polling import apoll_until, file_done, poll_until, seconds_to_ms, with_id
from ..transport import FileSpec
from .crud import (
    CALL_OPTIONS,
    AsyncCancellable,
    AsyncDeletable,
    AsyncDownloadable,
    AsyncListable,
    AsyncResource,
    AsyncRetrievable,
    Cancellable,
    Deletable,
    Downloadable,
    Endpoint,
    Listable,
    Retrievable,
    SyncResource,
    require_field,
)

#: A file to send: raw bytes, a path, a binary file object, or ``(name, bytes[, type])``.
FileInput = Union[
    bytes, str, "os.PathLike[str]", IO[bytes], Tuple[str, bytes], Tuple[str, bytes, str]
]
#: ``on_progress(bytes_sent, total_bytes)`` after each part of a chunked upload.
ProgressCallback = Callable[[int, int], None]

#: The largest part the uploads API accepts (64 MB).
MAX_PART_BYTES = 64 * 1024 * 1024
DEFAULT_PART_BYTES = MAX_PART_BYTES

FILES = Endpoint("/files", FileObject, id_name="file_id")
UPLOADS = Endpoint(
    "/uploads", Upload, id_name="upload_id", required=("bytes", "filename", "mime_type", "purpose")
)
UPLOAD_PARTS = Endpoint("/uploads/{upload_id}/parts", UploadPart, id_name="part_id")


def _content_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def file_spec(file: Any, field: str = "file") -> FileSpec:
    """``(filename, content, content type)`` for a multipart field from any :data:`FileInput`."""
    if isinstance(file, (bytes, bytearray)):
        return ("upload", bytes(file), "application/octet-stream")
    if isinstance(file, (str, os.PathLike)):
        path = os.fspath(file)
        if not os.path.isfile(path):
            raise InvalidRequestError(f"{field}: no such file {path!r}", field=field)
        with open(path, "rb") as handle:
            content = handle.read()
        name = os.path.basename(path)
        return (name, content, _content_type(name))
    if isinstance(file, tuple) and len(file) in (2, 3):
        name, content = str(file[0]), file[1]
        if not isinstance(content, (bytes, bytearray)):
            raise InvalidRequestError(f"{field}: a tuple needs bytes as its content", field=field)
        kind = str(file[2]) if len(file) == 3 else _content_type(name)
        return (name, bytes(content), kind)
    if hasattr(file, "read"):
        content = file.read()
        if not isinstance(content, bytes):
            raise InvalidRequestError(f"{field}: open the file in binary mode ('rb')", field=field)
        name = os.path.basename(str(getattr(file, "name", "upload")))
        return (name, content, _content_type(name))
    raise InvalidRequestError(
        f"{field} must be bytes, a path, a binary file object or (name, bytes); got "
        f"{type(file).__name__}",
        field=field,
    )


def call_options(params: Dict[str, Any]) -> Dict[str, Any]:
    """The per-call keywords (headers, timeout, ...) of ``params``, to repeat on each call."""
    return {name: params[name] for name in CALL_OPTIONS if name in params}


def _multipart(endpoint: Endpoint, path_params: Dict[str, Any], field: str, spec: FileSpec) -> Any:
    given = dict(path_params)
    path = endpoint.fill(endpoint.path, given)
    return endpoint.call("POST", path, given, files={field: spec})


def files_create_call(file: Any, purpose: Any, params: Dict[str, Any]) -> Any:
    """``POST /files`` as multipart: the file and its purpose."""
    require_field({"purpose": purpose}, "purpose")
    return _multipart(FILES, {**params, "purpose": purpose}, "file", file_spec(file))


def part_create_call(upload_id: Any, data: Any, params: Dict[str, Any]) -> Any:
    """``POST /uploads/{id}/parts`` as multipart: one part's bytes in the ``data`` field."""
    spec = file_spec(data, field="data")
    return _multipart(UPLOAD_PARTS, {**params, "upload_id": upload_id}, "data", spec)


def upload_create_call(params: Dict[str, Any]) -> Any:
    """``POST /uploads``: the four fields the API requires are checked first."""
    return UPLOADS.create_call(params)


def complete_call(upload_id: Any, params: Dict[str, Any]) -> Any:
    """``POST /uploads/{id}/complete`` with the ordered ``part_ids``."""
    part_ids = params.get("part_ids")
    if not isinstance(part_ids, (list, tuple)) or not part_ids:
        raise InvalidRequestError("part_ids must be a non-empty list of part ids", field="part_ids")
    return UPLOADS.action_call(
        "POST", upload_id, "complete", {**params, "part_ids": list(part_ids)}
    )


# ---- chunked uploads: what the sync and async twins share -------------------------------------


@dataclass(frozen=True)
class ChunkedSource:
    """A file to upload in parts: its name, its size and a way to open it for reading."""

    filename: str
    size: int
    opener: Callable[[], ContextManager[IO[bytes]]]


def chunked_source(file: Any, filename: Optional[str]) -> ChunkedSource:
    """Describe ``file`` (bytes, a path, or a seekable binary file object) without reading it."""
    if isinstance(file, (bytes, bytearray)):
        data = bytes(file)
        return ChunkedSource(filename or "upload", len(data), lambda: io.BytesIO(data))
    if isinstance(file, (str, os.PathLike)):
        path = os.fspath(file)
        if not os.path.isfile(path):
            raise InvalidRequestError(f"file: no such file {path!r}", field="file")
        return ChunkedSource(
            filename or os.path.basename(path),
            os.path.getsize(path),
            lambda: open(path, "rb"),
        )
    if hasattr(file, "read") and hasattr(file, "seek"):
        start = file.tell()
        size = file.seek(0, io.SEEK_END) - start
        file.seek(start)
        name = filename or os.path.basename(str(getattr(file, "name", "upload")))
        # the caller's own file object: read from it, never close it
        return ChunkedSource(name, size, lambda: contextlib.nullcontext(file))
    raise InvalidRequestError(
        f"file must be bytes, a path or a seekable binary file object; got {type(file).__name__}",
        field="file",
    )


def check_chunking(source: ChunkedSource, mime_type: Any, purpose: Any, part_size: int) -> None:
    """Refuse a chunked upload that the API would refuse, before anything is sent."""
    require_field({"mime_type": mime_type}, "mime_type")
    require_field({"purpose": purpose}, "purpose")
    if source.size <= 0:
        raise InvalidRequestError("file is empty: there is nothing to upload", field="file")
    if not isinstance(part_size, int) or not 0 < part_size <= MAX_PART_BYTES:
        raise InvalidRequestError(
            f"part_size must be between 1 and {MAX_PART_BYTES} bytes; got {part_size!r}",
            field="part_size",
        )


def part_id_of(part: UploadPart) -> str:
    """The id of an uploaded part, or a clear error when the answer has none."""
    if not part.id:
        raise APIResponseValidationError(
            "the uploads API answered a part without an id", status_code=200, body=part.to_dict()
        )
    return part.id


def upload_id_of(upload: Upload) -> str:
    """The id of a created upload, or a clear error when the answer has none."""
    if not upload.id:
        raise APIResponseValidationError(
            "the uploads API answered without an upload id", status_code=200, body=upload.to_dict()
        )
    return upload.id


# ---- sync --------------------------------------------------------------------------------------


class Files(Listable[FileObject], Retrievable[FileObject], Deletable, Downloadable):
    """``client.files``: ``create``, ``list``, ``retrieve``, ``delete``, ``content`` (also
    ``retrieve_content``)."""

    endpoint = FILES

    def create(self, file: FileInput, purpose: str, **params: Any) -> FileObject:
        """Upload ``file`` (multipart) for ``purpose`` (``batch``, ``fine-tune``, ...)."""
        return cast(FileObject, self._send(files_create_call(file, purpose, params)))

    #: The reference's older name of :meth:`content`.
    retrieve_content = Downloadable.content

    def wait_for_processing(
        self,
        id: Optional[str] = None,
        /,
        *,
        poll_interval: float = FILE_POLL_INTERVAL_SECONDS,
        max_wait_seconds: float = FILE_MAX_WAIT_SECONDS,
        **params: Any,
    ) -> FileObject:
        """Retrieve the file every ``poll_interval`` seconds until it is ``processed`` (or
        ``error``); :class:`PollTimeoutError` after ``max_wait_seconds``."""
        return poll_until(
            lambda: self.retrieve(**with_id(params, "file_id", id)),
            file_done,
            seconds_to_ms(poll_interval),
            max_wait_seconds,
        )


class UploadParts(SyncResource):
    """``client.uploads.parts``: ``create``."""

    endpoint = UPLOAD_PARTS

    def create(self, upload_id: Optional[str] = None, /, *, data: Any, **params: Any) -> UploadPart:
        """Send one part (``data``: bytes, at most 64 MB) of an upload."""
        upload_id = upload_id or params.pop("upload_id", None)
        return cast(UploadPart, self._send(part_create_call(upload_id, data, params)))


class Uploads(Cancellable[Upload]):
    """``client.uploads``: ``create``, ``parts.create``, ``complete``, ``cancel`` and
    ``upload_file_chunked``."""

    endpoint = UPLOADS

    @cached_property
    def parts(self) -> UploadParts:
        """The parts of an upload."""
        return UploadParts(self._client)

    def create(self, **params: Any) -> Upload:
        """Start an upload: ``bytes``, ``filename``, ``mime_type`` and ``purpose`` required."""
        return cast(Upload, self._send(upload_create_call(params)))

    def complete(self, upload_id: Optional[str] = None, /, **params: Any) -> Upload:
        """Finish an upload from its ``part_ids`` (in order); its ``file`` is then ready."""
        return cast(Upload, self._send(complete_call(upload_id, params)))

    def upload_file_chunked(
        self,
        *,
        file: Any,
        mime_type: str,
        purpose: str,
        filename: Optional[str] = None,
        part_size: int = DEFAULT_PART_BYTES,
        md5: Optional[str] = None,
        on_progress: Optional[ProgressCallback] = None,
        **params: Any,
    ) -> Upload:
        """Upload a large ``file`` (bytes, a path or a seekable binary file) in parts.

        ``on_progress(sent, total)`` is called after each part. Returns the completed upload.
        """
        source = chunked_source(file, filename)
        check_chunking(source, mime_type, purpose, part_size)
        options = call_options(params)
        upload = self.create(
            bytes=source.size,
            filename=source.filename,
            mime_type=mime_type,
            purpose=purpose,
            **params,
        )
        upload_id = upload_id_of(upload)
        part_ids = []
        sent = 0
        try:
            with source.opener() as reader:
                while chunk := reader.read(part_size):
                    part = self.parts.create(upload_id, data=chunk, **options)
                    part_ids.append(part_id_of(part))
                    sent += len(chunk)
                    if on_progress is not None:
                        on_progress(sent, source.size)
        except APIError:
            with contextlib.suppress(APIError):
                self.cancel(upload_id, **options)
            raise
        return self.complete(upload_id, part_ids=part_ids, md5=md5, **options)


# ---- async ------------------------------------------------------------------------------------


class AsyncFiles(
    AsyncListable[FileObject], AsyncRetrievable[FileObject], AsyncDeletable, AsyncDownloadable
):
    """Async twin of :class:`Files`."""

    endpoint = FILES

    async def create(self, file: FileInput, purpose: str, **params: Any) -> FileObject:
        """Upload ``file`` (multipart) for ``purpose``."""
        return cast(FileObject, await self._send(files_create_call(file, purpose, params)))

    #: The reference's older name of :meth:`content`.
    retrieve_content = AsyncDownloadable.content

    async def wait_for_processing(
        self,
        id: Optional[str] = None,
        /,
        *,
        poll_interval: float = FILE_POLL_INTERVAL_SECONDS,
        max_wait_seconds: float = FILE_MAX_WAIT_SECONDS,
        **params: Any,
    ) -> FileObject:
        """Async twin of :meth:`Files.wait_for_processing`."""
        return await apoll_until(
            lambda: self.retrieve(**with_id(params, "file_id", id)),
            file_done,
            seconds_to_ms(poll_interval),
            max_wait_seconds,
        )


class AsyncUploadParts(AsyncResource):
    """Async twin of :class:`UploadParts`."""

    endpoint = UPLOAD_PARTS

    async def create(
        self, upload_id: Optional[str] = None, /, *, data: Any, **params: Any
    ) -> UploadPart:
        """Send one part of an upload."""
        upload_id = upload_id or params.pop("upload_id", None)
        return cast(UploadPart, await self._send(part_create_call(upload_id, data, params)))


class AsyncUploads(AsyncCancellable[Upload]):
    """Async twin of :class:`Uploads`."""

    endpoint = UPLOADS

    @cached_property
    def parts(self) -> AsyncUploadParts:
        """The parts of an upload."""
        return AsyncUploadParts(self._client)

    async def create(self, **params: Any) -> Upload:
        """Start an upload: ``bytes``, ``filename``, ``mime_type`` and ``purpose`` required."""
        return cast(Upload, await self._send(upload_create_call(params)))

    async def complete(self, upload_id: Optional[str] = None, /, **params: Any) -> Upload:
        """Finish an upload from its ``part_ids`` (in order)."""
        return cast(Upload, await self._send(complete_call(upload_id, params)))

    async def upload_file_chunked(
        self,
        *,
        file: Any,
        mime_type: str,
        purpose: str,
        filename: Optional[str] = None,
        part_size: int = DEFAULT_PART_BYTES,
        md5: Optional[str] = None,
        on_progress: Optional[ProgressCallback] = None,
        **params: Any,
    ) -> Upload:
        """Async twin of :meth:`Uploads.upload_file_chunked` (file reads run in a thread)."""
        source = chunked_source(file, filename)
        check_chunking(source, mime_type, purpose, part_size)
        options = call_options(params)
        upload = await self.create(
            bytes=source.size,
            filename=source.filename,
            mime_type=mime_type,
            purpose=purpose,
            **params,
        )
        upload_id = upload_id_of(upload)
        part_ids = []
        sent = 0
        try:
            with source.opener() as reader:
                while chunk := await asyncio.to_thread(reader.read, part_size):
                    part = await self.parts.create(upload_id, data=chunk, **options)
                    part_ids.append(part_id_of(part))
                    sent += len(chunk)
                    if on_progress is not None:
                        on_progress(sent, source.size)
        except APIError:
            with contextlib.suppress(APIError):
                await self.cancel(upload_id, **options)
            raise
        return await self.complete(upload_id, part_ids=part_ids, md5=md5, **options)


__all__ = [
    "AsyncFiles",
    "AsyncUploadParts",
    "AsyncUploads",
    "FileInput",
    "Files",
    "ProgressCallback",
    "UploadParts",
    "Uploads",
]
