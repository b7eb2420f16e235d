"""The relational tables (SQLAlchemy 2 declarative models); migrations/ creates them."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now in UTC, without tzinfo: every timestamp in the database is naive UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_id(prefix: str) -> str:
    """A random, unguessable public id such as `w_3kq9…`, so ids reveal nothing about others."""
    return f"{prefix}_{secrets.token_urlsafe(9).replace('-', 'x').replace('_', 'y')}"


class Serialized(str):
    """A document already serialised to JSON text, stored as it is (serialise once, store twice)."""


def serialize(document: dict[str, Any]) -> Serialized:
    """A document as compact JSON text (Unicode kept)."""
    return Serialized(json.dumps(document, ensure_ascii=False, separators=(",", ":")))


class Document(TypeDecorator[dict[str, Any]]):
    """A JSON document in a text column, the same on SQLite and PostgreSQL."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return value if isinstance(value, Serialized) else serialize(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> dict[str, Any] | None:
        if value is None:
            return None
        loaded: dict[str, Any] = json.loads(value)
        return loaded


class Base(DeclarativeBase):
    """Base of every table, with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)


class Account(Base):
    """A person who signs in. No password until they set one (sign-in links work without)."""

    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    guest_of: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    """A workshop guest's account: the workshop (store.workshops) it may reach; None for people."""


class BrowserSession(Base):
    """A signed-in browser: the cookie holds the token, the table its hash and CSRF token."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ApiToken(Base):
    """A personal API token for scripts; only its hash is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class SignInLink(Base):
    """A one-time sign-in link (first run, invitations): used once, then dead."""

    __tablename__ = "sign_in_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class WorkspaceRecord(Base):
    """A workspace: its document (segments, personas, lanes, evidence; no maps) and revision."""

    __tablename__ = "workspaces"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    document: Mapped[dict[str, Any]] = mapped_column(Document, deferred=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


LABEL_LENGTH = 200
"""The longest name a version of a map may be given."""


class RevisionEntry:
    """The columns of one entry of a revision log, the same for maps and workspaces.

    `number` counts from 1 per document; `document` is the whole document as it was after
    the change. Only `journeyline.store.revisions` writes these rows.
    """

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    summary: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class WorkspaceRevision(RevisionEntry, Base):
    """One entry of a workspace's revision log (segments, personas, lanes, evidence)."""

    __tablename__ = "workspace_revisions"
    __table_args__ = (UniqueConstraint("workspace_id", "number"),)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))


class Member(Base):
    """An account's role in a workspace: owner, editor, commenter or viewer."""

    __tablename__ = "members"
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MapRecord(Base):
    """A journey map: the current document (core file format) and its revision number."""

    __tablename__ = "maps"
    # AUTOINCREMENT: a deleted map's key is never reused (parsed maps are cached by key).
    __table_args__ = (UniqueConstraint("workspace_id", "map_id"), {"sqlite_autoincrement": True})
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    map_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Loaded only when used: parsed maps are cached by (pk, revision).
    document: Mapped[dict[str, Any]] = mapped_column(Document, deferred=True)
    # What the map list shows and filters on (documents.map_summary), written with each
    # revision so listing maps never parses their documents.
    summary: Mapped[dict[str, Any] | None] = mapped_column(Document, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Revision(RevisionEntry, Base):
    """One entry of a map's revision log: the whole document as it was after the change."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("map_pk", "number"),)
    map_pk: Mapped[int] = mapped_column(ForeignKey("maps.pk", ondelete="CASCADE"))
    label: Mapped[str | None] = mapped_column(String(LABEL_LENGTH), nullable=True, default=None)
    """A name people gave this version ("After the May workshop"); None for most."""
    # A revision cut from live editing names everyone who edited in it: [{"id", "name"}, …].
    editors: Mapped[list[dict[str, Any]] | None] = mapped_column(Document, nullable=True)


class Comment(Base):
    """A comment on a map, or on one element of it (`target` is the element's id)."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_map_pk", "map_pk"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    map_pk: Mapped[int] = mapped_column(ForeignKey("maps.pk", ondelete="CASCADE"))
    target: Mapped[str | None] = mapped_column(String(200), nullable=True)
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    body: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Vote(Base):
    """One account's dot vote on one element of a map (usually an opportunity)."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("map_pk", "target", "account_id"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    map_pk: Mapped[int] = mapped_column(ForeignKey("maps.pk", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ShareLink(Base):
    """A read-only link to one map: may expire, carry a password, and be revoked."""

    __tablename__ = "share_links"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    map_pk: Mapped[int] = mapped_column(ForeignKey("maps.pk", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Sites that may show the link's page in a frame (a CSP `frame-ancestors` source list);
    # None: the server's `share_frame_ancestors` setting.
    frame_ancestors: Mapped[str | None] = mapped_column(String(500), nullable=True)


class Notification(Base):
    """Something one account should see: for now, being @mentioned in a comment.

    Deleting the comment (or the map, or the account) deletes its notifications.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_account_id_created_at", "account_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32), default="mention")
    comment_id: Mapped[str] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class FailedAttempts(Base):
    """Failed password attempts counted under one key (an account, an account from one
    address, a share link from one address), in a window that starts at the first failure.

    Kept in the database so every server process on it counts together; the key is a
    SHA-256, so the table names no address or account.
    """

    __tablename__ = "failed_attempts"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class LiveDocument(Base):
    """A map's shared (Yjs) document: the latest snapshot; the updates since are in `live_updates`.

    Once a map has one, it is the map's truth: the head row (`maps.document`) is read from it
    at commit time. `editors` are the accounts who edited since the last revision was cut.
    """

    __tablename__ = "live_documents"
    map_pk: Mapped[int] = mapped_column(ForeignKey("maps.pk", ondelete="CASCADE"), primary_key=True)
    snapshot: Mapped[bytes] = mapped_column(LargeBinary)
    editors: Mapped[list[str] | None] = mapped_column(Document, nullable=True)
    edited_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    """When the first change not yet in a revision was committed (None: all cut)."""
    snapshot_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LiveUpdate(Base):
    """One committed update of a map's shared document (append-only until compacted)."""

    __tablename__ = "live_updates"
    __table_args__ = (Index("ix_live_updates_map_pk_pk", "map_pk", "pk"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    map_pk: Mapped[int] = mapped_column(ForeignKey("maps.pk", ondelete="CASCADE"))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class EventSourceRecord(Base):
    """An event source of a workspace: where its events come from, how they are read
    (`options`: preset and column options), and what the last refresh found (`summary`).

    `write_key` is set for collector sources only: the Segment-style key a sender puts in
    HTTP Basic auth. It is a write-only credential shown to the workspace's editors (as
    Segment shows it), so it is stored as it is, unique across the server."""

    __tablename__ = "event_sources"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(Text, nullable=True)
    options: Mapped[dict[str, Any]] = mapped_column(Document)
    status: Mapped[str] = mapped_column(String(16), default="empty")
    summary: Mapped[dict[str, Any] | None] = mapped_column(Document, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    write_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    refreshed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class StoredFileRecord(Base):
    """An uploaded file of a workspace (an avatar, a step's picture, an evidence attachment):
    its metadata here, its bytes in the data folder under their SHA-256 (`files/ab/abcd…`),
    so the same bytes uploaded twice are kept once."""

    __tablename__ = "files"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --- the research repository ------------------------------------------------------------------


class ResearchSource(Base):
    """A file in a workspace's research repository: an interview, notes, a transcript
    (its text, and for a transcript its cues), or a survey export (`survey`: what was
    detected and the mapping a person confirmed; the file itself is kept on disk)."""

    __tablename__ = "research_sources"
    __table_args__ = (
        Index("ix_research_sources_workspace_id_created_at", "workspace_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    cues: Mapped[dict[str, Any] | None] = mapped_column(Document, nullable=True, deferred=True)
    survey: Mapped[dict[str, Any] | None] = mapped_column(Document, nullable=True, deferred=True)
    collected_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ResearchQuote(Base):
    """A passage of a research source highlighted as a quote: characters `start`…`stop` of
    its text, and (in a transcript) who said it and when."""

    __tablename__ = "research_quotes"
    __table_args__ = (
        Index("ix_research_quotes_workspace_id_created_at", "workspace_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(
        ForeignKey("research_sources.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int] = mapped_column(Integer)
    stop: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    speaker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    at: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ResearchTag(Base):
    """One tag on one quote."""

    __tablename__ = "research_tags"
    __table_args__ = (Index("ix_research_tags_workspace_id_tag", "workspace_id", "tag"),)
    quote_id: Mapped[str] = mapped_column(
        ForeignKey("research_quotes.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))


class ResearchLink(Base):
    """A quote given as evidence for an element: of a map (`map_pk`), or a persona of the
    workspace (`map_pk` None). `evidence_id` names the Evidence record it wrote."""

    __tablename__ = "research_links"
    __table_args__ = (Index("ix_research_links_map_pk", "map_pk"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quote_id: Mapped[str] = mapped_column(
        ForeignKey("research_quotes.id", ondelete="CASCADE"), index=True
    )
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    map_pk: Mapped[int | None] = mapped_column(
        ForeignKey("maps.pk", ondelete="CASCADE"), nullable=True
    )
    element_id: Mapped[str] = mapped_column(String(200))
    element_kind: Mapped[str] = mapped_column(String(32))
    evidence_id: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ResearchTerm(Base):
    """The search index: one row per distinct word of a quote or a source's text
    (`journeyline.research.search.terms`), the same on SQLite and PostgreSQL."""

    __tablename__ = "research_terms"
    __table_args__ = (Index("ix_research_terms_workspace_id_term", "workspace_id", "term"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(40))
    quote_id: Mapped[str | None] = mapped_column(
        ForeignKey("research_quotes.id", ondelete="CASCADE"), nullable=True, index=True
    )
    source_id: Mapped[str | None] = mapped_column(
        ForeignKey("research_sources.id", ondelete="CASCADE"), nullable=True, index=True
    )


class MapValidation(Base):
    """The record of a map's status set through the validation gate: who, when, and, when
    the owner overrode the gate, why and which claims had no evidence."""

    __tablename__ = "map_validations"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    map_pk: Mapped[int] = mapped_column(ForeignKey("maps.pk", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    missing: Mapped[dict[str, Any] | None] = mapped_column(Document, nullable=True)
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
