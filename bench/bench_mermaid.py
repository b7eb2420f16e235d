"""Time the Mermaid journey import on a 1,000-task diagram (target: under 0.2 s).

Run: .venv/bin/python bench/bench_mermaid.py
"""

from __future__ import annotations

import random
import statistics
import time

from journeyline.formats.mermaid import parse_mermaid, to_mermaid

TASKS = 1_000
TARGET_SECONDS = 0.2
ROUNDS = 7


def diagram(tasks: int, seed: int = 7) -> str:
    """A realistic diagram: 50 sections, tasks with scores and 1–3 actors, some comments."""
    rnd = random.Random(seed)
    actors = ["Customer", "Agent", "Priya", "顧客", "Support team", "Billing", "Zoë 🚀"]
    lines = ["%% benchmark diagram", "journey", "    title Benchmark journey"]
    for i in range(tasks):
        if i % 20 == 0:
            lines.append(f"    section Stage {i // 20 + 1}")
        who = ", ".join(rnd.sample(actors, rnd.randint(1, 3)))
        comment = "  %% note" if i % 10 == 0 else ""
        lines.append(f"        Task number {i} does something: {rnd.randint(1, 5)}: {who}{comment}")
    return "\n".join(lines) + "\n"


def main() -> None:
    text = diagram(TASKS)
    loaded = parse_mermaid(text)
    assert len(loaded.workspace.maps[0].steps()) == TASKS and not loaded.warnings
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        parse_mermaid(text)
        timings.append(time.perf_counter() - start)
    best, median = min(timings), statistics.median(timings)
    start = time.perf_counter()
    to_mermaid(loaded.workspace)
    export = time.perf_counter() - start
    print(f"Mermaid import, {TASKS} tasks ({len(text):,} bytes), {ROUNDS} rounds")
    print(f"  best   {best:.4f} s  ({best / TARGET_SECONDS:.2f} of the {TARGET_SECONDS} s target)")
    print(f"  median {median:.4f} s  ({median / TARGET_SECONDS:.2f} of the target)")
    print(f"  export {export:.4f} s")
    print("  OK" if median < TARGET_SECONDS else "  SLOWER THAN TARGET")


if __name__ == "__main__":
    main()
