"""Bringing maps in: a file imported into a workspace, and new maps from templates.

Both add to the workspace's document what it lacks (segments, personas, custom lanes,
evidence) as one workspace revision, and store each map as a revision of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from journeyline.errors import Diagnostic, InvalidInput, NotFound
from journeyline.model import Element, JourneyMap, Workspace, did_you_mean
from journeyline.model.base import MapStatus
from journeyline.research.validation import claim_text, missing_evidence
from journeyline.store import elements, maps
from journeyline.store import live as live_store
from journeyline.store.access import Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.documents import workspace_of
from journeyline.store.errors import Conflict
from journeyline.store.tables import MapRecord, Vote
from journeyline.store.workspaces import store_workspace_document

# --- a file imported into an existing workspace --------------------------------------------------


def import_into(
    db: Database, actor: Actor, workspace_id: str, incoming: Workspace, *, replace: bool = False
) -> dict[str, Any]:
    """Merge a file's workspace into this one: maps, segments, personas, lanes and evidence by id.

    New ids are added. A map whose id exists is refused (Conflict) unless `replace`, which
    stores the file's map as a new revision (the old one stays in the log). Workspace
    elements with existing ids are replaced by the file's version.

    The validation gate holds here as on PUT and on the live path
    (`journeyline.store.validation.check_gate`): a map the file says is validated, while
    it was not validated here (or is new), and whose key claims lack evidence is imported
    as a hypothesis, with a warning naming the map and each claim without evidence
    (`report["warnings"]`). An owner's override is not in any file: it is made on the
    record, through the validation endpoint, after the import.
    """
    report: dict[str, Any] = {
        "added_maps": [],
        "replaced_maps": [],
        "workspace_elements": [],
        "map_names": {m.id: m.name for m in incoming.maps},
        "warnings": [],
    }
    live_maps: list[tuple[str, int, JourneyMap]] = []
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.editor)
        record = access.workspace
        existing = {
            r.map_id: r
            for r in session.scalars(
                select(MapRecord).where(MapRecord.workspace_id == workspace_id)
            )
        }
        clashes = [m.id for m in incoming.maps if m.id in existing]
        if clashes and not replace:
            raise Conflict(
                f"the workspace already has map{'s' if len(clashes) > 1 else ''} {', '.join(clashes)}; "
                "nothing was imported (import with replace=true to store the file's version as a new revision)",
                details={"maps": clashes},
            )
        workspace = workspace_of(record, maps.load_maps(db, session, workspace_id))
        status_here = {m.id: m.status for m in workspace.maps}
        for journey in incoming.maps:
            warning = gate_import(journey, status_here.get(journey.id))
            if warning is not None:
                report["warnings"].append(warning.to_dict())
        for name in elements.WORKSPACE_KINDS:
            current: list[Element] = getattr(workspace, name)
            for item in getattr(incoming, name):
                index = next((i for i, e in enumerate(current) if e.id == item.id), None)
                if index is None:
                    current.append(item)
                else:
                    current[index] = item
                report["workspace_elements"].append(item.id)
        by_id = {m.id: i for i, m in enumerate(workspace.maps)}
        for journey in incoming.maps:
            if journey.id in by_id:
                workspace.maps[by_id[journey.id]] = journey
            else:
                workspace.maps.append(journey)
        elements.ensure_integrity(workspace, "the import")
        if report["workspace_elements"]:
            store_workspace_document(session, record, workspace, actor, "imported a file")
        for journey in incoming.maps:
            if journey.id in existing:
                target = existing[journey.id]
                if live_store.has_document(session, target.pk):
                    # Its shared document is its truth: replaced by a transaction on it, below.
                    live_maps.append((target.map_id, target.pk, journey))
                else:
                    maps.write_revision(db, session, access, target, journey, IMPORTED)
                # The file's votes are the map's now: an export carries each total (written +
                # dots), so dots left standing would be counted twice.
                session.execute(delete(Vote).where(Vote.map_pk == existing[journey.id].pk))
                report["replaced_maps"].append(journey.id)
            else:
                maps.add_map_record(session, access, journey, IMPORTED)
                report["added_maps"].append(journey.id)
    # A map opened live is replaced on its shared document once the rest is committed: every
    # open board sees the file's map at once, and its head and log follow as for any edit.
    for map_id, pk, journey in live_maps:
        maps.replace_live_map(db, access, map_id, pk, journey, IMPORTED)
    return report


def gate_import(journey: JourneyMap, status_here: MapStatus | None) -> Diagnostic | None:
    """The validation gate on an imported map (`import_into`): `journey` is made a
    hypothesis, and the warning returned, when it claims validated without the evidence.
    `status_here`: the map's status in the workspace (None: a new map)."""
    if journey.status != MapStatus.validated or status_here == MapStatus.validated:
        return None
    missing = missing_evidence(journey)
    if not missing:
        return None
    journey.status = MapStatus.hypothesis
    shown = ", ".join(claim_text(c) for c in missing[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    count = len(missing)
    return Diagnostic(
        f"map '{journey.id}' ({journey.name}) was imported as a hypothesis, not validated: "
        f"{count} key claim{'s have' if count != 1 else ' has'} no evidence ({shown}{more})",
        hint="add evidence and mark it validated, or a workspace owner may validate it "
        "anyway with a reason on the record",
        severity="warning",
    )


IMPORTED = "imported from a file"
"""The revision log's summary for a map a file replaced or added."""


# --- a new map from a template --------------------------------------------------------------------


@dataclass
class FromTemplate:
    """A map made from a template, and what the template brought into the workspace."""

    state: maps.MapState
    template: str
    added: dict[str, list[str]]
    reused: dict[str, list[str]]
    workspace_revision: int

    def to_dict(self) -> dict[str, Any]:
        """The map state (as for any new map) and a `from_template` report."""
        return self.state.to_dict() | {
            "from_template": {
                "template": self.template,
                "added": self.added,
                "reused": self.reused,
                "workspace_revision": self.workspace_revision,
            }
        }


def load_known_template(name: str) -> Workspace:
    """A shipped template by name; NotFound with a did-you-mean for any other name.

    Only the shipped names are accepted, so a name such as `../x` never reaches the file system.
    """
    from journeyline.templates import load_template, template_names

    names = template_names()
    if name not in names:
        guess = did_you_mean(name, names)
        hint = f"did you mean '{guess}'?" if guess else f"the templates are: {', '.join(names)}"
        raise NotFound(
            f"there is no template called '{name}' ({hint})",
            [Diagnostic(f"unknown template '{name}'", hint=hint)],
        )
    return load_template(name)


def create_map_from_template(
    db: Database, actor: Actor, workspace_id: str, template: str, name: str | None = None
) -> FromTemplate:
    """A new map from a template, with the personas, segments, custom lanes and evidence it names.

    What the workspace lacks (by id) is added to it, as one workspace revision. An element
    whose id the workspace already has is left as it is and the map uses it, even when its
    content differs from the template's: it most likely came from the same template and
    was edited since, and a template must never overwrite a team's work. The map keeps the
    template map's id when that is free and no `name` is given; otherwise its id is
    derived from its name.
    """
    from journeyline.templates import start_map

    source = load_known_template(template)
    if not source.maps:
        raise InvalidInput(f"template '{template}' holds no journey map")
    journey = start_map(source.maps[0])
    if name is not None:
        if not name.strip():
            raise InvalidInput(
                "the new map's name is empty",
                [Diagnostic("empty name", hint="send a name, or leave it out for the template's")],
            )
        journey.name = name.strip()
    added: dict[str, list[str]] = {kind: [] for kind in elements.WORKSPACE_KINDS}
    reused: dict[str, list[str]] = {kind: [] for kind in elements.WORKSPACE_KINDS}
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.editor)
        record = access.workspace
        workspace = workspace_of(record, [])
        taken = maps.taken_ids(session, access)
        for kind in elements.WORKSPACE_KINDS:
            current: list[Element] = getattr(workspace, kind)
            for item in getattr(source, kind):
                if item.id in taken:
                    reused[kind].append(item.id)
                else:
                    current.append(item)
                    added[kind].append(item.id)
                    taken.add(item.id)
        original_id = journey.id
        if name is not None or not original_id or original_id in taken:
            journey.id = maps.free_id(journey.name, taken)
        for evidence in workspace.evidence:
            if evidence.id in added["evidence"]:
                evidence.links = [
                    journey.id if link == original_id else link for link in evidence.links
                ]
        if any(added.values()):
            what = f"added {_listing(added)} for a map from template '{template}'"
            # Checked with the new map and stand-ins for the others (evidence may link to maps).
            others = session.scalars(
                select(MapRecord.map_id).where(MapRecord.workspace_id == workspace_id)
            )
            stand_ins = [JourneyMap(id=other, name=other) for other in others]
            elements.ensure_integrity(
                workspace.model_copy(update={"maps": [*stand_ins, journey]}), what
            )
            store_workspace_document(session, record, workspace, actor, what)
        created = maps.add_map_record(
            session, access, journey, f"created map '{journey.name}' from template '{template}'"
        )
        state = maps.MapState(workspace_id, created.revision, journey, created.updated_at)
        revision = record.revision
    return FromTemplate(state, template, added, reused, revision)


def _listing(ids: dict[str, list[str]]) -> str:
    return "; ".join(f"{kind} {', '.join(found)}" for kind, found in ids.items() if found)
