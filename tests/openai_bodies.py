"""Realistic OpenAI-shaped response bodies (every documented field present), for the tests of
the typed response models. Values are made up; shapes follow the current OpenAI schema."""

from __future__ import annotations

from typing import Any, Dict

TOKEN_LOGPROB: Dict[str, Any] = {
    "token": "Hello",
    "bytes": [72, 101, 108, 108, 111],
    "logprob": -0.0012,
    "top_logprobs": [
        {"token": "Hello", "bytes": [72, 101, 108, 108, 111], "logprob": -0.0012},
        {"token": "Hi", "bytes": [72, 105], "logprob": -6.8},
    ],
}

USAGE: Dict[str, Any] = {
    "prompt_tokens": 1117,
    "completion_tokens": 46,
    "total_tokens": 1163,
    "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
    "completion_tokens_details": {
        "reasoning_tokens": 32,
        "audio_tokens": 0,
        "accepted_prediction_tokens": 2,
        "rejected_prediction_tokens": 1,
    },
}

CHAT_COMPLETION: Dict[str, Any] = {
    "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
    "object": "chat.completion",
    "created": 1741570283,
    "model": "gpt-4o-2024-08-06",
    "service_tier": "default",
    "system_fingerprint": "fp_fc9f1d7035",
    "provider": "openai",  # added by the gateway: not in OpenAI's schema
    "choices": [
        {
            "index": 0,
            "finish_reason": "tool_calls",
            "message": {
                "role": "assistant",
                "content": "Hello",
                "refusal": None,
                "annotations": [
                    {
                        "type": "url_citation",
                        "url_citation": {
                            "url": "https://example.com/weather",
                            "title": "Weather",
                            "start_index": 0,
                            "end_index": 5,
                        },
                    }
                ],
                "audio": {
                    "id": "audio_abc123",
                    "data": "UklGRg==",
                    "expires_at": 1741573883,
                    "transcript": "Hello",
                },
                "tool_calls": [
                    {
                        "id": "call_abc123",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                    },
                    {
                        "id": "call_def456",
                        "type": "custom",
                        "custom": {"name": "run_sql", "input": "SELECT 1"},
                    },
                ],
                "function_call": {"name": "legacy_fn", "arguments": "{}"},
            },
            "logprobs": {"content": [TOKEN_LOGPROB], "refusal": [TOKEN_LOGPROB]},
        }
    ],
    "usage": USAGE,
}

CHAT_COMPLETION_CHUNK: Dict[str, Any] = {
    "id": "chatcmpl-123",
    "object": "chat.completion.chunk",
    "created": 1741570283,
    "model": "gpt-4o-mini",
    "service_tier": "default",
    "system_fingerprint": "fp_44709d6fcb",
    "choices": [
        {
            "index": 0,
            "delta": {
                "role": "assistant",
                "content": "Hel",
                "refusal": None,
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_abc123",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"ci'},
                    }
                ],
                "function_call": {"name": "legacy_fn", "arguments": ""},
            },
            "logprobs": {"content": [TOKEN_LOGPROB], "refusal": None},
            "finish_reason": None,
        }
    ],
    "usage": USAGE,
}

TEXT_COMPLETION: Dict[str, Any] = {
    "id": "cmpl-uqkvlQyYK7bGYrRHQ0eXlWi7",
    "object": "text_completion",
    "created": 1589478378,
    "model": "gpt-3.5-turbo-instruct",
    "system_fingerprint": "fp_44709d6fcb",
    "choices": [
        {
            "text": "\n\nThis is indeed a test",
            "index": 0,
            "logprobs": {
                "tokens": ["\n\n", "This"],
                "token_logprobs": [-0.1, None],
                "top_logprobs": [{"\n\n": -0.1, "\n": -2.5}, None],
                "text_offset": [0, 2],
            },
            "finish_reason": "length",
        }
    ],
    "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
}

EMBEDDINGS: Dict[str, Any] = {
    "object": "list",
    "data": [
        {"object": "embedding", "index": 0, "embedding": [0.0023064255, -0.009327292]},
        {"object": "embedding", "index": 1, "embedding": "AAAAAA=="},
    ],
    "model": "text-embedding-3-small",
    "usage": {"prompt_tokens": 8, "total_tokens": 8},
}
