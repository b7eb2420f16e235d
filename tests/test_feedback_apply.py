"""Survey questions linked to a map's steps, and `feedback apply` writing scores and evidence.

On the real-header exports in tests/fixtures/feedback (expected scores worked out by hand
from the files' rows), then on a generated survey of 20,000 responses.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.errors import UsageError
from journeyline.feedback import (
    apply_survey,
    csat_score,
    link_survey,
    nps_score,
    read_survey,
    score_answers,
)
from journeyline.formats import load_map, save_workspace
from journeyline.model import (
    Evidence,
    EvidenceKind,
    JourneyMap,
    Metric,
    Stage,
    Step,
    Workspace,
)
from journeyline.model.customer_line import customer_line
from tests.conftest import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "feedback"
runner = CliRunner()


def _map() -> JourneyMap:
    return JourneyMap(
        id="acme",
        name="Acme delivery",
        stages=[
            Stage(
                id="buy",
                name="Buy",
                steps=[
                    Step(id="checkout", name="Checkout", touchpoint="Web", emotion=2),
                    Step(
                        id="delivery",
                        name="Delivery",
                        emotion=3,
                        metrics=[Metric(name="On time", value=92, unit="%")],
                    ),
                ],
            ),
            Stage(
                id="onboarding",
                name="Onboarding",
                steps=[
                    Step(id="sign-up", name="Sign up", touchpoint="App", emotion=1),
                    Step(id="first-use", name="First use", touchpoint="App"),
                    Step(id="help", name="Ask for help", touchpoint="Phone"),
                ],
            ),
        ],
        evidence=[
            Evidence(
                id="interview-1",
                kind=EvidenceKind.interview,
                source="plain.csv",
                links=["checkout"],
            )
        ],
    )


def _links(name: str, journey: JourneyMap | None = None, **kwargs: Any) -> Any:
    return link_survey(journey or _map(), read_survey(FIXTURES / name), **kwargs)


def _metrics(journey: JourneyMap, element: str) -> dict[str, Metric]:
    step = journey.find_step(element)
    holder = step if step is not None else next(s for s in journey.stages if s.id == element)
    return {m.name: m for m in holder.metrics if m.bounds is not None}


# --- suggestions -------------------------------------------------------------------------------


def test_qualtrics_step_column_and_question_text_are_suggested() -> None:
    links = _links("qualtrics.csv")
    assert links.step_column is not None
    assert (links.step_column.column, links.step_column.how) == ("Q3", "suggested")
    assert {v.value: v.target.id for v in links.step_column.values if v.target} == {
        "Checkout": "checkout",
        "Delivery": "delivery",
    }
    by_column = {link.column: link for link in links.links}
    assert by_column["Q1"].how == "step column"  # "recommend Acme": names no step
    assert by_column["Q2"].how == "suggested"  # "satisfied … with your delivery?"
    assert by_column["Q2"].target is not None and by_column["Q2"].target.id == "delivery"
    assert ("Q4", "text") in links.left_out


def test_qualtrics_scores_land_on_their_steps() -> None:
    journey, result = apply_survey(_map(), _links("qualtrics.csv"))
    # Q1 at Checkout: 10, 9, 7, 10, 9 → 4 promoters, no detractor of 5: NPS 80.
    checkout = _metrics(journey, "checkout")["NPS"]
    assert (checkout.value, checkout.n, checkout.unit) == (80.0, 5, "points")
    assert checkout.bounds == [-100, 100]
    low, high = nps_score([10, 9, 7, 10, 9]).interval or (0, 0)
    assert checkout.interval == [round(low, 1), round(high, 1)]
    # Q1 at Delivery: 9, 8, 6, 3, 0 → 1 promoter, 3 detractors of 5: NPS −40.
    assert _metrics(journey, "delivery")["NPS"].value == -40.0
    # Q2 (all 10 answers) at Delivery: 8 satisfied of 10, Wilson 49.0–94.3 %.
    csat = _metrics(journey, "delivery")["CSAT"]
    assert (csat.value, csat.n, csat.interval, csat.unit) == (80.0, 10, [49.0, 94.3], "%")
    assert csat.source == "qualtrics.csv, question Q2"
    # The team's own metric stays, before the survey's.
    assert [m.name for m in journey.find_step("delivery").metrics] == ["On time", "CSAT", "NPS"]  # type: ignore[union-attr]
    survey = [e for e in journey.evidence if e.kind == EvidenceKind.survey]
    assert sorted(tuple(e.links) for e in survey) == [("checkout",), ("delivery",), ("delivery",)]
    assert {a.evidence for a in result.applied} == {e.id for e in survey}
    [q2] = [e for e in survey if "Q2" in e.id or "CSAT" in e.name]
    assert q2.summary == (
        "Overall, how satisfied are you with your delivery?: "
        "CSAT 80 % (95 % interval 49–94.3 %, n = 10)"
    )
    assert any(e.id == "interview-1" for e in journey.evidence)  # other evidence kept


def test_csat_is_drawn_first_on_the_customers_line_unless_line_says() -> None:
    journey, _ = apply_survey(_map(), _links("qualtrics.csv"))
    points = {p.step.id: p.metric.name for p in customer_line(journey)}
    assert points == {"checkout": "NPS", "delivery": "CSAT"}
    journey, _ = apply_survey(_map(), _links("qualtrics.csv"), line="nps")
    assert {p.step.id: p.metric.name for p in customer_line(journey)} == {
        "checkout": "NPS",
        "delivery": "NPS",
    }
    with pytest.raises(UsageError, match="csat, nps, ces"):
        apply_survey(_map(), _links("qualtrics.csv"), line="stars")


def test_applying_twice_changes_nothing() -> None:
    once, first = apply_survey(_map(), _links("qualtrics.csv"))
    twice, second = apply_survey(once, _links("qualtrics.csv", once))
    assert twice.model_dump() == once.model_dump()
    assert (first.removed_metrics, first.removed_evidence) == (0, 0)
    assert (second.removed_metrics, second.removed_evidence) == (3, 3)


def test_a_corrected_link_moves_the_score_instead_of_copying_it() -> None:
    once, _ = apply_survey(_map(), _links("qualtrics.csv"))
    moved, _ = apply_survey(once, _links("qualtrics.csv", once, questions={"Q2": "checkout"}))
    assert "CSAT" not in _metrics(moved, "delivery")
    assert _metrics(moved, "checkout")["CSAT"].n == 10
    assert len([e for e in moved.evidence if e.kind == EvidenceKind.survey]) == 3


def test_plain_touchpoint_column_names_steps_and_stages() -> None:
    links = _links("plain.csv")
    assert links.step_column is not None and links.step_column.column == "touchpoint"
    values = {v.value: v for v in links.step_column.values}
    assert values["Sign up"].target.kind == "step"  # type: ignore[union-attr]
    assert values["Onboarding"].target.kind == "stage"  # type: ignore[union-attr]
    assert values["Support"].target is None  # the map has no "Support"
    journey, result = apply_survey(_map(), links)
    # Sign up: rows 1, 2, 5, 9, 12 → CSAT 5, 4, 5, 5, 5: all satisfied.
    assert _metrics(journey, "sign-up")["CSAT"].value == 100.0
    # Onboarding (the stage): rows 3, 4, 8, 11 → CSAT 3, 4, 4, 4: 75 %.
    assert _metrics(journey, "onboarding")["CSAT"].value == 75.0
    assert _metrics(journey, "onboarding")["CES"].value == pytest.approx(4.75)
    assert result.unmatched_values == [
        {
            "column": "touchpoint",
            "value": "Support",
            "responses": 3,
            "reason": "names no step, touchpoint or stage: link it with --value 'Support=STEP_ID'",
        }
    ]
    fixed, _ = apply_survey(_map(), _links("plain.csv", values={"Support": "help"}))
    # Support: rows 6, 7, 10 → CSAT 1, 5, 2: one satisfied of three.
    assert _metrics(fixed, "help")["CSAT"].value == pytest.approx(33.3)


def test_google_forms_touchpoint_values_reach_every_step_at_the_touchpoint() -> None:
    journey, result = apply_survey(_map(), _links("google_forms.csv"))
    at_app = [a for a in result.applied if a.target.kind == "touchpoint" and a.target.id == "App"]
    assert at_app and all(a.target.steps == ("sign-up", "first-use") for a in at_app)
    # "How easy was it to find what you needed? (1-7)" at App: 7, 6, 4, 6 → mean 5.75.
    easy = [a for a in at_app if a.column.startswith("How easy")]
    assert easy[0].score.score == pytest.approx(5.75)
    for step_id in ("sign-up", "first-use"):
        assert _metrics(journey, step_id)["CES"].n in (4, 3)
    app_evidence = [e for e in journey.evidence if e.links == ["sign-up", "first-use"]]
    assert len(app_evidence) == len(at_app)
    # Web is a touchpoint too (of Checkout).
    assert _metrics(journey, "checkout")["CES"].bounds == [1, 7]


def test_typeform_question_text_names_the_onboarding_stage() -> None:
    links = _links("typeform.csv")
    by_column = {link.column: link for link in links.links}
    onboarding = next(link for name, link in by_column.items() if "onboarding" in name)
    assert onboarding.target is not None and onboarding.target.key == "stage:onboarding"
    recommend = next(link for name, link in by_column.items() if "recommend" in name)
    assert recommend.how == "none" and links.step_column is None
    journey, result = apply_survey(_map(), links)
    assert [s["column"] for s in result.skipped if s["metric"] == "nps"] == [recommend.column]
    assert "CSAT" in _metrics(journey, "onboarding")


def test_no_suggest_uses_only_what_the_user_chose() -> None:
    links = _links("qualtrics.csv", suggest=False, questions={"Q1": "touchpoint:App"})
    assert links.step_column is None
    assert [(link.column, link.how) for link in links.links] == [("Q1", "chosen"), ("Q2", "none")]
    journey, _ = apply_survey(_map(), links)
    assert _metrics(journey, "first-use")["NPS"].n == 10


def test_skipping_a_question() -> None:
    links = _links("qualtrics.csv", questions={"Q2": "-"})
    journey, result = apply_survey(_map(), links)
    assert "CSAT" not in _metrics(journey, "delivery")
    assert {
        "column": "Q2",
        "metric": "csat",
        "reason": "left out with --question COLUMN=-",
    } in result.skipped


# --- bad links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"questions": {"Q2": "deliveri"}},
            r"--question Q2: no step, stage or touchpoint 'deliveri' in map 'acme' \(did you mean 'delivery'\?\)",
        ),
        (
            {"questions": {"Q22": "delivery"}},
            r"--question Q22: .*qualtrics.csv: no column 'Q22' \(did you mean 'Q2'\?\)",
        ),
        ({"questions": {"Q4": "delivery"}}, r"column 'Q4' is not a scored question \(text\)"),
        ({"questions": {"Q2": "touchpoint:Kiosk"}}, r"no touchpoint 'Kiosk'.*touchpoint:Web"),
        ({"step_col": "Q7"}, r"--step-col Q7: .*no column 'Q7'"),
        (
            {"step_col": "Q3", "values": {"Basket": "checkout"}},
            r"--value Basket: no response of column 'Q3' gives 'Basket'; its values: 'Checkout', 'Delivery'",
        ),
        (
            {"step_col": "Q3", "values": {"Checkout": "till"}},
            r"--value Checkout: no step, stage or touchpoint 'till'",
        ),
    ],
)
def test_unknown_steps_and_columns_are_clear_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        _links("qualtrics.csv", **kwargs)


def test_a_step_can_be_named_by_name_or_prefixed_id() -> None:
    links = _links("qualtrics.csv", questions={"Q1": "ask for help", "Q2": "stage:buy"})
    targets = {link.column: link.target.key for link in links.links if link.target}
    assert targets == {"Q1": "step:help", "Q2": "stage:buy"}


# --- the CLI -----------------------------------------------------------------------------------


def _write_map(tmp_path: Path) -> Path:
    path = tmp_path / "map.yaml"
    save_workspace(Workspace(maps=[_map()]), path)
    return path


def test_cli_apply_json_and_the_written_file(tmp_path: Path) -> None:
    source = _write_map(tmp_path)
    out = tmp_path / "out.yaml"
    args = ["feedback", "apply", str(source), str(FIXTURES / "qualtrics.csv"), "-o", str(out)]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == [
        "map", "survey", "layout", "responses", "links", "applied", "skipped",
        "unmatched_values", "replaced", "output",
    ]  # fmt: skip
    assert (data["map"], data["layout"], data["responses"], data["output"]) == (
        "acme", "qualtrics", 10, str(out),
    )  # fmt: skip
    applied = {(a["column"], a["target"]["id"]): a for a in data["applied"]}
    assert applied[("Q2", "delivery")]["score"] == 80.0
    assert applied[("Q2", "delivery")]["n"] == 10
    assert applied[("Q1", "checkout")]["via"] == "step column"
    _, written, _ = load_map(out)
    assert _metrics(written, "delivery")["CSAT"].interval == [49.0, 94.3]
    # Apply again onto the output: the same file.
    again = tmp_path / "again.yaml"
    result = runner.invoke(
        app, ["feedback", "apply", str(out), str(FIXTURES / "qualtrics.csv"), "-o", str(again)]
    )
    assert result.exit_code == 0, result.output
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    assert "wrote" in result.output and "Q4 (free text)" in result.output


def test_cli_link_shows_the_suggestions_and_writes_nothing(tmp_path: Path) -> None:
    source = _write_map(tmp_path)
    before = sorted(tmp_path.iterdir())
    result = runner.invoke(
        app, ["feedback", "link", str(source), str(FIXTURES / "plain.csv"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["step_column"]["column"] == "touchpoint"
    assert data["step_column"]["matched_share"] == 0.75  # 9 of 12 responses
    assert [q["how"] for q in data["questions"]] == ["step column"] * 3
    assert sorted(tmp_path.iterdir()) == before
    text = runner.invoke(app, ["feedback", "link", str(source), str(FIXTURES / "plain.csv")])
    assert "Support" in text.output and "none" in text.output


def test_cli_bad_link_is_a_usage_error_without_output(tmp_path: Path) -> None:
    source = _write_map(tmp_path)
    out = tmp_path / "out.yaml"
    result = runner.invoke(
        app,
        ["feedback", "apply", str(source), str(FIXTURES / "qualtrics.csv"), "-o", str(out),
         "--question", "Q2=deliveri"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "did you mean 'delivery'" in result.output
    assert not out.exists()
    result = runner.invoke(
        app,
        ["feedback", "apply", str(source), str(FIXTURES / "qualtrics.csv"), "-o", str(out),
         "--question", "Q2"],
    )  # fmt: skip
    assert result.exit_code == 2 and "is not NAME=TARGET" in result.output


# --- generated at scale ------------------------------------------------------------------------


def test_generated_survey_of_20000_responses(tmp_path: Path) -> None:
    rng = random.Random(15)
    places = ["Checkout", "delivery", "Sign Up", "App", "Elsewhere", ""]
    path = tmp_path / "big.csv"
    rows: list[tuple[str, int, int]] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "id",
                "Where were you?",
                "How likely are you to recommend us?",
                "How satisfied were you?",
            ]
        )
        for i in range(20_000):
            place = rng.choice(places)
            nps, sat = rng.randint(0, 10), rng.randint(1, 5)
            rows.append((place, nps, sat))
            writer.writerow([i, place, nps, sat])
    journey, result = apply_survey(_map(), link_survey(_map(), read_survey(path)))
    by_target = {(a.column, a.target.key): a.score for a in result.applied}
    expect_nps = {
        "step:checkout": [n for p, n, _ in rows if p == "Checkout"],
        "step:delivery": [n for p, n, _ in rows if p == "delivery"],
        "step:sign-up": [n for p, n, _ in rows if p == "Sign Up"],
        "touchpoint:App": [n for p, n, _ in rows if p == "App"],
    }
    for key, answers in expect_nps.items():
        score = by_target[("How likely are you to recommend us?", key)]
        assert score == score_answers("nps", [float(a) for a in answers])
    csat = by_target[("How satisfied were you?", "step:checkout")]
    assert csat == csat_score([float(s) for p, _, s in rows if p == "Checkout"])
    elsewhere = sum(1 for p, _, _ in rows if p == "Elsewhere")
    assert result.unmatched_values[0]["responses"] == elsewhere
    # Sign up is both a named step and at the App touchpoint: both scores are written.
    assert [m.name for m in journey.find_step("sign-up").metrics] == ["CSAT", "CSAT", "NPS", "NPS"]  # type: ignore[union-attr]


def _scores(journey: JourneyMap) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every step's metrics without their source (which names the file)."""
    return [
        (s.id, [(m.name, m.value, m.n, m.interval) for m in s.metrics]) for s in journey.steps()
    ]


def test_an_xlsx_export_links_and_applies_like_its_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    with (FIXTURES / "plain.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([int(c) if c.isdigit() else c for c in row])
    path = tmp_path / "plain.xlsx"
    book.save(path)
    from_csv, _ = apply_survey(_map(), _links("plain.csv"))
    from_xlsx, result = apply_survey(_map(), link_survey(_map(), read_survey(path)))
    assert result.links.step_column is not None
    assert result.links.step_column.column == "touchpoint"
    assert _scores(from_xlsx) == _scores(from_csv)
    assert _metrics(from_xlsx, "onboarding")["CSAT"].value == 75.0
