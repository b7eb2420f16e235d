"""The draft stakeholder summary after a workshop: the map's own summary, then what the
workshop did (attendance, time per step against the plan, notes and what they became, the
groups) and the ranked results of its voting rounds; as Markdown, and as a PDF printed
by Chromium like the app's other PDFs."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path
from typing import Any

from journeyline.analysis.summary import escape_markdown

ROLE_NAMES = {"facilitator": "facilitator", "scribe": "scribe", "participant": "participant"}


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 60 or seconds == 0 else f"{seconds:.0f} s"


def outcomes_markdown(record: dict[str, Any]) -> str:
    """The workshop's part of the summary, from its record (see store.workshop_record)."""
    e = escape_markdown
    workshop = record["workshop"]
    out = [f"## Workshop outcomes: {e(workshop['title'])}", ""]
    out.append(
        f"- **Held:** {workshop['created_at'][:10]}"
        + (" (ended)" if workshop["status"] == "ended" else f" ({workshop['status']})")
    )
    people = record["attendance"]
    guests = sum(1 for p in people if p["guest"])
    out.append(f"- **Attendance:** {len(people)} ({guests} guest{'s' if guests != 1 else ''})")
    for person in people:
        role = ROLE_NAMES.get(person["role"], person["role"])
        out.append(f"  - {e(person['name'])}, {role}" + (" (guest)" if person["guest"] else ""))
    out.append(
        f"- **Notes:** {record['notes']} written, {record['converted']} made into map elements"
    )
    out += ["", "### Time per step", "", "| Step | Planned | Spent |", "|---|---:|---:|"]
    planned_total = spent_total = 0.0
    for step in record["agenda"]:
        planned = float(step["minutes"]) * 60
        planned_total += planned
        spent_total += step["spent_seconds"]
        out.append(
            f"| {e(step['name'])} | {_minutes(planned)} | {_minutes(step['spent_seconds'])} |"
        )
    out.append(f"| **Total** | {_minutes(planned_total)} | {_minutes(spent_total)} |")
    out += ["", "### What the notes became", ""]
    converted = [n for n in record["note_list"] if n["converted"]]
    if not converted:
        out.append("No notes were made into map elements yet.")
    for note in converted:
        out.append(
            f"- {e(note['text'])} — *{note['kind'].replace('_', ' ')}* → {', '.join(e(c) for c in note['converted'])}"
        )
    if record["groups"]:
        out += ["", "### Groups", ""]
        texts = {n["id"]: n["text"] for n in record["note_list"]}
        for group in record["groups"]:
            inside = "; ".join(e(texts[i]) for i in group["notes"] if i in texts)
            out.append(f"- **{e(group['label'])}** ({len(group['notes'])}): {inside}")
    out += ["", "### Vote results", ""]
    revealed = [r for r in record["rounds"] if r["results"] is not None]
    if not revealed:
        out.append("No voting round was revealed.")
    for number, found_round in enumerate(revealed, start=1):
        what = found_round["targets"].replace("_", " ")
        out += [
            f"Round {number} on {what} ({found_round['budget']} votes each, "
            f"{found_round['voters']} voter{'s' if found_round['voters'] != 1 else ''}):",
            "",
            "| Rank | Item | Votes |",
            "|---:|---|---:|",
        ]
        for row in found_round["results"]:
            out.append(f"| {row['rank']} | {e(row['label'])} | {row['votes']} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def summary_markdown(map_summary: str, record: dict[str, Any]) -> str:
    """The draft: the map's stakeholder summary, then the workshop's outcomes."""
    return map_summary.rstrip() + "\n\n" + outcomes_markdown(record)


PAGE_CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; color: #1d2433; line-height: 1.4; }
h1 { font-size: 18pt; margin: 0 0 8pt; } h2 { font-size: 13.5pt; margin: 16pt 0 6pt; border-bottom: 1px solid #ccd; }
h3 { font-size: 11.5pt; margin: 12pt 0 4pt; }
table { border-collapse: collapse; margin: 4pt 0 8pt; } th, td { border: 1px solid #ccd; padding: 3pt 6pt; text-align: left; }
td:last-child, th:last-child { text-align: right; } code { font-size: 9.5pt; }
"""


def markdown_html(markdown: str, title: str) -> str:
    """The Markdown as a printable HTML page (raw HTML in user text stays text)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{PAGE_CSS}</style></head><body>{body}</body></html>"
    )


def markdown_pdf(markdown: str, title: str) -> bytes:
    """The Markdown printed to PDF by Chromium (no network: the page holds everything)."""
    from journeyline.render.browser import html_to_pdf

    with tempfile.TemporaryDirectory(prefix="journeyline-summary-") as folder:
        out = html_to_pdf(markdown_html(markdown, title), Path(folder) / "summary.pdf")
        return out.read_bytes()
