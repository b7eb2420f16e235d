"""Screenshots of every page of the web app, from the real app, each checked for layout defects.

    PYTHONPATH=src python scripts/screenshots.py [--out docs/screenshots] [--only board,maps]

Starts `journeyline serve --demo` on a fresh SQLite data dir and a free port, signs in with
the one-time sign-in link it prints, and with Debian's Chromium (through Playwright) visits
every page at 1440x900 and 1024x768: the sign-in page, the map list (and the new-map dialog
and notifications), the board (plain, with a step's panel, with the findings, a multi-persona map, a blank map),
map settings, history, the presentation (title and whole-journey slides), personas and the
persona editor, segments, the research repository and a source, workspace settings, every
event data page (with an uploaded export), the share dialog and the share page, a workshop,
its presenter view and the join page. Each is written as docs/screenshots/PAGE-WxH.png
(the window, not the whole page), and checked by tests/layout_support.py for horizontal
overflow, clipped text, wrapped labels, elements off the window's sides and overlaps; a
table of pages and findings is printed. The exit status is 1 when anything was found.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.app_browser_support import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.layout_support import layout_findings  # noqa: E402

SIZES = [(1440, 900), (1024, 768)]
MAP = "map-saas-trial"
RESEARCH_FILE = ROOT / "tests" / "fixtures" / "research" / "notes.md"
EVENTS_FILE = ROOT / "tests" / "fixtures" / "events" / "vendors" / "mixpanel_import.json"
BOARD_READY = '[data-testid="board"][data-ready="true"]'

POST = """async ([url, body]) => {
  const m = document.cookie.match(/(?:^|;\\s*)journeyline_csrf=([^;]+)/);
  const r = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json",
               "X-CSRF-Token": m ? decodeURIComponent(m[1]) : "" },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """`journeyline serve --demo` in a child process."""

    url: str
    sign_in_link: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, data_dir: Path) -> Server:
        port = free_port()
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        command = [
            sys.executable,
            "-c",
            "import sys; from journeyline.cli import main; sys.argv[0] = 'journeyline'; "
            "sys.exit(main())",
            "serve",
            "--demo",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            "--setting",
            "secure_cookies",
            "false",
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=data_dir.parent,
        )
        assert process.stdout is not None
        output: list[str] = []
        deadline = time.monotonic() + 60
        link = None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                if process.poll() is not None:
                    break
                continue
            output.append(line)
            found = re.search(r"(http://\S+/signin/\S+)", line)
            if found:
                link = found.group(1)
                break
        if link is None:
            process.kill()
            raise SystemExit("journeyline serve did not print a sign-in link:\n" + "".join(output))
        return cls(f"http://127.0.0.1:{port}", link, process, output)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class Shot:
    """One page: its name and how to get there from a signed-in tab."""

    name: str
    go: Callable[[Tour, Any], None]
    signed_out: bool = False


class Tour:
    """What the pages need, made once: the workspace, a blank map, a share link, a workshop."""

    def __init__(self, server: Server, page: Any) -> None:
        self.server = server
        self.workspace = page.url.split("/w/", 1)[1].split("/", 1)[0]
        self.base = f"{server.url}/w/{self.workspace}"
        self.api = f"{server.url}/api/workspaces/{self.workspace}"
        self.page = page
        self.blank_map = self.post("/maps", {"name": "Renewing a subscription", "personas": []})[
            "id"
        ]
        personas = page.request.get(f"{self.api}/personas").json()
        rows = personas if isinstance(personas, list) else personas.get("items", [])
        self.persona = rows[0]["id"]
        maps = page.request.get(f"{self.api}/maps").json()
        rows = maps if isinstance(maps, list) else maps.get("items", [])
        multi = [m["id"] for m in rows if len(m.get("personas", [])) > 1]
        self.multi_persona_map = multi[0] if multi else MAP
        self.source = self._research_source()
        self._upload_events()
        self.share_link = ""
        self.workshop = ""
        self.join_link = ""

    def post(self, path: str, body: dict[str, Any]) -> Any:
        reply = self.page.evaluate(POST, [f"{self.api}{path}", body])
        if reply["status"] >= 300:
            raise SystemExit(f"POST {path} answered {reply['status']}: {json.dumps(reply['body'])}")
        return reply["body"]

    def _research_source(self) -> str:
        page = self.page
        page.goto(f"{self.base}/research")
        page.get_by_label("Research file").set_input_files(str(RESEARCH_FILE))
        page.get_by_role("button", name="Upload").click()
        page.get_by_role("heading", name="notes.md").wait_for()
        page.locator('[data-testid="source-text"]').wait_for()
        return str(page.url.rstrip("/").rsplit("/", 1)[1])

    def _upload_events(self) -> None:
        page = self.page
        page.goto(f"{self.base}/events")
        page.get_by_role("heading", name="Event data", exact=True).wait_for()
        page.get_by_role("button", name="Upload an export").first.click()
        dialog = page.get_by_role("dialog", name="Upload event data")
        dialog.get_by_label("Event file").set_input_files(str(EVENTS_FILE))
        dialog.get_by_role("button", name="Upload", exact=True).click()
        page.get_by_text(re.compile(r"Read .* as Mixpanel")).first.wait_for(timeout=60_000)

    def ensure_share_link(self) -> str:
        if not self.share_link:
            page = self.page
            board(self, page)
            page.get_by_role("button", name="Share", exact=True).click()
            page.get_by_role("button", name="Create share link").click()
            self.share_link = page.get_by_role("textbox", name="Share link").input_value()
            page.keyboard.press("Escape")
        return self.share_link

    def ensure_workshop(self) -> str:
        if not self.workshop:
            page = self.page
            board(self, page)
            page.get_by_test_id("workshop-button").click()
            page.wait_for_url(re.compile(r"/workshop/[^/]+$"))
            page.locator('[data-testid="workshop"]').wait_for()
            self.workshop = page.url.rsplit("/", 1)[1]
            self.join_link = page.get_by_test_id("join-url").input_value()
        return self.workshop


def settle(page: Any) -> None:
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => null)")
    page.wait_for_timeout(250)


def visit(tour: Tour, page: Any, path: str, ready: str) -> None:
    page.goto(f"{tour.base}{path}")
    page.locator(ready).first.wait_for()
    settle(page)


def board(tour: Tour, page: Any, map_id: str = MAP) -> None:
    visit(tour, page, f"/maps/{map_id}", BOARD_READY)


def board_panel(tour: Tour, page: Any) -> None:
    board(tour, page)
    # The name: a click in the card's middle may land on its evidence badge.
    page.locator(".board-grid [data-step-id]").first.locator(".step-name").click()
    page.get_by_test_id("side-panel").wait_for()
    settle(page)


def board_findings(tour: Tour, page: Any) -> None:
    board(tour, page)
    page.get_by_role("button", name=re.compile(r"^Findings")).click()
    page.get_by_test_id("side-panel").wait_for()
    settle(page)


def map_list_new(tour: Tour, page: Any) -> None:
    visit(tour, page, "", "main h1")
    page.get_by_role("button", name=re.compile("New map")).first.click()
    page.get_by_role("dialog", name="New map").wait_for()
    settle(page)


def notifications(tour: Tour, page: Any) -> None:
    visit(tour, page, "", "header.topbar")
    page.get_by_role("button", name="Notifications").first.click()
    page.locator(".bell-panel").wait_for()
    settle(page)


def present_journey(tour: Tour, page: Any) -> None:
    visit(tour, page, f"/maps/{MAP}/present", "h1")
    page.keyboard.press("ArrowRight")
    page.get_by_text("The whole journey").first.wait_for()
    settle(page)


def share_dialog(tour: Tour, page: Any) -> None:
    tour.ensure_share_link()
    board(tour, page)
    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_role("dialog").first.wait_for()
    settle(page)


def share_page(tour: Tour, page: Any) -> None:
    page.goto(tour.ensure_share_link())
    page.locator("[data-step-id]").first.wait_for()
    settle(page)


def workshop(tour: Tour, page: Any) -> None:
    tour.ensure_workshop()
    visit(tour, page, f"/maps/{MAP}/workshop/{tour.workshop}", '[data-testid="workshop"]')


def workshop_present(tour: Tour, page: Any) -> None:
    tour.ensure_workshop()
    visit(
        tour,
        page,
        f"/maps/{MAP}/workshop/{tour.workshop}/present",
        '[data-testid="workshop-present"]',
    )


def join_page(tour: Tour, page: Any) -> None:
    tour.ensure_workshop()
    page.goto(tour.join_link)
    page.get_by_role("button", name="Join the workshop").wait_for()
    settle(page)


def sign_in(tour: Tour, page: Any) -> None:
    page.goto(f"{tour.server.url}/")
    page.locator("main h1").first.wait_for()
    settle(page)


def simple(path: str, ready: str = "main h1") -> Callable[[Tour, Any], None]:
    return lambda tour, page: visit(tour, page, path, ready)


SHOTS = [
    Shot("sign-in", sign_in, signed_out=True),
    Shot("maps", simple("", 'a:has-text("Evaluating Loomdesk in a 14-day trial")')),
    Shot("maps-new-map", map_list_new),
    Shot("notifications", notifications),
    Shot("board", board),
    Shot("board-panel", board_panel),
    Shot("board-personas", lambda tour, page: board(tour, page, tour.multi_persona_map)),
    Shot("board-findings", board_findings),
    Shot("board-blank", lambda tour, page: board(tour, page, tour.blank_map)),
    Shot("map-settings", simple(f"/maps/{MAP}/settings")),
    Shot("history", simple(f"/maps/{MAP}/history")),
    Shot("present", simple(f"/maps/{MAP}/present", "h1")),
    Shot("present-journey", present_journey),
    Shot("personas", simple("/personas")),
    Shot(
        "persona-editor",
        lambda tour, page: visit(tour, page, f"/personas/{tour.persona}", "main input"),
    ),
    Shot("segments", simple("/segments")),
    Shot("research", simple("/research")),
    Shot(
        "research-source",
        lambda tour, page: visit(
            tour, page, f"/research/sources/{tour.source}", '[data-testid="source-text"]'
        ),
    ),
    Shot("workspace-settings", simple("/settings")),
    Shot("events-sources", simple("/events")),
    Shot("events-analyses", simple("/events/analyses")),
    Shot("events-paths", simple("/events/paths")),
    Shot("events-conformance", simple("/events/conformance")),
    Shot("events-discover", simple("/events/discover")),
    Shot("share-dialog", share_dialog),
    Shot("share-page", share_page, signed_out=True),
    Shot("workshop", workshop),
    Shot("workshop-present", workshop_present),
    Shot("join", join_page, signed_out=True),
    Shot("not-found", simple("/nothing/here", "main h1")),
]


def sign_in_context(browser: Any, server: Server, width: int, height: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(server.sign_in_link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/w/**")
    return context, page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--sizes", default="", help="e.g. 1024x768 (default: 1440x900,1024x768)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"needs Debian's Chromium at {CHROMIUM}")
    wanted = {n for n in args.only.split(",") if n}
    unknown = wanted - {s.name for s in SHOTS}
    if unknown:
        raise SystemExit(f"unknown pages: {', '.join(sorted(unknown))}")
    shots = [s for s in SHOTS if not wanted or s.name in wanted]
    sizes = (
        [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
        if args.sizes
        else SIZES
    )
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    rows: list[tuple[str, str, list[dict[str, str]]]] = []
    with tempfile.TemporaryDirectory(prefix="journeyline-shots-") as tmp:
        data_dir = Path(tmp) / "data"
        server = Server.start(data_dir)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                try:
                    context, page = sign_in_context(browser, server, *SIZES[0])
                    tour = Tour(server, page)
                    for width, height in sizes:
                        page.set_viewport_size({"width": width, "height": height})
                        for shot in shots:
                            if shot.signed_out:
                                other = browser.new_context(
                                    viewport={"width": width, "height": height}
                                )
                                other.set_default_timeout(20_000)
                                view = other.new_page()
                            else:
                                other, view = None, page
                            try:
                                shot.go(tour, view)
                                found = layout_findings(view)
                                name = f"{shot.name}-{width}x{height}.png"
                                view.screenshot(path=str(args.out / name), animations="disabled")
                            except (
                                Exception
                            ) as error:  # a page that cannot be reached is a row of the table
                                found = [
                                    {
                                        "kind": "error",
                                        "where": shot.name,
                                        "detail": str(error)[:200],
                                    }
                                ]
                            finally:
                                if other is not None:
                                    other.close()
                            rows.append((shot.name, f"{width}x{height}", found))
                            print(
                                f"{shot.name:22} {width}x{height}: {len(found)} finding(s)",
                                flush=True,
                            )
                    context.close()
                finally:
                    browser.close()
        finally:
            server.stop()

    print()
    print(f"| {'page':22} | {'size':9} | findings")
    print(f"|{'-' * 24}|{'-' * 11}|{'-' * 10}")
    for name, size, found in rows:
        if not found:
            print(f"| {name:22} | {size:9} | none")
        for f in found:
            print(f"| {name:22} | {size:9} | {f['kind']}: {f['where']}: {f['detail']}")
    return 1 if any(found for _, _, found in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
