"""Prometheus metrics (`prometheus-client`), all named `portal_…`.

Counters and histograms live in this process's registry and are fed where things happen
(requests, sends, WeCom calls, webhooks, the live stream, job turns). The outbox gauges are
read from the database when scraped (`refresh_outbox`), so every instance reports the same
queue. The web app serves them at GET /metrics and `portal worker` on its own port, both
behind the bearer `PORTAL_METRICS_TOKEN` (`portal.web.ops`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

UNMATCHED = "<unmatched>"  # a 404 names no route: one label, not one per probed path

REQUEST_SECONDS = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer an HTTP request (a live stream: how long it stayed open).",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
OUTBOX_ROWS = Gauge("portal_outbox_rows", "Outbox rows by kind and status.", ["kind", "status"])
OUTBOX_OLDEST_DUE = Gauge(
    "portal_outbox_oldest_due_age_seconds",
    "How long the oldest due outbox row has waited (0: nothing due).",
)
SENDS = Counter(
    "portal_outbox_sends_total",
    "Outbox rows the worker finished, by result (sent, retried, dead, skipped, released).",
    ["result"],
)
WECOM_CALLS = Counter(
    "portal_wecom_calls_total",
    "WeCom API calls by endpoint and errcode (or http_NNN, unreachable).",
    ["endpoint", "errcode"],
)
TOKEN_REFRESHES = Counter(
    "portal_wecom_token_refreshes_total",
    "Access tokens fetched from WeCom (gettoken calls), by result.",
    ["result"],
)
SSE_OPEN = Gauge("portal_sse_connections", "Live (SSE) streams open now.", ["stream"])
WEBHOOKS = Counter(
    "portal_webhooks_total",
    "Signed callbacks received, by source (wecom, platform) and result.",
    ["source", "result"],
)
HEARTBEATS = Gauge(
    "portal_worker_heartbeat_timestamp_seconds",
    "When each background job last finished a turn (Unix time).",
    ["job"],
)

_RESULTS = {"Sent": "sent", "Retry": "retried", "Dead": "dead", "Skipped": "skipped"}


def observe_request(route: str | None, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(route or UNMATCHED, method, str(status)).observe(seconds)


def count_sends(outcomes: Iterable[object]) -> None:
    for outcome in outcomes:
        SENDS.labels(_RESULTS.get(type(outcome).__name__, "released")).inc()


def wecom_call(endpoint: str, errcode: str) -> None:
    """The WeCom client's observer (`WeComClient(on_call=…)`)."""
    WECOM_CALLS.labels(endpoint, errcode).inc()
    if endpoint == "gettoken":
        TOKEN_REFRESHES.labels("ok" if errcode == "0" else "failed").inc()


def webhook(source: str, result: str) -> None:
    WEBHOOKS.labels(source, result).inc()


def heartbeat(job: str) -> None:
    HEARTBEATS.labels(job).set(time.time())


_outbox_seen: set[tuple[str, str]] = set()


def set_outbox(
    counts: Mapping[tuple[str, str], int], oldest_due: datetime | None, now: datetime
) -> None:
    """The queue as the database has it now; a (kind, status) that emptied drops to zero."""
    for labels in _outbox_seen - set(counts):
        OUTBOX_ROWS.labels(*labels).set(0)
    for (kind, status), value in counts.items():
        OUTBOX_ROWS.labels(kind, status).set(value)
    _outbox_seen.update(counts)
    age = (now - oldest_due).total_seconds() if oldest_due is not None else 0.0
    OUTBOX_OLDEST_DUE.set(max(0.0, age))


def exposition(registry: CollectorRegistry = REGISTRY) -> tuple[bytes, str]:
    """(body, content type) in the Prometheus text format."""
    return generate_latest(registry), CONTENT_TYPE_LATEST
