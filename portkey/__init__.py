"""portkey: send LLM calls through the Portkey AI gateway, with routing written as config.

Module style::

    import portkey
    from portkey import Config, LLMOptions

    portkey.api_key = "..."                      # or env PORTKEY_API_KEY
    portkey.config = Config(mode="fallback", llms=[LLMOptions(...), LLMOptions(...)])
    response = portkey.ChatCompletions.create(messages=[{"role": "user", "content": "Hi"}])

Client style::

    from portkey import Portkey
    client = Portkey(api_key="...", config=...)
    client.chat.completions.create(messages=[...], model="gpt-4o")

The module globals below are read on every call. Names are loaded on first use, so
``import portkey`` stays cheap and does not load aiohttp unless async is used.
"""

import importlib
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ._vendor_check import warn_if_vendor_sdk_installed
from .api_resources.constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from .version import VERSION

__version__ = VERSION

#: Portkey API key; ``None`` means: read env ``PORTKEY_API_KEY`` at call time.
api_key: Optional[str] = None
#: Gateway URL; ``None`` means: env ``PORTKEY_BASE_URL`` / ``PORTKEY_PROXY``, else the hosted one.
base_url: Optional[str] = None
#: The routing config of module-level calls: a ``Config``, a dict or a config slug.
config: Any = None
#: Mode for a ``Config`` built without one (``single`` when this is ``None`` too).
mode: Optional[str] = None
#: Seconds to wait for the gateway; ``None`` waits without limit.
timeout: Optional[float] = DEFAULT_TIMEOUT
#: Retries of failed gateway calls (connection errors, 408/409/429/5xx).
max_retries: int = DEFAULT_MAX_RETRIES

_EXPORTS: Dict[str, Tuple[str, str]] = {}


def _export(module: str, *names: str) -> None:
    for name in names:
        _EXPORTS[name] = (module, name)


_export(
    "portkey.api_resources.config",
    "Config", "LLMOptions", "Message", "Modes", "ModesLiteral", "ProviderTypes",
    "ProviderTypesLiteral", "CacheType", "CacheLiteral", "RetrySettings",
)  # fmt: skip
_export(
    "portkey.api_resources.responses",
    "PortkeyResponse", "APIResponse", "ChatCompletion", "ChatCompletionChunk", "TextCompletion",
    "TextCompletionChunk", "CreateEmbeddingResponse", "GatewayInfo", "Usage",
)  # fmt: skip
_export(
    "portkey.api_resources.responses",
    "Model", "ModelList", "BinaryResponse", "GenericResponse",
)  # fmt: skip
_export(
    "portkey.api_resources.responses_extra",
    "ModelDeleted", "Image", "ImagesResponse", "Transcription", "Translation", "Moderation",
    "ModerationCreateResponse", "PromptCompletion", "PromptCompletionChunk", "PromptRender",
    "FeedbackResponse",
)  # fmt: skip
_export("portkey.api_resources.headers", "createHeaders", "create_headers")
_export(
    "portkey.api_resources.constants",
    "PORTKEY_GATEWAY_URL", "PORTKEY_BASE_URL", "PORTKEY_API_KEY_ENV", "PORTKEY_PROXY_ENV",
)  # fmt: skip
_export("portkey.api_resources.streaming", "Stream", "AsyncStream")
_export("portkey.api_resources.base_client", "NOT_GIVEN", "NotGiven")
_export(
    "portkey.api_resources.exceptions",
    "PortkeyError", "InvalidRequestError", "MissingAPIKeyError", "MissingProviderKeyError",
    "MissingConfigError", "InvalidConfigError",
    "InvalidHeaderValueError", "APIError", "APIConnectionError", "APITimeoutError",
    "StreamInterruptedError", "TLSError", "APIResponseValidationError", "APIStatusError",
    "RedirectError", "ProviderResponseError", "LengthFinishReasonError",
    "ContentFilterFinishReasonError", "PollTimeoutError",
    "BadRequestError",
    "AuthenticationError", "PermissionDeniedError", "NotFoundError", "ConflictError",
    "UnprocessableEntityError", "RateLimitError", "InternalServerError", "UnknownOptionWarning",
)  # fmt: skip
_export("portkey.api_resources.client", "Portkey")
_export("portkey.api_resources.async_portkey", "AsyncPortkey")
_export(
    "portkey.legacy", "ChatCompletions", "Completions", "Completion", "Embeddings", "Generations"
)

# The legacy SDK's name for createHeaders.
_EXPORTS["CreateHeaders"] = ("portkey.api_resources.headers", "createHeaders")


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'portkey' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(_EXPORTS))


def close() -> None:
    """Close the connections of module-level calls (clients close their own)."""
    from .legacy import transports

    transports.close()


async def aclose() -> None:
    """Close the running event loop's connections of module-level async calls."""
    from .legacy import transports

    await transports.aclose()


# Both this SDK and the vendor's (PyPI portkey-ai) write portkey_ai/: say so once (cheap check).
warn_if_vendor_sdk_installed()

__all__ = [*_EXPORTS, "aclose", "api_key", "base_url", "close", "config", "max_retries", "mode",
           "timeout"]  # fmt: skip

if TYPE_CHECKING:  # for type checkers and IDEs: the names __getattr__ serves
    from .api_resources.async_portkey import AsyncPortkey as AsyncPortkey
    from .api_resources.base_client import NOT_GIVEN as NOT_GIVEN
    from .api_resources.base_client import NotGiven as NotGiven
    from .api_resources.client import Portkey as Portkey
    from .api_resources.config import CacheLiteral as CacheLiteral
    from .api_resources.config import CacheType as CacheType
    from .api_resources.config import Config as Config
    from .api_resources.config import LLMOptions as LLMOptions
    from .api_resources.config import Message as Message
    from .api_resources.config import Modes as Modes
    from .api_resources.config import ModesLiteral as ModesLiteral
    from .api_resources.config import ProviderTypes as ProviderTypes
    from .api_resources.config import ProviderTypesLiteral as ProviderTypesLiteral
    from .api_resources.config import RetrySettings as RetrySettings
    from .api_resources.constants import PORTKEY_API_KEY_ENV as PORTKEY_API_KEY_ENV
    from .api_resources.constants import PORTKEY_BASE_URL as PORTKEY_BASE_URL
    from .api_resources.constants import PORTKEY_GATEWAY_URL as PORTKEY_GATEWAY_URL
    from .api_resources.constants import PORTKEY_PROXY_ENV as PORTKEY_PROXY_ENV
    from .api_resources.exceptions import *  # noqa: F403
    from .api_resources.headers import create_headers as create_headers
    from .api_resources.headers import createHeaders as createHeaders
    from .api_resources.responses import *  # noqa: F403
    from .api_resources.responses_extra import *  # noqa: F403
    from .api_resources.streaming import AsyncStream as AsyncStream
    from .api_resources.streaming import Stream as Stream
    from .legacy import ChatCompletions as ChatCompletions
    from .legacy import Completion as Completion
    from .legacy import Completions as Completions
    from .legacy import Embeddings as Embeddings
    from .legacy import Generations as Generations
