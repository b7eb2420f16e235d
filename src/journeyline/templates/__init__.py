"""Ready-made journey maps to start from: one YAML workspace file per template.

Each template is a complete, realistic map in the file format (persona factsheet,
back-story, stages, steps, pain points, opportunities and evidence), so a team can see
what a finished map looks like and edit it into their own. A few files carry small,
deliberate flaws (noted at the top of each file) so the analyses have something to find.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from journeyline.errors import Diagnostic, InvalidInput, NotFound, UsageError
from journeyline.formats import load_workspace, save_workspace
from journeyline.model import JourneyMap, MapStatus, MapType, Workspace, did_you_mean

TEMPLATE_DIR = Path(__file__).parent
"""Where the template files live; they ship in the wheel as package data."""


@dataclass(frozen=True)
class TemplateInfo:
    """What `journeyline templates` lists about one template."""

    name: str
    title: str
    description: str
    type: MapType
    personas: int
    stages: int
    steps: int

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form, in the order `journeyline templates --format json` prints."""
        return {
            "name": self.name,
            "title": self.title,
            "type": self.type.value,
            "description": self.description,
            "personas": self.personas,
            "stages": self.stages,
            "steps": self.steps,
        }


def template_names() -> list[str]:
    """The names of every shipped template, sorted."""
    return sorted(path.stem for path in TEMPLATE_DIR.glob("*.yaml"))


def template_path(name: str) -> Path:
    """The file of the template called `name`; NotFound (with a suggestion) when there is none.

    Only the shipped names are accepted, so a name like `../x` never reaches the file system.
    """
    names = template_names()
    if name in names:
        return TEMPLATE_DIR / f"{name}.yaml"
    guess = did_you_mean(name, names)
    hint = f"did you mean '{guess}'?" if guess else "run `journeyline templates` to list them"
    raise NotFound(
        f"there is no template called '{name}' ({hint})",
        [Diagnostic(f"unknown template '{name}'", hint=hint)],
    )


def load_template(name: str) -> Workspace:
    """A fresh copy of the template's workspace, ready to be edited and saved."""
    return load_workspace(template_path(name)).workspace


def template_info(name: str) -> TemplateInfo:
    """Title, type, description and size of one template."""
    workspace = load_template(name)
    if not workspace.maps:
        raise InvalidInput(f"template '{name}' holds no journey map")
    primary = workspace.maps[0]
    return TemplateInfo(
        name=name,
        title=workspace.name or primary.name,
        description=workspace.description or primary.scenario or "",
        type=primary.type,
        personas=len(workspace.personas),
        stages=sum(len(m.stages) for m in workspace.maps),
        steps=sum(len(m.steps()) for m in workspace.maps),
    )


def list_templates() -> list[TemplateInfo]:
    """Every shipped template, sorted by name."""
    return [template_info(name) for name in template_names()]


def start_map(journey: JourneyMap) -> JourneyMap:
    """A template's map as the start of a team's own: a hypothesis until the team validates it.

    A template's research (its evidence, its "validated" status) is the template's, not the
    team's, so the new map never starts out validated.
    """
    journey.status = MapStatus.hypothesis
    return journey


def create_from_template(
    name: str,
    destination: Path,
    *,
    overwrite: bool = False,
    map_name: str | None = None,
    owner: str | None = None,
) -> Workspace:
    """Write the template to `destination` (any writable format; a folder path makes a workspace folder).

    `map_name` renames the template's first map; `owner` becomes the owner of every map.
    Refuses to replace an existing file or a non-empty folder unless `overwrite` is true.
    """
    workspace = load_template(name)
    for journey in workspace.maps:
        start_map(journey)
    if map_name is not None:
        if not map_name.strip():
            raise UsageError("the new map's name must not be empty")
        workspace.maps[0].name = map_name
    if owner is not None:
        for journey in workspace.maps:
            journey.owner = owner
    if _occupied(destination) and not overwrite:
        raise InvalidInput(
            f"{destination} already exists; nothing was written",
            [
                Diagnostic(
                    "already exists; nothing was written",
                    file=str(destination),
                    hint="choose another path, or overwrite it with --force",
                )
            ],
        )
    save_workspace(workspace, destination)
    return workspace


def _occupied(path: Path) -> bool:
    if path.is_dir():
        return any(path.iterdir())
    return path.exists()


__all__ = [
    "TEMPLATE_DIR",
    "TemplateInfo",
    "create_from_template",
    "list_templates",
    "load_template",
    "start_map",
    "template_info",
    "template_names",
    "template_path",
]
