"""Masking of credentials, so that no key reaches a repr, a log line or an exception message."""

from typing import Any, Iterable, Optional, Tuple

from .constants import HEADER_PREFIX, SECRET_HEADERS, SECRET_NAME_WORDS


def mask_secret(value: Optional[str]) -> str:
    """Show enough of a credential to recognise it and no more: ``sk-...abcd``.

    Short values are masked completely, since their last four characters would be most of them.
    """
    if not value:
        return ""
    if len(value) <= 12:
        return "****"
    return f"{value[:3]}...{value[-4:]}"


def redact_json(value: Any, secrets: Iterable[str]) -> Any:
    """``value`` (parsed JSON) with every secret masked inside its strings."""
    secrets = tuple(secrets)
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {key: redact_json(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_json(item, secrets) for item in value]
    return value


def is_secret_header(name: str) -> bool:
    """Whether header ``name`` carries a credential: a known secret header, or an
    ``x-portkey-*`` header the SDK does not know whose name says key, secret, token, ..."""
    lower = name.lower()
    if lower in SECRET_HEADERS:
        return True
    return lower.startswith(HEADER_PREFIX) and any(
        word in lower[len(HEADER_PREFIX) :] for word in SECRET_NAME_WORDS
    )


def credential_of(header_value: str) -> str:
    """The credential in a header value: ``Bearer sk-...`` -> ``sk-...``."""
    scheme, _, rest = header_value.partition(" ")
    return rest.strip() if rest and scheme.lower() in ("bearer", "basic", "token") else header_value


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in ``text`` with its masked form."""
    for secret in secrets:
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(secret, mask_secret(secret))
    return text


def url_without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` removed, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return url
    return f"{scheme}://{authority.rsplit('@', 1)[1]}{slash}{path}"


def url_credentials(url: str) -> Tuple[str, ...]:
    """The password (and user name) a URL carries, to be masked wherever the URL appears."""
    _, sep, rest = url.partition("://")
    authority = rest.partition("/")[0]
    if not sep or "@" not in authority:
        return ()
    userinfo = authority.rsplit("@", 1)[0]
    password = userinfo.partition(":")[2]
    return tuple(part for part in (password, userinfo) if part and len(part) >= 4)
