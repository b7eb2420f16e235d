"""CSV and XLSX in the classic journey-map template: layout, warnings and round trips."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from journeyline.errors import InvalidInput
from journeyline.formats import load_workspace, save_workspace
from journeyline.formats.spreadsheet import (
    CSV_FORMAT,
    XLSX_FORMAT,
    export_csv,
    export_xlsx,
    parse_csv,
    parse_xlsx,
    read_csv,
    to_csv,
    to_xlsx,
)
from journeyline.model import (
    DEFAULT_LANES,
    Backstory,
    Evidence,
    Impact,
    JourneyMap,
    LaneDefinition,
    Level,
    MapStatus,
    MapType,
    Opportunity,
    PainPoint,
    Persona,
    SentimentScale,
    Stage,
    Step,
    Workspace,
    Zone,
    assign_ids,
    check_integrity,
)


def sample() -> Workspace:
    """A map using every row of the layout, with text that needs care (pipes, '=', newlines)."""
    ws = Workspace(
        personas=[
            Persona(
                name="Priya the Product Lead",
                role="Head of Product",
                quote="Show me value fast",
                demographics={"Age": "34", "Location": "Leeds"},
                goals=["Ship faster", "Fewer tools"],
                tech_savviness=Level.high,
            )
        ],
        lanes=[LaneDefinition(name="Regulations")],
        maps=[
            JourneyMap(
                name="SaaS trial",
                scenario="Evaluates the tool | during a trial",
                goal="Decide to buy",
                type=MapType.future_state,
                timeframe="14 days",
                status=MapStatus.validated,
                owner="CX team",
                review_date=dt.date(2025, 6, 1),
                tags=["trial", "b2b"],
                backstory=Backstory(
                    pain_points=["Too many tools"],
                    highest_goal="Calm launches",
                    story="Priya leads…",
                ),
                stages=[
                    Stage(
                        name="Awareness",
                        goal="Find a tool",
                        steps=[
                            Step(
                                name="Reads a review",
                                does="Reads G2",
                                touchpoint="G2 page",
                                channel="web",
                                thinks="=SUM(A1)",
                                feels="curious",
                                emotion=2,
                                actors=["Priya"],
                                notes='a, b\nc; "d"',
                            ),
                            Step(
                                name="Visits pricing",
                                touchpoint="Pricing page",
                                channel="web",
                                emotion=-1.5,
                                moment_of_truth=True,
                            ),
                        ],
                    ),
                    Stage(
                        name="Trial",
                        goal="See value",
                        steps=[
                            Step(
                                name="Signs up",
                                zone=Zone.backstage,
                                emotion=-4,
                                actors=["Priya", "Sales team"],
                                lanes={"regulations": "GDPR consent"},
                            ),
                        ],
                    ),
                    Stage(name="Empty stage"),
                ],
                pain_points=[
                    PainPoint(name="Pricing unclear", step="visits-pricing", impact=Impact.abandon),
                    PainPoint(name="Slow | email [sic]", step="signs-up", impact=Impact.trivial),
                ],
                opportunities=[
                    Opportunity(name="Price calculator", steps=["visits-pricing"]),
                    Opportunity(name="Faster email", steps=["visits-pricing", "signs-up"]),
                ],
            )
        ],
    )
    assign_ids(ws)
    ws.maps[0].personas = [ws.personas[0].id]
    ws.maps[0].lanes = [*DEFAULT_LANES, ws.lanes[0].id]
    assert check_integrity(ws) == []
    return ws


def grid_part(journey: JourneyMap) -> dict[str, Any]:
    """What the grid carries: stages, steps, pain points, opportunities, scale."""
    return journey.model_dump(
        include={"name", "scale", "stages", "pain_points", "opportunities"}, mode="json"
    )


# --- CSV ---------------------------------------------------------------------------------


def test_csv_layout_is_the_classic_template() -> None:
    text = to_csv(sample())
    lines = text.split("\r\n")
    assert lines[:6] == [
        "Journey map,SaaS trial,,,",
        "Persona,Priya the Product Lead,,,",
        "Scale,-5,5,,",
        "Stage,Awareness,Awareness,Trial,Empty stage",
        "Stage goal,Find a tool,Find a tool,See value,",
        "Step,Reads a review,Visits pricing,Signs up,",
    ]
    labels = [
        row.split(",")[0] for row in lines[6:] if row and not row.startswith(('"', "c;", " "))
    ]
    assert labels[:12] == [
        "Actions",
        "Touchpoint",
        "Channel",
        "Zone",
        "Thinks",
        "Feels",
        "Emotion",
        "Pain points",
        "Opportunities",
        "Actors",
        "Moment of truth",
        "Notes",
    ]
    assert "Thinks,'=SUM(A1),,," in lines  # never a live formula
    assert "Pain points,,Pricing unclear [abandon],Slow | email [sic] [trivial]," in lines


def test_csv_round_trip_keeps_what_the_layout_carries() -> None:
    ws = sample()
    text, warnings = export_csv(ws, file="trial.csv")
    assert [w.render() for w in warnings] == [
        "trial.csv: warning: not written (the spreadsheet layout has no place for them): "
        "the map type (future_state); the map status (validated); the back-story; "
        "persona factsheets (names only are kept): Priya the Product Lead; "
        "the map's scenario, goal, timeframe, owner, review date, tags (export YAML to keep everything)"
    ]
    loaded = parse_csv(text, "trial.csv")
    assert [w.render() for w in loaded.warnings] == [
        "trial.csv:19:1: warning: row 'Regulations' is not a built-in row; "
        "read as the custom lane 'regulations'"
    ]
    back = loaded.workspace
    assert grid_part(back.maps[0]) == grid_part(ws.maps[0])
    assert [(p.id, p.name) for p in back.personas] == [(ws.personas[0].id, ws.personas[0].name)]
    assert back.maps[0].personas == ws.maps[0].personas
    assert [(lane.id, lane.name) for lane in back.lanes] == [("regulations", "Regulations")]
    assert back.maps[0].lanes == ws.maps[0].lanes
    assert check_integrity(back) == []


def test_csv_export_reports_what_it_drops() -> None:
    ws = sample()
    journey = ws.maps[0]
    journey.evidence.append(Evidence(name="Interview 3", links=[journey.stages[0].id]))
    journey.stages[0].steps[0].metrics = []
    journey.opportunities[0].votes = 4
    journey.pain_points.append(PainPoint(id="floating", name="Nowhere", impact=Impact.trivial))
    _, warnings = export_csv(ws, file="x.csv")
    message = warnings[-1].message
    assert "pain point 'Nowhere' (not under a step)" in message
    assert "votes of 1 opportunity" in message
    assert "1 piece of evidence" in message


def test_reads_a_hand_made_csv_with_semicolons_bom_and_quoted_newlines(tmp_path: Path) -> None:
    text = (
        "\ufeffStage;Discover;;Buy\r\n"
        'Step;Search;"Compare\nprices";Pay\r\n'
        "Does;types a query;;enters card\r\n"
        "Emotion;3,5;-2;4\r\n"
        'Pain points;;"Too many tabs [workaround]\nAds [trivial]";\r\n'
        "Scale;-5 to 5\r\n"
    )
    path = tmp_path / "shop.csv"
    path.write_bytes(text.encode("utf-8"))
    loaded = read_csv(path)
    assert loaded.warnings == []
    journey = loaded.workspace.maps[0]
    assert journey.name == "shop"
    assert [(s.name, [t.name for t in s.steps]) for s in journey.stages] == [
        ("Discover", ["Search", "Compare\nprices"]),
        ("Buy", ["Pay"]),
    ]
    assert [t.emotion for t in journey.steps()] == [3.5, -2, 4]
    assert [(p.name, p.impact, p.step) for p in journey.pain_points] == [
        ("Too many tabs", Impact.workaround, "compare-prices"),
        ("Ads", Impact.trivial, "compare-prices"),
    ]


def test_bad_cells_give_located_warnings() -> None:
    text = (
        "Stage,S,S\n"
        "Step,a,b\n"
        "Emotion,happy,2\n"
        "Zone,front,sideways\n"
        "Moment of truth,maybe,yes\n"
        "Pain points,Crash [abandn],\n"
        "Weather,sunny,\n"
        ",orphan,\n"
    )
    loaded = parse_csv(text, "w.csv")
    assert [w.render() for w in loaded.warnings] == [
        "w.csv:7:1: warning: row 'Weather' is not a built-in row; read as the custom lane 'weather'",
        "w.csv:8:1: warning: row has no label in the first column; its cells were ignored "
        "(label it (Step, Actions, Thinks …) to keep it)",
        "w.csv:3:2: warning: emotion 'happy' is not a number; the step has no emotion score "
        "(write a number on the map's scale)",
        "w.csv:5:2: warning: moment of truth 'maybe' is not yes or no; read as no (write yes or leave it blank)",
        "w.csv:4:3: warning: zone 'sideways' is neither frontstage nor backstage; read as frontstage "
        "(write frontstage or backstage)",
        "w.csv:6:2: warning: impact '[abandn]' of pain point 'Crash' is not trivial, workaround or abandon; "
        "kept in the name, impact workaround (did you mean 'abandon'?)",
    ]
    steps = loaded.workspace.maps[0].steps()
    assert steps[0].lanes == {"weather": "sunny"}
    assert [s.emotion for s in steps] == [None, 2]


def test_non_utf8_csv_is_read_as_windows_1252_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("Stage;Café\nStep;Payé €\n".encode("cp1252"))
    loaded = read_csv(path)
    assert [w.message for w in loaded.warnings] == ["the file is not UTF-8; read as Windows-1252"]
    assert loaded.workspace.maps[0].stages[0].steps[0].name == "Payé €"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "w.csv:1:1: the file is empty"),
        (
            "name,email\nAna,a@x\n",
            "w.csv:1:1: not a journey-map spreadsheet: no row labelled 'Step' or 'Stage'",
        ),
        (
            'Step,a\nNotes,"never closed\n' + "x" * 140_000,
            "w.csv:3: a cell holds more than 100,000 characters (or a quote is never closed)",
        ),
    ],
)
def test_csv_that_is_not_a_journey_map(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_csv(text, "w.csv")
    assert str(caught.value).startswith(message)


# --- XLSX --------------------------------------------------------------------------------


def test_xlsx_round_trip_keeps_scope_persona_and_grid() -> None:
    ws = sample()
    data, warnings = export_xlsx(ws, file="trial.xlsx")
    assert warnings == []
    loaded = parse_xlsx(data, "trial.xlsx")
    assert loaded.warnings == []  # the custom lane is declared on the Map sheet
    back = loaded.workspace
    original, journey = ws.maps[0], back.maps[0]
    assert grid_part(journey) == grid_part(original)
    scope = {
        "scenario",
        "goal",
        "type",
        "timeframe",
        "status",
        "owner",
        "review_date",
        "tags",
        "backstory",
    }
    assert journey.model_dump(include=scope) == original.model_dump(include=scope)
    assert back.personas == ws.personas
    assert back.lanes == ws.lanes
    assert journey.lanes == original.lanes and journey.personas == original.personas


def test_xlsx_looks_like_a_journey_map() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(sample())))
    assert book.sheetnames == ["Journey", "Persona", "Map"]
    sheet = book["Journey"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"B4:C4", "B5:C5"} <= merged  # 'Awareness' and its goal span both steps
    assert sheet["B4"].value == "Awareness" and sheet["C4"].value is None
    assert sheet["A9"].font.b and sheet["B6"].font.b and not sheet["B7"].font.b
    assert sheet["B7"].alignment.wrap_text
    assert sheet.freeze_panes == "B7"
    assert sheet.column_dimensions["A"].width == 18
    emotion = [sheet.cell(row=13, column=c) for c in (2, 3, 4)]
    assert sheet["A13"].value == "Emotion"
    assert [c.value for c in emotion] == [2, -1.5, -4]  # the number is still there
    colours = [c.fill.fgColor.rgb[-6:] for c in emotion]
    assert len(set(colours)) == 3  # and coloured by score
    assert colours[2] != "000000"
    formula = sheet["B11"]
    assert formula.value == "=SUM(A1)" and formula.data_type == "s"
    persona = book["Persona"]
    assert [persona["A1"].value, persona["B1"].value] == ["Name", "Priya the Product Lead"]
    scope = {row[0].value: row[1].value for row in book["Map"].iter_rows()}
    assert scope["Status"] == "validated" and scope["Timeframe"] == "14 days"


def test_xlsx_warnings_name_the_sheet_and_cell() -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ["Stage", "S", None],
        ["Step", "a", "b"],
        ["Emotion", 3, "great"],
        ["Mood", "x", None],
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    loaded = parse_xlsx(buffer.getvalue(), "hand.xlsx")
    assert [w.render() for w in loaded.warnings] == [
        "hand.xlsx:Sheet!A4: warning: row 'Mood' is not a built-in row; read as the custom lane 'mood'",
        "hand.xlsx:Sheet!C3: warning: emotion 'great' is not a number; the step has no emotion score "
        "(write a number on the map's scale)",
    ]
    assert [s.name for s in loaded.workspace.maps[0].steps()] == ["a", "b"]


def test_xlsx_merged_headers_keep_adjacent_stages_apart() -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Stage", "Use", None, "Use", None])
    sheet.append(["Step", "a", "b", "c", "d"])
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("D1:E1")
    buffer = io.BytesIO()
    book.save(buffer)
    journey = parse_xlsx(buffer.getvalue(), "u.xlsx").workspace.maps[0]
    assert [(s.name, len(s.steps)) for s in journey.stages] == [("Use", 2), ("Use", 2)]


def test_xlsx_reports_control_characters_it_cannot_hold() -> None:
    ws = sample()
    ws.maps[0].stages[0].steps[0].notes = "bell\x07"
    data, warnings = export_xlsx(ws, file="c.xlsx")
    assert [w.render() for w in warnings] == [
        "c.xlsx: warning: control characters removed from 1 cell (XLSX cannot hold them)"
    ]
    assert parse_xlsx(data).workspace.maps[0].stages[0].steps[0].notes == "bell"


def test_not_a_workbook() -> None:
    with pytest.raises(InvalidInput, match=r"^x\.xlsx: not an XLSX workbook"):
        parse_xlsx(b"PK\x03\x04 garbage", "x.xlsx")


def test_through_the_registry(tmp_path: Path) -> None:
    ws = sample()
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"map{suffix}"
        save_workspace(ws, path)
        loaded = load_workspace(path)
        assert grid_part(loaded.workspace.maps[0]) == grid_part(ws.maps[0])
        assert not [w for w in loaded.warnings if w.severity == "error"]
    assert (tmp_path / "map.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert CSV_FORMAT.read is not None and XLSX_FORMAT.write is not None


# --- property: model → CSV/XLSX → model --------------------------------------------------

_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85")
_text = st.text(_chars, min_size=1, max_size=12).filter(lambda t: t.strip() == t and t)
_cell = st.one_of(
    st.none(),
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
        min_size=1,
        max_size=15,
    ).filter(lambda t: bool(t.strip())),
)
_item = _text.filter(lambda t: not t.endswith("]"))
_xlsx_cell = st.one_of(
    st.none(),
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
        min_size=1,
        max_size=15,
    ).filter(lambda t: bool(t.strip())),
)


@st.composite
def journeys(draw: st.DrawFn, cells: st.SearchStrategy[str | None] = _cell) -> Workspace:
    _cell = cells
    stages = []
    for s in range(draw(st.integers(1, 3))):
        names = [f"{draw(_text)} {s}.{i}" for i in range(draw(st.integers(0, 3)))]
        steps = [
            Step(
                name=name,
                does=draw(_cell),
                touchpoint=draw(_cell),
                channel=draw(_cell),
                thinks=draw(_cell),
                feels=draw(_cell),
                notes=draw(_cell),
                emotion=draw(
                    st.one_of(
                        st.none(),
                        st.integers(-5, 5).map(float),
                        st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 2)),
                    )
                ),
                zone=draw(st.sampled_from(Zone)),
                moment_of_truth=draw(st.booleans()),
                actors=draw(st.lists(_item, max_size=2)),
            )
            for name in names
        ]
        stages.append(Stage(name=f"{draw(_text)} #{s}", goal=draw(_cell), steps=steps))
    journey = JourneyMap(name=draw(_text), stages=stages, scale=SentimentScale(min=-5, max=5))
    assign_ids(Workspace(maps=[journey]))
    for step in journey.steps():
        for _ in range(draw(st.integers(0, 2))):
            journey.pain_points.append(
                PainPoint(name=draw(_item), step=step.id, impact=draw(st.sampled_from(Impact)))
            )
    ws = Workspace(maps=[journey])
    assign_ids(ws)
    return ws


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_model_csv_model_round_trip(ws: Workspace) -> None:
    text, _ = export_csv(ws)
    back = parse_csv(text).workspace.maps[0]
    assert grid_part(back) == grid_part(ws.maps[0])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys(_xlsx_cell))
def test_model_xlsx_model_round_trip(ws: Workspace) -> None:
    data, _ = export_xlsx(ws)
    back = parse_xlsx(data).workspace.maps[0]
    assert grid_part(back) == grid_part(ws.maps[0])
