"""Scoring an answer against the expected one: exact match, containment, or your function."""

import math
import re
from typing import Any, Callable, List, Optional, Union

from ..api_resources.exceptions import InvalidRequestError
from .records import CallRecord

__all__ = ["Scorer", "score_record", "scorer_for"]

Scorer = Callable[[str, Any], Union[float, bool, None]]


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _candidates(expected: Any) -> List[str]:
    if expected is None:
        return []
    return [expected] if isinstance(expected, str) else [str(e) for e in expected]


def exact_match(output: str, expected: Any) -> Optional[bool]:
    """Whether the answer equals an expected answer (case, punctuation and spacing ignored)."""
    candidates = _candidates(expected)
    if not candidates:
        return None
    return _normalise(output) in {_normalise(c) for c in candidates}


def contains_match(output: str, expected: Any) -> Optional[bool]:
    """Whether the answer contains an expected answer as whole words (case and punctuation
    ignored)."""
    candidates = _candidates(expected)
    if not candidates:
        return None
    padded = f" {_normalise(output)} "
    return any(f" {_normalise(c)} " in padded for c in candidates if _normalise(c))


_BUILT_IN = {"exact": exact_match, "contains": contains_match}


def scorer_for(score: Union[str, Scorer, None]) -> Optional[Scorer]:
    """The scoring function for ``score`` (``"exact"``, ``"contains"``, a callable or None)."""
    if score is None or callable(score):
        return score
    if isinstance(score, str) and score in _BUILT_IN:
        return _BUILT_IN[score]
    raise InvalidRequestError(
        f"score must be 'exact', 'contains' or a function (output, expected) -> number; got "
        f"{score!r}",
        field="score",
    )


def score_record(scorer: Scorer, record: CallRecord) -> Optional[float]:
    """The record's score (a bool counts 1/0), or None when it has none: the call failed, or
    the scorer returned None (e.g. no expected answer)."""
    if not record.ok or record.output is None:
        return None
    value = scorer(record.output, record.expected)
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if not isinstance(value, (int, float)) or math.isnan(value):
        raise InvalidRequestError(
            f"the score function returned {value!r} for prompt {record.id!r}: return a number, "
            "a bool or None",
            field="score",
        )
    return float(value)
