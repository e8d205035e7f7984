"""The share-link settings: defaults, overrides, and one clear line for a bad value."""

from __future__ import annotations

import pytest

from portal.settings import SettingsError, load_settings
from tests.conftest import environ_for


def test_link_settings_default_to_a_day() -> None:
    settings = load_settings(environ_for("sqlite:///x.db"), env_file=None)
    assert settings.link_grace_hours == 24 and settings.candidate_cancel_hours == 24
    assert settings.company_name == ""


def test_link_settings_read_from_environment() -> None:
    environ = environ_for(
        "sqlite:///x.db",
        PORTAL_LINK_GRACE_HOURS="48",
        PORTAL_CANDIDATE_CANCEL_HOURS="0",
        PORTAL_COMPANY_NAME="Acme",
    )
    settings = load_settings(environ, env_file=None)
    assert (settings.link_grace_hours, settings.candidate_cancel_hours) == (48, 0)
    assert settings.company_name == "Acme"


@pytest.mark.parametrize("value", ["-1", "two", "9000"])
def test_link_grace_hours_malformed_names_variable(value: str) -> None:
    environ = environ_for("sqlite:///x.db", PORTAL_LINK_GRACE_HOURS=value)
    with pytest.raises(SettingsError) as caught:
        load_settings(environ, env_file=None)
    assert caught.value.variable == "PORTAL_LINK_GRACE_HOURS"
