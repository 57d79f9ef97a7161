"""``client.webhooks``: the Standard Webhooks signature check (the scheme OpenAI signs with),
against the scheme's published test vector, then tampering, wrong secrets, stale and future
timestamps, secret rotation, missing headers and parsing with ``unwrap``."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

from portkey import AsyncPortkey, InvalidRequestError, Portkey
from portkey.api_resources.exceptions import InvalidWebhookSignatureError
from portkey.api_resources.resources import webhooks
from portkey.api_resources.surface_types import WebhookEvent

# The Standard Webhooks specification's example delivery and its signature.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
WEBHOOK_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
PAYLOAD = '{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
HEADERS = {
    "webhook-id": WEBHOOK_ID,
    "webhook-timestamp": str(TIMESTAMP),
    "webhook-signature": SIGNATURE,
}
A_LONG_TIME = 10**10  # a tolerance that accepts the 2021 vector today


def check(payload: Any = PAYLOAD, headers: Dict[str, str] = HEADERS, **options: Any) -> None:
    options.setdefault("secret", SECRET)
    options.setdefault("now", TIMESTAMP)
    webhooks.verify_signature(payload, headers, **options)


def test_the_published_vector_is_accepted() -> None:
    check()
    check(PAYLOAD.encode())  # bytes as received
    assert webhooks.sign(PAYLOAD, secret=SECRET, webhook_id=WEBHOOK_ID, timestamp=TIMESTAMP) == (
        SIGNATURE
    )


@pytest.mark.parametrize("client_class", [Portkey, AsyncPortkey])
def test_both_clients_verify_without_sending_anything(client_class: Any) -> None:
    client = client_class(base_url="http://127.0.0.1:9/v1", api_key="pk-test")
    assert (
        client.webhooks.verify_signature(PAYLOAD, HEADERS, secret=SECRET, tolerance=A_LONG_TIME)
        is None
    )
    with pytest.raises(InvalidWebhookSignatureError, match="too old"):
        client.webhooks.verify_signature(PAYLOAD, HEADERS, secret=SECRET)  # default 300 s


def test_a_tampered_body_is_rejected() -> None:
    with pytest.raises(InvalidWebhookSignatureError, match="does not match"):
        check('{"test": 2432232315}')


def test_a_wrong_secret_is_rejected() -> None:
    with pytest.raises(InvalidWebhookSignatureError, match="does not match"):
        check(secret="whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=")
    with pytest.raises(InvalidWebhookSignatureError):
        check(secret="MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")  # the same text, not base64-decoded


def test_a_tampered_id_or_timestamp_is_rejected() -> None:
    with pytest.raises(InvalidWebhookSignatureError, match="does not match"):
        check(headers={**HEADERS, "webhook-id": "msg_other"})
    with pytest.raises(InvalidWebhookSignatureError, match="does not match"):
        check(headers={**HEADERS, "webhook-timestamp": str(TIMESTAMP + 1)})


def test_expired_and_future_timestamps_are_rejected() -> None:
    check(now=TIMESTAMP + 300)  # exactly at the edge of the window
    with pytest.raises(InvalidWebhookSignatureError, match="too old"):
        check(now=TIMESTAMP + 301)
    with pytest.raises(InvalidWebhookSignatureError, match="too new"):
        check(now=TIMESTAMP - 301)
    check(now=TIMESTAMP + 3600, tolerance=3600)


def test_one_matching_signature_among_several_is_enough() -> None:
    rotated = {**HEADERS, "webhook-signature": f"v1,bm90IHRoZSBvbmU= {SIGNATURE}"}
    check(headers=rotated)
    only_other_versions = {**HEADERS, "webhook-signature": SIGNATURE.replace("v1,", "v2,")}
    with pytest.raises(InvalidWebhookSignatureError):
        check(headers=only_other_versions)


def test_a_body_that_is_not_utf8_is_rejected() -> None:
    with pytest.raises(InvalidWebhookSignatureError, match="UTF-8"):
        check(b"\xff\xfe")


def test_header_names_are_case_insensitive() -> None:
    check(headers={name.title(): value for name, value in HEADERS.items()})


@pytest.mark.parametrize("missing", sorted(HEADERS))
def test_a_missing_header_is_rejected(missing: str) -> None:
    headers = {name: value for name, value in HEADERS.items() if name != missing}
    with pytest.raises(InvalidWebhookSignatureError, match=missing):
        check(headers=headers)


def test_a_non_numeric_timestamp_is_rejected() -> None:
    with pytest.raises(InvalidWebhookSignatureError, match="not a number"):
        check(headers={**HEADERS, "webhook-timestamp": "yesterday"})


def test_the_secret_comes_from_the_argument_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_WEBHOOK_SECRET", raising=False)
    with pytest.raises(InvalidRequestError) as caught:
        webhooks.verify_signature(PAYLOAD, HEADERS, now=TIMESTAMP)
    assert caught.value.field == "secret"
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", SECRET)
    webhooks.verify_signature(PAYLOAD, HEADERS, now=TIMESTAMP)


def test_a_malformed_whsec_secret_is_bad_input() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        check(secret="whsec_not*base64")
    assert caught.value.field == "secret"


def test_unwrap_returns_the_verified_event() -> None:
    event = {"id": "evt_1", "object": "event", "type": "response.completed",
             "created_at": TIMESTAMP, "data": {"id": "resp_1"}}  # fmt: skip
    body = json.dumps(event)
    signature = webhooks.sign(body, secret=SECRET, webhook_id="evt_1", timestamp=TIMESTAMP)
    headers = {"webhook-id": "evt_1", "webhook-timestamp": str(TIMESTAMP),
               "webhook-signature": signature}  # fmt: skip
    parsed = webhooks.unwrap(body, headers, secret=SECRET, now=TIMESTAMP)
    assert isinstance(parsed, WebhookEvent)
    assert (parsed.type, parsed.data) == ("response.completed", {"id": "resp_1"})
    with pytest.raises(InvalidWebhookSignatureError):
        webhooks.unwrap(body.replace("resp_1", "resp_2"), headers, secret=SECRET, now=TIMESTAMP)


def test_unwrap_refuses_a_signed_body_that_is_not_json() -> None:
    body = "not json"
    signature = webhooks.sign(body, secret=SECRET, webhook_id="e", timestamp=TIMESTAMP)
    headers = {"webhook-id": "e", "webhook-timestamp": str(TIMESTAMP),
               "webhook-signature": signature}  # fmt: skip
    with pytest.raises(InvalidRequestError) as caught:
        webhooks.unwrap(body, headers, secret=SECRET, now=TIMESTAMP)
    assert caught.value.field == "payload"


@pytest.mark.parametrize("client_class", [Portkey, AsyncPortkey])
def test_client_unwrap_checks_the_signature_first(client_class: Any) -> None:
    client = client_class(base_url="http://127.0.0.1:9/v1", api_key="pk-test")
    with pytest.raises(InvalidWebhookSignatureError):  # the 2021 vector is stale by now
        client.webhooks.unwrap(PAYLOAD, HEADERS, secret=SECRET)


# ---- the client's webhook_secret: the default secret, kept and never sent ------------------------


@pytest.mark.parametrize("client_class", [Portkey, AsyncPortkey])
def test_the_clients_webhook_secret_is_the_default(
    client_class: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_WEBHOOK_SECRET", raising=False)
    client = client_class(base_url="http://127.0.0.1:9/v1", webhook_secret=SECRET)
    client.webhooks.verify_signature(PAYLOAD, HEADERS, tolerance=A_LONG_TIME)
    copy = client.with_options(trace_id="t")  # a copy keeps it
    copy.webhooks.verify_signature(PAYLOAD, HEADERS, tolerance=A_LONG_TIME)
    with pytest.raises(InvalidWebhookSignatureError):  # an explicit secret= wins
        client.webhooks.verify_signature(PAYLOAD, HEADERS, secret="whsec_b3RoZXI=")
    bare = client_class(base_url="http://127.0.0.1:9/v1")
    with pytest.raises(InvalidRequestError, match="webhook_secret="):
        bare.webhooks.verify_signature(PAYLOAD, HEADERS, tolerance=A_LONG_TIME)


async def test_the_webhook_secret_is_never_sent(stub: Any) -> None:
    import warnings

    from portkey import UnknownOptionWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownOptionWarning)
        sync_client = Portkey(base_url=f"{stub.url}/v1", provider="openai", webhook_secret=SECRET)
        async_client = AsyncPortkey(
            base_url=f"{stub.url}/v1", provider="openai", webhook_secret=SECRET
        )
    with sync_client:
        sync_client.chat.completions.create(model="m", messages=[{"role": "user", "content": "a"}])
    async with async_client:
        await async_client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "a"}]
        )
    for record in stub.requests():
        assert not any("webhook" in name.lower() for name, _ in record.header_lines)
        assert SECRET not in repr(record.header_lines) and SECRET.encode() not in record.body
    assert sync_client.options.webhook_secret == SECRET
    assert SECRET in sync_client.options.secrets  # masked in any error text


@pytest.mark.parametrize("bad", ["", 123, b"whsec_x"])
def test_a_bad_webhook_secret_is_refused_when_the_client_is_made(bad: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        Portkey(base_url="http://127.0.0.1:9/v1", webhook_secret=bad)
    assert caught.value.field == "webhook_secret"
