"""The stakeholder summary: its sections, its action plan, and escaping of user text."""

from __future__ import annotations

from journeyline.analysis import build_summary, escape_markdown
from journeyline.model import JourneyMap, Opportunity, Persona, Workspace
from tests.test_analysis_builders import TODAY, clean_map, find_step, line


def _summary_map() -> tuple[JourneyMap, Workspace]:
    journey = line(clean_map(personas=["ana"]), 1, 2, -4, -2, 3)
    find_step(journey, "confirm").actors = ["Email service"]
    journey.pain_points[0].impact = "abandon"
    journey.opportunities += [
        Opportunity(id="tour", name="Shorter tour", owner="Onboarding", votes=5, effort="xs"),
        Opportunity(id="later", name="Later idea", votes=0, effort="xl"),
        Opportunity(id="doing", name="Already doing", owner="Web team", status="in_progress"),
        Opportunity(id="old", name="Shipped", owner="Web team", status="done"),
    ]
    workspace = Workspace(personas=[Persona(id="ana", name="Ana the Admin")], maps=[journey])
    return journey, workspace


def test_summary_sections_and_plan() -> None:
    journey, workspace = _summary_map()
    summary = build_summary(journey, workspace, today=TODAY)
    assert summary.scope["Persona"] == "Ana the Admin"
    assert summary.scope["Owner"] == "CX team"
    assert [p.pain.id for p in summary.pain_points] == ["slow-email"]
    assert [(p.step, p.score) for p in summary.low_points] == [
        ("Create an account", -4),
        ("Confirm the email", -2),
    ]
    assert [o.opportunity.id for o in summary.plan["now"]] == ["faster-email", "doing"]
    assert [o.opportunity.id for o in summary.plan["next"]] == ["tour", "later"]
    assert summary.plan["later"] == []
    assert "Shipped" not in summary.to_markdown()
    assert summary.teams["Email service"] == ["works on 'Confirm the email' (1 pain point)"]
    assert summary.teams["Email team"] == ["owns opportunity 'Send the email faster'"]


def test_markdown_has_every_section() -> None:
    journey, workspace = _summary_map()
    text = build_summary(journey, workspace, today=TODAY).to_markdown()
    for heading in (
        "# Stakeholder summary: Trial",
        "## Scope",
        "## Highest-impact pain points",
        "## Low points of the sentiment line",
        "## Opportunities",
        "## Which teams should know",
        "## Action plan",
        "### Now",
        "### Next",
        "### Later",
    ):
        assert f"\n{heading}\n" in f"\n{text}", heading
    assert "| 1 |" in text
    assert "- *Create an account* (Sign up): -4 on -5 … 5" in text


def test_next_count_setting() -> None:
    journey, workspace = _summary_map()
    workspace.analysis = {"summary.next_count": 1}
    summary = build_summary(journey, workspace, today=TODAY)
    assert [o.opportunity.id for o in summary.plan["later"]] == ["later"]


def test_user_text_is_escaped() -> None:
    journey, workspace = _summary_map()
    journey.name = "<script>alert(1)</script> *x*"
    journey.opportunities[1].name = "Fix | [link](javascript:x)\n# heading"
    text = build_summary(journey, workspace, today=TODAY).to_markdown()
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\*x\\*" in text
    assert "Fix \\| \\[link\\](javascript:x) # heading" in text
    assert "\n# heading" not in text


def test_escape_markdown_examples() -> None:
    assert escape_markdown("14-day trial (PM)") == "14-day trial (PM)"
    assert escape_markdown("# Not a heading") == "\\# Not a heading"
    assert escape_markdown("1. not a list") == "1\\. not a list"
    assert escape_markdown("a_b & `c`") == "a\\_b &amp; \\`c\\`"
    assert escape_markdown(None) == ""


def test_overdue_review_and_empty_map_sections() -> None:
    journey, workspace = _summary_map()
    journey.pain_points = []
    journey.opportunities = []
    line(journey, 1, 1, 1, 1, 1)
    summary = build_summary(journey, workspace, today=TODAY.replace(year=2026))
    text = summary.to_markdown()
    assert "overdue by" in summary.scope["Review date"]
    assert "No pain points are mapped yet." in text
    assert "stays at or above neutral" in text
    assert summary.to_dict()["plan"] == {"now": [], "next": [], "later": []}
