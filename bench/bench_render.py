"""Benchmark: render a 500-step, 12-stage map to SVG, HTML and PDF; open the HTML in Chromium.

Targets (issue 3): SVG and HTML under 1 s, PDF under 5 s, HTML open (to the load event)
under 1.5 s. Prints each figure and its ratio to the target.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest_render import big_map

from journeyline.render import layout_map, render_html, render_svg, render_to_file
from journeyline.render.browser import chromium


def best_of(runs: int, work: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    ws, journey = big_map(500, 12)
    results: list[tuple[str, float, float]] = []
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
                best_of(2, lambda: render_to_file(ws, journey, pdf, paper="fit", findings=[])),
                5.0,
            )
        )
        results.append(
            (
                "PDF, A3 pages (incl. Chromium start)",
                best_of(1, lambda: render_to_file(ws, journey, pdf, paper="A3", findings=[])),
                5.0,
            )
        )
        page_file = Path(tmp) / "big.html"
        page_file.write_text(html, encoding="utf-8")
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1440, "height": 900})

            def open_html() -> None:
                page.goto(page_file.as_uri(), wait_until="load")

            open_html()  # warm the browser once
            results.append(("HTML open in Chromium (to load)", best_of(3, open_html), 1.5))
    print(
        f"map: {len(journey.stages)} stages, {len(journey.steps())} steps; HTML {len(html) / 1e6:.1f} MB"
    )
    for name, seconds, target in results:
        verdict = "ok" if seconds <= target else "SLOW"
        print(
            f"{name:40s} {seconds:7.3f} s   target {target:.1f} s   ratio {seconds / target:5.2f}  {verdict}"
        )


if __name__ == "__main__":
    main()
