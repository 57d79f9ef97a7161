"""Realistic OpenAI-shaped response bodies (every documented field present), for the tests of
the typed response models. Values are made up; shapes follow the current OpenAI schema."""

from __future__ import annotations

import re
import typing
from typing import Any, Dict, List, Set, Tuple

from pydantic import BaseModel

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


# ---- platform objects ------------------------------------------------------------------------

FUNCTION_TOOL: Dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather of a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        "strict": True,
    },
}

ASSISTANT: Dict[str, Any] = {
    "id": "asst_abc123",
    "object": "assistant",
    "created_at": 1698984975,
    "name": "Math Tutor",
    "description": "Helps with math",
    "model": "gpt-4o",
    "instructions": "You are a personal math tutor.",
    "tools": [
        {"type": "code_interpreter"},
        {
            "type": "file_search",
            "file_search": {
                "max_num_results": 20,
                "ranking_options": {"ranker": "auto", "score_threshold": 0.5},
            },
        },
        FUNCTION_TOOL,
        {"type": "web_browser_2030", "novelty": "a tool type from the future"},
    ],
    "tool_resources": {
        "code_interpreter": {"file_ids": ["file-1"]},
        "file_search": {"vector_store_ids": ["vs_1"]},
    },
    "metadata": {"team": "edu"},
    "temperature": 1.0,
    "top_p": 1.0,
    "response_format": "auto",
}

RUN: Dict[str, Any] = {
    "id": "run_abc123",
    "object": "thread.run",
    "created_at": 1699063290,
    "assistant_id": "asst_abc123",
    "thread_id": "thread_abc123",
    "status": "requires_action",
    "started_at": 1699063290,
    "expires_at": 1699063890,
    "cancelled_at": None,
    "failed_at": None,
    "completed_at": None,
    "required_action": {
        "type": "submit_tool_outputs",
        "submit_tool_outputs": {
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
                }
            ]
        },
    },
    "last_error": {"code": "rate_limit_exceeded", "message": "slow down"},
    "model": "gpt-4o",
    "instructions": "Be brief.",
    "tools": [FUNCTION_TOOL],
    "usage": {"prompt_tokens": 123, "completion_tokens": 456, "total_tokens": 579},
    "metadata": {},
    "incomplete_details": None,
    "temperature": 1.0,
    "top_p": 1.0,
    "max_prompt_tokens": 1000,
    "max_completion_tokens": 1000,
    "truncation_strategy": {"type": "auto", "last_messages": None},
    "tool_choice": "auto",
    "parallel_tool_calls": True,
    "response_format": "auto",
}

THREAD_MESSAGE: Dict[str, Any] = {
    "id": "msg_abc123",
    "object": "thread.message",
    "created_at": 1698983503,
    "thread_id": "thread_abc123",
    "role": "assistant",
    "status": "completed",
    "content": [
        {
            "type": "text",
            "text": {
                "value": "Hi! How can I help you today?",
                "annotations": [{"type": "file_citation", "text": "x", "start_index": 0}],
            },
        },
        {"type": "image_file", "image_file": {"file_id": "file-img", "detail": "auto"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}},
        {"type": "refusal", "refusal": "I can't help with that."},
    ],
    "assistant_id": "asst_abc123",
    "run_id": "run_abc123",
    "attachments": [{"file_id": "file-1", "tools": [{"type": "file_search"}]}],
    "metadata": {"k": "v"},
}

RUN_STEP: Dict[str, Any] = {
    "id": "step_abc123",
    "object": "thread.run.step",
    "created_at": 1699063291,
    "run_id": "run_abc123",
    "assistant_id": "asst_abc123",
    "thread_id": "thread_abc123",
    "type": "message_creation",
    "status": "completed",
    "step_details": {"type": "message_creation", "message_creation": {"message_id": "msg_1"}},
    "last_error": None,
    "usage": {"prompt_tokens": 123, "completion_tokens": 456, "total_tokens": 579},
    "completed_at": 1699063291,
}

BATCH: Dict[str, Any] = {
    "id": "batch_abc123",
    "object": "batch",
    "endpoint": "/v1/chat/completions",
    "errors": {
        "object": "list",
        "data": [{"code": "invalid_json", "message": "line 3", "param": None, "line": 3}],
    },
    "input_file_id": "file-abc123",
    "completion_window": "24h",
    "status": "completed",
    "output_file_id": "file-cvaTdG",
    "error_file_id": "file-HOWS94",
    "created_at": 1711471533,
    "in_progress_at": 1711471538,
    "expires_at": 1711557933,
    "finalizing_at": 1711493133,
    "completed_at": 1711493163,
    "failed_at": None,
    "expired_at": None,
    "cancelling_at": None,
    "cancelled_at": None,
    "request_counts": {"total": 100, "completed": 95, "failed": 5},
    "metadata": {"customer_id": "user_123456789"},
}

FILE: Dict[str, Any] = {
    "id": "file-abc123",
    "object": "file",
    "bytes": 120000,
    "created_at": 1677610602,
    "expires_at": 1677614202,
    "filename": "mydata.jsonl",
    "purpose": "batch",
    "status": "processed",
    "status_details": None,
}

VECTOR_STORE: Dict[str, Any] = {
    "id": "vs_abc123",
    "object": "vector_store",
    "created_at": 1699061776,
    "name": "Support FAQ",
    "usage_bytes": 139920,
    "status": "completed",
    "file_counts": {"in_progress": 0, "completed": 3, "failed": 0, "cancelled": 0, "total": 3},
    "last_active_at": 1699061776,
    "expires_after": {"anchor": "last_active_at", "days": 7},
    "expires_at": 1699666576,
    "metadata": {},
}

VECTOR_STORE_FILE: Dict[str, Any] = {
    "id": "file-abc123",
    "object": "vector_store.file",
    "created_at": 1699061776,
    "usage_bytes": 1234,
    "vector_store_id": "vs_abcd",
    "status": "failed",
    "last_error": {"code": "unsupported_file", "message": "cannot parse"},
    "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 800}},
    "attributes": {"lang": "en"},
}

RESPONSE: Dict[str, Any] = {
    "id": "resp_67ccd2bed1ec8190",
    "object": "response",
    "created_at": 1741476542,
    "status": "completed",
    "error": None,
    "incomplete_details": None,
    "instructions": None,
    "max_output_tokens": None,
    "model": "gpt-4.1-2025-04-14",
    "output": [
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [{"type": "summary_text", "text": "Thinking about unicorns."}],
            "status": "completed",
        },
        {
            "type": "message",
            "id": "msg_67ccd2bf17f0",
            "status": "completed",
            "role": "assistant",
            "content": [
                {"type": "output_text", "text": "In a peaceful grove", "annotations": []},
                {"type": "refusal", "refusal": "no more"},
            ],
        },
        {
            "type": "function_call",
            "id": "fc_1",
            "call_id": "call_1",
            "name": "get_weather",
            "arguments": '{"city": "Rome"}',
            "status": "completed",
        },
        {"type": "web_search_call", "id": "ws_1", "status": "completed"},
    ],
    "parallel_tool_calls": True,
    "previous_response_id": None,
    "reasoning": {"effort": None, "summary": None},
    "store": True,
    "temperature": 1.0,
    "text": {"format": {"type": "text"}},
    "tool_choice": "auto",
    "tools": [],
    "top_p": 1.0,
    "truncation": "disabled",
    "usage": {
        "input_tokens": 36,
        "input_tokens_details": {"cached_tokens": 12},
        "output_tokens": 87,
        "output_tokens_details": {"reasoning_tokens": 40},
        "total_tokens": 123,
    },
    "user": None,
    "metadata": {},
}


FINE_TUNING_JOB: Dict[str, Any] = {
    "object": "fine_tuning.job",
    "id": "ftjob-abc123",
    "model": "gpt-4o-mini-2024-07-18",
    "created_at": 1721764800,
    "finished_at": 1721765800,
    "estimated_finish": None,
    "fine_tuned_model": "ft:gpt-4o-mini:org:custom:id",
    "organization_id": "org-123",
    "result_files": ["file-abc123"],
    "status": "succeeded",
    "validation_file": None,
    "training_file": "file-abc123",
    "trained_tokens": 5768,
    "hyperparameters": {"batch_size": "auto", "learning_rate_multiplier": 1.8, "n_epochs": 3},
    "error": {"code": None, "message": None},
    "seed": 683058546,
    "suffix": "custom",
    "method": {"type": "supervised"},
    "integrations": [{"type": "wandb", "wandb": {"project": "p"}}],
    "metadata": {"team": "ml"},
}


IMAGES: Dict[str, Any] = {
    "created": 1713833628,
    "data": [{"b64_json": "iVBORw0KGgo=", "revised_prompt": "a calm otter"}],
    "background": "transparent",
    "output_format": "png",
    "quality": "high",
    "size": "1024x1024",
    "usage": {
        "total_tokens": 100,
        "input_tokens": 50,
        "output_tokens": 50,
        "input_tokens_details": {"text_tokens": 10, "image_tokens": 40},
    },
}

TRANSCRIPTION: Dict[str, Any] = {
    "task": "transcribe",
    "language": "english",
    "duration": 8.47,
    "text": "The beach was a popular spot.",
    "words": [{"word": "The", "start": 0.0, "end": 0.24}],
    "segments": [
        {
            "id": 0,
            "seek": 0,
            "start": 0.0,
            "end": 3.32,
            "text": " The beach was a popular spot.",
            "tokens": [50364, 440, 7534],
            "temperature": 0.0,
            "avg_logprob": -0.286,
            "compression_ratio": 1.236,
            "no_speech_prob": 0.009,
        }
    ],
    "usage": {"type": "duration", "seconds": 9},
}


# ---- reading them back --------------------------------------------------------------------


def walk(value: Any, prefix: str = "") -> List[Tuple[str, Any]]:
    """Every leaf path of a JSON body (``a.b[1].c``), with its value."""
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in walk(v, f"{prefix}.{k}" if prefix else k)]
    if isinstance(value, list) and value and isinstance(value[0], (dict, list)):
        return [p for i, item in enumerate(value) for p in walk(item, f"{prefix}[{i}]")]
    return [(prefix, value)]


def read(obj: Any, path: str) -> Any:
    """Read ``path`` (``a.b[1].c``) by attribute access (item access only for list indexes and
    inside fields typed as plain dicts, like text completions' ``top_logprobs``)."""
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            obj = obj[int(part[1:-1])]
        else:
            obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def _models_in(annotation: Any) -> List[type]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def declared_paths(model: type, prefix: str = "") -> Dict[str, bool]:
    """Every field path a model declares (lists and unions looked through), each mapped to
    whether it is a container of plain data (a dict or ``Any``) rather than a typed model."""
    found: Dict[str, bool] = {}
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        path = prefix + name
        members = _models_in(info.annotation)
        found[path] = not members
        for member in members:
            if member is not model:
                found.update(declared_paths(member, path + "."))
    return found


def undeclared(model: type, body: Dict[str, Any], allowed: Set[str] = frozenset()) -> List[str]:
    """The leaf paths of ``body`` that the model does not type: neither declared nor inside a
    plain-data field (``metadata``, ``parameters``, ...). ``allowed`` lists expected extras."""
    declared = declared_paths(model)
    missing = []
    for path, _ in walk(body):
        bare = re.sub(r"\[\d+\]", "", path)
        parts = bare.split(".")
        prefixes = [".".join(parts[: i + 1]) for i in range(len(parts))]
        if bare in declared or any(declared.get(p) for p in prefixes[:-1]):
            continue
        if not any(p in allowed for p in prefixes):
            missing.append(bare)
    return missing
