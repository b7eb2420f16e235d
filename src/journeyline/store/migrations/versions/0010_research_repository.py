"""research repository: sources, quotes, tags, links, search terms; map validations

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "research_sources",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("cues", sa.Text(), nullable=True),
        sa.Column("survey", sa.Text(), nullable=True),
        sa.Column("collected_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_research_sources_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_research_sources_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_research_sources")),
    )
    with op.batch_alter_table("research_sources", schema=None) as batch_op:
        batch_op.create_index(
            "ix_research_sources_workspace_id_created_at",
            ["workspace_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "map_validations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("map_pk", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("overridden", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("missing", sa.Text(), nullable=True),
        sa.Column("account_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_map_validations_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["map_pk"], ["maps.pk"], name=op.f("fk_map_validations_map_pk_maps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_validations")),
    )
    with op.batch_alter_table("map_validations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_map_validations_map_pk"), ["map_pk"], unique=False)

    op.create_table(
        "research_quotes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=32), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("stop", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("speaker", sa.String(length=200), nullable=True),
        sa.Column("at", sa.String(length=16), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_research_quotes_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["research_sources.id"],
            name=op.f("fk_research_quotes_source_id_research_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_research_quotes_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_research_quotes")),
    )
    with op.batch_alter_table("research_quotes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_research_quotes_source_id"), ["source_id"], unique=False
        )
        batch_op.create_index(
            "ix_research_quotes_workspace_id_created_at",
            ["workspace_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "research_links",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("quote_id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("map_pk", sa.Integer(), nullable=True),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("element_kind", sa.String(length=32), nullable=False),
        sa.Column("evidence_id", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_research_links_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["map_pk"], ["maps.pk"], name=op.f("fk_research_links_map_pk_maps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["research_quotes.id"],
            name=op.f("fk_research_links_quote_id_research_quotes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_research_links_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_research_links")),
    )
    with op.batch_alter_table("research_links", schema=None) as batch_op:
        batch_op.create_index("ix_research_links_map_pk", ["map_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_research_links_quote_id"), ["quote_id"], unique=False)

    op.create_table(
        "research_tags",
        sa.Column("quote_id", sa.String(length=32), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["research_quotes.id"],
            name=op.f("fk_research_tags_quote_id_research_quotes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_research_tags_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("quote_id", "tag", name=op.f("pk_research_tags")),
    )
    with op.batch_alter_table("research_tags", schema=None) as batch_op:
        batch_op.create_index(
            "ix_research_tags_workspace_id_tag", ["workspace_id", "tag"], unique=False
        )

    op.create_table(
        "research_terms",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("term", sa.String(length=40), nullable=False),
        sa.Column("quote_id", sa.String(length=32), nullable=True),
        sa.Column("source_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["research_quotes.id"],
            name=op.f("fk_research_terms_quote_id_research_quotes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["research_sources.id"],
            name=op.f("fk_research_terms_source_id_research_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_research_terms_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_research_terms")),
    )
    with op.batch_alter_table("research_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_research_terms_quote_id"), ["quote_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_research_terms_source_id"), ["source_id"], unique=False
        )
        batch_op.create_index(
            "ix_research_terms_workspace_id_term", ["workspace_id", "term"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("research_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_research_terms_workspace_id_term")
        batch_op.drop_index(batch_op.f("ix_research_terms_source_id"))
        batch_op.drop_index(batch_op.f("ix_research_terms_quote_id"))

    op.drop_table("research_terms")
    with op.batch_alter_table("research_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_research_tags_workspace_id_tag")

    op.drop_table("research_tags")
    with op.batch_alter_table("research_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_research_links_quote_id"))
        batch_op.drop_index("ix_research_links_map_pk")

    op.drop_table("research_links")
    with op.batch_alter_table("research_quotes", schema=None) as batch_op:
        batch_op.drop_index("ix_research_quotes_workspace_id_created_at")
        batch_op.drop_index(batch_op.f("ix_research_quotes_source_id"))

    op.drop_table("research_quotes")
    with op.batch_alter_table("map_validations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_map_validations_map_pk"))

    op.drop_table("map_validations")
    with op.batch_alter_table("research_sources", schema=None) as batch_op:
        batch_op.drop_index("ix_research_sources_workspace_id_created_at")

    op.drop_table("research_sources")
