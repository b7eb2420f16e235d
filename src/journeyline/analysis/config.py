"""Analysis settings: every threshold with its default, overridable per workspace and per run.

A setting is named `section.name`, e.g. `rapid_drop.min_drop`. Precedence, weakest first:
the defaults below < the workspace's `analysis:` block < `--set key=value` on the command
line. Sentiment thresholds are on the normalised scale -1 … +1 (neutral 0), so one value
holds for a -5 … +5 map and a 1 … 5 map alike. What each setting means is written once, in
the docstring of the function that uses it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.model import did_you_mean


def _setting(
    default: float,
    help: str,
    *,
    lo: float | None = None,
    hi: float | None = None,
    integer: bool = False,
) -> Any:
    return field(default=default, metadata={"help": help, "lo": lo, "hi": hi, "integer": integer})


@dataclass(frozen=True)
class RapidDropSettings:
    min_drop: float = _setting(
        0.5, "Smallest fall between two scored steps that counts.", lo=0, hi=2
    )
    high_drop: float = _setting(1.0, "A fall at least this large is high severity.", lo=0, hi=2)


@dataclass(frozen=True)
class SawtoothSettings:
    min_swing: float = _setting(0.3, "Smallest move up or down that counts as a swing.", lo=0, hi=2)
    min_reversals: float = _setting(
        3, "Changes of direction in a row that make a sawtooth.", lo=1, integer=True
    )


@dataclass(frozen=True)
class TroughSettings:
    max_score: float = _setting(
        -0.3, "A low point at or below this score is a trough.", lo=-1, hi=1
    )
    high_score: float = _setting(
        -0.7, "A trough at or below this score is high severity.", lo=-1, hi=1
    )


@dataclass(frozen=True)
class PeakSettings:
    min_score: float = _setting(0.5, "A high point at or above this score is a peak.", lo=-1, hi=1)


@dataclass(frozen=True)
class PainHotspotSettings:
    min_pain_points: float = _setting(
        3, "Pain points on one step, or at least in one stage, for a hotspot.", lo=1, integer=True
    )
    min_share: float = _setting(
        0.4, "Share of the map's pain weight a stage must carry to be a hotspot.", lo=0, hi=1
    )


@dataclass(frozen=True)
class AbandonmentRiskSettings:
    high_reach: float = _setting(
        0.2, "An abandon pain point reaching at least this share is high severity.", lo=0, hi=1
    )
    max_dropoff: float = _setting(
        0.3, "A measured drop-off at or above this share is a risk.", lo=0, hi=1
    )


@dataclass(frozen=True)
class LongStageSettings:
    max_steps: float = _setting(
        12, "Most steps a stage may have before it counts as long.", lo=1, integer=True
    )


@dataclass(frozen=True)
class BranchSprawlSettings:
    max_paths: float = _setting(
        6, "Most extra paths out of decisions a map may have.", lo=0, integer=True
    )
    max_loops: float = _setting(
        2, "Most loops (paths back to an earlier step) a map may have.", lo=0, integer=True
    )


@dataclass(frozen=True)
class NegativeMomentOfTruthSettings:
    below: float = _setting(0.0, "A moment of truth scored below this is negative.", lo=-1, hi=1)


@dataclass(frozen=True)
class SurveySettings:
    min_answers: float = _setting(
        30, "Fewest answers a survey score needs to count as strong evidence.", lo=1, integer=True
    )


@dataclass(frozen=True)
class StaleSettings:
    high_days: float = _setting(
        90, "Days overdue after which a stale map is high severity.", lo=0, integer=True
    )


@dataclass(frozen=True)
class PrioritySettings:
    reach_base: float = _setting(
        0.5, "Added to reach so unmeasured or rare pain still counts.", lo=0
    )
    votes: float = _setting(
        1.0, "Weight of the team's votes (as a share of the most-voted idea).", lo=0
    )
    breadth: float = _setting(
        0.25, "Weight of each further pain point an opportunity addresses.", lo=0
    )
    unknown_reach: float = _setting(
        0.25, "Reach assumed when no linked pain point has one.", lo=0, hi=1
    )
    unknown_effort: float = _setting(
        3, "Effort weight assumed when an opportunity has no effort.", lo=1, hi=5
    )


@dataclass(frozen=True)
class SummarySettings:
    top_pain_points: float = _setting(
        5, "Pain points listed in a stakeholder summary.", lo=1, integer=True
    )
    low_points: float = _setting(
        3, "Lowest points of the sentiment line listed.", lo=1, integer=True
    )
    next_count: float = _setting(
        3, "Top-ranked ideas put under 'next' in the action plan.", lo=0, integer=True
    )


@dataclass(frozen=True)
class Setting:
    """One setting as documented: its key, default value and a line of help."""

    key: str
    default: float
    help: str
    lo: float | None
    hi: float | None
    integer: bool


@dataclass(frozen=True)
class AnalysisConfig:
    """Every threshold the analyses use. Build it with :meth:`from_overrides`."""

    rapid_drop: RapidDropSettings = field(default_factory=RapidDropSettings)
    sawtooth: SawtoothSettings = field(default_factory=SawtoothSettings)
    trough: TroughSettings = field(default_factory=TroughSettings)
    peak: PeakSettings = field(default_factory=PeakSettings)
    pain_hotspot: PainHotspotSettings = field(default_factory=PainHotspotSettings)
    abandonment_risk: AbandonmentRiskSettings = field(default_factory=AbandonmentRiskSettings)
    long_stage: LongStageSettings = field(default_factory=LongStageSettings)
    branch_sprawl: BranchSprawlSettings = field(default_factory=BranchSprawlSettings)
    negative_moment_of_truth: NegativeMomentOfTruthSettings = field(
        default_factory=NegativeMomentOfTruthSettings
    )
    survey: SurveySettings = field(default_factory=SurveySettings)
    stale: StaleSettings = field(default_factory=StaleSettings)
    priority: PrioritySettings = field(default_factory=PrioritySettings)
    summary: SummarySettings = field(default_factory=SummarySettings)

    @classmethod
    def settings(cls) -> list[Setting]:
        """Every setting with its default and help, in documentation order."""
        found: list[Setting] = []
        for section in dataclasses.fields(cls):
            section_type = _section_types()[section.name]
            for item in dataclasses.fields(section_type):
                meta = item.metadata
                found.append(
                    Setting(
                        key=f"{section.name}.{item.name}",
                        default=float(item.default),  # type: ignore[arg-type]
                        help=str(meta["help"]),
                        lo=meta["lo"],
                        hi=meta["hi"],
                        integer=bool(meta["integer"]),
                    )
                )
        return found

    def value(self, key: str) -> float:
        """The value of one setting by its key, e.g. `config.value('rapid_drop.min_drop')`."""
        section, name = _split_known(key)
        return float(getattr(getattr(self, section), name))

    def as_dict(self) -> dict[str, float]:
        """Every setting's current value keyed by `section.name`."""
        return {s.key: self.value(s.key) for s in self.settings()}

    @classmethod
    def from_overrides(
        cls, overrides: Mapping[str, Any] | None = None, *, source: str = "analysis"
    ) -> AnalysisConfig:
        """The defaults with `overrides` ('section.name': value) applied; bad keys raise InvalidInput."""
        return cls().merged(overrides or {}, source=source)

    @classmethod
    def leniently(
        cls, overrides: Mapping[str, Any] | None = None, *, source: str = "analysis"
    ) -> tuple[AnalysisConfig, list[Diagnostic]]:
        """The defaults with every valid override applied, and what is wrong with the others.

        For settings already stored (a workspace's): one bad setting is left out rather than
        stopping every analysis of every map; the `ignored_setting` finding reports it.
        """
        config, problems = cls(), []
        for key, raw in (overrides or {}).items():
            try:
                config = config.merged({key: raw}, source=source)
            except InvalidInput as error:
                problems.extend(error.diagnostics)
        return config, problems

    def merged(self, overrides: Mapping[str, Any], *, source: str = "analysis") -> AnalysisConfig:
        """A copy with `overrides` applied on top of this configuration."""
        diagnostics: list[Diagnostic] = []
        changes: dict[str, dict[str, float]] = {}
        by_key = {s.key: s for s in self.settings()}
        for key, raw in overrides.items():
            setting = by_key.get(key)
            if setting is None:
                diagnostics.append(_unknown_key(key, list(by_key), source))
                continue
            value, problem = _coerce(setting, raw)
            if problem:
                diagnostics.append(
                    Diagnostic(f"{source}: setting '{key}' {problem}", hint=setting.help)
                )
                continue
            section, name = key.split(".", 1)
            changes.setdefault(section, {})[name] = value
        if diagnostics:
            noun = "setting" if len(diagnostics) == 1 else "settings"
            raise InvalidInput(f"{len(diagnostics)} bad analysis {noun}", diagnostics)
        updated: dict[str, Any] = {
            section: dataclasses.replace(getattr(self, section), **values)
            for section, values in changes.items()
        }
        return dataclasses.replace(self, **updated)


def _section_types() -> dict[str, type]:
    return {
        "rapid_drop": RapidDropSettings,
        "sawtooth": SawtoothSettings,
        "trough": TroughSettings,
        "peak": PeakSettings,
        "pain_hotspot": PainHotspotSettings,
        "abandonment_risk": AbandonmentRiskSettings,
        "long_stage": LongStageSettings,
        "branch_sprawl": BranchSprawlSettings,
        "negative_moment_of_truth": NegativeMomentOfTruthSettings,
        "survey": SurveySettings,
        "stale": StaleSettings,
        "priority": PrioritySettings,
        "summary": SummarySettings,
    }


def _split_known(key: str) -> tuple[str, str]:
    keys = [s.key for s in AnalysisConfig.settings()]
    if key not in keys:
        raise InvalidInput(
            _unknown_key(key, keys, "analysis").render(), [_unknown_key(key, keys, "analysis")]
        )
    section, name = key.split(".", 1)
    return section, name


def _unknown_key(key: str, keys: list[str], source: str) -> Diagnostic:
    guess = did_you_mean(key, keys)
    if guess is None and "." not in key:
        # A bare name such as 'min_drop': suggest the full key(s) that end with it.
        endings = [k for k in keys if k.endswith("." + key)]
        guess = endings[0] if len(endings) == 1 else None
    if guess is None and "." in key:
        guess = did_you_mean(key.split(".", 1)[1], [k.split(".", 1)[1] for k in keys])
        guess = next((k for k in keys if guess and k.endswith("." + guess)), None)
    hint = f"did you mean '{guess}'?" if guess else "see `docs/analysis.md` for the settings"
    return Diagnostic(f"{source}: unknown analysis setting '{key}'", hint=hint)


def _coerce(setting: Setting, raw: Any) -> tuple[float, str | None]:
    if isinstance(raw, bool):
        return 0.0, f"must be a number, not {str(raw).lower()}"
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return 0.0, f"must be a number, not '{raw}'"
    if not math.isfinite(value):
        return 0.0, "must be a finite number"
    if setting.integer and not value.is_integer():
        return 0.0, f"must be a whole number, not {value:g}"
    if setting.lo is not None and value < setting.lo:
        return 0.0, f"must be at least {setting.lo:g}, not {value:g}"
    if setting.hi is not None and value > setting.hi:
        return 0.0, f"must be at most {setting.hi:g}, not {value:g}"
    return value, None


def parse_assignments(items: list[str], *, prefix: str | None = None) -> dict[str, float | str]:
    """Parse `key=value` strings from `--set`; with `prefix`, bare keys get it ('votes' → 'priority.votes')."""
    parsed: dict[str, float | str] = {}
    diagnostics: list[Diagnostic] = []
    for item in items:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            diagnostics.append(
                Diagnostic(
                    f"--set '{item}' is not key=value", hint="e.g. --set rapid_drop.min_drop=0.6"
                )
            )
            continue
        if prefix and "." not in key:
            key = f"{prefix}.{key}"
        parsed[key] = value
    if diagnostics:
        raise InvalidInput("bad --set option", diagnostics)
    return parsed


def iter_setting_keys() -> Iterator[str]:
    """Every setting key, e.g. for shell completion or documentation checks."""
    return (s.key for s in AnalysisConfig.settings())
