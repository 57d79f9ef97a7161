"""``admin``: the organisation's users, invites, workspaces and workspace members (hosted
control plane only; updates use ``PUT``)."""

from functools import cached_property
from typing import Any, Optional, cast

from ..platform_types import User, UserInvite, Workspace, WorkspaceMember
from ..responses import GenericResponse
from .base import AsyncAPIResource, SyncAPIResource
from .crud import (
    CRUD,
    AsyncCreatable,
    AsyncCRUD,
    AsyncDeletable,
    AsyncListable,
    AsyncRetrievable,
    AsyncUpdatable,
    Creatable,
    Deletable,
    Endpoint,
    Listable,
    Retrievable,
    Updatable,
)
from .pagination import PAGE_NUMBERS, PAGE_NUMBERS_CAMEL

# The admin lists spell their page arguments currentPage / pageSize; callers still pass
# current_page / page_size.
USERS = Endpoint(
    "/admin/users", User, id_name="user_id", update_method="PUT", paging=PAGE_NUMBERS_CAMEL
)
INVITES = Endpoint(
    "/admin/users/invites",
    UserInvite,
    id_name="invite_id",
    paging=PAGE_NUMBERS_CAMEL,
    required=("email", "role"),
)
WORKSPACES = Endpoint(
    "/admin/workspaces",
    Workspace,
    id_name="workspace_id",
    update_method="PUT",
    paging=PAGE_NUMBERS_CAMEL,
    delete_body=True,  # a delete names the workspace in its body, as a safety check
    required=("name",),
)
WORKSPACE_MEMBERS = Endpoint(
    "/admin/workspaces/{workspace_id}/users",
    WorkspaceMember,
    id_name="user_id",
    update_method="PUT",
    paging=PAGE_NUMBERS,
    required=("users",),
)


# ---- sync --------------------------------------------------------------------------------------


class Invites(Creatable[UserInvite], Listable[UserInvite], Retrievable[UserInvite], Deletable):
    """``client.admin.invites`` (also ``client.admin.users.invites``), with ``resend``."""

    endpoint = INVITES

    def resend(self, id: Optional[str] = None, /, **params: Any) -> GenericResponse:
        """Send an invite's email again."""
        call = INVITES.action_call("POST", id, "resend", params, cast_to=GenericResponse)
        return cast(GenericResponse, self._send(call))


class Users(Listable[User], Retrievable[User], Updatable[User], Deletable):
    """``client.admin.users``: ``list``, ``retrieve``, ``update``, ``delete``; ``invites``."""

    endpoint = USERS

    @cached_property
    def invites(self) -> Invites:
        """Invitations to the organisation."""
        return Invites(self._client)


class WorkspaceMembers(CRUD[WorkspaceMember]):
    """``client.admin.workspaces.users`` (also ``.members``), keyed by ``workspace_id``:
    ``create(users=[{"id": ..., "role": ...}])`` adds members."""

    endpoint = WORKSPACE_MEMBERS


class Workspaces(CRUD[Workspace]):
    """``client.admin.workspaces``: CRUD; ``users`` (members)."""

    endpoint = WORKSPACES

    @cached_property
    def users(self) -> WorkspaceMembers:
        """The members of a workspace."""
        return WorkspaceMembers(self._client)

    @property
    def members(self) -> WorkspaceMembers:
        """The members of a workspace (same as ``users``)."""
        return self.users


class Admin(SyncAPIResource):
    """``client.admin``: ``users``, ``invites``, ``workspaces``."""

    @cached_property
    def users(self) -> Users:
        """The organisation's users."""
        return Users(self._client)

    @property
    def invites(self) -> Invites:
        """Invitations to the organisation."""
        return self.users.invites

    @cached_property
    def workspaces(self) -> Workspaces:
        """The organisation's workspaces."""
        return Workspaces(self._client)


# ---- async -------------------------------------------------------------------------------------


class AsyncInvites(
    AsyncCreatable[UserInvite],
    AsyncListable[UserInvite],
    AsyncRetrievable[UserInvite],
    AsyncDeletable,
):
    """Async twin of :class:`Invites`."""

    endpoint = INVITES

    async def resend(self, id: Optional[str] = None, /, **params: Any) -> GenericResponse:
        """Send an invite's email again."""
        call = INVITES.action_call("POST", id, "resend", params, cast_to=GenericResponse)
        return cast(GenericResponse, await self._send(call))


class AsyncUsers(AsyncListable[User], AsyncRetrievable[User], AsyncUpdatable[User], AsyncDeletable):
    """Async twin of :class:`Users`."""

    endpoint = USERS

    @cached_property
    def invites(self) -> AsyncInvites:
        """Invitations to the organisation."""
        return AsyncInvites(self._client)


class AsyncWorkspaceMembers(AsyncCRUD[WorkspaceMember]):
    """Async twin of :class:`WorkspaceMembers`."""

    endpoint = WORKSPACE_MEMBERS


class AsyncWorkspaces(AsyncCRUD[Workspace]):
    """Async twin of :class:`Workspaces`."""

    endpoint = WORKSPACES

    @cached_property
    def users(self) -> AsyncWorkspaceMembers:
        """The members of a workspace."""
        return AsyncWorkspaceMembers(self._client)

    @property
    def members(self) -> AsyncWorkspaceMembers:
        """The members of a workspace (same as ``users``)."""
        return self.users


class AsyncAdmin(AsyncAPIResource):
    """Async twin of :class:`Admin`."""

    @cached_property
    def users(self) -> AsyncUsers:
        """The organisation's users."""
        return AsyncUsers(self._client)

    @property
    def invites(self) -> AsyncInvites:
        """Invitations to the organisation."""
        return self.users.invites

    @cached_property
    def workspaces(self) -> AsyncWorkspaces:
        """The organisation's workspaces."""
        return AsyncWorkspaces(self._client)
