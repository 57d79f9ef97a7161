"""Every client parameter of seed 002's table and the header it travels in, checked where it
lands: the provider stand-in used directly as a recording server (``base_url=stub.url/v1``).
The same table is checked for ``createHeaders`` / ``create_headers``, and bad input is refused
by name before anything is sent."""

import asyncio
import json
from typing import Any, Dict, List, Tuple

import pytest
import requests
from provider_stub import ProviderStub, slow, status

import portkey
from portkey import (
    APITimeoutError,
    AsyncPortkey,
    Config,
    InternalServerError,
    InvalidHeaderValueError,
    InvalidRequestError,
    LLMOptions,
    Portkey,
    create_headers,
    createHeaders,
)

HI = [{"role": "user", "content": "Hi"}]
TARGET = {"provider": "openai", "api_key": "sk-abc", "override_params": {"model": "gpt-4o"}}

#: (parameter, value given, header, value expected on the wire): seed 002's REST table.
TABLE: List[Tuple[str, Any, str, str]] = [
    ("api_key", "pk-live-123", "x-portkey-api-key", "pk-live-123"),
    ("virtual_key", "openai-vk-1", "x-portkey-virtual-key", "openai-vk-1"),
    ("config", "pc-abc123", "x-portkey-config", "pc-abc123"),
    (
        "config",
        TARGET,
        "x-portkey-config",
        '{"provider":"openai","api_key":"sk-abc","override_params":{"model":"gpt-4o"}}',
    ),
    ("provider", "anthropic", "x-portkey-provider", "anthropic"),
    ("trace_id", "trace-42", "x-portkey-trace-id", "trace-42"),
    (
        "metadata",
        {"_user": "u1", "env": "prod"},
        "x-portkey-metadata",
        '{"_user":"u1","env":"prod"}',
    ),
    ("cache_force_refresh", True, "x-portkey-cache-force-refresh", "true"),
    ("cache_force_refresh", False, "x-portkey-cache-force-refresh", "false"),
    ("cache_namespace", "team-a", "x-portkey-cache-namespace", "team-a"),
    ("custom_host", "http://10.0.0.5:8080/v1", "x-portkey-custom-host", "http://10.0.0.5:8080/v1"),
    (
        "forward_headers",
        ["x-api-user", "x-tenant"],
        "x-portkey-forward-headers",
        "x-api-user,x-tenant",
    ),
    ("azure_resource_name", "my-res", "x-portkey-azure-resource-name", "my-res"),
    ("azure_deployment_id", "gpt4-dep", "x-portkey-azure-deployment-id", "gpt4-dep"),
    ("azure_api_version", "2024-02-01", "x-portkey-azure-api-version", "2024-02-01"),
    ("vertex_project_id", "proj-9", "x-portkey-vertex-project-id", "proj-9"),
    ("vertex_region", "us-central1", "x-portkey-vertex-region", "us-central1"),
    ("aws_access_key_id", "AKIAEXAMPLE", "x-portkey-aws-access-key-id", "AKIAEXAMPLE"),
    ("aws_secret_access_key", "aws-secret-1", "x-portkey-aws-secret-access-key", "aws-secret-1"),
    ("aws_region", "us-east-1", "x-portkey-aws-region", "us-east-1"),
    ("aws_session_token", "sess-tok-1", "x-portkey-aws-session-token", "sess-tok-1"),
    ("request_timeout", 30000, "x-portkey-request-timeout", "30000"),
]

IDS = [f"{name}={value!r}"[:40] for name, value, _, _ in TABLE]


def recording(stub: ProviderStub) -> str:
    """The stub's catch-all as a gateway stand-in: it records and answers ``{}``."""
    return f"{stub.url}/v1"


def portkey_headers_seen(stub: ProviderStub) -> Dict[str, str]:
    """The ``x-portkey-*`` headers of the last request the stub received."""
    seen = stub.requests()[-1].headers
    return {name: value for name, value in seen.items() if name.startswith("x-portkey-")}


# ---- the table, through Portkey(...), AsyncPortkey(...) and createHeaders ------------------------


@pytest.mark.parametrize(("name", "value", "header", "wire"), TABLE, ids=IDS)
def test_client_parameter_travels_in_its_header(
    stub: ProviderStub, name: str, value: Any, header: str, wire: str
) -> None:
    client = Portkey(base_url=recording(stub), **{name: value})
    client.chat.completions.create(messages=HI, model="m")
    seen = stub.requests()[-1]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers[header] == wire
    # Nothing besides the runtime facts, the call's own id and this one option was added.
    extra = set(portkey_headers_seen(stub)) - {
        header,
        "x-portkey-runtime",
        "x-portkey-runtime-version",
        "x-portkey-package-version",
        "x-portkey-retry-count",
        "x-portkey-trace-id",
    }
    assert extra == set()


@pytest.mark.parametrize(("name", "value", "header", "wire"), TABLE, ids=IDS)
def test_create_headers_gives_the_same_header(
    name: str, value: Any, header: str, wire: str
) -> None:
    assert createHeaders(**{name: value}) == {header: wire}
    assert create_headers(**{name: value}) == {header: wire}


def test_every_parameter_at_once_sync_async_and_create_headers(stub: ProviderStub) -> None:
    # one row per parameter: the last row of a name wins
    rows = {name: (value, header, wire) for name, value, header, wire in TABLE}
    params = {name: value for name, (value, _, _) in rows.items()}
    expected = {header: wire for _, header, wire in rows.values()}
    assert len(expected) == 20  # seed 002's table, base_url aside
    Portkey(base_url=recording(stub), **params).chat.completions.create(messages=HI)
    sync_seen = portkey_headers_seen(stub)

    async def main() -> None:
        async with AsyncPortkey(base_url=recording(stub), **params) as client:
            await client.chat.completions.create(messages=HI)

    asyncio.run(main())
    async_seen = portkey_headers_seen(stub)
    assert {h: sync_seen[h] for h in expected} == expected
    assert sync_seen == async_seen  # aiohttp and requests put the same headers on the wire
    assert createHeaders(**params) == expected


def test_config_object_is_translated_into_the_current_shape(stub: ProviderStub) -> None:
    llm = LLMOptions(
        provider="openai",
        api_key="sk-1",
        model="gpt-4o",
        weight=0.5,
        trace_id="llm-trace",
        metadata={"_user": "u2"},
        cache_force_refresh=True,
    )
    config = Config(mode="ab_test", llms=[llm, llm])
    Portkey(base_url=recording(stub), config=config).chat.completions.create(messages=HI)
    seen = stub.requests()[-1].headers
    sent = json.loads(seen["x-portkey-config"])
    assert sent["strategy"] == {"mode": "loadbalance"}
    assert [t["provider"] for t in sent["targets"]] == ["openai", "openai"]
    assert sent["targets"][0]["override_params"]["model"] == "gpt-4o"
    # LLM-level request options become request headers
    assert seen["x-portkey-trace-id"] == "llm-trace"
    assert json.loads(seen["x-portkey-metadata"]) == {"_user": "u2"}
    assert seen["x-portkey-cache-force-refresh"] == "true"
    assert createHeaders(config=config)["x-portkey-config"] == seen["x-portkey-config"]


def test_base_url_changes_the_request_url(stub: ProviderStub) -> None:
    Portkey(base_url=f"{stub.url}/t/gw/v1/").chat.completions.create(messages=HI)
    seen = stub.requests("gw")[-1]
    assert seen.path == "/t/gw/v1/chat/completions"  # trailing slash not doubled


def test_env_defaults_for_api_key_and_base_url(
    stub: ProviderStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTKEY_API_KEY", "pk-from-env")
    monkeypatch.setenv("PORTKEY_BASE_URL", f"{stub.url}/t/env/v1")
    Portkey().chat.completions.create(messages=HI)
    seen = stub.requests("env")[-1]
    assert seen.headers["x-portkey-api-key"] == "pk-from-env"
    # a parameter beats the environment
    Portkey(api_key="pk-param", base_url=recording(stub)).chat.completions.create(messages=HI)
    assert stub.requests("default")[-1].headers["x-portkey-api-key"] == "pk-param"


def test_env_is_read_when_the_client_is_made(
    stub: ProviderStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTKEY_BASE_URL", f"{stub.url}/t/first/v1")
    first = Portkey()
    monkeypatch.setenv("PORTKEY_BASE_URL", f"{stub.url}/t/second/v1")
    Portkey().chat.completions.create(messages=HI)
    first.chat.completions.create(messages=HI)
    assert len(stub.requests("second")) == 1 and len(stub.requests("first")) == 1


def test_default_headers_and_extra_headers(stub: ProviderStub) -> None:
    client = Portkey(base_url=recording(stub), default_headers={"Authorization": "Bearer sk-p"})
    client.chat.completions.create(messages=HI, extra_headers={"x-portkey-trace-id": "call-1"})
    seen = stub.requests()[-1].headers
    assert seen["authorization"] == "Bearer sk-p"
    assert seen["x-portkey-trace-id"] == "call-1"


def test_create_headers_works_with_another_http_client(stub: ProviderStub) -> None:
    headers = createHeaders(
        api_key="pk-1", provider="openai", trace_id="t-9", metadata={"_user": "u"}
    )
    answer = requests.post(
        f"{recording(stub)}/chat/completions",
        headers=headers,
        json={"model": "m", "messages": HI},
        timeout=10,
    )
    assert answer.status_code == 200
    seen = stub.requests()[-1].headers
    assert {h: seen[h] for h in headers} == headers


def test_create_headers_leaves_out_none() -> None:
    assert createHeaders(api_key="pk", virtual_key=None, trace_id=None) == {
        "x-portkey-api-key": "pk"
    }
    assert createHeaders() == {}


def test_portkey_module_exports_the_legacy_name() -> None:
    assert portkey.CreateHeaders is createHeaders


# ---- timeout and max_retries (client-side, not headers) ----------------------------------------


def test_timeout_and_max_retries_parameters(stub: ProviderStub, fast_retries: None) -> None:
    stub.script("default", slow(1.0))
    with pytest.raises(APITimeoutError):
        Portkey(base_url=recording(stub), timeout=0.2, max_retries=0).chat.completions.create(
            messages=HI
        )
    stub.reset()
    stub.script("default", status(500), status(500), status(500))
    with pytest.raises(InternalServerError):
        Portkey(base_url=recording(stub), max_retries=1).chat.completions.create(messages=HI)
    assert len(stub.requests()) == 2  # the first try and one retry
    stub.reset()
    stub.script("default", status(500))
    Portkey(base_url=recording(stub), max_retries=2).chat.completions.create(messages=HI)
    assert len(stub.requests()) == 2


# ---- bad input: refused by name, nothing sent ----------------------------------------------------


# Unknown names are sent, not refused (see tests/test_open_options.py); a typo is warned about.


@pytest.mark.parametrize(
    "name", ["trace_id", "virtual_key", "api_key", "cache_namespace", "provider", "custom_host"]
)
@pytest.mark.parametrize("bad", ["a\r\nx-injected: 1", "a\nb", "a\rb", "a\x00b"])
def test_line_breaks_in_header_values_are_refused(stub: ProviderStub, name: str, bad: str) -> None:
    with pytest.raises(InvalidHeaderValueError, match="line break") as caught:
        Portkey(base_url=recording(stub), **{name: bad})
    assert caught.value.field == name
    assert bad not in str(caught.value)  # the value (maybe a credential) is not echoed
    with pytest.raises(InvalidHeaderValueError):
        createHeaders(**{name: bad})
    client = Portkey(base_url=recording(stub))
    with pytest.raises(InvalidHeaderValueError):
        client.with_options(**{name: bad})
    assert stub.requests() == []


def test_line_break_in_an_extra_header_is_refused(stub: ProviderStub) -> None:
    client = Portkey(base_url=recording(stub))
    with pytest.raises(InvalidHeaderValueError):
        client.chat.completions.create(messages=HI, extra_headers={"x-note": "a\r\nb: c"})
    assert stub.requests() == []


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("metadata", "not json", InvalidRequestError),
        ("metadata", ["_user", "u"], InvalidRequestError),
        ("metadata", {"_user": {"nested": 1}}, InvalidRequestError),
        ("request_timeout", -5, InvalidRequestError),
        ("request_timeout", "soon", InvalidRequestError),
        ("request_timeout", 1.5, InvalidRequestError),
        ("trace_id", ["t"], InvalidRequestError),
        ("virtual_key", {"k": "v"}, InvalidRequestError),
        ("config", 42, InvalidRequestError),
        ("config", "not a slug", InvalidHeaderValueError),
        ("config", "{broken json", InvalidRequestError),
        ("timeout", "10", InvalidRequestError),
        ("timeout", -1, InvalidRequestError),
        ("max_retries", -1, InvalidRequestError),
        ("max_retries", 1.5, InvalidRequestError),
        ("base_url", "localhost:8787", InvalidRequestError),
    ],
)
def test_wrong_types_are_refused_by_name(
    stub: ProviderStub, name: str, value: Any, error: type
) -> None:
    with pytest.raises(error) as caught:
        Portkey(base_url=recording(stub), **{name: value}) if name != "base_url" else Portkey(
            base_url=value
        )
    assert caught.value.field == name  # type: ignore[attr-defined]
    assert stub.requests() == []


def test_with_options_validates_like_the_constructor(stub: ProviderStub) -> None:
    client = Portkey(base_url=recording(stub), trace_id="ok")
    with pytest.raises(InvalidRequestError) as caught:
        client.with_options(metadata=["not", "a", "dict"])
    assert caught.value.field == "metadata"
    # the parent is untouched and still works
    client.chat.completions.create(messages=HI)
    assert stub.requests()[-1].headers["x-portkey-trace-id"] == "ok"
