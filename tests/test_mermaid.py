"""Mermaid `journey` diagrams: reading real-world files, writing, and round trips."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyline.errors import InvalidInput, NotFound
from journeyline.formats import load_workspace, save_workspace
from journeyline.formats.mermaid import (
    IMPLICIT_STAGE,
    MERMAID_FORMAT,
    export_mermaid,
    parse_mermaid,
    read_mermaid,
    to_mermaid,
)
from journeyline.model import (
    Evidence,
    JourneyMap,
    PainPoint,
    SentimentScale,
    Stage,
    Step,
    Workspace,
    check_integrity,
)

FIXTURES = Path(__file__).parent / "fixtures" / "mermaid"


def outline(
    journey: JourneyMap, ws: Workspace | None = None
) -> list[tuple[str, list[tuple[str, float | None, list[str]]]]]:
    """Stages, steps, scores and who takes part (actors, then personas by name)."""
    names = {p.id: p.name for p in ws.personas} if ws else {}
    return [
        (
            stage.name,
            [
                (
                    step.name,
                    step.emotion,
                    step.actors + [names[p] for p in step.personas if p in names],
                )
                for step in stage.steps
            ],
        )
        for stage in journey.stages
    ]


def rendered(loaded_warnings: list) -> list[str]:
    return [w.render() for w in loaded_warnings]


# --- reading real-world files ------------------------------------------------------------


def test_reads_the_documented_example() -> None:
    loaded = read_mermaid(FIXTURES / "working_day.mmd")
    assert loaded.warnings == []
    ws = loaded.workspace
    journey = ws.maps[0]
    assert journey.name == "My working day"
    assert journey.scale == SentimentScale(min=1, max=5)
    assert outline(journey, loaded.workspace) == [
        (
            "Go to work",
            [("Make tea", 5, ["Me"]), ("Go upstairs", 3, ["Me"]), ("Do work", 1, ["Me", "Cat"])],
        ),
        ("Go home", [("Go downstairs", 5, ["Me"]), ("Sit down", 5, ["Me"])]),
    ]
    assert [(p.id, p.name) for p in ws.personas] == [("me", "Me"), ("cat", "Cat")]
    assert journey.personas == ["me", "cat"]
    assert journey.stages[0].steps[2].personas == ["me", "cat"]
    assert [s.id for s in journey.stages] == ["go-to-work", "go-home"]
    assert check_integrity(ws) == []


def test_windows_line_endings_bom_and_tabs() -> None:
    raw = (FIXTURES / "windows_bom.mmd").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    loaded = read_mermaid(FIXTURES / "windows_bom.mmd")
    assert loaded.warnings == []
    assert outline(loaded.workspace.maps[0], loaded.workspace) == [
        (
            "Contact",
            [("Call the hotline", 2, ["Customer"]), ("Wait on hold", 1, ["Customer", "IVR"])],
        ),
        ("Resolution", [("Agent solves it", 4, ["Customer", "Agent"])]),
    ]


def test_front_matter_directive_and_accessibility_lines() -> None:
    path = FIXTURES / "saas_trial_frontmatter.mmd"
    loaded = read_mermaid(path)
    journey = loaded.workspace.maps[0]
    assert journey.name == "SaaS trial evaluation"  # from the front matter
    assert journey.scenario == "A product lead evaluates our tool\nduring a 14-day free trial."
    assert [s.name for s in journey.stages] == ["Awareness", "Trial", "Purchase"]
    # the trailing %% comment is not part of the actors
    assert outline(journey, loaded.workspace)[1][1][2][2] == ["Priya"]
    assert [p.name for p in loaded.workspace.personas] == ["Priya", "Sales", "Team", "Billing"]
    assert rendered(loaded.warnings) == [
        f"{path}:3:1: warning: front matter key 'config' ignored "
        "(Journeyline keeps no Mermaid configuration; only 'title' is read)",
        f"{path}:7:1: warning: Mermaid directive "
        """'%%{init: {"theme": "forest", "journey": {"useMaxWidth": true}}}%%' ignored """
        "(Journeyline keeps no Mermaid configuration)",
        f"{path}:9:3: warning: accTitle 'Trial evaluation for a small team' not kept: "
        "the map's name is the title 'SaaS trial evaluation'",
    ]


def test_hand_written_file_keeps_everything_or_says_where() -> None:
    path = FIXTURES / "messy_hand_written.mmd"
    loaded = read_mermaid(path)
    journey = loaded.workspace.maps[0]
    assert journey.name == "Restaurant visit"
    assert outline(journey, loaded.workspace) == [
        (IMPLICIT_STAGE, [("Find a table", 3, ["Guest"])]),
        (
            "Arrive",
            [
                ("Greeted at the door", 5, ["Guest", "Host"]),
                ("Wait for a table", 2, ["Guest", "Host"]),
            ],
        ),
        (
            "Order",
            [
                ("Read the menu", 4, []),
                ("Order food", None, ["Guest", "Waiter"]),
                ("Food arrives", 0, ["Guest"]),
                ("Dessert", 6, ["Guest"]),
                ("Ask for the bill", None, []),
                ("Table", None, []),
            ],
        ),
        ("Pay", [("Pay", 3, ["Guest"])]),
    ]
    warnings = rendered(loaded.warnings)
    expected = [
        "4:1: warning: task 'Find a table' comes before any section",
        "10:15: warning: score 'quick' of task 'Order food' is not a number",
        "11:17: warning: score 0 of task 'Food arrives' is outside Mermaid's scale 1 … 5; kept as written",
        "12:12: warning: score 6 of task 'Dessert' is outside Mermaid's scale 1 … 5; kept as written",
        "13:19: warning: task 'Ask for the bill' has no score",
        "14:9: warning: '#12 is wobbly: 2: Guest' ignored: Mermaid reads '#' as the start of a comment",
        "14:8: warning: task 'Table' has no score",
        "17:17: warning: ':Waiter' after the actors of task 'Pay' ignored",
    ]
    assert len(warnings) == len(expected)
    for got, want in zip(warnings, expected, strict=True):
        assert got.startswith(f"{path}:{want}"), got
    # out-of-scale scores are kept, and the integrity check flags them too
    problems = check_integrity(loaded.workspace)
    assert {p.severity for p in problems} == {"warning"}
    assert len(problems) == 2


def test_unicode_names_and_actors() -> None:
    loaded = read_mermaid(FIXTURES / "unicode.mmd")
    assert loaded.warnings == []
    journey = loaded.workspace.maps[0]
    assert journey.name == "顧客の旅 🚀 — רכישה"
    assert outline(journey, loaded.workspace) == [
        (
            "認知 👀",
            [
                ("広告を見る", 4, ["田中さん"]),
                ("Lit l'article «très bien»", 5, ["Zoë", "田中さん"]),
            ],
        ),
        ("شراء", [("يدفع بالبطاقة", 2, ["سارة"]), ("Ödeme ✅", 5, ["Zoë"])]),
    ]
    ids = [p.id for p in loaded.workspace.personas]
    assert len(ids) == len(set(ids)) == 3  # non-Latin names still get distinct, valid ids
    assert check_integrity(loaded.workspace) == []


def test_not_a_journey_diagram_is_refused_with_its_place() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_mermaid(FIXTURES / "flowchart.mmd")
    assert str(caught.value) == (
        f"{FIXTURES / 'flowchart.mmd'}:1:1: this is a Mermaid 'flowchart' diagram, not a user journey "
        "(Journeyline imports Mermaid 'journey' diagrams: the first line must be 'journey')"
    )
    assert caught.value.diagnostics[0].line == 1


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("", "x.mmd:1:1", "the file holds no diagram"),
        ("%% just a comment\n\n", "x.mmd:1:1", "the file holds no diagram"),
        ("\n\n  sequenceDiagram\n  A->>B: hi\n", "x.mmd:3:3", "'sequenceDiagram' diagram"),
        (
            "hello world\n",
            "x.mmd:1:1",
            "expected 'journey' at the start of the diagram, found 'hello'",
        ),
        ("---\ntitle: x\njourney\n", "x.mmd:1:1", "front matter opened here is never closed"),
        ("journey\n%%{init: {\n", "x.mmd:2:1", "directive is never closed"),
        ("journey\n  accDescr {\n  words\n", "x.mmd:2:3", "'accDescr {' block is never closed"),
    ],
)
def test_broken_files_name_the_place(text: str, where: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_mermaid(text, "x.mmd")
    assert str(caught.value).startswith(where + ": ")
    assert message in str(caught.value)


def test_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.mmd"
    path.write_bytes(b"journey\n  section Caf\xe9\n")
    with pytest.raises(InvalidInput, match=r"latin\.mmd:2:14: the file is not valid UTF-8"):
        read_mermaid(path)


def test_semicolons_separate_statements_and_no_space_colons() -> None:
    loaded = parse_mermaid("journey;title T;section S;A:1:X;B:2", "s.mmd")
    assert loaded.warnings == []
    assert outline(loaded.workspace.maps[0], loaded.workspace) == [
        ("S", [("A", 1, ["X"]), ("B", 2, [])])
    ]


def test_multiline_directive_and_accdescr_on_one_line() -> None:
    text = (
        "%%{\n  init: {'theme': 'dark'}\n}%%\njourney\n  accDescr { short }\n"
        "  accDescr: second part\n  section S\n    A: 4.5: Me\n"
    )
    loaded = parse_mermaid(text, "d.mmd")
    assert rendered(loaded.warnings) == [
        "d.mmd:1:1: warning: Mermaid directive '%%{init: {'theme': 'dark'}}%%' ignored "
        "(Journeyline keeps no Mermaid configuration)"
    ]
    journey = loaded.workspace.maps[0]
    assert journey.scenario == "short\nsecond part"
    assert journey.name == "d"  # no title: the file's name
    assert journey.stages[0].steps[0].emotion == 4.5


def test_empty_directive_is_silent_and_second_title_warns() -> None:
    loaded = parse_mermaid("%%{}%%\njourney\n title One\n title Two\n", "t.mmd")
    assert rendered(loaded.warnings) == [
        "t.mmd:4:2: warning: title 'Two' replaces the title 'One' given at line 3 (a diagram has one title)"
    ]
    assert loaded.workspace.maps[0].name == "Two"


# --- writing -----------------------------------------------------------------------------


def test_writes_a_diagram_mermaid_can_read() -> None:
    ws = read_mermaid(FIXTURES / "working_day.mmd").workspace
    assert to_mermaid(ws) == (
        "journey\n"
        "    title My working day\n"
        "    section Go to work\n"
        "        Make tea: 5: Me\n"
        "        Go upstairs: 3: Me\n"
        "        Do work: 1: Me, Cat\n"
        "    section Go home\n"
        "        Go downstairs: 5: Me\n"
        "        Sit down: 5: Me\n"
    )


def test_other_scales_are_rescaled_and_rounded_with_a_warning() -> None:
    journey = JourneyMap(
        name="Trial",
        scale=SentimentScale(min=-5, max=5),
        stages=[
            Stage(
                name="S",
                steps=[
                    Step(name=n, emotion=e)
                    for n, e in [("a", -5), ("b", 0), ("c", 5), ("d", 1.25), ("e", -3.75)]
                ],
            )
        ],
    )
    text, warnings = export_mermaid(journey)
    scores = re.findall(r": (\d+)$", text, flags=re.M)
    assert scores == ["1", "3", "5", "4", "2"]  # 1.25 → 3.5 → 4 (half up); -3.75 → 1.5 → 2
    # the warning names the scale's step and every step whose score was rounded
    assert [w.message for w in warnings] == [
        "map 'Trial' uses the scale -5 … 5; emotion scores were rescaled to Mermaid's 1 … 5 "
        "(one Mermaid point is 2.5 on the map's scale) and rounded: 'd' 1.25 → 4, 'e' -3.75 → 2"
    ]


@pytest.mark.parametrize(
    ("scale", "emotions", "scores", "message"),
    [
        (
            (1, 5),
            [3.5, 2.5, 4, 1.5],
            ["4", "3", "4", "2"],
            "3 emotion scores written as Mermaid's whole numbers 1 … 5: "
            "'s0' 3.5 → 4, 's1' 2.5 → 3, 's3' 1.5 → 2",
        ),
        (
            (0, 10),
            [0, 10, 5, 7, 2, 9],
            ["1", "5", "3", "4", "2", "5"],
            "map 'M' uses the scale 0 … 10; emotion scores were rescaled to Mermaid's 1 … 5 "
            "(one Mermaid point is 2.5 on the map's scale) and rounded: "
            "'s3' 7 → 4, 's4' 2 → 2, 's5' 9 → 5",
        ),
        (
            (1, 5),
            [0, 6, 3],
            ["1", "5", "3"],
            "2 emotion scores written as Mermaid's whole numbers 1 … 5: "
            "'s0' 0 → 1 (outside the map's scale), 's1' 6 → 5 (outside the map's scale)",
        ),
        (
            (-5, 5),
            [-5, -2.5, 0, 2.5, 5],
            ["1", "2", "3", "4", "5"],
            "map 'M' uses the scale -5 … 5; emotion scores were rescaled to Mermaid's 1 … 5 "
            "(one Mermaid point is 2.5 on the map's scale) and rounded",
        ),
    ],
)
def test_every_exported_score_is_a_whole_number_on_mermaids_scale(
    scale: tuple[float, float], emotions: list[float], scores: list[str], message: str
) -> None:
    journey = JourneyMap(
        name="M",
        scale=SentimentScale(min=scale[0], max=scale[1]),
        stages=[
            Stage(name="S", steps=[Step(name=f"s{i}", emotion=e) for i, e in enumerate(emotions)])
        ],
    )
    text, warnings = export_mermaid(journey)
    assert re.findall(r": (\S+)$", text, flags=re.M) == scores
    assert [w.message for w in warnings] == [message]
    assert warnings[0].hint == "a Mermaid journey scores each task with a whole number from 1 to 5"
    back = parse_mermaid(text).workspace.maps[0]
    assert [step.emotion for step in back.steps()] == [float(s) for s in scores]


def test_a_whole_1_to_5_map_exports_without_a_score_warning() -> None:
    journey = JourneyMap(
        name="W",
        scale=SentimentScale(min=1, max=5),
        stages=[Stage(name="S", steps=[Step(name="a", emotion=1), Step(name="b", emotion=5)])],
    )
    assert export_mermaid(journey)[1] == []


@settings(max_examples=200, deadline=None)
@given(
    low=st.integers(-10, 5),
    width=st.integers(1, 20),
    emotions=st.lists(st.floats(-30, 30, allow_nan=False), min_size=1, max_size=8),
)
def test_exported_scores_are_always_valid_for_mermaid(
    low: int, width: int, emotions: list[float]
) -> None:
    journey = JourneyMap(
        name="P",
        scale=SentimentScale(min=low, max=low + width),
        stages=[
            Stage(name="S", steps=[Step(name=f"s{i}", emotion=e) for i, e in enumerate(emotions)])
        ],
    )
    text = to_mermaid(journey)
    assert all(s in {"1", "2", "3", "4", "5"} for s in re.findall(r": (\S+)$", text, flags=re.M))


def test_characters_mermaid_cannot_carry_are_replaced_and_reported() -> None:
    journey = JourneyMap(
        name="Order #1; today",
        scale=SentimentScale(min=1, max=5),
        stages=[
            Stage(
                name="Pay: now",
                steps=[Step(name="Enter card\nnumber", emotion=2, actors=["Smith, J.", "Ops #2"])],
            )
        ],
    )
    text, warnings = export_mermaid(journey, file="out.mmd")
    assert "    title Order ＃1； today\n" in text
    assert "    section Pay꞉ now\n" in text
    assert "        Enter card number: 2: Smith， J., Ops ＃2\n" in text
    messages = [w.render() for w in warnings]
    assert len(messages) == 5
    assert messages[0].startswith("out.mmd: warning: map title 'Order #1; today' has characters")
    # what comes back is still the same diagram shape
    assert outline(*(lambda w: (w.maps[0], w))(parse_mermaid(text).workspace)) == [
        ("Pay꞉ now", [("Enter card number", 2, ["Smith， J.", "Ops ＃2"])])
    ]


def test_keyword_like_task_names_survive_the_round_trip() -> None:
    names = ["Title deed arrives", "section off the garden", "journey home", "accTitle: x"]
    journey = JourneyMap(
        name="K",
        scale=SentimentScale(min=1, max=5),
        stages=[Stage(name="S", steps=[Step(name=n.replace(":", ""), emotion=3) for n in names])],
    )
    back = parse_mermaid(to_mermaid(journey)).workspace.maps[0]
    assert [s.name for s in back.steps()] == [s.name for s in journey.steps()]
    assert back.name == "K"


def test_unscored_steps_missing_fields_and_several_maps_are_reported() -> None:
    first = JourneyMap(
        name="First",
        scale=SentimentScale(min=1, max=5),
        stages=[
            Stage(
                name="S",
                goal="get going",
                steps=[
                    Step(name="a", touchpoint="web", thinks="hm", moment_of_truth=True),
                    Step(name="b", emotion=4),
                ],
            )
        ],
        pain_points=[PainPoint(name="slow", step="a")],
        evidence=[Evidence(name="interview 1")],
    )
    second = JourneyMap(
        id="second",
        name="Second",
        scale=SentimentScale(min=1, max=5),
        stages=[Stage(name="Only", steps=[Step(name="z", emotion=1)])],
    )
    ws = Workspace(maps=[first, second])
    # A diagram holds one map: with several, the caller says which (Workspace.pick_map).
    with pytest.raises(
        InvalidInput, match=r"holds 2 maps: First, second \(choose one with --map\)"
    ):
        export_mermaid(ws)
    text, warnings = export_mermaid(ws, map_id="")
    assert "        a: 3\n" in text
    messages = [w.message for w in warnings]
    assert messages[0].startswith(
        "1 step without an emotion score written with the neutral score 3 ('a')"
    )
    assert messages[1] == (
        "not written (a Mermaid journey holds only titles, stage and step names, scores and actors): "
        "touchpoints of 1 step; 'thinks' of 1 step; 1 moment of truth; goals of 1 stage; "
        "1 pain point; 1 piece of evidence"
    )
    assert to_mermaid(ws, map_id="second").splitlines()[1:] == [
        "    title Second",
        "    section Only",
        "        z: 1",
    ]
    with pytest.raises(NotFound, match="no map 'nope'"):
        to_mermaid(ws, map_id="nope")


def test_personas_stand_in_for_missing_actors() -> None:
    ws = parse_mermaid("journey\n section S\n  a: 2: Ana, Bo\n").workspace
    assert ws.maps[0].stages[0].steps[0].actors == []  # the actors are the step's personas
    assert to_mermaid(ws).splitlines()[-1] == "        a: 2: Ana, Bo"


def test_through_the_registry(tmp_path: Path) -> None:
    source = tmp_path / "day.mmd"
    source.write_bytes((FIXTURES / "working_day.mmd").read_bytes())
    loaded = load_workspace(source)
    assert loaded.warnings == []
    out = tmp_path / "copy.mmd"
    assert save_workspace(loaded.workspace, out) == []
    assert out.read_text(encoding="utf-8") == to_mermaid(loaded.workspace)
    assert MERMAID_FORMAT.extensions[0] == ".mmd"


# --- round trips -------------------------------------------------------------------------

_FORBIDDEN = ":#;,%}\u200b"
_chars = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters=_FORBIDDEN
)
_name = st.text(_chars, min_size=1, max_size=16).map(str.strip).filter(bool)
_keyword = re.compile(r"(?i)(?:title|section)(?:\s|$)|acc(?:title|descr)\s*[:{]|journey(?:\s|$)")
_plain_name = _name.filter(lambda n: not _keyword.match(n))
_score = st.one_of(
    st.integers(1, 5).map(float), st.floats(1, 5, allow_nan=False).map(lambda x: round(x, 3))
)
_task = st.tuples(_plain_name, _score, st.lists(_plain_name, max_size=3, unique=True))
_diagram = st.tuples(
    _plain_name,
    st.lists(st.tuples(_plain_name, st.lists(_task, max_size=4)), min_size=1, max_size=4),
)


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _canonical(title: str, sections: list) -> str:
    out = ["journey", f"    title {title}"]
    for section, tasks in sections:
        out.append(f"    section {section}")
        for name, score, actors in tasks:
            out.append(
                f"        {name}: {_number(score)}" + (": " + ", ".join(actors) if actors else "")
            )
    return "\n".join(out) + "\n"


@settings(max_examples=150, deadline=None)
@given(_diagram)
def test_mermaid_model_mermaid_round_trip(diagram: tuple[str, list]) -> None:
    title, sections = diagram
    text = _canonical(title, sections)
    loaded = parse_mermaid(text)
    assert loaded.warnings == []
    journey = loaded.workspace.maps[0]
    assert journey.name == title
    assert outline(journey, loaded.workspace) == [
        (s, [(n, e, list(dict.fromkeys(a))) for n, e, a in tasks]) for s, tasks in sections
    ]
    assert check_integrity(loaded.workspace) == []
    # Mermaid's task scores are whole numbers 1 … 5: a fractional score read from a file
    # is written back rounded half up; whole scores come back exactly
    whole = [
        (s, [(n, float(math.floor(e + 0.5)), a) for n, e, a in tasks]) for s, tasks in sections
    ]
    assert to_mermaid(loaded.workspace) == _canonical(title, whole)
    if whole == sections:
        assert to_mermaid(loaded.workspace) == text


@settings(max_examples=100, deadline=None)
@given(_diagram, st.randoms(use_true_random=False))
def test_any_layout_reads_the_same(diagram: tuple[str, list], rnd) -> None:  # type: ignore[no-untyped-def]
    """Indentation, spacing around colons, comments, blank lines and line endings don't matter."""
    title, sections = diagram

    def pad() -> str:
        return rnd.choice(["", " ", "\t", "   ", " \t "])

    lines = ["%% generated", f"{pad()}journey", f"{pad()}title {title}"]
    for section, tasks in sections:
        lines.append(f"{pad()}section {section}{pad()}%% stage")
        for name, score, actors in tasks:
            data = f"{pad()}:{pad()}{_number(score)}{pad()}"
            if actors:
                data += ":" + ",".join(pad() + a + pad() for a in actors)
            lines.append(f"{pad()}{name}{data}")
        lines.append(rnd.choice(["", "   ", "%% note"]))
    text = rnd.choice(["\n", "\r\n"]).join(lines)
    loaded = parse_mermaid(rnd.choice(["", "\ufeff"]) + text)
    assert loaded.warnings == []
    assert outline(loaded.workspace.maps[0], loaded.workspace) == [
        (s, list(tasks)) for s, tasks in sections
    ]


_any_name = _name  # model names may start with keywords: the writer guards them
_steps = st.lists(
    st.builds(
        lambda n, e, a: Step(name=n, emotion=e, actors=a),
        _any_name,
        st.integers(1, 5).map(float),  # Mermaid writes whole scores (fractions: rounded)
        st.lists(_plain_name, max_size=3, unique=True),
    ),
    max_size=4,
)
_scenario = st.lists(st.text(_chars, max_size=20).map(str.strip), min_size=1, max_size=3).map(
    lambda lines: "\n".join(lines).strip() or None
)


@settings(max_examples=100, deadline=None)
@given(_plain_name, _scenario, st.lists(st.tuples(_any_name, _steps), min_size=1, max_size=4))
def test_model_mermaid_model_round_trip(name: str, scenario: str | None, stages: list) -> None:
    journey = JourneyMap(
        name=name,
        scenario=scenario,
        scale=SentimentScale(min=1, max=5),
        stages=[Stage(name=s, steps=steps) for s, steps in stages],
    )
    text, warnings = export_mermaid(journey)
    assert warnings == []
    back_ws = parse_mermaid(text).workspace
    back = back_ws.maps[0]
    assert back.name == journey.name
    assert back.scenario == journey.scenario
    assert outline(back, back_ws) == outline(journey)


# --- front matter and accDescr as Mermaid reads them (diagram-api/regexes.ts, journey.jison) ---


def test_an_indented_diagram_with_tab_indented_front_matter_reads() -> None:
    # a diagram pasted from an indented Markdown block: Mermaid dedents the YAML by the
    # opening '---''s indentation, so the tabs never reach the YAML parser
    text = "\t---\n\ttitle: Tabbed trial\n\tconfig:\n\t  theme: forest\n\t---\n\tjourney\n"
    text += "\t  section Sign up\n\t    Fill the form: 2: Ana\n"
    loaded = parse_mermaid(text, "t.mmd")
    journey = loaded.workspace.maps[0]
    assert journey.name == "Tabbed trial"
    assert outline(journey, loaded.workspace) == [("Sign up", [("Fill the form", 2, ["Ana"])])]
    assert rendered(loaded.warnings) == [
        "t.mmd:3:2: warning: front matter key 'config' ignored "
        "(Journeyline keeps no Mermaid configuration; only 'title' is read)"
    ]


def test_a_deeper_dash_line_inside_the_yaml_does_not_close_the_front_matter() -> None:
    text = (
        "---\ntitle: Notes\nabout: |\n  ---\n  still the YAML string\n---\njourney\n  section S\n"
    )
    loaded = parse_mermaid(text, "n.mmd")
    assert loaded.workspace.maps[0].name == "Notes"
    assert [s.name for s in loaded.workspace.maps[0].stages] == ["S"]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "---\ntitle: Trial\n  ---\njourney\n  section S\n",
            "x.mmd:3:3",
            "this '---' is indented differently from the '---' that opens the front matter "
            "at line 1 (no indentation), so Mermaid does not read it as the end",
        ),
        (
            "  ---\n  title: Trial\n---\njourney\n",
            "x.mmd:3:1",
            "at line 1 (2 spaces or tabs)",
        ),
        ("---\n---\njourney\n", "x.mmd:1:1", "the front matter is empty"),
    ],
)
def test_front_matter_mermaid_would_not_find_is_refused(
    text: str, where: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_mermaid(text, "x.mmd")
    assert str(caught.value).startswith(where + ": ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "journey\n  accDescr {\n    A product lead\n    on a trial\n  }\n  title Trial\n"
        "  section S\n    A: 3: Me\n",
        "journey\n  accDescr {\n    A product lead\n    on a trial\n  } title Trial\n"
        "  section S\n    A: 3: Me\n",
        "journey\n  accDescr { A product lead\non a trial } title Trial; section S\n    A: 3: Me\n",
    ],
)
def test_an_accdescr_block_followed_by_a_title_keeps_both(text: str) -> None:
    loaded = parse_mermaid(text, "a.mmd")
    journey = loaded.workspace.maps[0]
    assert journey.name == "Trial"
    assert journey.scenario == "A product lead\non a trial"
    assert outline(journey, loaded.workspace) == [("S", [("A", 3, ["Me"])])]
    assert loaded.warnings == []


def test_a_one_line_accdescr_block_then_a_title_and_a_comment() -> None:
    loaded = parse_mermaid("journey\n  accDescr { short } title T %% note\n", "c.mmd")
    assert (loaded.workspace.maps[0].name, loaded.workspace.maps[0].scenario) == ("T", "short")
    assert loaded.warnings == []


def test_a_diagram_copied_from_an_indented_markdown_block() -> None:
    path = FIXTURES / "indented_markdown_block.mmd"
    loaded = read_mermaid(path)
    journey = loaded.workspace.maps[0]
    # the front matter's title is replaced by the title after the accDescr block
    assert journey.name == "Checkout (as is)"
    assert journey.scenario == "A returning customer buys a gift\non her phone"
    assert [s.name for s in journey.stages] == ["Basket", "Pay"]
    assert rendered(loaded.warnings) == [
        f"{path}:3:5: warning: front matter key 'config' ignored "
        "(Journeyline keeps no Mermaid configuration; only 'title' is read)",
        f"{path}:11:9: warning: title 'Checkout (as is)' replaces the title "
        "'Checkout redesign' given at line 2 (a diagram has one title)",
    ]
    text, warnings = export_mermaid(loaded.workspace)
    assert "        Applies voucher: 3: Shopper, Voucher service\n" in text
    assert [w.message for w in warnings] == [
        "1 emotion score written as Mermaid's whole numbers 1 … 5: 'Applies voucher' 2.5 → 3"
    ]
