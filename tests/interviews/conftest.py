"""The interview tests use the `world`, `hr` and `interviewer` fixtures of `tests/conftest.py`."""
