"""AS-IS against TO-BE: steps, pain points, stages and sentiment lift."""

from __future__ import annotations

import pytest

from journeyline.analysis import compare_maps
from journeyline.model import JourneyMap, PainPoint, SentimentScale, Stage, Step, assign_map_ids


def _asis() -> JourneyMap:
    return assign_map_ids(
        JourneyMap(
            id="asis",
            name="Today",
            stages=[
                Stage(
                    id="signup",
                    name="Sign up",
                    steps=[
                        Step(id="create", name="Create an account", touchpoint="Form", emotion=1),
                        Step(id="verify", name="Verify email", emotion=-3),
                        Step(id="phone", name="Enter phone number", emotion=-2),
                    ],
                ),
                Stage(
                    id="use", name="Use", steps=[Step(id="invite", name="Invite team", emotion=2)]
                ),
                Stage(id="legacy", name="Print the manual", steps=[Step(name="Print", emotion=0)]),
            ],
            pain_points=[
                PainPoint(id="slow", name="Slow verification", step="verify", impact="abandon"),
                PainPoint(id="phone-pain", name="Phone required", step="phone"),
                PainPoint(id="invite-pain", name="Invites get lost", step="invite"),
            ],
        )
    )


def _tobe() -> JourneyMap:
    return assign_map_ids(
        JourneyMap(
            id="tobe",
            name="Tomorrow",
            type="future_state",
            based_on="asis",
            stages=[
                Stage(
                    id="signup",
                    name="Sign up",
                    steps=[
                        Step(
                            id="create",
                            name="Create an account",
                            touchpoint="One-click form",
                            emotion=3,
                        ),
                        Step(id="new-id", name="verify  EMAIL", emotion=1),
                    ],
                ),
                Stage(
                    id="use",
                    name="Use",
                    steps=[
                        Step(id="invite", name="Invite team", emotion=2),
                        Step(id="tour", name="Take the tour", emotion=3),
                    ],
                ),
            ],
            pain_points=[
                PainPoint(id="invite-pain", name="Invites get lost", step="invite"),
                PainPoint(id="tour-pain", name="Tour is long", step="tour", impact="trivial"),
            ],
        )
    )


def test_steps_added_removed_changed() -> None:
    result = compare_maps(_asis(), _tobe())
    assert [s.id for _, s in result.steps_added] == ["tour"]
    assert [s.id for _, s in result.steps_removed] == ["phone", "print"]
    changed = {after.id: fields for _, _, after, fields in result.steps_changed}
    assert changed == {
        "create": ["touchpoint", "emotion"],
        "new-id": ["name", "emotion"],  # matched by normalised name
    }


def test_pain_points_resolved_new_kept() -> None:
    data = compare_maps(_asis(), _tobe()).to_dict()["pain_points"]
    assert [p["id"] for p in data["resolved"]] == ["slow", "phone-pain"]
    assert [p["id"] for p in data["new"]] == ["tour-pain"]
    assert [p["id"] for p in data["kept"]] == ["invite-pain"]


def test_stages_before_and_after() -> None:
    stages = compare_maps(_asis(), _tobe()).to_dict()["stages"]
    assert [(s["name"], s["steps_before"], s["steps_after"]) for s in stages] == [
        ("Sign up", 3, 2),
        ("Use", 1, 2),
        ("Print the manual", 1, None),
    ]
    signup = stages[0]
    assert signup["sentiment_before"] == pytest.approx(-4 / 3 / 5, abs=1e-3)
    assert signup["sentiment_after"] == pytest.approx(0.4)
    assert stages[2]["sentiment_after"] is None


def test_sentiment_lift_normalised_and_on_the_scale() -> None:
    data = compare_maps(_asis(), _tobe()).to_dict()
    sentiment = data["sentiment"]
    assert sentiment["score_before"] == pytest.approx(-0.4)  # (1 - 3 - 2 + 2 + 0) / 5
    assert sentiment["score_after"] == pytest.approx(2.25)
    assert sentiment["lift"] == pytest.approx((2.25 + 0.4) / 5)
    assert sentiment["lift_score"] == pytest.approx(2.65)
    assert set(data) >= {"steps", "pain_points", "stages", "sentiment"}
    assert set(data["steps"]) >= {"added", "removed", "changed"}


def test_maps_on_different_scales_compare_normalised() -> None:
    tobe = _tobe()
    tobe.scale = SentimentScale(min=1, max=5)
    for step in tobe.steps():
        step.emotion = 5
    result = compare_maps(_asis(), tobe)
    assert result.sentiment_after == pytest.approx(1.0)
    assert result.lift_score is None
    assert result.lift == pytest.approx(1.0 + 0.4 / 5)


def test_identical_maps_have_no_differences() -> None:
    result = compare_maps(_asis(), _asis())
    assert not (result.steps_added or result.steps_removed or result.steps_changed)
    assert not (result.pains_resolved or result.pains_new)
    assert result.lift == 0
