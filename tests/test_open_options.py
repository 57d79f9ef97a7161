"""Every option name the reference SDK's constructor takes is accepted; names this SDK does not
know are sent as ``x-portkey-*`` headers (with a warning, and a did-you-mean for a typo) rather
than refused; ``Authorization=...`` is sent as the ``Authorization`` header itself and masked.

Wire checks use the provider stand-in's catch-all as a recording server; the self-hosted
``Authorization`` case goes through the real gateway to the stand-in."""

import asyncio
import logging
import warnings
from typing import Any, Dict, List

import pytest
from provider_stub import ProviderStub, status

import portkey
from portkey import (
    AsyncPortkey,
    AuthenticationError,
    Config,
    InvalidHeaderValueError,
    InvalidRequestError,
    LLMOptions,
    Portkey,
    UnknownOptionWarning,
    createHeaders,
)
from portkey.api_resources.client_params import KNOWN_PARAMS
from portkey.api_resources.headers import HEADER_OPTIONS

HI = [{"role": "user", "content": "Hi"}]
PROVIDER_KEY = "sk-provider-secret-0042"

#: The reference SDK's (portkey-ai 2.x) constructor keywords that become headers, with a value
#: each and the header + wire value expected. ``api_key``/``base_url``/``http_client`` aside.
REFERENCE_HEADER_OPTIONS: Dict[str, Any] = {
    "virtual_key": "vk-1",
    "config": "pc-abc",
    "provider": "openai",
    "trace_id": "tr-1",
    "metadata": {"_user": "u1"},
    "cache_namespace": "ns",
    "debug": False,
    "cache_force_refresh": True,
    "custom_host": "http://10.0.0.5/v1",
    "forward_headers": ["x-a", "x-b"],
    "openai_project": "proj_1",
    "openai_organization": "org_1",
    "aws_secret_access_key": "aws-secret",
    "aws_access_key_id": "AKIA1",
    "aws_session_token": "aws-token",
    "aws_region": "us-east-1",
    "vertex_project_id": "vp",
    "vertex_region": "us-central1",
    "workers_ai_account_id": "cf-1",
    "azure_resource_name": "res",
    "azure_deployment_id": "dep",
    "azure_api_version": "2024-02-01",
    "azure_endpoint_name": "endpoint",
    "huggingface_base_url": "http://hf.local",
    "request_timeout": 5000,
    "strict_open_ai_compliance": False,
    "anthropic_beta": "tools-2024-04-04",
    "anthropic_version": "2023-06-01",
    "mistral_fim_completion": "true",
    "vertex_storage_bucket_name": "bucket",
    "provider_file_name": "file.jsonl",
    "provider_model": "gpt-4o",
    "aws_s3_bucket": "s3b",
    "aws_s3_object_key": "obj",
    "aws_bedrock_model": "titan",
    "fireworks_account_id": "fw",
    "calculate_audio_duration": True,
    "span_id": "span-1",
    "parent_span_id": "span-0",
    "span_name": "step",
}
WIRE: Dict[str, str] = {
    "metadata": '{"_user":"u1"}',
    "debug": "false",
    "cache_force_refresh": "true",
    "forward_headers": "x-a,x-b",
    "request_timeout": "5000",
    "strict_open_ai_compliance": "false",
    "calculate_audio_duration": "true",
}


def expected_headers() -> Dict[str, str]:
    return {
        "x-portkey-" + name.replace("_", "-"): WIRE.get(name, str(value))
        for name, value in REFERENCE_HEADER_OPTIONS.items()
    }


def recording(stub: ProviderStub) -> str:
    return f"{stub.url}/v1"


def portkey_headers_seen(stub: ProviderStub) -> Dict[str, str]:
    seen = stub.requests()[-1].headers
    return {k: v for k, v in seen.items() if k.startswith("x-portkey-")}


def unknown_option_warnings(caught: List[warnings.WarningMessage]) -> List[str]:
    return [str(w.message) for w in caught if issubclass(w.category, UnknownOptionWarning)]


# ---- the reference SDK's names: known, typed, sent, no warning -----------------------------------


def test_every_reference_option_is_known_and_typed() -> None:
    known_elsewhere = {"instrumentation", "websocket_base_url", "Authorization"}
    for name in [*REFERENCE_HEADER_OPTIONS, *known_elsewhere]:
        assert name in KNOWN_PARAMS, name
    assert set(REFERENCE_HEADER_OPTIONS) <= set(HEADER_OPTIONS)


def test_reference_options_travel_as_headers_sync_async_with_options_and_create_headers(
    stub: ProviderStub,
) -> None:
    expected = expected_headers()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Portkey(base_url=recording(stub), **REFERENCE_HEADER_OPTIONS).chat.completions.create(
            messages=HI
        )
        sync_seen = portkey_headers_seen(stub)

        async def main() -> None:
            async with AsyncPortkey(base_url=recording(stub), **REFERENCE_HEADER_OPTIONS) as c:
                await c.chat.completions.create(messages=HI)

        asyncio.run(main())
        async_seen = portkey_headers_seen(stub)
        derived = Portkey(base_url=recording(stub)).with_options(**REFERENCE_HEADER_OPTIONS)
        derived.chat.completions.create(messages=HI)
        derived_seen = portkey_headers_seen(stub)
        made = createHeaders(**REFERENCE_HEADER_OPTIONS)
    assert unknown_option_warnings(caught) == []
    assert {h: sync_seen.get(h) for h in expected} == expected
    assert async_seen == sync_seen
    assert derived_seen == sync_seen
    assert made == expected


def test_ignored_reference_parameters_are_accepted_and_logged(
    stub: ProviderStub, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="portkey"):
        client = Portkey(
            base_url=recording(stub), instrumentation=True, websocket_base_url="ws://x/v1"
        )
        client.chat.completions.create(messages=HI)
    messages = " ".join(record.getMessage() for record in caplog.records)
    assert "instrumentation=True is ignored" in messages
    assert "websocket_base_url is ignored" in messages
    assert "x-portkey-instrumentation" not in stub.requests()[-1].headers
    assert "x-portkey-websocket-base-url" not in stub.requests()[-1].headers


# ---- unknown names: sent, with a warning ---------------------------------------------------------


def test_an_unknown_name_is_sent_with_a_warning(stub: ProviderStub) -> None:
    with pytest.warns(UnknownOptionWarning) as caught:
        client = Portkey(base_url=recording(stub), oracle_region="eu-1", azure_extra={"a": 1})
    texts = [str(w.message) for w in caught]
    assert "'oracle_region'" in texts[0] and "x-portkey-oracle-region" in texts[0]
    assert "'azure_extra'" in texts[1]
    assert caught[0].filename == __file__  # the warning points at the caller's line
    client.chat.completions.create(messages=HI)
    seen = stub.requests()[-1].headers
    assert seen["x-portkey-oracle-region"] == "eu-1"
    assert seen["x-portkey-azure-extra"] == '{"a":1}'  # objects travel as compact JSON


def test_a_typo_gets_a_did_you_mean_and_is_still_sent(stub: ProviderStub) -> None:
    with pytest.warns(UnknownOptionWarning, match="did you mean 'virtual_key'"):
        client = Portkey(base_url=recording(stub), virtual_kye="vk-typo")
    with pytest.warns(UnknownOptionWarning, match="did you mean 'trace_id'"):
        client = client.with_options(trace_idd="t")
    with pytest.warns(UnknownOptionWarning, match="did you mean 'virtual_key'") as caught:
        made = createHeaders(virtul_key="x")
    assert caught[0].filename == __file__
    assert made == {"x-portkey-virtul-key": "x"}
    client.chat.completions.create(messages=HI)
    seen = stub.requests()[-1].headers
    assert seen["x-portkey-virtual-kye"] == "vk-typo"
    assert seen["x-portkey-trace-idd"] == "t"


def test_async_client_warns_and_sends_too(stub: ProviderStub) -> None:
    async def main() -> None:
        with pytest.warns(UnknownOptionWarning, match="did you mean 'provider'"):
            client = AsyncPortkey(base_url=recording(stub), providr="openai")
        async with client:
            await client.chat.completions.create(messages=HI)

    asyncio.run(main())
    assert stub.requests()[-1].headers["x-portkey-providr"] == "openai"


@pytest.mark.parametrize("bad", ["a\r\nx-injected: 1", "a\nb", "a\x00b", "caf\u00e9"])
def test_unknown_names_are_header_safe(stub: ProviderStub, bad: str) -> None:
    with pytest.warns(UnknownOptionWarning), pytest.raises(InvalidHeaderValueError) as caught:
        Portkey(base_url=recording(stub), my_option=bad)
    assert caught.value.field == "my_option"
    with pytest.warns(UnknownOptionWarning), pytest.raises(InvalidHeaderValueError):
        createHeaders(my_option=bad)
    with pytest.warns(UnknownOptionWarning), pytest.raises(InvalidHeaderValueError):
        Portkey(base_url=recording(stub)).with_options(my_option=bad)
    assert stub.requests() == []


def test_a_name_that_cannot_be_a_header_is_refused(stub: ProviderStub) -> None:
    with pytest.warns(UnknownOptionWarning), pytest.raises(InvalidHeaderValueError) as caught:
        Portkey(base_url=recording(stub), **{"two words": "x"})
    assert caught.value.field == "two words"
    with pytest.warns(UnknownOptionWarning), pytest.raises(InvalidRequestError):
        createHeaders(my_object=object())
    assert stub.requests() == []


def test_an_unknown_secret_looking_option_is_masked_in_errors(stub: ProviderStub) -> None:
    token = "oracle-private-token-98765"
    stub.script("default", status(401, {"error": {"message": f"bad token {token}"}}))
    with pytest.warns(UnknownOptionWarning):
        client = Portkey(base_url=recording(stub), max_retries=0, oracle_private_token=token)
    with pytest.raises(AuthenticationError) as caught:
        client.chat.completions.create(messages=HI)
    assert token not in str(caught.value)
    assert token not in repr(caught.value.body)
    assert stub.requests()[-1].headers["x-portkey-oracle-private-token"] == token


# ---- Authorization ----------------------------------------------------------------------------


def test_authorization_is_sent_as_itself(stub: ProviderStub) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = Portkey(base_url=recording(stub), Authorization=f"Bearer {PROVIDER_KEY}")
        client.chat.completions.create(messages=HI)
    assert unknown_option_warnings(caught) == []
    seen = stub.requests()[-1].headers
    assert seen["authorization"] == f"Bearer {PROVIDER_KEY}"
    assert not any("authorization" in name for name in portkey_headers_seen(stub))


def test_authorization_on_with_options_async_and_create_headers(stub: ProviderStub) -> None:
    base = Portkey(base_url=recording(stub), Authorization="Bearer sk-first-000000001")
    base.with_options(Authorization=PROVIDER_KEY).chat.completions.create(messages=HI)
    assert stub.requests()[-1].headers["authorization"] == f"Bearer {PROVIDER_KEY}"  # "Bearer "
    base.chat.completions.create(messages=HI)  # the parent keeps its own
    assert stub.requests()[-1].headers["authorization"] == "Bearer sk-first-000000001"

    async def main() -> None:
        async with AsyncPortkey(base_url=recording(stub), Authorization=PROVIDER_KEY) as client:
            await client.chat.completions.create(messages=HI)
            await client.with_options(
                Authorization="Bearer sk-third-00000003"
            ).chat.completions.create(messages=HI)

    asyncio.run(main())
    assert [r.headers["authorization"] for r in stub.requests()[-2:]] == [
        f"Bearer {PROVIDER_KEY}",
        "Bearer sk-third-00000003",
    ]
    assert createHeaders(provider="openai", Authorization=f"Bearer {PROVIDER_KEY}") == {
        "x-portkey-provider": "openai",
        "Authorization": f"Bearer {PROVIDER_KEY}",
    }
    assert createHeaders(authorization=PROVIDER_KEY) == {"Authorization": f"Bearer {PROVIDER_KEY}"}


def test_authorization_reaches_the_provider_through_the_real_gateway(
    gateway_url: str, stub: ProviderStub
) -> None:
    # The reference SDK's documented self-hosted style: provider + provider key, no config.
    client = Portkey(
        base_url=gateway_url,
        provider="openai",
        custom_host=stub.host_for("a"),
        Authorization=f"Bearer {PROVIDER_KEY}",
        max_retries=0,
    )
    answer = client.chat.completions.create(messages=HI, model="gpt-4o-mini")
    assert answer.choices[0].message.content == "hello from a"
    assert stub.requests("a")[-1].headers["authorization"] == f"Bearer {PROVIDER_KEY}"


def test_authorization_is_masked_in_errors_and_logs(
    stub: ProviderStub, caplog: pytest.LogCaptureFixture
) -> None:
    stub.script("default", status(401, {"error": {"message": f"invalid key {PROVIDER_KEY}"}}))
    client = Portkey(base_url=recording(stub), max_retries=0, Authorization=PROVIDER_KEY)
    with (
        caplog.at_level(logging.DEBUG, logger="portkey"),
        pytest.raises(AuthenticationError) as caught,
    ):
        client.chat.completions.create(messages=HI)
    assert PROVIDER_KEY not in str(caught.value)
    assert PROVIDER_KEY not in repr(caught.value.body)
    assert "sk-...0042" in str(caught.value)
    for record in caplog.records:
        assert PROVIDER_KEY not in record.getMessage()


@pytest.mark.parametrize(
    "bad", ["", "   ", 42, None.__class__, "Bearer sk\r\nx: 1", "Bearer caf\u00e9"]
)
def test_bad_authorization_is_refused_before_sending(stub: ProviderStub, bad: Any) -> None:
    for attempt in (
        lambda: Portkey(base_url=recording(stub), Authorization=bad),
        lambda: Portkey(base_url=recording(stub)).with_options(Authorization=bad),
        lambda: createHeaders(Authorization=bad),
    ):
        with pytest.raises(InvalidRequestError) as caught:
            attempt()
        assert caught.value.field == "Authorization"
    assert stub.requests() == []


# ---- strict OpenAI compliance: the gateway's default unless asked -------------------------------

STRICT = "x-portkey-strict-open-ai-compliance"


async def test_strict_compliance_is_left_to_the_gateway_unless_asked(stub: ProviderStub) -> None:
    # Unlike the reference SDK's client (which sends "false" unless told otherwise), nothing
    # is sent by default: the gateway is then strict, so answers keep OpenAI's finish reasons
    # ("stop", "length", "tool_calls") that parse() and the stream helpers rely on
    # (docs/migration.md). strict_open_ai_compliance=False gives the reference's behaviour.
    base = recording(stub)
    Portkey(base_url=base, provider="openai").chat.completions.create(model="m", messages=HI)
    loose = Portkey(base_url=base, provider="openai", strict_open_ai_compliance=False)
    loose.chat.completions.create(model="m", messages=HI)
    loose.with_options(trace_id="t").chat.completions.create(model="m", messages=HI)
    async_client = AsyncPortkey(base_url=base, provider="openai", strict_open_ai_compliance=True)
    await async_client.chat.completions.create(model="m", messages=HI)
    await async_client.close()
    portkey.base_url = base
    portkey.config = Config(llms=[LLMOptions(provider="openai", api_key="sk-1", model="m")])
    try:
        portkey.ChatCompletions.create(messages=HI)
    finally:
        portkey.close()
    sent = [record.header_values(STRICT) for record in stub.requests()]
    assert sent == [[], ["false"], ["false"], ["true"], []]
    assert createHeaders(provider="openai").get(STRICT) is None
