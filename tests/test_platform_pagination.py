"""Typed pages: cursor paging (OpenAI-style ``has_more`` / ``after``) through the real gateway,
and page-number paging (Portkey's control plane: ``current_page`` / ``page_size`` / ``total``)
against the recording server. Later pages are fetched only when iteration reaches them."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from platform_support import TARGET, direct_client, gateway_client, ids_of, query_of
from provider_stub import DEFAULT_TARGET, ProviderStub, status

from portkey import InternalServerError
from portkey.api_resources.platform_types import FileObject, User
from portkey.api_resources.resources.pagination import AsyncPage, SyncPage


def cursor_page(ids: List[str], has_more: bool, last_id: Optional[str] = None) -> Any:
    body: Dict[str, Any] = {
        "object": "list",
        "data": [{"id": i, "object": "file", "bytes": 1} for i in ids],
        "has_more": has_more,
    }
    if last_id:
        body["last_id"] = last_id
    return status(200, json_body=body)


def numbered_page(ids: List[str], total: Optional[int]) -> Any:
    body: Dict[str, Any] = {"object": "list", "data": [{"id": i} for i in ids]}
    if total is not None:
        body["total"] = total
    return status(200, json_body=body)


THREE_CURSOR_PAGES = [
    cursor_page(["f1", "f2"], True),
    cursor_page(["f3", "f4"], True),
    cursor_page(["f5"], False),
]


def test_cursor_pages_are_fetched_lazily(gateway_url: str, stub: ProviderStub) -> None:
    client = gateway_client(gateway_url, stub)
    stub.script(TARGET, *THREE_CURSOR_PAGES)
    page = client.files.list(limit=2)
    assert isinstance(page, SyncPage)
    assert ids_of(page.data) == ["f1", "f2"]
    assert all(isinstance(item, FileObject) for item in page.data)
    assert len(stub.requests(TARGET)) == 1

    items = iter(page)
    assert [next(items).id, next(items).id] == ["f1", "f2"]
    assert len(stub.requests(TARGET)) == 1  # the first page's items need no request
    assert next(items).id == "f3"
    assert len(stub.requests(TARGET)) == 2
    assert [item.id for item in items] == ["f4", "f5"]

    queries = [query_of(r) for r in stub.requests(TARGET)]
    assert queries == [
        {"limit": "2"},
        {"limit": "2", "after": "f2"},
        {"limit": "2", "after": "f4"},
    ]


def test_cursor_iter_pages_and_next_page(gateway_url: str, stub: ProviderStub) -> None:
    client = gateway_client(gateway_url, stub)
    stub.script(TARGET, *THREE_CURSOR_PAGES)
    pages = list(client.files.list(limit=2).iter_pages())
    assert [ids_of(p.data) for p in pages] == [["f1", "f2"], ["f3", "f4"], ["f5"]]
    assert [p.has_next_page() for p in pages] == [True, True, False]
    assert pages[-1].next_page() is None
    assert len(stub.requests(TARGET)) == 3


def test_cursor_prefers_the_servers_last_id(gateway_url: str, stub: ProviderStub) -> None:
    client = gateway_client(gateway_url, stub)
    stub.script(TARGET, cursor_page(["m1"], True, last_id="cursor_9"), cursor_page([], False))
    assert ids_of(list(client.beta.threads.messages.list("thread_1"))) == ["m1"]
    assert query_of(stub.requests(TARGET)[1]) == {"after": "cursor_9"}


async def test_async_cursor_pages(gateway_url: str, stub: ProviderStub) -> None:
    client = gateway_client(gateway_url, stub, use_async=True)
    stub.script(TARGET, *THREE_CURSOR_PAGES)
    page = await client.files.list(limit=2)
    assert isinstance(page, AsyncPage)
    assert len(stub.requests(TARGET)) == 1
    seen = [item.id async for item in page]
    assert seen == ["f1", "f2", "f3", "f4", "f5"]
    assert len(stub.requests(TARGET)) == 3
    assert query_of(stub.requests(TARGET)[2]) == {"limit": "2", "after": "f4"}


def test_a_failing_later_page_raises_during_iteration(gateway_url: str, stub: ProviderStub) -> None:
    client = gateway_client(gateway_url, stub)
    stub.script(TARGET, cursor_page(["f1"], True), status(500))
    seen = []
    with pytest.raises(InternalServerError):
        for item in client.files.list():
            seen.append(item.id)
    assert seen == ["f1"]


def test_page_numbers_until_total(stub: ProviderStub) -> None:
    client = direct_client(stub)
    stub.script(
        DEFAULT_TARGET,
        numbered_page(["u1", "u2"], 5),
        numbered_page(["u3", "u4"], 5),
        numbered_page(["u5"], 5),
    )
    page = client.admin.users.list(page_size=2)
    assert page.total == 5
    assert len(stub.requests()) == 1
    users = list(page)
    assert ids_of(users) == ["u1", "u2", "u3", "u4", "u5"]
    assert all(isinstance(user, User) for user in users)
    # the admin API spells its page arguments in camelCase
    assert [query_of(r) for r in stub.requests()] == [
        {"pageSize": "2"},
        {"pageSize": "2", "currentPage": "1"},
        {"pageSize": "2", "currentPage": "2"},
    ]


async def test_async_page_numbers(stub: ProviderStub) -> None:
    client = direct_client(stub, use_async=True)
    stub.script(
        DEFAULT_TARGET,
        numbered_page(["k1", "k2"], 6),
        numbered_page(["k3", "k4"], 6),
        numbered_page(["k5", "k6"], 6),
    )
    page = await client.api_keys.list(page_size=2, current_page=0)
    pages = [p async for p in page.iter_pages()]
    assert [ids_of(p.data) for p in pages] == [["k1", "k2"], ["k3", "k4"], ["k5", "k6"]]
    assert [query_of(r) for r in stub.requests()] == [
        {"page_size": "2", "current_page": "0"},
        {"page_size": "2", "current_page": "1"},
        {"page_size": "2", "current_page": "2"},
    ]


def test_page_numbers_without_total_stop_at_a_short_page(stub: ProviderStub) -> None:
    client = direct_client(stub)
    stub.script(
        DEFAULT_TARGET,
        numbered_page(["l1", "l2"], None),
        numbered_page(["l3", "l4"], None),
        numbered_page(["l5"], None),
    )
    assert ids_of(list(client.labels.list(page_size=2))) == ["l1", "l2", "l3", "l4", "l5"]
    assert len(stub.requests()) == 3


def test_page_numbers_without_total_or_size_fetch_one_page(stub: ProviderStub) -> None:
    # nothing says whether more exists, and a server that ignores the page number would loop
    client = direct_client(stub)
    stub.script(DEFAULT_TARGET, numbered_page(["c1", "c2"], None))
    assert ids_of(list(client.collections.list())) == ["c1", "c2"]
    assert len(stub.requests()) == 1


def test_an_empty_page_ends_the_list(stub: ProviderStub) -> None:
    client = direct_client(stub)
    stub.script(DEFAULT_TARGET, numbered_page(["p1", "p2"], 10), numbered_page([], 10))
    assert ids_of(list(client.providers.list(page_size=2))) == ["p1", "p2"]
    assert len(stub.requests()) == 2
