"""The SDK's version: the one place it is written (setup.cfg reads it from here)."""

VERSION = "1.0.0"
