"""Live co-editing: a map as one shared CRDT document (pycrdt on the server, Yjs on the board).

`layout` says which shared type holds each field, `positions` orders elements, `reading`
reads a document and holds the repair rules, `checks` refuses updates that would break it,
and `document` (the API the server uses) builds documents and turns map edits into
transactions.

The names below are loaded on first use, so `python -m journeyline.live.layout` runs the
layout module without importing it twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from journeyline.live.document import (
        LAYOUT,
        REPAIR_ORIGIN,
        RefusedUpdate,
        UpdateChecker,
        apply_map,
        check_update,
        new_doc,
        pending_repairs,
        read_map,
        repair,
    )
    from journeyline.live.layout import LAYOUT_VERSION

__all__ = [
    "LAYOUT",
    "LAYOUT_VERSION",
    "REPAIR_ORIGIN",
    "RefusedUpdate",
    "UpdateChecker",
    "apply_map",
    "check_update",
    "new_doc",
    "pending_repairs",
    "read_map",
    "repair",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from journeyline.live import document, layout

        return getattr(document, name) if hasattr(document, name) else getattr(layout, name)
    raise AttributeError(f"module 'journeyline.live' has no attribute {name!r}")
