"""The live map document (journeyline.live): layout, round trips, minimal edits, checks, repair."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Array, Doc, Map, Text

from journeyline.errors import InvalidInput
from journeyline.live import (
    LAYOUT,
    RefusedUpdate,
    UpdateChecker,
    apply_map,
    check_update,
    new_doc,
    read_map,
    repair,
)
from journeyline.live.layout import (
    GENERATED_PATH,
    KINDS,
    REPAIR_RULES,
    fields_table,
    layout_json,
    main,
)
from journeyline.live.positions import PositionError, is_key, key_between, keys_between
from journeyline.model import (
    Backstory,
    Branch,
    Evidence,
    JourneyMap,
    Opportunity,
    PainPoint,
    Stage,
    Step,
)
from journeyline.templates import load_template, template_names


def small_map() -> JourneyMap:
    return JourneyMap(
        id="trial",
        name="Trial",
        personas=["priya"],
        stages=[
            Stage(
                id="discover",
                name="Discover",
                steps=[
                    Step(id="search", name="Search", emotion=1, feels="Curious 😀"),
                    Step(
                        id="compare",
                        name="Compare",
                        kind="decision",
                        branches=[Branch(label="Yes", to="signup")],
                    ),
                ],
            ),
            Stage(id="start", name="Start", steps=[Step(id="signup", name="Sign up", emotion=-2)]),
        ],
        pain_points=[PainPoint(id="slow", name="Slow form", step="signup", reach=0.4)],
        opportunities=[
            Opportunity(id="shorter", name="Shorter form", pain_points=["slow"], steps=["signup"])
        ],
        evidence=[Evidence(id="interviews", name="Interviews", links=["slow", "priya", "trial"])],
    )


def client_of(server: Doc) -> Doc:
    """A client document that has synced with the server."""
    client: Doc = Doc()
    client.apply_update(server.get_update())
    return client


def update_from(client: Doc, server: Doc) -> bytes:
    """What the client sends that the server lacks."""
    return client.get_update(server.get_state())


def entry(doc: Doc, collection: str, element_id: str) -> Map:
    value = doc.get(collection, type=Map)[element_id]
    assert isinstance(value, Map)
    return value


# --- layout ----------------------------------------------------------------------------------


def test_every_model_field_has_a_place_in_the_layout() -> None:
    for name, kind in KINDS.items():
        laid_out = set(kind.fields) | set(kind.skipped)
        assert laid_out == set(kind.model.model_fields), name
        shapes = [*kind.text, *kind.id_lists, *kind.lists, *kind.text_maps, *kind.plain]
        assert len(shapes) == len(set(shapes)), f"{name}: a field has two shapes"


def test_layout_table_names_text_fields_and_defaults() -> None:
    assert LAYOUT["layout"] == 1
    steps = LAYOUT["kinds"]["steps"]
    assert "feels" in steps["text"] and "lanes" in steps["text_maps"]
    assert steps["defaults"]["zone"] == "frontstage"
    assert LAYOUT["kinds"]["map"]["defaults"]["scale"] == {"min": -5, "max": 5}
    assert LAYOUT["kinds"]["evidence"]["required_text"] == ["name"]


def test_the_boards_copy_of_the_layout_is_current() -> None:
    generated = Path(__file__).resolve().parent.parent / GENERATED_PATH
    if not generated.parent.parent.is_dir():
        pytest.skip("no frontend/ sources here (an installed package): nothing to compare")
    assert generated.read_text(encoding="utf-8") == layout_json(), (
        "frontend/src/board/live/layout.generated.json is out of date: "
        "run python -m journeyline.live.layout and commit it"
    )


def test_layout_command_writes_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "layout.json"
    assert main([str(target), "--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert main([str(target)]) == 0
    assert main([str(target), "--check"]) == 0
    for case in LAYOUT["positions"]["examples"]:
        keys = case["keys"]
        assert len(keys) == case["n"] and keys == sorted(set(keys))
        assert all((case["a"] or "") < k for k in keys)
        assert all(case["b"] is None or k < case["b"] for k in keys)


def test_format_docs_describe_the_layout_and_every_repair_rule() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "format.md").read_text(
        encoding="utf-8"
    )
    section = text[text.index("## The live document") : text.index("## Reference: every key")]
    assert fields_table() in section, "docs/format.md: paste journeyline.live.layout.fields_table()"
    for rule, says in REPAIR_RULES:
        assert says in section, f"docs/format.md does not state the repair rule {rule!r}"


# --- positions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # The reference vectors of rocicorp's fractional-indexing.
        (None, None, "a0"),
        (None, "a0", "Zz"),
        (None, "Zz", "Zy"),
        ("a0", None, "a1"),
        ("a1", None, "a2"),
        ("a0", "a1", "a0V"),
        ("a1", "a2", "a1V"),
        ("a0V", "a1", "a0l"),
        ("Zz", "a0", "ZzV"),
        ("Zz", "a1", "a0"),
        (None, "Y00", "Xzzz"),
        ("bzz", None, "c000"),
        ("a0", "a0V", "a0G"),
        ("a0", "a0G", "a08"),
        ("b125", "b129", "b127"),
        ("a0", "a1V", "a1"),
        ("Zz", "a01", "a0"),
        (None, "a0V", "a0"),
        (None, "b999", "b99"),
        (None, "A00000000000000000000000000V", "A00000000000000000000000000G"),
        ("zzzzzzzzzzzzzzzzzzzzzzzzzzy", None, "zzzzzzzzzzzzzzzzzzzzzzzzzzz"),
        ("zzzzzzzzzzzzzzzzzzzzzzzzzzz", None, "zzzzzzzzzzzzzzzzzzzzzzzzzzzV"),
    ],
)
def test_positions_match_the_reference_algorithm(
    a: str | None, b: str | None, expected: str
) -> None:
    assert key_between(a, b) == expected


@pytest.mark.parametrize(("a", "b"), [("a0", "a0"), ("a1", "a0"), ("a00", None), ("0", None)])
def test_positions_refuse_bad_neighbours(a: str, b: str | None) -> None:
    with pytest.raises(PositionError):
        key_between(a, b)


def test_positions_always_fall_strictly_between() -> None:
    rng = random.Random(7)
    keys = keys_between(None, None, 5)
    for _ in range(400):
        index = rng.randrange(len(keys) + 1)
        before = keys[index - 1] if index else None
        after = keys[index] if index < len(keys) else None
        key = key_between(before, after)
        assert is_key(key)
        assert (before is None or before < key) and (after is None or key < after)
        keys.insert(index, key)
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    many = keys_between("a0", "a1", 50)
    assert many == sorted(many) and len(set(many)) == 50 and all("a0" < k < "a1" for k in many)


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("template", template_names())
def test_every_template_reads_back_as_it_was_written(template: str) -> None:
    for journey in load_template(template).maps:
        doc = new_doc(journey)
        again = read_map(doc)
        assert again.model_dump(mode="json") == journey.model_dump(mode="json")
        assert again._unreadable == []
        assert repair(doc) is False
        # A peer that only has the bytes reads the same map.
        assert read_map(client_of(doc)) == again


def test_shared_types_follow_the_layout() -> None:
    doc = new_doc(small_map())
    step = entry(doc, "steps", "search")
    assert isinstance(step["name"], Text) and isinstance(step["description"], Text)
    assert str(step["description"]) == ""
    assert isinstance(step["personas"], Array) and isinstance(step["lanes"], Map)
    assert step["stage"] == "discover" and isinstance(step["pos"], str)
    assert step["emotion"] == 1
    assert "zone" not in step  # a default is left out: absent reads as the model's default
    assert doc.get("meta", type=Map)["layout"] == 1
    assert isinstance(doc.get("map", type=Map)["name"], Text)
    assert isinstance(doc.get("backstory", type=Map)["story"], Text)


def test_steps_read_in_position_order_within_their_stage() -> None:
    doc = new_doc(small_map())
    first, second = entry(doc, "steps", "search"), entry(doc, "steps", "compare")
    first["pos"], second["pos"] = second["pos"], first["pos"]
    assert [s.id for s in read_map(doc).stages[0].steps] == ["compare", "search"]
    second["pos"] = first["pos"]  # a tie (two inserts at one place) is broken by id
    assert [s.id for s in read_map(doc).stages[0].steps] == ["compare", "search"]


# --- apply_map -------------------------------------------------------------------------------


def edit(doc: Doc, change: object) -> bytes:
    """Apply a changed copy of the document's map; return the update it made."""
    journey = read_map(doc)
    assert callable(change)
    change(journey)
    state = doc.get_state()
    apply_map(doc, journey)
    assert read_map(doc) == journey
    return doc.get_update(state)


def test_apply_map_of_the_same_map_changes_nothing() -> None:
    doc = new_doc(small_map())
    assert edit(doc, lambda j: None) == Doc().get_update()


def test_apply_map_edits_text_by_a_minimal_diff() -> None:
    server = new_doc(small_map())
    peer = client_of(server)
    # The peer types at the start of the field while REST changes its end.
    peer_text = entry(peer, "steps", "search")["feels"]
    assert isinstance(peer_text, Text)
    peer_text.insert(len(b"Curious "), "and 😀 ")  # UTF-8 offsets in pycrdt
    del peer_text[0 : len("Curious ")]  # "and 😀 😀"

    def rest(journey: JourneyMap) -> None:
        journey.stages[0].steps[0].feels = "Curious 😀 and hopeful"

    update = edit(server, rest)
    peer.apply_update(update)
    server.apply_update(peer.get_update(server.get_state()))
    assert read_map(server).stages[0].steps[0].feels == "and 😀 😀 and hopeful"
    assert read_map(peer) == read_map(server)


def test_apply_map_rename_touches_one_step_only() -> None:
    doc = new_doc(small_map())
    before = {sid: entry(doc, "steps", sid)["pos"] for sid in ("search", "compare", "signup")}

    def rename(journey: JourneyMap) -> None:
        journey.stages[0].steps[1].name = "Compare plans"

    update = edit(doc, rename)
    assert len(update) < 80
    assert {sid: entry(doc, "steps", sid)["pos"] for sid in before} == before


def test_apply_map_moves_a_step_between_stages() -> None:
    doc = new_doc(small_map())
    kept = entry(doc, "steps", "signup")["pos"]

    def move(journey: JourneyMap) -> None:
        step = journey.stages[0].steps.pop(0)
        journey.stages[1].steps.insert(1, step)

    edit(doc, move)
    moved = entry(doc, "steps", "search")
    assert moved["stage"] == "start" and moved["pos"] > kept
    assert entry(doc, "steps", "signup")["pos"] == kept


def test_apply_map_reorders_and_adds_between_neighbours() -> None:
    doc = new_doc(small_map())

    def change(journey: JourneyMap) -> None:
        steps = journey.stages[0].steps
        steps.reverse()
        steps.insert(1, Step(id="read-reviews", name="Read reviews"))
        journey.stages.insert(0, Stage(id="aware", name="Aware"))

    edit(doc, change)
    assert [s.id for s in read_map(doc).stages] == ["aware", "discover", "start"]


def test_apply_map_deletes_elements_and_a_stage_with_its_steps() -> None:
    doc = new_doc(small_map())

    def delete(journey: JourneyMap) -> None:
        journey.stages.pop(1)
        journey.pain_points = []
        journey.opportunities = []
        journey.stages[0].steps[1].branches = []
        journey.evidence[0].links = ["priya"]

    edit(doc, delete)
    assert "signup" not in doc.get("steps", type=Map)
    assert "start" not in doc.get("stages", type=Map)


def test_apply_map_plain_fields_lists_lanes_and_backstory() -> None:
    doc = new_doc(small_map())

    def change(journey: JourneyMap) -> None:
        step = journey.stages[0].steps[0]
        step.zone = "backstage"
        step.emotion = None
        step.actors = ["Sales", "Support"]
        step.lanes = {"ops": "Ticket opened"}
        journey.tags = ["b2b"]
        journey.backstory = Backstory(story="Once", outcomes=["Done"])
        journey.scale.max = 10

    edit(doc, change)

    def back(journey: JourneyMap) -> None:
        step = journey.stages[0].steps[0]
        step.zone = "frontstage"
        step.actors = ["Support"]
        step.lanes = {}
        journey.backstory = Backstory()

    edit(doc, back)
    assert "zone" not in entry(doc, "steps", "search")


def test_apply_map_refuses_duplicate_ids() -> None:
    doc = new_doc(small_map())
    journey = small_map()
    journey.pain_points.append(PainPoint(id="search", name="Same id as a step"))
    with pytest.raises(InvalidInput, match="duplicate ids"):
        apply_map(doc, journey)
    with pytest.raises(InvalidInput, match="duplicate ids"):
        new_doc(journey)


# --- check_update ----------------------------------------------------------------------------


def refused(server: Doc, change: object) -> RefusedUpdate:
    client = client_of(server)
    assert callable(change)
    change(client)
    before = server.get_update()
    with pytest.raises(RefusedUpdate) as caught:
        check_update(server, update_from(client, server))
    assert server.get_update() == before  # the server's document is not changed
    return caught.value


def test_check_update_accepts_ordinary_edits() -> None:
    server = new_doc(small_map())
    client = client_of(server)
    name = entry(client, "steps", "search")["name"]
    assert isinstance(name, Text)
    name += " engines"
    entry(client, "steps", "compare")["emotion"] = 3
    client.get("steps", type=Map)["new-step-x1"] = Map(
        {"name": Text("New"), "pos": "a3", "stage": "start", "personas": Array([])}
    )
    del client.get("pain_points", type=Map)["slow"]
    check_update(server, update_from(client, server))


def test_check_update_refuses_a_plain_string_in_a_text_field() -> None:
    def change(client: Doc) -> None:
        entry(client, "steps", "search")["name"] = "plain"

    error = refused(new_doc(small_map()), change)
    assert "steps/search/name: must be shared text (Y.Text), not a plain string" in error.message


@pytest.mark.parametrize(
    ("collection", "element_id", "key", "value", "message"),
    [
        ("steps", "search", "emotion", "very", "steps/search/emotion"),
        ("pain_points", "slow", "reach", 2, "pain_points/slow/reach"),
        ("steps", "search", "zone", "middle", "steps/search/zone"),
        ("opportunities", "shorter", "votes", -1, "opportunities/shorter/votes"),
        ("steps", "search", "colour", "red", "unknown field 'colour'"),
        ("steps", "search", "pos", "not a position!", "a position must be"),
        ("steps", "search", "stage", 3, "the stage must be a stage id"),
        ("steps", "search", "actors", ["plain", "list"], "must be a Y.Array of strings"),
        ("steps", "search", "branches", Array([]), "must be a plain value"),
    ],
)
def test_check_update_refuses_values_the_model_refuses(
    collection: str, element_id: str, key: str, value: object, message: str
) -> None:
    def change(client: Doc) -> None:
        entry(client, collection, element_id)[key] = value

    error = refused(new_doc(small_map()), change)
    assert message in "\n".join(d.message for d in error.diagnostics)


def test_check_update_refuses_another_layout_roots_and_ids() -> None:
    server = new_doc(small_map())

    def layout(client: Doc) -> None:
        client.get("meta", type=Map)["layout"] = 2

    assert "meta/layout: must stay 1" in refused(server, layout).message

    def root(client: Doc) -> None:
        client.get("comments", type=Map)["x"] = 1

    assert "comments: not a root of the map document" in refused(server, root).message

    def taken(client: Doc) -> None:
        client.get("pain_points", type=Map)["search"] = Map({"name": Text("x"), "pos": "a5"})

    assert (
        "pain_points/search: the id is taken by an element in steps"
        in refused(server, taken).message
    )

    def bad_id(client: Doc) -> None:
        client.get("stages", type=Map)["no spaces"] = Map({"name": Text("x"), "pos": "a5"})

    assert "not an allowed id" in refused(server, bad_id).message

    def no_stage(client: Doc) -> None:
        client.get("steps", type=Map)["lost"] = Map({"name": Text("x"), "pos": "a5"})

    assert "steps/lost: has no stage" in refused(server, no_stage).message

    def not_a_map(client: Doc) -> None:
        client.get("evidence", type=Map)["quote"] = "a plain value"

    assert "evidence/quote: an element must be a Y.Map" in refused(server, not_a_map).message

    def map_field(client: Doc) -> None:
        client.get("map", type=Map)["scale"] = {"min": 5, "max": 1}

    assert "map/scale" in refused(server, map_field).message


def test_check_update_refuses_bytes_that_are_not_an_update() -> None:
    server = new_doc(small_map())
    with pytest.raises(RefusedUpdate, match="not a Yjs update"):
        check_update(server, b"\x00\xff\xfe garbage")


def test_update_checker_keeps_up_with_the_room_and_refuses_the_same() -> None:
    server = new_doc(small_map())
    checker = UpdateChecker(server)
    client = client_of(server)
    entry(client, "steps", "search")["name"] = "plain"
    bad = update_from(client, server)
    with pytest.raises(RefusedUpdate, match="steps/search/name: must be shared text"):
        checker.check(bad)
    # The room changes by itself (a REST edit), then a client edits what it added.
    journey = read_map(server)
    journey.stages[0].steps.append(Step(id="new-step", name="New"))
    apply_map(server, journey)
    client = client_of(server)
    name = entry(client, "steps", "new-step")["name"]
    assert isinstance(name, Text)
    name += " one"
    good = update_from(client, server)
    checker.check(good)
    server.apply_update(good)
    entry(client, "steps", "new-step")["reach"] = 3
    with pytest.raises(RefusedUpdate, match="unknown field 'reach'"):
        checker.check(update_from(client, server))
    assert read_map(server).find_step("new-step").name == "New one"  # type: ignore[union-attr]


# --- repair and reading merged documents -----------------------------------------------------


def test_repair_fixes_every_dangling_reference_in_one_transaction() -> None:
    doc = new_doc(small_map())
    with doc.transaction(origin="test"):
        del doc.get("stages", type=Map)["start"]  # signup's stage: rule 1 deletes signup
    seen: list[object] = []

    def watch(events: list[object]) -> None:
        seen.append(events)

    steps = doc.get("steps", type=Map)
    subscription = steps.observe_deep(watch)
    assert repair(doc, outside_ids=["priya"]) is True
    assert len(seen) == 1  # one transaction
    steps.unobserve(subscription)
    journey = read_map(doc)
    assert [s.id for s in journey.steps()] == ["search", "compare"]
    assert journey.pain_points[0].step is None
    assert journey.opportunities[0].steps == [] and journey.opportunities[0].pain_points == ["slow"]
    assert journey.stages[0].steps[1].branches[0].to is None
    assert repair(doc) is False


def test_read_map_repairs_without_changing_the_document() -> None:
    doc = new_doc(small_map())
    with doc.transaction():
        del doc.get("pain_points", type=Map)["slow"]
    before = doc.get_update()
    journey = read_map(doc)
    assert journey.opportunities[0].pain_points == []
    assert journey.evidence[0].links == ["priya", "trial"]  # the map's persona and itself stay
    assert doc.get_update() == before


def test_read_map_never_raises_on_values_the_model_refuses() -> None:
    doc = new_doc(small_map())
    with doc.transaction():
        entry(doc, "steps", "search")["emotion"] = "very"
        entry(doc, "steps", "search")["colour"] = "red"
        entry(doc, "pain_points", "slow")["reach"] = 7
        doc.get("steps", type=Map)["bad id"] = Map({"name": Text("x"), "stage": "start"})
        doc.get("map", type=Map)["scale"] = {"min": 3, "max": 1}
    journey = read_map(doc)
    assert journey.find_step("search") is not None
    assert journey.find_step("search").emotion is None  # type: ignore[union-attr]
    assert journey.pain_points[0].reach is None
    assert journey.scale.max == 5
    notes = "\n".join(journey._unreadable)
    for place in (
        "steps/search/emotion",
        "steps/search/colour",
        "pain_points/slow/reach",
        "bad id",
    ):
        assert place in notes


# --- hostile input -----------------------------------------------------------------------------

garbage_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def shared_of(kind: str, value: Any) -> Any:
    """The value as a shared type (or as it is), so entries get every wrong shape."""
    if kind == "text":
        return Text(str(value))
    if kind == "array":
        return Array(value if isinstance(value, list) else [value])
    if kind == "map":
        return Map(value if isinstance(value, dict) else {"x": value})
    return value


writes = st.lists(
    st.tuples(
        st.sampled_from(
            ["map", "backstory", "stages", "steps", "pain_points", "opportunities", "evidence"]
        ),
        st.sampled_from(
            [
                "search",
                "compare",
                "signup",
                "slow",
                "shorter",
                "interviews",
                "discover",
                "x y",
                "new",
            ]
        ),
        st.sampled_from(
            [
                "name",
                "pos",
                "stage",
                "step",
                "emotion",
                "links",
                "steps",
                "pain_points",
                "branches",
                "lanes",
                "personas",
                "scale",
                "layout",
                "colour",
            ]
        ),
        st.sampled_from(["plain", "text", "array", "map", "entry", "delete"]),
        garbage_value,
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(writes=writes)
def test_read_map_and_repair_never_raise_on_a_document_holding_anything(
    writes: list[tuple[str, str, str, str, Any]],
) -> None:
    doc = new_doc(small_map())
    for root_name, element_id, key, shape, value in writes:
        root = doc.get(root_name, type=Map)
        with doc.transaction():
            if root_name in ("map", "backstory"):
                if shape == "delete":
                    root.pop(key, None)
                else:
                    root[key] = shared_of(shape, value)
            elif shape == "entry":
                root[element_id] = shared_of("plain", value)
            elif shape == "delete":
                root.pop(element_id, None)
            else:
                entry = root.get(element_id)
                if not isinstance(entry, Map):
                    entry = root[element_id] = Map({"name": Text("x")})
                entry[key] = shared_of(shape, value)
    journey = read_map(doc, outside_ids=["priya"])
    dumped = journey.model_dump(mode="json")
    assert JourneyMap.model_validate(dumped).model_dump(mode="json") == dumped
    repair(doc, outside_ids=["priya"])
    assert repair(doc, outside_ids=["priya"]) is False  # one pass repairs everything
    assert read_map(doc, outside_ids=["priya"]).model_dump() == journey.model_dump()


@settings(max_examples=80, deadline=None)
@given(
    data=st.binary(max_size=60),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4),
)
def test_check_update_refuses_garbage_with_a_reason(
    data: bytes, flips: list[tuple[int, int]]
) -> None:
    server = new_doc(small_map())
    client = client_of(server)
    entry(client, "steps", "search")["emotion"] = 2
    real = bytearray(update_from(client, server))
    for at, byte in flips:
        real[at % len(real)] = byte
    before = server.get_update()
    for update in (data, bytes(real)):
        try:
            check_update(server, update)
        except RefusedUpdate as error:
            assert error.message.startswith("update refused: ")
    assert server.get_update() == before
