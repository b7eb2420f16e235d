"""Bench the file format: load + validate a 2,000-step map, and a 500-map workspace folder.

Run: .venv/bin/python bench/bench_core.py
Prints each figure, its target and the ratio figure / target (below 1.0 meets it).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from journeyline.formats import load_workspace, save_workspace
from journeyline.model import JourneyMap, PainPoint, Persona, Stage, Step, Workspace

STEP_TARGET = 0.5
FOLDER_TARGET = 5.0


def make_map(name: str, stages: int, steps_per_stage: int, rng: random.Random) -> JourneyMap:
    """A map with realistic text on every step and a pain point on every tenth step."""
    journey = JourneyMap(
        id=name,
        name=f"Journey {name}",
        personas=["priya"],
        stages=[
            Stage(
                id=f"s{s}",
                name=f"Stage {s}",
                goal="Get the job done quickly",
                steps=[
                    Step(
                        id=f"s{s}-t{t}",
                        name=f"Step {s}.{t}",
                        touchpoint="Checkout page",
                        channel=rng.choice(["web", "email", "phone", "in_store"]),
                        does="Fills in the form and presses continue",
                        thinks="Is this safe? Why so many fields?",
                        feels="Impatient",
                        emotion=rng.randint(-5, 5),
                        description="A longer description of what happens here.\nOn two lines.",
                    )
                    for t in range(steps_per_stage)
                ],
            )
            for s in range(stages)
        ],
    )
    step_ids = [step.id for step in journey.steps()]
    journey.pain_points = [
        PainPoint(id=f"p{i}", name=f"Pain {i}", step=step_id)
        for i, step_id in enumerate(step_ids[::10])
    ]
    return journey


def timed(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(label: str, seconds: float, target: float) -> None:
    print(f"{label:<52} {seconds:8.3f} s   target {target:5.2f} s   ratio {seconds / target:5.2f}")


def main() -> None:
    rng = random.Random(7)
    persona = Persona(id="priya", name="Priya")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        big = Workspace(personas=[persona], maps=[make_map("big", 20, 100, rng)])
        yaml_file, json_file = root / "big.yaml", root / "big.json"
        save_workspace(big, yaml_file)
        save_workspace(big, json_file)
        print(
            f"2,000-step map: {yaml_file.stat().st_size / 1e6:.2f} MB YAML, {json_file.stat().st_size / 1e6:.2f} MB JSON"
        )
        yaml_time = timed(lambda: load_workspace(yaml_file), 5)
        json_time = timed(lambda: load_workspace(json_file), 5)
        report("load + validate 2,000-step map (YAML)", yaml_time, STEP_TARGET)
        report("load + validate 2,000-step map (JSON)", json_time, STEP_TARGET)
        try:
            from journeyline.analysis import analyze_map
        except ImportError:
            analyze_map = None
        if analyze_map is not None:

            def load_and_analyze() -> None:
                loaded = load_workspace(yaml_file)
                analyze_map(loaded.workspace.maps[0], loaded.workspace)

            analysis_only = timed(lambda: analyze_map(big.maps[0], big), 5)
            report("analyze_map alone", analysis_only, STEP_TARGET)
            report(
                "load + validate + analyze 2,000-step map (YAML)",
                timed(load_and_analyze, 5),
                STEP_TARGET,
            )

        folder = root / "workspace"
        many = Workspace(
            name="Many",
            personas=[persona],
            maps=[make_map(f"m{i:03}", 4, 5, rng) for i in range(500)],
        )
        save_seconds = timed(lambda: save_workspace(many, folder), 1)
        files = sum(1 for _ in folder.rglob("*.yaml"))
        print(f"500-map folder: {files} files")
        report("load 500-map folder", timed(lambda: load_workspace(folder), 3), FOLDER_TARGET)
        many.maps[0].name = "Renamed"
        report("save 500-map folder (first write)", save_seconds, FOLDER_TARGET)
        report(
            "save 500-map folder again, one map changed",
            timed(lambda: save_workspace(many, folder), 1),
            FOLDER_TARGET,
        )


if __name__ == "__main__":
    main()
