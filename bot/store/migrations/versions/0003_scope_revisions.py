"""Add scope_revisions: one number per channel that changes whenever its records are written.

The store writes it in the same transaction as the records (holding the channel's
advisory lock), so every process can tell whether what it derived from a channel
(the ledger's parsed items) is still current by reading one small row instead of
the channel's records. Its values come from one sequence, so a number is never
used twice, not even by a transaction that rolled back: each transaction draws a
block of 65,536 numbers and each of its writes takes the next one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE SEQUENCE scope_revision_seq INCREMENT BY 65536")
    op.create_table(
        "scope_revisions",
        sa.Column("workspace", sa.Text, nullable=False),
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("revision", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("workspace", "channel_id", name="scope_revisions_pkey"),
    )


def downgrade() -> None:
    op.drop_table("scope_revisions")
    op.execute("DROP SEQUENCE scope_revision_seq")
