"""Run every detector over a map and put the findings in journey order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from journeyline.analysis.config import AnalysisConfig
from journeyline.analysis.context import MapContext
from journeyline.analysis.findings import Finding
from journeyline.analysis.pains import find_abandonment_risks, find_pain_hotspots
from journeyline.analysis.sentiment import (
    find_negative_moments_of_truth,
    find_peaks,
    find_rapid_drops,
    find_sawtooth,
    find_troughs,
)
from journeyline.analysis.structure import (
    find_branch_sprawl,
    find_duplicate_steps,
    find_gaps,
    find_long_stages,
    find_missing_channels,
)
from journeyline.analysis.survey import find_sentiment_mismatches, find_weak_evidence
from journeyline.analysis.upkeep import (
    find_ignored_settings,
    find_missing_owners,
    find_stale,
    find_unsupported,
)
from journeyline.model import JourneyMap, Workspace

Detect = Callable[[MapContext], Iterable[Finding]]
"""A detector: reads one map (with its context) and yields findings."""


@dataclass(frozen=True)
class Detector:
    """One analysis: the kind of finding it reports and the function that finds them."""

    kind: str
    detect: Detect


DETECTORS: list[Detector] = [
    Detector("rapid_drop", find_rapid_drops),
    Detector("sawtooth", find_sawtooth),
    Detector("trough", find_troughs),
    Detector("peak", find_peaks),
    Detector("pain_hotspot", find_pain_hotspots),
    Detector("abandonment_risk", find_abandonment_risks),
    Detector("gap", find_gaps),
    Detector("duplicate_step", find_duplicate_steps),
    Detector("long_stage", find_long_stages),
    Detector("branch_sprawl", find_branch_sprawl),
    Detector("unsupported", find_unsupported),
    Detector("negative_moment_of_truth", find_negative_moments_of_truth),
    Detector("sentiment_mismatch", find_sentiment_mismatches),
    Detector("weak_evidence", find_weak_evidence),
    Detector("missing_owner", find_missing_owners),
    Detector("stale", find_stale),
    Detector("missing_channel", find_missing_channels),
    Detector("ignored_setting", find_ignored_settings),
]
"""The built-in analyses. A plug-in adds its own with :func:`register_detector`."""


def register_detector(detector: Detector) -> None:
    """Add an analysis (or replace the one reporting the same kind)."""
    for index, existing in enumerate(DETECTORS):
        if existing.kind == detector.kind:
            DETECTORS[index] = detector
            return
    DETECTORS.append(detector)


def analyze_map(
    journey: JourneyMap,
    workspace: Workspace | None = None,
    *,
    config: AnalysisConfig | None = None,
    today: dt.date | None = None,
) -> list[Finding]:
    """Every finding for one map, in journey order.

    Without `config`, the defaults apply, overridden by the workspace's `analysis` settings
    (a setting that is not valid is left out, and reported as an `ignored_setting`).
    Findings are ordered by place: findings about the whole map first, then stage by stage
    (a stage's own findings before its steps', steps in journey order), then by kind name,
    then by persona in the map's order.
    """
    if config is None:
        config, _ = AnalysisConfig.leniently(workspace.analysis if workspace else None)
    context = MapContext(journey, workspace, config, today or dt.date.today())
    findings: list[Finding] = []
    for detector in DETECTORS:
        findings.extend(detector.detect(context))
    stages = context.stage_positions
    steps = context.step_positions
    personas = {pid: i for i, pid in enumerate(journey.personas)}

    def place(finding: Finding) -> tuple[int, int, str, int]:
        if finding.step_id is not None and finding.step_id in steps:
            stage_index, step_index = steps[finding.step_id]
        elif finding.stage_id is not None:
            stage_index, step_index = stages.get(finding.stage_id, -1), -1
        else:
            stage_index, step_index = -1, -1
        persona = personas.get(finding.persona, -1) if finding.persona is not None else -1
        return stage_index, step_index, finding.kind, persona

    findings.sort(key=place)
    return findings
