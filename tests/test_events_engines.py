"""Both engines give identical answers on the real logs (issue 4, part 6).

Every analysis (reach, transitions, variants, dwell and a funnel: ordered, strict or
unordered, with and without a window, with an either-or step; and `events conformance`
against a map of the funnel's steps) runs through the CLI's
`journeyline events report` with `--engine duckdb` and with `--engine spark` (local[2],
SPARK_LOCAL_IP=127.0.0.1) on each log in ../shared/data/events/, and the two JSON
answers must be equal: the same keys, the same lists in the same order, numbers equal
to 1e-9 (relative). The report reads each log once and makes the same library calls
as the single commands (`events reach`, `events funnel` …), whose JSON it nests.

Spark starts once for the whole module: the Spark engine takes the process's active
session (`SparkSession.builder.getOrCreate()`), so the fixture below starts it and every
CLI call after reuses it. The tests share one xdist group, so one worker starts Spark.
Missing Java or pyspark skips these tests on a developer's machine and fails them in CI.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_EVENTS, require

pytestmark = [pytest.mark.spark, pytest.mark.shared_data, pytest.mark.xdist_group("spark")]

# file -> (preset, funnel steps, window, mode)
LOGS: dict[str, tuple[str, str, str, str]] = {
    "bpic2012.csv.gz": ("xes", "A_SUBMITTED,A_PREACCEPTED,A_ACCEPTED,A_APPROVED", "14d", "ordered"),
    "bpic2012.xes.gz": (
        "xes",
        "A_SUBMITTED,A_PREACCEPTED|A_DECLINED,A_ACCEPTED,A_APPROVED",
        "none",
        "ordered",
    ),
    "helpdesk.csv.gz": (
        "xes",
        "Assign seriousness,Take in charge ticket,Resolve ticket,Closed",
        "14d",
        "strict",
    ),
    "helpdesk.xes.gz": (
        "xes",
        "Assign seriousness,Take in charge ticket,Resolve ticket,Closed",
        "1d",
        "ordered",
    ),
    "ecom_synthetic.csv.gz": (
        "generic",
        "home,product_view,add_to_cart,purchase",
        "1d",
        "unordered",
    ),
}

# The analyses the report holds, compared one by one.
ANALYSES = ["reach", "transitions", "variants", "dwell", "funnel"]


def java_17() -> str | None:
    """What is wrong with the Java runtime, or None when Java 17+ is there."""
    java = shutil.which("java")
    if java is None and os.environ.get("JAVA_HOME"):
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
    if java is None:
        return "no Java runtime (scripts/system-deps.sh installs openjdk-17-jre-headless)"
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    if 'version "17' not in out and 'version "21' not in out:
        return f"Spark needs Java 17, found: {out.splitlines()[0] if out else 'nothing'}"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local Spark session for the module (Spark's own getOrCreate shares it with the CLI)."""
    require(
        importlib.util.find_spec("pyspark") is not None,
        "needs pyspark (pip install -e '.[spark]', or scripts/python-test-deps.sh)",
    )
    problem = java_17()
    require(problem is None, problem or "")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from journeyline.events.engine import SparkEngine

    engine = SparkEngine(master="local[2]")
    yield engine.spark
    engine.close()
    engine.spark.stop()


@functools.cache
def answer(engine: str, file: str) -> dict[str, Any]:
    """`journeyline events report … --engine ENGINE --format json`: every analysis, one read."""
    from typer.testing import CliRunner

    from journeyline.cli import app

    require(SHARED_EVENTS.is_dir(), f"needs the shared event logs at {SHARED_EVENTS}")
    preset, steps, window, mode = LOGS[file]
    args = ["events", "report", str(SHARED_EVENTS / file), "--preset", preset, "--format", "json"]
    args += ["--steps", steps, "--window", window, "--mode", mode, "--engine", engine]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, f"journeyline {' '.join(args)} failed:\n{result.output}"
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def differences(a: Any, b: Any, where: str = "$") -> list[str]:
    """Where two JSON values differ; floats are equal to 1e-9 relative."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}: keys {sorted(set(a) ^ set(b))}"] if set(a) != set(b) else []
        for key in sorted(set(a) & set(b)):
            out += differences(a[key], b[key], f"{where}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items vs {len(b)}"]
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += differences(x, y, f"{where}[{i}]")
        return out
    if isinstance(a, float) or isinstance(b, float):
        numbers = (
            isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool)
        )
        if numbers and math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0):
            return []
        return [f"{where}: {a!r} vs {b!r}"]
    return [] if a == b else [f"{where}: {a!r} vs {b!r}"]


def test_differences_compares_floats_relatively() -> None:
    assert differences({"a": [1.0, 2]}, {"a": [1.0 + 1e-12, 2]}) == []
    assert differences({"a": 1.0}, {"a": 1.001}) == ["$.a: 1.0 vs 1.001"]
    assert differences([1], [1, 2]) == ["$: 1 items vs 2"]


@pytest.mark.parametrize("analysis", ANALYSES)
@pytest.mark.parametrize("file", list(LOGS))
def test_spark_and_duckdb_agree(spark: Any, file: str, analysis: str) -> None:
    duck = answer("duckdb", file)
    sparked = answer("spark", file)
    assert duck[analysis], f"{analysis} on {file} is empty: nothing compared"
    found = differences(duck[analysis], sparked[analysis], f"${analysis}")
    assert not found, f"{analysis} on {file}: {len(found)} differences, first: {found[:5]}"


@functools.cache
def funnel_by_channel(engine: str, mode: str) -> dict[str, Any]:
    """`journeyline events funnel` on ecom_synthetic, broken down by acquisition channel."""
    from typer.testing import CliRunner

    from journeyline.cli import app

    require(SHARED_EVENTS.is_dir(), f"needs the shared event logs at {SHARED_EVENTS}")
    args = ["events", "funnel", str(SHARED_EVENTS / "ecom_synthetic.csv.gz"), "--format", "json"]
    args += ["--steps", "home,product_view,add_to_cart,purchase", "--window", "1d"]
    args += ["--mode", mode, "--breakdown", "acquisition_channel", "--breakdown-limit", "3"]
    result = CliRunner().invoke(app, [*args, "--engine", engine])
    assert result.exit_code == 0, f"journeyline {' '.join(args)} failed:\n{result.output}"
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize("mode", ["ordered", "unordered"])
def test_spark_and_duckdb_agree_on_a_funnel_breakdown(spark: Any, mode: str) -> None:
    duck = funnel_by_channel("duckdb", mode)
    assert duck["breakdown"]["values"][-1] == "Other" and len(duck["breakdown"]["groups"]) == 4
    found = differences(duck, funnel_by_channel("spark", mode))
    assert not found, f"{len(found)} differences, first: {found[:5]}"


@pytest.mark.parametrize("file", list(LOGS))
def test_spark_and_duckdb_describe_the_log_alike(spark: Any, file: str) -> None:
    assert differences(answer("duckdb", file)["log"], answer("spark", file)["log"]) == []


def conformance_map(directory: Path, file: str) -> Path:
    """A map whose steps are the log's funnel steps (one step per funnel step, each
    alternative an exact matcher), in funnel order, plus one step without events."""
    _, steps, _, _ = LOGS[file]
    lines = ["journeyline: 1", "maps:", "  - id: measured", "    name: Measured", "    stages:"]
    lines += ["      - name: All", "        steps:"]
    for step in steps.split(","):
        matchers = ", ".join(json.dumps({"event": name}) for name in step.split("|"))
        lines += [f"          - name: {json.dumps(step)}", f"            events: [{matchers}]"]
    lines += ["          - name: Not observed"]
    path = directory / f"{file}.map.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


@functools.cache
def conformance_answer(engine: str, file: str, map_file: Path) -> dict[str, Any]:
    """`journeyline events conformance MAP LOG --engine ENGINE --format json`."""
    from typer.testing import CliRunner

    from journeyline.cli import app

    require(SHARED_EVENTS.is_dir(), f"needs the shared event logs at {SHARED_EVENTS}")
    preset = LOGS[file][0]
    args = ["events", "conformance", str(map_file), str(SHARED_EVENTS / file)]
    args += ["--preset", preset, "--format", "json", "--engine", engine]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, f"journeyline {' '.join(args)} failed:\n{result.output}"
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize("file", list(LOGS))
def test_spark_and_duckdb_agree_on_conformance(spark: Any, file: str, tmp_path: Path) -> None:
    map_file = conformance_map(tmp_path, file)
    duck = conformance_answer("duckdb", file, map_file)
    assert duck["units"] > 0 and duck["deviations"], f"conformance on {file}: nothing compared"
    assert duck["steps_without_events"] == ["Not observed"]
    found = differences(duck, conformance_answer("spark", file, map_file))
    assert not found, f"conformance on {file}: {len(found)} differences, first: {found[:5]}"
