"""The shipped templates: complete, realistic maps that load cleanly; `templates` and `new`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.errors import NotFound
from journeyline.formats import load_workspace
from journeyline.model import (
    KNOWN_CHANNELS,
    JourneyMap,
    MapStatus,
    MapType,
    StepKind,
    Workspace,
    Zone,
    check_integrity,
)
from journeyline.templates import (
    TemplateInfo,
    list_templates,
    load_template,
    template_names,
    template_path,
)
from tests.conftest import REPO_ROOT

REQUIRED = {
    "restaurant-visit",
    "saas-trial",
    "saas-onboarding",
    "ecommerce-purchase",
    "mobile-app-lifecycle",
    "b2b-bank-account",
    "post-sales-admin",
    "day-in-the-life",
    "ecommerce-purchase-future",
    "service-blueprint",
}
NAMES = template_names()
PERSONA_FACTS = (
    "role",
    "demographics",
    "goals",
    "challenges",
    "values",
    "fears",
    "needs",
    "motivations",
    "preferred_channels",
    "tech_savviness",
    "marketing_message",
    "elevator_pitch",
    "quote",
    "avatar",
)


def _scored(journey: JourneyMap, step_id: str) -> bool:
    step = journey.find_step(step_id)
    assert step is not None
    return step.emotion is not None or bool(step.emotions)


def test_every_required_template_ships() -> None:
    assert set(NAMES) >= REQUIRED
    for name in NAMES:
        header = template_path(name).read_text(encoding="utf-8").split("journeyline: 1", 1)[0]
        assert header.startswith("#"), f"{name}: start with a comment listing the deliberate flaws"


@pytest.mark.parametrize("name", NAMES)
def test_template_loads_without_errors(name: str) -> None:
    workspace = load_template(name)
    errors = [p for p in check_integrity(workspace) if p.severity == "error"]
    assert errors == []
    assert workspace.description, "the description is what `journeyline templates` shows"
    assert workspace.maps


@pytest.mark.parametrize("name", NAMES)
def test_personas_have_a_full_factsheet(name: str) -> None:
    workspace = load_template(name)
    assert workspace.personas and workspace.segments
    for persona in workspace.personas:
        empty = [field for field in PERSONA_FACTS if not getattr(persona, field)]
        assert not empty, f"{persona.id}: empty {empty}"
        assert persona.segment in {s.id for s in workspace.segments}
    assert workspace.evidence, "personas rest on workspace-level evidence"


@pytest.mark.parametrize("name", NAMES)
def test_map_has_scope_backstory_and_stages(name: str) -> None:
    for journey in load_template(name).maps:
        for field in ("scenario", "goal", "timeframe", "owner", "review_date", "segment"):
            assert getattr(journey, field), f"{journey.id}: no {field}"
        story = journey.backstory
        assert story.pain_points and story.requirements and story.outcomes
        assert story.highest_goal and story.story
        assert 4 <= len(journey.stages) <= 7
        for stage in journey.stages:
            assert stage.goal and stage.expectations and stage.duration, stage.id
            assert 3 <= len(stage.steps) <= 6, stage.id


@pytest.mark.parametrize("name", NAMES)
def test_steps_say_what_the_persona_does_thinks_and_feels(name: str) -> None:
    for journey in load_template(name).maps:
        frontstage = [s for s in journey.steps() if s.zone == Zone.frontstage]
        for step in frontstage:
            for field in ("touchpoint", "does", "thinks", "feels"):
                assert getattr(step, field), f"{step.id}: no {field}"
            assert _scored(journey, step.id), f"{step.id}: no emotion score"
            assert step.actors, f"{step.id}: no actors"
            if step.channel is not None:
                assert step.channel in KNOWN_CHANNELS, f"{step.id}: channel {step.channel}"
        for step in journey.steps():
            if step.kind == StepKind.decision:
                assert len(step.branches) >= 2, f"{step.id}: a decision needs its paths"
        scores = [score for _, _, score in journey.sentiment_line(journey.personas[0])]
        assert max(scores) - min(scores) >= 3, "a real sentiment line has troughs and peaks"
        if journey.type != MapType.future_state:
            assert min(scores) < 0 < max(scores), "today's journey hurts somewhere"
        assert 1 <= sum(s.moment_of_truth for s in journey.steps()) <= 4


@pytest.mark.parametrize("name", NAMES)
def test_pain_points_opportunities_and_evidence(name: str) -> None:
    for journey in load_template(name).maps:
        assert journey.pain_points and journey.opportunities and journey.evidence
        for pain in journey.pain_points:
            assert pain.step and pain.reach is not None, pain.id
        for opportunity in journey.opportunities:
            assert opportunity.steps and opportunity.effort and opportunity.impact, opportunity.id
        evidenced = journey.evidenced_ids()
        step_ids = [s.id for s in journey.steps()]
        assert any(s in evidenced for s in step_ids), "some steps rest on evidence"
        assert any(s not in evidenced for s in step_ids), "real maps keep a few assumptions"


def test_the_demo_flaws_are_there() -> None:
    maps = [m for name in NAMES for m in load_template(name).maps]
    assert any(m.review_date and m.review_date.isoformat() == "2026-03-31" for m in maps)
    assert any(o.owner is None for m in maps for o in m.opportunities)
    assert any(s.zone == Zone.frontstage and s.channel is None for m in maps for s in m.steps())
    negative_truths = [
        s
        for m in maps
        for s in m.steps()
        if s.moment_of_truth and ((s.emotion or 0) < 0 or any(v < 0 for v in s.emotions.values()))
    ]
    assert negative_truths


def test_multi_persona_map_has_a_line_per_persona() -> None:
    journey = load_template("b2b-bank-account").maps[0]
    assert len(journey.personas) >= 2
    for persona_id in journey.personas:
        line = journey.sentiment_line(persona_id)
        assert len(line) >= 6, persona_id
        assert any(step.emotions.get(persona_id) is not None for _, step, _ in line)
    solo = [s for s in journey.steps() if len(s.personas) == 1]
    assert solo, "some steps concern only one persona"
    assert any(s.zone == Zone.backstage for s in journey.steps())


def test_future_state_is_based_on_the_current_state() -> None:
    as_is = load_template("ecommerce-purchase").maps[0]
    to_be_workspace = load_template("ecommerce-purchase-future")
    to_be = to_be_workspace.maps[0]
    assert as_is.type == MapType.current_state
    assert to_be.type == MapType.future_state
    assert to_be.based_on == as_is.id
    assert to_be.personas == as_is.personas
    assert to_be_workspace.persona(to_be.personas[0]) is not None, "the TO-BE stands alone"
    before = {s.id for s in as_is.steps()}
    after = {s.id for s in to_be.steps()}
    assert len(before & after) >= 10, "unchanged steps keep their ids"
    assert len(after) < len(before)
    fixed = {"pain-surprise-shipping", "pain-forced-account"}
    assert fixed <= {p.id for p in as_is.pain_points}
    assert not fixed & {p.id for p in to_be.pain_points}

    def mean(journey: JourneyMap) -> float:
        scores = [score for _, _, score in journey.sentiment_line()]
        return sum(scores) / len(scores)

    assert mean(to_be) > mean(as_is) + 1


def test_service_blueprint_has_backstage_and_custom_lanes() -> None:
    workspace = load_template("service-blueprint")
    journey = workspace.maps[0]
    assert journey.type == MapType.service_blueprint
    lane_ids = {lane.id for lane in workspace.lanes}
    assert {"lane-physical-evidence", "lane-support-processes"} <= lane_ids
    assert lane_ids <= set(journey.lanes)
    backstage = [s for s in journey.steps() if s.zone == Zone.backstage]
    assert len(backstage) >= 5
    assert all(s.actors for s in backstage)
    assert sum(bool(s.lanes) for s in journey.steps()) >= 10
    assert any(all(s.zone == Zone.backstage for s in stage.steps) for stage in journey.stages)


def test_day_in_the_life_type() -> None:
    journey = load_template("day-in-the-life").maps[0]
    assert journey.type == MapType.day_in_the_life
    assert journey.timeframe and "day" in journey.timeframe.lower()


def test_list_templates_is_sorted_and_counts() -> None:
    infos = list_templates()
    assert [i.name for i in infos] == sorted(i.name for i in infos)
    by_name = {i.name: i for i in infos}
    bank = by_name["b2b-bank-account"]
    assert isinstance(bank, TemplateInfo)
    assert bank.personas == 2
    assert bank.steps == len(load_template("b2b-bank-account").maps[0].steps())
    assert by_name["service-blueprint"].type == MapType.service_blueprint


def test_unknown_template_suggests_a_name() -> None:
    with pytest.raises(NotFound) as caught:
        load_template("saas-trail")
    assert "saas-trial" in caught.value.message


runner = CliRunner()


def test_templates_command_lists_every_template() -> None:
    result = runner.invoke(app, ["templates"])
    assert result.exit_code == 0, result.output
    for name in NAMES:
        assert name in result.output


def test_templates_command_json() -> None:
    result = runner.invoke(app, ["templates", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = data["templates"]
    assert [row["name"] for row in rows] == NAMES
    assert set(rows[0]) == {"name", "title", "type", "description", "personas", "stages", "steps"}
    restaurant = next(row for row in rows if row["name"] == "restaurant-visit")
    assert restaurant["type"] == "current_state"
    assert restaurant["stages"] == 6


def test_new_writes_a_file_that_loads_back_equal(tmp_path: Path) -> None:
    target = tmp_path / "journeys" / "trial.yaml"
    result = runner.invoke(app, ["new", str(target), "--template", "saas-trial"])
    assert result.exit_code == 0, result.output
    assert target.is_file()
    expected = load_template("saas-trial")
    assert expected.maps[0].status == "validated"
    # a template's research is the template's: the team's new map starts as a hypothesis
    expected.maps[0].status = MapStatus.hypothesis
    assert load_workspace(target).workspace == expected


def test_new_writes_json_and_sets_name_and_owner(tmp_path: Path) -> None:
    target = tmp_path / "diner.json"
    result = runner.invoke(
        app,
        [
            "new",
            str(target),
            "-t",
            "restaurant-visit",
            "--name",
            "Sunday lunch at The Anchor",
            "--owner",
            "Mina Shah",
        ],
    )
    assert result.exit_code == 0, result.output
    journey = load_workspace(target).workspace.maps[0]
    assert journey.name == "Sunday lunch at The Anchor"
    assert journey.owner == "Mina Shah"


def test_new_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "map.yaml"
    target.write_text("my own work\n", encoding="utf-8")
    result = runner.invoke(app, ["new", str(target), "--template", "saas-onboarding"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert "--force" in result.output
    assert target.read_text(encoding="utf-8") == "my own work\n"
    forced = runner.invoke(app, ["new", str(target), "--template", "saas-onboarding", "--force"])
    assert forced.exit_code == 0, forced.output
    assert isinstance(load_workspace(target).workspace, Workspace)


def test_new_with_unknown_template_fails_clearly(tmp_path: Path) -> None:
    target = tmp_path / "map.yaml"
    result = runner.invoke(app, ["new", str(target), "--template", "restaurant"])
    assert result.exit_code == 1
    assert "restaurant-visit" in result.output
    assert not target.exists()


def test_docs_describe_every_template() -> None:
    docs = (REPO_ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    missing = [name for name in NAMES if f"`{name}`" not in docs]
    assert not missing, f"templates missing from docs/templates.md: {missing}"


@pytest.mark.parametrize(
    "name", ["../templates/restaurant-visit", "/etc/passwd", "restaurant-visit/../x"]
)
def test_template_names_never_reach_outside_the_templates(name: str) -> None:
    from journeyline.errors import NotFound
    from journeyline.templates import template_path

    with pytest.raises(NotFound):
        template_path(name)
