"""Optional packages: import them on first use, or fail naming the extra that installs them."""

import importlib
from types import ModuleType
from typing import Optional

from ..version import DISTRIBUTION_NAME

__all__ = ["MissingExtraError", "optional_module", "require"]


class MissingExtraError(ImportError):
    """An optional package is missing; the message names the pip extra that installs it."""


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` saying which extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"{purpose} needs {module.split('.')[0]}, which is not installed: "
            f"pip install '{DISTRIBUTION_NAME}[{extra}]'"
        ) from exc


def optional_module(module: str) -> Optional[ModuleType]:
    """``module`` when it can be imported, else None (for features with a plain fallback)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None
