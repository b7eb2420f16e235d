"""Every finding kind fires on a map with the problem and stays quiet on one without it."""

from __future__ import annotations

import datetime as dt

import pytest

from journeyline.analysis import KINDS, AnalysisConfig, Finding, analyze_map
from journeyline.model import (
    Branch,
    Evidence,
    JourneyMap,
    Measured,
    Opportunity,
    PainPoint,
    Persona,
    SentimentScale,
    Stage,
    Workspace,
    assign_map_ids,
)
from tests.test_analysis_builders import TODAY, clean_map, find_step, line, of_kind, run, step


def test_clean_map_has_no_findings() -> None:
    assert run(clean_map()) == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_quiet_on_the_clean_map(kind: str) -> None:
    assert of_kind(run(clean_map()), kind) == []


def test_finding_to_dict_puts_the_contract_keys_first() -> None:
    finding = Finding("gap", "medium", "Use", None, "m", "s", stage_id="use")
    assert list(finding.to_dict()) == [
        "kind",
        "severity",
        "stage",
        "step",
        "message",
        "suggestion",
        "stage_id",
        "step_id",
        "persona",
    ]


# rapid_drop ------------------------------------------------------------------------------


def test_rapid_drop_fires_where_the_line_lands() -> None:
    journey = line(clean_map(), 1, 2, -1, 1, 2)
    [drop] = of_kind(run(journey), "rapid_drop")
    assert (drop.step_id, drop.stage, drop.severity) == ("create", "Sign up", "medium")
    assert "from 2" in drop.message and "to -1" in drop.message


def test_rapid_drop_of_half_the_scale_is_high() -> None:
    journey = line(clean_map(), 1, 2, -3, 1, 2)
    [drop] = of_kind(run(journey), "rapid_drop")
    assert drop.severity == "high"


def test_rapid_drop_stays_quiet_below_the_threshold() -> None:
    journey = line(clean_map(), 1, 2, 0, 1, 2)  # a fall of 2 on -5 … 5 is 0.4 normalised
    assert of_kind(run(journey), "rapid_drop") == []


def test_rapid_drop_skips_unscored_steps() -> None:
    journey = line(clean_map(), 1, 2, None, -1, 1)
    [drop] = of_kind(run(journey), "rapid_drop")
    assert drop.step_id == "confirm"


def test_thresholds_hold_on_a_one_to_five_scale() -> None:
    journey = clean_map(scale=SentimentScale(min=1, max=5))
    line(journey, 4, 4, 3, 3, 4)  # one point on 1 … 5 is a quarter of the scale
    [drop] = of_kind(run(journey), "rapid_drop")
    assert drop.step_id == "create"
    same_fall_on_wide_scale = line(clean_map(), 4, 4, 3, 3, 4)
    assert of_kind(run(same_fall_on_wide_scale), "rapid_drop") == []


# sawtooth ---------------------------------------------------------------------------------


def test_sawtooth_fires_on_repeated_ups_and_downs() -> None:
    journey = line(clean_map(), 2, -1, 2, -1, 2)
    [saw] = of_kind(run(journey), "sawtooth")
    assert saw.step_id == "search" and saw.severity == "low"
    assert "3 times" in saw.message


def test_sawtooth_stays_quiet_with_too_few_reversals() -> None:
    journey = line(clean_map(), 2, -1, 2, -1, -1)
    assert of_kind(run(journey), "sawtooth") == []


def test_sawtooth_ignores_small_wobbles() -> None:
    journey = line(clean_map(), 2, 1, 2, 1, 2)  # moves of 0.2 normalised
    assert of_kind(run(journey), "sawtooth") == []


# trough and peak -------------------------------------------------------------------------


def test_trough_fires_at_a_low_point() -> None:
    journey = line(clean_map(), 1, 1, -3, 0, 1)
    [trough] = of_kind(run(journey), "trough")
    assert (trough.step_id, trough.severity) == ("create", "medium")


def test_deep_trough_is_high_and_plateaus_count_once() -> None:
    journey = line(clean_map(), 1, -4, -4, 0, 1)
    [trough] = of_kind(run(journey), "trough")
    assert (trough.step_id, trough.severity) == ("landing", "high")


def test_trough_stays_quiet_when_the_low_point_is_mild() -> None:
    journey = line(clean_map(), 1, 1, -1, 0, 1)
    assert of_kind(run(journey), "trough") == []


def test_peak_fires_at_a_high_point() -> None:
    journey = line(clean_map(), 1, 1, 4, 0, 1)
    [peak] = of_kind(run(journey), "peak")
    assert (peak.step_id, peak.severity) == ("create", "info")


def test_peak_stays_quiet_below_the_threshold() -> None:
    journey = line(clean_map(), 1, 1, 2, 0, 1)
    assert of_kind(run(journey), "peak") == []


# negative moments of truth -----------------------------------------------------------------


def test_negative_moment_of_truth_fires() -> None:
    journey = line(clean_map(), 1, 2, 2, -1, 2)
    find_step(journey, "confirm").moment_of_truth = True
    [mot] = of_kind(run(journey), "negative_moment_of_truth")
    assert (mot.step_id, mot.severity) == ("confirm", "high")


def test_positive_moment_of_truth_is_quiet() -> None:
    journey = clean_map()
    find_step(journey, "create").moment_of_truth = True
    assert of_kind(run(journey), "negative_moment_of_truth") == []


# multi-persona ---------------------------------------------------------------------------


def test_sentiment_findings_run_per_persona() -> None:
    journey = clean_map(personas=["ana", "bo"])
    for item in journey.steps():
        if item.emotion is not None:
            item.emotions = {"ana": item.emotion, "bo": item.emotion}
            item.emotion = None
    find_step(journey, "create").emotions = {"ana": 2, "bo": -3}
    workspace = Workspace(
        personas=[Persona(id="ana", name="Ana"), Persona(id="bo", name="Bo the Buyer")],
        evidence=[Evidence(id="ev", name="Research", links=["ana", "bo"])],
    )
    findings = run(journey, workspace)
    drops = of_kind(findings, "rapid_drop")
    assert [(d.persona, d.step_id) for d in drops] == [("bo", "create")]
    assert "for Bo the Buyer" in drops[0].message
    assert of_kind(findings, "trough")[0].persona == "bo"


def test_single_persona_map_with_per_persona_scores_is_read() -> None:
    journey = clean_map(personas=["ana"])
    for item in journey.steps():
        if item.emotion is not None:
            item.emotions = {"ana": item.emotion}
            item.emotion = None
    find_step(journey, "create").emotions = {"ana": -3}
    drops = of_kind(run(journey), "rapid_drop")
    assert [(d.persona, d.step_id) for d in drops] == [(None, "create")]


# pain hotspots and abandonment -----------------------------------------------------------


def _pains(journey: JourneyMap, step_id: str, *impacts: str) -> JourneyMap:
    for n, impact in enumerate(impacts):
        journey.pain_points.append(
            PainPoint(id=f"p{n}-{step_id}", name=f"Pain {n}", step=step_id, impact=impact)
        )
        journey.evidence[0].links.append(f"p{n}-{step_id}")
    return journey


def test_pain_hotspot_fires_on_a_crowded_step_and_stage() -> None:
    journey = _pains(clean_map(), "create", "workaround", "trivial", "workaround")
    hotspots = of_kind(run(journey), "pain_hotspot")
    assert [(h.stage_id, h.step_id, h.severity) for h in hotspots] == [
        ("signup", None, "medium"),
        ("signup", "create", "medium"),
    ]


def test_pain_hotspot_with_an_abandon_pain_is_high() -> None:
    journey = _pains(clean_map(), "create", "workaround", "trivial", "abandon")
    assert {h.severity for h in of_kind(run(journey), "pain_hotspot")} == {"high"}


def test_pain_hotspot_stays_quiet_when_pain_is_spread() -> None:
    journey = _pains(clean_map(), "create", "workaround")
    _pains(journey, "search", "workaround")
    _pains(journey, "invite", "workaround")
    assert of_kind(run(journey), "pain_hotspot") == []


def test_abandonment_risk_from_a_pain_point() -> None:
    journey = clean_map()
    journey.pain_points[0].impact = "abandon"
    journey.pain_points[0].reach = 0.5
    [risk] = of_kind(run(journey), "abandonment_risk")
    assert (risk.step_id, risk.severity) == ("confirm", "high")
    journey.pain_points[0].reach = None
    [risk] = of_kind(run(journey), "abandonment_risk")
    assert risk.severity == "medium" and "measure" in risk.suggestion


def test_abandonment_risk_from_a_measured_dropoff() -> None:
    journey = clean_map()
    find_step(journey, "create").measured = Measured(dropoff=0.4)
    find_step(journey, "invite").measured = Measured(dropoff=0.7)
    risks = of_kind(run(journey), "abandonment_risk")
    assert [(r.step_id, r.severity) for r in risks] == [("create", "medium"), ("invite", "high")]


def test_abandonment_risk_is_quiet_for_small_dropoff_and_workarounds() -> None:
    journey = clean_map()
    find_step(journey, "create").measured = Measured(dropoff=0.1)
    assert of_kind(run(journey), "abandonment_risk") == []


# gaps -------------------------------------------------------------------------------------


def test_gap_when_no_touchpoint_serves_the_goal() -> None:
    journey = clean_map()
    for item in journey.stages[1].steps:
        item.touchpoint = None
    [gap] = of_kind(run(journey), "gap")
    assert (gap.stage_id, gap.step, gap.severity) == ("signup", None, "medium")
    assert "Get in quickly" in gap.message


def test_gap_when_a_stage_has_only_backstage_steps_or_none() -> None:
    journey = clean_map()
    journey.stages.append(Stage(id="renew", name="Renew", goal="Keep using it"))
    journey.evidence[0].links.append("renew")
    for item in journey.stages[2].steps:
        item.zone = "backstage"
    gaps = of_kind(run(journey), "gap")
    assert [(g.stage_id, g.severity) for g in gaps] == [("use", "medium"), ("renew", "high")]


def test_no_gap_for_a_stage_without_goal_and_touchpoints() -> None:
    journey = clean_map()
    for item in journey.stages[2].steps:
        item.touchpoint = None
    assert of_kind(run(journey), "gap") == []


# duplicates, long stages, branch sprawl ------------------------------------------------------


def test_duplicate_step_fires_on_a_repeated_name() -> None:
    journey = clean_map()
    journey.stages[2].steps.append(step("create an Account!", 2, id="create-again"))
    journey.stages[2].steps.append(step("Create an account", 2, id="create-third"))
    dups = of_kind(run(journey), "duplicate_step")
    assert [(d.step_id, d.severity) for d in dups] == [
        ("create-again", "low"),
        ("create-third", "medium"),
    ]
    assert "'Create an account' in stage 'Sign up'" in dups[0].message


def test_duplicate_step_is_quiet_for_different_personas() -> None:
    journey = clean_map(personas=["ana", "bo"])
    find_step(journey, "create").personas = ["ana"]
    journey.stages[2].steps.append(step("Create an account", 2, id="bo-create", personas=["bo"]))
    assert of_kind(run(journey), "duplicate_step") == []


def test_long_stage() -> None:
    journey = clean_map()
    journey.stages[2].steps.extend(step(f"Task {n}", 2, id=f"t{n}") for n in range(11))
    [long] = of_kind(run(journey), "long_stage")
    assert (long.stage_id, long.severity) == ("use", "low")
    journey.stages[2].steps.extend(step(f"More {n}", 2, id=f"m{n}") for n in range(12))
    assert of_kind(run(journey), "long_stage")[0].severity == "medium"


def test_long_stage_is_quiet_at_the_limit() -> None:
    journey = clean_map()
    journey.stages[2].steps.extend(step(f"Task {n}", 2, id=f"t{n}") for n in range(10))
    assert len(journey.stages[2].steps) == 12
    assert of_kind(run(journey), "long_stage") == []


def test_branch_sprawl_from_many_paths() -> None:
    journey = clean_map()
    decision = find_step(journey, "landing")
    decision.kind = "decision"
    decision.branches = [Branch(label=f"Option {n}") for n in range(8)]
    [sprawl] = of_kind(run(journey), "branch_sprawl")
    assert sprawl.severity == "medium" and sprawl.stage is None
    assert "7 extra decision paths and 0 loops" in sprawl.message


def test_branch_sprawl_from_loops() -> None:
    journey = clean_map()
    for step_id in ("create", "confirm", "invite"):
        decision = find_step(journey, step_id)
        decision.kind = "decision"
        decision.branches = [Branch(label="Go on"), Branch(label="Start over", to="search")]
    [sprawl] = of_kind(run(journey), "branch_sprawl")
    assert "3 loops" in sprawl.message


def test_branch_sprawl_is_quiet_for_a_simple_decision() -> None:
    journey = clean_map()
    decision = find_step(journey, "create")
    decision.kind = "decision"
    decision.branches = [Branch(label="Yes", to="confirm"), Branch(label="Retry", to="search")]
    assert of_kind(run(journey), "branch_sprawl") == []


# evidence -----------------------------------------------------------------------------------


def test_unsupported_map_is_one_finding() -> None:
    journey = clean_map(evidence=[])
    [finding] = of_kind(run(journey), "unsupported")
    assert finding.stage is None and finding.severity == "medium"
    journey.status = "validated"
    assert of_kind(run(journey), "unsupported")[0].severity == "high"


def test_unsupported_stage_and_pain_point() -> None:
    journey = clean_map()
    journey.evidence[0].links = ["discover", "signup"]
    journey.pain_points.append(
        PainPoint(id="lost", name="Gets lost", step="invite", impact="abandon")
    )
    findings = of_kind(run(journey), "unsupported")
    assert [(f.stage_id, f.step_id, f.severity) for f in findings] == [
        ("signup", "confirm", "low"),
        ("use", None, "low"),
        ("use", "invite", "medium"),
    ]


def test_workspace_evidence_counts_and_personas_are_checked() -> None:
    journey = clean_map(personas=["ana"], evidence=[])
    workspace = Workspace(
        personas=[Persona(id="ana", name="Ana")],
        maps=[journey],
        evidence=[Evidence(id="ws-ev", name="Study", links=["trial"])],
    )
    findings = of_kind(run(journey, workspace), "unsupported")
    # the workspace evidence links the map itself; the stages and the persona have none
    assert "Persona 'Ana'" in findings[0].message
    assert {f.stage_id for f in findings[1:]} == {"discover", "signup", "use"}
    workspace.evidence[0].links = ["trial", "ana", "discover", "signup", "use", "slow-email"]
    assert of_kind(run(journey, workspace), "unsupported") == []


# owners, review dates, channels ---------------------------------------------------------


def test_missing_owner_of_map_and_opportunities() -> None:
    journey = clean_map(owner=None)
    journey.opportunities[0].owner = None
    journey.opportunities.append(Opportunity(id="idea", name="An idea", steps=["invite"]))
    journey.opportunities.append(Opportunity(id="old", name="Done", status="done"))
    findings = of_kind(run(journey), "missing_owner")
    assert [(f.stage_id, f.step_id, f.severity) for f in findings] == [
        (None, None, "medium"),
        ("signup", "confirm", "medium"),
        ("use", "invite", "low"),
    ]


def test_stale_map() -> None:
    journey = clean_map(review_date=TODAY - dt.timedelta(days=10))
    [stale] = of_kind(run(journey), "stale")
    assert stale.severity == "medium" and "10 days ago" in stale.message
    journey.review_date = TODAY - dt.timedelta(days=200)
    assert of_kind(run(journey), "stale")[0].severity == "high"
    journey.review_date = None
    assert of_kind(run(journey), "stale")[0].severity == "info"


def test_stale_uses_the_given_day() -> None:
    journey = clean_map(review_date=dt.date(2025, 3, 1))
    assert of_kind(run(journey, today=dt.date(2025, 3, 1)), "stale") == []
    assert of_kind(run(journey, today=dt.date(2025, 3, 2)), "stale") != []


def test_missing_channel_per_step_and_for_the_whole_map() -> None:
    journey = clean_map()
    find_step(journey, "landing").channel = None
    [missing] = of_kind(run(journey), "missing_channel")
    assert (missing.step_id, missing.severity) == ("landing", "low")
    for item in journey.steps():
        item.channel = None
    [whole] = of_kind(run(journey), "missing_channel")
    assert whole.step is None and "None of the map's 5 frontstage steps" in whole.message


# order and settings -----------------------------------------------------------------------


def test_findings_come_in_journey_order_then_kind() -> None:
    journey = line(clean_map(owner=None), 1, 2, -3, 1, 2)
    find_step(journey, "create").channel = None
    kinds = [(f.stage_id, f.step_id, f.kind) for f in run(journey)]
    assert kinds == [
        (None, None, "missing_owner"),
        ("signup", "create", "missing_channel"),
        ("signup", "create", "rapid_drop"),
        ("signup", "create", "trough"),
    ]
    assert run(journey) == run(journey)


def test_workspace_settings_apply_unless_a_config_is_given() -> None:
    journey = line(clean_map(), 1, 2, -1, 1, 2)
    workspace = Workspace(maps=[journey], analysis={"rapid_drop.min_drop": 0.8})
    assert of_kind(run(journey, workspace), "rapid_drop") == []
    config = AnalysisConfig.from_overrides({"rapid_drop.min_drop": 0.5})
    assert of_kind(run(journey, workspace, config=config), "rapid_drop") != []


def test_analyze_map_defaults_to_today() -> None:
    journey = clean_map(review_date=dt.date.today() + dt.timedelta(days=1))
    assert of_kind(analyze_map(journey), "stale") == []


def test_analysis_works_on_a_map_without_stages() -> None:
    journey = assign_map_ids(JourneyMap(name="Empty", owner="me", review_date=TODAY))
    kinds = {f.kind for f in run(journey)}
    assert kinds == {"unsupported"}


def test_steps_outside_any_pain_point_reference_do_not_crash() -> None:
    journey = clean_map()
    journey.pain_points.append(PainPoint(id="floating", name="Somewhere", impact="abandon"))
    journey.evidence[0].links.append("floating")
    [risk] = of_kind(run(journey), "abandonment_risk")
    assert risk.step is None and risk.stage is None
    assert isinstance(risk, Finding)
