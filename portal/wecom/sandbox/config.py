"""Sandbox configuration and the demo corp's credentials."""

from __future__ import annotations

from dataclasses import dataclass, field

from .org import Org, demo_org

DEMO_CORP_ID = "wwdemo0000portal01"
DEMO_AGENT_ID = 1000002
DEMO_SECRET = "aNEgrlESNyxDqrTdaERtQS4DKuPvadc9yc6W68o36uA"
DEMO_CALLBACK_TOKEN = "2uXkf2zzRyDz5gOJeSSoU5pA"
DEMO_CALLBACK_AES_KEY = "RA2oDITjWRIrzcCTFD7rOle2V7Tju6xWOWFop2RzXzD"


@dataclass
class SandboxConfig:
    """One corp with one self-built app; defaults are the demo corp.

    `callback_url` is the portal's `/wecom/callback` URL that inbox card buttons post to.
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
