"""interview rooms on the platform (issue 12): rooms, room_seats, platform_events; room kinds

`interviews.platform_room_id` (a placeholder from the first cut, never written) gives way
to the `rooms` table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.db.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "room_kind IN ('technical', 'non_technical', 'none')"


def upgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("room_kind", sa.String(length=16), server_default="technical", nullable=False)
        )
        batch_op.create_check_constraint(op.f("ck_positions_room_kind"), KINDS)
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("room_kind", sa.String(length=16), server_default="none", nullable=False)
        )
        batch_op.add_column(sa.Column("room_paper_uid", sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(op.f("ck_interviews_room_kind"), KINDS)
        batch_op.drop_column("platform_room_id")
    op.create_table(
        "rooms",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=True),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), server_default="preparing", nullable=False),
        sa.Column("candidate_url", sa.String(length=2048), nullable=True),
        sa.Column("observer_url", sa.String(length=2048), nullable=True),
        sa.Column("platform_status", sa.String(length=32), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        sa.Column("synced_revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("create_sent_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_errcode", sa.Integer(), nullable=True),
        sa.Column("reconciled_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "state IN ('preparing', 'ready', 'failed', 'closed')", name=op.f("ck_rooms_state")
        ),
        sa.CheckConstraint(
            "rating IS NULL OR rating BETWEEN 1 AND 5", name=op.f("ck_rooms_rating")
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_rooms_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interview_id", name=op.f("pk_rooms")),
        sa.UniqueConstraint("uid", name=op.f("uq_rooms_uid")),
    )
    with op.batch_alter_table("rooms", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rooms_state_next_attempt_at", ["state", "next_attempt_at"], unique=False
        )
    op.create_table(
        "room_seats",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_url", sa.String(length=2048), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["rooms.interview_id"],
            name=op.f("fk_room_seats_interview_id_rooms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_room_seats_person_id_people")
        ),
        sa.PrimaryKeyConstraint("interview_id", "person_id", name=op.f("pk_room_seats")),
    )
    op.create_table(
        "platform_events",
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("rate", sa.Integer(), nullable=True),
        sa.Column("ts", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("event", "uid", name=op.f("pk_platform_events")),
    )
    with op.batch_alter_table("platform_events", schema=None) as batch_op:
        batch_op.create_index("ix_platform_events_applied_at", ["applied_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("platform_events", schema=None) as batch_op:
        batch_op.drop_index("ix_platform_events_applied_at")
    op.drop_table("platform_events")
    op.drop_table("room_seats")
    with op.batch_alter_table("rooms", schema=None) as batch_op:
        batch_op.drop_index("ix_rooms_state_next_attempt_at")
    op.drop_table("rooms")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("platform_room_id", sa.String(length=128), nullable=True))
        batch_op.drop_constraint(op.f("ck_interviews_room_kind"), type_="check")
        batch_op.drop_column("room_paper_uid")
        batch_op.drop_column("room_kind")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_positions_room_kind"), type_="check")
        batch_op.drop_column("room_kind")
