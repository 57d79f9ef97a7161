"""Benchmarks of the portkey SDK against raw HTTP clients on a local loopback server.

Run ``python -m bench`` (or ``make bench``); ``python -m bench --smoke`` runs every
measurement with tiny counts. See ``bench/README.md`` for what is measured and how.
"""
