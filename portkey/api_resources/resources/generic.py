"""``client.post`` / ``get`` / ``put`` / ``delete``: a call to any gateway path, for endpoints this
SDK has no method for (the reference SDK's generic verbs, with its parameter names).

The path is joined to the client's ``base_url`` like every other call's; an absolute URL is
refused, since the call would carry the client's keys to that other host. The answer is a
:class:`GenericResponse` (attribute and dict access to any JSON) unless ``cast_to`` names one
of this SDK's response models.
"""

from typing import Any, Dict, Mapping, Optional, Type

from ..base_client import Call
from ..exceptions import InvalidRequestError
from ..responses import APIResponse, GenericResponse
from ..transport import FileSpec
from .base import request_options


def gateway_path(path: Any, name: str) -> str:
    """``path`` as a path under ``base_url`` (a leading ``/`` added when missing); raises
    :class:`InvalidRequestError` naming ``name`` for anything else."""
    if not isinstance(path, str) or not path.strip():
        raise InvalidRequestError(
            f"{name} must be a path under base_url, like '/chat/completions'; got {path!r:.60}",
            field=name,
        )
    if "://" in path or path.startswith("//"):
        raise InvalidRequestError(
            f"{name} must be a path under base_url, like '/chat/completions', not a URL: the "
            "call would carry this client's keys to another host",
            field=name,
        )
    return path if path.startswith("/") else "/" + path


def response_model(cast_to: Any) -> Type[APIResponse]:
    """The model an answer is parsed into: ``cast_to``, or :class:`GenericResponse`."""
    if cast_to is None:
        return GenericResponse
    if not (isinstance(cast_to, type) and issubclass(cast_to, APIResponse)):
        raise InvalidRequestError(
            "cast_to must be one of this SDK's response models (portkey.GenericResponse takes "
            f"any JSON); got {cast_to!r:.60}",
            field="cast_to",
        )
    return cast_to


def generic_call(
    method: str,
    path: Any,
    *,
    body: Optional[Mapping[str, Any]] = None,
    headers: Optional[Mapping[str, str]] = None,
    cast_to: Any = None,
    stream: bool = False,
    files: Optional[Mapping[str, Any]] = None,
) -> Call:
    """The :class:`Call` of one generic verb. ``stream=True`` asks for (and reads) a stream of
    server-sent events, ``files`` makes the body a multipart form of ``body``'s fields."""
    url_path = gateway_path(path, "url" if method == "POST" else "path")
    model = response_model(cast_to)
    if body is not None and not isinstance(body, Mapping):
        raise InvalidRequestError(
            f"body must be a dict of JSON fields; got {type(body).__name__}", field="body"
        )
    if not isinstance(stream, bool):
        raise InvalidRequestError(
            f"stream must be True or False; got {type(stream).__name__}", field="stream"
        )
    payload: Optional[Dict[str, Any]] = None if body is None else dict(body)
    specs: Optional[Dict[str, FileSpec]] = None
    if files:
        if stream:
            raise InvalidRequestError("stream=True cannot be sent with files", field="stream")
        from .files import file_spec  # the platform models load only for a call with files
        from .multipart import form_fields

        specs = {name: file_spec(value, field=name) for name, value in files.items()}
        payload = form_fields(payload or {})
    elif stream:
        payload = {**(payload or {}), "stream": True}
    return Call(
        method,
        url_path,
        cast_to=model,
        body=payload,
        files=specs,
        stream=stream,
        stream_cls=model if stream else None,
        request_options=request_options(headers or None),
    )
