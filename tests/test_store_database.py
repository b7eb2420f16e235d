# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""The store itself: migrations match the models, SQLite runs in WAL mode, maps round-trip, diffs."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from journeyline.model import JourneyMap, Stage, Step
from journeyline.store import accounts, maps, workspaces
from journeyline.store.database import Database, open_database
from journeyline.store.diff import diff_data
from journeyline.store.documents import map_document, map_from_document
from journeyline.store.tables import Base
from journeyline.web.settings import SETTINGS, Settings
from tests.api_support import database, sample_workspace  # noqa: F401


def test_migrations_create_exactly_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []
    assert database.schema_revision() == "0005"
    database.migrate()  # running again changes nothing
    assert database.schema_revision() == "0005"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'data' / 'j.db'}")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # FULL (2): the write-ahead log is synced at every commit, so an acknowledged edit
        # survives a power cut, not only a crash of the server.
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    db.close()
    relaxed = open_database(f"sqlite:///{tmp_path / 'data' / 'j.db'}", synchronous="NORMAL")
    with relaxed.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    again = relaxed.open_again()
    with again.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    again.close()
    relaxed.close()


def test_unsupported_database_urls_are_refused() -> None:
    import pytest

    from journeyline.errors import UsageError

    with pytest.raises(UsageError, match="unsupported database 'mysql'"):
        Database("mysql://localhost/x")


names = st.text(
    # Any text a store can keep: no lone surrogates, no NUL (both refused alike on every
    # store, see test_api_hostile_input.py).
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
).filter(str.strip)
steps = st.builds(
    Step,
    name=names,
    emotion=st.none() | st.integers(min_value=-5, max_value=5).map(float),
    feels=st.none() | names,
    moment_of_truth=st.booleans(),
)
journeys = st.builds(
    JourneyMap,
    name=names,
    scenario=st.none() | names,
    stages=st.lists(st.builds(Stage, name=names, steps=st.lists(steps, max_size=4)), max_size=4),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(journey=journeys)
def test_a_map_round_trips_through_the_document(journey: JourneyMap) -> None:
    from journeyline.model import assign_map_ids

    assign_map_ids(journey)
    journey.id = journey.id or "map"
    assert map_from_document(map_document(journey)) == journey


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(journey=journeys)
def test_a_map_round_trips_through_the_database(tmp_path_factory, journey: JourneyMap) -> None:
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('rt') / 'j.db'}")
    with db.writing() as session:
        actor = accounts.actor_of(accounts.create_account(session, "a@example.org"))
    created = workspaces.create_workspace(db, actor, "W")
    expected = journey.model_copy(deep=True)
    stored = maps.create_map(db, actor, created["id"], expected)  # fills in ids
    db.map_cache = type(db.map_cache)()  # read it back from the database, not the cache
    again = maps.get_map(db, actor, created["id"], stored.journey.id)
    assert again.journey == expected
    assert [s.name for s in again.journey.steps()] == [s.name for s in journey.steps()]
    db.close()


def test_stored_documents_are_the_file_format(database: Database) -> None:
    with database.writing() as session:
        actor = accounts.actor_of(accounts.create_account(session, "a@example.org"))
    created = workspaces.create_workspace(database, actor, source=sample_workspace("a"))
    with database.reading() as session:
        document = session.execute(
            text("SELECT document FROM maps WHERE map_id = 'trial-a'")
        ).scalar_one()
    if isinstance(document, str):
        import json

        document = json.loads(document)
    assert document["journeyline"] == 1
    assert [m["id"] for m in document["maps"]] == ["trial-a"]
    assert created["maps"] == 2


def test_diff_matches_elements_by_id() -> None:
    before = {"stages": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}], "goal": "x"}
    after = {
        "stages": [{"id": "b", "name": "Bee"}, {"id": "a", "name": "A"}, {"id": "c", "name": "C"}]
    }
    changes = [c.to_dict() for c in diff_data(before, after)]
    assert changes == [
        {"change": "added", "path": "stages/c", "before": None, "after": {"id": "c", "name": "C"}},
        {"change": "moved", "path": "stages", "before": ["a", "b"], "after": ["b", "a"]},
        {"change": "changed", "path": "stages/b/name", "before": "B", "after": "Bee"},
        {"change": "removed", "path": "goal", "before": "x", "after": None},
    ]
    assert diff_data(before, before) == []


def test_settings_come_from_defaults_environment_and_flags() -> None:
    assert Settings.from_env({}).port == 8000
    env = {
        "JOURNEYLINE_PORT": "9000",
        "JOURNEYLINE_SECURE_COOKIES": "true",
        "JOURNEYLINE_DATA_DIR": "/srv/j",
    }
    from_env = Settings.from_env(env)
    assert (from_env.port, from_env.secure_cookies) == (9000, True)
    assert from_env.resolved_database_url == "sqlite:////srv/j/journeyline.db"
    assert Settings.from_env(env, port=9100).port == 9100
    assert Settings(host="0.0.0.0", port=1).base_url == "http://127.0.0.1:1"
    assert [s.name for s in SETTINGS] == [f for f in Settings.__dataclass_fields__]
    import pytest

    from journeyline.errors import UsageError

    with pytest.raises(UsageError, match="JOURNEYLINE_PORT must be a whole number"):
        Settings.from_env({"JOURNEYLINE_PORT": "eighty"})
    with pytest.raises(UsageError, match="JOURNEYLINE_SECURE_COOKIES must be true or false"):
        Settings.from_env({"JOURNEYLINE_SECURE_COOKIES": "maybe"})
    with pytest.raises(UsageError, match="setting port must be at most 65535, not 70000"):
        Settings.from_env({"JOURNEYLINE_PORT": "70000"})
    with pytest.raises(UsageError, match="setting max_body_bytes must be of type integer"):
        Settings(max_body_bytes="big")  # type: ignore[arg-type]
    pairs = [("session-days", "2"), ("public_url", "https://j.example.org/")]
    from_command_line = Settings.from_env(env, command_line=pairs)
    assert (from_command_line.session_days, from_command_line.base_url) == (
        2,
        "https://j.example.org",
    )
    assert Settings.from_env({}, command_line=[("database_url", "")]).database_url is None
    assert Settings.from_env({}).sqlite_synchronous == "FULL"
    relaxed = Settings.from_env({"JOURNEYLINE_SQLITE_SYNCHRONOUS": "normal"})
    assert relaxed.sqlite_synchronous == "NORMAL"
    with pytest.raises(UsageError, match="must be one of FULL, NORMAL, not 'OFF'"):
        Settings.from_env({}, command_line=[("sqlite_synchronous", "OFF")])
    with pytest.raises(UsageError, match=r"unknown setting 'prot' \(did you mean 'port'\?\)"):
        Settings.from_env({}, command_line=[("prot", "1")])


def test_the_summary_migration_fills_in_existing_maps(tmp_path: Path) -> None:
    import json

    from alembic import command
    from alembic.config import Config

    from journeyline.store.database import MIGRATIONS_DIR

    db = open_database(f"sqlite:///{tmp_path / 'old.db'}", migrate=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    document = {
        "journeyline": 1,
        "maps": [
            {
                "id": "trial",
                "name": "Trial",
                "personas": ["priya"],
                "review_date": "2026-01-31",
                "tags": ["smb"],
                "stages": [{"id": "s", "name": "S", "steps": [{"id": "a", "name": "A"}]}],
            }
        ],
    }
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (id, name, document, revision, created_at, updated_at) "
                "VALUES ('w', 'W', '{}', 1, '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO maps (workspace_id, map_id, name, revision, document, created_at, "
                "updated_at) VALUES ('w', 'trial', 'Trial', 1, :doc, '2026-01-01', '2026-01-01')"
            ),
            {"doc": json.dumps(document)},
        )
    db.migrate()
    assert db.schema_revision() == "0005"
    with db.engine.connect() as connection:
        summary = json.loads(connection.execute(text("SELECT summary FROM maps")).scalar_one())
    db.close()
    assert summary == {
        "personas": ["priya"],
        "segment": None,
        "type": "current_state",
        "status": "hypothesis",
        "review_date": "2026-01-31",
        "stages": 1,
        "steps": 1,
        "owner": None,
        "tags": ["smb"],
        "scenario": None,
    }


def test_the_migration_summarises_maps_as_the_store_does() -> None:
    import importlib.util

    from journeyline.store.database import MIGRATIONS_DIR
    from journeyline.store.documents import map_summary
    from journeyline.templates import load_template, template_names

    path = MIGRATIONS_DIR / "versions" / "0002_map_summary.py"
    spec = importlib.util.spec_from_file_location("migration_0002", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for name in template_names():
        journey = load_template(name).maps[0]
        assert migration.summary_of(map_document(journey)) == map_summary(journey), name


def test_sqlite_checkpoints_in_the_background_and_on_close(tmp_path: Path) -> None:
    import time

    db = open_database(f"sqlite:///{tmp_path / 'j.db'}")
    main, wal = tmp_path / "j.db", tmp_path / "j.db-wal"
    db.checkpoint_in_background(every_seconds=3600)  # not yet: first see nothing copies it
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    with db.writing() as session:
        actor = accounts.actor_of(accounts.create_account(session, "a@example.org"))
    for tag in "abcdefgh":
        workspaces.create_workspace(db, actor, source=sample_workspace(tag))
    before, logged = main.stat().st_size, wal.stat().st_size
    assert logged > 0
    db.close()  # the last checkpoint copies the log into the database and empties it
    assert main.stat().st_size > before
    assert not wal.exists() or wal.stat().st_size == 0

    # Copied in the background between writes, the log starts over instead of growing.
    db = open_database(f"sqlite:///{main}")
    db.checkpoint_in_background(every_seconds=0.02)
    with db.writing() as session:
        actor = accounts.actor_of(accounts.create_account(session, "b@example.org"))
    for tag in "ijklmnopqrstuvwx":
        workspaces.create_workspace(db, actor, source=sample_workspace(tag))
        time.sleep(0.1)
    assert wal.stat().st_size < logged  # twice the writes, a shorter log
    db.close()
