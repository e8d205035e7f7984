"""Sandbox configuration and the demo corp's credentials."""

from __future__ import annotations

from dataclasses import dataclass, field

from .org import DEMO_ROOT_DEPARTMENT_ID, Org, demo_org

DEMO_CORP_ID = "wwdemo0000portal01"
DEMO_AGENT_ID = 1000002
DEMO_SECRET = "aNEgrlESNyxDqrTdaERtQS4DKuPvadc9yc6W68o36uA"
DEMO_CALLBACK_TOKEN = "2uXkf2zzRyDz5gOJeSSoU5pA"
DEMO_CALLBACK_AES_KEY = "RA2oDITjWRIrzcCTFD7rOle2V7Tju6xWOWFop2RzXzD"


DEMO_APP_NAME = "面试助手"


@dataclass(frozen=True)
class VisibleRange:
    """The app's 可见范围 as agent/get reports it: members, departments (with everything
    below them) and tags. The default is the whole corp (the root department)."""

    userids: tuple[str, ...] = ()
    department_ids: tuple[int, ...] = (DEMO_ROOT_DEPARTMENT_ID,)
    tag_ids: tuple[int, ...] = ()


@dataclass
class SandboxConfig:
    """One corp with one self-built app; defaults are the demo corp.

    `callback_url` is the portal's `/wecom/callback` URL that inbox card buttons post to.
    `visible` and `app_closed` are what agent/get answers (nothing else enforces them yet).
    """

    corp_id: str = DEMO_CORP_ID
    corp_secret: str = DEMO_SECRET
    agent_id: int = DEMO_AGENT_ID
    callback_token: str = DEMO_CALLBACK_TOKEN
    callback_aes_key: str = DEMO_CALLBACK_AES_KEY
    token_lifetime_s: int = 7200
    callback_url: str | None = None
    org: Org = field(default_factory=demo_org)
    code_lifetime_s: int = 300
    user_ticket_lifetime_s: int = 1800
    response_code_lifetime_s: int = 24 * 3600
    recall_window_s: int = 24 * 3600
    member_messages_per_minute: int = 30
    member_messages_per_hour: int = 1000
    callback_timeout_s: float = 5.0
    app_name: str = DEMO_APP_NAME
    app_closed: bool = False
    visible: VisibleRange = field(default_factory=VisibleRange)
