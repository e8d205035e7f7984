"""The question bank's papers HR can attach to a technical room, read a few minutes at a time.

The form must open at once even when the platform is slow or down: a read waits at most
`READ_TIMEOUT`, and after a failure the form does not ask again for `RETRY_AFTER`; it shows
the last good list, or none (and says so).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from portal.platform import Paper, PlatformClient, PlatformError

log = logging.getLogger(__name__)

KEEP_SECONDS = 300.0
RETRY_AFTER = 60.0
READ_TIMEOUT = 1.5


class PaperShelf:
    """The papers, cached; `papers()` is None when they could not be read."""

    def __init__(self, platform: PlatformClient, clock: Callable[[], float]) -> None:
        self._platform = platform
        self._clock = clock
        self._papers: list[Paper] | None = None
        self._read_at = float("-inf")
        self._failed_at = float("-inf")

    async def papers(self) -> list[Paper] | None:
        now = self._clock()
        fresh = self._papers is not None and now - self._read_at < KEEP_SECONDS
        if fresh or now - self._failed_at < RETRY_AFTER:
            return self._papers
        try:
            async with asyncio.timeout(READ_TIMEOUT):
                self._papers = await self._platform.papers(per_page=100)
        except (PlatformError, TimeoutError) as exc:
            log.warning("question bank unavailable: %s", type(exc).__name__)
            self._failed_at = now
            return self._papers  # the last good list, if any
        self._read_at = now
        return self._papers
