"""Workshop mode in real Chromium (issue 12): eight browser contexts in one workshop — the
facilitator (the owner), a scribe, and six participants of whom four are guests without an
account — run the play's steps: the timer and the current step agree on every screen (within
a second) and survive a reload; notes appear live on every board; notes hidden for silent
brainstorming reach nobody else (checked in the API's answers too) until the reveal; a vote
past the budget is refused and said so; a note becomes a map element with the workshop as its
evidence; ending writes the stakeholder summary and stops the guests' links.

One server and one browser for the module; eight contexts, each step bounded by Playwright's
timeouts (15 s), the whole module well under a minute on an idle machine."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from journeyline.store import accounts, members
from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

MAP = "map-saas-trial"
GUESTS = ["Gus Guest", "Gia Guest", "Gil Guest", "Gwen Guest"]
VIEWPORT = {"width": 1280, "height": 800}


@dataclass
class Room:
    """The eight pages in the workshop, by who they are."""

    live: LiveApp
    workshop: str
    facilitator: Any
    scribe: Any
    members: list[Any]
    guests: list[Any]

    @property
    def everyone(self) -> list[Any]:
        return [self.facilitator, self.scribe, *self.members, *self.guests]

    @property
    def others(self) -> list[Any]:
        return [self.scribe, *self.members, *self.guests]

    def api(self, path: str = "") -> str:
        return (
            f"{self.live.url}/api/workspaces/{self.live.workspace}/workshops/{self.workshop}{path}"
        )


def invite(live: LiveApp, email: str, name: str, role: str) -> str:
    """A new member of the demo workspace; the one-time sign-in link of their account."""
    with live.db.reading() as session:
        owner = accounts.find_account(session, live.owner_email)
        assert owner is not None
        actor = accounts.actor_of(owner)
    invitation = members.add_member(live.db, actor, live.workspace, email, role, name=name)
    assert invitation.sign_in_token
    return f"{live.url}/signin/{invitation.sign_in_token}"


def member_page(browser: Any, link: str, live: LiveApp) -> Any:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.url}/w/**")
    return page


def in_workshop(page: Any) -> None:
    page.locator('[data-testid="workshop"][data-channel="open"]').wait_for()


def note_on(page: Any, text: str) -> Any:
    return page.locator('[data-testid="note"]', has_text=text)


def panel_tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=re.compile(f"^{name}")).click()


def add_note(page: Any, text: str, kind: str | None = None) -> None:
    panel_tab(page, "Add notes")
    if kind:
        page.get_by_role("radio", name=re.compile(f"^{kind} —")).check()
    box = page.get_by_test_id("note-text")
    box.fill(text)
    box.press("Enter")
    note_on(page, text).first.wait_for()


@pytest.fixture(scope="module")
def room(browser: Any, live_app: LiveApp) -> Iterator[Room]:
    """The owner starts a workshop from the board's toolbar; three members and four guests join."""
    facilitator = signed_in_page(
        browser, live_app, width=VIEWPORT["width"], height=VIEWPORT["height"]
    )
    facilitator.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    facilitator.locator('[data-testid="board"][data-ready="true"]').wait_for()
    facilitator.get_by_test_id("workshop-button").click()
    facilitator.wait_for_url(re.compile(r"/workshop/[^/]+$"))
    in_workshop(facilitator)
    workshop = facilitator.url.rsplit("/", 1)[1]
    join_url = facilitator.get_by_test_id("join-url").input_value()
    assert "/join/" in join_url

    people = [
        ("sam@example.org", "Sam Scribe", "editor"),
        ("mia@example.org", "Mia Member", "editor"),
        ("noor@example.org", "Noor Member", "commenter"),
    ]
    pages = [member_page(browser, invite(live_app, *p), live_app) for p in people]
    path = facilitator.url.removeprefix(live_app.url)
    for page in pages:
        page.goto(f"{live_app.url}{path}")
    guests = []
    for name in GUESTS:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(join_url)
        page.get_by_label(re.compile("^Your name")).fill(name)
        page.get_by_role("button", name="Join the workshop").click()
        page.wait_for_url(re.compile(r"/workshop/[^/]+$"))
        guests.append(page)
    made = Room(live_app, workshop, facilitator, pages[0], pages[1:], guests)
    for page in made.everyone:
        in_workshop(page)
    try:
        yield made
    finally:
        for page in made.everyone:
            page.context.close()


def test_everyone_is_in_and_the_facilitator_names_a_scribe(room: Room) -> None:
    f = room.facilitator
    people = f.get_by_test_id("people")
    for name in ["Sam Scribe", "Mia Member", "Noor Member", *GUESTS]:
        people.get_by_text(name, exact=True).wait_for()
    workshop = f.request.get(room.api()).json()
    assert len(workshop["people"]) == 8
    assert sum(p["guest"] for p in workshop["people"]) == 4
    f.get_by_label("Role of Sam Scribe").select_option("scribe")
    f.get_by_role("button", name="Make Sam Scribe scribe").click()
    room.scribe.locator('[data-testid="workshop"][data-role="scribe"]').wait_for()
    # A guest's session reaches this workshop and nothing else of the workspace.
    guest = room.guests[0]
    assert guest.request.get(f"{room.live.url}/api/workspaces/{room.live.workspace}").status in (
        403,
        404,
    )
    assert guest.request.get(
        f"{room.live.url}/api/workspaces/{room.live.workspace}/members"
    ).status in (403, 404)


TIMER = "document.querySelector('[data-testid=\"workshop-timer\"]')"


def shown_seconds(pages: list[Any]) -> list[float]:
    """Each screen's time left as shown, brought to one instant (the pages share this machine's clock)."""
    reads = [p.evaluate(f"[Number({TIMER}.dataset.seconds), Date.now()]") for p in pages]
    last = max(at for _, at in reads)
    return [shown - (last - at) / 1000 for shown, at in reads]


def agree(pages: list[Any]) -> None:
    """Every screen's timer ends at the same instant (within a second) and shows the same time."""
    deadlines = [int(p.evaluate(f"{TIMER}.dataset.deadline")) for p in pages]
    assert max(deadlines) - min(deadlines) < 1000, deadlines
    seconds = shown_seconds(pages)
    # Whole seconds shown (rounded up) and a 4-per-second refresh: at most 1.25 s apart.
    assert max(seconds) - min(seconds) <= 1.25, seconds


def test_the_timer_and_the_current_step_are_the_same_on_every_screen(room: Room) -> None:
    f = room.facilitator
    f.get_by_role("button", name="Start", exact=True).click()
    for page in room.everyone:
        page.locator('[data-testid="workshop-timer"][data-state="running"]').wait_for()
    steps = {p.get_by_test_id("workshop-step").inner_text() for p in room.everyone}
    assert steps == {"Scope"}
    agree(room.everyone)
    assert 14 * 60 <= min(shown_seconds(room.everyone)) <= 15 * 60

    f.get_by_role("button", name="Next step").click()
    for page in room.everyone:
        page.locator('[data-testid="workshop-step"][data-index="1"]').wait_for()
    assert {p.get_by_test_id("workshop-step").inner_text() for p in room.everyone} == {
        "Set the stage"
    }
    f.get_by_role("button", name="Extend by 1 minute").click()
    for page in room.everyone:
        page.wait_for_function(f"() => Number({TIMER}.dataset.seconds) > 300")
    agree(room.everyone)
    assert 5 * 60 < min(shown_seconds(room.everyone)) <= 6 * 60

    # A reload keeps the step and the time (the server keeps them).
    guest = room.guests[1]
    guest.reload()
    in_workshop(guest)
    guest.locator('[data-testid="workshop-step"][data-index="1"]').wait_for()
    agree([f, guest])

    f.get_by_role("button", name="Pause", exact=True).click()
    for page in room.everyone:
        page.locator('[data-testid="workshop-timer"][data-state="paused"]').wait_for()
    time.sleep(1.2)
    frozen = {p.evaluate(f"{TIMER}.dataset.seconds") for p in room.everyone}
    assert len(frozen) == 1, frozen  # paused: one value everywhere, not ticking


def test_notes_appear_live_on_every_board(room: Room) -> None:
    f = room.facilitator
    # Go to "Does, thinks and feels": everyone's view switches to the notes wall.
    f.get_by_role("button", name=re.compile(r"^Go to step 4\.")).click()
    for page in room.everyone:
        page.locator('[data-surface="wall"]').wait_for()
    author = room.guests[2]
    add_note(author, "Clicks Start free trial", "Action")
    for page in room.everyone:
        note = note_on(page, "Clicks Start free trial")
        note.wait_for()
        assert "Gil Guest" in note.inner_text() or page is author
    add_note(room.members[0], "Where is the pricing?", "Question")
    for page in room.everyone:
        note_on(page, "Where is the pricing?").wait_for()


def test_hidden_notes_reach_nobody_else_until_the_reveal(room: Room) -> None:
    f = room.facilitator
    panel_tab(f, "Facilitate")
    f.get_by_role("button", name=re.compile("^Hide notes")).click()
    for page in room.everyone:
        page.locator('[data-testid="workshop"][data-hidden="true"]').wait_for()
    writer = room.members[1]  # Noor
    secret = "The verification e-mail never arrives"
    add_note(writer, secret, "Pain point")
    note_on(writer, secret).get_by_text("Hidden").wait_for()
    f.get_by_text(re.compile(r"1 note kept hidden until the reveal \(Noor Member: 1\)")).wait_for()
    time.sleep(0.5)  # what would have been pushed has arrived by now
    for page in room.others:
        if page is writer:
            continue
        assert note_on(page, secret).count() == 0
    # The server leaves it out of the others' reads, the facilitator's too (only a count).
    for page in [f, room.scribe, room.guests[0]]:
        body = page.request.get(room.api("/notes")).json()
        assert secret not in str(body["notes"]), page.url
    counts = f.request.get(room.api("/notes")).json()["hidden_counts"]
    assert sorted(counts.values()) == [1]
    assert secret in str(writer.request.get(room.api("/notes")).json()["notes"])

    f.get_by_role("button", name=re.compile("^Reveal all notes")).click()
    for page in room.everyone:
        note_on(page, secret).wait_for()
    assert secret in str(room.guests[0].request.get(room.api("/notes")).json()["notes"])


def test_the_scribe_turns_a_note_into_a_pain_point_with_the_workshop_as_evidence(
    room: Room,
) -> None:
    scribe = room.scribe
    secret = "The verification e-mail never arrives"
    scribe.get_by_role("button", name=re.compile(f"^Actions for note Pain point: {secret}")).click()
    dialog = scribe.get_by_role("dialog")
    dialog.get_by_text("Turn into map elements").click()
    dialog.get_by_label("Make them").select_option("pain_point")
    dialog.get_by_label("Impact").select_option("5")
    dialog.get_by_role("button", name="Add to the map").click()
    scribe.get_by_text(re.compile(r"Added 1 element to the map")).wait_for()
    for page in [scribe, room.facilitator, room.guests[3]]:
        note_on(page, secret).get_by_text("On the map").wait_for()
    document = room.facilitator.request.get(
        f"{room.live.url}/api/workspaces/{room.live.workspace}/maps/{MAP}"
    ).json()["map"]
    [pain] = [p for p in document["pain_points"] if p["name"] == secret]
    evidence = [e for e in document["evidence"] if pain["id"] in e["links"]]
    assert evidence and evidence[0]["kind"] == "workshop"
    assert "Noor Member" in str(evidence[0])


def test_a_vote_past_the_budget_is_refused_and_said_so(room: Room) -> None:
    f = room.facilitator
    panel_tab(f, "Vote")
    f.get_by_label("Vote on").select_option("pain_points")
    f.get_by_label("Votes each").fill("2")
    f.get_by_role("button", name="Open voting").click()
    voter = room.guests[0]
    voter.locator('[data-testid="round"][data-status="open"]').wait_for()
    secret = "The verification e-mail never arrives"
    vote = voter.get_by_role("button", name=re.compile(f"^Vote for {secret}"))
    vote.click()
    voter.locator('[data-testid="budget"][data-left="1"]').wait_for()
    vote.click()
    voter.locator('[data-testid="budget"][data-left="0"]').wait_for()
    vote.click()
    refused = voter.get_by_test_id("vote-refused")
    refused.wait_for()
    assert refused.inner_text().strip()
    # The server refuses it whoever asks, not only the page.
    round_id = voter.locator('[data-testid="round"]').first.get_attribute("data-round-id")
    items = voter.request.get(room.api(f"/rounds/{round_id}")).json()["items"]
    target = next(i["id"] for i in items if i["label"] == secret)
    again = voter.request.post(
        room.api(f"/rounds/{round_id}/votes"),
        data={"target": target},
        headers={"X-CSRF-Token": csrf(voter)},
    )
    assert again.status in (409, 422), again.text()
    # Another person votes once; the facilitator reveals: ranked results on every screen.
    other = room.members[0]
    other.get_by_role("button", name=re.compile(f"^Vote for {secret}")).click()
    other.locator('[data-testid="budget"][data-left="1"]').wait_for()
    panel_tab(f, "Vote")
    f.get_by_role("button", name="Close voting").click()
    f.get_by_role("button", name="Reveal results").click()
    for page in [f, voter, other]:
        results = page.get_by_test_id("results")
        results.wait_for()
        assert re.search(rf"1\.\s*{re.escape(secret)}\s*3 votes", results.inner_text())


def csrf(page: Any) -> str:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return cookies.get("journeyline_csrf", "")


def test_ending_writes_the_summary_and_stops_the_guest_links(room: Room) -> None:
    f = room.facilitator
    panel_tab(f, "Facilitate")
    f.get_by_role("button", name="End the workshop").click()
    f.get_by_role("button", name="End it now").click()
    for page in room.everyone:
        page.get_by_role("heading", name="The workshop has ended").first.wait_for()
    follow = f.get_by_test_id("follow-ups")
    follow.get_by_text(re.compile(r"8 people took part")).wait_for()
    with f.expect_download() as done:
        follow.get_by_role("button", name="Download the summary (Markdown)").click()
    text = Path(done.value.path()).read_text(encoding="utf-8")
    assert "The verification e-mail never arrives" in text
    assert "3" in text and "vote" in text.lower()
    with f.expect_download() as done:
        follow.get_by_role("button", name="Download the summary (PDF)").click()
    assert Path(done.value.path()).read_bytes()[:5] == b"%PDF-"
    f.get_by_label("The map's status").select_option("validated")
    f.get_by_label("Next review").fill("2027-03-01")
    f.get_by_role("button", name="Update the map").click()
    f.get_by_text("The map's status and review date are updated.").wait_for()
    meta = f.request.get(f"{room.live.url}/api/workspaces/{room.live.workspace}/maps/{MAP}").json()[
        "map"
    ]
    assert meta["status"] == "validated" and meta["review_date"] == "2027-03-01"
    # The guests' sessions end with the workshop.
    assert room.guests[0].request.get(room.api()).status == 401
