"""The declarative layer's promises: every resource's declared item type matches its endpoint's
model, sync and async twins offer the same verbs, the clients expose every resource, and the
platform modules load only when first used."""

from __future__ import annotations

import inspect
import subprocess
import sys
from functools import cached_property
from typing import Any, Iterator, List, Set, Tuple, Type, get_args

import pytest

from portkey import AsyncPortkey, Portkey
from portkey.api_resources.resources import crud, platform
from portkey.api_resources.resources.base import AsyncAPIResource, SyncAPIResource

TOP_LEVEL = [
    "files", "uploads", "batches", "fine_tuning", "alpha", "beta", "vector_stores", "responses",
    "containers", "evals", "configs", "api_keys", "virtual_keys", "admin", "logs", "labels",
    "collections", "providers", "integrations", "guardrails", "mcp_servers", "mcp_integrations",
    "analytics", "conversations", "realtime", "videos", "skills",
]  # fmt: skip
# ``webhooks`` is left out on purpose: it sends nothing, so its async twin's methods are plain
# (as in the reference SDK); tests/test_webhooks.py covers both clients.


def resources_of(root: Any, prefix: str = "") -> Iterator[Tuple[str, Any]]:
    """Every resource reachable from ``root`` through its public properties."""
    for name, value in inspect.getmembers(type(root)):
        if name.startswith("_") or not isinstance(value, (property, cached_property)):
            continue
        child = getattr(root, name)
        if isinstance(child, (SyncAPIResource, AsyncAPIResource)):
            yield f"{prefix}{name}", child
            yield from resources_of(child, f"{prefix}{name}.")


def tree(client: Any) -> List[Tuple[str, Any]]:
    found = []
    for name in TOP_LEVEL:
        child = getattr(client, name)
        found.append((name, child))
        found.extend(resources_of(child, f"{name}."))
    return found


def verbs(resource: Any) -> Set[str]:
    return {
        name
        for name, member in inspect.getmembers(type(resource), callable)
        if not name.startswith("_") and not isinstance(member, type)
    }


def test_declared_item_types_match_the_endpoint_models() -> None:
    checked = 0
    for _, resource in tree(Portkey(base_url="http://127.0.0.1:9/v1")) + tree(
        AsyncPortkey(base_url="http://127.0.0.1:9/v1")
    ):
        endpoint = getattr(type(resource), "endpoint", None)
        for base in getattr(type(resource), "__orig_bases__", ()):
            args = get_args(base)
            if args and isinstance(endpoint, crud.Endpoint):
                assert args[0] is endpoint.model, (type(resource).__name__, base)
                checked += 1
    assert checked > 100


def test_sync_and_async_twins_offer_the_same_verbs_and_paths() -> None:
    sync_tree = dict(tree(Portkey(base_url="http://127.0.0.1:9/v1")))
    async_tree = dict(tree(AsyncPortkey(base_url="http://127.0.0.1:9/v1")))
    assert set(sync_tree) <= set(async_tree)
    assert len(sync_tree) > 45
    for path, resource in sync_tree.items():
        twin = async_tree[path]
        assert verbs(resource) <= verbs(twin), path
        assert getattr(type(resource), "endpoint", None) == getattr(type(twin), "endpoint", None)
        for verb in verbs(resource):
            method = getattr(twin, verb)
            if verb.endswith("stream") or verb == "connect":
                # stream helpers and websockets return an async context manager at once
                # (``async with``)
                returned = inspect.signature(method).return_annotation
                assert hasattr(returned, "__aenter__"), (path, verb)
            else:
                assert inspect.iscoroutinefunction(method), (path, verb)


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_clients_expose_each_resource_once(name: str) -> None:
    client = Portkey(base_url="http://127.0.0.1:9/v1")
    assert getattr(client, name) is getattr(client, name)  # cached
    sync_class: Type[Any] = type(getattr(client, name))
    async_class: Type[Any] = type(getattr(AsyncPortkey(base_url="http://127.0.0.1:9/v1"), name))
    assert async_class.__name__ == "Async" + sync_class.__name__
    assert getattr(platform, sync_class.__name__) is sync_class


def test_with_options_clients_have_the_resources_too() -> None:
    client = Portkey(base_url="http://127.0.0.1:9/v1").with_options(trace_id="t1")
    assert client.files.endpoint.path == "/files"


def test_platform_modules_load_on_first_use() -> None:
    code = (
        "import sys, portkey\n"
        "c = portkey.Portkey(base_url='http://127.0.0.1:9/v1')\n"
        "c.chat\n"
        "assert 'portkey.api_resources.resources.files' not in sys.modules\n"
        "assert 'portkey.api_resources.resources.control_plane' not in sys.modules\n"
        "c.files\n"
        "assert 'portkey.api_resources.resources.files' in sys.modules\n"
        "assert 'portkey.api_resources.resources.control_plane' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
