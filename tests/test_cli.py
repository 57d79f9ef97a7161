"""The ``portkey`` command: config validate/migrate, chat through the real gateway to the stub,
``local up/down/status`` with the real gateway, --version, --help and usage errors."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import List, Tuple

import pytest
import requests
from provider_stub import ProviderStub, status

from portkey.cli import EXIT_API_ERROR, EXIT_NOT_RUNNING, EXIT_OK, EXIT_USAGE, build_parser, main
from portkey.local.stack import process_alive, read_state
from portkey.version import VERSION

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No stray gateway URL, keys or running local stack from the developer's shell."""
    for name in ("PORTKEY_BASE_URL", "PORTKEY_PROXY", "PORTKEY_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    state = tmp_path / "local-state"
    monkeypatch.setenv("PORTKEY_LOCAL_DIR", str(state))
    # Subprocesses (python -m portkey ...) import this checkout even when it is not installed.
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
    )
    return state


def run(*argv: str) -> Tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def run_process(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m portkey ARGV`` as a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "portkey", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


# --- --version, --help, usage errors -----------------------------------------------------------


def test_version_names_sdk_and_pinned_gateway(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run("--version")

    assert code == EXIT_OK
    printed = capsys.readouterr().out
    assert f"portkey {VERSION}" in printed
    assert "gateway 1.15.2" in printed


def test_python_dash_m_portkey_runs_the_cli() -> None:
    result = run_process("--version")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"portkey {VERSION}")


def test_help_lists_commands_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run("--help")

    assert code == EXIT_OK
    printed = capsys.readouterr().out
    for command in ("chat", "config", "local", "demo"):
        assert re.search(rf"^\s+{command}\s+\w", printed, re.MULTILINE), command
    assert "exit codes: 0 ok, 1 API error" in printed
    assert "SUPPRESS" not in printed


@pytest.mark.parametrize(
    ("argv", "options"),
    [
        (["chat", "--help"], ["--config", "--mode", "--llm", "--stream", "--base-url", "--json"]),
        (["config", "validate", "--help"], ["FILE"]),
        (["config", "migrate", "--help"], ["--output"]),
        (["local", "up", "--help"], ["--model", "--port", "--model-port", "--state-dir"]),
        (["local", "status", "--help"], ["--json", "Exits 0 when they run, 3 when nothing"]),
        (["local", "down", "--help"], ["--state-dir", "'not running' when there was nothing"]),
        (["demo", "--help"], ["--gateway-url", "--model-url", "--calls"]),
    ],
)
def test_subcommand_help_documents_its_options(
    argv: List[str], options: List[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(*argv)

    assert code == EXIT_OK
    printed = " ".join(capsys.readouterr().out.split())  # argparse wraps the description
    for option in options:
        assert option in printed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["fly"], "invalid choice: 'fly'"),
        (["chat"], "the following arguments are required: prompt"),
        (["chat", "hi", "--mode", "roundrobin"], "invalid choice: 'roundrobin'"),
        (["chat", "hi", "--max-tokens", "many"], "invalid int value: 'many'"),
        (["config"], "the following arguments are required: ACTION"),
        (["config", "validate"], "the following arguments are required: FILE"),
        (["local", "up", "--port", "http"], "invalid int value: 'http'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    argv: List[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(*argv)

    assert code == EXIT_USAGE
    printed = capsys.readouterr().err
    assert printed.count("\n") == 1, printed
    assert message in printed
    assert "--help" in printed


def test_usage_error_exit_code_of_the_real_process() -> None:
    result = run_process("chat")

    assert result.returncode == 2
    assert result.stderr.strip().startswith("portkey chat: error:")


# --- config validate -------------------------------------------------------------------------

SDK_CONFIG = """\
{
  "mode": "fallback",
  "llms": [
    {"provider": "openai", "api_key": "sk-first-key-0001", "model": "gpt-4o"},
    {
      "provider": "anthropic",
      "api_key": "sk-second-key-0002",
      "model": "claude-3-5-haiku-latest",
      "temperature": 0.2
    }
  ]
}
"""

LEGACY_GATEWAY_CONFIG = """\
{
  "mode": "loadbalance",
  "options": [
    {
      "provider": "openai",
      "apiKey": "sk-legacy-key-0001",
      "weight": 0.7,
      "retry": {"attempts": 3},
      "override_params": {"model": "gpt-4", "temperature": 0.5}
    },
    {
      "provider": "openai",
      "virtual_key": "openai-vk-backup",
      "weight": 0.3,
      "cache": {"mode": "semantic", "max_age": 60},
      "override_params": {"model": "gpt-3.5-turbo"}
    }
  ]
}
"""

CURRENT_CONFIG = """\
{
  "strategy": {"mode": "fallback", "on_status_codes": [429, 503]},
  "targets": [
    {"provider": "openai", "api_key": "sk-a", "override_params": {"model": "gpt-4o"}},
    {"virtual_key": "anthropic-vk", "retry": {"attempts": 2}}
  ]
}
"""

YAML_CONFIG = """\
mode: ab_test
llms:
  - provider: openai
    api_key: sk-yaml-key-0001
    model: gpt-4o
    weight: 0.5
  - provider: openai
    api_key: sk-yaml-key-0002
    model: gpt-4o-mini
    weight: 0.5
"""


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("sdk.json", SDK_CONFIG, "SDK config (mode + llms): mode fallback, 2 LLMs"),
        (
            "legacy.json",
            LEGACY_GATEWAY_CONFIG,
            "legacy gateway config (mode + options): mode loadbalance, 2 LLMs",
        ),
        ("current.json", CURRENT_CONFIG, "current gateway config (strategy + targets): "),
        ("ab.yaml", YAML_CONFIG, "SDK config (mode + llms): mode ab_test, 2 LLMs"),
    ],
)
def test_validate_accepts_every_shape(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = write(tmp_path / name, text)

    code, out, err = run("config", "validate", path)

    assert (code, err) == (EXIT_OK, "")
    assert out.startswith(f"{path}: ok: {expected}")


def test_validate_legacy_shape_points_to_migrate(tmp_path: Path) -> None:
    path = write(tmp_path / "legacy.json", LEGACY_GATEWAY_CONFIG)

    _, out, _ = run("config", "validate", path)

    assert f"'portkey config migrate {path}'" in out


def test_validate_bad_sdk_config_names_field_and_line(tmp_path: Path) -> None:
    text = SDK_CONFIG.replace('"temperature": 0.2', '"temperature": 7').replace(
        '"anthropic"', '"antropic"'
    )
    path = write(tmp_path / "bad.json", text)

    code, out, err = run("config", "validate", path)

    assert code == EXIT_USAGE
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 2
    provider_line = line_of(text, '"antropic"')
    temperature_line = line_of(text, '"temperature"')
    assert lines[0].startswith(f"portkey config: error: {path}:{provider_line}: llms[1].provider:")
    assert "did you mean 'anthropic'" in lines[0]
    assert lines[1].startswith(
        f"portkey config: error: {path}:{temperature_line}: llms[1].temperature:"
    )
    assert "less than or equal to 2" in lines[1]


def test_validate_mode_rule_points_at_the_llm(tmp_path: Path) -> None:
    text = SDK_CONFIG.replace('"fallback"', '"loadbalance"').replace(
        '"temperature": 0.2', '"weight": 0.4'
    )
    path = write(tmp_path / "weights.json", text)

    code, _, err = run("config", "validate", path)

    assert code == EXIT_USAGE
    # llms[0] has no weight while llms[1] has one.
    assert f"{path}:{line_of(text, 'sk-first-key')}: llms[0].weight:" in err


def test_validate_json_syntax_error_gives_line(tmp_path: Path) -> None:
    text = SDK_CONFIG.replace('"model": "gpt-4o"}', '"model": "gpt-4o",}')
    path = write(tmp_path / "syntax.json", text)

    code, _, err = run("config", "validate", path)

    assert code == EXIT_USAGE
    assert err.startswith(f"portkey config: error: {path}:{line_of(text, 'gpt-4o')}: invalid JSON:")
    assert err.count("\n") == 1


def test_validate_legacy_option_error_names_the_legacy_path(tmp_path: Path) -> None:
    text = LEGACY_GATEWAY_CONFIG.replace('"temperature": 0.5', '"temperature": 3.5')
    path = write(tmp_path / "legacy-bad.json", text)

    code, _, err = run("config", "validate", path)

    assert code == EXIT_USAGE
    line = line_of(text, "override_params")
    assert f"{path}:{line}: options[0].override_params.temperature:" in err


def test_validate_current_shape_errors(tmp_path: Path) -> None:
    text = CURRENT_CONFIG.replace('"fallback"', '"fallbak"').replace(
        '"retry": {"attempts": 2}', '"weight": -1'
    )
    path = write(tmp_path / "current-bad.json", text)

    code, _, err = run("config", "validate", path)

    assert code == EXIT_USAGE
    assert f"{path}:{line_of(text, 'fallbak')}: strategy.mode: strategy mode must be one of" in err
    assert "did you mean 'fallback'?" in err
    assert f"{path}:{line_of(text, 'anthropic-vk')}: targets[1].weight:" in err


NESTED_CONFIG = """\
{
  "strategy": {"mode": "fallback"},
  "targets": [
    {
      "strategy": {"mode": "roundrobin"},
      "targets": [{"provider": "openai", "api_key": "sk-a"}]
    },
    {"strategy": {"mode": "single"}, "targets": []},
    {"provider": "openai", "api_key": "sk-b", "weight": -1}
  ]
}
"""


def test_validate_checks_nested_strategies_with_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "nested.json", NESTED_CONFIG)

    code, out, err = run("config", "validate", path)

    assert (code, out) == (EXIT_USAGE, "")
    assert f"{path}:{line_of(NESTED_CONFIG, 'roundrobin')}: targets[0].strategy.mode:" in err
    empty_line = line_of(NESTED_CONFIG, '"targets": []')
    assert f"{path}:{empty_line}: targets[1]: targets is empty" in err
    assert f"{path}:{line_of(NESTED_CONFIG, 'sk-b')}: targets[2].weight:" in err


def test_validate_legacy_body_notes_its_params(tmp_path: Path) -> None:
    options = [{"provider": "openai", "apiKey": "k-1"}]
    body = {"config": {"mode": "single", "options": options}, "params": {"max_tokens": 5}}
    path = write(tmp_path / "body.json", json.dumps(body))

    code, out, err = run("config", "validate", path)

    assert (code, err) == (EXIT_OK, "")
    assert "note: this is a legacy request body: its params (max_tokens) are request" in out


def test_validate_yaml_error_gives_line(tmp_path: Path) -> None:
    text = YAML_CONFIG.replace("weight: 0.5\n  - provider", "weight: -2\n  - provider")
    path = write(tmp_path / "bad.yaml", text)

    code, _, err = run("config", "validate", path)

    assert code == EXIT_USAGE
    assert f"{path}:{line_of(text, 'weight: -2')}: llms[0].weight:" in err


def test_validate_not_a_config_and_missing_file(tmp_path: Path) -> None:
    other = write(tmp_path / "other.json", '{"name": "not a config"}')
    listed = write(tmp_path / "list.json", "[1, 2]")
    missing = str(tmp_path / "missing.json")
    good = write(tmp_path / "good.json", CURRENT_CONFIG)

    code, out, err = run("config", "validate", other, listed, missing, good)

    assert code == EXIT_USAGE
    summary = "current gateway config (strategy + targets): strategy fallback, 2 targets"
    assert out == f"{good}: ok: {summary}\n"
    assert f"{other}:1: not a routing config" in err
    assert f"{listed}:1: a config must be an object" in err
    assert f"{missing}: cannot read the file" in err


def test_validate_single_target_and_legacy_body_shapes(tmp_path: Path) -> None:
    target = write(tmp_path / "target.json", '{"provider": "openai", "api_key": "sk-x"}')
    body = write(tmp_path / "body.json", '{"config": {"mode": "single"}, "params": {}}')

    code, out, err = run("config", "validate", target, body)

    assert code == EXIT_USAGE
    assert (
        out == f"{target}: ok: current gateway config (strategy + targets): one target (openai)\n"
    )
    assert f"{body}:1: config: a legacy body's config needs 'options'" in err


# --- config migrate --------------------------------------------------------------------------


def test_migrate_current_config_prints_it_back(tmp_path: Path) -> None:
    path = write(tmp_path / "current.json", CURRENT_CONFIG)

    code, out, err = run("config", "migrate", path)

    assert code == EXIT_OK
    assert json.loads(out) == json.loads(CURRENT_CONFIG)
    assert err == "note: already in the current gateway shape; printed as validated\n"


LEGACY_GATEWAY_MIGRATED = {
    "strategy": {"mode": "loadbalance"},
    "targets": [
        {
            "provider": "openai",
            "api_key": "sk-legacy-key-0001",
            "weight": 0.7,
            "retry": {"attempts": 3},
            "override_params": {"model": "gpt-4", "temperature": 0.5},
        },
        {
            "provider": "openai",
            "virtual_key": "openai-vk-backup",
            "weight": 0.3,
            "cache": {"mode": "semantic", "max_age": 60},
            "override_params": {"model": "gpt-3.5-turbo"},
        },
    ],
}


def test_migrate_legacy_gateway_config_golden(tmp_path: Path) -> None:
    path = write(tmp_path / "legacy.json", LEGACY_GATEWAY_CONFIG)

    code, out, err = run("config", "migrate", path)

    assert (code, err) == (EXIT_OK, "")
    assert out == json.dumps(LEGACY_GATEWAY_MIGRATED, indent=2) + "\n"


def test_migrate_legacy_request_body(tmp_path: Path) -> None:
    body = {
        "config": {
            "mode": "single",
            "options": [
                {
                    "provider": "openai",
                    "virtualKey": "vk-main",
                    "override_params": {"model": "gpt-4"},
                }
            ],
        },
        "params": {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 10},
    }
    path = write(tmp_path / "body.json", json.dumps(body))

    code, out, err = run("config", "migrate", path)

    assert code == EXIT_OK
    assert json.loads(out) == {
        "strategy": {"mode": "single"},
        "targets": [
            {"provider": "openai", "virtual_key": "vk-main", "override_params": {"model": "gpt-4"}}
        ],
    }
    assert "note: params (max_tokens, messages) are not config" in err


def test_migrate_sdk_yaml_ab_test_becomes_loadbalance(tmp_path: Path) -> None:
    path = write(tmp_path / "ab.yaml", YAML_CONFIG)

    code, out, _ = run("config", "migrate", path)

    assert code == EXIT_OK
    migrated = json.loads(out)
    assert migrated["strategy"] == {"mode": "loadbalance"}
    assert [t["weight"] for t in migrated["targets"]] == [0.5, 0.5]
    assert [t["override_params"]["model"] for t in migrated["targets"]] == ["gpt-4o", "gpt-4o-mini"]


def test_migrate_never_writes_keys_taken_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment-9999")
    path = write(
        tmp_path / "envkey.json",
        '{"mode": "single", "llms": [{"provider": "openai", "model": "gpt-4o", "trace_id": "t1"}]}',
    )

    code, out, err = run("config", "migrate", path, "-o", str(tmp_path / "out.json"))

    assert code == EXIT_OK
    assert out == ""
    written = (tmp_path / "out.json").read_text()
    assert "sk-from-the-environment" not in written
    assert json.loads(written)["targets"] == [
        {"provider": "openai", "override_params": {"model": "gpt-4o"}}
    ]
    assert "targets[0] has no api_key: the SDK reads it from $OPENAI_API_KEY" in err
    assert "llms[0].trace_id is request-level" in err


def test_migrate_to_an_unwritable_path_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "legacy.json", LEGACY_GATEWAY_CONFIG)

    code, _, err = run("config", "migrate", path, "-o", str(tmp_path / "no" / "such" / "dir.json"))

    assert code == EXIT_API_ERROR
    assert err.startswith("portkey config: error: [Errno 2] No such file or directory")
    assert err.count("\n") == 1


def test_migrate_invalid_config_fails_before_writing(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", LEGACY_GATEWAY_CONFIG.replace('"weight": 0.3,', ""))
    output = tmp_path / "out.json"

    code, _, err = run("config", "migrate", path, "--output", str(output))

    assert code == EXIT_USAGE
    assert not output.exists()
    assert "options[1].weight" in err


def test_migrated_config_is_accepted_by_the_gateway(
    tmp_path: Path, gateway_url: str, stub: ProviderStub
) -> None:
    legacy = {
        "mode": "fallback",
        "options": [
            {"provider": "openai", "apiKey": "key-a", "customHost": stub.host_for("a")},
            {"provider": "openai", "apiKey": "key-b", "customHost": stub.host_for("b")},
        ],
    }
    source = write(tmp_path / "legacy.json", json.dumps(legacy))
    migrated = tmp_path / "current.json"
    assert run("config", "migrate", source, "-o", str(migrated))[0] == EXIT_OK
    stub.script("a", status(503))

    code, out, err = run(
        "chat", "hi", "--config", str(migrated), "--model", "m", "--base-url", gateway_url
    )

    assert code == EXIT_OK, err
    assert out == "hello from b\n"
    assert "served by target 1" in err
    assert stub.requests("b")[0].headers["authorization"] == "Bearer key-b"


# --- chat ------------------------------------------------------------------------------------


def llm(stub: ProviderStub, name: str, **extra: str) -> str:
    fields = {"provider": "openai", "api_key": f"key-{name}", "custom_host": stub.host_for(name)}
    fields.update(extra)
    return ",".join(f"{key}={value}" for key, value in fields.items())


def test_chat_single_llm_through_the_gateway(gateway_url: str, stub: ProviderStub) -> None:
    target = llm(stub, "a", model="gpt-test")
    code, out, err = run(
        "chat", "Who are you?", "--llm", target, "--base-url", gateway_url,
        "--max-tokens", "5", "--system", "Be brief.",
    )  # fmt: skip

    assert code == EXIT_OK, err
    assert out == "hello from a\n"
    assert re.fullmatch(
        rf"\[{re.escape(gateway_url)} · served by target 0 \(openai\) · [\d.]+s · 6 tokens\]\n", err
    )
    (seen,) = stub.requests("a")
    assert seen.json is not None
    assert seen.json["model"] == "gpt-test"
    assert seen.json["max_tokens"] == 5
    assert seen.json["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Who are you?"},
    ]
    assert seen.headers["authorization"] == "Bearer key-a"


def test_chat_fallback_reports_the_serving_target(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", status(503))

    code, out, err = run(
        "chat", "hi", "--mode", "fallback", "--llm", llm(stub, "a", model="m"),
        "--llm", llm(stub, "b", model="m"), "--base-url", gateway_url,
    )  # fmt: skip

    assert code == EXIT_OK, err
    assert out == "hello from b\n"
    assert "served by target 1" in err


def test_chat_stream_prints_chunks(gateway_url: str, stub: ProviderStub) -> None:
    stub.set_stream_chunks(4)

    code, out, err = run(
        "chat",
        "hi",
        "--stream",
        "--llm",
        llm(stub, "a", model="m"),
        "--base-url",
        gateway_url,
        "-q",
    )

    assert (code, out, err) == (EXIT_OK, "hello from a\n", "")
    assert stub.requests("a")[0].json["stream"] is True  # type: ignore[index]


def test_chat_json_prints_the_response(gateway_url: str, stub: ProviderStub) -> None:
    code, out, _ = run(
        "chat", "hi", "--json", "--llm", llm(stub, "a", model="m"), "--base-url", gateway_url
    )

    assert code == EXIT_OK
    assert json.loads(out)["choices"][0]["message"]["content"] == "hello from a"


def test_chat_api_error_exits_1_with_one_line(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", status(401, {"error": {"message": "Incorrect API key provided"}}))

    code, out, err = run(
        "chat", "hi", "--llm", llm(stub, "a", model="m"), "--base-url", gateway_url
    )

    assert code == EXIT_API_ERROR
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("portkey chat: error: AuthenticationError: 401:")
    assert "Incorrect API key provided" in err


def test_chat_unreachable_gateway_exits_1(stub: ProviderStub) -> None:
    from portkey.local.gateway import free_port

    url = f"http://127.0.0.1:{free_port()}/v1"
    code, _, err = run("chat", "hi", "--llm", llm(stub, "a"), "--base-url", url, "--timeout", "5")

    assert code == EXIT_API_ERROR
    assert err.count("\n") == 1
    assert err.startswith(f"portkey chat: error: no gateway answers at {url} (connection refused)")
    assert "'portkey local up'" in err
    assert "Max retries" not in err and "Errno" not in err
    assert stub.requests() == []


def test_chat_connection_errors_other_than_refused_keep_their_type(stub: ProviderStub) -> None:
    # A server that accepts the connection and then hangs up without answering: the gateway
    # is there but broken, which "start one" would not fix.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}/v1"

        def hang_up() -> None:
            with contextlib.suppress(OSError):  # the listening socket closes under accept()
                while True:
                    server.accept()[0].close()

        closer = threading.Thread(target=hang_up, daemon=True)
        closer.start()
        code, _, err = run(
            "chat", "hi", "--llm", llm(stub, "a"), "--base-url", url, "--timeout", "5"
        )  # fmt: skip

    assert code == EXIT_API_ERROR
    assert err.startswith("portkey chat: error: APIConnectionError")
    assert "no gateway answers" not in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--llm", "provider=openai,api_key=k,temperature=9"], "--llm #1: temperature:"),
        (["--llm", "provider=openai,api_key"], "--llm #1: 'api_key' is not KEY=VALUE"),
        (
            ["--llm", "provider=openai,api_key=k", "--llm", "provider=openai,api_key=k"],
            "mode='single'",
        ),
        (["--config", "x.json", "--llm", "provider=openai"], "either --config or --llm"),
        (["--mode", "fallback"], "--mode routes between --llm targets"),
        ([], "nothing to route to: give --config FILE or --llm"),
    ],
)
def test_chat_bad_input_exits_2_before_sending(
    extra: List[str], message: str, gateway_url: str, stub: ProviderStub
) -> None:
    code, out, err = run("chat", "hi", "--base-url", gateway_url, *extra)

    assert code == EXIT_USAGE
    assert (out, err.count("\n")) == ("", 1)
    assert message in err
    assert stub.requests() == []


def test_chat_bad_config_file_names_the_line(tmp_path: Path, stub: ProviderStub) -> None:
    text = CURRENT_CONFIG.replace('"sk-a"', "42")
    path = write(tmp_path / "c.json", text)

    code, _, err = run("chat", "hi", "--config", path, "--base-url", "http://127.0.0.1:9/v1")

    assert code == EXIT_USAGE
    line = line_of(text, '"api_key": 42')
    assert f"{path}:{line}: targets[0].api_key:" in err


def test_chat_to_hosted_gateway_without_key_is_a_usage_error() -> None:
    code, _, err = run("chat", "hi", "--llm", "provider=openai,virtual_key=vk")

    assert code == EXIT_USAGE
    assert "needs a Portkey API key: pass --api-key or set PORTKEY_API_KEY" in err


# --- local up / status / down ------------------------------------------------------------------


def test_local_up_status_chat_down(clean_env: Path, stub: ProviderStub) -> None:
    started = run_process("local", "up", "--port", "0")
    assert started.returncode == 0, started.stderr + started.stdout
    state = read_state(clean_env)
    assert state is not None
    try:
        # This checkout has the gateway in node_modules already: nothing was installed.
        assert "already installed: the gateway\n" in started.stderr
        assert "installed: the gateway" not in started.stderr.replace("already installed", "")
        assert f"gateway: {state.gateway_url}" in started.stdout
        assert f"export PORTKEY_BASE_URL={state.gateway_url}" in started.stdout
        root = state.gateway_url.rsplit("/v1", 1)[0]
        assert requests.get(root, timeout=5).text == "AI Gateway says hey!"

        status_result = run_process("local", "status")
        assert status_result.returncode == 0
        assert f"gateway: {state.gateway_url} (pid {state.gateway_pid})" in status_result.stdout

        again = run_process("local", "up", "--port", "0")
        assert again.returncode == 0
        assert again.stdout.startswith("already running")

        # With no --base-url and no PORTKEY_BASE_URL, chat goes to the running local gateway.
        code, out, err = run("chat", "hi", "--llm", llm(stub, "a", model="m"))
        assert code == EXIT_OK, err
        assert out == "hello from a\n"
        assert state.gateway_url in err
    finally:
        stopped = run_process("local", "down")
    assert stopped.returncode == 0
    assert stopped.stdout == "stopped\n"
    assert state.gateway_pid is not None
    assert not process_alive(state.gateway_pid)
    assert not state.running()

    after = run_process("local", "status")
    assert (after.returncode, after.stdout) == (EXIT_NOT_RUNNING, "not running\n")
    assert run_process("local", "down").stdout == "not running\n"


def test_local_down_cleans_up_after_a_killed_supervisor(clean_env: Path) -> None:
    started = run_process("local", "up", "--port", "0")
    assert started.returncode == 0, started.stderr
    state = read_state(clean_env)
    assert state is not None and state.gateway_pid is not None
    os.kill(state.supervisor_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while state.running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process_alive(state.gateway_pid)  # orphaned, still serving

    stopped = run_process("local", "down")

    assert stopped.returncode == 0
    deadline = time.monotonic() + 10
    while process_alive(state.gateway_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(state.gateway_pid)
    assert read_state(clean_env) is None


def test_local_up_on_a_busy_port_fails_with_the_reason(clean_env: Path, gateway_url: str) -> None:
    busy = gateway_url.rsplit(":", 1)[1].split("/")[0]

    result = run_process("local", "up", "--port", busy)

    assert result.returncode == EXIT_API_ERROR
    assert (
        "portkey local: error: the local stack exited with code 1 while starting" in result.stderr
    )
    assert f"port {busy} on 127.0.0.1 is already in use" in result.stderr
    assert read_state(clean_env) is None


def test_local_status_json_when_stopped() -> None:
    code, out, _ = run("local", "status", "--json")

    assert (code, out) == (EXIT_NOT_RUNNING, "null\n")


# --- the README stays true ---------------------------------------------------------------------


def readme_portkey_commands() -> List[List[str]]:
    import shlex

    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh|console)\n(.*?)```", text, re.DOTALL)
    commands = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line.startswith("portkey "):
                commands.append(shlex.split(line)[1:])
    return commands


def test_readme_portkey_commands_parse() -> None:
    commands = readme_portkey_commands()
    assert len(commands) >= 4
    parser = build_parser()
    for argv in commands:
        parser.parse_args(argv)  # exits (fails the test) on a command the CLI does not accept


def test_readme_make_targets_exist() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^make (\w+)", readme, re.MULTILINE))
    assert {"demo", "test"} <= targets
    for target in targets:
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def test_parser_builds_without_side_effects() -> None:
    # The docs hook builds the parser to render the CLI reference.
    parser = build_parser()
    assert parser.prog == "portkey"
    assert isinstance(parser.format_help(), str)
