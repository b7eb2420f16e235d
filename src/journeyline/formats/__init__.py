"""Files in and out: the YAML/JSON file format, workspace folders, and import/export formats."""

from journeyline.formats.registry import FileFormat, Loaded, format_for, formats, register_format

__all__ = ["FileFormat", "Loaded", "format_for", "formats", "register_format"]
