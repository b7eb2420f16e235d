"""The map's colours, and the WCAG contrast ratio every text/background pair must meet.

Colour is never the only signal: every coloured thing also carries a word, a shape or
a pattern (kind labels, impact words, dash patterns per sentiment line).
"""

from __future__ import annotations

INK = "#1f2937"
MUTED = "#4b5563"
PAGE = "#ffffff"
RULE = "#cbd5e1"
LABEL_BG = "#f1f5f9"
LABEL_INK = "#1e293b"
STAGE_BG = ("#f8fafc", "#eef2f7")
HEADER_BG = "#1e293b"
HEADER_INK = "#ffffff"
HEADER_MUTED = "#cbd5e1"

KIND = {
    # kind: (card background, border, label ink)
    "action": ("#e4eeff", "#3b6fd8", "#1d4ed8"),
    "question": ("#fff3d1", "#c98a00", "#7a4f00"),
    "decision": ("#f1e9ff", "#7c4ddb", "#5b21b6"),
}
PAIN = ("#fdecec", "#d64545")
OPPORTUNITY = ("#e6f6ee", "#1f9d5a", "#166534")
THINK = ("#f4f4f5", "#a1a1aa")
BACKSTAGE = ("#eef2f6", "#64748b")
IMPACT = {
    # impact: (badge background, badge ink)
    "abandon": ("#b91c1c", "#ffffff"),
    "workaround": ("#b45309", "#ffffff"),
    "trivial": ("#e2e8f0", "#1e293b"),
}
SEVERITY = {
    "high": ("#b91c1c", "#ffffff"),
    "medium": ("#b45309", "#ffffff"),
    "low": ("#e2e8f0", "#1e293b"),
    "info": ("#e2e8f0", "#1e293b"),
}
MOMENT = ("#fef3c7", "#92400e")
ASSUMPTION = ("#fff7ed", "#9a3412")
EVIDENCE = ("#ecfdf5", "#065f46")
"""An element that rests on evidence: its badge says how many pieces."""
ADDED = ("#dcfce7", "#14532d")
REMOVED = ("#f1f5f9", "#475569")
POSITIVE_BAND = "#f0fdf4"
NEGATIVE_BAND = "#fef2f2"
NEUTRAL_LINE = "#64748b"
SERIES = ("#1d4ed8", "#c2410c", "#047857", "#7e22ce", "#be185d", "#0f766e")
SERIES_DASH = ("", "8 5", "2 4", "12 4 3 4", "6 3", "1 3")
CUSTOMERS = "#0e7490"
"""The customers' own (survey) line and its interval bands."""
CUSTOMERS_DASH = "1 6"
COMPARE = {"as_is": ("#475569", ""), "to_be": ("#047857", "8 5")}
FACE_FILL = ("#f87171", "#fdba74", "#fde68a", "#bbf7d0", "#4ade80")

TEXT_PAIRS: dict[str, tuple[str, str]] = {
    "body text": (INK, PAGE),
    "muted text": (MUTED, PAGE),
    "lane title": (LABEL_INK, LABEL_BG),
    "stage text": (INK, STAGE_BG[1]),
    "stage muted": (MUTED, STAGE_BG[1]),
    "header title": (HEADER_INK, HEADER_BG),
    "header label": (HEADER_MUTED, HEADER_BG),
    **{f"{kind} card": (INK, colours[0]) for kind, colours in KIND.items()},
    **{f"{kind} label": (colours[2], colours[0]) for kind, colours in KIND.items()},
    "pain text": (INK, PAIN[0]),
    "opportunity text": (INK, OPPORTUNITY[0]),
    "opportunity votes": (OPPORTUNITY[2], OPPORTUNITY[0]),
    "thinks": (INK, THINK[0]),
    "backstage": (INK, BACKSTAGE[0]),
    "backstage muted": (MUTED, BACKSTAGE[0]),
    **{f"impact {name}": (ink, bg) for name, (bg, ink) in IMPACT.items()},
    **{f"finding {name}": (ink, bg) for name, (bg, ink) in SEVERITY.items()},
    "moment of truth": (MOMENT[1], MOMENT[0]),
    "assumption": (ASSUMPTION[1], ASSUMPTION[0]),
    "added": (ADDED[1], ADDED[0]),
    "removed": (REMOVED[1], REMOVED[0]),
    "sentiment label on positive band": (MUTED, POSITIVE_BAND),
    "sentiment label on negative band": (MUTED, NEGATIVE_BAND),
    **{f"face score on {fill}": (INK, fill) for fill in FACE_FILL},
}
"""Every text colour the map draws on every background it draws it on (checked by a test)."""


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour (WCAG 2.x)."""
    rgb = colour.lstrip("#")
    r, g, b = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two colours, 1 … 21 (AA asks 4.5 for body text)."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def face_fill(normalized: float) -> str:
    """Fill of a sentiment face for a score normalised to -1 … +1 (five bands)."""
    band = min(4, max(0, int((normalized + 1) / 2 * 5 - 1e-9)))
    return FACE_FILL[band]
