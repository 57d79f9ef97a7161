"""``vector_stores``: stores for file search, their files and file batches."""

import asyncio
from functools import cached_property
from typing import Any, Iterable, List, Optional, cast

from ..exceptions import APIResponseValidationError, InvalidRequestError
from ..platform_types import (
    FileObject,
    VectorStore,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreSearchResults,
)
from ..polling import apoll_until, id_of, poll_until, processing_done, with_id
from .crud import (
    CRUD,
    AsyncCancellable,
    AsyncCreatable,
    AsyncCRUD,
    AsyncDeletable,
    AsyncDownloadable,
    AsyncListable,
    AsyncRetrievable,
    AsyncUpdatable,
    Cancellable,
    Creatable,
    Deletable,
    Downloadable,
    Endpoint,
    Listable,
    Retrievable,
    Updatable,
    require_field,
)
from .files import AsyncFiles, FileInput, Files, call_options, files_create_call
from .pagination import AsyncPage, SyncPage

VECTOR_STORES = Endpoint("/vector_stores", VectorStore, id_name="vector_store_id")
VECTOR_STORE_FILES = Endpoint(
    "/vector_stores/{vector_store_id}/files",
    VectorStoreFile,
    id_name="file_id",
    required=("file_id",),
)
FILE_BATCHES = Endpoint(
    "/vector_stores/{vector_store_id}/file_batches",
    VectorStoreFileBatch,
    id_name="batch_id",
    required=("file_ids",),
)


#: The purpose of files stored for file search.
UPLOAD_PURPOSE = "assistants"


def _stored_id(stored: FileObject) -> str:
    if not stored.id:
        raise APIResponseValidationError(
            "the stored file has no id to attach", status_code=200, body=stored.model_dump()
        )
    return stored.id


def _search_call(store_id: Any, params: Any) -> Any:
    require_field(params, "query")
    return VECTOR_STORES.action_call(
        "POST", store_id, "search", params, cast_to=VectorStoreSearchResults
    )


#: The purpose files uploaded for a vector store are stored with.
ASSISTANTS_PURPOSE = "assistants"


def check_files(files: Any, file_ids: List[str]) -> List[Any]:
    """The files to upload as a list; refuses a lone file or nothing at all, before sending."""
    if isinstance(files, (str, bytes)) or not isinstance(files, Iterable):
        raise InvalidRequestError(
            "files must be a list of files (paths, bytes or binary file objects)", field="files"
        )
    checked = list(files)
    if not checked and not file_ids:
        raise InvalidRequestError("give at least one file (files or file_ids)", field="files")
    return checked


def _store_of(params: Any, vector_store_id: Any) -> Any:
    return vector_store_id if vector_store_id is not None else params.get("vector_store_id")


# ---- sync --------------------------------------------------------------------------------------


class VectorStoreFiles(
    Creatable[VectorStoreFile],
    Listable[VectorStoreFile],
    Retrievable[VectorStoreFile],
    Updatable[VectorStoreFile],
    Deletable,
    Downloadable,
):
    """``client.vector_stores.files`` (keyed by ``vector_store_id``); ``upload`` stores a
    file and attaches it."""

    endpoint = VECTOR_STORE_FILES

    def upload(self, *args: str, file: FileInput, **params: Any) -> VectorStoreFile:
        """Store ``file`` (``purpose="assistants"``), then attach it to the vector store."""
        call = files_create_call(file, UPLOAD_PURPOSE, call_options(params))
        stored = cast(FileObject, self._send(call))
        return self.create(*args, file_id=_stored_id(stored), **params)

    def poll(
        self,
        file_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFile:
        """Retrieve the file until it is no longer ``in_progress`` (``vector_store_id``
        required)."""
        return poll_until(
            lambda: self.retrieve(**with_id(params, "file_id", file_id)),
            processing_done,
            poll_interval_ms,
            max_wait_seconds,
        )

    def create_and_poll(
        self,
        file_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFile:
        """Attach a stored file (``file_id``) to the store (``vector_store_id``) and
        :meth:`poll` it until processed."""
        if file_id is not None:
            params["file_id"] = file_id
        attached = self.create(**params)
        return self.poll(
            id_of(attached),
            vector_store_id=_store_of(params, attached.vector_store_id),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **call_options(params),
        )

    def upload_and_poll(
        self,
        *,
        file: FileInput,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFile:
        """:meth:`upload`, then :meth:`poll` until processed."""
        stored = Files(self._client).create(
            file=file, purpose=ASSISTANTS_PURPOSE, **call_options(params)
        )
        return self.create_and_poll(
            id_of(stored),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **params,
        )


class FileBatches(
    Creatable[VectorStoreFileBatch],
    Retrievable[VectorStoreFileBatch],
    Cancellable[VectorStoreFileBatch],
):
    """``client.vector_stores.file_batches``: ``create``, ``retrieve``, ``cancel``,
    ``list_files`` (keyed by ``vector_store_id``)."""

    endpoint = FILE_BATCHES

    def list_files(self, id: Optional[str] = None, /, **params: Any) -> SyncPage[VectorStoreFile]:
        """The files of one batch, paged."""
        return self._page(FILE_BATCHES.item_list_call(id, "files", params), VectorStoreFile)

    def poll(
        self,
        batch_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFileBatch:
        """Retrieve the batch until it is no longer ``in_progress`` (``vector_store_id``
        required)."""
        return poll_until(
            lambda: self.retrieve(**with_id(params, "batch_id", batch_id)),
            processing_done,
            poll_interval_ms,
            max_wait_seconds,
        )

    def create_and_poll(
        self,
        vector_store_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFileBatch:
        """Attach ``file_ids`` to the store as one batch and :meth:`poll` it."""
        batch = self.create(**with_id(params, "vector_store_id", vector_store_id))
        return self.poll(
            id_of(batch),
            vector_store_id=batch.vector_store_id or _store_of(params, vector_store_id),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **call_options(params),
        )

    def upload_and_poll(
        self,
        vector_store_id: Optional[str] = None,
        /,
        *,
        files: Iterable[FileInput],
        file_ids: Iterable[str] = (),
        max_concurrency: int = 5,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFileBatch:
        """Upload ``files`` (purpose ``assistants``), attach them and ``file_ids`` to the
        store as one batch, and :meth:`poll` it. (Sync uploads go one after another;
        ``max_concurrency`` bounds the async twin.)"""
        uploads = Files(self._client)
        options = call_options(params)
        ids: List[str] = list(file_ids)
        for file in check_files(files, ids):
            ids.append(id_of(uploads.create(file=file, purpose=ASSISTANTS_PURPOSE, **options)))
        return self.create_and_poll(
            vector_store_id,
            file_ids=ids,
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **params,
        )


class VectorStores(CRUD[VectorStore]):
    """``client.vector_stores``: CRUD, ``search``; ``files`` and ``file_batches``."""

    endpoint = VECTOR_STORES

    @cached_property
    def files(self) -> VectorStoreFiles:
        """Files attached to a vector store."""
        return VectorStoreFiles(self._client)

    @cached_property
    def file_batches(self) -> FileBatches:
        """Batches of files being attached."""
        return FileBatches(self._client)

    def search(self, id: Optional[str] = None, /, **params: Any) -> VectorStoreSearchResults:
        """Search a vector store for chunks relevant to ``query``."""
        return cast(VectorStoreSearchResults, self._send(_search_call(id, params)))


# ---- async -------------------------------------------------------------------------------------


class AsyncVectorStoreFiles(
    AsyncCreatable[VectorStoreFile],
    AsyncListable[VectorStoreFile],
    AsyncRetrievable[VectorStoreFile],
    AsyncUpdatable[VectorStoreFile],
    AsyncDeletable,
    AsyncDownloadable,
):
    """Async twin of :class:`VectorStoreFiles`."""

    endpoint = VECTOR_STORE_FILES

    async def upload(self, *args: str, file: FileInput, **params: Any) -> VectorStoreFile:
        """Store ``file`` (``purpose="assistants"``), then attach it to the vector store."""
        call = files_create_call(file, UPLOAD_PURPOSE, call_options(params))
        stored = cast(FileObject, await self._send(call))
        return await self.create(*args, file_id=_stored_id(stored), **params)

    async def poll(
        self,
        file_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFile:
        """Async twin of :meth:`VectorStoreFiles.poll`."""
        return await apoll_until(
            lambda: self.retrieve(**with_id(params, "file_id", file_id)),
            processing_done,
            poll_interval_ms,
            max_wait_seconds,
        )

    async def create_and_poll(
        self,
        file_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFile:
        """Async twin of :meth:`VectorStoreFiles.create_and_poll`."""
        if file_id is not None:
            params["file_id"] = file_id
        attached = await self.create(**params)
        return await self.poll(
            id_of(attached),
            vector_store_id=_store_of(params, attached.vector_store_id),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **call_options(params),
        )

    async def upload_and_poll(
        self,
        *,
        file: FileInput,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFile:
        """Async twin of :meth:`VectorStoreFiles.upload_and_poll`."""
        stored = await AsyncFiles(self._client).create(
            file=file, purpose=ASSISTANTS_PURPOSE, **call_options(params)
        )
        return await self.create_and_poll(
            id_of(stored),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **params,
        )


class AsyncFileBatches(
    AsyncCreatable[VectorStoreFileBatch],
    AsyncRetrievable[VectorStoreFileBatch],
    AsyncCancellable[VectorStoreFileBatch],
):
    """Async twin of :class:`FileBatches`."""

    endpoint = FILE_BATCHES

    async def list_files(
        self, id: Optional[str] = None, /, **params: Any
    ) -> AsyncPage[VectorStoreFile]:
        """The files of one batch, paged."""
        call = FILE_BATCHES.item_list_call(id, "files", params)
        return await self._page(call, VectorStoreFile)

    async def poll(
        self,
        batch_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFileBatch:
        """Async twin of :meth:`FileBatches.poll`."""
        return await apoll_until(
            lambda: self.retrieve(**with_id(params, "batch_id", batch_id)),
            processing_done,
            poll_interval_ms,
            max_wait_seconds,
        )

    async def create_and_poll(
        self,
        vector_store_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFileBatch:
        """Async twin of :meth:`FileBatches.create_and_poll`."""
        batch = await self.create(**with_id(params, "vector_store_id", vector_store_id))
        return await self.poll(
            id_of(batch),
            vector_store_id=batch.vector_store_id or _store_of(params, vector_store_id),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **call_options(params),
        )

    async def upload_and_poll(
        self,
        vector_store_id: Optional[str] = None,
        /,
        *,
        files: Iterable[FileInput],
        file_ids: Iterable[str] = (),
        max_concurrency: int = 5,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> VectorStoreFileBatch:
        """Async twin of :meth:`FileBatches.upload_and_poll`: at most ``max_concurrency``
        uploads at a time."""
        uploads = AsyncFiles(self._client)
        options = call_options(params)
        ids: List[str] = list(file_ids)
        to_upload = check_files(files, ids)
        if not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise InvalidRequestError(
                "max_concurrency must be a positive integer", field="max_concurrency"
            )
        limit = asyncio.Semaphore(max_concurrency)

        async def upload(file: FileInput) -> str:
            async with limit:
                stored = await uploads.create(file=file, purpose=ASSISTANTS_PURPOSE, **options)
                return id_of(stored)

        ids.extend(await asyncio.gather(*(upload(file) for file in to_upload)))
        return await self.create_and_poll(
            vector_store_id,
            file_ids=ids,
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **params,
        )


class AsyncVectorStores(AsyncCRUD[VectorStore]):
    """Async twin of :class:`VectorStores`."""

    endpoint = VECTOR_STORES

    @cached_property
    def files(self) -> AsyncVectorStoreFiles:
        """Files attached to a vector store."""
        return AsyncVectorStoreFiles(self._client)

    @cached_property
    def file_batches(self) -> AsyncFileBatches:
        """Batches of files being attached."""
        return AsyncFileBatches(self._client)

    async def search(self, id: Optional[str] = None, /, **params: Any) -> VectorStoreSearchResults:
        """Search a vector store for chunks relevant to ``query``."""
        return cast(VectorStoreSearchResults, await self._send(_search_call(id, params)))
