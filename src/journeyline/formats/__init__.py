"""Files in and out: the YAML/JSON file format, workspace folders, and import/export formats."""

from journeyline.formats.builtin import register_builtin_formats
from journeyline.formats.files import load_map, load_workspace, save_workspace
from journeyline.formats.registry import FileFormat, Loaded, format_for, formats, register_format

register_builtin_formats()

__all__ = [
    "FileFormat",
    "Loaded",
    "format_for",
    "formats",
    "load_map",
    "load_workspace",
    "register_builtin_formats",
    "register_format",
    "save_workspace",
]
