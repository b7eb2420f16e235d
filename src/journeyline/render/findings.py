"""What the renderer reads from an analysis finding: the one type the layout and the
sentiment lane share, so neither has to import the other (or the analysis)."""

from __future__ import annotations

from typing import Protocol


class FindingLike(Protocol):
    """What the renderer reads from an analysis finding (see `journeyline.analysis.Finding`)."""

    @property
    def kind(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def step_id(self) -> str | None: ...
    @property
    def persona(self) -> str | None: ...
    @property
    def message(self) -> str: ...
