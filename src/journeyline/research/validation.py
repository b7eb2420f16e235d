"""When a map may be called validated: its key claims rest on evidence.

`key_claims` lists them; `missing_evidence` those with none. The owner may mark a map
validated anyway, on the record (`journeyline.store.research.set_map_status`).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyline.model import JourneyMap

CLAIM_KINDS = ("pain_point", "moment_of_truth", "sentiment_line")

CLAIM_WORDS = {
    "pain_point": "pain point",
    "moment_of_truth": "moment of truth",
    "sentiment_line": "sentiment line at",
}


@dataclass(frozen=True)
class Claim:
    """One key claim of a map and whether evidence backs it."""

    kind: str
    id: str
    name: str
    evidenced: bool

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "id": self.id, "name": self.name, "evidenced": self.evidenced}


def key_claims(journey: JourneyMap) -> list[Claim]:
    """The claims a validated map must rest on: every pain point; every step marked a
    moment of truth; and every point of the sentiment line (each step with an emotion
    score). A claim is evidenced when at least one piece of the map's evidence links to
    it — for a point of the sentiment line, to its step or the step's stage (a survey
    score applied to a stage backs each of its steps)."""
    evidenced = journey.evidenced_ids()
    claims = [Claim("pain_point", p.id, p.name, p.id in evidenced) for p in journey.pain_points]
    for _, step in journey.iter_steps():
        if step.moment_of_truth:
            claims.append(Claim("moment_of_truth", step.id, step.name, step.id in evidenced))
    for stage, step in journey.iter_steps():
        if step.emotion is not None or step.emotions:
            backed = step.id in evidenced or stage.id in evidenced
            claims.append(Claim("sentiment_line", step.id, step.name, backed))
    return claims


def missing_evidence(journey: JourneyMap) -> list[Claim]:
    """The key claims no evidence backs: empty when the map may be marked validated."""
    return [claim for claim in key_claims(journey) if not claim.evidenced]


def claim_text(claim: Claim) -> str:
    """A claim in words: "pain point 'Card form rejects cards'"."""
    return f"{CLAIM_WORDS[claim.kind]} '{claim.name}'"


def short_refusal(missing: list[Claim], limit: int = 123) -> str:
    """The gate's refusal in at most `limit` bytes of UTF-8 (a WebSocket close reason, which
    the board shows): how many key claims lack evidence, the first of them, and the way on.
    `missing` is not empty."""
    count = len(missing)
    head = f"not validated: {count} key claim{'s lack' if count != 1 else ' lacks'} evidence ("
    tail = (" …" if count > 1 else "") + "); add evidence, or an owner overrides on the record"
    first = claim_text(missing[0])
    room = limit - len(head.encode()) - len(tail.encode())
    if len(first.encode()) > room:
        first = first.encode()[: max(room - 4, 0)].decode("utf-8", "ignore") + "…'"
    return head + first + tail
