"""The response models read every field path of OpenAI-shaped bodies (chat completions and
their chunks, text completions, embeddings), stay lenient (missing fields are ``None``, unknown
ones readable), convert to plain data in one call, and a 2xx body that is only an error raises.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Dict

import pytest
from openai_bodies import (
    CHAT_COMPLETION,
    CHAT_COMPLETION_CHUNK,
    EMBEDDINGS,
    IMAGES,
    TEXT_COMPLETION,
    TRANSCRIPTION,
    read,
    undeclared,
    walk,
)
from platform_support import direct_client, resolve
from provider_stub import ProviderStub, status

from portkey import (
    APIResponseValidationError,
    APIStatusError,
    ChatCompletion,
    ChatCompletionChunk,
    CreateEmbeddingResponse,
    ImagesResponse,
    TextCompletion,
    Transcription,
)
from portkey.api_resources.exceptions import ProviderResponseError
from portkey.api_resources.responses import APIResponse, parse_response


def parsed(cls: Any, body: Dict[str, Any]) -> Any:
    return parse_response(cls, json.dumps(body).encode(), {"x-portkey-provider": "openai"})


BODIES = [
    (ChatCompletion, CHAT_COMPLETION),
    (ChatCompletionChunk, CHAT_COMPLETION_CHUNK),
    (TextCompletion, TEXT_COMPLETION),
    (CreateEmbeddingResponse, EMBEDDINGS),
    (ImagesResponse, IMAGES),
    (Transcription, TRANSCRIPTION),
]


@pytest.mark.parametrize(("cls", "body"), BODIES, ids=[c.__name__ for c, _ in BODIES])
def test_every_field_path_reads_by_attribute(cls: Any, body: Dict[str, Any]) -> None:
    response = parsed(cls, body)
    paths = walk(body)
    assert len(paths) > 5
    for path, value in paths:
        assert read(response, path) == value, path


def test_nested_parts_are_typed_models_not_dicts() -> None:
    response = parsed(ChatCompletion, CHAT_COMPLETION)
    choice = response.choices[0]
    assert response.usage.prompt_tokens_details.cached_tokens == 1024
    assert response.usage.completion_tokens_details.reasoning_tokens == 32
    assert response.service_tier == "default"
    assert response.system_fingerprint == "fp_fc9f1d7035"
    assert choice.message.refusal is None
    assert choice.message.audio.transcript == "Hello"
    assert choice.message.annotations[0].url_citation.url == "https://example.com/weather"
    call = choice.message.tool_calls[0]
    assert (call.function.name, call.function.arguments) == ("get_weather", '{"city": "Paris"}')
    assert choice.message.tool_calls[1].custom.input == "SELECT 1"
    assert choice.logprobs.content[0].top_logprobs[1].token == "Hi"
    assert choice.logprobs.refusal[0].bytes == [72, 101, 108, 108, 111]
    chunk = parsed(ChatCompletionChunk, CHAT_COMPLETION_CHUNK)
    assert chunk.choices[0].delta.tool_calls[0].index == 0
    assert chunk.choices[0].delta.tool_calls[0].function.arguments == '{"ci'
    text = parsed(TextCompletion, TEXT_COMPLETION)
    assert text.choices[0].logprobs.top_logprobs[0] == {"\n\n": -0.1, "\n": -2.5}


def test_unknown_fields_stay_readable_and_dict_access_works() -> None:
    body = copy.deepcopy(CHAT_COMPLETION)
    body["choices"][0]["message"]["reasoning_content"] = "thought"
    response = parsed(ChatCompletion, body)
    assert response.provider == "openai"
    assert response["provider"] == "openai"
    assert response.choices[0].message.reasoning_content == "thought"
    assert response["choices"][0]["message"]["content"] == "Hello"
    assert response.gateway.provider == "openai"


def test_missing_optional_fields_do_not_fail() -> None:
    response = parsed(ChatCompletion, {"choices": [{"message": {"content": "hi"}}]})
    message = response.choices[0].message
    assert message.content == "hi"
    assert (message.refusal, message.audio, message.tool_calls, message.annotations) == (
        None,
        None,
        None,
        None,
    )
    assert response.usage is None and response.service_tier is None
    bare = parsed(ChatCompletion, {"usage": {"prompt_tokens_details": {}}})
    assert bare.usage.prompt_tokens_details.cached_tokens is None


def test_tool_call_arguments_sent_as_an_object_become_json_text() -> None:
    body = {
        "choices": [
            {"message": {"tool_calls": [{"id": "c", "function": {"name": "f", "arguments": {}}}]}}
        ]
    }
    body["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] = {"city": "Oslo"}
    call = parsed(ChatCompletion, body).choices[0].message.tool_calls[0]
    assert json.loads(call.function.arguments) == {"city": "Oslo"}


def test_wrong_type_for_a_typed_field_is_a_validation_error() -> None:
    with pytest.raises(ValueError, match="cached_tokens"):
        parsed(ChatCompletion, {"usage": {"prompt_tokens_details": {"cached_tokens": "many"}}})


# ---- plain data in one call --------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "body"), BODIES, ids=[c.__name__ for c, _ in BODIES])
def test_to_dict_and_to_json_give_back_the_body(cls: Any, body: Dict[str, Any]) -> None:
    response = parsed(cls, body)
    assert response.to_dict() == body
    assert json.loads(response.to_json()) == body
    assert json.loads(response.to_json(indent=None)) == body


def test_to_dict_and_to_json_take_the_openai_sdks_keywords() -> None:
    response = parsed(ChatCompletion, {"id": "c1", "choices": [], "model": None})
    assert response.to_dict() == {"id": "c1", "choices": [], "model": None}
    assert response.to_dict(exclude_none=True) == {"id": "c1", "choices": []}
    every_field = response.to_dict(exclude_unset=False)
    assert every_field["usage"] is None and every_field["id"] == "c1"
    assert response.to_dict(mode="python", exclude_none=True) == {"id": "c1", "choices": []}
    assert json.loads(response.to_json(exclude_none=True)) == {"id": "c1", "choices": []}
    assert response.to_json(None, exclude_none=True) == '{"id": "c1", "choices": []}'
    with pytest.raises(TypeError):
        response.to_dict(True)  # type: ignore[misc]


def test_messages_and_chunks_convert_too() -> None:
    message = parsed(ChatCompletion, CHAT_COMPLETION).choices[0].message
    assert message.to_dict() == CHAT_COMPLETION["choices"][0]["message"]
    assert json.loads(message.to_json())["audio"]["id"] == "audio_abc123"
    # the legacy SDK's json.dumps(...) on a message or response: go through to_dict()
    assert json.loads(json.dumps(message.to_dict()))["role"] == "assistant"


def test_json_dumps_of_a_response_itself_raises_type_error() -> None:
    # Documented (docs/migration.md): responses are pydantic models, not dicts; json.dumps
    # needs response.to_dict() (or use response.to_json()).
    with pytest.raises(TypeError):
        json.dumps(parsed(ChatCompletion, CHAT_COMPLETION))


# ---- a 2xx that is an error --------------------------------------------------------------------

GATEWAY_ERROR = {
    "error": {
        "message": 'Invalid response received from anthropic: {"unexpected":true}',
        "type": None,
        "param": None,
        "code": None,
    },
    "provider": "anthropic",
}


@pytest.mark.parametrize(
    "cls", [ChatCompletion, TextCompletion, CreateEmbeddingResponse, APIResponse]
)
def test_error_only_body_raises_with_the_gateways_message(cls: Any) -> None:
    with pytest.raises(ProviderResponseError) as info:
        parse_response(cls, json.dumps(GATEWAY_ERROR).encode(), {"x-portkey-trace-id": "t-1"})
    error = info.value
    assert isinstance(error, APIStatusError)
    assert error.status_code == 200
    assert "Invalid response received from anthropic" in error.message
    assert error.body == GATEWAY_ERROR
    assert error.request_id == "t-1"


@pytest.mark.parametrize(
    "body",
    [
        {"id": "resp_1", "object": "response", "status": "failed", "error": {"code": "x"}},
        {"choices": [], "error": {"message": "partial"}},
        {"data": [], "error": None},
        {"error": None},
    ],
)
def test_error_beside_a_result_or_null_error_is_not_raised(body: Dict[str, Any]) -> None:
    response = parse_response(APIResponse, json.dumps(body).encode(), {})
    assert response.to_dict() == body


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_wrong_type_from_the_server_is_a_response_validation_error(
    stub: ProviderStub, use_async: bool
) -> None:
    body = {"id": "x", "choices": [], "usage": {"completion_tokens_details": {"audio_tokens": []}}}
    stub.script("default", status(200, json_body=body))
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(APIResponseValidationError, match="ChatCompletion"):
        await resolve(
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
        )


@pytest.mark.parametrize(("cls", "body"), BODIES, ids=[c.__name__ for c, _ in BODIES])
def test_every_field_of_the_schema_is_declared_not_an_extra(cls: Any, body: Dict[str, Any]) -> None:
    # reading a path works for unknown fields too (extras): this checks they are typed
    assert undeclared(cls, body, allowed={"provider", "task"}) == []


def test_error_only_body_masks_the_calls_secrets() -> None:
    body = {"error": {"message": "provider said: bad key sk-live-abcdefghijkl1234"}}
    with pytest.raises(ProviderResponseError) as info:
        parse_response(
            ChatCompletion, json.dumps(body).encode(), {}, secrets=("sk-live-abcdefghijkl1234",)
        )
    assert "sk-live-abcdefghijkl1234" not in str(info.value)
    assert "sk-live-abcdefghijkl1234" not in json.dumps(info.value.body)
    assert "sk-...1234" in info.value.message
