"""Shared building blocks of the domain model: the element base class, ids and enums."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
"""Ids are short, readable and stable: letters, digits, '-', '_' and '.'."""


class Model(BaseModel):
    """Base of every model class: unknown keys are errors, assignments are validated, and
    numbers are finite (NaN and infinity cannot be drawn, analysed or written as JSON)."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        validate_assignment=True,
        populate_by_name=True,
        use_enum_values=False,
        str_strip_whitespace=False,
    )


class Element(Model):
    """Anything a map or workspace holds that others may point at: it has a stable id.

    Ids are written into files so that diffs stay small and references hold when
    elements are renamed or moved. When a file omits an id, the loader derives one
    from the element's name (see :func:`slugify`), so hand-written files stay short.
    """

    id: str = Field(
        default="",
        description="Stable identifier, unique within the workspace; derived from the name when omitted.",
        json_schema_extra={"pattern": ID_PATTERN},
    )


def did_you_mean(word: str, choices: Sequence[str]) -> str | None:
    """The closest choice to a mistyped word, or None when nothing is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def slugify(text: str, fallback: str = "item", max_length: int = 48) -> str:
    """Turn a name into an id: ASCII, lower case, words joined by '-'."""
    normalized = unicodedata.normalize("NFKD", text)
    ascii_text = normalized.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or fallback


class StepKind(StrEnum):
    """What a step is: something the persona does, asks, or decides."""

    action = "action"
    question = "question"
    decision = "decision"


class Zone(StrEnum):
    """Where a step happens: seen by the customer (frontstage) or behind the scenes (backstage)."""

    frontstage = "frontstage"
    backstage = "backstage"


class MapType(StrEnum):
    """The four kinds of journey map the practice distinguishes."""

    current_state = "current_state"
    future_state = "future_state"
    day_in_the_life = "day_in_the_life"
    service_blueprint = "service_blueprint"


class MapStatus(StrEnum):
    """A map starts as a hypothesis and becomes validated once research backs it."""

    hypothesis = "hypothesis"
    validated = "validated"


class Impact(StrEnum):
    """How badly a pain point hurts: ordered from mild to severe."""

    trivial = "trivial"
    workaround = "workaround"
    abandon = "abandon"

    @property
    def weight(self) -> int:
        """Numeric weight used for ranking: trivial 1, workaround 2, abandon 3."""
        return {"trivial": 1, "workaround": 2, "abandon": 3}[self.value]


class Effort(StrEnum):
    """T-shirt size of the work an opportunity needs."""

    xs = "xs"
    s = "s"
    m = "m"
    l = "l"  # noqa: E741 - the T-shirt size is called "l"
    xl = "xl"

    @property
    def weight(self) -> int:
        """Numeric weight: xs 1 … xl 5."""
        return {"xs": 1, "s": 2, "m": 3, "l": 4, "xl": 5}[self.value]


class Level(StrEnum):
    """A three-step scale for expected impact and tech-savviness."""

    low = "low"
    medium = "medium"
    high = "high"

    @property
    def weight(self) -> int:
        """Numeric weight: low 1, medium 2, high 3."""
        return {"low": 1, "medium": 2, "high": 3}[self.value]


class OpportunityStatus(StrEnum):
    """An idea moves through planned and in progress to done."""

    idea = "idea"
    planned = "planned"
    in_progress = "in_progress"
    done = "done"


class EvidenceKind(StrEnum):
    """What a piece of evidence is."""

    interview = "interview"
    quote = "quote"
    survey = "survey"
    support_ticket = "support_ticket"
    analytics = "analytics"
    observation = "observation"
    usability_test = "usability_test"
    review = "review"
    document = "document"
    workshop = "workshop"
    other = "other"


KNOWN_CHANNELS: tuple[str, ...] = (
    "web",
    "mobile_app",
    "email",
    "phone",
    "chat",
    "sms",
    "social",
    "video",
    "postal_mail",
    "in_store",
    "face_to_face",
    "self_service",
    "partner",
    "advertising",
    "word_of_mouth",
    "in_product",
    "system",
)
"""Channels the renderer has icons for; any other text is accepted and shown as written."""
