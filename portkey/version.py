"""The SDK's version and distribution name: the one place each is written (setup.cfg reads the
version from here; tests/test_distribution.py checks setup.cfg's name against this one)."""

VERSION = "1.0.0"

#: The name this SDK is published and installed under (``pip install portkey-gateway-sdk``).
#: Not ``portkey-ai``: that is the vendor's SDK on PyPI, which also writes ``portkey_ai/``.
DISTRIBUTION_NAME = "portkey-gateway-sdk"

#: The vendor's SDK on PyPI; it ships only the ``portkey_ai`` import package.
VENDOR_DISTRIBUTION_NAME = "portkey-ai"
