"""``webhooks``: check that a webhook really comes from the provider, then read it.

The scheme is "Standard Webhooks", the one OpenAI signs its webhooks with. Three headers come
with each delivery: ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and
``webhook-signature`` (space-separated ``v1,<base64>`` entries, several while a secret is being
rotated). The signature is the base64 HMAC-SHA256 of ``"{id}.{timestamp}.{body}"`` keyed with
the secret: for a ``whsec_...`` secret, the base64-decoded bytes after the prefix; otherwise
the secret's own bytes. A delivery is accepted when one entry matches (compared in constant
time) and its timestamp is within ``tolerance`` seconds of now, either way, so that a captured
delivery cannot be replayed later.

These methods compute locally and send nothing, so they are plain (not ``async``) methods on
both clients, as in the reference SDK.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import time
from typing import Any, Mapping, Optional, Union

from ..constants import WEBHOOK_SECRET_ENV
from ..exceptions import InvalidRequestError, InvalidWebhookSignatureError
from ..surface_types import WebhookEvent
from .base import AsyncAPIResource, SyncAPIResource

#: Seconds a delivery stays acceptable after (or before) its timestamp.
DEFAULT_TOLERANCE = 300
SECRET_PREFIX = "whsec_"

Payload = Union[str, bytes]


def _header(headers: Mapping[str, Any], name: str) -> str:
    for key, value in headers.items():
        if str(key).lower() == name:
            return str(value)
    raise InvalidWebhookSignatureError(f"the webhook has no {name} header")


def _key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        return secret.encode()
    try:
        return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error:
        raise InvalidRequestError(
            "the webhook secret starts with whsec_ but the rest is not base64", field="secret"
        ) from None


def _secret(secret: Optional[str]) -> str:
    found = secret if secret is not None else os.environ.get(WEBHOOK_SECRET_ENV)
    if not found:
        raise InvalidRequestError(
            f"no webhook secret: pass secret=..., give the client webhook_secret=..., or set "
            f"{WEBHOOK_SECRET_ENV}",
            field="secret",
        )
    return found


def _text(payload: Payload) -> str:
    if isinstance(payload, str):
        return payload
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidWebhookSignatureError("the webhook body is not UTF-8 text") from None


def sign(payload: Payload, *, secret: str, webhook_id: str, timestamp: int) -> str:
    """The ``webhook-signature`` entry (``v1,<base64>``) for a delivery (also handy to sign
    deliveries in tests)."""
    body = _text(payload)
    signed = f"{webhook_id}.{timestamp}.{body}".encode()
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify_signature(
    payload: Payload,
    headers: Mapping[str, Any],
    *,
    secret: Optional[str] = None,
    tolerance: int = DEFAULT_TOLERANCE,
    now: Optional[float] = None,
) -> None:
    """Return quietly if the delivery is authentic and fresh; otherwise raise
    :class:`InvalidWebhookSignatureError` saying why. ``secret`` defaults to
    ``$OPENAI_WEBHOOK_SECRET``; ``now`` (Unix seconds) to the current time."""
    key_secret = _secret(secret)
    signatures = _header(headers, "webhook-signature")
    stamp = _header(headers, "webhook-timestamp")
    webhook_id = _header(headers, "webhook-id")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise InvalidWebhookSignatureError(
            f"webhook-timestamp is not a number: {stamp!r}"
        ) from None
    current = int(time.time() if now is None else now)
    if current - timestamp > tolerance:
        raise InvalidWebhookSignatureError("the webhook timestamp is too old")
    if timestamp - current > tolerance:
        raise InvalidWebhookSignatureError("the webhook timestamp is too new")
    expected = sign(payload, secret=key_secret, webhook_id=webhook_id, timestamp=timestamp)
    offered = [entry for entry in signatures.split() if entry.startswith("v1,")]
    if not any(hmac.compare_digest(expected, entry) for entry in offered):
        raise InvalidWebhookSignatureError(
            "the webhook signature does not match its body and the secret"
        )


def unwrap(
    payload: Payload,
    headers: Mapping[str, Any],
    *,
    secret: Optional[str] = None,
    tolerance: int = DEFAULT_TOLERANCE,
    now: Optional[float] = None,
) -> WebhookEvent:
    """The verified delivery as a :class:`WebhookEvent` (``type``, ``data``, ...)."""
    verify_signature(payload, headers, secret=secret, tolerance=tolerance, now=now)
    try:
        return WebhookEvent.model_validate(json.loads(payload))
    except ValueError:
        raise InvalidRequestError(
            "the webhook is signed but its body is not a JSON object", field="payload"
        ) from None


class Webhooks(SyncAPIResource):
    """``client.webhooks``: ``verify_signature(payload, headers, secret=...)`` and
    ``unwrap(payload, headers, secret=...)``; ``secret`` defaults to the client's
    ``webhook_secret``, then to ``$OPENAI_WEBHOOK_SECRET``."""

    def _secret(self, given: Optional[str]) -> Optional[str]:
        return given if given is not None else self._client.options.webhook_secret

    def verify_signature(
        self,
        payload: Payload,
        headers: Mapping[str, Any],
        *,
        secret: Optional[str] = None,
        tolerance: int = DEFAULT_TOLERANCE,
    ) -> None:
        """Raise :class:`InvalidWebhookSignatureError` unless the delivery is authentic and
        no older (or newer) than ``tolerance`` seconds."""
        verify_signature(payload, headers, secret=self._secret(secret), tolerance=tolerance)

    def unwrap(
        self, payload: Payload, headers: Mapping[str, Any], *, secret: Optional[str] = None
    ) -> WebhookEvent:
        """Verify the delivery, then parse it."""
        return unwrap(payload, headers, secret=self._secret(secret))


class AsyncWebhooks(AsyncAPIResource):
    """``client.webhooks`` on :class:`AsyncPortkey`: the same plain (not ``async``) methods,
    since nothing is sent."""

    def _secret(self, given: Optional[str]) -> Optional[str]:
        return given if given is not None else self._client.options.webhook_secret

    def verify_signature(
        self,
        payload: Payload,
        headers: Mapping[str, Any],
        *,
        secret: Optional[str] = None,
        tolerance: int = DEFAULT_TOLERANCE,
    ) -> None:
        """Raise :class:`InvalidWebhookSignatureError` unless the delivery is authentic and
        fresh."""
        verify_signature(payload, headers, secret=self._secret(secret), tolerance=tolerance)

    def unwrap(
        self, payload: Payload, headers: Mapping[str, Any], *, secret: Optional[str] = None
    ) -> WebhookEvent:
        """Verify the delivery, then parse it."""
        return unwrap(payload, headers, secret=self._secret(secret))
