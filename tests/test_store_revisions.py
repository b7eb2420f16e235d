# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Revisions: one writer, the tables as the migrations make them, races answered with 409.

The races run real concurrent transactions: threads, each writing through its own pooled
connection, on SQLite and on PostgreSQL (JOURNEYLINE_TEST_DATABASE_URL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from journeyline.errors import JourneylineError
from journeyline.model import Workspace
from journeyline.store import importing, maps, revisions, workspaces
from journeyline.store.database import Database
from journeyline.store.documents import workspace_from_document
from journeyline.store.errors import PreconditionRequired, StaleRevision
from journeyline.store.tables import (
    Base,
    MapRecord,
    Revision,
    RevisionEntry,
    WorkspaceRecord,
    WorkspaceRevision,
)
from journeyline.web.errors import status_for
from tests.api_support import World, database, sample_workspace, world  # noqa: F401

SHARED = ("pk", "number", "document", "author_id", "summary", "created_at")
"""The columns every revision log has (tables.RevisionEntry)."""


def test_the_tables_are_what_the_migrations_make(database: Database) -> None:
    """After `alembic upgrade head` the database has exactly the ORM's tables: no diff at all."""
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, Base.metadata) == []
        found = inspect(connection)
        logs = {
            name: {column["name"]: column for column in found.get_columns(name)}
            for name in ("revisions", "workspace_revisions")
        }
        keys = {
            name: {tuple(fk["constrained_columns"]): fk for fk in found.get_foreign_keys(name)}
            for name in logs
        }
    # Both logs carry the shared columns alike, as the mixin declares them.
    for name in SHARED:
        column = getattr(RevisionEntry, name)
        assert column is not None
        a, b = logs["revisions"][name], logs["workspace_revisions"][name]
        assert (str(a["type"]), a["nullable"]) == (str(b["type"]), b["nullable"]), name
    assert keys["revisions"][("author_id",)]["options"].get("ondelete") == "SET NULL"
    assert keys["workspace_revisions"][("author_id",)]["options"].get("ondelete") == "SET NULL"
    assert set(SHARED) < set(Revision.__table__.columns.keys())
    assert set(SHARED) < set(WorkspaceRevision.__table__.columns.keys())


def test_if_match_etag_and_times() -> None:
    assert [revisions.parse_revision(v) for v in ('"7"', 'W/"7"', "7", ' "12" ')] == [7, 7, 7, 12]
    for missing in (None, "", "  "):
        try:
            revisions.parse_revision(missing)
        except PreconditionRequired as error:
            assert "If-Match" in str(error)
        else:  # pragma: no cover - the assertion below says what went wrong
            raise AssertionError(f"{missing!r} was accepted")
    assert revisions.etag(3) == '"3"'
    assert revisions.iso(None) is None


def test_a_stale_write_is_told_the_changes_since(world: World) -> None:
    editor = world.actors["editor"]
    maps.patch_map(world.db, editor, world.workspace, "trial-a", '"1"', {"goal": "Pay"})
    try:
        maps.patch_map(world.db, editor, world.workspace, "trial-a", '"1"', {"goal": "Try"})
    except StaleRevision as error:
        assert error.details["current_revision"] == 2
        assert error.details["your_revision"] == 1
        assert [(c["path"], c["after"]) for c in error.details["changes"]] == [("goal", "Pay")]
        assert 'send If-Match: "2"' in str(error)
    else:  # pragma: no cover
        raise AssertionError("a write based on revision 1 was accepted at revision 2")


def _incoming(round_: int) -> Workspace:
    """A file holding a changed persona and map trial-a, as `import --replace` reads it."""
    source = sample_workspace("a")
    source.personas[0].goals = [f"import {round_}"]
    source.maps = [source.maps[0]]
    source.maps[0].goal = f"import {round_}"
    return source


def test_an_import_racing_edits_gets_409s_never_a_500(world: World) -> None:
    """An import (replace) races map edits and workspace edits, round after round.

    Each round every writer reads, then all write at once. Every refusal is a 409
    (StaleRevision); no write fails any other way (the IntegrityError a 500 would be),
    nothing acknowledged is lost, and the logs have no gaps.
    """
    db, ws = world.db, world.workspace
    editor, owner = world.actors["editor"], world.actors["owner"]
    map_editors, rounds = 3, 6
    parties = map_editors + 2  # and one workspace editor, one importer
    barrier = threading.Barrier(parties, timeout=120)
    lock = threading.Lock()
    refused: list[JourneylineError] = []
    failures: list[BaseException] = []
    landed = {"map": 0, "workspace": 0, "import": 0}

    def attempt(kind: str, write: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        try:
            write(*args, **kwargs)
        except JourneylineError as error:
            with lock:
                refused.append(error)
        else:
            with lock:
                landed[kind] += 1

    def map_editor(n: int) -> None:
        for r in range(rounds):
            barrier.wait()
            revision = maps.get_map(db, editor, ws, "trial-a").revision
            barrier.wait()
            change = {"scenario": f"{n}/{r}"}
            attempt("map", maps.patch_map, db, editor, ws, "trial-a", f'"{revision}"', change)

    def workspace_editor() -> None:
        for r in range(rounds):
            barrier.wait()
            revision, _ = workspaces.list_workspace_elements(db, owner, ws, "personas")
            barrier.wait()
            attempt(
                "workspace",
                workspaces.update_workspace_element,
                *(db, owner, ws, "personas", "priya-a", f'"{revision}"', {"role": f"edit {r}"}),
            )

    def importer() -> None:
        for r in range(rounds):
            barrier.wait()
            barrier.wait()
            attempt("import", importing.import_into, db, owner, ws, _incoming(r), replace=True)

    def guarded(run: Callable[..., None], *args: Any) -> Callable[[], None]:
        def body() -> None:
            try:
                run(*args)
            except BaseException as error:  # reported below, with the barrier broken for all
                failures.append(error)
                barrier.abort()

        return body

    threads = [threading.Thread(target=guarded(map_editor, n)) for n in range(map_editors)]
    threads += [threading.Thread(target=guarded(workspace_editor))]
    threads += [threading.Thread(target=guarded(importer))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert refused, "the writers never met"
    assert {type(error) for error in refused} == {StaleRevision}
    assert {status_for(error) for error in refused} == {409}
    # At most one of the map editors (all based on one revision) lands per round.
    assert landed["map"] <= rounds
    assert len(refused) + sum(landed.values()) == parties * rounds

    with db.reading() as session:
        head = session.scalars(
            select(MapRecord).where(MapRecord.workspace_id == ws, MapRecord.map_id == "trial-a")
        ).one()
        numbers = list(
            session.scalars(
                select(Revision.number).where(Revision.map_pk == head.pk).order_by(Revision.number)
            )
        )
        last = session.scalar(
            select(Revision.document).where(
                Revision.map_pk == head.pk, Revision.number == head.revision
            )
        )
        assert numbers == list(range(1, head.revision + 1))
        assert last == head.document
        assert head.revision == 1 + landed["map"] + landed["import"]

        record = session.get(WorkspaceRecord, ws)
        assert record is not None
        logged = list(
            session.scalars(
                select(WorkspaceRevision.number)
                .where(WorkspaceRevision.workspace_id == ws)
                .order_by(WorkspaceRevision.number)
            )
        )
        assert logged == list(range(1, record.revision + 1))
        assert record.revision == 1 + landed["workspace"] + landed["import"]
        stored = workspace_from_document(record.document).model_dump(mode="json", exclude={"maps"})
    # What readers are served (parsed once per revision, cached) is what was committed.
    assert workspaces.get_workspace(db, owner, ws)["workspace"] == stored


def test_two_people_creating_one_map_id_at_once_get_one_map_and_a_409(world: World) -> None:
    """Both check that the id is free, then both insert: the unique key decides, and the
    loser hears the same 409 as for an id already taken (never the IntegrityError's 500)."""
    db, ws, editor = world.db, world.workspace, world.actors["editor"]
    rounds, parties = 4, 3
    barrier = threading.Barrier(parties, timeout=120)
    outcomes: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def creator(n: int) -> None:
        try:
            for r in range(rounds):
                journey = sample_workspace("a").maps[0]
                journey.id, journey.name = f"race-{r}", f"Race {r} by {n}"
                barrier.wait()
                try:
                    maps.create_map(db, editor, ws, journey)
                except JourneylineError as error:
                    with lock:
                        outcomes.append(f"{type(error).__name__} {status_for(error)}")
                else:
                    with lock:
                        outcomes.append("created")
        except BaseException as error:
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=creator, args=(n,)) for n in range(parties)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert outcomes.count("created") == rounds
    assert set(outcomes) <= {"created", "Conflict 409"}
    for r in range(rounds):
        assert maps.get_map(db, editor, ws, f"race-{r}").revision == 1
