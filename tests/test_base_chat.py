"""Chat for the base local model: messages to a few-shot Q/A completion, and back."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from portkey.local.base_chat import (
    DEFAULT_TEMPERATURE,
    FEW_SHOT,
    STOP,
    ChatRequestError,
    chat_chunk,
    chat_completion,
    completion_request,
    render_prompt,
)

EXAMPLES = "\n\n".join(f"Q: {question}\nA: {answer}" for question, answer in FEW_SHOT)


def user(text: Any) -> Dict[str, Any]:
    return {"role": "user", "content": text}


def test_one_question_follows_the_examples_and_leaves_the_answer_open() -> None:
    prompt = render_prompt([user("What is the capital of France?")])

    assert prompt == EXAMPLES + "\n\nQ: What is the capital of France?\nA:"


def test_system_text_leads_and_earlier_turns_become_answered_blocks() -> None:
    prompt = render_prompt(
        [
            {"role": "system", "content": "Answer briefly."},
            user("Hi\nthere"),
            {"role": "assistant", "content": "Hello."},
            user("Name a fruit."),
        ]
    )

    assert prompt.startswith("Answer briefly.\n\nQ: " + FEW_SHOT[0][0])
    # A newline inside a turn would end the block early for the model: turns are one line.
    assert prompt.endswith("\n\nQ: Hi there\nA: Hello.\n\nQ: Name a fruit.\nA:")


def test_a_final_assistant_message_is_continued() -> None:
    prompt = render_prompt([user("Count to three."), {"role": "assistant", "content": "One,"}])

    assert prompt.endswith("\n\nQ: Count to three.\nA: One,")


def test_content_parts_give_their_text() -> None:
    parts = [{"type": "text", "text": "Say"}, {"type": "text", "text": "hi"}]

    assert render_prompt([user(parts)]).endswith("\n\nQ: Say hi\nA:")


@pytest.mark.parametrize(
    ("messages", "message"),
    [
        ("hello", "messages must be a list"),
        (None, "messages must be a list"),
        ([], "at least one user message"),
        ([{"role": "system", "content": "x"}], "at least one user message"),
        (["hello"], "messages[0] must be an object"),
        ([user("a"), {"role": "wizard", "content": "b"}], "messages[1].role must be"),
        ([user(42)], "messages[0].content must be a string or a list of parts"),
        (
            [user([{"type": "text", "text": "a"}, {"type": "image_url"}])],
            "messages[0].content[1] is a 'image_url' part: the local model reads text parts only",
        ),
        ([user(["a"])], "messages[0].content[0] is a 'str' part"),
    ],
)
def test_bad_messages_name_the_field(messages: Any, message: str) -> None:
    with pytest.raises(ChatRequestError) as caught:
        render_prompt(messages)

    assert message in str(caught.value)


def test_completion_request_keeps_sampling_fields_and_adds_the_stops() -> None:
    body = completion_request(
        {
            "model": "gemma-3-270m",
            "messages": [user("hi")],
            "temperature": 0,
            "max_tokens": 12,
            "stream": True,
            "seed": 7,
            "n": 1,
            "response_format": {"type": "text"},
        }
    )

    assert body["prompt"].endswith("Q: hi\nA:")
    assert body["stop"] == list(STOP)
    assert (body["temperature"], body["max_tokens"], body["stream"], body["seed"]) == (
        0,
        12,
        True,
        7,
    )
    assert {"messages", "n", "response_format"}.isdisjoint(body)


def test_callers_stops_come_first_and_the_total_stays_within_four() -> None:
    assert completion_request({"messages": [user("hi")], "stop": "END"})["stop"] == [
        "END",
        *STOP,
    ]
    mine = ["1", "2", "3"]
    assert completion_request({"messages": [user("hi")], "stop": mine})["stop"] == [
        *mine,
        STOP[0],
    ]


def test_temperature_defaults_to_the_most_likely_answer() -> None:
    assert completion_request({"messages": [user("hi")]})["temperature"] == DEFAULT_TEMPERATURE
    assert completion_request({"messages": [user("hi")], "temperature": 0.9})["temperature"] == 0.9


def test_max_completion_tokens_is_the_fallback_for_max_tokens() -> None:
    body = completion_request({"messages": [user("hi")], "max_completion_tokens": 5})

    assert body["max_tokens"] == 5


@pytest.mark.parametrize(
    ("chat", "message"),
    [
        ([user("hi")], "the request body must be a JSON object"),
        ({"messages": [user("hi")], "stop": 3}, "stop must be a string or a list of strings"),
        ({"messages": [user("hi")], "stop": ["a", 1]}, "stop must be a string"),
        ({"messages": [user("hi")], "tools": [{"type": "function"}]}, "tools: the local base"),
        ({"messages": [user("hi")], "tool_choice": "auto"}, "remove 'tool_choice'"),
        (
            {"messages": [user("hi")], "response_format": {"type": "json_object"}},
            "cannot promise 'json_object' output",
        ),
        ({"messages": [user("hi")], "n": 2}, "n: the local model gives one answer"),
    ],
)
def test_bad_request_bodies_are_rejected(chat: Any, message: str) -> None:
    with pytest.raises(ChatRequestError, match=message):
        completion_request(chat)


def test_a_whole_completion_becomes_a_chat_completion() -> None:
    usage = {"prompt_tokens": 100, "completion_tokens": 3, "total_tokens": 103}
    completion = {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 5,
        "model": "/path/to/model.gguf",
        "choices": [{"index": 0, "text": " Paris.", "finish_reason": "stop"}],
        "usage": usage,
    }

    answer = chat_completion(completion, "gemma-3-270m")

    assert answer == {
        "id": "cmpl-1",
        "object": "chat.completion",
        "created": 5,
        "model": "gemma-3-270m",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Paris."},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": usage,
    }


def test_stream_chunks_become_chat_chunks() -> None:
    def piece(text: str, finish: Any = None) -> Dict[str, Any]:
        choice = {"index": 0, "text": text, "finish_reason": finish}
        return {"id": "c", "created": 1, "choices": [choice]}

    first = chat_chunk(piece(" Par"), "m", role=True, lstrip=True)
    later = chat_chunk(piece("is."), "m")
    last = chat_chunk(piece(" ", "stop"), "m")
    usage = chat_chunk({"choices": [], "usage": {"total_tokens": 4}}, "m")

    deltas: List[Dict[str, Any]] = [c["choices"][0]["delta"] for c in (first, later, last)]
    assert deltas == [{"content": "Par", "role": "assistant"}, {"content": "is."}, {"content": " "}]
    assert {first["object"], first["model"]} == {"chat.completion.chunk", "m"}
    assert last["choices"][0]["finish_reason"] == "stop"
    assert usage["choices"] == [] and usage["usage"] == {"total_tokens": 4}
