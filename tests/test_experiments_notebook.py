"""examples/ab_experiment.ipynb executed end to end (nbclient) against the real gateway and
the provider stand-in, with target B scripted slower and sometimes failing."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any, List

import nbformat
from nbclient import NotebookClient
from provider_stub import Action, ProviderStub, answer, status

from portkey.experiments import read_results

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO_ROOT / "examples" / "ab_experiment.ipynb"


def outputs_of(notebook: Any) -> List[Any]:
    return [output for cell in notebook.cells for output in cell.get("outputs", [])]


def solve(body: Any) -> str:
    """The right answer to the notebook's "What is A + B? ..." question."""
    question = body["messages"][-1]["content"]
    left, right = question.removeprefix("What is ").split("?")[0].split(" + ")
    return str(int(left) + int(right))


def wrong(body: Any) -> str:
    return str(int(solve(body)) + 1)


def scripted_targets(stub: ProviderStub) -> None:
    """A answers right at once; B is slower, fails 1 call in 10 and answers wrong 1 in 4."""
    stub.script("a", *[answer(solve, 0.005 * (n % 5)) for n in range(200)])
    actions_b: List[Action] = []
    for n in range(200):
        if n % 10 == 3:
            actions_b.append(status(500))
        else:
            actions_b.append(answer(wrong if n % 4 == 1 else solve, 0.04 + 0.01 * (n % 5)))
    stub.script("b", *actions_b)


def text_of(outputs: List[Any]) -> str:
    texts = []
    for output in outputs:
        if "text" in output:
            texts.append(output["text"])
        for kind, value in output.get("data", {}).items():
            if kind.startswith("text/"):
                texts.append(value)
    return "\n".join(texts)


def test_ab_experiment_notebook_runs_and_shows_table_verdict_and_plots(
    gateway_url: str, stub: ProviderStub, tmp_path: Path, monkeypatch: Any
) -> None:
    scripted_targets(stub)
    results = tmp_path / "ab.jsonl"
    figure = tmp_path / "ab.png"
    monkeypatch.setenv("PORTKEY_BASE_URL", gateway_url)
    monkeypatch.setenv("PORTKEY_EXAMPLE_HOST_A", stub.host_for("a"))
    monkeypatch.setenv("PORTKEY_EXAMPLE_HOST_B", stub.host_for("b"))
    monkeypatch.setenv("PORTKEY_EXAMPLE_MODEL", "stub-model")
    monkeypatch.setenv("PORTKEY_EXAMPLE_RESULTS", str(results))
    monkeypatch.setenv("PORTKEY_EXAMPLE_FIGURE", str(figure))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
    )
    notebook = nbformat.read(NOTEBOOK, as_version=4)

    # Raises CellExecutionError, with the cell and its traceback, if any cell fails.
    NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()

    outputs = outputs_of(notebook)
    shown = text_of(outputs)
    # The table, the summary with intervals, the verdict in words, the pictures.
    assert "ExperimentResult(120 calls; temperature 0:" in shown
    assert "<th>p95 latency s</th>" in shown and "<th>score</th>" in shown
    assert "Latency: temperature 1.2 is slower than temperature 0" in shown
    assert "Success rate: temperature 1.2 succeeds less often than temperature 0" in shown
    assert "Score: temperature 1.2 scores lower than temperature 0" in shown
    assert any("image/png" in output.get("data", {}) for output in outputs)
    assert figure.stat().st_size > 10_000
    assert "120 results; the same as before: True" in shown
    # Every question once in the results file, and sent once: the rerun sent nothing.
    _, records = read_results(results)
    assert len(records) == 120 and max(Counter(r.id for r in records).values()) == 1
    assert len(stub.requests("a")) + len(stub.requests("b")) == 120
    assert {r.json["model"] for r in stub.requests() if r.json} == {"stub-model"}
    temperatures = {r.target: r.json["temperature"] for r in stub.requests() if r.json}
    assert temperatures == {"a": 0.0, "b": 1.2}
