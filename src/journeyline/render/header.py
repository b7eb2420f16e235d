"""The map's header (title, scope line, persona cards, back-story), legend and factsheets."""

from __future__ import annotations

from collections.abc import Callable

from journeyline.model import JourneyMap, Persona, Workspace
from journeyline.render import palette
from journeyline.render.cells import ASCENT, badge, badge_flow, text_block
from journeyline.render.safety import is_emoji_avatar, safe_url
from journeyline.render.shapes import (
    Box,
    Face,
    Group,
    Icon,
    Image,
    Marker,
    Path,
    PersonaSheet,
    SeriesInfo,
    Shape,
    Text,
)
from journeyline.render.text import fit_line, initials, measure

HEADER_MAX = 1560.0
CARD_W = 392.0
STORY_W = 440.0
MARGIN = 24.0


def _avatar(persona: Persona, cx: float, cy: float, r: float) -> list[Shape]:
    avatar = persona.avatar or ""
    url = safe_url(avatar) if avatar and not is_emoji_avatar(avatar) else None
    if url:
        return [
            Box(cx - r, cy - r, 2 * r, 2 * r, "avatar-ring", rx=r),
            Image(url, cx - r, cy - r, 2 * r, 2 * r, round=True),
        ]
    if avatar and is_emoji_avatar(avatar):
        return [
            Box(cx - r, cy - r, 2 * r, 2 * r, "avatar-emoji", rx=r),
            Text(cx, cy + r * 0.36, (avatar.strip(),), "emoji", r, anchor="middle"),
        ]
    return [
        Box(cx - r, cy - r, 2 * r, 2 * r, "avatar", rx=r),
        Text(cx, cy + 6.5, (initials(persona.name),), "avatar-initials", 18, anchor="middle"),
    ]


def _bullets(
    x: float, y: float, width: float, heading: str, items: list[str], cls: str
) -> tuple[list[Shape], float]:
    shapes: list[Shape] = [Text(x, y + 10, (heading.upper(),), f"card-heading {cls}", 10.5)]
    top = y
    y += 18
    for item in items[:3]:
        body, h, _ = text_block(x + 10, y, item, width - 10, 11.5, "card-text", max_lines=2)
        shapes.append(Text(x, y + 10.7, ("•",), "card-text", 11.5))
        shapes += body
        y += h + 3
    if len(items) > 3:
        more, h, _ = text_block(x + 10, y, f"+{len(items) - 3} more", width - 10, 11, "card-muted")
        shapes += more
        y += h
    if not items:
        more, h, _ = text_block(x, y, "None written yet", width, 11, "card-muted")
        shapes += more
        y += h
    return shapes, y - top


def _persona_card(persona: Persona, x: float, y: float, assumption: bool) -> tuple[Group, float]:
    shapes: list[Shape] = _avatar(persona, x + 44, y + 42, 26)
    name, h, _ = text_block(
        x + 84, y + 16, persona.name, CARD_W - 100, 16, "persona-name", bold=True, max_lines=2
    )
    shapes += name
    ty = y + 16 + h + 1
    if persona.role:
        role, h, _ = text_block(
            x + 84, ty, persona.role, CARD_W - 100, 12, "card-muted", max_lines=2
        )
        shapes += role
        ty += h
    if assumption:
        placed, h = badge_flow(x + 84, ty + 4, CARD_W - 100, [("Assumption", "b-assumption")])
        shapes += placed
        ty += h + 4
    ty = max(ty, y + 76) + 8
    col_w = (CARD_W - 48) / 2
    goals, gh = _bullets(x + 16, ty, col_w, "Goals", persona.goals, "goal-heading")
    pains, ph = _bullets(
        x + 32 + col_w, ty, col_w, "Frustrations", persona.challenges, "pain-heading"
    )
    shapes += goals + pains
    height = ty + max(gh, ph) + 14 - y
    card = Box(x, y, CARD_W, height, "persona-card", rx=10)
    return Group([card, *shapes], "persona", title=persona.name), height


def _story_card(
    journey: JourneyMap, unplaced: list[str], x: float, y: float
) -> tuple[Group | None, float]:
    b = journey.backstory
    entries: list[tuple[str, str, int]] = []
    if b.story:
        entries.append(("Story", b.story, 5))
    if b.highest_goal:
        entries.append(("Highest goal", b.highest_goal, 2))
    if b.pain_points:
        entries.append(("Pain points today", "; ".join(b.pain_points), 3))
    if b.requirements:
        entries.append(("Needs", "; ".join(b.requirements), 2))
    if b.outcomes:
        entries.append(("Desired outcomes", "; ".join(b.outcomes), 2))
    if unplaced:
        entries.append(("Across the journey", "; ".join(unplaced), 3))
    if not entries:
        return None, 0.0
    shapes: list[Shape] = [Text(x + 16, y + 24, ("BACK-STORY",), "card-heading", 10.5)]
    ty = y + 34
    for label, text, lines in entries:
        shapes.append(Text(x + 16, ty + 10, (label,), "card-label", 11))
        ty += 15
        body, h, _ = text_block(x + 16, ty, text, STORY_W - 32, 11.5, "card-text", max_lines=lines)
        shapes += body
        ty += h + 6
    height = ty + 8 - y
    return Group(
        [Box(x, y, STORY_W, height, "persona-card", rx=10), *shapes],
        "backstory",
        title="Back-story",
    ), height


WRAPPED_SCOPE = ("Scenario", "Goal")
"""The scope items shown whole, wrapped across the title band, rather than cut to a line."""
SCOPE_LINES = 4
"""Lines the scenario or the goal may wrap to in the title band."""


def build_header(
    journey: JourneyMap,
    workspace: Workspace,
    personas: list[Persona],
    width: float,
    assumption: Callable[[str], bool],
) -> tuple[list[Group], float]:
    """Title band with the scope line, then persona cards and the back-story; returns the height."""
    inner = min(width, HEADER_MAX) - 2 * MARGIN
    shapes: list[Shape] = []
    title, th, _ = text_block(MARGIN, 18, journey.name, inner, 24, "title", bold=True, max_lines=2)
    shapes += title
    y = 18 + th + 8
    x = MARGIN
    line_h = 20.0
    tips = []
    for label, value in scope_items(journey):
        label_text = label.upper()
        lw = measure(label_text, 10, bold=True) + 6
        if label in WRAPPED_SCOPE:
            # The scenario and the goal are sentences: each gets the band's width, wrapped
            # (a PNG or PDF has no tooltip to read a cut-off one in).
            if x > MARGIN:
                x, y = MARGIN, y + line_h
            shapes.append(Text(x, y + 13, (label_text,), "scope-label", 10))
            body, h, _ = text_block(
                x + lw,
                y + 13 - 12.5 * ASCENT,
                value,
                inner - lw,
                12.5,
                "scope-value",
                max_lines=SCOPE_LINES,
            )
            shapes += body
            tips.append(f"{label}: {value}")
            x, y = MARGIN, y + max(h + 3, line_h)
            continue
        fitted = fit_line(value, 340, 12.5)
        vw = measure(fitted.lines[0], 12.5)
        if x > MARGIN and x + lw + vw > MARGIN + inner:
            x, y = MARGIN, y + line_h
        shapes.append(Text(x, y + 13, (label_text,), "scope-label", 10))
        shapes.append(Text(x + lw, y + 13, fitted.lines, "scope-value", 12.5))
        tips.append(f"{label}: {value}")
        x += lw + vw + 26
    # The last row is empty when a wrapped item ended the list.
    band_h = y + (line_h if x > MARGIN else 0) + 14
    groups = [
        Group(
            [Box(0, 0, width, band_h, "header-band", rx=0), *shapes],
            "title-band",
            title="\n".join(tips) or None,
        )
    ]
    unplaced = [p.name for p in journey.pain_points if not p.step]
    cards: list[tuple[Group, float, float]] = []
    cx, cy, row_h = MARGIN, band_h + 18, 0.0

    def persona_block(persona: Persona) -> Callable[[float, float], tuple[Group | None, float]]:
        return lambda bx, by: _persona_card(persona, bx, by, assumption(persona.id))

    blocks: list[tuple[float, Callable[[float, float], tuple[Group | None, float]]]] = [
        (CARD_W, persona_block(p)) for p in personas
    ]
    blocks.append((STORY_W, lambda bx, by: _story_card(journey, unplaced, bx, by)))
    for w, make in blocks:
        if cx > MARGIN and cx + w > MARGIN + inner:
            cx, cy, row_h = MARGIN, cy + row_h + 16, 0.0
        group, h = make(cx, cy)
        if group is None:
            continue
        cards.append((group, cx, h))
        row_h = max(row_h, h)
        cx += w + 16
    for group, _, _ in cards:
        groups.append(group)
    height = (cy + row_h + 22) if cards else band_h + 12
    return groups, round(height, 1)


def scope_items(journey: JourneyMap) -> list[tuple[str, str]]:
    items = [
        ("Scenario", journey.scenario or ""),
        ("Goal", journey.goal or ""),
        ("Type", journey.type.value.replace("_", " ").capitalize()),
        ("Timeframe", journey.timeframe or ""),
        ("Status", journey.status.value.capitalize()),
        ("Owner", journey.owner or ""),
        ("Review", journey.review_date.isoformat() if journey.review_date else ""),
    ]
    return [(k, v) for k, v in items if v]


def build_legend(
    width: float, series: list[SeriesInfo], compared: bool, top: float, *, customers: bool = False
) -> tuple[list[Group], float]:
    """What the colours, badges, faces and lines mean; laid out left to right, wrapping.
    With `customers`, the customers' own (survey) line too."""
    inner = min(width, HEADER_MAX) - 2 * MARGIN
    items: list[tuple[list[Shape], float, str]] = []

    def entry(shapes: list[Shape], used: float, label: str) -> None:
        text = Text(used + 6, 13, (label,), "legend-text", 11.5)
        items.append(([*shapes, text], used + 6 + measure(label, 11.5), label))

    for kind, label in (
        ("action", "Action step"),
        ("question", "Question"),
        ("decision", "Decision (with its paths)"),
    ):
        entry(
            [
                Box(0, 2, 26, 16, f"card card-{kind}", rx=3),
                Box(0, 2, 4, 16, f"accent-{kind}", rx=2),
            ],
            26,
            label,
        )
    for label, cls, meaning in (
        ("★ Moment of truth", "b-moment", "make-or-break moment"),
        ("Assumption", "b-assumption", "rests on no evidence (dashed outline)"),
        ("●●● Abandon", "b-impact-abandon", "pain makes people give up"),
        ("●● Workaround", "b-impact-workaround", "needs a workaround"),
        ("● Trivial", "b-impact-trivial", "a small annoyance"),
    ):
        shapes, w = badge(0, 1, label, cls)
        entry(shapes, w, meaning)
    if compared:
        for label, cls, meaning in (
            ("+ Added in TO-BE", "b-added", "new step"),
            ("− Removed in TO-BE", "b-removed", "step dropped"),
        ):
            shapes, w = badge(0, 1, label, cls)
            entry(shapes, w, meaning)
    if len(series) == 1 and not compared:
        entry(
            [
                Face(10, 10, 9, 0.6, palette.face_fill(0.6)),
                Face(32, 10, 9, -0.6, palette.face_fill(-0.6)),
            ],
            42,
            "sentiment score, face and number",
        )
    else:
        for s in series:
            line: list[Shape] = [
                Path("M0 10H34", "legend-line", s.colour, s.dash),
                Marker(s.marker, 17, 10, 5, s.colour),
            ]
            entry(line, 34, f"{s.label} sentiment line")
    if customers:
        entry(
            [
                Path("M0 10H40", "legend-line", palette.CUSTOMERS, palette.CUSTOMERS_DASH),
                Box(11, 0, 18, 20, "customer-band", rx=4),
                Marker("diamond", 20, 10, 5, palette.CUSTOMERS),
            ],
            40,
            "customers' own score (survey), band: 95 % interval, dashed band: few answers",
        )
    entry(
        [Path("M0 10H34", "visibility-legend", "", "7 5")],
        34,
        "line of visibility (frontstage above, backstage below)",
    )
    groups: list[Group] = [
        Group([Text(MARGIN, top + 13, ("LEGEND",), "card-heading", 10.5)], "legend-title")
    ]
    x, y = MARGIN + 70, top
    for shapes, w, label in items:
        if x > MARGIN + 70 and x + w > MARGIN + inner:
            x, y = MARGIN + 70, y + 26
        groups.append(Group(_translate(shapes, x, y), "legend-item", title=label))
        x += w + 28
    return groups, y + 26 - top


def _translate(shapes: list[Shape], dx: float, dy: float) -> list[Shape]:
    for s in shapes:
        if isinstance(s, Box | Text | Icon | Image):
            s.x, s.y = round(s.x + dx, 1), round(s.y + dy, 1)
        elif isinstance(s, Face | Marker):
            s.cx, s.cy = round(s.cx + dx, 1), round(s.cy + dy, 1)
        elif isinstance(s, Path):
            s.d = f"M{dx:g} {dy + 10:g}h34"
    return shapes


def persona_sheet(persona: Persona, assumption: bool) -> PersonaSheet:
    """The full factsheet of a persona, for its own page."""
    avatar = persona.avatar or ""
    if avatar and is_emoji_avatar(avatar):
        kind, value = "emoji", avatar.strip()
    elif avatar and safe_url(avatar):
        kind, value = "image", safe_url(avatar) or ""
    else:
        kind, value = "initials", initials(persona.name)
    facts = list(persona.demographics.items())
    if persona.tech_savviness:
        facts.append(("Tech-savviness", persona.tech_savviness.value))
    if persona.preferred_channels:
        facts.append(("Preferred channels", ", ".join(persona.preferred_channels)))
    sections = [
        (title, items)
        for title, items in (
            ("Goals", persona.goals),
            ("Frustrations and challenges", persona.challenges),
            ("Needs", persona.needs),
            ("Motivations", persona.motivations),
            ("Values", persona.values),
            ("Fears", persona.fears),
            ("Marketing message", [persona.marketing_message] if persona.marketing_message else []),
            ("Elevator pitch", [persona.elevator_pitch] if persona.elevator_pitch else []),
        )
        if items
    ]
    return PersonaSheet(
        name=persona.name,
        role=persona.role or "",
        avatar_kind=kind,  # type: ignore[arg-type]
        avatar=value,
        quote=persona.quote or "",
        bio=persona.bio or "",
        facts=facts,
        sections=sections,
        assumption=assumption,
    )
