"""Analyses and drawings of stored maps: the core's analysis and renderer over the database.

Every analysis and drawing is of the assembled map (store.assembled: the dot votes cast in
the app count with the votes written in the map); the workspace's analysis
thresholds apply as they do for files.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from journeyline.analysis import (
    StakeholderSummary,
    analyze_map,
    build_summary,
    compare_maps,
    rank_opportunities,
)
from journeyline.analysis.config import AnalysisConfig
from journeyline.errors import Diagnostic, NotFound, UsageError
from journeyline.model import JourneyMap, Workspace
from journeyline.store.access import Actor, Role, require
from journeyline.store.assembled import assembled_context
from journeyline.store.database import Database
from journeyline.store.maps import journey_of, map_record


def _context(
    db: Database, actor: Actor, workspace_id: str, map_id: str
) -> tuple[Workspace, JourneyMap]:
    workspace = assembled_context(db, actor, workspace_id, map_id)
    return workspace, workspace.maps[0]


def analyze(db: Database, actor: Actor, workspace_id: str, map_id: str) -> dict[str, Any]:
    """Every finding for the map, in journey order."""
    workspace, journey = _context(db, actor, workspace_id, map_id)
    findings = analyze_map(journey, workspace)
    return {"map": journey.id, "findings": [f.to_dict() for f in findings]}


def priorities(
    db: Database, actor: Actor, workspace_id: str, map_id: str, *, include_done: bool = False
) -> dict[str, Any]:
    """The map's opportunities ranked by impact, reach, effort and votes."""
    workspace, journey = _context(db, actor, workspace_id, map_id)
    config, _ = AnalysisConfig.leniently(workspace.analysis)
    ranked = rank_opportunities(journey, config, include_done=include_done)
    return {"map": journey.id, "opportunities": [r.to_dict() for r in ranked]}


def compare(
    db: Database, actor: Actor, workspace_id: str, map_id: str, asis: str | None
) -> dict[str, Any]:
    """The map (TO-BE) against a current-state map (AS-IS; default: its `based_on`)."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        tobe = journey_of(db, map_record(session, workspace_id, map_id))
        other = asis or tobe.based_on
        if not other:
            raise UsageError(
                f"map '{map_id}' names no current-state map to compare with",
                [Diagnostic("no AS-IS map", hint="pass ?asis=MAP_ID or set the map's 'based_on'")],
            )
        try:
            before = journey_of(db, map_record(session, workspace_id, other))
        except NotFound:
            raise NotFound(
                f"map '{other}' (the AS-IS map) does not exist in this workspace"
            ) from None
    return compare_maps(before, tobe).to_dict()


def summary(db: Database, actor: Actor, workspace_id: str, map_id: str) -> StakeholderSummary:
    """The stakeholder summary of the map."""
    workspace, journey = _context(db, actor, workspace_id, map_id)
    return build_summary(journey, workspace)


MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def render(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    fmt: str,
    *,
    paper: str = "fit",
    persona: str | None = None,
) -> tuple[bytes, str]:
    """The map drawn as SVG, PNG or PDF (PNG and PDF need Chromium on the server).

    `paper` (PDF only): 'fit' puts the whole map on one page, 'A4'/'A3' split it into
    landscape pages; `persona` draws that persona's sentiment line on a multi-persona map.
    """
    workspace, journey = render_source(db, actor, workspace_id, map_id, fmt)
    return draw(workspace, journey, fmt, paper=paper, persona=persona)


def render_source(
    db: Database, actor: Actor, workspace_id: str, map_id: str, fmt: str
) -> tuple[Workspace, JourneyMap]:
    """What `draw` needs from the database: the map (with its votes) and its workspace."""
    if fmt not in MEDIA_TYPES:
        raise UsageError(f"cannot render as '{fmt}' (svg, png or pdf)")
    return _context(db, actor, workspace_id, map_id)


def draw(
    workspace: Workspace,
    journey: JourneyMap,
    fmt: str,
    *,
    paper: str = "fit",
    persona: str | None = None,
) -> tuple[bytes, str]:
    """A map drawn as SVG, PNG or PDF bytes, with the media type (no database: the web
    app runs this in a worker process)."""
    from journeyline.render import render_to_file
    from journeyline.render.export import normalise_paper

    if fmt not in MEDIA_TYPES:
        raise UsageError(f"cannot render as '{fmt}' (svg, png or pdf)")
    paper = normalise_paper(paper)
    with tempfile.TemporaryDirectory(prefix="journeyline-render-") as folder:
        out = render_to_file(
            workspace, journey, Path(folder) / f"map.{fmt}", paper=paper, persona=persona
        )
        return out.read_bytes(), MEDIA_TYPES[fmt]
