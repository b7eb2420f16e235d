"""Live co-editing: a map as one shared CRDT document (pycrdt on the server, Yjs on the board).

`layout` says which shared type holds each field, `positions` orders elements, `reading`
reads a document and holds the repair rules, `checks` refuses updates that would break it,
and `document` (the API the server uses) builds documents and turns map edits into
transactions.
"""

from journeyline.live.document import (
    REPAIR_ORIGIN,
    RefusedUpdate,
    apply_map,
    check_update,
    new_doc,
    read_map,
    repair,
)
from journeyline.live.layout import LAYOUT, LAYOUT_VERSION

__all__ = [
    "LAYOUT",
    "LAYOUT_VERSION",
    "REPAIR_ORIGIN",
    "RefusedUpdate",
    "apply_map",
    "check_update",
    "new_doc",
    "read_map",
    "repair",
]
