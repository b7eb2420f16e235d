"""A survey in the research repository: confirm its mapping, see its scores, apply them to a
map, find its themes (a job) and accept or reject the pain points they suggest."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from journeyline.errors import Diagnostic, UsageError
from journeyline.store import research as store
from journeyline.store import research_surveys as flow
from journeyline.store.access import Role
from journeyline.web.api.common import CurrentActor, Db, Limits
from journeyline.web.api.research import Files
from journeyline.web.requests import ApiRoute
from journeyline.web.research_jobs import FeedbackJobs, themes_request

router = APIRouter(
    prefix="/api/workspaces/{workspace_id}/research/surveys/{source_id}",
    tags=["research"],
    route_class=ApiRoute,
)


def feedback_jobs(request: Request) -> FeedbackJobs:
    """The app's feedback jobs."""
    jobs: FeedbackJobs = request.app.state.feedback_jobs
    return jobs


Jobs = Annotated[FeedbackJobs, Depends(feedback_jobs)]


@router.get("", summary="A survey: its detected questions and confirmed mapping")
def get_survey(workspace_id: str, source_id: str, actor: CurrentActor, db: Db) -> dict[str, Any]:
    """`survey.questions` each with the kind detected (nps, csat, ces, numeric, text) and
    `survey.mapping` as last confirmed."""
    return flow.survey_view(db, actor, workspace_id, source_id)


class Mapping(BaseModel):
    """The CLI's choices as data: `metrics` (--metric), `map`, `questions` (--question),
    `step_col`, `values` (--value) and `by` (a segment column)."""

    model_config = ConfigDict(extra="forbid")
    metrics: dict[str, str] = Field(
        default_factory=dict, description="column → nps/csat/ces/numeric/text"
    )
    map: str | None = Field(None, max_length=200)
    questions: dict[str, str] = Field(
        default_factory=dict, description="column → step/touchpoint/stage id or name, or '-'"
    )
    step_col: str | None = Field(None, max_length=300)
    values: dict[str, str] = Field(default_factory=dict, description="step-column value → target")
    by: str | None = Field(None, max_length=300)


@router.put("/mapping", summary="Confirm or correct the question kinds and the mapping")
def confirm(
    workspace_id: str,
    source_id: str,
    body: Mapping,
    actor: CurrentActor,
    db: Db,
    files: Files,
    limits: Limits,
) -> dict[str, Any]:
    """Checked against the file and the map (an unknown column or element is refused);
    answers the scores under it and, with a map, each question's link."""
    return flow.confirm_mapping(
        db, files, actor, workspace_id, source_id, body.model_dump(), limits
    )


@router.get("/scores", summary="The survey's scores with n and 95 % intervals")
def scores(
    workspace_id: str,
    source_id: str,
    actor: CurrentActor,
    db: Db,
    files: Files,
    limits: Limits,
    map: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """As `journeyline feedback score --format json` (and with a map, `link` and the
    scores each element would get)."""
    return flow.survey_scores(db, files, actor, workspace_id, source_id, map, limits)


class ApplyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    map: str = Field(min_length=1, max_length=200)
    line: Literal["csat", "nps", "ces"] | None = None


@router.post("/apply", summary="Write the scores onto the map (the customers' line)")
def apply(
    workspace_id: str,
    source_id: str,
    body: ApplyBody,
    actor: CurrentActor,
    db: Db,
    files: Files,
    limits: Limits,
) -> dict[str, Any]:
    """As `journeyline feedback apply`: metrics with n and interval, and survey evidence,
    on each linked step, touchpoint and stage; applying again replaces what it wrote."""
    return flow.apply_scores(db, files, actor, workspace_id, source_id, body.map, body.line, limits)


class ThemesBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text_col: str | None = Field(None, max_length=300)
    k: int | None = Field(None, ge=1, le=100, description="How many themes (default: chosen)")


@router.post("/themes", status_code=202, summary="Find the themes of the comments (a job)")
def start_themes(
    workspace_id: str,
    source_id: str,
    body: ThemesBody,
    actor: CurrentActor,
    db: Db,
    files: Files,
    jobs: Jobs,
) -> JSONResponse:
    """Queued at once (202); poll `GET …/themes` for its progress and result."""
    record, options = flow.themes_options(db, actor, workspace_id, source_id, body.text_col)
    options["k"] = body.k
    path = files.survey_path(workspace_id, source_id, record.filename)
    job = jobs.start(themes_request(workspace_id, source_id, str(path), options, actor.account_id))
    flow.record_job(db, actor, workspace_id, source_id, job["id"], options["text_col"])
    return JSONResponse(job, status_code=202)


def _job(
    db: Any, jobs: FeedbackJobs, actor: Any, workspace_id: str, source_id: str
) -> dict[str, Any]:
    themes = flow.decisions(db, actor, workspace_id, source_id)
    if not themes.get("job"):
        raise UsageError(
            "no themes were asked for this survey yet; start them with POST …/themes",
            [Diagnostic("no themes job", source_id)],
        )
    record = jobs.get(workspace_id, themes["job"])
    if record.get("result") is not None:
        record = record | {"result": flow.with_decisions(record["result"], themes["decisions"])}
    return record


@router.get("/themes", summary="The latest themes job: progress, themes, suggested pain points")
def get_themes(
    workspace_id: str, source_id: str, actor: CurrentActor, db: Db, jobs: Jobs
) -> dict[str, Any]:
    """`state`, `progress` and, once done, `result`: the themes with their quotes and the
    suggested pain points, each `suggested`, `accepted` or `rejected`."""
    return _job(db, jobs, actor, workspace_id, source_id)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    map: str | None = Field(None, max_length=200, description="Where an accepted pain point goes")
    step: str | None = Field(None, max_length=200, description="The step it occurs at")


@router.post(
    "/themes/suggestions/{suggestion_id}/{verdict}",
    summary="Accept (creates the pain point, its quotes as evidence) or reject a suggestion",
)
def decide(
    workspace_id: str,
    source_id: str,
    suggestion_id: str,
    verdict: Literal["accept", "reject"],
    body: Decision,
    actor: CurrentActor,
    db: Db,
    jobs: Jobs,
) -> dict[str, Any]:
    store.survey_record(db, actor, workspace_id, source_id, Role.editor)  # editors decide
    record = _job(db, jobs, actor, workspace_id, source_id)
    if record["state"] != "done":
        raise UsageError(
            f"the themes job is {record['state']}; decide once it is done",
            [Diagnostic("themes not done", source_id)],
        )
    return flow.decide(
        db,
        actor,
        workspace_id,
        source_id,
        record["result"],
        suggestion_id,
        accept=verdict == "accept",
        map_id=body.map,
        step=body.step,
    )
