"""Every verb of the OpenAI-style platform resources, sent through the real open-source gateway
(1.15.2) to the provider stand-in: the method, path, query, JSON body and headers the provider
receives, the typed result, for the sync and the async client alike.

Gateway 1.15.2 routes /files and /batches itself and proxies every other /v1/* path for GET,
POST and DELETE to the target's custom_host, so all of these reach the stub.
"""

from __future__ import annotations

import json
from typing import Any, List

import pytest
from platform_support import (
    PROVIDER_KEY,
    TARGET,
    Case,
    check_case,
    gateway_client,
    ids_of,
    list_answer,
    resolve,
)
from provider_stub import ProviderStub, status

from portkey import InvalidRequestError, NotFoundError
from portkey.api_resources import platform_types as t
from portkey.api_resources.resources.pagination import AsyncPage, SyncPage
from portkey.api_resources.responses import BinaryResponse

PAGE = (SyncPage, AsyncPage)
BETA = {"OpenAI-Beta": "assistants=v2"}
LIST = list_answer("x_1", "x_2")

CASES: List[Case] = [
    # files
    Case("files.list", lambda c: c.files.list(purpose="batch", limit=2), "GET", "/files",
         {"purpose": "batch", "limit": "2"}, answer=LIST, result_type=PAGE),
    Case("files.retrieve", lambda c: c.files.retrieve("file_1"), "GET", "/files/file_1",
         result_type=t.FileObject),
    Case("files.retrieve(file_id=)", lambda c: c.files.retrieve(file_id="file_2"), "GET",
         "/files/file_2", result_type=t.FileObject),
    Case("files.delete", lambda c: c.files.delete("file_1"), "DELETE", "/files/file_1",
         answer={"id": "file_1", "object": "file", "deleted": True}, result_type=t.DeletedObject),
    Case("files.content", lambda c: c.files.content("file_1"), "GET", "/files/file_1/content",
         result_type=BinaryResponse),
    # batches
    Case("batches.create",
         lambda c: c.batches.create(input_file_id="file_1", endpoint="/v1/chat/completions",
                                    completion_window="24h", metadata={"k": "v"}),
         "POST", "/batches",
         body={"input_file_id": "file_1", "endpoint": "/v1/chat/completions",
               "completion_window": "24h", "metadata": {"k": "v"}},
         result_type=t.Batch),
    Case("batches.list", lambda c: c.batches.list(limit=5, after="batch_0"), "GET", "/batches",
         {"limit": "5", "after": "batch_0"}, answer=LIST, result_type=PAGE),
    Case("batches.retrieve", lambda c: c.batches.retrieve("batch_1"), "GET", "/batches/batch_1",
         result_type=t.Batch),
    Case("batches.cancel", lambda c: c.batches.cancel("batch_1"), "POST",
         "/batches/batch_1/cancel", result_type=t.Batch),
    # uploads
    Case("uploads.create",
         lambda c: c.uploads.create(bytes=10, filename="a.jsonl", mime_type="text/jsonl",
                                    purpose="batch"),
         "POST", "/uploads",
         body={"bytes": 10, "filename": "a.jsonl", "mime_type": "text/jsonl", "purpose": "batch"},
         result_type=t.Upload),
    Case("uploads.complete", lambda c: c.uploads.complete("upload_1", part_ids=["p1", "p2"]),
         "POST", "/uploads/upload_1/complete", body={"part_ids": ["p1", "p2"]},
         result_type=t.Upload),
    Case("uploads.cancel", lambda c: c.uploads.cancel("upload_1"), "POST",
         "/uploads/upload_1/cancel", result_type=t.Upload),
    # fine-tuning
    Case("fine_tuning.jobs.create",
         lambda c: c.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file_1"),
         "POST", "/fine_tuning/jobs", body={"model": "gpt-4o-mini", "training_file": "file_1"},
         result_type=t.FineTuningJob),
    Case("fine_tuning.jobs.list", lambda c: c.fine_tuning.jobs.list(limit=3), "GET",
         "/fine_tuning/jobs", {"limit": "3"}, answer=LIST, result_type=PAGE),
    Case("fine_tuning.jobs.retrieve", lambda c: c.fine_tuning.jobs.retrieve("ftjob_1"), "GET",
         "/fine_tuning/jobs/ftjob_1", result_type=t.FineTuningJob),
    Case("fine_tuning.jobs.cancel", lambda c: c.fine_tuning.jobs.cancel("ftjob_1"), "POST",
         "/fine_tuning/jobs/ftjob_1/cancel", result_type=t.FineTuningJob),
    Case("fine_tuning.jobs.pause", lambda c: c.fine_tuning.jobs.pause("ftjob_1"), "POST",
         "/fine_tuning/jobs/ftjob_1/pause", result_type=t.FineTuningJob),
    Case("fine_tuning.jobs.resume", lambda c: c.fine_tuning.jobs.resume("ftjob_1"), "POST",
         "/fine_tuning/jobs/ftjob_1/resume", result_type=t.FineTuningJob),
    Case("fine_tuning.jobs.list_events",
         lambda c: c.fine_tuning.jobs.list_events("ftjob_1", limit=2), "GET",
         "/fine_tuning/jobs/ftjob_1/events", {"limit": "2"}, answer=LIST, result_type=PAGE),
    Case("fine_tuning.jobs.checkpoints.list",
         lambda c: c.fine_tuning.jobs.checkpoints.list("ftjob_1"), "GET",
         "/fine_tuning/jobs/ftjob_1/checkpoints", answer=LIST, result_type=PAGE),
    Case("fine_tuning.checkpoints.permissions.create",
         lambda c: c.fine_tuning.checkpoints.permissions.create("ft:ckpt", project_ids=["p1"]),
         "POST", "/fine_tuning/checkpoints/ft:ckpt/permissions", body={"project_ids": ["p1"]},
         result_type=t.CheckpointPermission),
    Case("fine_tuning.checkpoints.permissions.list",
         lambda c: c.fine_tuning.checkpoints.permissions.list(fine_tuned_model_checkpoint="ck"),
         "GET", "/fine_tuning/checkpoints/ck/permissions", answer=LIST, result_type=PAGE),
    Case("fine_tuning.checkpoints.permissions.delete",
         lambda c: c.fine_tuning.checkpoints.permissions.delete(
             "perm_1", fine_tuned_model_checkpoint="ck"),
         "DELETE", "/fine_tuning/checkpoints/ck/permissions/perm_1", result_type=t.DeletedObject),
    Case("alpha.graders.run",
         lambda c: c.alpha.graders.run(grader={"type": "string_check"}, model_sample="yes"),
         "POST", "/fine_tuning/alpha/graders/run",
         body={"grader": {"type": "string_check"}, "model_sample": "yes"},
         answer={"reward": 1.0}, result_type=t.GraderResult),
    Case("fine_tuning.alpha.graders.validate",
         lambda c: c.fine_tuning.alpha.graders.validate(grader={"type": "string_check"}),
         "POST", "/fine_tuning/alpha/graders/validate", body={"grader": {"type": "string_check"}},
         answer={"grader": {"type": "string_check"}}, result_type=t.GraderResult),
    # assistants
    Case("beta.assistants.create",
         lambda c: c.beta.assistants.create(model="gpt-4o", name="helper"), "POST", "/assistants",
         body={"model": "gpt-4o", "name": "helper"}, result_type=t.Assistant, headers=BETA),
    Case("beta.assistants.list", lambda c: c.beta.assistants.list(order="desc"), "GET",
         "/assistants", {"order": "desc"}, answer=LIST, result_type=PAGE, headers=BETA),
    Case("beta.assistants.retrieve", lambda c: c.beta.assistants.retrieve("asst_1"), "GET",
         "/assistants/asst_1", result_type=t.Assistant, headers=BETA),
    Case("beta.assistants.update",
         lambda c: c.beta.assistants.update("asst_1", instructions="be brief"), "POST",
         "/assistants/asst_1", body={"instructions": "be brief"}, result_type=t.Assistant,
         headers=BETA),
    Case("beta.assistants.delete", lambda c: c.beta.assistants.delete("asst_1"), "DELETE",
         "/assistants/asst_1", result_type=t.DeletedObject, headers=BETA),
    # threads, messages, runs, steps
    Case("beta.threads.create", lambda c: c.beta.threads.create(metadata={"k": "v"}), "POST",
         "/threads", body={"metadata": {"k": "v"}}, result_type=t.Thread, headers=BETA),
    Case("beta.threads.retrieve", lambda c: c.beta.threads.retrieve("thread_1"), "GET",
         "/threads/thread_1", result_type=t.Thread, headers=BETA),
    Case("beta.threads.update", lambda c: c.beta.threads.update("thread_1", metadata={}),
         "POST", "/threads/thread_1", body={"metadata": {}}, result_type=t.Thread),
    Case("beta.threads.delete", lambda c: c.beta.threads.delete("thread_1"), "DELETE",
         "/threads/thread_1", result_type=t.DeletedObject),
    Case("beta.threads.create_and_run",
         lambda c: c.beta.threads.create_and_run(assistant_id="asst_1", thread={"messages": []}),
         "POST", "/threads/runs", body={"assistant_id": "asst_1", "thread": {"messages": []}},
         result_type=t.Run, headers=BETA),
    Case("beta.threads.messages.create",
         lambda c: c.beta.threads.messages.create("thread_1", role="user", content="hi"),
         "POST", "/threads/thread_1/messages", body={"role": "user", "content": "hi"},
         result_type=t.ThreadMessage, headers=BETA),
    Case("beta.threads.messages.create(thread_id=)",
         lambda c: c.beta.threads.messages.create(thread_id="thread_2", role="user", content="x"),
         "POST", "/threads/thread_2/messages", body={"role": "user", "content": "x"},
         result_type=t.ThreadMessage),
    Case("beta.threads.messages.list", lambda c: c.beta.threads.messages.list("thread_1"),
         "GET", "/threads/thread_1/messages", answer=LIST, result_type=PAGE),
    Case("beta.threads.messages.retrieve",
         lambda c: c.beta.threads.messages.retrieve("msg_1", thread_id="thread_1"), "GET",
         "/threads/thread_1/messages/msg_1", result_type=t.ThreadMessage),
    Case("beta.threads.messages.update",
         lambda c: c.beta.threads.messages.update("msg_1", thread_id="thread_1", metadata={}),
         "POST", "/threads/thread_1/messages/msg_1", body={"metadata": {}},
         result_type=t.ThreadMessage),
    Case("beta.threads.messages.delete",
         lambda c: c.beta.threads.messages.delete("msg_1", thread_id="thread_1"), "DELETE",
         "/threads/thread_1/messages/msg_1", result_type=t.DeletedObject),
    Case("beta.threads.runs.create",
         lambda c: c.beta.threads.runs.create("thread_1", assistant_id="asst_1"), "POST",
         "/threads/thread_1/runs", body={"assistant_id": "asst_1"}, result_type=t.Run,
         headers=BETA),
    Case("beta.threads.runs.list", lambda c: c.beta.threads.runs.list("thread_1", limit=1),
         "GET", "/threads/thread_1/runs", {"limit": "1"}, answer=LIST, result_type=PAGE),
    Case("beta.threads.runs.retrieve",
         lambda c: c.beta.threads.runs.retrieve("run_1", thread_id="thread_1"), "GET",
         "/threads/thread_1/runs/run_1", result_type=t.Run),
    Case("beta.threads.runs.update",
         lambda c: c.beta.threads.runs.update("run_1", thread_id="thread_1", metadata={"a": "b"}),
         "POST", "/threads/thread_1/runs/run_1", body={"metadata": {"a": "b"}},
         result_type=t.Run),
    Case("beta.threads.runs.cancel",
         lambda c: c.beta.threads.runs.cancel("run_1", thread_id="thread_1"), "POST",
         "/threads/thread_1/runs/run_1/cancel", result_type=t.Run),
    Case("beta.threads.runs.submit_tool_outputs",
         lambda c: c.beta.threads.runs.submit_tool_outputs(
             "run_1", thread_id="thread_1", tool_outputs=[{"tool_call_id": "c1", "output": "4"}]),
         "POST", "/threads/thread_1/runs/run_1/submit_tool_outputs",
         body={"tool_outputs": [{"tool_call_id": "c1", "output": "4"}]}, result_type=t.Run),
    Case("beta.threads.runs.steps.list",
         lambda c: c.beta.threads.runs.steps.list("run_1", thread_id="thread_1"), "GET",
         "/threads/thread_1/runs/run_1/steps", answer=LIST, result_type=PAGE),
    Case("beta.threads.runs.steps.retrieve",
         lambda c: c.beta.threads.runs.steps.retrieve("step_1", thread_id="t1", run_id="run_1"),
         "GET", "/threads/t1/runs/run_1/steps/step_1", result_type=t.RunStep),
    # vector stores
    Case("vector_stores.create", lambda c: c.vector_stores.create(name="docs"), "POST",
         "/vector_stores", body={"name": "docs"}, result_type=t.VectorStore),
    Case("vector_stores.list", lambda c: c.vector_stores.list(), "GET", "/vector_stores",
         answer=LIST, result_type=PAGE),
    Case("vector_stores.retrieve", lambda c: c.vector_stores.retrieve("vs_1"), "GET",
         "/vector_stores/vs_1", result_type=t.VectorStore),
    Case("vector_stores.update", lambda c: c.vector_stores.update("vs_1", name="n2"), "POST",
         "/vector_stores/vs_1", body={"name": "n2"}, result_type=t.VectorStore),
    Case("vector_stores.delete", lambda c: c.vector_stores.delete("vs_1"), "DELETE",
         "/vector_stores/vs_1", result_type=t.DeletedObject),
    Case("vector_stores.search", lambda c: c.vector_stores.search("vs_1", query="cats"), "POST",
         "/vector_stores/vs_1/search", body={"query": "cats"}, answer=list_answer("chunk_1"),
         result_type=t.VectorStoreSearchResults),
    Case("beta.vector_stores.files.create",
         lambda c: c.beta.vector_stores.files.create("vs_1", file_id="file_1"), "POST",
         "/vector_stores/vs_1/files", body={"file_id": "file_1"}, result_type=t.VectorStoreFile),
    Case("vector_stores.files.list", lambda c: c.vector_stores.files.list("vs_1", filter="done"),
         "GET", "/vector_stores/vs_1/files", {"filter": "done"}, answer=LIST, result_type=PAGE),
    Case("vector_stores.files.retrieve",
         lambda c: c.vector_stores.files.retrieve("file_1", vector_store_id="vs_1"), "GET",
         "/vector_stores/vs_1/files/file_1", result_type=t.VectorStoreFile),
    Case("vector_stores.files.update",
         lambda c: c.vector_stores.files.update("file_1", vector_store_id="vs_1",
                                                attributes={"a": 1}),
         "POST", "/vector_stores/vs_1/files/file_1", body={"attributes": {"a": 1}},
         result_type=t.VectorStoreFile),
    Case("vector_stores.files.delete",
         lambda c: c.vector_stores.files.delete("file_1", vector_store_id="vs_1"), "DELETE",
         "/vector_stores/vs_1/files/file_1", result_type=t.DeletedObject),
    Case("vector_stores.files.content",
         lambda c: c.vector_stores.files.content("file_1", vector_store_id="vs_1"), "GET",
         "/vector_stores/vs_1/files/file_1/content", result_type=BinaryResponse),
    Case("vector_stores.file_batches.create",
         lambda c: c.vector_stores.file_batches.create("vs_1", file_ids=["f1", "f2"]), "POST",
         "/vector_stores/vs_1/file_batches", body={"file_ids": ["f1", "f2"]},
         result_type=t.VectorStoreFileBatch),
    Case("vector_stores.file_batches.retrieve",
         lambda c: c.vector_stores.file_batches.retrieve("vsfb_1", vector_store_id="vs_1"), "GET",
         "/vector_stores/vs_1/file_batches/vsfb_1", result_type=t.VectorStoreFileBatch),
    Case("vector_stores.file_batches.cancel",
         lambda c: c.vector_stores.file_batches.cancel("vsfb_1", vector_store_id="vs_1"), "POST",
         "/vector_stores/vs_1/file_batches/vsfb_1/cancel", result_type=t.VectorStoreFileBatch),
    Case("vector_stores.file_batches.list_files",
         lambda c: c.vector_stores.file_batches.list_files("vsfb_1", vector_store_id="vs_1"),
         "GET", "/vector_stores/vs_1/file_batches/vsfb_1/files", answer=LIST, result_type=PAGE),
    # responses
    Case("responses.create", lambda c: c.responses.create(model="gpt-4o", input="hi"), "POST",
         "/responses", body={"model": "gpt-4o", "input": "hi"}, result_type=t.ModelResponse),
    Case("responses.retrieve", lambda c: c.responses.retrieve("resp_1"), "GET",
         "/responses/resp_1", result_type=t.ModelResponse),
    Case("responses.delete", lambda c: c.responses.delete("resp_1"), "DELETE",
         "/responses/resp_1", result_type=t.DeletedObject),
    Case("responses.cancel", lambda c: c.responses.cancel("resp_1"), "POST",
         "/responses/resp_1/cancel", result_type=t.ModelResponse),
    Case("responses.input_items.list",
         lambda c: c.responses.input_items.list("resp_1", limit=2), "GET",
         "/responses/resp_1/input_items", {"limit": "2"}, answer=LIST, result_type=PAGE),
    # containers
    Case("containers.create", lambda c: c.containers.create(name="box"), "POST", "/containers",
         body={"name": "box"}, result_type=t.Container),
    Case("containers.list", lambda c: c.containers.list(), "GET", "/containers", answer=LIST,
         result_type=PAGE),
    Case("containers.retrieve", lambda c: c.containers.retrieve("cntr_1"), "GET",
         "/containers/cntr_1", result_type=t.Container),
    Case("containers.delete", lambda c: c.containers.delete("cntr_1"), "DELETE",
         "/containers/cntr_1", result_type=t.DeletedObject),
    Case("containers.files.create(file_id=)",
         lambda c: c.containers.files.create("cntr_1", file_id="file_1"), "POST",
         "/containers/cntr_1/files", body={"file_id": "file_1"}, result_type=t.ContainerFile),
    Case("containers.files.list", lambda c: c.containers.files.list("cntr_1"), "GET",
         "/containers/cntr_1/files", answer=LIST, result_type=PAGE),
    Case("containers.files.retrieve",
         lambda c: c.containers.files.retrieve("cfile_1", container_id="cntr_1"), "GET",
         "/containers/cntr_1/files/cfile_1", result_type=t.ContainerFile),
    Case("containers.files.delete",
         lambda c: c.containers.files.delete("cfile_1", container_id="cntr_1"), "DELETE",
         "/containers/cntr_1/files/cfile_1", result_type=t.DeletedObject),
    Case("containers.files.content",
         lambda c: c.containers.files.content("cfile_1", container_id="cntr_1"), "GET",
         "/containers/cntr_1/files/cfile_1/content", result_type=BinaryResponse),
    # evals
    Case("evals.create",
         lambda c: c.evals.create(data_source_config={"type": "custom"}, testing_criteria=[]),
         "POST", "/evals", body={"data_source_config": {"type": "custom"}, "testing_criteria": []},
         result_type=t.Eval),
    Case("evals.list", lambda c: c.evals.list(limit=1), "GET", "/evals", {"limit": "1"},
         answer=LIST, result_type=PAGE),
    Case("evals.retrieve", lambda c: c.evals.retrieve("eval_1"), "GET", "/evals/eval_1",
         result_type=t.Eval),
    Case("evals.update", lambda c: c.evals.update("eval_1", name="e2"), "POST", "/evals/eval_1",
         body={"name": "e2"}, result_type=t.Eval),
    Case("evals.delete", lambda c: c.evals.delete("eval_1"), "DELETE", "/evals/eval_1",
         result_type=t.DeletedObject),
    Case("evals.runs.create",
         lambda c: c.evals.runs.create("eval_1", data_source={"type": "jsonl"}), "POST",
         "/evals/eval_1/runs", body={"data_source": {"type": "jsonl"}}, result_type=t.EvalRun),
    Case("evals.runs.list", lambda c: c.evals.runs.list("eval_1", status="completed"), "GET",
         "/evals/eval_1/runs", {"status": "completed"}, answer=LIST, result_type=PAGE),
    Case("evals.runs.retrieve", lambda c: c.evals.runs.retrieve("run_1", eval_id="eval_1"),
         "GET", "/evals/eval_1/runs/run_1", result_type=t.EvalRun),
    Case("evals.runs.cancel", lambda c: c.evals.runs.cancel("run_1", eval_id="eval_1"), "POST",
         "/evals/eval_1/runs/run_1", result_type=t.EvalRun),
    Case("evals.runs.delete", lambda c: c.evals.runs.delete("run_1", eval_id="eval_1"), "DELETE",
         "/evals/eval_1/runs/run_1", result_type=t.DeletedObject),
    Case("evals.runs.output_items.list",
         lambda c: c.evals.runs.output_items.list("run_1", eval_id="eval_1"), "GET",
         "/evals/eval_1/runs/run_1/output_items", answer=LIST, result_type=PAGE),
    Case("evals.runs.output_items.retrieve",
         lambda c: c.evals.runs.output_items.retrieve("oi_1", eval_id="e1", run_id="run_1"),
         "GET", "/evals/e1/runs/run_1/output_items/oi_1", result_type=t.EvalRunOutputItem),
    # realtime sessions
    Case("beta.realtime.sessions.create",
         lambda c: c.beta.realtime.sessions.create(model="gpt-4o-realtime", voice="alloy"),
         "POST", "/realtime/sessions", body={"model": "gpt-4o-realtime", "voice": "alloy"},
         result_type=t.RealtimeSession),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=repr)
async def test_verb_through_gateway(
    case: Case, use_async: bool, gateway_url: str, stub: ProviderStub
) -> None:
    client = gateway_client(gateway_url, stub, use_async=use_async)
    result = await check_case(case, client, stub, TARGET)
    record = stub.requests(TARGET)[0]
    # the gateway turned the config's target into the provider's own credential
    assert record.headers["authorization"] == f"Bearer {PROVIDER_KEY}"
    if isinstance(result, PAGE):
        assert ids_of(result.data) == ["x_1", "x_2"]
    elif isinstance(result, BinaryResponse):
        assert json.loads(result.content) == case.answer


async def test_extra_options_reach_the_provider(gateway_url: str, stub: ProviderStub) -> None:
    client = gateway_client(gateway_url, stub)
    stub.script(TARGET, status(200, json_body={"id": "asst_1"}))
    client.beta.assistants.retrieve(
        "asst_1", extra_headers={"x-trace-me": "yes"}, extra_query={"expand": "all"}
    )
    record = stub.requests(TARGET)[0]
    assert record.headers["x-trace-me"] == "yes"
    assert record.query == "expand=all"


async def test_models_keep_unknown_fields(gateway_url: str, stub: ProviderStub) -> None:
    client = gateway_client(gateway_url, stub)
    answer = {"id": "file_1", "object": "file", "bytes": 12, "brand_new_field": {"x": 1}}
    stub.script(TARGET, status(200, json_body=answer))
    found = client.files.retrieve("file_1")
    assert (found.id, found.bytes) == ("file_1", 12)
    assert found.brand_new_field == {"x": 1}
    assert found["brand_new_field"] == {"x": 1}
    assert found.to_dict() == answer


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_404_is_not_found_error(
    use_async: bool, gateway_url: str, stub: ProviderStub
) -> None:
    client = gateway_client(gateway_url, stub, use_async=use_async)
    error = {"error": {"message": "No such batch: batch_x", "type": "invalid_request_error"}}
    stub.script(TARGET, status(404, json_body=error))
    with pytest.raises(NotFoundError) as caught:
        await resolve(client.batches.retrieve("batch_x"))
    assert caught.value.status_code == 404
    assert "No such batch" in str(caught.value)
    stub.script(TARGET, status(404, json_body={"error": {"message": "No such thread"}}))
    with pytest.raises(NotFoundError):
        await resolve(client.beta.threads.messages.list("thread_x"))


BAD_INPUT = [
    ("files.retrieve()", lambda c: c.files.retrieve(), "file_id"),
    ("files.retrieve('')", lambda c: c.files.retrieve(""), "file_id"),
    ("files.delete(None)", lambda c: c.files.delete(None), "file_id"),
    ("files.create no purpose", lambda c: c.files.create(file=b"x", purpose=""), "purpose"),
    ("files.create bad file", lambda c: c.files.create(file=123, purpose="batch"), "file"),
    ("batches.create missing", lambda c: c.batches.create(input_file_id="f"), "endpoint"),
    ("messages.list no thread", lambda c: c.beta.threads.messages.list(), "thread_id"),
    ("messages.retrieve no thread", lambda c: c.beta.threads.messages.retrieve("m1"),
     "thread_id"),
    ("steps.retrieve no run", lambda c: c.beta.threads.runs.steps.retrieve("s1", thread_id="t"),
     "run_id"),
    ("runs.create no assistant", lambda c: c.beta.threads.runs.create("t1"), "assistant_id"),
    ("uploads.complete no parts", lambda c: c.uploads.complete("u1", part_ids=[]), "part_ids"),
    ("uploads.create missing", lambda c: c.uploads.create(bytes=3, filename="a"), "mime_type"),
    ("graders.run no grader", lambda c: c.alpha.graders.run(model_sample="x"), "grader"),
    ("vector search no query", lambda c: c.vector_stores.search("vs_1"), "query"),
    ("container file both", lambda c: c.containers.files.create("c1"), "file"),
    ("responses stream", lambda c: c.responses.create(model="m", input="x", stream=True),
     "stream"),
    ("id as dict", lambda c: c.files.retrieve({"id": "x"}), "file_id"),
    ("positional parent on root", lambda c: c.files.list("oops"), None),
    ("realtime model", lambda c: c.beta.realtime.sessions.create(voice="x"), "model"),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("name", "call", "field"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
async def test_bad_input_fails_before_sending(
    name: str, call: Any, field: Any, use_async: bool, gateway_url: str, stub: ProviderStub
) -> None:
    client = gateway_client(gateway_url, stub, use_async=use_async)
    with pytest.raises(InvalidRequestError) as caught:
        await resolve(call(client))
    assert caught.value.field == field
    assert stub.requests() == []


def test_ids_cannot_add_path_segments() -> None:
    # the whole id is one quoted segment: "../batches/b1" cannot reach another resource
    from portkey.api_resources.resources.files import FILES

    call = FILES.retrieve_call("../batches/b1?x=1", {})
    assert call.path == "/files/..%2Fbatches%2Fb1%3Fx%3D1"
    assert call.params is None
