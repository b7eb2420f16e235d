"""The renderer: one layout, SVG and HTML writers, snapshots, text wrapping, colours, CLI."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.errors import InvalidInput, NotFound
from journeyline.formats import save_workspace
from journeyline.model import JourneyMap, MapType, SentimentScale, Stage, Step
from journeyline.render import (
    chromium_session,
    layout_map,
    render_html,
    render_svg,
    render_to_file,
    safe_url,
)
from journeyline.render.browser import active_session
from journeyline.render.curve import monotone_tangents, smooth_path
from journeyline.render.paging import page_size_px, paginate
from journeyline.render.palette import TEXT_PAIRS, contrast
from journeyline.render.svg import clip_path_x, render_svg_page
from journeyline.render.text import measure, wrap
from tests.conftest_render import big_map, trial_workspace

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("JOURNEYLINE_UPDATE_SNAPSHOTS") == "1"


def _snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"snapshot {name} was missing and has been written; run again")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} changed; if the change is intended, rerun with JOURNEYLINE_UPDATE_SNAPSHOTS=1"
    )


def test_svg_snapshot_at_fixed_width() -> None:
    ws = trial_workspace()
    _snapshot("trial-map.svg", render_svg(layout_map(ws.maps[0], ws, width=2400)))


def test_html_snapshot_at_fixed_width() -> None:
    ws = trial_workspace()
    _snapshot(
        "trial-map.html", render_html(layout_map(ws.maps[0], ws, width=2400, persona="Priya Raman"))
    )


def test_same_map_gives_the_same_bytes() -> None:
    ws = trial_workspace()
    assert render_svg(layout_map(ws.maps[0], ws)) == render_svg(
        layout_map(trial_workspace().maps[0], ws)
    )


def test_every_step_has_a_card_and_a_column_in_order() -> None:
    ws = trial_workspace()
    layout = layout_map(ws.maps[0], ws)
    names = [s.name for s in ws.maps[0].steps()]
    assert [c.name for c in layout.columns] == names
    xs = [c.x for c in layout.columns]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    svg = render_svg(layout)
    cards = re.findall(r'<g class="step-card" data-step="(\d+)">', svg)
    assert cards == [str(i) for i in range(1, len(names) + 1)]


def test_lanes_follow_the_maps_order_and_the_lanes_option() -> None:
    ws = trial_workspace()
    journey = ws.maps[0]
    layout = layout_map(journey, ws)
    assert [r.lane for r in layout.rows] == ["stages", "steps", *journey.lanes]
    chosen = layout_map(journey, ws, lanes=["sentiment", "pain_points"])
    assert [r.lane for r in chosen.rows] == ["stages", "steps", "sentiment", "pain_points"]
    ys = [r.y for r in chosen.rows]
    assert all(ys[i] + chosen.rows[i].height == ys[i + 1] for i in range(len(ys) - 1))


def test_unknown_lane_and_persona_are_clear_errors() -> None:
    ws = trial_workspace()
    with pytest.raises(InvalidInput, match="did you mean 'thinks'"):
        layout_map(ws.maps[0], ws, lanes=["think"])
    with pytest.raises(NotFound, match="personas: Priya Raman, Sam Okafor"):
        layout_map(ws.maps[0], ws, persona="Nobody")


def test_multi_persona_map_draws_one_line_per_persona_with_a_legend() -> None:
    ws = trial_workspace()
    layout = layout_map(ws.maps[0], ws)
    assert [s.label for s in layout.series] == ["Priya Raman", "Sam Okafor"]
    assert len({s.colour for s in layout.series}) == 2 and len({s.dash for s in layout.series}) == 2
    svg = render_svg(layout)
    assert svg.count('class="curve curve-') == 2
    assert "Priya Raman sentiment line" in svg and "Sam Okafor sentiment line" in svg
    one = layout_map(ws.maps[0], ws, persona="sam")
    assert [s.label for s in one.series] == ["Sam Okafor"]
    assert dict(one.series[0].points)[5] == -4  # Sam's own score at 'Installs the data connector'
    assert 'class="face-group"' in render_svg(one)


def test_compare_marks_removed_and_added_steps_and_draws_both_lines() -> None:
    ws = trial_workspace()
    as_is = ws.maps[0]
    to_be = as_is.model_copy(deep=True)
    to_be.id, to_be.type = "saas-trial-to-be", MapType.future_state
    eval_steps = to_be.stages[1].steps
    eval_steps.pop(2)  # 'Verifies the email address' is gone
    eval_steps.append(Step(id="magic", name="Signs in with a magic link", emotion=3))
    for step in to_be.steps():
        if step.emotion is not None:
            step.emotions = {}
            step.emotion = min(5, step.emotion + 1)
    layout = layout_map(as_is, ws, compare=to_be, persona="priya")
    status = {c.name: c.status for c in layout.columns}
    assert status["Verifies the email address"] == "removed"
    assert status["Signs in with a magic link"] == "added"
    assert status["Starts the free trial"] == ""
    assert [s.label for s in layout.series] == ["AS-IS", "TO-BE"]
    svg = render_svg(layout)
    assert "− Removed in TO-BE" in svg and "+ Added in TO-BE" in svg
    assert 'text-decoration="line-through"' in svg


def test_assumptions_are_marked_and_evidenced_elements_are_not() -> None:
    ws = trial_workspace()
    layout = layout_map(ws.maps[0], ws)
    steps = {s.name: s for stage in layout.text_version for s in stage.steps}
    assert steps["Verifies the email address"].assumption is False  # linked by evidence e1
    assert steps["Hears about the tool from a peer"].assumption is True
    priya = next(p for p in layout.personas if p.name == "Priya Raman")
    assert priya.assumption is False  # workspace evidence links to her


def test_findings_are_annotated_on_the_curve() -> None:
    from journeyline.analysis import Finding

    ws = trial_workspace()
    finding = Finding(
        kind="rapid_drop",
        severity="high",
        stage="Evaluation",
        step="Verifies the email address",
        message="Sentiment falls 4 points",
        suggestion="Look here",
        step_id="verify",
    )
    layout = layout_map(ws.maps[0], ws, persona="priya", findings=[finding])
    svg = render_svg(layout)
    assert "▼ Rapid drop" in svg and "Sentiment falls 4 points" in svg
    assert "rapid drop at 'Verifies the email address'" in layout.curve_description


def test_long_text_wraps_and_only_a_hard_cap_adds_an_ellipsis() -> None:
    text = "word " * 60
    free = wrap(text, 160, 12)
    assert not free.truncated and all(measure(line, 12) <= 160 for line in free.lines)
    capped = wrap(text, 160, 12, max_lines=3)
    assert capped.truncated and len(capped.lines) == 3 and capped.lines[-1].endswith("…")
    assert capped.full == text.strip()
    long_word = wrap("x" * 200, 100, 12)
    assert all(measure(line, 12) <= 100 for line in long_word.lines)


def test_truncated_text_stays_whole_in_tooltip_and_text_version() -> None:
    ws = trial_workspace()
    long = "The customer reads every clause of the terms twice " * 8
    ws.maps[0].stages[0].steps[0].does = long
    layout = layout_map(ws.maps[0], ws)
    svg = render_svg(layout)
    assert 'class="cell truncated"' in svg and long.strip() in svg
    assert long.strip() in render_html(layout)


def test_curve_passes_through_points_without_overshoot() -> None:
    points = [(0.0, 50.0), (100.0, 10.0), (200.0, 10.0), (300.0, 90.0), (400.0, 60.0)]
    path = smooth_path(points)
    assert path.startswith("M0 50") and path.count("C") == 4
    for x, y in points[1:]:
        assert f"{x:g} {y:g}" in path
    tangents = monotone_tangents([p[0] for p in points], [p[1] for p in points])
    assert tangents[1] == 0 and tangents[2] == 0  # flat at the local extreme: no overshoot


def test_text_colours_meet_wcag_aa() -> None:
    failing = {
        name: round(contrast(fg, bg), 2)
        for name, (fg, bg) in TEXT_PAIRS.items()
        if contrast(fg, bg) < 4.5
    }
    assert not failing
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a.png", True),
        ("avatars/priya.png", True),
        ("data:image/png;base64,iVBORw0KGgo=", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("http://example.org/a.png", False),
        ("//evil.example/a.png", False),
        ('a.png" onerror="alert(1)', False),
    ],
)
def test_only_safe_image_addresses_are_drawn(url: str, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_wide_map_splits_into_whole_columns_with_repeated_stage_headers() -> None:
    ws, journey = big_map(60, 4)
    layout = layout_map(journey, ws)
    width, height = page_size_px("A4")
    pages = paginate(layout, width, height)
    seen = [i for page in pages for i in range(page.first, page.last + 1)]
    assert seen == list(range(60))
    for page in pages:
        assert (layout.label_width + page.x1 - page.x0) * page.scale <= width + 0.5
        assert page.stage_cells, "every page repeats its stage headers"
    continued = [
        page for page in pages if any("(continued)" in str(g.shapes) for g in page.stage_cells)
    ]
    assert continued


def test_clip_path_keeps_only_the_segments_that_reach_the_band() -> None:
    curve = "M0 0C1 1 2 2 10 0C11 1 12 2 20 0C21 1 22 2 30 0"
    assert clip_path_x(curve, 12, 18) == "M10 0C11 1 12 2 20 0"
    assert clip_path_x(curve, 5, 25) == curve
    assert clip_path_x(curve, 100, 200) == ""
    rules = "M10 0V5M20 0V5M30 0V5"
    assert clip_path_x(rules, 15, 30) == "M20 0V5M30 0V5"
    assert clip_path_x("M0 0L5 5Z", 1, 2) == "M0 0L5 5Z"  # not understood: kept whole


def _page_bytes(steps: int, number: int) -> int:
    ws, journey = big_map(steps, 4 if steps < 100 else 12)
    layout = layout_map(journey, ws, findings=[])
    page = paginate(layout, *page_size_px("A3"))[number]
    return len(render_svg_page(layout, page))


def test_a_page_of_a_split_map_holds_only_its_own_columns() -> None:
    """A page costs Chromium the same to print whatever the map's width: no page carries
    the whole curve or every column rule."""
    small, large = _page_bytes(60, 2), _page_bytes(500, 2)
    assert large < small * 1.3


def test_page_running_title_fits_a_narrow_last_page() -> None:
    ws, journey = big_map(61, 4)
    layout = layout_map(journey, ws, findings=[])
    last = paginate(layout, *page_size_px("A3"))[-1]
    svg = render_svg_page(layout, last)
    title = re.search(r'<text x="0" y="18"[^>]*>([^<]*)</text>', svg)
    assert title is not None and title.group(1).startswith(f"Steps {last.first + 1}–61 of 61")
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))  # type: ignore[union-attr]
    assert measure(title.group(1), 13, bold=True) <= width


def test_the_html_map_leaves_step_tooltips_to_the_details_panel() -> None:
    ws = trial_workspace()
    layout = layout_map(ws.maps[0], ws)
    svg, html = render_svg(layout), render_html(layout)
    assert "<title>Hears about the tool from a peer</title>" in svg
    assert "<title>Hears about the tool from a peer</title>" not in html
    assert '"Hears about the tool from a peer"' in html  # in the details' data island
    assert "<template" not in html


def test_a_session_that_writes_no_png_or_pdf_never_starts_chromium(tmp_path: Path) -> None:
    ws = trial_workspace()
    with chromium_session() as session:
        render_to_file(ws, ws.maps[0], tmp_path / "map.svg", findings=[])
        render_to_file(ws, ws.maps[0], tmp_path / "map.html", findings=[])
        assert active_session() is session
    assert not session.started
    assert active_session() is None


def test_empty_map_still_renders() -> None:
    journey = JourneyMap(id="empty", name="Nothing yet", stages=[Stage(id="s", name="Only stage")])
    svg = render_svg(layout_map(journey))
    assert "Nothing yet" in svg and "Only stage" not in svg  # a stage without steps has no column


def _write_trial(tmp_path: Path) -> Path:
    path = tmp_path / "trial.yaml"
    save_workspace(trial_workspace(), path)
    return path


def test_cli_renders_svg_and_html(tmp_path: Path) -> None:
    source = _write_trial(tmp_path)
    runner = CliRunner()
    for name in ("map.svg", "map.html"):
        result = runner.invoke(
            app, ["render", str(source), "-o", str(tmp_path / name), "--lanes", "actions,sentiment"]
        )
        assert result.exit_code == 0, result.output
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "Verifies the email address" in text and 'data-lane="sentiment"' in text
        assert 'data-lane="thinks"' not in text
    assert (tmp_path / "map.svg").read_text(encoding="utf-8").startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["-o", "{tmp}/map.docx"], 2, "must end in .html, .svg, .png, .pdf"),
        (["-o", "{tmp}/map.svg", "--lanes", "feelz"], 1, "did you mean 'feels'"),
        (["-o", "{tmp}/map.svg", "--persona", "Zed"], 1, "no persona 'Zed'"),
        (["-o", "{tmp}/map.pdf", "--paper", "A5"], 2, "unknown paper size 'A5'"),
        (["-o", "{tmp}/nowhere/map.svg"], 2, "does not exist"),
    ],
)
def test_cli_bad_input_is_a_clear_error_without_traceback(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    source = _write_trial(tmp_path)
    argv = ["render", str(source), *[a.replace("{tmp}", str(tmp_path)) for a in args]]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["render", str(tmp_path / "missing.yaml"), "-o", str(tmp_path / "m.svg")]
    )
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_scale_without_negatives_has_no_plus_signs() -> None:
    """On Mermaid's 1 … 5 scale '3' is neutral: '+3 neutral' would read as above neutral."""
    journey = JourneyMap(
        name="Day",
        scale=SentimentScale(min=1, max=5),
        stages=[Stage(name="S", steps=[Step(name="A", emotion=4), Step(name="B", emotion=2)])],
    )
    svg = render_svg(layout_map(journey))
    assert "3 neutral" in svg and "+3" not in svg and "+4" not in svg
    signed = journey.model_copy(update={"scale": SentimentScale(min=-5, max=5)})
    signed.stages[0].steps[0].emotion = 4
    assert "+4" in render_svg(layout_map(signed))
