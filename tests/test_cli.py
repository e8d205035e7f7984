from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import environ_for
from tests.support.sandbox import SandboxControl

REPO = Path(__file__).resolve().parents[1]


def run_portal(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal", *args],
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("override", "variable"),
    [
        ({"PORTAL_SECRET_KEY": ""}, "PORTAL_SECRET_KEY"),
        ({"PORTAL_SECRET_KEY": "short"}, "PORTAL_SECRET_KEY"),
        ({"PORTAL_DATABASE_URL": "mysql://x@y/z"}, "PORTAL_DATABASE_URL"),
        ({"PORTAL_BASE_URL": "portal.example.com"}, "PORTAL_BASE_URL"),
        ({"PORTAL_TIMEZONE": "Mars/Olympus"}, "PORTAL_TIMEZONE"),
        ({"WECOM_CALLBACK_AES_KEY": "tooshort"}, "WECOM_CALLBACK_AES_KEY"),
        ({"WECOM_AGENT_ID": "abc"}, "WECOM_AGENT_ID"),
        ({"WECOM_CORP_ID": ""}, "WECOM_CORP_ID"),
        ({"PORTAL_HR_DEPARTMENTS": "3,x"}, "PORTAL_HR_DEPARTMENTS"),
    ],
)
def test_serve_bad_setting_exits_with_one_line(
    tmp_path: Path, override: dict[str, str], variable: str
) -> None:
    env = environ_for(f"sqlite:///{tmp_path}/p.db", **override)
    env = {key: value for key, value in env.items() if value}
    result = run_portal("serve", "--port", "1", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"portal: {variable} ")
    assert "Traceback" not in result.stderr


def test_migrate_twice_second_run_changes_nothing(tmp_path: Path, db_url: str) -> None:
    # db_url is already migrated by the fixture: both runs must be no-ops that say so.
    env = environ_for(db_url)
    first = run_portal("migrate", env=env, cwd=tmp_path)
    second = run_portal("migrate", env=env, cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "nothing to do" in first.stdout and "nothing to do" in second.stdout


def test_migrate_fresh_sqlite_then_noop(tmp_path: Path) -> None:
    env = environ_for(f"sqlite:///{tmp_path}/fresh.db")
    first = run_portal("migrate", env=env, cwd=tmp_path)
    second = run_portal("migrate", env=env, cwd=tmp_path)
    assert "migrated empty -> " in first.stdout, first.stderr
    assert "nothing to do" in second.stdout


@pytest.mark.parametrize("command", ["serve", "migrate", "demo", "sandbox", "rooms-sandbox"])
def test_help_for_each_command(tmp_path: Path, command: str) -> None:
    result = run_portal(command, "--help", env={}, cwd=tmp_path)
    assert result.returncode == 0
    assert "usage: portal " + command in result.stdout


def test_sync_contacts_command_reports_counts(
    tmp_path: Path, sqlite_url: str, sandbox: SandboxControl
) -> None:
    env = environ_for(sqlite_url, sandbox.base_url)
    first = run_portal("sync-contacts", env=env, cwd=tmp_path)
    second = run_portal("sync-contacts", env=env, cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert first.stdout.startswith("added 11, updated 0, deactivated 0, unchanged 0")
    assert second.stdout.startswith("added 0, updated 0, deactivated 0, unchanged 11")


def test_sync_contacts_command_wecom_refusal_is_one_line(
    tmp_path: Path, sqlite_url: str, sandbox: SandboxControl
) -> None:
    env = environ_for(sqlite_url, sandbox.base_url, WECOM_SECRET="wrong-secret")
    result = run_portal("sync-contacts", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("portal: WeCom refused the sync: errcode 40001")
    )
