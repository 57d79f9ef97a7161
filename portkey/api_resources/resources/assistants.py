"""``beta.assistants``: models with instructions and tools (OpenAI Assistants API v2)."""

from ..platform_types import Assistant
from .crud import (
    CRUD,
    AsyncCRUD,
    Endpoint,
)

#: The Assistants API answers only calls that opt in to its version.
ASSISTANTS_BETA = {"OpenAI-Beta": "assistants=v2"}

ASSISTANTS = Endpoint(
    "/assistants",
    Assistant,
    id_name="assistant_id",
    headers=ASSISTANTS_BETA,
    required=("model",),
    # the reference takes every create field positionally, in this order
    create_args=(
        "model",
        "description",
        "instructions",
        "metadata",
        "name",
        "response_format",
        "temperature",
        "tool_resources",
        "tools",
        "top_p",
    ),
)


class Assistants(CRUD[Assistant]):
    """``client.beta.assistants``: ``create``, ``list``, ``retrieve``, ``update``, ``delete``."""

    endpoint = ASSISTANTS


class AsyncAssistants(AsyncCRUD[Assistant]):
    """Async twin of :class:`Assistants`."""

    endpoint = ASSISTANTS


__all__ = ["ASSISTANTS_BETA", "Assistants", "AsyncAssistants"]
