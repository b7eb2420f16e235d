"""`journeyline analyze`, `priorities`, `compare` and `summary`: thin faces over journeyline.analysis."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from journeyline.analysis import (
    SEVERITIES,
    AnalysisConfig,
    Finding,
    analyze_map,
    at_least,
    build_summary,
    compare_maps,
    parse_assignments,
    pick_pair,
    rank_opportunities,
)
from journeyline.analysis.compare import Comparison
from journeyline.cli.common import (
    EXIT_INVALID,
    FORMAT_OPTION,
    LIMIT_OPTION,
    OutputFormat,
    console,
    import_limits,
    map_option,
    print_json,
    print_warnings,
    reporting_errors,
)
from journeyline.errors import Diagnostic, InvalidInput
from journeyline.formats import load_map, load_workspace
from journeyline.model import Workspace

SEVERITY_STYLES: dict[str, str] = {
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
"""Colour of each severity in text output; the label is always printed too."""


class FailOn(StrEnum):
    """Severity at or above which `analyze` exits with code 1."""

    info = "info"
    low = "low"
    medium = "medium"
    high = "high"


FILE_ARGUMENT = typer.Argument(
    ..., metavar="FILE", help="A workspace file (.yaml, .json …) or folder."
)
MAP_OPTION = map_option("Id of the map to use (default: every map).")
SET_OPTION = typer.Option(
    None, "--set", "-s", help="Override a setting for this run: key=value (repeatable)."
)


def _load(path: Path, limits: list[str] | None = None) -> Workspace:
    loaded = load_workspace(path, limits=import_limits(limits))
    print_warnings(loaded.warnings)
    return loaded.workspace


def _config(
    workspace: Workspace, sets: list[str] | None, prefix: str | None = None
) -> AnalysisConfig:
    base = AnalysisConfig.from_overrides(workspace.analysis, source="workspace analysis")
    return base.merged(parse_assignments(sets or [], prefix=prefix), source="--set")


def _today(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"--today '{value}' is not a date",
            [Diagnostic(f"--today '{value}' is not a date", hint="write it as YYYY-MM-DD")],
        ) from None


def _severity_label(severity: str) -> Text:
    return Text(severity.upper().ljust(6), style=SEVERITY_STYLES[severity])


def _where(finding: Finding) -> str:
    parts = [p for p in (finding.stage, finding.step) if p]
    where = " › ".join(parts) if parts else "whole map"
    return f"{where} [{finding.persona}]" if finding.persona else where


def _counts(findings: list[Finding]) -> str:
    parts = [
        f"{sum(1 for f in findings if f.severity == s)} {s}"
        for s in reversed(SEVERITIES)
        if any(f.severity == s for f in findings)
    ]
    return ", ".join(parts)


def analyze_command(
    file: Path = FILE_ARGUMENT,
    map_id: str | None = MAP_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    fail_on: FailOn | None = typer.Option(
        None, "--fail-on", help="Exit with code 1 when a finding is at or above this severity."
    ),
    sets: list[str] | None = SET_OPTION,
    today: str | None = typer.Option(
        None, "--today", help="Date to check review dates against (YYYY-MM-DD; default: today)."
    ),
    limits: list[str] | None = LIMIT_OPTION,
) -> None:
    """Look for what the practice asks: rapid drops, sawtooth, troughs, gaps, unsupported claims …"""
    with reporting_errors(fmt):
        workspace = _load(file, limits)
        maps = workspace.pick_maps(map_id, file=str(file))
        config = _config(workspace, sets)
        day = _today(today)
        results = [(j, analyze_map(j, workspace, config=config, today=day)) for j in maps]
    several = len(workspace.maps) > 1
    everything = [f for _, findings in results for f in findings]
    if fmt == OutputFormat.json:
        rows: list[dict[str, Any]] = []
        for journey, findings in results:
            for finding in findings:
                row: dict[str, Any] = finding.to_dict()
                if several:
                    row["map"] = journey.id
                rows.append(row)
        print_json({"findings": rows})
    else:
        for journey, findings in results:
            head = Text(f"{journey.name} ({journey.id}): ", style="bold")
            head.append(
                f"{len(findings)} finding{'s' if len(findings) != 1 else ''}"
                + (f" ({_counts(findings)})" if findings else "")
            )
            console.print(head)
            if not findings:
                console.print("  No findings: nothing the analyses look for was found.")
            for finding in findings:
                line = Text("  ")
                line.append_text(_severity_label(finding.severity))
                line.append(f" {finding.kind}", style="bold")
                line.append(f"  {_where(finding)}")
                console.print(line)
                console.print(Text(f"         {finding.message}"))
                console.print(Text(f"         → {finding.suggestion}", style="italic"))
            console.print()
    if fail_on is not None and any(at_least(f.severity, fail_on.value) for f in everything):
        raise typer.Exit(EXIT_INVALID)


def priorities_command(
    file: Path = FILE_ARGUMENT,
    map_id: str | None = MAP_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    sets: list[str] | None = typer.Option(
        None,
        "--set",
        "-s",
        help="Override a score weight: votes=2, reach_base=0.3 … (priority.* settings; repeatable).",
    ),
    include_done: bool = typer.Option(False, "--include-done", help="Rank done opportunities too."),
    limits: list[str] | None = LIMIT_OPTION,
) -> None:
    """Rank the opportunities by impact, reach, votes and effort, showing each part of the score."""
    with reporting_errors(fmt):
        workspace = _load(file, limits)
        maps = workspace.pick_maps(map_id, file=str(file))
        config = _config(workspace, sets, prefix="priority")
        results = [(j, rank_opportunities(j, config, include_done=include_done)) for j in maps]
    several = len(workspace.maps) > 1
    if fmt == OutputFormat.json:
        rows: list[dict[str, Any]] = []
        for journey, ranked in results:
            for item in ranked:
                row = item.to_dict()
                if several:
                    row["map"] = journey.id
                rows.append(row)
        print_json({"opportunities": rows})
        return
    p = config.priority
    for journey, ranked in results:
        table = Table(title=f"{journey.name} ({journey.id})", title_justify="left")
        table.add_column("rank", justify="right", no_wrap=True)
        table.add_column("opportunity", min_width=20, ratio=1)
        for column in ("score", "impact", "reach", "votes"):
            table.add_column(column, justify="right", no_wrap=True)
        table.add_column("effort", no_wrap=True)
        table.add_column("owner", max_width=18)
        table.add_column("status", no_wrap=True)
        for item in ranked:
            o = item.opportunity
            table.add_row(
                str(item.rank),
                Text(o.name),
                f"{item.score:.2f}",
                f"{item.impact:g}",
                f"{item.reach:.0%}",
                str(item.votes),
                f"{o.effort.value} ({item.effort_weight:g})"
                if o.effort
                else f"? ({item.effort_weight:g})",
                Text(o.owner or "—"),
                o.status.value,
            )
        if ranked:
            console.print(table)
        else:
            console.print(
                Text(f"{journey.name} ({journey.id}): no open opportunities.", style="bold")
            )
    console.print(
        f"score = (impact × ({p.reach_base:g} + reach) + {p.votes:g} × votes ÷ most votes) ÷ effort "
        "(xs 1 … xl 5). See docs/analysis.md.",
        markup=False,
    )


def _num(value: float | None, fmt: str = "+.2f") -> str:
    return "—" if value is None else format(value, fmt)


def compare_command(
    asis_file: Path = typer.Argument(..., metavar="ASIS", help="File with the current-state map."),
    tobe_file: Path = typer.Argument(..., metavar="TOBE", help="File with the future-state map."),
    asis_map: str | None = typer.Option(
        None, "--asis-map", metavar="ID", help="Id of the AS-IS map in ASIS."
    ),
    tobe_map: str | None = typer.Option(
        None, "--tobe-map", metavar="ID", help="Id of the TO-BE map in TOBE."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    limits: list[str] | None = LIMIT_OPTION,
) -> None:
    """Compare an AS-IS map with its TO-BE: steps removed, pain points resolved, sentiment lift."""
    with reporting_errors(fmt):
        asis_ws = _load(asis_file, limits)
        tobe_ws = asis_ws if tobe_file == asis_file else _load(tobe_file, limits)
        asis, tobe = pick_pair(
            asis_ws, tobe_ws, asis_map, tobe_map, asis_file=str(asis_file), tobe_file=str(tobe_file)
        )
        comparison = compare_maps(asis, tobe)
    if fmt == OutputFormat.json:
        print_json(comparison.to_dict())
        return
    _print_comparison(comparison)


def _print_comparison(c: Comparison) -> None:
    data = c.to_dict()
    console.print(
        Text(f"AS-IS {c.asis.name} ({c.asis.id}) → TO-BE {c.tobe.name} ({c.tobe.id})", style="bold")
    )
    steps = data["steps"]
    console.print(
        f"Steps: {steps['before']} → {steps['after']} "
        f"({len(steps['added'])} added, {len(steps['removed'])} removed, {len(steps['changed'])} changed)",
        markup=False,
    )
    for label, key in (("+ added", "added"), ("- removed", "removed")):
        for item in steps[key]:
            console.print(Text(f"  {label}: {item['name']} ({item['stage']})"))
    for item in steps["changed"]:
        console.print(
            Text(f"  ~ changed: {item['name']} ({item['stage']}): {', '.join(item['fields'])}")
        )
    pains = data["pain_points"]
    console.print(
        f"Pain points: {len(pains['resolved'])} resolved, {len(pains['new'])} new, {len(pains['kept'])} kept",
        markup=False,
    )
    for label, key in (("✓ resolved", "resolved"), ("! new", "new"), ("= kept", "kept")):
        for item in pains[key]:
            console.print(Text(f"  {label}: {item['name']} ({item['impact']})"))
    table = Table(title="Stages", title_justify="left")
    for column in ("stage", "steps before", "steps after", "sentiment before", "sentiment after"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage in c.stages:
        table.add_row(
            Text(stage.name),
            "—" if stage.steps_before is None else str(stage.steps_before),
            "—" if stage.steps_after is None else str(stage.steps_after),
            _num(stage.sentiment_before),
            _num(stage.sentiment_after),
        )
    console.print(table)
    s = data["sentiment"]
    console.print(
        f"Mean sentiment (normalised -1 … +1): {_num(s['before'])} → {_num(s['after'])}, "
        f"lift {_num(s['lift'])}",
        markup=False,
    )
    console.print(
        f"On each map's scale: {_num(s['score_before'], '.2f')} (of {c.asis.scale.min:g} … {c.asis.scale.max:g}) → "
        f"{_num(s['score_after'], '.2f')} (of {c.tobe.scale.min:g} … {c.tobe.scale.max:g})"
        + (f", lift {_num(s['lift_score'])} points" if s["lift_score"] is not None else ""),
        markup=False,
    )


def summary_command(
    file: Path = FILE_ARGUMENT,
    map_id: str | None = map_option(),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the summary to this file instead of printing it."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    sets: list[str] | None = SET_OPTION,
    today: str | None = typer.Option(
        None, "--today", help="Date to check the review date against (YYYY-MM-DD)."
    ),
    limits: list[str] | None = LIMIT_OPTION,
) -> None:
    """Write the stakeholder summary: pain points, low points, opportunities, teams, action plan."""
    import json

    from journeyline.formats.atomic import write_atomically

    with reporting_errors(fmt):
        workspace, journey, warnings = load_map(file, map_id, limits=import_limits(limits))
        print_warnings(warnings)
        summary = build_summary(
            journey, workspace, config=_config(workspace, sets), today=_today(today)
        )
        if fmt == OutputFormat.json:
            text = json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n"
        else:
            text = summary.to_markdown()
        if output is not None:
            try:
                write_atomically({output: text})
            except OSError as error:
                raise InvalidInput(
                    f"{output}: cannot write ({error.strerror or error})",
                    [Diagnostic(f"cannot write ({error.strerror or error})", str(output))],
                ) from None
    if output is not None:
        console.print(f"Wrote the summary of '{journey.name}' to {output}.", markup=False)
        return
    typer.echo(text, nl=False)


def register(app: typer.Typer) -> None:
    """Add `analyze`, `priorities`, `compare` and `summary` to the `journeyline` command."""
    app.command("analyze")(analyze_command)
    app.command("priorities")(priorities_command)
    app.command("compare")(compare_command)
    app.command("summary")(summary_command)
