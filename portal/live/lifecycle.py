"""Start and stop this process's broadcaster with the app, and end streams on a stop signal."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from types import FrameType

from portal.clock import SYSTEM_CLOCK, Clock
from portal.db.database import Database
from portal.live.hub import InProcessHub, PostgresBroadcaster

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.asynccontextmanager
async def open_broadcaster(
    db: Database, clock: Clock = SYSTEM_CLOCK
) -> AsyncIterator[InProcessHub | PostgresBroadcaster]:
    """PostgreSQL LISTEN/NOTIFY when the database is PostgreSQL, else the in-process hub."""
    broadcaster: InProcessHub | PostgresBroadcaster
    if db.is_postgres:
        broadcaster = PostgresBroadcaster(db, clock=clock)
    else:
        broadcaster = InProcessHub(db, clock=clock)
    await broadcaster.start()
    try:
        with calling_on_stop_signal(broadcaster.drain):
            yield broadcaster
    finally:
        await broadcaster.close()


@contextlib.contextmanager
def calling_on_stop_signal(callback: Callable[[], None]) -> Iterator[None]:
    """Run `callback` on the loop when SIGINT/SIGTERM arrives, then the handler installed before.

    uvicorn waits for every open response to finish before it runs the lifespan shutdown, so an
    open SSE stream would keep a stopping server alive until it is killed. Draining the
    broadcaster on the signal itself ends the streams at once. Only the main thread may set
    signal handlers; a signal nobody handles keeps its default action.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}

    def handler(sig: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(callback)
        chained = previous[signal.Signals(sig)]
        if callable(chained):
            chained(sig, frame)

    installed = [sig for sig, old in previous.items() if callable(old)]
    for sig in installed:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig in installed:
            if signal.getsignal(sig) is handler:
                signal.signal(sig, previous[sig])
