"""Benchmark: how long until the board of a 300-step map is ready in Chromium.

Target (issue 5): with a 300-step map, the board is usable within 1.5 s. "Usable" is the
board's own signal: `[data-testid="board"][data-ready="true"]`, which the board sets
once the map is drawn and can be edited.

A generated map (12 stages x 25 steps, every lane filled, a pain point under every 5th
step and an opportunity under every 10th, one persona) is stored in a fresh SQLite data
dir through the store; `journeyline serve` runs on it in its own process on a free port;
Debian's Chromium (through Playwright) signs in with a one-time link, then opens
`/w/{workspace}/maps/{map}` several times. Each run is timed from the navigation's start
to the moment the ready signal appears, in the page's own clock (`performance.now()`)
and from outside. The first open (empty browser cache: every asset downloaded) is
reported apart; the target applies to the median of the others, each in a new tab.

    python bench/bench_board.py              # 5 timed runs; writes `## Web board` in RESULTS.md
    python bench/bench_board.py --runs 10 --no-record
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import free_port, wait_until_up  # noqa: E402
from tests.conftest_render import big_map  # noqa: E402

from journeyline.model import Persona, Workspace  # noqa: E402
from journeyline.store import accounts, open_database, sqlite_url, workspaces  # noqa: E402
from journeyline.store.bootstrap import first_run  # noqa: E402

TARGET_S = 1.5
STEPS, STAGES = 300, 12
READY = '[data-testid="board"][data-ready="true"]'
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
READY_AT = f"""() => {{
  const board = document.querySelector('{READY}');
  return board ? performance.now() : false;
}}"""


def board_workspace() -> Workspace:
    """The generated 300-step map with a persona, as a workspace."""
    _, journey = big_map(STEPS, STAGES)
    persona = Persona(
        id="persona-bench",
        name="Priya, operations lead",
        role="Operations lead at a 40-person company",
        goals=["Get the team onto one tool this quarter"],
        challenges=["No time for long evaluations"],
        preferred_channels=["email", "web"],
    )
    journey.id = "map-300"
    journey.personas = [persona.id]
    journey.scenario = "A generated map for the board benchmark: every lane filled."
    for pain in journey.pain_points:
        pain.description = f"{pain.name}: the customer loses time and trust here."
    for idea in journey.opportunities:
        idea.description = f"{idea.name}: remove the step or make it self-explanatory."
    return Workspace(id="bench", name="Board benchmark", personas=[persona], maps=[journey])


def prepare(data_dir: Path) -> tuple[str, str, str]:
    """The data dir with the owner, the generated map and a one-time sign-in link's secret."""
    db = open_database(sqlite_url(data_dir))
    try:
        done = first_run(db, demo=False, link_lifetime=dt.timedelta(hours=1))
        with db.reading() as session:
            owner = accounts.find_account(session, done.owner_email)
            assert owner is not None
            actor = accounts.actor_of(owner)
        workspace = workspaces.create_workspace(db, actor, source=board_workspace())["id"]
    finally:
        db.close()
    return workspace, "map-300", done.sign_in_token


class BoardNotReady(Exception):
    """The ready signal did not appear in time."""


def open_board(context: Any, url: str, timeout_s: float) -> tuple[float, float]:
    """Open the board in a new tab: (seconds in the page's clock, seconds from outside)."""
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        try:
            handle = page.wait_for_function(READY_AT, timeout=timeout_s * 1000, polling="raf")
        except Exception as error:
            if "Timeout" not in type(error).__name__ and "Timeout" not in str(error):
                raise
            seen = page.locator('[data-testid="board"]').count()
            detail = (
                'the page has [data-testid="board"] but never set data-ready="true"'
                if seen
                else 'the page has no [data-testid="board"] element'
            )
            errors = f"; errors in the page: {problems[:3]}" if problems else ""
            raise BoardNotReady(
                f"the board did not report ready ({READY}) within {timeout_s:.0f} s at {url}: "
                f"{detail}{errors}. Is the board built (frontend/src/board) and its build "
                "committed (`make frontend`)?"
            ) from None
        outside = time.perf_counter() - start
        inside = float(handle.json_value()) / 1000
    finally:
        page.close()
    return inside, outside


def write_results(lines: list[str]) -> None:
    """Replace the `## Web board` section of bench/RESULTS.md, keeping its `### History`."""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    heading = "## Web board\n"
    history_heading = "### History\n"
    history_rows: list[str] = []
    if heading in text:
        start = text.index(heading)
        end = text.find("\n## ", start + len(heading))
        end = len(text) if end < 0 else end + 1
        old = text[start:end]
        if history_heading in old:
            history_rows = [
                line
                for line in old[old.index(history_heading) :].splitlines()
                if line.startswith("| 2")
            ]
        text = text[:start] + text[end:]
    row = lines[-1]
    body = [
        heading,
        *lines[:-1],
        "",
        history_heading,
        "| when (UTC) | load avg | first open s | median s | best s | median / target | result |",
        "|---|---:|---:|---:|---:|---:|---|",
        row,
        *history_rows,
        "",
    ]
    text = text.rstrip() + "\n\n" + "\n".join(body)
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Timed opens after the first.")
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="Seconds to wait for the ready signal."
    )
    parser.add_argument(
        "--no-record", action="store_true", help="Print only; leave bench/RESULTS.md alone."
    )
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"needs Debian's Chromium at {CHROMIUM} (scripts/system-deps.sh installs it)")
        return 2
    from playwright.sync_api import sync_playwright

    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="journeyline-board-") as folder:
        data_dir = Path(folder) / "data"
        workspace, map_id, token = prepare(data_dir)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "journeyline"),
                "serve",
                "--data-dir",
                str(data_dir),
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base_url, server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(viewport={"width": 1440, "height": 900})
                    context.set_default_timeout(30_000)
                    page = context.new_page()
                    page.goto(f"{base_url}/signin/{token}")
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_url(f"{base_url}/w/**")
                    page.close()
                    url = f"{base_url}/w/{workspace}/maps/{map_id}"
                    first = open_board(context, url, args.timeout)
                    runs = [open_board(context, url, args.timeout) for _ in range(args.runs)]
                finally:
                    browser.close()
        except BoardNotReady as error:
            print(f"bench_board: {error}")
            return 2
        finally:
            server.terminate()
            server.wait(timeout=30)
    load_end = os.getloadavg()[0]
    inside = [r[0] for r in runs]
    outside = [r[1] for r in runs]
    median = statistics.median(inside)
    ok = median <= TARGET_S
    lines = [
        f"`python bench/bench_board.py`: a generated map of {STEPS} steps in {STAGES} stages (every "
        "lane filled, pain points and opportunities, one persona) served by `journeyline serve` on "
        f"SQLite; Debian's Chromium via Playwright, 1440×900. Time from the navigation's start to "
        f"`{READY}`, in the page's clock; first open with an empty cache, then {len(runs)} opens "
        f"in new tabs. Load average (1 min) {load_start:.1f} at the start, {load_end:.1f} at the "
        f"end, on {os.cpu_count()} cores. Target: {TARGET_S} s.",
        "",
        "| open | seconds | seconds from outside | ratio to target |",
        "|---|---:|---:|---:|",
        f"| first (empty cache) | {first[0]:.2f} | {first[1]:.2f} | {first[0] / TARGET_S:.2f} |",
        *(
            f"| run {n} | {a:.2f} | {b:.2f} | {a / TARGET_S:.2f} |"
            for n, (a, b) in enumerate(runs, start=1)
        ),
        f"| **median** | **{median:.2f}** | {statistics.median(outside):.2f} | "
        f"**{median / TARGET_S:.2f}** |",
        "",
        f"Result: {'PASS' if ok else 'FAIL'} (median {median:.2f} s against {TARGET_S} s).",
    ]
    print("\n".join(lines))
    if not args.no_record:
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
        row = (
            f"| {when} | {load_start:.1f} | {first[0]:.2f} | {median:.2f} | {min(inside):.2f} | "
            f"{median / TARGET_S:.2f} | {'PASS' if ok else 'FAIL'} |"
        )
        write_results([*lines, row])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
