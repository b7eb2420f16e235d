"""The workshop's agenda (the practice's steps and times) and its shared timer.

The timer runs on the server's clock: a running step stores when its time is up
(`ends_at`), a paused or idle one how much is left, so every client computes the same
time left from `server_time`, and a reload shows what it showed before. Time actually
spent on each step is added up whenever a step stops running.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from journeyline.errors import Diagnostic, InvalidInput

SHOWS = (
    "scope",
    "stage",
    "backstory",
    "lanes",
    "pain_points",
    "sentiment",
    "big_picture",
    "summary",
)
"""Which part of the board an agenda step shows."""

DEFAULT_AGENDA: tuple[tuple[str, float, str, str], ...] = (
    (
        "Scope",
        15,
        "scope",
        "Agree whose journey this is, the scenario, where it starts and ends, and what the map is for.",
    ),
    (
        "Set the stage",
        5,
        "stage",
        "Name the stages of the journey from the persona's point of view, left to right.",
    ),
    (
        "Back-story",
        10,
        "backstory",
        "Write the persona's pain points, requirements, outcomes and highest goal before the journey starts.",
    ),
    (
        "Does, thinks and feels",
        45,
        "lanes",
        "Silently write what the persona does, thinks and feels in each stage, one note per idea, then read them out.",
    ),
    (
        "Pain points",
        20,
        "pain_points",
        "Mark where it hurts: one pain point per note, placed at the step where it happens.",
    ),
    (
        "Sentiment line",
        15,
        "sentiment",
        "Score how the persona feels at each step and draw the line through the highs and lows.",
    ),
    (
        "Big picture",
        15,
        "big_picture",
        "Step back, group what belongs together, and vote on the pain points and opportunities to tackle first.",
    ),
    (
        "Follow-ups",
        10,
        "summary",
        "Agree owners and next steps, set the map's status and review date, and send the stakeholder summary.",
    ),
)
"""The practice's steps, in order: (name, minutes, what it shows, what to do)."""

MAX_STEPS = 40
MAX_MINUTES = 600
NAME_LENGTH = 120
WHAT_LENGTH = 500
TIMER_STATES = ("idle", "running", "paused", "ended")


def new_step_id() -> str:
    """A fresh id for an agenda step."""
    return "as_" + secrets.token_hex(5)


def default_agenda() -> list[dict[str, Any]]:
    """The practice's agenda with its default minutes, nothing spent yet."""
    return [
        {
            "id": new_step_id(),
            "name": name,
            "minutes": minutes,
            "what": what,
            "shows": shows,
            "spent_seconds": 0.0,
            "started_at": None,
        }
        for name, minutes, shows, what in DEFAULT_AGENDA
    ]


def _invalid(message: str, hint: str) -> InvalidInput:
    return InvalidInput(message, [Diagnostic(message, hint=hint)])


def edited_agenda(current: list[dict[str, Any]], steps: Any) -> list[dict[str, Any]]:
    """The agenda after the facilitator replaced its list: edited, reordered or extended.

    Steps that name an existing `id` keep their spent time; new ones (no id) start at 0.
    """
    if not isinstance(steps, list) or not steps:
        raise _invalid(
            "agenda: send a non-empty list of steps", 'e.g. [{"name": "Scope", "minutes": 15}]'
        )
    if len(steps) > MAX_STEPS:
        raise _invalid(f"agenda: at most {MAX_STEPS} steps", "merge or drop some steps")
    known = {step["id"]: step for step in current}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, step in enumerate(steps):
        where = f"agenda[{index}]"
        if not isinstance(step, dict):
            raise _invalid(f"{where}: a step is an object", 'send {"name": …, "minutes": …}')
        unknown = set(step) - {
            "id",
            "name",
            "minutes",
            "what",
            "shows",
            "spent_seconds",
            "started_at",
        }
        if unknown:
            raise _invalid(
                f"{where}: unknown key '{sorted(unknown)[0]}'",
                "a step has id, name, minutes, what and shows",
            )
        name = step.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > NAME_LENGTH:
            raise _invalid(
                f"{where}.name: give a name of 1 to {NAME_LENGTH} characters", "e.g. 'Scope'"
            )
        minutes = step.get("minutes")
        if (
            isinstance(minutes, bool)
            or not isinstance(minutes, int | float)
            or not 0 < minutes <= MAX_MINUTES
        ):
            raise _invalid(
                f"{where}.minutes: give a number of minutes above 0 and at most {MAX_MINUTES}",
                "e.g. 15",
            )
        what = step.get("what") or ""
        if not isinstance(what, str) or len(what) > WHAT_LENGTH:
            raise _invalid(f"{where}.what: at most {WHAT_LENGTH} characters", "one sentence")
        shows = step.get("shows") or "big_picture"
        if shows not in SHOWS:
            raise _invalid(
                f"{where}.shows: unknown part '{shows}'", f"use one of: {', '.join(SHOWS)}"
            )
        given = step.get("id")
        before = known.get(given) if isinstance(given, str) else None
        step_id = str(given) if before is not None and given not in seen else new_step_id()
        seen.add(step_id)
        out.append(
            {
                "id": step_id,
                "name": name.strip(),
                "minutes": float(minutes) if isinstance(minutes, float) else minutes,
                "what": what.strip(),
                "shows": shows,
                "spent_seconds": before["spent_seconds"] if before else 0.0,
                "started_at": before["started_at"] if before else None,
            }
        )
    return out


def iso(moment: dt.datetime | None) -> str | None:
    """A naive-UTC moment as ISO 8601 with Z."""
    if moment is None:
        return None
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def parse_iso(text: str | None) -> dt.datetime | None:
    """The naive-UTC moment of an ISO string written by `iso`."""
    if not text:
        return None
    return dt.datetime.fromisoformat(text.rstrip("Z"))


def idle_timer() -> dict[str, Any]:
    """A timer that has not started."""
    return {"state": "idle", "step": None, "ends_at": None, "remaining": None, "run_started": None}


class Timer:
    """The shared timer and current step of one workshop, changed by the facilitator's actions.

    `agenda` and `timer` are the stored forms, changed in place; `now` is the server's clock.
    """

    def __init__(
        self,
        agenda: list[dict[str, Any]],
        timer: dict[str, Any],
        current: int | None,
        now: dt.datetime,
    ) -> None:
        self.agenda = agenda
        self.timer = timer
        self.current = current
        self.now = now

    def _planned(self, index: int) -> float:
        return float(self.agenda[index]["minutes"]) * 60.0

    def _stop_clock(self) -> None:
        """Add the running stretch to the current step's spent time."""
        started = parse_iso(self.timer.get("run_started"))
        step = self.timer.get("step")
        if started is not None and step is not None and 0 <= step < len(self.agenda):
            spent = max(0.0, (self.now - started).total_seconds())
            self.agenda[step]["spent_seconds"] = round(
                self.agenda[step]["spent_seconds"] + spent, 3
            )
        self.timer["run_started"] = None

    def _left(self) -> float:
        if self.timer["state"] == "running":
            ends = parse_iso(self.timer["ends_at"])
            return (ends - self.now).total_seconds() if ends else 0.0
        remaining = self.timer.get("remaining")
        if remaining is None and self.current is not None:
            return self._planned(self.current)
        return float(remaining or 0.0)

    def _run(self, index: int, seconds: float) -> None:
        self.current = index
        step = self.agenda[index]
        if step["started_at"] is None:
            step["started_at"] = iso(self.now)
        self.timer.update(
            state="running",
            step=index,
            ends_at=iso(self.now + dt.timedelta(seconds=seconds)),
            remaining=None,
            run_started=iso(self.now),
        )

    def _move(self, index: int, *, keep_running: bool) -> None:
        if self.timer["state"] == "running":
            self._stop_clock()
        if keep_running:
            self._run(index, self._planned(index))
        else:
            self.current = index
            self.timer.update(
                state="idle", step=index, ends_at=None, remaining=self._planned(index)
            )

    def act(self, action: str, *, minutes: float | None = None, step: int | None = None) -> None:
        """Apply one facilitator action: start, pause, resume, extend, next, previous, goto."""
        state = self.timer["state"]
        last = len(self.agenda) - 1
        if action in ("start", "resume"):
            if state == "running":
                return
            index = self.current if self.current is not None and 0 <= self.current <= last else 0
            seconds = (
                self._left()
                if state in ("paused", "idle") and self.timer.get("step") == index
                else self._planned(index)
            )
            if state == "ended":
                seconds = self._planned(index)
            self._run(index, seconds)
        elif action == "pause":
            if state != "running":
                raise _invalid("the timer is not running", "start it first")
            left = self._left()
            self._stop_clock()
            self.timer.update(state="paused", ends_at=None, remaining=round(left, 3))
        elif action == "extend":
            if minutes is None or isinstance(minutes, bool) or not 0 < minutes <= MAX_MINUTES:
                raise _invalid(
                    f"extend: give 'minutes' above 0 and at most {MAX_MINUTES}",
                    'e.g. {"action": "extend", "minutes": 5}',
                )
            if self.current is None:
                raise _invalid("extend: no step has started yet", "start the timer first")
            if state == "running":
                ends = parse_iso(self.timer["ends_at"]) or self.now
                # Overtime counts from now: extending a step that ran out gives it `minutes` more.
                self.timer["ends_at"] = iso(max(ends, self.now) + dt.timedelta(minutes=minutes))
            else:
                self.timer["remaining"] = round(max(0.0, self._left()) + minutes * 60.0, 3)
                self.timer["step"] = self.current
                if state == "ended":
                    self.timer["state"] = "paused"
        elif action == "next":
            if self.current is None:
                self._run(0, self._planned(0))
            elif self.current >= last:
                if state == "running":
                    self._stop_clock()
                self.timer.update(state="ended", ends_at=None, remaining=0.0)
            else:
                self._move(self.current + 1, keep_running=True)
        elif action == "previous":
            if self.current is None or self.current == 0:
                raise _invalid("previous: this is the first step", "use next or goto")
            self._move(self.current - 1, keep_running=state == "running")
        elif action == "goto":
            if step is None or isinstance(step, bool) or not 0 <= step <= last:
                raise _invalid(
                    f"goto: give 'step', an index from 0 to {last}",
                    'e.g. {"action": "goto", "step": 2}',
                )
            self._move(step, keep_running=state == "running")
        else:
            raise _invalid(
                f"unknown timer action '{action}'",
                "use start, pause, resume, extend, next, previous or goto",
            )

    def close(self) -> None:
        """Stop the clock for good (the workshop ends)."""
        if self.timer["state"] == "running":
            self._stop_clock()
        self.timer.update(state="ended", ends_at=None, remaining=0.0)


def timer_view(timer: dict[str, Any], audible: bool) -> dict[str, Any]:
    """The timer as the API shows it."""
    state = timer.get("state", "idle")
    return {
        "state": state,
        "step": timer.get("step"),
        "ends_at": timer.get("ends_at") if state == "running" else None,
        "remaining_seconds": None if state == "running" else timer.get("remaining"),
        "audible": audible,
    }


def agenda_view(
    agenda: list[dict[str, Any]], timer: dict[str, Any], now: dt.datetime
) -> list[dict[str, Any]]:
    """The agenda with each step's spent time up to `now` (a running step counts on)."""
    out = [dict(step) for step in agenda]
    started = parse_iso(timer.get("run_started"))
    step = timer.get("step")
    if (
        timer.get("state") == "running"
        and started is not None
        and step is not None
        and 0 <= step < len(out)
    ):
        out[step]["spent_seconds"] = round(
            out[step]["spent_seconds"] + max(0.0, (now - started).total_seconds()), 3
        )
    return out
