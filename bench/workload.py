"""The one call every measurement makes, in every style: the same config, messages, headers
and body bytes for the SDK and for the raw clients.

The raw clients send exactly the headers and body the SDK builds (taken from the SDK's own
request spec), so the two sides differ only in the code that runs in this process.
"""

import json
from typing import Any, Dict, List, Mapping

import portkey
from portkey import Config, LLMOptions, Portkey

MODEL = "gpt-4o-mini"
PORTKEY_KEY = "pk-bench-0000000000000000"
PROVIDER_KEY = "sk-bench-0000000000000000"
MESSAGES: List[Dict[str, str]] = [
    {"role": "system", "content": "You are a terse assistant."},
    {"role": "user", "content": "Say hello."},
]
PATH = "/chat/completions"


def bench_config() -> Config:
    """A single-LLM config, as a module-style user writes it (seeds/000)."""
    return Config(
        mode="single",
        llms=[LLMOptions(provider="openai", api_key=PROVIDER_KEY, model=MODEL, temperature=0.2)],
    )


def configure_module(base_url: str, config: Config) -> None:
    """Set the module globals the module-style calls read."""
    portkey.api_key = PORTKEY_KEY
    portkey.base_url = base_url
    portkey.config = config


def client_params(base_url: str, config: Config) -> Dict[str, Any]:
    """The constructor arguments of the client-style runs (same options as the module style)."""
    return {"api_key": PORTKEY_KEY, "base_url": base_url, "config": config}


class RawRequest:
    """What the raw clients send: URL, headers and body exactly as the SDK builds them.

    The raw runs encode the body on every call with :meth:`encode` (as any client must);
    the result is checked here to be byte for byte the body the SDK sends.
    """

    def __init__(self, base_url: str, config: Config, stream: bool = False) -> None:
        client = Portkey(**client_params(base_url, config))
        self.payload: Dict[str, Any] = {"messages": MESSAGES}
        if stream:
            self.payload["stream"] = True
        spec = client.build_spec("POST", PATH, body=self.payload, stream=stream)
        self.url: str = spec.url
        self.headers: Dict[str, str] = dict(spec.headers)
        if spec.body != self.encode():
            raise RuntimeError("the raw body differs from the SDK's; the comparison is unfair")
        self.body: bytes = spec.body
        self.timeout = spec.timeout

    def encode(self) -> bytes:
        """The body as JSON bytes, encoded now: ``json.dumps`` (compact), then UTF-8."""
        return json.dumps(self.payload, separators=(",", ":")).encode()


def decode(content: bytes) -> Mapping[str, Any]:
    """How the raw baselines read an answer: ``json.loads`` into plain dicts."""
    value = json.loads(content)
    assert isinstance(value, dict)
    return value
