"""What the platform response models share: the id/object base, list pages and delete answers
(what every CRUD resource returns), the error shape, and lenient unions discriminated by ``type``.

A list of tools, content parts or output items holds several kinds of object told apart by their
``type``. :func:`by_type` picks the model for each known ``type`` and sends any other ``type``
(one the API adds tomorrow) to a generic model, so a new kind never fails parsing and
``item.type`` always works.
"""

from typing import Any, List, Optional

from pydantic import Discriminator

from .responses import APIResponse, PortkeyModel

#: The tag :func:`by_type` gives an object whose ``type`` is not one of the known ones.
OTHER = "other"


class PlatformObject(APIResponse):
    """An object with an ``id`` and an ``object`` type name: the base of the models below."""

    id: Optional[str] = None
    object: Optional[str] = None


class ListResponse(APIResponse):
    """One page of a list endpoint, as sent.

    OpenAI-style lists carry ``has_more`` / ``first_id`` / ``last_id`` (cursor paging);
    Portkey's control plane carries ``total`` (page-number paging).
    """

    object: Optional[str] = None
    data: List[Any] = []
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    total: Optional[int] = None


class DeletedObject(PlatformObject):
    """The answer of a delete: ``deleted`` is true when the object is gone."""

    deleted: Optional[bool] = None


class ErrorInfo(PortkeyModel):
    """Why an object failed: ``code`` and ``message`` (a run's ``last_error``, ...)."""

    code: Optional[str] = None
    message: Optional[str] = None


class TypedPart(PortkeyModel):
    """A part of a list told apart by ``type``; the generic member of a :func:`by_type` union."""

    type: Optional[str] = None


def by_type(*known: str) -> Any:
    """A discriminator for a union of ``Annotated[Model, Tag(type)]`` members plus an
    ``Annotated[Generic, Tag(OTHER)]`` one: each value goes to the member of its ``type``."""
    names = frozenset(known)

    def tag(value: Any) -> str:
        kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
        return kind if kind in names else OTHER

    return Discriminator(tag)


__all__ = [
    "OTHER",
    "DeletedObject",
    "ErrorInfo",
    "ListResponse",
    "PlatformObject",
    "TypedPart",
    "by_type",
]
