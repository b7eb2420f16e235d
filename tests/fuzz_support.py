"""The contract fuzz: schemathesis over every operation of the API, in process, as an owner.

Used by tests/test_api_fuzz.py (a bounded run in `make test`) and bench/bench_fuzz.py (the
long run). Every operation of the app's OpenAPI document gets generated requests, valid
(positive) and invalid (negative) ones, sent through the ASGI app with the owner's API
token; path parameters point at the real workspace, map and elements most of the time so
that requests reach the code behind the 404s. Each response is checked for a server error
and against what the document declares: its status, its content type and its schema.
Failures are collected, not raised at the first, so one run reports them all.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import hypothesis.errors
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_support import World

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
"""What every response is held to: no 5xx, and what the OpenAPI document says it answers."""


@dataclass
class Failure:
    """One response that broke a check."""

    operation: str
    status: int
    check: str
    request: str


@dataclass
class FuzzReport:
    """What a run sent and what came back."""

    cases: int = 0
    operations: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    unsatisfiable: list[str] = field(default_factory=list)
    seconds_by_operation: Counter[str] = field(default_factory=Counter)

    @property
    def server_errors(self) -> int:
        """Responses with a 5xx status."""
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> str:
        """One paragraph for a test's assertion message or the bench's output."""
        lines = [
            f"{self.cases} cases over {self.operations} operations in {self.seconds:.1f} s; "
            f"statuses {dict(sorted(self.statuses.items()))}; "
            f"{self.server_errors} server errors; {len(self.failures)} failures"
        ]
        seen: set[tuple[str, str, int]] = set()
        for failure in self.failures:
            key = (failure.operation, failure.check, failure.status)
            if key not in seen:
                seen.add(key)
                lines.append(
                    f"  {failure.operation}: {failure.status} {failure.check}: {failure.request}"
                )
        return "\n".join(lines[:60])


def real_ids(world: World) -> dict[str, list[str]]:
    """Ids that exist in the world, by path parameter name, for requests that get past 404."""
    owner = world.client("owner")
    maps_path = f"/api/workspaces/{world.workspace}/maps"
    map_ids = [m["id"] for m in owner.get(maps_path).json()]
    elements: list[str] = []
    for map_id in map_ids:
        body = owner.get(f"{maps_path}/{map_id}").json()["map"]
        elements += [stage["id"] for stage in body["stages"]]
        elements += [step["id"] for stage in body["stages"] for step in stage["steps"]]
        for kind in ("pain_points", "opportunities", "evidence"):
            elements += [item["id"] for item in body.get(kind, [])]
    workspace = owner.get(f"/api/workspaces/{world.workspace}").json()
    for kind in ("segments", "personas", "lanes", "evidence"):
        listed = owner.get(f"/api/workspaces/{world.workspace}/{kind}")
        if listed.status_code == 200:
            data = listed.json()
            items = data.get("items", data) if isinstance(data, dict) else data
            elements += [item["id"] for item in items if isinstance(item, dict) and "id" in item]
    members = [m.get("account_id") for m in workspace.get("members", []) if isinstance(m, dict)]
    return {
        "workspace_id": [world.workspace],
        "map_id": map_ids,
        "element_id": elements,
        "target": elements,
        "number": ["1"],
        "account_id": [m for m in members if m] or [world.actors["editor"].account_id],
        "fmt": ["svg", "png", "pdf"],
    }


def fuzz(
    world: World,
    *,
    max_examples: int,
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    seed: int = 0,
    shard: tuple[int, int] = (0, 1),
    progress: Callable[[FuzzReport, str], None] | None = None,
    max_cases: int | None = None,
) -> FuzzReport:
    """Run the fuzz over every operation, `max_examples` generated cases per operation and mode.

    `shard` (index, count) takes every count-th operation from the index-th, so that test
    workers can share the operations. With `max_cases`, the run stops after the operation
    that reaches it (a time budget for long runs).
    """
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    ids = real_ids(world)
    token = world.tokens["owner"]
    report = FuzzReport()
    started = time.perf_counter()
    every = sorted((result.ok() for result in schema.get_all_operations()), key=_label)
    index, count = shard
    operations = every[index::count]
    report.operations = len(operations)
    for operation in operations:
        for mode in modes:
            begun = time.perf_counter()
            _fuzz_operation(operation, mode, ids, token, max_examples, seed, report)
            report.seconds_by_operation[operation.label] += time.perf_counter() - begun
        if progress is not None:
            report.seconds = time.perf_counter() - started
            progress(report, operation.label)
        if max_cases is not None and report.cases >= max_cases:
            break
    report.seconds = time.perf_counter() - started
    return report


def _fuzz_operation(
    operation: Any,
    mode: GenerationMode,
    ids: dict[str, list[str]],
    token: str,
    max_examples: int,
    seed: int,
    report: FuzzReport,
) -> None:
    strategy = operation.as_strategy(generation_mode=mode)

    @hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: failures are collected
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @hypothesis.seed(seed)
    @hypothesis.given(case=strategy, pick=st.integers(min_value=0, max_value=3))
    def run(case: Any, pick: int) -> None:
        if pick and case.path_parameters:
            # Three times in four, the ids that exist: past the 404, into the code.
            for name, choices in ids.items():
                if name in case.path_parameters and choices:
                    case.path_parameters[name] = choices[pick % len(choices)]
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        report.cases += 1
        report.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # a group of check failures
            checks = ", ".join(
                sorted({type(f).__name__ for f in getattr(error, "exceptions", [error])})
            )
            report.failures.append(
                Failure(
                    operation.label,
                    response.status_code,
                    checks,
                    f"{case.method} {case.formatted_path} query={case.query!r} "
                    f"body={_short(case.body)} → {_short(response.text)}",
                )
            )

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        # Nothing to make invalid (an operation without parameters or body): no negative cases.
        report.unsatisfiable.append(f"{operation.label} ({mode.value})")


def _label(operation: Any) -> str:
    return str(operation.label)


def _short(body: Any) -> str:
    text = body if isinstance(body, str) else repr(body)
    text = text.replace("\n", " ")
    return text if len(text) < 200 else text[:200] + "…"
