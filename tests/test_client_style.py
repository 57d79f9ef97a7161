"""The client style (``Portkey`` / ``AsyncPortkey``) through the real gateway and the provider
stand-in: chat, completions, embeddings, streaming, async, fallback and loadbalance configs given
as plain dicts and as ``Config``, ``with_options``, and the endpoints beyond chat (models,
images, audio, moderations) that the gateway proxies."""

import asyncio
import json
from typing import Any, Dict, List

import pytest
from provider_stub import ProviderStub, answer_text, status

from portkey import (
    AsyncPortkey,
    BinaryResponse,
    ChatCompletion,
    ChatCompletionChunk,
    Config,
    CreateEmbeddingResponse,
    ImagesResponse,
    LLMOptions,
    Model,
    ModelDeleted,
    ModelList,
    ModerationCreateResponse,
    Portkey,
    TextCompletion,
    TextCompletionChunk,
    Transcription,
    Translation,
)

KEY_A = "sk-client-a-0000000000001"
KEY_B = "sk-client-b-0000000000002"
HI = [{"role": "user", "content": "Hi"}]
PNG = b"\x89PNG\r\n\x1a\nfake-image-bytes"
MP3 = b"ID3fake-audio-bytes"


def target(stub: ProviderStub, name: str, key: str = KEY_A, **extra: Any) -> Dict[str, Any]:
    """A gateway target (current config shape) that reaches the stub as ``name``."""
    return {
        "provider": "openai",
        "api_key": key,
        "custom_host": stub.host_for(name),
        "override_params": {"model": f"model-{name}"},
        **extra,
    }


def llm(stub: ProviderStub, name: str, key: str = KEY_A, **extra: Any) -> LLMOptions:
    """The same target as an ``LLMOptions``."""
    return LLMOptions(
        provider="openai",
        api_key=key,
        custom_host=stub.host_for(name),
        model=f"model-{name}",
        **extra,
    )


def single(gateway_url: str, stub: ProviderStub, name: str = "a", **params: Any) -> Portkey:
    """A client whose config routes every call to target ``name``."""
    return Portkey(base_url=gateway_url, config=target(stub, name), **params)


# ---- routing configs: plain dicts and Config ----------------------------------------------------


def test_fallback_dict_config(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", status(503))
    client = Portkey(
        base_url=gateway_url,
        config={
            "strategy": {"mode": "fallback"},
            "targets": [target(stub, "a"), target(stub, "b", KEY_B)],
        },
    )
    response = client.chat.completions.create(messages=HI, model="ignored")
    assert isinstance(response, ChatCompletion)
    assert response.choices[0].message.content == answer_text("b")
    assert response.gateway.target_index == 1
    seen = stub.requests("b")[-1]
    assert seen.headers["authorization"] == f"Bearer {KEY_B}"
    assert seen.json["model"] == "model-b"  # the target's override_params win
    assert len(stub.requests("a")) == 1


def test_fallback_config_object(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", status(500))
    config = Config(mode="fallback", llms=[llm(stub, "a"), llm(stub, "b", KEY_B)])
    client = Portkey(base_url=gateway_url, config=config)
    response = client.chat.completions.create(messages=HI)
    assert response.choices[0].message.content == answer_text("b")
    assert response.gateway.last_used_option_index == "config.targets[1]"
    assert stub.requests("b")[-1].json["model"] == "model-b"


@pytest.mark.parametrize("style", ["dict", "Config"])
def test_loadbalance_follows_weights(gateway_url: str, stub: ProviderStub, style: str) -> None:
    config: Any
    if style == "dict":
        config = {
            "strategy": {"mode": "loadbalance"},
            "targets": [
                target(stub, "a", weight=0.8),
                target(stub, "b", KEY_B, weight=0.2),
            ],
        }
    else:
        config = Config(
            mode="loadbalance",
            llms=[llm(stub, "a", weight=0.8), llm(stub, "b", KEY_B, weight=0.2)],
        )
    client = Portkey(base_url=gateway_url, config=config)
    served = [client.chat.completions.create(messages=HI).gateway.target_index for _ in range(100)]
    share_a = served.count(0) / len(served)
    # Binomial(100, 0.8): sd 0.04; 4 sd each side.
    assert 0.64 <= share_a <= 0.96, share_a
    assert set(served) == {0, 1}
    assert len(stub.requests("a")) + len(stub.requests("b")) == 100


def test_invalid_dict_config_fails_before_sending(gateway_url: str, stub: ProviderStub) -> None:
    from portkey import InvalidRequestError

    with pytest.raises(InvalidRequestError, match=r"strategy\.mode") as caught:
        Portkey(
            base_url=gateway_url,
            config={"strategy": {"mode": "no-such-mode"}, "targets": [target(stub, "a")]},
        )
    assert caught.value.field == "config"
    assert stub.requests() == []


# ---- the inference endpoints of the seed --------------------------------------------------------


def test_completions_and_embeddings(gateway_url: str, stub: ProviderStub) -> None:
    client = single(gateway_url, stub)
    completion = client.completions.create(prompt="Say hi", max_tokens=5)
    assert isinstance(completion, TextCompletion)
    assert completion.choices[0].text == answer_text("a")
    assert stub.requests("a")[-1].json == {"prompt": "Say hi", "max_tokens": 5, "model": "model-a"}
    embedding = client.embeddings.create(input=["one", "three"], model="emb")
    assert isinstance(embedding, CreateEmbeddingResponse)
    assert [item.embedding for item in embedding.data] == [[3.0, 0.0, 0.5], [5.0, 1.0, 0.5]]
    assert stub.requests("a")[-1].endpoint == "/embeddings"


def test_chat_and_completion_streams(gateway_url: str, stub: ProviderStub) -> None:
    stub.set_stream_chunks(6)
    client = single(gateway_url, stub)
    with client.chat.completions.create(messages=HI, stream=True) as stream:
        chunks = list(stream)
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == answer_text(
        "a"
    )
    assert stub.requests("a")[-1].json["stream"] is True
    text_stream = client.completions.create(prompt="x", stream=True)
    pieces = [chunk for chunk in text_stream]
    assert all(isinstance(chunk, TextCompletionChunk) for chunk in pieces)
    assert "".join(c.choices[0].text or "" for c in pieces if c.choices) == answer_text("a")


def test_async_client_every_inference_endpoint(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", status(503))
    config = {
        "strategy": {"mode": "fallback"},
        "targets": [target(stub, "a"), target(stub, "b", KEY_B)],
    }

    async def main() -> List[Any]:
        async with AsyncPortkey(base_url=gateway_url, config=config) as client:
            chat = await client.chat.completions.create(messages=HI)
            stream = await client.chat.completions.create(messages=HI, stream=True)
            streamed = "".join(
                [c.choices[0].delta.content or "" async for c in stream if c.choices]
            )
            text = await client.completions.create(prompt="x")
            vectors = await client.embeddings.create(input="abc")
            models = await client.models.list()
            moderation = await client.moderations.create(input="fine text")
            return [chat, streamed, text, vectors, models, moderation]

    chat, streamed, text, vectors, models, moderation = asyncio.run(main())
    assert chat.choices[0].message.content == answer_text("b")
    assert chat.gateway.target_index == 1
    assert streamed == answer_text("a")
    assert text.choices[0].text == answer_text("a")
    assert vectors.data[0].embedding == [3.0, 0.0, 0.5]
    assert isinstance(models, ModelList) and models.data[0].owned_by == "a"
    assert isinstance(moderation, ModerationCreateResponse)
    # the target's override_params put its model in every body
    assert stub.requests("a")[-1].json == {"input": "fine text", "model": "model-a"}


async def test_async_with_options_shares_the_session(gateway_url: str, stub: ProviderStub) -> None:
    client = AsyncPortkey(base_url=gateway_url, config=target(stub, "a"))
    traced = client.with_options(trace_id="async-trace-1")
    assert traced._requestor is client._requestor
    first = await traced.chat.completions.create(messages=HI)
    session = await client.requestor.session()
    second = await client.chat.completions.create(messages=HI)
    assert await traced.requestor.session() is session
    assert first.gateway.trace_id == "async-trace-1"
    assert second.gateway.trace_id != "async-trace-1"


# ---- with_options -----------------------------------------------------------------------------


def test_with_options_reaches_the_gateway_and_leaves_the_parent(
    gateway_url: str, stub: ProviderStub
) -> None:
    client = single(gateway_url, stub, trace_id="parent-trace")
    child = client.with_options(trace_id="child-trace", metadata={"_user": "u-7"})
    assert child._requestor is client._requestor  # one connection pool
    assert child.chat is not client.chat
    response = child.chat.completions.create(messages=HI)
    assert response.gateway.trace_id == "child-trace"
    assert client.chat.completions.create(messages=HI).gateway.trace_id == "parent-trace"
    assert "x-portkey-metadata" not in client.options.headers
    assert json.loads(child.options.headers["x-portkey-metadata"]) == {"_user": "u-7"}


def test_with_options_can_switch_the_route(gateway_url: str, stub: ProviderStub) -> None:
    client = single(gateway_url, stub, "a")
    other = client.with_options(config=target(stub, "b", KEY_B))
    assert other.chat.completions.create(messages=HI).choices[0].message.content == answer_text("b")
    assert client.chat.completions.create(messages=HI).choices[0].message.content == answer_text(
        "a"
    )


# ---- models, images, audio, moderations (the gateway proxies each to the provider) -------------


def test_models_list_retrieve_delete(gateway_url: str, stub: ProviderStub) -> None:
    client = single(gateway_url, stub)
    models = client.models.list()
    assert isinstance(models, ModelList)
    assert [m.id for m in models] == ["stub-model"]
    assert models.data[0].owned_by == "a"
    one = client.models.retrieve("gpt-4o")
    gone = client.models.delete("ft-model-1")
    assert isinstance(one, Model) and isinstance(gone, ModelDeleted)
    seen = [(r.method, r.endpoint) for r in stub.requests("a")]
    assert seen == [("GET", "/models"), ("GET", "/models/gpt-4o"), ("DELETE", "/models/ft-model-1")]


def test_image_generation(gateway_url: str, stub: ProviderStub) -> None:
    client = single(gateway_url, stub)
    images = client.images.generate(prompt="a red cat", n=2, size="256x256")
    assert isinstance(images, ImagesResponse)
    seen = stub.requests("a")[-1]
    assert seen.endpoint == "/images/generations"
    assert seen.json["prompt"] == "a red cat"
    assert seen.json["n"] == 2 and seen.json["size"] == "256x256"


def test_image_edit_and_variation_upload_multipart(gateway_url: str, stub: ProviderStub) -> None:
    client = single(gateway_url, stub)
    client.images.edit(image=("cat.png", PNG), mask=("mask.png", b"MASK"), prompt="add a hat", n=1)
    edit = stub.requests("a")[-1]
    assert edit.endpoint == "/images/edits"
    assert edit.headers["content-type"].startswith("multipart/form-data")
    assert b'name="image"; filename="cat.png"' in edit.body and PNG in edit.body
    assert b'name="mask"; filename="mask.png"' in edit.body and b"MASK" in edit.body
    assert b'name="prompt"\r\n\r\nadd a hat\r\n' in edit.body
    assert b'name="n"\r\n\r\n1\r\n' in edit.body
    client.images.create_variation(image=PNG)
    variation = stub.requests("a")[-1]
    assert variation.endpoint == "/images/variations"
    assert b'name="image"' in variation.body and PNG in variation.body


def test_audio_transcription_translation_and_speech(
    gateway_url: str, stub: ProviderStub, tmp_path: Any
) -> None:
    client = single(gateway_url, stub)
    path = tmp_path / "hello.mp3"
    path.write_bytes(MP3)
    transcript = client.audio.transcriptions.create(
        file=str(path), model="whisper-1", language="en"
    )
    assert isinstance(transcript, Transcription)
    seen = stub.requests("a")[-1]
    assert seen.endpoint == "/audio/transcriptions"
    assert b'filename="hello.mp3"' in seen.body and MP3 in seen.body
    assert b'name="model"\r\n\r\nwhisper-1\r\n' in seen.body
    assert b'name="language"\r\n\r\nen\r\n' in seen.body
    with path.open("rb") as handle:
        translation = client.audio.translations.create(file=handle, model="whisper-1")
    assert isinstance(translation, Translation)
    assert stub.requests("a")[-1].endpoint == "/audio/translations"
    speech = client.audio.speech.create(model="tts-1", input="Hello", voice="alloy")
    assert isinstance(speech, BinaryResponse)
    assert speech.content == b"{}"  # the stand-in's answer, as raw bytes (never parsed)
    assert speech.gateway.provider == "openai"
    assert stub.requests("a")[-1].json == {"model": "model-a", "input": "Hello", "voice": "alloy"}


def test_moderations(gateway_url: str, stub: ProviderStub) -> None:
    client = single(gateway_url, stub)
    result = client.moderations.create(input=["one", "two"], model="omni-moderation-latest")
    assert isinstance(result, ModerationCreateResponse)
    assert stub.requests("a")[-1].json == {"input": ["one", "two"], "model": "model-a"}


def test_provider_errors_surface_as_typed_errors(gateway_url: str, stub: ProviderStub) -> None:
    from portkey import NotFoundError

    stub.script("a", status(404, {"error": {"message": "no such model"}}))
    with pytest.raises(NotFoundError, match="no such model"):
        single(gateway_url, stub, max_retries=0).models.retrieve("nope")


@pytest.mark.parametrize("cls", [Portkey, AsyncPortkey])
def test_a_client_reads_back_what_it_was_made_with(cls: Any) -> None:
    # Code written for the reference SDK reads these attributes (client.base_url, .config...).
    config = Config(mode="single", llms=[LLMOptions(provider="openai", api_key="sk-a")])
    client = cls(
        api_key="pk-read",
        base_url="http://127.0.0.1:9/v1",
        config=config,
        provider="openai",
        virtual_key="vk-1",
        trace_id="t-1",
        metadata={"_user": "u1"},
        timeout=12.5,
        max_retries=4,
        default_headers={"X-Team": "red"},
    )
    assert (client.api_key, client.base_url) == ("pk-read", "http://127.0.0.1:9/v1")
    assert client.config is config
    assert (client.provider, client.virtual_key, client.trace_id) == ("openai", "vk-1", "t-1")
    assert client.metadata == {"_user": "u1"}
    assert (client.timeout, client.max_retries) == (12.5, 4)
    assert client.default_headers == {"X-Team": "red"}
    client.default_headers["X-Team"] = "changed"  # a copy: the client is unchanged
    assert client.default_headers == {"X-Team": "red"}
    copy = client.with_options(trace_id="t-2", timeout=None, config="pc-slug")
    assert (copy.trace_id, copy.timeout, copy.config) == ("t-2", None, "pc-slug")
    assert (client.trace_id, client.timeout) == ("t-1", 12.5)
    bare = cls(base_url="http://127.0.0.1:9/v1")
    assert (bare.api_key, bare.config, bare.provider, bare.metadata) == (None, None, None, None)
    assert bare.max_retries == 2
    with pytest.raises(AttributeError):
        client.api_key = "pk-other"  # type: ignore[misc]  # read-only: with_options copies
