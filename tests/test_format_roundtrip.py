"""Property tests: any valid workspace survives YAML ↔ model ↔ JSON without loss."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeyline.formats import load_workspace, save_workspace
from journeyline.formats.document import dump_json, dump_yaml, loads
from journeyline.model import (
    Branch,
    Evidence,
    EvidenceKind,
    Impact,
    JourneyMap,
    Metric,
    Opportunity,
    PainPoint,
    Persona,
    Segment,
    Stage,
    Step,
    StepKind,
    Workspace,
    Zone,
    assign_ids,
    assign_map_ids,
    check_integrity,
)

text = st.text(max_size=30)
names = st.text(min_size=1, max_size=20)
optional_text = st.none() | text
multiline = st.none() | st.lists(text, min_size=1, max_size=3).map("\n".join)
scores = st.none() | st.floats(min_value=-5, max_value=5, allow_nan=False)
numbers = st.floats(allow_nan=False, allow_infinity=False, width=64)
ids = st.from_regex(r"[a-z0-9][a-z0-9_.\-]{0,8}", fullmatch=True)


@st.composite
def metrics(draw: st.DrawFn) -> Metric:
    return Metric(
        name=draw(names),
        value=draw(st.none() | numbers | text),
        unit=draw(optional_text),
        target=draw(st.none() | numbers),
    )


@st.composite
def steps(draw: st.DrawFn) -> Step:
    return Step(
        name=draw(names),
        kind=draw(st.sampled_from(StepKind)),
        description=draw(multiline),
        touchpoint=draw(optional_text),
        channel=draw(st.none() | st.sampled_from(["web", "email", "in_store"]) | text),
        zone=draw(st.sampled_from(Zone)),
        does=draw(optional_text),
        thinks=draw(optional_text),
        feels=draw(optional_text),
        emotion=draw(scores),
        actors=draw(st.lists(text, max_size=2)),
        moment_of_truth=draw(st.booleans()),
        metrics=draw(st.lists(metrics(), max_size=2)),
        notes=draw(multiline),
    )


@st.composite
def journeys(draw: st.DrawFn, persona_ids: list[str]) -> JourneyMap:
    stages = [
        Stage(
            name=draw(names),
            goal=draw(optional_text),
            expectations=draw(st.lists(text, max_size=2)),
            duration=draw(optional_text),
            steps=draw(st.lists(steps(), max_size=4)),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    journey = JourneyMap(
        name=draw(names),
        personas=draw(st.lists(st.sampled_from(persona_ids), unique=True, max_size=2))
        if persona_ids
        else [],
        scenario=draw(multiline),
        review_date=draw(st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1))),
        tags=draw(st.lists(text, max_size=3)),
        lanes=draw(
            st.none() | st.lists(st.sampled_from(["actions", "feels", "sentiment"]), unique=True)
        )
        or ["actions"],
        stages=stages,
    )
    assign_map_ids(journey)
    step_ids = [step.id for step in journey.steps()]
    for step in journey.steps():
        if step.kind == StepKind.decision and step_ids:
            step.branches = [
                Branch(label=draw(names), to=draw(st.none() | st.sampled_from(step_ids)))
            ]
    if step_ids:
        journey.pain_points = [
            PainPoint(
                name=draw(names),
                step=draw(st.sampled_from(step_ids)),
                impact=draw(st.sampled_from(Impact)),
                reach=draw(st.none() | st.floats(0, 1)),
            )
            for _ in range(draw(st.integers(0, 3)))
        ]
        assign_map_ids(journey)
        pain_ids = [p.id for p in journey.pain_points]
        journey.opportunities = [
            Opportunity(
                name=draw(names),
                pain_points=draw(st.lists(st.sampled_from(pain_ids), unique=True, max_size=2))
                if pain_ids
                else [],
                steps=draw(st.lists(st.sampled_from(step_ids), unique=True, max_size=2)),
                votes=draw(st.integers(0, 50)),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
        journey.evidence = [
            Evidence(
                kind=draw(st.sampled_from(EvidenceKind)),
                quote=draw(multiline),
                date=draw(st.none() | st.dates()),
                links=[draw(st.sampled_from(step_ids))],
            )
        ]
    return journey


@st.composite
def workspaces(draw: st.DrawFn) -> Workspace:
    segments = [
        Segment(id=i, name=draw(names)) for i in draw(st.lists(ids, unique=True, max_size=2))
    ]
    personas = [
        Persona(
            name=draw(names),
            role=draw(optional_text),
            bio=draw(multiline),
            segment=draw(st.sampled_from([s.id for s in segments]))
            if segments and draw(st.booleans())
            else None,
            demographics=draw(st.dictionaries(text, text, max_size=2)),
            goals=draw(st.lists(text, max_size=2)),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    workspace = Workspace(
        name=draw(text),
        description=draw(multiline),
        segments=segments,
        personas=personas,
        analysis=draw(st.dictionaries(ids, numbers, max_size=2)),
    )
    assign_ids(workspace)
    persona_ids = [p.id for p in workspace.personas]
    workspace.maps = draw(st.lists(journeys(persona_ids), max_size=2))
    assign_ids(workspace)
    return workspace


def _valid(workspace: Workspace) -> bool:
    return not [p for p in check_integrity(workspace) if p.severity == "error"]


def _same(a: Workspace, b: Workspace) -> bool:
    return a.model_dump() == b.model_dump()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workspaces())
def test_yaml_and_json_round_trips_are_lossless(workspace: Workspace) -> None:
    assert _valid(workspace), check_integrity(workspace)
    from_yaml = loads(dump_yaml(workspace), "w.yaml", "yaml").workspace
    assert _same(from_yaml, workspace)
    from_json = loads(dump_json(from_yaml), "w.json", "json").workspace
    assert _same(from_json, workspace)
    assert dump_yaml(from_json) == dump_yaml(workspace)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(workspaces())
def test_folder_round_trip_is_lossless(tmp_path: Path, workspace: Workspace) -> None:
    folder = tmp_path / "ws"
    save_workspace(workspace, folder)
    loaded = load_workspace(folder).workspace
    expected: dict[str, Any] = workspace.model_dump()
    for key in ("segments", "personas", "maps"):
        # A folder holds one file per item and reads them sorted by file name.
        expected[key].sort(key=lambda item: f"{item['id']}.yaml")
    assert loaded.model_dump() == expected
