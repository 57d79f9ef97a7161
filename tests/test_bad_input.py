"""Bad input, generated: each case is refused before anything is sent, with an error naming
the field at fault; valid Unicode is accepted and arrives unchanged.

The stand-in plays the gateway (``base_url`` is the stub), so a case that slipped through would
be recorded there: every case asserts the stub saw nothing. A refusal is a pydantic
``ValidationError`` whose ``errors()`` locate the field (or, for a rule across fields, name it in
the message) or an ``InvalidRequestError`` whose ``field`` is it. Any other exception fails the
test (hypothesis then shrinks it to the smallest case). Each test prints one summary line.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections import Counter
from typing import Any, Callable, Dict, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from provider_stub import ProviderStub, answer_text
from pydantic import ValidationError

import portkey
from portkey import (
    AsyncPortkey,
    Config,
    InvalidConfigError,
    InvalidRequestError,
    LLMOptions,
    Portkey,
)
from portkey.api_resources.client_params import KNOWN_PARAMS
from portkey.api_resources.constants import GATEWAY_PROVIDERS, MAX_METADATA_BYTES

KEY = "sk-bad-input-key-000000001"
HI = [{"role": "user", "content": "Hi"}]
MIN_CASES = 50

Case = Tuple[str, Dict[str, Any]]  # (the field that must be named, keyword arguments)

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# ---- building blocks ---------------------------------------------------------------------------

letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
#: Words that are no mode ("proxy", the 0.1.x pass-through, is one, and letters can spell it).
not_a_mode = letters.filter(lambda word: word not in {mode.value for mode in portkey.Modes})
#: Text holding a CR, LF or NUL somewhere: header injection attempts.
broken = st.tuples(st.text(max_size=8), st.sampled_from("\r\n\0"), st.text(max_size=8)).map("".join)
#: Text holding at least one non-ASCII character (valid Unicode, but not for a header).
non_ascii = st.tuples(
    st.text(alphabet=st.characters(max_codepoint=127, exclude_characters="\r\n\0"), max_size=6),
    st.characters(min_codepoint=128, exclude_categories=("Cs",)),
    st.text(max_size=6).filter(lambda t: not any(ch in t for ch in "\r\n\0")),
).map("".join)
not_a_string = st.one_of(
    st.lists(st.integers(), min_size=1, max_size=3),
    st.dictionaries(letters, st.integers(), min_size=1, max_size=2),
    st.builds(object),
)
not_finite = st.sampled_from([math.nan, math.inf, -math.inf])
#: Values JSON cannot carry (pydantic's serializer turns sets, bytes, dates... into JSON).
unserializable = st.one_of(st.builds(object), st.sampled_from([type, Ellipsis, range(2), print]))
huge_metadata = st.integers(MAX_METADATA_BYTES, MAX_METADATA_BYTES * 3).map(
    lambda size: {"blob": "x" * size}
)
bad_metadata = st.one_of(
    st.lists(st.text(), max_size=2),
    st.integers(),
    letters,
    st.dictionaries(
        letters,
        st.one_of(st.lists(st.integers()), st.dictionaries(letters, letters)),
        min_size=1,
        max_size=2,
    ),
    st.dictionaries(letters, st.builds(object), min_size=1, max_size=1),
    huge_metadata,
)


def case(field: str, values: st.SearchStrategy[Any], name: str = "") -> st.SearchStrategy[Case]:
    """Cases setting keyword ``name`` (default: ``field``) to each of ``values``."""
    return values.map(lambda value: (field, {name or field: value}))


# ---- the check every case goes through ----------------------------------------------------------


class Tally:
    """How many cases ran, by the error type that refused them and by field."""

    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()
        self.fields: Counter[str] = Counter()

    @property
    def cases(self) -> int:
        return sum(self.kinds.values())

    def line(self, name: str, sent: int) -> str:
        kinds = " ".join(f"{kind}={count}" for kind, count in sorted(self.kinds.items()))
        return (
            f"BAD-INPUT {name}: cases={self.cases} refused={self.cases} sent={sent} "
            f"fields={len(self.fields)} {kinds}"
        )


def names_field(exc: ValidationError, field: str) -> bool:
    """Whether a pydantic error locates ``field`` (or, for a model-wide rule, names it)."""
    for error in exc.errors():
        loc = error["loc"]
        if loc and loc[0] == field:
            return True
        if not loc and field in error["msg"]:
            return True
    return False


def refuse(stub: ProviderStub, tally: Tally, field: str, attempt: Callable[[], Any]) -> None:
    """Run ``attempt``; it must raise an error naming ``field`` and send nothing."""
    before = len(stub.requests())
    try:
        attempt()
    except ValidationError as exc:
        assert names_field(exc, field), (field, exc.errors())
        kind = "ValidationError"
    except InvalidConfigError as exc:  # a config dict: the field is a path inside the config
        roots = {re.split(r"[.\[]", path)[0] for path, _ in exc.problems}
        assert field in roots or exc.field == field, (field, exc.problems)
        assert exc.message
        kind = type(exc).__name__
    except InvalidRequestError as exc:
        assert exc.field == field, (field, exc.field, str(exc))
        assert exc.message
        kind = type(exc).__name__
    else:
        raise AssertionError(f"accepted a bad {field}")
    assert len(stub.requests()) == before, f"a request went out for a bad {field}"
    tally.kinds[kind] += 1
    tally.fields[field] += 1


def finish(name: str, stub: ProviderStub, tally: Tally) -> None:
    sent = len(stub.requests())
    print(f"\n{tally.line(name, sent)}")
    assert sent == 0
    assert tally.cases >= MIN_CASES


def stub_url(stub: ProviderStub) -> str:
    return f"{stub.url}/v1"


def chat(client: Portkey, **call: Any) -> Any:
    return client.chat.completions.create(**{"model": "m", "messages": HI, **call})


def achat(params: Dict[str, Any], **call: Any) -> Any:
    async def run() -> Any:
        async with AsyncPortkey(**params) as client:
            return await client.chat.completions.create(**{"model": "m", "messages": HI, **call})

    return asyncio.run(run())


# ---- LLMOptions and Config ----------------------------------------------------------------------

llm_cases = st.one_of(
    case("provider", letters.filter(lambda p: p not in GATEWAY_PROVIDERS)),
    case("provider", st.one_of(st.integers(), st.lists(letters, min_size=1))),
    case("temperature", st.one_of(st.floats(max_value=-1e-6), st.floats(min_value=2.000001))),
    case("temperature", st.one_of(not_finite, letters)),
    case("top_p", st.one_of(st.floats(max_value=-1e-6), st.floats(min_value=1.000001))),
    case("max_tokens", st.one_of(st.integers(max_value=0), letters)),
    case("n", st.integers(max_value=0)),
    case("presence_penalty", st.floats(min_value=2.000001, allow_infinity=False)),
    case("frequency_penalty", st.floats(max_value=-2.000001, allow_infinity=False)),
    case("weight", st.floats(max_value=-1e-6, allow_infinity=False)),
    case("retry", st.one_of(st.integers(max_value=-1), st.integers(min_value=6))),
    case("retry", st.integers(min_value=6).map(lambda n: {"attempts": n})),
    case("cache_status", letters.filter(lambda s: s not in ("simple", "semantic"))),
    case("cache_age", st.integers(max_value=-1)),
    case("request_timeout", st.integers(max_value=0)),
    case("custom_host", letters),
    case("metadata", bad_metadata),
    case("trace_id", broken),
    case("cache_namespace", broken),
    case("virtual_key", broken),
    case("api_key", broken),
    case("messages", letters.map(lambda role: [{"role": f"x{role}", "content": "hi"}])),
    case("stop", st.integers()),
)


def test_llm_options_refuse_bad_values(stub: ProviderStub) -> None:
    tally = Tally()

    @SETTINGS
    @given(llm_cases)
    def check(generated: Case) -> None:
        field, bad = generated
        params = {"provider": "openai", "api_key": KEY, "custom_host": stub.host_for("a"), **bad}

        def attempt() -> Any:
            config = Config(mode="single", llms=[LLMOptions(**params)])
            return chat(Portkey(base_url=stub_url(stub), config=config))

        refuse(stub, tally, field, attempt)

    check()
    finish("LLMOptions", stub, tally)


def good_llm(stub: ProviderStub, **extra: Any) -> LLMOptions:
    return LLMOptions(provider="openai", api_key=KEY, custom_host=stub.host_for("a"), **extra)


def config_cases(stub: ProviderStub) -> st.SearchStrategy[Case]:
    one = [good_llm(stub)]
    two = [good_llm(stub, weight=1), good_llm(stub)]
    return st.one_of(
        case("mode", not_a_mode),
        case("mode", st.one_of(st.integers(), st.lists(letters, min_size=1))),
        case("llms", st.one_of(st.integers(), st.lists(st.integers(), min_size=1, max_size=3))),
        case("llms", st.just([])),
        case("base_url", letters),
        case("api_key", broken),
        st.sampled_from(["single"]).map(lambda mode: ("mode", {"mode": mode, "llms": two})),
        st.sampled_from(["loadbalance", "ab_test"]).map(
            lambda mode: ("weight", {"mode": mode, "llms": two})
        ),
        letters.filter(lambda n: n not in Config.model_fields).map(
            lambda name: (name, {name: 1, "llms": one})
        ),
    )


def test_config_refuses_bad_values(stub: ProviderStub) -> None:
    tally = Tally()

    @SETTINGS
    @given(st.data())
    def check(data: st.DataObject) -> None:
        field, bad = data.draw(config_cases(stub))
        params = {"mode": "single", "llms": [good_llm(stub)], **bad}

        def attempt() -> Any:
            return chat(Portkey(base_url=stub_url(stub), config=Config(**params)))

        refuse(stub, tally, field, attempt)

    check()
    finish("Config", stub, tally)


# ---- client parameters, sync, async and the module API ------------------------------------------

# Unknown names are sent as headers with an UnknownOptionWarning (tests/test_open_options.py).
pytestmark = pytest.mark.filterwarnings(
    "ignore::portkey.api_resources.exceptions.UnknownOptionWarning"
)

unknown_names = st.from_regex(r"[a-z][a-z_]{2,14}", fullmatch=True).filter(
    lambda name: name not in KNOWN_PARAMS and name != "authorization"
)
bad_header_names = st.tuples(letters, st.sampled_from(" :\r\n\t()/@"), letters).map("".join)

client_cases = st.one_of(
    case("timeout", st.one_of(letters, st.floats(max_value=0), not_finite, st.booleans())),
    case("max_retries", st.one_of(st.integers(max_value=-1), letters, st.booleans())),
    case("max_retries", st.floats(allow_nan=False).filter(lambda f: not f.is_integer())),
    case("request_timeout", st.one_of(st.integers(max_value=0), letters, not_finite)),
    case("metadata", bad_metadata),
    case("metadata", not_finite.map(lambda value: {"score": value})),
    case("trace_id", st.one_of(broken, non_ascii, not_a_string)),
    case("cache_namespace", st.one_of(broken, non_ascii)),
    case("virtual_key", st.one_of(broken, non_ascii)),
    case("api_key", st.one_of(broken, non_ascii)),
    case("custom_host", broken),
    case("config", st.one_of(st.integers(), st.floats(allow_nan=False), st.lists(letters))),
    case("config", letters.map(lambda text: "{" + text)),
    case("config", st.tuples(letters, letters).map(" ".join)),
    case("config", letters.map(lambda mode: {"strategy": {"mode": mode}, "targets": []})),
    case("mode", not_a_mode.map(lambda mode: {"mode": mode, "llms": []}), name="config"),
    case("base_url", st.one_of(letters, st.integers())),
    case("verify", st.one_of(st.integers(), letters)),
    # an unknown name is sent as its x-portkey-* header, so its value is checked like any other
    st.tuples(unknown_names, st.one_of(broken, non_ascii)).map(
        lambda pair: (pair[0], {pair[0]: pair[1]})
    ),
    case("Authorization", st.one_of(broken, non_ascii, st.integers(), st.just(" "))),
    bad_header_names.map(lambda name: (name, {"default_headers": {name: "v"}})),
    st.one_of(broken, non_ascii).map(
        lambda value: ("X-Extra", {"default_headers": {"X-Extra": value}})
    ),
)


@pytest.mark.parametrize("api", ["sync", "async"])
def test_client_parameters_refuse_bad_values(stub: ProviderStub, api: str) -> None:
    tally = Tally()

    @SETTINGS
    @given(client_cases)
    def check(generated: Case) -> None:
        field, bad = generated
        params = {"base_url": stub_url(stub), "provider": "openai", **bad}
        if api == "sync":
            refuse(stub, tally, field, lambda: chat(Portkey(**params)))
        else:
            refuse(stub, tally, field, lambda: achat(params))

    check()
    finish(f"client params [{api}]", stub, tally)


# ---- create() parameters ------------------------------------------------------------------------

param_names = st.from_regex(r"[a-z][a-z_]{2,12}", fullmatch=True).filter(
    lambda name: (
        name not in ("model", "messages", "stream", "timeout", "max_retries")
        and not name.startswith("extra_")
    )
)

create_cases = st.one_of(
    case("messages", st.one_of(letters, st.dictionaries(letters, letters, max_size=2))),
    case("messages", st.just([])),
    case(
        "messages",
        st.lists(st.one_of(st.integers(), st.just({"content": "?"})), min_size=1, max_size=3),
    ),
    case(
        "model", st.one_of(st.integers(), st.floats(allow_nan=False), st.lists(letters, min_size=1))
    ),
    case("stream", st.one_of(letters, st.integers(min_value=1))),
    case("timeout", st.one_of(letters, st.floats(max_value=0), not_finite)),
    case("max_retries", st.one_of(st.integers(max_value=-1), letters)),
    bad_header_names.map(lambda name: (name, {"extra_headers": {name: "v"}})),
    st.one_of(broken, non_ascii).map(lambda v: ("X-Extra", {"extra_headers": {"X-Extra": v}})),
    st.tuples(param_names, st.one_of(unserializable, not_finite)).map(
        lambda pair: (pair[0], {pair[0]: pair[1]})
    ),
    st.tuples(param_names, st.one_of(unserializable, not_finite)).map(
        lambda pair: (pair[0], {"extra_body": {pair[0]: pair[1]}})
    ),
)


@pytest.mark.parametrize("api", ["sync", "async", "module"])
def test_create_parameters_refuse_bad_values(stub: ProviderStub, api: str) -> None:
    tally = Tally()
    portkey.base_url = stub_url(stub)  # the autouse fixture puts the globals back
    module_config = Config(mode="single", llms=[good_llm(stub, model="m")])

    @SETTINGS
    @given(create_cases)
    def check(generated: Case) -> None:
        field, bad = generated
        call = {"model": "m", "messages": HI, **bad}
        if api == "sync":
            client = Portkey(base_url=stub_url(stub), provider="openai")
            refuse(stub, tally, field, lambda: client.chat.completions.create(**call))
        elif api == "async":
            refuse(stub, tally, field, lambda: achat({"base_url": stub_url(stub)}, **bad))
        else:
            if "extra_headers" in call or "extra_body" in call:
                return  # the module API takes trace_id/metadata instead; covered above
            refuse(
                stub,
                tally,
                field,
                lambda: portkey.ChatCompletions.create(config=module_config, **call),
            )

    check()
    finish(f"create params [{api}]", stub, tally)


# ---- valid Unicode is accepted and arrives unchanged ---------------------------------------------

unicode_text = st.text(min_size=1, max_size=40)


def test_valid_unicode_round_trips_through_the_sdk(stub: ProviderStub) -> None:
    """Message text, model names and metadata values of any Unicode reach the gateway exactly
    (the stand-in plays the gateway here and echoes the model)."""
    count = [0]

    @settings(max_examples=60, deadline=None, database=None)
    @given(content=unicode_text, model=unicode_text, note=st.text(max_size=30))
    def check(content: str, model: str, note: str) -> None:
        stub.reset()
        client = Portkey(base_url=stub_url(stub), provider="openai", metadata={"note": note})
        messages = [{"role": "user", "content": content}]
        response = client.chat.completions.create(model=model, messages=messages)
        (request,) = stub.requests()
        assert request.json["messages"] == messages
        assert json.loads(request.headers["x-portkey-metadata"]) == {"note": note}
        assert request.headers["x-portkey-metadata"].isascii()
        assert response.model == model
        count[0] += 1

    check()
    print(f"\nBAD-INPUT unicode round trips (direct): cases={count[0]} all equal")
    assert count[0] >= MIN_CASES


SAMPLES = [
    "Привет, мир",
    "你好，世界 🌏",  # noqa: RUF001 (the full-width comma is part of the sample)
    "مرحبا بالعالم",
    "e\u0301 combining, ß, ﬁ ligature",
    "emoji 👩‍👩‍👧 and flags 🇫🇷",
    'tab\tand quote " and backslash \\',
    "zero\u0000byte and \u2028 line separator",
]


@pytest.mark.parametrize("text", SAMPLES, ids=range(len(SAMPLES)))
def test_valid_unicode_round_trips_through_the_gateway(
    gateway_url: str, stub: ProviderStub, text: str
) -> None:
    """Through the real gateway: in the call's messages, in a config's override_params (sent in
    the config header as escaped JSON) and in metadata."""
    llm = LLMOptions(
        provider="openai",
        api_key=KEY,
        custom_host=stub.host_for("a"),
        model=f"model {text}",
        metadata={"note": text},
    )
    client = Portkey(base_url=gateway_url, config=Config(mode="single", llms=[llm]))
    messages = [{"role": "user", "content": text}]
    response = client.chat.completions.create(messages=messages)
    (request,) = stub.requests("a")
    assert request.json["messages"] == messages
    assert request.json["model"] == f"model {text}"
    assert response.model == f"model {text}"
    assert response.choices[0].message.content == answer_text("a")


def test_unicode_in_a_header_option_is_refused_by_name_everywhere(stub: ProviderStub) -> None:
    """Non-ASCII text cannot travel in a plain header (requests cannot send it, aiohttp would
    send UTF-8): the same clear error from every API, before anything is sent."""
    tally = Tally()
    portkey.base_url = stub_url(stub)

    def attempt(api: str, value: str) -> Any:
        if api == "sync":
            return chat(Portkey(base_url=stub_url(stub), provider="openai", trace_id=value))
        if api == "async":
            return achat({"base_url": stub_url(stub), "provider": "openai", "trace_id": value})
        if api == "module":
            config = Config(mode="single", llms=[good_llm(stub, model="m")])
            return portkey.ChatCompletions.create(config=config, messages=HI, trace_id=value)
        config = Config(mode="single", llms=[good_llm(stub, model="m", trace_id=value)])
        return chat(Portkey(base_url=stub_url(stub), config=config))

    @SETTINGS
    @given(value=non_ascii, api=st.sampled_from(["sync", "async", "module", "llm"]))
    def check(value: str, api: str) -> None:
        refuse(stub, tally, "trace_id", lambda: attempt(api, value))

    check()
    finish("non-ASCII header values", stub, tally)


# ---- regressions: each of these once crashed with an unrelated exception or sent bad data ----

REGRESSIONS: Dict[str, Tuple[str, Callable[[str], Any]]] = {
    # UnicodeEncodeError from requests (aiohttp sent UTF-8 instead)
    "non-ascii-trace-id": ("trace_id", lambda url: chat(Portkey(base_url=url, trace_id="追踪"))),
    # TypeError: '<=' not supported between 'str' and 'int'
    "timeout-text": ("timeout", lambda url: Portkey(base_url=url, timeout="30")),
    # OverflowError from requests at send time
    "timeout-infinite": ("timeout", lambda url: chat(Portkey(base_url=url, timeout=math.inf))),
    # ValueError from urllib3 at send time
    "call-timeout-text": ("timeout", lambda url: chat(Portkey(base_url=url), timeout="x")),
    # TypeError in the retry loop
    "call-max-retries-text": (
        "max_retries",
        lambda url: chat(Portkey(base_url=url), max_retries="2"),
    ),
    # PydanticSerializationError
    "param-object": ("user", lambda url: chat(Portkey(base_url=url), user=object())),
    # the body went out holding a bare NaN token (not JSON)
    "param-nan": ("temperature", lambda url: chat(Portkey(base_url=url), temperature=math.nan)),
    # TypeError from json.dumps while building the config header
    # Refused when the LLMOptions is built, at the parameter's own name.
    "llm-extra-object": (
        "custom_params",
        lambda url: Portkey(
            base_url=url,
            config=Config(llms=[LLMOptions(provider="ollama", custom_params=object())]),
        ),
    ),
    # sent as-is: 'x' is not JSON metadata
    "metadata-text": ("metadata", lambda url: chat(Portkey(base_url=url, metadata="x"))),
    # sent: 10 kB metadata header, refused by the server
    "metadata-huge": (
        "metadata",
        lambda url: chat(Portkey(base_url=url, metadata={"k": "x" * 10_000})),
    ),
    # sent "abc" to the gateway as x-portkey-request-timeout
    "request-timeout-text": (
        "request_timeout",
        lambda url: chat(Portkey(base_url=url, request_timeout="abc")),
    ),
    # requests raised InvalidHeader (as APIConnectionError); aiohttp sent it
    "header-name-colon": (
        "X:A",
        lambda url: chat(Portkey(base_url=url), extra_headers={"X:A": "v"}),
    ),
    # plain ValueError without a field
    "strategy-mode": (
        "config",
        lambda url: Portkey(base_url=url, config={"strategy": {"mode": "x"}, "targets": []}),
    ),
    # TypeError: 'int' object is not iterable
    "legacy-options": ("config", lambda url: Portkey(base_url=url, config={"options": 5})),
    # the provider got model=5 and the answer failed validation
    "model-int": ("model", lambda url: chat(Portkey(base_url=url), model=5)),
    # base_url=0 was taken as "not given" and the hosted gateway asked for an API key
    "base-url-int": ("base_url", lambda url: Portkey(base_url=0)),
}


@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_regressions_are_refused_before_sending(stub: ProviderStub, name: str) -> None:
    field, attempt = REGRESSIONS[name]
    tally = Tally()
    refuse(stub, tally, field, lambda: attempt(stub_url(stub)))
    assert stub.requests() == []


def test_metadata_given_as_json_text_is_still_accepted(stub: ProviderStub) -> None:
    client = Portkey(base_url=stub_url(stub), metadata='{"_user": "Zoë"}')
    chat(client)
    (request,) = stub.requests()
    assert json.loads(request.headers["x-portkey-metadata"]) == {"_user": "Zoë"}


# ---- base_url: a plain address a call's path can follow ------------------------------------------

BAD_BASE_URLS = [
    ("http://127.0.0.1:9/v1?team=a", "query string"),
    ("http://127.0.0.1:9/v1#frag", "query string"),
    ("http://127.0.0.1:99999/v1", "port"),
    ("http://127.0.0.1:0/v1", "port"),
    ("http://127.0.0.1:9/v 1", "spaces"),
    ("http://127.0.0.1:9/v1\n", "control"),
    ("http://:9/v1", "no host"),
    ("ftp://127.0.0.1/v1", "http://"),
]


@pytest.mark.parametrize(("url", "problem"), BAD_BASE_URLS)
async def test_a_base_url_a_path_cannot_follow_is_refused_everywhere(
    stub: ProviderStub, monkeypatch: pytest.MonkeyPatch, url: str, problem: str
) -> None:
    # Each call's path is appended to base_url: a query, fragment or space would send the
    # call somewhere else (the reference SDK sends it to ".../v1?team=a/chat/completions").
    with pytest.raises(InvalidRequestError, match=problem) as caught:
        Portkey(base_url=url, provider="openai")
    assert caught.value.field == "base_url"
    with pytest.raises(InvalidRequestError, match=problem):
        AsyncPortkey(base_url=url, provider="openai")
    good = Portkey(base_url=stub_url(stub), provider="openai")
    with pytest.raises(InvalidRequestError, match=problem):
        good.with_options(base_url=url)
    monkeypatch.setenv("PORTKEY_BASE_URL", url)
    with pytest.raises(InvalidRequestError, match=problem):
        Portkey(provider="openai")
    portkey.base_url = url
    portkey.config = Config(llms=[LLMOptions(provider="openai", api_key="sk-1", model="m")])
    with pytest.raises(InvalidRequestError, match=problem):
        portkey.ChatCompletions.create(messages=[{"role": "user", "content": "Hi"}])
    assert stub.requests() == []


def test_a_refused_base_url_never_shows_its_password() -> None:
    for url in ("http://user:s3cret-pw@127.0.0.1:9/v1?x=1", "ftp://user:s3cret-pw@host/v1"):
        with pytest.raises(InvalidRequestError) as caught:
            Portkey(base_url=url, provider="openai")
        assert "s3cret-pw" not in str(caught.value)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8787", "http://127.0.0.1:8787/v1/", "https://[::1]:8787/v1"]
)
def test_plain_base_urls_are_taken(url: str) -> None:
    assert Portkey(base_url=url, provider="openai").base_url == url.rstrip("/")


# ---- the per-call dicts: extra_headers, extra_body, extra_query ----------------------------------

NOT_DICTS = [[("x-a", "b")], "x-a: b", 7, [1, 2]]


def _per_call_refusals(client: Any, bad: Any) -> Dict[str, Callable[[], Any]]:
    hi = [{"role": "user", "content": "Hi"}]
    return {
        "extra_headers": lambda: client.chat.completions.create(
            model="m", messages=hi, extra_headers=bad
        ),
        "extra_body": lambda: client.chat.completions.create(
            model="m", messages=hi, extra_body=bad
        ),
        "extra_query": lambda: client.embeddings.create(model="m", input="x", extra_query=bad),
        # the platform verbs and the saved-prompt call read them their own way
        "extra_headers ": lambda: client.batches.retrieve("batch_1", extra_headers=bad),
        "extra_body ": lambda: client.batches.cancel("batch_1", extra_body=bad),
        "extra_query ": lambda: client.batches.list(extra_query=bad),
        "extra_headers  ": lambda: client.prompts.completions.create(
            prompt_id="p1", variables={}, extra_headers=bad
        ),
    }


@pytest.mark.parametrize(
    "bad", NOT_DICTS, ids=[type(b).__name__ + str(i) for i, b in enumerate(NOT_DICTS)]
)
@pytest.mark.parametrize("use_async", [False, True])
async def test_per_call_dicts_that_are_not_dicts_are_refused_before_sending(
    stub: ProviderStub, use_async: bool, bad: Any
) -> None:
    cls: Any = AsyncPortkey if use_async else Portkey
    client = cls(base_url=stub_url(stub), provider="openai", api_key="pk-1")
    for label, call in _per_call_refusals(client, bad).items():
        with pytest.raises(InvalidRequestError) as caught:
            result = call()
            if use_async:
                await result
        assert caught.value.field == label.strip(), label
    assert stub.requests() == []


@pytest.mark.parametrize("empty", [[], "", 0, ()])
def test_an_empty_extra_body_that_is_not_a_dict_is_refused_too(
    stub: ProviderStub, empty: Any
) -> None:
    client = Portkey(base_url=stub_url(stub), provider="openai")
    hi = [{"role": "user", "content": "Hi"}]
    calls = [
        lambda: client.chat.completions.create(model="m", messages=hi, extra_body=empty),
        lambda: client.completions.create(model="m", prompt="Hi", extra_body=empty),
        lambda: client.batches.cancel("batch_1", extra_body=empty),
    ]
    for call in calls:
        with pytest.raises(InvalidRequestError) as caught:
            call()
        assert caught.value.field == "extra_body"
    assert stub.requests() == []


def test_module_calls_refuse_per_call_dicts_that_are_not_dicts(stub: ProviderStub) -> None:
    portkey.base_url = stub_url(stub)
    portkey.config = Config(llms=[LLMOptions(provider="openai", api_key="sk-1", model="m")])
    hi = [{"role": "user", "content": "Hi"}]
    for name in ("extra_headers", "extra_body", "extra_query"):
        with pytest.raises(InvalidRequestError) as caught:
            portkey.ChatCompletions.create(messages=hi, **{name: [("a", "b")]})
        assert caught.value.field == name
    assert stub.requests() == []


@pytest.mark.parametrize("cls", [Portkey, AsyncPortkey])
def test_realtime_connect_refuses_per_call_dicts_that_are_not_dicts(cls: Any) -> None:
    client = cls(base_url="http://127.0.0.1:9/v1", provider="openai")
    for name in ("extra_headers", "extra_query"):
        for realtime in (client.realtime, client.beta.realtime):
            with pytest.raises(InvalidRequestError) as caught:
                realtime.connect(model="gpt-realtime", **{name: [("a", "b")]})
            assert caught.value.field == name
