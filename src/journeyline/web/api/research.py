"""A workspace's research repository: upload interviews, notes, transcripts and survey
exports; highlight quotes, tag them, link them as evidence; search across maps. And the
validation gate of a map (`…/maps/{map_id}/validation`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from journeyline.errors import Diagnostic, UsageError
from journeyline.research.repository import ResearchFiles
from journeyline.store import research as store
from journeyline.store import validation
from journeyline.web.api.common import MAX_INTEGER, CurrentActor, Db, IfMatch, Limits, with_etag
from journeyline.web.requests import ApiRoute

router = APIRouter(
    prefix="/api/workspaces/{workspace_id}/research", tags=["research"], route_class=ApiRoute
)

gate = APIRouter(
    prefix="/api/workspaces/{workspace_id}/maps/{map_id}/validation",
    tags=["research"],
    route_class=ApiRoute,
)


def research_files(request: Request) -> ResearchFiles:
    """The app's research uploads."""
    files: ResearchFiles = request.app.state.research_files
    return files


Files = Annotated[ResearchFiles, Depends(research_files)]


@router.post(
    "/import", summary="Upload a research file (notes, DOCX, transcript, survey)", status_code=201
)
def upload(
    workspace_id: str,
    actor: CurrentActor,
    files: Files,
    limits: Limits,
    file: Annotated[
        UploadFile, File(description="Plain text, Markdown, DOCX, VTT, SRT, or a CSV/XLSX survey")
    ],
    name: Annotated[str | None, Form(max_length=300)] = None,
    date: Annotated[str | None, Form(description="When it was collected, YYYY-MM-DD")] = None,
    encoding: Annotated[str | None, Form(max_length=40, description="e.g. cp1252")] = None,
) -> dict[str, Any]:
    """Read whole before anything is stored: a file that cannot be read is refused with what
    is wrong and where (line, column, part), and nothing is kept. A survey answers with the
    question kinds it detected, to confirm at `…/research/surveys/{id}`."""
    collected = store.parse_date(date, "date")
    return files.upload(
        actor,
        workspace_id,
        file.filename,
        file.file,
        name=name,
        collected_on=collected,
        encoding=encoding or None,
        limits=limits,
    )


@router.get("/sources", summary="The repository's sources")
def list_sources(workspace_id: str, actor: CurrentActor, db: Db) -> dict[str, Any]:
    """Newest first, each with its kind, date and how many quotes it has."""
    return {"sources": store.list_sources(db, actor, workspace_id)}


@router.get("/sources/{source_id}", summary="A source: its text, cues and quotes")
def get_source(workspace_id: str, source_id: str, actor: CurrentActor, db: Db) -> dict[str, Any]:
    """`text` is what quotes are cut from (`start`/`stop` count its characters); a
    transcript's `cues` say who spoke when; `highlights` are its quotes."""
    return store.get_source(db, actor, workspace_id, source_id)


@router.delete("/sources/{source_id}", summary="Delete a source and its quotes")
def delete_source(
    workspace_id: str, source_id: str, actor: CurrentActor, files: Files
) -> dict[str, Any]:
    """Its quotes' evidence leaves every map and persona first."""
    files.delete(actor, workspace_id, source_id)
    return {"deleted": source_id}


class NewQuote(BaseModel):
    """A passage of a source (`source`, `start`, `stop`), or words typed in (`text` and
    `source_name`, without `source`)."""

    model_config = ConfigDict(extra="forbid")
    source: str | None = Field(None, max_length=40)
    start: int | None = Field(None, ge=0, le=MAX_INTEGER)
    stop: int | None = Field(None, ge=0, le=MAX_INTEGER)
    text: str | None = Field(None, max_length=store.MAX_QUOTE_CHARS * 2)
    source_name: str | None = Field(None, max_length=300)
    date: str | None = Field(None, max_length=20)
    note: str = Field("", max_length=2000)
    tags: list[str] = Field(default_factory=list, max_length=store.MAX_TAGS)


@router.post("/quotes", summary="Highlight a passage as a quote (or type one in)", status_code=201)
def add_quote(workspace_id: str, body: NewQuote, actor: CurrentActor, db: Db) -> dict[str, Any]:
    """With `source`, the passage is characters `start`…`stop` of its text (`text`, when
    sent, must match it). Without, `text` is the quote and `source_name` where it is from."""
    if body.source:
        if body.start is None or body.stop is None:
            raise UsageError(
                "a passage of a source needs `start` and `stop`",
                [Diagnostic("missing start/stop", "start")],
            )
        return store.add_quote(
            db,
            actor,
            workspace_id,
            body.source,
            start=body.start,
            stop=body.stop,
            text=body.text,
            note=body.note,
            tags=body.tags,
        )
    return store.add_typed_quote(
        db,
        actor,
        workspace_id,
        text=body.text or "",
        source=body.source_name or "",
        collected_on=store.parse_date(body.date, "date"),
        note=body.note,
        tags=body.tags,
    )


@router.get("/quotes", summary="Search the repository's quotes")
def search(
    workspace_id: str,
    actor: CurrentActor,
    db: Db,
    q: Annotated[
        str | None, Query(max_length=400, description="Words, each matched as a prefix")
    ] = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    persona: Annotated[str | None, Query(max_length=200)] = None,
    map: Annotated[str | None, Query(max_length=200, description="A map's id")] = None,
    source: Annotated[str | None, Query(max_length=40)] = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=store.PAGE)] = store.PAGE,
) -> dict[str, Any]:
    """Quotes matching every filter, newest first, with `total`; every tag with its count;
    and, with `q`, the sources whose text matches (with a snippet)."""
    return store.search_quotes(
        db,
        actor,
        workspace_id,
        q=q,
        tag=tag,
        persona=persona,
        map_id=map,
        source=source,
        date_from=store.parse_date(date_from, "from"),
        date_to=store.parse_date(date_to, "to"),
        limit=limit,
    )


@router.get("/quotes/{quote_id}", summary="A quote with its tags and links")
def get_quote(workspace_id: str, quote_id: str, actor: CurrentActor, db: Db) -> dict[str, Any]:
    return store.get_quote(db, actor, workspace_id, quote_id)


class QuoteChange(BaseModel):
    """What a PATCH may change: the note, the whole list of tags."""

    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(None, max_length=2000)
    tags: list[str] | None = Field(None, max_length=store.MAX_TAGS)


@router.patch("/quotes/{quote_id}", summary="Change a quote's note or tags")
def patch_quote(
    workspace_id: str, quote_id: str, body: QuoteChange, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    return store.update_quote(db, actor, workspace_id, quote_id, note=body.note, tags=body.tags)


@router.delete("/quotes/{quote_id}", summary="Delete a quote (its evidence goes too)")
def delete_quote(workspace_id: str, quote_id: str, actor: CurrentActor, db: Db) -> dict[str, Any]:
    store.delete_quote(db, actor, workspace_id, quote_id)
    return {"deleted": quote_id}


class NewLink(BaseModel):
    """The element the quote is evidence for: of `map` (a stage, step, pain point or
    opportunity), or without a map, a persona of the workspace."""

    model_config = ConfigDict(extra="forbid")
    element: str = Field(min_length=1, max_length=200)
    map: str | None = Field(None, max_length=200)
    kind: Literal["quote", "interview"] = "quote"


@router.post("/quotes/{quote_id}/links", summary="Link a quote as evidence", status_code=201)
def link(
    workspace_id: str, quote_id: str, body: NewLink, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    """Writes (or extends) the quote's Evidence record on the map or the workspace: a new
    revision, which every open board shows. Linking twice changes nothing."""
    return store.link_quote(
        db, actor, workspace_id, quote_id, element=body.element, map_id=body.map, kind=body.kind
    )


@router.delete("/quotes/{quote_id}/links/{link_id}", summary="Unlink a quote from an element")
def unlink(
    workspace_id: str, quote_id: str, link_id: int, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    return store.unlink_quote(db, actor, workspace_id, quote_id, link_id)


# --- the validation gate ---------------------------------------------------------------------


@gate.get("", summary="A map's key claims, their evidence and its validation record")
def get_validation(workspace_id: str, map_id: str, actor: CurrentActor, db: Db) -> JSONResponse:
    """`claims`: each pain point, moment of truth and point of the sentiment line, with
    whether evidence backs it; `ready`: all do; `history`: every status set through the
    gate (who, when, and for an override, why and what lacked evidence)."""
    state = validation.validation_state(db, actor, workspace_id, map_id)
    return with_etag(state, state["revision"])


class StatusChange(BaseModel):
    """The status to set; `reason` overrides the gate (workspace owners only)."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["hypothesis", "validated"]
    reason: str | None = Field(None, max_length=validation.REASON_CHARS)


@gate.post("", summary="Set a map's status through the validation gate")
def set_status(
    workspace_id: str,
    map_id: str,
    body: StatusChange,
    actor: CurrentActor,
    db: Db,
    if_match: IfMatch = None,
) -> JSONResponse:
    """`validated` is refused (422, each unevidenced claim named) unless every key claim has
    evidence, or a workspace owner gives a `reason`, recorded with who and when."""
    state = validation.set_map_status(
        db, actor, workspace_id, map_id, if_match, body.status, override_reason=body.reason
    )
    return with_etag(state, state["revision"])
