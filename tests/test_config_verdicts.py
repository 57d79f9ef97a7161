"""One config, one verdict: ``Portkey(config=...)``, ``Config``/``config_from_mapping`` and
``portkey config validate`` run the same rules (``portkey/api_resources/gateway_config.py``).

The corpus covers the four shapes (SDK ``mode``+``llms``, legacy gateway ``mode``+``options``,
legacy request body ``config``+``params``, current ``strategy``+``targets``), valid and invalid,
nested strategies included. Every entry carries the verdict it must get; all three ways in must
give exactly that verdict.
"""

import io
import json
import warnings
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from pydantic import ValidationError

from portkey import Portkey, createHeaders
from portkey.api_resources.config import config_from_mapping
from portkey.api_resources.exceptions import InvalidRequestError
from portkey.cli import main as cli_main

LOCAL_GATEWAY = "http://127.0.0.1:9/v1"  # never called: construction builds the headers


def deep(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"x": value}
    return value


def llm(**extra: Any) -> Dict[str, Any]:
    fields: Dict[str, Any] = {"provider": "openai", "api_key": "sk-corpus-0001", "model": "m"}
    fields.update(extra)
    return fields


def target(**extra: Any) -> Dict[str, Any]:
    fields: Dict[str, Any] = {"provider": "openai", "api_key": "sk-corpus-0002"}
    fields.update(extra)
    return fields


def option(**extra: Any) -> Dict[str, Any]:
    fields: Dict[str, Any] = {
        "provider": "openai",
        "apiKey": "sk-corpus-0003",
        "override_params": {"model": "m"},
    }
    fields.update(extra)
    return fields


VALID = True
INVALID = False

CORPUS: List[Tuple[str, Dict[str, Any], bool]] = [
    # ---- SDK shape ----
    ("sdk single", {"mode": "single", "llms": [llm()]}, VALID),
    ("sdk fallback", {"mode": "fallback", "llms": [llm(), llm(temperature=0.3)]}, VALID),
    ("sdk loadbalance", {"mode": "loadbalance", "llms": [llm(weight=1), llm(weight=3)]}, VALID),
    ("sdk ab_test", {"mode": "ab_test", "llms": [llm(weight=0.5), llm(weight=0.5)]}, VALID),
    ("sdk proxy (0.1.x)", {"mode": "proxy", "llms": [llm()]}, VALID),
    (
        "sdk azure, no model",
        {
            "mode": "single",
            "llms": [
                {
                    "provider": "azure-openai",
                    "api_key": "az-key-0001",
                    "resource_name": "r",
                    "deployment_id": "d",
                }
            ],
        },
        VALID,
    ),
    ("sdk cache_age alone", {"mode": "single", "llms": [llm(cache_age=60)]}, VALID),
    ("sdk key from env", {"mode": "single", "llms": [{"provider": "openai", "model": "m"}]}, VALID),
    ("sdk empty llms", {"mode": "single", "llms": []}, INVALID),
    ("sdk single with two", {"mode": "single", "llms": [llm(), llm()]}, INVALID),
    ("sdk proxy with two", {"mode": "proxy", "llms": [llm(), llm()]}, INVALID),
    ("sdk negative weight", {"mode": "loadbalance", "llms": [llm(weight=-1), llm()]}, INVALID),
    ("sdk weight missing", {"mode": "loadbalance", "llms": [llm(weight=1), llm()]}, INVALID),
    ("sdk unknown provider", {"mode": "single", "llms": [llm(provider="opnai")]}, INVALID),
    ("sdk unknown mode", {"mode": "roundrobin", "llms": [llm()]}, INVALID),
    ("sdk empty model", {"mode": "single", "llms": [llm(model="")]}, INVALID),
    ("sdk key with newline", {"mode": "single", "llms": [llm(api_key="sk-x-0001\n")]}, INVALID),
    ("sdk param 100 deep", {"mode": "single", "llms": [llm(extra_body=deep(100))]}, INVALID),
    # ---- legacy gateway shape ----
    (
        "legacy loadbalance",
        {
            "mode": "loadbalance",
            "options": [
                option(weight=0.7),
                option(weight=0.3, cache={"mode": "semantic", "max_age": 60}),
            ],
        },
        VALID,
    ),
    ("legacy single", {"mode": "single", "options": [option(retry={"attempts": 2})]}, VALID),
    ("legacy proxy", {"mode": "proxy", "options": [option()]}, VALID),
    (
        "legacy bad temperature",
        {"mode": "single", "options": [option(override_params={"model": "m", "temperature": 3.5})]},
        INVALID,
    ),
    ("legacy unknown mode", {"mode": "roundrobin", "options": [option()]}, INVALID),
    ("legacy option not an object", {"mode": "single", "options": ["openai"]}, INVALID),
    ("legacy empty options", {"mode": "fallback", "options": []}, INVALID),
    # ---- legacy request body ----
    (
        "body",
        {"config": {"mode": "single", "options": [option()]}, "params": {"max_tokens": 5}},
        VALID,
    ),
    ("body without options", {"config": {"mode": "single"}, "params": {}}, INVALID),
    (
        "body with bad weight",
        {"config": {"mode": "loadbalance", "options": [option(weight=-2), option(weight=1)]}},
        INVALID,
    ),
    # ---- current shape ----
    (
        "current fallback",
        {
            "strategy": {"mode": "fallback", "on_status_codes": [429]},
            "targets": [target(), {"virtual_key": "vk-1"}],
        },
        VALID,
    ),
    ("current one target", target(), VALID),
    ("current retry only", {"retry": {"attempts": 2}, "cache": {"mode": "simple"}}, VALID),
    (
        "current nested",
        {
            "strategy": {"mode": "loadbalance"},
            "targets": [
                {"strategy": {"mode": "fallback"}, "targets": [target(), target()], "weight": 2},
                target(weight=1),
            ],
        },
        VALID,
    ),
    (
        "current conditional",
        {
            "strategy": {
                "mode": "conditional",
                "conditions": [{"query": {"metadata.tier": {"$eq": "pro"}}, "then": "big"}],
                "default": "small",
            },
            "targets": [target(name="big"), target(name="small")],
        },
        VALID,
    ),
    (
        "current partial weights",
        {"strategy": {"mode": "loadbalance"}, "targets": [target(weight=2), target()]},
        VALID,
    ),
    ("current empty targets", {"strategy": {"mode": "fallback"}, "targets": []}, INVALID),
    (
        "current negative weight",
        {"strategy": {"mode": "loadbalance"}, "targets": [target(weight=-1), target()]},
        INVALID,
    ),
    (
        "current nested unknown mode",
        {
            "strategy": {"mode": "fallback"},
            "targets": [{"strategy": {"mode": "roundrobin"}, "targets": [target()]}],
        },
        INVALID,
    ),
    (
        "current nested empty targets",
        {
            "strategy": {"mode": "fallback"},
            "targets": [{"strategy": {"mode": "single"}, "targets": []}],
        },
        INVALID,
    ),
    (
        "current single with two",
        {"strategy": {"mode": "single"}, "targets": [target(), target()]},
        INVALID,
    ),
    ("current ab_test mode", {"strategy": {"mode": "ab_test"}, "targets": [target()]}, INVALID),
    ("current proxy mode", {"strategy": {"mode": "proxy"}, "targets": [target()]}, INVALID),
    (
        "current strategy without targets",
        {"strategy": {"mode": "single"}, "provider": "openai", "api_key": "k-1"},
        INVALID,
    ),
    (
        "current target without provider",
        {"strategy": {"mode": "fallback"}, "targets": [{"override_params": {"model": "m"}}]},
        INVALID,
    ),
    (
        "current conditional unknown name",
        {
            "strategy": {"mode": "conditional", "conditions": [{"query": {}, "then": "missing"}]},
            "targets": [target(name="a")],
        },
        INVALID,
    ),
    (
        "current retry too many",
        {"strategy": {"mode": "single"}, "targets": [target(retry={"attempts": 9})]},
        INVALID,
    ),
    (
        "current bad cache mode",
        {"strategy": {"mode": "single"}, "targets": [target(cache={"mode": "fuzzy"})]},
        INVALID,
    ),
    (
        "current all weights zero",
        {"strategy": {"mode": "loadbalance"}, "targets": [target(weight=0), target(weight=0)]},
        INVALID,
    ),
    (
        "current params 100 deep",
        {"strategy": {"mode": "single"}, "targets": [target(override_params={"extra": deep(100)})]},
        INVALID,
    ),
    (
        "current key typo",
        {"strategy": {"mode": "single"}, "targets": [target(overide_params={"model": "m"})]},
        INVALID,
    ),
    (
        "current empty api_key",
        {"strategy": {"mode": "single"}, "targets": [target(api_key="")]},
        INVALID,
    ),
    (
        "current empty model",
        {"strategy": {"mode": "single"}, "targets": [target(override_params={"model": ""})]},
        INVALID,
    ),
    ("current unknown provider", {"provider": "opnai", "api_key": "k-1"}, INVALID),
    ("not a routing config", {"name": "not a config"}, INVALID),
]


def verdict_of_client(config: Dict[str, Any]) -> bool:
    try:
        Portkey(base_url=LOCAL_GATEWAY, config=config)
    except (ValidationError, InvalidRequestError):
        return INVALID
    return VALID


def verdict_of_create_headers(config: Dict[str, Any]) -> bool:
    try:
        createHeaders(config=config)
    except (ValidationError, InvalidRequestError):
        return INVALID
    return VALID


def verdict_of_model(config: Dict[str, Any]) -> bool:
    try:
        config_from_mapping(config)
    except ValueError:  # ValidationError and InvalidRequestError are ValueErrors
        return INVALID
    return VALID


def verdict_of_cli(config: Dict[str, Any], path: Path) -> bool:
    path.write_text(json.dumps(config), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = cli_main(["config", "validate", str(path)], out, err)
    assert code in (0, 2), err.getvalue()
    return VALID if code == 0 else INVALID


def test_corpus_covers_every_shape_valid_and_invalid() -> None:
    assert len(CORPUS) >= 30
    for prefix in ("sdk", "legacy", "body", "current"):
        verdicts = {expected for name, _, expected in CORPUS if name.startswith(prefix)}
        assert verdicts == {VALID, INVALID}, prefix


def test_every_config_gets_one_verdict_from_client_model_and_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The one key-from-env entry needs the key when the client builds its header.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-corpus-0001")
    disagreements = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # proxy, cache_age and legacy-body notes
        for index, (name, config, expected) in enumerate(CORPUS):
            verdicts = {
                "Portkey(config=...)": verdict_of_client(config),
                "createHeaders(config=...)": verdict_of_create_headers(config),
                "config_from_mapping": verdict_of_model(config),
                "portkey config validate": verdict_of_cli(config, tmp_path / f"{index}.json"),
            }
            for way, verdict in verdicts.items():
                if verdict != expected:
                    disagreements.append(f"{name}: {way} says {'valid' if verdict else 'invalid'}")
    assert disagreements == []
    print(f"\nCONFIG VERDICTS: {len(CORPUS)} configs x 4 ways in, 0 disagreements")


def test_a_config_object_and_its_dict_get_the_same_verdict() -> None:
    from portkey import Config

    for name, config, expected in CORPUS:
        if not name.startswith("sdk") or name == "sdk key from env":
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                Config(**config)
                verdict = VALID
            except ValidationError:
                verdict = INVALID
        assert verdict == expected, name
