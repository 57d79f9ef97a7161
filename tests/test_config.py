"""The config layer: every LLMOptions/Config field, every validation rule, and the translation
to the gateway's config JSON (golden output for each mode)."""

import json
from typing import Any, Dict

import pytest
from pydantic import ValidationError

import portkey
from portkey import CacheType, Config, LLMOptions, Modes, ProviderTypes, RetrySettings
from portkey.api_resources.config import config_from_mapping

KEY_A = "sk-aaaaaaaaaaaaaaaaaaaa1111"
KEY_B = "sk-bbbbbbbbbbbbbbbbbbbb2222"


def llm(**overrides: Any) -> LLMOptions:
    fields: Dict[str, Any] = {"provider": "openai", "api_key": KEY_A, "model": "gpt-4"}
    fields.update(overrides)
    return LLMOptions(**fields)


def error_fields(exc: ValidationError) -> str:
    return " ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


# ---- the seed's example ---------------------------------------------------------------------


def test_seed_000_example_builds_and_translates() -> None:
    llm_a = LLMOptions(
        provider="openai",
        virtual_key="key_a",
        trace_id="portkey_sdk_test",
        model="gpt-4",
        temperature=1,
        messages=[{"role": "user", "content": "Who are you?"}],
    )
    config = Config(mode="single", llms=[llm_a])
    assert config.to_gateway_config() == {
        "strategy": {"mode": "single"},
        "targets": [
            {
                "provider": "openai",
                "virtual_key": "key_a",
                "override_params": {
                    "model": "gpt-4",
                    "temperature": 1.0,
                    "messages": [{"role": "user", "content": "Who are you?"}],
                },
            }
        ],
    }
    assert config.request_options() == {"trace_id": "portkey_sdk_test"}


# ---- golden translation per mode --------------------------------------------------------------


def test_fallback_translation_golden() -> None:
    config = Config(
        mode="fallback",
        llms=[
            llm(retry=3, cache_status="semantic", cache_age=60, max_tokens=50),
            llm(
                provider="azure-openai",
                api_key=KEY_B,
                resource_name="res",
                deployment_id="dep",
                api_version="2024-02-01",
                retry=RetrySettings(attempts=2, on_status_codes=[429, 503]),
            ),
        ],
    )
    assert json.loads(config.gateway_header()) == {
        "strategy": {"mode": "fallback"},
        "targets": [
            {
                "provider": "openai",
                "api_key": KEY_A,
                "retry": {"attempts": 3},
                "cache": {"mode": "semantic", "max_age": 60},
                "override_params": {"model": "gpt-4", "max_tokens": 50},
            },
            {
                "provider": "azure-openai",
                "api_key": KEY_B,
                "resource_name": "res",
                "deployment_id": "dep",
                "api_version": "2024-02-01",
                "retry": {"attempts": 2, "on_status_codes": [429, 503]},
                "override_params": {"model": "gpt-4"},
            },
        ],
    }


def test_loadbalance_translation_keeps_relative_weights() -> None:
    config = Config(mode="loadbalance", llms=[llm(weight=0.7), llm(api_key=KEY_B, weight=0.3)])
    targets = config.to_gateway_config()["targets"]
    assert [t["weight"] for t in targets] == [0.7, 0.3]
    assert config.to_gateway_config()["strategy"] == {"mode": "loadbalance"}


def test_loadbalance_without_weights_gives_equal_shares() -> None:
    config = Config(mode="loadbalance", llms=[llm(), llm(api_key=KEY_B)])
    assert [t["weight"] for t in config.to_gateway_config()["targets"]] == [1.0, 1.0]


def test_ab_test_becomes_loadbalance() -> None:
    config = Config(mode=Modes.AB_TEST, llms=[llm(weight=1), llm(api_key=KEY_B, weight=3)])
    translated = config.to_gateway_config()
    assert translated["strategy"] == {"mode": "loadbalance"}
    assert [t["weight"] for t in translated["targets"]] == [1, 3]


def test_single_translation_and_weight_ignored_outside_loadbalance() -> None:
    config = Config(mode="single", llms=llm(weight=0.5))
    assert config.to_gateway_config()["targets"][0].get("weight") is None
    assert len(config.llms) == 1  # a single LLMOptions is accepted in place of a list


def test_every_target_field_is_translated() -> None:
    options = llm(
        provider="bedrock",
        api_key=None,
        aws_access_key_id="AKIAEXAMPLEKEY",
        aws_secret_access_key="secret-secret-secret",
        aws_session_token="token-token-token",
        aws_region="us-east-1",
        request_timeout=5000,
        custom_host="http://127.0.0.1:9/v1",
    )
    target = options.to_target()
    for name in (
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_region",
        "request_timeout",
        "custom_host",
    ):
        assert target[name] == getattr(options, name)
    vertex = llm(provider="vertex-ai", vertex_project_id="p", vertex_region="europe-west4")
    assert vertex.to_target()["vertex_project_id"] == "p"
    assert vertex.to_target()["vertex_region"] == "europe-west4"


def test_model_params_and_unknown_provider_params_go_to_override_params() -> None:
    options = llm(
        temperature=0.3,
        max_tokens=10,
        max_completion_tokens=12,
        top_p=0.9,
        top_k=40,
        n=2,
        stop=["\n"],
        stop_sequences=["END"],
        presence_penalty=0.5,
        frequency_penalty=-0.5,
        logit_bias={"50256": -100},
        logprobs=True,
        top_logprobs=2,
        best_of=3,
        echo=False,
        suffix="!",
        seed=7,
        user="u1",
        response_format={"type": "json_object"},
        functions=[{"name": "f", "parameters": {}}],
        function_call="auto",
        tools=[{"type": "function", "function": {"name": "f"}}],
        tool_choice="auto",
        prompt="Say hi",
        repetition_penalty=1.1,  # not a known field: kept and passed through
    )
    override = options.to_target()["override_params"]
    assert override["repetition_penalty"] == 1.1
    assert override["prompt"] == "Say hi"
    for name in ("temperature", "top_k", "stop_sequences", "logit_bias", "tools", "seed", "user"):
        assert override[name] == getattr(options, name)
    assert "api_key" not in override and "retry" not in override


def test_request_level_options_do_not_reach_targets() -> None:
    options = llm(trace_id="t", metadata={"_user": "u"}, cache_force_refresh=True,
                  cache_namespace="ns")  # fmt: skip
    target = options.to_target()
    for name in ("trace_id", "metadata", "cache_force_refresh", "cache_namespace"):
        assert name not in target and name not in target.get("override_params", {})
    assert Config(mode="single", llms=[options]).request_options() == {
        "trace_id": "t",
        "metadata": {"_user": "u"},
        "cache_force_refresh": True,
        "cache_namespace": "ns",
    }


def test_llms_agreeing_on_request_options_is_fine() -> None:
    config = Config(mode="fallback", llms=[llm(trace_id="same"), llm(trace_id="same")])
    assert config.request_options() == {"trace_id": "same"}


# ---- the cached header ------------------------------------------------------------------------


def test_gateway_header_is_computed_once_and_translation_is_fresh() -> None:
    config = Config(mode="single", llms=[llm()])
    assert config.gateway_header() is config.gateway_header()
    first = config.to_gateway_config()
    first["targets"].clear()
    assert config.to_gateway_config()["targets"]  # a new dict each time: callers may mutate


def test_mode_comes_from_portkey_mode_when_config_has_none() -> None:
    config = Config(llms=[llm(), llm(api_key=KEY_B)])
    assert json.loads(config.gateway_header("fallback"))["strategy"]["mode"] == "fallback"
    with pytest.raises(ValueError, match="single"):
        config.to_gateway_config()  # two LLMs and no mode: single does not fit
    assert Config(llms=[llm()]).resolved_mode() is Modes.SINGLE
    portkey.mode = "loadbalance"
    assert Config(llms=[llm()]).resolved_mode(portkey.mode) is Modes.LOADBALANCE


def test_provider_key_read_from_env_at_translation_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-first-key-0001")
    config = Config(mode="single", llms=[LLMOptions(provider="anthropic", model="claude")])
    assert json.loads(config.gateway_header())["targets"][0]["api_key"] == "sk-ant-first-key-0001"
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-second-key-0002")
    assert json.loads(config.gateway_header())["targets"][0]["api_key"] == "sk-ant-second-key-0002"
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    with pytest.raises(ValueError, match="ANTHROPIC_API_KEY"):
        config.gateway_header()


# ---- validation: each rule has a clear message naming the field ------------------------------


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: Config(mode="roundrobin", llms=[llm()]), "mode"),
        (lambda: Config(mode="single", llms=[]), "llms is empty"),
        (lambda: Config(mode="single", llms=[llm(), llm()]), "exactly one LLM"),
        (lambda: Config(mode="ab_test", llms=[llm()]), "at least two"),
        (lambda: Config(mode="loadbalance", llms=[llm(weight=1), llm()]), "llms[1].weight"),
        (lambda: Config(mode="loadbalance", llms=[llm(weight=0), llm(weight=0)]), "every weight"),
        (lambda: llm(weight=-1), "weight"),
        (lambda: llm(retry=6), "retry"),
        (lambda: llm(retry=-1), "retry"),
        (lambda: RetrySettings(attempts=9), "attempts"),
        (lambda: RetrySettings(attempts=1, on_status_codes=[99]), "on_status_codes"),
        (lambda: llm(cache_status="semantic", cache_age=-5), "cache_age"),
        (lambda: llm(cache_status="fuzzy"), "cache_status"),
        (lambda: llm(provider="opnai"), "did you mean 'openai'"),
        (lambda: llm(provider=None), "provider is required"),
        (lambda: llm(custom_host="localhost:8080"), "custom_host"),
        (lambda: llm(temperature=3), "temperature"),
        (lambda: llm(max_tokens=0), "max_tokens"),
        (lambda: llm(top_p=1.5), "top_p"),
        (lambda: llm(metadata={"nested": {"a": 1}}), "metadata"),
        (lambda: llm(metadata={"k": object()}), "metadata"),
        (lambda: llm(metadata={"k": "v" * 5000}), "bytes"),
        (lambda: llm(metadata="not a dict"), "metadata"),
        (lambda: llm(trace_id="a\r\nx-evil: 1"), "trace_id"),
        (lambda: llm(api_key="sk-x\nInjected: 1"), "api_key"),
        (lambda: llm(messages=[{"role": "wizard", "content": "hi"}]), "role"),
        (lambda: Config(mode="single", llms=[llm()], llm=[llm()]), "llm"),
        (lambda: Config(mode="single", llms=[llm()], base_url="api.portkey.ai"), "base_url"),
        (
            lambda: Config(mode="fallback", llms=[llm(trace_id="a"), llm(trace_id="b")]),
            "llms[0].trace_id='a' and llms[1].trace_id='b' differ",
        ),
    ],
)
def test_bad_config_is_rejected_with_a_clear_message(build: Any, expected: str) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert expected in error_fields(info.value)


def test_missing_key_is_raised_when_the_header_is_built_naming_env_var_and_llm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    options = LLMOptions(provider="openai", model="gpt-4")  # valid: validation reads no env
    assert options.key_env_var() == "OPENAI_API_KEY"
    config = Config(mode="fallback", llms=[llm(), options])
    with pytest.raises(portkey.MissingProviderKeyError) as info:
        config.gateway_header()
    assert isinstance(info.value, portkey.MissingAPIKeyError)
    assert (info.value.env_var, info.value.llm_index) == ("OPENAI_API_KEY", 1)
    assert info.value.field == "llms[1].api_key"
    assert "llms[1]" in str(info.value) and "OPENAI_API_KEY" in str(info.value)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-000000001")
    assert json.loads(config.gateway_header())["targets"][1]["api_key"] == "sk-from-env-000000001"


def test_keyless_targets_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert LLMOptions(provider="ollama", model="llama3").key_env_var() is None
    local = LLMOptions(provider="openai", model="m", custom_host="http://127.0.0.1:9922/v1")
    assert "api_key" not in local.to_target()
    assert LLMOptions(virtual_key="vk-only").to_target() == {"virtual_key": "vk-only"}


def test_enums_and_plain_strings_are_interchangeable() -> None:
    options = llm(provider=ProviderTypes.ANTHROPIC, cache_status=CacheType.SIMPLE)
    assert options.provider == "anthropic"
    assert options.to_target()["cache"] == {"mode": "simple"}
    assert Config(mode=Modes.FALLBACK, llms=[options]).mode is Modes.FALLBACK


def test_metadata_scalars_become_strings_and_unicode_is_kept() -> None:
    options = llm(metadata={"count": 3, "flag": True, "name": "Zoë ✓"})
    assert options.metadata == {"count": "3", "flag": "true", "name": "Zoë ✓"}


def test_models_are_frozen() -> None:
    config = Config(mode="single", llms=[llm()])
    with pytest.raises(ValidationError):
        config.mode = Modes.FALLBACK  # type: ignore[misc]


# ---- secrets ----------------------------------------------------------------------------------


def test_secrets_are_masked_in_repr_and_str() -> None:
    options = llm(
        virtual_key="vk-live-0123456789abcdef", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG"
    )
    config = Config(mode="single", llms=[options], api_key="pk-live-portkey-key-9999")
    for text in (repr(options), str(options), repr(config), str(config)):
        assert KEY_A not in text
        assert "vk-live-0123456789abcdef" not in text
        assert "pk-live-portkey-key-9999" not in text
        assert "wJalrXUtnFEMI/K7MDENG" not in text
    assert "sk-...1111" in repr(options)


# ---- dict configs -----------------------------------------------------------------------------


def test_dict_in_sdk_shape_becomes_a_config() -> None:
    converted = config_from_mapping(
        {"mode": "fallback", "llms": [{"provider": "openai", "api_key": KEY_A, "model": "m"}]}
    )
    assert isinstance(converted, Config)
    assert converted.mode is Modes.FALLBACK


def test_legacy_gateway_shape_is_migrated() -> None:
    legacy = {
        "mode": "loadbalance",
        "options": [
            {
                "provider": "openai",
                "api_key": KEY_A,
                "weight": 0.4,
                "override_params": {"model": "gpt-4", "temperature": 0.2},
                "cache": {"mode": "simple", "max_age": 30},
            },
            {
                "provider": "openai",
                "api_key": KEY_B,
                "weight": 0.6,
                "override_params": {"model": "m2"},
            },
        ],
    }
    converted = config_from_mapping(legacy)
    assert isinstance(converted, Config)
    target = converted.to_gateway_config()["targets"][0]
    assert target["weight"] == 0.4
    assert target["cache"] == {"mode": "simple", "max_age": 30}
    assert target["override_params"] == {"model": "gpt-4", "temperature": 0.2}


def test_current_shape_passes_through_and_bad_strategy_is_rejected() -> None:
    current = {"strategy": {"mode": "fallback"}, "targets": [{"virtual_key": "a"}]}
    assert config_from_mapping(current) == current
    with pytest.raises(ValueError, match=r"strategy\.mode"):
        config_from_mapping({"strategy": {"mode": "ab_test"}, "targets": []})
