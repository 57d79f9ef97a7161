"""``vector_stores``: stores for file search, their files and file batches."""

from functools import cached_property
from typing import Any, Optional, cast

from ..exceptions import APIResponseValidationError
from ..platform_types import (
    FileObject,
    VectorStore,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreSearchResults,
)
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
from .files import FileInput, call_options, files_create_call
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
