"""Every provider the SDK names is either exercised through the real gateway or documented as
not testable offline, and the OpenAI-compatible ones answer through the gateway.

``ProviderTypes`` and the provider table of seed 000 are the list; docs/resources.md's
"Providers" section must have one row per provider, naming the tests that cover it (which must
exist) or saying why there are none.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional

import pytest
from provider_stub import ProviderStub, answer_text, status

import portkey
from portkey import Config, InternalServerError, LLMOptions, Portkey, ProviderTypes

REPO = Path(__file__).resolve().parents[1]
RESOURCES_DOC = REPO / "docs" / "resources.md"
# The "Supported Providers" table of seed 000 (the 0.1.x SDK's guide).
SEED_000_PROVIDERS = ("openai", "azure-openai", "anthropic", "cohere")
HI = [{"role": "user", "content": "Hi"}]

# Providers whose API is OpenAI's own format. The gateway appends "/chat/completions" to the
# custom_host for some and "/v1/chat/completions" for others (their real base URL has no /v1).
OPENAI_COMPATIBLE: Dict[str, str] = {
    "anyscale": "/v1",
    "groq": "/v1",
    "mistral-ai": "/v1",
    "perplexity-ai": "/v1",
    "together-ai": "",
    "deepseek": "",
    "ollama": "",
}


def custom_host(stub: ProviderStub, provider: str) -> str:
    """The stub's address for ``provider``, so the gateway's path lands on ``/t/NAME/v1/...``."""
    base = stub.host_for(provider)
    return base if OPENAI_COMPATIBLE[provider] else base[: -len("/v1")]


@pytest.mark.parametrize("name", sorted(OPENAI_COMPATIBLE))
def test_openai_compatible_provider_through_the_gateway(
    gateway_url: str, stub: ProviderStub, name: str
) -> None:
    provider = name  # (``provider`` is conftest's stub fixture)
    keyless = provider == "ollama"
    llm = LLMOptions(
        provider=provider,
        custom_host=custom_host(stub, provider),
        model="some-model",
        temperature=0.4,
        **({} if keyless else {"api_key": f"key-for-{provider}-000001"}),
    )
    client = Portkey(base_url=gateway_url, config=Config(mode="single", llms=[llm]))

    response = client.chat.completions.create(messages=HI)

    assert response.choices[0].message.content == answer_text(provider)
    assert response.gateway.provider == provider
    (seen,) = stub.requests(provider)
    assert seen.endpoint == "/chat/completions"
    assert seen.json["model"] == "some-model"
    assert seen.json["temperature"] == 0.4
    if keyless:
        assert "authorization" not in seen.headers
    else:
        assert seen.headers["authorization"] == f"Bearer key-for-{provider}-000001"


@pytest.mark.parametrize("name", ["groq", "together-ai"])
def test_openai_compatible_provider_error_module_style(
    gateway_url: str, stub: ProviderStub, name: str
) -> None:
    provider = name  # (``provider`` is conftest's stub fixture)
    stub.script(provider, status(502))
    portkey.base_url = gateway_url
    portkey.config = Config(
        mode="single",
        llms=[LLMOptions(provider=provider, api_key="k-000000000001",
                         custom_host=custom_host(stub, provider), model="m")],
    )  # fmt: skip

    with pytest.raises(InternalServerError, match="scripted status 502") as caught:
        portkey.ChatCompletions.create(messages=HI, max_retries=0)

    assert caught.value.status_code == 502


# --- the docs table --------------------------------------------------------------------------


def providers_table() -> Dict[str, str]:
    """``{provider: status cell}`` from the table under docs/resources.md's "## Providers"."""
    text = RESOURCES_DOC.read_text(encoding="utf-8")
    match = re.search(r"^## Providers\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, "docs/resources.md has no '## Providers' section"
    rows: Dict[str, str] = {}
    for line in match.group(1).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name = re.fullmatch(r"`([a-z0-9-]+)`", cells[0]) if len(cells) >= 3 else None
        if name:
            rows[name.group(1)] = cells[-1]
    return rows


def named_tests(cell: str) -> List[str]:
    """The ``test_*`` names a status cell cites."""
    return re.findall(r"`(test_\w+)`", cell)


def defined_tests() -> Dict[str, Path]:
    found: Dict[str, Path] = {}
    for path in (REPO / "tests").glob("test_*.py"):
        for name in re.findall(r"^(?:async )?def (test_\w+)", path.read_text(), flags=re.M):
            found[name] = path
    return found


def not_covered(cell: str) -> Optional[str]:
    """The reason given when a row says the provider is not tested, else None."""
    match = re.match(r"not tested: (.+)", cell)
    return match.group(1) if match else None


def test_every_named_provider_has_a_row() -> None:
    rows = providers_table()
    wanted = {p.value for p in ProviderTypes} | set(SEED_000_PROVIDERS)
    assert sorted(wanted - set(rows)) == []


def test_each_row_names_existing_tests_or_a_reason() -> None:
    tests = defined_tests()
    for provider, cell in providers_table().items():
        reason = not_covered(cell)
        if reason is not None:
            assert len(reason) > 20, f"{provider}: give a real reason"
            continue
        cited = named_tests(cell)
        assert cited, f"{provider}: the row names no test and gives no reason"
        missing = [name for name in cited if name not in tests]
        assert missing == [], f"{provider}: cites tests that do not exist: {missing}"
