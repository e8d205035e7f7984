"""Interview rooms on the platform: the use cases behind them.

- `provision`: the rooms worker makes and edits rooms the booking queued (`db.rooms`).
- `events`: a webhook's report applied to the interview (status, times, rating).
- `reconcile`: asks the platform about rooms that should have reported and did not.
- `entrance`: who may enter which room now, through which link.
- `jobs`: the background jobs above, for `portal worker` and `portal serve`.

The platform's SDK is `portal.platform`; the rules are `portal.scheduling.rooms`.
"""
