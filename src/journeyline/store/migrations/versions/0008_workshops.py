"""workshop mode: workshops, their people, notes, groups, voting rounds and votes; guest accounts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    referred = target.partition(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guest_of", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_accounts_guest_of"), ["guest_of"], unique=False)
    op.create_table(
        "workshops",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("map_pk", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("current", sa.Integer(), nullable=True),
        sa.Column("timer", sa.Text(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("audible", sa.Boolean(), nullable=False),
        sa.Column("summon", sa.Text(), nullable=True),
        sa.Column("ignored", sa.Text(), nullable=True),
        sa.Column("join_token", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        _fk("workshops", "workspace_id", "workspaces.id", "CASCADE"),
        _fk("workshops", "map_pk", "maps.pk", "CASCADE"),
        _fk("workshops", "created_by", "accounts.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshops")),
        sa.UniqueConstraint("join_token", name=op.f("uq_workshops_join_token")),
    )
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workshops_map_pk"), ["map_pk"], unique=False)
        batch_op.create_index(
            "ix_workshops_workspace_id_created_at", ["workspace_id", "created_at"], unique=False
        )
    op.create_table(
        "workshop_people",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workshop_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("guest", sa.Boolean(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        _fk("workshop_people", "workshop_id", "workshops.id", "CASCADE"),
        _fk("workshop_people", "account_id", "accounts.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_people")),
        sa.UniqueConstraint(
            "workshop_id", "account_id", name=op.f("uq_workshop_people_workshop_id")
        ),
    )
    with op.batch_alter_table("workshop_people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_people_account_id"), ["account_id"], unique=False
        )
    op.create_table(
        "workshop_notes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workshop_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("authors", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("group_id", sa.String(length=32), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("converted", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("workshop_notes", "workshop_id", "workshops.id", "CASCADE"),
        _fk("workshop_notes", "author_id", "workshop_people.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_notes")),
    )
    with op.batch_alter_table("workshop_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_workshop_notes_workshop_id_created_at", ["workshop_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_workshop_notes_author_id_created_at", ["author_id", "created_at"], unique=False
        )
    op.create_table(
        "workshop_groups",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workshop_id", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("workshop_groups", "workshop_id", "workshops.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_groups")),
    )
    with op.batch_alter_table("workshop_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_groups_workshop_id"), ["workshop_id"], unique=False
        )
    op.create_table(
        "workshop_rounds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workshop_id", sa.String(length=32), nullable=False),
        sa.Column("targets", sa.String(length=32), nullable=False),
        sa.Column("budget", sa.Integer(), nullable=False),
        sa.Column("per_item", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revealed_at", sa.DateTime(), nullable=True),
        _fk("workshop_rounds", "workshop_id", "workshops.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_rounds")),
    )
    with op.batch_alter_table("workshop_rounds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_rounds_workshop_id"), ["workshop_id"], unique=False
        )
    op.create_table(
        "workshop_votes",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("workshop_votes", "round_id", "workshop_rounds.id", "CASCADE"),
        _fk("workshop_votes", "person_id", "workshop_people.id", "CASCADE"),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_workshop_votes")),
    )
    with op.batch_alter_table("workshop_votes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_workshop_votes_round_id_person_id", ["round_id", "person_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("workshop_votes")
    op.drop_table("workshop_rounds")
    op.drop_table("workshop_groups")
    op.drop_table("workshop_notes")
    op.drop_table("workshop_people")
    op.drop_table("workshops")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_guest_of"))
        batch_op.drop_column("guest_of")
