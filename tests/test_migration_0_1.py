"""Code written for the 0.1.x SDK, run as it was written, through the real gateway.

The calls below are the 0.1.53 repository's own tests and README (tests/test_anthropic.py,
tests/test_cohere.py, tests/test_azure_openai.py, tests/test_openai.py), changed only where
they reached the internet: ``virtual_key=`` (a hosted-service key) became ``api_key=`` plus a
``custom_host`` pointing at a local provider stand-in. They pin the rows of docs/migration.md
that say "nothing to change".
"""

from __future__ import annotations

import json
import warnings
from typing import Iterator

import pytest
from native_providers import ANTHROPIC, AZURE, COHERE, NativeProviders, answer_text
from provider_stub import ProviderStub, status

import portkey
from portkey import Config, LLMOptions, Modes, Portkey
from portkey.local.gateway import LocalGateway

QUESTION = "why is the sky blue ?"


@pytest.fixture(scope="module")
def natives() -> Iterator[NativeProviders]:
    with NativeProviders() as running:
        yield running


@pytest.fixture
def native(natives: NativeProviders) -> NativeProviders:
    natives.reset()
    return natives


@pytest.fixture
def client(gateway_url: str) -> object:
    """``client = portkey`` as the 0.1.x tests wrote it, pointed at the local gateway."""
    portkey.base_url = gateway_url
    portkey.api_key = None
    return portkey


def test_anthropic_text_completion_with_all_params(client: object, native: NativeProviders) -> None:
    """0.1.53 tests/test_anthropic.py::test_method_create_with_all_params_non_stream."""
    config = Config(
        mode="single",
        llms=LLMOptions(
            api_key="sk-ant-000000000001",
            custom_host=native.host_for(ANTHROPIC),
            provider="anthropic",
            metadata={"_user": "portkey-python-sdk"},
            model="claude-2",
        ),
    )
    portkey.config = config
    completion = portkey.Completions.create(
        max_tokens=256,
        prompt=QUESTION,
        stop_sequences=["string", "string", "string"],
        stream=False,
        temperature=1,
        top_k=5,
        top_p=0.7,
    )

    assert completion.choices[0].text == answer_text(ANTHROPIC)
    (seen,) = native.requests(ANTHROPIC)
    # The gateway wraps the prompt the way Anthropic's Text Completions API requires.
    assert seen.path == "/complete"
    assert seen.json["prompt"] == f"\n\nHuman: {QUESTION}\n\nAssistant:"
    assert seen.json["model"] == "claude-2"
    assert seen.json["max_tokens_to_sample"] == 256
    assert (seen.json["temperature"], seen.json["top_k"], seen.json["top_p"]) == (1, 5, 0.7)


def test_cohere_text_completion_llm_model_wins(client: object, native: NativeProviders) -> None:
    """0.1.53 tests/test_cohere.py::test_method_create_non_stream: the call names an OpenAI
    model, the LLM names Cohere's; the LLM's value wins, as it did then."""
    portkey.config = Config(
        mode="single",
        llms=LLMOptions(
            api_key="co-000000000002",
            custom_host=native.host_for(COHERE),
            provider="cohere",
            metadata={"_user": "portkey-python-sdk"},
            model="command-nightly",
        ),
    )
    completion = portkey.Completions.create(
        max_tokens=256, prompt=QUESTION, model="text-davinci-003"
    )

    assert completion.choices[0].text == answer_text(COHERE)
    (seen,) = native.requests(COHERE)
    assert seen.path == "/v1/generate"
    assert seen.json["model"] == "command-nightly"
    assert seen.json["prompt"] == QUESTION
    assert seen.json["max_tokens"] == 256


def test_azure_chat_without_model(client: object, native: NativeProviders) -> None:
    """0.1.53 tests/test_azure_openai.py::test_method_create_with_all_params_non_stream."""
    config = Config(
        mode="single",
        llms=LLMOptions(
            api_key="azure-000000000003",
            custom_host=native.host_for(AZURE),
            provider="azure-openai",
            metadata={"_user": "portkey-python-sdk"},
            api_version="2023-03-15-preview",
            resource_name="portkey",
            deployment_id="turbo-16k",
            retry={"attempts": 5, "on_status_codes": [429]},
        ),
    )
    portkey.config = config
    completion = portkey.ChatCompletions.create(
        max_tokens=256,
        messages=[{"role": "user", "content": QUESTION}],
        stop_sequences=["string", "string", "string"],
        stream=False,
        temperature=1,
        top_k=5,
        top_p=0.7,
    )

    assert completion.choices[0].message.content == answer_text(AZURE)
    assert native.requests(AZURE)[0].path == "/deployments/turbo-16k/chat/completions"


def test_module_mode_and_config_key_and_url(gateway_url: str, stub: ProviderStub) -> None:
    """``portkey.mode`` as the mode of a Config built without one, and ``Config(api_key=...,
    base_url=...)`` as the key and URL of its calls (0.1.x utils.Config)."""
    stub.script("first", status(503))
    portkey.base_url = None
    portkey.api_key = None
    portkey.mode = Modes.FALLBACK
    portkey.config = Config(
        api_key="pk-old-000000000004",
        base_url=gateway_url,
        llms=[
            LLMOptions(provider="openai", api_key="sk-a-00000000005",
                       custom_host=stub.host_for("first"), model="gpt-4"),
            LLMOptions(provider="openai", api_key="sk-b-00000000006",
                       custom_host=stub.host_for("second"), model="gpt-3.5-turbo"),
        ],
    )  # fmt: skip

    response = portkey.ChatCompletions.create(messages=[{"role": "user", "content": QUESTION}])

    assert response.choices[0].message.content == answer_text("second")
    assert response.gateway.target_index == 1
    assert stub.requests("second")[0].json["model"] == "gpt-3.5-turbo"


def test_response_and_chunk_access_old_code_used(client: object, stub: ProviderStub) -> None:
    """Dict-style access on responses, messages and stream chunks, and pydantic v1's
    ``.dict()``, as 0.1.x models offered them."""
    portkey.config = Config(
        mode="single",
        llms=LLMOptions(provider="openai", api_key="sk-c-00000000007",
                        custom_host=stub.host_for("a"), model="gpt-4"),
    )  # fmt: skip
    messages = [{"role": "user", "content": QUESTION}]

    response = portkey.ChatCompletions.create(messages=messages)
    chunks = list(portkey.ChatCompletions.create(messages=messages, stream=True))

    assert response["choices"][0]["message"]["content"] == answer_text("a")
    assert response.choices[0].message["content"] == response.get("choices")[0].message.content
    with pytest.warns(DeprecationWarning):
        as_dict = response.dict()
    assert json.loads(json.dumps(as_dict))["choices"][0]["message"]["role"] == "assistant"
    assert "".join(c.choices[0].delta["content"] or "" for c in chunks) == answer_text("a")


def test_exceptions_module_path_and_status(client: object, stub: ProviderStub) -> None:
    """``from portkey.api_resources.exceptions import RateLimitError`` (0.1.x's module)."""
    from portkey.api_resources.exceptions import RateLimitError

    stub.script("a", status(429), status(429), status(429))
    portkey.config = Config(
        mode="single",
        llms=LLMOptions(provider="openai", api_key="sk-d-00000000008",
                        custom_host=stub.host_for("a"), model="gpt-4"),
    )  # fmt: skip

    with pytest.raises(RateLimitError) as caught:
        portkey.ChatCompletions.create(messages=[{"role": "user", "content": QUESTION}],
                                       max_retries=0)  # fmt: skip

    assert caught.value.status_code == 429
    assert caught.value.body["error"]["message"].endswith("scripted status 429")


def old_style_config(stub: ProviderStub) -> Config:
    return Config(
        mode="single",
        llms=LLMOptions(provider="openai", api_key="sk-e-00000000009",
                        custom_host=stub.host_for("a"), model="gpt-4"),
    )  # fmt: skip


def test_portkey_proxy_without_path_is_read_as_the_root_it_was(
    gateway: LocalGateway, stub: ProviderStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0.1.x read the gateway's root from PORTKEY_PROXY and added ``/v1/...`` itself."""
    monkeypatch.delenv("PORTKEY_BASE_URL", raising=False)
    monkeypatch.setenv("PORTKEY_PROXY", gateway.root_url + "/")
    portkey.base_url = None
    portkey.config = old_style_config(stub)

    with pytest.warns(DeprecationWarning, match=f"PORTKEY_BASE_URL={gateway.root_url}/v1"):
        response = portkey.ChatCompletions.create(messages=[{"role": "user", "content": "hi"}])

    assert response.choices[0].message.content == answer_text("a")


def test_portkey_proxy_with_v1_is_used_as_it_is(
    gateway: LocalGateway, stub: ProviderStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTKEY_BASE_URL", raising=False)
    monkeypatch.setenv("PORTKEY_PROXY", gateway.base_url)
    portkey.base_url = None

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        client = Portkey(config=old_style_config(stub))

    response = client.chat.completions.create(messages=[{"role": "user", "content": "hi"}])
    assert response.choices[0].message.content == answer_text("a")


def test_portkey_base_url_wins_over_portkey_proxy(
    gateway: LocalGateway, stub: ProviderStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTKEY_BASE_URL", gateway.base_url)
    monkeypatch.setenv("PORTKEY_PROXY", "http://127.0.0.1:9")  # nothing listens there
    client = Portkey(config=old_style_config(stub))

    response = client.chat.completions.create(messages=[{"role": "user", "content": "hi"}])

    assert response.choices[0].message.content == answer_text("a")


def test_the_0_1_provider_name_hugging_face_is_an_alias() -> None:
    from portkey import LLMOptions, ProviderTypes

    assert ProviderTypes.HUGGING_FACE is ProviderTypes.HUGGINGFACE
    llm = LLMOptions(provider=ProviderTypes.HUGGING_FACE, api_key="hf-key-0001", model="m")
    assert llm.provider == "huggingface"
