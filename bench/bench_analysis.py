"""Benchmark: validate and analyse a 2,000-step map (25 stages), against a 0.5 s target.

Run: .venv/bin/python bench/bench_analysis.py [--steps 2000] [--stages 25] [--repeat 5]

Times (best of --repeat): model validation of the map as plain data, check_integrity,
loading it from a YAML file with journeyline.formats.load_workspace (when available),
and analyze_map. The target applies to validate + analyse; the file load is reported
beside it.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from journeyline.analysis import analyze_map, rank_opportunities
from journeyline.model import Workspace, assign_ids, check_integrity

TARGET_SECONDS = 0.5

VERBS = (
    "Open",
    "Compare",
    "Check",
    "Ask about",
    "Fill in",
    "Confirm",
    "Read",
    "Upload",
    "Share",
    "Pay for",
)
OBJECTS = (
    "the pricing page",
    "a quote",
    "the invoice",
    "delivery options",
    "the contract",
    "the dashboard",
    "a support ticket",
    "the onboarding checklist",
    "team permissions",
    "the renewal offer",
)
TOUCHPOINTS = (
    "Home page",
    "Checkout",
    "Support chat",
    "Receipt email",
    "Account settings",
    "Sales call",
    "Help centre article",
    "Mobile app home",
    "Store counter",
    "Invoice PDF",
)
CHANNELS = ("web", "mobile_app", "email", "phone", "chat", "in_store", "face_to_face", None)
TEAMS = ("Web team", "Billing", "Support", "Sales", "Onboarding", "Platform", "Marketing", "Legal")
STAGE_NAMES = (
    "Awareness",
    "Research",
    "Evaluate",
    "Purchase",
    "Onboarding",
    "Adoption",
    "Support",
    "Renewal",
    "Advocacy",
    "Expansion",
)


def build_document(steps: int, stages: int, seed: int = 7) -> dict[str, Any]:
    """A realistic workspace as plain data (what a YAML file holds)."""
    rng = random.Random(seed)
    per_stage = steps // stages
    stage_docs: list[dict[str, Any]] = []
    step_ids: list[str] = []
    pains: list[dict[str, Any]] = []
    emotion = 0
    for s in range(stages):
        stage_steps: list[dict[str, Any]] = []
        for t in range(per_stage):
            sid = f"s{s}-t{t}"
            emotion = max(-5, min(5, emotion + rng.choice((-3, -1, 0, 0, 1, 1, 2))))
            step: dict[str, Any] = {
                "id": sid,
                "name": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}",
                "touchpoint": rng.choice(TOUCHPOINTS),
                "does": "Clicks through, reads the fine print and compares with last year.",
                "thinks": "Is this going to cost more than they said?",
                "feels": rng.choice(("curious", "uneasy", "relieved", "annoyed", "confident")),
                "emotion": emotion,
                "actors": rng.sample(TEAMS, 2),
            }
            channel = rng.choice(CHANNELS)
            if channel:
                step["channel"] = channel
            if rng.random() < 0.08:
                step["zone"] = "backstage"
            if rng.random() < 0.03:
                step["moment_of_truth"] = True
            if step_ids and rng.random() < 0.02:
                step["kind"] = "decision"
                step["branches"] = [
                    {"label": "Go on"},
                    {"label": "Go back", "to": rng.choice(step_ids)},
                ]
            if rng.random() < 0.15:
                pains.append(
                    {
                        "id": f"pain-{sid}",
                        "name": f"Friction at {step['name'].lower()}",
                        "step": sid,
                        "impact": rng.choice(("trivial", "workaround", "workaround", "abandon")),
                        "reach": round(rng.random(), 2),
                    }
                )
            step_ids.append(sid)
            stage_steps.append(step)
        stage_docs.append(
            {
                "id": f"stage-{s}",
                "name": f"{STAGE_NAMES[s % len(STAGE_NAMES)]} {s // len(STAGE_NAMES) + 1}",
                "goal": "Get what they came for without calling anyone",
                "duration": "2–3 days",
                "steps": stage_steps,
            }
        )
    opportunities = [
        {
            "id": f"opp-{n}",
            "name": f"Make {pains[n]['name'].lower()} go away",
            "pain_points": [pains[n]["id"]],
            "steps": [pains[n]["step"]],
            "votes": rng.randint(0, 9),
            "owner": rng.choice(TEAMS) if rng.random() < 0.8 else None,
            "effort": rng.choice(("xs", "s", "m", "l", "xl")),
            "status": rng.choice(("idea", "idea", "planned", "in_progress", "done")),
        }
        for n in range(0, len(pains), 3)
    ]
    evidence = [
        {
            "id": f"ev-{n}",
            "name": f"Interview {n}",
            "kind": "interview",
            "quote": "I had no idea what it would cost until the very end.",
            "links": [f"stage-{n % stages}", *(p["id"] for p in pains[n::50])],
        }
        for n in range(50)
    ]
    journey = {
        "id": "big",
        "name": "Big journey",
        "owner": "CX team",
        "review_date": "2030-01-01",
        "stages": stage_docs,
        "pain_points": pains,
        "opportunities": opportunities,
        "evidence": evidence,
    }
    return {"name": "Bench", "maps": [journey]}


def best_of(repeat: int, action: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--stages", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    document = build_document(args.steps, args.stages)
    t_model, workspace = best_of(
        args.repeat, lambda: assign_ids(Workspace.model_validate(document))
    )
    t_integrity, problems = best_of(args.repeat, lambda: check_integrity(workspace))
    errors = [p for p in problems if p.severity == "error"]
    assert not errors, errors[:3]
    journey = workspace.maps[0]
    t_analyze, findings = best_of(args.repeat, lambda: analyze_map(journey, workspace))
    t_rank, ranked = best_of(args.repeat, lambda: rank_opportunities(journey))

    t_load: float | None = None
    try:
        from journeyline.formats import load_workspace, save_workspace
    except ImportError:
        load_workspace = None  # type: ignore[assignment]
    if load_workspace is not None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "big.yaml"
            save_workspace(workspace, path)
            t_load, _ = best_of(args.repeat, lambda: load_workspace(path))

    steps = sum(len(s.steps) for s in journey.stages)
    print(
        f"map: {steps} steps in {len(journey.stages)} stages, {len(journey.pain_points)} pain points, "
        f"{len(journey.opportunities)} opportunities, {len(journey.evidence)} pieces of evidence"
    )
    print(f"model validation      {t_model * 1000:8.1f} ms")
    print(f"check_integrity       {t_integrity * 1000:8.1f} ms")
    print(f"analyze_map           {t_analyze * 1000:8.1f} ms  ({len(findings)} findings)")
    print(f"rank_opportunities    {t_rank * 1000:8.1f} ms  ({len(ranked)} ranked)")
    total = t_model + t_integrity + t_analyze
    print(
        f"validate + analyse    {total * 1000:8.1f} ms  = {total / TARGET_SECONDS:.2f} × the "
        f"{TARGET_SECONDS * 1000:.0f} ms target ({'OK' if total < TARGET_SECONDS else 'TOO SLOW'})"
    )
    if t_load is not None:
        with_load = t_load + t_analyze
        print(f"load_workspace (YAML) {t_load * 1000:8.1f} ms")
        print(
            f"load YAML + analyse   {with_load * 1000:8.1f} ms  = {with_load / TARGET_SECONDS:.2f} × target "
            f"({'OK' if with_load < TARGET_SECONDS else 'TOO SLOW'})"
        )


if __name__ == "__main__":
    main()
