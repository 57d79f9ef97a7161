"""Verbs beyond CRUD, one declarative line each.

A :class:`Verb` is both the wire facts of one call (method, the path after the resource's
collection or item, response model, required fields) and the method itself::

    class McpServers(CRUD[McpServer]):
        endpoint = MCP_SERVERS
        test = Verb("POST", "test", GenericResponse)      # POST /mcp-servers/{id}/test

The same ``Verb`` object serves a sync resource (the attribute is a plain method returning the
model) and its async twin (a coroutine function), so twins declare it once at module level and
cannot drift. Arguments follow the CRUD verbs (see :mod:`.crud`): positional ids name the item
(or, with ``on_item=False``, the placeholders of the path in order); keywords are the JSON body,
or the query for ``GET`` and ``DELETE``; ``extra_headers`` & co. work as everywhere.
"""

from types import MethodType
from typing import (
    Any,
    Callable,
    Coroutine,
    Dict,
    Generic,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
    overload,
)

from ..exceptions import InvalidRequestError
from ..responses import APIResponse, GenericResponse
from ..transport import FileSpec
from .base import AsyncAPIResource, Call, SyncAPIResource
from .crud import AsyncResource, Endpoint, SyncResource, named_args, placeholders, require_field
from .files import file_spec

#: The verb's result: a response model, or :class:`BinaryResponse` for ``binary`` verbs.
ModelT = TypeVar("ModelT")
_READS = ("GET", "DELETE")


class Verb(Generic[ModelT]):
    """``METHOD {collection}/{id}/{action}`` (``on_item``) or ``METHOD {collection}/{action}``.

    ``action`` may hold placeholders of its own (``"metadata/{metadata_key}"``); ``required``
    names keywords a call cannot do without (refused before sending); ``binary`` returns the
    raw bytes (:class:`BinaryResponse`); ``headers`` go with every call of this verb; ``files``
    names keywords sent as file parts (the call is then ``multipart/form-data``, the other
    keywords its text fields); ``query_keys`` travel in the query of a call with a body.
    """

    def __init__(
        self,
        method: str,
        action: str,
        model: Type[ModelT],
        *,
        on_item: bool = True,
        required: Tuple[str, ...] = (),
        binary: bool = False,
        headers: Optional[Mapping[str, str]] = None,
        files: Tuple[str, ...] = (),
        query_keys: Tuple[str, ...] = (),
        doc: str = "",
    ) -> None:
        self.method = method
        self.action = action
        self.model = model
        self.on_item = on_item
        self.required = required
        self.binary = binary
        self.headers = dict(headers or {})
        self.files = files
        self.query_keys = query_keys
        self.doc = doc
        self.name = action or method.lower()
        self._methods: Dict[bool, Callable[..., Any]] = {}

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self._methods.clear()

    def __repr__(self) -> str:
        where = "{id}/" if self.on_item else ""
        return f"Verb({self.method} .../{where}{self.action})"

    # ---- the call ------------------------------------------------------------------------

    def call(self, endpoint: Endpoint, args: Tuple[Any, ...], params: Any) -> Call:
        """The pure :class:`Call` of this verb on ``endpoint``."""
        given = dict(params)
        if self.headers:
            given["extra_headers"] = {**self.headers, **(given.get("extra_headers") or {})}
        if self.on_item:
            path = endpoint.item_path(args, given, self.action)
        else:
            template = endpoint.path + (f"/{self.action}" if self.action else "")
            given = named_args(args, placeholders(template), given, template)
            path = endpoint.fill(template, given)
        for name in self.required:
            require_field(given, name)
        return endpoint.call(
            self.method,
            path,
            given,
            # bytes are returned as they come: the model is only the declared result
            cast_to=GenericResponse if self.binary else cast(Type[APIResponse], self.model),
            in_body=self.method not in _READS,
            binary=self.binary,
            # no file given: the text fields go as JSON rather than an empty multipart form
            files=(self._file_specs(given) or None) if self.files else None,
            query_keys=self.query_keys,
        )

    def _file_specs(self, given: Dict[str, Any]) -> Dict[str, FileSpec]:
        """The file keywords, popped from ``given``, as multipart parts."""
        specs: Dict[str, FileSpec] = {}
        for name in self.files:
            value = given.pop(name, None)
            if isinstance(value, Mapping):
                given[name] = value  # a reference ({"id": ...}), sent as a JSON text field
                continue
            if isinstance(value, list):
                # the transport carries one part per field name
                if len(value) != 1:
                    raise InvalidRequestError(
                        f"{name} takes one file per request here (zip several into one); "
                        f"got {len(value)}",
                        field=name,
                    )
                value = value[0]
            if value is not None:
                specs[name] = file_spec(value, field=name)
        return specs

    # ---- the method ----------------------------------------------------------------------

    def _sync_method(self) -> Callable[..., ModelT]:
        verb = self

        def method(resource: SyncResource, *args: Any, **params: Any) -> ModelT:
            return cast(ModelT, resource._send(verb.call(resource.endpoint, args, params)))

        self._describe(method)
        return method

    def _async_method(self) -> Callable[..., Coroutine[Any, Any, ModelT]]:
        verb = self

        async def method(resource: AsyncResource, *args: Any, **params: Any) -> ModelT:
            return cast(ModelT, await resource._send(verb.call(resource.endpoint, args, params)))

        self._describe(method)
        return method

    def _describe(self, method: Callable[..., Any]) -> None:
        method.__name__ = method.__qualname__ = self.name
        target = "{id}/" if self.on_item else ""
        method.__doc__ = self.doc or f"``{self.method} .../{target}{self.action}``."

    @overload
    def __get__(self, instance: None, owner: type) -> Callable[..., Any]: ...

    @overload
    def __get__(
        self, instance: AsyncAPIResource, owner: type
    ) -> Callable[..., Coroutine[Any, Any, ModelT]]: ...

    @overload
    def __get__(self, instance: SyncAPIResource, owner: type) -> Callable[..., ModelT]: ...

    def __get__(
        self, instance: Union[SyncAPIResource, AsyncAPIResource, None], owner: type
    ) -> Callable[..., Any]:
        is_async = issubclass(owner, AsyncAPIResource)
        method = self._methods.get(is_async)
        if method is None:
            method = self._async_method() if is_async else self._sync_method()
            self._methods[is_async] = method
        # bound like any method: help(), inspect and iscoroutinefunction see a normal one
        return method if instance is None else MethodType(method, instance)


__all__ = ["Verb"]
