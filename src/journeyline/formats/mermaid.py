"""Mermaid `journey` diagrams in and out (https://mermaid.js.org/syntax/userJourney.html).

A Mermaid journey is a title, sections and tasks::

    journey
        title My working day
        section Go to work
            Make tea: 5: Me
            Do work: 1: Me, Cat

Reading maps a section to a stage, a task to a step with its emotion score (Mermaid's
scale is 1 … 5) and its actors, and creates one persona per distinct actor. Real files
are read leniently: any indentation, CRLF, a BOM, `%%` comments, front matter and
`%%{init}%%` directives, accessibility lines, tasks before the first section. Front
matter is found by Mermaid's own rule (see `_front_matter`), and refused where Mermaid
would refuse the diagram. Anything the file says that the map cannot keep is reported
as a warning naming file:line:column.

Writing keeps only what Mermaid can show: title, `accDescr` (the map's scenario), stage
names, step names, emotion scores (whole numbers 1 … 5, see `mermaid_score`) and
actors; every other field present is reported.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import yaml

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.formats.atomic import write_atomically
from journeyline.formats.registry import FileFormat, Loaded
from journeyline.model import (
    JourneyMap,
    Persona,
    SentimentScale,
    Stage,
    Step,
    Workspace,
    assign_ids,
    slugify,
)

MERMAID_MIN = 1.0
MERMAID_MAX = 5.0
"""Mermaid journey scores run from 1 (unhappy) to 5 (happy)."""

IMPLICIT_STAGE = "Untitled stage"
"""Name of the stage that holds tasks written before any `section` line."""

UNTITLED_STEP = "Untitled step"


class _Warn(Protocol):
    def __call__(self, message: str, hint: str | None = None) -> None: ...


_KEYWORD_GUARD = "\u200b"
"""Zero-width space written before a task name that would otherwise read as a keyword."""

_KEYWORD_START = re.compile(
    r"(?i)(?:title|section)(?:\s|$)|acc(?:title|descr)\s*[:{]|journey(?:\s|$)"
)
_TITLE = re.compile(r"(?i)title(?:\s+(.*))?$", re.S)
_SECTION = re.compile(r"(?i)section(?:\s+(.*))?$", re.S)
_ACC_TITLE = re.compile(r"(?i)acctitle\s*:\s*(.*)$", re.S)
_ACC_DESCR = re.compile(r"(?i)accdescr\s*:\s*(.*)$", re.S)
_ACC_DESCR_BLOCK = re.compile(r"(?i)accdescr\s*\{(.*)$", re.S)
_HEADER = re.compile(r"(?i)journey(?=[\s;]|$)")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_OTHER_DIAGRAMS = (
    "flowchart",
    "graph",
    "sequenceDiagram",
    "classDiagram",
    "classDiagram-v2",
    "stateDiagram",
    "stateDiagram-v2",
    "erDiagram",
    "gantt",
    "pie",
    "quadrantChart",
    "requirementDiagram",
    "gitGraph",
    "C4Context",
    "C4Container",
    "C4Component",
    "C4Dynamic",
    "C4Deployment",
    "mindmap",
    "timeline",
    "zenuml",
    "sankey-beta",
    "xychart-beta",
    "block-beta",
    "packet-beta",
    "kanban",
    "architecture-beta",
    "radar-beta",
    "treemap-beta",
)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


@dataclass
class _Reading:
    """The state of one parse: what has been built so far and the warnings."""

    file: str
    warnings: list[Diagnostic] = field(default_factory=list)
    title: str | None = None
    title_at: tuple[int, int] | None = None
    acc_title: str | None = None
    acc_title_at: tuple[int, int] = (1, 1)
    acc_descr: list[str] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    actors: dict[str, str] = field(default_factory=dict)
    """Actor name → persona id, in order of first appearance."""
    header_seen: bool = False

    def warn(self, line: int, column: int, message: str, hint: str | None = None) -> None:
        self.warnings.append(
            Diagnostic(message, self.file, line, column, hint=hint, severity="warning")
        )

    def fail(self, line: int, column: int, message: str, hint: str | None = None) -> InvalidInput:
        diagnostic = Diagnostic(message, self.file, line, column, hint=hint)
        return InvalidInput(diagnostic.render(), [diagnostic])

    def persona_id(self, actor: str) -> str:
        if actor not in self.actors:
            base = slugify(actor, fallback="persona")
            taken = set(self.actors.values())
            candidate, n = base, 2
            while candidate in taken:
                candidate, n = f"{base}-{n}", n + 1
            self.actors[actor] = candidate
        return self.actors[actor]


def read_mermaid(path: Path) -> Loaded:
    """Read a `.mmd` file holding a Mermaid `journey` diagram."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read the file ({error.strerror or error})") from error
    return parse_mermaid(_decode(data, str(path)), filename=str(path))


def _decode(data: bytes, file: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        diagnostic = Diagnostic(
            f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x})",
            file,
            line,
            column,
            hint="save the diagram as UTF-8",
        )
        raise InvalidInput(diagnostic.render(), [diagnostic]) from error


def parse_mermaid(text: str, filename: str = "<mermaid>") -> Loaded:
    """Parse the text of a Mermaid `journey` diagram into a workspace with one map."""
    reading = _Reading(filename)
    text = text.removeprefix("\ufeff")
    lines = _LINE_BREAK.split(text)
    index = _front_matter(lines, reading)
    directive: tuple[int, int, list[str]] | None = None
    block: tuple[int, int, list[str]] | None = None
    while index < len(lines):
        number, line = index + 1, lines[index]
        index += 1
        if directive is not None:
            end = line.find("}%%")
            if end < 0:
                directive[2].append(line)
                continue
            directive[2].append(line[:end])
            _directive_done(reading, directive)
            directive = None
            line = " " * (end + 3) + line[end + 3 :]
        if block is not None:
            end = line.find("}")
            if end < 0:
                block[2].append(line)
                continue
            block[2].append(line[:end])
            _acc_descr_done(reading, block)
            block = None
            # Mermaid reads on after the closing brace: `} title T` is a title.
            line = " " * (end + 1) + line[end + 1 :]
        code = line
        start = _first_code(line)
        if line.startswith("%%{", start):
            end = line.find("}%%", start + 3)
            if end < 0:
                directive = (number, start + 1, [line[start + 3 :]])
                continue
            _directive_done(reading, (number, start + 1, [line[start + 3 : end]]))
            code = " " * (end + 3) + line[end + 3 :]
        uncommented = code
        comment = code.find("%%")
        if comment >= 0:
            code = code[:comment]
        stripped = code.strip()
        if not stripped:
            continue
        column = _first_code(code) + 1
        if not reading.header_seen:
            code = _header(reading, number, column, code)
            if not code.strip():
                continue
            column = _first_code(code) + 1
            stripped = code.strip()
        handled, block, rest = _acc_line(reading, number, column, stripped)
        if rest is not None:
            # read what follows `accDescr { … }` on this line as the rest of the line
            at = column - 1 + rest
            index -= 1
            lines[index] = " " * at + uncommented[at:]
            continue
        if handled:
            continue
        hash_at = code.find("#")
        if hash_at >= 0:
            ignored = code[hash_at:].strip()
            reading.warn(
                number,
                hash_at + 1,
                f"'{ignored}' ignored: Mermaid reads '#' as the start of a comment",
                "use '%%' for comments; a name cannot contain '#'",
            )
            code = code[:hash_at]
        offset = 0
        for piece in code.split(";"):
            if piece.strip():
                _statement(reading, number, offset + _first_code(piece) + 1, piece.strip())
            offset += len(piece) + 1
    if directive is not None:
        raise reading.fail(
            directive[0], directive[1], "the '%%{' directive is never closed", "end it with '}%%'"
        )
    if block is not None:
        raise reading.fail(
            block[0], block[1], "the 'accDescr {' block is never closed", "end it with '}'"
        )
    if not reading.header_seen:
        raise reading.fail(
            1, 1, "the file holds no diagram", "a Mermaid journey starts with a line 'journey'"
        )
    return _build(reading, filename)


def _first_code(text: str) -> int:
    """Index of the first non-whitespace character (len(text) when there is none)."""
    return len(text) - len(text.lstrip())


def _front_matter(lines: list[str], reading: _Reading) -> int:
    """Skip a `---` front-matter block, keeping its title and warning about the rest.

    The block is read as Mermaid reads it (`frontMatterRegex` in its
    `diagram-api/regexes.ts`): the first line is `---`, indented or not; the block ends
    at the first line that is `---` at exactly the same indentation (a `---` indented
    otherwise belongs to the YAML, as in a multi-line string); the YAML is dedented by
    that indentation, so a tab-indented block reads. A block Mermaid would not find (no
    closing `---` at that indentation, or nothing between the two) is refused, since
    Mermaid then refuses the whole diagram.
    """
    if not lines or lines[0].strip() != "---":
        return 0
    indent = lines[0][: _first_code(lines[0])]
    closing = re.compile(re.escape(indent) + r"---\s*")
    end = next((i for i in range(1, len(lines)) if closing.fullmatch(lines[i])), None)
    if end is None:
        stray = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if stray is not None:
            opening = f"{len(indent)} spaces or tabs" if indent else "no indentation"
            raise reading.fail(
                stray + 1,
                _first_code(lines[stray]) + 1,
                "this '---' is indented differently from the '---' that opens the front matter "
                f"at line 1 ({opening}), so Mermaid does not read it as the end: the front "
                "matter is never closed",
                "put the closing '---' at the same indentation as the opening one",
            )
        raise reading.fail(
            1, 1, "the front matter opened here is never closed", "add a line '---' after it"
        )
    if end == 1:
        raise reading.fail(
            1,
            1,
            "the front matter is empty: Mermaid needs at least one line between the two '---'",
            "remove both '---' lines, or put 'title: …' between them",
        )
    body = [line[len(indent) :] if line.startswith(indent) else line for line in lines[1:end]]
    source = "\n".join(body)
    try:
        data = yaml.safe_load(source) if source.strip() else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        column = mark.column + 1 + len(indent) if mark is not None else 1
        reading.warn(
            line,
            column,
            "the front matter is not valid YAML and was ignored",
            str(error).splitlines()[0],
        )
        return end + 1
    if data is None:
        return end + 1
    if not isinstance(data, dict):
        reading.warn(2, 1, "the front matter is not a mapping of keys and was ignored")
        return end + 1
    for key, value in data.items():
        line = next((i + 1 for i in range(1, end) if lines[i].lstrip().startswith(f"{key}:")), 2)
        column = _first_code(lines[line - 1]) + 1
        if key == "title" and isinstance(value, str | int | float):
            reading.title = str(value).strip()
            reading.title_at = (line, column)
        else:
            reading.warn(
                line,
                column,
                f"front matter key '{key}' ignored",
                "Journeyline keeps no Mermaid configuration; only 'title' is read",
            )
    return end + 1


def _directive_done(reading: _Reading, directive: tuple[int, int, list[str]]) -> None:
    content = "\n".join(directive[2]).strip()
    if content:
        summary = " ".join(content.split())
        summary = summary if len(summary) <= 60 else summary[:57] + "…"
        reading.warn(
            directive[0],
            directive[1],
            f"Mermaid directive '%%{{{summary}}}%%' ignored",
            "Journeyline keeps no Mermaid configuration",
        )


def _acc_descr_done(reading: _Reading, block: tuple[int, int, list[str]]) -> None:
    text = "\n".join(line.strip() for line in block[2]).strip()
    if text:
        reading.acc_descr.append(text)


def _header(reading: _Reading, line: int, column: int, code: str) -> str:
    """Check the first statement is `journey`; return what follows it on the line."""
    stripped = code.strip()
    match = _HEADER.match(stripped)
    if match is None:
        word = re.split(r"[\s;]", stripped)[0]
        known = {name.lower(): name for name in _OTHER_DIAGRAMS}
        if word.lower() in known:
            message = f"this is a Mermaid '{known[word.lower()]}' diagram, not a user journey"
        else:
            message = f"expected 'journey' at the start of the diagram, found '{word}'"
        raise reading.fail(
            line,
            column,
            message,
            "Journeyline imports Mermaid 'journey' diagrams: the first line must be 'journey'",
        )
    reading.header_seen = True
    start = column - 1
    return " " * (start + match.end()) + code[start + match.end() :]


def _acc_line(
    reading: _Reading, line: int, column: int, stripped: str
) -> tuple[bool, tuple[int, int, list[str]] | None, int | None]:
    """Handle accTitle/accDescr lines.

    Returns (was this one, the `accDescr {` block left open, where in `stripped` code
    goes on after a one-line `accDescr { … }`: Mermaid's lexer reads on after the brace).
    """
    match = _ACC_TITLE.match(stripped)
    if match:
        reading.acc_title = match.group(1).strip()
        reading.acc_title_at = (line, column)
        return True, None, None
    match = _ACC_DESCR.match(stripped)
    if match:
        if match.group(1).strip():
            reading.acc_descr.append(match.group(1).strip())
        return True, None, None
    match = _ACC_DESCR_BLOCK.match(stripped)
    if match is None:
        return False, None, None
    rest = match.group(1)
    end = rest.find("}")
    if end < 0:
        return True, (line, column, [rest]), None
    _acc_descr_done(reading, (line, column, [rest[:end]]))
    after = match.start(1) + end + 1
    return True, None, after if stripped[after:].strip() else None


def _statement(reading: _Reading, line: int, column: int, text: str) -> None:
    if _HEADER.match(text):
        reading.warn(line, column, "a second 'journey' header was ignored")
        return
    match = _TITLE.match(text)
    if match:
        title = (match.group(1) or "").strip()
        if reading.title and title and title != reading.title and reading.title_at:
            at = reading.title_at
            reading.warn(
                line,
                column,
                f"title '{title}' replaces the title '{reading.title}' given at line {at[0]}",
                "a diagram has one title",
            )
        if title:
            reading.title, reading.title_at = title, (line, column)
        return
    match = _SECTION.match(text)
    if match:
        name = (match.group(1) or "").strip()
        if not name:
            reading.warn(line, column, f"section with no name; called '{IMPLICIT_STAGE}'")
            name = IMPLICIT_STAGE
        reading.stages.append(Stage(name=name))
        return
    _task(reading, line, column, text)


def _task(reading: _Reading, line: int, column: int, text: str) -> None:
    colon = text.find(":")
    raw_name = text if colon < 0 else text[:colon]
    name = raw_name.strip()
    if name.startswith(_KEYWORD_GUARD) and _KEYWORD_START.match(name[1:]):
        name = name[1:]
    if not name:
        reading.warn(line, column, f"task with no name; called '{UNTITLED_STEP}'")
        name = UNTITLED_STEP
    if not reading.stages:
        reading.warn(
            line,
            column,
            f"task '{name}' comes before any section; put in a stage called '{IMPLICIT_STAGE}'",
            "add a 'section' line above it",
        )
        reading.stages.append(Stage(name=IMPLICIT_STAGE))
    step = Step(name=name)
    reading.stages[-1].steps.append(step)
    if colon < 0:
        reading.warn(
            line,
            column + len(text),
            f"task '{name}' has no score; the step has no emotion score",
            "write 'Task: 3: Actor' with a score from 1 to 5",
        )
        return
    pieces = text[colon + 1 :].split(":")
    score_column = column + colon + 1 + _first_code(pieces[0])
    step.emotion = _score(reading, line, score_column, name, pieces[0].strip())
    if len(pieces) > 1:
        # Mermaid's actors are the people the task concerns: each becomes a persona, and the
        # step names them as its personas only (not also as backstage actors).
        actors = [actor.strip() for actor in pieces[1].split(",")]
        step.personas = list(dict.fromkeys(reading.persona_id(a) for a in actors if a))
    if len(pieces) > 2:
        extra_at = column + colon + 1 + len(pieces[0]) + 1 + len(pieces[1])
        extra = ":".join(pieces[2:]).strip()
        reading.warn(
            line,
            extra_at + 1,
            f"':{extra}' after the actors of task '{name}' ignored",
            "a task is 'name: score: actor, actor'",
        )


def _score(reading: _Reading, line: int, column: int, name: str, text: str) -> float | None:
    if not text:
        reading.warn(
            line,
            column,
            f"task '{name}' has no score; the step has no emotion score",
            "write a score from 1 to 5",
        )
        return None
    if not _NUMBER.fullmatch(text):
        reading.warn(
            line,
            column,
            f"score '{text}' of task '{name}' is not a number; the step has no emotion score",
            "write a score from 1 to 5",
        )
        return None
    score = float(text.replace(",", "."))
    if not math.isfinite(score):
        reading.warn(line, column, f"score '{text}' of task '{name}' is too large; ignored")
        return None
    if not MERMAID_MIN <= score <= MERMAID_MAX:
        reading.warn(
            line,
            column,
            f"score {text} of task '{name}' is outside Mermaid's scale 1 … 5; kept as written",
        )
    return score


def _build(reading: _Reading, filename: str) -> Loaded:
    name = reading.title or reading.acc_title
    if reading.title and reading.acc_title and reading.acc_title != reading.title:
        reading.warn(
            *reading.acc_title_at,
            f"accTitle '{reading.acc_title}' not kept: the map's name is the title '{reading.title}'",
        )
    if not name:
        stem = Path(filename).stem if not filename.startswith("<") else ""
        name = stem or "Mermaid journey"
    personas = [Persona(id=pid, name=actor) for actor, pid in reading.actors.items()]
    journey = JourneyMap(
        name=name,
        personas=[p.id for p in personas],
        scenario="\n".join(reading.acc_descr) or None,
        scale=SentimentScale(min=MERMAID_MIN, max=MERMAID_MAX),
        stages=reading.stages,
    )
    workspace = assign_ids(Workspace(personas=personas, maps=[journey]))
    return Loaded(workspace, reading.warnings)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

_LOOKALIKES = {
    ":": "\ua789",  # modifier letter colon
    "#": "\uff03",  # fullwidth number sign
    ";": "\uff1b",  # fullwidth semicolon
    ",": "\uff0c",  # fullwidth comma
    "}": "\uff5d",  # fullwidth right curly bracket
}


def to_mermaid(source: Workspace | JourneyMap, map_id: str | None = None) -> str:
    """The Mermaid `journey` diagram of one map: `map_id`'s, or the workspace's only map."""
    return export_mermaid(source, map_id)[0]


def export_mermaid(
    source: Workspace | JourneyMap, map_id: str | None = None, file: str | None = None
) -> tuple[str, list[Diagnostic]]:
    """The diagram text and a warning for everything Mermaid cannot carry."""
    workspace = source if isinstance(source, Workspace) else None
    journey = source if isinstance(source, JourneyMap) else source.pick_map(map_id)
    warnings: list[Diagnostic] = []

    def warn(message: str, hint: str | None = None) -> None:
        warnings.append(Diagnostic(message, file, hint=hint, severity="warning"))

    def clean(text: str, what: str, forbidden: str) -> str:
        result = " ".join(text.split("\n")).replace("\r", " ").strip()
        if "%%" in result:
            result = result.replace("%%", "%\uff05")
        for char in forbidden:
            result = result.replace(char, _LOOKALIKES[char])
        if result != text.strip():
            warn(
                f"{what} '{text}' has characters Mermaid cannot carry; written as '{result}'",
                "Mermaid names cannot hold line breaks, '%%' or "
                + ", ".join(f"'{c}'" for c in forbidden),
            )
        return result

    persona_names = {p.id: p.name for p in workspace.personas} if workspace else {}
    score_warning = _score_warning(journey)
    if score_warning is not None:
        warn(*score_warning)
    out = ["journey"]
    title = clean(journey.name, "map title", "#;")
    if title:
        out.append(f"    title {title}")
    if journey.scenario:
        out.append(_acc_descr(journey.scenario, warn))
    unscored: list[str] = []
    for stage in journey.stages:
        stage_name = clean(stage.name, "stage name", ":#;") or IMPLICIT_STAGE
        out.append(f"    section {stage_name}")
        for step in stage.steps:
            name = clean(step.name, "step name", ":#;")
            if not name:
                warn(f"a step with no name was written as '{UNTITLED_STEP}'")
                name = UNTITLED_STEP
            if _KEYWORD_START.match(name):
                name = _KEYWORD_GUARD + name
            if step.emotion is None:
                unscored.append(step.name)
                score = "3"
            else:
                score = str(mermaid_score(step.emotion, journey.scale))
            names = step.actors or [persona_names.get(pid, pid) for pid in step.personas]
            actors = [clean(actor, "actor", ":#;,") for actor in names]
            actors = [actor for actor in actors if actor]
            line = f"        {name}: {score}"
            if actors:
                line += ": " + ", ".join(actors)
            out.append(line)
    if unscored:
        warn(
            f"{_count(len(unscored), 'step')} without an emotion score written with the neutral "
            f"score 3 ({_sample(unscored)})",
            "Mermaid needs a score for every task",
        )
    warnings.extend(_dropped(journey, file))
    return "\n".join(out) + "\n", warnings


def _acc_descr(scenario: str, warn: _Warn) -> str:
    text = scenario.strip()
    if "}" in text:
        text = text.replace("}", _LOOKALIKES["}"])
        warn("the scenario's '}' was written as '｝': it would end Mermaid's accDescr block")
    if "\n" not in text:
        return f"    accDescr: {text}"
    body = "\n".join(f"        {line.strip()}" for line in text.splitlines())
    return "    accDescr {\n" + body + "\n    }"


def _on_mermaid_scale(score: float, scale: SentimentScale) -> float:
    """A score moved linearly from the map's scale onto Mermaid's 1 … 5 (unrounded)."""
    if scale.min == MERMAID_MIN and scale.max == MERMAID_MAX:
        return score
    return MERMAID_MIN + (score - scale.min) / scale.span * (MERMAID_MAX - MERMAID_MIN)


def mermaid_score(score: float, scale: SentimentScale) -> int:
    """A map's emotion score as the whole number 1 … 5 that a Mermaid journey task takes.

    The score is moved linearly from the map's scale onto 1 … 5 (a 1 … 5 map is not
    moved), rounded half up (3.5 → 4), and held to 1 … 5 (a score outside the map's
    own scale is written at the nearer end). Mermaid's grammar reads any number after
    the task's colon, but its documentation gives tasks whole scores from 1 to 5 and
    its renderer places the face by the score, so only those are written.
    """
    value = math.floor(_on_mermaid_scale(score, scale) + 0.5)
    return int(min(max(value, MERMAID_MIN), MERMAID_MAX))


def _score_warning(journey: JourneyMap) -> tuple[str, str] | None:
    """One warning for every score that `mermaid_score` had to move, naming the steps."""
    scale = journey.scale
    scored = [(step.name, step.emotion) for step in journey.steps() if step.emotion is not None]
    if not scored:
        return None
    changed: list[str] = []
    for name, emotion in scored:
        written = mermaid_score(emotion, scale)
        if written != _on_mermaid_scale(emotion, scale):
            outside = "" if scale.contains(emotion) else " (outside the map's scale)"
            changed.append(f"'{name}' {emotion:g} → {written}{outside}")
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    hint = "a Mermaid journey scores each task with a whole number from 1 to 5"
    if scale.min != MERMAID_MIN or scale.max != MERMAID_MAX:
        point = scale.span / (MERMAID_MAX - MERMAID_MIN)
        message = (
            f"map '{journey.name}' uses the scale {scale.min:g} … {scale.max:g}; emotion scores "
            f"were rescaled to Mermaid's 1 … 5 (one Mermaid point is {point:g} on the map's "
            "scale) and rounded"
        )
        return (message + (f": {shown}" if changed else ""), hint)
    if not changed:
        return None
    return (
        f"{_count(len(changed), 'emotion score')} written as Mermaid's whole numbers 1 … 5: "
        + shown,
        hint,
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _sample(names: list[str]) -> str:
    shown = ", ".join(f"'{name}'" for name in names[:3])
    return shown + (" …" if len(names) > 3 else "")


def _dropped(journey: JourneyMap, file: str | None) -> list[Diagnostic]:
    """One warning per kind of content that a Mermaid journey cannot show."""
    dropped: list[str] = []
    steps = journey.steps()
    for attr, label in (
        ("touchpoint", "touchpoints"),
        ("channel", "channels"),
        ("does", "'does'"),
        ("thinks", "'thinks'"),
        ("feels", "'feels'"),
        ("description", "descriptions"),
        ("notes", "notes"),
        ("image", "images"),
        ("metrics", "metrics"),
        ("branches", "branches"),
        ("events", "event matchers"),
        ("measured", "measured figures"),
        ("lanes", "custom-lane text"),
        ("emotions", "per-persona emotion scores"),
    ):
        n = sum(1 for step in steps if getattr(step, attr))
        if n:
            dropped.append(f"{label} of {_count(n, 'step')}")
    n = sum(1 for step in steps if step.moment_of_truth)
    if n:
        dropped.append(f"{_count(n, 'moment')} of truth")
    for attr, label in (
        ("goal", "goals"),
        ("expectations", "expectations"),
        ("duration", "durations"),
        ("description", "descriptions"),
        ("metrics", "metrics"),
    ):
        n = sum(1 for stage in journey.stages if getattr(stage, attr))
        if n:
            dropped.append(f"{label} of {_count(n, 'stage')}")
    for items, label in (
        (journey.pain_points, "pain point"),
        (journey.opportunities, "opportunity"),
        (journey.evidence, "piece of evidence"),
    ):
        if items:
            plural = {"opportunity": "opportunities", "piece of evidence": "pieces of evidence"}
            dropped.append(
                f"{len(items)} {label if len(items) == 1 else plural.get(label, label + 's')}"
            )
    scope = [
        label
        for attr, label in (
            ("goal", "goal"),
            ("timeframe", "timeframe"),
            ("owner", "owner"),
            ("review_date", "review date"),
            ("segment", "segment"),
            ("based_on", "based-on map"),
            ("depth", "depth"),
            ("tags", "tags"),
        )
        if getattr(journey, attr)
    ]
    if any(journey.backstory.model_dump(exclude_defaults=True).values()):
        scope.append("back-story")
    if scope:
        dropped.append("the map's " + ", ".join(scope))
    if not dropped:
        return []
    return [
        Diagnostic(
            "not written (a Mermaid journey holds only titles, stage and step names, scores and "
            "actors): " + "; ".join(dropped),
            file,
            hint="export YAML to keep everything",
            severity="warning",
        )
    ]


def write_mermaid(workspace: Workspace, path: Path) -> list[Diagnostic]:
    """Write the workspace's map as a Mermaid `journey` diagram (it holds one map)."""
    text, warnings = export_mermaid(workspace, file=str(path))
    write_atomically({path: text})
    return warnings


MERMAID_FORMAT = FileFormat(
    name="mermaid",
    extensions=(".mmd", ".mermaid"),
    description="Mermaid journey diagram: stages, steps, 1–5 scores and actors",
    read=read_mermaid,
    write=write_mermaid,
    one_map=True,
)
