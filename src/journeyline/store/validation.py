"""The validation gate: a map is marked validated only when its key claims have evidence
(`journeyline.research.validation`), or when a workspace owner overrides the gate, on
the record: who, when, why, and which claims had none. Every status set here is kept in
`map_validations`, newest first in the map's validation history.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from journeyline.errors import Diagnostic, InvalidInput, UsageError
from journeyline.model import JourneyMap
from journeyline.model.base import MapStatus
from journeyline.research.validation import (
    Claim,
    claim_text,
    key_claims,
    missing_evidence,
)
from journeyline.store import maps as map_store
from journeyline.store.access import Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.revisions import iso
from journeyline.store.tables import Account, MapValidation, new_id

REASON_CHARS = 2_000
"""The longest reason an override may give."""


class UnevidencedClaims(InvalidInput):
    """A map cannot be marked validated: key claims rest on no evidence."""


def refuse_unevidenced(journey: JourneyMap, missing: list[Claim]) -> UnevidencedClaims:
    """The gate's refusal: each unevidenced claim named, and how to go on."""
    shown = ", ".join(claim_text(c) for c in missing[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    diagnostics = [
        Diagnostic(
            f"{claim_text(c)} has no evidence",
            c.id,
            hint="link a quote, survey score or other evidence to it",
        )
        for c in missing
    ]
    return UnevidencedClaims(
        f"map '{journey.id}' cannot be marked validated: {len(missing)} key claim"
        f"{'s have' if len(missing) != 1 else ' has'} no evidence ({shown}{more}); add "
        "evidence, or a workspace owner may validate it anyway with a reason on the record",
        diagnostics,
    )


def check_gate(before: JourneyMap, after: JourneyMap) -> None:
    """Refuse an edit that marks a map validated while key claims lack evidence."""
    if after.status == MapStatus.validated and before.status != MapStatus.validated:
        missing = missing_evidence(after)
        if missing:
            raise refuse_unevidenced(after, missing)


def validation_state(db: Database, actor: Actor, workspace_id: str, map_id: str) -> dict[str, Any]:
    """The map's status, its key claims (each with whether evidence backs it), whether it
    may be marked validated, and the record of every status set through the gate."""
    state = map_store.get_map(db, actor, workspace_id, map_id)
    claims = key_claims(state.journey)
    with db.reading() as session:
        record = map_store.map_record(session, workspace_id, map_id)
        rows = session.execute(
            select(MapValidation, Account.name)
            .outerjoin(Account, Account.id == MapValidation.account_id)
            .where(MapValidation.map_pk == record.pk)
            .order_by(MapValidation.created_at.desc(), MapValidation.id)
        ).all()
    return {
        "map": map_id,
        "status": state.journey.status.value,
        "revision": state.revision,
        "claims": [c.to_dict() for c in claims],
        "evidenced": sum(1 for c in claims if c.evidenced),
        "ready": all(c.evidenced for c in claims),
        "history": [
            {
                "id": v.id,
                "status": v.status,
                "overridden": v.overridden,
                "reason": v.reason,
                "missing": (v.missing or {}).get("claims", []),
                "by": name,
                "at": iso(v.created_at),
            }
            for v, name in rows
        ],
    }


def set_map_status(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    if_match: str | None,
    status: str,
    *,
    override_reason: str | None = None,
) -> dict[str, Any]:
    """Set the map's status through the gate. `validated` needs every key claim evidenced,
    or a workspace owner's `override_reason` (recorded with the claims that lacked it)."""
    try:
        wanted = MapStatus(status)
    except ValueError:
        raise UsageError(
            f"a map's status is {' or '.join(s.value for s in MapStatus)}, not {status!r}",
            [Diagnostic(f"unknown status {status!r}", "status")],
        ) from None
    reason = (override_reason or "").strip()
    if len(reason) > REASON_CHARS:
        raise UsageError(
            f"the reason holds at most {REASON_CHARS:,} characters",
            [Diagnostic("reason too long", "reason")],
        )
    if reason:
        with db.reading() as session:
            require(session, actor, workspace_id, Role.owner)
    recorded: dict[str, Any] = {}

    def change(journey: JourneyMap) -> tuple[JourneyMap, None, str]:
        missing = missing_evidence(journey) if wanted == MapStatus.validated else []
        if missing and not reason:
            raise refuse_unevidenced(journey, missing)
        recorded["missing"] = [c.to_dict() for c in missing]
        journey.status = wanted
        if missing:
            return journey, None, f"marked validated by the owner's override: {reason[:200]}"
        return journey, None, f"marked {wanted.value}"

    map_store.edit_map(db, actor, workspace_id, map_id, if_match, change, worded=False)
    with db.writing() as session:
        record = map_store.map_record(session, workspace_id, map_id)
        session.add(
            MapValidation(
                id=new_id("mv"),
                map_pk=record.pk,
                status=wanted.value,
                overridden=bool(recorded["missing"]),
                reason=reason or None,
                missing={"claims": recorded["missing"]} if recorded["missing"] else None,
                account_id=actor.account_id,
            )
        )
    return validation_state(db, actor, workspace_id, map_id)
