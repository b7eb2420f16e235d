"""The demo workspace: every template in one workspace folder, rendered and analysed.

`journeyline demo DIR` (and `make demo`) writes the static demo, no server needed:
- `DIR/workspace/` — the templates as one workspace folder in the file format,
- `DIR/maps/<map-id>.html` — each map rendered as a self-contained HTML page,
- `DIR/index.html` — a page linking every map with its analysis at a glance,
and returns a summary of each map's analysis for the command to print. The same merged
workspace seeds the web app's demo workspace on a first run (`make run`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, select_autoescape

from journeyline.analysis import Finding, analyze_map
from journeyline.formats import load_workspace, save_workspace
from journeyline.model import JourneyMap, Workspace
from journeyline.render import render_to_file
from journeyline.templates import list_templates, load_template

SEVERITIES = ("high", "medium", "low", "info")


@dataclass
class MapSummary:
    """One map of the demo with what the analysis found in it."""

    map_id: str
    name: str
    type: str
    template: str
    stages: int
    steps: int
    html: Path
    findings: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present (zero when none)."""
        counted: Counter[str] = Counter(f.severity for f in self.findings)
        return {severity: counted.get(severity, 0) for severity in SEVERITIES}


@dataclass
class DemoResult:
    """What `build_demo` wrote and found."""

    out_dir: Path
    workspace_dir: Path
    index: Path
    maps: list[MapSummary]


def merge_templates(names: list[str] | None = None) -> tuple[Workspace, dict[str, str]]:
    """Every template in one workspace; returns it and which template each map came from.

    Segments, personas, lanes and evidence shared by several templates (the TO-BE map
    reuses its AS-IS persona) are kept once, by id.
    """
    infos = list_templates()
    chosen = names or [info.name for info in infos]
    merged = Workspace(
        id="demo",
        name="Journeyline demo workspace",
        description="Every Journeyline template in one workspace, to explore and change.",
    )
    origin: dict[str, str] = {}
    for name in chosen:
        template = load_template(name)
        for attr in ("segments", "personas", "lanes", "evidence"):
            target = getattr(merged, attr)
            taken = {item.id for item in target}
            target.extend(item for item in getattr(template, attr) if item.id not in taken)
        taken_maps = {m.id for m in merged.maps}
        for journey in template.maps:
            if journey.id not in taken_maps:
                merged.maps.append(journey)
                origin[journey.id] = name
        for key, value in template.analysis.items():
            merged.analysis.setdefault(key, value)
    return merged, origin


def build_demo(
    out_dir: Path,
    *,
    today: dt.date | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Write the demo workspace, render every map to HTML, and analyse each one."""
    out_dir = Path(out_dir)
    workspace_dir = out_dir / "workspace"
    maps_dir = out_dir / "maps"
    maps_dir.mkdir(parents=True, exist_ok=True)
    workspace_dir.mkdir(parents=True, exist_ok=True)

    merged, origin = merge_templates()
    save_workspace(merged, workspace_dir)
    # Read back what was written, so the demo shows exactly what the files say.
    workspace = load_workspace(workspace_dir).workspace

    summaries: list[MapSummary] = []
    for journey in workspace.maps:
        if on_progress:
            on_progress(journey.name)
        html_path = maps_dir / f"{journey.id}.html"
        render_to_file(workspace, journey, html_path)
        summaries.append(
            _summarise(workspace, journey, origin.get(journey.id, ""), html_path, today)
        )

    index = out_dir / "index.html"
    index.write_text(_index_html(workspace, summaries, out_dir), encoding="utf-8")
    return DemoResult(out_dir=out_dir, workspace_dir=workspace_dir, index=index, maps=summaries)


def _summarise(
    workspace: Workspace, journey: JourneyMap, template: str, html: Path, today: dt.date | None
) -> MapSummary:
    return MapSummary(
        map_id=journey.id,
        name=journey.name,
        type=journey.type.value,
        template=template,
        stages=len(journey.stages),
        steps=sum(len(stage.steps) for stage in journey.stages),
        html=html,
        findings=analyze_map(journey, workspace, today=today),
    )


_INDEX = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ workspace.name }}</title>
<style>
  :root { color-scheme: light; }
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
         margin: 0; background: #f6f7f9; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 28px 40px; }
  header h1 { margin: 0 0 6px; font-size: 26px; }
  header p { margin: 0; color: #d5dae3; }
  main { padding: 28px 40px; display: grid; gap: 18px;
         grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); }
  article { background: #fff; border: 1px solid #d8dde6; border-radius: 10px; padding: 18px 20px; }
  article h2 { margin: 0 0 4px; font-size: 18px; }
  article h2 a { color: #1849a9; text-decoration: none; }
  article h2 a:hover, article h2 a:focus { text-decoration: underline; }
  .meta { color: #4a5365; font-size: 14px; margin: 0 0 10px; }
  .counts { display: flex; gap: 6px; flex-wrap: wrap; margin: 0 0 10px; padding: 0; list-style: none; }
  .counts li { font-size: 13px; border-radius: 999px; padding: 2px 10px; border: 1px solid; }
  .high { background: #fde8e8; color: #8a1c1c; border-color: #e6a3a3; }
  .medium { background: #fff1de; color: #7a4100; border-color: #e8bd84; }
  .low { background: #e8f0fd; color: #1d3f7a; border-color: #a9c1ea; }
  .info { background: #eef0f3; color: #394150; border-color: #c4cad4; }
  ul.findings { margin: 0; padding-left: 18px; font-size: 14px; color: #2c3445; }
  ul.findings li { margin: 3px 0; }
  footer { padding: 0 40px 30px; color: #4a5365; font-size: 13px; }
</style>
</head>
<body>
<header>
  <h1>{{ workspace.name }}</h1>
  <p>{{ maps|length }} journey maps · open one to see the map, its sentiment line and what the analysis found.</p>
</header>
<main>
{% for item in maps %}
  <article>
    <h2><a href="{{ item.href }}">{{ item.summary.name }}</a></h2>
    <p class="meta">{{ item.type_label }} · {{ item.summary.stages }} stages · {{ item.summary.steps }} steps</p>
    <ul class="counts" aria-label="Findings by severity">
    {% for severity, count in item.summary.counts().items() if count %}
      <li class="{{ severity }}">{{ count }} {{ severity }}</li>
    {% endfor %}
    </ul>
    <ul class="findings">
    {% for finding in item.top %}
      <li><strong>{{ finding.kind.replace('_', ' ') }}</strong>: {{ finding.message }}</li>
    {% endfor %}
    </ul>
  </article>
{% endfor %}
</main>
<footer>The files behind these maps are in <code>{{ workspace_dir }}</code>; edit them and run the demo again.</footer>
</body>
</html>
"""

_TYPE_LABELS = {
    "current_state": "Current state",
    "future_state": "Future state",
    "day_in_the_life": "Day in the life",
    "service_blueprint": "Service blueprint",
}


def _index_html(workspace: Workspace, summaries: list[MapSummary], out_dir: Path) -> str:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    items = [
        {
            "summary": summary,
            "href": summary.html.relative_to(out_dir).as_posix(),
            "type_label": _TYPE_LABELS.get(summary.type, summary.type),
            "top": sorted(summary.findings, key=lambda f: rank.get(f.severity, 9))[:3],
        }
        for summary in summaries
    ]
    return env.from_string(_INDEX).render(
        workspace=workspace, maps=items, workspace_dir=(out_dir / "workspace").as_posix()
    )
