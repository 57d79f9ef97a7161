"""Async calls with many in flight: ``acreate`` and ``AsyncPortkey`` against raw aiohttp.

The raw baseline is one ``aiohttp.ClientSession()`` with its defaults (a connector of 100
connections), ``async with session.post(url, data=json.dumps(body).encode(),
headers=headers)``, then ``raise_for_status()`` and ``json.loads`` of the answer. Each run
keeps ``concurrency`` calls in flight: that many workers, each making its share of the calls
one after another.
"""

import asyncio
from typing import Awaitable, Callable, Dict, Mapping, Optional

import aiohttp

import portkey
from portkey import AsyncPortkey, Config

from .harness import AsyncRun, Samples, ainterleave, in_flight
from .workload import MESSAGES, RawRequest, client_params, configure_module, decode

AsyncCall = Callable[[], Awaitable[object]]


def concurrent(call: AsyncCall, concurrency: int) -> AsyncRun:
    """An :data:`AsyncRun` making ``n`` calls with ``concurrency`` in flight."""

    async def run(n: int) -> float:
        return await in_flight(call, n, concurrency)

    return run


async def _measure(
    base_url: str,
    config: Config,
    calls: int,
    blocks: int,
    warmup: int,
    concurrency: int,
    extra: Mapping[str, AsyncCall],
) -> Dict[str, Samples]:
    configure_module(base_url, config)
    client = AsyncPortkey(**client_params(base_url, config))
    raw = RawRequest(base_url, config)
    async with aiohttp.ClientSession() as session:

        async def module_call() -> object:
            return await portkey.ChatCompletions.acreate(messages=MESSAGES)

        async def client_call() -> object:
            return await client.chat.completions.create(messages=MESSAGES)

        async def raw_call() -> object:
            async with session.post(raw.url, data=raw.encode(), headers=raw.headers) as response:
                response.raise_for_status()
                return decode(await response.read())

        calls_by_name: Dict[str, AsyncCall] = {
            "module": module_call,
            "client": client_call,
            "raw": raw_call,
            **extra,
        }
        runs = {name: concurrent(call, concurrency) for name, call in calls_by_name.items()}
        for run in runs.values():
            await run(warmup)
        results = await ainterleave(runs, calls, blocks)
    await client.close()
    return results


def measure_async(
    base_url: str,
    config: Config,
    *,
    calls: int,
    blocks: int,
    warmup: int,
    concurrency: int,
    extra: Optional[Mapping[str, AsyncCall]] = None,
) -> Dict[str, Samples]:
    """Wall seconds per call (total wall time / calls) of each run, one figure per block."""
    return asyncio.run(
        _measure(base_url, config, calls, blocks, warmup, concurrency, dict(extra or {}))
    )
