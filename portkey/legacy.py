"""The module-level API: ``portkey.ChatCompletions.create()`` routed by ``portkey.config``.

The module globals (``portkey.api_key``, ``base_url``, ``config``, ``mode``, ``timeout``,
``max_retries``) are read on every call, so changing them at any time takes effect. A call
builds the same request the client style would and sends it through the same resource code
and the same pooled connections; only where the options come from differs.
"""

import copy
import importlib
import os
import sys
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from .api_resources.base_client import (
    NOT_GIVEN,
    ClientOptions,
    NotGiven,
    Timeout,
    resolve_api_key,
    resolve_base_url,
)
from .api_resources.config import Config, config_from_mapping
from .api_resources.exceptions import InvalidRequestError, MissingConfigError
from .api_resources.headers import ConfigValue, portkey_headers

# Resources load neither requests nor aiohttp, so they are imported here once rather than in
# every call (an import statement in a function costs several microseconds each time).
from .api_resources.resources import chat, completions, embeddings

ConfigArg = Optional[ConfigValue]


def _globals() -> Any:
    return sys.modules["portkey"]


def _config(config: ConfigArg) -> ConfigValue:
    chosen = config if config is not None else _globals().config
    if chosen is None:
        raise MissingConfigError(
            "no config to route by: set portkey.config = Config(mode=..., llms=[...]) or pass "
            "config=... (a Config, a dict or a config slug)",
            field="config",
        )
    return chosen


def _options(config: ConfigValue) -> ClientOptions:
    """Client options from the module globals and ``config``, read now.

    Building options encodes every header, the config JSON included: tens of microseconds,
    which a module-level call would pay every time. So the options of the last few
    (config, settings) pairs are kept and reused while nothing they were built from changed.
    """
    return _lookup(config)[0]


def _lookup(config: ConfigValue) -> "Tuple[ClientOptions, Optional[_CachedOptions]]":
    """The options for ``config`` and the settings now, and their cache entry if they have one."""
    module = _globals()
    own_key = own_url = None
    if isinstance(config, Config):
        own_key, own_url = config.api_key, config.base_url
    # Everything besides the config that the options are built from, read now, in the order
    # of _SETTINGS: the cache key and the constructor's arguments are one tuple, so they
    # cannot drift apart.
    settings = (
        resolve_api_key(own_key, module.api_key),
        resolve_base_url(own_url, module.base_url),
        module.timeout,
        module.max_retries,
        module.mode,
    )
    recent = _recent_options
    for entry in recent:
        if entry.fits(config, settings):
            return entry.options, entry
    options = ClientOptions(portkey_options={"config": config}, **dict(zip(_SETTINGS, settings)))
    fresh = _CachedOptions.of(config, settings, options)
    if fresh is not None:
        _remember(fresh, recent)
    return options, fresh


#: The ClientOptions arguments _lookup reads from the module globals, in its order.
_SETTINGS = ("api_key", "base_url", "timeout", "max_retries", "default_mode")


class _CachedOptions:
    """Options built for one config and settings, and what they depend on.

    A :class:`Config` is matched by identity (it is frozen, and ``Config.gateway_header``
    caches on the same terms); a slug by value; a dict by equality with a deep copy taken
    when the options were built, so a dict changed in place is noticed. ``env`` holds the
    provider key variables the config's JSON was read from, with their values then.
    """

    __slots__ = ("clients", "config", "env", "options", "settings", "snapshot")

    def __init__(
        self,
        config: ConfigValue,
        snapshot: Any,
        settings: Tuple[Any, ...],
        env: Tuple[Tuple[str, Optional[str]], ...],
        options: ClientOptions,
    ) -> None:
        self.config = config
        self.snapshot = snapshot
        self.settings = settings
        self.env = env
        self.options = options
        #: Clients on these options, by class name (they hold nothing else but the shared
        #: requestor, so one per options serves every call).
        self.clients: Dict[str, Any] = {}

    @classmethod
    def of(
        cls, config: ConfigValue, settings: Tuple[Any, ...], options: ClientOptions
    ) -> "Optional[_CachedOptions]":
        """An entry for options just built, or ``None`` for a config that cannot be cached."""
        snapshot: Any = None
        routed: Any = config
        if isinstance(config, str):
            snapshot = config
        elif not isinstance(config, Config):
            try:
                snapshot = copy.deepcopy(config)
                routed = config_from_mapping(config)
            except Exception:  # an exotic mapping: build its options on every call instead
                return None
        names = (
            [name for name in (llm.key_env_var() for llm in routed.llms) if name]
            if isinstance(routed, Config)
            else []
        )
        env = tuple((name, os.environ.get(name)) for name in names)
        return cls(config, snapshot, settings, env, options)

    def fits(self, config: ConfigValue, settings: Tuple[Any, ...]) -> bool:
        """Whether these options are what ``config`` and ``settings`` would build now."""
        if settings != self.settings:
            return False
        if isinstance(config, Config) or isinstance(self.config, Config):
            if config is not self.config:
                return False
        elif type(config) is not type(self.snapshot) or config != self.snapshot:
            return False
        if not self.env:  # the usual case: every LLM has its own key
            return True
        return all(os.environ.get(name) == value for name, value in self.env)


_CACHE_SIZE = 4
_recent_options: Tuple[_CachedOptions, ...] = ()


def _remember(entry: _CachedOptions, recent: Tuple[_CachedOptions, ...]) -> None:
    # One tuple swapped in whole: readers in other threads see the old or the new one.
    global _recent_options
    _recent_options = (entry, *recent[: _CACHE_SIZE - 1])


def _per_call_headers(
    trace_id: Optional[str],
    metadata: Optional[Mapping[str, str]],
    cache_force_refresh: Optional[bool],
) -> Optional[Dict[str, str]]:
    if trace_id is None and metadata is None and cache_force_refresh is None:
        return None
    return portkey_headers(
        {"trace_id": trace_id, "metadata": metadata, "cache_force_refresh": cache_force_refresh}
    )


def _call_kwargs(
    stream: bool,
    trace_id: Optional[str],
    metadata: Optional[Mapping[str, str]],
    cache_force_refresh: Optional[bool],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
    params: Mapping[str, Any],
) -> Dict[str, Any]:
    """The resource keywords for one module-level call."""
    return {
        "stream": stream,
        "extra_headers": _per_call_headers(trace_id, metadata, cache_force_refresh),
        "timeout": timeout,
        "max_retries": max_retries,
        **params,
    }


def _check_model(config: ConfigValue, params: Mapping[str, Any]) -> None:
    if params.get("model") is None and isinstance(config, Config):
        missing = config.models_missing()
        if missing:
            raise InvalidRequestError(
                f"llms[{missing[0]}] has no model: set LLMOptions(model=...) on every LLM, or "
                "pass model=... to create()",
                field="model",
            )


def _messages(config: ConfigValue, messages: Optional[List[Any]]) -> List[Any]:
    if messages is not None:
        return messages
    defaults = config.default_messages() if isinstance(config, Config) else None
    if defaults is None:
        raise InvalidRequestError(
            "no messages: pass messages=[...] to create(), or set LLMOptions(messages=[...])",
            field="messages",
        )
    return defaults


def _prompt(config: ConfigValue, prompt: Optional[Union[str, List[str]]]) -> Union[str, List[str]]:
    if prompt is not None:
        return prompt
    default = config.default_prompt() if isinstance(config, Config) else None
    if default is None:
        raise InvalidRequestError(
            "no prompt: pass prompt=... to create(), or set LLMOptions(prompt=...)",
            field="prompt",
        )
    return default


def _sync_client(config: ConfigValue) -> Any:
    return _client(config, "sync_client", "SyncAPIClient")


def _async_client(config: ConfigValue) -> Any:
    return _client(config, "async_client", "AsyncAPIClient")


def _client(config: ConfigValue, module: str, name: str) -> Any:
    options, entry = _lookup(config)
    if entry is None:
        return _client_class(module, name)(options)
    client = entry.clients.get(name)
    if client is None:
        client = entry.clients[name] = _client_class(module, name)(options)
    return client


_client_classes: Dict[str, Any] = {}


def _client_class(module: str, name: str) -> Any:
    # Imported on first use, as the clients load requests / aiohttp; then kept here, since an
    # import statement in a function costs several microseconds on every call.
    found = _client_classes.get(name)
    if found is None:
        found = getattr(importlib.import_module(f".api_resources.{module}", __package__), name)
        _client_classes[name] = found
    return found


class ChatCompletions:
    """``portkey.ChatCompletions``: chat calls routed by ``portkey.config``."""

    @classmethod
    def create(
        cls,
        *,
        messages: Optional[List[Any]] = None,
        config: ConfigArg = None,
        stream: bool = False,
        trace_id: Optional[str] = None,
        metadata: Optional[Mapping[str, str]] = None,
        cache_force_refresh: Optional[bool] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Any:
        """Ask for a chat answer through the gateway.

        ``messages`` defaults to the first LLM's ``messages``; an LLM's own messages and model
        parameters override the call's (the gateway merges them over the body). ``config``
        (a Config, dict or slug) replaces ``portkey.config`` for this call. ``stream=True``
        returns a stream of chunks. Other keywords go to the provider.
        """
        Resource = chat.ChatCompletions

        chosen = _config(config)
        _check_model(chosen, params)
        return Resource(_sync_client(chosen)).create(
            messages=_messages(chosen, messages),
            **_call_kwargs(
                stream, trace_id, metadata, cache_force_refresh, timeout, max_retries, params
            ),
        )

    @classmethod
    async def acreate(
        cls,
        *,
        messages: Optional[List[Any]] = None,
        config: ConfigArg = None,
        stream: bool = False,
        trace_id: Optional[str] = None,
        metadata: Optional[Mapping[str, str]] = None,
        cache_force_refresh: Optional[bool] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Any:
        """Async twin of :meth:`create`; with ``stream=True`` an async stream of chunks."""
        Resource = chat.AsyncChatCompletions

        chosen = _config(config)
        _check_model(chosen, params)
        return await Resource(_async_client(chosen)).create(
            messages=_messages(chosen, messages),
            **_call_kwargs(
                stream, trace_id, metadata, cache_force_refresh, timeout, max_retries, params
            ),
        )


class Completions:
    """``portkey.Completions``: text completions routed by ``portkey.config``."""

    @classmethod
    def create(
        cls,
        *,
        prompt: Optional[Union[str, List[str]]] = None,
        config: ConfigArg = None,
        stream: bool = False,
        trace_id: Optional[str] = None,
        metadata: Optional[Mapping[str, str]] = None,
        cache_force_refresh: Optional[bool] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Any:
        """Complete a prompt through the gateway; ``prompt`` defaults to the first LLM's."""
        Resource = completions.Completions

        chosen = _config(config)
        _check_model(chosen, params)
        return Resource(_sync_client(chosen)).create(
            prompt=_prompt(chosen, prompt),
            **_call_kwargs(
                stream, trace_id, metadata, cache_force_refresh, timeout, max_retries, params
            ),
        )

    @classmethod
    async def acreate(
        cls,
        *,
        prompt: Optional[Union[str, List[str]]] = None,
        config: ConfigArg = None,
        stream: bool = False,
        trace_id: Optional[str] = None,
        metadata: Optional[Mapping[str, str]] = None,
        cache_force_refresh: Optional[bool] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Any:
        """Async twin of :meth:`create`."""
        Resource = completions.AsyncCompletions

        chosen = _config(config)
        _check_model(chosen, params)
        return await Resource(_async_client(chosen)).create(
            prompt=_prompt(chosen, prompt),
            **_call_kwargs(
                stream, trace_id, metadata, cache_force_refresh, timeout, max_retries, params
            ),
        )


class Embeddings:
    """``portkey.Embeddings``: embeddings routed by ``portkey.config``."""

    @classmethod
    def create(cls, *, input: Any, config: ConfigArg = None, **params: Any) -> Any:
        """Embed ``input`` through the gateway."""
        Resource = embeddings.Embeddings

        return Resource(_sync_client(_config(config))).create(input=input, **params)

    @classmethod
    async def acreate(cls, *, input: Any, config: ConfigArg = None, **params: Any) -> Any:
        """Async twin of :meth:`create`."""
        Resource = embeddings.AsyncEmbeddings

        return await Resource(_async_client(_config(config))).create(input=input, **params)


# The legacy SDK's name for text completions.
Completion = Completions
