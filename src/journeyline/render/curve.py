"""The sentiment line's geometry and its description in words.

The curve is a monotone cubic (Fritsch–Carlson): it passes through every step's point,
is smooth, and never overshoots between two points, so it never claims a score above
the peak or below the trough that the team wrote down.
"""

from __future__ import annotations

from collections.abc import Sequence


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def monotone_tangents(xs: Sequence[float], ys: Sequence[float]) -> list[float]:
    """Tangents at each point that keep a cubic Hermite curve monotone between points."""
    n = len(xs)
    if n < 2:
        return [0.0] * n
    slopes = [(ys[i + 1] - ys[i]) / ((xs[i + 1] - xs[i]) or 1e-9) for i in range(n - 1)]
    tangents = [slopes[0], *[0.0] * (n - 2), slopes[-1]]
    for i in range(1, n - 1):
        a, b = slopes[i - 1], slopes[i]
        if a * b <= 0:
            tangents[i] = 0.0
        else:
            h0, h1 = xs[i] - xs[i - 1], xs[i + 1] - xs[i]
            w1, w2 = 2 * h1 + h0, h1 + 2 * h0
            tangents[i] = (w1 + w2) / (w1 / a + w2 / b)
    return tangents


def smooth_path(points: Sequence[tuple[float, float]]) -> str:
    """SVG path data for a smooth curve through the points (left to right)."""
    if not points:
        return ""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    parts = [f"M{_fmt(xs[0])} {_fmt(ys[0])}"]
    if len(points) == 1:
        return parts[0]
    m = monotone_tangents(xs, ys)
    for i in range(len(points) - 1):
        h = (xs[i + 1] - xs[i]) / 3
        parts.append(
            f"C{_fmt(xs[i] + h)} {_fmt(ys[i] + m[i] * h)} "
            f"{_fmt(xs[i + 1] - h)} {_fmt(ys[i + 1] - m[i + 1] * h)} "
            f"{_fmt(xs[i + 1])} {_fmt(ys[i + 1])}"
        )
    return "".join(parts)


def score_text(score: float, signed: bool = True) -> str:
    """A score as printed on the map: '+3', '0', '-2.5' (with a true minus sign).

    `signed` is false on a scale without negatives (Mermaid's 1 … 5): there '3' is neutral,
    and a plus sign would read as "above neutral".
    """
    text = _fmt(score)
    if score > 0 and signed:
        return "+" + text
    return text.replace("-", "−")


def describe_series(
    label: str,
    points: Sequence[tuple[str, str, float]],
    neutral: float,
    annotations: Sequence[str] = (),
    signed: bool = True,
) -> str:
    """One paragraph a screen reader can read instead of looking at the curve.

    `points` are (stage name, step name, score) in journey order.
    """
    if not points:
        return f"{label}: no step has an emotion score yet."
    first, last = points[0], points[-1]
    low = min(points, key=lambda p: p[2])
    high = max(points, key=lambda p: p[2])
    below = sum(1 for p in points if p[2] < neutral)
    parts = [
        f"{label}: {len(points)} scored steps. It starts at {score_text(first[2], signed)} "
        f"at '{first[1]}' ({first[0]}) and ends at {score_text(last[2], signed)} at '{last[1]}' ({last[0]}).",
        f"Highest {score_text(high[2], signed)} at '{high[1]}' ({high[0]}); "
        f"lowest {score_text(low[2], signed)} at '{low[1]}' ({low[0]}).",
        f"{below} of {len(points)} steps are below neutral ({score_text(neutral, signed)}).",
    ]
    if annotations:
        parts.append("Marked on the line: " + "; ".join(annotations) + ".")
    return " ".join(parts)
