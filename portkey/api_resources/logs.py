"""The ``portkey`` logger, with a filter that masks credentials in every record.

The level comes from ``PORTKEY_LOG`` (``debug``, ``info``, ...), read the first time the SDK
logs. Headers are never logged; the filter is a second line of defence for anything else
that could carry a key (a URL, an error body echoing a header).
"""

import logging
import os
import re
from typing import Optional

from .constants import LOG_LEVEL_ENV

logger = logging.getLogger("portkey")

# Values that look like credentials: bearer tokens, provider keys, and any x-portkey-*key*
# or authorization header written out as "name: value" or "name=value".
_SECRET_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)([A-Za-z0-9._~+/=-]{4,})"),
    re.compile(
        r"(?i)((?:x-portkey-[a-z-]*key[a-z-]*|authorization|api[-_]key)[\"']?\s*[:=]\s*[\"']?)([^\s\"',}]{4,})"
    ),
    re.compile(r"\b(sk-[A-Za-z0-9_-]{2})([A-Za-z0-9_-]{8,})"),
)


def _mask(match: "re.Match[str]") -> str:
    value = match.group(2)
    return f"{match.group(1)}...{value[-4:]}" if len(value) > 12 else f"{match.group(1)}****"


def redact_text(text: str) -> str:
    """Mask anything in ``text`` that looks like a credential."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(_mask, text)
    return text


class RedactingFilter(logging.Filter):
    """Masks credentials in a record's rendered message before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_configured = False


def get_logger() -> logging.Logger:
    """The SDK's logger, set up once: redaction filter, and the level from ``PORTKEY_LOG``."""
    global _configured
    if not _configured:
        _configured = True
        logger.addFilter(RedactingFilter())
        level: Optional[str] = os.environ.get(LOG_LEVEL_ENV)
        if level:
            logger.setLevel(level.upper())
            if not logger.handlers:
                handler = logging.StreamHandler()
                handler.setFormatter(logging.Formatter("[portkey %(levelname)s] %(message)s"))
                logger.addHandler(handler)
    return logger
