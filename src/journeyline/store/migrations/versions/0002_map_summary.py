"""maps.summary: what the map list shows and filters on, stored with each revision

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

maps = sa.table(
    "maps",
    sa.column("pk", sa.Integer()),
    sa.column("document", sa.Text()),
    sa.column("summary", sa.Text()),
)


def summary_of(document: dict[str, Any]) -> dict[str, Any]:
    """The summary of a stored map document (file format: defaults are left out of it).

    Frozen here as it was when this migration was written; the store keeps it up to date
    from then on (journeyline.store.documents.map_summary).
    """
    journey = (document.get("maps") or [{}])[0]
    stages = journey.get("stages") or []
    return {
        "personas": list(journey.get("personas") or []),
        "segment": journey.get("segment"),
        "type": journey.get("type") or "current_state",
        "status": journey.get("status") or "hypothesis",
        "review_date": journey.get("review_date"),
        "stages": len(stages),
        "steps": sum(len(stage.get("steps") or []) for stage in stages),
        "owner": journey.get("owner"),
        "tags": list(journey.get("tags") or []),
        "scenario": journey.get("scenario"),
    }


def upgrade() -> None:
    op.add_column("maps", sa.Column("summary", sa.Text(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(maps.c.pk, maps.c.document)).all()
    for pk, document in rows:
        data = json.loads(document) if isinstance(document, str) else dict(document or {})
        summary = json.dumps(summary_of(data), ensure_ascii=False, separators=(",", ":"))
        connection.execute(sa.update(maps).where(maps.c.pk == pk).values(summary=summary))


def downgrade() -> None:
    with op.batch_alter_table("maps") as batch_op:
        batch_op.drop_column("summary")
