"""The platform SDK and sandbox tests use the `platform` fixtures of `tests/conftest.py`."""
