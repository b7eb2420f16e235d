"""Survey scores onto a map: `journeyline feedback apply` on N responses (issue 15, part 3).

The same 100,000-response survey as bench/bench_feedback.py (a touchpoint column, NPS, CSAT
and CES questions, half written as labels, a comment), applied to a five-step map: read,
detect, link (the touchpoint column suggested and matched to the steps), score per step and
write the metrics and evidence onto a copy of the map. Baseline, in the same run: scoring
the same file per touchpoint (`feedback score --by`, whose target is < 5 s); the ratio says
what linking and writing add. Target: the apply within the same < 5 s.

Run: .venv/bin/python bench/bench_feedback_apply.py [--responses 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_feedback import TOUCHPOINTS, write_survey

from journeyline.feedback import apply_survey, link_survey, read_survey, score_survey_file
from journeyline.formats.limits import ImportLimits, applying
from journeyline.model import JourneyMap, Stage, Step

TARGET_SECONDS = 5.0


def journey() -> JourneyMap:
    """A map whose five steps are the survey's touchpoints."""
    steps = [Step(id=f"s{i}", name=name, emotion=0) for i, name in enumerate(TOUCHPOINTS)]
    return JourneyMap(id="bench", name="Bench", stages=[Stage(id="all", name="All", steps=steps)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.csv"
        write_survey(path, args.responses)
        limits = ImportLimits(cells=args.responses * 6 + 100)
        start = time.perf_counter()
        score_survey_file(path, by="Touchpoint", limits=limits)
        baseline = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        with applying(limits):
            survey = read_survey(path)
            links = link_survey(journey(), survey)
            applied, result = apply_survey(journey(), links)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
    assert links.step_column is not None
    verdict = "ok" if seconds < TARGET_SECONDS else "SLOWER than target"
    print(
        f"feedback apply: {args.responses:,} responses, step column "
        f"'{links.step_column.column}' suggested, {len(result.applied)} scores on "
        f"{len(applied.steps())} steps: {seconds:.2f} s (target < {TARGET_SECONDS:.0f} s: "
        f"{verdict}; CPU {cpu:.2f} s: on a busy machine the wall time is longer than the work); "
        f"feedback score --by Touchpoint on the same file: {baseline:.2f} s; "
        f"ratio apply / score {seconds / baseline:.2f}"
    )


if __name__ == "__main__":
    main()
