"""The sentiment lane: one smooth line per persona (or AS-IS and TO-BE), faces, findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from journeyline.model import JourneyMap, Persona, SentimentScale, Step
from journeyline.model.customer_line import customer_line
from journeyline.render import palette
from journeyline.render.cells import badge_width
from journeyline.render.columns import StepColumn
from journeyline.render.curve import describe_series, score_text, smooth_path
from journeyline.render.customers import add_customer_line
from journeyline.render.findings import FindingLike
from journeyline.render.shapes import (
    Box,
    Face,
    Group,
    Line,
    Marker,
    Path,
    Row,
    SeriesInfo,
    Shape,
    Text,
)
from journeyline.render.text import fit_line

ROW_HEIGHT = 212.0
PLOT_TOP = 44.0
PLOT_BOTTOM = 44.0
CURVE_KINDS = {
    "rapid_drop": "Rapid drop",
    "trough": "Trough",
    "peak": "Peak",
    "sawtooth": "Sawtooth",
    "negative_moment_of_truth": "Low moment of truth",
    "sentiment_mismatch": "Customers differ",
}
SEVERITY_ORDER = ("info", "low", "medium", "high")
MARKERS: tuple[Literal["circle", "square", "diamond", "triangle"], ...] = (
    "circle",
    "square",
    "diamond",
    "triangle",
)


@dataclass
class SentimentInput:
    """What the sentiment lane needs from the map being laid out."""

    journey: JourneyMap
    compare: JourneyMap | None
    columns: list[StepColumn]
    xs: list[float]
    step_width: float
    personas: list[Persona]
    persona_id: str | None
    findings: Sequence[FindingLike]


@dataclass
class _Series:
    label: str
    colour: str
    dash: str
    marker: Literal["circle", "square", "diamond", "triangle"]
    persona_id: str | None
    points: list[tuple[int, float]]


def _score(step: Step, persona_id: str | None) -> float | None:
    return step.emotion_for(persona_id)


def _series(data: SentimentInput) -> list[_Series]:
    cols = data.columns
    if data.compare is not None:
        pid = data.persona_id or (data.personas[0].id if data.personas else None)
        as_is = [
            (i, s)
            for i, c in enumerate(cols)
            if c.status != "added" and (s := _score(c.step, pid)) is not None
        ]
        to_be = [
            (i, s)
            for i, c in enumerate(cols)
            if c.to_be is not None and (s := _score(c.to_be, pid)) is not None
        ]
        (c1, d1), (c2, d2) = palette.COMPARE["as_is"], palette.COMPARE["to_be"]
        return [
            _Series("AS-IS", c1, d1, "circle", pid, as_is),
            _Series("TO-BE", c2, d2, "square", pid, to_be),
        ]
    multi = (
        len(data.personas) > 1 and data.persona_id is None and any(c.step.emotions for c in cols)
    )
    if not multi:
        pid = data.persona_id or (data.personas[0].id if data.personas else None)
        label = data.personas[0].name if data.personas else "Sentiment"
        points = [(i, s) for i, c in enumerate(cols) if (s := _score(c.step, pid)) is not None]
        return [_Series(label, palette.SERIES[0], "", "circle", pid, points)]
    result = []
    for n, persona in enumerate(data.personas):
        points = [
            (i, s)
            for i, c in enumerate(cols)
            if (not c.step.personas or persona.id in c.step.personas)
            and (s := _score(c.step, persona.id)) is not None
        ]
        k = n % len(palette.SERIES)
        result.append(
            _Series(
                persona.name,
                palette.SERIES[k],
                palette.SERIES_DASH[k],
                MARKERS[n % 4],
                persona.id,
                points,
            )
        )
    return result


def build_sentiment_row(
    data: SentimentInput, y: float, width: float
) -> tuple[Row, list[SeriesInfo], str, list[str]]:
    """The sentiment row with its curves, faces, neutral line and annotated findings."""
    scale: SentimentScale = data.journey.scale
    height = ROW_HEIGHT
    plot_h = height - PLOT_TOP - PLOT_BOTTOM

    def y_of(score: float) -> float:
        clamped = min(scale.max, max(scale.min, score))
        return round(PLOT_TOP + (scale.max - clamped) / scale.span * plot_h, 1)

    neutral_y = y_of(scale.neutral)
    left = data.xs[0] if data.xs else 0.0
    row = Row("sentiment", "Sentiment", y, height)
    row.background = [
        Box(left, PLOT_TOP - 8, width - left, neutral_y - PLOT_TOP + 8, "band-positive", rx=0),
        Box(
            left,
            neutral_y,
            width - left,
            height - PLOT_BOTTOM + 8 - neutral_y,
            "band-negative",
            rx=0,
        ),
    ]
    label_x = 160.0
    row.label = [
        Text(
            label_x,
            y_of(scale.max) + 4,
            (score_text(scale.max, scale.min < 0),),
            "scale-label",
            10.5,
            anchor="end",
        ),
        Text(
            label_x,
            neutral_y + 4,
            (f"{score_text(scale.neutral, scale.min < 0)} neutral",),
            "scale-label",
            10.5,
            anchor="end",
        ),
        Text(
            label_x,
            y_of(scale.min) + 4,
            (score_text(scale.min, scale.min < 0),),
            "scale-label",
            10.5,
            anchor="end",
        ),
    ]
    row.overlay.append(
        Group(
            [Line(left, neutral_y, width, neutral_y, "neutral", dash="4 4")],
            "neutral",
            title="Neutral",
        )
    )
    series = _series(data)
    single = len(series) == 1
    infos: list[SeriesInfo] = []
    descriptions: list[str] = []
    annotations: list[str] = []
    for n, s in enumerate(series):
        pts = [(round(data.xs[i] + data.step_width / 2, 1), y_of(score)) for i, score in s.points]
        path = smooth_path(pts)
        shapes: list[Shape] = (
            [Path(path, f"curve curve-{n}", s.colour, s.dash)] if len(pts) > 1 else []
        )
        row.overlay.append(Group(shapes, f"series series-{n}", title=f"Sentiment line: {s.label}"))
        for (i, score), (px, py) in zip(s.points, pts, strict=True):
            norm = scale.normalize(score)
            col = data.columns[i]
            tip = f"{s.label} — {col.step.name}: {score_text(score, scale.min < 0)} on {score_text(scale.min, scale.min < 0)} … {score_text(scale.max, scale.min < 0)}"
            point: list[Shape]
            if single:
                point = [
                    Face(px, py, 11, norm, palette.face_fill(norm)),
                    Text(px + 15, py - 7, (score_text(score, scale.min < 0),), "score-label", 10.5),
                ]
            else:
                point = [Marker(s.marker, px, py, 5.5, s.colour)]
            row.overlay.append(Group(point, f"point point-{n}", step=i, title=tip))
        own = [
            f
            for f in data.findings
            if f.kind in CURVE_KINDS
            and f.step_id is not None
            and (f.persona == s.persona_id or (f.persona is None and n == 0))
            and (data.compare is None or n == 0)
        ]
        marked = _annotate(row, own, s, data, pts, height)
        annotations += marked
        names = [
            (data.columns[i].stage.name, data.columns[i].step.name, score) for i, score in s.points
        ]
        descriptions.append(
            describe_series(
                s.label if not single else "Sentiment line",
                names,
                scale.neutral,
                marked,
                signed=scale.min < 0,
            )
        )
        infos.append(SeriesInfo(s.label, s.colour, s.dash, s.marker, list(s.points)))
    if data.compare is None:
        weak = {str(f.step_id) for f in data.findings if f.kind == "weak_evidence" and f.step_id}
        customers = add_customer_line(
            row,
            customer_line(data.journey),
            {c.step.id: i for i, c in enumerate(data.columns)},
            lambda i: data.xs[i] + data.step_width / 2,
            y_of,
            weak,
        )
        if customers:
            descriptions.append(customers)
    return row, infos, " ".join(descriptions), annotations


def _annotate(
    row: Row,
    findings: Sequence[FindingLike],
    s: _Series,
    data: SentimentInput,
    pts: list[tuple[float, float]],
    height: float,
) -> list[str]:
    by_step: dict[str, list[FindingLike]] = {}
    for f in findings:
        by_step.setdefault(str(f.step_id), []).append(f)
    where = {data.columns[i].step.id: k for k, (i, _) in enumerate(s.points)}
    texts: list[str] = []
    for step_id, found in by_step.items():
        k = where.get(step_id)
        if k is None:
            continue
        i = s.points[k][0]
        px, py = pts[k]
        kinds = []
        for f in found:
            label = CURVE_KINDS[f.kind]
            if label not in kinds:
                kinds.append(label)
        worst = max(
            found,
            key=lambda f: SEVERITY_ORDER.index(f.severity) if f.severity in SEVERITY_ORDER else 0,
        )
        up = all(f.kind == "peak" for f in found)
        label = ("▲ " if up else "▼ ") + " · ".join(kinds)
        fitted = fit_line(label, data.step_width - 30, 10, bold=True).lines[0]
        w = min(badge_width(fitted), data.step_width - 16)
        bx = round(min(max(px - w / 2, data.xs[i] + 6), data.xs[i] + data.step_width - 6 - w), 1)
        by = 8.0 if up else height - 26
        link_y = by + 18 if up else by
        shapes: list[Shape] = [
            Line(px, link_y, px, py - 12 if up else py + 12, "leader", dash="2 2"),
            Box(bx, by, w, 18, f"badge finding-{worst.severity}", rx=9),
            Text(
                round(bx + 7, 1), by + 12.8, (fitted,), f"badge-text finding-{worst.severity}", 10
            ),
        ]
        message = " ".join(f.message for f in found)
        row.overlay.append(Group(shapes, "finding", step=i, title=message))
        texts.append(f"{' and '.join(k.lower() for k in kinds)} at '{data.columns[i].step.name}'")
    return texts
