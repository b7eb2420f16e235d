"""Scoring survey responses: `journeyline feedback score` on N responses (issue 15).

Target, on a 2-core machine, one run: 100,000 responses (a touchpoint column, an NPS, a CSAT
and a CES question, half of them written as labels, and a free-text comment) read from CSV,
every question's kind detected and scored overall and per touchpoint, in < 5 s. The survey
is generated in a temporary folder; the read and the scoring are timed together, once.

Run: .venv/bin/python bench/bench_feedback.py [--responses 100000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from journeyline.feedback import score_survey_file
from journeyline.formats.limits import ImportLimits

TARGET_SECONDS = 5.0
NPS_LABELS = {0: "0 - Not at all likely", 10: "10 - Extremely likely"}
CSAT_LABELS = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
TOUCHPOINTS = ["Sign up", "Onboarding", "Checkout", "Delivery", "Support"]


def write_survey(path: Path, responses: int) -> None:
    """A Google Forms-shaped export of `responses` rows, generated with a fixed seed."""
    rng = random.Random(15)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "Timestamp,Touchpoint,How likely are you to recommend us?,"
            "How satisfied are you?,How easy was it?,Anything else?\n"
        )
        for i in range(responses):
            nps = rng.randint(0, 10)
            csat = rng.randint(1, 5)
            nps_text = NPS_LABELS.get(nps, str(nps)) if i % 2 else str(nps)
            csat_text = CSAT_LABELS[csat - 1] if i % 2 else str(csat)
            comment = "" if i % 3 else f"comment {i}"
            out.write(
                f"2024-01-01 10:00:00,{TOUCHPOINTS[i % 5]},{nps_text},{csat_text},"
                f"{rng.randint(1, 7)},{comment}\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.csv"
        write_survey(path, args.responses)
        limits = ImportLimits(cells=args.responses * 6 + 100)
        start = time.perf_counter()
        result = score_survey_file(path, by="Touchpoint", limits=limits)
        seconds = time.perf_counter() - start
    scored = ", ".join(
        f"{q.metric} {q.overall.score:.2f}" for q in result.questions if q.overall.score is not None
    )
    verdict = "ok" if seconds < TARGET_SECONDS else "SLOWER than target"
    print(
        f"feedback score: {args.responses:,} responses, {len(result.questions)} questions "
        f"({scored}), per touchpoint: {seconds:.2f} s (target < {TARGET_SECONDS:.0f} s: {verdict})"
    )


if __name__ == "__main__":
    main()
