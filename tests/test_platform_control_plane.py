"""Every verb of the hosted control plane (configs, API keys, virtual keys, admin, logs, labels,
collections, feedback reads, providers, integrations), against the provider stand-in used as a
local recording server: these endpoints exist only on the hosted service, never on the
open-source gateway, and tests never call the internet.
"""

from __future__ import annotations

from typing import Any, List

import pytest
from platform_support import (
    PORTKEY_KEY,
    Case,
    check_case,
    direct_client,
    ids_of,
    resolve,
)
from provider_stub import DEFAULT_TARGET, ProviderStub, status

from portkey import AsyncPortkey, InvalidRequestError, MissingAPIKeyError, NotFoundError, Portkey
from portkey.api_resources import platform_types as t
from portkey.api_resources.resources.logs import AsyncFeedbackQueries, FeedbackQueries
from portkey.api_resources.resources.pagination import AsyncPage, SyncPage
from portkey.api_resources.responses import GenericResponse

PAGE = (SyncPage, AsyncPage)
LIST = {"object": "list", "total": 2, "data": [{"id": "x_1"}, {"id": "x_2"}]}


def feedback(client: Any) -> Any:
    """The feedback reads on either client (the feedback resource itself is wired elsewhere)."""
    return (AsyncFeedbackQueries if isinstance(client, AsyncPortkey) else FeedbackQueries)(client)


CASES: List[Case] = [
    # configs
    Case("configs.create",
         lambda c: c.configs.create(name="fallback", config={"retry": {"attempts": 3}},
                                    workspace_id="ws_1"),
         "POST", "/configs",
         body={"name": "fallback", "config": {"retry": {"attempts": 3}}, "workspace_id": "ws_1"},
         result_type=t.PortkeyConfig),
    Case("configs.list", lambda c: c.configs.list(workspace_id="ws_1"), "GET", "/configs",
         {"workspace_id": "ws_1"}, answer=LIST, result_type=PAGE),
    Case("configs.retrieve", lambda c: c.configs.retrieve("pc-abc"), "GET", "/configs/pc-abc",
         result_type=t.PortkeyConfig),
    Case("configs.retrieve(slug=)", lambda c: c.configs.retrieve(slug="pc-def"), "GET",
         "/configs/pc-def", result_type=t.PortkeyConfig),
    Case("configs.update", lambda c: c.configs.update("pc-abc", name="n2", status="active"),
         "PUT", "/configs/pc-abc", body={"name": "n2", "status": "active"},
         result_type=t.PortkeyConfig),
    Case("configs.delete", lambda c: c.configs.delete("pc-abc"), "DELETE", "/configs/pc-abc",
         result_type=t.DeletedObject),
    # API keys
    Case("api_keys.create",
         lambda c: c.api_keys.create(type="workspace", sub_type="service", name="ci",
                                     scopes=["logs.view"]),
         "POST", "/api-keys/workspace/service", body={"name": "ci", "scopes": ["logs.view"]},
         result_type=t.ApiKey),
    Case("api_keys.list", lambda c: c.api_keys.list(page_size=10, workspace_id="ws_1"), "GET",
         "/api-keys", {"page_size": "10", "workspace_id": "ws_1"}, answer=LIST, result_type=PAGE),
    Case("api_keys.retrieve", lambda c: c.api_keys.retrieve("key_1"), "GET", "/api-keys/key_1",
         result_type=t.ApiKey),
    Case("api_keys.update", lambda c: c.api_keys.update("key_1", name="renamed"), "PUT",
         "/api-keys/key_1", body={"name": "renamed"}, result_type=t.ApiKey),
    Case("api_keys.delete", lambda c: c.api_keys.delete("key_1"), "DELETE", "/api-keys/key_1",
         result_type=t.DeletedObject),
    # virtual keys
    Case("virtual_keys.create",
         lambda c: c.virtual_keys.create(name="openai-prod", provider="openai", key="sk-x"),
         "POST", "/virtual-keys", body={"name": "openai-prod", "provider": "openai", "key": "sk-x"},
         result_type=t.VirtualKey),
    Case("virtual_keys.list", lambda c: c.virtual_keys.list(), "GET", "/virtual-keys",
         answer=LIST, result_type=PAGE),
    Case("virtual_keys.retrieve", lambda c: c.virtual_keys.retrieve("openai-prod-1"), "GET",
         "/virtual-keys/openai-prod-1", result_type=t.VirtualKey),
    Case("virtual_keys.update", lambda c: c.virtual_keys.update("vk", note="rotated"), "PUT",
         "/virtual-keys/vk", body={"note": "rotated"}, result_type=t.VirtualKey),
    Case("virtual_keys.delete", lambda c: c.virtual_keys.delete("vk"), "DELETE",
         "/virtual-keys/vk", result_type=t.DeletedObject),
    # admin: users and invites
    Case("admin.users.list",
         lambda c: c.admin.users.list(page_size=5, current_page=1, role="member"), "GET",
         "/admin/users", {"pageSize": "5", "currentPage": "1", "role": "member"}, answer=LIST,
         result_type=PAGE),
    Case("admin.users.retrieve", lambda c: c.admin.users.retrieve("user_1"), "GET",
         "/admin/users/user_1", result_type=t.User),
    Case("admin.users.update", lambda c: c.admin.users.update("user_1", role="admin"), "PUT",
         "/admin/users/user_1", body={"role": "admin"}, result_type=t.User),
    Case("admin.users.delete", lambda c: c.admin.users.delete("user_1"), "DELETE",
         "/admin/users/user_1", result_type=t.DeletedObject),
    Case("admin.invites.create",
         lambda c: c.admin.invites.create(email="a@b.c", role="member",
                                          workspaces=[{"id": "ws_1", "role": "member"}]),
         "POST", "/admin/users/invites",
         body={"email": "a@b.c", "role": "member",
               "workspaces": [{"id": "ws_1", "role": "member"}]},
         result_type=t.UserInvite),
    Case("admin.users.invites.list", lambda c: c.admin.users.invites.list(status="pending"),
         "GET", "/admin/users/invites", {"status": "pending"}, answer=LIST, result_type=PAGE),
    Case("admin.invites.retrieve", lambda c: c.admin.invites.retrieve("inv_1"), "GET",
         "/admin/users/invites/inv_1", result_type=t.UserInvite),
    Case("admin.invites.delete", lambda c: c.admin.invites.delete("inv_1"), "DELETE",
         "/admin/users/invites/inv_1", result_type=t.DeletedObject),
    Case("admin.invites.resend", lambda c: c.admin.invites.resend("inv_1"), "POST",
         "/admin/users/invites/inv_1/resend", result_type=GenericResponse),
    # admin: workspaces and members
    Case("admin.workspaces.create",
         lambda c: c.admin.workspaces.create(name="research", description="R&D"), "POST",
         "/admin/workspaces", body={"name": "research", "description": "R&D"},
         result_type=t.Workspace),
    Case("admin.workspaces.list", lambda c: c.admin.workspaces.list(page_size=20), "GET",
         "/admin/workspaces", {"pageSize": "20"}, answer=LIST, result_type=PAGE),
    Case("admin.workspaces.retrieve", lambda c: c.admin.workspaces.retrieve("ws_1"), "GET",
         "/admin/workspaces/ws_1", result_type=t.Workspace),
    Case("admin.workspaces.update",
         lambda c: c.admin.workspaces.update("ws_1", defaults={"metadata": {"team": "r"}}), "PUT",
         "/admin/workspaces/ws_1", body={"defaults": {"metadata": {"team": "r"}}},
         result_type=t.Workspace),
    Case("admin.workspaces.delete", lambda c: c.admin.workspaces.delete("ws_1", name="research"),
         "DELETE", "/admin/workspaces/ws_1", body={"name": "research"},
         result_type=t.DeletedObject),
    Case("admin.workspaces.users.create",
         lambda c: c.admin.workspaces.users.create("ws_1", users=[{"id": "u1", "role": "member"}]),
         "POST", "/admin/workspaces/ws_1/users", body={"users": [{"id": "u1", "role": "member"}]},
         result_type=t.WorkspaceMember),
    Case("admin.workspaces.members.list",
         lambda c: c.admin.workspaces.members.list("ws_1", current_page=0), "GET",
         "/admin/workspaces/ws_1/users", {"current_page": "0"}, answer=LIST, result_type=PAGE),
    Case("admin.workspaces.users.retrieve",
         lambda c: c.admin.workspaces.users.retrieve("u1", workspace_id="ws_1"), "GET",
         "/admin/workspaces/ws_1/users/u1", result_type=t.WorkspaceMember),
    Case("admin.workspaces.users.update",
         lambda c: c.admin.workspaces.users.update("u1", workspace_id="ws_1", role="admin"),
         "PUT", "/admin/workspaces/ws_1/users/u1", body={"role": "admin"},
         result_type=t.WorkspaceMember),
    Case("admin.workspaces.users.delete",
         lambda c: c.admin.workspaces.users.delete("u1", workspace_id="ws_1"), "DELETE",
         "/admin/workspaces/ws_1/users/u1", result_type=t.DeletedObject),
    # logs and exports
    Case("logs.create",
         lambda c: c.logs.create(request={"url": "u", "body": {}}, response={"status": 200}),
         "POST", "/logs", body={"request": {"url": "u", "body": {}}, "response": {"status": 200}},
         result_type=t.LogEntry),
    Case("logs.list", lambda c: c.logs.list(trace_id="tr_1", page_size=2), "GET", "/logs",
         {"trace_id": "tr_1", "page_size": "2"}, answer=LIST, result_type=PAGE),
    Case("logs.retrieve", lambda c: c.logs.retrieve("log_1"), "GET", "/logs/log_1",
         result_type=t.LogEntry),
    Case("logs.exports.create",
         lambda c: c.logs.exports.create(requested_data=["id", "cost"], filters={"cost_max": 1}),
         "POST", "/logs/exports",
         body={"requested_data": ["id", "cost"], "filters": {"cost_max": 1}},
         result_type=t.LogExport),
    Case("logs.exports.list", lambda c: c.logs.exports.list(workspace_id="ws_1"), "GET",
         "/logs/exports", {"workspace_id": "ws_1"}, answer=LIST, result_type=PAGE),
    Case("logs.exports.retrieve", lambda c: c.logs.exports.retrieve("exp_1"), "GET",
         "/logs/exports/exp_1", result_type=t.LogExport),
    Case("logs.exports.update",
         lambda c: c.logs.exports.update("exp_1", requested_data=["id"]), "PUT",
         "/logs/exports/exp_1", body={"requested_data": ["id"]}, result_type=t.LogExport),
    Case("logs.exports.start", lambda c: c.logs.exports.start("exp_1"), "POST",
         "/logs/exports/exp_1/start", result_type=t.LogExport),
    Case("logs.exports.cancel", lambda c: c.logs.exports.cancel("exp_1"), "POST",
         "/logs/exports/exp_1/cancel", result_type=t.LogExport),
    Case("logs.exports.download", lambda c: c.logs.exports.download("exp_1"), "GET",
         "/logs/exports/exp_1/download", answer={"signed_url": "https://x/y"},
         result_type=GenericResponse),
    # labels and collections
    Case("labels.create", lambda c: c.labels.create(name="prod", color_code="#00ff00"), "POST",
         "/labels", body={"name": "prod", "color_code": "#00ff00"}, result_type=t.Label),
    Case("labels.list", lambda c: c.labels.list(workspace_id="ws_1"), "GET", "/labels",
         {"workspace_id": "ws_1"}, answer=LIST, result_type=PAGE),
    Case("labels.retrieve", lambda c: c.labels.retrieve("lab_1"), "GET", "/labels/lab_1",
         result_type=t.Label),
    Case("labels.update", lambda c: c.labels.update("lab_1", description="d"), "PUT",
         "/labels/lab_1", body={"description": "d"}, result_type=t.Label),
    Case("labels.delete", lambda c: c.labels.delete("lab_1"), "DELETE", "/labels/lab_1",
         result_type=t.DeletedObject),
    Case("collections.create",
         lambda c: c.collections.create(name="agents", workspace_id="ws_1"), "POST",
         "/collections", body={"name": "agents", "workspace_id": "ws_1"},
         result_type=t.Collection),
    Case("collections.list", lambda c: c.collections.list(search="ag"), "GET", "/collections",
         {"search": "ag"}, answer=LIST, result_type=PAGE),
    Case("collections.retrieve", lambda c: c.collections.retrieve("col_1"), "GET",
         "/collections/col_1", result_type=t.Collection),
    Case("collections.update", lambda c: c.collections.update("col_1", name="bots"), "PUT",
         "/collections/col_1", body={"name": "bots"}, result_type=t.Collection),
    Case("collections.delete", lambda c: c.collections.delete("col_1"), "DELETE",
         "/collections/col_1", result_type=t.DeletedObject),
    # feedback reads
    Case("feedback.list", lambda c: feedback(c).list(trace_id="tr_1"), "GET", "/feedback",
         {"trace_id": "tr_1"}, answer=LIST, result_type=PAGE),
    Case("feedback.retrieve", lambda c: feedback(c).retrieve("fb_1"), "GET", "/feedback/fb_1",
         result_type=t.FeedbackEntry),
    # providers
    Case("providers.create",
         lambda c: c.providers.create(name="OpenAI prod", integration_id="int_1",
                                      workspace_id="ws_1"),
         "POST", "/providers",
         body={"name": "OpenAI prod", "integration_id": "int_1", "workspace_id": "ws_1"},
         result_type=t.Provider),
    Case("providers.list", lambda c: c.providers.list(current_page=0, page_size=50), "GET",
         "/providers", {"current_page": "0", "page_size": "50"}, answer=LIST, result_type=PAGE),
    Case("providers.retrieve", lambda c: c.providers.retrieve("openai-prod", workspace_id="ws"),
         "GET", "/providers/openai-prod", {"workspace_id": "ws"}, result_type=t.Provider),
    Case("providers.update",
         lambda c: c.providers.update("openai-prod", workspace_id="ws", note="n", reset_usage=True),
         "PUT", "/providers/openai-prod", {"workspace_id": "ws"},
         body={"note": "n", "reset_usage": True}, result_type=t.Provider),
    Case("providers.delete", lambda c: c.providers.delete("openai-prod", workspace_id="ws"),
         "DELETE", "/providers/openai-prod", {"workspace_id": "ws"}, result_type=t.DeletedObject),
    # integrations, their workspaces and models
    Case("integrations.create",
         lambda c: c.integrations.create(name="OpenAI", ai_provider_id="openai", key="sk-x"),
         "POST", "/integrations",
         body={"name": "OpenAI", "ai_provider_id": "openai", "key": "sk-x"},
         result_type=t.Integration),
    Case("integrations.list", lambda c: c.integrations.list(workspace_id="ws_1"), "GET",
         "/integrations", {"workspace_id": "ws_1"}, answer=LIST, result_type=PAGE),
    Case("integrations.retrieve", lambda c: c.integrations.retrieve("openai-main"), "GET",
         "/integrations/openai-main", result_type=t.Integration),
    Case("integrations.update", lambda c: c.integrations.update("openai-main", note="n"), "PUT",
         "/integrations/openai-main", body={"note": "n"}, result_type=t.Integration),
    Case("integrations.delete", lambda c: c.integrations.delete("openai-main"), "DELETE",
         "/integrations/openai-main", result_type=t.DeletedObject),
    Case("integrations.workspaces.list",
         lambda c: c.integrations.workspaces.list("openai-main"), "GET",
         "/integrations/openai-main/workspaces", answer=LIST, result_type=PAGE),
    Case("integrations.workspaces.update",
         lambda c: c.integrations.workspaces.update(
             "openai-main", workspaces=[{"id": "ws_1", "enabled": True}]),
         "PUT", "/integrations/openai-main/workspaces",
         body={"workspaces": [{"id": "ws_1", "enabled": True}]}, result_type=GenericResponse),
    Case("integrations.models.list", lambda c: c.integrations.models.list("openai-main"), "GET",
         "/integrations/openai-main/models", answer=LIST, result_type=PAGE),
    Case("integrations.models.update",
         lambda c: c.integrations.models.update(
             "openai-main", models=[{"slug": "gpt-4o", "enabled": True}], allow_all_models=False),
         "PUT", "/integrations/openai-main/models",
         body={"models": [{"slug": "gpt-4o", "enabled": True}], "allow_all_models": False},
         result_type=GenericResponse),
    Case("integrations.models.delete",
         lambda c: c.integrations.models.delete("openai-main", slugs=["ft-1", "ft-2"]), "DELETE",
         "/integrations/openai-main/models", {"slugs": "ft-1,ft-2"}, result_type=t.DeletedObject),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=repr)
async def test_control_plane_verb(case: Case, use_async: bool, stub: ProviderStub) -> None:
    client = direct_client(stub, use_async=use_async)
    result = await check_case(case, client, stub, DEFAULT_TARGET)
    record = stub.requests(DEFAULT_TARGET)[0]
    assert record.headers["x-portkey-api-key"] == PORTKEY_KEY
    assert record.path == "/v1" + case.endpoint
    if case.body is not None:
        assert record.headers["content-type"] == "application/json"
    if isinstance(result, PAGE):
        assert ids_of(result.data) == ["x_1", "x_2"]
        assert result.total == 2


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_404_is_not_found_error(use_async: bool, stub: ProviderStub) -> None:
    client = direct_client(stub, use_async=use_async)
    stub.script(
        DEFAULT_TARGET, status(404, json_body={"success": False, "message": "Config not found"})
    )
    with pytest.raises(NotFoundError) as caught:
        await resolve(client.configs.retrieve("pc-missing"))
    assert "Config not found" in str(caught.value)
    stub.script(DEFAULT_TARGET, status(404))
    with pytest.raises(NotFoundError):
        await resolve(client.admin.workspaces.users.delete("u1", workspace_id="ws_gone"))


def test_hosted_control_plane_needs_an_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTKEY_API_KEY", raising=False)
    client = Portkey(base_url="https://api.portkey.ai/v1")
    with pytest.raises(MissingAPIKeyError):
        client.configs.list()


BAD_INPUT = [
    ("configs.retrieve()", lambda c: c.configs.retrieve(), "slug"),
    ("configs.update('')", lambda c: c.configs.update("", name="x"), "slug"),
    ("configs.create no config", lambda c: c.configs.create(name="x"), "config"),
    ("api_keys.create no type", lambda c: c.api_keys.create(sub_type="service", name="x"), "type"),
    ("api_keys.delete()", lambda c: c.api_keys.delete(), "id"),
    ("members.list no workspace", lambda c: c.admin.workspaces.users.list(), "workspace_id"),
    ("members.update no user", lambda c: c.admin.workspaces.users.update(workspace_id="w"),
     "user_id"),
    ("invites.create no email", lambda c: c.admin.invites.create(role="member"), "email"),
    ("invites.resend()", lambda c: c.admin.invites.resend(), "invite_id"),
    ("exports.start()", lambda c: c.logs.exports.start(), "export_id"),
    ("providers.create no integration", lambda c: c.providers.create(name="p"),
     "integration_id"),
    ("integration models no slug", lambda c: c.integrations.models.list(), "slug"),
    ("integration models delete no slugs", lambda c: c.integrations.models.delete("s"), "slugs"),
    ("feedback.retrieve()", lambda c: feedback(c).retrieve(), "feedback_id"),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("name", "call", "field"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
async def test_bad_input_fails_before_sending(
    name: str, call: Any, field: str, use_async: bool, stub: ProviderStub
) -> None:
    client = direct_client(stub, use_async=use_async)
    with pytest.raises(InvalidRequestError) as caught:
        await resolve(call(client))
    assert caught.value.field == field
    assert stub.requests() == []


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_client_feedback_reads(use_async: bool, stub: ProviderStub) -> None:
    # client.feedback (create/update written in resources/feedback.py) builds on FeedbackQueries
    client = direct_client(stub, use_async=use_async)
    stub.script(DEFAULT_TARGET, status(200, json_body={"id": "fb_1", "value": 5}))
    found = await resolve(client.feedback.retrieve("fb_1"))
    assert isinstance(found, t.FeedbackEntry) and found.value == 5
    stub.script(DEFAULT_TARGET, status(200, json_body=LIST))
    page = await resolve(client.feedback.list(trace_id="tr_1"))
    assert ids_of(page.data) == ["x_1", "x_2"]
    assert [(r.method, r.endpoint, r.query) for r in stub.requests()] == [
        ("GET", "/feedback/fb_1", ""),
        ("GET", "/feedback", "trace_id=tr_1"),
    ]
