// The agenda strip over the workshop: every step of the agenda (the current one marked), what
// to do now in one sentence, the time left from the server's clock with a visible (and, if this
// person turns it on, audible) end, and the facilitator's timer buttons.
import { useEffect, useState } from "react";
import type { TimerAction } from "./api";
import { formatClock, progress, spokenClock } from "./clock";
import { useCurrentStep, useMe, useRoom, useRoomState, useTimeLeft } from "./hooks";
import { WorkshopRoom } from "./room";
import { playEndChime, unlockSound } from "./sound";

export function useTimerAction(): (action: TimerAction, done?: string) => Promise<void> {
  const room = useRoom();
  return async (action, done) => {
    await room.run(() => room.api.timer(action), WorkshopRoom.workshop, done);
  };
}

/** The big clock: time left (or over), its progress, and the end shown when time is up. */
export function TimerDisplay({ big = false }: { big?: boolean }) {
  const timer = useRoomState((s) => s.workshop?.timer ?? null);
  const { step } = useCurrentStep();
  const [sound, setSound] = useState(false);
  const audibleDefault = timer?.audible ?? false;
  const left = useTimeLeft(() => {
    if (sound) playEndChime();
  });
  // Facilitator turned the audible end on: offer it (browsers need a click before sound plays).
  useEffect(() => {
    if (!audibleDefault) setSound(false);
  }, [audibleDefault]);
  const up = left !== null && left <= 0 && timer?.state === "running";
  const state = timer?.state ?? "idle";
  const share = progress(step, left);
  const whole = left === null ? "" : String(Math.ceil(left - 1e-6));
  // When time is up by this device's clock (the server's end less the measured offset): the same
  // instant on every screen whose clock estimate is right.
  const room = useRoom();
  const deadline = timer?.state === "running" && timer.ends_at ? String(Math.round(Date.parse(timer.ends_at) - room.clock.offset)) : "";
  return (
    <div className={`ws-timer${big ? " big" : ""}${up ? " up" : ""} ${state}`} data-testid="workshop-timer" data-state={state} data-seconds={whole} data-deadline={deadline} data-step={timer?.step ?? ""}>
      <span className="ws-clock" role="timer" aria-label={`${step?.name ?? "Timer"}: ${spokenClock(left)}${state === "paused" ? ", paused" : ""}`}>
        {formatClock(left)}
      </span>
      <span className="ws-timer-meta">
        {state === "paused" && <span className="ws-badge">Paused</span>}
        {state === "idle" && step && <span className="ws-badge">Not started</span>}
        {up && (
          <span className="ws-badge ws-time-up" role="status">
            Time is up
          </span>
        )}
        <span className="ws-progress" aria-hidden="true">
          <span style={{ width: `${Math.round(share * 100)}%` }} />
        </span>
      </span>
      {!big && audibleDefault && (
        <button
          type="button"
          className="mini"
          aria-pressed={sound}
          title={sound ? "Play no sound when time is up" : "Play a chime on this device when time is up"}
          onClick={() => {
            if (!sound && !unlockSound()) return;
            setSound(!sound);
          }}
        >
          {sound ? "🔔 Sound on" : "🔕 Sound off"}
        </button>
      )}
    </div>
  );
}

export function AgendaStrip() {
  const workshop = useRoomState((s) => s.workshop);
  const { step, index } = useCurrentStep();
  const { facilitator } = useMe();
  const timer = useTimerAction();
  if (!workshop) return null;
  const state = workshop.timer.state;
  const last = workshop.agenda.length - 1;
  return (
    <header className="ws-strip" aria-label="Agenda">
      <ol className="ws-agenda" aria-label="Agenda steps">
        {workshop.agenda.map((s, i) => {
          const current = i === index;
          const done = index !== null && i < index;
          const label = `${i + 1}. ${s.name}, ${s.minutes} min${current ? " (now)" : done ? " (done)" : ""}`;
          return (
            <li key={s.id ?? i} className={current ? "current" : done ? "done" : undefined} aria-current={current ? "step" : undefined}>
              {facilitator && !current && workshop.status !== "ended" ? (
                <button type="button" className="ws-chip" title={`Go to “${s.name}” and start its time`} aria-label={`Go to step ${label}`} onClick={() => void timer({ action: "goto", step: i })}>
                  {s.name} <small>{s.minutes}′</small>
                </button>
              ) : (
                <span className="ws-chip" aria-label={label}>
                  {s.name} <small>{s.minutes}′</small>
                </span>
              )}
            </li>
          );
        })}
      </ol>
      <div className="ws-now">
        <div className="ws-now-text">
          <h2 data-testid="workshop-step" data-index={index ?? ""}>
            {step ? step.name : workshop.status === "ended" ? "The workshop has ended" : "Not started yet"}
          </h2>
          <p className="ws-what">{step ? step.what : workshop.status === "ended" ? "Thank you for taking part." : "The facilitator starts the first step."}</p>
        </div>
        <TimerDisplay />
        {facilitator && workshop.status !== "ended" && (
          <div className="ws-timer-buttons" role="group" aria-label="Timer">
            <button type="button" disabled={index === null || index <= 0} onClick={() => void timer({ action: "previous" })} aria-label="Previous step">
              ‹ Previous
            </button>
            {state === "running" ? (
              <button type="button" onClick={() => void timer({ action: "pause" })}>
                Pause
              </button>
            ) : state === "paused" ? (
              <button type="button" className="primary" onClick={() => void timer({ action: "resume" })}>
                Resume
              </button>
            ) : (
              <button type="button" className="primary" onClick={() => void timer({ action: "start" })}>
                Start
              </button>
            )}
            <button type="button" onClick={() => void timer({ action: "extend", minutes: 1 })} aria-label="+1 min: extend by 1 minute">
              +1 min
            </button>
            <button type="button" onClick={() => void timer({ action: "extend", minutes: 5 })} aria-label="+5: extend by 5 minutes">
              +5
            </button>
            <button type="button" disabled={index !== null && index >= last} onClick={() => void timer({ action: "next" })} aria-label="Next step">
              Next ›
            </button>
          </div>
        )}
      </div>
    </header>
  );
}
