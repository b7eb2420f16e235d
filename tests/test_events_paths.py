"""The paths view (`events paths`): a known answer, a plain-Python recount on the real logs,
the SVG Sankey, and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import itertools
import json
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyline import events as an
from journeyline.cli import app
from journeyline.errors import InvalidInput
from journeyline.events.metrics import END, OTHER, START
from tests.conftest import SHARED_EVENTS, require
from tests.events_support import journeys, loaded

runner = CliRunner()

PATHS = {
    "u1": [("home", 0), ("search", 1), ("search", 2), ("product", 4), ("cart", 10), ("buy", 12)],
    "u2": [("home", 0), ("product", 3), ("cart", 4), ("home", 200), ("cart", 201)],
    "u3": [("home", 0), ("search", 2), ("product", 5), ("help", 5), ("product", 7)],
    "u4": [("promo", 0), ("home", 1), ("help", 2)],
}


def recount(
    sequences: dict[str, list[str]],
    anchor: set[str],
    label: str,
    depth: int,
    top: int,
    collapse: bool = False,
) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str, str], int], int]:
    """The paths view computed directly from each unit's event names, one unit at a time."""
    windows: list[list[tuple[int, str | None]]] = []
    for events in sequences.values():
        if collapse:
            events = [e for i, e in enumerate(events) if i == 0 or events[i - 1] != e]
        first = next((i for i, e in enumerate(events) if e in anchor), None)
        if first is None:
            continue
        window: list[tuple[int, str | None]] = []
        if first + 1 <= depth:
            window.append((-first - 1, START))
        for j in range(max(0, first - depth), min(len(events), first + depth + 1)):
            window.append((j - first, events[j]))
        if len(events) - first <= depth:
            window.append((len(events) - first, END))
        windows.append(window)
    at: dict[int, Counter[str]] = defaultdict(Counter)
    for window in windows:
        for pos, name in window:
            if name not in (START, END) and pos != 0:
                at[pos][name] += 1  # type: ignore[index]
    kept = {
        pos: {n for n, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:top]}
        for pos, c in at.items()
    }

    def name_at(pos: int, name: str | None) -> str:
        if pos == 0:
            return label
        if name in (START, END):
            return str(name)
        return str(name) if name in kept[pos] else OTHER

    nodes: Counter[tuple[int, str]] = Counter()
    links: Counter[tuple[int, str, str]] = Counter()
    for window in windows:
        named = [(pos, name_at(pos, name)) for pos, name in window]
        for pos, name in named:
            nodes[pos, name] += 1
        for (pos, a), (_, b) in itertools.pairwise(named):
            links[pos, a, b] += 1
    return dict(nodes), dict(links), len(windows)


def as_counts(
    data: dict[str, object],
) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str, str], int]]:
    nodes = {n["id"]: n for n in data["nodes"]}  # type: ignore[attr-defined]
    node_counts = {(n["position"], n["name"]): n["units"] for n in nodes.values()}
    link_counts = {
        (nodes[k["source"]]["position"], nodes[k["source"]]["name"], nodes[k["target"]]["name"]): k[
            "units"
        ]
        for k in data["links"]  # type: ignore[attr-defined]
    }
    return node_counts, link_counts


def test_known_answer_with_other_start_and_end(tmp_path: Path) -> None:
    path = journeys(tmp_path / "e.csv", PATHS)
    with loaded(path) as log:
        data = an.paths(log, an.parse_anchor("product"), depth=2, top=2).to_dict()
    assert (data["units"], data["share"]) == (3, 0.75)  # u4 never sees a product
    nodes, links = as_counts(data)
    assert nodes == {
        (-2, "home"): 1,
        (-2, "search"): 1,
        (-2, START): 1,  # u2's journey begins one event before the product
        (-1, "search"): 2,
        (-1, "home"): 1,
        (0, "product"): 3,
        (1, "cart"): 2,
        (1, "help"): 1,
        (2, "buy"): 1,
        (2, "home"): 1,
        (2, OTHER): 1,  # u3's second product: buy, home and product tie, two are named
    }
    assert links[(-1, "search", "product")] == 2
    assert links[(1, "help", OTHER)] == 1
    assert sum(n for (pos, _), n in nodes.items() if pos == 0) == 3
    # Nodes are listed by position, named events first, by units.
    assert [n["position"] for n in data["nodes"]] == sorted(n["position"] for n in data["nodes"])


def test_end_and_collapse(tmp_path: Path) -> None:
    path = journeys(tmp_path / "e.csv", PATHS)
    with loaded(path) as log:
        data = an.paths(log, an.parse_anchor("cart"), depth=3, top=5, collapse=True).to_dict()
    nodes, links = as_counts(data)
    assert data["collapsed"] is True
    # u1: …product, cart, buy, [end]; u2: home, product, cart, home, cart, [end] (first cart)
    assert nodes[(2, END)] == 1 and nodes[(3, END)] == 1
    assert links[(1, "buy", END)] == 1
    assert nodes[(-3, START)] == 1  # u2 has two events before its first cart
    expected_nodes, expected_links, units = recount(
        {u: [e for e, _ in s] for u, s in PATHS.items()}, {"cart"}, "cart", 3, 5, collapse=True
    )
    assert (nodes, links, data["units"]) == (expected_nodes, expected_links, units)


def test_anchor_alternatives_and_property_filter(tmp_path: Path) -> None:
    path = journeys(tmp_path / "e.csv", PATHS, channel={"u1": "web", "u2": "app", "u3": "web"})
    with loaded(path, an.LogSpec(props=("channel",))) as log:
        either = an.paths(log, an.parse_anchor("cart|help"), depth=1, top=3).to_dict()
        web_only = an.paths(log, an.parse_anchor("cart[channel=web]"), depth=1).to_dict()
    assert either["units"] == 4 and either["anchor"] == "cart|help"
    assert web_only["units"] == 1  # u1 is the only web user with a cart


def read_sequences(path: Path, unit: str, event: str, time: str) -> dict[str, list[str]]:
    """Each unit's events ordered by time, then file order, read with the csv module."""
    rows: dict[str, list[tuple[dt.datetime, int, str]]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            when = dt.datetime.fromisoformat(row[time])
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.UTC)
            rows[row[unit]].append((when, i, row[event]))
    return {u: [e for _, _, e in sorted(r)] for u, r in rows.items()}


REAL = [
    ("helpdesk.csv.gz", an.LogSpec(preset="xes"), "case:concept:name", "concept:name", "time:timestamp", "Resolve ticket"),
    ("bpic2012.csv.gz", an.LogSpec(preset="xes"), "case:concept:name", "concept:name", "time:timestamp", "W_Completeren aanvraag"),
    ("ecom_synthetic.csv.gz", an.LogSpec(unit_kind=an.UnitKind.user), "user_id", "event", "timestamp", "cart"),
]  # fmt: skip


@pytest.mark.shared_data
@pytest.mark.parametrize(("name", "spec", "unit", "event", "time", "anchor"), REAL)
@pytest.mark.parametrize("collapse", [False, True])
def test_recount_on_a_real_log_agrees(
    name: str, spec: an.LogSpec, unit: str, event: str, time: str, anchor: str, collapse: bool
) -> None:
    path = SHARED_EVENTS / name
    require(path.is_file(), f"needs the shared event logs at {SHARED_EVENTS}")
    with an.open_log(path, spec) as log:
        data = an.paths(log, an.parse_anchor(anchor), depth=3, top=4, collapse=collapse).to_dict()
    sequences = read_sequences(path, unit, event, time)
    nodes, links, units = recount(sequences, {anchor}, anchor, 3, 4, collapse=collapse)
    got_nodes, got_links = as_counts(data)
    assert data["units"] == units > 100
    assert got_nodes == nodes
    assert got_links == links
    assert any(n == OTHER for _, n in nodes)


def test_cli_json_svg_and_text(tmp_path: Path) -> None:
    odd = {**PATHS, "u5": [("<b>&amp;", 0), ("product", 1)]}
    path = journeys(tmp_path / "e.csv", odd)
    out = runner.invoke(app, ["events", "paths", str(path), "--around", "product", "-f", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["units"] == 4 and data["depth"] == 3 and data["top"] == 5
    svg = runner.invoke(app, ["events", "paths", str(path), "--around", "product", "-f", "svg"])
    assert svg.exit_code == 0, svg.output
    root = ET.fromstring(svg.output)  # well-formed: the odd name is escaped
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    labels = [t.text for t in root.iter(f"{ns}text")]
    assert "<b>&amp; (1)" in labels
    assert len(
        [g for g in root.iter(f"{ns}g") if g.get("id", "").startswith("jl-paths-node-")]
    ) == len(data["nodes"])
    assert len(list(root.iter(f"{ns}path"))) == len(data["links"])
    assert "<b>" not in svg.output
    text = runner.invoke(app, ["events", "paths", str(path), "--around", "product"])
    assert text.exit_code == 0 and "4 users (80.0%) do product" in text.output


def test_bad_input_says_what(tmp_path: Path) -> None:
    path = journeys(tmp_path / "e.csv", PATHS)
    with loaded(path) as log:
        with pytest.raises(InvalidInput, match="depth of a paths view is 1"):
            an.paths(log, an.parse_anchor("home"), depth=11)
        with pytest.raises(InvalidInput, match="events named per position"):
            an.paths(log, an.parse_anchor("home"), top=0)
        with pytest.raises(InvalidInput, match="not read from the log"):
            an.paths(log, an.parse_anchor("home[plan=pro]"))
    with pytest.raises(InvalidInput, match="needs an anchor"):
        an.parse_anchor("  ")
    out = runner.invoke(app, ["events", "paths", str(path), "--around", "home", "--depth", "99"])
    assert out.exit_code != 0 and "--depth" in out.output
