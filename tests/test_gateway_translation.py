"""End-to-end proof of the translation: for each mode, a config using every Portkey feature is
accepted by the real gateway (no 400), and the provider receives each target's key and
parameters."""

from typing import Any, List

import pytest
from provider_stub import ProviderStub, answer_text

from portkey import Config, LLMOptions, Portkey, RetrySettings

HI = [{"role": "user", "content": "Hi"}]


def full_llm(stub: ProviderStub, name: str, **extra: Any) -> LLMOptions:
    return LLMOptions(
        provider="openai",
        api_key=f"sk-key-for-{name}-0000000",
        custom_host=stub.host_for(name),
        model=f"model-{name}",
        temperature=0.2,
        max_tokens=16,
        top_p=0.9,
        stop=["END"],
        user="user-1",
        retry=RetrySettings(attempts=2, on_status_codes=[503]),
        cache_status="semantic",
        cache_age=60,
        metadata={"_user": "u1", "env": "test"},
        trace_id="trace-translation",
        request_timeout=10000,
        **extra,
    )


@pytest.mark.parametrize("mode", ["single", "fallback", "loadbalance", "ab_test"])
def test_every_feature_is_accepted_in_every_mode(
    mode: str, gateway_url: str, stub: ProviderStub
) -> None:
    names: List[str] = ["a"] if mode == "single" else ["a", "b"]
    weights = {"loadbalance": [0.5, 0.5], "ab_test": [1, 1]}.get(mode)
    llms = [
        full_llm(stub, name, **({"weight": weights[i]} if weights else {}))
        for i, name in enumerate(names)
    ]
    client = Portkey(base_url=gateway_url, config=Config(mode=mode, llms=llms))
    response = client.chat.completions.create(messages=HI)
    served = names[response.gateway.target_index or 0]
    assert response.choices[0].message.content == answer_text(served)
    assert response.gateway.trace_id == "trace-translation"
    # The open-source gateway accepts cache settings but caches only on the hosted service.
    assert response.gateway.cache_status == "DISABLED"
    seen = stub.requests(served)[-1]
    assert seen.headers["authorization"] == f"Bearer sk-key-for-{served}-0000000"
    for key, value in {"model": f"model-{served}", "temperature": 0.2, "max_tokens": 16,
                       "top_p": 0.9, "stop": ["END"], "user": "user-1"}.items():  # fmt: skip
        assert seen.json[key] == value, key
    for request_level in ("trace_id", "metadata", "retry", "cache"):
        assert request_level not in seen.json
