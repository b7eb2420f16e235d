"""Small builders for maps used by the analysis tests (no tests of its own)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from journeyline.analysis import Finding, analyze_map
from journeyline.model import (
    Evidence,
    JourneyMap,
    Opportunity,
    PainPoint,
    Stage,
    Step,
    Workspace,
    assign_map_ids,
)

TODAY = dt.date(2025, 1, 1)


def step(name: str, emotion: float | None = None, **fields: Any) -> Step:
    """A frontstage step with a touchpoint and a channel unless told otherwise."""
    fields.setdefault("touchpoint", f"{name} page")
    fields.setdefault("channel", "web")
    return Step(name=name, emotion=emotion, **fields)


def clean_map(**fields: Any) -> JourneyMap:
    """A map with none of the problems the analyses look for."""
    journey = JourneyMap(
        id="trial",
        name="Trial",
        owner="CX team",
        review_date=TODAY + dt.timedelta(days=30),
        stages=[
            Stage(
                id="discover",
                name="Discover",
                goal="Find a tool",
                steps=[
                    step("Search the web", 1, id="search"),
                    step("Read the landing page", 2, id="landing"),
                ],
            ),
            Stage(
                id="signup",
                name="Sign up",
                goal="Get in quickly",
                steps=[
                    step("Create an account", 2, id="create"),
                    step("Confirm the email", 1, id="confirm", channel="email"),
                ],
            ),
            Stage(
                id="use",
                name="Use",
                steps=[
                    step("Invite the team", 2, id="invite", channel="in_product"),
                    Step(id="provision", name="Provision the workspace", zone="backstage"),
                ],
            ),
        ],
        pain_points=[
            PainPoint(id="slow-email", name="Slow confirmation email", step="confirm", reach=0.1)
        ],
        opportunities=[
            Opportunity(
                id="faster-email",
                name="Send the email faster",
                pain_points=["slow-email"],
                owner="Email team",
                status="planned",
                effort="s",
                votes=3,
            )
        ],
        evidence=[
            Evidence(
                id="interviews",
                name="Five trial interviews",
                kind="interview",
                links=["discover", "signup", "use", "slow-email"],
            )
        ],
    )
    for key, value in fields.items():
        setattr(journey, key, value)
    return assign_map_ids(journey)


def find_step(journey: JourneyMap, step_id: str) -> Step:
    found = journey.find_step(step_id)
    assert found is not None, step_id
    return found


def line(journey: JourneyMap, *scores: float | None) -> JourneyMap:
    """Put these scores on the map's steps in journey order (None leaves a step unscored)."""
    steps = journey.steps()
    for target, score in zip(steps, scores, strict=False):
        target.emotion = score
    return journey


def run(journey: JourneyMap, workspace: Workspace | None = None, **kwargs: Any) -> list[Finding]:
    kwargs.setdefault("today", TODAY)
    return analyze_map(journey, workspace, **kwargs)


def of_kind(findings: list[Finding], kind: str) -> list[Finding]:
    return [f for f in findings if f.kind == kind]
