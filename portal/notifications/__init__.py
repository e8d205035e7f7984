"""WeCom notifications that are never lost: a transactional outbox and its worker.

- `outbox.py`: `enqueue` / `cancel_pending` / `dedupe_key`, called inside the transaction of
  the change a row announces; `kinds.py` names the kinds.
- `worker.py`: claim (`claim.py`: atomic, leased, paced by `pacing.py`) → `prepare.py` (load
  the current state, skip what must not go, render with `render/`) → send → `results.py`
  (one fenced transaction per batch; retries and dead letters decided by `retry.py`).
- Follow-up work in the same queue: feedback nags and calendar sync (`followups.py`,
  `calendar.py`), card updates and contact refreshes (`tasks.py`), the HR digest
  (`digest.py`); `jobs.py` is what `portal worker` runs.
- `callbacks.py`: WeCom's callbacks, verified and applied once; `admin.py`: retry or discard
  dead letters.
"""
