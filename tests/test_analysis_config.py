"""Analysis settings: defaults, validation with did-you-mean, and precedence."""

from __future__ import annotations

import pytest

from journeyline.analysis import AnalysisConfig, parse_assignments
from journeyline.errors import InvalidInput


def test_defaults_are_listed_with_help() -> None:
    settings = {s.key: s for s in AnalysisConfig.settings()}
    assert settings["rapid_drop.min_drop"].default == 0.5
    assert settings["stale.high_days"].integer
    assert all(s.help for s in settings.values())
    assert AnalysisConfig().value("trough.max_score") == -0.3


def test_override_changes_one_setting_only() -> None:
    config = AnalysisConfig.from_overrides({"rapid_drop.min_drop": "0.7"})
    assert config.rapid_drop.min_drop == 0.7
    assert config.rapid_drop.high_drop == 1.0
    assert config.as_dict()["sawtooth.min_swing"] == 0.3


def test_unknown_key_suggests_the_right_one() -> None:
    with pytest.raises(InvalidInput) as caught:
        AnalysisConfig.from_overrides({"rapid_drp.min_drop": 0.4})
    [diagnostic] = caught.value.diagnostics
    assert "unknown analysis setting 'rapid_drp.min_drop'" in diagnostic.message
    assert diagnostic.hint == "did you mean 'rapid_drop.min_drop'?"


def test_bare_name_suggests_the_full_key() -> None:
    with pytest.raises(InvalidInput) as caught:
        AnalysisConfig.from_overrides({"high_days": 30})
    assert caught.value.diagnostics[0].hint == "did you mean 'stale.high_days'?"


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("rapid_drop.min_drop", "steep", "must be a number"),
        ("rapid_drop.min_drop", 3, "at most 2"),
        ("sawtooth.min_reversals", 2.5, "whole number"),
        ("trough.max_score", float("nan"), "finite"),
        ("peak.min_score", True, "must be a number"),
    ],
)
def test_bad_values_are_refused(key: str, value: object, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        AnalysisConfig.from_overrides({key: value})
    assert problem in caught.value.diagnostics[0].message


def test_every_bad_setting_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        AnalysisConfig.from_overrides({"nope": 1, "peak.min_score": 9})
    assert len(caught.value.diagnostics) == 2


def test_precedence_defaults_workspace_then_command_line() -> None:
    workspace_level = AnalysisConfig.from_overrides(
        {"rapid_drop.min_drop": 0.8, "peak.min_score": 0.9}
    )
    run_level = workspace_level.merged({"rapid_drop.min_drop": 0.6})
    assert run_level.rapid_drop.min_drop == 0.6
    assert run_level.peak.min_score == 0.9


def test_parse_assignments() -> None:
    assert parse_assignments(["votes=2", "priority.breadth=0"], prefix="priority") == {
        "priority.votes": "2",
        "priority.breadth": "0",
    }
    with pytest.raises(InvalidInput) as caught:
        parse_assignments(["votes"])
    assert "not key=value" in caught.value.diagnostics[0].message
