"""Warn once when the vendor's SDK (PyPI ``portkey-ai``) is installed next to this SDK.

Both write the ``portkey_ai`` import package, so ``import portkey_ai`` gives whichever of the
two was installed last, and the other one is silently broken. ``import portkey`` always gives
this SDK (the vendor's SDK ships no ``portkey`` package).

The check runs on ``import portkey`` and must stay cheap there: importing
``importlib.metadata`` alone costs about 20 ms, several times ``import portkey`` itself. So a
few ``stat`` calls for files only the vendor's SDK installs come first, and the installed
metadata is read only when such files exist.
"""

import os
import sys
import warnings
from typing import Iterable, List, Optional

from .version import DISTRIBUTION_NAME, VENDOR_DISTRIBUTION_NAME

__all__ = ["VendorSDKWarning", "vendor_sdk_version", "warn_if_vendor_sdk_installed"]

# Files the vendor's SDK installs in portkey_ai/ and this SDK's alias package does not.
_VENDOR_MARKERS = ("version.py", "api_resources")
# How pip names the vendor's metadata folder: portkey_ai-2.3.4.dist-info.
_METADATA_PREFIX = VENDOR_DISTRIBUTION_NAME.replace("-", "_") + "-"

_warned = False


class VendorSDKWarning(UserWarning):
    """The vendor's ``portkey-ai`` distribution shares the environment (and ``portkey_ai/``)."""


def _folders_with_vendor_files(path_entries: Iterable[str]) -> List[str]:
    """The folders on the path holding ``portkey_ai/`` files that only the vendor ships.

    A few ``stat`` calls (tens of microseconds), so ``import portkey`` does not pay for
    importlib.metadata unless the vendor's files are there.
    """
    return [
        folder
        for folder in (entry or os.curdir for entry in path_entries)
        if any(os.path.exists(os.path.join(folder, "portkey_ai", m)) for m in _VENDOR_MARKERS)
    ]


def vendor_sdk_version(path_entries: Optional[Iterable[str]] = None) -> Optional[str]:
    """The installed version of the vendor's SDK, or None when it is not installed.

    A ``portkey-ai`` distribution installed next to ``portkey_ai/`` counts as the vendor's when
    it owns files in ``portkey_ai/`` and none in ``portkey/``: an earlier install of this SDK
    under that name owns both, and an editable install owns neither.
    """
    folders = _folders_with_vendor_files(sys.path if path_entries is None else path_entries)
    if not folders:
        return None
    # Only now (rarely) the heavier imports that reading installed metadata needs.
    from importlib.metadata import PathDistribution
    from pathlib import Path

    for folder in folders:
        for name in sorted(os.listdir(folder)):
            if not name.lower().startswith(_METADATA_PREFIX) or not name.endswith(".dist-info"):
                continue
            distribution = PathDistribution(Path(folder, name))
            if _normalised(distribution.metadata["Name"] or "") != VENDOR_DISTRIBUTION_NAME:
                continue
            top_level = {file.parts[0] for file in distribution.files or () if file.parts}
            if "portkey_ai" in top_level and "portkey" not in top_level:
                return distribution.version
    return None


def _normalised(name: str) -> str:
    """A distribution name as PEP 503 compares it."""
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def warn_if_vendor_sdk_installed() -> None:
    """Issue one VendorSDKWarning per process if the vendor's SDK is installed too."""
    global _warned
    if _warned:
        return
    _warned = True
    version = vendor_sdk_version()
    if version is None:
        return
    warnings.warn(
        f"The vendor's Portkey SDK ({VENDOR_DISTRIBUTION_NAME} {version}) is installed in the "
        f"same environment as this SDK ({DISTRIBUTION_NAME}). Both write the 'portkey_ai' "
        "package, so 'import portkey_ai' gives whichever was installed last and the other is "
        "broken; 'import portkey' always gives this SDK. Keep them in separate virtual "
        f"environments, or run 'pip uninstall {VENDOR_DISTRIBUTION_NAME}' and then "
        f"'pip install --force-reinstall {DISTRIBUTION_NAME}'.",
        VendorSDKWarning,
        stacklevel=2,
    )
