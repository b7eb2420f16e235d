"""The workspace: one organisation's segments, personas, maps, evidence and custom lanes."""

from __future__ import annotations

from pydantic import Field

from journeyline.model.base import Element, Level
from journeyline.model.journey import Evidence, JourneyMap


class Segment(Element):
    """A group of customers who behave alike (SMB / Enterprise, K-12 / commercial)."""

    name: str = Field(description="Name of the segment.")
    description: str | None = Field(default=None, description="Who is in it and how they behave.")
    size: str | None = Field(default=None, description="How many customers, in words or numbers.")


class Persona(Element):
    """A composite, research-based picture of one role: the persona factsheet."""

    name: str = Field(description="The persona's name, e.g. 'Priya the Product Lead'.")
    role: str | None = Field(default=None, description="Job or role.")
    segment: str | None = Field(
        default=None, description="Id of the segment this persona belongs to."
    )
    quote: str | None = Field(default=None, description="A line in the persona's own words.")
    bio: str | None = Field(default=None, description="A short paragraph about the persona.")
    demographics: dict[str, str] = Field(
        default_factory=dict,
        description="Age, location, education, income, family … as label: value.",
    )
    goals: list[str] = Field(default_factory=list, description="What the persona wants to achieve.")
    challenges: list[str] = Field(
        default_factory=list, description="What stands in the way; frustrations."
    )
    values: list[str] = Field(default_factory=list, description="What the persona cares about.")
    fears: list[str] = Field(default_factory=list, description="What the persona worries about.")
    needs: list[str] = Field(default_factory=list, description="What the persona needs from us.")
    motivations: list[str] = Field(default_factory=list, description="What drives the persona.")
    preferred_channels: list[str] = Field(
        default_factory=list, description="Channels the persona prefers."
    )
    tech_savviness: Level | None = Field(default=None, description="low, medium or high.")
    marketing_message: str | None = Field(
        default=None, description="The message that speaks to this persona."
    )
    elevator_pitch: str | None = Field(
        default=None, description="Our pitch to this persona in one breath."
    )
    avatar: str | None = Field(
        default=None, description="Photo or avatar: path, URL, data URI or emoji."
    )


class LaneDefinition(Element):
    """A custom lane (row) a workspace adds to its maps, e.g. 'Regulations' or 'Partners'."""

    name: str = Field(description="Title of the lane as shown on the map.")
    description: str | None = Field(default=None, description="What goes in it.")


class Workspace(Element):
    """One organisation's maps, personas, segments and evidence; a file or a folder on disk.

    A file holding a single map is a workspace with one map; it may carry the personas
    the map refers to so that it stands alone.
    """

    name: str = Field(default="", description="Name of the workspace.")
    description: str | None = Field(default=None, description="What the workspace is for.")
    segments: list[Segment] = Field(default_factory=list, description="Customer segments.")
    personas: list[Persona] = Field(default_factory=list, description="Personas.")
    lanes: list[LaneDefinition] = Field(
        default_factory=list, description="Custom lanes maps can show."
    )
    maps: list[JourneyMap] = Field(default_factory=list, description="Journey maps.")
    evidence: list[Evidence] = Field(
        default_factory=list,
        description="Evidence about personas and segments, shared by all maps.",
    )
    analysis: dict[str, float] = Field(
        default_factory=dict,
        description="Analysis thresholds overriding the defaults, as 'finding.setting': value.",
    )

    def persona(self, persona_id: str) -> Persona | None:
        """The persona with this id, or None."""
        return next((p for p in self.personas if p.id == persona_id), None)

    def segment(self, segment_id: str) -> Segment | None:
        """The segment with this id, or None."""
        return next((s for s in self.segments if s.id == segment_id), None)

    def journey(self, map_id: str) -> JourneyMap | None:
        """The journey map with this id, or None."""
        return next((m for m in self.maps if m.id == map_id), None)

    def personas_of(self, journey: JourneyMap) -> list[Persona]:
        """The personas a map names, in the map's order (unknown ids are skipped)."""
        found = (self.persona(pid) for pid in journey.personas)
        return [p for p in found if p is not None]
