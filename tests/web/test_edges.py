"""Out-of-range input at the edge: ids, days and page numbers answer 404/422/a fallback, never
500; and every response, error pages included, carries the security headers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.app import create_app
from portal.clock import FrozenClock
from portal.directory.errors import WeComMisconfigured
from portal.scheduling.fields import parse_day, parse_id
from portal.scheduling.timezones import DAY_OUT_OF_RANGE, DayOutOfRange, local_to_utc
from portal.web.core.routing import IdConvertor
from tests.conftest import Auth, SettingsFactory
from tests.factories import World
from tests.interviews.web import EN, interview_form, post
from tests.support.html import soup, text
from tests.support.when import NOW

HUGE = "99999999999999999999"
JUST_ABOVE = str(2**31)  # one more than an Integer column holds
SIGNED_OVERFLOW = "9223372036854775808"

GETS = [
    f"/interviews/{HUGE}",
    f"/interviews/{JUST_ABOVE}",
    f"/mine/{SIGNED_OVERFLOW}",
    f"/positions/{HUGE}/edit",
    f"/candidates/{HUGE}/edit",
    f"/people/{HUGE}/chip",
    f"/interviews/{HUGE}/link",
    f"/live/interviews/{HUGE}",
    f"/people/{HUGE}/limits",
]
POSTS = [
    f"/admin/notifications/{HUGE}/retry",
    f"/interviews/{HUGE}/status",
    f"/mine/{SIGNED_OVERFLOW}/rsvp",
]


@pytest.mark.parametrize("url", GETS)
async def test_path_id_beyond_integer_column_is_404(
    client: httpx.AsyncClient, hr: Auth, url: str
) -> None:
    response = await client.get(url, headers=EN)
    assert response.status_code == 404


@pytest.mark.parametrize("url", POSTS)
async def test_path_id_beyond_integer_column_on_post_is_404(
    client: httpx.AsyncClient, hr: Auth, url: str
) -> None:
    response = await client.post(url, headers={"X-CSRF-Token": await hr.csrf_token(), **EN})
    assert response.status_code == 404


async def test_largest_integer_id_still_routes_to_its_handler(
    client: httpx.AsyncClient, hr: Auth
) -> None:
    response = await client.get(f"/interviews/{2**31 - 1}", headers=EN)
    assert response.status_code == 404  # the handler's "no such interview", not a 500


async def test_create_with_huge_candidate_id_is_422(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    form = interview_form(world, NOW, candidate_id=HUGE)
    response = await post(client, await hr.csrf_token(), "/interviews", form)
    assert response.status_code == 422


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
async def test_create_with_day_out_of_range_is_422_on_the_date(
    client: httpx.AsyncClient, hr: Auth, world: World, day: str
) -> None:
    form = interview_form(world, NOW, date=day, timezone="Pacific/Pago_Pago")
    response = await post(client, await hr.csrf_token(), "/interviews", form)
    assert response.status_code == 422
    assert "2000-01-01" in text(soup(response), "#date-error")


@pytest.mark.parametrize("path", ["/board?day=", "/week?start=", "/week/interviewers?start="])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
async def test_board_and_week_day_out_of_range_fall_back_to_today(
    client: httpx.AsyncClient, hr: Auth, clock: FrozenClock, path: str, day: str
) -> None:
    today = await client.get(path.split("?")[0], headers=EN)
    response = await client.get(path + day, headers=EN)
    assert response.status_code == 200
    assert text(soup(response), "h1") == text(soup(today), "h1")


@pytest.mark.parametrize("page", ["²", "١٢", "-1", "99999999999999999999"])
async def test_page_number_not_ascii_digits_is_page_one(
    client: httpx.AsyncClient, hr: Auth, page: str
) -> None:
    response = await client.get("/admin/notifications", params={"page": page}, headers=EN)
    assert response.status_code == 200


# The pure parsers behind the converter and the day fields.


@pytest.mark.parametrize("raw", ["", "0", "-1", "007", "²", "١", JUST_ABOVE, HUGE, "1.0"])
def test_parse_id_refuses_what_no_row_can_have(raw: str) -> None:
    assert parse_id(raw) is None


@pytest.mark.parametrize("raw", ["1", "42", str(2**31 - 1)])
def test_parse_id_reads_database_ids(raw: str) -> None:
    assert parse_id(raw) == int(raw)


@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "x"])
def test_parse_day_refuses_days_outside_the_supported_range(raw: str) -> None:
    assert parse_day(raw) is None


@pytest.mark.parametrize(
    ("day", "zone"), [("0001-01-01", "Pacific/Pago_Pago"), ("9999-12-31", "Pacific/Kiritimati")]
)
def test_local_to_utc_refuses_days_at_the_calendar_ends(day: str, zone: str) -> None:
    with pytest.raises(DayOutOfRange) as raised:
        local_to_utc(datetime.fromisoformat(f"{day}T00:30"), zone)
    assert raised.value.message == DAY_OUT_OF_RANGE


# Security headers on every response, error pages included.

SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options")


@pytest.fixture
async def breaking(
    make_settings: SettingsFactory, db_url: str, clock: FrozenClock
) -> AsyncIterator[httpx.AsyncClient]:
    async def explode(request: Request) -> Response:
        raise RuntimeError("a handler that breaks")

    async def unreachable(request: Request) -> Response:
        raise WeComMisconfigured()  # a 503: a service the portal needs is not reachable

    app = create_app(make_settings(db_url), clock=clock)
    app.router.routes[:0] = [Route("/explode", explode), Route("/unreachable", unreachable)]
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.mark.parametrize(
    "url", ["/explode", "/unreachable", "/no-such-page", f"/interviews/{HUGE}", "/"]
)
async def test_every_response_carries_security_headers(
    breaking: httpx.AsyncClient, url: str
) -> None:
    response = await breaking.get(url, headers=EN)
    assert response.status_code in (200, 303, 404, 500, 503)
    for name in SECURITY_HEADERS:
        assert response.headers.get(name), f"{name} missing on {response.status_code}"
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_server_error_page_carries_security_headers(breaking: httpx.AsyncClient) -> None:
    response = await breaking.get("/explode", headers=EN)
    assert response.status_code == 500
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_id_converter_matches_exactly_the_database_ids() -> None:
    pattern = re.compile(IdConvertor.regex)
    edges = [0, 1, 9, 10, 99, 10**9 - 1, 10**9, 2 * 10**9, 2**31 - 2, 2**31 - 1, 2**31, 10**10]
    near_bound = range(2**31 - 1_000, 2**31 + 1_000)
    for number in [*edges, *near_bound, *range(0, 2_000, 7)]:
        assert bool(pattern.fullmatch(str(number))) == (parse_id(str(number)) is not None)


@pytest.mark.parametrize("picked", ["²", "١", HUGE])
async def test_chip_with_odd_picked_ids_is_not_a_500(
    client: httpx.AsyncClient, hr: Auth, world: World, picked: str
) -> None:
    url = f"/people/{world['lina'].id}/chip"
    response = await client.get(url, params={"interviewer_ids": picked}, headers=EN)
    assert response.status_code == 200
