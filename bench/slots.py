"""HR's availability grid: a 5-person pool over 2 weeks, beside the board page in the same run.

    python bench/slots.py [--repeat 200] [--interviews 100000] [--database postgresql]

Seeds the board bench's data (`bench/pages_data.py`: `--interviews` interviews over about
1,000 days, 40 interviewers, two thirds of them with a second panelist) into a fresh SQLite
file, or a PostgreSQL copy of it. One grid is what HR's page will do: read the pool's
profiles and bookings (`portal.db.availability.availability_inputs`, over
`reads_window`), then `free_slots` for a 2-of-5 pool over the next 14 local days, 60-minute
interviews on a 30-minute grid, ranked with each person's load this week. The baseline is
GET /board (signed-in HR, the app in process over `httpx.ASGITransport`), timed as many
times in the same run. Last lines: `database`, `grid_slots`, `grid_bookings`,
`grid_ms_p50`, `grid_ms_p99`, `board_ms_p50`, `board_ms_p99`, `ratio` (grid p50 / board p50).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pages import seeded_url, session_cookie, settings  # noqa: E402
from bench.pages_data import ZONE  # noqa: E402
from portal.db.availability import availability_inputs  # noqa: E402
from portal.db.database import Database  # noqa: E402
from portal.scheduling import DEFAULT_RULES, Booking, Rules, local_date, this_week_range  # noqa: E402
from portal.scheduling.availability import SlotQuery, free_slots, reads_window  # noqa: E402
from portal.scheduling.timezones import UtcRange, day_range  # noqa: E402

POOL = (2, 3, 4, 5, 6)  # interviewers in the seed
# The seed books each interviewer about 26 times a week, far over the default caps, which
# would close every day; with the caps lifted the grid does its full work (overlaps, hours).
RULES = Rules(buffer=DEFAULT_RULES.buffer, daily_cap=None, weekly_cap=None)
TARGETS = "# target: grid_ms_p99 <= 200"


def grid_query(now: datetime) -> SlotQuery:
    tomorrow = local_date(now, ZONE) + timedelta(days=1)
    window = UtcRange(
        day_range(tomorrow, ZONE).start, day_range(tomorrow + timedelta(13), ZONE).end
    )
    return SlotQuery(timedelta(hours=1), window, ZONE, panel_size=2, pool=POOL)


def load_this_week(bookings: list[Booking], now: datetime) -> dict[int, int]:
    week = this_week_range(now, ZONE)
    counts: dict[int, int] = {}
    for booking in bookings:
        if booking.person_id is not None and booking.slot.starts_at in week:
            counts[booking.person_id] = counts.get(booking.person_id, 0) + 1
    return counts


async def one_grid(db: Database, query: SlotQuery, now: datetime) -> tuple[int, int]:
    interviewers, bookings, blocks = await availability_inputs(db, POOL, reads_window(query))
    load = load_this_week(bookings, now)
    options = free_slots(query, now=now, interviewers=interviewers, bookings=bookings,
                         blocks=blocks, rules=RULES, load=load)  # fmt: skip
    return len(options), len(bookings)


async def time_grids(url: str, repeat: int) -> tuple[list[float], int, int]:
    db = Database(url)
    await db.connect()
    try:
        now = datetime.now(UTC)
        query = grid_query(now)
        slots, bookings = await one_grid(db, query, now)  # warm-up
        timings = []
        for _ in range(repeat):
            began = time.perf_counter()
            await one_grid(db, query, now)
            timings.append(time.perf_counter() - began)
        return timings, slots, bookings
    finally:
        await db.disconnect()


async def time_board(url: str, repeat: int) -> list[float]:
    import httpx
    from asgi_lifespan import LifespanManager

    from portal.app import create_app

    app = create_app(settings(url))
    headers = {"Cookie": session_cookie(), "Accept-Language": "en"}
    timings = []
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            assert (await client.get("/board", headers=headers)).status_code == 200
            for _ in range(repeat):
                began = time.perf_counter()
                response = await client.get("/board", headers=headers)
                timings.append(time.perf_counter() - began)
                assert response.status_code == 200, response.status_code
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--interviews", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test"),
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for url in seeded_url(Path(tmp), args):
            grids, slots, bookings = asyncio.run(time_grids(url, args.repeat))
            boards = asyncio.run(time_board(url, args.repeat))
    grid_p50, board_p50 = percentile(grids, 0.5), percentile(boards, 0.5)
    kind = "sqlite (file)" if args.database == "sqlite" else "postgresql (asyncpg pool)"
    print(TARGETS)
    print(f"database: {kind}, {args.interviews} interviews, pool of {len(POOL)}, 14 days")
    print(f"grid_slots: {slots}")
    print(f"grid_bookings: {bookings}")
    print(f"grid_ms_p50: {grid_p50 * 1000:.1f}")
    print(f"grid_ms_p99: {percentile(grids, 0.99) * 1000:.1f}")
    print(f"board_ms_p50: {board_p50 * 1000:.1f}")
    print(f"board_ms_p99: {percentile(boards, 0.99) * 1000:.1f}")
    print(f"ratio: {grid_p50 / board_p50:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
