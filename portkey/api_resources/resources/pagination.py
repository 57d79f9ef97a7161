"""Typed pages of list endpoints, fetched lazily.

``client.files.list()`` sends one request and returns a :class:`SyncPage`: its ``data`` is that
page's items, and iterating over the page walks every item of every page, asking for the next
page only when the current one is used up. :class:`AsyncPage` is the same with ``async for``.

How the next page is asked for is a :class:`Paging` strategy, named by each resource:

* :class:`CursorPaging` - OpenAI-style lists: ``has_more`` and ``after=<last id>``.
* :class:`PageNumberPaging` - Portkey's control plane: ``total`` and a page number
  (``current_page``, counted from 0) with a page size (``page_size``); the wire names can
  differ per endpoint (the admin API spells them ``currentPage`` / ``pageSize``).
* :class:`SinglePage` - lists that answer with everything at once.
"""

from dataclasses import dataclass, replace
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Generic,
    Iterator,
    List,
    Mapping,
    Optional,
    Type,
    TypeVar,
)

from ..platform_base import ListResponse
from ..responses import APIResponse, GatewayInfo
from .base import Call

ItemT = TypeVar("ItemT", bound=APIResponse)


class Paging:
    """How a list endpoint pages: the query of the next page, or ``None`` after the last."""

    def prepare(self, query: Dict[str, Any]) -> Dict[str, Any]:
        """The first page's query, from the caller's list arguments."""
        return query

    def next_query(
        self, query: Mapping[str, Any], page: ListResponse, fetched: int
    ) -> Optional[Dict[str, Any]]:
        """The query of the page after ``page`` (``fetched`` items seen so far, this page
        included), or ``None`` when ``page`` was the last."""
        raise NotImplementedError


@dataclass(frozen=True)
class CursorPaging(Paging):
    """``has_more`` says whether there is more; the next page starts ``after`` the last id."""

    cursor_param: str = "after"

    def next_query(
        self, query: Mapping[str, Any], page: ListResponse, fetched: int
    ) -> Optional[Dict[str, Any]]:
        """Continue after the last item while the server says ``has_more``."""
        if not page.has_more or not page.data:
            return None
        last = page.last_id or _item_id(page.data[-1])
        if not last:
            return None
        return {**query, self.cursor_param: last}


@dataclass(frozen=True)
class PageNumberPaging(Paging):
    """Numbered pages: ask for page ``n + 1`` until ``total`` items have been seen.

    Callers always pass ``current_page`` / ``page_size``; they are sent under
    ``page_param`` / ``size_param``. Without a ``total`` in the answer, a page shorter than
    the requested size is the last; with neither, the first page is the only one (asking for
    more could loop forever on a server that ignores the page number).
    """

    page_param: str = "current_page"
    size_param: str = "page_size"
    first_page: int = 0

    def prepare(self, query: Dict[str, Any]) -> Dict[str, Any]:
        """Rename the caller's ``current_page`` / ``page_size`` to this endpoint's names."""
        prepared = dict(query)
        for given, wire in (("current_page", self.page_param), ("page_size", self.size_param)):
            if given in prepared and given != wire:
                prepared[wire] = prepared.pop(given)
        return prepared

    def next_query(
        self, query: Mapping[str, Any], page: ListResponse, fetched: int
    ) -> Optional[Dict[str, Any]]:
        """The next page number while items remain."""
        if not page.data:
            return None
        size = query.get(self.size_param)
        if page.total is not None:
            if fetched >= page.total:
                return None
        elif size is None or len(page.data) < int(size):
            return None
        current = int(query.get(self.page_param, self.first_page))
        return {**query, self.page_param: current + 1}


@dataclass(frozen=True)
class SinglePage(Paging):
    """Lists that return everything in one answer."""

    def next_query(
        self, query: Mapping[str, Any], page: ListResponse, fetched: int
    ) -> Optional[Dict[str, Any]]:
        """There is never a next page."""
        return None


CURSOR = CursorPaging()
PAGE_NUMBERS = PageNumberPaging()
PAGE_NUMBERS_CAMEL = PageNumberPaging(page_param="currentPage", size_param="pageSize")
SINGLE_PAGE = SinglePage()


def _item_id(item: Any) -> Optional[str]:
    value = item.get("id") if isinstance(item, dict) else None
    return str(value) if value is not None else None


class _Page(Generic[ItemT]):
    """What both page kinds share: the items, the answer, and the call of the next page."""

    def __init__(
        self,
        *,
        call: Call,
        paging: Paging,
        item_type: Type[ItemT],
        response: ListResponse,
        fetched_before: int = 0,
    ) -> None:
        self._call = call
        self._paging = paging
        self._item_type = item_type
        self._response = response
        self.data: List[ItemT] = [item_type.model_validate(item) for item in response.data]
        self._fetched = fetched_before + len(self.data)

    @property
    def response(self) -> ListResponse:
        """This page's answer as sent (``total``, ``has_more``, ``first_id``, ...)."""
        return self._response

    @property
    def total(self) -> Optional[int]:
        """The number of items across all pages, when the server says."""
        return self._response.total

    @property
    def gateway(self) -> GatewayInfo:
        """How the gateway served this page's call."""
        return self._response.gateway

    def _next_call(self) -> Optional[Call]:
        query = self._paging.next_query(
            dict(self._call.params or {}), self._response, self._fetched
        )
        return None if query is None else replace(self._call, params=query)

    def has_next_page(self) -> bool:
        """Whether another page follows this one."""
        return self._next_call() is not None

    def __getitem__(self, index: int) -> ItemT:
        return self.data[index]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._item_type.__name__} x {len(self.data)})"


class SyncPage(_Page[ItemT]):
    """One page of a list; iterating walks every item of this and the following pages."""

    def __init__(self, *, fetch: Callable[[Call], ListResponse], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fetch = fetch

    @classmethod
    def first(
        cls,
        fetch: Callable[[Call], ListResponse],
        call: Call,
        paging: Paging,
        item_type: Type[ItemT],
    ) -> "SyncPage[ItemT]":
        """Fetch the first page of ``call``."""
        call = replace(call, params=paging.prepare(dict(call.params or {})))
        return cls(fetch=fetch, call=call, paging=paging, item_type=item_type, response=fetch(call))

    def next_page(self) -> Optional["SyncPage[ItemT]"]:
        """Fetch the page after this one; ``None`` when this is the last."""
        call = self._next_call()
        if call is None:
            return None
        return SyncPage(
            fetch=self._fetch,
            call=call,
            paging=self._paging,
            item_type=self._item_type,
            response=self._fetch(call),
            fetched_before=self._fetched,
        )

    def iter_pages(self) -> Iterator["SyncPage[ItemT]"]:
        """This page, then each following page as it is fetched."""
        page: Optional[SyncPage[ItemT]] = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_Page[ItemT]):
    """The async twin of :class:`SyncPage`: ``async for item in page`` walks every page."""

    def __init__(self, *, fetch: Callable[[Call], Awaitable[ListResponse]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fetch = fetch

    @classmethod
    async def first(
        cls,
        fetch: Callable[[Call], Awaitable[ListResponse]],
        call: Call,
        paging: Paging,
        item_type: Type[ItemT],
    ) -> "AsyncPage[ItemT]":
        """Fetch the first page of ``call``."""
        call = replace(call, params=paging.prepare(dict(call.params or {})))
        response = await fetch(call)
        return cls(fetch=fetch, call=call, paging=paging, item_type=item_type, response=response)

    async def next_page(self) -> Optional["AsyncPage[ItemT]"]:
        """Fetch the page after this one; ``None`` when this is the last."""
        call = self._next_call()
        if call is None:
            return None
        return AsyncPage(
            fetch=self._fetch,
            call=call,
            paging=self._paging,
            item_type=self._item_type,
            response=await self._fetch(call),
            fetched_before=self._fetched,
        )

    async def iter_pages(self) -> AsyncIterator["AsyncPage[ItemT]"]:
        """This page, then each following page as it is fetched."""
        page: Optional[AsyncPage[ItemT]] = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


__all__ = [
    "CURSOR",
    "PAGE_NUMBERS",
    "PAGE_NUMBERS_CAMEL",
    "SINGLE_PAGE",
    "AsyncPage",
    "CursorPaging",
    "PageNumberPaging",
    "Paging",
    "SinglePage",
    "SyncPage",
]
