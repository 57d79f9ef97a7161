"""Calls sent as ``multipart/form-data``: a file (or two) and text fields (image edits and
variations, audio transcriptions and translations).

Files may be given as bytes, a path, a binary file object or ``(name, bytes[, type])`` (see
:func:`.files.file_spec`). Text fields are strings as given and JSON for anything else
(``2``, ``0.5``, ``true``); a one-item list ``["word"]`` goes as the field ``name[]``, the
form OpenAI-style APIs read arrays in.
"""

from typing import Any, Dict, Mapping, Optional, Tuple, Type, Union

from ..base_client import NotGiven, Timeout
from ..exceptions import InvalidRequestError
from ..responses import APIResponse
from ..transport import FileSpec
from .base import Call, body_of, query_of, request_options
from .crud import form_value
from .files import file_spec


def form_fields(body: Mapping[str, Any]) -> Dict[str, str]:
    """The text fields of a multipart request, each value encoded as text."""
    form: Dict[str, str] = {}
    for name, value in body.items():
        if isinstance(value, (list, tuple)):
            # One form field per name is all the transport carries; a longer list would need
            # the field repeated, so refuse it rather than send something the API misreads.
            if len(value) != 1:
                raise InvalidRequestError(
                    f"{name} takes one value in a multipart request; got {len(value)}",
                    field=name,
                )
            form[f"{name}[]"] = form_value(value[0])
        else:
            form[name] = form_value(value)
    return form


def multipart_call(
    path: str,
    *,
    cast_to: Type[APIResponse],
    files: Mapping[str, Any],
    fields: Mapping[str, Any],
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
    optional_files: Tuple[str, ...] = (),
    binary: bool = False,
) -> Call:
    """A ``POST`` of ``files`` and the text fields; files other than ``optional_files`` are
    required, and a missing one raises naming it before anything is sent.

    ``binary`` asks for the answer's bytes rather than JSON (a transcript as plain text).
    """
    for name, value in files.items():
        if value is None and name not in optional_files:
            raise InvalidRequestError(f"{name} is required: give the file to send", field=name)
    body = body_of(fields, params, extra_body)
    if body.get("stream"):
        raise InvalidRequestError(
            f"stream=True is not supported for {path.lstrip('/')}; call without it",
            field="stream",
        )
    specs: Dict[str, FileSpec] = {
        name: file_spec(value, field=name) for name, value in files.items() if value is not None
    }
    return Call(
        "POST",
        path,
        cast_to=cast_to,
        body=form_fields(body),
        files=specs,
        binary=binary,
        params=query_of(params),
        request_options=request_options(extra_headers, timeout, max_retries),
    )
