"""GET /metrics (issue 17): the bearer token, and what the figures say after real requests."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.settings import Settings
from portal.wecom import WeComCrypto
from portal.wecom import sandbox as demo
from tests.conftest import Auth, SettingsFactory
from tests.factories import add_interview, queue
from tests.support.when import NOW

TOKEN = "metrics-token-for-tests-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings(make_settings: SettingsFactory, db_url: str) -> Settings:
    return make_settings(db_url, PORTAL_METRICS_TOKEN=TOKEN)


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert response.headers["cache-control"] == "no-store"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": TOKEN}],
)
async def test_metrics_refuse_without_the_bearer_token(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "portal_" not in response.text


async def test_metrics_do_not_exist_without_a_token_set(
    make_settings: SettingsFactory, db_url: str, clock: FrozenClock
) -> None:
    from asgi_lifespan import LifespanManager

    from portal.app import create_app

    app = create_app(make_settings(db_url), clock=clock)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get("/metrics", headers=BEARER)
    assert response.status_code == 404


async def test_request_durations_are_labelled_by_route_template(
    client: httpx.AsyncClient,
) -> None:
    name = "portal_http_request_duration_seconds_count"
    health = value(name, route="/healthz", method="GET", status="200")
    one = value(name, route="/mine/{interview_id:id}", method="GET", status="303")
    missing = value(name, route="<unmatched>", method="GET", status="404")
    await client.get("/healthz")
    await client.get("/mine/4242")  # signed out: off to sign in, under the route's pattern
    await client.get("/no/such/page/8a7f")
    figures = await scrape(client)
    key = (name, (("method", "GET"), ("route", "/healthz"), ("status", "200")))
    assert figures[key] == health + 1
    assert value(name, route="/mine/{interview_id:id}", method="GET", status="303") == one + 1
    assert value(name, route="<unmatched>", method="GET", status="404") == missing + 1
    assert not any("8a7f" in str(labels) or "4242" in str(labels) for _, labels in figures)


async def test_outbox_gauges_read_the_queue(
    client: httpx.AsyncClient, db: Database, clock: FrozenClock
) -> None:
    interview = (await add_interview(db)).interview_id
    await queue(db, "invited", "zhangwei", interview, now=NOW)
    await queue(db, "invited", "lisi", interview, now=NOW)
    await queue(db, "reminder", "zhangwei", interview, now=NOW, due_at=NOW + timedelta(days=1))
    clock.advance(timedelta(seconds=90))
    figures = await scrape(client)
    rows = "portal_outbox_rows"
    assert figures[(rows, (("kind", "invited"), ("status", "pending")))] == 2
    assert figures[(rows, (("kind", "reminder"), ("status", "pending")))] == 1
    assert figures[("portal_outbox_oldest_due_age_seconds", ())] == 90
    await db.execute("DELETE FROM outbox")
    figures = await scrape(client)
    assert figures[(rows, (("kind", "invited"), ("status", "pending")))] == 0  # emptied
    assert figures[("portal_outbox_oldest_due_age_seconds", ())] == 0


async def test_wecom_calls_and_token_refreshes_are_counted(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    calls = value("portal_wecom_calls_total", endpoint="gettoken", errcode="0")
    refreshes = value("portal_wecom_token_refreshes_total", result="ok")
    await auth.login_as(demo.DEMO_HR_USERID)  # the code is exchanged through WeCom's API
    await scrape(client)
    assert value("portal_wecom_calls_total", endpoint="gettoken", errcode="0") == calls + 1
    assert value("portal_wecom_token_refreshes_total", result="ok") == refreshes + 1
    assert value("portal_wecom_calls_total", endpoint="auth/getuserinfo", errcode="0") >= 1


async def test_wecom_callbacks_are_counted_by_result(client: httpx.AsyncClient) -> None:
    crypto = WeComCrypto(demo.DEMO_CALLBACK_TOKEN, demo.DEMO_CALLBACK_AES_KEY, demo.DEMO_CORP_ID)
    stamp, nonce = str(int(NOW.timestamp())), "4774"
    echostr = crypto.encrypt("12345")
    good = {
        "msg_signature": crypto.signature(stamp, nonce, echostr),
        "timestamp": stamp,
        "nonce": nonce,
        "echostr": echostr,
    }
    verified = value("portal_webhooks_total", source="wecom", result="verified")
    refused = value("portal_webhooks_total", source="wecom", result="refused")
    assert (await client.get("/wecom/callback", params=good)).text == "12345"
    bad = good | {"msg_signature": "0" * 40}
    assert (await client.get("/wecom/callback", params=bad)).status_code in {400, 401, 403}
    assert value("portal_webhooks_total", source="wecom", result="verified") == verified + 1
    assert value("portal_webhooks_total", source="wecom", result="refused") == refused + 1
