"""The customers' line: scores on the map's scale, `sentiment_mismatch`, `weak_evidence`, and the
band in the renders."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest

from journeyline.analysis import AnalysisConfig
from journeyline.feedback import apply_survey, link_survey, read_survey
from journeyline.model import JourneyMap, Metric, Persona, SentimentScale, Workspace
from journeyline.model.customer_line import customer_line, line_metric, on_map_scale
from journeyline.render import layout_map, render_svg
from tests.conftest import REPO_ROOT
from tests.test_analysis_builders import clean_map, find_step, of_kind, run

FEEDBACK_DOCS = (REPO_ROOT / "docs" / "feedback.md").read_text(encoding="utf-8")
ANALYSIS_DOCS = (REPO_ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "feedback"
MINUS5_5 = SentimentScale(min=-5, max=5)


def _blockquote(function: Callable[..., Any]) -> str:
    doc = inspect.cleandoc(function.__doc__ or "")
    return "\n".join(f"> {line}" if line else ">" for line in doc.splitlines())


def _docs_quotes() -> list[Callable[..., Any]]:
    from journeyline.feedback.apply import apply_survey as apply
    from journeyline.feedback.links import link_survey as link
    from journeyline.feedback.links import suggest_target

    return [on_map_scale, line_metric, link, suggest_target, apply]


@pytest.mark.parametrize("function", _docs_quotes(), ids=lambda f: f.__name__)
def test_docs_feedback_quotes_the_definitions(function: Callable[..., Any]) -> None:
    assert _blockquote(function) in FEEDBACK_DOCS, (
        f"docs/feedback.md does not quote the docstring of {function.__name__} verbatim"
    )


# --- the mapping onto the map's scale ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "bounds", "scale", "expected"),
    [
        (40, (-100, 100), MINUS5_5, 2.0),  # the docstring's examples
        (80, (0, 100), MINUS5_5, 3.0),
        (0, (-100, 100), MINUS5_5, 0.0),
        (50, (0, 100), MINUS5_5, 0.0),
        (4, (1, 7), MINUS5_5, 0.0),
        (-100, (-100, 100), MINUS5_5, -5.0),
        (7, (1, 7), MINUS5_5, 5.0),
        (75, (0, 100), SentimentScale(min=1, max=5), 4.0),
        (120, (0, 100), MINUS5_5, 5.0),  # kept on the scale
    ],
)
def test_scores_are_placed_linearly(
    value: float, bounds: tuple[float, float], scale: SentimentScale, expected: float
) -> None:
    assert on_map_scale(value, bounds, scale) == pytest.approx(expected)


def _survey(
    step_id: str,
    journey: JourneyMap,
    value: float,
    interval: tuple[float, float],
    n: int | None = 100,
    name: str = "CSAT",
) -> None:
    bounds = {"CSAT": [0.0, 100.0], "NPS": [-100.0, 100.0]}[name]
    find_step(journey, step_id).metrics.append(
        Metric(name=name, value=value, unit="%", n=n, interval=list(interval), bounds=bounds)
    )


def test_the_line_takes_each_steps_first_bounded_metric() -> None:
    journey = clean_map()
    find_step(journey, "search").metrics.append(Metric(name="Visits", value=1200))
    _survey("search", journey, 80, (70, 88))
    _survey("search", journey, 10, (0, 20), name="NPS")
    [point] = customer_line(journey)
    assert (point.step.id, point.metric.name, point.n) == ("search", "CSAT", 100)
    assert point.score == pytest.approx(3.0)
    assert (point.low, point.high) == pytest.approx((2.0, 3.8))


# --- sentiment_mismatch ------------------------------------------------------------------------


def test_quiet_when_the_team_lies_inside_the_interval() -> None:
    journey = clean_map()  # "landing" scores 2 on −5 … 5
    _survey("landing", journey, 70, (60, 80))  # 1 … 3 on the map's scale
    assert of_kind(run(journey), "sentiment_mismatch") == []
    assert of_kind(run(journey), "weak_evidence") == []


def test_fires_where_the_team_is_outside_the_interval() -> None:
    journey = clean_map()
    _survey("landing", journey, 85, (80, 90))  # 3 … 4: the team's 2 is below
    [finding] = of_kind(run(journey), "sentiment_mismatch")
    assert (finding.step_id, finding.severity) == ("landing", "medium")
    assert finding.message == (
        "The team scores 'Read the landing page' 2, below what customers say: CSAT 85 % "
        "(95 % interval 80–90 %, n = 100), which is 3.5 (3.0 … 4.0) on the -5 … 5 scale."
    )


def test_opposite_sides_of_neutral_is_high() -> None:
    journey = clean_map()
    _survey("landing", journey, 20, (12, 30))  # −3.8 … −2 while the team says +2
    [finding] = of_kind(run(journey), "sentiment_mismatch")
    assert finding.severity == "high"
    assert "above what customers say" in finding.message


def test_few_answers_make_it_low_and_weak_evidence() -> None:
    journey = clean_map()
    _survey("landing", journey, 20, (5, 45), n=12)
    [finding] = of_kind(run(journey), "sentiment_mismatch")
    assert finding.severity == "low" and finding.message.endswith("; only 12 answers.")
    [weak] = of_kind(run(journey), "weak_evidence")
    assert (weak.step_id, weak.severity) == ("landing", "low")
    assert weak.message == (
        "The survey scores at 'Read the landing page' rest on fewer than 30 answers: "
        "CSAT 20 % (n = 12)."
    )
    relaxed = AnalysisConfig.from_overrides({"survey.min_answers": 10})
    assert of_kind(run(journey, config=relaxed), "weak_evidence") == []
    assert of_kind(run(journey, config=relaxed), "sentiment_mismatch")[0].severity == "high"


def test_weak_evidence_on_a_stage_and_without_n() -> None:
    journey = clean_map()
    journey.stages[1].metrics.append(
        Metric(name="NPS", value=10, unit="points", n=8, interval=[-40, 60], bounds=[-100, 100])
    )
    _survey("invite", journey, 60, (50, 70), n=None)
    weak = {(f.stage_id, f.step_id): f for f in of_kind(run(journey), "weak_evidence")}
    assert set(weak) == {("signup", None), ("use", "invite")}
    assert "(n not given)" in weak[("use", "invite")].message


def test_no_interval_no_comparison() -> None:
    journey = clean_map()
    find_step(journey, "landing").metrics.append(
        Metric(name="CSAT", value=10, unit="%", n=100, bounds=[0, 100])
    )
    assert of_kind(run(journey), "sentiment_mismatch") == []


def test_each_persona_line_is_compared() -> None:
    journey = clean_map(personas=["ana", "ben"])
    landing = find_step(journey, "landing")
    landing.emotions = {"ana": 2, "ben": 3.5}
    _survey("landing", journey, 85, (80, 90))  # 3 … 4
    workspace = Workspace(
        personas=[Persona(id="ana", name="Ana"), Persona(id="ben", name="Ben")], maps=[journey]
    )
    found = of_kind(run(journey, workspace), "sentiment_mismatch")
    assert [(f.persona, f.step_id) for f in found] == [("ana", "landing")]
    assert "for Ana" in found[0].message


def test_the_qualtrics_export_end_to_end() -> None:
    journey = clean_map()
    find_step(journey, "landing").name = "Delivery"
    links = link_survey(journey, read_survey(FIXTURES / "qualtrics.csv"))
    applied, _ = apply_survey(journey, links)
    # Q2 "… satisfied … with your delivery?": CSAT 80 %, 49.0–94.3 % → −0.1 … +4.43;
    # the team's +2 is inside: no mismatch; 10 answers: weak evidence.
    assert of_kind(run(applied), "sentiment_mismatch") == []
    [weak] = of_kind(run(applied), "weak_evidence")
    assert weak.step_id == "landing" and "CSAT 80 % (n = 10)" in weak.message
    find_step(applied, "landing").emotion = -1
    [mismatch] = of_kind(run(applied), "sentiment_mismatch")
    assert mismatch.severity == "low"


def test_analysis_docs_list_both_findings() -> None:
    assert "\n### `sentiment_mismatch`\n" in ANALYSIS_DOCS
    assert "| `survey.min_answers` | 30 |" in ANALYSIS_DOCS


# --- the renders -------------------------------------------------------------------------------


def _render(journey: JourneyMap, **kwargs: Any) -> str:
    workspace = Workspace(maps=[journey])
    return render_svg(layout_map(journey, workspace, width=1800, **kwargs))


def test_the_band_n_and_the_customers_line_are_drawn() -> None:
    journey = clean_map()
    _survey("search", journey, 85, (80, 90), n=240)
    _survey("landing", journey, 20, (5, 45), n=12)
    findings = run(journey)
    svg = _render(journey, findings=findings)
    bands = re.findall(r'<rect [^>]*class="customer-band( weak)?"[^>]*/>', svg)
    assert len(bands) == 2 + 1  # two steps, and the legend's sample
    assert any(" weak" in b for b in bands) and 'stroke-dasharray="5 3"' in svg
    assert "n = 240" in svg and "n = 12 · few" in svg
    assert "CSAT 85 %" in svg
    assert 'class="curve customer-curve"' in svg
    assert "customers&#x27; own score (survey)" in svg or "customers' own score (survey)" in svg
    assert "Customers (survey), on the map" in svg  # the description a screen reader reads
    assert "Customers differ" in svg  # the mismatch at "landing" annotated


def test_the_band_spans_the_interval_on_the_map_scale() -> None:
    journey = clean_map()
    _survey("search", journey, 50, (30, 70), n=400)  # −2 … +2 on −5 … +5
    svg = _render(journey, findings=[])
    band, _legend = re.findall(
        r'<rect x="[^"]+" y="([^"]+)" width="18" height="([^"]+)"[^>]*class="customer-band"', svg
    )
    top, height = float(band[0]), float(band[1])
    plot = 212 - 44 - 44  # the sentiment row's plot height (render/sentiment.py)
    assert height == pytest.approx(plot * 4 / 10, abs=0.2)
    assert "n = 400" in svg and "few" not in svg.split("n = 400")[1][:20]
    assert top > 0


def test_no_survey_no_customers_line() -> None:
    svg = _render(clean_map())
    assert "customer-band" not in svg.split("</style>")[1]
    assert "Customers (survey)" not in svg


def test_the_html_writer_serialises_the_same_band() -> None:
    from journeyline.render import render_html

    journey = clean_map()
    _survey("search", journey, 85, (80, 90), n=240)
    workspace = Workspace(maps=[journey])
    html = render_html(layout_map(journey, workspace, width=1800, findings=[]))
    assert html.count('class="customer-band"') == 2  # the step's band and the legend's sample
    assert "n = 240" in html
