"""``containers``: code-interpreter containers and the files inside them."""

from functools import cached_property
from typing import Any, Dict, Optional, cast

from ..exceptions import InvalidRequestError
from ..platform_types import Container, ContainerFile
from ..responses import BinaryResponse
from .base import Call
from .crud import (
    AsyncCreatable,
    AsyncDeletable,
    AsyncListable,
    AsyncResource,
    AsyncRetrievable,
    Creatable,
    Deletable,
    Endpoint,
    Listable,
    Retrievable,
    SyncResource,
)
from .files import file_spec
from .verbs import Verb

CONTAINERS = Endpoint("/containers", Container, id_name="container_id", required=("name",))
CONTAINER_FILES = Endpoint("/containers/{container_id}/files", ContainerFile, id_name="file_id")


def container_file_call(container_id: Any, params: Dict[str, Any]) -> Call:
    """``POST /containers/{id}/files``: a new file (multipart ``file``) or an existing one
    (JSON ``file_id``), exactly one of the two."""
    given = CONTAINER_FILES.with_parent(container_id, params)
    file = given.pop("file", None)
    if (file is None) == (given.get("file_id") is None):
        raise InvalidRequestError("give exactly one of file=... or file_id=...", field="file")
    if file is None:
        return CONTAINER_FILES.create_call(given)
    path = CONTAINER_FILES.fill(CONTAINER_FILES.path, given)
    return CONTAINER_FILES.call("POST", path, given, files={"file": file_spec(file)})


class FileContentVerbs:
    """``retrieve(file_id, container_id=...)``: a container file's bytes; calling the
    resource itself (``files.content(file_id, container_id=...)``) does the same."""

    endpoint = CONTAINER_FILES
    retrieve = Verb("GET", "content", BinaryResponse, binary=True)
    __call__ = Verb("GET", "content", BinaryResponse, binary=True)


class ContainerFileContent(FileContentVerbs, SyncResource):
    """``client.containers.files.content``: ``retrieve``."""


class AsyncContainerFileContent(FileContentVerbs, AsyncResource):
    """Async twin of :class:`ContainerFileContent`."""


class ContainerFiles(Listable[ContainerFile], Retrievable[ContainerFile], Deletable):
    """``client.containers.files`` (keyed by ``container_id``): ``create``, ``list``,
    ``retrieve``, ``delete``, ``content``."""

    endpoint = CONTAINER_FILES

    def create(self, container_id: Optional[str] = None, /, **params: Any) -> ContainerFile:
        """Add a file: ``file=`` uploads one, ``file_id=`` copies a stored file."""
        return cast(ContainerFile, self._send(container_file_call(container_id, params)))

    @cached_property
    def content(self) -> ContainerFileContent:
        """A file's bytes: ``content.retrieve(file_id, container_id=...)`` (calling
        ``files.content(file_id, ...)`` directly works too)."""
        return ContainerFileContent(self._client)


class Containers(Creatable[Container], Listable[Container], Retrievable[Container], Deletable):
    """``client.containers``: ``create``, ``list``, ``retrieve``, ``delete``; ``files``."""

    endpoint = CONTAINERS

    @cached_property
    def files(self) -> ContainerFiles:
        """The files of a container."""
        return ContainerFiles(self._client)


class AsyncContainerFiles(
    AsyncListable[ContainerFile],
    AsyncRetrievable[ContainerFile],
    AsyncDeletable,
):
    """Async twin of :class:`ContainerFiles`."""

    endpoint = CONTAINER_FILES

    async def create(self, container_id: Optional[str] = None, /, **params: Any) -> ContainerFile:
        """Add a file: ``file=`` uploads one, ``file_id=`` copies a stored file."""
        return cast(ContainerFile, await self._send(container_file_call(container_id, params)))

    @cached_property
    def content(self) -> AsyncContainerFileContent:
        """A file's bytes: ``content.retrieve(file_id, container_id=...)``."""
        return AsyncContainerFileContent(self._client)


class AsyncContainers(
    AsyncCreatable[Container],
    AsyncListable[Container],
    AsyncRetrievable[Container],
    AsyncDeletable,
):
    """Async twin of :class:`Containers`."""

    endpoint = CONTAINERS

    @cached_property
    def files(self) -> AsyncContainerFiles:
        """The files of a container."""
        return AsyncContainerFiles(self._client)
