"""Small synthetic event logs for the analytics tests, written to tmp_path."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from journeyline.events import EventLog, LogSpec, open_log

BASE = dt.datetime(2024, 3, 1, 9, 0, 0)


def at(minutes: float) -> str:
    """A naive ISO timestamp `minutes` after the base time."""
    return (BASE + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """Write rows under a header; returns the path."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def journeys(
    path: Path, paths: dict[str, Sequence[tuple[str, float]]], **props: dict[str, str]
) -> Path:
    """A generic log: for each user a list of (event, minutes); `props` maps a column to user → value."""
    header = ["user_id", "event", "timestamp", *props]
    rows = []
    for user, steps in paths.items():
        for event, minutes in steps:
            rows.append(
                [user, event, at(minutes), *[values.get(user, "") for values in props.values()]]
            )
    return write_csv(path, header, rows)


@contextmanager
def loaded(path: Path, spec: LogSpec | None = None) -> Iterator[EventLog]:
    """The log loaded into DuckDB for the block."""
    with open_log(path, spec or LogSpec()) as log:
        yield log


def register_sources(app: object, sources: dict[tuple[str, str], tuple[Path, LogSpec]]) -> None:
    """Make files event sources of workspaces in a test app: (workspace, source id) → (file, spec).

    Stands in for the workspace's stored sources: the lookup checks membership as the
    real one does and answers NotFound for any other id.
    """
    from journeyline.errors import NotFound
    from journeyline.store.access import Role, require
    from journeyline.web.api.events import ResolvedSource

    def lookup(db, actor, workspace_id, source_id):  # type: ignore[no-untyped-def]
        with db.reading() as session:
            require(session, actor, workspace_id, Role.viewer)
        found = sources.get((workspace_id, source_id))
        if found is None:
            raise NotFound(f"event source '{source_id}' does not exist in this workspace")
        return ResolvedSource(source_id, str(found[0]), found[1])

    app.state.event_source_lookup = lookup  # type: ignore[attr-defined]
