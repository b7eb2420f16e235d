"""The stakeholder summary: scope, worst pain points, low points, ranked ideas, who should know,
and the action plan, written as Markdown (or JSON) for a fast share-out."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from journeyline.analysis.analyze import analyze_map
from journeyline.analysis.config import AnalysisConfig
from journeyline.analysis.findings import Finding
from journeyline.analysis.priorities import RankedOpportunity, rank_opportunities
from journeyline.model import JourneyMap, OpportunityStatus, PainPoint, Workspace

_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])")


def escape_markdown(text: str | None) -> str:
    """User text made safe inside Markdown: one line, `&`, `<` and `>` as HTML entities, and
    the characters that start emphasis, code, links, tables or strike-through escaped (plus a
    leading `#`, `-`, `+`, `=` or list number), so it always shows as written."""
    if text is None:
        return ""
    flat = " ".join(str(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MD_INLINE.sub(r"\\\1", flat)
    return _MD_LINE_START.sub(_escape_line_start, flat)


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match.group(2)
    if marker[0].isdigit():
        return match.group(1) + marker[:-1] + "\\" + marker[-1]
    return match.group(1) + "\\" + marker


@dataclass(frozen=True)
class PainEntry:
    """A pain point with where it is and how heavily it weighs."""

    pain: PainPoint
    stage: str | None
    step: str | None
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.pain.id,
            "name": self.pain.name,
            "impact": self.pain.impact.value,
            "reach": self.pain.reach,
            "stage": self.stage,
            "step": self.step,
            "weight": round(self.weight, 3),
        }


@dataclass(frozen=True)
class LowPoint:
    """A low point of the sentiment line."""

    stage: str
    step: str
    score: float
    normalized: float
    persona: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "step": self.step,
            "score": self.score,
            "normalized": round(self.normalized, 3),
            "persona": self.persona,
        }


@dataclass
class StakeholderSummary:
    """Everything the summary says about one map, ready to be written as Markdown or JSON."""

    journey: JourneyMap
    scope: dict[str, str]
    pain_points: list[PainEntry]
    low_points: list[LowPoint]
    opportunities: list[RankedOpportunity]
    teams: dict[str, list[str]]
    plan: dict[str, list[RankedOpportunity]]
    findings: list[Finding] = field(default_factory=list)
    scale: str = ""

    def evidence_of(self, element_id: str) -> dict[str, int]:
        """How many pieces of the map's evidence of each kind link to an element."""
        kinds: dict[str, int] = {}
        for item in self.journey.evidence:
            if element_id in item.links:
                kinds[item.kind.value] = kinds.get(item.kind.value, 0) + 1
        return kinds

    def evidence(self) -> dict[str, Any]:
        """The map's **key claims** (`research.validation.key_claims`) and how many rest on
        evidence, with the evidence counted by kind and the claims that have none."""
        from journeyline.research.validation import key_claims

        claims = key_claims(self.journey)
        kinds: dict[str, int] = {}
        for item in self.journey.evidence:
            kinds[item.kind.value] = kinds.get(item.kind.value, 0) + 1
        return {
            "claims": len(claims),
            "evidenced": sum(1 for c in claims if c.evidenced),
            "by_kind": dict(sorted(kinds.items())),
            "missing": [c.to_dict() for c in claims if not c.evidenced],
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by `journeyline summary --format json`."""
        return {
            "map": {"id": self.journey.id, "name": self.journey.name},
            "scope": self.scope,
            "pain_points": [
                p.to_dict() | {"evidence": self.evidence_of(p.pain.id)} for p in self.pain_points
            ],
            "evidence": self.evidence(),
            "low_points": [p.to_dict() for p in self.low_points],
            "opportunities": [o.to_dict() for o in self.opportunities],
            "teams": [{"team": t, "because": r} for t, r in self.teams.items()],
            "plan": {k: [o.to_dict() for o in v] for k, v in self.plan.items()},
            "findings": {
                severity: sum(1 for f in self.findings if f.severity == severity)
                for severity in ("high", "medium", "low", "info")
            },
        }

    def to_markdown(self) -> str:
        """The summary as a Markdown document; every piece of user text is escaped."""
        return render_summary_markdown(self)


def build_summary(
    journey: JourneyMap,
    workspace: Workspace | None = None,
    *,
    config: AnalysisConfig | None = None,
    today: dt.date | None = None,
) -> StakeholderSummary:
    """The **stakeholder summary** the practice asks for after a mapping session.

    - *Scope*: personas, scenario, goal, type, timeframe, status, owner and review date.
    - *Highest-impact pain points*: the top `summary.top_pain_points` (default 5), weighed
      by impact weight × (`priority.reach_base` + reach), unknown reach counting as
      `priority.unknown_reach`.
    - *Low points*: the lowest `summary.low_points` (default 3) scored steps below neutral,
      over every persona's sentiment line.
    - *Opportunities*: ranked as `journeyline priorities` ranks them, with owner teams.
    - *Which teams should know*: the owners of open opportunities and the actors of the steps
      that have pain points or open opportunities.
    - *Action plan*: **now** holds what is in progress or planned; **next** the top
      `summary.next_count` (default 3) ranked ideas; **later** the other ideas.
    """
    if config is None:
        config, _ = AnalysisConfig.leniently(workspace.analysis if workspace else None)
    today = today or dt.date.today()
    settings = config.summary
    steps = {step.id: (stage, step) for stage, step in journey.iter_steps()}

    names = []
    for pid in journey.personas:
        persona = workspace.persona(pid) if workspace is not None else None
        names.append(persona.name if persona is not None else pid)
    review = ""
    if journey.review_date is not None:
        review = journey.review_date.isoformat()
        overdue = (today - journey.review_date).days
        if overdue > 0:
            review += f" (overdue by {overdue} days)"
    scope = {
        "Persona": ", ".join(names),
        "Scenario": journey.scenario or "",
        "Goal": journey.goal or "",
        "Type": journey.type.value.replace("_", " "),
        "Timeframe": journey.timeframe or "",
        "Status": journey.status.value,
        "Owner": journey.owner or "",
        "Review date": review,
    }

    priority = config.priority
    entries = []
    for pain in journey.pain_points:
        reach = pain.reach if pain.reach is not None else priority.unknown_reach
        stage, step = steps.get(pain.step or "", (None, None))
        entries.append(
            PainEntry(
                pain,
                stage.name if stage else None,
                step.name if step else None,
                pain.impact.weight * (priority.reach_base + reach),
            )
        )
    order = {id(e): i for i, e in enumerate(entries)}
    entries.sort(key=lambda e: (-e.weight, order[id(e)]))

    low: list[tuple[float, int, LowPoint]] = []
    multi = len(journey.personas) > 1
    lines: list[str | None] = list(journey.personas) or [None]
    for line_persona in lines:
        for n, (stage, step, score) in enumerate(journey.sentiment_line(line_persona)):
            value = journey.scale.normalize(score)
            if value < 0:
                label = line_persona if multi else None
                low.append((value, n, LowPoint(stage.name, step.name, score, value, label)))
    low.sort(key=lambda item: (item[0], item[1]))

    ranked = rank_opportunities(journey, config)
    teams: dict[str, list[str]] = {}

    def tell(team: str, reason: str) -> None:
        reasons = teams.setdefault(team, [])
        if reason not in reasons:
            reasons.append(reason)

    for item in ranked:
        if item.opportunity.owner:
            tell(item.opportunity.owner, f"owns opportunity '{item.opportunity.name}'")
    pains_per_step: dict[str, int] = {}
    for pain in journey.pain_points:
        if pain.step in steps:
            pains_per_step[pain.step or ""] = pains_per_step.get(pain.step or "", 0) + 1
    touched = {sid for item in ranked for sid in item.opportunity.steps}
    for _, step in journey.iter_steps():
        count = pains_per_step.get(step.id, 0)
        if not count and step.id not in touched:
            continue
        reason = (
            f"works on '{step.name}' ({count} pain point{'s' if count != 1 else ''})"
            if count
            else f"works on '{step.name}', which an opportunity changes"
        )
        for actor in step.actors:
            tell(actor, reason)
    teams = dict(sorted(teams.items(), key=lambda kv: (-len(kv[1]), kv[0].lower())))

    active = {OpportunityStatus.in_progress, OpportunityStatus.planned}
    now = [o for o in ranked if o.opportunity.status in active]
    ideas = [o for o in ranked if o.opportunity.status == OpportunityStatus.idea]
    cut = int(settings.next_count)
    plan = {"now": now, "next": ideas[:cut], "later": ideas[cut:]}

    return StakeholderSummary(
        journey=journey,
        scope=scope,
        pain_points=entries[: int(settings.top_pain_points)],
        low_points=[point for _, _, point in low[: int(settings.low_points)]],
        opportunities=ranked,
        teams=teams,
        plan=plan,
        findings=analyze_map(journey, workspace, config=config, today=today),
        scale=f"{journey.scale.min:g} … {journey.scale.max:g}",
    )


def _kinds_text(kinds: dict[str, int]) -> str:
    """'2 quotes, 1 survey': pieces of evidence counted by kind."""
    parts = []
    for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
        noun = kind.replace("_", " ")
        parts.append(f"{n} {noun}{'s' if n != 1 and not noun.endswith('s') else ''}")
    return ", ".join(parts)


def _opportunity_line(item: RankedOpportunity) -> str:
    o = item.opportunity
    parts = [
        f"owner: {escape_markdown(o.owner) if o.owner else '*none yet*'}",
        f"effort: {o.effort.value if o.effort else '?'}",
        f"status: {o.status.value.replace('_', ' ')}",
        f"score {item.score:.2f}",
    ]
    return f"**{escape_markdown(o.name)}** — " + " · ".join(parts)


def render_summary_markdown(summary: StakeholderSummary) -> str:
    """Write a stakeholder summary as Markdown."""
    e = escape_markdown
    journey = summary.journey
    out: list[str] = [f"# Stakeholder summary: {e(journey.name)}", ""]
    counts = summary.to_dict()["findings"]
    out += [
        f"Analysis: {counts['high']} high, {counts['medium']} medium, {counts['low']} low "
        "findings (run `journeyline analyze` for the list).",
        "",
        "## Scope",
        "",
    ]
    for label, value in summary.scope.items():
        out.append(f"- **{label}:** {e(value) if value else '*not set*'}")
    out += ["", "## Highest-impact pain points", ""]
    if not summary.pain_points:
        out.append("No pain points are mapped yet.")
    for n, entry in enumerate(summary.pain_points, start=1):
        reach = f", reaches {entry.pain.reach:.0%}" if entry.pain.reach is not None else ""
        where = f" — at *{e(entry.step)}* ({e(entry.stage)})" if entry.step else ""
        kinds = summary.evidence_of(entry.pain.id)
        backing = (
            f" — rests on {_kinds_text(kinds)}" if kinds else " — *an assumption: no evidence*"
        )
        out.append(
            f"{n}. **{e(entry.pain.name)}** (impact: {entry.pain.impact.value}{reach}){where}"
            f"{backing}"
        )
    evidence = summary.evidence()
    out += ["", "## Evidence", ""]
    if not evidence["claims"]:
        out.append("The map makes no key claims yet (pain points, moments of truth, scores).")
    else:
        held = _kinds_text(evidence["by_kind"]) if evidence["by_kind"] else "no evidence"
        out.append(
            f"{evidence['evidenced']} of {evidence['claims']} key claims rest on evidence "
            f"(the map holds {held})."
        )
        words = {"pain_point": "pain point", "moment_of_truth": "moment of truth"}
        for claim in evidence["missing"]:
            what = words.get(claim["kind"], "sentiment at")
            out.append(f"- No evidence: {what} *{e(claim['name'])}*")
    out += ["", "## Low points of the sentiment line", ""]
    if not summary.low_points:
        out.append("The sentiment line stays at or above neutral (or has no scores).")
    for point in summary.low_points:
        who = f" for {e(point.persona)}" if point.persona else ""
        out.append(
            f"- *{e(point.step)}* ({e(point.stage)}): {point.score:g} on {summary.scale}{who}"
        )
    out += ["", "## Opportunities", ""]
    if not summary.opportunities:
        out.append("No open opportunities yet.")
    else:
        out += [
            "| Rank | Opportunity | Score | Owner | Effort | Status |",
            "|---:|---|---:|---|---|---|",
        ]
        for item in summary.opportunities:
            o = item.opportunity
            out.append(
                f"| {item.rank} | {e(o.name)} | {item.score:.2f} | {e(o.owner) or '—'} | "
                f"{o.effort.value if o.effort else '—'} | {o.status.value.replace('_', ' ')} |"
            )
    out += ["", "## Which teams should know", ""]
    if not summary.teams:
        out.append("No owners or actors are named on the affected steps and opportunities.")
    for team, reasons in summary.teams.items():
        out.append(f"- **{e(team)}**: {'; '.join(e(r) for r in reasons)}")
    out += ["", "## Action plan", ""]
    for label, key in (("Now", "now"), ("Next", "next"), ("Later", "later")):
        out += [f"### {label}", ""]
        items = summary.plan[key]
        if not items:
            out.append("Nothing here yet.")
        for item in items:
            out.append(f"- {_opportunity_line(item)}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
