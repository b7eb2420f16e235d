"""The published JSON Schema (draft 2020-12) of a Journeyline document, built from the model."""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import GenerateJsonSchema, NoDefault
from pydantic_core import core_schema

from journeyline.formats.diagnose import VERSION_KEY
from journeyline.formats.document import FORMAT_VERSION
from journeyline.model import Workspace
from journeyline.model.journey import Lane

SCHEMA_ID = f"https://journeyline.dev/schema/journeyline-{FORMAT_VERSION}.json"
"""The schema's name. It is an identifier only: Journeyline never fetches it."""

DRAFT = "https://json-schema.org/draft/2020-12/schema"


class _WithFactoryDefaults(GenerateJsonSchema):
    """Pydantic's schema, with the defaults that `default_factory` makes written out too.

    A map's default lanes, an empty list, the -5 … +5 scale: a reader of the schema (an
    editor, the front-end's generated model in frontend/src/model.generated.ts) sees what
    an omitted key means, as it does for plain defaults.
    """

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        factory = schema.get("default_factory")
        if factory is not None and not schema.get("default_factory_takes_data"):
            return factory()  # type: ignore[call-arg]
        return schema.get("default", NoDefault)


def document_schema() -> dict[str, Any]:
    """The JSON Schema every Journeyline YAML/JSON document (file or folder part) follows.

    Descriptions come from the model's field descriptions; every object forbids keys it
    does not define (`additionalProperties: false`), as the loader does.
    """
    body = Workspace.model_json_schema(mode="validation", schema_generator=_WithFactoryDefaults)
    definitions = body.pop("$defs", {})
    # A map's lanes are built-in lane names or custom lanes' ids: name the built-ins.
    definitions["Lane"] = {
        "description": str(Lane.__doc__).strip(),
        "enum": [lane.value for lane in Lane],
        "title": "Lane",
        "type": "string",
    }
    lanes = definitions["JourneyMap"]["properties"]["lanes"]
    lanes["items"] = {"anyOf": [{"$ref": "#/$defs/Lane"}, {"type": "string"}]}
    definitions = dict(sorted(definitions.items()))
    properties: dict[str, Any] = {
        VERSION_KEY: {
            "const": FORMAT_VERSION,
            "description": f"Version of the document format; always {FORMAT_VERSION}. Must come first.",
            "title": "Format version",
        },
        **body.get("properties", {}),
    }
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "Journeyline document",
        "description": (
            "A Journeyline workspace, map file or workspace-folder part: "
            + str(body.get("description", "")).strip()
        ),
        "type": "object",
        "properties": properties,
        "required": [VERSION_KEY],
        "additionalProperties": False,
        "$defs": definitions,
    }
