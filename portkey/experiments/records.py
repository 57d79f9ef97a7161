"""One call's record, and the JSONL file that keeps an experiment's records as they arrive.

The file's first line describes the experiment (``{"experiment": {...}}``: a fingerprint of the
config, parameters, assignment and seed); every further line is one finished call. Lines are
written whole and flushed one by one from a single writer, so a run killed at any moment leaves
every finished call on disk; at worst the last line is cut short, and the next run drops that
fragment (its call was not finished, so it runs again).
"""

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import IO, Any, Dict, List, Optional, Tuple, Union

from ..api_resources.exceptions import InvalidRequestError

__all__ = ["CallRecord", "ResultsFile", "read_results"]

FORMAT_VERSION = 1


@dataclass(frozen=True)
class CallRecord:
    """What one call did: who served it, how fast, at what cost, and what it answered.

    ``target`` is the index of the config target that served the call, read from the
    gateway's ``x-portkey-last-used-option-index`` header (None when the gateway did not say,
    e.g. it could not be reached). ``assigned_target`` is the target the runner chose with a
    seeded assignment (None when the gateway chose). ``latency`` is seconds from sending to the
    whole answer; ``ttft`` seconds to the first content chunk of a streamed answer. ``retries``
    is the gateway's retry count for the call. ``status`` is the HTTP status (None when no
    answer came back); ``error_type`` the SDK exception's class name.
    """

    id: str
    index: int
    prompt: str
    target: Optional[int]
    assigned_target: Optional[int]
    ok: bool
    status: Optional[int]
    latency: float
    ttft: Optional[float] = None
    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    retries: Optional[int] = None
    cache_status: Optional[str] = None
    output: Optional[str] = None
    expected: Union[str, List[str], None] = None
    error_type: Optional[str] = None
    error: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The record as plain JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "CallRecord":
        """A record from :meth:`to_dict`'s data (unknown keys are ignored)."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        if isinstance(values.get("expected"), tuple):
            values["expected"] = list(values["expected"])
        return cls(**values)


def read_results(path: Union[str, "os.PathLike[str]"]) -> Tuple[Dict[str, Any], List[CallRecord]]:
    """The experiment header and the finished records of a results file (a cut-off last line
    is left out)."""
    header: Dict[str, Any] = {}
    records: List[CallRecord] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.endswith("\n"):
                break  # the fragment a killed run left: that call was not finished
            data = json.loads(line)
            if number == 1 and "experiment" in data:
                header = data["experiment"]
            else:
                records.append(CallRecord.from_dict(data))
    return header, records


class ResultsFile:
    """Appends records to a JSONL file; on opening, returns the records already there.

    Raises :class:`InvalidRequestError` when the file belongs to another experiment (another
    config, parameters, assignment or seed): mixing the two would make the comparison wrong.
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"], experiment: Dict[str, Any]) -> None:
        """Open ``path`` for ``experiment`` (a JSON-ready description with a ``fingerprint``)."""
        self.path = Path(path)
        self._experiment = {"version": FORMAT_VERSION, **experiment}
        self._handle: Optional[IO[str]] = None

    def open(self) -> List[CallRecord]:
        """Start or resume the file; the records of calls already finished, in file order."""
        records: List[CallRecord] = []
        if self.path.exists() and self.path.stat().st_size > 0:
            header, records = read_results(self.path)
            self._check(header)
            self._drop_fragment()
            self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (kept open)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 (kept open)
            self._write({"experiment": self._experiment})
        return records

    def _check(self, header: Dict[str, Any]) -> None:
        mine, theirs = self._experiment.get("fingerprint"), header.get("fingerprint")
        if mine != theirs:
            raise InvalidRequestError(
                f"{self.path} holds results of a different experiment (another config, "
                "parameters, assignment or seed); give a new results_path, or delete the file "
                "to start over",
                field="results_path",
            )

    def _drop_fragment(self) -> None:
        with open(self.path, "rb+") as handle:
            data = handle.read()
            if data and not data.endswith(b"\n"):
                handle.truncate(data.rfind(b"\n") + 1)

    def append(self, record: CallRecord) -> None:
        """Write one record and flush it to the operating system."""
        self._write(record.to_dict())

    def _write(self, data: Dict[str, Any]) -> None:
        if self._handle is None:
            raise RuntimeError("ResultsFile.open() was not called")
        # One write of a whole line: a kill can cut only the line being written.
        self._handle.write(json.dumps(data, ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        """Close the file (records are already flushed)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
