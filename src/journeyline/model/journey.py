"""The journey map and everything inside it: stages, steps, pain points, opportunities, evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from enum import StrEnum
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from journeyline.model.base import (
    Effort,
    Element,
    EvidenceKind,
    Impact,
    Level,
    MapStatus,
    MapType,
    Model,
    OpportunityStatus,
    StepKind,
    Zone,
)


class Lane(StrEnum):
    """The built-in rows of the map grid, in their default order."""

    actions = "actions"
    touchpoints = "touchpoints"
    channels = "channels"
    thinks = "thinks"
    feels = "feels"
    sentiment = "sentiment"
    pain_points = "pain_points"
    opportunities = "opportunities"
    backstage = "backstage"
    metrics = "metrics"
    measured = "measured"
    images = "images"
    notes = "notes"


DEFAULT_LANES: tuple[str, ...] = (
    "actions",
    "touchpoints",
    "channels",
    "thinks",
    "feels",
    "sentiment",
    "pain_points",
    "opportunities",
    "backstage",
    "metrics",
    "notes",
)


class SentimentScale(Model):
    """The range of emotion scores a map uses, e.g. -5 … +5 or 1 … 5."""

    min: float = Field(default=-5, description="Most negative score.")
    max: float = Field(default=5, description="Most positive score.")

    @model_validator(mode="after")
    def _ordered(self) -> SentimentScale:
        if self.max <= self.min:
            raise ValueError(f"scale max ({self.max:g}) must be greater than min ({self.min:g})")
        return self

    @property
    def neutral(self) -> float:
        """The midpoint of the scale: neither positive nor negative."""
        return (self.min + self.max) / 2

    @property
    def span(self) -> float:
        """Distance from the lowest to the highest score."""
        return self.max - self.min

    def contains(self, score: float) -> bool:
        """True when a score lies on the scale."""
        return self.min <= score <= self.max

    def normalize(self, score: float) -> float:
        """Map a score to -1 … +1 (neutral is 0), so thresholds work on any scale."""
        return (score - self.neutral) / (self.span / 2)


class Metric(Model):
    """A number the team tracks for a step or stage (a KPI, a target, a measured value)."""

    name: str = Field(description="What is measured, e.g. 'conversion' or 'CSAT'.")
    value: float | str | None = Field(default=None, description="The current value.")
    unit: str | None = Field(default=None, description="Unit of the value: %, s, €, points …")
    target: float | str | None = Field(default=None, description="The value the team aims for.")
    source: str | None = Field(default=None, description="Where the value comes from.")
    n: int | None = Field(
        default=None, ge=0, description="How many answers or units the value rests on."
    )
    interval: list[float] | None = Field(
        default=None,
        min_length=2,
        max_length=2,
        description="The value's 95 % interval, [low, high].",
    )
    bounds: list[float] | None = Field(
        default=None,
        min_length=2,
        max_length=2,
        description="The lowest and highest value it can take, [low, high] (NPS [-100, 100], "
        "CSAT [0, 100] %): a survey score with bounds is drawn on the customers' sentiment line.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Metric:
        if self.bounds is not None and self.bounds[1] <= self.bounds[0]:
            raise ValueError(
                f"bounds [{self.bounds[0]:g}, {self.bounds[1]:g}]: the high bound must be greater"
            )
        if self.interval is not None and self.interval[1] < self.interval[0]:
            raise ValueError(
                f"interval [{self.interval[0]:g}, {self.interval[1]:g}]: low is above high"
            )
        return self


class EventMatcher(Model):
    """Which raw analytics events count as this step (used by event-log analytics)."""

    event: str = Field(description="Event name, glob or regular expression.")
    match: Literal["exact", "glob", "regex"] = Field(
        default="exact", description="How `event` is compared with event names."
    )
    where: dict[str, str] = Field(
        default_factory=dict,
        description="Property filters: every listed property must equal the value.",
    )


class Measured(Model):
    """Figures measured from an event log and written onto a step or stage by `events overlay`."""

    units: int | None = Field(
        default=None, description="Distinct units (users, cases, sessions) reaching it."
    )
    share: float | None = Field(default=None, description="Share of all units that reach it, 0–1.")
    events: int | None = Field(default=None, description="Matching events.")
    conversion: float | None = Field(
        default=None, description="Share of units reaching the next step, 0–1."
    )
    dropoff: float | None = Field(
        default=None, description="Share of units that go no further, 0–1."
    )
    median_seconds: float | None = Field(default=None, description="Median time spent, in seconds.")
    p95_seconds: float | None = Field(
        default=None, description="95th percentile time spent, in seconds."
    )
    channels: dict[str, float] = Field(
        default_factory=dict, description="Channel mix: share per channel."
    )
    unit: str | None = Field(default=None, description="What a unit is: user, case or session.")
    total_units: int | None = Field(default=None, description="Units in the whole log.")
    period_start: dt.datetime | None = Field(default=None, description="First event in the data.")
    period_end: dt.datetime | None = Field(default=None, description="Last event in the data.")
    source: str | None = Field(default=None, description="The event log these figures come from.")
    from_previous: float | None = Field(
        default=None,
        description="Share of the previous measured step's units who go on to this step, 0–1.",
    )
    median_to_next_seconds: float | None = Field(
        default=None,
        description="Median time from this step to the next measured step, in seconds.",
    )
    next_events: dict[str, int] = Field(
        default_factory=dict,
        description="Where units that drop off go next: units per next event.",
    )
    weekly: list[int] = Field(
        default_factory=list, description="Units reaching it per week, oldest first."
    )
    stale: bool = Field(
        default=False, description="The source has changed since these figures were measured."
    )


class Branch(Model):
    """One named path out of a decision step."""

    label: str = Field(description="The choice, e.g. 'Yes' or 'Pay by card'.")
    to: str | None = Field(
        default=None,
        description="Id of the step this path leads to (an earlier step makes a loop); empty ends the journey.",
    )


class Step(Element):
    """One thing that happens, in order, inside a stage, seen through the persona's eyes."""

    name: str = Field(description="Short name of the step, e.g. 'Sign up'.")
    kind: StepKind = Field(default=StepKind.action, description="action, question or decision.")
    description: str | None = Field(default=None, description="Longer description.")
    touchpoint: str | None = Field(
        default=None,
        description="Where the customer meets the organisation: home page, checkout, a waiter …",
    )
    channel: str | None = Field(
        default=None, description="Through what: web, email, phone, in_store …"
    )
    zone: Zone = Field(
        default=Zone.frontstage, description="frontstage (seen by the customer) or backstage."
    )
    does: str | None = Field(default=None, description="What the persona does.")
    thinks: str | None = Field(default=None, description="What the persona thinks.")
    feels: str | None = Field(default=None, description="What the persona feels, in words.")
    emotion: float | None = Field(default=None, description="Emotion score on the map's scale.")
    emotions: dict[str, float] = Field(
        default_factory=dict,
        description="Emotion score per persona id, for multi-persona maps (overrides `emotion`).",
    )
    personas: list[str] = Field(
        default_factory=list, description="Ids of the personas this step concerns; empty means all."
    )
    actors: list[str] = Field(
        default_factory=list, description="People, teams or systems involved."
    )
    moment_of_truth: bool = Field(
        default=False, description="A make-or-break moment for the relationship."
    )
    branches: list[Branch] = Field(
        default_factory=list, description="Named paths out of a decision."
    )
    metrics: list[Metric] = Field(default_factory=list, description="KPIs and measured values.")
    events: list[EventMatcher] = Field(
        default_factory=list, description="Event-log events that count as this step."
    )
    measured: Measured | None = Field(
        default=None, description="Figures measured from an event log."
    )
    image: str | None = Field(
        default=None,
        description="Picture for the images lane: an uploaded file's address, a path, URL or data URI.",
    )
    notes: str | None = Field(default=None, description="Free notes.")
    lanes: dict[str, str] = Field(
        default_factory=dict, description="Text in custom lanes, keyed by the lane's id."
    )

    def emotion_for(self, persona_id: str | None) -> float | None:
        """The step's emotion score for one persona (falls back to `emotion`)."""
        if persona_id is not None and persona_id in self.emotions:
            return self.emotions[persona_id]
        return self.emotion


class Stage(Element):
    """A named group of steps (Awareness, Research, Purchase …) with the customer's goal for it."""

    name: str = Field(description="Name of the stage, e.g. 'Onboarding'.")
    goal: str | None = Field(
        default=None, description="What the customer wants to achieve in this stage."
    )
    expectations: list[str] = Field(
        default_factory=list, description="What the customer expects here."
    )
    duration: str | None = Field(
        default=None, description="How long the stage usually lasts, e.g. '2–3 days'."
    )
    description: str | None = Field(default=None, description="Longer description.")
    metrics: list[Metric] = Field(default_factory=list, description="KPIs for the stage.")
    measured: Measured | None = Field(
        default=None, description="Figures measured from an event log."
    )
    steps: list[Step] = Field(default_factory=list, description="The steps, in order.")


class PainPoint(Element):
    """Where it hurts: a frustration, error or bottleneck under a step."""

    name: str = Field(description="Short statement of the problem.")
    description: str | None = Field(default=None, description="Longer description.")
    step: str | None = Field(default=None, description="Id of the step it occurs at.")
    impact: Impact = Field(default=Impact.workaround, description="trivial, workaround or abandon.")
    reach: float | None = Field(
        default=None, ge=0, le=1, description="Share of customers it reaches, 0–1."
    )


class Opportunity(Element):
    """An idea for making the journey better, tied to pain points and steps."""

    name: str = Field(description="Short statement of the idea.")
    description: str | None = Field(default=None, description="Longer description.")
    pain_points: list[str] = Field(
        default_factory=list, description="Ids of the pain points it addresses."
    )
    steps: list[str] = Field(default_factory=list, description="Ids of the steps it changes.")
    votes: int = Field(default=0, ge=0, description="Dot votes from the team.")
    owner: str | None = Field(default=None, description="Team that owns it.")
    effort: Effort | None = Field(default=None, description="xs, s, m, l or xl.")
    impact: Level | None = Field(default=None, description="Expected impact: low, medium or high.")
    status: OpportunityStatus = Field(
        default=OpportunityStatus.idea, description="idea, planned, in_progress or done."
    )


class Evidence(Element):
    """What a claim rests on: an interview note, a quote, a survey result, an analytics figure."""

    name: str = Field(
        default="", description="Short title; derived from the quote or source when omitted."
    )
    kind: EvidenceKind = Field(default=EvidenceKind.other, description="interview, quote, survey …")
    source: str | None = Field(default=None, description="Who or what it comes from.")
    quote: str | None = Field(default=None, description="The words, verbatim.")
    summary: str | None = Field(default=None, description="What it shows, in a sentence.")
    date: dt.date | None = Field(default=None, description="When it was collected.")
    url: str | None = Field(default=None, description="Link to the original.")
    attachments: list[str] = Field(
        default_factory=list,
        description="Files it carries (a PDF, a photo, an interview's audio or video): "
        "uploaded files' addresses, or paths relative to the workspace folder.",
    )
    links: list[str] = Field(
        default_factory=list,
        description="Ids of the elements it supports (personas, stages, steps, pain points …).",
    )


class Backstory(Model):
    """The persona's situation before the journey starts."""

    pain_points: list[str] = Field(
        default_factory=list, description="What troubles the persona today."
    )
    requirements: list[str] = Field(
        default_factory=list, description="What the persona needs from a solution."
    )
    outcomes: list[str] = Field(default_factory=list, description="The outcomes the persona wants.")
    highest_goal: str | None = Field(default=None, description="The persona's highest-level goal.")
    story: str | None = Field(default=None, description="The story in one paragraph.")


class JourneyMap(Element):
    """One persona (or several), one scenario, one goal: the stages and steps they go through."""

    _unreadable: list[str] = PrivateAttr(default_factory=list)
    """Values a stored copy held that the model refuses (a non-finite number), left out when
    it was read: the API answers them beside the map, so the map reads instead of failing."""

    name: str = Field(description="Title of the map.")
    personas: list[str] = Field(
        default_factory=list, description="Ids of the personas whose journey this is."
    )
    segment: str | None = Field(
        default=None, description="Id of the segment the personas belong to."
    )
    scenario: str | None = Field(default=None, description="The situation the journey covers.")
    goal: str | None = Field(default=None, description="What the persona wants to achieve.")
    type: MapType = Field(
        default=MapType.current_state,
        description="current_state, future_state, day_in_the_life or service_blueprint.",
    )
    timeframe: str | None = Field(
        default=None, description="How long the journey takes: a day, a week, a year."
    )
    depth: Literal["high_level", "detailed"] | None = Field(
        default=None, description="high_level or detailed."
    )
    status: MapStatus = Field(default=MapStatus.hypothesis, description="hypothesis or validated.")
    owner: str | None = Field(default=None, description="Who keeps the map up to date.")
    review_date: dt.date | None = Field(
        default=None, description="When the map is next due for review."
    )
    based_on: str | None = Field(
        default=None, description="For a future-state map: id of the current-state map it improves."
    )
    tags: list[str] = Field(default_factory=list, description="Free labels.")
    scale: SentimentScale = Field(
        default_factory=SentimentScale, description="Range of emotion scores."
    )
    lanes: list[str] = Field(
        default_factory=lambda: list(DEFAULT_LANES),
        description="Rows shown, in order: built-in lane names or ids of custom lanes.",
    )
    measured_source: str | None = Field(
        default=None,
        description="Id of the workspace event source that measures this map (its Measured lane).",
    )
    backstory: Backstory = Field(
        default_factory=Backstory, description="The persona's situation and goals."
    )
    stages: list[Stage] = Field(default_factory=list, description="The stages, in order.")
    pain_points: list[PainPoint] = Field(default_factory=list, description="Where it hurts.")
    opportunities: list[Opportunity] = Field(
        default_factory=list, description="Ideas to make it better."
    )
    evidence: list[Evidence] = Field(default_factory=list, description="What the map rests on.")

    def iter_steps(self) -> Iterator[tuple[Stage, Step]]:
        """Every step with its stage, in journey order."""
        for stage in self.stages:
            for step in stage.steps:
                yield stage, step

    def steps(self) -> list[Step]:
        """All steps in journey order."""
        return [step for _, step in self.iter_steps()]

    def find_step(self, step_id: str) -> Step | None:
        """The step with this id, or None."""
        for _, step in self.iter_steps():
            if step.id == step_id:
                return step
        return None

    def stage_of(self, step_id: str) -> Stage | None:
        """The stage that holds the step with this id, or None."""
        for stage, step in self.iter_steps():
            if step.id == step_id:
                return stage
        return None

    def sentiment_line(self, persona_id: str | None = None) -> list[tuple[Stage, Step, float]]:
        """The scored steps in order: one point per step that has an emotion score."""
        points: list[tuple[Stage, Step, float]] = []
        for stage, step in self.iter_steps():
            if step.personas and persona_id is not None and persona_id not in step.personas:
                continue
            score = step.emotion_for(persona_id)
            if score is not None:
                points.append((stage, step, score))
        return points

    def evidenced_ids(self) -> set[str]:
        """Ids of the elements that at least one piece of the map's evidence supports."""
        return {link for item in self.evidence for link in item.links}
