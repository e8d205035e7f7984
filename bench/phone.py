"""The interviewer's phone on a mobile network: "my interviews", then an interview, in Chromium.

    python bench/phone.py [--interviews 20000] [--rounds 3]

Seeds the board bench's data (`bench/pages_data.py`) into a SQLite file and serves it twice,
each with uvicorn in a child process: the portal as built, and the baseline, the same portal
with the static files as they were before issue 17 (Starlette's `StaticFiles` under the plain
names, no `Cache-Control`, nothing compressed, HTML not compressed either), files as freshly
deployed. Playwright drives Debian's
Chromium (`/usr/bin/chromium`) at 390×844 with the WeCom user agent, signed in as an
interviewer, under Chromium's network emulation at 150 ms round trip and 1.6 Mbps down. A visit
opens /mine to `load`, then the first interview on it to `load`: first in a new browser
context (empty cache), then again in the same context (the repeat). Bytes are what crossed the
network (Chromium's `encodedDataLength`, headers included); requests are those the network
answered, not the cache. The interview page's live stream (one EventSource that stays open) is
not a page asset and is left out of both counts. Each figure is the median of `--rounds`.

Last lines: `first_kb`, `first_requests`, `repeat_requests`, `first_load_ms`,
`repeat_load_ms`, the same for the baseline (`baseline_…`), and `ratio` (the baseline's first
load time over the portal's). Targets: first_kb <= 40; repeat_requests == 2 (the two pages).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pages import session_cookie, settings, start  # noqa: E402
from bench.pages_data import seed  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
INTERVIEWER_ID = 2  # the seed's first interviewer
PHONE = {"width": 390, "height": 844}
WECOM_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh"
)
NETWORK = {
    "offline": False,
    "latency": 150,  # ms, request sent to response headers: the round trip
    "downloadThroughput": 1_600_000 / 8,  # bytes per second
    "uploadThroughput": 750_000 / 8,
}


def baseline_app(database_url: str) -> Any:
    """The portal as it was before issue 17: plain names, no caching headers, no compression,
    serving the files as a deployment writes them (modified now, so the browser's heuristic
    freshness, a tenth of a file's age, is about nil and a later visit revalidates each)."""
    import atexit
    import shutil
    from unittest import mock

    from starlette.middleware.gzip import GZipMiddleware
    from starlette.staticfiles import StaticFiles

    import portal.app
    from portal.web.core.templating import STATIC_DIR, build_templates

    deployed = Path(tempfile.mkdtemp(prefix="bench-static-")) / "static"
    shutil.copytree(STATIC_DIR, deployed, copy_function=shutil.copy)  # new mtimes
    atexit.register(shutil.rmtree, deployed.parent, ignore_errors=True)
    with (
        mock.patch.object(portal.app, "build_templates", lambda **_: build_templates()),
        mock.patch.object(portal.app, "static_app", lambda _: StaticFiles(directory=deployed)),
    ):
        app = portal.app.create_app(settings(database_url))
    app.user_middleware = [m for m in app.user_middleware if m.cls is not GZipMiddleware]
    return app


def serve(kind: str, port: int, database_url: str) -> None:
    import uvicorn

    from portal.app import create_app

    app = create_app(settings(database_url)) if kind == "portal" else baseline_app(database_url)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@dataclass
class Traffic:
    """What crossed the (emulated) network, from Chromium's DevTools protocol."""

    bytes: int = 0
    requests: int = 0
    streams: set[str] = field(default_factory=set)
    cached: set[str] = field(default_factory=set)
    urls: list[str] = field(default_factory=list)

    def response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response.get("mimeType") == "text/event-stream":
            self.streams.add(event["requestId"])
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def finished(self, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        if request_id in self.streams or request_id in self.cached:
            return
        self.bytes += int(event["encodedDataLength"])
        self.requests += 1


@dataclass(frozen=True)
class Visit:
    kb: float
    requests: int
    load_ms: float


async def visit(page: Any, cdp: Any, base: str) -> Visit:
    traffic = Traffic()
    cdp.on("Network.responseReceived", traffic.response)
    cdp.on("Network.requestServedFromCache", lambda e: traffic.cached.add(e["requestId"]))
    cdp.on("Network.loadingFinished", traffic.finished)
    load_ms = 0.0
    await page.goto(base + "/mine", wait_until="load")
    load_ms += await page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    link = page.locator("a[href^='/mine/']:not([href^='/mine/away'])").first
    href = await link.get_attribute("href")
    if href is None:
        raise RuntimeError("no interview on /mine: the seed gave this interviewer none")
    await page.goto(base + href, wait_until="load")
    load_ms += await page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    await page.wait_for_timeout(300)  # late loadingFinished events
    for name, handler in (
        ("Network.responseReceived", traffic.response),
        ("Network.loadingFinished", traffic.finished),
    ):
        cdp.remove_listener(name, handler)
    return Visit(traffic.bytes / 1024, traffic.requests, load_ms)


async def measure(browser: Any, base: str) -> tuple[Visit, Visit]:
    context = await browser.new_context(
        viewport=PHONE, user_agent=WECOM_UA, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    name, _, value = session_cookie(INTERVIEWER_ID).partition("=")
    await context.add_cookies([{"name": name, "value": value, "url": base}])
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send("Network.emulateNetworkConditions", NETWORK)
    first = await visit(page, cdp, base)
    repeat = await visit(page, cdp, base)
    await context.close()
    return first, repeat


def median(values: list[float]) -> float:
    return statistics.median(values)


async def run(ports: dict[str, int], rounds: int) -> dict[str, list[tuple[Visit, Visit]]]:
    from playwright.async_api import async_playwright

    results: dict[str, list[tuple[Visit, Visit]]] = {kind: [] for kind in ports}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(rounds):
            for kind, port in ports.items():  # alternate, so drift hits both alike
                results[kind].append(await measure(browser, f"http://127.0.0.1:{port}"))
        await browser.close()
    return results


def report(prefix: str, runs: list[tuple[Visit, Visit]]) -> dict[str, float]:
    figures = {
        "first_kb": median([f.kb for f, _ in runs]),
        "first_requests": median([f.requests for f, _ in runs]),
        "repeat_requests": median([r.requests for _, r in runs]),
        "first_load_ms": median([f.load_ms for f, _ in runs]),
        "repeat_load_ms": median([r.load_ms for _, r in runs]),
    }
    for name, value in figures.items():
        shown = f"{value:.1f}" if name.endswith(("_kb", "_ms")) else f"{value:g}"
        print(f"{prefix}{name}: {shown}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", choices=["portal", "baseline"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.db)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        seed(path, args.interviews)
        url = f"sqlite:///{path}"
        children, ports = [], {}
        try:
            for kind in ("portal", "baseline"):
                child, ports[kind] = start(kind, url, script=__file__)
                children.append(child)
            results = asyncio.run(run(ports, args.rounds))
        finally:
            for child in children:
                child.terminate()
                child.wait()
    print("# network: 150 ms RTT, 1.6 Mbps down, 390x844, WeCom UA; medians of", args.rounds)
    print("# targets: first_kb <= 40; repeat_requests == 2 (the two pages' HTML)")
    baseline = report("baseline_", results["baseline"])
    portal = report("", results["portal"])
    print(f"ratio: {baseline['first_load_ms'] / portal['first_load_ms']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
