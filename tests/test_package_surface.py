"""The package as users import it: cheap lazy import, every export resolves, the names the
seeds promise exist under both ``portkey`` and ``portkey_ai``."""

import subprocess
import sys

import pytest

import portkey

SEED_000_NAMES = ["Config", "LLMOptions", "ChatCompletions", "Completions"]
SEED_003_NAMES = ["Portkey", "AsyncPortkey", "Config", "LLMOptions", "Modes", "ProviderTypes",
                  "createHeaders"]  # fmt: skip
LEGACY_EXPORTS = ["Modes", "ModesLiteral", "ProviderTypes", "ProviderTypesLiteral", "CacheType",
                  "CacheLiteral", "Message", "PortkeyResponse", "ChatCompletions", "Completion",
                  "RetrySettings", "ChatCompletion", "ChatCompletionChunk", "TextCompletion",
                  "TextCompletionChunk", "CreateHeaders"]  # fmt: skip


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def test_import_portkey_loads_neither_http_library() -> None:
    loaded = run_python(
        "import sys, portkey; print(sorted(m for m in ('aiohttp', 'requests', 'tenacity') "
        "if m in sys.modules))"
    )
    assert loaded == "[]"


def test_sync_use_does_not_load_aiohttp() -> None:
    loaded = run_python(
        "import sys, portkey\n"
        "portkey.Portkey(base_url='http://127.0.0.1:9/v1', provider='openai')\n"
        "print('aiohttp' in sys.modules)"
    )
    assert loaded == "False"


@pytest.mark.parametrize("name", sorted(set(SEED_000_NAMES + SEED_003_NAMES + LEGACY_EXPORTS)))
def test_promised_names_are_exported(name: str) -> None:
    import portkey_ai

    assert getattr(portkey, name) is getattr(portkey_ai, name)


def test_every_name_in_all_resolves_and_is_documented() -> None:
    for name in portkey.__all__:
        value = getattr(portkey, name)
        if isinstance(value, type) or (callable(value) and not name.endswith("Literal")):
            assert getattr(value, "__doc__", None), f"{name} has no docstring"


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        portkey.no_such_name  # noqa: B018


def test_portkey_ai_is_the_same_module() -> None:
    import portkey_ai

    assert portkey_ai is portkey
    portkey_ai.api_key = "pk-shared-global"
    assert portkey.api_key == "pk-shared-global"


def test_version_is_single_sourced() -> None:
    from portkey.version import VERSION

    assert portkey.__version__ == VERSION
    assert VERSION in portkey.api_resources.transport.DEFAULT_HEADERS["User-Agent"]


def test_py_typed_marker_ships() -> None:
    from pathlib import Path

    assert (Path(portkey.__file__).parent / "py.typed").exists()


def test_the_reference_sdks_top_level_constants_keep_their_values() -> None:
    import portkey_ai

    # portkey-ai 2.3.4's values: its PORTKEY_BASE_URL is the URL, not a variable's name.
    expected = {
        "PORTKEY_GATEWAY_URL": "https://api.portkey.ai/v1",
        "PORTKEY_BASE_URL": "https://api.portkey.ai/v1",
        "PORTKEY_API_KEY_ENV": "PORTKEY_API_KEY",
        "PORTKEY_PROXY_ENV": "PORTKEY_PROXY",
    }
    for module in (portkey, portkey_ai):
        assert {name: getattr(module, name) for name in expected} == expected
        assert set(expected) <= set(dir(module))
