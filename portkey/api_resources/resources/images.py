"""``images``: generate images from a prompt, edit an image, or make variations of one.

``generate`` sends JSON; ``edit`` and ``create_variation`` upload the image as multipart. An
image may be bytes, a path, a binary file object or ``(name, bytes[, type])``.
"""

from typing import Any, Mapping, Optional, Union

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..exceptions import InvalidRequestError
from ..responses_extra import ImagesResponse
from .base import AsyncAPIResource, Call, SyncAPIResource, body_of, query_of, request_options
from .files import FileInput
from .multipart import multipart_call


def _checked_prompt(prompt: Any) -> str:
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidRequestError(
            f"prompt must be a non-empty string; got {type(prompt).__name__}", field="prompt"
        )
    return prompt


def generate_call(
    *,
    prompt: Any,
    model: Optional[str],
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``POST /images/generations``."""
    fields = {"prompt": _checked_prompt(prompt), "model": model}
    return Call(
        "POST",
        "/images/generations",
        cast_to=ImagesResponse,
        body=body_of(fields, params, extra_body),
        params=query_of(params),
        request_options=request_options(extra_headers, timeout, max_retries),
    )


def edit_call(
    *,
    image: Any,
    prompt: Any,
    mask: Any,
    model: Optional[str],
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``POST /images/edits`` (multipart: ``image``, optional ``mask``, the prompt)."""
    return multipart_call(
        "/images/edits",
        cast_to=ImagesResponse,
        files={"image": image, "mask": mask},
        optional_files=("mask",),
        fields={"prompt": _checked_prompt(prompt), "model": model},
        params=params,
        extra_headers=extra_headers,
        extra_body=extra_body,
        timeout=timeout,
        max_retries=max_retries,
    )


def variation_call(
    *,
    image: Any,
    model: Optional[str],
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``POST /images/variations`` (multipart: ``image``)."""
    return multipart_call(
        "/images/variations",
        cast_to=ImagesResponse,
        files={"image": image},
        fields={"model": model},
        params=params,
        extra_headers=extra_headers,
        extra_body=extra_body,
        timeout=timeout,
        max_retries=max_retries,
    )


class Images(SyncAPIResource):
    """``client.images``."""

    def generate(
        self,
        *,
        prompt: str,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> ImagesResponse:
        """Generate images for ``prompt``; other keywords (``n``, ``size``, ``quality``,
        ``response_format``, ...) go to the provider as they are."""
        call = generate_call(
            prompt=prompt,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]

    def edit(
        self,
        *,
        image: FileInput,
        prompt: str,
        mask: Optional[FileInput] = None,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> ImagesResponse:
        """Edit ``image`` as ``prompt`` says (only where ``mask`` is transparent, if given)."""
        call = edit_call(
            image=image,
            prompt=prompt,
            mask=mask,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]

    def create_variation(
        self,
        *,
        image: FileInput,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> ImagesResponse:
        """Make variations of ``image``."""
        call = variation_call(
            image=image,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return self._send(call)  # type: ignore[no-any-return]


class AsyncImages(AsyncAPIResource):
    """``client.images`` on :class:`AsyncPortkey`."""

    async def generate(
        self,
        *,
        prompt: str,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> ImagesResponse:
        """Async twin of :meth:`Images.generate`."""
        call = generate_call(
            prompt=prompt,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]

    async def edit(
        self,
        *,
        image: FileInput,
        prompt: str,
        mask: Optional[FileInput] = None,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> ImagesResponse:
        """Async twin of :meth:`Images.edit`."""
        call = edit_call(
            image=image,
            prompt=prompt,
            mask=mask,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]

    async def create_variation(
        self,
        *,
        image: FileInput,
        model: Optional[str] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> ImagesResponse:
        """Async twin of :meth:`Images.create_variation`."""
        call = variation_call(
            image=image,
            model=model,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self._send(call)  # type: ignore[no-any-return]
