"""Every fixed fact the SDK relies on, written once: URLs, env var names, header names, defaults."""

from typing import Dict, FrozenSet, Tuple

DEFAULT_BASE_URL = "https://api.portkey.ai/v1"

API_KEY_ENV = "PORTKEY_API_KEY"
BASE_URL_ENV = "PORTKEY_BASE_URL"
#: Older SDKs read the gateway URL from this variable; still honoured after PORTKEY_BASE_URL.
LEGACY_PROXY_ENV = "PORTKEY_PROXY"
LOG_LEVEL_ENV = "PORTKEY_LOG"

#: Seconds before a request is abandoned. LLM calls can be slow, but never wait forever by default.
DEFAULT_TIMEOUT = 600.0
#: Retries of the gateway call itself (connection errors, 408/409/429/5xx); target retries are
#: the gateway's job and live in the config.
DEFAULT_MAX_RETRIES = 2
#: A Retry-After longer than this is not honoured: the normal backoff applies instead.
MAX_RETRY_AFTER_SECONDS = 60.0
INITIAL_RETRY_DELAY_SECONDS = 0.5
MAX_RETRY_DELAY_SECONDS = 8.0
RETRYABLE_STATUS_CODES: FrozenSet[int] = frozenset({408, 409, 429})

HEADER_PREFIX = "x-portkey-"
API_KEY_HEADER = "x-portkey-api-key"
CONFIG_HEADER = "x-portkey-config"

# Response headers the gateway adds (see GatewayInfo).
LAST_USED_OPTION_INDEX_HEADER = "x-portkey-last-used-option-index"
RETRY_ATTEMPT_COUNT_HEADER = "x-portkey-retry-attempt-count"
CACHE_STATUS_HEADER = "x-portkey-cache-status"
TRACE_ID_HEADER = "x-portkey-trace-id"
PROVIDER_HEADER = "x-portkey-provider"

#: Headers whose values are credentials: masked in logs, reprs and error messages.
SECRET_HEADERS: FrozenSet[str] = frozenset(
    {
        API_KEY_HEADER,
        "x-portkey-virtual-key",
        "x-portkey-aws-access-key-id",
        "x-portkey-aws-secret-access-key",
        "x-portkey-aws-session-token",
        "authorization",
        "api-key",
    }
)

#: The env var that holds each provider's key, read (at request time) for an LLM given no key.
PROVIDER_KEY_ENVS: Dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "azure-openai": "AZURE_OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "cohere": "COHERE_API_KEY",
    "huggingface": "HUGGINGFACE_API_KEY",
    "mistral-ai": "MISTRAL_API_KEY",
    "groq": "GROQ_API_KEY",
    "together-ai": "TOGETHER_API_KEY",
    "google": "GOOGLE_API_KEY",
    "anyscale": "ANYSCALE_API_KEY",
    "perplexity-ai": "PERPLEXITY_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "fireworks-ai": "FIREWORKS_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "x-ai": "XAI_API_KEY",
}

#: Providers whose servers need no key (local model servers).
KEYLESS_PROVIDERS: FrozenSet[str] = frozenset({"ollama", "triton"})

#: Provider names the pinned open-source gateway (1.15.2) routes to.
GATEWAY_PROVIDERS: Tuple[str, ...] = (
    "openai", "cohere", "azure-openai", "azure-ai", "anthropic", "anyscale", "palm",
    "together-ai", "google", "vertex-ai", "huggingface", "perplexity-ai", "reka-ai",
    "mistral-ai", "deepinfra", "ncompass", "stability-ai", "nomic", "ollama", "ai21",
    "bedrock", "groq", "segmind", "jina", "fireworks-ai", "workers-ai", "moonshot",
    "openrouter", "lingyi", "zhipu", "novita-ai", "monsterapi", "deepseek", "predibase",
    "triton", "voyage", "github", "deepbricks", "siliconflow", "cerebras", "inference-net",
    "sambanova", "lemonfox-ai", "upstage", "lambda", "dashscope", "x-ai", "cortex",
    "sagemaker", "nebius", "recraft-ai", "milvus", "replicate", "portkey", "lepton",
    "kluster-ai", "nscale", "hyperbolic", "bytez", "featherless-ai", "krutrim", "qdrant",
    "302ai", "cometapi", "matterai", "meshy", "tripo3d", "nextbit", "modal", "z-ai",
    "oracle", "iointelligence", "aibadgr", "ovhcloud",
)  # fmt: skip

#: Metadata travels in one header; keep it well under common header size limits.
MAX_METADATA_BYTES = 4096

#: How long the polling helpers (``create_and_poll``, ``poll``, ...) wait between checks,
#: unless the call gives ``poll_interval_ms`` or the server asks for another interval.
DEFAULT_POLL_INTERVAL_MS = 1000
#: The response header in which a server asks for a polling interval (milliseconds).
POLL_AFTER_HEADER = "openai-poll-after-ms"
#: ``files.wait_for_processing`` defaults: seconds between checks and at most in all.
FILE_POLL_INTERVAL_SECONDS = 5.0
FILE_MAX_WAIT_SECONDS = 30 * 60
