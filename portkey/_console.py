"""Small terminal helpers for the programs (``portkey`` CLI, demo): progress lines and tables.

Library code does not print; these write only to the stream they are given.
"""

import importlib
import re
import time
from typing import Any, List, Optional, Sequence, TextIO

_STEP = re.compile(r"\[(\d+)/(\d+)\]")
# pip lines worth showing when the output is not a terminal (a log, CI): the rest is noise.
_MILESTONES = (
    "installing ",
    "Collecting ",
    "Building wheel",
    "Successfully",
    "ERROR",
)


class LineProgress:
    """Shows a long step's progress lines on ``stream``.

    On a terminal, each line replaces the previous one (one status line that keeps moving);
    elsewhere only milestones are printed, and build steps at most every ``every`` percent, so
    a log of a five-minute compile stays short.
    """

    def __init__(self, stream: TextIO, prefix: str = "  ", every: int = 10) -> None:
        self._stream = stream
        self._prefix = prefix
        self._every = every
        self._tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_percent = -every
        self._width = 0
        self._started = time.monotonic()

    def __call__(self, line: str) -> None:
        """Show one progress line."""
        elapsed = f"[{time.monotonic() - self._started:4.0f}s] "
        if self._tty:
            text = (self._prefix + elapsed + line.strip())[:100]
            self._stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
            self._stream.flush()
            return
        step = _STEP.search(line)
        if step and "building" in line:
            percent = 100 * int(step[1]) // max(int(step[2]), 1)
            if percent - self._last_percent < self._every and step[1] != step[2]:
                return
            self._last_percent = percent
        elif not line.lstrip().startswith(_MILESTONES):
            return
        self._stream.write(self._prefix + elapsed + line.strip()[:160] + "\n")
        self._stream.flush()

    def done(self, message: Optional[str] = None) -> None:
        """End the status line (on a terminal) and print ``message`` if given."""
        if self._tty and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._width = 0
        if message:
            self._stream.write(self._prefix + message + "\n")
        self._stream.flush()


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with aligned columns (numbers right-aligned)."""
    cells: List[List[str]] = [list(headers)] + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[col]) for row in cells) for col in range(len(headers))]

    def numeric(text: str) -> bool:
        return bool(re.fullmatch(r"-?[\d.,]+%?", text))

    def render(row: List[str]) -> str:
        return "  ".join(
            cell.rjust(width) if numeric(cell) else cell.ljust(width)
            for cell, width in zip(row, widths)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(cells[0]), rule, *(render(row) for row in cells[1:])])


class TextBar:
    """A one-line text progress bar, redrawn in place with a carriage return (the fallback
    when tqdm is not installed)."""

    def __init__(self, total: int, stream: TextIO, initial: int = 0, width: int = 30) -> None:
        """Draw the bar at ``initial`` of ``total`` on ``stream``."""
        self._total = total
        self._done = initial
        self._stream = stream
        self._width = width
        self._draw()

    def _draw(self) -> None:
        filled = self._width * self._done // max(self._total, 1)
        bar = "#" * filled + "-" * (self._width - filled)
        self._stream.write(f"\r[{bar}] {self._done}/{self._total}")
        self._stream.flush()

    def update(self, count: int = 1) -> None:
        """Count ``count`` more finished items."""
        self._done += count
        self._draw()

    def close(self) -> None:
        """End the bar's line."""
        self._stream.write("\n")
        self._stream.flush()


def progress_bar(total: int, stream: TextIO, *, initial: int = 0, unit: str = "call") -> Any:
    """A bar over ``total`` items of which ``initial`` are already done: tqdm's when it is
    installed, else a :class:`TextBar`. Either has ``update(n)`` and ``close()``."""
    try:
        tqdm = importlib.import_module("tqdm")
    except ImportError:
        return TextBar(total, stream, initial)
    return tqdm.tqdm(total=total, initial=initial, file=stream, unit=unit)
