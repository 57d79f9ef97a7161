"""Declarative resources: an :class:`Endpoint` names a resource's path, the keyword that names
one item, its response model and how its lists page; the verb mixins turn it into methods.

A resource is a few lines that say what it is::

    BATCHES = Endpoint("/batches", Batch, id_name="batch_id")

    class Batches(Creatable[Batch], Listable[Batch], Retrievable[Batch], Cancellable[Batch]):
        endpoint = BATCHES

Every verb is a plain method of a mixin (``create``, ``list``, ``retrieve``, ``update``,
``delete``, ``cancel``) that asks the endpoint for a pure :class:`Call` and sends it; the async
mixins are the same methods with ``await``. Nothing is generated at run time, so IDEs and mypy
see real methods with real return types.

Arguments. Keyword arguments are the request's JSON body (create, update, actions) or its query
(list, retrieve, delete). Placeholders in the path (``/threads/{thread_id}/messages``) are filled
from the keywords of the same name. The item id is the first positional argument, or the
endpoint's ``id_name`` keyword (``retrieve("file-1")`` == ``retrieve(file_id="file-1")``); on a
nested path every level may come positionally, in path order
(``runs.retrieve("thread_1", "run_1")``). A missing or empty id raises
:class:`InvalidRequestError` naming it before anything is sent. Every method also takes
``extra_headers``, ``extra_query``, ``extra_body``, ``timeout`` and ``max_retries`` for one
call.
"""

import json
import re
from dataclasses import dataclass, field
from typing import (
    Any,
    ClassVar,
    Dict,
    Generic,
    List,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
    cast,
)
from urllib.parse import quote

from ..base_client import NOT_GIVEN, NotGiven
from ..exceptions import InvalidRequestError
from ..platform_base import DeletedObject, ListResponse
from ..responses import APIResponse, BinaryResponse
from ..transport import FileSpec
from .base import (
    AsyncAPIResource,
    Call,
    SyncAPIResource,
    body_of,
    mapping_or_none,
    request_options,
)
from .pagination import CURSOR, AsyncPage, Paging, SyncPage

ModelT = TypeVar("ModelT", bound=APIResponse)
ItemT = TypeVar("ItemT", bound=APIResponse)

#: Per-call keywords every method accepts besides the API's own.
CALL_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries")

_PLACEHOLDER = re.compile(r"{(\w+)}")


def require_id(value: Any, name: str) -> str:
    """``value`` as a path segment; raises :class:`InvalidRequestError` naming ``name`` when it
    is missing or empty, before anything is sent."""
    if isinstance(value, NotGiven) or value is None or not str(value).strip():
        raise InvalidRequestError(f"{name} is required and must not be empty", field=name)
    if not isinstance(value, (str, int)):
        raise InvalidRequestError(
            f"{name} must be a string id; got {type(value).__name__}", field=name
        )
    # quoted whole, so an id can never add path segments or a query of its own
    return quote(str(value), safe="")


def require_field(params: Mapping[str, Any], name: str) -> None:
    """Raise :class:`InvalidRequestError` naming ``name`` when the body field is missing."""
    value = params.get(name)
    if value is None or isinstance(value, NotGiven) or value == "":
        raise InvalidRequestError(f"{name} is required", field=name)


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    return value


def form_value(value: Any) -> str:
    """A multipart form field's text: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _given(params: Mapping[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None and not isinstance(v, NotGiven)}


def placeholders(template: str) -> List[str]:
    """The ``{name}`` placeholders of a path template, in order."""
    return _PLACEHOLDER.findall(template)


def named_args(
    args: Tuple[Any, ...],
    names: List[str],
    params: Mapping[str, Any],
    where: str,
) -> Dict[str, Any]:
    """``params`` plus positional ``args`` named by ``names`` in order; more positionals than
    names, or one that contradicts a keyword, is refused."""
    if len(args) > len(names):
        raise InvalidRequestError(
            f"{where} takes at most {len(names)} positional argument(s) "
            f"({', '.join(names) or 'none'}); got {len(args)}",
            field=None,
        )
    given = dict(params)
    for name, value in zip(names, args):
        if name in given and given[name] != value:
            raise InvalidRequestError(
                f"{name} given twice: positionally as {value!r} and as {name}={given[name]!r}",
                field=name,
            )
        given[name] = value
    return given


@dataclass(frozen=True)
class Endpoint:
    """A resource's wire facts. Pure: its methods build :class:`Call` objects, nothing more.

    ``path`` is the collection path (placeholders allowed); an item is ``path + "/{id}"``.
    ``update_method`` is ``POST`` for OpenAI-style APIs and ``PUT`` for Portkey's control
    plane. ``headers`` go with every call (e.g. ``OpenAI-Beta``). ``query_keys`` travel in the
    query of updates and deletes, whose other keywords form the body. ``delete_body`` sends a
    delete's keywords as a JSON body instead of a query. ``required`` names the body fields
    ``create`` cannot do without: a call missing one raises before anything is sent.
    ``create_args`` names the body fields ``create`` also takes positionally, after the path's
    placeholders (``runs.create("thread_1", "asst_1")``, ``assistants.create("gpt-4o")``).
    """

    path: str
    model: Type[APIResponse]
    id_name: str = "id"
    update_method: str = "POST"
    paging: Paging = CURSOR
    headers: Mapping[str, str] = field(default_factory=dict)
    query_keys: Tuple[str, ...] = ()
    delete_body: bool = False
    required: Tuple[str, ...] = ()
    create_args: Tuple[str, ...] = ()

    # ---- paths ---------------------------------------------------------------------------

    def fill(self, template: str, params: Dict[str, Any]) -> str:
        """``template`` with each ``{name}`` replaced by the keyword ``name`` (popped)."""

        def value(match: "re.Match[str]") -> str:
            name = match.group(1)
            return require_id(params.pop(name, None), name)

        return _PLACEHOLDER.sub(value, template)

    def with_parent(self, parent_id: Any, params: Mapping[str, Any]) -> Dict[str, Any]:
        """``params`` with a positional parent id (``messages.list("thread_1")``) stored under
        the path's last placeholder (``thread_id``)."""
        given = dict(params)
        if parent_id is None:
            return given
        names = _PLACEHOLDER.findall(self.path)
        if not names:
            raise InvalidRequestError(
                f"{self.path} takes keyword arguments only; got a positional {parent_id!r}",
                field=None,
            )
        given[names[-1]] = parent_id
        return given

    def with_create_args(self, args: Tuple[Any, ...], params: Mapping[str, Any]) -> Dict[str, Any]:
        """``params`` with ``create``'s positional arguments named: the path's placeholders,
        then ``create_args``; one positional on a nested path is its innermost parent."""
        names = _PLACEHOLDER.findall(self.path)
        if len(args) == 1 and names:
            return self.with_parent(args[0], params)
        return named_args(args, names + list(self.create_args), params, self.path)

    def item_path(self, item_id: Any, params: Dict[str, Any], action: str = "") -> str:
        """The path of one item (and of an action on it, like ``cancel``).

        ``item_id`` is one id, or a tuple of positional ids: one is the item's id, and all of
        the path's placeholders then the item's id, in path order, name every level
        (``runs.retrieve("thread_1", "run_1")``)."""
        ids = item_id if isinstance(item_id, tuple) else (item_id,)
        if len(ids) > 1:
            levels = [*_PLACEHOLDER.findall(self.path), self.id_name]
            if len(ids) != len(levels):
                raise InvalidRequestError(
                    f"give the {self.id_name} alone, or all of {', '.join(levels)} in this "
                    f"order; got {len(ids)} positional ids",
                    field=None,
                )
            params.update(named_args(ids[:-1], levels[:-1], params, self.path))
            ids = ids[-1:]
        named = params.pop(self.id_name, None)
        given = ids[0] if ids else None
        if given is not None and named is not None and named != given:
            raise InvalidRequestError(
                f"{self.id_name} given twice: positionally as {given!r} and as "
                f"{self.id_name}={named!r}",
                field=self.id_name,
            )
        item = require_id(given if given is not None else named, self.id_name)
        path = f"{self.fill(self.path, params)}/{item}"
        return f"{path}/{action}" if action else path

    # ---- calls ---------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        params: Dict[str, Any],
        *,
        cast_to: Optional[Type[APIResponse]] = None,
        in_body: bool = True,
        binary: bool = False,
        files: Optional[Mapping[str, FileSpec]] = None,
        query_keys: Tuple[str, ...] = (),
    ) -> Call:
        """A call of ``method`` on ``path``; ``params`` (path keywords already popped) become
        the JSON body when ``in_body``, else the query (``query_keys`` always the query)."""
        if params.get("stream"):
            raise InvalidRequestError(
                f"stream=True is not supported for {path}: call without it and poll the object",
                field="stream",
            )
        extra_headers = mapping_or_none(params.pop("extra_headers", None), "extra_headers")
        extra_query = mapping_or_none(params.pop("extra_query", None), "extra_query") or {}
        extra_body = mapping_or_none(params.pop("extra_body", None), "extra_body")
        timeout = params.pop("timeout", NOT_GIVEN)
        max_retries = params.pop("max_retries", NOT_GIVEN)
        query = {k: params.pop(k) for k in query_keys if k in params}
        body: Optional[Dict[str, Any]] = None
        if in_body:
            body = body_of(_given(params), {}, extra_body)
            if files is not None:
                body = {name: form_value(value) for name, value in body.items()}
        else:
            query.update(params)
            body = dict(extra_body) if extra_body else None
        query = {k: _query_value(v) for k, v in _given({**query, **extra_query}).items()}
        headers = {**self.headers, **(extra_headers or {})}
        options = request_options(headers or None, timeout, max_retries)
        return Call(
            method,
            path,
            cast_to=cast_to or self.model,
            body=body,
            params=query or None,
            files=files,
            binary=binary,
            request_options=options,
        )

    def create_call(self, params: Mapping[str, Any], parent_id: Any = None) -> Call:
        """``POST path`` with the keywords as the body (``parent_id``: one positional parent
        id, or a tuple of ``create``'s positional arguments)."""
        if isinstance(parent_id, tuple):
            given = self.with_create_args(parent_id, params)
        else:
            given = self.with_parent(parent_id, params)
        for name in self.required:
            require_field(given, name)
        return self.call("POST", self.fill(self.path, given), given)

    def list_call(self, params: Mapping[str, Any], parent_id: Any = None) -> Call:
        """``GET path`` with the keywords as the query; a page's call."""
        given = self.with_parent(parent_id, params)
        path = self.fill(self.path, given)
        return self.call("GET", path, given, cast_to=ListResponse, in_body=False)

    def collection_call(
        self,
        method: str,
        action: str,
        params: Mapping[str, Any],
        *,
        cast_to: Optional[Type[APIResponse]] = None,
        parent_id: Any = None,
    ) -> Call:
        """``METHOD path/action`` (``POST /threads/runs``, ``POST .../graders/run``), or on
        the collection itself when ``action`` is empty (``PUT /integrations/{slug}/models``)."""
        given = self.with_parent(parent_id, params)
        path = self.fill(self.path, given) + (f"/{action}" if action else "")
        in_body = method not in ("GET", "DELETE")
        return self.call(method, path, given, cast_to=cast_to, in_body=in_body)

    def retrieve_call(self, item_id: Any, params: Mapping[str, Any]) -> Call:
        """``GET path/{id}``."""
        given = dict(params)
        return self.call("GET", self.item_path(item_id, given), given, in_body=False)

    def update_call(self, item_id: Any, params: Mapping[str, Any]) -> Call:
        """``POST`` (or ``PUT``) ``path/{id}`` with the keywords as the body."""
        given = dict(params)
        path = self.item_path(item_id, given)
        return self.call(self.update_method, path, given, query_keys=self.query_keys)

    def delete_call(self, item_id: Any, params: Mapping[str, Any]) -> Call:
        """``DELETE path/{id}``."""
        given = dict(params)
        path = self.item_path(item_id, given)
        return self.call(
            "DELETE",
            path,
            given,
            cast_to=DeletedObject,
            in_body=self.delete_body,
            query_keys=self.query_keys,
        )

    def action_call(
        self,
        method: str,
        item_id: Any,
        action: str,
        params: Mapping[str, Any],
        *,
        cast_to: Optional[Type[APIResponse]] = None,
        binary: bool = False,
    ) -> Call:
        """``METHOD path/{id}/action`` (``POST .../cancel``, ``GET .../content``, ...)."""
        given = dict(params)
        path = self.item_path(item_id, given, action)
        in_body = method not in ("GET", "DELETE")
        return self.call(method, path, given, cast_to=cast_to, in_body=in_body, binary=binary)

    def item_list_call(self, item_id: Any, action: str, params: Mapping[str, Any]) -> Call:
        """``GET path/{id}/action`` listing things that belong to one item (a page's call)."""
        given = dict(params)
        path = self.item_path(item_id, given, action)
        return self.call("GET", path, given, cast_to=ListResponse, in_body=False)


# ---- the sync verbs --------------------------------------------------------------------------


class SyncResource(SyncAPIResource):
    """A sync resource described by an :class:`Endpoint`."""

    endpoint: ClassVar[Endpoint]

    def _page(self, call: Call, item_type: Type[ItemT]) -> SyncPage[ItemT]:
        return SyncPage.first(self._send, call, self.endpoint.paging, item_type)


class Creatable(SyncResource, Generic[ModelT]):
    """``create(**body)``: ``POST path``."""

    def create(self, *args: Any, **params: Any) -> ModelT:
        """Create one object; the keywords are the JSON body (a nested resource's parent id
        may come first: ``messages.create("thread_1", role=..., content=...)``)."""
        return cast(ModelT, self._send(self.endpoint.create_call(params, args)))


class Listable(SyncResource, Generic[ModelT]):
    """``list(**query)``: ``GET path``, a lazily paging :class:`SyncPage`."""

    def list(self, parent_id: Optional[str] = None, /, **params: Any) -> SyncPage[ModelT]:
        """The first page; iterate over it to walk every item of every page (a nested
        resource's parent id may come first: ``messages.list("thread_1")``)."""
        model = cast(Type[ModelT], self.endpoint.model)
        return self._page(self.endpoint.list_call(params, parent_id), model)


class Retrievable(SyncResource, Generic[ModelT]):
    """``retrieve(id, **query)``: ``GET path/{id}``."""

    def retrieve(self, *ids: str, **params: Any) -> ModelT:
        """One object by id (positional, or the endpoint's id keyword)."""
        return cast(ModelT, self._send(self.endpoint.retrieve_call(ids, params)))


class Updatable(SyncResource, Generic[ModelT]):
    """``update(id, **body)``: ``POST`` or ``PUT path/{id}``."""

    def update(self, *ids: str, **params: Any) -> ModelT:
        """Change one object; the keywords are the JSON body."""
        return cast(ModelT, self._send(self.endpoint.update_call(ids, params)))


class Deletable(SyncResource):
    """``delete(id, **query)``: ``DELETE path/{id}``."""

    def delete(self, *ids: str, **params: Any) -> DeletedObject:
        """Delete one object."""
        return cast(DeletedObject, self._send(self.endpoint.delete_call(ids, params)))


class CRUD(
    Creatable[ModelT],
    Listable[ModelT],
    Retrievable[ModelT],
    Updatable[ModelT],
    Deletable,
    Generic[ModelT],
):
    """All five verbs: ``create``, ``list``, ``retrieve``, ``update``, ``delete``."""


class Cancellable(SyncResource, Generic[ModelT]):
    """``cancel(id)``: ``POST path/{id}/cancel``."""

    def cancel(self, *ids: str, **params: Any) -> ModelT:
        """Cancel one running object."""
        return cast(ModelT, self._send(self.endpoint.action_call("POST", ids, "cancel", params)))


class Downloadable(SyncResource):
    """``content(id)``: ``GET path/{id}/content`` as bytes."""

    def content(self, *ids: str, **params: Any) -> BinaryResponse:
        """The item's raw content."""
        call = self.endpoint.action_call("GET", ids, "content", params, binary=True)
        return cast(BinaryResponse, self._send(call))


# ---- the async verbs: the same calls, awaited -------------------------------------------------


class AsyncResource(AsyncAPIResource):
    """An async resource described by an :class:`Endpoint`."""

    endpoint: ClassVar[Endpoint]

    async def _page(self, call: Call, item_type: Type[ItemT]) -> AsyncPage[ItemT]:
        return await AsyncPage.first(self._send, call, self.endpoint.paging, item_type)


class AsyncCreatable(AsyncResource, Generic[ModelT]):
    """Async ``create(**body)``."""

    async def create(self, *args: Any, **params: Any) -> ModelT:
        """Create one object; the keywords are the JSON body (or a nested resource's parent
        id first)."""
        return cast(ModelT, await self._send(self.endpoint.create_call(params, args)))


class AsyncListable(AsyncResource, Generic[ModelT]):
    """Async ``list(**query)``: an :class:`AsyncPage`."""

    async def list(self, parent_id: Optional[str] = None, /, **params: Any) -> AsyncPage[ModelT]:
        """The first page; ``async for`` over it walks every item of every page."""
        model = cast(Type[ModelT], self.endpoint.model)
        return await self._page(self.endpoint.list_call(params, parent_id), model)


class AsyncRetrievable(AsyncResource, Generic[ModelT]):
    """Async ``retrieve(id, **query)``."""

    async def retrieve(self, *ids: str, **params: Any) -> ModelT:
        """One object by id (positional, or the endpoint's id keyword)."""
        return cast(ModelT, await self._send(self.endpoint.retrieve_call(ids, params)))


class AsyncUpdatable(AsyncResource, Generic[ModelT]):
    """Async ``update(id, **body)``."""

    async def update(self, *ids: str, **params: Any) -> ModelT:
        """Change one object; the keywords are the JSON body."""
        return cast(ModelT, await self._send(self.endpoint.update_call(ids, params)))


class AsyncDeletable(AsyncResource):
    """Async ``delete(id, **query)``."""

    async def delete(self, *ids: str, **params: Any) -> DeletedObject:
        """Delete one object."""
        return cast(DeletedObject, await self._send(self.endpoint.delete_call(ids, params)))


class AsyncCRUD(
    AsyncCreatable[ModelT],
    AsyncListable[ModelT],
    AsyncRetrievable[ModelT],
    AsyncUpdatable[ModelT],
    AsyncDeletable,
    Generic[ModelT],
):
    """Async twin of :class:`CRUD`."""


class AsyncCancellable(AsyncResource, Generic[ModelT]):
    """Async ``cancel(id)``."""

    async def cancel(self, *ids: str, **params: Any) -> ModelT:
        """Cancel one running object."""
        call = self.endpoint.action_call("POST", ids, "cancel", params)
        return cast(ModelT, await self._send(call))


class AsyncDownloadable(AsyncResource):
    """Async ``content(id)`` as bytes."""

    async def content(self, *ids: str, **params: Any) -> BinaryResponse:
        """The item's raw content."""
        call = self.endpoint.action_call("GET", ids, "content", params, binary=True)
        return cast(BinaryResponse, await self._send(call))


__all__ = [
    "CALL_OPTIONS",
    "CRUD",
    "AsyncCRUD",
    "AsyncCancellable",
    "AsyncCreatable",
    "AsyncDeletable",
    "AsyncDownloadable",
    "AsyncListable",
    "AsyncResource",
    "AsyncRetrievable",
    "AsyncUpdatable",
    "Cancellable",
    "Creatable",
    "Deletable",
    "Downloadable",
    "Endpoint",
    "Listable",
    "Retrievable",
    "SyncResource",
    "Updatable",
    "named_args",
    "placeholders",
    "require_field",
    "require_id",
]
