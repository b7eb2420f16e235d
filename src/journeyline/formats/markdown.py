"""Markdown export: a journey map as a document people read (in a wiki, a PR, a README).

Title, scope table, persona factsheet, back-story, one section per stage (its goal and a
table of steps), pain points with impact, opportunities with votes and owner, evidence.
Everything a user typed is escaped: it shows as text and never becomes markup (a pipe
cannot break a table, a leading '#' makes no heading, `<script>` shows as written).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from journeyline.errors import Diagnostic
from journeyline.formats.atomic import write_atomically
from journeyline.formats.registry import FileFormat
from journeyline.model import (
    Evidence,
    JourneyMap,
    Metric,
    Opportunity,
    PainPoint,
    Persona,
    Stage,
    Step,
    Workspace,
)

_INLINE = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\s*)([#+\-=])|^(\s*\d+)([.)])")


def escape(text: str) -> str:
    """One line of user text as literal Markdown: no emphasis, links, tables cells or HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    before = match.group(1) if match.group(1) is not None else match.group(3)
    mark = match.group(2) if match.group(2) is not None else match.group(4)
    return f"{before}\\{mark}"


def heading(text: str) -> str:
    """User text for a heading: one line, escaped."""
    return escape(" ".join(text.split()))


def escape_block(text: str) -> str:
    """User text of several lines: each line escaped, line breaks kept as hard breaks."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(
        "\\\n".join(escape(line.strip()) for line in paragraph.splitlines() if line.strip())
        for paragraph in paragraphs
    )


def cell(text: str | None) -> str:
    """User text for a table cell: escaped, line breaks as <br>."""
    if not text:
        return ""
    return "<br>".join(escape(line) for line in text.strip().splitlines())


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _number(value: float) -> str:
    return f"{value:g}"


def to_markdown(source: Workspace | JourneyMap, map_id: str | None = None) -> str:
    """The Markdown document for a workspace's maps (or one map)."""
    return export_markdown(source, map_id)[0]


def export_markdown(
    source: Workspace | JourneyMap, map_id: str | None = None, file: str | None = None
) -> tuple[str, list[Diagnostic]]:
    """The document and warnings for what it leaves out."""
    workspace = source if isinstance(source, Workspace) else Workspace(maps=[source])
    maps = workspace.maps if map_id is None else workspace.pick_maps(map_id)
    out: list[str] = []
    level = 1
    if len(maps) > 1:
        out += [f"# {heading(workspace.name or 'Journey maps')}", ""]
        if workspace.description:
            out += [escape_block(workspace.description), ""]
        level = 2
    if not maps:
        out += [f"# {heading(workspace.name or 'Journey maps')}", "", "_No journey maps yet._", ""]
    warnings: list[Diagnostic] = []
    for journey in maps:
        out += _map(workspace, journey, level)
        left_out = _left_out(journey)
        if left_out:
            warnings.append(
                Diagnostic(
                    f"map '{journey.name}': not shown in Markdown: " + "; ".join(left_out),
                    file,
                    hint="export YAML to keep everything",
                    severity="warning",
                )
            )
    return "\n".join(out).rstrip() + "\n", warnings


def write_markdown(workspace: Workspace, path: Path) -> list[Diagnostic]:
    """Write every map of the workspace as one Markdown document."""
    text, warnings = export_markdown(workspace, file=str(path))
    write_atomically({path: text})
    return warnings


def _map(workspace: Workspace, journey: JourneyMap, level: int) -> list[str]:
    h = "#" * level
    out = [f"{h} {heading(journey.name)}", ""]
    evidence_ids = _evidence_numbers(workspace, journey)
    if not evidence_ids:
        out += ["> This map rests on no evidence yet: every element is an assumption.", ""]
    out += _scope(journey, h)
    for persona in workspace.personas_of(journey):
        out += _persona(persona, h, workspace, evidence_ids)
    out += _backstory(journey, h)
    pains_by_stage, opportunities_by_stage, loose_pains, loose_opps = _placed(journey)
    lane_names = {lane.id: lane.name for lane in workspace.lanes}
    for number, stage in enumerate(journey.stages, start=1):
        out += _stage(journey, stage, number, h, evidence_ids, lane_names)
        out += _pain_list(pains_by_stage.get(stage.id, []), journey, f"{h}##", "Pain points")
        out += _opportunity_list(
            opportunities_by_stage.get(stage.id, []), journey, f"{h}##", "Opportunities"
        )
    out += _pain_list(loose_pains, journey, f"{h}#", "Pain points not tied to a stage")
    out += _opportunity_list(loose_opps, journey, f"{h}#", "Opportunities not tied to a stage")
    out += _evidence(workspace, journey, evidence_ids, h)
    return out


def _scope(journey: JourneyMap, h: str) -> list[str]:
    rows = [
        ("Scenario", journey.scenario),
        ("Goal", journey.goal),
        ("Type", _label(journey.type.value)),
        ("Timeframe", journey.timeframe),
        ("Depth", _label(journey.depth) if journey.depth else None),
        ("Status", _label(journey.status.value)),
        ("Owner", journey.owner),
        ("Review date", journey.review_date.isoformat() if journey.review_date else None),
        ("Tags", ", ".join(journey.tags) if journey.tags else None),
    ]
    out = [f"{h}# Scope", "", "| | |", "|---|---|"]
    out += [f"| {name} | {cell(value)} |" for name, value in rows if value]
    out.append(f"| Emotion scale | {_number(journey.scale.min)} … {_number(journey.scale.max)} |")
    return [*out, ""]


def _persona(
    persona: Persona, h: str, workspace: Workspace, evidence_ids: dict[str, int]
) -> list[str]:
    out = [f"{h}# Persona: {heading(persona.name)}", ""]
    if persona.role:
        out += [f"_{escape(persona.role)}_", ""]
    if persona.quote:
        out += ["> " + escape_block(persona.quote).replace("\n", "\n> "), ""]
    if persona.bio:
        out += [escape_block(persona.bio), ""]
    facts = [(key, value) for key, value in persona.demographics.items()]
    if persona.tech_savviness:
        facts.append(("Tech-savviness", persona.tech_savviness.value))
    if persona.preferred_channels:
        facts.append(("Preferred channels", ", ".join(persona.preferred_channels)))
    if facts:
        out += ["| | |", "|---|---|", *[f"| {cell(k)} | {cell(v)} |" for k, v in facts], ""]
    for title, items in (
        ("Goals", persona.goals),
        ("Challenges", persona.challenges),
        ("Values", persona.values),
        ("Fears", persona.fears),
        ("Needs", persona.needs),
        ("Motivations", persona.motivations),
    ):
        out += _bullets(title, items)
    for title, text in (
        ("Marketing message", persona.marketing_message),
        ("Elevator pitch", persona.elevator_pitch),
    ):
        if text:
            out += [f"**{title}:** {escape_block(text)}", ""]
    refs = [
        evidence_ids[e.id]
        for e in workspace.evidence
        if persona.id in e.links and e.id in evidence_ids
    ]
    if refs:
        out += ["Evidence: " + ", ".join(f"E{n}" for n in refs), ""]
    return out


def _bullets(title: str, items: Iterable[str]) -> list[str]:
    lines = [f"- {cell(item)}" for item in items]
    return [f"**{title}**", "", *lines, ""] if lines else []


def _backstory(journey: JourneyMap, h: str) -> list[str]:
    story = journey.backstory
    body: list[str] = []
    if story.highest_goal:
        body += [f"**Highest goal:** {escape_block(story.highest_goal)}", ""]
    if story.story:
        body += [escape_block(story.story), ""]
    body += _bullets("Pain points", story.pain_points)
    body += _bullets("Requirements", story.requirements)
    body += _bullets("Desired outcomes", story.outcomes)
    return [f"{h}# Back-story", "", *body] if body else []


def _stage(
    journey: JourneyMap,
    stage: Stage,
    number: int,
    h: str,
    evidence_ids: dict[str, int],
    lane_names: dict[str, str],
) -> list[str]:
    out = [f"{h}# Stage {number}: {heading(stage.name)}", ""]
    for title, value in (("Goal", stage.goal), ("Duration", stage.duration)):
        if value:
            out += [f"**{title}:** {escape_block(value)}", ""]
    if stage.description:
        out += [escape_block(stage.description), ""]
    out += _bullets("Expectations", stage.expectations)
    out += _metrics(stage.metrics)
    if not stage.steps:
        return [*out, "_No steps yet._", ""]
    steps = stage.steps
    extra = [name for name in ("Actors", "Notes") if any(_extra(s, name) for s in steps)]
    custom = list(dict.fromkeys(key for s in steps for key in s.lanes))
    columns = ["#", "Step", "Touchpoint", "Channel", "Does", "Thinks", "Feels", "Emotion", *extra]
    columns += [escape(lane_names.get(key, key)) for key in custom]
    if evidence_ids:
        columns.append("Evidence")
    out += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    first = sum(len(s.steps) for s in journey.stages[: number - 1]) + 1
    for n, step in enumerate(steps, start=first):
        row = [
            str(n),
            _step_name(step, journey),
            cell(step.touchpoint),
            cell(step.channel.replace("_", " ") if step.channel else None),
            cell(step.does),
            cell(step.thinks),
            cell(step.feels),
            _emotion(step),
        ]
        row += [cell(_extra(step, name)) for name in extra]
        row += [cell(step.lanes.get(key)) for key in custom]
        if evidence_ids:
            refs = [f"E{evidence_ids[e.id]}" for e in journey.evidence if step.id in e.links]
            row.append(", ".join(refs) or "none (assumption)")
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    for step in steps:
        if step.metrics:
            out += [f"Metrics for {heading(step.name)}:", "", *_metrics(step.metrics)[2:]]
    from journeyline.render.measured_cell import measured_lines, provenance  # the lane's words

    for step in steps:
        lines = measured_lines(step) if step.measured else []
        if lines and step.measured is not None:
            out += [f"Measured for {heading(step.name)}:", ""]
            out += [f"- {cell(line)}" for line in lines]
            if step.measured.weekly:
                out.append(f"- Weekly: {', '.join(f'{n:,}' for n in step.measured.weekly)}")
            out += [f"- Source: {cell(provenance(step.measured))}", ""]
    return out


def _extra(step: Step, column: str) -> str | None:
    return ", ".join(step.actors) if column == "Actors" else step.notes


def _step_name(step: Step, journey: JourneyMap) -> str:
    parts = [f"**{cell(step.name)}**" if step.moment_of_truth else cell(step.name)]
    if step.moment_of_truth:
        parts.append("(moment of truth)")
    if step.kind.value != "action":
        parts.append(f"({step.kind.value})")
    if step.zone.value == "backstage":
        parts.append("(backstage)")
    for branch in step.branches:
        target = journey.find_step(branch.to) if branch.to else None
        where = cell(target.name) if target else "end"
        parts.append(f"<br>{cell(branch.label)} → {where}")
    return " ".join(parts)


def _emotion(step: Step) -> str:
    if step.emotions:
        return "<br>".join(f"{cell(pid)}: {_number(v)}" for pid, v in step.emotions.items())
    return "" if step.emotion is None else _number(step.emotion)


def _metrics(metrics: list[Metric]) -> list[str]:
    if not metrics:
        return []
    lines = []
    for metric in metrics:
        text = escape(metric.name)
        if metric.value is not None:
            text += f": {escape(str(metric.value))}{escape(metric.unit or '')}"
        if metric.target is not None:
            text += f" (target {escape(str(metric.target))}{escape(metric.unit or '')})"
        if metric.source:
            text += f", from {escape(metric.source)}"
        lines.append(f"- {text}")
    return ["**Metrics**", "", *lines, ""]


def _placed(
    journey: JourneyMap,
) -> tuple[
    dict[str, list[PainPoint]], dict[str, list[Opportunity]], list[PainPoint], list[Opportunity]
]:
    pains: dict[str, list[PainPoint]] = {}
    loose_pains: list[PainPoint] = []
    for pain in journey.pain_points:
        stage = journey.stage_of(pain.step) if pain.step else None
        if stage is None:
            loose_pains.append(pain)
        else:
            pains.setdefault(stage.id, []).append(pain)
    pain_step = {p.id: p.step for p in journey.pain_points if p.step}
    opportunities: dict[str, list[Opportunity]] = {}
    loose: list[Opportunity] = []
    for opportunity in journey.opportunities:
        steps = [
            *opportunity.steps,
            *[pain_step[p] for p in opportunity.pain_points if p in pain_step],
        ]
        stage = next((s for s in (journey.stage_of(step) for step in steps) if s is not None), None)
        if stage is None:
            loose.append(opportunity)
        else:
            opportunities.setdefault(stage.id, []).append(opportunity)
    return pains, opportunities, loose_pains, loose


_IMPACT_WORDS = {
    "trivial": "trivial",
    "workaround": "needs a workaround",
    "abandon": "makes the persona abandon",
}


def _pain_list(pains: list[PainPoint], journey: JourneyMap, h: str, title: str) -> list[str]:
    if not pains:
        return []
    out = [f"{h} {title}", ""]
    for pain in pains:
        text = f"- **{cell(pain.name)}** ({_IMPACT_WORDS[pain.impact.value]}"
        if pain.reach is not None:
            text += f", reaches {pain.reach:.0%}"
        step = journey.find_step(pain.step) if pain.step else None
        if step is not None:
            text += f"; at step {cell(step.name)}"
        text += ")"
        if pain.description:
            text += f": {cell(pain.description)}"
        out.append(text)
    return [*out, ""]


def _opportunity_list(
    items: list[Opportunity], journey: JourneyMap, h: str, title: str
) -> list[str]:
    if not items:
        return []
    out = [f"{h} {title}", ""]
    pain_names = {p.id: p.name for p in journey.pain_points}
    for opportunity in items:
        facts = [f"{opportunity.votes} vote{'s' if opportunity.votes != 1 else ''}"]
        if opportunity.owner:
            facts.append(f"owner {cell(opportunity.owner)}")
        if opportunity.effort:
            facts.append(f"effort {opportunity.effort.value.upper()}")
        if opportunity.impact:
            facts.append(f"{opportunity.impact.value} impact")
        facts.append(_label(opportunity.status.value).lower())
        text = f"- **{cell(opportunity.name)}** ({', '.join(facts)})"
        addressed = [cell(pain_names[p]) for p in opportunity.pain_points if p in pain_names]
        if addressed:
            text += "; addresses " + ", ".join(addressed)
        if opportunity.description:
            text += f": {cell(opportunity.description)}"
        out.append(text)
    return [*out, ""]


def _map_evidence(workspace: Workspace, journey: JourneyMap) -> list[Evidence]:
    linked = {journey.id, *journey.personas}
    shared = [e for e in workspace.evidence if linked & set(e.links)]
    return [*journey.evidence, *shared]


def _evidence_numbers(workspace: Workspace, journey: JourneyMap) -> dict[str, int]:
    return {e.id: n for n, e in enumerate(_map_evidence(workspace, journey), start=1)}


def _evidence(
    workspace: Workspace, journey: JourneyMap, numbers: dict[str, int], h: str
) -> list[str]:
    items = _map_evidence(workspace, journey)
    if not items:
        return []
    names = {e.id: e.name for e in journey.stages} | {s.id: s.name for s in journey.steps()}
    names |= {p.id: p.name for p in journey.pain_points} | {
        p.id: p.name for p in workspace.personas
    }
    out = [f"{h}# Evidence", ""]
    for item in items:
        facts = [_label(item.kind.value)]
        if item.source:
            facts.append(cell(item.source))
        if item.date:
            facts.append(item.date.isoformat())
        text = f"{numbers[item.id]}. **{cell(item.name)}** ({', '.join(facts)})"
        if item.quote:
            text += f": “{cell(item.quote)}”"
        if item.summary:
            text += f" — {cell(item.summary)}"
        supports = [cell(names.get(link, link)) for link in item.links if link != journey.id]
        if supports:
            text += f". Supports: {', '.join(supports)}"
        if item.url:
            text += f". Source: {cell(item.url)}"
        out.append(text)
    return [*out, ""]


def _left_out(journey: JourneyMap) -> list[str]:
    steps = journey.steps()
    out = []
    for attr, label in (
        ("events", "event matchers"),
        ("image", "images"),
        ("description", "descriptions"),
    ):
        n = sum(1 for step in steps if getattr(step, attr))
        if n:
            out.append(f"{label} of {n} step{'s' if n != 1 else ''}")
    if any(stage.measured for stage in journey.stages):
        out.append("measured figures of stages")
    return out


MARKDOWN_FORMAT = FileFormat(
    name="markdown",
    extensions=(".md", ".markdown"),
    description="Markdown document to read: scope, persona, stages with step tables, pain points, evidence",
    read=None,
    write=write_markdown,
)
