"""notifications (issue 7): outbox leases and pacing, callback dedupe, calendar ids

- outbox.claimed_by: the claim that holds a row; results are written only under it, so a
  worker whose lease ran out cannot overwrite what the next claimer recorded.
- outbox.paced_at: when the row took one of its recipient's WeCom send slots (30/min,
  1000/h per member); indexed with the recipient for the pacing count.
- callback_events: one row per WeCom callback processed, keyed by a digest of the event, so
  WeCom's retries of the same event are acknowledged without being applied twice.
- interview_interviewers.wecom_schedule_id: the interviewer's WeCom calendar event.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.db.types import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("paced_at", UTCDateTime(), nullable=True))
        batch_op.create_index("ix_outbox_recipient_paced_at", ["recipient", "paced_at"])
    with op.batch_alter_table("interview_interviewers") as batch_op:
        batch_op.add_column(sa.Column("wecom_schedule_id", sa.String(length=128), nullable=True))
    op.create_table(
        "callback_events",
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("from_user", sa.String(length=64), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_key", name=op.f("pk_callback_events")),
    )
    with op.batch_alter_table("callback_events") as batch_op:
        batch_op.create_index("ix_callback_events_received_at", ["received_at"])


def downgrade() -> None:
    op.drop_table("callback_events")
    with op.batch_alter_table("interview_interviewers") as batch_op:
        batch_op.drop_column("wecom_schedule_id")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_recipient_paced_at")
        batch_op.drop_column("paced_at")
        batch_op.drop_column("claimed_by")
