"""Write files so that a failure leaves nothing half-written: temp file, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from journeyline.errors import Diagnostic, InvalidInput


def write_atomically(files: Mapping[Path, str], remove: Iterable[Path] = ()) -> None:
    """Write every file's text (UTF-8) and remove the listed files, all or nothing.

    All temp files are written first, next to their targets; only when every one is
    written are they renamed into place, so an error (a full disk, a missing folder,
    no permission) leaves the targets as they were.
    """
    temps: list[tuple[Path, Path]] = []
    try:
        for target, text in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            temps.append((Path(name), target))
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
    except OSError as error:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                temp.unlink()
        where = str(error.filename or (temps[-1][1] if temps else ""))
        message = f"cannot write {where}: {error.strerror or error}"
        raise InvalidInput(
            message, [Diagnostic(f"cannot write: {error.strerror or error}", where)]
        ) from None
    for temp, target in temps:
        os.replace(temp, target)
    for path in remove:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
