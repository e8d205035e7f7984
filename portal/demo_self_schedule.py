"""Demo self-scheduling (issue 16): one candidate with no interview yet holds a waiting
"choose your time" invitation, sent by the demo's HR through HR's own use case.

The invitation is on the first round of the first demo position that has a pool, so the
candidate's picker offers the pool's free times; HR sees it on that candidate's page.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.db.candidates import CandidateFields
from portal.db.database import Database
from portal.db.plans import list_rounds, round_pool
from portal.interviews.checks import BookingPolicy
from portal.records import save_candidate
from portal.scheduling import Actor
from portal.scheduling.self_schedule import SelfScheduleDraft
from portal.share import choosing

NAME, EMAIL = "钱晨", "qianchen@example.com"


async def seed_self_schedule(
    db: Database, position_ids: list[int], *, actor: Actor, now: datetime, mail: bool = False
) -> int | None:
    """Add the waiting candidate and their invitation; returns its id (None: no pool)."""
    for position_id in position_ids:
        for plan_round in await list_rounds(db, position_id):
            pool = [m for m in await round_pool(db, plan_round.id) if m.active]
            if pool:
                fields = CandidateFields(NAME, None, EMAIL)
                candidate_id = await save_candidate(db, None, fields, now=now)
                draft = SelfScheduleDraft(
                    candidate_id=candidate_id,
                    position_id=position_id,
                    plan_round_id=plan_round.id,
                    duration=timedelta(minutes=plan_round.duration_minutes),
                    panel_size=min(plan_round.panel_size, len(pool)),
                    interviewer_ids=(),
                    days=5,
                    min_notice=timedelta(hours=24),
                )
                policy = BookingPolicy(candidate_mail=mail)
                sent = await choosing.invite(db, draft, actor=actor, now=now, policy=policy)
                return sent.schedule_id
    return None
