"""Live status: who changed which interview, broadcast to every open board and page.

The scheduling service publishes a `LiveEvent` after its transaction commits. `publish`
appends it to the `live_events` feed, whose id is the SSE event id, then delivers it: on
SQLite through an in-process hub, on PostgreSQL through NOTIFY so every app instance sees it.
Subscribers are the SSE streams in `portal/web/live.py`; a reconnecting browser catches up
from the feed (`replay.py`), so no change is missed.
"""

from __future__ import annotations

from portal.live.events import Broadcaster, FanOut, LiveEvent, Published, Subscription
from portal.live.hub import CHANNEL, InProcessHub, PostgresBroadcaster
from portal.live.lifecycle import calling_on_stop_signal, open_broadcaster
from portal.live.replay import Replay, prune_feed, replay_after

__all__ = [
    "CHANNEL",
    "Broadcaster",
    "FanOut",
    "InProcessHub",
    "LiveEvent",
    "PostgresBroadcaster",
    "Published",
    "Replay",
    "Subscription",
    "calling_on_stop_signal",
    "open_broadcaster",
    "prune_feed",
    "replay_after",
]
