"""LocalGateway runs the real open-source gateway, which reaches the provider stub.

Besides LocalGateway's own behaviour, these tests pin down what gateway 1.15.2 does with the
provider failures the SDK must handle (the SDK maps these answers to its errors).
"""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import requests
from provider_stub import (
    ProviderStub,
    cut_stream,
    empty_body,
    html_error,
    malformed_json,
    reset,
    slow,
    status,
)

import portkey.local.gateway as gateway_module
from portkey.local.gateway import (
    GATEWAY_PACKAGE,
    GATEWAY_SCRIPT,
    GATEWAY_VERSION,
    GatewayStartError,
    LocalGateway,
    cache_dir,
    default_install_dir,
    free_port,
    log_tail,
    source_checkout_dir,
)
from portkey.local.stack import LocalStack

REPO_ROOT = Path(__file__).resolve().parents[1]
CHAT = {"model": "gpt-test", "messages": [{"role": "user", "content": "hi"}]}
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX shell scripts")


def target(stub: ProviderStub, name: str, **extra: Any) -> Dict[str, Any]:
    """A gateway config target pointing at the stub as target ``name``."""
    return {
        "provider": "openai",
        "api_key": f"key-{name}",
        "custom_host": stub.host_for(name),
        **extra,
    }


def post(
    gateway_url: str,
    config: Dict[str, Any],
    body: Dict[str, Any],
    path: str = "/chat/completions",
) -> requests.Response:
    headers = {"x-portkey-config": json.dumps(config)}
    return requests.post(f"{gateway_url}{path}", json=body, headers=headers, timeout=30)


def read_stream(gateway_url: str, config: Dict[str, Any], body: Dict[str, Any], path: str) -> bytes:
    headers = {"x-portkey-config": json.dumps(config)}
    with requests.post(
        f"{gateway_url}{path}", json=body, headers=headers, stream=True, timeout=30
    ) as response:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-portkey-last-used-option-index"] == "config"
        return b"".join(response.iter_content(chunk_size=None))


def sse_data(raw: bytes) -> List[str]:
    return [
        block[len("data: ") :] for block in raw.decode().split("\n\n") if block.startswith("data: ")
    ]


# --- the session gateway ----------------------------------------------------------------------


def test_gateway_answers_its_greeting_on_loopback(gateway: LocalGateway, gateway_url: str) -> None:
    assert gateway_url == f"http://127.0.0.1:{gateway.port}/v1"
    assert gateway.root_url == f"http://127.0.0.1:{gateway.port}"
    assert gateway.running
    assert requests.get(gateway.root_url, timeout=5).text == "AI Gateway says hey!"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="127.0.0.2 is loopback on Linux")
def test_gateway_listens_on_127_0_0_1_only(gateway: LocalGateway) -> None:
    # Without the preload the gateway binds every interface, and 127.0.0.2 would connect too.
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.2", gateway.port), timeout=2),
    ):
        pass


def test_single_target_reaches_the_stub(gateway_url: str, stub: ProviderStub) -> None:
    response = post(gateway_url, target(stub, "a"), CHAT)

    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "hello from a"
    assert response.headers["x-portkey-last-used-option-index"] == "config"
    (seen,) = stub.requests("a")
    assert seen.headers["authorization"] == "Bearer key-a"
    assert seen.json is not None and seen.json["model"] == "gpt-test"


def test_fallback_to_second_target_on_503(gateway_url: str, stub: ProviderStub) -> None:
    config = {
        "strategy": {"mode": "fallback"},
        "targets": [
            {"provider": "openai", "api_key": "k1", "custom_host": stub.host_for("a")},
            {
                "provider": "openai",
                "api_key": "k2",
                "custom_host": stub.host_for("b"),
                "override_params": {"model": "m2"},
            },
        ],
    }
    stub.script("a", status(503))

    response = post(gateway_url, config, CHAT)

    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "hello from b"
    assert response.headers["x-portkey-last-used-option-index"] == "config.targets[1]"
    assert [r.target for r in stub.requests()] == ["a", "b"]
    (seen,) = stub.requests("b")
    assert seen.headers["authorization"] == "Bearer k2"
    assert seen.json is not None and seen.json["model"] == "m2"
    assert response.json()["model"] == "m2"


def test_fallback_when_the_first_target_resets_the_connection(
    gateway_url: str, stub: ProviderStub
) -> None:
    stub.script("a", reset())
    config = {"strategy": {"mode": "fallback"}, "targets": [target(stub, "a"), target(stub, "b")]}

    response = post(gateway_url, config, CHAT)

    assert response.status_code == 200
    assert response.headers["x-portkey-last-used-option-index"] == "config.targets[1]"


def test_gateway_retries_a_429_when_configured(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", status(429))
    config = target(stub, "a", retry={"attempts": 1, "on_status_codes": [429]})

    response = post(gateway_url, config, CHAT)

    assert response.status_code == 200
    assert response.headers["x-portkey-retry-attempt-count"] == "1"
    assert len(stub.requests("a")) == 2


def test_provider_status_and_headers_pass_through(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", status(429, headers={"Retry-After": "7"}))

    response = post(gateway_url, target(stub, "a"), CHAT)

    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json()["error"]["message"] == "openai error: scripted status 429"


@pytest.mark.parametrize(
    ("action", "code", "body"),
    [
        (
            reset(),
            500,
            {"html-message": "Message: fetch failed Cause: Error: read ECONNRESET Name: TypeError"},
        ),
        (malformed_json(), 500, {"status": "failure", "message": "Something went wrong"}),
        (empty_body(), 500, {"status": "failure", "message": "Something went wrong"}),
        (
            html_error(502),
            502,
            {"html-message": "<html><body><h1>502 Error</h1><p>stub page</p></body></html>"},
        ),
    ],
    ids=["reset", "malformed_json", "empty_body", "html_error"],
)
def test_how_the_gateway_reports_broken_provider_answers(
    gateway_url: str, stub: ProviderStub, action: Any, code: int, body: Dict[str, Any]
) -> None:
    stub.script("a", action)

    response = post(gateway_url, target(stub, "a"), CHAT)

    assert response.status_code == code
    assert response.json() == body


def test_a_broken_200_answer_is_not_fallen_back_from(gateway_url: str, stub: ProviderStub) -> None:
    # The gateway fails while reading the body, after it has picked the target.
    stub.script("a", malformed_json())
    config = {"strategy": {"mode": "fallback"}, "targets": [target(stub, "a"), target(stub, "b")]}

    response = post(gateway_url, config, CHAT)

    assert response.status_code == 500
    assert response.headers["x-portkey-gateway-exception"] == "true"
    assert stub.requests("b") == []


def test_request_timeout_answers_408(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", slow(2))

    response = post(gateway_url, target(stub, "a", request_timeout=300), CHAT)

    assert response.status_code == 408
    assert response.json()["error"]["type"] == "timeout_error"


# --- streaming --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "piece"),
    [
        (
            "/chat/completions",
            {**CHAT, "stream": True},
            lambda c: c["choices"][0]["delta"]["content"],
        ),
        (
            "/completions",
            {"model": "m", "prompt": "p", "stream": True},
            lambda c: c["choices"][0]["text"],
        ),
    ],
    ids=["chat", "completions"],
)
def test_streams_pass_through_the_gateway(
    gateway_url: str, stub: ProviderStub, path: str, body: Dict[str, Any], piece: Any
) -> None:
    stub.set_stream_chunks(7)

    events = sse_data(read_stream(gateway_url, target(stub, "s"), body, path))

    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert len(chunks) == 7
    assert "".join(piece(chunk) for chunk in chunks) == "hello from s"


def test_a_stream_cut_by_the_provider_ends_cleanly_without_done(
    gateway: LocalGateway, gateway_url: str, stub: ProviderStub
) -> None:
    # The gateway catches the upstream error and closes its own stream normally: the client
    # gets a 200 and a well-formed chunked body with the chunks relayed so far, and no [DONE]
    # -- no connection error. Only the missing [DONE] / finish_reason tells it apart.
    # Chunks the gateway had received but not yet relayed when the cut came are dropped (the
    # errored fetch body discards its queue), so the stub pauses between chunks here to make
    # "2 sent, 2 relayed" deterministic; without pauses the client may get fewer.
    stub.set_stream_chunks(5, delay=0.1)
    stub.script("s", cut_stream(2))

    raw = read_stream(gateway_url, target(stub, "s"), {**CHAT, "stream": True}, "/chat/completions")

    events = sse_data(raw)
    assert len(events) == 2
    assert "[DONE]" not in events
    assert all(json.loads(e)["choices"][0]["finish_reason"] is None for e in events)
    assert raw.endswith(b"\n\n")  # ends on an event boundary: nothing looks truncated
    wait_for_log(gateway.log_path, "Error during stream processing")


def test_streaming_fails_without_the_preload_workaround(stub: ProviderStub, tmp_path: Path) -> None:
    # Canary for gateway_preload.js: once a pinned gateway streams without it, this fails and
    # the preload can go.
    unfixed = LocalGateway(REPO_ROOT, log_path=tmp_path / "gw.log", streaming_workaround=False)
    with unfixed as plain:
        response = post(plain.base_url, target(stub, "s"), {**CHAT, "stream": True})
        assert response.status_code == 500
        assert response.json() == {"status": "failure", "message": "Something went wrong"}
        assert "TypeError: immutable" in log_tail(plain.log_path, 200)


# --- LocalGateway lifecycle -------------------------------------------------------------------


def test_restart_keeps_the_port_and_stop_is_idempotent(tmp_path: Path) -> None:
    local = LocalGateway(REPO_ROOT)
    base_url = local.start(timeout=30)
    port, first_pid = local.port, local.pid
    assert local.start() == base_url  # already running: no second process

    local.restart()
    assert local.port == port and local.pid != first_pid
    assert requests.get(local.root_url, timeout=5).text == "AI Gateway says hey!"
    log_path = local.log_path
    assert log_path is not None and log_path.exists()

    local.stop()
    local.stop()
    assert not local.running and local.pid is None
    assert not log_path.exists()  # a temporary log is removed
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/", timeout=2)


def wait_for_log(path: Optional[Path], text: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in log_tail(path, 200):
        assert time.monotonic() < deadline, f"{text!r} never appeared in the gateway log"
        time.sleep(0.05)


def test_explicit_port_and_kept_log(tmp_path: Path) -> None:
    port = free_port()
    log_path = tmp_path / "logs" / "gateway.log"
    with LocalGateway(REPO_ROOT, port=port, log_path=log_path) as local:
        assert local.base_url == f"http://127.0.0.1:{port}/v1"
        with pytest.raises(GatewayStartError, match="already in use"):
            LocalGateway(REPO_ROOT, port=port).start()
        # The gateway answers before its banner: the banner follows a 1 s startup spinner.
        wait_for_log(log_path, "Ready for connections!")
    assert log_path.exists()


def test_default_install_dir_is_this_checkout_or_the_cache() -> None:
    # The suite tests either this checkout (portkey imported from REPO_ROOT, which has the
    # gateway: `make test` runs npm ci) or an installed SDK (portkey from site-packages).
    from_checkout = Path(gateway_module.__file__).resolve().parents[2] == REPO_ROOT
    expected = REPO_ROOT if from_checkout else cache_dir()
    assert default_install_dir() == expected
    assert LocalGateway().gateway_script() == expected / GATEWAY_SCRIPT


def make_layout(root: Path, *, package_json: bool, gateway: bool) -> Path:
    """A folder holding a ``portkey`` package, like a checkout or a site-packages folder."""
    (root / "portkey").mkdir(parents=True)
    if package_json:
        (root / "package.json").write_text("{}", encoding="utf-8")
    if gateway:
        (root / GATEWAY_SCRIPT).parent.mkdir(parents=True)
        (root / GATEWAY_SCRIPT).write_text("", encoding="utf-8")
    return root / "portkey"


def test_source_checkout_dir_is_a_checkout_with_the_gateway(tmp_path: Path) -> None:
    package_dir = make_layout(tmp_path / "checkout", package_json=True, gateway=True)
    assert source_checkout_dir(package_dir) == tmp_path / "checkout"


@pytest.mark.parametrize(
    ("package_json", "gateway"),
    [(False, False), (True, False), (False, True)],
    ids=["site-packages", "checkout-before-npm-ci", "node-modules-without-package-json"],
)
def test_source_checkout_dir_is_none_elsewhere(
    tmp_path: Path, package_json: bool, gateway: bool
) -> None:
    package_dir = make_layout(tmp_path / "site", package_json=package_json, gateway=gateway)
    assert source_checkout_dir(package_dir) is None


def test_cache_dir_honours_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "portkey" / f"gateway-{GATEWAY_VERSION}"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert cache_dir() == Path.home() / ".cache" / "portkey" / f"gateway-{GATEWAY_VERSION}"


def test_log_tail_drops_spinner_frames_and_colours(tmp_path: Path) -> None:
    log = tmp_path / "gw.log"
    log.write_bytes(
        b"\r\xe2\xa0\x8b Starting...\r\xe2\xa0\x99 Starting...\r\x1b[1mReady\x1b[0m\nboom\n"
    )
    assert log_tail(log) == "Ready\nboom"
    assert log_tail(tmp_path / "missing.log") == ""


# --- start failures (fast and offline: fake gateways and a PATH without node/npm) ----------------


def fake_gateway(install_dir: Path, source: str) -> Path:
    """Put a stand-in gateway entry script (run by node) where LocalGateway looks for one."""
    script = install_dir / GATEWAY_SCRIPT
    script.parent.mkdir(parents=True)
    script.write_text(source, encoding="utf-8")
    return script


def test_a_gateway_that_exits_raises_with_its_output(tmp_path: Path) -> None:
    fake_gateway(tmp_path, 'console.error("boom: cannot load"); process.exit(3);\n')

    with pytest.raises(GatewayStartError) as info:
        LocalGateway(tmp_path, log_path=tmp_path / "gw.log").start(timeout=10)

    message = str(info.value)
    assert "exited with code 3" in message
    assert "boom: cannot load" in message


def test_a_gateway_that_never_answers_times_out_and_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid_file = tmp_path / "pid"
    monkeypatch.setenv("FAKE_GATEWAY_PID_FILE", str(pid_file))
    fake_gateway(
        tmp_path,
        'require("fs").writeFileSync(process.env.FAKE_GATEWAY_PID_FILE, String(process.pid));\n'
        'console.log("warming up forever");\nsetInterval(() => {}, 1000);\n',
    )

    with pytest.raises(GatewayStartError, match="did not answer") as info:
        LocalGateway(tmp_path, log_path=tmp_path / "gw.log").start(timeout=1.0)

    assert "warming up forever" in str(info.value)
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


@posix_only
def test_stop_kills_a_gateway_that_ignores_sigterm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gateway_module, "STOP_GRACE_SECONDS", 0.5)
    fake_gateway(
        tmp_path,
        'process.on("SIGTERM", () => console.log("ignoring SIGTERM"));\n'
        'const port = Number(process.argv.find((a) => a.startsWith("--port=")).slice(7));\n'
        'require("http").createServer((q, s) => s.end("AI Gateway says hey!"))'
        '.listen(port, "127.0.0.1");\n',
    )
    local = LocalGateway(tmp_path)
    local.start(timeout=10)
    pid = local.pid
    assert pid is not None

    started = time.monotonic()
    local.stop()

    assert time.monotonic() - started < 5
    assert not local.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_missing_node_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))

    with pytest.raises(GatewayStartError, match="'node' was not found on PATH"):
        LocalGateway(tmp_path / "install").ensure_installed()


def fake_npm(bin_dir: Path, argv_file: Path, exit_code: int, installs: bool) -> str:
    """A ``npm`` script that records its arguments; returns a PATH that finds it first."""
    bin_dir.mkdir()
    install = (
        f'mkdir -p "$(dirname "{GATEWAY_SCRIPT}")" && echo "// fake" > "{GATEWAY_SCRIPT}"\n'
        if installs
        else ""
    )
    npm = bin_dir / "npm"
    npm.write_text(
        f'#!/bin/sh\necho "$@" > "{argv_file}"\n{install}'
        f'echo "npm ERR! code ENOTFOUND (fake, offline)" >&2\nexit {exit_code}\n',
        encoding="utf-8",
    )
    npm.chmod(npm.stat().st_mode | stat.S_IXUSR)
    return f"{bin_dir}{os.pathsep}{os.environ['PATH']}"


@posix_only
def test_npm_failure_is_reported_with_its_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv_file = tmp_path / "argv"
    monkeypatch.setenv("PATH", fake_npm(tmp_path / "bin", argv_file, exit_code=1, installs=False))
    install_dir = tmp_path / "cache" / "gateway"

    with pytest.raises(GatewayStartError, match="ENOTFOUND") as info:
        LocalGateway(install_dir).start(timeout=5)

    assert "exit 1" in str(info.value)
    # No lock file: a plain install of the pinned version into a folder of its own.
    assert argv_file.read_text().split() == [
        "install",
        f"{GATEWAY_PACKAGE}@{GATEWAY_VERSION}",
        "--no-audit",
        "--no-fund",
        "--save-exact",
    ]
    assert json.loads((install_dir / "package.json").read_text())["private"] is True


@posix_only
def test_stack_install_reports_only_what_it_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv_file = tmp_path / "argv"
    monkeypatch.setenv("PATH", fake_npm(tmp_path / "bin", argv_file, exit_code=0, installs=True))
    stack = LocalStack()
    stack.gateway = LocalGateway(tmp_path / "stack")

    assert stack.install() == ["the gateway"]
    argv_file.unlink()
    assert stack.install() == []  # npm is not run again
    assert not argv_file.exists()


@posix_only
@pytest.mark.parametrize("lock_file", [True, False], ids=["npm-ci", "npm-install"])
def test_install_command_depends_on_the_lock_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lock_file: bool
) -> None:
    argv_file = tmp_path / "argv"
    monkeypatch.setenv("PATH", fake_npm(tmp_path / "bin", argv_file, exit_code=0, installs=True))
    install_dir = tmp_path / "stack"
    install_dir.mkdir()
    if lock_file:
        (install_dir / "package.json").write_text("{}", encoding="utf-8")
        (install_dir / "package-lock.json").write_text("{}", encoding="utf-8")

    script = LocalGateway(install_dir).ensure_installed()

    assert script == install_dir / GATEWAY_SCRIPT and script.is_file()
    assert argv_file.read_text().split()[0] == ("ci" if lock_file else "install")
