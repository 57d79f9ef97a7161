"""The SDK's layers, bottom up: ``config`` (models and their translation), ``headers``,
the transport (``requestor``, ``async_requestor``, ``streaming``), ``resources``, and the
clients. Import from ``portkey``; modules here are loaded on demand."""
