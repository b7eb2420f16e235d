"""Every `events` subcommand on every real log in ../shared/data/events/, through DuckDB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.formats import load_workspace

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "events"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not SHARED.is_dir(), reason=f"needs the shared event logs in {SHARED}"),
]

# file: options, a four-step funnel, a conversion event, the funnel's window
LOGS = {
    "bpic2012.csv.gz": (
        ["--preset", "xes"],
        "A_SUBMITTED,A_PREACCEPTED,A_ACCEPTED,A_APPROVED",
        "A_APPROVED",
        "14d",
    ),
    # tickets close about 30 days after they are resolved
    "helpdesk.xes.gz": (
        [],
        "Assign seriousness,Take in charge ticket,Resolve ticket,Closed",
        "Closed",
        "60d",
    ),
    "ecom_synthetic.csv.gz": (
        ["--channel-col", "acquisition_channel"],
        "catalog,product_view,add_to_cart,purchase",
        "purchase",
        "14d",
    ),
}
EXPECTED_UNITS = {"bpic2012.csv.gz": 13087, "helpdesk.xes.gz": 4580, "ecom_synthetic.csv.gz": 600}


def events(*args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, ["events", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("name", list(LOGS))
def test_every_subcommand_on_every_log(name: str, tmp_path: Path) -> None:
    opts, steps, conversion, window = LOGS[name]
    path = str(SHARED / name)
    reach = events("reach", path, *opts)
    assert reach["log"]["units"] == EXPECTED_UNITS[name]
    assert sum(e["events"] for e in reach["events"]) == reach["log"]["events"]
    transitions = events("transitions", path, *opts)
    starts = sum(t["count"] for t in transitions["transitions"] if t["from"] == "[start]")
    assert starts == EXPECTED_UNITS[name]
    variants = events("variants", path, *opts, "--collapse")
    assert sum(v["units"] for v in variants["variants"]) == EXPECTED_UNITS[name]
    funnel = events("funnel", path, *opts, "--steps", steps, "--window", window)
    counts = [s["count"] for s in funnel["steps"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1] > 0
    assert events("dwell", path, *opts)["events"]
    assert events("loops", path, *opts)["events"]
    attribution = events("attribution", path, *opts, "--conversion", conversion)
    assert attribution["conversions"] > 0
    assert (
        abs(sum(c["linear"] for c in attribution["touchpoints"]) - attribution["attributed"]) < 1e-3
    )
    draft = tmp_path / "draft.yaml"
    discovered = events("discover", path, *opts, "-o", str(draft))
    assert discovered["stages"]
    overlay = events("overlay", str(draft), path, *opts, "-o", str(tmp_path / "measured.yaml"))
    assert overlay["steps"] and all(s["units"] > 0 for s in overlay["steps"])
    assert (
        load_workspace(tmp_path / "measured.yaml").workspace.maps[0].stages[0].measured is not None
    )


def test_bpic_funnel_figures() -> None:
    data = events(
        "funnel",
        str(SHARED / "bpic2012.csv.gz"),
        "--preset",
        "xes",
        "--steps",
        "A_SUBMITTED,A_PREACCEPTED,A_ACCEPTED|A_DECLINED,A_APPROVED",
        "--window",
        "14d",
    )
    assert [s["count"] for s in data["steps"]] == [13087, 7367, 6151, 1086]


def test_breakdown_on_ecommerce_channels() -> None:
    data = events("breakdown", str(SHARED / "ecom_synthetic.csv.gz"), "--by", "platform")
    for row in data["events"]:
        assert abs(sum(v["share"] for v in row["values"].values()) - 1) < 1e-9
