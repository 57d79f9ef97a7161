"""Shared fixtures: the real gateway and a scriptable provider stand-in, both on loopback.

``gateway`` runs the pinned open-source gateway from this checkout's node_modules for the whole
session; ``provider`` is the session's ProviderStub and ``stub`` the same stub wiped before each
test. A gateway that cannot start fails the tests that need it (never skips them): a broken
local stack must be seen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from provider_stub import ProviderStub

from portkey.local.gateway import GatewayStartError, LocalGateway

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def gateway() -> Iterator[LocalGateway]:
    """The open-source gateway, started once from the repo's node_modules."""
    local = LocalGateway(install_dir=REPO_ROOT)
    try:
        local.start()
    except GatewayStartError as exc:
        pytest.fail(f"the local gateway did not start: {exc}", pytrace=False)
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="session")
def gateway_url(gateway: LocalGateway) -> str:
    """The gateway's API base URL, ``http://127.0.0.1:PORT/v1``."""
    return gateway.base_url


@pytest.fixture(scope="session")
def provider() -> Iterator[ProviderStub]:
    """The session's provider stand-in; prefer ``stub``, which is reset for each test."""
    with ProviderStub() as running:
        yield running


@pytest.fixture
def stub(provider: ProviderStub) -> ProviderStub:
    """The provider stand-in with no scripts and no recorded requests."""
    provider.reset()
    return provider


_PORTKEY_GLOBALS = ("api_key", "base_url", "config", "mode", "timeout", "max_retries")


@pytest.fixture(autouse=True)
def restore_portkey_globals() -> Iterator[None]:
    """Module globals set by a test are put back afterwards, so tests cannot leak into others."""
    import portkey

    saved = {name: getattr(portkey, name) for name in _PORTKEY_GLOBALS}
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(portkey, name, value)


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrink the SDK's retry backoff (every client's) so retry tests take milliseconds.

    ``Retry-After`` is still honoured as the server asks.
    """
    from portkey.api_resources.transport import RetryPolicy

    quick = RetryPolicy(initial_delay=0.01, max_delay=0.05)
    original = RetryPolicy.delay
    monkeypatch.setattr(
        RetryPolicy, "delay", lambda self, attempt, exc: original(quick, attempt, exc)
    )
