"""Fault injection through the real gateway and the provider stand-in.

Every scenario ends in a success (SDK retry, gateway retry or fallback) or in a typed
``PortkeyError`` with a useful message, within a bound: 0 silent losses, 0 hangs. Each test prints
one line (``pytest -s``); the module prints the totals at the end. Each scenario runs with the
sync client and with the async one (the async call under ``asyncio.wait_for``).

Where the fault sits: ``gateway`` scenarios script the provider behind the real gateway;
``direct`` ones make the stand-in play the gateway itself, for faults on the SDK's own hop
(a reset or a broken body the gateway would have turned into a 500); ``down`` points at a port
nobody listens on.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Type, Union

import pytest
from provider_stub import (
    Action,
    ProviderStub,
    answer_text,
    cut_stream,
    empty_body,
    html_error,
    malformed_json,
    reset,
    slow,
    status,
)

from portkey import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncPortkey,
    Config,
    InternalServerError,
    LLMOptions,
    Portkey,
    PortkeyError,
    RateLimitError,
    StreamInterruptedError,
)
from portkey.local.gateway import LocalGateway, free_port

PROVIDER_KEY = "sk-fault-provider-key-0001"
HI = [{"role": "user", "content": "Hi"}]
STREAM_CHUNKS = 6
# Slack on top of a scenario's own bound for scheduling on a busy 2-core machine.
GRACE = 3.0

Target = Tuple[str, Dict[str, Any]]


@dataclass(frozen=True)
class Scenario:
    """One fault, where it is injected, the client settings, and the outcome it must end in."""

    name: str
    via: str  # "gateway" | "direct" | "down"
    script: Sequence[Tuple[str, Sequence[Action]]] = ()
    targets: Sequence[Target] = (("a", {}),)
    mode: str = "single"
    client: Dict[str, Any] = field(default_factory=dict)
    stream: bool = False
    expect: Union[str, Type[PortkeyError]] = "a"  # a target name: success served by it
    message: str = ""  # must appear in the exception's message
    bound: float = 2.0  # seconds the call may take at most (plus GRACE)
    at_least: float = 0.0  # seconds the call must take (Retry-After honoured)
    requests: Optional[Dict[str, int]] = None  # requests each target must have seen


def _codes_fallback(code: int) -> Scenario:
    return Scenario(
        f"{code}-fallback",
        "gateway",
        script=[("a", [status(code)])],
        targets=[("a", {}), ("b", {})],
        mode="fallback",
        client={"max_retries": 0},
        expect="b",
        requests={"a": 1, "b": 1},
    )


def _codes_sdk_retry(code: int) -> Scenario:
    return Scenario(
        f"{code}-sdk-retry",
        "gateway",
        script=[("a", [status(code)])],
        client={"max_retries": 1},
        expect="a",
        requests={"a": 2},
    )


SCENARIOS: List[Scenario] = [
    Scenario(
        "429-retry-after-honoured",
        "gateway",
        script=[("a", [status(429, None, {"Retry-After": "0.3"})])],
        client={"max_retries": 1},
        expect="a",
        at_least=0.3,
        requests={"a": 2},
    ),
    Scenario(
        "429-no-retries-left",
        "gateway",
        script=[("a", [status(429, None, {"Retry-After": "0.3"})])],
        client={"max_retries": 0},
        expect=RateLimitError,
        message="scripted status 429",
        requests={"a": 1},
    ),
    Scenario(
        "429-gateway-retry",
        "gateway",
        script=[("a", [status(429, None, {"Retry-After": "1"})])],
        targets=[("a", {"retry": 1})],
        client={"max_retries": 0},
        expect="a",
        bound=3.0,
        requests={"a": 2},
    ),
    *[_codes_fallback(code) for code in (500, 502, 503, 504)],
    *[_codes_sdk_retry(code) for code in (500, 502, 503, 504)],
    Scenario(
        "5xx-retries-exhausted",
        "gateway",
        script=[("a", [status(502)] * 3)],
        client={"max_retries": 2},
        expect=InternalServerError,
        message="scripted status 502",
        requests={"a": 3},
    ),
    Scenario(
        "slow-past-request_timeout-fallback",
        "gateway",
        script=[("a", [slow(5)])],
        targets=[("a", {"request_timeout": 300}), ("b", {})],
        mode="fallback",
        client={"max_retries": 0},
        expect="b",
        requests={"a": 1, "b": 1},
    ),
    Scenario(
        "slow-past-request_timeout",
        "gateway",
        script=[("a", [slow(5)])],
        targets=[("a", {"request_timeout": 300})],
        client={"max_retries": 0},
        expect=APIStatusError,
        message="timeout",
    ),
    Scenario(
        "slow-past-sdk-timeout",
        "gateway",
        script=[("a", [slow(5)])],
        client={"max_retries": 0, "timeout": 0.5},
        expect=APITimeoutError,
        message="/chat/completions",
    ),
    Scenario(
        "slow-past-sdk-timeout-retried",
        "gateway",
        script=[("a", [slow(5)])],
        client={"max_retries": 1, "timeout": 0.5},
        expect="a",
        requests={"a": 2},
    ),
    Scenario(
        "provider-reset-fallback",
        "gateway",
        script=[("a", [reset()])],
        targets=[("a", {}), ("b", {})],
        mode="fallback",
        client={"max_retries": 0},
        expect="b",
    ),
    Scenario(
        "provider-reset",
        "gateway",
        script=[("a", [reset()])],
        client={"max_retries": 0},
        expect=InternalServerError,
        message="ECONNRESET",
    ),
    Scenario(
        "gateway-hop-reset",
        "direct",
        script=[("default", [reset()])],
        client={"max_retries": 0},
        expect=APIConnectionError,
        message="/chat/completions",
    ),
    Scenario(
        "gateway-hop-reset-retried",
        "direct",
        script=[("default", [reset()])],
        client={"max_retries": 1},
        expect="default",
    ),
    Scenario(
        "stream-cut-before-first-chunk",
        "gateway",
        script=[("a", [cut_stream(0)])],
        client={"max_retries": 0},
        stream=True,
        expect=StreamInterruptedError,
        message="0 chunks",
    ),
    Scenario(
        # The gateway may drop chunks it had not yet relayed when its upstream breaks, so the
        # count the caller gets is at most 3; the error states exactly how many it got.
        "stream-cut-after-3-chunks",
        "gateway",
        script=[("a", [cut_stream(3)])],
        client={"max_retries": 0},
        stream=True,
        expect=StreamInterruptedError,
        message="chunks without the [DONE] marker",
    ),
    Scenario(
        "stream-cut-after-3-chunks-gateway-hop",
        "direct",
        script=[("default", [cut_stream(3)])],
        client={"max_retries": 0},
        stream=True,
        expect=StreamInterruptedError,
        message="after 3 chunks",
    ),
    Scenario("stream-complete", "gateway", client={"max_retries": 0}, stream=True, expect="a"),
    Scenario(
        "malformed-json",
        "gateway",
        script=[("a", [malformed_json()])],
        client={"max_retries": 0},
        expect=InternalServerError,
        message="Something went wrong",
    ),
    Scenario(
        "malformed-json-retried",
        "gateway",
        script=[("a", [malformed_json()])],
        client={"max_retries": 1},
        expect="a",
    ),
    Scenario(
        "malformed-json-gateway-hop",
        "direct",
        script=[("default", [malformed_json()])],
        client={"max_retries": 0},
        expect=APIResponseValidationError,
        message="not valid JSON",
    ),
    Scenario(
        "empty-body",
        "gateway",
        script=[("a", [empty_body()])],
        client={"max_retries": 0},
        expect=InternalServerError,
        message="Something went wrong",
    ),
    Scenario(
        "empty-body-gateway-hop",
        "direct",
        script=[("default", [empty_body()])],
        client={"max_retries": 0},
        expect=APIResponseValidationError,
        message="not valid JSON",
    ),
    Scenario(
        "html-error-page-fallback",
        "gateway",
        script=[("a", [html_error(502)])],
        targets=[("a", {}), ("b", {})],
        mode="fallback",
        client={"max_retries": 0},
        expect="b",
    ),
    Scenario(
        "html-error-page",
        "gateway",
        script=[("a", [html_error(503)])],
        client={"max_retries": 0},
        expect=InternalServerError,
        message="503 Error",
    ),
    Scenario(
        "html-error-page-gateway-hop",
        "direct",
        script=[("default", [html_error(502)])],
        client={"max_retries": 0},
        expect=InternalServerError,
        message="non-JSON (HTML)",
    ),
    Scenario(
        "gateway-down",
        "down",
        client={"max_retries": 2},
        expect=APIConnectionError,
        message="127.0.0.1",
    ),
    Scenario(
        "gateway-down-stream",
        "down",
        client={"max_retries": 0},
        stream=True,
        expect=APIConnectionError,
        message="127.0.0.1",
    ),
]


# ---- outcome accounting ----------------------------------------------------------------------


@dataclass
class Tally:
    """Outcomes of every fault call in this module."""

    outcomes: Dict[str, int] = field(default_factory=dict)
    slowest: float = 0.0

    def add(self, outcome: str, seconds: float) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        self.slowest = max(self.slowest, seconds)

    def line(self) -> str:
        total = sum(self.outcomes.values())
        parts = " ".join(f"{name}={count}" for name, count in sorted(self.outcomes.items()))
        return f"FAULTS total={total} {parts} slowest={self.slowest:.2f}s"


@pytest.fixture(scope="module")
def tally() -> Iterator[Tally]:
    """Counts outcomes across the module and prints the totals at its end."""
    counts = Tally()
    yield counts
    print(f"\n{counts.line()}")


@dataclass
class Result:
    """What one call produced: a response/chunks, or an exception, and how long it took."""

    seconds: float
    text: Optional[str] = None
    target_index: Optional[int] = None
    chunks: int = 0
    error: Optional[BaseException] = None


def classify(scenario: Scenario, result: Result) -> str:
    """``success``, ``typed-error``, or the failure kinds the suite must never see."""
    if result.seconds > scenario.bound + GRACE:
        return "hang"
    if result.error is not None:
        return "typed-error" if isinstance(result.error, PortkeyError) else "untyped-error"
    if not result.text:
        return "silent-loss"  # returned, but with no answer and no exception
    return "success"


def check(scenario: Scenario, result: Result, stub: ProviderStub, tally: Tally, api: str) -> None:
    """Record the outcome, print it, and assert it is the one the scenario expects."""
    outcome = classify(scenario, result)
    tally.add(outcome, result.seconds)
    detail = (
        f"{type(result.error).__name__}: {result.error}"
        if result.error is not None
        else f"{result.text!r} target={result.target_index} chunks={result.chunks}"
    )
    print(f"\nFAULT {scenario.name} [{api}] {outcome} {result.seconds:.2f}s {detail[:140]}")
    assert outcome in ("success", "typed-error"), detail
    assert result.seconds >= scenario.at_least
    if isinstance(scenario.expect, str):
        assert result.error is None, detail
        assert result.text == answer_text(scenario.expect)
        if scenario.via == "gateway":
            names = [name for name, _ in scenario.targets]
            assert result.target_index == names.index(scenario.expect)
    else:
        assert isinstance(result.error, scenario.expect), detail
        message = str(result.error)
        assert scenario.message in message
        if isinstance(result.error, StreamInterruptedError):
            assert result.error.chunks_received == result.chunks <= STREAM_CHUNKS - 3
        assert len(message) > 20  # says what happened, not just a code
    if scenario.requests is not None:
        seen = {name: len(stub.requests(name)) for name in scenario.requests}
        assert seen == scenario.requests


# ---- clients -----------------------------------------------------------------------------------


def client_params(scenario: Scenario, stub: ProviderStub, gateway_url: str) -> Dict[str, Any]:
    """The client parameters that put the scenario's fault on the call's path."""
    params: Dict[str, Any] = dict(scenario.client)
    if scenario.via == "gateway":
        llms = [
            LLMOptions(
                provider="openai", api_key=PROVIDER_KEY, custom_host=stub.host_for(name), **extra
            )
            for name, extra in scenario.targets
        ]
        params.update(base_url=gateway_url, config=Config(mode=scenario.mode, llms=llms))
    elif scenario.via == "direct":
        params.update(base_url=f"{stub.url}/v1", provider="openai")
    else:
        params.update(base_url=f"http://127.0.0.1:{free_port()}/v1", provider="openai")
    return params


def prepare(scenario: Scenario, stub: ProviderStub) -> None:
    stub.set_stream_chunks(STREAM_CHUNKS)
    for name, actions in scenario.script:
        stub.script(name, *actions)


def run_sync(scenario: Scenario, client: Portkey) -> Result:
    started = time.monotonic()
    result = Result(seconds=0.0)
    try:
        if scenario.stream:
            pieces: List[str] = []
            with client.chat.completions.create(model="m", messages=HI, stream=True) as stream:
                result.target_index = stream.gateway.target_index
                for chunk in stream:
                    result.chunks += 1
                    pieces.extend(choice.delta.content or "" for choice in chunk.choices)
            result.text = "".join(pieces)
        else:
            response = client.chat.completions.create(model="m", messages=HI)
            result.text = response.choices[0].message.content if response.choices else None
            result.target_index = response.gateway.target_index
    except Exception as exc:  # classified, not swallowed: check() asserts on it
        result.error = exc
    result.seconds = time.monotonic() - started
    return result


async def run_async(scenario: Scenario, client: AsyncPortkey) -> Result:
    started = time.monotonic()
    result = Result(seconds=0.0)

    async def call() -> None:
        if scenario.stream:
            pieces: List[str] = []
            stream = await client.chat.completions.create(model="m", messages=HI, stream=True)
            async with stream:
                result.target_index = stream.gateway.target_index
                async for chunk in stream:
                    result.chunks += 1
                    pieces.extend(choice.delta.content or "" for choice in chunk.choices)
            result.text = "".join(pieces)
        else:
            response = await client.chat.completions.create(model="m", messages=HI)
            result.text = response.choices[0].message.content if response.choices else None
            result.target_index = response.gateway.target_index

    try:
        await asyncio.wait_for(call(), timeout=scenario.bound + GRACE)
    except asyncio.TimeoutError:
        result.seconds = time.monotonic() - started
        return result  # classified as a hang
    except Exception as exc:
        result.error = exc
    result.seconds = time.monotonic() - started
    return result


IDS = [scenario.name for scenario in SCENARIOS]


@pytest.mark.timeout(20)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_fault_sync(
    scenario: Scenario, stub: ProviderStub, gateway_url: str, fast_retries: None, tally: Tally
) -> None:
    prepare(scenario, stub)
    client = Portkey(**client_params(scenario, stub, gateway_url))
    check(scenario, run_sync(scenario, client), stub, tally, "sync")


@pytest.mark.timeout(20)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
async def test_fault_async(
    scenario: Scenario, stub: ProviderStub, gateway_url: str, fast_retries: None, tally: Tally
) -> None:
    prepare(scenario, stub)
    async with AsyncPortkey(**client_params(scenario, stub, gateway_url)) as client:
        result = await run_async(scenario, client)
    check(scenario, result, stub, tally, "async")


# ---- a gateway restarted or stopped between calls ----------------------------------------------


@pytest.fixture(scope="module")
def own_gateway() -> Iterator[LocalGateway]:
    """A gateway of this module's own, so restarting it disturbs no other test."""
    local = LocalGateway(install_dir=Path(__file__).resolve().parents[1])
    local.start()
    try:
        yield local
    finally:
        local.stop()


def restart_client_params(stub: ProviderStub, gateway: LocalGateway) -> Dict[str, Any]:
    llm = LLMOptions(provider="openai", api_key=PROVIDER_KEY, custom_host=stub.host_for("a"))
    return {"base_url": gateway.base_url, "config": Config(mode="single", llms=[llm])}


def timed(call: Callable[[], Any]) -> Tuple[Any, float]:
    started = time.monotonic()
    value = call()
    return value, time.monotonic() - started


@pytest.mark.timeout(60)
def test_gateway_restarted_between_calls_sync(
    stub: ProviderStub, own_gateway: LocalGateway, fast_retries: None, tally: Tally
) -> None:
    client = Portkey(**restart_client_params(stub, own_gateway))
    first = client.chat.completions.create(model="m", messages=HI)
    # The pooled connection to the old process is dead now; the same client must notice.
    own_gateway.restart()
    second, seconds = timed(lambda: client.chat.completions.create(model="m", messages=HI))
    assert first.choices[0].message.content == second.choices[0].message.content
    assert second.choices[0].message.content == answer_text("a")
    tally.add("success", seconds)
    print(f"\nFAULT gateway-restarted [sync] success {seconds:.2f}s")


@pytest.mark.timeout(60)
async def test_gateway_restarted_between_calls_async(
    stub: ProviderStub, own_gateway: LocalGateway, fast_retries: None, tally: Tally
) -> None:
    async with AsyncPortkey(**restart_client_params(stub, own_gateway)) as client:
        first = await client.chat.completions.create(model="m", messages=HI)
        await asyncio.get_running_loop().run_in_executor(None, own_gateway.restart)
        started = time.monotonic()
        second = await asyncio.wait_for(
            client.chat.completions.create(model="m", messages=HI), timeout=GRACE
        )
        seconds = time.monotonic() - started
    assert first.choices[0].message.content == second.choices[0].message.content
    assert second.choices[0].message.content == answer_text("a")
    tally.add("success", seconds)
    print(f"\nFAULT gateway-restarted [async] success {seconds:.2f}s")


@pytest.mark.timeout(60)
def test_gateway_stopped_then_started_again(
    stub: ProviderStub, own_gateway: LocalGateway, fast_retries: None, tally: Tally
) -> None:
    client = Portkey(max_retries=1, **restart_client_params(stub, own_gateway))
    assert client.chat.completions.create(model="m", messages=HI).choices
    own_gateway.stop()
    try:
        started = time.monotonic()
        with pytest.raises(APIConnectionError) as info:
            client.chat.completions.create(model="m", messages=HI)
        seconds = time.monotonic() - started
        assert own_gateway.base_url.rsplit("/", 1)[0] in str(info.value)
        assert seconds < GRACE
        tally.add("typed-error", seconds)
    finally:
        own_gateway.start()
    back = client.chat.completions.create(model="m", messages=HI)
    assert back.choices[0].message.content == answer_text("a")
    tally.add("success", 0.0)
    print(f"\nFAULT gateway-stopped [sync] typed-error {seconds:.2f}s, then success after start")


async def test_async_timeout_message_names_the_limit(stub: ProviderStub) -> None:
    """asyncio's TimeoutError has no text; the message used to end in "TimeoutError: "."""
    stub.script("default", slow(3))
    async with AsyncPortkey(base_url=f"{stub.url}/v1", max_retries=0, timeout=0.3) as client:
        with pytest.raises(APITimeoutError, match=r"no answer within the timeout of 0\.3 s"):
            await client.chat.completions.create(model="m", messages=HI)
