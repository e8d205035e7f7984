"""A WeCom server stand-in for tests and demos: API, login chooser, inboxes, fault injection.

Production never uses it. See `create_sandbox_app` and the `/_control` API in `control.py`.
"""

from __future__ import annotations

from .app import create_sandbox_app
from .config import (
    DEMO_AGENT_ID,
    DEMO_CALLBACK_AES_KEY,
    DEMO_CALLBACK_TOKEN,
    DEMO_CORP_ID,
    DEMO_SECRET,
    SandboxConfig,
)
from .org import (
    DEMO_ADMIN_USERID,
    DEMO_DISABLED_USERID,
    DEMO_HR_DEPARTMENT_ID,
    DEMO_HR_TAG_ID,
    DEMO_HR_USERID,
    DEMO_INTERVIEWER_USERID,
    DEMO_LEFT_USERID,
    Department,
    Member,
    Org,
    Tag,
    demo_org,
)

__all__ = [
    "DEMO_ADMIN_USERID",
    "DEMO_AGENT_ID",
    "DEMO_CALLBACK_AES_KEY",
    "DEMO_CALLBACK_TOKEN",
    "DEMO_CORP_ID",
    "DEMO_DISABLED_USERID",
    "DEMO_HR_DEPARTMENT_ID",
    "DEMO_HR_TAG_ID",
    "DEMO_HR_USERID",
    "DEMO_INTERVIEWER_USERID",
    "DEMO_LEFT_USERID",
    "DEMO_SECRET",
    "Department",
    "Member",
    "Org",
    "SandboxConfig",
    "Tag",
    "create_sandbox_app",
    "demo_org",
]
