"""The assembled map: the document plus what the team adds around it in the app.

Every face that shows a stored map — the board, the share page, the presentation, every
export and render, the stakeholder summary and analyses, the API's map reads — shows the
map this module assembles, so they all tell the same story. The document (what editors
change, what the revision log keeps) holds the votes *written* in the map; the dot votes
cast in the app and the open comments are their own records; this is the one place that
puts them together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, case, func, select
from sqlalchemy.orm import Session

from journeyline.model import JourneyMap, Workspace
from journeyline.store.access import Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.documents import map_workspace, workspace_of
from journeyline.store.maps import (
    MapState,
    cached_map,
    get_map,
    journey_of,
    map_record,
    settle_live_map,
    workspace_with_maps,
)
from journeyline.store.tables import Comment, MapRecord, Vote


def shown_votes(written: int, cast: int) -> int:
    """An element's shown votes: the votes written in the map plus the dot votes cast in the app.

    The written votes are an opportunity's `votes` in the document (e.g. dots counted on
    paper in a workshop; 0 for other elements); a dot vote is one account's dot, cast on
    the board. Every view shows this sum; the document keeps only the written part.
    """
    return written + cast


@dataclass(frozen=True)
class Tallies:
    """What the app records around one map, outside its revisions."""

    cast: dict[str, int]
    """Dot votes cast in the app, per element id."""
    mine: frozenset[str]
    """The elements the reading account put its dot on (empty for a share link)."""
    open_comments: dict[str, int]
    """Open (unresolved) comments per element id; the map's own comments under its id."""

    def votes(self, journey: JourneyMap) -> dict[str, dict[str, int]]:
        """Written, cast and shown votes per element: every opportunity, and anything voted on."""
        written = {o.id: o.votes for o in journey.opportunities}
        return {
            target: {
                "written": written.get(target, 0),
                "cast": self.cast.get(target, 0),
                "total": shown_votes(written.get(target, 0), self.cast.get(target, 0)),
            }
            for target in [*written, *sorted(set(self.cast) - set(written))]
        }

    def to_dict(self, journey: JourneyMap) -> dict[str, Any]:
        """JSON form: votes (written, cast, total), your dots, open comments, evidence links."""
        return {
            "votes": self.votes(journey),
            "mine": sorted(self.mine),
            "comments": dict(sorted(self.open_comments.items())),
            "evidence": evidence_counts(journey),
        }


def evidence_counts(journey: JourneyMap) -> dict[str, int]:
    """How many of the map's pieces of evidence link to each element."""
    counts: Counter[str] = Counter()
    for evidence in journey.evidence:
        counts.update(set(evidence.links))
    return dict(sorted(counts.items()))


_OF_MAP = (
    MapRecord.workspace_id == bindparam("workspace"),
    MapRecord.map_id == bindparam("map"),
)

_VOTE_TALLY = (
    select(
        Vote.target,
        func.count(),
        func.max(case((Vote.account_id == bindparam("account"), 1), else_=0)),
    )
    .join(MapRecord, MapRecord.pk == Vote.map_pk)
    .where(*_OF_MAP)
    .group_by(Vote.target)
)
"""Built once (every map read runs it): dot votes per element, and whether one is the reader's."""

_COMMENT_TALLY = (
    select(Comment.target, func.count())
    .join(MapRecord, MapRecord.pk == Comment.map_pk)
    .where(*_OF_MAP, Comment.resolved.is_(False))
    .group_by(Comment.target)
)
"""Built once: open comments per element (None: on the map itself)."""


def read_tallies(
    reader: Session | Connection, workspace_id: str, map_id: str, account_id: str | None
) -> Tallies:
    """The map's dot votes (and which are the account's) and open comments: two grouped reads."""
    where = {"workspace": workspace_id, "map": map_id}
    cast: dict[str, int] = {}
    mine: set[str] = set()
    for target, count, own in reader.execute(_VOTE_TALLY, where | {"account": account_id}):
        cast[target] = int(count)
        if account_id is not None and own:
            mine.add(target)
    open_comments = {
        (target if target is not None else map_id): int(count)
        for target, count in reader.execute(_COMMENT_TALLY, where)
    }
    return Tallies(cast, frozenset(mine), open_comments)


def assemble(journey: JourneyMap, tallies: Tallies) -> JourneyMap:
    """A copy of the map as every view shows it: each opportunity's `votes` is its shown total."""
    shown = journey.model_copy(deep=True)
    for opportunity in shown.opportunities:
        opportunity.votes = shown_votes(opportunity.votes, tallies.cast.get(opportunity.id, 0))
    return shown


def assembled_map(db: Database, actor: Actor, workspace_id: str, map_id: str) -> JourneyMap:
    """The stored map as every view shows it (viewers and above); a map open live here is
    read with every edit applied so far."""
    settle_live_map(db, workspace_id, map_id)
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        journey = journey_of(db, map_record(session, workspace_id, map_id), copy=False)
        tallies = read_tallies(session, workspace_id, map_id, actor.account_id)
    return assemble(journey, tallies)


def assembled_context(db: Database, actor: Actor, workspace_id: str, map_id: str) -> Workspace:
    """The assembled map in a workspace holding only what it names (exports, renders, analyses)."""
    journey = assembled_map(db, actor, workspace_id, map_id)
    with db.reading() as session:
        access = require(session, actor, workspace_id, Role.viewer)
        return map_workspace(workspace_of(access.workspace, [], editable=False), journey)


def assembled_workspace(db: Database, actor: Actor, workspace_id: str) -> Workspace:
    """The whole workspace with each of its maps assembled (the workspace export)."""
    workspace = workspace_with_maps(db, actor, workspace_id)
    with db.reading() as session:
        for index, journey in enumerate(workspace.maps):
            tallies = read_tallies(session, workspace_id, journey.id, None)
            workspace.maps[index] = assemble(journey, tallies)
    return workspace


def _with_tallies(db: Database, state: MapState, actor: Actor, map_id: str) -> MapState:
    with db.single_read() as connection:
        tallies = read_tallies(connection, state.workspace_id, map_id, actor.account_id)
    state.tallies = tallies.to_dict(state.journey)
    return state


def cached_map_read(db: Database, actor: Actor, workspace_id: str, map_id: str) -> MapState | None:
    """The map read (document and tallies) when its revision is cached; else None (as `cached_map`)."""
    state = cached_map(db, actor, workspace_id, map_id)
    return None if state is None else _with_tallies(db, state, actor, map_id)


def map_read(db: Database, actor: Actor, workspace_id: str, map_id: str) -> MapState:
    """The API's map read: the document as written (what editors change, its revision the
    ETag) and the tallies that assemble it (`tallies.votes[id].total` is what views show)."""
    return _with_tallies(db, get_map(db, actor, workspace_id, map_id), actor, map_id)
