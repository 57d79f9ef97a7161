"""What text an HTTP header value can carry: one rule set for the SDK's own headers and for the
config values the gateway sends on in headers (provider keys, virtual keys, ...).

A value must not be empty, must not start or end with whitespace (HTTP drops it, so the server
would see another value than given; often the newline of a key read from a file), and must hold
no control character (a line break would end the header) and no non-ASCII character (header
text is bytes; servers read non-ASCII differently). A tab inside is allowed, as HTTP allows it.
"""

import re
from typing import Optional

_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def header_text_problem(text: str) -> Optional[str]:
    """What makes ``text`` unfit for an HTTP header, as the end of a sentence that starts with
    the value's name ("... is empty"); ``None`` when it is fit. Never quotes the value, which
    may be a credential."""
    if not text:
        return "is empty; give it a value or leave it out"
    if text != text.strip():
        return (
            "starts or ends with whitespace or a line break, which an HTTP header cannot carry; "
            "strip it (e.g. a key read from a file keeps its trailing newline)"
        )
    if _CONTROL.search(text):
        return (
            "contains a line break, NUL or other control character, which cannot go in an "
            "HTTP header; remove it"
        )
    if not text.isascii():
        position = next(index for index, ch in enumerate(text) if not ch.isascii())
        return (
            f"has a non-ASCII character at position {position}, which an HTTP header cannot "
            "carry reliably; use ASCII here"
        )
    return None


__all__ = ["header_text_problem"]
