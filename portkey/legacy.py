"""The module-level API: ``portkey.ChatCompletions.create()`` routed by ``portkey.config``.

Module-level calls go through one default client (and one async twin), built from the module
globals (``portkey.api_key``, ``base_url``, ``config``, ``mode``, ``timeout``, ``max_retries``)
and the environment, and built again when any of them has changed since: set a global at any
time and the next call uses it. A call given its own ``config=`` gets a client for that config
that borrows the default client's connections. Either way a call is built and sent by the same
resource code as the client style.
"""

import copy
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Tuple, Union

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

if TYPE_CHECKING:
    from .api_resources.async_portkey import AsyncPortkey
    from .api_resources.async_requestor import AsyncRequestor
    from .api_resources.client import Portkey
    from .api_resources.requestor import SyncRequestor

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


def _settings(config: ConfigValue) -> Tuple[Any, ...]:
    """What, besides the config, a client for ``config`` is built from, read now."""
    module = _globals()
    own_key = own_url = None
    if isinstance(config, Config):
        own_key, own_url = config.api_key, config.base_url
    return (
        resolve_api_key(own_key, module.api_key),
        resolve_base_url(own_url, module.base_url),
        module.timeout,
        module.max_retries,
        module.mode,
    )


def _options(config: ConfigValue, settings: Tuple[Any, ...]) -> ClientOptions:
    api_key, base_url, timeout, max_retries, mode = settings
    return ClientOptions(
        api_key=api_key,
        base_url=base_url,
        portkey_options={"config": config},
        timeout=timeout,
        max_retries=max_retries,
        default_mode=mode,
    )


def _key_env_names(config: ConfigValue) -> Tuple[str, ...]:
    """The environment variables the config's provider keys are read from (LLMs given none)."""
    routed: Any = config
    if isinstance(config, Mapping):
        try:
            routed = config_from_mapping(config)
        except Exception:  # an invalid dict: building the client reports it properly
            return ()
    if not isinstance(routed, Config):
        return ()
    return tuple(name for name in (llm.key_env_var() for llm in routed.llms) if name)


class _Transports:
    """The connections of module-level calls: one sync and one async requestor, made on first
    use, shared by every client the module builds, closed by ``portkey.close()`` /
    ``portkey.aclose()``. Rebuilding the default client after a global changed keeps them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sync: Any = None
        self._async: Any = None

    def sync(self) -> "SyncRequestor":
        """The sync requestor."""
        if self._sync is None:
            with self._lock:
                if self._sync is None:
                    from .api_resources.requestor import SyncRequestor

                    self._sync = SyncRequestor()
        return self._sync  # type: ignore[no-any-return]

    def async_(self) -> "AsyncRequestor":
        """The async requestor."""
        if self._async is None:
            with self._lock:
                if self._async is None:
                    from .api_resources.async_requestor import AsyncRequestor

                    self._async = AsyncRequestor()
        return self._async  # type: ignore[no-any-return]

    def close(self) -> None:
        """Close the sync connections."""
        if self._sync is not None:
            self._sync.close()

    async def aclose(self) -> None:
        """Close the async connections of the running loop (and of loops already closed)."""
        if self._async is not None:
            await self._async.aclose()


transports = _Transports()


class _DefaultClient:
    """The module's clients as built for one state of the globals, and that state.

    A :class:`Config` is compared by identity (it is immutable), a dict by value against a
    copy taken when the clients were built (so a dict changed in place is noticed), a slug by
    value; the provider keys read from the environment are compared by value.
    """

    def __init__(self, config: ConfigValue, settings: Tuple[Any, ...]) -> None:
        self.config = config
        self.snapshot = copy.deepcopy(config) if isinstance(config, Mapping) else config
        self.settings = settings
        self.env_names = _key_env_names(config)
        self.env_values = tuple(os.environ.get(name) for name in self.env_names)
        self.options = _options(config, settings)
        self._sync: Optional[Portkey] = None
        self._async: Optional[AsyncPortkey] = None

    def fits(self, config: ConfigValue, settings: Tuple[Any, ...]) -> bool:
        """Whether these clients are what ``config`` and ``settings`` would build now."""
        if settings != self.settings:
            return False
        if config is not self.config:
            if isinstance(config, Config) or isinstance(self.config, Config):
                return False
            if type(config) is not type(self.snapshot) or config != self.snapshot:
                return False
        elif (
            # A Config is checked first: isinstance against typing's Mapping goes through two
            # ABC hooks, about 1 us on every module-level call.
            not isinstance(config, Config)
            and isinstance(config, Mapping)
            and config != self.snapshot
        ):
            return False
        return not self.env_names or self.env_values == tuple(
            os.environ.get(name) for name in self.env_names
        )

    def sync_client(self) -> "Portkey":
        """The sync client (built on first use; two threads racing build equal ones)."""
        if self._sync is None:
            self._sync = _sync_client_on(self.options)
        return self._sync

    def async_client(self) -> "AsyncPortkey":
        """The async client (built on first use)."""
        if self._async is None:
            self._async = _async_client_on(self.options)
        return self._async


def _sync_client_on(options: ClientOptions) -> "Portkey":
    from .api_resources.client import Portkey

    return Portkey._from_options(options, transports.sync())


def _async_client_on(options: ClientOptions) -> "AsyncPortkey":
    from .api_resources.async_portkey import AsyncPortkey

    return AsyncPortkey._from_options(options, transports.async_())


_default: Optional[_DefaultClient] = None


def default_client(config: ConfigValue) -> _DefaultClient:
    """The default clients for ``config`` and the module globals now, rebuilt if one changed."""
    global _default
    settings = _settings(config)
    current = _default
    if current is None or not current.fits(config, settings):
        current = _default = _DefaultClient(config, settings)
    return current


def _sync_client(chosen: ConfigValue) -> "Portkey":
    """The client for a call routed by ``chosen`` (what :func:`_config` resolved): the default
    one for ``portkey.config``, else one for that config on the module's connections."""
    if chosen is _globals().config:
        return default_client(chosen).sync_client()
    return _sync_client_on(_options(chosen, _settings(chosen)))


def _async_client(chosen: ConfigValue) -> "AsyncPortkey":
    """Async twin of :func:`_sync_client`."""
    if chosen is _globals().config:
        return default_client(chosen).async_client()
    return _async_client_on(_options(chosen, _settings(chosen)))


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
        chosen = _config(config)
        _check_model(chosen, params)
        return _sync_client(chosen).chat.completions.create(
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
        chosen = _config(config)
        _check_model(chosen, params)
        return await _async_client(chosen).chat.completions.create(
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
        chosen = _config(config)
        _check_model(chosen, params)
        return _sync_client(chosen).completions.create(
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
        chosen = _config(config)
        _check_model(chosen, params)
        return await _async_client(chosen).completions.create(
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
        return _sync_client(_config(config)).embeddings.create(input=input, **params)

    @classmethod
    async def acreate(cls, *, input: Any, config: ConfigArg = None, **params: Any) -> Any:
        """Async twin of :meth:`create`."""
        return await _async_client(_config(config)).embeddings.create(input=input, **params)


# The legacy SDK's name for text completions.
Completion = Completions


class Generations:
    """``portkey.Generations``: the 0.1.x SDK's saved-prompt calls (deprecated; see
    ``client.prompts.completions``)."""

    @classmethod
    def create(
        cls,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = None,
        config: ConfigArg = None,
        **params: Any,
    ) -> Any:
        """Run the saved prompt ``prompt_id`` with ``variables`` (warns: deprecated).
        ``config`` replaces ``portkey.config`` for this call; neither is required."""
        client = default_client(_globals().config).sync_client()
        return client.generations.create(
            prompt_id=prompt_id, variables=variables, config=config, **params
        )

    @classmethod
    async def acreate(
        cls,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = None,
        config: ConfigArg = None,
        **params: Any,
    ) -> Any:
        """Async twin of :meth:`create`."""
        client = default_client(_globals().config).async_client()
        return await client.generations.create(
            prompt_id=prompt_id, variables=variables, config=config, **params
        )
