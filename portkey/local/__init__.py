"""Run the real open-source gateway and a small local model on loopback.

Used by the offline demo, the ``portkey local`` CLI command and the test suite. Nothing here is
imported by ``import portkey``: these helpers start processes and are loaded only when asked for.
"""
