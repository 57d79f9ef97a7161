"""Lenient response models of the resources added to match the reference SDK's surface: prompt
management, guardrails, MCP servers and integrations, analytics, conversations, videos, skills,
ChatKit, GA realtime and webhooks.

Like :mod:`.platform_types`, each types the few fields callers reach for most and keeps every
other field as sent (``obj.new_field`` / ``obj["new_field"]``).
"""

from typing import Any, Dict, List, Optional

from .platform_types import PlatformObject
from .responses import APIResponse

# ---- Portkey control plane --------------------------------------------------------------------


class Prompt(PlatformObject):
    """A saved prompt template (by ``slug``)."""

    slug: Optional[str] = None
    name: Optional[str] = None
    collection_id: Optional[str] = None
    status: Optional[str] = None


class PromptVersion(PlatformObject):
    """One version of a saved prompt."""

    prompt_version: Optional[int] = None
    label_id: Optional[str] = None


class PromptPartial(PlatformObject):
    """A reusable prompt fragment (by ``slug``)."""

    slug: Optional[str] = None
    name: Optional[str] = None
    string: Optional[str] = None
    version: Optional[int] = None


class Guardrail(PlatformObject):
    """A guardrail: ``checks`` run on requests or responses, ``actions`` on their verdict."""

    slug: Optional[str] = None
    name: Optional[str] = None
    checks: Optional[List[Any]] = None
    actions: Optional[Dict[str, Any]] = None


class McpServer(PlatformObject):
    """An MCP server made available to a workspace."""

    slug: Optional[str] = None
    name: Optional[str] = None
    mcp_integration_id: Optional[str] = None


class McpIntegration(PlatformObject):
    """An MCP integration: a remote MCP endpoint and how to authenticate to it."""

    slug: Optional[str] = None
    name: Optional[str] = None
    url: Optional[str] = None
    auth_type: Optional[str] = None
    transport: Optional[str] = None


class AnalyticsResult(APIResponse):
    """An analytics graph, group or summary: ``summary`` and per-bucket ``data_points``."""

    object: Optional[str] = None
    summary: Optional[Dict[str, Any]] = None
    data_points: Optional[List[Any]] = None
    data: Optional[List[Any]] = None
    total: Optional[int] = None


# ---- OpenAI-style APIs ------------------------------------------------------------------------


class Conversation(PlatformObject):
    """A stored conversation (Responses API state)."""

    created_at: Optional[int] = None
    metadata: Optional[Dict[str, Any]] = None


class ConversationItem(PlatformObject):
    """One item of a conversation: a message, a tool call, a tool output, ..."""

    type: Optional[str] = None
    role: Optional[str] = None
    status: Optional[str] = None
    content: Optional[List[Any]] = None


class ConversationItemList(APIResponse):
    """The items added by one ``conversations.items.create`` call."""

    object: Optional[str] = None
    data: List[ConversationItem] = []
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None


class Video(PlatformObject):
    """A video generation job; ``status`` moves through ``queued`` / ``in_progress`` to
    ``completed`` or ``failed``."""

    status: Optional[str] = None
    model: Optional[str] = None
    progress: Optional[int] = None
    seconds: Optional[str] = None
    size: Optional[str] = None
    error: Optional[Any] = None


class VideoCharacter(PlatformObject):
    """A character that videos can reuse."""

    name: Optional[str] = None


class Skill(PlatformObject):
    """A skill (a bundle of instructions and files) and its default version."""

    name: Optional[str] = None
    default_version: Optional[str] = None
    latest_version: Optional[str] = None


class SkillVersion(PlatformObject):
    """One version of a skill."""

    skill_id: Optional[str] = None
    version: Optional[str] = None


class ChatKitSession(PlatformObject):
    """A ChatKit session with its short-lived ``client_secret``."""

    client_secret: Optional[str] = None
    status: Optional[str] = None
    user: Optional[str] = None


class ChatKitThread(PlatformObject):
    """A ChatKit thread."""

    title: Optional[str] = None
    user: Optional[str] = None
    status: Optional[Any] = None


class ChatKitThreadItem(PlatformObject):
    """One item of a ChatKit thread."""

    type: Optional[str] = None
    thread_id: Optional[str] = None


class RealtimeClientSecret(APIResponse):
    """An ephemeral key for a browser or phone to open a realtime session."""

    value: Optional[str] = None
    expires_at: Optional[int] = None
    session: Optional[Dict[str, Any]] = None


class TranscriptionSession(PlatformObject):
    """A realtime transcription session with its ``client_secret``."""

    client_secret: Optional[Any] = None
    modalities: Optional[List[str]] = None


class WebhookEvent(PlatformObject):
    """A verified webhook event: ``type`` (``response.completed``, ...) and its ``data``."""

    type: Optional[str] = None
    created_at: Optional[int] = None
    data: Optional[Dict[str, Any]] = None


__all__ = [
    "AnalyticsResult",
    "ChatKitSession",
    "ChatKitThread",
    "ChatKitThreadItem",
    "Conversation",
    "ConversationItem",
    "ConversationItemList",
    "Guardrail",
    "McpIntegration",
    "McpServer",
    "Prompt",
    "PromptPartial",
    "PromptVersion",
    "RealtimeClientSecret",
    "Skill",
    "SkillVersion",
    "TranscriptionSession",
    "Video",
    "VideoCharacter",
    "WebhookEvent",
]
