"""The tables of workshop mode (migration 0008): workshops, their people, notes, groups,
voting rounds and votes. Only `journeyline.store.workshops` writes them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journeyline.store.tables import Base, Document, utcnow


class WorkshopRecord(Base):
    """A facilitated session on one map: its agenda and timer, switches, and join link.

    `agenda` is the list of steps with their planned minutes and spent seconds; `timer`
    the shared clock (see `journeyline.workshop.agenda`). `join_token` is the guests' link
    (shown to the workshop's members, so kept as it is); it stops working at the end.
    """

    __tablename__ = "workshops"
    __table_args__ = (Index("ix_workshops_workspace_id_created_at", "workspace_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    map_pk: Mapped[int] = mapped_column(ForeignKey("maps.pk", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    agenda: Mapped[list[dict[str, Any]]] = mapped_column(Document)
    current: Mapped[int | None] = mapped_column(Integer, nullable=True)
    timer: Mapped[dict[str, Any]] = mapped_column(Document)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    audible: Mapped[bool] = mapped_column(Boolean, default=False)
    summon: Mapped[dict[str, Any] | None] = mapped_column(Document, nullable=True)
    ignored: Mapped[list[str] | None] = mapped_column(Document, nullable=True)
    """Suggestions someone ignored (their ids), so they are not offered again."""
    join_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class WorkshopPerson(Base):
    """Someone in a workshop: a member of the workspace, or a guest (an account made for
    this workshop only, `accounts.guest_of`); facilitator, scribe or participant."""

    __tablename__ = "workshop_people"
    __table_args__ = (UniqueConstraint("workshop_id", "account_id"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="participant")
    guest: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class WorkshopNote(Base):
    """A sticky note: its kind, text and place; `hidden` while silent brainstorming holds it
    back from everyone but its author; `authors` lists everyone whose notes were merged into it."""

    __tablename__ = "workshop_notes"
    __table_args__ = (
        Index("ix_workshop_notes_workshop_id_created_at", "workshop_id", "created_at"),
        Index("ix_workshop_notes_author_id_created_at", "author_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(ForeignKey("workshop_people.id", ondelete="CASCADE"))
    authors: Mapped[list[str]] = mapped_column(Document)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    place: Mapped[dict[str, Any]] = mapped_column(Document)
    group_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    converted: Mapped[list[str] | None] = mapped_column(Document, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class WorkshopGroup(Base):
    """A labelled group of notes (the notes point at it)."""

    __tablename__ = "workshop_groups"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200))
    place: Mapped[dict[str, Any]] = mapped_column(Document)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class WorkshopRound(Base):
    """A dot-voting round: what is voted on (`items`, fixed when it opens), each person's
    budget and the cap per item, and the ranked results once revealed."""

    __tablename__ = "workshop_rounds"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    targets: Mapped[str] = mapped_column(String(32))
    budget: Mapped[int] = mapped_column(Integer)
    per_item: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    items: Mapped[list[dict[str, Any]]] = mapped_column(Document)
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(Document, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revealed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class WorkshopVote(Base):
    """One dot of one person in one round (several dots on one item are several rows).

    Reads count them and never name the voter: votes are anonymous."""

    __tablename__ = "workshop_votes"
    __table_args__ = (Index("ix_workshop_votes_round_id_person_id", "round_id", "person_id"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("workshop_rounds.id", ondelete="CASCADE"))
    person_id: Mapped[str] = mapped_column(ForeignKey("workshop_people.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
