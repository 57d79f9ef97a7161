"""Providers that do not speak the OpenAI format, end to end through the real gateway.

The SDK sends OpenAI-format calls; the open-source gateway translates them into Anthropic's
Messages API, Cohere's Chat v2, Gemini's generateContent and Azure OpenAI's deployment routes,
and translates the native answers, streams and errors back. The providers are the native
stand-ins of ``native_providers.py``, reached through each target's ``custom_host``; they
refuse requests the real providers would refuse, so a wrong translation fails here.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Type

import pytest
from native_providers import (
    ANTHROPIC,
    ANTHROPIC_ERROR_TYPES,
    AZURE,
    BEDROCK,
    COHERE,
    GOOGLE,
    GOOGLE_STATUSES,
    HUGGINGFACE,
    INPUT_TOKENS,
    OUTPUT_TOKENS,
    TOOL_INPUT,
    TOOL_USE_ID,
    VERTEX,
    NativeProviders,
    answer_text,
    error_message,
    native_error,
    stream_error,
    stream_text,
    unexpected_body,
)
from provider_stub import ProviderStub, status

import portkey
from portkey import (
    APIStatusError,
    AsyncPortkey,
    AuthenticationError,
    BadRequestError,
    Config,
    InternalServerError,
    LLMOptions,
    NotFoundError,
    PermissionDeniedError,
    Portkey,
    ProviderResponseError,
    RateLimitError,
    RetrySettings,
)

OPENAI_KEY = "sk-openai-000000000001"
KEYS = {
    ANTHROPIC: "sk-ant-native-000000000002",
    COHERE: "co-native-000000000003",
    GOOGLE: "AIza-native-000000000004",
    AZURE: "azure-native-000000000005",
    HUGGINGFACE: "hf_native_000000000006",
    VERTEX: "ya29.native-access-token-7",  # an OAuth access token, sent as the Bearer token
    BEDROCK: "AKIANATIVE0000000008",  # the AWS access key id
}
MODELS = {
    ANTHROPIC: "claude-3-5-haiku-latest",
    COHERE: "command-r-plus",
    GOOGLE: "gemini-1.5-flash",
    HUGGINGFACE: "meta-llama/Llama-3.1-8B-Instruct",
    VERTEX: "gemini-1.5-pro",
    BEDROCK: "anthropic.claude-3-haiku-20240307-v1:0",
}
AZURE_TARGET = {
    "resource_name": "res-east",
    "deployment_id": "gpt4o-dep",
    "api_version": "2024-06-01",
}
SYSTEM = {"role": "system", "content": "Answer briefly."}
HI = [SYSTEM, {"role": "user", "content": "Hi"}]


@pytest.fixture(scope="module")
def natives() -> Iterator[NativeProviders]:
    """The module's native stand-ins; prefer ``native``, which is reset for each test."""
    with NativeProviders() as running:
        yield running


@pytest.fixture
def native(natives: NativeProviders) -> NativeProviders:
    """The native stand-ins with no scripts and no recorded requests."""
    natives.reset()
    return natives


@pytest.fixture
def module_style(gateway_url: str) -> None:
    """Module globals pointing at the local gateway (restored by conftest's autouse fixture)."""
    portkey.base_url = gateway_url
    portkey.api_key = None


# Provider-specific target fields besides the key and custom_host.
EXTRA_FIELDS: Dict[str, Dict[str, Any]] = {
    # Anthropic requires max_tokens; the gateway sets no default.
    ANTHROPIC: {"max_tokens": 64},
    VERTEX: {"vertex_project_id": "proj-1", "vertex_region": "us-central1"},
    BEDROCK: {"aws_secret_access_key": "aws-secret-000000000009", "aws_region": "eu-west-1"},
}


def llm(native: NativeProviders, provider: str, **extra: Any) -> LLMOptions:
    """An LLM served by ``provider``'s native stand-in."""
    fields: Dict[str, Any] = (
        {"model": MODELS[provider]} if provider in MODELS else dict(AZURE_TARGET)
    )
    fields.update(EXTRA_FIELDS.get(provider, {}))
    # Bedrock signs with an AWS key pair instead of sending a key.
    fields["aws_access_key_id" if provider == BEDROCK else "api_key"] = KEYS[provider]
    fields.update(extra)
    return LLMOptions(provider=provider, custom_host=native.host_for(provider), **fields)


def openai_llm(stub: ProviderStub) -> LLMOptions:
    return LLMOptions(
        provider="openai", api_key=OPENAI_KEY, custom_host=stub.host_for("oa"), model="gpt-4o"
    )


def fallback(stub: ProviderStub, native: NativeProviders) -> Config:
    """openai first (the stub, made to fail by each test), anthropic second."""
    return Config(mode="fallback", llms=[openai_llm(stub), llm(native, ANTHROPIC)])


def client(gateway_url: str, config: Config) -> Portkey:
    return Portkey(base_url=gateway_url, config=config, max_retries=0)


def assert_anthropic_request(native: NativeProviders, stream: bool = False) -> None:
    """The gateway spoke Anthropic's Messages API: key header, version, system field, body."""
    (seen,) = native.requests(ANTHROPIC)
    assert seen.path == "/messages"
    assert seen.headers["x-api-key"] == KEYS[ANTHROPIC]
    assert "authorization" not in seen.headers
    assert seen.headers["anthropic-version"]
    assert seen.json["model"] == MODELS[ANTHROPIC]
    assert seen.json["max_tokens"] == 64
    # The OpenAI system message becomes Anthropic's top-level system prompt.
    assert seen.json["messages"] == [{"role": "user", "content": "Hi"}]
    assert seen.json["system"] == [{"type": "text", "text": "Answer briefly."}]
    assert bool(seen.json.get("stream")) is stream


# --- fallback openai -> anthropic -------------------------------------------------------------


def test_fallback_from_failing_openai_to_anthropic_client_style(
    gateway_url: str, stub: ProviderStub, native: NativeProviders
) -> None:
    stub.script("oa", status(500))

    response = client(gateway_url, fallback(stub, native)).chat.completions.create(messages=HI)

    assert response.choices[0].message.content == answer_text(ANTHROPIC)
    assert response.choices[0].finish_reason == "stop"  # Anthropic's end_turn, translated
    assert response.gateway.target_index == 1
    assert response.gateway.provider == ANTHROPIC
    assert response.usage.prompt_tokens == INPUT_TOKENS
    assert response.usage.completion_tokens == OUTPUT_TOKENS
    assert len(stub.requests("oa")) == 1
    assert stub.requests("oa")[0].headers["authorization"] == f"Bearer {OPENAI_KEY}"
    assert_anthropic_request(native)


def test_fallback_from_failing_openai_to_anthropic_module_style(
    module_style: None, stub: ProviderStub, native: NativeProviders
) -> None:
    stub.script("oa", status(503))
    portkey.config = fallback(stub, native)

    response = portkey.ChatCompletions.create(messages=HI, max_retries=0)

    assert response.choices[0].message.content == answer_text(ANTHROPIC)
    assert response.gateway.target_index == 1
    assert response.gateway.provider == ANTHROPIC
    assert_anthropic_request(native)


def test_openai_that_answers_is_used_and_anthropic_is_never_called(
    gateway_url: str, stub: ProviderStub, native: NativeProviders
) -> None:
    response = client(gateway_url, fallback(stub, native)).chat.completions.create(messages=HI)

    assert response.choices[0].message.content == "hello from oa"
    assert response.gateway.target_index == 0
    assert native.requests(ANTHROPIC) == []


def test_fallback_when_both_fail_raises_anthropics_error(
    gateway_url: str, stub: ProviderStub, native: NativeProviders
) -> None:
    stub.script("oa", status(500))
    native.script(ANTHROPIC, native_error(529, "Overloaded"))

    with pytest.raises(InternalServerError) as caught:
        client(gateway_url, fallback(stub, native)).chat.completions.create(messages=HI)

    assert caught.value.status_code == 529
    assert "Overloaded" in caught.value.message
    assert caught.value.headers["x-portkey-last-used-option-index"] == "config.targets[1]"


# --- streams from anthropic, translated to OpenAI chunks ----------------------------------------


def test_anthropic_stream_client_style_sync(
    gateway_url: str, stub: ProviderStub, native: NativeProviders
) -> None:
    config = Config(mode="single", llms=[llm(native, ANTHROPIC)])

    with client(gateway_url, config).chat.completions.create(messages=HI, stream=True) as stream:
        chunks = list(stream)

    assert stream.gateway.provider == ANTHROPIC
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == stream_text()
    assert chunks[0].choices[0].delta.role == "assistant"  # from message_start
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop" and set(finishes[:-1]) == {None}  # from message_delta
    assert chunks[-1].usage.completion_tokens == OUTPUT_TOKENS
    assert chunks[-1].usage.prompt_tokens == INPUT_TOKENS
    assert_anthropic_request(native, stream=True)


async def test_anthropic_stream_client_style_async(
    gateway_url: str, native: NativeProviders
) -> None:
    config = Config(mode="single", llms=[llm(native, ANTHROPIC)])
    async with AsyncPortkey(base_url=gateway_url, config=config, max_retries=0) as aclient:
        stream = await aclient.chat.completions.create(messages=HI, stream=True)
        pieces = [c.choices[0].delta.content or "" async for c in stream if c.choices]

    assert "".join(pieces) == stream_text()
    assert_anthropic_request(native, stream=True)


def test_anthropic_stream_after_fallback_module_style(
    module_style: None, stub: ProviderStub, native: NativeProviders
) -> None:
    stub.script("oa", status(500))
    portkey.config = fallback(stub, native)

    stream = portkey.ChatCompletions.create(messages=HI, stream=True, max_retries=0)
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)

    assert text == stream_text()
    assert stream.gateway.target_index == 1
    assert_anthropic_request(native, stream=True)


async def test_anthropic_stream_module_style_async(
    module_style: None, native: NativeProviders
) -> None:
    portkey.config = Config(mode="single", llms=[llm(native, ANTHROPIC)])

    stream = await portkey.ChatCompletions.acreate(messages=HI, stream=True, max_retries=0)
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

    assert text == stream_text()


def test_anthropic_error_event_mid_stream_is_not_lost(
    gateway_url: str, native: NativeProviders
) -> None:
    """The gateway turns Anthropic's in-stream ``error`` event into a final chunk whose
    finish_reason is the error type; the text before it and that reason both reach the caller."""
    native.script(ANTHROPIC, stream_error("overloaded_error"))
    config = Config(mode="single", llms=[llm(native, ANTHROPIC)])

    chunks = list(client(gateway_url, config).chat.completions.create(messages=HI, stream=True))

    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == stream_text()[: len("hello ")]
    assert chunks[-1].choices[0].finish_reason == "overloaded_error"


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def test_anthropic_tool_call_round_trip(gateway_url: str, native: NativeProviders) -> None:
    """OpenAI-format tools become Anthropic tools; its tool_use block comes back as a tool
    call; the tool's answer goes back as a tool_result for the same id."""
    anthropic = client(gateway_url, Config(mode="single", llms=[llm(native, ANTHROPIC)]))
    question = [{"role": "user", "content": "Weather in Paris?"}]

    first = anthropic.chat.completions.create(messages=question, tools=[WEATHER_TOOL])
    (call,) = first.choices[0].message.tool_calls
    answer = anthropic.chat.completions.create(
        messages=[
            *question,
            {"role": "assistant", "content": "", "tool_calls": [call.to_dict()]},
            {"role": "tool", "tool_call_id": call.id, "content": "18 C, sunny"},
        ],
        tools=[WEATHER_TOOL],
    )

    assert first.choices[0].finish_reason == "tool_calls"
    assert (call.id, call.function.name) == (TOOL_USE_ID, "get_weather")
    assert json.loads(call.function.arguments) == TOOL_INPUT
    assert answer.choices[0].message.content == answer_text(ANTHROPIC)
    offered, replied = native.requests(ANTHROPIC)
    assert offered.json["tools"][0]["name"] == "get_weather"
    assert offered.json["tools"][0]["input_schema"]["required"] == ["city"]
    tool_results = [
        block
        for message in replied.json["messages"]
        if isinstance(message["content"], list)
        for block in message["content"]
        if block.get("type") == "tool_result"
    ]
    assert [(b["tool_use_id"], b["content"]) for b in tool_results] == [
        (TOOL_USE_ID, "18 C, sunny")
    ]


# --- native errors become the SDK's typed errors -------------------------------------------------

ERROR_CASES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (429, RateLimitError),
    (500, InternalServerError),
    (503, InternalServerError),
]


@pytest.mark.parametrize(
    "provider_name", [ANTHROPIC, COHERE, GOOGLE, AZURE, HUGGINGFACE, VERTEX, BEDROCK]
)
@pytest.mark.parametrize(("code", "error_class"), ERROR_CASES)
def test_native_error_is_typed_with_the_providers_message(
    gateway_url: str,
    native: NativeProviders,
    provider_name: str,
    code: int,
    error_class: Type[APIStatusError],
) -> None:
    provider = provider_name
    native.script(provider, native_error(code))
    config = Config(mode="single", llms=[llm(native, provider)])

    with pytest.raises(error_class) as caught:
        client(gateway_url, config).chat.completions.create(messages=HI)

    error = caught.value
    assert error.status_code == code
    # The gateway read the message out of the provider's own error shape.
    assert error.message == f"{provider} error: {error_message(provider, code)}"
    native_type = {
        ANTHROPIC: ANTHROPIC_ERROR_TYPES,
        GOOGLE: GOOGLE_STATUSES,
        VERTEX: GOOGLE_STATUSES,
    }.get(provider)
    if native_type:
        assert error.body["error"]["type"] == native_type.get(code, "api_error")
    assert error.body["provider"] == provider
    assert error.headers["x-portkey-provider"] == provider
    # One attempt: max_retries=0 and no gateway retry configured.
    assert len(native.requests(provider)) == 1


async def test_native_error_async_client(gateway_url: str, native: NativeProviders) -> None:
    native.script(GOOGLE, native_error(429, "Resource has been exhausted (e.g. check quota)."))
    config = Config(mode="single", llms=[llm(native, GOOGLE)])

    async with AsyncPortkey(base_url=gateway_url, config=config, max_retries=0) as aclient:
        with pytest.raises(RateLimitError, match="check quota") as caught:
            await aclient.chat.completions.create(messages=HI)

    assert caught.value.body["error"]["type"] == "RESOURCE_EXHAUSTED"


def test_native_error_before_a_stream_starts_sync(
    gateway_url: str, native: NativeProviders
) -> None:
    """A stream refused by the provider raises at ``create()``, typed, not as a broken stream."""
    native.script(ANTHROPIC, native_error(529, "Overloaded"))
    config = Config(mode="single", llms=[llm(native, ANTHROPIC)])

    with pytest.raises(InternalServerError, match="anthropic error: Overloaded") as caught:
        client(gateway_url, config).chat.completions.create(messages=HI, stream=True)

    assert caught.value.status_code == 529


async def test_native_error_before_a_stream_starts_async(
    module_style: None, native: NativeProviders
) -> None:
    native.script(COHERE, native_error(400, "invalid request: message must not be empty"))
    portkey.config = Config(mode="single", llms=[llm(native, COHERE)])

    with pytest.raises(BadRequestError, match="message must not be empty"):
        await portkey.ChatCompletions.acreate(messages=HI, stream=True, max_retries=0)


def test_gateway_retries_a_native_overload_then_succeeds(
    gateway_url: str, native: NativeProviders
) -> None:
    """Anthropic's 529 is retried by the gateway when the LLM's retry settings name it."""
    native.script(ANTHROPIC, native_error(529, "Overloaded"))
    retrying = llm(native, ANTHROPIC, retry=RetrySettings(attempts=2, on_status_codes=[529]))

    response = client(gateway_url, Config(mode="single", llms=[retrying])).chat.completions.create(
        messages=HI
    )

    assert response.choices[0].message.content == answer_text(ANTHROPIC)
    assert response.gateway.retry_attempt_count == 1
    assert len(native.requests(ANTHROPIC)) == 2


def test_native_error_module_style(module_style: None, native: NativeProviders) -> None:
    native.script(COHERE, native_error(401, "invalid api token"))
    portkey.config = Config(mode="single", llms=[llm(native, COHERE)])

    with pytest.raises(AuthenticationError, match="invalid api token"):
        portkey.ChatCompletions.create(messages=HI, max_retries=0)


def test_stand_in_refusal_surfaces_like_the_real_provider(
    gateway_url: str, native: NativeProviders
) -> None:
    """No scripted failure: Anthropic itself requires max_tokens, and the gateway does not add
    it, so leaving it out is answered by the provider's own 400."""
    bare = LLMOptions(
        provider=ANTHROPIC,
        api_key=KEYS[ANTHROPIC],
        custom_host=native.host_for(ANTHROPIC),
        model=MODELS[ANTHROPIC],
    )

    with pytest.raises(BadRequestError, match="max_tokens"):
        client(gateway_url, Config(mode="single", llms=[bare])).chat.completions.create(messages=HI)


# --- basic chat: cohere, gemini, azure-openai ---------------------------------------------------


def test_cohere_chat_client_style(gateway_url: str, native: NativeProviders) -> None:
    config = Config(mode="single", llms=[llm(native, COHERE, temperature=0.3, stop="END")])

    response = client(gateway_url, config).chat.completions.create(messages=HI)

    assert response.choices[0].message.content == answer_text(COHERE)
    assert response.choices[0].finish_reason == "stop"  # Cohere's COMPLETE
    assert response.usage.total_tokens == INPUT_TOKENS + OUTPUT_TOKENS
    assert response.gateway.provider == COHERE
    (seen,) = native.requests(COHERE)
    assert seen.path == "/v2/chat"
    assert seen.headers["authorization"] == f"Bearer {KEYS[COHERE]}"
    assert seen.json["model"] == MODELS[COHERE]
    assert seen.json["messages"] == HI
    assert seen.json["temperature"] == 0.3
    assert seen.json["stop_sequences"] == ["END"]  # OpenAI's stop, renamed for Cohere


def test_cohere_stream_module_style(module_style: None, native: NativeProviders) -> None:
    portkey.config = Config(mode="single", llms=[llm(native, COHERE)])

    chunks = list(portkey.ChatCompletions.create(messages=HI, stream=True, max_retries=0))

    assert "".join(c.choices[0].delta.content or "" for c in chunks) == stream_text()
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].usage.completion_tokens == OUTPUT_TOKENS


def test_gemini_chat_client_style(gateway_url: str, native: NativeProviders) -> None:
    config = Config(mode="single", llms=[llm(native, GOOGLE, temperature=0.5, max_tokens=32)])

    response = client(gateway_url, config).chat.completions.create(messages=HI)

    assert response.choices[0].message.content == answer_text(GOOGLE)
    assert response.choices[0].finish_reason == "stop"  # Gemini's STOP
    assert response.model == MODELS[GOOGLE]
    assert response.usage.prompt_tokens == INPUT_TOKENS
    (seen,) = native.requests(GOOGLE)
    assert seen.path == f"/v1beta/models/{MODELS[GOOGLE]}:generateContent"
    assert seen.query == {"key": KEYS[GOOGLE]}  # Gemini's key travels in the query
    assert seen.json["contents"] == [{"role": "user", "parts": [{"text": "Hi"}]}]
    assert seen.json["systemInstruction"]["parts"] == [{"text": "Answer briefly."}]
    assert seen.json["generationConfig"] == {"temperature": 0.5, "maxOutputTokens": 32}


async def test_gemini_chat_and_stream_module_style_async(
    module_style: None, native: NativeProviders
) -> None:
    portkey.config = Config(mode="single", llms=[llm(native, GOOGLE)])

    response = await portkey.ChatCompletions.acreate(messages=HI, max_retries=0)
    stream = await portkey.ChatCompletions.acreate(messages=HI, stream=True, max_retries=0)
    pieces = [c.choices[0].delta.content or "" async for c in stream if c.choices]

    assert response.choices[0].message.content == answer_text(GOOGLE)
    assert "".join(pieces) == stream_text()
    assert [r.path.rsplit(":", 1)[1] for r in native.requests(GOOGLE)] == [
        "generateContent",
        "streamGenerateContent",
    ]


def assert_azure_request(native: NativeProviders) -> None:
    (seen,) = native.requests(AZURE)
    assert seen.path == f"/deployments/{AZURE_TARGET['deployment_id']}/chat/completions"
    assert seen.query == {"api-version": AZURE_TARGET["api_version"]}
    assert seen.headers["api-key"] == KEYS[AZURE]
    assert seen.json["messages"] == HI


def test_azure_chat_client_style(gateway_url: str, native: NativeProviders) -> None:
    config = Config(mode="single", llms=[llm(native, AZURE, model="gpt-4o")])

    response = client(gateway_url, config).chat.completions.create(messages=HI)

    assert response.choices[0].message.content == answer_text(AZURE)
    assert response.model == f"model-of-{AZURE_TARGET['deployment_id']}"
    assert response.gateway.provider == AZURE
    assert_azure_request(native)


def test_azure_chat_module_style_with_model_at_call_time(
    module_style: None, native: NativeProviders
) -> None:
    portkey.config = Config(mode="single", llms=[llm(native, AZURE)])

    response = portkey.ChatCompletions.create(messages=HI, model="gpt-4o", max_retries=0)

    assert response.choices[0].message.content == answer_text(AZURE)
    assert_azure_request(native)


def test_azure_deployment_needs_no_model_anywhere(
    gateway_url: str, native: NativeProviders
) -> None:
    """The deployment decides the model: the gateway and Azure need none in the request."""
    config = Config(mode="single", llms=[llm(native, AZURE)])

    response = client(gateway_url, config).chat.completions.create(messages=HI)

    assert response.choices[0].message.content == answer_text(AZURE)
    assert "model" not in native.requests(AZURE)[0].json


def test_huggingface_chat_client_and_module_style(
    gateway_url: str, module_style: None, native: NativeProviders
) -> None:
    config = Config(mode="single", llms=[llm(native, HUGGINGFACE, max_tokens=20)])

    response = client(gateway_url, config).chat.completions.create(messages=HI)
    portkey.config = config
    again = portkey.ChatCompletions.create(messages=HI, max_retries=0)

    for answer in (response, again):
        assert answer.choices[0].message.content == answer_text(HUGGINGFACE)
        assert answer.gateway.provider == HUGGINGFACE
    for seen in native.requests(HUGGINGFACE):
        # The Inference API's OpenAI-compatible route, under the model's own path.
        assert seen.path == f"/models/{MODELS[HUGGINGFACE]}/v1/chat/completions"
        assert seen.headers["authorization"] == f"Bearer {KEYS[HUGGINGFACE]}"
        assert seen.json["messages"] == HI
        assert seen.json["max_tokens"] == 20
    assert len(native.requests(HUGGINGFACE)) == 2


def test_vertex_gemini_chat_and_stream(gateway_url: str, native: NativeProviders) -> None:
    """Vertex AI with an OAuth access token as the key: Gemini's format under the project's
    regional path; streams use ``alt=sse``."""
    config = Config(mode="single", llms=[llm(native, VERTEX, max_tokens=16)])
    vertex = client(gateway_url, config)

    response = vertex.chat.completions.create(messages=HI)
    stream = vertex.chat.completions.create(messages=HI, stream=True)
    pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]

    assert response.choices[0].message.content == answer_text(VERTEX)
    assert response.gateway.provider == VERTEX
    assert "".join(pieces) == stream_text()
    plain, streamed = native.requests(VERTEX)
    base = f"/v1/projects/proj-1/locations/us-central1/publishers/google/models/{MODELS[VERTEX]}"
    assert plain.path == f"{base}:generateContent"
    assert streamed.path == f"{base}:streamGenerateContent"
    assert streamed.query == {"alt": "sse"}
    for seen in (plain, streamed):
        assert seen.headers["authorization"] == f"Bearer {KEYS[VERTEX]}"
        assert seen.json["contents"] == [{"role": "user", "parts": [{"text": "Hi"}]}]
        assert seen.json["generationConfig"] == {"maxOutputTokens": 16}


def test_bedrock_converse_signed_with_sigv4(gateway_url: str, native: NativeProviders) -> None:
    """The gateway signs Bedrock calls itself (SigV4) from the LLM's AWS key pair; the
    stand-in checks the signature's shape, key id and region (it cannot check the signature)."""
    config = Config(mode="single", llms=[llm(native, BEDROCK, max_tokens=32)])

    response = client(gateway_url, config).chat.completions.create(messages=HI)

    assert response.choices[0].message.content == answer_text(BEDROCK)
    assert response.choices[0].finish_reason == "stop"
    assert response.usage.total_tokens == INPUT_TOKENS + OUTPUT_TOKENS
    (seen,) = native.requests(BEDROCK)
    assert seen.path == f"/model/{MODELS[BEDROCK]}/converse"
    credential = seen.headers["authorization"].split("Credential=")[1].split(",")[0]
    key_id, _, region, service, _ = credential.split("/")
    assert (key_id, region, service) == (KEYS[BEDROCK], "eu-west-1", "bedrock")
    assert "aws-secret-000000000009" not in json.dumps(seen.headers)
    assert seen.json["messages"] == [{"role": "user", "content": [{"text": "Hi"}]}]
    assert seen.json["system"] == [{"text": "Answer briefly."}]
    assert seen.json["inferenceConfig"] == {"maxTokens": 32}


def test_bedrock_error_names_the_aws_error_type(gateway_url: str, native: NativeProviders) -> None:
    native.script(BEDROCK, native_error(429, "Too many requests, please wait"))
    config = Config(mode="single", llms=[llm(native, BEDROCK)])

    with pytest.raises(RateLimitError, match="Too many requests, please wait") as caught:
        client(gateway_url, config).chat.completions.create(messages=HI)

    assert caught.value.body["provider"] == BEDROCK


# --- the stand-ins themselves -------------------------------------------------------------------


def test_unknown_provider_has_no_stand_in(native: NativeProviders) -> None:
    with pytest.raises(ValueError, match="no native stand-in"):
        native.host_for("palm")
    with pytest.raises(ValueError, match="no native stand-in"):
        native.script("openai", native_error(500))


def test_each_stand_in_answers_in_its_own_error_shape(native: NativeProviders) -> None:
    import requests

    shapes: List[Any] = []
    for provider, path in [
        (ANTHROPIC, "/messages"),
        (COHERE, "/v2/chat"),
        (GOOGLE, "/v1beta/models/m:generateContent"),
        (AZURE, "/deployments/d/chat/completions"),
        (HUGGINGFACE, "/models/m/v1/chat/completions"),
    ]:
        native.script(provider, native_error(429))
        answer = requests.post(native.host_for(provider) + path, json={}, timeout=5)
        assert answer.status_code == 429
        shapes.append(json.loads(answer.text))
    assert shapes == [
        {"type": "error", "error": {"type": "rate_limit_error",
                                    "message": error_message(ANTHROPIC, 429)}},
        {"id": "cohere-error-1", "message": error_message(COHERE, 429)},
        {"error": {"code": 429, "message": error_message(GOOGLE, 429),
                   "status": "RESOURCE_EXHAUSTED"}},
        {"error": {"code": "429", "message": error_message(AZURE, 429), "param": None,
                   "type": None}},
        {"error": error_message(HUGGINGFACE, 429), "error_type": "validation"},
    ]  # fmt: skip


def test_azure_without_model_module_style(module_style: None, native: NativeProviders) -> None:
    portkey.config = Config(mode="single", llms=[llm(native, AZURE)])

    response = portkey.ChatCompletions.create(messages=HI, max_retries=0)

    assert response.choices[0].message.content == answer_text(AZURE)
    assert "model" not in native.requests(AZURE)[0].json


@pytest.mark.parametrize("provider_name", [ANTHROPIC, COHERE, GOOGLE])
def test_untranslatable_native_answer_raises_instead_of_an_empty_response(
    gateway_url: str, native: NativeProviders, provider_name: str
) -> None:
    """A native answer in a shape the gateway does not know comes back as status 200 with
    only ``{"error": ..., "provider": ...}``; the SDK raises rather than return no choices."""
    provider = provider_name
    native.script(provider, unexpected_body())
    config = Config(mode="single", llms=[llm(native, provider)])

    with pytest.raises(ProviderResponseError, match=f"Invalid response received from {provider}"):
        client(gateway_url, config).chat.completions.create(messages=HI)


async def test_untranslatable_native_answer_raises_async(
    gateway_url: str, native: NativeProviders
) -> None:
    native.script(ANTHROPIC, unexpected_body())
    config = Config(mode="single", llms=[llm(native, ANTHROPIC)])
    async with AsyncPortkey(base_url=gateway_url, config=config, max_retries=0) as aclient:
        with pytest.raises(ProviderResponseError, match="Invalid response received"):
            await aclient.chat.completions.create(messages=HI)
