"""The operations settings (issue 17): defaults, and one clear line for a bad value."""

from __future__ import annotations

import pytest

from portal.settings import SettingsError, load_settings
from tests.conftest import environ_for


def test_operations_are_off_by_default() -> None:
    settings = load_settings(environ_for("sqlite:///x.db"), env_file=None)
    assert settings.log_format == "text"
    assert settings.metrics_token is None and settings.worker_metrics_port is None


def test_operations_read_from_environment() -> None:
    environ = environ_for(
        "sqlite:///x.db",
        PORTAL_LOG_FORMAT="JSON",
        PORTAL_METRICS_TOKEN="a-long-enough-token",
        PORTAL_WORKER_METRICS_PORT="9464",
    )
    settings = load_settings(environ, env_file=None)
    assert settings.log_format == "json" and settings.worker_metrics_port == 9464
    assert str(settings.metrics_token) == "a-long-enough-token"
    assert "a-long-enough-token" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "others"),
    [
        ("PORTAL_LOG_FORMAT", "xml", {}),
        ("PORTAL_METRICS_TOKEN", "short", {}),
        ("PORTAL_WORKER_METRICS_PORT", "70000", {"PORTAL_METRICS_TOKEN": "a-long-enough-token"}),
        ("PORTAL_WORKER_METRICS_PORT", "port", {"PORTAL_METRICS_TOKEN": "a-long-enough-token"}),
        ("PORTAL_WORKER_METRICS_PORT", "9464", {}),  # a port without a token: open to anyone
    ],
)
def test_bad_operations_setting_names_the_variable(
    variable: str, value: str, others: dict[str, str]
) -> None:
    environ = environ_for("sqlite:///x.db", **{variable: value, **others})
    with pytest.raises(SettingsError) as caught:
        load_settings(environ, env_file=None)
    assert caught.value.variable == variable
