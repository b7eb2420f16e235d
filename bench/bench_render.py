"""Benchmark: render a 500-step, 12-stage map to SVG, HTML and PDF; open the HTML in Chromium.

Targets (issue 3): SVG and HTML under 1 s, PDF under 5 s (one file, Chromium's start
included), HTML open (to the load event) under 1.5 s. Prints each figure and its ratio
to the target; figures without a target (first paint, PDFs in a shared session) are
printed for information. Best of N runs: the machine is shared, so single runs are noisy.

    python bench/bench_render.py           # everything (about a minute)
    python bench/bench_render.py --quick   # skip the A3 PDF
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest_render import big_map

from journeyline.render import layout_map, render_html, render_svg, render_to_file
from journeyline.render.browser import chromium, chromium_session

NAVIGATION = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return [nav.loadEventEnd, paint ? paint.startTime : -1];
}"""


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def open_times(page_file: Path, runs: int) -> tuple[float, float]:
    """Best time to `load` and to first contentful paint, each open in a new tab."""
    loads, paints = [], []
    with chromium() as browser:
        for run in range(runs + 1):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(page_file.as_uri(), wait_until="load")
            load, paint = page.evaluate(NAVIGATION)
            page.close()
            if run:  # the first open warms the browser's caches
                loads.append(load / 1000)
                paints.append(paint / 1000)
    return min(loads), min(paints)


def main() -> None:
    quick = "--quick" in sys.argv
    ws, journey = big_map(500, 12)
    results: list[tuple[str, float, float | None]] = []
    results.append(
        ("layout + SVG", best_of(3, lambda: render_svg(layout_map(journey, ws, findings=[]))), 1.0)
    )
    results.append(
        (
            "layout + HTML",
            best_of(3, lambda: render_html(layout_map(journey, ws, findings=[]))),
            1.0,
        )
    )
    html = render_html(layout_map(journey, ws, findings=[]))
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "big.pdf"
        results.append(
            (
                "PDF, fit (incl. Chromium start)",
                best_of(3, lambda: render_to_file(ws, journey, pdf, paper="fit", findings=[])),
                5.0,
            )
        )
        if not quick:
            results.append(
                (
                    "PDF, A3 pages (incl. Chromium start)",
                    best_of(2, lambda: render_to_file(ws, journey, pdf, paper="A3", findings=[])),
                    5.0,
                )
            )
        with chromium_session() as session:
            render_to_file(ws, journey, pdf, paper="fit", findings=[], session=session)
            results.append(
                (
                    "PDF, fit, in a started session",
                    best_of(
                        3,
                        lambda: render_to_file(
                            ws, journey, pdf, paper="fit", findings=[], session=session
                        ),
                    ),
                    None,
                )
            )
        page_file = Path(tmp) / "big.html"
        page_file.write_text(html, encoding="utf-8")
        load, paint = open_times(page_file, 5)
        results.append(("HTML open in Chromium (to load)", load, 1.5))
        results.append(("HTML open in Chromium (first paint)", paint, None))
    print(
        f"map: {len(journey.stages)} stages, {len(journey.steps())} steps; HTML {len(html) / 1e6:.1f} MB"
    )
    for name, seconds, target in results:
        if target is None:
            print(f"{name:40s} {seconds:7.3f} s")
            continue
        verdict = "ok" if seconds <= target else "SLOW"
        print(
            f"{name:40s} {seconds:7.3f} s   target {target:.1f} s   ratio {seconds / target:5.2f}  {verdict}"
        )


if __name__ == "__main__":
    main()
