"""The module-level API (``portkey.ChatCompletions`` / ``portkey.Completions``) through the real
gateway and the provider stand-in: every mode, per-target retries, streaming, async, per-call
config, response objects, and the errors raised before anything is sent."""

import asyncio
import json
import threading
from typing import Any, List

import pytest
from provider_stub import ProviderStub, answer_text, status

import portkey
from portkey import (
    ChatCompletion,
    ChatCompletionChunk,
    Config,
    InvalidRequestError,
    LLMOptions,
    MissingAPIKeyError,
    MissingConfigError,
    TextCompletion,
)

KEY_A = "sk-target-a-000000000001"
KEY_B = "sk-target-b-000000000002"
HI = [{"role": "user", "content": "Hi"}]


def target(stub: ProviderStub, name: str, key: str = KEY_A, **extra: Any) -> LLMOptions:
    return LLMOptions(
        provider="openai",
        api_key=key,
        custom_host=stub.host_for(name),
        model=f"model-{name}",
        **extra,
    )


@pytest.fixture
def local(gateway_url: str) -> None:
    """Module globals pointing at the local gateway (restored by the autouse fixture)."""
    portkey.base_url = gateway_url
    portkey.api_key = None


# ---- the seed example and each mode ------------------------------------------------------------


def test_seed_000_example_verbatim(local: None, stub: ProviderStub) -> None:
    llm = LLMOptions(
        provider="openai",
        api_key=KEY_A,
        custom_host=stub.host_for("a"),
        trace_id="portkey_sdk_test",
        model="gpt-4",
        temperature=1,
        messages=[{"role": "user", "content": "Who are you?"}],
    )
    portkey.config = Config(mode="single", llms=[llm])
    response = portkey.ChatCompletions.create()
    assert isinstance(response, ChatCompletion)
    assert response.choices[0].message.content == answer_text("a")
    seen = stub.requests("a")[-1]
    assert seen.headers["authorization"] == f"Bearer {KEY_A}"
    assert seen.json["model"] == "gpt-4"
    assert seen.json["temperature"] == 1
    assert seen.json["messages"] == [{"role": "user", "content": "Who are you?"}]
    assert response.gateway.target_index == 0


def test_fallback_moves_past_a_failing_target(local: None, stub: ProviderStub) -> None:
    stub.script("a", status(503))
    portkey.config = Config(mode="fallback", llms=[target(stub, "a"), target(stub, "b", KEY_B)])
    response = portkey.ChatCompletions.create(messages=HI)
    assert response.choices[0].message.content == answer_text("b")
    assert response.gateway.target_index == 1
    assert response.gateway.last_used_option_index == "config.targets[1]"
    assert stub.requests("b")[-1].headers["authorization"] == f"Bearer {KEY_B}"
    assert stub.requests("b")[-1].json["model"] == "model-b"


def _served_by(stub: ProviderStub, config: Config, calls: int) -> List[int]:
    portkey.config = config
    return [
        portkey.ChatCompletions.create(messages=HI).gateway.target_index or 0 for _ in range(calls)
    ]


def test_loadbalance_split_follows_weights(local: None, stub: ProviderStub) -> None:
    config = Config(
        mode="loadbalance",
        llms=[target(stub, "a", weight=0.7), target(stub, "b", KEY_B, weight=0.3)],
    )
    served = _served_by(stub, config, 200)
    share_a = served.count(0) / len(served)
    # Binomial(200, 0.7): sd is about 0.032; 4 sd on each side leaves a 1 in 15,000 flake rate.
    assert 0.57 <= share_a <= 0.83, share_a
    assert len(stub.requests("a")) + len(stub.requests("b")) == 200


def test_ab_test_splits_evenly(local: None, stub: ProviderStub) -> None:
    config = Config(mode="ab_test", llms=[target(stub, "a"), target(stub, "b", KEY_B)])
    served = _served_by(stub, config, 200)
    share_a = served.count(0) / len(served)
    assert 0.36 <= share_a <= 0.64, share_a  # Binomial(200, 0.5) within 4 sd
    assert set(served) == {0, 1}


def test_per_target_retry_by_the_gateway(local: None, stub: ProviderStub) -> None:
    stub.script("a", status(503), status(503))
    portkey.config = Config(mode="single", llms=[target(stub, "a", retry=3)])
    response = portkey.ChatCompletions.create(messages=HI)
    assert response.choices[0].message.content == answer_text("a")
    assert response.gateway.retry_attempt_count == 2
    assert len(stub.requests("a")) == 3


def test_completions_with_prompt_from_the_config(local: None, stub: ProviderStub) -> None:
    portkey.config = Config(mode="single", llms=[target(stub, "a", prompt="Say hi")])
    response = portkey.Completions.create()
    assert isinstance(response, TextCompletion)
    assert response.choices[0].text == answer_text("a")
    assert stub.requests("a")[-1].json["prompt"] == "Say hi"
    assert stub.requests("a")[-1].endpoint == "/completions"


def test_per_call_config_overrides_the_global(local: None, stub: ProviderStub) -> None:
    portkey.config = Config(mode="single", llms=[target(stub, "a")])
    other = Config(mode="single", llms=[target(stub, "b", KEY_B)])
    assert portkey.ChatCompletions.create(messages=HI, config=other).choices[0].message.content == (
        answer_text("b")
    )
    as_dict = {"strategy": {"mode": "single"}, "targets": [other.to_gateway_config()["targets"][0]]}
    response = portkey.ChatCompletions.create(messages=HI, config=as_dict)
    assert response.choices[0].message.content == answer_text("b")
    assert portkey.ChatCompletions.create(messages=HI).choices[0].message.content == answer_text(
        "a"
    )


def test_global_changes_after_import_take_effect(
    local: None, stub: ProviderStub, monkeypatch: pytest.MonkeyPatch, gateway_url: str
) -> None:
    portkey.config = Config(mode="single", llms=[target(stub, "a")])
    portkey.base_url = None
    monkeypatch.setenv("PORTKEY_BASE_URL", gateway_url)
    assert portkey.ChatCompletions.create(messages=HI).choices[0].message.content == answer_text(
        "a"
    )
    portkey.config = Config(mode="single", llms=[target(stub, "b", KEY_B)])
    assert portkey.ChatCompletions.create(messages=HI).choices[0].message.content == answer_text(
        "b"
    )


# ---- streaming ---------------------------------------------------------------------------------


def test_chat_stream_through_the_gateway(local: None, stub: ProviderStub) -> None:
    stub.set_stream_chunks(7)
    portkey.config = Config(mode="single", llms=[target(stub, "a")])
    with portkey.ChatCompletions.create(messages=HI, stream=True) as stream:
        assert stream.gateway.target_index == 0
        chunks = list(stream)
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == answer_text("a")
    assert stub.requests("a")[-1].json["stream"] is True


def test_completion_stream_through_the_gateway(local: None, stub: ProviderStub) -> None:
    portkey.config = Config(mode="single", llms=[target(stub, "a")])
    stream = portkey.Completions.create(prompt="Say hi", stream=True)
    text = "".join(chunk.choices[0].text or "" for chunk in stream if chunk.choices)
    assert text == answer_text("a")


def test_async_chat_and_stream(local: None, stub: ProviderStub) -> None:
    portkey.config = Config(mode="fallback", llms=[target(stub, "a"), target(stub, "b", KEY_B)])
    stub.script("a", status(500))

    async def main() -> List[str]:
        first = await portkey.ChatCompletions.acreate(messages=HI)
        stream = await portkey.ChatCompletions.acreate(messages=HI, stream=True)
        pieces = [c.choices[0].delta.content or "" async for c in stream if c.choices]
        completion = await portkey.Completions.acreate(prompt="x")
        return [first.choices[0].message.content or "", "".join(pieces),
                completion.choices[0].text or ""]  # fmt: skip

    # Two event loops in a row: each gets its own pooled session, closed when it shuts down
    # (ResourceWarning is an error in this suite).
    assert asyncio.run(main()) == [answer_text("b"), answer_text("a"), answer_text("a")]
    assert asyncio.run(main())[1] == answer_text("a")


async def test_async_calls_share_one_session(local: None, stub: ProviderStub) -> None:
    from portkey.legacy import transports

    portkey.config = Config(mode="single", llms=[target(stub, "a")])
    requestor = transports.async_()
    await portkey.ChatCompletions.acreate(messages=HI)
    session = await requestor.session()
    results = await asyncio.gather(
        *(portkey.ChatCompletions.acreate(messages=HI) for _ in range(20))
    )
    assert await requestor.session() is session
    assert all(r.choices[0].message.content == answer_text("a") for r in results)


# ---- response objects ----------------------------------------------------------------------------


def test_response_object_features(local: None, stub: ProviderStub) -> None:
    portkey.config = Config(mode="single", llms=[target(stub, "a")])
    response = portkey.ChatCompletions.create(messages=HI)
    assert response["choices"][0]["message"]["content"] == answer_text("a")
    assert response.get("no_such_field", "default") == "default"
    assert json.loads(response.raw_json)["model"] == "model-a"
    assert response.to_dict()["usage"]["total_tokens"] == response.usage.total_tokens  # type: ignore[union-attr]
    assert "hello from a" in str(response)
    assert response.gateway.provider == "openai"
    assert response.gateway.cache_status is not None
    assert response.get_headers()["content-type"].startswith("application/json")


# ---- errors before anything is sent -----------------------------------------------------------


def test_missing_config_is_a_clear_error(local: None, stub: ProviderStub) -> None:
    portkey.config = None
    with pytest.raises(MissingConfigError, match=r"portkey\.config"):
        portkey.ChatCompletions.create(messages=HI)


def test_missing_messages_and_model(local: None, stub: ProviderStub) -> None:
    portkey.config = Config(mode="single", llms=[target(stub, "a")])
    with pytest.raises(InvalidRequestError) as info:
        portkey.ChatCompletions.create()
    assert info.value.field == "messages"
    with pytest.raises(InvalidRequestError) as info:
        portkey.ChatCompletions.create(messages="Hi")  # type: ignore[arg-type]
    assert info.value.field == "messages"
    no_model = LLMOptions(provider="openai", api_key=KEY_A, custom_host=stub.host_for("a"))
    portkey.config = Config(mode="single", llms=[no_model])
    with pytest.raises(InvalidRequestError) as info:
        portkey.ChatCompletions.create(messages=HI)
    assert info.value.field == "model"
    assert portkey.ChatCompletions.create(messages=HI, model="given").model == "given"
    assert len(stub.requests()) == 1  # only the last, valid call was sent


def test_hosted_gateway_without_api_key_fails_before_sending(
    stub: ProviderStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTKEY_API_KEY", raising=False)
    monkeypatch.delenv("PORTKEY_BASE_URL", raising=False)
    monkeypatch.delenv("PORTKEY_PROXY", raising=False)
    portkey.base_url = None
    portkey.config = Config(mode="single", llms=[target(stub, "a")])
    with pytest.raises(MissingAPIKeyError, match="PORTKEY_API_KEY"):
        portkey.ChatCompletions.create(messages=HI)


def test_per_call_trace_id_reaches_the_gateway(local: None, stub: ProviderStub) -> None:
    portkey.config = Config(mode="single", llms=[target(stub, "a")])
    response = portkey.ChatCompletions.create(messages=HI, trace_id="trace-per-call-1")
    assert response.gateway.trace_id == "trace-per-call-1"
    with pytest.raises(InvalidRequestError):
        portkey.ChatCompletions.create(messages=HI, trace_id="bad\r\nx-injected: 1")


# ---- threads ----------------------------------------------------------------------------------


def test_threads_with_different_per_call_configs_see_no_cross_talk(
    local: None, stub: ProviderStub
) -> None:
    configs = [Config(mode="single", llms=[target(stub, f"t{i}")]) for i in range(8)]
    mismatches: List[str] = []
    errors: List[BaseException] = []

    def worker(index: int) -> None:
        try:
            for _ in range(15):
                response = portkey.ChatCompletions.create(messages=HI, config=configs[index])
                if response.choices[0].message.content != answer_text(f"t{index}"):
                    mismatches.append(f"thread {index} got {response.choices[0].message.content}")
        except BaseException as exc:  # collected and re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert not mismatches, mismatches
    assert sum(len(stub.requests(f"t{i}")) for i in range(8)) == 8 * 15
