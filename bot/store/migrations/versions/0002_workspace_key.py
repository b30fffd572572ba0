"""Rename documents.team_id to workspace: it holds a workspace key, not only a team id.

On Enterprise Grid the key carries the enterprise id too (``E1:T1``, or ``E1:*`` for an
org-wide install; see bot.domain.workspace). Keys outside Grid are unchanged team ids,
so existing rows stay valid; only the column's name changes (PostgreSQL keeps the
primary key and index pointing at it).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("documents", "team_id", new_column_name="workspace")


def downgrade() -> None:
    op.alter_column("documents", "workspace", new_column_name="team_id")
