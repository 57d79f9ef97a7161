"""The module-level API: ``portkey.ChatCompletions.create()`` routed by ``portkey.config``.

The module globals (``portkey.api_key``, ``base_url``, ``config``, ``mode``, ``timeout``,
``max_retries``) are read on every call, so changing them at any time takes effect. A call
builds the same request the client style would and sends it through the same resource code
and the same pooled connections; only where the options come from differs.
"""

import sys
from typing import Any, Dict, List, Mapping, Optional, Union

from .api_resources.base_client import (
    NOT_GIVEN,
    ClientOptions,
    NotGiven,
    Timeout,
    resolve_api_key,
    resolve_base_url,
)
from .api_resources.config import Config
from .api_resources.exceptions import InvalidRequestError, MissingConfigError
from .api_resources.headers import ConfigValue, portkey_headers

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
    """Client options from the module globals and ``config``, read now."""
    module = _globals()
    own_key = config.api_key if isinstance(config, Config) else None
    own_url = config.base_url if isinstance(config, Config) else None
    return ClientOptions(
        api_key=resolve_api_key(own_key, module.api_key),
        base_url=resolve_base_url(own_url, module.base_url),
        portkey_options={"config": config},
        timeout=module.timeout,
        max_retries=module.max_retries,
        default_mode=module.mode,
    )


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
    from .api_resources.sync_client import SyncAPIClient

    return SyncAPIClient(_options(config))


def _async_client(config: ConfigValue) -> Any:
    from .api_resources.async_client import AsyncAPIClient

    return AsyncAPIClient(_options(config))


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
        from .api_resources.resources.chat import ChatCompletions as Resource

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
        from .api_resources.resources.chat import AsyncChatCompletions as Resource

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
        from .api_resources.resources.completions import Completions as Resource

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
        from .api_resources.resources.completions import AsyncCompletions as Resource

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
        from .api_resources.resources.embeddings import Embeddings as Resource

        return Resource(_sync_client(_config(config))).create(input=input, **params)

    @classmethod
    async def acreate(cls, *, input: Any, config: ConfigArg = None, **params: Any) -> Any:
        """Async twin of :meth:`create`."""
        from .api_resources.resources.embeddings import AsyncEmbeddings as Resource

        return await Resource(_async_client(_config(config))).create(input=input, **params)


# The legacy SDK's name for text completions.
Completion = Completions
