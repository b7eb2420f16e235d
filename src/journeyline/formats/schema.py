"""The published JSON Schema (draft 2020-12) of a Journeyline document, built from the model."""

from __future__ import annotations

from typing import Any

from journeyline.formats.diagnose import VERSION_KEY
from journeyline.formats.document import FORMAT_VERSION
from journeyline.model import Workspace

SCHEMA_ID = f"https://journeyline.dev/schema/journeyline-{FORMAT_VERSION}.json"
"""The schema's name. It is an identifier only: Journeyline never fetches it."""

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def document_schema() -> dict[str, Any]:
    """The JSON Schema every Journeyline YAML/JSON document (file or folder part) follows.

    Descriptions come from the model's field descriptions; every object forbids keys it
    does not define (`additionalProperties: false`), as the loader does.
    """
    body = Workspace.model_json_schema(mode="validation")
    definitions = body.pop("$defs", {})
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
