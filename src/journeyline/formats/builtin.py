"""The formats Journeyline ships with, registered through the same hook plug-ins use."""

from __future__ import annotations

import importlib

from journeyline.formats.document import read_document
from journeyline.formats.files import write_document
from journeyline.formats.registry import FileFormat, register_format

YAML_FORMAT = FileFormat(
    name="yaml",
    extensions=(".yaml", ".yml"),
    description="Journeyline document (YAML): the whole workspace, lossless",
    read=read_document,
    write=write_document,
)

JSON_FORMAT = FileFormat(
    name="json",
    extensions=(".json",),
    description="Journeyline document (JSON): the whole workspace, lossless",
    read=read_document,
    write=write_document,
)

_IMPORT_EXPORT = (
    ("journeyline.formats.mermaid", "MERMAID_FORMAT"),
    ("journeyline.formats.spreadsheet", "CSV_FORMAT"),
    ("journeyline.formats.spreadsheet", "XLSX_FORMAT"),
    ("journeyline.formats.markdown", "MARKDOWN_FORMAT"),
)


def register_builtin_formats() -> None:
    """Register the YAML and JSON documents and the built-in import/export formats."""
    register_format(YAML_FORMAT)
    register_format(JSON_FORMAT)
    for module_name, attribute in _IMPORT_EXPORT:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue  # not written yet
            raise
        file_format = getattr(module, attribute, None)
        if isinstance(file_format, FileFormat):
            register_format(file_format)
