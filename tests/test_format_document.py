"""The Journeyline document format: load, save, round trips, and errors that name the place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journeyline.errors import InvalidInput, NotFound, UsageError
from journeyline.formats import load_workspace, save_workspace
from journeyline.formats.document import dump_json, dump_yaml, loads, workspace_to_data
from journeyline.model import JourneyMap, Persona, Stage, Step, Workspace

FIXTURES = Path(__file__).parent / "format_fixtures"


def _errors(text: str, name: str = "trial.yaml", syntax: str = "yaml") -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        loads(text, name, syntax)  # type: ignore[arg-type]
    return [d.render() for d in caught.value.diagnostics]


# --- loading and saving ---------------------------------------------------------------------


def test_load_full_fixture_has_everything() -> None:
    loaded = load_workspace(FIXTURES / "full.yaml")
    ws = loaded.workspace
    assert loaded.warnings == []
    assert ws.name == "Acme Analytics"
    journey = ws.maps[0]
    assert [s.id for s in journey.steps()] == ["sign-up", "connect-data", "see-dashboard"]
    assert journey.review_date is not None and journey.review_date.isoformat() == "2025-03-01"
    step = journey.steps()[0]
    assert step.measured is not None and step.measured.period_start is not None
    assert step.lanes == {"regulations": "GDPR consent"}
    assert ws.personas[0].avatar == "👩🏽‍💼"


def test_ids_are_derived_from_names_when_omitted() -> None:
    loaded = load_workspace(FIXTURES / "map.json")
    journey = loaded.workspace.maps[0]
    assert journey.id == "buy-shoes-online"
    assert [s.id for s in journey.steps()] == ["search", "compare", "pay"]


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_round_trip_is_lossless_and_stable(tmp_path: Path, suffix: str) -> None:
    original = load_workspace(FIXTURES / "full.yaml").workspace
    target = tmp_path / f"out{suffix}"
    assert save_workspace(original, target) == []
    first = target.read_bytes()
    again = load_workspace(target).workspace
    assert again.model_dump() == original.model_dump()
    save_workspace(again, target)
    assert target.read_bytes() == first


def test_folder_round_trip(tmp_path: Path) -> None:
    original = load_workspace(FIXTURES / "full.yaml").workspace
    folder = tmp_path / "ws"
    save_workspace(original, folder)
    assert (folder / "journeyline.yaml").is_file()
    assert (folder / "journeys" / "trial.yaml").is_file()
    assert (folder / "personas" / "priya.yaml").is_file()
    assert (folder / "segments" / "smb.yaml").is_file()
    assert load_workspace(folder).workspace.model_dump() == original.model_dump()


def test_folder_save_removes_stale_documents_only(tmp_path: Path) -> None:
    workspace = load_workspace(FIXTURES / "full.yaml").workspace
    folder = tmp_path / "ws"
    save_workspace(workspace, folder)
    notes = folder / "journeys" / "notes.yaml"
    notes.write_text("just: some notes\n", encoding="utf-8")
    workspace.maps[0].id = "trial-2"
    workspace.maps[0].pain_points[0].step = "sign-up"
    save_workspace(workspace, folder)
    assert not (folder / "journeys" / "trial.yaml").exists()
    assert (folder / "journeys" / "trial-2.yaml").is_file()
    assert notes.read_text(encoding="utf-8") == "just: some notes\n"


def test_folder_diagnostics_name_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    save_workspace(load_workspace(FIXTURES / "full.yaml").workspace, folder)
    journey = folder / "journeys" / "trial.yaml"
    text = journey.read_text(encoding="utf-8").replace("segment: smb", "segment: smbb")
    journey.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  segment: smbb") + 1
    with pytest.raises(InvalidInput) as caught:
        load_workspace(folder)
    rendered = [d.render() for d in caught.value.diagnostics]
    assert rendered == [f"{journey}:{line}:12: segment 'smbb' does not exist (did you mean 'smb'?)"]


def test_folder_collects_problems_from_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    save_workspace(load_workspace(FIXTURES / "full.yaml").workspace, folder)
    (folder / "personas" / "bad.yaml").write_text(
        "journeyline: 1\npersonas:\n  - nme: X\n", encoding="utf-8"
    )
    (folder / "segments" / "empty.yaml").write_text("", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_workspace(folder)
    files = {Path(d.file or "").name for d in caught.value.diagnostics}
    assert files == {"bad.yaml", "empty.yaml"}


def test_folder_without_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"no journeyline\.yaml"):
        load_workspace(tmp_path)


def test_save_is_atomic_when_the_workspace_is_broken(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old", encoding="utf-8")
    step = Step(name="A")
    journey = JourneyMap(name="M", personas=["ghost"], stages=[Stage(name="S", steps=[step])])
    with pytest.raises(InvalidInput) as caught:
        save_workspace(Workspace(maps=[journey]), target)
    assert "persona 'ghost' does not exist" in caught.value.diagnostics[0].message
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.yaml"]


def test_save_fills_ids_without_touching_the_callers_workspace(tmp_path: Path) -> None:
    workspace = Workspace(personas=[Persona(name="Ana")])
    save_workspace(workspace, tmp_path / "w.yaml")
    assert workspace.personas[0].id == ""
    assert load_workspace(tmp_path / "w.yaml").workspace.personas[0].id == "ana"


def test_unknown_extension_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.toml"):
        save_workspace(Workspace(), tmp_path / "w.toml")
    (tmp_path / "w.toml").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError):
        load_workspace(tmp_path / "w.toml")


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        load_workspace(tmp_path / "nope.yaml")


# --- the document form ----------------------------------------------------------------------


def test_document_starts_with_version_and_omits_defaults() -> None:
    workspace = Workspace(maps=[JourneyMap(id="m", name="M", stages=[Stage(id="s", name="S")])])
    data = workspace_to_data(workspace)
    assert list(data) == ["journeyline", "maps"]
    assert data["maps"] == [{"id": "m", "name": "M", "stages": [{"id": "s", "name": "S"}]}]
    assert dump_yaml(workspace).startswith("journeyline: 1\n")
    assert json.loads(dump_json(workspace))["journeyline"] == 1


def test_yaml_keeps_unicode_and_writes_multiline_text_as_block() -> None:
    step = Step(id="s", name="Zahlung ✓ 💳", description="line one\nline two\n")
    text = dump_yaml(
        Workspace(
            maps=[JourneyMap(id="m", name="M", stages=[Stage(id="st", name="S", steps=[step])])]
        )
    )
    assert "Zahlung ✓ 💳" in text
    assert "description: |\n" in text
    assert (
        loads(text, "x.yaml", "yaml").workspace.maps[0].stages[0].steps[0].description
        == "line one\nline two\n"
    )


def test_whole_numbers_are_written_without_fraction() -> None:
    step = Step(id="s", name="S", emotion=-2)
    text = dump_yaml(
        Workspace(
            maps=[JourneyMap(id="m", name="M", stages=[Stage(id="st", name="S", steps=[step])])]
        )
    )
    assert "emotion: -2\n" in text


def test_explicitly_empty_lanes_survive() -> None:
    workspace = Workspace(maps=[JourneyMap(id="m", name="M", lanes=[])])
    assert loads(dump_yaml(workspace), "x.yaml", "yaml").workspace.maps[0].lanes == []


# --- errors people can act on ---------------------------------------------------------------

TRIAL = """\
journeyline: 1
personas:
  - name: Priya
maps:
  - name: Trial
    personas: [priya]
    stages:
      - name: Evaluate
        steps:
          - name: Sign up
            chanel: web
            kind: actoin
            emotion: high
            moment_of_truth: maybe
    pain_points:
      - name: Slow
        step: sign-upp
        reach: 3
"""


def test_every_problem_is_reported_with_line_column_and_suggestion() -> None:
    assert _errors(TRIAL) == [
        "trial.yaml:11:13: unknown key 'chanel' in step 'Sign up' (did you mean 'channel'?)",
        "trial.yaml:12:19: invalid kind 'actoin' in step 'Sign up'; allowed: action, question, decision"
        " (did you mean 'action'?)",
        "trial.yaml:13:22: 'emotion' of step 'Sign up' should be a number, found the text 'high'",
        "trial.yaml:14:30: 'moment_of_truth' of step 'Sign up' should be true or false, found the text 'maybe'",
        "trial.yaml:18:16: 'reach' of pain point 'Slow' should be less than or equal to 1, found the number 3",
    ]


def test_dangling_reference_is_located() -> None:
    text = TRIAL.replace(
        "            chanel: web\n            kind: actoin\n            emotion: high\n", ""
    )
    text = text.replace("            moment_of_truth: maybe\n", "").replace(
        "reach: 3", "reach: 0.5"
    )
    assert _errors(text) == [
        "trial.yaml:13:15: step 'sign-upp' does not exist (did you mean 'sign-up'?)"
    ]


def test_duplicate_ids_are_errors() -> None:
    text = "journeyline: 1\npersonas:\n  - id: a\n    name: A\n  - id: a\n    name: B\n"
    (message,) = _errors(text)
    assert message.startswith("trial.yaml:5:9: duplicate id 'a' (persona)")


def test_duplicate_keys_are_errors() -> None:
    text = "journeyline: 1\nname: One\nname: Two\n"
    assert _errors(text) == [
        "trial.yaml:3:1: duplicate key 'name' (already set at line 2, column 1; keep one)"
    ]


def test_duplicate_keys_in_json_are_errors() -> None:
    text = '{"journeyline": 1,\n "name": "One",\n "name": "Two"}'
    assert _errors(text, "w.json", "json") == ["w.json:3:2: duplicate key 'name' (keep one)"]


def test_wrong_type_says_expected_and_found_with_hint() -> None:
    (message,) = _errors("journeyline: 1\nsegments:\n  - name: SMB\n    size: 12000\n")
    assert message == (
        "trial.yaml:4:11: 'size' of segment 'SMB' should be text, found the number 12000"
        " (put it in quotes to make it text: '12000')"
    )


def test_list_expected() -> None:
    (message,) = _errors("journeyline: 1\npersonas: Priya\n")
    assert message == (
        "trial.yaml:2:11: 'personas' should be a list, found the text 'Priya'"
        " (write a list, one item per line starting with '- ')"
    )


def test_missing_name() -> None:
    (message,) = _errors(
        "journeyline: 1\nmaps:\n  - id: m\n    name: M\n    stages:\n      - goal: x\n"
    )
    assert message == "trial.yaml:6:9: missing key 'name' in stage 1 of map 'M' (add 'name: …')"


def test_unknown_top_level_key() -> None:
    (message,) = _errors("journeyline: 1\nmapz: []\n")
    assert message == "trial.yaml:2:1: unknown key 'mapz' in the top level (did you mean 'maps'?)"


def test_json_errors_are_located() -> None:
    text = '{\n  "journeyline": 1,\n  "maps": [\n    {"name": "M", "typ": "x"}\n  ]\n}\n'
    (message,) = _errors(text, "m.json", "json")
    assert message == "m.json:4:19: unknown key 'typ' in map 'M' (did you mean 'type'?)"


def test_malformed_yaml_is_located() -> None:
    (message,) = _errors("journeyline: 1\nname: [unclosed\n")
    assert message.startswith("trial.yaml:3:1: invalid YAML:")


def test_malformed_json_is_located() -> None:
    (message,) = _errors('{"journeyline": 1,\n "name": "x",\n}', "w.json", "json")
    assert message.startswith("w.json:3:1: invalid JSON: ")


def test_empty_file_suggests_a_template() -> None:
    assert _errors("") == [
        "trial.yaml: file is empty (start from a template: journeyline new FILE --template NAME)"
    ]
    assert _errors("# only a comment\n")[0].endswith("journeyline new FILE --template NAME)")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\n", "missing 'journeyline: 1'"),
        ("journeyline: 2\n", "version 2 document"),
        ("journeyline: one\n", "unknown document version"),
        ("- a\n- b\n", "the top level must be a mapping"),
    ],
)
def test_version_and_shape(text: str, expected: str) -> None:
    assert expected in _errors(text)[0]


def test_nan_is_refused() -> None:
    assert "not a finite number" in _errors("journeyline: 1\nanalysis:\n  x: .nan\n")[0]
    assert (
        "not a finite number"
        in _errors('{"journeyline": 1, "analysis": {"x": NaN}}', "a.json", "json")[0]
    )


def test_alias_bomb_is_refused() -> None:
    lines = ["journeyline: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    messages = _errors("\n".join(lines) + "\n")
    assert any("alias bomb" in m for m in messages)


def test_many_problems_are_capped() -> None:
    steps = "".join(f"          - name: S{i}\n            chanel: web\n" for i in range(80))
    text = f"journeyline: 1\nmaps:\n  - name: M\n    stages:\n      - name: St\n        steps:\n{steps}"
    messages = _errors(text)
    assert len(messages) == 51
    assert messages[-1] == "trial.yaml: … and 30 more problems (fix the ones above first)"


def test_binary_and_non_utf8_files(tmp_path: Path) -> None:
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"journeyline: 1\n\x00\x01\x02")
    with pytest.raises(InvalidInput) as caught:
        load_workspace(binary)
    assert caught.value.diagnostics[0].render() == (
        f"{binary}:2:1: this is a binary file, not a Journeyline YAML or JSON document (NUL byte found here)"
    )
    latin = tmp_path / "l.yaml"
    latin.write_bytes("journeyline: 1\nname: Café\n".encode("latin-1"))
    with pytest.raises(InvalidInput) as caught:
        load_workspace(latin)
    assert caught.value.diagnostics[0].render() == (
        f"{latin}:2:10: not UTF-8 text: byte 0xe9 at offset 24 cannot be decoded (save the file as UTF-8)"
    )


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    from journeyline.formats.document import read_text

    big = tmp_path / "big.yaml"
    big.write_bytes(b"journeyline: 1\n" + b"#" * 2048)
    with pytest.raises(InvalidInput, match="too large"):
        read_text(big, max_bytes=1024)


def test_warnings_are_located_and_do_not_fail() -> None:
    text = "journeyline: 1\nmaps:\n  - name: M\n    stages:\n      - name: S\n        steps:\n          - name: A\n            emotion: 9\n"
    loaded = loads(text, "m.yaml", "yaml")
    (warning,) = loaded.warnings
    assert warning.severity == "warning"
    assert (warning.line, warning.column) == (8, 22)
    assert "outside the map's scale" in warning.message


def test_importing_formats_registers_the_builtin_formats() -> None:
    from journeyline.formats import formats

    assert {"yaml", "json", "mermaid", "csv", "xlsx", "markdown"} <= {f.name for f in formats()}
