"""Every verb added to match the reference SDK's surface (prompt management, guardrails, MCP
servers and integrations, analytics, conversations, GA realtime, videos, skills, ChatKit,
feedback.bulk_create, ...) and the positional forms the reference allows, against the provider
stand-in used as a local recording server: method, path, query, JSON body and headers, sync and
async. Multipart, two-step and polling verbs, and bad input, follow the table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, AsyncIterator, List

import pytest
from platform_support import (
    PORTKEY_KEY,
    PROVIDER_KEY,
    TARGET,
    Case,
    check_case,
    direct_client,
    gateway_client,
    list_answer,
    multipart_fields,
    resolve,
)
from provider_stub import DEFAULT_TARGET, ProviderStub, status
from realtime_server import RealtimeServer

from portkey import AsyncPortkey, InvalidRequestError, NotFoundError, Portkey
from portkey.api_resources import platform_types as t
from portkey.api_resources import surface_types as s
from portkey.api_resources.platform_types import ListResponse
from portkey.api_resources.resources.pagination import AsyncPage, SyncPage
from portkey.api_resources.responses import BinaryResponse, GenericResponse

PAGE = (SyncPage, AsyncPage)
LIST = list_answer("x_1", "x_2")
NUMBERED = {"object": "list", "total": 2, "data": [{"id": "x_1"}, {"id": "x_2"}]}
WINDOW = {"time_of_generation_min": "2026-01-01", "time_of_generation_max": "2026-01-31"}
CHATKIT = {"OpenAI-Beta": "chatkit_beta=v1"}
ASSISTANTS = {"OpenAI-Beta": "assistants=v2"}
GR = GenericResponse

GRAPHS = {
    "requests": "requests", "cost": "cost", "latency": "latency", "tokens": "tokens",
    "users": "users", "users_requests": "users/requests", "errors": "errors",
    "errors_rate": "errors/rate", "errors_stacks": "errors/stacks",
    "errors_status_codes": "errors/status-codes", "requests_rescued": "requests/rescued",
    "cache_hit_rate": "cache/hit-rate", "cache_latency": "cache/latency",
    "feedbacks": "feedbacks", "feedbacks_scores": "feedbacks/scores",
    "feedbacks_weighted": "feedbacks/weighted", "feedbacks_ai_models": "feedbacks/ai-models",
}  # fmt: skip
GROUPS = {"users": "users", "ai_models": "ai-models", "workspaces": "workspaces"}


def _graph(verb: str) -> Any:
    return lambda c: getattr(c.analytics.graphs, verb)(**WINDOW, workspace_slug="ws")


def _group(verb: str) -> Any:
    return lambda c: getattr(c.analytics.groups, verb)(**WINDOW)


ANALYTICS: List[Case] = [
    *[Case(f"analytics.graphs.{verb}", _graph(verb), "GET", f"/analytics/graphs/{path}",
           {**WINDOW, "workspace_slug": "ws"}, result_type=s.AnalyticsResult)
      for verb, path in GRAPHS.items()],
    *[Case(f"analytics.groups.{verb}", _group(verb), "GET", f"/analytics/groups/{path}", WINDOW,
           result_type=s.AnalyticsResult)
      for verb, path in GROUPS.items()],
    Case("analytics.groups.metadata", lambda c: c.analytics.groups.metadata("env", **WINDOW),
         "GET", "/analytics/groups/metadata/env", WINDOW, result_type=s.AnalyticsResult),
    Case("analytics.groups.group_by",
         lambda c: c.analytics.groups.group_by("model", **WINDOW, include_total=True), "GET",
         "/analytics/groups/model", {**WINDOW, "include_total": "true"},
         result_type=s.AnalyticsResult),
    Case("analytics.summary.cache", lambda c: c.analytics.summary.cache(**WINDOW), "GET",
         "/analytics/summary/cache", WINDOW, result_type=s.AnalyticsResult),
]  # fmt: skip

CONTROL_PLANE: List[Case] = [
    # prompt management
    Case("prompts.create",
         lambda c: c.prompts.create(name="greet", collection_id="col_1", string="Hi {{n}}",
                                    parameters={"model": "gpt-4o"}),
         "POST", "/prompts",
         body={"name": "greet", "collection_id": "col_1", "string": "Hi {{n}}",
               "parameters": {"model": "gpt-4o"}}, result_type=s.Prompt),
    Case("prompts.list", lambda c: c.prompts.list(collection_id="col_1", page_size=2), "GET",
         "/prompts", {"collection_id": "col_1", "page_size": "2"}, answer=NUMBERED,
         result_type=PAGE),
    Case("prompts.retrieve", lambda c: c.prompts.retrieve("greet-1"), "GET", "/prompts/greet-1",
         result_type=s.Prompt),
    Case("prompts.update", lambda c: c.prompts.update("greet-1", string="Hello {{n}}"), "PUT",
         "/prompts/greet-1", body={"string": "Hello {{n}}"}, result_type=s.Prompt),
    Case("prompts.delete", lambda c: c.prompts.delete("greet-1"), "DELETE", "/prompts/greet-1",
         result_type=t.DeletedObject),
    Case("prompts.publish", lambda c: c.prompts.publish("greet-1", version=3), "PUT",
         "/prompts/greet-1/makeDefault", body={"version": 3}, result_type=GR),
    Case("prompts.versions.list", lambda c: c.prompts.versions.list("greet-1"), "GET",
         "/prompts/greet-1/versions", answer=NUMBERED, result_type=PAGE),
    Case("prompts.versions.retrieve(slug, version)",
         lambda c: c.prompts.versions.retrieve("greet-1", "ver_2"), "GET",
         "/prompts/greet-1/versions/ver_2", result_type=s.PromptVersion),
    Case("prompts.versions.update",
         lambda c: c.prompts.versions.update("greet-1", "ver_2", label_id="lab_1"), "PUT",
         "/prompts/greet-1/versions/ver_2", body={"label_id": "lab_1"},
         result_type=s.PromptVersion),
    Case("prompts.partials.create",
         lambda c: c.prompts.partials.create(name="sig", string="Regards", workspace_id="ws"),
         "POST", "/prompts/partials", body={"name": "sig", "string": "Regards",
                                            "workspace_id": "ws"},
         result_type=s.PromptPartial),
    Case("prompts.partials.list", lambda c: c.prompts.partials.list(collection_id="col_1"),
         "GET", "/prompts/partials", {"collection_id": "col_1"}, answer=NUMBERED,
         result_type=PAGE),
    Case("prompts.partials.retrieve", lambda c: c.prompts.partials.retrieve("sig-1"), "GET",
         "/prompts/partials/sig-1", result_type=s.PromptPartial),
    Case("prompts.partials.update",
         lambda c: c.prompts.partials.update("sig-1", string="Best", status="active"), "PUT",
         "/prompts/partials/sig-1", body={"string": "Best", "status": "active"},
         result_type=s.PromptPartial),
    Case("prompts.partials.delete", lambda c: c.prompts.partials.delete("sig-1"), "DELETE",
         "/prompts/partials/sig-1", result_type=t.DeletedObject),
    Case("prompts.partials.publish", lambda c: c.prompts.partials.publish("sig-1", version=2),
         "PUT", "/prompts/partials/sig-1/makeDefault", body={"version": 2}, result_type=GR),
    Case("prompts.partials.versions.list",
         lambda c: c.prompts.partials.versions.list("sig-1"), "GET",
         "/prompts/partials/sig-1/versions", answer=NUMBERED, result_type=PAGE),
    # guardrails
    Case("guardrails.create",
         lambda c: c.guardrails.create(name="pii", checks=[{"id": "default.pii"}],
                                       actions={"deny": True}, workspace_id="ws"),
         "POST", "/guardrails",
         body={"name": "pii", "checks": [{"id": "default.pii"}], "actions": {"deny": True},
               "workspace_id": "ws"}, result_type=s.Guardrail),
    Case("guardrails.list", lambda c: c.guardrails.list(workspace_id="ws", page_size=2), "GET",
         "/guardrails", {"workspace_id": "ws", "page_size": "2"}, answer=NUMBERED,
         result_type=PAGE),
    Case("guardrails.retrieve", lambda c: c.guardrails.retrieve("gr_1"), "GET",
         "/guardrails/gr_1", result_type=s.Guardrail),
    Case("guardrails.update", lambda c: c.guardrails.update("gr_1", name="pii-2"), "PUT",
         "/guardrails/gr_1", body={"name": "pii-2"}, result_type=s.Guardrail),
    Case("guardrails.delete", lambda c: c.guardrails.delete("gr_1"), "DELETE",
         "/guardrails/gr_1", result_type=t.DeletedObject),
    # MCP servers
    Case("mcp_servers.create",
         lambda c: c.mcp_servers.create(name="linear", mcp_integration_id="mi_1"), "POST",
         "/mcp-servers", body={"name": "linear", "mcp_integration_id": "mi_1"},
         result_type=s.McpServer),
    Case("mcp_servers.list", lambda c: c.mcp_servers.list(workspace_id="ws", search="lin"),
         "GET", "/mcp-servers", {"workspace_id": "ws", "search": "lin"}, answer=NUMBERED,
         result_type=PAGE),
    Case("mcp_servers.retrieve", lambda c: c.mcp_servers.retrieve("ms_1"), "GET",
         "/mcp-servers/ms_1", result_type=s.McpServer),
    Case("mcp_servers.update", lambda c: c.mcp_servers.update("ms_1", description="d"), "PUT",
         "/mcp-servers/ms_1", body={"description": "d"}, result_type=s.McpServer),
    Case("mcp_servers.delete", lambda c: c.mcp_servers.delete("ms_1"), "DELETE",
         "/mcp-servers/ms_1", result_type=t.DeletedObject),
    Case("mcp_servers.test", lambda c: c.mcp_servers.test("ms_1"), "POST",
         "/mcp-servers/ms_1/test", result_type=GR),
    Case("mcp_servers.get_tokens", lambda c: c.mcp_servers.get_tokens("ms_1"), "GET",
         "/mcp-servers/ms_1/tokens", result_type=GR),
    Case("mcp_servers.update_tokens",
         lambda c: c.mcp_servers.update_tokens("ms_1", access_token="at", refresh_token="rt"),
         "PUT", "/mcp-servers/ms_1/tokens", body={"access_token": "at", "refresh_token": "rt"},
         result_type=GR),
    Case("mcp_servers.delete_tokens", lambda c: c.mcp_servers.delete_tokens("ms_1"), "DELETE",
         "/mcp-servers/ms_1/tokens", result_type=GR),
    Case("mcp_servers.get_client_info", lambda c: c.mcp_servers.get_client_info("ms_1"), "GET",
         "/mcp-servers/ms_1/client-info", result_type=GR),
    Case("mcp_servers.capabilities.list", lambda c: c.mcp_servers.capabilities.list("ms_1"),
         "GET", "/mcp-servers/ms_1/capabilities", answer=NUMBERED, result_type=PAGE),
    Case("mcp_servers.capabilities.update",
         lambda c: c.mcp_servers.capabilities.update(
             "ms_1", capabilities=[{"name": "search", "enabled": False}]),
         "PUT", "/mcp-servers/ms_1/capabilities",
         body={"capabilities": [{"name": "search", "enabled": False}]}, result_type=GR),
    Case("mcp_servers.capabilities.sync",
         lambda c: c.mcp_servers.capabilities.sync("ms_1", capabilities=[{"name": "x"}]),
         "POST", "/mcp-servers/ms_1/capabilities/sync", body={"capabilities": [{"name": "x"}]},
         result_type=GR),
    Case("mcp_servers.user_access.check", lambda c: c.mcp_servers.user_access.check("ms_1"),
         "GET", "/mcp-servers/ms_1/user-access/check", result_type=GR),
    Case("mcp_servers.user_access.list", lambda c: c.mcp_servers.user_access.list("ms_1"),
         "GET", "/mcp-servers/ms_1/user-access", answer=NUMBERED, result_type=PAGE),
    Case("mcp_servers.user_access.update",
         lambda c: c.mcp_servers.user_access.update(
             "ms_1", user_access=[{"user_id": "u1", "enabled": True}],
             default_user_access="deny"),
         "PUT", "/mcp-servers/ms_1/user-access",
         body={"user_access": [{"user_id": "u1", "enabled": True}],
               "default_user_access": "deny"}, result_type=GR),
    Case("mcp_servers.metadata.retrieve", lambda c: c.mcp_servers.metadata.retrieve("ms_1"),
         "GET", "/mcp-servers/ms_1/metadata", result_type=GR),
    Case("mcp_servers.metadata.sync",
         lambda c: c.mcp_servers.metadata.sync("ms_1", server_name="lin", server_version="1"),
         "POST", "/mcp-servers/ms_1/metadata/sync",
         body={"server_name": "lin", "server_version": "1"}, result_type=GR),
    # MCP integrations
    Case("mcp_integrations.create",
         lambda c: c.mcp_integrations.create(name="Linear", url="https://mcp.linear.app/sse",
                                             auth_type="oauth_auto", transport="sse"),
         "POST", "/mcp-integrations",
         body={"name": "Linear", "url": "https://mcp.linear.app/sse", "auth_type": "oauth_auto",
               "transport": "sse"}, result_type=s.McpIntegration),
    Case("mcp_integrations.list", lambda c: c.mcp_integrations.list(type="workspace"), "GET",
         "/mcp-integrations", {"type": "workspace"}, answer=NUMBERED, result_type=PAGE),
    Case("mcp_integrations.retrieve", lambda c: c.mcp_integrations.retrieve("mi_1"), "GET",
         "/mcp-integrations/mi_1", result_type=s.McpIntegration),
    Case("mcp_integrations.update", lambda c: c.mcp_integrations.update("mi_1", name="L2"),
         "PUT", "/mcp-integrations/mi_1", body={"name": "L2"}, result_type=s.McpIntegration),
    Case("mcp_integrations.delete", lambda c: c.mcp_integrations.delete("mi_1"), "DELETE",
         "/mcp-integrations/mi_1", result_type=t.DeletedObject),
    Case("mcp_integrations.sync",
         lambda c: c.mcp_integrations.sync("mi_1", server_info={"name": "lin"}), "POST",
         "/mcp-integrations/mi_1/sync", body={"server_info": {"name": "lin"}}, result_type=GR),
    Case("mcp_integrations.test", lambda c: c.mcp_integrations.test("mi_1"), "POST",
         "/mcp-integrations/mi_1/test", result_type=GR),
    Case("mcp_integrations.capabilities.list",
         lambda c: c.mcp_integrations.capabilities.list("mi_1"), "GET",
         "/mcp-integrations/mi_1/capabilities", answer=NUMBERED, result_type=PAGE),
    Case("mcp_integrations.capabilities.update",
         lambda c: c.mcp_integrations.capabilities.update("mi_1", capabilities=[{"name": "a"}]),
         "PUT", "/mcp-integrations/mi_1/capabilities", body={"capabilities": [{"name": "a"}]},
         result_type=GR),
    Case("mcp_integrations.workspaces.list",
         lambda c: c.mcp_integrations.workspaces.list("mi_1"), "GET",
         "/mcp-integrations/mi_1/workspaces", answer=NUMBERED, result_type=PAGE),
    Case("mcp_integrations.workspaces.update",
         lambda c: c.mcp_integrations.workspaces.update(
             "mi_1", workspaces=[{"id": "ws", "enabled": True}], global_workspace_access=None),
         "PUT", "/mcp-integrations/mi_1/workspaces",
         body={"workspaces": [{"id": "ws", "enabled": True}]}, result_type=GR),
    Case("mcp_integrations.metadata.retrieve",
         lambda c: c.mcp_integrations.metadata.retrieve("mi_1"), "GET",
         "/mcp-integrations/mi_1/metadata", result_type=GR),
    # collections: the reference's positional create
    Case("collections.create(name, workspace_id)",
         lambda c: c.collections.create("agents", "ws_1"), "POST", "/collections",
         body={"name": "agents", "workspace_id": "ws_1"}, result_type=t.Collection),
    # feedback in bulk: the body is the JSON array itself
    Case("feedback.bulk_create",
         lambda c: c.feedback.bulk_create(feedbacks=[{"trace_id": "tr_1", "value": 5},
                                                     {"trace_id": "tr_2", "value": -1,
                                                      "weight": 0.5}]),
         "POST", "/feedback",
         body=[{"trace_id": "tr_1", "value": 5},  # type: ignore[arg-type]
               {"trace_id": "tr_2", "value": -1, "weight": 0.5}],
         answer={"status": "success", "feedback_ids": ["f1", "f2"]}),
]  # fmt: skip

OPENAI_STYLE: List[Case] = [
    # conversations
    Case("conversations.create",
         lambda c: c.conversations.create(metadata={"topic": "demo"},
                                          items=[{"type": "message", "role": "user",
                                                  "content": "hi"}]),
         "POST", "/conversations",
         body={"metadata": {"topic": "demo"},
               "items": [{"type": "message", "role": "user", "content": "hi"}]},
         result_type=s.Conversation),
    Case("conversations.retrieve", lambda c: c.conversations.retrieve("conv_1"), "GET",
         "/conversations/conv_1", result_type=s.Conversation),
    Case("conversations.update",
         lambda c: c.conversations.update("conv_1", metadata={"topic": "x"}), "POST",
         "/conversations/conv_1", body={"metadata": {"topic": "x"}}, result_type=s.Conversation),
    Case("conversations.delete", lambda c: c.conversations.delete("conv_1"), "DELETE",
         "/conversations/conv_1", result_type=t.DeletedObject),
    Case("conversations.items.create",
         lambda c: c.conversations.items.create(
             "conv_1", items=[{"type": "message", "role": "user", "content": "hi"}],
             include=["message.output_text.logprobs"]),
         "POST", "/conversations/conv_1/items", {"include": "message.output_text.logprobs"},
         body={"items": [{"type": "message", "role": "user", "content": "hi"}]},
         answer=LIST, result_type=s.ConversationItemList),
    Case("conversations.items.list",
         lambda c: c.conversations.items.list("conv_1", limit=2, order="asc"), "GET",
         "/conversations/conv_1/items", {"limit": "2", "order": "asc"}, answer=LIST,
         result_type=PAGE),
    Case("conversations.items.retrieve",
         lambda c: c.conversations.items.retrieve("msg_1", conversation_id="conv_1",
                                                  include=["a.b"]),
         "GET", "/conversations/conv_1/items/msg_1", {"include": "a.b"},
         result_type=s.ConversationItem),
    Case("conversations.items.delete",
         lambda c: c.conversations.items.delete("msg_1", conversation_id="conv_1"), "DELETE",
         "/conversations/conv_1/items/msg_1", result_type=t.DeletedObject),
    # GA realtime
    Case("realtime.calls.create", lambda c: c.realtime.calls.create(sdp="v=0\r\n"), "POST",
         "/realtime/calls", body={"sdp": "v=0\r\n"}, headers={"Accept": "application/sdp"},
         result_type=BinaryResponse),
    Case("realtime.calls.accept",
         lambda c: c.realtime.calls.accept("rtc_1", type="realtime", model="gpt-realtime"),
         "POST", "/realtime/calls/rtc_1/accept", body={"type": "realtime",
                                                       "model": "gpt-realtime"},
         result_type=GR),
    Case("realtime.calls.hangup", lambda c: c.realtime.calls.hangup("rtc_1"), "POST",
         "/realtime/calls/rtc_1/hangup", result_type=GR),
    Case("realtime.calls.refer",
         lambda c: c.realtime.calls.refer("rtc_1", target_uri="tel:+14155550123"), "POST",
         "/realtime/calls/rtc_1/refer", body={"target_uri": "tel:+14155550123"},
         result_type=GR),
    Case("realtime.calls.reject", lambda c: c.realtime.calls.reject("rtc_1", status_code=486),
         "POST", "/realtime/calls/rtc_1/reject", body={"status_code": 486}, result_type=GR),
    Case("realtime.client_secrets.create",
         lambda c: c.realtime.client_secrets.create(
             session={"type": "realtime", "model": "gpt-realtime"},
             expires_after={"anchor": "created_at", "seconds": 600}),
         "POST", "/realtime/client_secrets",
         body={"session": {"type": "realtime", "model": "gpt-realtime"},
               "expires_after": {"anchor": "created_at", "seconds": 600}},
         answer={"value": "ek_1", "expires_at": 1}, result_type=s.RealtimeClientSecret),
    Case("beta.realtime.transcription_sessions.create",
         lambda c: c.beta.realtime.transcription_sessions.create(input_audio_format="pcm16"),
         "POST", "/realtime/transcription_sessions", body={"input_audio_format": "pcm16"},
         headers=ASSISTANTS, result_type=s.TranscriptionSession),
    # videos (JSON when no file part is given)
    Case("videos.create", lambda c: c.videos.create(prompt="a cat", model="sora-2", seconds="4"),
         "POST", "/videos", body={"prompt": "a cat", "model": "sora-2", "seconds": "4"},
         answer={"id": "video_1", "status": "queued"}, result_type=s.Video),
    Case("videos.retrieve", lambda c: c.videos.retrieve("video_1"), "GET", "/videos/video_1",
         result_type=s.Video),
    Case("videos.list", lambda c: c.videos.list(limit=2), "GET", "/videos", {"limit": "2"},
         answer=LIST, result_type=PAGE),
    Case("videos.delete", lambda c: c.videos.delete("video_1"), "DELETE", "/videos/video_1",
         result_type=t.DeletedObject),
    Case("videos.download_content",
         lambda c: c.videos.download_content("video_1", variant="thumbnail"), "GET",
         "/videos/video_1/content", {"variant": "thumbnail"}, result_type=BinaryResponse),
    Case("videos.remix", lambda c: c.videos.remix("video_1", prompt="at night"), "POST",
         "/videos/video_1/remix", body={"prompt": "at night"}, result_type=s.Video),
    Case("videos.edit", lambda c: c.videos.edit(prompt="brighter", video={"id": "video_1"}),
         "POST", "/videos/edits", body={"prompt": "brighter", "video": {"id": "video_1"}},
         result_type=s.Video),
    Case("videos.extend",
         lambda c: c.videos.extend(prompt="longer", seconds="8", video={"id": "video_1"}),
         "POST", "/videos/extensions",
         body={"prompt": "longer", "seconds": "8", "video": {"id": "video_1"}},
         result_type=s.Video),
    Case("videos.get_character", lambda c: c.videos.get_character("char_1"), "GET",
         "/videos/characters/char_1", result_type=s.VideoCharacter),
    # skills
    Case("skills.list", lambda c: c.skills.list(limit=2), "GET", "/skills", {"limit": "2"},
         answer=LIST, result_type=PAGE),
    Case("skills.retrieve", lambda c: c.skills.retrieve("skill_1"), "GET", "/skills/skill_1",
         result_type=s.Skill),
    Case("skills.update", lambda c: c.skills.update("skill_1", default_version="2"), "POST",
         "/skills/skill_1", body={"default_version": "2"}, result_type=s.Skill),
    Case("skills.delete", lambda c: c.skills.delete("skill_1"), "DELETE", "/skills/skill_1",
         result_type=t.DeletedObject),
    Case("skills.content.retrieve", lambda c: c.skills.content.retrieve("skill_1"), "GET",
         "/skills/skill_1/content", result_type=BinaryResponse),
    Case("skills.versions.list", lambda c: c.skills.versions.list("skill_1", order="desc"),
         "GET", "/skills/skill_1/versions", {"order": "desc"}, answer=LIST, result_type=PAGE),
    Case("skills.versions.retrieve",
         lambda c: c.skills.versions.retrieve("2", skill_id="skill_1"), "GET",
         "/skills/skill_1/versions/2", result_type=s.SkillVersion),
    Case("skills.versions.delete", lambda c: c.skills.versions.delete("2", skill_id="skill_1"),
         "DELETE", "/skills/skill_1/versions/2", result_type=t.DeletedObject),
    Case("skills.versions.content.retrieve",
         lambda c: c.skills.versions.content.retrieve("2", skill_id="skill_1"), "GET",
         "/skills/skill_1/versions/2/content", result_type=BinaryResponse),
    # ChatKit
    Case("beta.chatkit.sessions.create",
         lambda c: c.beta.chatkit.sessions.create(user="u_1", workflow={"id": "wf_1"}), "POST",
         "/chatkit/sessions", body={"user": "u_1", "workflow": {"id": "wf_1"}},
         headers=CHATKIT, result_type=s.ChatKitSession),
    Case("beta.chatkit.sessions.cancel", lambda c: c.beta.chatkit.sessions.cancel("cks_1"),
         "POST", "/chatkit/sessions/cks_1/cancel", headers=CHATKIT,
         result_type=s.ChatKitSession),
    Case("beta.chatkit.threads.list", lambda c: c.beta.chatkit.threads.list(user="u_1"), "GET",
         "/chatkit/threads", {"user": "u_1"}, headers=CHATKIT, answer=LIST, result_type=PAGE),
    Case("beta.chatkit.threads.retrieve", lambda c: c.beta.chatkit.threads.retrieve("cthr_1"),
         "GET", "/chatkit/threads/cthr_1", headers=CHATKIT, result_type=s.ChatKitThread),
    Case("beta.chatkit.threads.delete", lambda c: c.beta.chatkit.threads.delete("cthr_1"),
         "DELETE", "/chatkit/threads/cthr_1", headers=CHATKIT, result_type=t.DeletedObject),
    Case("beta.chatkit.threads.list_items",
         lambda c: c.beta.chatkit.threads.list_items("cthr_1", limit=5), "GET",
         "/chatkit/threads/cthr_1/items", {"limit": "5"}, headers=CHATKIT, answer=LIST,
         result_type=PAGE),
    # smaller additions
    Case("files.retrieve_content", lambda c: c.files.retrieve_content("file_1"), "GET",
         "/files/file_1/content", result_type=BinaryResponse),
    Case("containers.files.content.retrieve",
         lambda c: c.containers.files.content.retrieve("cfile_1", container_id="cntr_1"), "GET",
         "/containers/cntr_1/files/cfile_1/content", result_type=BinaryResponse),
    Case("containers.files.content(...) still callable",
         lambda c: c.containers.files.content("cfile_1", container_id="cntr_1"), "GET",
         "/containers/cntr_1/files/cfile_1/content", result_type=BinaryResponse),
    Case("fine_tuning.checkpoints.permissions.retrieve",
         lambda c: c.fine_tuning.checkpoints.permissions.retrieve("ckpt_1", limit=2), "GET",
         "/fine_tuning/checkpoints/ckpt_1/permissions", {"limit": "2"}, answer=LIST,
         result_type=ListResponse),
]  # fmt: skip

POSITIONAL: List[Case] = [
    Case("runs.create(thread_id, assistant_id)",
         lambda c: c.beta.threads.runs.create("thread_1", "asst_1"), "POST",
         "/threads/thread_1/runs", body={"assistant_id": "asst_1"}, headers=ASSISTANTS,
         result_type=t.Run),
    Case("runs.retrieve(thread_id, run_id)",
         lambda c: c.beta.threads.runs.retrieve("thread_1", "run_1"), "GET",
         "/threads/thread_1/runs/run_1", headers=ASSISTANTS, result_type=t.Run),
    Case("runs.update(thread_id, run_id)",
         lambda c: c.beta.threads.runs.update("thread_1", "run_1", metadata={"k": "v"}), "POST",
         "/threads/thread_1/runs/run_1", body={"metadata": {"k": "v"}}, result_type=t.Run),
    Case("runs.cancel(thread_id, run_id)",
         lambda c: c.beta.threads.runs.cancel("thread_1", "run_1"), "POST",
         "/threads/thread_1/runs/run_1/cancel", result_type=t.Run),
    Case("runs.steps.retrieve(thread_id, run_id, step_id)",
         lambda c: c.beta.threads.runs.steps.retrieve("thread_1", "run_1", "step_1"), "GET",
         "/threads/thread_1/runs/run_1/steps/step_1", result_type=t.RunStep),
    Case("messages.retrieve(thread_id, message_id)",
         lambda c: c.beta.threads.messages.retrieve("thread_1", "msg_1"), "GET",
         "/threads/thread_1/messages/msg_1", result_type=t.ThreadMessage),
    Case("messages.update(thread_id, message_id)",
         lambda c: c.beta.threads.messages.update("thread_1", "msg_1", metadata={"k": "v"}),
         "POST", "/threads/thread_1/messages/msg_1", body={"metadata": {"k": "v"}},
         result_type=t.ThreadMessage),
    Case("messages.delete(message_id, thread_id=)",
         lambda c: c.beta.threads.messages.delete("msg_1", thread_id="thread_1"), "DELETE",
         "/threads/thread_1/messages/msg_1", result_type=t.DeletedObject),
    Case("threads.create_and_run(assistant_id)",
         lambda c: c.beta.threads.create_and_run("asst_1", thread={"messages": []}), "POST",
         "/threads/runs", body={"assistant_id": "asst_1", "thread": {"messages": []}},
         result_type=t.Run),
    Case("assistants.create(model, description)",
         lambda c: c.beta.assistants.create("gpt-4o", "helps", name="helper"), "POST",
         "/assistants", body={"model": "gpt-4o", "description": "helps", "name": "helper"},
         headers=ASSISTANTS, result_type=t.Assistant),
]  # fmt: skip

CASES = ANALYTICS + CONTROL_PLANE + OPENAI_STYLE + POSITIONAL


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=repr)
async def test_surface_verb(case: Case, use_async: bool, stub: ProviderStub) -> None:
    client = direct_client(stub, use_async=use_async)
    result = await check_case(case, client, stub, DEFAULT_TARGET)
    record = stub.requests(DEFAULT_TARGET)[0]
    assert record.headers["x-portkey-api-key"] == PORTKEY_KEY
    assert record.path == "/v1" + case.endpoint
    if case.body is not None:
        assert record.headers["content-type"] == "application/json"
    if isinstance(result, PAGE):
        assert [item.id for item in result.data] == ["x_1", "x_2"]
    if isinstance(result, BinaryResponse):  # the answer's bytes, untouched
        assert json.loads(result.content) == case.answer


# ---- multipart, two-step and polling verbs -------------------------------------------------


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_multipart_uploads(use_async: bool, stub: ProviderStub) -> None:
    client: Any = direct_client(stub, use_async=use_async)
    calls = [
        (lambda: client.videos.create(prompt="a cat", input_reference=("cat.png", b"PNG")),
         "/videos", "input_reference", ("cat.png", b"PNG"), {"prompt": b"a cat"}),
        (lambda: client.videos.create_character(name="Ada", video=("ada.mp4", b"MP4")),
         "/videos/characters", "video", ("ada.mp4", b"MP4"), {"name": b"Ada"}),
        (lambda: client.skills.create(files=[("skill.zip", b"PK\x03\x04")]),
         "/skills", "files", ("skill.zip", b"PK\x03\x04"), {}),
        (lambda: client.skills.versions.create("skill_1", files=("v.zip", b"PK"), default=True),
         "/skills/skill_1/versions", "files", ("v.zip", b"PK"), {"default": b"true"}),
        (lambda: client.files.create(("a.jsonl", b"{}\n"), "batch"),  # positional form
         "/files", "file", ("a.jsonl", b"{}\n"), {"purpose": b"batch"}),
    ]  # fmt: skip
    for call, endpoint, field, part, text_fields in calls:
        stub.reset()
        stub.script(DEFAULT_TARGET, status(200, json_body={"id": "obj_1"}))
        await resolve(call())
        (record,) = stub.requests(DEFAULT_TARGET)
        assert (record.method, record.endpoint) == ("POST", endpoint)
        fields = multipart_fields(record)
        assert fields[field] == part
        for name, value in text_fields.items():
            assert fields[name] == (None, value), name


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_vector_store_upload_stores_then_attaches(
    use_async: bool, stub: ProviderStub
) -> None:
    client: Any = direct_client(stub, use_async=use_async)
    stub.script(
        DEFAULT_TARGET,
        status(200, json_body={"id": "file_9", "object": "file"}),
        status(200, json_body={"id": "file_9", "object": "vector_store.file"}),
    )
    attached = await resolve(
        client.vector_stores.files.upload(
            "vs_1", file=("notes.txt", b"hello"), chunking_strategy={"type": "auto"}
        )
    )
    assert isinstance(attached, t.VectorStoreFile) and attached.id == "file_9"
    stored, attach = stub.requests(DEFAULT_TARGET)
    assert (stored.method, stored.endpoint) == ("POST", "/files")
    assert multipart_fields(stored)["purpose"] == (None, b"assistants")
    assert (attach.method, attach.endpoint) == ("POST", "/vector_stores/vs_1/files")
    assert attach.json == {"file_id": "file_9", "chunking_strategy": {"type": "auto"}}


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_vector_store_upload_stops_when_the_store_step_fails(
    use_async: bool, stub: ProviderStub
) -> None:
    client: Any = direct_client(stub, use_async=use_async)
    stub.script(DEFAULT_TARGET, status(404, json_body={"error": {"message": "no"}}))
    with pytest.raises(NotFoundError):
        await resolve(client.vector_stores.files.upload("vs_1", file=("a.txt", b"x")))
    assert len(stub.requests(DEFAULT_TARGET)) == 1  # nothing attached


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_video_poll_waits_for_a_final_state(use_async: bool, stub: ProviderStub) -> None:
    client: Any = direct_client(stub, use_async=use_async)
    stub.script(
        DEFAULT_TARGET,
        status(200, json_body={"id": "video_1", "status": "queued"}),
        status(200, json_body={"id": "video_1", "status": "in_progress", "progress": 50}),
        status(200, json_body={"id": "video_1", "status": "completed", "progress": 100}),
    )
    video = await resolve(client.videos.poll("video_1", poll_interval_ms=0))
    assert (video.status, video.progress) == ("completed", 100)
    seen = [(r.method, r.endpoint) for r in stub.requests(DEFAULT_TARGET)]
    assert seen == [("GET", "/videos/video_1")] * 3


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_video_create_and_poll_returns_a_failed_job_as_is(
    use_async: bool, stub: ProviderStub
) -> None:
    client: Any = direct_client(stub, use_async=use_async)
    stub.script(
        DEFAULT_TARGET,
        status(200, json_body={"id": "video_2", "status": "queued"}),
        status(200, json_body={"id": "video_2", "status": "failed", "error": {"code": "x"}}),
    )
    video = await resolve(client.videos.create_and_poll(prompt="p", poll_interval_ms=0))
    assert video.status == "failed" and video.error == {"code": "x"}
    seen = [(r.method, r.endpoint) for r in stub.requests(DEFAULT_TARGET)]
    assert seen == [("POST", "/videos"), ("GET", "/videos/video_2")]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_video_poll_raises_what_the_api_answers(use_async: bool, stub: ProviderStub) -> None:
    client: Any = direct_client(stub, use_async=use_async)
    stub.script(DEFAULT_TARGET, status(404, json_body={"error": {"message": "gone"}}))
    with pytest.raises(NotFoundError):
        await resolve(client.videos.poll("video_x", poll_interval_ms=0))


FAILING_CALLS = [
    ("prompts.retrieve", lambda c: c.prompts.retrieve("missing")),
    ("prompts.partials.publish", lambda c: c.prompts.partials.publish("missing", version=1)),
    ("guardrails.delete", lambda c: c.guardrails.delete("missing")),
    ("mcp_servers.get_tokens", lambda c: c.mcp_servers.get_tokens("missing")),
    ("mcp_integrations.capabilities.update",
     lambda c: c.mcp_integrations.capabilities.update("missing", capabilities=[])),
    ("analytics.graphs.cost", lambda c: c.analytics.graphs.cost(**WINDOW)),
    ("conversations.items.list", lambda c: c.conversations.items.list("missing")),
    ("realtime.calls.hangup", lambda c: c.realtime.calls.hangup("missing")),
    ("videos.download_content", lambda c: c.videos.download_content("missing")),
    ("skills.versions.content.retrieve",
     lambda c: c.skills.versions.content.retrieve("1", skill_id="missing")),
    ("beta.chatkit.threads.list_items", lambda c: c.beta.chatkit.threads.list_items("missing")),
    ("feedback.bulk_create",
     lambda c: c.feedback.bulk_create(feedbacks=[{"trace_id": "gone", "value": 1}])),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("name", "call"), FAILING_CALLS, ids=[f[0] for f in FAILING_CALLS])
async def test_not_found_is_raised_for_new_resources(
    name: str, call: Any, use_async: bool, stub: ProviderStub
) -> None:
    client = direct_client(stub, use_async=use_async)
    stub.script(DEFAULT_TARGET, status(404, json_body={"success": False, "message": "not here"}))
    with pytest.raises(NotFoundError) as caught:
        await resolve(call(client))
    assert "not here" in str(caught.value)
    assert len(stub.requests(DEFAULT_TARGET)) == 1


# ---- bad input: refused before anything is sent -------------------------------------------

BAD_INPUT = [
    ("graphs without the window end",
     lambda c: c.analytics.graphs.cost(time_of_generation_min="2026-01-01"),
     "time_of_generation_max"),
    ("groups.metadata without a key", lambda c: c.analytics.groups.metadata(**WINDOW),
     "metadata_key"),
    ("prompts.create without a string",
     lambda c: c.prompts.create(name="n", collection_id="c", parameters={}), "string"),
    ("prompts.publish without a version", lambda c: c.prompts.publish("p1"), "version"),
    ("prompts.versions.retrieve without a version", lambda c: c.prompts.versions.retrieve("p1"),
     "prompt_slug"),
    ("guardrails.create without checks",
     lambda c: c.guardrails.create(name="g", actions={}), "checks"),
    ("mcp_servers.create without an integration", lambda c: c.mcp_servers.create(name="s"),
     "mcp_integration_id"),
    ("mcp_servers.test()", lambda c: c.mcp_servers.test(), "mcp_server_id"),
    ("capabilities.update without capabilities",
     lambda c: c.mcp_servers.capabilities.update("s1"), "capabilities"),
    ("user_access.check()", lambda c: c.mcp_servers.user_access.check(), "mcp_server_id"),
    ("update_tokens without a token", lambda c: c.mcp_servers.update_tokens("s1"),
     "access_token"),
    ("conversations.items.create without items",
     lambda c: c.conversations.items.create("conv_1"), "items"),
    ("calls.create without sdp", lambda c: c.realtime.calls.create(), "sdp"),
    ("calls.refer without a target", lambda c: c.realtime.calls.refer("rtc_1"), "target_uri"),
    ("videos.create without a prompt", lambda c: c.videos.create(model="sora-2"), "prompt"),
    ("videos.remix without a prompt", lambda c: c.videos.remix("video_1"), "prompt"),
    ("videos.poll with a negative interval",
     lambda c: c.videos.poll("video_1", poll_interval_ms=-5), "poll_interval_ms"),
    ("videos.create_and_poll with a bad interval",
     lambda c: c.videos.create_and_poll(prompt="p", poll_interval_ms="soon"), "poll_interval_ms"),
    ("skills.create with two files",
     lambda c: c.skills.create(files=[("a.md", b"a"), ("b.md", b"b")]), "files"),
    ("skills.create without files", lambda c: c.skills.create(), "files"),
    ("chatkit session without a workflow",
     lambda c: c.beta.chatkit.sessions.create(user="u"), "workflow"),
    ("feedback.bulk_create with nothing", lambda c: c.feedback.bulk_create(feedbacks=[]),
     "feedbacks"),
    ("feedback.bulk_create with a bad value",
     lambda c: c.feedback.bulk_create(feedbacks=[{"trace_id": "t", "value": 11}]), "value"),
    ("feedback.bulk_create with NaN metadata",
     lambda c: c.feedback.bulk_create(
         feedbacks=[{"trace_id": "t", "value": 1, "metadata": {"x": float("nan")}}]),
     "feedbacks"),
    ("runs.retrieve with two ids and a contradicting keyword",
     lambda c: c.beta.threads.runs.retrieve("thread_1", "run_1", thread_id="thread_2"),
     "thread_id"),
    ("runs.retrieve with three ids", lambda c: c.beta.threads.runs.retrieve("t", "r", "x"),
     None),
    ("steps.retrieve with two of three ids",
     lambda c: c.beta.threads.runs.steps.retrieve("thread_1", "step_1"), None),
    ("collections.create with four positionals",
     lambda c: c.collections.create("a", "b", "c", "d"), None),
    ("an id given twice", lambda c: c.videos.retrieve("video_1", video_id="video_2"),
     "video_id"),
    ("create_and_run twice", lambda c: c.beta.threads.create_and_run("a1", assistant_id="a2"),
     "assistant_id"),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("name", "call", "field"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
async def test_bad_input_fails_before_sending(
    name: str, call: Any, field: Any, use_async: bool, stub: ProviderStub
) -> None:
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(InvalidRequestError) as caught:
        await resolve(call(client))
    assert caught.value.field == field, caught.value
    assert stub.requests() == []


NEW_FAMILIES = (
    "analytics.", "prompts.", "guardrails.", "mcp_servers.", "mcp_integrations.",
    "conversations.", "realtime.", "videos.", "skills.", "beta.chatkit.",
    "beta.realtime.transcription_sessions.",
)  # fmt: skip
#: Paths of those families exercised by the dedicated tests of this file (or elsewhere).
TESTED_ELSEWHERE = {
    "videos.create_character", "videos.poll", "videos.create_and_poll",  # multipart, polling
    "skills.create", "skills.versions.create",  # multipart
    "realtime.connect",  # the realtime test server, below
    "prompts.completions.create", "prompts.render",  # tests/test_client_hosted.py
}  # fmt: skip


def test_every_reference_path_of_the_new_families_has_a_case() -> None:
    reference = Path(__file__).parent / "data" / "reference-surface.txt"
    paths = [
        line.split("(", 1)[0]
        for line in reference.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    tested = {case.name.split("(")[0].split(" ")[0] for case in CASES}
    tested |= {name for name, _ in FAILING_CALLS} | TESTED_ELSEWHERE
    untested = [p for p in paths if p.startswith(NEW_FAMILIES) and p not in tested]
    assert untested == []


# ---- GA realtime websocket (AsyncPortkey) ----------------------------------------------------


@pytest.fixture
async def realtime_server() -> AsyncIterator[RealtimeServer]:
    """The realtime test server of tests/realtime_server.py, on this test's event loop."""
    running = await RealtimeServer().start()
    try:
        yield running
    finally:
        await running.stop()


async def test_ga_realtime_connect_sends_no_beta_header(realtime_server: RealtimeServer) -> None:
    client = AsyncPortkey(base_url=realtime_server.base_url, api_key="pk-ga", provider="openai")
    async with client.realtime.connect(model="gpt-realtime") as connection:
        assert (await connection.recv()).type == "session.created"
        await connection.send({"type": "session.update", "session": {"voice": "marin"}})
        assert (await connection.recv()).type == "session.updated"
    handshake = realtime_server.handshakes[0]
    assert handshake["query"] == {"model": "gpt-realtime"}
    assert handshake["headers"]["x-portkey-api-key"] == "pk-ga"
    assert "openai-beta" not in handshake["headers"]


@pytest.mark.parametrize("client_class", [AsyncPortkey, Portkey])
def test_ga_realtime_connect_needs_a_model(client_class: Any) -> None:
    client = client_class(base_url="http://127.0.0.1:9/v1", api_key="pk-ga")
    with pytest.raises(InvalidRequestError) as caught:
        client.realtime.connect(model="")
    assert caught.value.field == "model"


# ---- the OpenAI-style verbs through the real gateway -------------------------------------------


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", OPENAI_STYLE + POSITIONAL, ids=repr)
async def test_openai_style_verb_through_the_gateway(
    case: Case, use_async: bool, gateway_url: str, stub: ProviderStub
) -> None:
    client = gateway_client(gateway_url, stub, use_async=use_async)
    await check_case(case, client, stub, TARGET)
    # the gateway turned the config's target into the provider's own credential
    assert stub.requests(TARGET)[0].headers["authorization"] == f"Bearer {PROVIDER_KEY}"
