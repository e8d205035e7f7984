"""The question bank's papers HR can attach to a technical room, read a few minutes at a time.

The form must open even when the platform is slow or down: a failed read shows no papers
(and says so) rather than an error page.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from portal.platform import Paper, PlatformClient, PlatformError

log = logging.getLogger(__name__)

KEEP_SECONDS = 300.0
READ_TIMEOUT = 3.0


class PaperShelf:
    """The papers, cached for `KEEP_SECONDS`; `None` from `papers()` means "could not read"."""

    def __init__(self, platform: PlatformClient, clock: Callable[[], float]) -> None:
        self._platform = platform
        self._clock = clock
        self._papers: list[Paper] | None = None
        self._read_at = 0.0

    async def papers(self) -> list[Paper] | None:
        if self._papers is not None and self._clock() - self._read_at < KEEP_SECONDS:
            return self._papers
        try:
            async with asyncio.timeout(READ_TIMEOUT):
                self._papers = await self._platform.papers(per_page=100)
        except (PlatformError, TimeoutError) as exc:
            log.warning("question bank unavailable: %s", type(exc).__name__)
            return self._papers  # the last good list, if any
        self._read_at = self._clock()
        return self._papers
