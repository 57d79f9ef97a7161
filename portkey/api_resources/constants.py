"""Every fixed fact the SDK relies on, written once: URLs, env var names, header names, defaults."""

from typing import Dict, FrozenSet, Tuple

DEFAULT_BASE_URL = "https://api.portkey.ai/v1"

API_KEY_ENV = "PORTKEY_API_KEY"
BASE_URL_ENV = "PORTKEY_BASE_URL"
#: Older SDKs read the gateway URL from this variable; still honoured after PORTKEY_BASE_URL.
LEGACY_PROXY_ENV = "PORTKEY_PROXY"
LOG_LEVEL_ENV = "PORTKEY_LOG"
#: The secret ``client.webhooks`` checks signatures with when none is passed (as OpenAI's SDK).
WEBHOOK_SECRET_ENV = "OPENAI_WEBHOOK_SECRET"

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
#: Bytes of an error body an exception keeps (and the most that is read of one).
MAX_ERROR_BODY_BYTES = 64 * 1024

HEADER_PREFIX = "x-portkey-"
API_KEY_HEADER = "x-portkey-api-key"
CONFIG_HEADER = "x-portkey-config"
#: The same value on every attempt of one logical call, so a replay can be told from a new call.
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
#: 0 on a call's first attempt, then 1, 2, ... on the SDK's retries of it.
RETRY_COUNT_HEADER = "x-portkey-retry-count"
#: The request header that groups requests in Portkey's logs (see TRACE_ID_HEADER).
TRACE_ID_REQUEST_HEADER = "x-portkey-trace-id"
#: ``Authorization=...`` (as the reference SDK spells it) is a provider key, sent as the
#: ``Authorization`` header itself rather than an ``x-portkey-`` one.
AUTHORIZATION_PARAM = "Authorization"
AUTHORIZATION_HEADER = "Authorization"

#: The hosted gateway's URL, for ``openai.OpenAI(base_url=PORTKEY_GATEWAY_URL, ...)``.
PORTKEY_GATEWAY_URL = DEFAULT_BASE_URL

# The reference SDK's top-level names for three of these facts (its PORTKEY_BASE_URL is the
# URL itself, not the name of the variable BASE_URL_ENV).
PORTKEY_BASE_URL = DEFAULT_BASE_URL
PORTKEY_API_KEY_ENV = API_KEY_ENV
PORTKEY_PROXY_ENV = LEGACY_PROXY_ENV

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
        "x-portkey-vertex-service-account-json",
        "authorization",
        "api-key",
    }
)

#: Words that mark an ``x-portkey-*`` header the SDK does not know as a credential (masked too).
SECRET_NAME_WORDS: Tuple[str, ...] = ("key", "secret", "token", "password", "credential")

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

#: How deeply a config (or a model parameter in it) may nest. Configs are a few levels deep;
#: the limit stops a runaway structure with a clear error instead of a RecursionError.
MAX_CONFIG_DEPTH = 64

#: Largest ``x-portkey-config`` header the SDK sends (bytes). The open-source gateway's Node
#: server accepts 16 KiB of headers in all (measured on 1.15.2: a 16,146-byte config header
#: alone passed, 16,346 bytes got 431); this leaves room for metadata (4 KiB) and the rest.
#: Larger configs belong in a saved config on Portkey, sent by its slug (``pc-...``).
MAX_CONFIG_HEADER_BYTES = 10 * 1024

#: Providers whose deployment, not the request, decides the model: an LLM may omit ``model``.
DEPLOYMENT_MODEL_PROVIDERS: FrozenSet[str] = frozenset({"azure-openai"})
#: How long the polling helpers (``create_and_poll``, ``poll``, ...) wait between checks,
#: unless the call gives ``poll_interval_ms`` or the server asks for another interval.
DEFAULT_POLL_INTERVAL_MS = 1000
#: The response header in which a server asks for a polling interval (milliseconds).
POLL_AFTER_HEADER = "openai-poll-after-ms"
#: ``files.wait_for_processing`` defaults: seconds between checks and at most in all.
FILE_POLL_INTERVAL_SECONDS = 5.0
FILE_MAX_WAIT_SECONDS = 30 * 60
