"""PLATFORM_* settings: all or nothing, validated with one clear line."""

from __future__ import annotations

import pytest

from portal.settings import SettingsError, load_platform_sandbox_settings, load_settings
from tests.conftest import environ_for

FULL = {
    "PLATFORM_API_BASE": "https://api.platform.example.com",
    "PLATFORM_API_KEY": "key-123",
    "PLATFORM_WEBHOOK_SECRET": "a-webhook-secret-of-some-length",
}


def test_no_platform_means_manual_rooms() -> None:
    settings = load_settings(environ_for("sqlite:///x.db"), env_file=None)
    assert settings.platform is None and settings.join_early_minutes == 15


def test_full_platform_settings_are_read() -> None:
    environ = environ_for("sqlite:///x.db", **FULL, PLATFORM_JOIN_EARLY_MINUTES="30")
    settings = load_settings(environ, env_file=None)
    assert settings.platform is not None
    assert settings.platform.api_base == "https://api.platform.example.com"
    assert str(settings.platform.api_key) == "key-123"
    assert "key-123" not in repr(settings)  # secrets never print
    assert settings.join_early_minutes == 30


@pytest.mark.parametrize("missing", sorted(FULL))
def test_a_partial_platform_names_the_missing_variable(missing: str) -> None:
    environ = environ_for("sqlite:///x.db", **{k: v for k, v in FULL.items() if k != missing})
    with pytest.raises(SettingsError) as refused:
        load_settings(environ, env_file=None)
    assert refused.value.variable == missing


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PLATFORM_API_BASE", "ftp://nope"),
        ("PLATFORM_WEBHOOK_SECRET", "short"),
        ("PLATFORM_JOIN_EARLY_MINUTES", "soon"),
    ],
)
def test_bad_platform_values_name_the_variable(name: str, value: str) -> None:
    environ = environ_for("sqlite:///x.db", **{**FULL, name: value})
    with pytest.raises(SettingsError) as refused:
        load_settings(environ, env_file=None)
    assert refused.value.variable == name


def test_demo_talks_to_the_mounted_platform_sandbox() -> None:
    settings = load_settings({}, env_file=None, demo=True, demo_port=8123)
    assert settings.platform is not None
    assert settings.platform.api_base == "http://127.0.0.1:8123/_platform"
    assert settings.platform_mount == "/_platform"


def test_rooms_sandbox_takes_the_portals_credentials_and_webhook_target() -> None:
    found = load_platform_sandbox_settings(
        {"PORTAL_BASE_URL": "https://portal.example.com", **FULL}, env_file=None
    )
    assert found.api_key == "key-123"
    assert found.webhook_secret == FULL["PLATFORM_WEBHOOK_SECRET"]
    assert found.webhook_url == "https://portal.example.com/platform/webhook"
