"""Notebook helpers (run_batch, ab_summary, tables, Jupyter reprs) through the real gateway and the
provider stand-in, and the example notebook executed end to end with nbclient."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from typing import Any, Dict, List

import nbformat
import pytest
from nbclient import NotebookClient
from provider_stub import ProviderStub, slow, status

from portkey import Config, LLMOptions, Portkey
from portkey.local.gateway import free_port
from portkey.notebook import (
    ABSummary,
    BatchResult,
    BatchResults,
    TargetStats,
    ab_summary,
    run_batch,
)

REPO_ROOT = Path(__file__).resolve().parents[1]


def target(stub: ProviderStub, name: str, **extra: Any) -> Dict[str, Any]:
    return {
        "provider": "openai",
        "api_key": f"key-{name}",
        "custom_host": stub.host_for(name),
        **extra,
    }


def client_for(gateway_url: str, config: Any) -> Portkey:
    # No SDK retries: a retried 500 could land on the other target and hide the failure.
    return Portkey(base_url=gateway_url, config=config, max_retries=0)


# --- run_batch --------------------------------------------------------------------------------


def test_run_batch_keeps_order_and_reports_target_latency_tokens(
    gateway_url: str, stub: ProviderStub
) -> None:
    config = {"strategy": {"mode": "single"}, "targets": [target(stub, "a")]}
    prompts = [f"question {n}" for n in range(6)]

    results = run_batch(
        prompts, client=client_for(gateway_url, config), concurrency=3, progress=False, model="m"
    )

    assert isinstance(results, BatchResults)
    assert [r.prompt for r in results] == prompts
    assert [r.index for r in results] == list(range(6))
    for result in results:
        assert result.ok and result.error is None
        assert result.text == "hello from a"
        assert result.target_index == 0
        assert result.latency > 0
        assert (result.prompt_tokens, result.completion_tokens, result.total_tokens) == (3, 3, 6)
        assert result.response is not None
    sent = sorted(r.json["messages"][0]["content"] for r in stub.requests("a"))  # type: ignore[index]
    assert sent == prompts


def test_run_batch_counts_a_failing_target_as_errors_not_lost(
    gateway_url: str, stub: ProviderStub
) -> None:
    stub.script("b", *[status(500)] * 30)
    config = {
        "strategy": {"mode": "loadbalance"},
        "targets": [target(stub, "a", weight=0.5), target(stub, "b", weight=0.5)],
    }

    results = run_batch(
        [f"p{n}" for n in range(20)],
        client=client_for(gateway_url, config),
        progress=False,
        model="m",
    )

    assert len(results) == 20
    failed = [r for r in results if not r.ok]
    succeeded = [r for r in results if r.ok]
    assert len(failed) == len(stub.requests("b"))
    assert len(succeeded) == len(stub.requests("a"))
    for result in failed:
        assert (result.target_index, result.error_type) == (1, "InternalServerError")
        assert result.text is None and result.total_tokens is None
        assert "500" in (result.error or "")
    assert all(r.target_index == 0 and r.text == "hello from a" for r in succeeded)
    summary = ab_summary(results)
    assert sum(stat.calls for stat in summary.stats.values()) == 20
    if failed:
        assert summary.stats["target 1"].errors == summary.stats["target 1"].calls == len(failed)
    if succeeded:
        assert summary.stats["target 0"].errors == 0
        assert summary.stats["target 0"].tokens == 6 * len(succeeded)


def test_run_batch_runs_prompts_concurrently(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", *[slow(0.5)] * 8)
    config = {"strategy": {"mode": "single"}, "targets": [target(stub, "a")]}

    started = time.monotonic()
    results = run_batch(
        ["x"] * 8, client=client_for(gateway_url, config), concurrency=8, progress=False, model="m"
    )
    elapsed = time.monotonic() - started

    assert all(r.ok for r in results)
    assert elapsed < 8 * 0.5 / 2  # one at a time would take 4 s


def test_run_batch_takes_message_lists(gateway_url: str, stub: ProviderStub) -> None:
    config = {"strategy": {"mode": "single"}, "targets": [target(stub, "a")]}
    conversation = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ]

    (result,) = run_batch(
        [conversation], client=client_for(gateway_url, config), progress=False, model="m"
    )

    assert result.ok
    assert stub.requests("a")[0].json["messages"] == conversation  # type: ignore[index]


def test_run_batch_unreachable_gateway_gives_error_results() -> None:
    client = Portkey(
        base_url=f"http://127.0.0.1:{free_port()}/v1", config="pc-unused", max_retries=0
    )

    results = run_batch(["a", "b"], client=client, progress=False, model="m")

    assert [r.error_type for r in results] == ["APIConnectionError", "APIConnectionError"]
    assert [r.target for r in results] == ["unknown", "unknown"]
    assert list(ab_summary(results).stats) == ["unknown"]


def test_run_batch_progress_bar(gateway_url: str, stub: ProviderStub) -> None:
    config = {"strategy": {"mode": "single"}, "targets": [target(stub, "a")]}
    stream = io.StringIO()

    run_batch(["x"] * 5, client=client_for(gateway_url, config), progress_stream=stream, model="m")

    shown = stream.getvalue()
    assert "5/5" in shown
    assert shown.endswith("\n")


def test_run_batch_rejects_bad_concurrency_before_sending(stub: ProviderStub) -> None:
    with pytest.raises(ValueError, match="concurrency must be 1 or more; got 0"):
        run_batch(["x"], client=Portkey(base_url=stub.url, config="pc-x"), concurrency=0)
    assert stub.requests() == []


# --- tables and reprs -------------------------------------------------------------------------


def make_result(
    index: int, target_index: Any, latency: float, tokens: Any, error: Any = None
) -> BatchResult:
    return BatchResult(
        index=index,
        prompt=f"<b>prompt {index}</b>",
        text=None if error else f"answer {index}",
        target_index=target_index,
        latency=latency,
        total_tokens=tokens,
        error=error,
        error_type="InternalServerError" if error else None,
    )


def test_ab_summary_numbers_and_renderings() -> None:
    results = BatchResults(
        [
            make_result(0, 1, 1.0, 10),
            make_result(1, 0, 0.5, 4),
            make_result(2, 0, 1.5, 6),
            make_result(3, 1, 3.0, None, error="500: boom"),
            make_result(4, None, 0.1, None, error="connection refused"),
        ]
    )

    summary = ab_summary(results)

    assert isinstance(summary, ABSummary)
    assert list(summary.stats) == ["target 0", "target 1", "unknown"]
    assert summary.stats["target 0"] == TargetStats(calls=2, errors=0, total_latency=2.0, tokens=10)
    assert summary.stats["target 0"].mean_latency == 1.0
    assert summary.stats["target 1"].mean_latency == 2.0
    assert summary.stats["target 1"].errors == 1
    assert str(summary).splitlines() == [
        "target    calls  share  errors  mean latency s  tokens",
        "--------  -----  -----  ------  --------------  ------",
        "target 0      2    40%       0            1.00      10",
        "target 1      2    40%       1            2.00      10",
        "unknown       1    20%       1            0.10       0",
    ]
    html = summary._repr_html_()
    assert html.startswith("<table>") and "<td>target 1</td>" in html
    table_html = results._repr_html_()
    assert "&lt;b&gt;prompt 0&lt;/b&gt;" in table_html  # prompts are escaped
    assert "<b>" not in table_html
    assert "ERROR InternalServerError" in str(results)
    assert results.summary().stats == summary.stats


def test_config_renders_in_jupyter_with_secrets_masked() -> None:
    config = Config(
        mode="fallback",
        llms=[
            LLMOptions(provider="openai", api_key="sk-supersecret-123456", model="gpt-4o"),
            LLMOptions(virtual_key="anthropic-virtual-key-9876", model="claude", weight=2),
        ],
    )

    markdown = config._repr_markdown_()

    assert markdown.startswith("**Config** · mode `fallback` · 2 LLMs")
    assert "| 0 | openai | gpt-4o | - | api_key sk-...3456 | - |" in markdown
    assert "| 1 | - | claude | 2.0 | virtual_key ant...9876 | - |" in markdown
    assert "supersecret" not in markdown and "virtual-key-9876" not in markdown


def test_response_renders_in_jupyter(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", status(503))
    config = {"strategy": {"mode": "fallback"}, "targets": [target(stub, "a"), target(stub, "b")]}

    response = client_for(gateway_url, config).chat.completions.create(
        messages=[{"role": "user", "content": "hi"}], model="m"
    )

    markdown = response._repr_markdown_()
    assert markdown.startswith("**ChatCompletion** · served by target 1 · provider `openai`")
    assert '"content": "hello from b"' in markdown


# --- the example notebook ---------------------------------------------------------------------


def cell_outputs(notebook: Any) -> List[str]:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                texts.append(output["text"])
            for value in output.get("data", {}).values():
                texts.append(value if isinstance(value, str) else str(value))
    return texts


def test_example_notebook_runs_against_the_local_stack(
    gateway_url: str, stub: ProviderStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTKEY_BASE_URL", gateway_url)
    monkeypatch.setenv("PORTKEY_EXAMPLE_HOST_A", stub.host_for("a"))
    monkeypatch.setenv("PORTKEY_EXAMPLE_HOST_B", stub.host_for("b"))
    monkeypatch.setenv("PORTKEY_EXAMPLE_MODEL", "stub-model")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
    )
    notebook = nbformat.read(REPO_ROOT / "examples" / "quickstart.ipynb", as_version=4)

    # Raises CellExecutionError, with the cell and its traceback, if any cell fails.
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(REPO_ROOT)}},
    ).execute()

    outputs = "\n".join(cell_outputs(notebook))
    assert "**Config** · mode `single`" in outputs
    assert "served by target 1" in outputs  # the fallback cell
    # The A/B summary (a 50/50 split of six prompts sends all six to one target 1 time in 32).
    assert re.search(r"target [01]\s+\d", outputs)
    assert "hello from a" in outputs
    assert "['hello from a', 'hello from a']" in outputs  # the async cell
    models = {r.json["model"] for r in stub.requests() if r.json}
    assert models == {"stub-model"}
    assert len(stub.requests("a")) + len(stub.requests("b")) >= 11
