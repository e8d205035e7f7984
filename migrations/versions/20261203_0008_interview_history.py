"""interview history (issue 13): status_events records every change, not only status moves

`kind` says what changed (status, time, panel, room, rsvp, edited); `detail` holds what the
history shows of it; `to_status` is set only for status moves.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.db.types import JSONValue

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="status", nullable=False)
        )
        batch_op.add_column(sa.Column("detail", JSONValue(), nullable=True))
        batch_op.alter_column("to_status", existing_type=sa.String(length=16), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM status_events WHERE to_status IS NULL")
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.alter_column("to_status", existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_column("detail")
        batch_op.drop_column("kind")
