"""The candidate tests reuse the notification tests' outbox worker against the WeCom sandbox
(`worker`, `drain`), to see what a candidate's action makes arrive in staff inboxes."""

from tests.notifications.conftest import (  # noqa: F401 (fixtures, found by name)
    client_timeout,
    delivery,
    drain,
    wecom_client,
    worker,
)
