"""Clients own their connections: per-client transports, fork safety, closing one client never
touching another, loops closed by hand, ``http_client=``, and ``portkey_ai`` submodules.

Through the real gateway with the provider stand-in (which echoes the request's model in its
answer, so a unique model name per call tells whether an answer belongs to its request).
"""

import asyncio
import gc
import multiprocessing
import os
import warnings
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Dict, List, Tuple

import aiohttp
import pytest
import requests
from provider_stub import ProviderStub, slow

import portkey
from portkey import AsyncPortkey, Config, LLMOptions, Portkey

HI = [{"role": "user", "content": "Hi"}]


def target(stub: ProviderStub, name: str) -> Config:
    return Config(
        mode="single",
        llms=[LLMOptions(provider="openai", api_key="sk-own", custom_host=stub.host_for(name))],
    )


# ---- fork ----------------------------------------------------------------------------------

#: Set in the parent before forking; the children inherit it with its pooled connections.
_forked_client: Any = None


def _calls_in_child(tag: str, count: int = 50) -> Tuple[int, int, bool]:
    """In a forked child: ``count`` calls each through the inherited client and the module API,
    every one with a unique model name. Returns (calls, mismatches, fresh sockets?)."""
    inherited = _forked_client.requestor._session  # the parent's session object, if any
    mismatches = 0
    for index in range(count):
        marker = f"{tag}-{os.getpid()}-{index}"
        answer = _forked_client.chat.completions.create(model=marker, messages=HI)
        mismatches += answer.model != marker
        marker = f"{tag}-module-{os.getpid()}-{index}"
        answer = portkey.ChatCompletions.create(model=marker, messages=HI)
        mismatches += answer.model != marker
    fresh = _forked_client.requestor.session() is not inherited
    return 2 * count, mismatches, fresh


def _parent_calls(client: Portkey, count: int) -> int:
    mismatches = 0
    for index in range(count):
        marker = f"parent-{index}"
        mismatches += client.chat.completions.create(model=marker, messages=HI).model != marker
        marker = f"parent-module-{index}"
        mismatches += portkey.ChatCompletions.create(model=marker, messages=HI).model != marker
    return mismatches


@pytest.mark.parametrize("runner", ["multiprocessing", "ProcessPoolExecutor"])
def test_forked_children_never_use_the_parents_connections(
    gateway_url: str, stub: ProviderStub, runner: str
) -> None:
    global _forked_client
    _forked_client = Portkey(base_url=gateway_url, config=target(stub, "a"))
    portkey.base_url = gateway_url
    portkey.config = target(stub, "a")
    # The parent's pools hold open connections when the children are forked.
    _parent_calls(_forked_client, 2)
    context = multiprocessing.get_context("fork")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork of a threaded parent
        if runner == "multiprocessing":
            with context.Pool(3) as pool:
                pending = pool.map_async(_calls_in_child, ["a", "b", "c"])
                parent_mismatches = _parent_calls(_forked_client, 50)
                results = pending.get(timeout=120)
        else:
            with ProcessPoolExecutor(3, mp_context=context) as executor:
                futures = [executor.submit(_calls_in_child, tag) for tag in "xyz"]
                parent_mismatches = _parent_calls(_forked_client, 50)
                results = [future.result(timeout=120) for future in futures]
    assert parent_mismatches == 0
    assert [calls for calls, _, _ in results] == [100, 100, 100]
    assert [mismatches for _, mismatches, _ in results] == [0, 0, 0]
    assert all(fresh for _, _, fresh in results), "a child reused the parent's session"
    _forked_client.close()
    print(f"\nFORK ({runner}): 3 children x 100 calls + parent 100 calls, 0 cross-talk")


# ---- closing one client never touches another ------------------------------------------------


async def test_closing_one_async_client_leaves_anothers_calls_running(
    gateway_url: str, stub: ProviderStub
) -> None:
    stub.script("b", *[slow(0.3)] * 20)
    first = AsyncPortkey(base_url=gateway_url, config=target(stub, "a"))
    second = AsyncPortkey(base_url=gateway_url, config=target(stub, "b"), max_retries=0)
    await first.chat.completions.create(model="m", messages=HI)
    in_flight = [
        asyncio.ensure_future(second.chat.completions.create(model=f"m{i}", messages=HI))
        for i in range(20)
    ]
    await asyncio.sleep(0.1)  # the calls are on the wire
    await first.close()
    results = await asyncio.gather(*in_flight, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures == []
    assert [r.model for r in results] == [f"m{i}" for i in range(20)]
    assert first.requestor.open_sessions == 0
    assert second.requestor.open_sessions == 1
    await second.close()


def test_closing_one_sync_client_leaves_another_working(
    gateway_url: str, stub: ProviderStub
) -> None:
    first = Portkey(base_url=gateway_url, config=target(stub, "a"))
    second = Portkey(base_url=gateway_url, config=target(stub, "b"))
    first.chat.completions.create(model="m", messages=HI)
    second.chat.completions.create(model="m", messages=HI)
    assert first.requestor is not second.requestor
    first.close()
    assert first.requestor.closed and not second.requestor.closed
    assert second.chat.completions.create(model="m2", messages=HI).model == "m2"
    second.close()


def test_closing_a_with_options_copy_keeps_the_parents_connections(
    gateway_url: str, stub: ProviderStub
) -> None:
    parent = Portkey(base_url=gateway_url, config=target(stub, "a"))
    parent.chat.completions.create(model="m", messages=HI)
    copy = parent.with_options(trace_id="copy-1")
    assert copy.requestor is parent.requestor
    session = parent.requestor.session()
    copy.close()
    assert parent.requestor.session() is session
    assert parent.chat.completions.create(model="m2", messages=HI).model == "m2"
    with parent:
        pass  # leaving the block closes the parent's (and so the copy's) connections
    assert parent.requestor.closed


async def test_async_with_options_copy_close_keeps_the_parents_session(
    gateway_url: str, stub: ProviderStub
) -> None:
    async with AsyncPortkey(base_url=gateway_url, config=target(stub, "a")) as parent:
        copy = parent.with_options(trace_id="copy-1")
        await copy.chat.completions.create(model="m", messages=HI)
        await copy.close()
        assert parent.requestor.open_sessions == 1
        assert (await parent.chat.completions.create(model="m2", messages=HI)).model == "m2"
    assert parent.requestor.open_sessions == 0


# ---- event loops closed by hand ----------------------------------------------------------


def _live_sessions() -> List[aiohttp.ClientSession]:
    gc.collect()
    return [
        thing
        for thing in gc.get_objects()
        if isinstance(thing, aiohttp.ClientSession) and not thing.closed
    ]


def _run_on_hand_made_loops(client: AsyncPortkey, count: int) -> None:
    for index in range(count):
        loop = asyncio.new_event_loop()
        if index % 2:
            call = client.chat.completions.create(model=f"m{index}", messages=HI)
        else:
            call = portkey.ChatCompletions.acreate(model=f"m{index}", messages=HI)
        assert loop.run_until_complete(call).model == f"m{index}"
        loop.close()  # no shutdown_asyncgens(): the loop just goes


def test_loops_closed_by_hand_release_their_sessions(gateway_url: str, stub: ProviderStub) -> None:
    """Each loop's session is closed when the loop is closed: no session stays open, and aiohttp
    never reports an unclosed session or connector. (asyncio itself still warns about the idle
    keep-alive sockets of a loop closed without ``shutdown_asyncgens()``: a closed loop can no
    longer close its transports cleanly; see docs/reliability.md.)"""
    client = AsyncPortkey(base_url=gateway_url, config=target(stub, "a"))
    portkey.base_url = gateway_url
    portkey.config = target(stub, "a")
    before = len(_live_sessions())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _run_on_hand_made_loops(client, 100)
        for _ in range(3):
            gc.collect()
        live = _live_sessions()
    unclosed = [
        str(w.message)
        for w in caught
        if "Unclosed client session" in str(w.message) or "Unclosed connector" in str(w.message)
    ]
    assert unclosed == []
    assert len(live) - before == 0
    assert client.requestor.open_sessions == 0
    assert portkey.legacy.transports.async_().open_sessions == 0
    print(f"\nLOOPS: 100 loops closed by hand, {len(live) - before} live sessions, 0 unclosed")


def test_a_client_on_several_asyncio_run_loops(gateway_url: str, stub: ProviderStub) -> None:
    client = AsyncPortkey(base_url=gateway_url, config=target(stub, "a"))

    async def call(model: str) -> str:
        return (await client.chat.completions.create(model=model, messages=HI)).model

    assert [asyncio.run(call(f"run{i}")) for i in range(5)] == [f"run{i}" for i in range(5)]
    assert client.requestor.open_sessions == 0  # each run closed its loop's session


# ---- bring your own HTTP client ----------------------------------------------------------


def test_sync_http_client_is_used_and_left_open(gateway_url: str, stub: ProviderStub) -> None:
    session = requests.Session()
    session.headers["x-portkey-metadata"] = '{"_user": "from-my-session"}'
    client = Portkey(base_url=gateway_url, config=target(stub, "a"), http_client=session)
    assert client.chat.completions.create(model="mine", messages=HI).model == "mine"
    assert client.requestor.session() is session
    client.close()
    copy = client.with_options(trace_id="t")
    copy.close()
    # The session is still usable: the SDK never closed it.
    assert session.get(gateway_url.rsplit("/v1", 1)[0] + "/").status_code < 500
    session.close()


async def test_async_http_client_is_used_and_left_open(
    gateway_url: str, stub: ProviderStub
) -> None:
    async with aiohttp.ClientSession() as session:
        client = AsyncPortkey(base_url=gateway_url, config=target(stub, "a"), http_client=session)
        answer = await client.chat.completions.create(model="mine", messages=HI)
        assert answer.model == "mine"
        assert await client.requestor.session() is session
        await client.close()
        assert not session.closed
        answer = await client.chat.completions.create(model="again", messages=HI)
        assert answer.model == "again"


def test_http_client_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(TypeError, match=r"requests\.Session"):
        Portkey(base_url="http://127.0.0.1:9/v1", provider="openai", http_client=object())
    with pytest.raises(TypeError, match=r"aiohttp\.ClientSession"):
        AsyncPortkey(base_url="http://127.0.0.1:9/v1", provider="openai", http_client="x")


def test_with_options_can_take_its_own_http_client(gateway_url: str, stub: ProviderStub) -> None:
    parent = Portkey(base_url=gateway_url, config=target(stub, "a"))
    session = requests.Session()
    copy = parent.with_options(http_client=session)
    assert copy.requestor is not parent.requestor
    assert copy.chat.completions.create(model="c", messages=HI).model == "c"
    assert copy.requestor.session() is session
    session.close()
    parent.close()


# ---- portkey_ai: one module per name ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "api_resources",
        "api_resources.config",
        "api_resources.client",
        "api_resources.exceptions",
        "api_resources.resources.chat",
        "legacy",
        "config_file",
    ],
)
def test_portkey_ai_submodules_are_the_portkey_modules(name: str) -> None:
    import importlib

    alias = importlib.import_module(f"portkey_ai.{name}")
    assert alias is importlib.import_module(f"portkey.{name}")
    assert alias.__name__ == f"portkey.{name}"


def test_a_config_imported_through_portkey_ai_is_accepted() -> None:
    from portkey_ai.api_resources.config import Config as AliasConfig
    from portkey_ai.api_resources.config import LLMOptions as AliasLLM

    config = AliasConfig(mode="single", llms=[AliasLLM(provider="openai", api_key="sk-1")])
    client = Portkey(base_url="http://127.0.0.1:9/v1", config=config)
    assert '"provider":"openai"' in client.options.headers["x-portkey-config"]


def test_module_api_rebuilds_its_client_when_a_global_changes(
    gateway_url: str, stub: ProviderStub
) -> None:
    from portkey import legacy

    portkey.base_url = gateway_url
    portkey.config = target(stub, "a")
    portkey.ChatCompletions.create(model="m", messages=HI)
    first = legacy.default_client()
    portkey.ChatCompletions.create(model="m", messages=HI)
    assert legacy.default_client() is first  # nothing changed: same client
    portkey.timeout = 30.0
    portkey.ChatCompletions.create(model="m", messages=HI)
    rebuilt = legacy.default_client()
    assert rebuilt is not first and rebuilt.options.timeout == 30.0
    # Rebuilding keeps the connections: both clients send through the module's transport.
    assert rebuilt.sync_client().requestor is first.sync_client().requestor
    config_dict: Dict[str, Any] = {
        "mode": "single",
        "llms": [{"provider": "openai", "api_key": "sk-d", "custom_host": stub.host_for("a")}],
    }
    portkey.config = config_dict
    portkey.ChatCompletions.create(model="m", messages=HI)
    built = legacy.default_client()
    config_dict["llms"][0]["custom_host"] = stub.host_for("b")  # changed in place
    assert portkey.ChatCompletions.create(model="m", messages=HI)
    assert legacy.default_client() is not built
    assert [r.target for r in stub.requests()][-1] == "b"


#: An async client the parent used on a loop it keeps open across the fork.
_forked_async_client: Any = None


def _async_calls_in_child(tag: str, count: int = 50) -> Tuple[int, int]:
    async def calls() -> int:
        mismatches = 0
        for index in range(count):
            marker = f"{tag}-{os.getpid()}-{index}"
            answer = await _forked_async_client.chat.completions.create(model=marker, messages=HI)
            mismatches += answer.model != marker
            marker = f"{tag}-module-{os.getpid()}-{index}"
            answer = await portkey.ChatCompletions.acreate(model=marker, messages=HI)
            mismatches += answer.model != marker
        return mismatches

    return 2 * count, asyncio.run(calls())


def test_forked_children_make_async_calls_on_their_own_connections(
    gateway_url: str, stub: ProviderStub
) -> None:
    global _forked_async_client
    _forked_async_client = AsyncPortkey(base_url=gateway_url, config=target(stub, "a"))
    portkey.base_url = gateway_url
    portkey.config = target(stub, "a")
    parent_loop = asyncio.new_event_loop()  # kept open (with pooled connections) over the fork

    async def parent_calls(count: int) -> int:
        mismatches = 0
        for index in range(count):
            marker = f"parent-async-{index}"
            answer = await _forked_async_client.chat.completions.create(model=marker, messages=HI)
            mismatches += answer.model != marker
            answer = await portkey.ChatCompletions.acreate(model=marker + "m", messages=HI)
            mismatches += answer.model != marker + "m"
        return mismatches

    parent_loop.run_until_complete(parent_calls(2))
    context = multiprocessing.get_context("fork")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with ProcessPoolExecutor(2, mp_context=context) as executor:
            futures = [executor.submit(_async_calls_in_child, tag) for tag in "pq"]
            parent_mismatches = parent_loop.run_until_complete(parent_calls(50))
            results = [future.result(timeout=120) for future in futures]
    parent_loop.run_until_complete(_forked_async_client.close())
    parent_loop.run_until_complete(portkey.aclose())
    parent_loop.run_until_complete(parent_loop.shutdown_asyncgens())
    parent_loop.close()
    assert parent_mismatches == 0
    assert results == [(100, 0), (100, 0)]
