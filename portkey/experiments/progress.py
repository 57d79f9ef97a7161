"""A progress bar for a run: tqdm's when it is installed, else one plain text line."""

from typing import Any, TextIO

from .extras import optional_module

__all__ = ["TextBar", "progress_bar"]


class TextBar:
    """A one-line text progress bar, redrawn in place with a carriage return."""

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
        """Count ``count`` more finished calls."""
        self._done += count
        self._draw()

    def close(self) -> None:
        """End the bar's line."""
        self._stream.write("\n")
        self._stream.flush()


def progress_bar(total: int, initial: int, stream: TextIO) -> Any:
    """A bar over ``total`` calls of which ``initial`` are already done (a resumed run)."""
    tqdm = optional_module("tqdm")
    if tqdm is None:
        return TextBar(total, stream, initial)
    return tqdm.tqdm(total=total, initial=initial, file=stream, unit="call")
