"""The formats Journeyline ships with, registered through the same hook plug-ins use."""

from __future__ import annotations

from journeyline.formats.document import read_document
from journeyline.formats.files import write_document
from journeyline.formats.markdown import MARKDOWN_FORMAT
from journeyline.formats.mermaid import MERMAID_FORMAT
from journeyline.formats.registry import FileFormat, register_format
from journeyline.formats.spreadsheet import CSV_FORMAT, XLSX_FORMAT

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


def register_builtin_formats() -> None:
    """Register the YAML and JSON documents and the built-in import/export formats."""
    for file_format in (
        YAML_FORMAT,
        JSON_FORMAT,
        MERMAID_FORMAT,
        CSV_FORMAT,
        XLSX_FORMAT,
        MARKDOWN_FORMAT,
    ):
        register_format(file_format)
