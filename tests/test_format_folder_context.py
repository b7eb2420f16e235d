"""A map file inside a workspace folder is read with the folder's personas and segments."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.errors import InvalidInput
from journeyline.formats import load_workspace, save_workspace
from journeyline.templates import load_template


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    save_workspace(load_template("ecommerce-purchase"), root)
    return root


def test_a_map_file_of_a_folder_loads_with_its_personas(folder: Path) -> None:
    map_file = next((folder / "journeys").glob("*.yaml"))
    loaded = load_workspace(map_file).workspace
    assert [m.id for m in loaded.maps] == ["map-ecommerce-purchase"]
    assert loaded.persona(loaded.maps[0].personas[0]) is not None


def test_other_map_files_do_not_get_in_the_way(folder: Path) -> None:
    broken = folder / "journeys" / "zz-broken.yaml"
    broken.write_text("journeyline: 1\nmaps:\n- name: B\n  personas: [nobody]\n", "utf-8")
    map_file = folder / "journeys" / "map-ecommerce-purchase.yaml"
    assert [m.id for m in load_workspace(map_file).workspace.maps] == ["map-ecommerce-purchase"]
    with pytest.raises(InvalidInput) as error:
        load_workspace(broken)
    assert any(d.file == str(broken) and d.line == 4 for d in error.value.diagnostics)


def test_analyze_works_on_a_map_file_of_a_folder(folder: Path) -> None:
    map_file = folder / "journeys" / "map-ecommerce-purchase.yaml"
    result = CliRunner().invoke(app, ["analyze", str(map_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"findings"' in result.stdout


def test_a_lone_map_file_still_needs_its_personas(tmp_path: Path) -> None:
    lone = tmp_path / "journeys" / "m.yaml"
    lone.parent.mkdir()
    lone.write_text("journeyline: 1\nmaps:\n- name: M\n  personas: [ana]\n", "utf-8")
    with pytest.raises(InvalidInput, match="problem"):
        load_workspace(lone)


def test_a_future_state_file_knows_its_current_state_sits_beside_it(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    workspace = load_template("ecommerce-purchase")
    workspace.maps += load_template("ecommerce-purchase-future").maps
    save_workspace(workspace, root)
    future = root / "journeys" / "map-ecommerce-purchase-future.yaml"
    loaded = load_workspace(future)
    assert [m.id for m in loaded.workspace.maps] == ["map-ecommerce-purchase-future"]
    assert not [w for w in loaded.warnings if "does not exist" in w.message]
    # Named nowhere in the folder, the reference is still flagged.
    text = future.read_text("utf-8").replace(
        "based_on: map-ecommerce-purchase\n", "based_on: map-elsewhere\n"
    )
    future.write_text(text, "utf-8")
    warnings = load_workspace(future).warnings
    assert any("map-elsewhere" in w.message for w in warnings)
