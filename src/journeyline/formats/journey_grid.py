"""The classic spreadsheet journey-map template, shared by the CSV and XLSX formats.

Stages are columns and lanes are rows. The first column labels the rows::

    Journey map | SaaS trial
    Persona     | Priya the Product Lead
    Scale       | -5          | 5
    Stage       | Awareness   | Awareness  | Trial
    Stage goal  | Find a tool | Find a tool| See value
    Step        | Reads review| Visits site| Signs up
    Actions     | …
    Touchpoint, Channel, Zone, Thinks, Feels, Emotion, Pain points, Opportunities,
    Actors, Moment of truth, Notes, then one row per custom lane.

A stage's name repeats (CSV) or is merged (XLSX) over its step columns; a blank stage
cell continues the stage to its left.

The commonest public layout is read too: stage names as the header row (its first cell
blank, `Stage`, or a title), lane names as row labels (Doing, Thinking, Feeling,
Touchpoints, Pain points, Opportunities …) and no Step row. Each column is then one step,
named from its Actions cell (or, without one, from its stage), and an Emotions row of
words rather than numbers is read as what the persona feels.

Cells holding several items (pain points, opportunities, actors, personas) put one per
line; a pain point is `name [impact]`.
This module turns a map into rows and rows back into a map; the CSV and XLSX modules
only read and write cells.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.model import (
    DEFAULT_LANES,
    Impact,
    JourneyMap,
    Lane,
    LaneDefinition,
    Opportunity,
    PainPoint,
    Persona,
    SentimentScale,
    Stage,
    Step,
    Workspace,
    Zone,
    assign_map_ids,
    slugify,
)

Cell = str | int | float | bool | dt.date | dt.datetime | None
"""A cell value as the CSV reader (always str) or openpyxl (typed) gives it."""

Where = Callable[[int, int], tuple[str, int | None, int | None]]
"""(row index, column index), 0-based → (file, line, column) for a Diagnostic."""

# Row keys and the label written for each, in layout order.
META_ROWS: tuple[tuple[str, str], ...] = (
    ("map", "Journey map"),
    ("persona", "Persona"),
    ("scale", "Scale"),
)
HEADER_ROWS: tuple[tuple[str, str], ...] = (
    ("stage", "Stage"),
    ("goal", "Stage goal"),
    ("step", "Step"),
)
LANE_ROWS: tuple[tuple[str, str], ...] = (
    ("does", "Actions"),
    ("touchpoint", "Touchpoint"),
    ("channel", "Channel"),
    ("zone", "Zone"),
    ("thinks", "Thinks"),
    ("feels", "Feels"),
    ("emotion", "Emotion"),
    ("pain_points", "Pain points"),
    ("opportunities", "Opportunities"),
    ("actors", "Actors"),
    ("moment_of_truth", "Moment of truth"),
    ("notes", "Notes"),
)

_ALIASES: dict[str, tuple[str, ...]] = {
    "map": ("journey map", "map", "title", "journey"),
    "persona": ("persona", "personas"),
    "scale": ("scale", "emotion scale", "sentiment scale"),
    "stage": (
        "stage",
        "stages",
        "phase",
        "phases",
        "journey stage",
        "journey stages",
        "journey phase",
        "journey phases",
    ),
    "goal": ("stage goal", "stage goals", "goal", "goals", "customer goal"),
    "step": ("step", "steps"),
    "does": (
        "actions",
        "action",
        "does",
        "doing",
        "customer actions",
        "user actions",
        "what they do",
    ),
    "touchpoint": ("touchpoint", "touchpoints", "touch point", "touch points"),
    "channel": ("channel", "channels"),
    "zone": ("zone", "stage zone"),
    "thinks": ("thinks", "thinking", "thoughts", "think", "what they think"),
    "feels": ("feels", "feeling", "feelings", "feel", "what they feel", "customer experience"),
    "emotion": ("emotion", "emotion score", "emotions", "sentiment", "sentiment score", "score"),
    "pain_points": ("pain points", "pain point", "pains", "painpoints"),
    "opportunities": ("opportunities", "opportunity", "ideas"),
    "actors": ("actors", "actor", "teams", "people", "teams involved"),
    "moment_of_truth": ("moment of truth", "moments of truth", "moment of truth?"),
    "notes": ("notes", "note", "comments"),
}
_LABEL_TO_KEY = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
_TRUE = {"yes", "y", "true", "x", "✓", "✔", "1", "moment of truth"}
_FALSE = {"no", "n", "false", "0", "-", "–"}
_IMPACT = re.compile(r"^(.*?)\s*\[([^\[\]]*)\]\s*$", re.S)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_SCALE_TEXT = re.compile(
    r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:to|…|\.\.\.?|–|—|-)\s*([+-]?\d+(?:[.,]\d+)?)\s*$"
)


def normalize_label(text: str) -> str:
    """A row label as compared: lower case, single spaces, no trailing ':' or Markdown bold."""
    text = " ".join(text.replace("_", " ").split()).strip("*").strip()
    return text.rstrip(":").strip().lower()


def format_number(value: float) -> int | float:
    """Whole numbers as int, so spreadsheets show '3', not '3.0'."""
    return int(value) if float(value).is_integer() else value


# ---------------------------------------------------------------------------
# Model → rows
# ---------------------------------------------------------------------------


@dataclass
class GridOut:
    """A map laid out as rows, with what the XLSX writer needs for styling."""

    rows: list[list[Cell]]
    label_rows: dict[str, int]
    """Row key ('stage', 'emotion', a custom lane id …) → row index."""
    stage_spans: list[tuple[int, int]]
    """First and last column index of each stage."""
    scale: SentimentScale
    warnings: list[Diagnostic] = field(default_factory=list)


def map_to_rows(
    workspace: Workspace, journey: JourneyMap, file: str | None, *, keeps_scope: bool
) -> GridOut:
    """Lay a map out in the template; warn about everything the layout cannot hold.

    `keeps_scope` says whether the caller writes the scope and persona factsheet
    elsewhere (the XLSX "Map" and "Persona" sheets); CSV does not.
    """
    dropped: list[str] = []
    warnings: list[Diagnostic] = []

    def warn(message: str) -> None:
        warnings.append(Diagnostic(message, file, severity="warning"))

    def one_line(text: str, what: str) -> str:
        if "\n" in text or "\r" in text:
            flat = " ".join(text.split())
            warn(
                f"{what} '{flat}' has line breaks; written on one line (a cell holds one per line)"
            )
            return flat
        return text

    columns: list[tuple[Stage, Step | None]] = []
    spans: list[tuple[int, int]] = []
    for index, stage in enumerate(journey.stages):
        first = len(columns) + 1
        if index and stage.name.strip() == journey.stages[index - 1].name.strip():
            warn(
                f"stages {index} and {index + 1} are both called '{stage.name}'; "
                "they will read back as one stage"
            )
        columns.extend((stage, step) for step in stage.steps)
        if not stage.steps:
            columns.append((stage, None))
        spans.append((first, len(columns)))

    custom = _custom_lanes(workspace, journey)
    for _lane_id, label in custom:
        if normalize_label(label) in _LABEL_TO_KEY:
            warn(
                f"custom lane '{label}' has the name of a built-in row; it will read back as that row"
            )

    pains_by_step: dict[str, list[str]] = {}
    for pain in journey.pain_points:
        if pain.step is None or journey.find_step(pain.step) is None:
            dropped.append(f"pain point '{pain.name}' (not under a step)")
            continue
        name = one_line(pain.name, "pain point")
        pains_by_step.setdefault(pain.step, []).append(f"{name} [{pain.impact.value}]")
    opportunities_by_step: dict[str, list[str]] = {}
    pain_step = {p.id: p.step for p in journey.pain_points if p.step}
    for opportunity in journey.opportunities:
        steps = [s for s in opportunity.steps if journey.find_step(s) is not None]
        if not steps:
            steps = [pain_step[p] for p in opportunity.pain_points if p in pain_step]
        if not steps:
            dropped.append(f"opportunity '{opportunity.name}' (tied to no step)")
            continue
        name = one_line(opportunity.name, "opportunity")
        for step_id in dict.fromkeys(steps):
            opportunities_by_step.setdefault(step_id, []).append(name)

    persona_names = [p.name for p in workspace.personas_of(journey)]
    width = len(columns) + 1
    rows: list[list[Cell]] = []
    label_rows: dict[str, int] = {}

    def add(key: str, label: str, cells: Sequence[Cell]) -> None:
        label_rows[key] = len(rows)
        row: list[Cell] = [label, *cells]
        rows.append(row + [None] * (width - len(row)))

    add("map", "Journey map", [journey.name])
    if persona_names:
        add("persona", "Persona", ["\n".join(one_line(n, "persona name") for n in persona_names)])
    add("scale", "Scale", [format_number(journey.scale.min), format_number(journey.scale.max)])
    add("stage", "Stage", [stage.name for stage, _ in columns])
    add("goal", "Stage goal", [stage.goal for stage, _ in columns])
    add("step", "Step", [step.name if step else None for _, step in columns])
    for key, label in LANE_ROWS:
        add(
            key,
            label,
            [
                _lane_cell(key, step, pains_by_step, opportunities_by_step, one_line)
                if step
                else None
                for _, step in columns
            ],
        )
    for lane_id, label in custom:
        add(lane_id, label, [step.lanes.get(lane_id) if step else None for _, step in columns])

    dropped.extend(_dropped(workspace, journey, keeps_scope))
    if dropped:
        warnings.append(
            Diagnostic(
                "not written (the spreadsheet layout has no place for them): " + "; ".join(dropped),
                file,
                hint="export YAML to keep everything",
                severity="warning",
            )
        )
    return GridOut(rows, label_rows, spans, journey.scale, warnings)


def _custom_lanes(workspace: Workspace, journey: JourneyMap) -> list[tuple[str, str]]:
    names = {lane.id: lane.name for lane in workspace.lanes}
    used = [lane for lane in journey.lanes if lane in names]
    for step in journey.steps():
        used.extend(key for key in step.lanes if key not in used)
    return [(lane_id, names.get(lane_id, lane_id)) for lane_id in dict.fromkeys(used)]


def _lane_cell(
    key: str,
    step: Step,
    pains: dict[str, list[str]],
    opportunities: dict[str, list[str]],
    one_line: Callable[[str, str], str],
) -> Cell:
    if key == "emotion":
        return None if step.emotion is None else format_number(step.emotion)
    if key == "zone":
        return step.zone.value
    if key == "moment_of_truth":
        return "yes" if step.moment_of_truth else None
    if key == "pain_points":
        return "\n".join(pains.get(step.id, [])) or None
    if key == "opportunities":
        return "\n".join(opportunities.get(step.id, [])) or None
    if key == "actors":
        return "\n".join(one_line(actor, "actor") for actor in step.actors) or None
    value = getattr(step, key)
    return value if value else None


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


def _dropped(workspace: Workspace, journey: JourneyMap, keeps_scope: bool) -> list[str]:
    """What the layout cannot hold, one phrase per kind, with counts."""
    out: list[str] = []
    steps = journey.steps()
    for attr, label in (
        ("kind", "kinds (question/decision)"),
        ("description", "descriptions"),
        ("image", "images"),
        ("metrics", "metrics"),
        ("branches", "branches"),
        ("events", "event matchers"),
        ("measured", "measured figures"),
        ("emotions", "per-persona emotion scores"),
        ("personas", "persona lists"),
    ):
        if attr == "kind":
            n = sum(1 for step in steps if step.kind.value != "action")
        elif attr == "personas":
            n = sum(
                1
                for step in steps
                if step.personas and step.personas != personas_from_actors(workspace, step)
            )
        else:
            n = sum(1 for step in steps if getattr(step, attr))
        if n:
            out.append(f"{label} of {_count(n, 'step')}")
    for attr, label in (
        ("expectations", "expectations"),
        ("duration", "durations"),
        ("description", "descriptions"),
        ("metrics", "metrics"),
        ("measured", "measured figures"),
    ):
        n = sum(1 for stage in journey.stages if getattr(stage, attr))
        if n:
            out.append(f"{label} of {_count(n, 'stage')}")
    for attr, label in (("description", "descriptions"), ("reach", "reach")):
        n = sum(1 for pain in journey.pain_points if getattr(pain, attr) is not None)
        if n:
            out.append(f"{label} of {_count(n, 'pain point')}")
    for attr, label in (
        ("description", "descriptions"),
        ("votes", "votes"),
        ("owner", "owners"),
        ("effort", "effort"),
        ("impact", "expected impact"),
        ("pain_points", "pain-point links"),
    ):
        n = sum(1 for o in journey.opportunities if getattr(o, attr))
        if n:
            out.append(f"{label} of {_count(n, 'opportunity', 'opportunities')}")
    n = sum(1 for o in journey.opportunities if o.status.value != "idea")
    if n:
        out.append(f"status of {_count(n, 'opportunity', 'opportunities')}")
    if journey.evidence:
        out.append(_count(len(journey.evidence), "piece of evidence", "pieces of evidence"))
    scope_fields = ["segment", "based_on"]
    if not keeps_scope:
        scope_fields = [
            "scenario",
            "goal",
            "timeframe",
            "depth",
            "owner",
            "review_date",
            "tags",
            *scope_fields,
        ]
        if journey.type.value != "current_state":
            out.append(f"the map type ({journey.type.value})")
        if journey.status.value != "hypothesis":
            out.append(f"the map status ({journey.status.value})")
        if any(journey.backstory.model_dump(exclude_defaults=True).values()):
            out.append("the back-story")
        detailed = [p.name for p in workspace.personas_of(journey) if _persona_details(p)]
        if detailed:
            out.append("persona factsheets (names only are kept): " + ", ".join(detailed))
    present = [name.replace("_", " ") for name in scope_fields if getattr(journey, name)]
    if present:
        out.append("the map's " + ", ".join(present))
    if list(journey.lanes) != [
        *DEFAULT_LANES,
        *[lane for lane in journey.lanes if lane not in DEFAULT_LANES],
    ]:
        out.append("the map's choice and order of lanes")
    if _ids_not_derivable(journey):
        out.append("ids that differ from the ones derived from names")
    if workspace.segments:
        out.append(_count(len(workspace.segments), "segment"))
    if workspace.evidence:
        out.append(
            _count(
                len(workspace.evidence),
                "piece of workspace evidence",
                "pieces of workspace evidence",
            )
        )
    return out


def personas_from_actors(workspace: Workspace, step: Step) -> list[str]:
    """Ids of the personas whose names the step lists as actors (how the layout keeps them)."""
    ids = {p.name: p.id for p in workspace.personas}
    return list(dict.fromkeys(ids[actor] for actor in step.actors if actor in ids))


def _persona_details(persona: Persona) -> bool:
    data = persona.model_dump(exclude_defaults=True, exclude={"id", "name"})
    return bool(data)


def _ids_not_derivable(journey: JourneyMap) -> bool:
    fresh = journey.model_copy(deep=True)
    for element in [
        *fresh.stages,
        *fresh.steps(),
        *fresh.pain_points,
        *fresh.opportunities,
        *fresh.evidence,
    ]:
        element.id = ""
    fresh.pain_points = [p for p in fresh.pain_points if p.step]
    assign_map_ids(fresh)
    before = [e.id for e in [*journey.stages, *journey.steps()]]
    after = [e.id for e in [*fresh.stages, *fresh.steps()]]
    return before != after


# ---------------------------------------------------------------------------
# Rows → model
# ---------------------------------------------------------------------------


@dataclass
class GridIn:
    """What a sheet in the template layout holds."""

    journey: JourneyMap
    personas: list[Persona]
    lanes: list[LaneDefinition]
    warnings: list[Diagnostic]


def cell_text(value: Cell) -> str | None:
    """A cell as text; blank cells and whitespace are None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(format_number(value)) if not isinstance(value, float) or value == value else None
    return value if value.strip() else None


def rows_to_map(
    rows: Sequence[Sequence[Cell]],
    where: Where,
    *,
    default_name: str,
    merge_starts: frozenset[tuple[int, int]] = frozenset(),
    known_lanes: frozenset[str] = frozenset(),
) -> GridIn:
    """Rebuild a map from rows in the template layout.

    `merge_starts` holds the (row, column) of each merged range's first cell (XLSX):
    a merged stage header always starts a new stage, even when it repeats a name.
    `known_lanes` are labels (normalised) of custom lanes the file declares elsewhere:
    their rows become custom lanes without a warning.
    """
    warnings: list[Diagnostic] = []

    def warn(r: int, c: int, message: str, hint: str | None = None) -> None:
        file, line, column = where(r, c)
        warnings.append(Diagnostic(message, file, line, column, hint=hint, severity="warning"))

    keyed: dict[str, int] = {}
    custom: list[tuple[str, str, int]] = []  # lane id, label, row
    custom_ids: set[str] = set()  # the lane ids in `custom`, so each row is checked in O(1)
    builtin_ids = {lane.value for lane in Lane}
    header_row = _stage_header_row(rows)
    titles: list[str] = []  # first-column text above a stage header row: the map's title
    for r, row in enumerate(rows):
        if header_row is not None and r <= header_row:
            if r == header_row:
                keyed["stage"] = r
            elif (title := cell_text(row[0]) if row else None) is not None:
                titles.append(title)
            continue
        label = cell_text(row[0]) if row else None
        content = any(cell_text(v) is not None for v in row[1:])
        if label is None:
            if content:
                warn(
                    r,
                    0,
                    "row has no label in the first column; its cells were ignored",
                    "label it (Step, Actions, Thinks …) to keep it",
                )
            continue
        key = _LABEL_TO_KEY.get(normalize_label(label))
        if key is None:
            lane_id = slugify(label, fallback="lane")
            if lane_id in builtin_ids or lane_id in custom_ids:
                lane_id = f"{lane_id}-lane"
            if normalize_label(label) not in known_lanes:
                guess = difflib.get_close_matches(
                    normalize_label(label), list(_LABEL_TO_KEY), 1, 0.8
                )
                hint = f"did you mean '{guess[0]}'?" if guess else None
                warn(
                    r,
                    0,
                    f"row '{label}' is not a built-in row; read as the custom lane '{lane_id}'",
                    hint,
                )
            custom.append((lane_id, label, r))
            custom_ids.add(lane_id)
            continue
        if key in keyed:
            first = where(keyed[key], 0)
            at = f"row {first[1]}" if first[1] is not None else first[0]
            warn(
                r,
                0,
                f"a second '{label}' row was ignored (the first is at {at})",
                "merge the two rows",
            )
            continue
        keyed[key] = r
    columns_are_steps = "step" not in keyed
    if columns_are_steps and "stage" not in keyed:
        file, line, column = where(0, 0)
        diagnostic = Diagnostic(
            "not a journey-map spreadsheet: no row labelled 'Step' or 'Stage' in the first column",
            file,
            line,
            column,
            hint="the first column labels the rows: Stage, Stage goal, Step, Actions, Touchpoint …",
        )
        raise InvalidInput(diagnostic.render(), [diagnostic])
    if columns_are_steps:
        warn(
            keyed["stage"],
            0,
            "no Step row: each column was read as one step, named from its Actions cell "
            "or, without one, from its stage",
            "add a row labelled 'Step' to name the steps yourself",
        )
        _emotion_words_as_feelings(rows, keyed, warn)

    def cell(key: str, c: int) -> str | None:
        r = keyed.get(key)
        if r is None or c >= len(rows[r]):
            return None
        return cell_text(rows[r][c])

    data_rows = [r for k, r in keyed.items() if k not in {"map", "persona", "scale"}] + [
        r for _, _, r in custom
    ]
    width = max((len(rows[r]) for r in data_rows), default=1)
    name = cell("map", 1) or next(iter(titles), None) or default_name
    scale = _scale(keyed.get("scale"), rows, warn)
    personas = []
    for persona_name in _lines(cell("persona", 1)):
        personas.append(Persona(name=persona_name))

    stages: list[Stage] = []
    placed: list[tuple[int, Step]] = []
    stage_row = keyed.get("stage")
    for c in range(1, width):
        stage_name = cell("stage", c)
        goal = cell("goal", c)
        step_name = cell("step", c)
        step_row = keyed["step"] if "step" in keyed else keyed["stage"]
        lane_text = {key: cell(key, c) for key, _ in LANE_ROWS}
        custom_text = {
            lane_id: cell_text(rows[r][c]) if c < len(rows[r]) else None for lane_id, _, r in custom
        }
        has_step = step_name is not None or any(lane_text.values()) or any(custom_text.values())
        if stage_name is None and goal is None and not has_step:
            continue
        starts_merge = stage_row is not None and (stage_row, c) in merge_starts
        if stage_name is not None and (not stages or stage_name != stages[-1].name or starts_merge):
            stages.append(Stage(name=stage_name, goal=goal))
        elif not stages:
            warn(
                keyed.get("stage", step_row),
                c,
                "column has no stage; put in a stage called 'Untitled stage'",
                "fill in the Stage row",
            )
            stages.append(Stage(name="Untitled stage", goal=goal))
        elif goal is not None and stages[-1].goal is None:
            stages[-1].goal = goal
        elif goal is not None and goal != stages[-1].goal:
            warn(
                keyed["goal"],
                c,
                f"stage goal '{goal}' differs from the goal '{stages[-1].goal}' "
                f"of stage '{stages[-1].name}'; the first was kept",
                "a stage has one goal",
            )
        if not has_step:
            continue
        if columns_are_steps:
            step_name = next(iter(_lines(lane_text["does"])), None) or stages[-1].name
        if step_name is None:
            warn(step_row, c, "column has content but no step name", "fill in the Step row")
        step = Step(name=step_name or "")
        for key in ("does", "touchpoint", "channel", "thinks", "feels", "notes"):
            setattr(step, key, lane_text[key])
        step.zone = _zone(lane_text["zone"], _at(warn, keyed.get("zone"), c))
        step.emotion = _emotion(lane_text["emotion"], _at(warn, keyed.get("emotion"), c))
        step.moment_of_truth = _flag(
            lane_text["moment_of_truth"], _at(warn, keyed.get("moment_of_truth"), c)
        )
        step.actors = _lines(lane_text["actors"])
        step.lanes = {k: v for k, v in custom_text.items() if v is not None}
        stages[-1].steps.append(step)
        placed.append((c, step))

    journey = JourneyMap(
        name=name,
        scale=scale,
        personas=[],
        stages=stages,
        lanes=[*DEFAULT_LANES, *[lane_id for lane_id, _, _ in custom]],
    )
    assign_map_ids(journey)
    opportunities: dict[str, Opportunity] = {}
    for c, step in placed:
        for text in _lines(cell("pain_points", c)):
            pain_name, impact = _impact(text, _at(warn, keyed.get("pain_points"), c))
            journey.pain_points.append(PainPoint(name=pain_name, step=step.id, impact=impact))
        for text in _lines(cell("opportunities", c)):
            opportunity = opportunities.setdefault(text, Opportunity(name=text))
            if step.id not in opportunity.steps:
                opportunity.steps.append(step.id)
    journey.opportunities = list(opportunities.values())
    assign_map_ids(journey)
    lanes = [LaneDefinition(id=lane_id, name=label) for lane_id, label, _ in custom]
    return GridIn(journey, personas, lanes, warnings)


Report = Callable[[str, str | None], None]


def _stage_header_row(rows: Sequence[Sequence[Cell]]) -> int | None:
    """The header row of the stage-columns layout, when no row says 'Step' or 'Stage'.

    In the layout most public journey-map templates use, the first row with cells past
    the first column names the stages, and its first cell is blank or a title
    ("Customer journey"); the row labels below it name the lanes. That row counts as the
    Stage row; rows above it hold only a title in their first cell. None when the sheet
    labels its Step or Stage row, that first row is a known row (a lane; the map's
    name unless it names several stages, as "Journey | Awareness | …" does), or no row
    below it names a lane (then it is not a journey map at all).
    """
    labels = [cell_text(row[0]) if row else None for row in rows]
    if any(
        label is not None and _LABEL_TO_KEY.get(normalize_label(label)) in ("step", "stage")
        for label in labels
    ):
        return None
    first = next(
        (r for r, row in enumerate(rows) if any(cell_text(v) is not None for v in row[1:])), None
    )
    if first is None:
        return None
    label = labels[first]
    key = _LABEL_TO_KEY.get(normalize_label(label)) if label is not None else None
    several = sum(cell_text(v) is not None for v in rows[first][1:]) > 1
    if key is not None and not (key == "map" and several):  # "Journey | Awareness | …"
        return None
    lanes = {key for key, _ in LANE_ROWS}
    below = (_LABEL_TO_KEY.get(normalize_label(text)) for text in labels[first + 1 :] if text)
    return first if any(key in lanes for key in below) else None


def _emotion_words_as_feelings(
    rows: Sequence[Sequence[Cell]],
    keyed: dict[str, int],
    warn: Callable[[int, int, str, str | None], None],
) -> None:
    """Read an 'Emotions' row of words ("Curious", "Frustrated") as the Feels lane.

    Templates in the stage-columns layout use 'Emotions' for what the persona feels,
    not for a score; when any cell of that row is not a number and the sheet has no
    Feels row, the row is the Feels lane and the map has no emotion scores.
    """
    r = keyed.get("emotion")
    if r is None or "feels" in keyed:
        return
    texts = [cell_text(v) for v in rows[r][1:]]
    if all(text is None or parse_number(text) is not None for text in texts):
        return
    keyed["feels"] = keyed.pop("emotion")
    warn(
        r,
        0,
        f"row '{cell_text(rows[r][0])}' holds words, not scores: read as what the persona feels",
        "add an 'Emotion' row of numbers for the sentiment line",
    )


def _at(warn: Callable[[int, int, str, str | None], None], row: int | None, column: int) -> Report:
    """A reporter that warns at one cell."""

    def report(message: str, hint: str | None) -> None:
        warn(row or 0, column, message, hint)

    return report


def _lines(text: str | None) -> list[str]:
    if text is None:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_number(text: str) -> float | None:
    """A number as people type it in spreadsheets (a decimal comma is fine), or None."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text.replace(",", "."))
    return value if value not in (float("inf"), float("-inf")) else None


def _emotion(text: str | None, report: Report) -> float | None:
    if text is None:
        return None
    value = parse_number(text)
    if value is None:
        report(
            f"emotion '{text}' is not a number; the step has no emotion score",
            "write a number on the map's scale",
        )
    return value


def _zone(text: str | None, report: Report) -> Zone:
    if text is None:
        return Zone.frontstage
    word = normalize_label(text).replace(" ", "")
    for zone in Zone:
        if word in (zone.value, zone.value.removesuffix("stage")):
            return zone
    report(
        f"zone '{text}' is neither frontstage nor backstage; read as frontstage",
        "write frontstage or backstage",
    )
    return Zone.frontstage


def _flag(text: str | None, report: Report) -> bool:
    if text is None:
        return False
    word = normalize_label(text)
    if word in _TRUE:
        return True
    if word not in _FALSE:
        report(
            f"moment of truth '{text}' is not yes or no; read as no", "write yes or leave it blank"
        )
    return False


def _impact(text: str, report: Report) -> tuple[str, Impact]:
    match = _IMPACT.match(text)
    if match is None:
        return text, Impact.workaround
    word = normalize_label(match.group(2))
    for impact in Impact:
        if word == impact.value:
            return match.group(1) or text, impact
    close = difflib.get_close_matches(word, [i.value for i in Impact], 1, 0.6)
    guess = close[0] if close else None
    if guess:
        report(
            f"impact '[{match.group(2)}]' of pain point '{match.group(1)}' is not trivial, workaround "
            "or abandon; kept in the name, impact workaround",
            f"did you mean '{guess}'?",
        )
    return text, Impact.workaround


def _scale(
    row: int | None,
    rows: Sequence[Sequence[Cell]],
    warn: Callable[[int, int, str, str | None], None],
) -> SentimentScale:
    if row is None:
        return SentimentScale()
    cells = [cell_text(v) for v in rows[row][1:3]] + [None, None]
    low_text, high_text = cells[0], cells[1]
    if low_text is not None and high_text is None:
        match = _SCALE_TEXT.match(low_text)
        if match:
            low_text, high_text = match.group(1), match.group(2)
    low = parse_number(low_text) if low_text else None
    high = parse_number(high_text) if high_text else None
    if low is None or high is None or high <= low:
        shown = " ".join(t for t in (low_text, high_text) if t) or "nothing"
        warn(
            row,
            1,
            f"scale '{shown}' is not two numbers, lowest first; using -5 … 5",
            "write the lowest score in one cell and the highest in the next",
        )
        return SentimentScale()
    return SentimentScale(min=low, max=high)
