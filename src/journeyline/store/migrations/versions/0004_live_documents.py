"""live_documents and live_updates: each map's shared (Yjs) document and its update log;
revisions.editors: who edited in a revision cut from live editing

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_documents",
        sa.Column("map_pk", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.LargeBinary(), nullable=False),
        sa.Column("editors", sa.Text(), nullable=True),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.Column("snapshot_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["map_pk"],
            ["maps.pk"],
            name=op.f("fk_live_documents_map_pk_maps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("map_pk", name=op.f("pk_live_documents")),
    )
    op.create_table(
        "live_updates",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("map_pk", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["accounts.id"],
            name=op.f("fk_live_updates_author_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["map_pk"],
            ["maps.pk"],
            name=op.f("fk_live_updates_map_pk_maps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_live_updates")),
    )
    with op.batch_alter_table("live_updates", schema=None) as batch_op:
        batch_op.create_index("ix_live_updates_map_pk_pk", ["map_pk", "pk"], unique=False)
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("editors", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_column("editors")
    with op.batch_alter_table("live_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_live_updates_map_pk_pk")
    op.drop_table("live_updates")
    op.drop_table("live_documents")
