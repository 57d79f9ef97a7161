"""``LogExporter``, the batching background sender behind the framework handlers, against the
provider stand-in's catch-all as the logging API (``POST /v1/logs``, target ``default``)."""

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from provider_stub import ProviderStub, slow, status

from portkey.integrations.exporter import LogExporter
from portkey.integrations.records import CallStart, Usage, error_record, success_record

KEY = "pk-exporter-0003"
REPO_ROOT = Path(__file__).resolve().parents[1]


def exporter_for(stub: ProviderStub, **options: object) -> LogExporter:
    return LogExporter(api_key=KEY, base_url=f"{stub.url}/v1", **options)  # type: ignore[arg-type]


def test_close_sends_what_is_queued_in_one_batch(stub: ProviderStub) -> None:
    exporter = exporter_for(stub, batch_size=100, flush_interval=60)
    for n in range(3):
        assert exporter.submit({"n": n})
    exporter.close()  # no flush(): closing sends the partial batch
    [request] = stub.requests("default")
    assert (request.method, request.path) == ("POST", "/v1/logs")
    assert request.headers["x-portkey-api-key"] == KEY
    assert request.json == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert exporter.sent == 3
    assert not exporter.submit({"n": 3})  # closed: dropped, not raised
    assert exporter.dropped == 1
    exporter.close()  # twice is fine


def test_a_full_queue_drops_records_with_a_warning_and_never_blocks(
    stub: ProviderStub, caplog: pytest.LogCaptureFixture
) -> None:
    stub.script("default", slow(1.0))  # the API is slow: the worker is stuck on the first send
    exporter = exporter_for(stub, batch_size=1, max_queue=2, flush_interval=0.01)
    with caplog.at_level(logging.WARNING, logger="portkey"):
        accepted = [exporter.submit({"n": n}) for n in range(6)]
    # at most one record in flight and two queued: the rest were dropped, not waited for
    assert accepted.count(False) >= 3 and exporter.dropped == accepted.count(False)
    assert any("dropped an LLM call log" in r.getMessage() for r in caplog.records)
    assert exporter.flush(30)
    exporter.close()
    assert exporter.sent == accepted.count(True)


def test_flush_sends_a_partial_batch_now(stub: ProviderStub) -> None:
    exporter = exporter_for(stub, batch_size=100, flush_interval=600)
    try:
        exporter.submit({"n": 1})
        assert exporter.flush(30)
        assert [r.json for r in stub.requests("default")] == [[{"n": 1}]]
        assert exporter.flush(1)  # nothing pending: returns at once
    finally:
        exporter.close()


def test_a_rejected_batch_is_counted_and_logged_not_raised(
    stub: ProviderStub, caplog: pytest.LogCaptureFixture
) -> None:
    stub.script("default", status(400, {"error": {"message": "bad log"}}))
    exporter = exporter_for(stub, flush_interval=0.01)
    with caplog.at_level(logging.WARNING, logger="portkey"):
        exporter.submit({"n": 1})
        assert exporter.flush(30)
    exporter.close()
    assert (exporter.sent, exporter.failed) == (0, 1)
    assert "bad log" in str(exporter.last_error)
    assert any("could not send 1 LLM call log" in r.getMessage() for r in caplog.records)


def test_records_left_at_exit_are_sent(stub: ProviderStub) -> None:
    script = textwrap.dedent(
        f"""
        from portkey.integrations.exporter import LogExporter
        exporter = LogExporter(api_key={KEY!r}, base_url={stub.url + "/v1"!r},
                               batch_size=100, flush_interval=600)
        exporter.submit({{"at": "exit"}})
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=60)
    assert [r.json for r in stub.requests("default")] == [[{"at": "exit"}]]


def test_records_carry_latency_tokens_and_errors() -> None:
    start = CallStart(
        provider="openai",
        url="chat/completions",
        body={"model": "m", "messages": [{"role": "user", "content": "Hi"}], "obj": object()},
        span_id="s1",
        span_name="ChatOpenAI",
        trace_id="t1",
        parent_span_id="p1",
        metadata={"_user": "u1", "n": 3},
    )
    ok = success_record(start, model="m", choices=[], usage=Usage(3, 4))
    assert ok["response"]["body"]["usage"] == {
        "prompt_tokens": 3,
        "completion_tokens": 4,
        "total_tokens": 7,
    }
    assert isinstance(ok["request"]["body"]["obj"], str)  # anything JSON cannot carry: str
    assert ok["metadata"] == {
        "_user": "u1",
        "n": "3",
        "trace_id": "t1",
        "span_id": "s1",
        "span_name": "ChatOpenAI",
        "parent_span_id": "p1",
    }
    unknown_usage = success_record(start, model="m", choices=[], usage=Usage())
    assert "usage" not in unknown_usage["response"]["body"]

    class Teapot(Exception):
        status_code = 418

    failed = error_record(start, Teapot("short and stout"))
    assert failed["response"]["status"] == 418
    assert failed["response"]["body"]["error"] == {"message": "short and stout", "type": "Teapot"}
    assert error_record(start, RuntimeError("x"))["response"]["status"] == 500
