"""``portkey_ai``: the same SDK under the published package's name.

``import portkey_ai`` gives the very module ``portkey`` (not a copy), so globals such as
``portkey_ai.api_key`` and ``portkey.api_key`` are one and the same.
"""

import sys
from typing import TYPE_CHECKING

import portkey

if TYPE_CHECKING:
    from portkey import *  # noqa: F403

sys.modules[__name__] = portkey
