"""``portkey_ai``: the same SDK under the published package's name.

``import portkey_ai`` gives the very module ``portkey`` (not a copy), so globals such as
``portkey_ai.api_key`` and ``portkey.api_key`` are one and the same. Every submodule is the
same object under both names too: ``portkey_ai.api_resources.config`` *is*
``portkey.api_resources.config``, so a ``Config`` imported through either name is one class.
"""

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Optional, Sequence

import portkey

if TYPE_CHECKING:
    from portkey import *  # noqa: F403

_ALIAS = "portkey_ai"
_TARGET = "portkey"


class _AliasLoader(importlib.abc.Loader):
    """Hands out the already imported ``portkey.X`` module for ``portkey_ai.X``."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module
        self._spec = module.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return self._module

    def exec_module(self, module: ModuleType) -> None:
        # The import system stamped the alias's spec on the module; it keeps its own.
        module.__spec__ = self._spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``portkey_ai.X`` as ``portkey.X``, ahead of the path finders that would load a
    second copy of the file under the other name."""

    def find_spec(
        self,
        fullname: str,
        path: Optional[Sequence[str]] = None,
        target: Optional[ModuleType] = None,
    ) -> Optional[importlib.machinery.ModuleSpec]:
        if not fullname.startswith(_ALIAS + "."):
            return None
        module = importlib.import_module(_TARGET + fullname[len(_ALIAS) :])
        return importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(module), is_package=hasattr(module, "__path__")
        )


if not any(isinstance(finder, _AliasFinder) for finder in sys.meta_path):
    sys.meta_path.insert(0, _AliasFinder())

sys.modules[__name__] = portkey
