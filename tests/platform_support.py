"""Helpers shared by the platform-resource tests: clients aimed at the gateway or straight at
the provider stand-in, one call-and-check step, and a multipart body parser."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from email.parser import BytesParser
from typing import Any, Callable, Dict, List, Optional, Tuple, Union
from urllib.parse import parse_qsl

from provider_stub import ProviderStub, RecordedRequest, status

from portkey import AsyncPortkey, Portkey

TARGET = "a"
PROVIDER_KEY = "sk-platform-test"
PORTKEY_KEY = "pk-platform-test"
AnyClient = Union[Portkey, AsyncPortkey]


def gateway_config(stub: ProviderStub) -> Dict[str, Any]:
    """A gateway config with one OpenAI target that is the stub's target ``a``."""
    return {"provider": "openai", "api_key": PROVIDER_KEY, "custom_host": stub.host_for(TARGET)}


def gateway_client(gateway_url: str, stub: ProviderStub, *, use_async: bool = False) -> AnyClient:
    """A client that goes through the real gateway to the stub (no retries, so each call is one
    request)."""
    cls = AsyncPortkey if use_async else Portkey
    return cls(base_url=gateway_url, config=gateway_config(stub), max_retries=0)


def direct_client(stub: ProviderStub, *, use_async: bool = False) -> AnyClient:
    """A client that talks to the stub itself as a recording server (the hosted-only APIs)."""
    cls = AsyncPortkey if use_async else Portkey
    return cls(base_url=f"{stub.url}/v1", api_key=PORTKEY_KEY, max_retries=0)


async def resolve(value: Any) -> Any:
    """``value``, awaited when the async client returned an awaitable."""
    return await value if inspect.isawaitable(value) else value


@dataclass
class Case:
    """One verb: how to call it, and the request it must produce.

    ``call`` takes a client (sync or async: the attribute paths are the same) and returns the
    result or an awaitable of it. ``query`` and ``body`` are compared exactly (``None`` means
    "no query" / "no JSON body").
    """

    name: str
    call: Callable[[Any], Any]
    method: str
    endpoint: str
    query: Optional[Dict[str, str]] = None
    body: Optional[Dict[str, Any]] = None
    answer: Dict[str, Any] = field(default_factory=lambda: {"id": "obj_1", "object": "thing"})
    result_type: Optional[type] = None
    headers: Dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return self.name


def list_answer(*ids: str, **extra: Any) -> Dict[str, Any]:
    """A one-page OpenAI-style list answer."""
    return {"object": "list", "data": [{"id": i} for i in ids], "has_more": False, **extra}


def query_of(record: RecordedRequest) -> Optional[Dict[str, str]]:
    """The recorded query string as a dict (``None`` when there was none)."""
    return dict(parse_qsl(record.query, keep_blank_values=True)) or None


async def check_case(case: Case, client: AnyClient, stub: ProviderStub, target: str) -> Any:
    """Make ``case``'s call and check the one request the stub saw; returns the result."""
    stub.script(target, status(200, json_body=case.answer))
    result = await resolve(case.call(client))
    seen = stub.requests(target)
    assert len(seen) == 1, [(r.method, r.path) for r in seen]
    record = seen[0]
    assert (record.method, record.endpoint) == (case.method, case.endpoint)
    assert query_of(record) == case.query
    if case.body is None:
        assert record.json in (None, {}), record.json
    else:
        assert record.json == case.body
    for name, value in case.headers.items():
        assert record.headers.get(name.lower()) == value, name
    if case.result_type is not None:
        assert isinstance(result, case.result_type), type(result)
    return result


def multipart_fields(record: RecordedRequest) -> Dict[str, Tuple[Optional[str], bytes]]:
    """The fields of a recorded multipart body: name -> (filename, content)."""
    content_type = record.headers["content-type"]
    assert content_type.startswith("multipart/form-data"), content_type
    message = BytesParser().parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + record.body
    )
    fields: Dict[str, Tuple[Optional[str], bytes]] = {}
    for part in message.get_payload():  # type: ignore[union-attr]
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        fields[str(name)] = (filename, part.get_payload(decode=True) or b"")
    return fields


def ids_of(items: List[Any]) -> List[str]:
    """The ``id`` of each item."""
    return [item.id for item in items]
