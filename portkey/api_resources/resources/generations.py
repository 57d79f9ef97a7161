"""``generations`` (hosted service only, deprecated): run a saved prompt the 0.1.x way.

``client.generations.create(prompt_id=..., variables={...})`` sends
``POST /prompts/{prompt_id}/generate`` with ``{"variables": {...}}``, the request older SDKs
made. Portkey has deprecated this endpoint in favour of
``client.prompts.completions.create(prompt_id=..., variables=...)``, so every call warns with a
``DeprecationWarning`` and the answer carries the same text in ``warning``.

:class:`Generations` and :class:`AsyncGenerations` hold a client; the module-level form
``portkey.Generations.create(...)`` is built on them.
"""

import warnings
from typing import Any, Dict, Mapping, Optional, Union

from ..base_client import NOT_GIVEN, NotGiven, Timeout
from ..constants import CONFIG_HEADER
from ..exceptions import InvalidRequestError
from ..headers import ConfigValue, config_header_value
from ..responses import APIResponse
from .base import (
    AsyncAPIResource,
    Call,
    SyncAPIResource,
    body_of,
    mapping_or_none,
    request_options,
)
from .crud import require_id

#: The text of the warning every call gives, and of the answer's ``warning`` field.
DEPRECATION_MESSAGE = (
    "generations.create is deprecated by Portkey: use "
    "prompts.completions.create(prompt_id=..., variables=...) for a saved prompt"
)


class Generation(APIResponse):
    """The answer of ``prompts/{prompt_id}/generate``: kept as the API sends it (``success``,
    ``data``, ...), plus ``warning``, the deprecation notice."""

    warning: Optional[str] = None


def generation_call(
    *,
    prompt_id: Any,
    variables: Any,
    config: Optional[ConfigValue],
    params: Mapping[str, Any],
    extra_headers: Optional[Mapping[str, str]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Union[int, NotGiven],
) -> Call:
    """``POST /prompts/{prompt_id}/generate``; ``config``, when given, travels as this call's
    ``x-portkey-config`` header (as the 0.1.x SDK let a call choose its config)."""
    if variables is not None and not isinstance(variables, Mapping):
        raise InvalidRequestError(
            "variables must be a dict of the template's variables, like {'name': 'Ada'}; got "
            f"{type(variables).__name__}",
            field="variables",
        )
    headers: Dict[str, str] = dict(mapping_or_none(extra_headers, "extra_headers") or {})
    if config is not None:
        headers[CONFIG_HEADER] = config_header_value(config)
    return Call(
        "POST",
        f"/prompts/{require_id(prompt_id, 'prompt_id')}/generate",
        cast_to=Generation,
        body=body_of({"variables": dict(variables or {})}, params, extra_body),
        request_options=request_options(headers or None, timeout, max_retries),
    )


def _with_warning(result: Generation) -> Generation:
    result.warning = DEPRECATION_MESSAGE
    return result


class Generations(SyncAPIResource):
    """``client.generations``: the deprecated 0.1.x prompt API."""

    def create(
        self,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = None,
        config: Optional[ConfigValue] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Generation:
        """Run the saved prompt ``prompt_id`` with ``variables`` (deprecated: warns, and
        ``prompts.completions.create`` is the replacement). ``config`` overrides the client's
        config for this call only."""
        warnings.warn(DEPRECATION_MESSAGE, DeprecationWarning, stacklevel=2)
        call = generation_call(
            prompt_id=prompt_id,
            variables=variables,
            config=config,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return _with_warning(self._send(call))


class AsyncGenerations(AsyncAPIResource):
    """``client.generations`` on :class:`AsyncPortkey`."""

    async def create(
        self,
        *,
        prompt_id: str,
        variables: Optional[Mapping[str, Any]] = None,
        config: Optional[ConfigValue] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        **params: Any,
    ) -> Generation:
        """Async twin of :meth:`Generations.create`."""
        warnings.warn(DEPRECATION_MESSAGE, DeprecationWarning, stacklevel=2)
        call = generation_call(
            prompt_id=prompt_id,
            variables=variables,
            config=config,
            params=params,
            extra_headers=extra_headers,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        return _with_warning(await self._send(call))
