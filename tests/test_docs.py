"""The docs site builds with ``mkdocs build --strict`` (broken links, missing pages and unknown
reference markers fail it), and its generated reference sections match the code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "docs" / "hooks"))

import reference  # noqa: E402


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    page = (tmp_path / "site" / "config-reference" / "index.html").read_text(encoding="utf-8")
    assert "<code>temperature</code>" in page
    assert "targets[i].override_params.temperature" in page
    assert "x-portkey-trace-id" in page
    cli_page = (tmp_path / "site" / "cli" / "index.html").read_text(encoding="utf-8")
    assert "usage: portkey config validate" in cli_page


def test_every_llmoptions_field_is_documented() -> None:
    from portkey import LLMOptions

    table = reference.fields_table("LLMOptions")

    for name in LLMOptions.model_fields:
        assert f"| `{name}` |" in table


def test_every_client_parameter_is_documented() -> None:
    from portkey.api_resources.client_params import ClientParams

    table = reference.client_params_table()

    for name in ClientParams.__annotations__:
        assert f"| `{name}` |" in table
    assert "| `trace_id` | `Optional[str]` | `x-portkey-trace-id` |" in table


def test_unknown_marker_fails_the_build() -> None:
    with pytest.raises(ValueError, match="unknown marker"):
        reference.expand("<!-- portkey:nonsense -->", "page.md")
    with pytest.raises(ValueError, match="no model named 'Nope'"):
        reference.expand("<!-- portkey:fields Nope -->", "page.md")
