"""Every command that works on one map picks it the same way: same message, same exit code."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyline.analysis import pick_pair
from journeyline.cli import app
from journeyline.cli.common import EXIT_INVALID
from journeyline.errors import InvalidInput, NotFound
from journeyline.formats import load_map, save_workspace
from journeyline.model import JourneyMap, LaneDefinition, Persona, Segment, Stage, Step, Workspace

runner = CliRunner()


def _two_maps(tmp_path: Path) -> Path:
    """A workspace file holding the maps `trial` and `support`."""
    trial = JourneyMap(
        id="trial",
        name="Trial",
        stages=[Stage(name="Sign up", steps=[Step(name="Create an account", emotion=1)])],
    )
    support = JourneyMap(
        id="support",
        name="Support",
        stages=[Stage(name="Call", steps=[Step(name="Wait on hold", emotion=-2)])],
    )
    path = tmp_path / "ws.yaml"
    save_workspace(Workspace(name="Acme", maps=[trial, support]), path)
    return path


# Each command that takes a map, with `{file}` for the workspace, `{tmp}` for a folder and
# `{map}` where the map's id goes (its own flag: compare's AS-IS map is `--asis-map`).
MAP_COMMANDS: dict[str, list[str]] = {
    "render": ["render", "{file}", "-o", "{tmp}/out.svg", "--map", "{map}"],
    "analyze": ["analyze", "{file}", "--map", "{map}"],
    "priorities": ["priorities", "{file}", "--map", "{map}"],
    "summary": ["summary", "{file}", "--map", "{map}", "-o", "{tmp}/summary.md"],
    "compare": ["compare", "{file}", "{file}", "--tobe-map", "support", "--asis-map", "{map}"],
    "convert": ["convert", "{file}", "{tmp}/out.yaml", "--map", "{map}"],
    "events overlay": [
        *("events", "overlay", "{file}", "{tmp}/events.csv", "-o", "{tmp}/measured.yaml"),
        *("--map", "{map}"),
    ],
    "events conformance": [
        *("events", "conformance", "{file}", "{tmp}/events.csv", "--map", "{map}"),
    ],
}


def _run(args: list[str], file: Path, tmp: Path, map_id: str = "") -> tuple[int, str, str]:
    filled = [a.format(file=file, tmp=tmp, map=map_id) for a in args]
    result = runner.invoke(app, filled)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _without_map(args: list[str]) -> list[str]:
    """The command line with its map flag (and the id after it) left out."""
    at = args.index("{map}")
    return [*args[: at - 1], *args[at + 1 :]]


@pytest.mark.parametrize("command", sorted(MAP_COMMANDS))
def test_an_unknown_map_id_gets_the_same_message_and_exit_code_everywhere(
    tmp_path: Path, command: str
) -> None:
    file = _two_maps(tmp_path)
    code, out, err = _run(MAP_COMMANDS[command], file, tmp_path, "trail")
    assert code == EXIT_INVALID
    assert err == f"{file}: no map 'trail' (did you mean 'trial'?)\n"
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws.yaml"]  # nothing written


def test_an_unknown_map_id_far_from_any_lists_the_maps(tmp_path: Path) -> None:
    file = _two_maps(tmp_path)
    code, _, err = _run(MAP_COMMANDS["render"], file, tmp_path, "zzz")
    assert code == EXIT_INVALID
    assert err == f"{file}: no map 'zzz' (the maps are: trial, support)\n"


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("render", _without_map(MAP_COMMANDS["render"])),
        ("summary", _without_map(MAP_COMMANDS["summary"])),
        ("events overlay", _without_map(MAP_COMMANDS["events overlay"])),
        ("convert to Mermaid", ["convert", "{file}", "{tmp}/out.mmd"]),
        ("convert to CSV", ["convert", "{file}", "{tmp}/out.csv"]),
    ],
)
def test_several_maps_and_no_map_flag_lists_the_ids(
    tmp_path: Path, command: str, args: list[str]
) -> None:
    file = _two_maps(tmp_path)
    code, _, err = _run(args, file, tmp_path)
    assert code == EXIT_INVALID, command
    assert err == f"{file}: holds 2 maps: trial, support (choose one with --map)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws.yaml"]


def test_compare_names_its_own_flag_when_a_file_holds_several_maps(tmp_path: Path) -> None:
    file = _two_maps(tmp_path)
    code, _, err = _run(["compare", "{file}", "{file}"], file, tmp_path)
    assert code == EXIT_INVALID
    assert err == f"{file}: holds 2 maps: trial, support (choose one with --tobe-map)\n"


def test_a_file_with_no_map_is_the_same_error_for_render_and_convert(tmp_path: Path) -> None:
    file = tmp_path / "empty.yaml"
    save_workspace(Workspace(name="Empty"), file)
    for args in (["render", "{file}", "-o", "{tmp}/x.svg"], ["convert", "{file}", "{tmp}/x.mmd"]):
        code, _, err = _run(args, file, tmp_path)
        assert (code, err) == (
            EXIT_INVALID,
            f"{file}: holds no journey maps\n",
        ), args


def test_convert_with_map_writes_that_map_and_what_it_names(tmp_path: Path) -> None:
    file = _two_maps(tmp_path)
    code, out, err = _run(
        ["convert", "{file}", "{tmp}/support.mmd", "--map", "support"], file, tmp_path
    )
    assert code == 0
    assert out == f"converted {file} (yaml) → {tmp_path}/support.mmd (mermaid)\n"
    assert "rescaled to Mermaid's 1 … 5" in err  # the writer's warning, not an error
    text = (tmp_path / "support.mmd").read_text(encoding="utf-8")
    assert "title Support" in text and "Wait on hold" in text and "Trial" not in text
    code, _, _ = _run(["convert", "{file}", "{tmp}/support.yaml", "-m", "support"], file, tmp_path)
    workspace, journey, _ = load_map(tmp_path / "support.yaml")
    assert code == 0 and [m.id for m in workspace.maps] == ["support"] and journey.id == "support"


def _with_a_warning(tmp_path: Path) -> tuple[Path, str]:
    """A file whose TO-BE map is `based_on` a map it does not hold: a located warning."""
    file = tmp_path / "tobe.yaml"
    file.write_text(
        "journeyline: 1\n"
        "maps:\n"
        "- id: tobe\n"
        "  name: Trial tomorrow\n"
        "  type: future_state\n"
        "  based_on: trial\n"
        "  stages:\n"
        "  - name: Sign up\n"
        "    steps:\n"
        "    - name: Create an account\n"
        "      emotion: 2\n"
        "- id: draft\n"
        "  name: Trial today\n"
        "  stages:\n"
        "  - name: Sign up\n"
        "    steps:\n"
        "    - name: Create an account\n"
        "      emotion: -2\n",
        encoding="utf-8",
    )
    _, _, warnings = load_map(file, "tobe")
    assert len(warnings) == 1 and warnings[0].line == 6
    return file, warnings[0].render()


@pytest.mark.parametrize(
    "args",
    [
        ["render", "{file}", "-o", "{tmp}/out.svg", "--map", "tobe"],
        ["render", "{file}", "-o", "{tmp}/out.svg", "--map", "draft", "--compare", "{file}"],
        ["analyze", "{file}"],
        ["priorities", "{file}"],
        ["summary", "{file}", "--map", "tobe", "-o", "{tmp}/summary.md"],
        ["convert", "{file}", "{tmp}/out.json"],
        ["convert", "{file}", "{tmp}/out.mmd", "--map", "tobe"],
    ],
    ids=lambda args: " ".join(a for a in args if not a.startswith(("{", "-"))),
)
def test_a_warning_is_printed_once_with_its_place_first(tmp_path: Path, args: list[str]) -> None:
    file, warning = _with_a_warning(tmp_path)
    code, _, err = _run(args, file, tmp_path)
    assert code == 0, err
    assert warning.startswith(f"{file}:6:") and ": warning: map 'trial' does not exist" in warning
    lines = [line for line in err.splitlines() if "map 'trial' does not exist" in line]
    assert lines == [warning]
    assert "warning: warning:" not in err and not err.startswith("warning: ")


def _maps(*specs: tuple[str, str, str | None]) -> Workspace:
    """A workspace of one-step maps given as (id, type, based_on)."""
    return Workspace(
        maps=[
            JourneyMap(
                id=map_id,
                name=map_id,
                type=map_type,  # type: ignore[arg-type]
                based_on=based_on,
                stages=[Stage(name="S", steps=[Step(name="a", emotion=1)])],
            )
            for map_id, map_type, based_on in specs
        ]
    )


def test_pick_pair_one_rule_for_compare_and_render_compare() -> None:
    ws = _maps(
        ("trial", "current_state", None),
        ("other", "current_state", None),
        ("trial-tobe", "future_state", "trial"),
    )
    # Neither named: the only future-state map, and the map it is based on.
    asis, tobe = pick_pair(ws, ws)
    assert (asis.id, tobe.id) == ("trial", "trial-tobe")
    # AS-IS known (render --map … --compare): the map based on it.
    assert pick_pair(ws, ws, "trial")[1].id == "trial-tobe"
    # A TO-BE file with one map: that map, whatever its id.
    elsewhere = _maps(("trial", "future_state", None))
    assert pick_pair(ws, elsewhere, "trial")[1] is elsewhere.maps[0]


def test_pick_pair_says_what_to_do_when_it_cannot_tell() -> None:
    ws = _maps(
        ("a", "current_state", None), ("b", "current_state", None), ("c", "current_state", None)
    )
    with pytest.raises(InvalidInput) as caught:
        pick_pair(ws, ws, "a", tobe_file="ws.yaml", tobe_option=None)
    assert caught.value.diagnostics[0].render() == (
        "ws.yaml: cannot tell which map is the TO-BE of 'a': b, c (give it `based_on: a`)"
    )
    with pytest.raises(InvalidInput, match=r"holds 3 maps: a, b, c \(choose one with --tobe-map\)"):
        pick_pair(ws, ws, tobe_file="ws.yaml")
    with pytest.raises(NotFound, match=r"ws.yaml: no map 'z' \(the maps are: a, b, c\)"):
        pick_pair(ws, ws, "a", "z", tobe_file="ws.yaml")
    alone = _maps(("a", "current_state", None))
    with pytest.raises(InvalidInput, match="holds no map but 'a' to compare it with"):
        pick_pair(alone, alone, "a", tobe_file="ws.yaml")


def test_one_map_scoped_keeps_what_it_names_and_loads_again(tmp_path: Path) -> None:
    m1 = JourneyMap(
        id="m1",
        name="M1",
        personas=["p1"],
        segment="s1",
        lanes=["actions", "l1"],
        stages=[Stage(name="S", steps=[Step(name="a", lanes={"l2": "text"})])],
    )
    m2 = JourneyMap(id="m2", name="M2", personas=["p2"], stages=[Stage(name="T")])
    ws = Workspace(
        segments=[
            Segment(id="s1", name="S1"),
            Segment(id="s2", name="S2"),
            Segment(id="s3", name="S3"),
        ],
        personas=[
            Persona(id="p1", name="P1", segment="s2"),
            Persona(id="p2", name="P2", segment="s3"),
        ],
        lanes=[LaneDefinition(id=f"l{i}", name=f"L{i}") for i in (1, 2, 3)],
        maps=[m1, m2],
    )
    scoped = ws.scoped_to(m1)
    assert [p.id for p in scoped.personas] == ["p1"]
    assert [s.id for s in scoped.segments] == ["s1", "s2"]
    assert [lane.id for lane in scoped.lanes] == ["l1", "l2"]
    assert [m.id for m in scoped.maps] == ["m1"]
    save_workspace(scoped, tmp_path / "m1.yaml")  # refuses a workspace with broken references
    assert load_map(tmp_path / "m1.yaml")[1].id == "m1"
