"""Message throughput through the WeCom SDK versus a naive client, against the sandbox.

    python bench/wecom_send.py [--messages 2000] [--naive-messages 200] [--concurrency 10]

The sandbox runs in a child process (so client and server do not share a GIL) with a
generated company of `--members` people: WeCom caps each member at 30 messages a minute,
so recipients rotate. The SDK run shares one keep-alive `httpx.AsyncClient` with
`--concurrency` sends in flight; the naive run sends one at a time on a new connection
each (token cached). Last lines: `per_s`, `naive_per_s`, `ratio`, `gettoken`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import sandbox_process  # bench/sandbox_process.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from portal.wecom import MemoryTokenStore, Text, WeComClient  # noqa: E402
from portal.wecom.sandbox import (  # noqa: E402
    DEMO_AGENT_ID,
    DEMO_CORP_ID,
    DEMO_SECRET,
    Department,
    Member,
    Org,
    SandboxConfig,
    create_sandbox_app,
)


def bench_org(members: int) -> Org:
    root = Department(1, "Bench Corp", "Bench Corp", 0)
    people = tuple(
        Member(f"bench{i:05d}", f"Bench {i}", f"Bench {i}", (1,), "Interviewer")
        for i in range(members)
    )
    return Org(departments=(root,), members=people)


def userids(members: int) -> list[str]:
    return [f"bench{i:05d}" for i in range(members)]


def serve(port: int, members: int) -> None:
    import uvicorn

    app = create_sandbox_app(SandboxConfig(org=bench_org(members)))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def control(url: str, method: str, path: str) -> Any:
    response = httpx.request(method, f"{url}/_control/{path}", timeout=10)
    response.raise_for_status()
    return response.json()


async def sdk_run(url: str, count: int, concurrency: int, people: list[str]) -> float:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as http:
        client = WeComClient(
            http,
            corp_id=DEMO_CORP_ID,
            corp_secret=DEMO_SECRET,
            agent_id=DEMO_AGENT_ID,
            token_store=MemoryTokenStore(),
            api_base=url,
        )
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(count):
            queue.put_nowait(i)

        async def worker() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                text = Text(f"Interview reminder #{i}: 明天 14:00")
                await client.message.send(text, touser=people[i % len(people)])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


def naive_run(url: str, count: int, people: list[str]) -> float:
    """One request at a time, a fresh client (and TCP connection) each; the token is cached."""
    started = time.perf_counter()
    params = {"corpid": DEMO_CORP_ID, "corpsecret": DEMO_SECRET}
    token = httpx.get(f"{url}/cgi-bin/gettoken", params=params).json()["access_token"]
    for i in range(count):
        body = {
            "touser": people[i % len(people)],
            "msgtype": "text",
            "agentid": DEMO_AGENT_ID,
            "text": {"content": f"Interview reminder #{i}: 明天 14:00"},
        }
        with httpx.Client() as http:
            answer = http.post(
                f"{url}/cgi-bin/message/send", params={"access_token": token}, json=body
            ).json()
        if answer.get("errcode"):
            raise RuntimeError(f"naive send failed: {answer}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--naive-messages", type=int, default=200)
    # On loopback ~10 in flight is the sweet spot: httpcore's pool bookkeeping grows with the
    # number of open connections, so 50 is slower here (about 300-450/s versus 850-1000/s).
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.members)
        return
    people = userids(args.members)
    child, url = sandbox_process.start(__file__, args.members)
    try:
        control(url, "POST", "reset")
        sdk_seconds = asyncio.run(sdk_run(url, args.messages, args.concurrency, people))
        sdk_stats = control(url, "GET", "stats")
        control(url, "POST", "reset")
        naive_seconds = naive_run(url, args.naive_messages, people)
    finally:
        child.terminate()
        child.wait(timeout=10)
    per_s = args.messages / sdk_seconds
    naive_per_s = args.naive_messages / naive_seconds
    delivered = sdk_stats["messages_delivered"]
    print(f"sdk:   {args.messages} messages, {args.concurrency} in flight, {sdk_seconds:.2f} s")
    print(f"naive: {args.naive_messages} messages, sequential, {naive_seconds:.2f} s")
    print(f"delivered: {delivered}, dropped by per-member cap: {sdk_stats['dropped_rate_limited']}")
    print(f"per_s: {per_s:.1f}")
    print(f"naive_per_s: {naive_per_s:.1f}")
    print(f"ratio: {per_s / naive_per_s:.1f}")
    print(f"gettoken: {sdk_stats['calls'].get('gettoken', 0)}")


if __name__ == "__main__":
    main()
