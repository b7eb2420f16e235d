"""A workspace's research repository: sources (interviews, notes, transcripts, surveys),
the quotes highlighted in them, their tags, and the evidence they give maps and personas.

Linking a quote to an element writes one Evidence record on the map (or, for a persona,
on the workspace): kind `quote` (or `interview`), the source with where in it (speaker,
time, line), the passage verbatim, and the ids of every element of that map the quote is
linked to. Unlinking takes the element out again; the record goes with its last link.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from journeyline.errors import Diagnostic, NotFound, UsageError
from journeyline.model import JourneyMap, Workspace
from journeyline.model.base import EvidenceKind
from journeyline.model.journey import Evidence
from journeyline.research.documents import ResearchDocument
from journeyline.research.search import prefix_end, query_terms, terms
from journeyline.store import maps as map_store
from journeyline.store import workspaces as workspace_store
from journeyline.store.access import Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.errors import StaleRevision
from journeyline.store.revisions import iso
from journeyline.store.tables import (
    Account,
    MapRecord,
    ResearchLink,
    ResearchQuote,
    ResearchSource,
    ResearchTag,
    ResearchTerm,
    new_id,
)

T = TypeVar("T")

MAX_QUOTE_CHARS = 5_000
"""The longest passage one quote may be."""

MAX_TAGS = 20
"""The most tags one quote may carry."""

TAG_CHARS = 60
"""The longest tag."""

LINK_KINDS = ("quote", "interview")
"""The kinds of evidence a linked quote may be recorded as."""

PAGE = 200
"""The most quotes one search answers."""


# --- sources ---------------------------------------------------------------------------------


def source_not_found(source_id: str) -> NotFound:
    return NotFound(
        f"research source '{source_id}' does not exist in this workspace",
        [Diagnostic(f"no source '{source_id}'", hint="list them with GET …/research/sources")],
    )


def quote_not_found(quote_id: str) -> NotFound:
    return NotFound(
        f"quote '{quote_id}' does not exist in this workspace",
        [Diagnostic(f"no quote '{quote_id}'", hint="search them with GET …/research/quotes")],
    )


def source_dict(record: ResearchSource, *, quotes: int = 0, full: bool = False) -> dict[str, Any]:
    """A source as the API shows it; `full` adds its text, cues and survey facts."""
    data: dict[str, Any] = {
        "id": record.id,
        "name": record.name,
        "kind": record.kind,
        "filename": record.filename,
        "size": record.size,
        "date": record.collected_on.isoformat() if record.collected_on else None,
        "created_at": iso(record.created_at),
        "quotes": quotes,
    }
    if full:
        data["text"] = record.text
        data["cues"] = (record.cues or {}).get("cues", [])
        data["speakers"] = (record.cues or {}).get("speakers", [])
        data["survey"] = record.survey
    return data


def _index(session: Session, workspace_id: str, text: str, **ref: str) -> None:
    session.add_all(
        ResearchTerm(workspace_id=workspace_id, term=term, **ref) for term in sorted(terms(text))
    )


def parse_date(value: str | None, field: str) -> dt.date | None:
    """A `YYYY-MM-DD` date from a form or query, or None."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"{field} must be a date written YYYY-MM-DD, not {value[:40]!r}",
            [Diagnostic(f"not a date: {value[:40]!r}", field)],
        ) from None


def add_text_source(
    db: Database,
    actor: Actor,
    workspace_id: str,
    filename: str,
    document: ResearchDocument,
    *,
    name: str | None,
    collected_on: dt.date | None,
    size: int,
) -> dict[str, Any]:
    """Store a read research document (notes, Markdown, DOCX, transcript) and index its words."""
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = ResearchSource(
            id=new_id("rs"),
            workspace_id=workspace_id,
            name=(name or filename).strip()[:300] or filename,
            kind=document.kind,
            filename=filename[:300],
            size=size,
            text=document.text,
            cues={"cues": [c.to_dict() for c in document.cues], "speakers": document.speakers}
            if document.cues
            else None,
            collected_on=collected_on,
            created_by=actor.account_id,
        )
        session.add(record)
        session.flush()
        _index(session, workspace_id, document.text, source_id=record.id)
        return source_dict(record, full=True)


def add_survey_source(
    db: Database,
    actor: Actor,
    workspace_id: str,
    source_id: str,
    filename: str,
    survey: dict[str, Any],
    *,
    name: str | None,
    collected_on: dt.date | None,
    size: int,
) -> dict[str, Any]:
    """Store a survey export's record (the file is already on disk under `source_id`)."""
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = ResearchSource(
            id=source_id,
            workspace_id=workspace_id,
            name=(name or filename).strip()[:300] or filename,
            kind="survey",
            filename=filename[:300],
            size=size,
            survey=survey,
            collected_on=collected_on,
            created_by=actor.account_id,
        )
        session.add(record)
        session.flush()
        _index(session, workspace_id, record.name, source_id=record.id)
        return source_dict(record, full=True)


def _source(session: Session, workspace_id: str, source_id: str) -> ResearchSource:
    record = session.get(ResearchSource, source_id)
    if record is None or record.workspace_id != workspace_id:
        raise source_not_found(source_id)
    return record


def list_sources(db: Database, actor: Actor, workspace_id: str) -> list[dict[str, Any]]:
    """The workspace's research sources, newest first, with how many quotes each has."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        counts = dict(
            session.execute(
                select(ResearchQuote.source_id, func.count())
                .where(ResearchQuote.workspace_id == workspace_id)
                .group_by(ResearchQuote.source_id)
            ).all()
        )
        records = session.scalars(
            select(ResearchSource)
            .where(ResearchSource.workspace_id == workspace_id)
            .order_by(ResearchSource.created_at.desc(), ResearchSource.id)
        ).all()
        return [source_dict(r, quotes=int(counts.get(r.id, 0))) for r in records]


def get_source(db: Database, actor: Actor, workspace_id: str, source_id: str) -> dict[str, Any]:
    """A source with its text (and cues, and survey facts), and its quotes."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        record = _source(session, workspace_id, source_id)
        quotes = session.scalars(
            select(ResearchQuote)
            .where(ResearchQuote.source_id == source_id)
            .order_by(ResearchQuote.start, ResearchQuote.id)
        ).all()
        data = source_dict(record, quotes=len(quotes), full=True)
        data["highlights"] = _quote_dicts(session, workspace_id, list(quotes))
        return data


def survey_record(
    db: Database, actor: Actor, workspace_id: str, source_id: str, needed: Role = Role.viewer
) -> ResearchSource:
    """A survey source (detached, with its survey facts loaded)."""
    with db.reading() as session:
        require(session, actor, workspace_id, needed)
        record = _source(session, workspace_id, source_id)
        if record.kind != "survey":
            raise UsageError(
                f"research source '{source_id}' is a {record.kind}, not a survey export",
                [Diagnostic("not a survey", source_id, hint="upload a CSV or XLSX survey export")],
            )
        _ = (record.survey, record.text, record.cues)  # deferred: loaded before detaching
        session.expunge(record)
        return record


def save_survey(
    db: Database, actor: Actor, workspace_id: str, source_id: str, survey: dict[str, Any]
) -> None:
    """Store a survey source's facts again (the confirmed mapping, the themes' decisions)."""
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = _source(session, workspace_id, source_id)
        record.survey = survey


def delete_source(db: Database, actor: Actor, workspace_id: str, source_id: str) -> str:
    """Delete a source with its quotes; their evidence leaves the maps first. Its kind."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.editor)
        kind = _source(session, workspace_id, source_id).kind
        quote_ids = list(
            session.scalars(select(ResearchQuote.id).where(ResearchQuote.source_id == source_id))
        )
    for quote_id in quote_ids:
        _unlink_all(db, actor, workspace_id, quote_id)
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        session.delete(_source(session, workspace_id, source_id))
    return kind


# --- quotes ----------------------------------------------------------------------------------


def _clean_tags(tags: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for raw in tags:
        tag = " ".join(str(raw).split())
        if not tag:
            continue
        if len(tag) > TAG_CHARS:
            raise UsageError(
                f"tag {tag[:20]!r}… is {len(tag)} characters; a tag has at most {TAG_CHARS}",
                [Diagnostic("tag too long", "tags")],
            )
        seen.setdefault(tag.casefold(), tag)
    if len(seen) > MAX_TAGS:
        raise UsageError(
            f"a quote carries at most {MAX_TAGS} tags, not {len(seen)}",
            [Diagnostic("too many tags", "tags")],
        )
    return list(seen.values())


def _where_in(record: ResearchSource, start: int) -> tuple[str | None, str | None, int]:
    """The speaker and time of the transcript cue a passage starts in, and its line."""
    text = record.text or ""
    line = text.count("\n", 0, start) + 1
    for cue in (record.cues or {}).get("cues", []):
        if cue["offset"] <= start < cue["offset"] + cue["length"] + 1:
            return cue.get("speaker"), cue["start"], line
    return None, None, line


def add_quote(
    db: Database,
    actor: Actor,
    workspace_id: str,
    source_id: str,
    *,
    start: int,
    stop: int,
    text: str | None = None,
    note: str = "",
    tags: Iterable[str] = (),
) -> dict[str, Any]:
    """Highlight characters `start`…`stop` of a source's text as a quote.

    `text`, when given, must be the passage as the person saw it: a quote made against an
    older copy of the text is refused rather than pointing at the wrong words."""
    clean = _clean_tags(tags)
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = _source(session, workspace_id, source_id)
        body = record.text
        if body is None:
            raise UsageError(
                f"research source '{source_id}' is a survey; quote its comments through its themes"
            )
        if not 0 <= start < stop <= len(body):
            raise UsageError(
                f"a quote is a passage of the text: 0 ≤ start < stop ≤ {len(body)}, not "
                f"{start}…{stop}",
                [Diagnostic("passage out of the text", "start")],
            )
        if stop - start > MAX_QUOTE_CHARS:
            raise UsageError(
                f"a quote holds at most {MAX_QUOTE_CHARS:,} characters, not {stop - start:,}",
                [Diagnostic("passage too long", "stop", hint="highlight a shorter passage")],
            )
        passage = body[start:stop]
        if text is not None and " ".join(text.split()) != " ".join(passage.split()):
            raise UsageError(
                "the passage does not match the source's text at those characters (was the "
                "source read again?); select it again",
                [Diagnostic("passage mismatch", "text")],
            )
        speaker, at, _ = _where_in(record, start)
        quote = ResearchQuote(
            id=new_id("rq"),
            workspace_id=workspace_id,
            source_id=source_id,
            start=start,
            stop=stop,
            text=passage.strip(),
            note=note.strip()[:2000],
            speaker=speaker,
            at=at,
            created_by=actor.account_id,
        )
        session.add(quote)
        session.flush()
        session.add_all(
            ResearchTag(quote_id=quote.id, tag=t, workspace_id=workspace_id) for t in clean
        )
        _index(session, workspace_id, f"{passage} {note} {' '.join(clean)}", quote_id=quote.id)
        return _quote_dicts(session, workspace_id, [quote])[0]


def add_typed_quote(
    db: Database,
    actor: Actor,
    workspace_id: str,
    *,
    text: str,
    source: str,
    collected_on: dt.date | None = None,
    note: str = "",
    tags: Iterable[str] = (),
) -> dict[str, Any]:
    """A quote typed in (heard in a call, read in a ticket): a notes source holding it, and
    the quote of its whole text."""
    words = text.strip()
    if not words:
        raise UsageError("a quote needs its words", [Diagnostic("empty", "text")])
    if len(words) > MAX_QUOTE_CHARS:
        raise UsageError(
            f"a quote holds at most {MAX_QUOTE_CHARS:,} characters, not {len(words):,}",
            [Diagnostic("quote too long", "text")],
        )
    name = source.strip() or "Typed quote"
    created = add_text_source(
        db,
        actor,
        workspace_id,
        name,
        ResearchDocument("notes", words),
        name=name,
        collected_on=collected_on,
        size=len(words.encode("utf-8")),
    )
    return add_quote(
        db, actor, workspace_id, created["id"], start=0, stop=len(words), note=note, tags=tags
    )


def _quote(session: Session, workspace_id: str, quote_id: str) -> ResearchQuote:
    quote = session.get(ResearchQuote, quote_id)
    if quote is None or quote.workspace_id != workspace_id:
        raise quote_not_found(quote_id)
    return quote


def update_quote(
    db: Database,
    actor: Actor,
    workspace_id: str,
    quote_id: str,
    *,
    note: str | None = None,
    tags: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Change a quote's note or its tags (the whole list)."""
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        quote = _quote(session, workspace_id, quote_id)
        if note is not None:
            quote.note = note.strip()[:2000]
        current = list(
            session.scalars(select(ResearchTag.tag).where(ResearchTag.quote_id == quote_id))
        )
        if tags is not None:
            clean = _clean_tags(tags)
            session.execute(delete(ResearchTag).where(ResearchTag.quote_id == quote_id))
            session.add_all(
                ResearchTag(quote_id=quote_id, tag=t, workspace_id=workspace_id) for t in clean
            )
            current = clean
        session.execute(delete(ResearchTerm).where(ResearchTerm.quote_id == quote_id))
        session.flush()
        _index(
            session,
            workspace_id,
            f"{quote.text} {quote.note} {' '.join(current)}",
            quote_id=quote_id,
        )
        return _quote_dicts(session, workspace_id, [quote])[0]


def delete_quote(db: Database, actor: Actor, workspace_id: str, quote_id: str) -> None:
    """Delete a quote; its evidence leaves the maps and personas it was linked to."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.editor)
        _quote(session, workspace_id, quote_id)
    _unlink_all(db, actor, workspace_id, quote_id)
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        session.delete(_quote(session, workspace_id, quote_id))


def get_quote(db: Database, actor: Actor, workspace_id: str, quote_id: str) -> dict[str, Any]:
    """One quote with its source, tags and links."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        return _quote_dicts(session, workspace_id, [_quote(session, workspace_id, quote_id)])[0]


def _quote_dicts(
    session: Session, workspace_id: str, quotes: list[ResearchQuote]
) -> list[dict[str, Any]]:
    if not quotes:
        return []
    ids = [q.id for q in quotes]
    tags: dict[str, list[str]] = {}
    for quote_id, tag in session.execute(
        select(ResearchTag.quote_id, ResearchTag.tag)
        .where(ResearchTag.quote_id.in_(ids))
        .order_by(ResearchTag.tag)
    ):
        tags.setdefault(quote_id, []).append(tag)
    links: dict[str, list[dict[str, Any]]] = {}
    for link, map_id, map_name in session.execute(
        select(ResearchLink, MapRecord.map_id, MapRecord.name)
        .outerjoin(MapRecord, MapRecord.pk == ResearchLink.map_pk)
        .where(ResearchLink.quote_id.in_(ids))
        .order_by(ResearchLink.pk)
    ):
        links.setdefault(link.quote_id, []).append(
            {
                "id": link.pk,
                "map": map_id,
                "map_name": map_name,
                "element": link.element_id,
                "element_kind": link.element_kind,
                "evidence": link.evidence_id,
            }
        )
    sources = {
        s.id: s
        for s in session.scalars(
            select(ResearchSource).where(ResearchSource.id.in_({q.source_id for q in quotes}))
        )
    }
    authors = dict(
        session.execute(
            select(Account.id, Account.name).where(
                Account.id.in_({q.created_by for q in quotes if q.created_by})
            )
        ).all()
    )
    out = []
    for q in quotes:
        source = sources[q.source_id]
        out.append(
            {
                "id": q.id,
                "text": q.text,
                "note": q.note,
                "start": q.start,
                "stop": q.stop,
                "speaker": q.speaker,
                "at": q.at,
                "source": {
                    "id": source.id,
                    "name": source.name,
                    "kind": source.kind,
                    "date": source.collected_on.isoformat() if source.collected_on else None,
                },
                "tags": tags.get(q.id, []),
                "links": links.get(q.id, []),
                "created_by": authors.get(q.created_by) if q.created_by else None,
                "created_at": iso(q.created_at),
            }
        )
    return out


# --- search ----------------------------------------------------------------------------------


def _matching(model_column: Any, workspace_id: str, words: list[str]) -> Any:
    """Ids (of `model_column`) that have a term starting with each of `words`."""
    clauses = [
        and_(ResearchTerm.term >= word, ResearchTerm.term < prefix_end(word)) for word in words
    ]
    matched = func.count(func.distinct(_which_word(words)))
    return (
        select(model_column)
        .where(ResearchTerm.workspace_id == workspace_id, model_column.is_not(None), or_(*clauses))
        .group_by(model_column)
        .having(matched == len(words))
    )


def _which_word(words: list[str]) -> Any:
    from sqlalchemy import case

    return case(
        *[
            (and_(ResearchTerm.term >= w, ResearchTerm.term < prefix_end(w)), i)
            for i, w in enumerate(words)
        ]
    )


def search_quotes(
    db: Database,
    actor: Actor,
    workspace_id: str,
    *,
    q: str | None = None,
    tag: str | None = None,
    persona: str | None = None,
    map_id: str | None = None,
    source: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = PAGE,
) -> dict[str, Any]:
    """The workspace's quotes that match every filter, newest first: `q` (every word, as a
    prefix, `research.search`), a tag, a persona (linked to it, or to an element of a map
    of that persona), a map (linked to an element of it), a source, the source's date
    range (its collection date, or its upload date without one). With `q`, the sources
    whose text matches come too."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        query = (
            select(ResearchQuote)
            .join(ResearchSource, ResearchSource.id == ResearchQuote.source_id)
            .where(ResearchQuote.workspace_id == workspace_id)
        )
        words = query_terms(q or "")
        if q and q.strip() and not words:
            words = []
        if words:
            query = query.where(
                ResearchQuote.id.in_(_matching(ResearchTerm.quote_id, workspace_id, words))
            )
        if tag:
            query = query.where(
                ResearchQuote.id.in_(
                    select(ResearchTag.quote_id).where(
                        ResearchTag.workspace_id == workspace_id,
                        func.lower(ResearchTag.tag) == tag.strip().lower(),
                    )
                )
            )
        if source:
            query = query.where(ResearchQuote.source_id == source)
        if map_id:
            query = query.where(
                ResearchQuote.id.in_(
                    select(ResearchLink.quote_id)
                    .join(MapRecord, MapRecord.pk == ResearchLink.map_pk)
                    .where(MapRecord.workspace_id == workspace_id, MapRecord.map_id == map_id)
                )
            )
        if persona:
            persona_maps = [
                pk
                for pk, summary in session.execute(
                    select(MapRecord.pk, MapRecord.summary).where(
                        MapRecord.workspace_id == workspace_id
                    )
                )
                if persona in ((summary or {}).get("personas") or [])
            ]
            query = query.where(
                ResearchQuote.id.in_(
                    select(ResearchLink.quote_id).where(
                        ResearchLink.workspace_id == workspace_id,
                        or_(
                            and_(ResearchLink.map_pk.is_(None), ResearchLink.element_id == persona),
                            ResearchLink.map_pk.in_(persona_maps),
                        ),
                    )
                )
            )
        day = func.coalesce(ResearchSource.collected_on, func.date(ResearchSource.created_at))
        if date_from:
            query = query.where(day >= date_from)
        if date_to:
            query = query.where(day <= date_to)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        quotes = session.scalars(
            query.order_by(ResearchQuote.created_at.desc(), ResearchQuote.id).limit(limit)
        ).all()
        result: dict[str, Any] = {
            "total": int(total),
            "quotes": _quote_dicts(session, workspace_id, list(quotes)),
            "tags": [
                {"tag": t, "count": int(n)}
                for t, n in session.execute(
                    select(ResearchTag.tag, func.count())
                    .where(ResearchTag.workspace_id == workspace_id)
                    .group_by(ResearchTag.tag)
                    .order_by(func.count().desc(), ResearchTag.tag)
                )
            ],
            "sources": [],
        }
        if words:
            matched = session.scalars(
                select(ResearchSource)
                .where(
                    ResearchSource.id.in_(_matching(ResearchTerm.source_id, workspace_id, words))
                )
                .order_by(ResearchSource.created_at.desc())
                .limit(50)
            ).all()
            result["sources"] = [
                source_dict(s) | {"snippet": _snippet(s.text or s.name, words)} for s in matched
            ]
        return result


def _snippet(text: str, words: list[str], width: int = 160) -> str:
    from journeyline.research.search import fold

    folded = fold(text)
    at = min((i for i in (folded.find(w) for w in words) if i >= 0), default=0)
    start = max(0, at - width // 3)
    piece = " ".join(text[start : start + width].split())
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


# --- links: quotes as evidence ------------------------------------------------------------------


def _retry(attempt: Callable[[], T]) -> T:
    """Run an additive edit against the current revision, again if another got in first."""
    for _ in range(4):
        try:
            return attempt()
        except StaleRevision:
            continue
    return attempt()


def evidence_id(quote_id: str) -> str:
    """The id of the Evidence record a quote writes on a map or the workspace."""
    return f"research-{quote_id.replace('_', '-').lower()}"


def _evidence_for(session: Session, quote: ResearchQuote, kind: str, links: list[str]) -> Evidence:
    source = session.get(ResearchSource, quote.source_id)
    assert source is not None
    _, _, line = _where_in(source, quote.start)
    where = [p for p in (quote.speaker, quote.at) if p] or [f"line {line}"]
    name = " ".join(quote.text.split())
    return Evidence(
        id=evidence_id(quote.id),
        name=name if len(name) <= 80 else name[:79] + "…",
        kind=EvidenceKind(kind),
        source=f"{source.name} ({', '.join(where)})",
        quote=quote.text,
        summary=quote.note or None,
        date=source.collected_on,
        links=links,
    )


def _element_kind(journey: JourneyMap, element_id: str) -> str | None:
    if element_id == journey.id:
        return "map"
    for stage in journey.stages:
        if stage.id == element_id:
            return "stage"
        for step in stage.steps:
            if step.id == element_id:
                return "step"
    for kind, items in (
        ("pain_point", journey.pain_points),
        ("opportunity", journey.opportunities),
    ):
        if any(item.id == element_id for item in items):
            return kind
    return None


def link_quote(
    db: Database,
    actor: Actor,
    workspace_id: str,
    quote_id: str,
    *,
    element: str,
    map_id: str | None = None,
    kind: str = "quote",
) -> dict[str, Any]:
    """Give a quote as evidence for an element: a stage, step, pain point or opportunity of
    `map_id`, or (without a map) a persona of the workspace. Linking twice changes nothing."""
    if kind not in LINK_KINDS:
        raise UsageError(
            f"a quote is linked as {' or '.join(LINK_KINDS)} evidence, not {kind!r}",
            [Diagnostic(f"unknown kind {kind!r}", "kind")],
        )
    with db.reading() as session:
        require(session, actor, workspace_id, Role.editor)
        quote = _quote(session, workspace_id, quote_id)
        session.expunge(quote)
    if map_id is None:
        _link_persona(db, actor, workspace_id, quote, element, kind)
    else:
        _link_map(db, actor, workspace_id, quote, map_id, element, kind)
    return get_quote(db, actor, workspace_id, quote_id)


def _link_map(
    db: Database,
    actor: Actor,
    workspace_id: str,
    quote: ResearchQuote,
    map_id: str,
    element: str,
    kind: str,
) -> None:
    found: dict[str, str] = {}

    def change(journey: JourneyMap) -> tuple[JourneyMap, None, str]:
        element_kind = _element_kind(journey, element)
        if element_kind is None:
            raise NotFound(
                f"map '{map_id}' has no stage, step, pain point or opportunity '{element}'",
                [Diagnostic(f"no element '{element}'", "element")],
            )
        found["kind"] = element_kind
        ident = evidence_id(quote.id)
        existing = next((e for e in journey.evidence if e.id == ident), None)
        links = sorted({*(existing.links if existing else []), element})
        with db.reading() as session:
            record = _evidence_for(session, quote, kind, links)
        journey.evidence = [e for e in journey.evidence if e.id != ident] + [record]
        return journey, None, f"linked quote '{record.name}' to {element_kind} '{element}'"

    def attempt() -> None:
        state = map_store.get_map(db, actor, workspace_id, map_id)
        map_store.edit_map(db, actor, workspace_id, map_id, str(state.revision), change)

    _retry(attempt)
    with db.writing() as session:
        record = map_store.map_record(session, workspace_id, map_id)
        exists = session.scalar(
            select(ResearchLink.pk).where(
                ResearchLink.quote_id == quote.id,
                ResearchLink.map_pk == record.pk,
                ResearchLink.element_id == element,
            )
        )
        if exists is None:
            session.add(
                ResearchLink(
                    quote_id=quote.id,
                    workspace_id=workspace_id,
                    map_pk=record.pk,
                    element_id=element,
                    element_kind=found["kind"],
                    evidence_id=evidence_id(quote.id),
                    created_by=actor.account_id,
                )
            )


def _link_persona(
    db: Database, actor: Actor, workspace_id: str, quote: ResearchQuote, persona: str, kind: str
) -> None:
    def change(workspace: Workspace) -> tuple[None, str]:
        if not any(p.id == persona for p in workspace.personas):
            raise NotFound(
                f"the workspace has no persona '{persona}' (to link to an element of a map, "
                "name the map too)",
                [Diagnostic(f"no persona '{persona}'", "element")],
            )
        ident = evidence_id(quote.id)
        existing = next((e for e in workspace.evidence if e.id == ident), None)
        links = sorted({*(existing.links if existing else []), persona})
        with db.reading() as session:
            record = _evidence_for(session, quote, kind, links)
        workspace.evidence = [e for e in workspace.evidence if e.id != ident] + [record]
        return None, f"linked quote '{record.name}' to persona '{persona}'"

    def attempt() -> None:
        revision = workspace_store.get_workspace(db, actor, workspace_id)["revision"]
        workspace_store.edit_workspace(db, actor, workspace_id, str(revision), change)

    _retry(attempt)
    with db.writing() as session:
        exists = session.scalar(
            select(ResearchLink.pk).where(
                ResearchLink.quote_id == quote.id,
                ResearchLink.map_pk.is_(None),
                ResearchLink.element_id == persona,
            )
        )
        if exists is None:
            session.add(
                ResearchLink(
                    quote_id=quote.id,
                    workspace_id=workspace_id,
                    map_pk=None,
                    element_id=persona,
                    element_kind="persona",
                    evidence_id=evidence_id(quote.id),
                    created_by=actor.account_id,
                )
            )


def unlink_quote(
    db: Database, actor: Actor, workspace_id: str, quote_id: str, link_id: int
) -> dict[str, Any]:
    """Take a quote's evidence off one element (the record goes with its last link)."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.editor)
        _quote(session, workspace_id, quote_id)
        link = session.get(ResearchLink, link_id)
        if link is None or link.quote_id != quote_id:
            raise NotFound(
                f"quote '{quote_id}' has no link {link_id}",
                [Diagnostic(f"no link {link_id}", hint="the quote's `links` list them")],
            )
        map_pk, element, ident = link.map_pk, link.element_id, link.evidence_id
        map_id = (
            session.scalar(select(MapRecord.map_id).where(MapRecord.pk == map_pk))
            if map_pk
            else None
        )
    _drop_evidence(db, actor, workspace_id, map_id, ident, element)
    with db.writing() as session:
        session.execute(delete(ResearchLink).where(ResearchLink.pk == link_id))
    return get_quote(db, actor, workspace_id, quote_id)


def _drop_evidence(
    db: Database, actor: Actor, workspace_id: str, map_id: str | None, ident: str, element: str
) -> None:
    def without(items: list[Evidence]) -> list[Evidence]:
        kept = []
        for item in items:
            if item.id == ident:
                item.links = [link for link in item.links if link != element]
                if not item.links:
                    continue
            kept.append(item)
        return kept

    if map_id is None:

        def change_workspace(workspace: Workspace) -> tuple[None, str]:
            workspace.evidence = without(workspace.evidence)
            return None, f"unlinked a quote from '{element}'"

        def attempt_workspace() -> None:
            revision = workspace_store.get_workspace(db, actor, workspace_id)["revision"]
            workspace_store.edit_workspace(db, actor, workspace_id, str(revision), change_workspace)

        _retry(attempt_workspace)
        return

    def change(journey: JourneyMap) -> tuple[JourneyMap, None, str]:
        journey.evidence = without(journey.evidence)
        return journey, None, f"unlinked a quote from '{element}'"

    def attempt() -> None:
        state = map_store.get_map(db, actor, workspace_id, map_id)
        map_store.edit_map(db, actor, workspace_id, map_id, str(state.revision), change)

    with contextlib.suppress(NotFound):  # the map is gone: so is its evidence
        _retry(attempt)


def _unlink_all(db: Database, actor: Actor, workspace_id: str, quote_id: str) -> None:
    with db.reading() as session:
        link_ids = list(
            session.scalars(select(ResearchLink.pk).where(ResearchLink.quote_id == quote_id))
        )
    for link_id in link_ids:
        unlink_quote(db, actor, workspace_id, quote_id, link_id)
