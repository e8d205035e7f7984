"""One OS process of the cross-process single-flight test (run by test_tokens_db.py).

    python -m tests.wecom.token_worker SANDBOX_URL DATABASE_URL CALLS DIR NAME PHASES

For each phase it touches `DIR/NAME.ready<phase>`, waits for `DIR/go<phase>`, fires CALLS
concurrent user/get calls through a client on `DatabaseTokenStore`, and prints one JSON
line: {"phase": n, "ok": count, "errors": [...]}. Like any separate process it runs on the
machine clock (its client and token store keep their default `time.time`).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import httpx

from portal.db.database import Database
from portal.db.tokens import DatabaseTokenStore
from portal.wecom import WeComClient
from portal.wecom.sandbox import DEMO_AGENT_ID, DEMO_CORP_ID, DEMO_SECRET


async def wait_for(path: Path, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not path.exists():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{path} never appeared")
        await asyncio.sleep(0.002)


async def run(api_base: str, db_url: str, calls: int, folder: Path, name: str, phases: int) -> None:
    db = Database(db_url)
    await db.connect()
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(20.0)) as http:
            client = WeComClient(
                http,
                corp_id=DEMO_CORP_ID,
                corp_secret=DEMO_SECRET,
                agent_id=DEMO_AGENT_ID,
                token_store=DatabaseTokenStore(db),
                api_base=api_base,
                backoff=0.01,
            )
            for phase in range(1, phases + 1):
                (folder / f"{name}.ready{phase}").touch()
                await wait_for(folder / f"go{phase}")
                results = await asyncio.gather(
                    *(client.user.get("zhangwei") for _ in range(calls)), return_exceptions=True
                )
                errors = [repr(r) for r in results if isinstance(r, BaseException)]
                line = {"phase": phase, "ok": calls - len(errors), "errors": errors[:3]}
                print(json.dumps(line), flush=True)
    finally:
        await db.disconnect()


def main(argv: list[str]) -> None:
    api_base, db_url, calls, folder, name, phases = argv
    asyncio.run(run(api_base, db_url, int(calls), Path(folder), name, int(phases)))


if __name__ == "__main__":
    main(sys.argv[1:])
