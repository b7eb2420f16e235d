"""The database: engine and sessions (SQLite in WAL mode, or PostgreSQL), migrations on open.

Write transactions on SQLite start with `BEGIN IMMEDIATE` and are serialised inside the
process, so a writer never fails half-way with "database is locked"; readers never wait
(WAL). On PostgreSQL, writes rely on the revision check in each UPDATE instead.

The busiest reads (who a token or session cookie belongs to; a map's current revision)
are single statements run through `single_read`: a pooled connection without an ORM
session and, on SQLite, without BEGIN and ROLLBACK. Every call into SQLite lets another
thread take the interpreter, so fewer calls per request means less waiting under load.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from journeyline.errors import Diagnostic, InvalidInput, UsageError
from journeyline.store.documents import MapCache

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SYNCHRONOUS = ("FULL", "NORMAL")
"""SQLite's `PRAGMA synchronous` choices. FULL (the default) syncs the write-ahead log at
every commit: an acknowledged write survives a power cut. NORMAL syncs at checkpoints only:
a process crash loses nothing, a power cut may lose the last commits. The cost of FULL on
edits is measured by bench/bench_api.py."""
DATABASE_FILE = "journeyline.db"


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE matched."""
    return int(result.rowcount)


def sqlite_url(data_dir: Path) -> str:
    """The URL of the SQLite database kept in a data directory."""
    return f"sqlite:///{(data_dir / DATABASE_FILE).resolve()}"


def _refuse_unstorable_text(
    connection: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> None:
    """The last guard: no text with a NUL character reaches either store (PostgreSQL refuses
    it, SQLite keeps it), whatever channel it came by; the API refuses it earlier, saying where."""
    rows = parameters if executemany else [parameters]
    for row in rows:
        # A row of values; or (batched INSERT … RETURNING) one value of a flattened batch.
        values = row.values() if isinstance(row, dict) else row
        if not isinstance(values, (tuple, list)) and not isinstance(row, dict):
            values = (values,)
        for value in values or ():
            if isinstance(value, str) and "\x00" in value:
                raise InvalidInput(
                    "text cannot hold the NUL character (\\u0000); nothing was changed",
                    [Diagnostic("a text holds the NUL character", hint="remove it")],
                )


def _normalise(url: str) -> URL:
    try:
        parsed = make_url(url)
    except Exception as error:  # sqlalchemy raises ArgumentError with its own wording
        raise UsageError(f"cannot understand the database URL: {error}") from error
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed
    if backend == "sqlite":
        return parsed
    raise UsageError(
        f"unsupported database '{backend}' (use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)"
    )


def _sqlite_pragmas(engine: Engine, database: Database) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN, so we choose DEFERRED/IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={database.synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if database.checkpoints_in_background:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode != "NONE":  # NONE: single statements in autocommit (Database.single_read)
            connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """An open database: hands out read and write sessions; knows its backend."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        connect_args: dict[str, Any] | None = None,
        synchronous: str = "FULL",
    ) -> None:
        if synchronous not in SYNCHRONOUS:
            raise UsageError(
                f"SQLite synchronous must be {' or '.join(SYNCHRONOUS)}, not {synchronous!r}"
            )
        parsed = _normalise(url)
        self.url = parsed
        self.synchronous = synchronous
        self._connect_args = dict(connect_args or {})
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo, "connect_args": dict(connect_args or {})}
        if self.is_sqlite:
            kwargs["connect_args"].setdefault("check_same_thread", False)
            # Enough kept connections for every worker thread and the event loop, so
            # busy moments do not open (and set up) fresh connections and close them again.
            kwargs["pool_size"] = 64
            kwargs["max_overflow"] = 32
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs["pool_size"] = 10
            kwargs["max_overflow"] = 20
            kwargs["pool_pre_ping"] = True
        self.engine = create_engine(parsed, **kwargs)
        event.listen(self.engine, "before_cursor_execute", _refuse_unstorable_text)
        self.checkpoints_in_background = False
        self._checkpointer: _Checkpointer | None = None
        if self.is_sqlite:
            _sqlite_pragmas(self.engine, self)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        writer_bind = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        self._writer = sessionmaker(writer_bind, expire_on_commit=False)
        self._single = (
            self.engine.execution_options(sqlite_begin="NONE") if self.is_sqlite else self.engine
        )
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self.map_cache = MapCache()
        self.live_rooms: Any = None
        """The server's open live maps (journeyline.live.rooms.Rooms) while it runs: REST
        edits of a map with a shared document go through them."""

    def grants_changed(self) -> None:
        """A share link, membership, API token or browser session changed (call once it is
        committed): the server's live connections check at once that they may stay open."""
        rooms = self.live_rooms
        if rooms is not None:
            rooms.grants_changed()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed."""
        # Closing (not rolling back) keeps loaded objects usable after the block;
        # the pool resets the connection, ending its read transaction.
        with self._reader() as session:
            yield session

    @contextmanager
    def single_read(self) -> Iterator[Connection]:
        """A connection for reads that are one statement each (consistent on their own).

        No ORM session, and on SQLite no transaction around the statement; use `reading`
        whenever two statements must see the same state.
        """
        with self._single.connect() as connection:
            yield connection

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the in-process write lock (SQLite; nothing on PostgreSQL)."""
        if self._write_lock is None:
            yield
            return
        with self._write_lock:
            yield

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction that commits when the block ends and rolls back on any error."""
        if self._write_lock is not None:
            with self._write_lock, self._writer() as session, session.begin():
                yield session
        else:
            with self._writer() as session, session.begin():
                yield session

    def migrate(self) -> None:
        """Bring the schema up to the newest migration (Alembic, shipped in the package)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at (None before the first migration)."""
        with self.engine.connect() as connection:
            try:
                row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
            except Exception:
                return None
            return str(row[0]) if row else None

    def checkpoint_in_background(self, every_seconds: float = 1.0) -> None:
        """SQLite: copy the write-ahead log into the database from a background thread.

        By default SQLite does it inside the commit that fills the log past 1000 pages,
        with an fsync: every ~100 map edits one of them (and every edit waiting for the
        write lock behind it) took 100–400 ms longer. For a server; `close` stops it.
        """
        if not self.is_sqlite or self._checkpointer is not None:
            return
        self.checkpoints_in_background = True
        self.engine.dispose()  # pooled connections reopen without automatic checkpoints
        self._checkpointer = _Checkpointer(self, every_seconds)
        self._checkpointer.start()

    def checkpoint(self, mode: str = "PASSIVE") -> None:
        """SQLite: copy what the write-ahead log holds into the database (PASSIVE never waits)."""
        if self.is_sqlite:
            with self.single_read() as connection:
                # Read the answer: an unfinished statement would keep a read open on the log.
                connection.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})").all()

    def open_again(self) -> Database:
        """The same database opened once more, with a pool of its own (as a second server
        process on it would have)."""
        return Database(
            self.url.render_as_string(hide_password=False),
            connect_args=self._connect_args,
            synchronous=self.synchronous,
        )

    def close(self) -> None:
        """Close every pooled connection (after a last checkpoint, when they run in the background)."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
            # Busy: SQLite checkpoints again when it next opens the file.
            with suppress(Exception):
                self.checkpoint("TRUNCATE")
        self.engine.dispose()


class _Checkpointer(threading.Thread):
    """Runs a PASSIVE checkpoint every `every_seconds` (nothing to copy: nothing done)."""

    def __init__(self, database: Database, every_seconds: float) -> None:
        super().__init__(name="journeyline-checkpoint", daemon=True)
        self._database = database
        self._every = every_seconds
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self._every):
            try:
                # Between two writes, so the checkpoint can finish and the log start over;
                # done often, each one copies little.
                with self._database.write_lock():
                    self._database.checkpoint("PASSIVE")
            except Exception:  # a busy moment: try again next time
                continue

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=10)


def open_database(
    url: str,
    *,
    migrate: bool = True,
    connect_args: dict[str, Any] | None = None,
    synchronous: str = "FULL",
) -> Database:
    """Open (and by default migrate) the database at `url` (`synchronous`: see SYNCHRONOUS)."""
    database = Database(url, connect_args=connect_args, synchronous=synchronous)
    if migrate:
        database.migrate()
    return database
