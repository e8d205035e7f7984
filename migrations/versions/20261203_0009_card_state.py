"""WeCom cards follow the interview (issue 13): a sent card's response code and caption; reply
reasons stored as codes

`outbox.response_code` is the code message/send gave a button card (the portal may update that
card once with it); `outbox.card_shows` is what its buttons were last replaced by. A decline
pressed on a card was stored as English text; it becomes the code `card:declined`, which the
pages and messages show in the viewer's language.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_REASON = "declined from WeCom card"
CARD_DECLINED = "card:declined"


def _reasons(old: str, new: str) -> None:
    ii = sa.table("interview_interviewers", sa.column("rsvp_reason", sa.Text))
    op.execute(ii.update().where(ii.c.rsvp_reason == old).values(rsvp_reason=new))


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_code", sa.String(length=512), nullable=True))
        batch_op.add_column(sa.Column("card_shows", sa.String(length=16), nullable=True))
    _reasons(LEGACY_REASON, CARD_DECLINED)


def downgrade() -> None:
    _reasons(CARD_DECLINED, LEGACY_REASON)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("card_shows")
        batch_op.drop_column("response_code")
