"""Masking of credentials, so that no key reaches a repr, a log line or an exception message."""

from typing import Iterable, Optional


def mask_secret(value: Optional[str]) -> str:
    """Show enough of a credential to recognise it and no more: ``sk-...abcd``.

    Short values are masked completely, since their last four characters would be most of them.
    """
    if not value:
        return ""
    if len(value) <= 12:
        return "****"
    return f"{value[:3]}...{value[-4:]}"


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in ``text`` with its masked form."""
    for secret in secrets:
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(secret, mask_secret(secret))
    return text
