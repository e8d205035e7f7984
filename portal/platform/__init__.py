"""An async client for the interview platform's open API; imports nothing else from `portal`.

Start with `PlatformClient(http, auth=ApiKeyAuth(key), api_base=…)`: it creates, edits and
lists interview rooms and reads the question bank, returning the typed values in
`portal.platform.models`. Webhooks are checked with `verify` and read with `parse_event`.
Errors are documented in `portal.platform.errors`; the stand-in server for tests and the
demo is `portal.platform.sandbox`.
"""

from __future__ import annotations

from portal.platform.client import (
    API_BASE,
    DEFAULT_TIMEOUT,
    ApiKeyAuth,
    Auth,
    PlatformClient,
)
from portal.platform.errors import (
    ErrCode,
    InvalidCredentials,
    InvalidRequest,
    PlatformError,
    PlatformUnavailable,
    RateLimited,
    RoomNotFound,
    SystemBusy,
    UnexpectedAnswer,
    error_for,
)
from portal.platform.models import (
    ENDED,
    NON_TECHNICAL,
    OPENED,
    ROOM_STATUSES,
    STARTED,
    TECHNICAL,
    BatchCandidate,
    BatchRoom,
    Interviewer,
    NewRoom,
    Paper,
    Question,
    Room,
    RoomEdit,
    RoomPage,
    Seat,
    WebhookEvent,
)
from portal.platform.webhooks import (
    SIGNATURE_HEADER,
    InvalidWebhook,
    parse_event,
    sign,
    verify,
    webhook_body,
)

__all__ = [
    "API_BASE",
    "DEFAULT_TIMEOUT",
    "ENDED",
    "NON_TECHNICAL",
    "OPENED",
    "ROOM_STATUSES",
    "SIGNATURE_HEADER",
    "STARTED",
    "TECHNICAL",
    "ApiKeyAuth",
    "Auth",
    "BatchCandidate",
    "BatchRoom",
    "ErrCode",
    "Interviewer",
    "InvalidCredentials",
    "InvalidRequest",
    "InvalidWebhook",
    "NewRoom",
    "Paper",
    "PlatformClient",
    "PlatformError",
    "PlatformUnavailable",
    "Question",
    "RateLimited",
    "Room",
    "RoomEdit",
    "RoomNotFound",
    "RoomPage",
    "Seat",
    "SystemBusy",
    "UnexpectedAnswer",
    "WebhookEvent",
    "error_for",
    "parse_event",
    "sign",
    "verify",
    "webhook_body",
]
