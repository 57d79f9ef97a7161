"""What came with a response body (its HTTP headers and raw bytes), kept beside the model.

Response models are pydantic models whose fields are the JSON body. The headers and raw bytes
are not part of that body, so they are not fields; they are kept here, in a table keyed by the
response object's identity, that forgets an entry when its response is garbage-collected.

Why not a pydantic private attribute: pydantic sets up private attributes in Python for every
instance it validates (twice for a subclass of a model that has them), which cost about 1.2 us
per stream chunk, a quarter of what reading and validating a chunk costs. An entry here costs
about 0.35 us, and all chunks of a stream share one :class:`ResponseMeta`. Only public
mechanisms are used: :func:`id`, :class:`weakref.ref` and its callback.
"""

import weakref
from typing import Any, Dict, Mapping, Optional, Tuple


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
    """A weak reference to a response that carries the response's key and meta."""

    __slots__ = ("key", "meta")

    key: int
    meta: ResponseMeta


def _forget(entry: "_Entry") -> None:
    # Runs while the response is being destroyed, before its id can be reused.
    if _TABLE.get(entry.key) is entry:
        del _TABLE[entry.key]


# id(response) -> its entry; an entry leaves the table when its response is garbage-collected.
_TABLE: Dict[int, _Entry] = {}


def attach(response: object, meta: ResponseMeta) -> None:
    """Record ``meta`` as what came with ``response`` (replacing any earlier record)."""
    entry = _Entry(response, _forget)
    entry.key = key = id(response)
    entry.meta = meta
    _TABLE[key] = entry


def meta_of(response: object) -> ResponseMeta:
    """What came with ``response``; :data:`NO_META` for one that was not given any."""
    entry = _TABLE.get(id(response))
    if entry is None or entry() is not response:
        return NO_META
    return entry.meta


def tracked() -> int:
    """How many live responses have a record (for tests: records must not outlive them)."""
    return len(_TABLE)
