"""Concurrent editing of one live map: every copy converges and reads as a valid core-model map.

2–5 pycrdt clients edit one document the way the board does (tests/live_support.py), in
random orders, and exchange updates in random orders, through the server (check_update,
apply, repair) or peer to peer. Then the specific cases the issue names: two people typing
in one field, a delete against an edit, concurrent moves, and each repair rule.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Doc, Map, Text

from journeyline.live import (
    RefusedUpdate,
    UpdateChecker,
    apply_map,
    new_doc,
    pending_repairs,
    read_map,
    repair,
)
from journeyline.live.document import RepairWatch, repair_touched
from journeyline.live.layout import COLLECTIONS, KINDS, ROOTS
from journeyline.model import Branch, Evidence, JourneyMap, Opportunity, PainPoint, Stage, Step
from tests.live_support import PERSONAS, Client, integrity_errors

OUTSIDE = [p.id for p in PERSONAS]


def base_map() -> JourneyMap:
    return JourneyMap(
        id="trial",
        name="Free trial",
        personas=["priya", "sam"],
        stages=[
            Stage(
                id="discover",
                name="Discover",
                steps=[
                    Step(id="search", name="Search", feels="Curious", personas=["sam"]),
                    Step(
                        id="compare",
                        name="Compare",
                        kind="decision",
                        branches=[Branch(label="Try", to="signup"), Branch(label="Leave")],
                        emotions={"sam": 2},
                    ),
                ],
            ),
            Stage(
                id="start",
                name="Start",
                steps=[
                    Step(id="signup", name="Sign up", emotion=-2),
                    Step(id="verify", name="Verify email", does="Opens the mail"),
                ],
            ),
            Stage(id="use", name="Use", steps=[Step(id="invite", name="Invite team")]),
        ],
        pain_points=[
            PainPoint(id="long-form", name="Long form", step="signup"),
            PainPoint(id="lost-mail", name="Mail lost", step="verify"),
        ],
        opportunities=[
            Opportunity(
                id="sso", name="Sign in with Google", pain_points=["long-form"], steps=["signup"]
            ),
            Opportunity(id="resend", name="Resend link", pain_points=["lost-mail"]),
        ],
        evidence=[Evidence(id="calls", name="Sales calls", links=["long-form", "priya", "trial"])],
    )


class Server:
    """The server's side of a room: check, apply, repair what the update touched (as a room
    does: `RepairWatch` and `repair_touched`)."""

    def __init__(self, journey: JourneyMap) -> None:
        self.doc = new_doc(journey)
        self.checker = UpdateChecker(self.doc)
        self.watch = RepairWatch(self.doc)

    def accept(self, update: bytes) -> None:
        self.checker.check(update)  # raises RefusedUpdate: a board-like edit never should
        self.doc.apply_update(update)
        touched, whole = self.watch.take()
        repair_touched(self.doc, touched, whole=whole, outside_ids=OUTSIDE)
        self.watch.take()
        # Looking only at what changed leaves nothing for the whole plan to find.
        assert pending_repairs(self.doc, outside_ids=OUTSIDE) == []


def raw(doc: Doc[Any]) -> dict[str, Any]:
    return {name: doc.get(name, type=Map).to_py() for name in ROOTS}


def assert_valid(journey: JourneyMap) -> None:
    assert integrity_errors(journey) == []
    assert journey._unreadable == []
    again = JourneyMap.model_validate(journey.model_dump(mode="json"))
    assert again == journey
    step_ids = [s.id for s in journey.steps()]
    assert len(step_ids) == len(set(step_ids))


# --- random operations -----------------------------------------------------------------------

TEXT = st.text(alphabet="ab xyzé😀", min_size=1, max_size=4)
OPS = [
    "add_step",
    "add_stage",
    "add_pain",
    "add_opportunity",
    "add_evidence",
    "type",
    "erase",
    "emotion",
    "move_within",
    "move_between",
    "delete",
    "delete_stage",
    "link_pain",
    "link_opportunity",
    "link_evidence",
    "branch",
    "persona_step",
    "drop_persona",
    "add_persona",
]
operation = st.tuples(st.sampled_from(OPS), st.integers(0, 999), st.integers(0, 999), TEXT)


def pick(items: list[str], n: int) -> str | None:
    return items[n % len(items)] if items else None


def run(client: Client, op: str, a: int, b: int, text: str) -> None:
    """One board-like edit, aimed at what this client currently sees."""
    stages, steps = client.ids("stages"), client.ids("steps")
    pains, opps = client.ids("pain_points"), client.ids("opportunities")
    everything = [i for name in COLLECTIONS for i in client.ids(name)]
    step, stage = pick(steps, a), pick(stages, a)
    if op == "add_step" and stage:
        count = len(client.sibling_positions("steps", stage))
        client.add("steps", b % (count + 1), {"name": text}, stage=stage)
    elif op == "add_stage":
        client.add("stages", b % (len(stages) + 1), {"name": text})
    elif op == "add_pain":
        client.add("pain_points", b, {"name": text, "step": pick(steps, b)})
    elif op == "add_opportunity":
        pain = pick(pains, b)
        client.add("opportunities", b, {"name": text, "pain_points": [pain] if pain else []})
    elif op == "add_evidence":
        link = pick(everything, b)
        client.add("evidence", b, {"quote": text, "links": [link] if link else []})
    elif op in ("type", "erase"):
        collection = COLLECTIONS[a % len(COLLECTIONS)]
        element = pick(client.ids(collection), b)
        if element:
            fields = KINDS[collection].text
            field = fields[(a + b) % len(fields)]
            if op == "type":
                client.type_text(collection, element, field, b % 7, text)
            else:
                client.erase_text(collection, element, field, a % 5, b % 4 + 1)
    elif op == "emotion" and step:
        client.set_plain("steps", step, "emotion", float(b % 11 - 5))
    elif op == "move_within" and step:
        current = client.entry("steps", step).get("stage")
        count = len(client.sibling_positions("steps", current))
        client.move_step(step, str(current), b % (count + 1))
    elif op == "move_between" and step and stage:
        target = pick(stages, b) or stage
        count = len(client.sibling_positions("steps", target))
        client.move_step(step, target, a % (count + 1))
    elif op == "delete":
        collection = COLLECTIONS[1 + a % (len(COLLECTIONS) - 1)]
        element = pick(client.ids(collection), b)
        if element:
            client.delete(collection, element)
    elif op == "delete_stage" and stage and len(stages) > 1:
        client.delete("stages", stage)
    elif op == "link_pain" and pains:
        client.set_plain("pain_points", str(pick(pains, a)), "step", pick(steps, b))
    elif op == "link_opportunity" and opps:
        target = pick(pains + steps, b)
        if target:
            field = "pain_points" if target in pains else "steps"
            client.push("opportunities", str(pick(opps, a)), field, target)
    elif op == "link_evidence":
        evidence = pick(client.ids("evidence"), a)
        target = pick(everything, b)
        if evidence and target:
            client.push("evidence", evidence, "links", target)
    elif op == "branch" and step:
        target = pick(steps, b)
        client.set_plain("steps", step, "kind", "decision")
        client.set_plain("steps", step, "branches", [{"label": text, "to": target}])
    elif op == "persona_step" and step:
        client.push("steps", step, "personas", "sam")
        client.set_plain("steps", step, "emotions", {"sam": float(b % 5)})
    elif op == "drop_persona":
        _drop_persona(client)
    elif op == "add_persona" and "sam" not in list(client.root("map")["personas"]):
        client.transact(lambda: client.root("map")["personas"].append("sam"))


def _drop_persona(client: Client) -> None:
    def action() -> None:
        personas = client.root("map")["personas"]
        items = list(personas)
        if "sam" in items:
            del personas[items.index("sam")]

    client.transact(action)


step_strategy = st.one_of(
    st.tuples(st.integers(0, 4), operation),
    st.tuples(st.integers(0, 4), st.just(("sync", 0, 0, ""))),
)


@settings(
    max_examples=30,
    deadline=None,  # a busy 2-core machine; tests never time things
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(clients=st.integers(2, 5), schedule=st.lists(step_strategy, max_size=30), data=st.data())
def test_clients_editing_through_the_server_converge_on_a_valid_map(
    clients: int, schedule: list[tuple[int, tuple[str, int, int, str]]], data: st.DataObject
) -> None:
    server = Server(base_map())
    people = [Client(f"c{i}", server.doc) for i in range(clients)]
    for who, (op, a, b, text) in schedule:
        person = people[who % clients]
        if op == "sync":
            person.sync_with(server.doc, server.accept)
        else:
            run(person, op, a, b, text)
    # Everyone reconnects, in a random order, twice (the second round brings the repairs).
    for _ in range(2):
        for person in data.draw(st.permutations(people)):
            person.sync_with(server.doc, server.accept)
    expected = raw(server.doc)
    for person in people:
        assert raw(person.doc) == expected
    journey = read_map(server.doc, outside_ids=OUTSIDE)
    assert_valid(journey)
    assert pending_repairs(server.doc, outside_ids=OUTSIDE) == []  # the document itself is repaired
    assert repair(server.doc, outside_ids=OUTSIDE) is False
    for person in people:
        assert read_map(person.doc, outside_ids=OUTSIDE) == journey


peer_step = st.one_of(
    st.tuples(st.integers(0, 4), operation),
    st.tuples(st.integers(0, 4), st.tuples(st.just("peer_sync"), st.integers(0, 4))),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(clients=st.integers(2, 5), schedule=st.lists(peer_step, max_size=25), data=st.data())
def test_updates_delivered_peer_to_peer_in_any_order_converge(
    clients: int, schedule: list[tuple[int, tuple[Any, ...]]], data: st.DataObject
) -> None:
    origin = new_doc(base_map())
    people = [Client(f"c{i}", origin) for i in range(clients)]
    for who, step in schedule:
        person = people[who % clients]
        if step[0] == "peer_sync":  # two peers exchange directly: later edits build on both
            other = people[step[1] % clients]
            person.doc.apply_update(other.doc.get_update(person.doc.get_state()))
        else:
            run(person, *step)
    for i, person in enumerate(people):
        # Each peer receives everyone else's updates interleaved in its own random order;
        # one sender's updates keep their order (as over one connection). An update that
        # arrives before one it builds on (from another peer) waits inside the document.
        senders = [j for j, other in enumerate(people) if j != i for _ in other.outbox]
        queues = {j: list(people[j].outbox) for j in set(senders)}
        for j in data.draw(st.permutations(senders)):
            person.doc.apply_update(queues[j].pop(0))
    expected = raw(people[0].doc)
    for person in people[1:]:
        assert raw(person.doc) == expected
    journey = read_map(people[0].doc, outside_ids=OUTSIDE)
    assert_valid(journey)
    for person in people[1:]:
        assert read_map(person.doc, outside_ids=OUTSIDE) == journey
    # Repairing the document gives the map the reading already showed.
    repair(people[0].doc, outside_ids=OUTSIDE)
    assert read_map(people[0].doc, outside_ids=OUTSIDE) == journey


@pytest.mark.xfail(
    strict=True,
    reason="pycrdt 0.14 (yrs): when two or more updates of one sender wait for an earlier one "
    "of the same sender, part of them is lost once it arrives; the server must apply each "
    "sender's updates in order (it does: one connection, one log)",
)
def test_one_senders_updates_out_of_order_converge() -> None:
    origin = new_doc(base_map())
    ann = Client("ann", origin)
    ann.push("steps", "search", "actors", "Sales")
    ann.set_plain("steps", "search", "emotion", 1.0)
    ann.push("steps", "search", "actors", "Support")
    ann.type_text("steps", "search", "notes", 0, "Note")
    first, *rest = ann.outbox
    peer = Client("peer", origin)
    for update in [*rest, first]:
        peer.doc.apply_update(update)
    assert raw(peer.doc) == raw(ann.doc)


# --- the specific cases ----------------------------------------------------------------------


def pair(journey: JourneyMap | None = None) -> tuple[Server, Client, Client]:
    server = Server(journey or base_map())
    return server, Client("ann", server.doc), Client("bob", server.doc)


def settle(server: Server, *people: Client) -> JourneyMap:
    for _ in range(2):
        for person in people:
            person.sync_with(server.doc, server.accept)
    for person in people:
        assert raw(person.doc) == raw(server.doc)
    assert pending_repairs(server.doc, outside_ids=OUTSIDE) == []
    journey = read_map(server.doc, outside_ids=OUTSIDE)
    assert_valid(journey)
    return journey


def test_two_people_typing_in_one_field_keep_both_texts() -> None:
    server, ann, bob = pair()
    ann.type_text("steps", "search", "feels", 0, "Very ")
    bob.type_text("steps", "search", "feels", 7, " but wary 😬")
    journey = settle(server, ann, bob)
    assert journey.find_step("search").feels == "Very Curious but wary 😬"  # type: ignore[union-attr]


def test_two_people_typing_at_the_same_place_keep_both_texts() -> None:
    server, ann, bob = pair()
    ann.type_text("steps", "verify", "notes", 0, "Ann's note.")
    bob.type_text("steps", "verify", "notes", 0, "Bob's note.")
    notes = settle(server, ann, bob).find_step("verify").notes  # type: ignore[union-attr]
    assert notes in ("Ann's note.Bob's note.", "Bob's note.Ann's note.")


def test_a_rest_edit_and_a_typist_both_keep_their_text() -> None:
    server, ann, _ = pair()
    ann.type_text("steps", "verify", "does", 10, "new ")  # "Opens the new mail"
    ann.erase_text("steps", "verify", "does", 0, 6)  # "the new mail"
    journey = read_map(server.doc)
    journey.stages[1].steps[1].does = "Opens the mail on the phone"
    apply_map(server.doc, journey)  # a REST edit, made without seeing Ann's
    verify = settle(server, ann).find_step("verify")
    assert verify is not None and verify.does == "the new mail on the phone"


def test_a_delete_wins_over_a_concurrent_edit() -> None:
    server, ann, bob = pair()
    ann.delete("steps", "verify")
    bob.type_text("steps", "verify", "name", 0, "Please ")
    bob.set_plain("steps", "verify", "emotion", 3.0)
    bob.move_step("verify", "use", 0)
    journey = settle(server, bob, ann)
    assert journey.find_step("verify") is None


def test_concurrent_moves_of_one_step_never_duplicate_or_lose_it() -> None:
    server, ann, bob = pair()
    ann.move_step("search", "start", 0)
    bob.move_step("search", "use", 1)
    journey = settle(server, ann, bob)
    where = [stage.id for stage, step in journey.iter_steps() if step.id == "search"]
    assert len(where) == 1 and where[0] in ("start", "use")
    assert sorted(s.id for s in journey.steps()) == sorted(s.id for s in base_map().steps())


def test_concurrent_moves_into_one_place_keep_every_step() -> None:
    server, ann, bob = pair()
    ann.move_step("search", "use", 0)
    bob.move_step("signup", "use", 0)
    journey = settle(server, ann, bob)
    use = [s.id for s in journey.stages[2].steps]
    assert sorted(use) == ["invite", "search", "signup"] and use[-1] == "invite"
    # The tie (both took the same position) is broken by id; a later insert still fits.
    ann.move_step("verify", "use", 1)
    journey = settle(server, ann, bob)
    assert len(journey.stages[2].steps) == 4


def test_rule_step_without_stage() -> None:
    server, ann, bob = pair()
    ann.delete("stages", "use")
    new = bob.add("steps", 0, {"name": "Onboard"}, stage="use")
    bob.move_step("signup", "use", 0)
    journey = settle(server, ann, bob)
    assert journey.find_step(new) is None and journey.find_step("signup") is None
    assert [s.id for s in journey.stages] == ["discover", "start"]


def test_rule_pain_point_step() -> None:
    server, ann, bob = pair()
    ann.delete("steps", "search")
    bob.set_plain("pain_points", "lost-mail", "step", "search")
    journey = settle(server, ann, bob)
    assert journey.pain_points[1].step is None and journey.pain_points[1].name == "Mail lost"


def test_rule_opportunity_links() -> None:
    server, ann, bob = pair()
    ann.delete("pain_points", "lost-mail")
    ann.delete("steps", "verify")
    bob.push("opportunities", "sso", "pain_points", "lost-mail")
    bob.push("opportunities", "sso", "steps", "verify")
    ann.push("opportunities", "resend", "steps", "signup")
    bob.push("opportunities", "resend", "steps", "signup")  # the same link twice
    journey = settle(server, ann, bob)
    assert journey.opportunities[0].pain_points == ["long-form"]
    assert journey.opportunities[0].steps == ["signup"]
    assert journey.opportunities[1].pain_points == [] and journey.opportunities[1].steps == [
        "signup"
    ]


def test_rule_branch_target() -> None:
    server, ann, bob = pair()
    ann.delete("steps", "signup")
    bob.set_plain("steps", "verify", "branches", [{"label": "Back", "to": "signup"}])
    journey = settle(server, ann, bob)
    assert journey.find_step("compare").branches[0].to is None  # type: ignore[union-attr]
    assert journey.find_step("verify").branches[0].to is None  # type: ignore[union-attr]
    assert journey.find_step("compare").branches[0].label == "Try"  # type: ignore[union-attr]


def test_rule_evidence_links() -> None:
    server, ann, bob = pair()
    ann.delete("pain_points", "long-form")
    bob.push("evidence", "calls", "links", "invite")
    ann.delete("steps", "invite")
    journey = settle(server, ann, bob)
    assert journey.evidence[0].links == ["priya", "trial"]


def test_rule_step_personas() -> None:
    server, ann, bob = pair()
    _drop_persona(ann)
    bob.push("steps", "signup", "personas", "sam")
    bob.set_plain("steps", "signup", "emotions", {"sam": 1.0, "priya": -1.0})
    journey = settle(server, ann, bob)
    assert journey.personas == ["priya"]
    assert all("sam" not in s.personas and "sam" not in s.emotions for s in journey.steps())
    assert journey.find_step("signup").emotions == {"priya": -1.0}  # type: ignore[union-attr]


def test_rule_duplicate_id() -> None:
    server, ann, bob = pair()

    def add_twin(client: Client, collection: str) -> None:
        client.transact(
            lambda: client.root(collection).__setitem__(
                "twin", Map({"name": Text(f"A {collection}"), "pos": "a5"})
            )
        )

    add_twin(ann, "pain_points")
    add_twin(bob, "stages")
    # The server refuses the second add outright ...
    server.accept(ann.outbox[0])
    with pytest.raises(
        RefusedUpdate, match="stages/twin: the id is taken by an element in pain_points"
    ):
        server.accept(bob.outbox[0])
    # ... and when two peers merged both anyway, repair keeps the one in the first collection.
    merged = Doc()
    merged.apply_update(server.doc.get_update())
    merged.apply_update(bob.outbox[0])
    assert repair(merged, outside_ids=OUTSIDE) is True
    journey = read_map(merged, outside_ids=OUTSIDE)
    assert_valid(journey)
    assert [s.id for s in journey.stages].count("twin") == 1
    assert all(p.id != "twin" for p in journey.pain_points)


def test_the_repair_watch_sees_what_can_break_a_reference_and_nothing_else() -> None:
    doc = new_doc(base_map())
    watch = RepairWatch(doc)
    steps = doc.get("steps", type=Map)
    steps["search"]["name"].insert(0, "Web ")  # typing: no reference is held in text
    steps["search"]["emotion"] = 1  # nor in a plain field that is not a link
    assert not watch.due
    doc.get("pain_points", type=Map)["long-form"]["step"] = "verify"
    steps["compare"]["personas"].append("priya")
    assert watch.take() == (
        {
            "stages": set(),
            "steps": {"compare"},
            "pain_points": {"long-form"},
            "opportunities": set(),
            "evidence": set(),
        },
        False,
    )
    assert not watch.due
    del steps["invite"]  # its referrers can be anywhere: the whole plan looks
    assert watch.take()[1] is True
    doc.get("map", type=Map)["personas"].append("lee")
    assert watch.take()[1] is True
    doc.get("map", type=Map)["name"].insert(0, "The ")
    assert not watch.due
    watch.stop()
