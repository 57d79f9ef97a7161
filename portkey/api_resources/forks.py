"""Which process a transport belongs to, so that a forked child never uses its parent's sockets.

A pooled connection copied into a child by ``fork()`` is one socket shared by two processes:
both write requests on it and each reads whatever answer arrives first. A transport notes the
fork generation when it opens its pool and opens a fresh one when the number has moved on.
Comparing an integer costs less than asking the OS for the pid on every call.
"""

import os

_generation = 0


def _forked() -> None:
    global _generation
    _generation += 1


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere there is no fork to guard against
    os.register_at_fork(after_in_child=_forked)


def generation() -> int:
    """A number that changes in a child process each time the process forks."""
    return _generation
