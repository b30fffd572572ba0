"""Create the documents table: every record of every workspace, as JSONB.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("team_id", sa.Text, nullable=False),
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("doc", JSONB, nullable=False),
        # Insertion order for find(); an identity column is the modern BIGSERIAL.
        sa.Column("seq", sa.BigInteger, sa.Identity(always=False), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "channel_id", "kind", "key", name="documents_pkey"),
    )
    # find() reads one kind of one scope in insertion order.
    op.create_index("documents_scope_kind_seq", "documents", ["team_id", "channel_id", "kind", "seq"])


def downgrade() -> None:
    op.drop_table("documents")
