"""Secrets stay secret, and TLS is verified unless turned off for a self-hosted gateway.

Every credential below contains the marker ``SECRET``. A masked credential shows its first three
and last four characters (``sk-...0003``), so the marker appearing anywhere -- a repr, a str, a
log line, an exception's message, body or rendered traceback -- means a credential leaked.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import ssl
import subprocess
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from provider_stub import ProviderStub, answer_text, status

import portkey
from portkey import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AsyncPortkey,
    AuthenticationError,
    ChatCompletionChunk,
    Config,
    InvalidRequestError,
    LLMOptions,
    Portkey,
    Stream,
    TLSError,
)
from portkey.api_resources.constants import DEFAULT_BASE_URL
from portkey.api_resources.transport import RetryPolicy

MARKER = "SECRET"
PORTKEY_KEY = "pk-live-SECRET-portkey-0001"
VIRTUAL_KEY = "vk-SECRET-virtual-0002"
PROVIDER_KEY = "sk-SECRET-provider-0003"
AWS_SECRET = "aws-SECRET-access-0005"
BEARER_KEY = "sk-SECRET-bearer-0006"
ALL_KEYS = (PORTKEY_KEY, VIRTUAL_KEY, PROVIDER_KEY, AWS_SECRET, BEARER_KEY)
HI = [{"role": "user", "content": "Hi"}]
TESTS_DIR = Path(__file__).resolve().parent


def assert_clean(text: str, where: str) -> None:
    """No credential, not even its middle part, in ``text``."""
    assert MARKER not in text, f"a credential leaked in {where}: {text[:500]}"


def error_texts(exc: BaseException) -> Dict[str, str]:
    """Everything a caller could print about an exception."""
    texts = {
        "str": str(exc),
        "repr": repr(exc),
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        "args": repr(exc.args),
    }
    for name in ("message", "body", "headers"):
        if hasattr(exc, name):
            value = getattr(exc, name)
            texts[name] = value if isinstance(value, str) else json.dumps(value, default=repr)
    return texts


def assert_error_clean(exc: BaseException) -> None:
    for where, text in error_texts(exc).items():
        assert_clean(text, f"{type(exc).__name__}.{where}")


def provider_llm(stub: ProviderStub, name: str = "a") -> LLMOptions:
    return LLMOptions(provider="openai", api_key=PROVIDER_KEY, custom_host=stub.host_for(name))


def secret_client(base_url: str, config: Any = None, **extra: Any) -> Portkey:
    """A client holding every kind of credential."""
    return Portkey(
        base_url=base_url,
        api_key=PORTKEY_KEY,
        virtual_key=VIRTUAL_KEY,
        config=config,
        aws_secret_access_key=AWS_SECRET,
        default_headers={"Authorization": f"Bearer {BEARER_KEY}"},
        **extra,
    )


# ---- repr and str of every object -------------------------------------------------------------


def test_no_credential_in_any_repr_or_str(gateway_url: str, stub: ProviderStub) -> None:
    llm = provider_llm(stub)
    bedrock = LLMOptions(
        provider="bedrock",
        aws_access_key_id="AKIA-SECRET-id-0007",
        aws_secret_access_key=AWS_SECRET,
        aws_session_token="tok-SECRET-session-0008",
        aws_region="us-east-1",
    )
    virtual = LLMOptions(virtual_key=VIRTUAL_KEY)
    config = Config(api_key=PORTKEY_KEY, mode="fallback", llms=[llm, virtual, bedrock])
    config.gateway_header()  # fills its cache of the JSON, which holds every key
    client = secret_client(gateway_url, Config(mode="single", llms=[llm]))
    async_client = AsyncPortkey(
        base_url=gateway_url, api_key=PORTKEY_KEY, virtual_key=VIRTUAL_KEY, config=config
    )
    response = client.with_options(trace_id="t-1").chat.completions.create(model="m", messages=HI)
    with client.chat.completions.create(model="m", messages=HI, stream=True) as stream:
        chunks = list(stream)
    spec = client.build_spec("POST", "/chat/completions", body={"model": "m", "messages": HI})
    objects: Dict[str, Any] = {
        "LLMOptions": llm,
        "LLMOptions(bedrock)": bedrock,
        "LLMOptions(virtual)": virtual,
        "Config": config,
        "Portkey": client,
        "Portkey.options": client.options,
        "Portkey.with_options": client.with_options(metadata={"_user": "u"}),
        "Portkey.chat.completions": client.chat.completions,
        "AsyncPortkey": async_client,
        "AsyncPortkey.options": async_client.options,
        "RequestSpec": spec,
        "ChatCompletion": response,
        "ChatCompletion.gateway": response.gateway,
        "ChatCompletion.headers": response.get_headers(),
        "Stream": stream,
        "ChatCompletionChunk": chunks[0],
    }
    for name, value in objects.items():
        assert_clean(repr(value), f"repr({name})")
        assert_clean(str(value), f"str({name})")
    assert_clean(response.to_json(), "ChatCompletion.to_json()")
    assert_clean(response._repr_markdown_(), "ChatCompletion._repr_markdown_()")
    # The masked forms are still there to recognise the key by.
    assert "sk-...0003" in repr(llm)
    assert "pk-...0001" in repr(config)
    print(f"\nSECRETS reprs: {len(objects)} objects, repr+str scanned, 0 leaks")


# ---- exceptions, including providers that echo the key back ----------------------------------


def echo_body(*keys: str) -> Dict[str, Any]:
    return {"error": {"message": f"Incorrect API key provided: {' / '.join(keys)}"}}


def test_provider_echoing_its_key_through_the_gateway_is_masked(
    gateway_url: str, stub: ProviderStub
) -> None:
    stub.script("a", status(401, echo_body(PROVIDER_KEY)))
    client = Portkey(
        base_url=gateway_url, config=Config(mode="single", llms=[provider_llm(stub)]), max_retries=0
    )
    with pytest.raises(AuthenticationError) as info:
        client.chat.completions.create(model="m", messages=HI)
    assert "sk-...0003" in info.value.message  # the echo is kept, masked
    assert_error_clean(info.value)


async def test_provider_echo_is_masked_in_async_errors_too(
    gateway_url: str, stub: ProviderStub
) -> None:
    stub.script("a", status(401, echo_body(PROVIDER_KEY)))
    config = Config(mode="single", llms=[provider_llm(stub)])
    async with AsyncPortkey(base_url=gateway_url, config=config, max_retries=0) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.chat.completions.create(model="m", messages=HI)
    assert_error_clean(info.value)


@pytest.mark.parametrize("api", ["sync", "async"])
def test_gateway_echoing_portkey_and_virtual_keys_is_masked(stub: ProviderStub, api: str) -> None:
    """The hosted gateway's own checks (Portkey key, virtual key) answer from a recording
    server here; it echoes every credential the client holds."""
    held = (PORTKEY_KEY, VIRTUAL_KEY, AWS_SECRET, BEARER_KEY)
    stub.script("default", status(401, echo_body(*held)))
    params = {
        "base_url": f"{stub.url}/v1",
        "api_key": PORTKEY_KEY,
        "virtual_key": VIRTUAL_KEY,
        "aws_secret_access_key": AWS_SECRET,
        "default_headers": {"Authorization": f"Bearer {BEARER_KEY}"},
        "max_retries": 0,
    }

    async def async_call() -> Any:
        async with AsyncPortkey(**params) as client:
            return await client.chat.completions.create(model="m", messages=HI)

    with pytest.raises(AuthenticationError) as info:
        if api == "sync":
            Portkey(**params).chat.completions.create(model="m", messages=HI)
        else:
            asyncio.run(async_call())
    assert_error_clean(info.value)
    sent = stub.requests("default")[0].headers
    assert sent["x-portkey-api-key"] == PORTKEY_KEY  # masked in errors, not on the wire


def test_success_status_with_a_body_echoing_the_key_is_masked(stub: ProviderStub) -> None:
    stub.script("default", status(200, f"not a completion; key was {PORTKEY_KEY}"))
    client = Portkey(base_url=f"{stub.url}/v1", api_key=PORTKEY_KEY, max_retries=0)
    with pytest.raises(APIResponseValidationError) as info:
        client.chat.completions.create(model="m", messages=HI)
    assert "pk-...0001" in str(info.value)
    assert_error_clean(info.value)


@pytest.mark.parametrize(
    ("event", "error"),
    [
        (
            b'data: {"error": {"message": "bad key ' + PROVIDER_KEY.encode() + b'"}}\n\n',
            APIStatusError,
        ),
        (b"data: {not json " + PROVIDER_KEY.encode() + b"\n\n", APIResponseValidationError),
    ],
    ids=["error-event", "broken-chunk"],
)
def test_stream_errors_echoing_the_key_are_masked(event: bytes, error: type) -> None:
    """Stream parsing is pure code: fed the bytes a gateway would pass through."""
    stream = Stream(
        cast_to=ChatCompletionChunk,
        body=iter([event]),
        close=lambda: None,
        headers={},
        secrets=(PROVIDER_KEY,),
    )
    with pytest.raises(error) as info:
        list(stream)
    assert_error_clean(info.value)


def test_connection_errors_carry_no_credential(stub: ProviderStub) -> None:
    from portkey.local.gateway import free_port

    client = secret_client(f"http://127.0.0.1:{free_port()}/v1", max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        client.chat.completions.create(model="m", messages=HI)
    assert_error_clean(info.value)


# ---- logs at DEBUG ------------------------------------------------------------------------------


def test_debug_logs_carry_no_credential(
    gateway_url: str, stub: ProviderStub, caplog: pytest.LogCaptureFixture, fast_retries: None
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: the SDK's, urllib3's, asyncio's, aiohttp's
    caplog.set_level(logging.DEBUG, logger="portkey")
    stub.script("a", status(503, echo_body(PROVIDER_KEY)), status(401, echo_body(PROVIDER_KEY)))
    config = Config(mode="single", llms=[provider_llm(stub)])
    client = secret_client(gateway_url, config, max_retries=2)
    with pytest.raises(AuthenticationError):  # 503 retried, then 401
        client.chat.completions.create(model="m", messages=HI)
    client.with_options(trace_id="t-2").chat.completions.create(model="m", messages=HI)
    for _ in client.chat.completions.create(model="m", messages=HI, stream=True):
        pass

    async def async_calls() -> None:
        stub.script("a", status(502, echo_body(PROVIDER_KEY)))
        async with AsyncPortkey(base_url=gateway_url, api_key=PORTKEY_KEY, config=config) as ac:
            await ac.chat.completions.create(model="m", messages=HI)

    asyncio.run(async_calls())
    messages = [record.getMessage() for record in caplog.records]
    retries = [m for m in messages if "retrying after attempt" in m]
    assert len(retries) >= 2  # the retries were logged, with their errors
    assert any("sk-...0003" in m for m in retries)
    assert_clean(caplog.text, "captured log output")
    for record in caplog.records:
        assert_clean(repr(record.args), f"args of log record {record.name}")
    print(f"\nSECRETS debug logs: {len(messages)} records scanned, 0 leaks")


_PORTKEY_LOG_SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])
from provider_stub import ProviderStub, status
from portkey import AuthenticationError, Config, LLMOptions, Portkey
from portkey.api_resources.transport import RetryPolicy

_quick, _delay = RetryPolicy(initial_delay=0.01), RetryPolicy.delay
RetryPolicy.delay = lambda self, attempt, exc: _delay(_quick, attempt, exc)
keys = sys.argv[3:]
with ProviderStub() as stub:
    body = {"error": {"message": "Incorrect API key provided: " + " ".join(keys)}}
    stub.script("a", status(503, body), status(401, body))
    llm = LLMOptions(provider="openai", api_key=keys[2], custom_host=stub.host_for("a"))
    client = Portkey(base_url=sys.argv[2], api_key=keys[0], virtual_key=keys[1],
                     config=Config(mode="single", llms=[llm]), max_retries=2)
    try:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    except AuthenticationError as exc:
        print(exc)
    print(client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}]))
"""


def test_portkey_log_debug_output_carries_no_credential(gateway_url: str) -> None:
    """``PORTKEY_LOG=debug`` as a user sets it: the SDK's own handler writes to stderr."""
    done = subprocess.run(
        [sys.executable, "-c", _PORTKEY_LOG_SCRIPT, str(TESTS_DIR), gateway_url, *ALL_KEYS[:3]],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PORTKEY_LOG": "debug", "PYTHONPATH": str(TESTS_DIR.parent)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "[portkey INFO] retrying after attempt 1" in done.stderr
    assert answer_text("a") in done.stdout
    assert_clean(done.stderr, "PORTKEY_LOG=debug stderr")
    assert_clean(done.stdout, "printed errors and responses")
    lines = len(done.stderr.splitlines())
    print(f"\nSECRETS PORTKEY_LOG=debug: {lines} stderr lines scanned, 0 leaks")


# ---- TLS ----------------------------------------------------------------------------------------


class _Answer(BaseHTTPRequestHandler):
    """Answers every POST with a chat completion; counts the requests that got through TLS."""

    served: List[str] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).served.append(self.path)
        body = json.dumps(
            {"id": "tls-1", "object": "chat.completion", "model": "m", "choices": [
                {"index": 0, "message": {"role": "assistant", "content": "over tls"},
                 "finish_reason": "stop"}]}
        ).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def tls_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An HTTPS stand-in gateway with a self-signed certificate for 127.0.0.1."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is needed to make a self-signed certificate", pytrace=False)
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_tls_is_verified_by_default(tls_url: str) -> None:
    _Answer.served.clear()
    # max_retries=3 with the default backoff: a TLSError is never retried, so this is quick.
    client = Portkey(base_url=tls_url, provider="openai", max_retries=3)
    with pytest.raises(TLSError, match=r"(?i)certificate verify failed"):
        client.chat.completions.create(model="m", messages=HI)
    assert not RetryPolicy().should_retry(TLSError("x"))

    async def async_call() -> None:
        async with AsyncPortkey(base_url=tls_url, provider="openai", max_retries=3) as ac:
            await ac.chat.completions.create(model="m", messages=HI)

    with pytest.raises(TLSError, match=r"(?i)certificate verify failed"):
        asyncio.run(async_call())
    assert _Answer.served == []  # nothing went over an unverified connection


def test_verify_false_opts_out_for_a_self_hosted_gateway(
    tls_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    _Answer.served.clear()
    caplog.set_level(logging.WARNING, logger="portkey")
    client = Portkey(base_url=tls_url, provider="openai", verify=False, max_retries=0)
    # requests (urllib3) adds its own reminder to each unverified request.
    with pytest.warns(Warning, match="Unverified HTTPS request"):
        answer = client.chat.completions.create(model="m", messages=HI)
    assert answer.choices[0].message.content == "over tls"
    assert any("verification is off" in r.getMessage() for r in caplog.records)
    # with_options keeps the choice; a per-client choice, not a global one.
    assert client.with_options(trace_id="t").options.verify is False
    assert Portkey(base_url=tls_url, provider="openai").options.verify is True

    async def async_call() -> str:
        async with AsyncPortkey(base_url=tls_url, provider="openai", verify=False) as ac:
            response = await ac.chat.completions.create(model="m", messages=HI)
            return response.choices[0].message.content or ""

    assert asyncio.run(async_call()) == "over tls"
    assert len(_Answer.served) == 2


@pytest.mark.parametrize("how", ["sync", "async", "with_options", "with_options_base_url"])
def test_verify_false_is_refused_for_the_hosted_gateway(tls_url: str, how: str) -> None:
    hosted = {"base_url": DEFAULT_BASE_URL, "api_key": "pk-x"}
    with pytest.raises(InvalidRequestError, match="hosted gateway") as info:
        if how == "sync":
            Portkey(verify=False, **hosted)
        elif how == "async":
            AsyncPortkey(verify=False, **hosted)
        elif how == "with_options":
            Portkey(**hosted).with_options(verify=False)
        else:
            Portkey(base_url=tls_url, verify=False).with_options(base_url=DEFAULT_BASE_URL)
    assert info.value.field == "verify"


def test_module_api_keeps_verification_on(stub: ProviderStub) -> None:
    """The module-level API has no way to turn verification off: its clients verify."""
    portkey.base_url = f"{stub.url}/v1"
    config = Config(mode="single", llms=[provider_llm(stub)])
    response = portkey.ChatCompletions.create(config=config, model="m", messages=HI)
    assert response.choices[0].message.content == answer_text("default")
    from portkey.legacy import _options, _settings

    assert _options(config, _settings(config)).verify is True
