"""Configs that must not leak, hang, crash or depend on the machine.

* Validation is pure: a provider key missing from the environment is raised when the request's
  config header is built (``MissingProviderKeyError``), never by validation.
* Credentials are masked in ``model_dump()``/``model_dump_json()`` and in every part of a
  ``ValidationError`` (message, ``errors()``, ``json()``).
* Bad input that used to escape validation (deep nesting, NaN/infinity, sets, empty strings, a
  header too large for the gateway) is refused with the field path.

Every credential below contains ``SECRET``: that marker anywhere in printed text is a leak.
"""

import io
import json
import math
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest
import requests
from provider_stub import ProviderStub, answer_text
from pydantic import ValidationError

import portkey
import portkey_ai
from portkey import (
    Config,
    InvalidConfigError,
    InvalidHeaderValueError,
    InvalidRequestError,
    LLMOptions,
    MissingAPIKeyError,
    MissingProviderKeyError,
    Portkey,
)
from portkey.api_resources.config import config_from_mapping
from portkey.api_resources.constants import MAX_CONFIG_DEPTH, MAX_CONFIG_HEADER_BYTES
from portkey.api_resources.headers import config_header_value
from portkey.cli import main as cli_main

MARKER = "SECRET"
PROVIDER_KEY = "sk-SECRET-provider-0001"
VIRTUAL_KEY = "vk-SECRET-virtual-0002"
AWS_ID = "AKIA-SECRET-id-0003"
AWS_SECRET = "aws-SECRET-access-0004"
AWS_TOKEN = "tok-SECRET-session-0005"
PORTKEY_KEY = "pk-SECRET-portkey-0006"
LOCAL_GATEWAY = "http://127.0.0.1:9/v1"
HI = [{"role": "user", "content": "Hi"}]


def deep(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"x": value}
    return value


def validate_file(tmp_path: Path, config: Dict[str, Any]) -> "tuple[int, str, str]":
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = cli_main(["config", "validate", str(path)], out, err)
    return code, out.getvalue(), err.getvalue()


def error_text(exc: BaseException) -> str:
    """Everything a caller could print about a validation error."""
    parts = [
        str(exc),
        repr(exc),
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    ]
    if isinstance(exc, ValidationError):
        parts += [repr(exc.errors()), exc.json()]
    if isinstance(exc, InvalidConfigError):
        parts.append(repr(exc.problems))
    return "\n".join(parts)


def all_secret_llms() -> List[LLMOptions]:
    return [
        LLMOptions(provider="openai", api_key=PROVIDER_KEY, model="m"),
        LLMOptions(virtual_key=VIRTUAL_KEY, model="m"),
        LLMOptions(
            provider="bedrock",
            aws_access_key_id=AWS_ID,
            aws_secret_access_key=AWS_SECRET,
            aws_session_token=AWS_TOKEN,
            aws_region="us-east-1",
            model="m",
        ),
    ]


# ---- validation is pure (issue 12, item 7) ---------------------------------------------------


@pytest.mark.parametrize("env", [None, "sk-from-env-0000000001"])
def test_llm_without_key_is_valid_whatever_the_environment(
    env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if env is None:
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    else:
        monkeypatch.setenv("OPENAI_API_KEY", env)
    options = LLMOptions(provider="openai", model="gpt-4o")
    assert options.key_env_var() == "OPENAI_API_KEY"
    assert Config(mode="single", llms=[options]).models_missing() == []


def test_validate_gives_one_answer_on_every_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {
        "mode": "fallback",
        "llms": [
            {"provider": "openai", "model": "gpt-4o"},
            {"provider": "anthropic", "model": "claude"},
        ],
    }
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    without = validate_file(tmp_path, config)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-0000000001")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-from-env-000001")
    with_keys = validate_file(tmp_path, config)
    assert without == with_keys
    code, out, err = without
    assert (code, err) == (0, "")
    assert "note: llms[0] has no api_key: it is read from $OPENAI_API_KEY" in out
    assert "note: llms[1] has no api_key: it is read from $ANTHROPIC_API_KEY" in out


def test_provider_that_has_no_env_var_still_needs_a_key() -> None:
    with pytest.raises(ValidationError, match=r"bedrock.*needs a key"):
        LLMOptions(provider="bedrock", model="m")


def test_missing_key_is_raised_by_the_client_naming_variable_and_llm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    config = Config(
        mode="fallback",
        llms=[
            LLMOptions(provider="openai", api_key=PROVIDER_KEY, model="m"),
            LLMOptions(provider="anthropic", model="claude"),
        ],
    )
    for build in (
        lambda: Portkey(base_url=LOCAL_GATEWAY, config=config),
        lambda: Portkey(base_url=LOCAL_GATEWAY, config=json.loads(dump_sdk(config))),
        lambda: portkey.AsyncPortkey(base_url=LOCAL_GATEWAY, config=config),
    ):
        with pytest.raises(MissingProviderKeyError) as info:
            build()
        assert isinstance(info.value, MissingAPIKeyError)
        assert info.value.env_var == "ANTHROPIC_API_KEY"
        assert info.value.llm_index == 1
        assert info.value.field == "llms[1].api_key"
        assert "ANTHROPIC_API_KEY" in str(info.value) and "llms[1]" in str(info.value)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-from-env-000001")
    client = Portkey(base_url=LOCAL_GATEWAY, config=config)
    sent = json.loads(client.options.headers["x-portkey-config"])
    assert sent["targets"][1]["api_key"] == "sk-ant-from-env-000001"


def dump_sdk(config: Config) -> str:
    """A Config as the dict a user would write (keys revealed, as a file would hold them)."""
    llms = []
    for llm in config.llms:
        fields = {k: v for k, v in llm.model_dump(exclude_none=True).items()}
        if llm.api_key is not None:
            fields["api_key"] = llm.api_key.get_secret_value()
        llms.append(fields)
    return json.dumps({"mode": config.mode.value if config.mode else None, "llms": llms})


def test_missing_key_in_the_module_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    portkey.base_url = LOCAL_GATEWAY
    portkey.config = Config(mode="single", llms=[LLMOptions(provider="openai", model="m")])
    with pytest.raises(MissingProviderKeyError, match="OPENAI_API_KEY"):
        portkey.ChatCompletions.create(messages=HI)


def test_missing_provider_key_error_is_exported_by_both_names() -> None:
    assert portkey.MissingProviderKeyError is portkey_ai.MissingProviderKeyError
    assert issubclass(portkey.MissingProviderKeyError, portkey.InvalidRequestError)


# ---- credentials never printed (issue 13, item 6) --------------------------------------------


def test_model_dump_and_json_never_print_a_credential() -> None:
    llms = all_secret_llms()
    config = Config(mode="fallback", llms=llms, api_key=PORTKEY_KEY)
    texts = {
        "Config.model_dump()": str(config.model_dump()),
        "Config.model_dump(mode='json')": json.dumps(config.model_dump(mode="json")),
        "Config.model_dump_json()": config.model_dump_json(),
        "repr(Config)": repr(config),
        "str(Config)": str(config),
        "Config._repr_markdown_()": config._repr_markdown_(),
    }
    for index, llm in enumerate(llms):
        texts[f"llms[{index}].model_dump()"] = str(llm.model_dump())
        texts[f"llms[{index}].model_dump_json()"] = llm.model_dump_json()
        for name in ("api_key", "virtual_key", "aws_access_key_id", "aws_secret_access_key"):
            value = getattr(llm, name)
            texts[f"llms[{index}].{name}"] = f"{value} {value!r} {value:}"
    for where, text in texts.items():
        assert MARKER not in text, f"a credential leaked in {where}: {text[:300]}"
    assert "sk-...0001" in texts["llms[0].model_dump()"]
    assert "pk-...0006" in texts["Config.model_dump_json()"]


def test_credentials_read_back_compare_and_reveal() -> None:
    llm = LLMOptions(provider="openai", api_key=PROVIDER_KEY, model="m")
    assert llm.api_key == PROVIDER_KEY  # compares with the plain key
    assert llm.api_key is not None and llm.api_key.get_secret_value() == PROVIDER_KEY
    assert str(llm.api_key) == "sk-...0001"
    assert llm.to_target()["api_key"] == PROVIDER_KEY  # the translation reveals it
    copy = LLMOptions(**llm.model_dump(exclude_none=True))  # a dump round-trips
    assert copy == llm and copy.api_key == PROVIDER_KEY
    assert Config(mode="single", llms=[llm], api_key=PORTKEY_KEY).api_key == PORTKEY_KEY


def test_the_gateway_receives_the_revealed_keys(gateway_url: str, stub: ProviderStub) -> None:
    llm = LLMOptions(provider="openai", api_key=PROVIDER_KEY, custom_host=stub.host_for("a"))
    client = Portkey(base_url=gateway_url, config=Config(mode="single", llms=[llm]))
    response = client.chat.completions.create(model="m", messages=HI)
    assert response.choices[0].message.content == answer_text("a")
    assert stub.requests("a")[-1].headers["authorization"] == f"Bearer {PROVIDER_KEY}"


KEY_FROM_FILE = PROVIDER_KEY + "\n"  # what open(path).read() gives


@pytest.mark.parametrize(
    "build",
    [
        lambda: LLMOptions(provider="openai", api_key=KEY_FROM_FILE, model="m"),
        lambda: LLMOptions(provider="openai", virtual_key=" " + VIRTUAL_KEY),
        lambda: Config(mode="single", llms=[{"provider": "openai", "api_key": KEY_FROM_FILE}]),
        lambda: Config(mode="single", api_key=PORTKEY_KEY + "\n", llms=[{"virtual_key": "v-1"}]),
        lambda: config_from_mapping(
            {
                "strategy": {"mode": "single"},
                "targets": [{"provider": "openai", "api_key": KEY_FROM_FILE}],
            }
        ),
        lambda: config_from_mapping(
            {"mode": "single", "options": [{"provider": "openai", "apiKey": KEY_FROM_FILE}]}
        ),
        lambda: Portkey(
            base_url=LOCAL_GATEWAY,
            config={"mode": "single", "llms": [{"provider": "openai", "api_key": KEY_FROM_FILE}]},
        ),
    ],
)
def test_a_key_with_a_newline_is_refused_without_echoing_it(build: Callable[[], Any]) -> None:
    with pytest.raises((ValidationError, InvalidConfigError)) as info:
        build()
    text = error_text(info.value)
    assert MARKER not in text, text[:500]
    message = str(info.value)
    assert "api_key" in message or "virtual_key" in message
    assert "strip" in message  # the fix


#: Values no header can carry, each with the words its refusal gives.
_UNFIT_FOR_A_HEADER = [
    ("", "is empty"),
    (" sk-key", "starts or ends with whitespace"),
    ("sk-key\n", "starts or ends with whitespace"),
    ("sk-\x00key", "control character"),
    ("sk-\x1bkey", "control character"),
    ("sk-k\u00e9y", "non-ASCII character at position 4"),
]


@pytest.mark.parametrize(("value", "words"), _UNFIT_FOR_A_HEADER)
def test_config_keys_and_header_options_follow_one_rule_set(value: str, words: str) -> None:
    # A provider key (sent on by the gateway in a header) and a header option of the SDK's own
    # are refused for the same reasons, with the same words, and neither echoes the value.
    with pytest.raises(ValidationError) as in_config:
        LLMOptions(provider="openai", api_key=value)
    with pytest.raises(InvalidHeaderValueError) as in_header:
        Portkey(api_key="pk", base_url="http://127.0.0.1:9/v1", trace_id=value)
    with pytest.raises(InvalidConfigError) as in_dict_config:
        Portkey(
            api_key="pk",
            base_url="http://127.0.0.1:9/v1",
            config={"provider": "openai", "api_key": value},
        )
    for refusal in (str(in_config.value), str(in_header.value), str(in_dict_config.value)):
        assert words in refusal
        assert value.strip() == "" or value.strip() not in refusal


def test_a_tab_inside_a_value_is_fit_for_a_header() -> None:
    assert LLMOptions(provider="openai", api_key="sk-a\tb").api_key.get_secret_value() == "sk-a\tb"
    client = Portkey(api_key="pk", base_url="http://127.0.0.1:9/v1", trace_id="a\tb")
    assert client.options.headers["x-portkey-trace-id"] == "a\tb"


@pytest.mark.parametrize(
    "build",
    [
        # Rules over several fields, LLMs or targets, with keys in the input.
        lambda: LLMOptions(api_key=PROVIDER_KEY),  # no provider
        lambda: Config.model_validate(
            {
                "mode": "single",
                "api_key": PORTKEY_KEY,
                "llms": [{"provider": "openai", "api_key": PROVIDER_KEY}] * 2,
            }
        ),
        lambda: config_from_mapping(
            {
                "strategy": {"mode": "fallback"},
                "targets": [
                    {
                        "strategy": {"mode": "single"},
                        "targets": [{"provider": "openai", "api_key": PROVIDER_KEY}] * 2,
                    }
                ],
            }
        ),
        lambda: config_from_mapping(
            {
                "mode": "single",
                "options": [
                    {
                        "provider": "openai",
                        "apiKey": PROVIDER_KEY,
                        "override_params": {"temperature": 9},
                    }
                ],
            }
        ),
        lambda: LLMOptions(provider="openai", api_key=PROVIDER_KEY, temperature=9, weight=-1),
    ],
)
def test_no_validation_error_echoes_a_key_given_elsewhere(build: Callable[[], Any]) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    text = error_text(info.value)
    assert MARKER not in text, text[:500]


def test_cli_reports_a_bad_key_without_printing_it(tmp_path: Path) -> None:
    config = {"mode": "single", "llms": [{"provider": "openai", "api_key": KEY_FROM_FILE}]}
    code, out, err = validate_file(tmp_path, config)
    assert code == 2
    assert "llms[0].api_key" in err and "strip" in err
    assert MARKER not in out + err


# ---- bad input that used to escape validation (issue 13, item 8) -----------------------------


def test_deep_nesting_is_a_validation_error_naming_the_path_not_a_recursion_error() -> None:
    current = {
        "strategy": {"mode": "single"},
        "targets": [
            {"provider": "openai", "api_key": "k-1", "override_params": {"extra": deep(1000)}}
        ],
    }
    with pytest.raises(InvalidConfigError) as caught:
        Portkey(base_url=LOCAL_GATEWAY, config=current)
    [(path, message)] = caught.value.problems
    assert path.startswith("targets[0].override_params.extra.x.x")
    assert f"more than {MAX_CONFIG_DEPTH} levels" in message
    with pytest.raises(ValidationError) as info:
        config_from_mapping(current)
    assert info.value.errors()[0]["loc"][:4] == ("targets", 0, "override_params", "extra")

    with pytest.raises(ValidationError) as info:
        LLMOptions(provider="openai", api_key="k-1", extra_body=deep(1000))
    assert info.value.errors()[0]["loc"] == ("extra_body",)
    assert "MAX_CONFIG_DEPTH" in str(info.value)

    sdk = {
        "mode": "single",
        "llms": [{"provider": "openai", "api_key": "k-1", "response_format": deep(1000)}],
    }
    with pytest.raises(InvalidConfigError) as caught:
        Portkey(base_url=LOCAL_GATEWAY, config=sdk)
    assert caught.value.problems[0][0].startswith("llms[0].response_format")
    assert caught.value.field == "config"


def test_nesting_up_to_the_limit_is_accepted() -> None:
    llm = LLMOptions(provider="openai", api_key="k-1", extra_body=deep(MAX_CONFIG_DEPTH - 1))
    assert llm.override_params()["extra_body"] == deep(MAX_CONFIG_DEPTH - 1)
    with pytest.raises(ValidationError):
        LLMOptions(provider="openai", api_key="k-1", extra_body=deep(MAX_CONFIG_DEPTH + 1))


@pytest.mark.parametrize("weight", [math.inf, -math.inf, math.nan])
def test_non_finite_weight_is_reported_at_its_path(weight: float) -> None:
    llms = [
        {"provider": "openai", "api_key": "k-1", "weight": weight},
        {"provider": "openai", "api_key": "k-2", "weight": 1},
    ]
    with pytest.raises(InvalidConfigError) as caught:
        Portkey(base_url=LOCAL_GATEWAY, config={"mode": "loadbalance", "llms": llms})
    assert [path for path, _ in caught.value.problems] == ["llms[0].weight"]
    assert "llms[0].weight: Input should be a finite number" in str(caught.value)
    with pytest.raises(ValidationError) as info:
        Config.model_validate({"mode": "loadbalance", "llms": llms})
    assert [e["loc"] for e in info.value.errors()] == [("llms", 0, "weight")]
    with pytest.raises(ValidationError) as info:
        config_from_mapping(
            {
                "strategy": {"mode": "loadbalance"},
                "targets": [{"provider": "openai", "api_key": "k", "weight": weight}],
            }
        )
    assert [e["loc"] for e in info.value.errors()] == [("targets", 0, "weight")]


def test_non_json_parameter_values_are_reported_at_their_path() -> None:
    with pytest.raises(InvalidConfigError) as caught:
        Portkey(
            base_url=LOCAL_GATEWAY,
            config={"mode": "single", "llms": [{"provider": "openai", "api_key": "k", "foo": {1}}]},
        )
    assert caught.value.problems == [("llms[0].foo", "a set is not JSON: use a list")]
    with pytest.raises(ValidationError) as info:
        Config.model_validate(
            {"mode": "single", "llms": [{"provider": "openai", "api_key": "k-1", "foo": {1, 2}}]}
        )
    [error] = info.value.errors()
    assert error["loc"] == ("llms", 0, "foo")
    assert "a set is not JSON: use a list" in error["msg"]
    with pytest.raises(ValidationError) as info:
        LLMOptions(provider="openai", api_key="k-1", foo={"ok": [1, math.nan]})
    assert info.value.errors()[0]["loc"] == ("foo",)
    assert "['ok'][1]" in str(info.value) and "finite" in str(info.value)
    with pytest.raises(ValidationError) as info:
        config_from_mapping(
            {"provider": "openai", "api_key": "k", "override_params": {"stop": {"END"}}}
        )
    assert info.value.errors()[0]["loc"] == ("override_params",)
    assert "stop" in str(info.value) and "set" in str(info.value)
    # Model parameters that are JSON pass: tuples are lists, models are dumped.
    ok = LLMOptions(provider="openai", api_key="k-1", stop=["a"], extra=(1, 2.5, None))
    assert ok.override_params()["extra"] == (1, 2.5, None)


@pytest.mark.parametrize(
    "field",
    [
        "model",
        "trace_id",
        "provider",
        "virtual_key",
        "api_key",
        "cache_namespace",
        "custom_host",
        "resource_name",
        "deployment_id",
        "aws_region",
    ],
)
@pytest.mark.parametrize("value", ["", "   "])
def test_meaningless_empty_strings_are_refused(field: str, value: str) -> None:
    fields: Dict[str, Any] = {"provider": "openai", "api_key": "k-1", "model": "m"}
    fields[field] = value
    with pytest.raises(ValidationError) as info:
        LLMOptions(**fields)
    [error] = info.value.errors()
    assert error["loc"] == (field,)
    assert f"{field} is " in error["msg"]
    assert ("empty" in error["msg"]) or ("blank" in error["msg"]) or ("whitespace" in error["msg"])


def test_empty_strings_in_the_current_shape_are_refused_too() -> None:
    for target in (
        {"provider": "", "api_key": "k"},
        {"virtual_key": ""},
        {"provider": "openai", "api_key": "k", "override_params": {"model": ""}},
    ):
        with pytest.raises(ValidationError, match="is empty"):
            config_from_mapping(target)


def many_llms(count: int) -> Config:
    llm = LLMOptions(provider="openai", api_key="sk-many-llms-0000001", model="gpt-4o-mini")
    return Config(mode="fallback", llms=[llm] * count)


def test_a_config_too_large_for_the_header_is_refused_locally_with_the_slug_hint(
    tmp_path: Path,
) -> None:
    huge = many_llms(10_000)
    with pytest.raises(InvalidRequestError) as info:
        Portkey(base_url=LOCAL_GATEWAY, config=huge)
    assert info.value.field == "config"
    message = str(info.value)
    assert str(MAX_CONFIG_HEADER_BYTES) in message and "pc-" in message
    code, _, err = validate_file(tmp_path, json.loads(dump_sdk(huge)))
    assert code == 2 and "slug" in err
    with pytest.raises(InvalidRequestError, match="x-portkey-config"):
        config_header_value(
            {
                "strategy": {"mode": "fallback"},
                "targets": [{"virtual_key": f"vk-{i}"} for i in range(2000)],
            }
        )


def test_header_limit_fits_the_real_gateway(gateway_url: str, stub: ProviderStub) -> None:
    """The largest config the SDK sends is accepted by the gateway; a header the gateway's
    Node server refuses (431) is well above the limit."""
    host = stub.host_for("a")
    filler = "x" * (MAX_CONFIG_HEADER_BYTES - 300)
    llm = LLMOptions(provider="openai", api_key="k-1", custom_host=host, user=filler)
    config = Config(mode="single", llms=[llm])
    assert MAX_CONFIG_HEADER_BYTES - 200 < len(config.gateway_header()) <= MAX_CONFIG_HEADER_BYTES
    client = Portkey(base_url=gateway_url, config=config, metadata={"k": "v" * 3000})
    response = client.chat.completions.create(model="m", messages=HI)
    assert response.choices[0].message.content == answer_text("a")
    assert stub.requests("a")[-1].json["user"] == filler

    over = {
        "strategy": {"mode": "single"},
        "targets": [
            {
                "provider": "openai",
                "api_key": "k",
                "custom_host": host,
                "override_params": {"user": "x" * 16_400},
            }
        ],
    }
    answer = requests.post(
        f"{gateway_url}/chat/completions",
        headers={"x-portkey-config": json.dumps(over), "content-type": "application/json"},
        json={"model": "m", "messages": HI},
        timeout=30,
    )
    assert answer.status_code == 431
    with pytest.raises(InvalidRequestError):
        Portkey(base_url=gateway_url, config=over)


# ---- migration fidelity (issue 16, part 3) ---------------------------------------------------


def azure_llm(**extra: Any) -> LLMOptions:
    return LLMOptions(
        provider="azure-openai",
        api_key="az-key-0000000001",
        resource_name="r",
        deployment_id="d",
        api_version="2024-02-01",
        **extra,
    )


def test_azure_llm_without_model_is_accepted_and_not_reported_missing() -> None:
    config = Config(
        mode="fallback", llms=[azure_llm(), LLMOptions(provider="openai", api_key="k-1")]
    )
    assert config.models_missing() == [1]  # openai needs a model; the azure deployment decides
    target = config.to_gateway_config()["targets"][0]
    assert "override_params" not in target and target["deployment_id"] == "d"


def test_module_api_sends_an_azure_config_without_model() -> None:
    portkey.base_url = LOCAL_GATEWAY
    portkey.max_retries = 0
    portkey.config = Config(mode="single", llms=[azure_llm()])
    with pytest.raises(portkey.APIConnectionError):  # got past the model check to the network
        portkey.ChatCompletions.create(messages=HI)
    portkey.config = Config(mode="single", llms=[LLMOptions(provider="openai", api_key="k-1")])
    with pytest.raises(InvalidRequestError, match="has no model"):
        portkey.ChatCompletions.create(messages=HI)


def test_modes_proxy_is_a_single_pass_through_with_a_deprecation_warning(
    gateway_url: str, stub: ProviderStub
) -> None:
    llm = LLMOptions(provider="openai", api_key="k-1", custom_host=stub.host_for("a"))
    with pytest.warns(DeprecationWarning, match="mode='single'") as caught:
        config = Config(mode=portkey.Modes.PROXY, llms=[llm])
    assert caught[0].filename == __file__  # points at the user's line
    assert config.to_gateway_config()["strategy"] == {"mode": "single"}
    response = Portkey(base_url=gateway_url, config=config).chat.completions.create(
        model="m", messages=HI
    )
    assert response.choices[0].message.content == answer_text("a")
    with pytest.warns(DeprecationWarning):
        legacy = config_from_mapping(
            {"mode": "proxy", "options": [{"provider": "openai", "apiKey": "k-1"}]}
        )
    assert isinstance(legacy, Config)
    assert legacy.to_gateway_config()["strategy"] == {"mode": "single"}


def test_modes_proxy_bad_uses_say_what_to_use_instead() -> None:
    llm = LLMOptions(provider="openai", api_key="k-1")
    with pytest.raises(ValidationError, match=r"mode=.proxy. takes exactly one LLM.*fallback"):
        Config(mode="proxy", llms=[llm, llm])
    with pytest.raises(ValidationError, match="use mode 'single'"):
        config_from_mapping({"strategy": {"mode": "proxy"}, "targets": [{"virtual_key": "v"}]})


def test_cache_age_without_cache_status_is_the_simple_cache(
    gateway_url: str, stub: ProviderStub
) -> None:
    with pytest.warns(DeprecationWarning, match="cache_age=60 without cache_status") as caught:
        llm = LLMOptions(
            provider="openai", api_key="k-1", custom_host=stub.host_for("a"), cache_age=60
        )
    assert caught[0].filename == __file__
    assert llm.to_target()["cache"] == {"mode": "simple", "max_age": 60}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # both given: no warning
        both = LLMOptions(provider="openai", api_key="k-1", cache_status="semantic", cache_age=5)
    assert both.to_target()["cache"] == {"mode": "semantic", "max_age": 5}
    # The gateway accepts the translated cache block.
    client = Portkey(base_url=gateway_url, config=Config(mode="single", llms=[llm]))
    response = client.chat.completions.create(model="m", messages=HI)
    assert response.choices[0].message.content == answer_text("a")


def test_validate_and_migrate_report_the_deprecations(tmp_path: Path) -> None:
    legacy = {
        "mode": "proxy",
        "options": [{"provider": "openai", "apiKey": "k-1", "cache_age": 60}],
    }
    code, out, err = validate_file(tmp_path, legacy)
    assert (code, err) == (0, "")
    assert "note: mode='proxy'" in out and "note: cache_age=60 without cache_status" in out
    path = tmp_path / "config.json"
    out_buffer, err_buffer = io.StringIO(), io.StringIO()
    assert cli_main(["config", "migrate", str(path)], out_buffer, err_buffer) == 0
    migrated = json.loads(out_buffer.getvalue())
    assert migrated == {
        "strategy": {"mode": "single"},
        "targets": [
            {"provider": "openai", "api_key": "k-1", "cache": {"mode": "simple", "max_age": 60}}
        ],
    }
    assert "note: mode='proxy'" in err_buffer.getvalue()
