"""Render a map to a file: the writer is picked by the file's suffix (.html, .svg, .png, .pdf)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from journeyline.analysis import analyze_map
from journeyline.errors import UsageError
from journeyline.model import JourneyMap, Workspace
from journeyline.render.browser import ChromiumSession, html_to_pdf, html_to_png
from journeyline.render.findings import FindingLike
from journeyline.render.html import render_html, render_png_html, render_print_html
from journeyline.render.layout import layout_map
from journeyline.render.shapes import MapLayout
from journeyline.render.svg import render_svg

SUFFIXES = (".html", ".svg", ".png", ".pdf")
PAPERS = ("A4", "A3", "fit")
MAX_PNG_SIDE = 16000
"""Chromium cannot capture a screenshot wider or taller than this many device pixels."""


def normalise_paper(paper: str) -> str:
    """'a4' → 'A4', 'FIT' → 'fit'; UsageError for anything else."""
    for name in PAPERS:
        if paper.strip().lower() == name.lower():
            return name
    raise UsageError(f"unknown paper size {paper!r}; use one of: {', '.join(PAPERS)}")


def analyse(journey: JourneyMap, workspace: Workspace) -> list[FindingLike]:
    """The analysis findings to annotate the curve with (`journeyline.analysis.analyze_map`)."""
    return list(analyze_map(journey, workspace))


def write_png(layout: MapLayout, out: Path, *, session: ChromiumSession | None = None) -> Path:
    """The map as a PNG: twice the pixels for crispness when small, scaled down when huge."""
    scale = min(1.0, MAX_PNG_SIDE / layout.width, MAX_PNG_SIDE / layout.height)
    dpr = 2 if max(layout.width, layout.height) * 2 <= MAX_PNG_SIDE else 1
    width, height = int(layout.width * scale) + 1, int(layout.height * scale) + 1
    return html_to_png(
        render_png_html(layout, scale),
        out,
        selector="#map svg",
        width=width,
        height=height,
        scale=dpr,
        session=session,
    )


def render_to_file(
    workspace: Workspace,
    journey: JourneyMap,
    out_path: Path | str,
    *,
    lanes: Sequence[str] | None = None,
    persona: str | None = None,
    compare_with: JourneyMap | None = None,
    paper: str = "fit",
    findings: Sequence[FindingLike] | None = None,
    width: float | None = None,
    session: ChromiumSession | None = None,
) -> Path:
    """Lay the map out once and write it as HTML, SVG, PNG or PDF (by the suffix of `out_path`).

    Findings default to running the analysis, so the curve shows rapid drops, troughs
    and peaks. PNG and PDF need Chromium (BrowserUnavailable says how to install it); they
    use `session`, else the enclosing `chromium_session()` block's browser, else start
    Chromium for this file only.
    """
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix == ".htm":
        suffix = ".html"
    if suffix not in SUFFIXES:
        raise UsageError(
            f"cannot render to {out.name!r}: the file name must end in {', '.join(SUFFIXES)}"
        )
    paper = normalise_paper(paper)
    if findings is None:
        findings = analyse(journey, workspace)
    layout = layout_map(
        journey,
        workspace,
        lanes=lanes,
        persona=persona,
        compare=compare_with,
        findings=findings,
        width=width,
    )
    if not out.parent.exists():
        raise UsageError(f"cannot write {out}: the folder {out.parent} does not exist")
    if suffix == ".svg":
        out.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n' + render_svg(layout) + "\n", encoding="utf-8"
        )
    elif suffix == ".html":
        out.write_text(render_html(layout), encoding="utf-8")
    elif suffix == ".png":
        write_png(layout, out, session=session)
    else:
        html_to_pdf(render_print_html(layout, paper), out, session=session)
    return out
