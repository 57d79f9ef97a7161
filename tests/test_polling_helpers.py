"""The polling helpers against the recording server, whose answers change from call to call
(queued -> in_progress -> completed): every request they make (method, path, query, body), the
state they stop at, and their failures. ``poll_interval_ms=0`` keeps the tests from sleeping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from platform_support import direct_client, multipart_fields, query_of, resolve
from provider_stub import ProviderStub, status

from portkey import APIResponseValidationError, InvalidRequestError
from portkey.api_resources import platform_types as t
from portkey.api_resources.exceptions import PollTimeoutError
from portkey.api_resources.polling import next_wait
from portkey.api_resources.responses import BinaryResponse, parse_response

BETA = {"openai-beta": "assistants=v2"}


def run(status_: str, **extra: Any) -> Dict[str, Any]:
    return {"id": "run_1", "object": "thread.run", "thread_id": "thread_1", "status": status_,
            **extra}  # fmt: skip


def obj(id_: str, status_: str, **extra: Any) -> Dict[str, Any]:
    return {"id": id_, "status": status_, **extra}


REQUIRES_ACTION = run(
    "requires_action",
    required_action={
        "type": "submit_tool_outputs",
        "submit_tool_outputs": {
            "tool_calls": [{"id": "call_1", "type": "function",
                            "function": {"name": "f", "arguments": "{}"}}]
        },
    },
)  # fmt: skip


@dataclass
class Flow:
    """A helper call, the answers the server gives in turn, and the requests it must make:
    (method, endpoint, query, JSON body or None)."""

    name: str
    call: Callable[[Any], Any]
    answers: List[Dict[str, Any]]
    requests: List[Tuple[str, str, Optional[Dict[str, str]], Any]]
    final_status: Optional[str]
    result_type: type

    def __repr__(self) -> str:
        return self.name


NOW = {"poll_interval_ms": 0}
FLOWS = [
    Flow("runs.create_and_poll",
         lambda c: c.beta.threads.runs.create_and_poll("thread_1", assistant_id="asst_1", **NOW),
         [run("queued"), run("in_progress"), run("completed")],
         [("POST", "/threads/thread_1/runs", None, {"assistant_id": "asst_1"}),
          ("GET", "/threads/thread_1/runs/run_1", None, None),
          ("GET", "/threads/thread_1/runs/run_1", None, None)],
         "completed", t.Run),
    Flow("runs.create_and_poll(thread_id=)",
         lambda c: c.beta.threads.runs.create_and_poll(thread_id="thread_1",
                                                       assistant_id="asst_1", **NOW),
         [run("queued", thread_id=None), run("failed")],
         [("POST", "/threads/thread_1/runs", None, {"assistant_id": "asst_1"}),
          ("GET", "/threads/thread_1/runs/run_1", None, None)],
         "failed", t.Run),
    Flow("runs.poll",
         lambda c: c.beta.threads.runs.poll("run_1", thread_id="thread_1", **NOW),
         [run("in_progress"), REQUIRES_ACTION],
         [("GET", "/threads/thread_1/runs/run_1", None, None)] * 2,
         "requires_action", t.Run),
    Flow("runs.submit_tool_outputs_and_poll",
         lambda c: c.beta.threads.runs.submit_tool_outputs_and_poll(
             "run_1", thread_id="thread_1", tool_outputs=[{"tool_call_id": "call_1",
                                                           "output": "42"}], **NOW),
         [run("queued"), run("completed")],
         [("POST", "/threads/thread_1/runs/run_1/submit_tool_outputs", None,
           {"tool_outputs": [{"tool_call_id": "call_1", "output": "42"}]}),
          ("GET", "/threads/thread_1/runs/run_1", None, None)],
         "completed", t.Run),
    Flow("threads.create_and_run_poll",
         lambda c: c.beta.threads.create_and_run_poll(
             assistant_id="asst_1", thread={"messages": [{"role": "user", "content": "hi"}]},
             **NOW),
         [run("queued"), run("in_progress"), run("expired")],
         [("POST", "/threads/runs", None,
           {"assistant_id": "asst_1", "thread": {"messages": [{"role": "user",
                                                               "content": "hi"}]}}),
          ("GET", "/threads/thread_1/runs/run_1", None, None),
          ("GET", "/threads/thread_1/runs/run_1", None, None)],
         "expired", t.Run),
    Flow("vector_stores.files.create_and_poll",
         lambda c: c.vector_stores.files.create_and_poll("file_1", vector_store_id="vs_1",
                                                         attributes={"k": "v"}, **NOW),
         [obj("file_1", "in_progress", vector_store_id="vs_1"), obj("file_1", "in_progress"),
          obj("file_1", "completed")],
         [("POST", "/vector_stores/vs_1/files", None,
           {"file_id": "file_1", "attributes": {"k": "v"}}),
          ("GET", "/vector_stores/vs_1/files/file_1", None, None),
          ("GET", "/vector_stores/vs_1/files/file_1", None, None)],
         "completed", t.VectorStoreFile),
    Flow("vector_stores.files.poll",
         lambda c: c.beta.vector_stores.files.poll("file_1", vector_store_id="vs_1", **NOW),
         [obj("file_1", "in_progress"), obj("file_1", "failed")],
         [("GET", "/vector_stores/vs_1/files/file_1", None, None)] * 2,
         "failed", t.VectorStoreFile),
    Flow("vector_stores.file_batches.create_and_poll",
         lambda c: c.vector_stores.file_batches.create_and_poll("vs_1", file_ids=["f1", "f2"],
                                                                **NOW),
         [obj("vsfb_1", "in_progress"), obj("vsfb_1", "completed")],
         [("POST", "/vector_stores/vs_1/file_batches", None, {"file_ids": ["f1", "f2"]}),
          ("GET", "/vector_stores/vs_1/file_batches/vsfb_1", None, None)],
         "completed", t.VectorStoreFileBatch),
    Flow("vector_stores.file_batches.poll",
         lambda c: c.vector_stores.file_batches.poll("vsfb_1", vector_store_id="vs_1", **NOW),
         [obj("vsfb_1", "in_progress"), obj("vsfb_1", "cancelled")],
         [("GET", "/vector_stores/vs_1/file_batches/vsfb_1", None, None)] * 2,
         "cancelled", t.VectorStoreFileBatch),
    Flow("files.wait_for_processing",
         lambda c: c.files.wait_for_processing("file_1", poll_interval=0),
         [obj("file_1", "uploaded"), obj("file_1", "uploaded"), obj("file_1", "processed")],
         [("GET", "/files/file_1", None, None)] * 3,
         "processed", t.FileObject),
    Flow("runs.poll(extra_query=)",
         lambda c: c.beta.threads.runs.poll("run_1", thread_id="thread_1",
                                            extra_query={"include": "x"}, **NOW),
         [run("completed")],
         [("GET", "/threads/thread_1/runs/run_1", {"include": "x"}, None)],
         "completed", t.Run),
]  # fmt: skip


def seen(stub: ProviderStub) -> List[Tuple[str, str, Optional[Dict[str, str]], Any]]:
    return [(r.method, r.endpoint, query_of(r), r.json or None) for r in stub.requests()]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("flow", FLOWS, ids=repr)
async def test_helper_polls_until_done(stub: ProviderStub, use_async: bool, flow: Flow) -> None:
    stub.script("default", *(status(200, json_body=answer) for answer in flow.answers))
    result = await resolve(flow.call(direct_client(stub, use_async=use_async)))
    assert isinstance(result, flow.result_type)
    assert result.status == flow.final_status
    assert seen(stub) == flow.requests
    if "/threads" in flow.requests[0][1]:
        for record in stub.requests():
            assert record.headers.get("openai-beta") == BETA["openai-beta"]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_upload_and_poll_a_file(stub: ProviderStub, use_async: bool) -> None:
    stub.script(
        "default",
        status(200, json_body={"id": "file_9", "object": "file", "purpose": "assistants"}),
        status(200, json_body=obj("file_9", "in_progress", vector_store_id="vs_1")),
        status(200, json_body=obj("file_9", "completed")),
    )
    client = direct_client(stub, use_async=use_async)
    result = await resolve(
        client.vector_stores.files.upload_and_poll(
            vector_store_id="vs_1", file=("notes.txt", b"hello"), poll_interval_ms=0
        )
    )
    assert result.status == "completed"
    upload, attach, check = stub.requests()
    assert (upload.method, upload.endpoint) == ("POST", "/files")
    fields = multipart_fields(upload)
    assert fields["file"] == ("notes.txt", b"hello")
    assert fields["purpose"] == (None, b"assistants")
    assert (attach.endpoint, attach.json) == ("/vector_stores/vs_1/files", {"file_id": "file_9"})
    assert (check.method, check.endpoint) == ("GET", "/vector_stores/vs_1/files/file_9")


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_upload_without_polling(stub: ProviderStub, use_async: bool) -> None:
    stub.script(
        "default",
        status(200, json_body={"id": "file_9", "object": "file"}),
        status(200, json_body=obj("file_9", "in_progress")),
    )
    client = direct_client(stub, use_async=use_async)
    result = await resolve(
        client.vector_stores.files.upload(
            vector_store_id="vs_1", file=b"data", chunking_strategy={"type": "auto"}
        )
    )
    assert result.status == "in_progress"
    assert [r.endpoint for r in stub.requests()] == ["/files", "/vector_stores/vs_1/files"]
    assert stub.requests()[1].json == {"file_id": "file_9", "chunking_strategy": {"type": "auto"}}


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_file_batch_upload_and_poll(stub: ProviderStub, use_async: bool) -> None:
    stub.script(
        "default",
        status(200, json_body={"id": "file_a"}),
        status(200, json_body={"id": "file_b"}),
        status(200, json_body=obj("vsfb_1", "in_progress", vector_store_id="vs_1")),
        status(200, json_body=obj("vsfb_1", "completed")),
    )
    client = direct_client(stub, use_async=use_async)
    result = await resolve(
        client.vector_stores.file_batches.upload_and_poll(
            "vs_1", files=[b"one", b"two"], file_ids=["file_0"], max_concurrency=2,
            poll_interval_ms=0,
        )
    )  # fmt: skip
    assert result.status == "completed"
    records = stub.requests()
    assert [(r.method, r.endpoint) for r in records] == [
        ("POST", "/files"),
        ("POST", "/files"),
        ("POST", "/vector_stores/vs_1/file_batches"),
        ("GET", "/vector_stores/vs_1/file_batches/vsfb_1"),
    ]
    sent_ids = records[2].json["file_ids"]
    assert sent_ids[0] == "file_0" and sorted(sent_ids[1:]) == ["file_a", "file_b"]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_batches_output_returns_the_jsonl(stub: ProviderStub, use_async: bool) -> None:
    line = {"id": "req_1", "custom_id": "a", "response": {"status_code": 200}}
    stub.script("default", status(200, json_body=line))
    client = direct_client(stub, use_async=use_async)
    output = await resolve(client.batches.output("batch_1"))
    assert isinstance(output, BinaryResponse)
    assert b'"custom_id": "a"' in output.content
    (record,) = stub.requests()
    assert (record.method, record.endpoint, record.json) == ("GET", "/batches/batch_1/output", None)


# ---- failures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_max_wait_seconds_ends_the_wait(stub: ProviderStub, use_async: bool) -> None:
    stub.script("default", status(200, json_body=run("in_progress")))
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(PollTimeoutError) as info:
        await resolve(
            client.beta.threads.runs.poll(
                "run_1", thread_id="thread_1", poll_interval_ms=0, max_wait_seconds=0
            )
        )
    assert info.value.last.status == "in_progress"
    assert "still in_progress" in info.value.message
    assert len(stub.requests()) == 1


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_created_object_without_id_cannot_be_polled(
    stub: ProviderStub, use_async: bool
) -> None:
    stub.script("default", status(200, json_body={"status": "queued"}))
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(APIResponseValidationError, match="without 'id'"):
        await resolve(client.beta.threads.runs.create_and_poll("thread_1", assistant_id="a", **NOW))
    assert len(stub.requests()) == 1


BAD = [
    ("negative interval",
     lambda c: c.beta.threads.runs.poll("run_1", thread_id="t", poll_interval_ms=-5),
     "poll_interval_ms"),
    ("interval not a number",
     lambda c: c.files.wait_for_processing("file_1", poll_interval="soon"), "poll_interval_ms"),
    ("no thread_id", lambda c: c.beta.threads.runs.poll("run_1", **NOW), "thread_id"),
    ("no run id", lambda c: c.beta.threads.runs.poll(thread_id="t", **NOW), "run_id"),
    ("create_and_poll without assistant_id",
     lambda c: c.beta.threads.runs.create_and_poll("thread_1", **NOW), "assistant_id"),
    ("files not a list",
     lambda c: c.vector_stores.file_batches.upload_and_poll("vs_1", files=b"x", **NOW), "files"),
    ("no files at all",
     lambda c: c.vector_stores.file_batches.upload_and_poll("vs_1", files=[], **NOW), "files"),
    ("batches.output without id", lambda c: c.batches.output(""), "batch_id"),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("name", "call", "field"), BAD, ids=[b[0] for b in BAD])
async def test_bad_input_fails_before_sending(
    stub: ProviderStub, use_async: bool, name: str, call: Callable[[Any], Any], field: str
) -> None:
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(InvalidRequestError) as info:
        await resolve(call(client))
    assert info.value.field == field
    assert stub.requests() == []


def test_wait_follows_the_servers_poll_after_header_unless_given() -> None:
    asked = parse_response(t.Run, b'{"id": "r"}', {"openai-poll-after-ms": "250"})
    assert next_wait(asked, None) == 0.25
    assert next_wait(asked, 0.0) == 0.0
    plain = parse_response(t.Run, b'{"id": "r"}', {})
    assert next_wait(plain, None) == 1.0
