"""Markdown export: a readable document in which user text never becomes markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyline.errors import NotFound
from journeyline.formats import save_workspace
from journeyline.formats.markdown import MARKDOWN_FORMAT, cell, escape, export_markdown, to_markdown
from journeyline.model import (
    Backstory,
    Effort,
    Evidence,
    EvidenceKind,
    Impact,
    JourneyMap,
    Opportunity,
    OpportunityStatus,
    PainPoint,
    Persona,
    Stage,
    Step,
    Workspace,
    assign_ids,
)


def workspace() -> Workspace:
    ws = Workspace(
        personas=[
            Persona(
                name="Priya",
                role="Head of Product",
                quote="Show me | value",
                goals=["Ship faster"],
                demographics={"Age": "34"},
            )
        ],
        maps=[
            JourneyMap(
                name="SaaS trial",
                scenario="Evaluates the tool",
                goal="Decide to buy",
                timeframe="14 days",
                backstory=Backstory(
                    highest_goal="Calm launches", story="Priya leads a team.", requirements=["SSO"]
                ),
                stages=[
                    Stage(
                        name="Awareness",
                        goal="Find a tool",
                        steps=[
                            Step(
                                name="Reads a review",
                                touchpoint="G2 page",
                                channel="web",
                                does="Reads G2",
                                thinks="Is it for us?",
                                feels="curious",
                                emotion=2,
                            ),
                            Step(
                                name="Visits pricing",
                                touchpoint="Pricing page",
                                channel="web",
                                emotion=-3,
                                moment_of_truth=True,
                            ),
                        ],
                    ),
                    Stage(name="Trial", steps=[Step(name="Signs up", emotion=1)]),
                ],
                pain_points=[
                    PainPoint(
                        name="Pricing unclear",
                        step="visits-pricing",
                        impact=Impact.abandon,
                        reach=0.4,
                    )
                ],
                opportunities=[
                    Opportunity(
                        name="Price calculator",
                        pain_points=["pricing-unclear"],
                        votes=5,
                        owner="Growth",
                        effort=Effort.m,
                        status=OpportunityStatus.planned,
                    )
                ],
                evidence=[
                    Evidence(
                        name="Interview 3",
                        kind=EvidenceKind.interview,
                        quote="Where is the price?",
                        links=["visits-pricing", "pricing-unclear"],
                    )
                ],
            )
        ],
    )
    assign_ids(ws)
    ws.maps[0].personas = ["priya"]
    return ws


def test_document_has_every_part_in_order() -> None:
    text = to_markdown(workspace())
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# SaaS trial",
        "## Scope",
        "## Persona: Priya",
        "## Back-story",
        "## Stage 1: Awareness",
        "### Pain points",
        "### Opportunities",
        "## Stage 2: Trial",
        "## Evidence",
    ]
    assert "| Scenario | Evaluates the tool |" in text
    assert "| Timeframe | 14 days |" in text
    assert "> Show me \\| value" in text
    assert "**Highest goal:** Calm launches" in text
    assert (
        "| # | Step | Touchpoint | Channel | Does | Thinks | Feels | Emotion | Evidence |" in text
    )
    assert (
        "| 1 | Reads a review | G2 page | web | Reads G2 | Is it for us? | curious | 2 | none (assumption) |"
        in text
    )
    assert (
        "| 2 | **Visits pricing** (moment of truth) | Pricing page | web |  |  |  | -3 | E1 |"
        in text
    )
    assert "| 3 | Signs up |" in text  # numbering runs on across stages
    assert (
        "- **Pricing unclear** (makes the persona abandon, reaches 40%; at step Visits pricing)"
        in text
    )
    assert (
        "- **Price calculator** (5 votes, owner Growth, effort M, planned); addresses Pricing unclear"
        in text
    )
    assert (
        "1. **Interview 3** (Interview): “Where is the price?”. Supports: Visits pricing, Pricing unclear"
        in text
    )


def test_map_without_evidence_says_it_is_an_assumption() -> None:
    ws = workspace()
    ws.maps[0].evidence = []
    text = to_markdown(ws)
    assert "> This map rests on no evidence yet: every element is an assumption." in text
    assert "Evidence |" not in text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a | b", "a \\| b"),
        ("# not a heading", "\\# not a heading"),
        ("*bold* _it_ `code` [link](x)", "\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](x)"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("> not a quote", "&gt; not a quote"),
        ("&amp; stays", "&amp;amp; stays"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_user_text_is_escaped(raw: str, shown: str) -> None:
    assert escape(raw) == shown


def test_hostile_names_cannot_break_the_table_or_headings() -> None:
    ws = workspace()
    journey = ws.maps[0]
    journey.name = "# Map\n<img src=x onerror=alert(1)>"
    journey.stages[0].name = "Stage | two"
    journey.stages[0].steps[0].thinks = "line one\nline | two"
    text = to_markdown(ws)
    assert text.splitlines()[0] == "# \\# Map &lt;img src=x onerror=alert(1)&gt;"
    assert "## Stage 1: Stage \\| two" in text
    row = next(line for line in text.splitlines() if line.startswith("| 1 |"))
    assert row.count(" | ") == 8  # nine cells, no extra column from the user's pipe
    assert "line one<br>line \\| two" in row
    assert "<img" not in text and "<script" not in text


def test_several_maps_one_document_and_map_choice() -> None:
    ws = workspace()
    ws.name = "Acme"
    ws.maps.append(JourneyMap(id="support", name="Support call", stages=[Stage(name="Call")]))
    text = to_markdown(ws)
    assert text.startswith("# Acme\n")
    assert "## SaaS trial" in text and "## Support call" in text and "### Stage 1: Call" in text
    only = to_markdown(ws, map_id="support")
    assert only.startswith("# Support call\n") and "SaaS trial" not in only
    with pytest.raises(NotFound, match="no map 'nope'"):
        to_markdown(ws, map_id="nope")


def test_warns_about_what_it_does_not_show_and_writes_through_the_registry(tmp_path: Path) -> None:
    ws = workspace()
    ws.maps[0].stages[0].steps[0].image = "photo.png"
    _, warnings = export_markdown(ws, file="m.md")
    assert [w.render() for w in warnings] == [
        "m.md: warning: map 'SaaS trial': not shown in Markdown: images of 1 step (export YAML to keep everything)"
    ]
    path = tmp_path / "trial.md"
    save_workspace(workspace(), path)
    assert path.read_text(encoding="utf-8") == to_markdown(workspace())
    assert MARKDOWN_FORMAT.read is None


def test_cell_keeps_lines_apart() -> None:
    assert cell("a\nb|c") == "a<br>b\\|c"
    assert cell(None) == ""
