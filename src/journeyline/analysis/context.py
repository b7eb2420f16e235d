"""What every analysis of one map needs, computed once: positions, sentiment lines, evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from journeyline.analysis.config import AnalysisConfig
from journeyline.analysis.findings import Finding, Severity
from journeyline.model import JourneyMap, Stage, Step, Workspace


@dataclass(frozen=True)
class Point:
    """One point of a sentiment line: the step, its stage, the raw score and the normalised one."""

    stage: Stage
    step: Step
    score: float
    normalized: float


@dataclass
class MapContext:
    """One map under analysis, with the settings and the indexes the detectors share."""

    journey: JourneyMap
    workspace: Workspace | None = None
    config: AnalysisConfig = field(default_factory=AnalysisConfig)
    today: dt.date = field(default_factory=dt.date.today)

    @cached_property
    def stage_positions(self) -> dict[str, int]:
        """Stage id → index in the map (first occurrence wins)."""
        positions: dict[str, int] = {}
        for index, stage in enumerate(self.journey.stages):
            positions.setdefault(stage.id, index)
        return positions

    @cached_property
    def step_positions(self) -> dict[str, tuple[int, int]]:
        """Step id → (stage index, position in the whole journey)."""
        positions: dict[str, tuple[int, int]] = {}
        n = 0
        for s_index, stage in enumerate(self.journey.stages):
            for step in stage.steps:
                positions.setdefault(step.id, (s_index, n))
                n += 1
        return positions

    @cached_property
    def steps_by_id(self) -> dict[str, tuple[Stage, Step]]:
        """Step id → (stage, step)."""
        found: dict[str, tuple[Stage, Step]] = {}
        for stage, step in self.journey.iter_steps():
            found.setdefault(step.id, (stage, step))
        return found

    @cached_property
    def persona_ids(self) -> list[str | None]:
        """The personas whose sentiment lines are analysed: the map's personas, or one anonymous line."""
        return list(self.journey.personas) if self.journey.personas else [None]

    @property
    def multi_persona(self) -> bool:
        """True when the map follows more than one persona (findings then name the persona)."""
        return len(self.journey.personas) > 1

    def line(self, persona_id: str | None) -> list[Point]:
        """The normalised sentiment line of one persona."""
        return self._lines.get(persona_id, [])

    @cached_property
    def _lines(self) -> dict[str | None, list[Point]]:
        scale = self.journey.scale
        lines: dict[str | None, list[Point]] = {}
        for persona_id in self.persona_ids:
            lines[persona_id] = [
                Point(stage, step, score, scale.normalize(score))
                for stage, step, score in self.journey.sentiment_line(persona_id)
            ]
        return lines

    @cached_property
    def evidenced(self) -> set[str]:
        """Ids that some piece of evidence (the map's or the workspace's) supports."""
        ids = self.journey.evidenced_ids()
        if self.workspace is not None:
            ids |= {link for item in self.workspace.evidence for link in item.links}
        return ids

    @property
    def scale_text(self) -> str:
        """The map's scale, e.g. '-5 … 5'."""
        return f"{self.journey.scale.min:g} … {self.journey.scale.max:g}"

    def finding(
        self,
        kind: str,
        severity: Severity,
        message: str,
        suggestion: str,
        *,
        stage: Stage | None = None,
        step: Step | None = None,
        persona: str | None = None,
    ) -> Finding:
        """A finding placed at a stage and/or step; persona only set on multi-persona maps."""
        return Finding(
            kind=kind,
            severity=severity,
            stage=stage.name if stage is not None else None,
            step=step.name if step is not None else None,
            message=message,
            suggestion=suggestion,
            stage_id=stage.id if stage is not None else None,
            step_id=step.id if step is not None else None,
            persona=persona if self.multi_persona else None,
        )

    def persona_label(self, persona_id: str | None) -> str:
        """' for <persona name>' on multi-persona maps, else ''."""
        if not self.multi_persona or persona_id is None:
            return ""
        persona = self.workspace.persona(persona_id) if self.workspace is not None else None
        return f" for {persona.name if persona is not None else persona_id}"
