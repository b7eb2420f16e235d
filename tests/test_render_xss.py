"""User text is data, never markup: XSS payloads in every text field of a map stay text."""

from __future__ import annotations

import json
import re

import pytest

from journeyline.model import (
    Backstory,
    Branch,
    Evidence,
    JourneyMap,
    LaneDefinition,
    Metric,
    Opportunity,
    PainPoint,
    Persona,
    Stage,
    Step,
    Workspace,
)
from journeyline.render import layout_map, render_html, render_print_html, render_svg
from journeyline.render.html import details_data, script_json

PAYLOAD = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(2)>'
EVIL = PAYLOAD + ATTR


def _evil_workspace(avatar: str = "javascript:alert(3)") -> Workspace:
    persona = Persona(
        id="p",
        name="P " + EVIL,
        role=EVIL,
        goals=[EVIL],
        challenges=[EVIL],
        quote=EVIL,
        bio=EVIL,
        demographics={EVIL: EVIL},
        values=[EVIL],
        fears=[EVIL],
        needs=[EVIL],
        motivations=[EVIL],
        preferred_channels=[EVIL],
        marketing_message=EVIL,
        elevator_pitch=EVIL,
        avatar=avatar,
    )
    step = Step(
        id="s1",
        name=EVIL,
        kind="decision",
        description=EVIL,
        touchpoint=EVIL,
        channel=EVIL,
        does=EVIL,
        thinks=EVIL,
        feels=EVIL,
        emotion=-3,
        actors=[EVIL],
        moment_of_truth=True,
        branches=[Branch(label=EVIL, to="s2")],
        metrics=[Metric(name=EVIL, value=EVIL, unit=EVIL, target=EVIL)],
        image="javascript:alert(4)",
        notes=EVIL,
        lanes={"custom": EVIL},
    )
    step2 = Step(id="s2", name="Second " + EVIL, zone="backstage", does=EVIL, emotion=2)
    journey = JourneyMap(
        id="m",
        name=EVIL,
        personas=["p"],
        scenario=EVIL,
        goal=EVIL,
        timeframe=EVIL,
        owner=EVIL,
        lanes=[
            "actions",
            "touchpoints",
            "channels",
            "thinks",
            "feels",
            "sentiment",
            "pain_points",
            "opportunities",
            "backstage",
            "metrics",
            "images",
            "notes",
            "custom",
        ],
        backstory=Backstory(
            story=EVIL, highest_goal=EVIL, pain_points=[EVIL], requirements=[EVIL], outcomes=[EVIL]
        ),
        stages=[
            Stage(
                id="st",
                name=EVIL,
                goal=EVIL,
                duration=EVIL,
                expectations=[EVIL],
                steps=[step, step2],
            )
        ],
        pain_points=[
            PainPoint(id="pp", name=EVIL, description=EVIL, step="s1", impact="abandon"),
            PainPoint(id="pp2", name=EVIL),
        ],
        opportunities=[
            Opportunity(id="o", name=EVIL, description=EVIL, steps=["s1"], owner=EVIL, votes=3)
        ],
        evidence=[Evidence(id="e", name=EVIL, quote=EVIL, summary=EVIL, source=EVIL, links=["s1"])],
    )
    return Workspace(
        id="w", personas=[persona], lanes=[LaneDefinition(id="custom", name=EVIL)], maps=[journey]
    )


def _outputs(ws: Workspace) -> dict[str, str]:
    layout = layout_map(ws.maps[0], ws)
    return {
        "svg": render_svg(layout),
        "html": render_html(layout),
        "pdf-fit": render_print_html(layout, "fit"),
        "pdf-a4": render_print_html(layout, "A4"),
    }


@pytest.mark.parametrize("kind", ["svg", "html", "pdf-fit", "pdf-a4"])
def test_payloads_in_every_field_stay_text(kind: str) -> None:
    out = _outputs(_evil_workspace())[kind]
    assert "<script>alert" not in out
    assert "<img src=x" not in out
    assert "onerror=alert(2)>" not in out.replace("onerror=alert(2)&gt;", "")
    assert "javascript:" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    # Our own <script> elements are the only ones: the code holds no user text, and the
    # JSON data island (hover details) holds it only as escaped JSON.
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", out, flags=re.S):
        if 'type="application/json"' in attrs:
            assert not set("<>&\u2028\u2029") & set(body)
            assert json.loads(body)["steps"][0][0] == EVIL
        else:
            assert "alert(" not in body


def test_script_json_cannot_end_its_script_element() -> None:
    text = "</script><script>alert(1)</script><!-- & \u2028 \u2029 é"
    out = script_json({"name": text})
    assert not set("<>&\u2028\u2029") & set(out)
    assert json.loads(out) == {"name": text}


def test_hover_details_carry_every_field_of_the_step() -> None:
    layout = layout_map(_evil_workspace().maps[0], _evil_workspace())
    steps = details_data(layout)["steps"]
    assert isinstance(steps, list)
    name, tags, fields = steps[0]
    assert name == EVIL
    assert ["kind-decision", "Decision"] in tags and ["moment", "★ Moment of truth"] in tags
    labels = [label for label, _ in fields]
    for label in ("Stage", "Does", "Thinks", "Feels", "Pain points", "Opportunities", "Evidence"):
        assert label in labels
    assert all(EVIL in value for label, value in fields if label in ("Does", "Thinks"))


def test_every_field_reaches_the_html() -> None:
    html = _outputs(_evil_workspace())["html"]
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    # name, description, touchpoint, channel, does, thinks, feels, actors, branch, metrics, notes,
    # custom lane, stage (name/goal/duration/expectations), pain points, opportunity, evidence,
    # persona fields, back-story, scope: each places the payload at least once.
    assert html.count(escaped) >= 40


def test_unsafe_avatar_falls_back_to_initials_and_safe_ones_are_kept() -> None:
    html = _outputs(_evil_workspace("javascript:alert(3)"))["html"]
    assert "javascript:" not in html
    assert '<div class="avatar" aria-hidden="true">PO</div>' in html
    assert (
        'class="avatar-initials" text-anchor="middle">PO</text>'
        in _outputs(_evil_workspace())["svg"]
    )
    ok = _outputs(_evil_workspace("https://example.org/p.png"))
    assert 'href="https://example.org/p.png"' in ok["svg"]
    assert 'src="https://example.org/p.png"' in ok["html"]
    data = _outputs(_evil_workspace('data:image/png;base64,AAAA" onload="alert(5)'))["svg"]
    assert "onload" not in data


def test_unsafe_step_image_is_not_drawn() -> None:
    svg = _outputs(_evil_workspace())["svg"]
    assert "<image" not in svg.split('data-lane="images"')[1].split('data-lane="notes"')[0]
    assert "Image not shown" in svg
