"""The stage-columns journey grid: stage names as the header row, lanes as row labels.

The fixtures under tests/format_fixtures/ follow public templates (see its README.md).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from journeyline.errors import InvalidInput, LimitExceeded
from journeyline.formats import load_workspace
from journeyline.formats.limits import ImportLimits, applying
from journeyline.formats.spreadsheet import parse_csv, parse_xlsx, to_csv

FIXTURES = Path(__file__).parent / "format_fixtures"


def test_a_stage_header_row_and_lane_labels_read_as_one_step_per_column() -> None:
    path = FIXTURES / "stage_columns_template.csv"
    loaded = load_workspace(path)
    journey = loaded.workspace.maps[0]
    assert [stage.name for stage in journey.stages] == [
        "Awareness",
        "Consideration",
        "Decision",
        "Service",
        "Loyalty",
    ]
    assert [len(stage.steps) for stage in journey.stages] == [1, 1, 1, 1, 1]
    consideration = journey.stages[1].steps[0]
    assert consideration.name == "Compares three tools on review sites"  # from Customer Actions
    assert consideration.does == "Compares three tools on review sites"
    assert consideration.touchpoint == "G2 reviews; pricing page"
    assert consideration.feels == "Overwhelmed by feature tables"  # Customer Experience
    assert consideration.actors == ["Marketing", "Sales"]  # Teams Involved, one per line
    assert consideration.lanes == {"kpis": "Trial sign-ups", "business-goals": "Win the shortlist"}
    messages = [w.render() for w in loaded.warnings]
    assert f"{path}:1:1: warning: no Step row: each column was read as one step" in "".join(
        messages
    )
    assert f"{path}:5:1: warning: row 'KPIs' is not a built-in row" in messages[0]


@pytest.mark.parametrize("name", ["blank_corner_nng.csv", "blank_corner_nng.xlsx"])
def test_a_blank_corner_grid_reads_from_csv_and_xlsx_alike(name: str) -> None:
    loaded = load_workspace(FIXTURES / name)
    journey = loaded.workspace.maps[0]
    assert [(stage.name, [step.name for step in stage.steps]) for stage in journey.stages] == [
        ("Discover", ['Searches "budget app"']),
        ("Sign up", ["Downloads the app"]),
        ("First use", ["Links a bank account"]),
    ]
    first, second, third = journey.steps()
    assert first.does == 'Searches "budget app"\nReads two blog posts'  # the whole cell is kept
    assert first.thinks == "Is this safe?"
    assert [step.feels for step in journey.steps()] == ["Curious", "Irritated", "Happy"]
    assert all(step.emotion is None for step in journey.steps())  # words are not scores
    assert [step.channel for step in journey.steps()] == ["Web", "Mobile app", "Mobile app"]
    assert [(p.name, p.impact.value, p.step) for p in journey.pain_points] == [
        ("SMS code arrives late", "workaround", second.id)
    ]
    assert [(o.name, o.steps) for o in journey.opportunities] == [
        ("Publish a security page", [first.id]),
        ("Make the phone number optional", [second.id]),
    ]
    assert third.touchpoint == "Bank-link screen"
    messages = [w.message for w in loaded.warnings]
    assert messages[0].startswith("no Step row: each column was read as one step")
    assert messages[1] == ("row 'Emotions' holds words, not scores: read as what the persona feels")
    assert len(messages) == 2


def test_a_stage_without_an_actions_cell_names_its_step_after_the_stage() -> None:
    text = "Phase,Research,Buy\nThinking,Which one?,Done\nEmotion,2,4\n"
    journey = parse_csv(text, "p.csv").workspace.maps[0]
    assert [(s.name, [st.name for st in s.steps]) for s in journey.stages] == [
        ("Research", ["Research"]),
        ("Buy", ["Buy"]),
    ]
    assert [step.emotion for step in journey.steps()] == [2, 4]  # numbers stay scores


def test_a_titled_header_row_and_markdown_bold_labels() -> None:
    text = (
        "Customer journey,**Awareness**,**Purchase**\n"
        "**Doing**,Sees an ad,Pays\n"
        "**Pain points**,,Card refused [abandon]\n"
    )
    journey = parse_csv(text, "t.csv").workspace.maps[0]
    assert [stage.name for stage in journey.stages] == ["**Awareness**", "**Purchase**"]
    assert [step.name for step in journey.steps()] == ["Sees an ad", "Pays"]
    assert [(p.name, p.impact.value) for p in journey.pain_points] == [("Card refused", "abandon")]


def test_a_grid_that_names_no_lane_is_still_refused() -> None:
    with pytest.raises(InvalidInput, match="no row labelled 'Step' or 'Stage'"):
        parse_csv(",Q1,Q2\nRevenue,10,12\nCosts,4,5\n", "budget.csv")


def test_the_classic_template_still_wins_when_it_has_a_step_row() -> None:
    text = "Stage,A,A\nStep,one,two\nActions,x,y\n"
    loaded = parse_csv(text, "c.csv")
    assert [step.name for step in loaded.workspace.maps[0].steps()] == ["one", "two"]
    assert loaded.warnings == []


def test_the_import_limits_apply_to_the_stage_columns_layout() -> None:
    text = ",".join([""] + [f"S{i}" for i in range(12)]) + "\nDoing," + ",".join("x" * 12) + "\n"
    with applying(ImportLimits(steps=10)), pytest.raises(LimitExceeded) as caught:
        parse_csv(text, "wide.csv")
    assert caught.value.limit == "steps"
    book = Workbook()
    sheet = book.active
    sheet.append([None, *[f"S{i}" for i in range(12)]])
    sheet.append(["Doing", *["x"] * 12])
    buffer = io.BytesIO()
    book.save(buffer)
    with applying(ImportLimits(steps=10)), pytest.raises(LimitExceeded) as caught:
        parse_xlsx(buffer.getvalue(), "wide.xlsx")
    assert caught.value.limit == "steps"


def test_an_imported_grid_exports_as_the_classic_template() -> None:
    loaded = load_workspace(FIXTURES / "blank_corner_nng.csv")
    lines = to_csv(loaded.workspace).splitlines()
    assert "Stage,Discover,Sign up,First use" in lines
    again = parse_csv(to_csv(loaded.workspace), "again.csv").workspace.maps[0]
    assert [s.name for s in again.steps()] == [s.name for s in loaded.workspace.maps[0].steps()]


def test_a_stage_merged_over_two_columns_holds_two_steps() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append([None, "Research", None, "Buy"])
    sheet.append(["Doing", "Reads reviews", "Asks a friend", "Pays"])
    sheet.append(["Feelings", "Unsure", "Reassured", "Glad"])
    sheet.merge_cells("B1:C1")
    buffer = io.BytesIO()
    book.save(buffer)
    journey = parse_xlsx(buffer.getvalue(), "merged.xlsx").workspace.maps[0]
    assert [(s.name, [st.name for st in s.steps]) for s in journey.stages] == [
        ("Research", ["Reads reviews", "Asks a friend"]),
        ("Buy", ["Pays"]),
    ]
    assert [step.feels for step in journey.steps()] == ["Unsure", "Reassured", "Glad"]
    # in CSV the stage name repeats over its columns
    text = ",Research,Research,Buy\nDoing,Reads reviews,Asks a friend,Pays\n"
    again = parse_csv(text, "r.csv").workspace.maps[0]
    assert [len(stage.steps) for stage in again.stages] == [2, 1]


def test_a_title_line_above_the_stage_header_names_the_map() -> None:
    text = (
        "Customer Journey Map: Priya signs up,,\n"
        ",,\n"
        ",Discover,Sign up\n"
        "Doing,Searches,Fills the form\n"
        "Pain points,,Form too long [abandon]\n"
    )
    loaded = parse_csv(text, "titled.csv")
    journey = loaded.workspace.maps[0]
    assert journey.name == "Customer Journey Map: Priya signs up"
    assert [step.name for step in journey.steps()] == ["Searches", "Fills the form"]
    assert [w.line for w in loaded.warnings] == [3]  # only the "no Step row" note, at the header


def test_a_journey_labelled_header_row_names_stages_not_the_map() -> None:
    text = "Journey,Awareness,Consideration\nThoughts,Who are they?,Is it worth it?\n"
    journey = parse_csv(text, "j.csv").workspace.maps[0]
    assert [stage.name for stage in journey.stages] == ["Awareness", "Consideration"]
    assert [step.thinks for step in journey.steps()] == ["Who are they?", "Is it worth it?"]
    # one cell after 'Journey map' is still the map's name in the classic template
    classic = parse_csv("Journey map,Trial\nStep,a\n", "c.csv").workspace.maps[0]
    assert classic.name == "Trial"
