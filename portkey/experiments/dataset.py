"""An experiment's dataset: prompts with stable ids, optional parameters and expected answers.

A dataset item is one of

* a string -- sent as one user message;
* a list of messages -- ``[{"role": "user", "content": "..."}]``;
* a dict with ``prompt`` (a string) or ``messages``, and optionally ``id``, ``params`` (sent
  with this prompt only, e.g. ``{"temperature": 0}``) and ``expected`` (the right answer, for
  scoring; a string or a list of acceptable strings).

Each item gets a stable id: its own ``id``, else a hash of its content (``p-<12 hex>``, with
``-2``, ``-3``... for repeats of the same content). The id is what a resumed run uses to know a
prompt is done, so it does not depend on the item's position.
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ..api_resources.exceptions import InvalidRequestError

__all__ = ["DatasetItem", "load_dataset"]

Expected = Union[str, Tuple[str, ...], None]
_ITEM_KEYS = frozenset({"id", "prompt", "messages", "params", "expected"})


@dataclass(frozen=True)
class DatasetItem:
    """One prompt of an experiment, ready to send."""

    id: str
    index: int
    messages: List[Dict[str, Any]]
    params: Dict[str, Any] = field(default_factory=dict)
    expected: Expected = None

    @property
    def prompt_text(self) -> str:
        """The last message's text (what a table shows as the prompt)."""
        content = self.messages[-1].get("content", "") if self.messages else ""
        return content if isinstance(content, str) else json.dumps(content)


def load_dataset(items: Iterable[Any]) -> List[DatasetItem]:
    """Check every item and give it its id; raises :class:`InvalidRequestError` naming the item
    and the fix before anything is sent."""
    if isinstance(items, (str, bytes, Mapping)):
        raise InvalidRequestError(
            "dataset must be a list of prompts (strings, message lists or dicts); got "
            f"{type(items).__name__}",
            field="dataset",
        )
    parsed: List[DatasetItem] = []
    seen: Dict[str, int] = {}
    repeats: Dict[str, int] = {}
    for index, raw in enumerate(items):
        given_id, messages, params, expected = _parse(index, raw)
        if given_id is None:
            digest = _content_hash(messages, params, expected)
            repeats[digest] = repeats.get(digest, 0) + 1
            item_id = f"p-{digest}" + (f"-{repeats[digest]}" if repeats[digest] > 1 else "")
        else:
            item_id = given_id
        if item_id in seen:
            raise InvalidRequestError(
                f"dataset[{index}] has id {item_id!r}, already used by dataset[{seen[item_id]}]: "
                "ids must be unique",
                field="id",
            )
        seen[item_id] = index
        parsed.append(DatasetItem(item_id, index, messages, params, expected))
    if not parsed:
        raise InvalidRequestError("dataset is empty: give at least one prompt", field="dataset")
    return parsed


def _parse(
    index: int, raw: Any
) -> Tuple[Optional[str], List[Dict[str, Any]], Dict[str, Any], Expected]:
    where = f"dataset[{index}]"
    if isinstance(raw, str):
        return None, [{"role": "user", "content": raw}], {}, None
    if isinstance(raw, Mapping):
        unknown = sorted(set(raw) - _ITEM_KEYS)
        if unknown:
            raise InvalidRequestError(
                f"{where} has unknown key(s) {unknown}; an item takes prompt or messages, and "
                "optionally id, params and expected",
                field=unknown[0],
            )
        if ("prompt" in raw) == ("messages" in raw):
            raise InvalidRequestError(
                f"{where} needs exactly one of 'prompt' (a string) or 'messages' (a list)",
                field="prompt",
            )
        if "prompt" in raw:
            if not isinstance(raw["prompt"], str):
                raise InvalidRequestError(f"{where}.prompt must be a string", field="prompt")
            messages = [{"role": "user", "content": raw["prompt"]}]
        else:
            messages = _messages(where + ".messages", raw["messages"])
        params = raw.get("params") or {}
        if not isinstance(params, Mapping):
            raise InvalidRequestError(f"{where}.params must be a dict", field="params")
        return _id(where, raw.get("id")), messages, dict(params), _expected(where, raw)
    if isinstance(raw, Sequence):
        return None, _messages(where, raw), {}, None
    raise InvalidRequestError(
        f"{where} must be a string, a list of messages or a dict; got {type(raw).__name__}",
        field="dataset",
    )


def _messages(where: str, raw: Any) -> List[Dict[str, Any]]:
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, Sequence) or not raw:
        raise InvalidRequestError(
            f"{where} must be a non-empty list like [{{'role': 'user', 'content': 'Hi'}}]",
            field="messages",
        )
    for position, message in enumerate(raw):
        if not isinstance(message, Mapping) or not message.get("role"):
            raise InvalidRequestError(
                f"{where}[{position}] needs a 'role' and 'content'", field="messages"
            )
    return [dict(message) for message in raw]


def _id(where: str, raw: Any) -> Optional[str]:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int)) or raw == "":
        raise InvalidRequestError(f"{where}.id must be a non-empty string or an int", field="id")
    return str(raw)


def _expected(where: str, raw: Mapping[str, Any]) -> Expected:
    value = raw.get("expected")
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Sequence) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InvalidRequestError(
        f"{where}.expected must be a string or a non-empty list of strings", field="expected"
    )


def _content_hash(messages: Any, params: Any, expected: Expected) -> str:
    canonical = json.dumps(
        [messages, params, expected], sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
