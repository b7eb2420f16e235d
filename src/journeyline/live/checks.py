"""Checking an incoming update before the server applies it: refuse what would break the map."""

from __future__ import annotations

import contextlib
from asyncio import CancelledError
from collections.abc import Callable
from typing import Any

from pycrdt import Array, Doc, Map, Text
from pydantic import BaseModel, ValidationError

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.live.layout import (
    COLLECTIONS,
    KINDS,
    LAYOUT_VERSION,
    POSITION_KEY,
    ROOTS,
    STAGE_KEY,
    Kind,
)
from journeyline.live.positions import is_position_text
from journeyline.live.reading import ID_RE, SHAPES, is_shared, plain, read_fields, roots_of


class RefusedUpdate(InvalidInput):
    """An update that would break the live document: what is wrong and where, one per line."""


# --- checking updates ----------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    if isinstance(value, Text):
        return "shared text (Y.Text)"
    if isinstance(value, Array):
        return "a shared array (Y.Array)"
    if isinstance(value, Map):
        return "a shared map (Y.Map)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a plain string"
    if isinstance(value, list):
        return "a plain list"
    if isinstance(value, dict):
        return "a plain object"
    return type(value).__name__


def _check_shapes(kind: Kind, entry: Map[Any], where: str, problems: list[str]) -> None:
    shapes = SHAPES[kind.name]
    in_collection = kind.name in COLLECTIONS
    for key in entry.keys():  # noqa: SIM118 (pycrdt types __iter__ loosely)
        value = entry[key]
        here = f"{where}/{key}"
        if in_collection and key == POSITION_KEY:
            if not is_position_text(value):
                problems.append(f"{here}: a position must be 1 to 1024 characters of 0-9A-Za-z")
            continue
        if kind.name == "steps" and key == STAGE_KEY:
            if not isinstance(value, str):
                problems.append(
                    f"{here}: the stage must be a stage id (a plain string), not {_type_name(value)}"
                )
            continue
        shape = shapes.get(key)
        if shape is None:
            problems.append(f"{here}: unknown field '{key}' (layout {LAYOUT_VERSION})")
        elif shape == "text":
            if not isinstance(value, Text):
                problems.append(f"{here}: must be shared text (Y.Text), not {_type_name(value)}")
        elif shape in ("list", "id_list"):
            if not isinstance(value, Array):
                problems.append(f"{here}: must be a Y.Array of strings, not {_type_name(value)}")
            elif not all(isinstance(item, str) for item in value):
                problems.append(f"{here}: must hold strings only")
        elif shape == "text_map":
            if not isinstance(value, Map):
                problems.append(f"{here}: must be a Y.Map of Y.Text, not {_type_name(value)}")
            else:
                for lane in value.keys():  # noqa: SIM118
                    if not isinstance(value[lane], Text):
                        problems.append(
                            f"{here}/{lane}: must be shared text (Y.Text), not {_type_name(value[lane])}"
                        )
        elif is_shared(value):
            problems.append(f"{here}: must be a plain value, not {_type_name(value)}")
    if in_collection and POSITION_KEY not in entry:
        problems.append(f"{where}: has no position ('{POSITION_KEY}')")
    if kind.name == "steps" and STAGE_KEY not in entry:
        problems.append(f"{where}: has no stage ('{STAGE_KEY}')")


def _check_values(
    model: type[BaseModel], data: dict[str, Any], where: str, problems: list[str]
) -> None:
    try:
        model.model_validate(data)
    except ValidationError as error:
        for problem in error.errors():
            loc = "/".join(str(part) for part in problem["loc"])
            problems.append(
                f"{where}/{loc}: {problem['msg']}" if loc else f"{where}: {problem['msg']}"
            )


def _check_element(
    name: str, element_id: str, entry: Any, problems: list[str], *, shapes: bool = True
) -> None:
    """Check one element; `shapes=False` when only its existing text fields were typed into
    (every field keeps its type: only the values are checked)."""
    where = f"{name}/{element_id}"
    if not ID_RE.match(element_id):
        problems.append(
            f"{where}: '{element_id}' is not an allowed id (letters, digits, '-', '_', '.')"
        )
    if not isinstance(entry, Map):
        problems.append(f"{where}: an element must be a Y.Map, not {_type_name(entry)}")
        return
    kind = KINDS[name]
    before = len(problems)
    if shapes:
        _check_shapes(kind, entry, where, problems)
    if len(problems) > before:
        return
    fields = read_fields(kind, plain(entry), where, [])
    fields["id"] = element_id
    _check_values(kind.model, fields, where, problems)


def _check_root(doc: Doc[Any], name: str, problems: list[str]) -> None:
    root = doc.get(name, type=Map)
    if name == "meta":
        layout = root.get("layout")
        if layout != LAYOUT_VERSION:
            problems.append(f"meta/layout: must stay {LAYOUT_VERSION}, not {layout!r}")
        for key in root:
            if key != "layout":
                problems.append(f"meta/{key}: unknown key (layout {LAYOUT_VERSION})")
        return
    kind = KINDS[name]
    before = len(problems)
    _check_shapes(kind, root, name, problems)
    if len(problems) > before:
        return
    fields = read_fields(kind, plain(root), name, [])
    _check_values(kind.model, fields, name, problems)


def check_update(doc: Doc[Any], update: bytes) -> None:
    """Refuse an update that would break the document; `doc` itself is not changed.

    Checked on a copy with the update applied, for every root and element the update
    touches: the layout stays 1, no other roots, each field holds its layout's shared type,
    values are ones the model accepts, positions are position strings, steps name a stage,
    an element's id is allowed and not taken in another collection. RefusedUpdate says
    what and where (one diagnostic per problem). Broken references are not refused: they
    can come from concurrent edits and the repair rules fix them. A room that checks many
    updates uses an :class:`UpdateChecker` instead (no fresh copy per update).
    """
    _check_on(_copy_of(doc), update)


class UpdateChecker:
    """check_update for one room: the copy is kept and brought up to date from the room's
    document before each check (a diff, not a full copy). After a refusal the copy is
    rebuilt; call `reset()` if an update that passed is then not applied to the document."""

    def __init__(self, doc: Doc[Any]) -> None:
        self.doc = doc
        self._copy: Doc[Any] | None = None
        self._touches: _Touches | None = None

    def check(self, update: bytes) -> None:
        """As :func:`check_update`; raises RefusedUpdate."""
        if self._copy is None or self._touches is None:
            self._copy = _copy_of(self.doc)
            # Watched once for the copy's life: subscribing per update costs more than the check.
            self._touches = _Touches(self._copy)
        else:
            self._copy.apply_update(self.doc.get_update(self._copy.get_state()))
        try:
            _check_on(self._copy, update, self._touches)
        except RefusedUpdate:
            self.reset()
            raise

    @property
    def checked(self) -> Doc[Any] | None:
        """The copy with the update last checked applied (None after a refusal or reset):
        further rules read the document as it would be."""
        return self._copy

    def reset(self) -> None:
        """Forget the copy (it may hold an update the document never got)."""
        if self._touches is not None:
            self._touches.stop()
        self._copy = None
        self._touches = None


_MISSING = object()
"""What `Map.get` gives for a key that is not there (a value may be null)."""


class _Touches:
    """What changes to a document touch: the plain roots, and each collection's element ids."""

    def __init__(self, doc: Doc[Any]) -> None:
        self.roots = roots_of(doc)
        self.touched_roots: set[str] = set()
        self.touched: dict[str, set[str]] = {name: set() for name in COLLECTIONS}
        self.reshaped: dict[str, set[str]] = {name: set() for name in COLLECTIONS}
        """Elements whose fields may have changed type: anything but typing into a text
        field the element already had (those cannot change any field's type)."""
        self._subscriptions = [
            (root, root.observe_deep(self._watcher(name))) for name, root in self.roots.items()
        ]

    def _watcher(self, name: str) -> Callable[[list[Any]], None]:
        touched, reshaped = self.touched, self.reshaped
        shapes = SHAPES.get(name, {})

        def collect(events: list[Any]) -> None:
            for event in events:
                path = list(event.path)
                if name not in touched:
                    self.touched_roots.add(name)
                elif path:
                    element = str(path[0])
                    touched[name].add(element)
                    typed = (
                        isinstance(event.target, Text)
                        and len(path) == 2
                        and shapes.get(str(path[1])) == "text"
                    ) or (
                        isinstance(event.target, Text)
                        and len(path) == 3
                        and shapes.get(str(path[1])) == "text_map"
                    )
                    if not typed:
                        reshaped[name].add(element)
                else:
                    keys = [str(key) for key in getattr(event, "keys", {})]
                    touched[name].update(keys)
                    reshaped[name].update(keys)

        return collect

    def clear(self) -> None:
        self.touched_roots.clear()
        for ids in (*self.touched.values(), *self.reshaped.values()):
            ids.clear()

    def stop(self) -> None:
        for root, subscription in self._subscriptions:
            with contextlib.suppress(Exception):
                root.unobserve(subscription)
        self._subscriptions = []


def _copy_of(doc: Doc[Any]) -> Doc[Any]:
    copy: Doc[Any] = Doc()
    copy.apply_update(doc.get_update())
    return copy


def _check_on(copy: Doc[Any], update: bytes, touches: _Touches | None = None) -> None:
    """Apply the update to `copy` and check what it touched (`touches`: the copy's watch,
    kept by an UpdateChecker; made and dropped here otherwise)."""
    watch = touches if touches is not None else _Touches(copy)
    watch.clear()
    try:
        copy.apply_update(update)
    except (KeyboardInterrupt, SystemExit, GeneratorExit, CancelledError):
        raise
    except BaseException as error:  # undecodable bytes: a plain exception, or a Rust panic
        # (pyo3's PanicException derives from BaseException)
        raise RefusedUpdate(
            "update refused: it is not a Yjs update",
            [Diagnostic(f"the update could not be decoded: {str(error)[:200]}")],
        ) from None
    finally:
        if touches is None:
            watch.stop()
    roots, touched_roots, touched = watch.roots, watch.touched_roots, watch.touched
    reshaped = watch.reshaped
    problems: list[str] = []
    for name in copy.keys():  # noqa: SIM118
        if name not in ROOTS:
            problems.append(
                f"{name}: not a root of the map document (layout {LAYOUT_VERSION} has {', '.join(ROOTS)})"
            )
    for name in ("meta", "map", "backstory"):
        if name in touched_roots:
            _check_root(copy, name, problems)
    for name in COLLECTIONS:
        root = roots[name]
        for element_id in sorted(touched[name]):
            entry = root.get(element_id, _MISSING)
            if entry is _MISSING:
                continue
            _check_element(name, element_id, entry, problems, shapes=element_id in reshaped[name])
            for other in COLLECTIONS:
                if other != name and roots[other].get(element_id, _MISSING) is not _MISSING:
                    problems.append(
                        f"{name}/{element_id}: the id is taken by an element in {other}"
                    )
    if problems:
        count = len(problems)
        raise RefusedUpdate(
            f"update refused: {problems[0]}" + (f" (and {count - 1} more)" if count > 1 else ""),
            [Diagnostic(problem) for problem in problems],
        )
