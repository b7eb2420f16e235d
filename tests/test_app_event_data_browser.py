"""The "Event data" pages in real Chromium (issue 14): a vendor's real export uploaded with a
progress bar and the fields it was read with shown; an analysis run as a job and its
result; the paths view's Sankey; a map drafted from data opened on the board and compared
with the data (observed against mapped)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

VENDORS = Path(__file__).parent / "fixtures" / "events" / "vendors"

JOURNEYS = [
    (["Viewed Home", "Viewed Pricing", "Signed Up", "Started Trial", "Subscribed"], 0.5),
    (["Viewed Home", "Signed Up", "Started Trial"], 0.3),
    (["Viewed Home", "Viewed Pricing", "Contacted Sales"], 0.2),
]


def segment_export(path: Path, users: int = 240, padding: int = 900) -> Path:
    """Segment track calls as JSON lines, each one Segment's own example call
    (segment_track.json) with its user, event and time changed; `padding` characters of
    context make the file large enough for the upload's progress to be seen."""
    base = json.loads((VENDORS / "segment_track.json").read_text(encoding="utf-8"))
    rng = random.Random(14)
    start = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)
    lines = []
    for u in range(users):
        events = rng.choices([j for j, _ in JOURNEYS], [w for _, w in JOURNEYS])[0]
        at = start + dt.timedelta(hours=u)
        for i, event in enumerate(events):
            call = copy.deepcopy(base)
            call["userId"] = f"user-{u:04d}"
            call["anonymousId"] = f"anon-{u:04d}"
            call["event"] = event
            call["messageId"] = f"m-{u}-{i}"
            call["properties"] = {"plan": "pro" if u % 3 == 0 else "free"}
            call["context"]["page"]["search"] = "x" * padding
            at += dt.timedelta(minutes=rng.randint(1, 30))
            stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            call["timestamp"] = call["originalTimestamp"] = stamp
            lines.append(json.dumps(call))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def events_page(page: Any, live_app: LiveApp, tab: str = "") -> None:
    page.goto(f"{live_app.url}/w/{live_app.workspace}/events{tab}")
    page.get_by_role("heading", name="Event data", exact=True).wait_for()


def upload_through_the_page(page: Any, file: Path, preset: str | None = None) -> None:
    page.get_by_role("button", name="Upload an export").first.click()
    dialog = page.get_by_role("dialog", name="Upload event data")
    dialog.get_by_label("Event file").set_input_files(str(file))
    if preset:
        dialog.get_by_label("Exported from").select_option(preset)
    dialog.get_by_role("button", name="Upload", exact=True).click()


def test_a_real_mixpanel_export_is_uploaded_and_its_fields_shown(
    browser: Any, live_app: LiveApp, tmp_path: Path
) -> None:
    page = signed_in_page(browser, live_app)
    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Event data").click()
    page.get_by_role("heading", name="No event data yet").wait_for()
    upload_through_the_page(page, VENDORS / "mixpanel_import.json")
    read = page.get_by_role("status", name="How the file was read")
    read.wait_for()
    assert "Mixpanel" in read.inner_text()
    fields = read.locator(".ev-fields").inner_text()
    assert "distinct_id" in fields and "event" in fields and "time" in fields
    row = page.locator("table[aria-label='Event sources'] tbody tr").first
    assert "mixpanel_import" in row.inner_text() and "Mixpanel" in row.inner_text()
    assert re.search(r"\b2\b", row.locator("td.num").first.inner_text())  # two events
    read.get_by_role("button", name="Looks right").click()

    # A file that cannot be read: what is wrong and where, and the fields to name.
    bad = tmp_path / "broken.csv"
    bad.write_text('who,what,"when\nu1,visit,2024-03-01\n', encoding="utf-8")
    upload_through_the_page(page, bad)
    dialog = page.get_by_role("dialog", name="Upload event data")
    alert = dialog.get_by_role("alert")
    alert.wait_for()
    assert "broken.csv" in alert.inner_text()
    assert "duckdb" not in alert.inner_text().lower()
    dialog.get_by_label("Who (unit) field").wait_for()  # offered at once
    page.keyboard.press("Escape")
    page.context.close()


def test_a_large_upload_shows_its_progress_then_an_analysis_job_its_result(
    browser: Any, live_app: LiveApp, tmp_path: Path
) -> None:
    export = segment_export(tmp_path / "website.jsonl")
    page = signed_in_page(browser, live_app)
    # A slow link, so that the bytes going up can be watched.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 400_000},
    )
    events_page(page, live_app)
    upload_through_the_page(page, export, preset="segment")
    bar = page.get_by_role("progressbar", name="Uploading")
    bar.wait_for()
    page.wait_for_function(
        "() => Number(document.querySelector('[aria-label=\"Uploading\"]')"
        "?.getAttribute('aria-valuenow') ?? 0) > 0"
    )
    page.get_by_role("status", name="How the file was read").wait_for(timeout=60_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    assert "Segment" in page.get_by_role("status", name="How the file was read").inner_text()

    page.get_by_role("navigation", name="Event data").get_by_role("link", name="Analyses").click()
    listed = page.request.get(
        f"{live_app.url}/api/workspaces/{live_app.workspace}/event-sources"
    ).json()["sources"]
    website = next(s for s in listed if s["name"] == "website")
    page.get_by_role("combobox", name="Event source").select_option(website["id"])
    reach = page.locator('[data-testid="analysis-result"][data-analysis="reach"]')
    reach.wait_for(timeout=60_000)
    assert "Signed Up" in reach.inner_text()

    page.get_by_role("tab", name="Funnel").click()
    page.get_by_role("combobox", name="Step 1", exact=True).fill("Viewed Home")
    page.get_by_role("combobox", name="Step 2", exact=True).fill("Signed Up")
    page.get_by_role("button", name="Add a step").click()
    page.get_by_role("combobox", name="Step 3", exact=True).fill("Subscribed")
    page.get_by_label("Break down by").fill("plan")
    page.get_by_role("button", name="Run funnel").click()
    funnel = page.locator('[data-testid="analysis-result"][data-analysis="funnel"]')
    funnel.wait_for(timeout=60_000)
    text = funnel.inner_text()
    assert "converted" in text and "By plan" in text
    # The page's figures are the job's JSON: the API says the same.
    jobs = page.request.get(f"{live_app.url}/api/workspaces/{live_app.workspace}/events/jobs")
    latest = jobs.json()["jobs"][0]
    job = page.request.get(
        f"{live_app.url}/api/workspaces/{live_app.workspace}/events/jobs/{latest['id']}"
    ).json()
    assert job["analysis"] == "funnel" and job["state"] == "done"
    assert f"{job['result']['converted']:,} of {job['result']['entered']:,}" in text
    page.context.close()


def _ensure_website_source(page: Any, live_app: LiveApp, tmp_path: Path) -> None:
    api = f"{live_app.url}/api/workspaces/{live_app.workspace}/event-sources"
    if any(s["name"] == "website" for s in page.request.get(api).json()["sources"]):
        return
    export = segment_export(tmp_path / "website.jsonl", padding=10)
    done = page.request.post(
        api + "/upload",
        multipart={
            "file": {
                "name": "website.jsonl",
                "mimeType": "application/json",
                "buffer": export.read_bytes(),
            },
            "name": "website",
        },
        headers={"X-CSRF-Token": _csrf(page)},
    )
    assert done.status == 201, done.text()


def _csrf(page: Any) -> str:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return str(cookies.get("journeyline_csrf", ""))


def test_the_paths_view_draws_the_sankey_around_an_event(
    browser: Any, live_app: LiveApp, tmp_path: Path
) -> None:
    page = signed_in_page(browser, live_app)
    _ensure_website_source(page, live_app, tmp_path)
    events_page(page, live_app, "/paths")
    page.get_by_label("Event", exact=True).fill("Signed Up")
    page.get_by_label("Depth (positions each side)").fill("2")
    page.get_by_role("button", name="Show paths").click()
    result = page.locator('[data-testid="paths-result"]')
    result.wait_for(timeout=60_000)
    image = result.get_by_role("img", name="Paths into and out of Signed Up")
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    table = result.get_by_role("table", name="Paths by position").inner_text()
    assert "The anchor" in table and "Started Trial" in table and "2 before" in table
    page.context.close()


def test_a_map_drafted_from_data_opens_on_the_board_and_is_compared_with_it(
    browser: Any, live_app: LiveApp, tmp_path: Path
) -> None:
    page = signed_in_page(browser, live_app)
    _ensure_website_source(page, live_app, tmp_path)
    events_page(page, live_app, "/discover")
    page.get_by_label("Map name").fill("Trial journey, observed")
    page.get_by_role("button", name="Draft a map").click()
    draft = page.locator('[data-testid="discover-result"]')
    draft.wait_for(timeout=60_000)
    assert "Signed Up" in draft.inner_text()
    draft.get_by_role("button", name="Add this map and open it on the board").click()
    page.wait_for_url(re.compile(r".*/maps/[^/]+$"))
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    map_id = page.url.rsplit("/", 1)[1]
    page.locator("[data-step-id]", has_text="Signed Up").first.wait_for()
    drafted = page.request.get(
        f"{live_app.url}/api/workspaces/{live_app.workspace}/maps/{map_id}"
    ).json()["map"]
    assert drafted["name"] == "Trial journey, observed"
    assert all(st["events"] for s in drafted["stages"] for st in s["steps"])

    events_page(page, live_app, "/conformance")
    page.get_by_role("combobox", name="Map", exact=True).select_option(map_id)
    page.get_by_role("button", name="Compare with the map").click()
    report = page.locator('[data-testid="conformance-result"]')
    report.wait_for(timeout=60_000)
    text = report.inner_text()
    assert "follow the map's order" in text
    order = report.get_by_label("The map's order").inner_text()
    assert "Viewed Home" in order and "Signed Up" in order
    page.context.close()
