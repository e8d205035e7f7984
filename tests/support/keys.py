"""The test deployment's secrets (never a real one), shared by the settings and the builders."""

from __future__ import annotations

TEST_SECRET_KEY = "test-secret-key-0123456789-abcdefghijklmnop"
