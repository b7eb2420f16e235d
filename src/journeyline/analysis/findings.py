"""What an analysis reports: a finding, its kind, its severity and where in the map it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["info", "low", "medium", "high"]
"""How much a finding matters, from least to most."""

SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high")
"""Severities in rising order; `--fail-on` compares against this order."""

KINDS: tuple[str, ...] = (
    "rapid_drop",
    "sawtooth",
    "trough",
    "peak",
    "pain_hotspot",
    "abandonment_risk",
    "gap",
    "duplicate_step",
    "long_stage",
    "branch_sprawl",
    "unsupported",
    "negative_moment_of_truth",
    "sentiment_mismatch",
    "weak_evidence",
    "missing_owner",
    "stale",
    "missing_channel",
    "ignored_setting",
)
"""Every kind of finding the built-in analyses report."""


def severity_rank(severity: str) -> int:
    """Position of a severity in SEVERITIES (info 0 … high 3)."""
    return SEVERITIES.index(severity)  # type: ignore[arg-type,unused-ignore]


def at_least(severity: str, threshold: str) -> bool:
    """True when `severity` is `threshold` or more severe."""
    return severity_rank(severity) >= severity_rank(threshold)


@dataclass(frozen=True)
class Finding:
    """One thing the practice asks a team to look at, where it is in the map, and what to try."""

    kind: str
    severity: Severity
    stage: str | None
    step: str | None
    message: str
    suggestion: str
    stage_id: str | None = None
    step_id: str | None = None
    persona: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """JSON form: kind, severity, stage, step, message, suggestion, then the extra fields."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "stage": self.stage,
            "step": self.step,
            "message": self.message,
            "suggestion": self.suggestion,
            "stage_id": self.stage_id,
            "step_id": self.step_id,
            "persona": self.persona,
        }
