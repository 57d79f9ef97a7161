"""Where ``portkey local`` keeps files that outlive a process: one per-user cache root."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["user_cache_dir"]


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/portkey`` when that is an absolute path, else ``~/.cache/portkey``.

    Shared by every checkout and virtualenv of the same user, so what one install builds (the
    local model's compiled wheel) the next one finds.
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says relative values are to be ignored.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "portkey"
