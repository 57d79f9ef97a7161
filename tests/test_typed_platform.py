"""The platform models (assistants, runs, messages, steps, batches, files, vector stores,
Responses API) read every field path of OpenAI-shaped bodies by attribute; lists of tools,
content parts and output items are typed by their ``type`` and an unknown ``type`` still parses.
"""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest
from openai_bodies import (
    ASSISTANT,
    BATCH,
    FILE,
    FINE_TUNING_JOB,
    RESPONSE,
    RUN,
    RUN_STEP,
    THREAD_MESSAGE,
    VECTOR_STORE,
    VECTOR_STORE_FILE,
    read,
    undeclared,
    walk,
)

from portkey.api_resources import assistant_types as a
from portkey.api_resources import platform_types as t
from portkey.api_resources import response_types as r
from portkey.api_resources.platform_base import TypedPart
from portkey.api_resources.responses import ToolCall, parse_response

BODIES = [
    (t.Assistant, ASSISTANT),
    (t.Run, RUN),
    (t.ThreadMessage, THREAD_MESSAGE),
    (t.RunStep, RUN_STEP),
    (t.Batch, BATCH),
    (t.FileObject, FILE),
    (t.VectorStore, VECTOR_STORE),
    (t.VectorStoreFile, VECTOR_STORE_FILE),
    (t.ModelResponse, RESPONSE),
    (t.FineTuningJob, FINE_TUNING_JOB),
]


def parsed(cls: Any, body: Dict[str, Any]) -> Any:
    return parse_response(cls, json.dumps(body).encode(), {})


@pytest.mark.parametrize(("cls", "body"), BODIES, ids=[c.__name__ for c, _ in BODIES])
def test_every_field_path_reads_by_attribute(cls: Any, body: Dict[str, Any]) -> None:
    obj = parsed(cls, body)
    for path, value in walk(body):
        assert read(obj, path) == value, path
    assert obj.to_dict() == body


def test_assistant_tools_are_typed_by_type() -> None:
    assistant = parsed(t.Assistant, ASSISTANT)
    kinds = [type(tool) for tool in assistant.tools]
    assert kinds == [a.CodeInterpreterTool, a.FileSearchTool, a.FunctionTool, TypedPart]
    assert assistant.tools[0].type == "code_interpreter"
    assert assistant.tools[1].file_search.ranking_options.score_threshold == 0.5
    assert assistant.tools[2].function.strict is True
    # a tool type the SDK does not know yet: generic, with its fields readable
    assert assistant.tools[3].type == "web_browser_2030"
    assert assistant.tools[3].novelty == "a tool type from the future"
    assert assistant.tool_resources.file_search.vector_store_ids == ["vs_1"]


def test_run_required_action_is_typed() -> None:
    run = parsed(t.Run, RUN)
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    assert isinstance(call, ToolCall)
    assert json.loads(call.function.arguments) == {"city": "Oslo"}
    assert run.last_error.code == "rate_limit_exceeded"
    assert run.usage.total_tokens == 579
    assert isinstance(run.tools[0], a.FunctionTool)


def test_message_content_parts_are_typed() -> None:
    message = parsed(t.ThreadMessage, THREAD_MESSAGE)
    kinds = [type(part) for part in message.content]
    assert kinds == [
        a.TextContentBlock,
        a.ImageFileContentBlock,
        a.ImageURLContentBlock,
        a.RefusalContentBlock,
    ]
    assert message.content[0].text.value == "Hi! How can I help you today?"
    assert parsed(t.ThreadMessage, {"content": "plain text"}).content == "plain text"


def test_response_output_items_are_typed() -> None:
    response = parsed(t.ModelResponse, RESPONSE)
    kinds = [type(item) for item in response.output]
    assert kinds == [
        r.ResponseReasoningItem,
        r.ResponseOutputMessage,
        r.ResponseFunctionToolCall,
        r.ResponseOtherItem,
    ]
    assert response.output_text == "In a peaceful grove"
    assert response.output[1].content[1].refusal == "no more"
    assert response.usage.output_tokens_details.reasoning_tokens == 40
    assert response.output[3].type == "web_search_call"


def test_batch_and_vector_store_counts_are_typed() -> None:
    batch = parsed(t.Batch, BATCH)
    assert batch.request_counts.failed == 5
    assert batch.errors.data[0].line == 3
    store = parsed(t.VectorStore, VECTOR_STORE)
    assert store.file_counts.completed == 3
    assert parsed(t.VectorStoreFile, VECTOR_STORE_FILE).last_error.code == "unsupported_file"


@pytest.mark.parametrize(("cls", "body"), BODIES, ids=[c.__name__ for c, _ in BODIES])
def test_an_empty_object_parses(cls: Any, body: Dict[str, Any]) -> None:
    obj = parsed(cls, {"id": "x"})
    assert obj.id == "x"
    assert obj.to_dict() == {"id": "x"}


def test_fine_tuning_job_hyperparameters_keep_auto_and_numbers() -> None:
    job = parsed(t.FineTuningJob, FINE_TUNING_JOB)
    assert job.hyperparameters.batch_size == "auto"
    assert job.hyperparameters.learning_rate_multiplier == 1.8
    assert job.result_files == ["file-abc123"]


def test_parts_without_a_type_are_generic() -> None:
    assistant = parsed(t.Assistant, {"tools": [{"function": {"name": "f"}}]})
    assert type(assistant.tools[0]) is TypedPart
    assert assistant.tools[0].type is None
    assert assistant.tools[0].function == {"name": "f"}


@pytest.mark.parametrize(("cls", "body"), BODIES, ids=[c.__name__ for c, _ in BODIES])
def test_every_field_of_the_schema_is_declared_not_an_extra(cls: Any, body: Dict[str, Any]) -> None:
    # reading a path works for unknown fields too (extras): this checks they are typed
    assert undeclared(cls, body, allowed={"tools.novelty"}) == []
