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
from typing import TYPE_CHECKING, Any, Callable, List, Mapping, Optional, Tuple, Union

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
from .api_resources.resources.base import Call
from .api_resources.resources.chat import chat_call
from .api_resources.resources.completions import completion_call

if TYPE_CHECKING:
    from .api_resources.async_portkey import AsyncPortkey
    from .api_resources.async_requestor import AsyncRequestor
    from .api_resources.client import Portkey
    from .api_resources.requestor import SyncRequestor

ConfigArg = Optional[ConfigValue]


def _globals() -> Any:
    return sys.modules["portkey"]


def _own_key(config: ConfigValue) -> Optional[str]:
    return config.api_key if isinstance(config, Config) else None


def _own_url(config: ConfigValue) -> Optional[str]:
    return config.base_url if isinstance(config, Config) else None


def _settings(config: ConfigValue) -> Tuple[Any, ...]:
    """What, besides the config, a client for ``config`` is built from, read now."""
    module = _globals()
    return (
        resolve_api_key(_own_key(config), module.api_key),
        resolve_base_url(_own_url(config), module.base_url),
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


class _Clients:
    """The clients of module-level calls routed by one config: a sync and an async one, built
    on first use on the module's connections, and what the module checks before a call."""

    def __init__(self, config: ConfigValue, settings: Tuple[Any, ...]) -> None:
        self.config = config
        self.options = _options(config, settings)
        # A Config is immutable: which LLMs lack a model is known once, not on every call.
        self.models_missing = config.models_missing() if isinstance(config, Config) else []
        self._sync: Optional[Portkey] = None
        self._async: Optional[AsyncPortkey] = None

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

    def check_model(self, params: Mapping[str, Any]) -> None:
        """Raise before sending when neither the call nor every LLM names a model."""
        if self.models_missing and params.get("model") is None:
            raise InvalidRequestError(
                f"llms[{self.models_missing[0]}] has no model: set LLMOptions(model=...) on "
                "every LLM, or pass model=... to create()",
                field="model",
            )


class _DefaultClient(_Clients):
    """The clients for ``portkey.config`` as built for one state of the globals, and that state.

    A call compares the module globals as set with those the clients were built from (one
    tuple comparison: identity first, then value, so an equal value set again changes
    nothing). Only when the state depends on them does it also compare a dict config with a
    copy taken when the clients were built (so a dict changed in place is noticed), read the
    key and URL from the environment again, or read the provider keys the config takes from
    the environment.
    """

    def __init__(
        self, config: ConfigValue, settings: Tuple[Any, ...], globals_seen: Tuple[Any, ...]
    ) -> None:
        super().__init__(config, settings)
        self.settings = settings
        self.globals_seen = globals_seen
        # A dict may be changed in place; a Config is immutable and a slug a string.
        self.config_is_mutable = isinstance(config, Mapping)
        self.snapshot = copy.deepcopy(config) if self.config_is_mutable else config
        self.env_names = _key_env_names(config)
        self.env_values = tuple(os.environ.get(name) for name in self.env_names)
        # The key or URL came from the environment: it must be read again on every call.
        self.settings_read_env = not (globals_seen[1] or _own_key(config)) or not (
            globals_seen[2] or _own_url(config)
        )

    def fits(self, globals_now: Tuple[Any, ...]) -> bool:
        """Whether these clients are what the globals ``globals_now`` and the environment
        would build now."""
        if globals_now != self.globals_seen:
            return False
        if self.config_is_mutable and self.config != self.snapshot:
            return False
        if self.settings_read_env and _settings(self.config) != self.settings:
            return False
        return self._provider_keys_unchanged()

    def _provider_keys_unchanged(self) -> bool:
        return not self.env_names or self.env_values == tuple(
            os.environ.get(name) for name in self.env_names
        )


def _sync_client_on(options: ClientOptions) -> "Portkey":
    from .api_resources.client import Portkey

    return Portkey._from_options(options, transports.sync())


def _async_client_on(options: ClientOptions) -> "AsyncPortkey":
    from .api_resources.async_portkey import AsyncPortkey

    return AsyncPortkey._from_options(options, transports.async_())


_default: Optional[_DefaultClient] = None


def _globals_now() -> Tuple[Any, ...]:
    """The module globals a default client is built from, as set now."""
    module = _globals()
    return (
        module.config,
        module.api_key,
        module.base_url,
        module.timeout,
        module.max_retries,
        module.mode,
    )


def default_client() -> _DefaultClient:
    """The default clients for ``portkey.config`` and the module globals now, rebuilt if one
    of them (or the environment they were read from) changed."""
    global _default
    globals_now = _globals_now()
    current = _default
    if current is not None and current.fits(globals_now):
        return current
    config = globals_now[0]
    current = _default = _DefaultClient(config, _settings(config), globals_now)
    return current


def _clients(config: ConfigArg) -> _Clients:
    """The clients a module-level call goes through: the default ones for ``portkey.config``,
    or, for a call given its own ``config=``, ones for it on the module's connections."""
    if config is None:
        clients = default_client()
        if clients.config is None:
            raise MissingConfigError(
                "no config to route by: set portkey.config = Config(mode=..., llms=[...]) or "
                "pass config=... (a Config, a dict or a config slug)",
                field="config",
            )
        return clients
    return _Clients(config, _settings(config))


def _per_call_headers(
    trace_id: Optional[str],
    metadata: Optional[Mapping[str, str]],
    cache_force_refresh: Optional[bool],
    extra_headers: Optional[Mapping[str, str]],
) -> Optional[Mapping[str, str]]:
    """The headers of one module-level call: its tracing and cache options, with the caller's
    own ``extra_headers`` over them."""
    if trace_id is None and metadata is None and cache_force_refresh is None:
        return extra_headers
    headers = portkey_headers(
        {"trace_id": trace_id, "metadata": metadata, "cache_force_refresh": cache_force_refresh}
    )
    if extra_headers:
        headers.update(extra_headers)
    return headers


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


def _routed_call(
    clients: _Clients,
    build: Callable[..., Call],
    inputs: Mapping[str, Any],
    *,
    stream: bool,
    trace_id: Optional[str],
    metadata: Optional[Mapping[str, str]],
    cache_force_refresh: Optional[bool],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
    params: Any,
) -> Call:
    """The :class:`Call` of one module-level chat or text call, built by the resource's own
    call builder ``build`` (``chat_call`` or ``completion_call``), as the client style's
    ``create`` builds it. A module call hands it straight to the client's ``send``: for an
    async call that is one coroutine layer fewer on every suspension."""
    clients.check_model(params)
    extra_headers = params.pop("extra_headers", None)
    return build(
        **inputs,
        model=params.pop("model", None),
        stream=stream,
        params=params,
        extra_headers=_per_call_headers(trace_id, metadata, cache_force_refresh, extra_headers),
        extra_body=params.pop("extra_body", None),
        timeout=timeout,
        max_retries=max_retries,
    )


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
        clients = _clients(config)
        call = _routed_call(
            clients,
            chat_call,
            {"messages": _messages(clients.config, messages)},
            stream=stream,
            trace_id=trace_id,
            metadata=metadata,
            cache_force_refresh=cache_force_refresh,
            timeout=timeout,
            max_retries=max_retries,
            params=params,
        )
        return clients.sync_client().send(call)

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
        clients = _clients(config)
        call = _routed_call(
            clients,
            chat_call,
            {"messages": _messages(clients.config, messages)},
            stream=stream,
            trace_id=trace_id,
            metadata=metadata,
            cache_force_refresh=cache_force_refresh,
            timeout=timeout,
            max_retries=max_retries,
            params=params,
        )
        return await clients.async_client().send(call)


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
        clients = _clients(config)
        call = _routed_call(
            clients,
            completion_call,
            {"prompt": _prompt(clients.config, prompt)},
            stream=stream,
            trace_id=trace_id,
            metadata=metadata,
            cache_force_refresh=cache_force_refresh,
            timeout=timeout,
            max_retries=max_retries,
            params=params,
        )
        return clients.sync_client().send(call)

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
        clients = _clients(config)
        call = _routed_call(
            clients,
            completion_call,
            {"prompt": _prompt(clients.config, prompt)},
            stream=stream,
            trace_id=trace_id,
            metadata=metadata,
            cache_force_refresh=cache_force_refresh,
            timeout=timeout,
            max_retries=max_retries,
            params=params,
        )
        return await clients.async_client().send(call)


class Embeddings:
    """``portkey.Embeddings``: embeddings routed by ``portkey.config``."""

    @classmethod
    def create(cls, *, input: Any, config: ConfigArg = None, **params: Any) -> Any:
        """Embed ``input`` through the gateway."""
        return _clients(config).sync_client().embeddings.create(input=input, **params)

    @classmethod
    async def acreate(cls, *, input: Any, config: ConfigArg = None, **params: Any) -> Any:
        """Async twin of :meth:`create`."""
        return await _clients(config).async_client().embeddings.create(input=input, **params)


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
        client = default_client().sync_client()
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
        client = default_client().async_client()
        return await client.generations.create(
            prompt_id=prompt_id, variables=variables, config=config, **params
        )
