"""``python -m portkey``: the ``portkey`` command (see :mod:`portkey.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
