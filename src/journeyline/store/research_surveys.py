"""A survey source's life in the repository: confirm its question kinds and its mapping
to a map, see its scores, apply them to the map (the customers' line), find the themes of
its comments, and accept or reject the pain points they suggest.

Accepting a suggestion creates the pain point on the map with its quotes as evidence
(`feedback.themes.accept_pain_point`) and records the decision (who, when, which map) on
the survey, so the next person sees it decided; rejecting records it too.
"""

from __future__ import annotations

import copy
from typing import Any

from journeyline.errors import Diagnostic, NotFound, UsageError
from journeyline.feedback.themes import PainPointSuggestion, Quote, accept_pain_point
from journeyline.model import JourneyMap
from journeyline.research import surveys
from journeyline.research.repository import ResearchFiles
from journeyline.store import maps as map_store
from journeyline.store import research as store
from journeyline.store.access import Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.errors import StaleRevision
from journeyline.store.revisions import iso
from journeyline.store.tables import ResearchSource, utcnow


def _survey_of(files: ResearchFiles, record: ResearchSource, limits: Any) -> Any:
    facts = record.survey or {}
    path = files.survey_path(record.workspace_id, record.id, record.filename)
    return surveys.read(path, limits, facts.get("encoding"))


def survey_view(db: Database, actor: Actor, workspace_id: str, source_id: str) -> dict[str, Any]:
    """The survey's detection, its confirmed mapping and its themes' decisions."""
    record = store.survey_record(db, actor, workspace_id, source_id)
    return store.source_dict(record, full=True)


def confirm_mapping(
    db: Database,
    files: ResearchFiles,
    actor: Actor,
    workspace_id: str,
    source_id: str,
    raw: dict[str, Any],
    limits: Any = None,
) -> dict[str, Any]:
    """Store the question kinds and the question → step/touchpoint/stage mapping a person
    confirmed or corrected (checked by linking the survey to the map); the scores under it."""
    record = store.survey_record(db, actor, workspace_id, source_id, Role.editor)
    survey = _survey_of(files, record, limits)
    mapping = surveys.clean_mapping(raw, survey)
    journey = (
        map_store.get_map(db, actor, workspace_id, mapping["map"]).journey
        if mapping["map"]
        else None
    )
    result = surveys.scores_for(survey, mapping, journey)
    facts = copy.deepcopy(record.survey or {})
    facts["mapping"] = mapping
    store.save_survey(db, actor, workspace_id, source_id, facts)
    return {"mapping": mapping, **result}


def survey_scores(
    db: Database,
    files: ResearchFiles,
    actor: Actor,
    workspace_id: str,
    source_id: str,
    map_id: str | None = None,
    limits: Any = None,
) -> dict[str, Any]:
    """Scores under the stored mapping (n and 95 % interval per question and group), and
    with a map (the mapping's, or `map_id`), what would be written on each element."""
    record = store.survey_record(db, actor, workspace_id, source_id)
    survey = _survey_of(files, record, limits)
    mapping = (record.survey or {}).get("mapping") or surveys.empty_mapping()
    wanted = map_id or mapping.get("map")
    journey = map_store.get_map(db, actor, workspace_id, wanted).journey if wanted else None
    return {"mapping": mapping, **surveys.scores_for(survey, mapping, journey)}


def apply_scores(
    db: Database,
    files: ResearchFiles,
    actor: Actor,
    workspace_id: str,
    source_id: str,
    map_id: str,
    line: str | None = None,
    limits: Any = None,
) -> dict[str, Any]:
    """Write the survey's scores and their evidence onto the map (a new revision): the
    board then draws the customers' line beside the team's."""
    record = store.survey_record(db, actor, workspace_id, source_id, Role.editor)
    survey = _survey_of(files, record, limits)
    mapping = (record.survey or {}).get("mapping") or surveys.empty_mapping()
    out: dict[str, Any] = {}

    def change(journey: JourneyMap) -> tuple[JourneyMap, None, str]:
        updated, result = surveys.apply_to(journey, survey, mapping, line)
        out.update(result)
        return updated, None, f"applied survey '{record.name}'"

    for attempt in range(4):
        state = map_store.get_map(db, actor, workspace_id, map_id)
        try:
            written, _ = map_store.edit_map(
                db, actor, workspace_id, map_id, str(state.revision), change
            )
            break
        except StaleRevision:
            if attempt == 3:
                raise
    out["revision"] = written.revision
    return out


# --- themes ----------------------------------------------------------------------------------


def themes_options(
    db: Database, actor: Actor, workspace_id: str, source_id: str, text_col: str | None
) -> tuple[ResearchSource, dict[str, Any]]:
    """The source and the options of a themes job over its free-text column (the first
    free-text question when none is named)."""
    record = store.survey_record(db, actor, workspace_id, source_id, Role.editor)
    facts = record.survey or {}
    texts = [q["column"] for q in facts.get("questions", []) if q["metric"] == "text"]
    metrics = (facts.get("mapping") or {}).get("metrics") or {}
    texts = [c for c in texts if metrics.get(c, "text") == "text"] + [
        c for c, k in metrics.items() if k == "text" and c not in texts
    ]
    column = text_col or (texts[0] if texts else None)
    if column is None:
        raise UsageError(
            f"survey '{record.name}' has no free-text question to find themes in",
            [Diagnostic("no free-text column", "text_col", hint="name the column with text_col")],
        )
    names = [c["name"] for c in facts.get("columns", [])]
    if column not in names:
        raise UsageError(
            f"text_col: no column '{column}' in survey '{record.name}'; columns: {', '.join(names)}",
            [Diagnostic(f"no column '{column}'", "text_col")],
        )
    return record, {
        "text_col": column,
        "encoding": facts.get("encoding"),
        "rows": facts.get("responses", 0),
    }


def record_job(
    db: Database, actor: Actor, workspace_id: str, source_id: str, job_id: str, column: str
) -> None:
    """Remember the survey's latest themes job (its decisions start afresh)."""
    record = store.survey_record(db, actor, workspace_id, source_id, Role.editor)
    facts = copy.deepcopy(record.survey or {})
    facts["themes"] = {"job": job_id, "column": column, "decisions": {}}
    store.save_survey(db, actor, workspace_id, source_id, facts)


def decisions(db: Database, actor: Actor, workspace_id: str, source_id: str) -> dict[str, Any]:
    """The survey's latest themes job and the decisions made on its suggestions."""
    record = store.survey_record(db, actor, workspace_id, source_id)
    themes: dict[str, Any] = (record.survey or {}).get("themes") or {}
    return themes


def with_decisions(result: dict[str, Any], made: dict[str, Any]) -> dict[str, Any]:
    """A themes result with each suggestion's status as decided (accepted, rejected)."""
    out = copy.deepcopy(result)
    for suggestion in out.get("pain_points", []):
        decision = made.get(suggestion["id"])
        if decision:
            suggestion["status"] = decision["status"]
            suggestion["decision"] = decision
    return out


def _suggestion(result: dict[str, Any], suggestion_id: str) -> PainPointSuggestion:
    for raw in result.get("pain_points", []):
        if raw["id"] == suggestion_id:
            return PainPointSuggestion(
                id=raw["id"],
                name=raw["name"],
                description=raw["description"],
                reach=raw["reach"],
                theme=raw["theme"],
                evidence=[
                    Quote(q["row"], q["text"], q.get("label", "neutral"), q.get("score", 0.0))
                    for q in raw.get("evidence", [])
                ],
            )
    known = ", ".join(p["id"] for p in result.get("pain_points", [])) or "none"
    raise NotFound(
        f"the themes suggest no pain point '{suggestion_id}'; they suggest: {known}",
        [Diagnostic(f"no suggestion '{suggestion_id}'", "suggestion")],
    )


def decide(
    db: Database,
    actor: Actor,
    workspace_id: str,
    source_id: str,
    result: dict[str, Any],
    suggestion_id: str,
    *,
    accept: bool,
    map_id: str | None = None,
    step: str | None = None,
) -> dict[str, Any]:
    """Accept (the pain point goes onto `map_id`, its quotes as evidence) or reject a
    suggested pain point; the decision is recorded on the survey. Deciding twice is refused."""
    record = store.survey_record(db, actor, workspace_id, source_id, Role.editor)
    facts = copy.deepcopy(record.survey or {})
    themes = facts.get("themes") or {}
    made = themes.setdefault("decisions", {})
    if suggestion_id in made:
        raise UsageError(
            f"the suggestion '{suggestion_id}' was already {made[suggestion_id]['status']}",
            [Diagnostic("already decided", "suggestion")],
        )
    suggestion = _suggestion(result, suggestion_id)
    decision: dict[str, Any] = {
        "status": "accepted" if accept else "rejected",
        "by": actor.account_id,
        "at": iso(utcnow()),
        "map": None,
        "pain_point": None,
    }
    if accept:
        if not map_id:
            raise UsageError(
                "accepting a suggestion needs the map its pain point goes onto",
                [Diagnostic("no map", "map")],
            )
        placed: dict[str, str] = {}

        def change(journey: JourneyMap) -> tuple[JourneyMap, None, str]:
            if step is not None and journey.find_step(step) is None:
                raise NotFound(
                    f"map '{map_id}' has no step '{step}'",
                    [Diagnostic(f"no step '{step}'", "step")],
                )
            taken = {p.id for p in journey.pain_points} | {e.id for e in journey.evidence}
            if suggestion.id in taken:
                suggestion.id = f"{suggestion.id}-{len(journey.pain_points) + 1}"
            updated = accept_pain_point(journey, suggestion, step=step, source=record.filename)
            placed["id"] = suggestion.id
            return updated, None, f"accepted the suggested pain point '{suggestion.name}'"

        for attempt in range(4):
            state = map_store.get_map(db, actor, workspace_id, map_id)
            try:
                map_store.edit_map(db, actor, workspace_id, map_id, str(state.revision), change)
                break
            except StaleRevision:
                if attempt == 3:
                    raise
        decision["map"] = map_id
        decision["pain_point"] = placed["id"]
    with db.reading() as session:
        require(session, actor, workspace_id, Role.editor)
    made[suggestion_id] = decision
    facts["themes"] = themes
    store.save_survey(db, actor, workspace_id, source_id, facts)
    return decision
