"""The shape of the journey: gaps, duplicated steps, long stages, branch sprawl, missing channels."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from journeyline.analysis.context import MapContext
from journeyline.analysis.findings import Finding
from journeyline.model import Step, Zone


def normalized_name(name: str) -> str:
    """A name reduced for matching: accents dropped, lower case, punctuation and spacing folded."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def find_gaps(context: MapContext) -> Iterator[Finding]:
    """A **gap** is a stage where the customer is left without the organisation: either the
    stage has no frontstage step at all (nothing the customer sees: it is empty or all
    backstage), or the stage names a customer goal but none of its frontstage steps has a
    touchpoint, so no touchpoint serves that goal. The practice calls a missing touchpoint
    "very common" and a mismatch that risks losing the customer.

    Reported once per stage, on the stage. Severity: medium; high when the stage has a goal
    and no frontstage step.
    """
    for stage in context.journey.stages:
        frontstage = [step for step in stage.steps if step.zone == Zone.frontstage]
        if not frontstage:
            what = "no steps" if not stage.steps else "only backstage steps"
            goal = f" although the customer's goal here is '{stage.goal}'" if stage.goal else ""
            yield context.finding(
                "gap",
                "high" if stage.goal else "medium",
                f"Stage '{stage.name}' has {what}: the customer meets nothing here{goal}.",
                "Map what the customer does and sees in this stage, or add the touchpoint "
                "that helps them through it.",
                stage=stage,
            )
        elif stage.goal and not any(step.touchpoint for step in frontstage):
            yield context.finding(
                "gap",
                "medium",
                f"No touchpoint serves the goal of stage '{stage.name}' ('{stage.goal}').",
                "Name the touchpoint where the customer gets help with this goal; if there is "
                "none, that is the gap to fill.",
                stage=stage,
            )


def find_duplicate_steps(context: MapContext) -> Iterator[Finding]:
    """A **duplicate step** is a step whose name, once normalised (accents, case, punctuation
    and spacing ignored), is the same as an earlier step's in the map, for at least one
    persona in common (a step without personas concerns all of them). The practice asks
    whether parts of the process are needlessly complicated or duplicated.

    Reported at each repeat, naming the first occurrence. Severity: low; medium when the
    same step occurs three or more times.
    """
    groups: dict[str, _NameGroup] = {}
    positions = context.step_positions
    for stage, step in context.journey.iter_steps():
        key = normalized_name(step.name)
        if not key:
            continue
        group = groups.setdefault(key, _NameGroup())
        first, prior = group.earlier_for(step, positions)
        group.add(step)
        if first is None:
            continue
        first_stage = context.steps_by_id[first.id][0] if first.id in context.steps_by_id else None
        where = f" in stage '{first_stage.name}'" if first_stage is not None else ""
        yield context.finding(
            "duplicate_step",
            "medium" if prior + 1 >= 3 else "low",
            f"'{step.name}' repeats the step '{first.name}'{where} (occurrence {prior + 1}).",
            "Is this repetition needed? Merge the steps or remove the one that adds nothing.",
            stage=stage,
            step=step,
        )


class _NameGroup:
    """Steps seen so far with one normalised name, indexed so each lookup is O(personas)."""

    def __init__(self) -> None:
        self.total = 0
        self.for_all = 0
        self.first_any: Step | None = None
        self.first_for_all: Step | None = None
        self.first_by_persona: dict[str, Step] = {}
        self.count_by_persona: dict[str, int] = {}

    def earlier_for(
        self, step: Step, positions: dict[str, tuple[int, int]]
    ) -> tuple[Step | None, int]:
        """The first earlier step sharing a persona with `step`, and how many earlier ones do."""
        if not step.personas:
            return self.first_any, self.total
        candidates = [self.first_for_all] + [self.first_by_persona.get(p) for p in step.personas]
        found = [c for c in candidates if c is not None]
        first = min(found, key=lambda s: positions.get(s.id, (0, 0))[1]) if found else None
        prior = self.for_all + max(self.count_by_persona.get(p, 0) for p in step.personas)
        return first, prior

    def add(self, step: Step) -> None:
        self.total += 1
        if self.first_any is None:
            self.first_any = step
        if not step.personas:
            self.for_all += 1
            if self.first_for_all is None:
                self.first_for_all = step
        for persona in step.personas:
            self.first_by_persona.setdefault(persona, step)
            self.count_by_persona[persona] = self.count_by_persona.get(persona, 0) + 1


def find_long_stages(context: MapContext) -> Iterator[Finding]:
    """A **long stage** has more than `long_stage.max_steps` (default 12) steps: a sign of a
    needlessly complicated process, or of a stage that is really two. The practice asks
    where seven steps could be reduced to three.

    Reported on the stage. Severity: low; medium above twice `long_stage.max_steps`.
    """
    limit = context.config.long_stage.max_steps
    for stage in context.journey.stages:
        count = len(stage.steps)
        if count <= limit:
            continue
        yield context.finding(
            "long_stage",
            "medium" if count > 2 * limit else "low",
            f"Stage '{stage.name}' has {count} steps (more than {limit:g}).",
            "Look for steps to cut or merge, or split the stage in two.",
            stage=stage,
        )


def find_branch_sprawl(context: MapContext) -> Iterator[Finding]:
    """**Branch sprawl** is a map with heaps of branches and loops, which the practice names as
    an anti-pattern: the scope is probably too broad. Every decision path beyond the first
    is an *extra path*; a path whose `to` is the same step or an earlier one is a *loop*.
    The map sprawls when it has more than `branch_sprawl.max_paths` (default 6) extra paths
    or more than `branch_sprawl.max_loops` (default 2) loops.

    Reported once for the map. Severity: medium; high when either count is more than twice
    its limit.
    """
    settings = context.config.branch_sprawl
    positions = context.step_positions
    extra_paths = 0
    loops = 0
    for _, step in context.journey.iter_steps():
        if not step.branches:
            continue
        extra_paths += max(0, len(step.branches) - 1)
        here = positions.get(step.id, (0, 0))[1]
        for branch in step.branches:
            target = positions.get(branch.to) if branch.to else None
            if target is not None and target[1] <= here:
                loops += 1
    if extra_paths <= settings.max_paths and loops <= settings.max_loops:
        return
    high = extra_paths > 2 * settings.max_paths or loops > 2 * settings.max_loops
    yield context.finding(
        "branch_sprawl",
        "high" if high else "medium",
        f"The map has {extra_paths} extra decision paths and {loops} loops "
        f"(limits {settings.max_paths:g} and {settings.max_loops:g}).",
        "The scope is probably too broad: map one specific task for one persona, and move "
        "other paths to maps of their own.",
    )


def find_missing_channels(context: MapContext) -> Iterator[Finding]:
    """A **missing channel** is a frontstage step with a touchpoint or an action but no channel:
    the practice asks to capture, for each action, which channels the interaction uses
    (web, phone, email, face to face …). Backstage steps are not checked. When no
    frontstage step of the map has a channel at all, one finding for the map replaces the
    per-step ones.

    Severity: low.
    """
    frontstage = [
        (stage, step)
        for stage, step in context.journey.iter_steps()
        if step.zone == Zone.frontstage
    ]
    if not frontstage:
        return
    if not any(step.channel for _, step in frontstage):
        yield context.finding(
            "missing_channel",
            "low",
            f"None of the map's {len(frontstage)} frontstage steps records a channel.",
            "For each step, note the channel the persona uses: web, mobile app, email, phone, "
            "chat, in store, face to face …",
        )
        return
    for stage, step in frontstage:
        if step.channel:
            continue
        yield context.finding(
            "missing_channel",
            "low",
            f"Step '{step.name}' has no channel.",
            "Note the channel the persona uses here (web, email, phone, in store …).",
            stage=stage,
            step=step,
        )
