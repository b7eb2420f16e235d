"""The workspace: one organisation's segments, personas, maps, evidence and custom lanes."""

from __future__ import annotations

from pydantic import Field

from journeyline.errors import Diagnostic, InvalidInput, NotFound
from journeyline.model.base import Element, Level, did_you_mean
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
        default=None,
        description="Photo or avatar: an uploaded file's address, a path, URL, data URI or emoji.",
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

    def pick_map(
        self, map_id: str | None = None, *, file: str | None = None, option: str = "--map"
    ) -> JourneyMap:
        """The one map a command works on: `map_id`'s, or the only map when `map_id` is None.

        This is the one answer to "which map in this file?": an unknown id is NotFound
        with a did-you-mean, no map at all is NotFound, and several maps with no id is
        InvalidInput listing the ids and naming `option`, the flag that chooses one.
        `file` is where the workspace came from, for the diagnostics.
        """
        if map_id is not None:
            return self.pick_maps(map_id, file=file)[0]
        maps = self.pick_maps(None, file=file)
        if len(maps) > 1:
            ids = ", ".join(m.id or m.name for m in maps)
            subject = "holds" if file else "the workspace holds"
            message = f"{subject} {len(maps)} maps: {ids}"
            raise _located(InvalidInput, message, file, f"choose one with {option}")
        return maps[0]

    def pick_maps(self, map_id: str | None = None, *, file: str | None = None) -> list[JourneyMap]:
        """`map_id`'s map, or every map when `map_id` is None; errors as in `pick_map`."""
        if not self.maps:
            subject = "holds" if file else "the workspace holds"
            raise _located(NotFound, f"{subject} no journey maps", file)
        if map_id is None:
            return list(self.maps)
        journey = self.journey(map_id)
        if journey is None:
            ids = [m.id for m in self.maps]
            guess = did_you_mean(map_id, ids)
            hint = f"did you mean '{guess}'?" if guess else f"the maps are: {', '.join(ids)}"
            raise _located(NotFound, f"no map '{map_id}'", file, hint)
        return [journey]

    def scoped_to(self, journey: JourneyMap) -> Workspace:
        """A workspace holding one map and only what it names: its personas, segments, custom lanes.

        What one map's export carries (`convert --map`, the API's map export). A segment
        counts as named when the map or one of its personas belongs to it; a custom lane
        when the map shows it or one of its steps has text in it.
        """
        personas = self.personas_of(journey)
        segments = {journey.segment, *(p.segment for p in personas)}
        used = set(journey.lanes) | {key for step in journey.steps() for key in step.lanes}
        return Workspace(
            id=self.id,
            name=self.name,
            personas=personas,
            segments=[s for s in self.segments if s.id in segments],
            lanes=[lane for lane in self.lanes if lane.id in used],
            maps=[journey],
            analysis=dict(self.analysis),
        )

    def personas_of(self, journey: JourneyMap) -> list[Persona]:
        """The personas a map names, in the map's order (unknown ids are skipped)."""
        found = (self.persona(pid) for pid in journey.personas)
        return [p for p in found if p is not None]


def _located(
    error: type[InvalidInput] | type[NotFound],
    message: str,
    file: str | None,
    hint: str | None = None,
) -> InvalidInput | NotFound:
    """An error whose one diagnostic says where (`file: message (hint)`)."""
    diagnostic = Diagnostic(message, file, hint=hint)
    return error(diagnostic.render(), [diagnostic])
