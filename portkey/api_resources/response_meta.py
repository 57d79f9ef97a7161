"""What came with a response body (its HTTP headers and raw bytes), kept beside the model.

Response models are pydantic models whose fields are the JSON body. The headers and raw bytes
are not part of that body, so they are not fields; they are kept here, on a weak reference to
the response that lives in a set until the response is garbage-collected.

Why not a pydantic private attribute: pydantic sets up private attributes in Python for every
instance it validates (twice for a subclass of a model that has them), which cost about 1.2 us
per stream chunk, a quarter of what reading and validating a chunk costs. A record here costs
about 0.2 us, and all chunks of a stream share one :class:`ResponseMeta`. Only public
mechanisms are used: :class:`weakref.ref` (subclassed), its callback and
:func:`weakref.getweakrefs`.
"""

import weakref
from typing import Any, Dict, Mapping, Optional, Set, Tuple


class ResponseMeta:
    """The HTTP headers and raw bytes of one response.

    One object per HTTP response: every chunk of a stream shares its stream's. The headers are
    taken as the HTTP library gives them and copied with lower-case names on first use, which
    most responses never see.
    """

    __slots__ = ("_headers", "_received", "raw")

    def __init__(self, headers: Mapping[str, str], raw: bytes = b"") -> None:
        self._received = headers
        self._headers: Optional[Dict[str, str]] = None
        self.raw = raw

    @property
    def headers(self) -> Dict[str, str]:
        """The headers, names in lower case (read-only: ``get_headers()`` hands out copies)."""
        if self._headers is None:
            self._headers = {name.lower(): value for name, value in self._received.items()}
        return self._headers

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ResponseMeta):
            return NotImplemented
        return self.headers == other.headers and self.raw == other.raw

    __hash__ = None  # type: ignore[assignment]  # holds a mutable dict: equal, not hashable

    def copy(self) -> "ResponseMeta":
        """A copy with its own headers dict."""
        return ResponseMeta(dict(self.headers), self.raw)

    def __reduce__(self) -> Tuple[Any, ...]:
        return ResponseMeta, (self.headers, self.raw)


#: What a response that came from no HTTP answer (built by hand) reports.
NO_META = ResponseMeta({})


class _Entry(weakref.ref):  # type: ignore[type-arg]
    """A weak reference to a response that carries the response's meta."""

    __slots__ = ("meta",)

    meta: ResponseMeta

    # Entries live in a set, by identity: a plain weak reference hashes and compares its
    # referent, and response models are unhashable (and equal ones are distinct responses).
    __hash__ = object.__hash__
    __eq__ = object.__eq__


# The live records. A record leaves when its response is collected: its callback is this set's
# own `discard`, which runs in C (no Python function runs for every collected stream chunk).
_LIVE: Set[_Entry] = set()
_forget = _LIVE.discard


def attach(response: object, meta: ResponseMeta) -> None:
    """Record ``meta`` as what came with ``response`` (replacing any earlier record)."""
    for entry in weakref.getweakrefs(response):
        if type(entry) is _Entry:
            _LIVE.discard(entry)
    attach_new(response, meta)


def attach_new(response: object, meta: ResponseMeta) -> None:
    """:func:`attach` for a response just built, which has no record to replace (the stream
    loop's way: it skips looking for one)."""
    entry = _Entry(response, _forget)
    entry.meta = meta
    _LIVE.add(entry)


def meta_of(response: object) -> ResponseMeta:
    """What came with ``response``; :data:`NO_META` for one that was not given any."""
    for entry in weakref.getweakrefs(response):
        if type(entry) is _Entry:
            return entry.meta
    return NO_META


def tracked() -> int:
    """How many live responses have a record (for tests: records must not outlive them)."""
    return len(_LIVE)
