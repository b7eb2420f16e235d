// The workshop's shared clock: the server keeps the timer (when the step's time is up), every
// client estimates how far its own clock is from the server's and counts down from that, so
// everyone in the room sees the same time left within a second, across reloads.
import type { AgendaStep, Timer } from "./api";

/** One estimate of (server clock − this device's clock) in ms, with how uncertain it is. */
export interface OffsetSample { offset: number; uncertainty: number }

/**
 * The offset from one request: the server stamped `serverTime` somewhere between `sentAt`
 * and `receivedAt` (this device's clock, ms), so the best guess is the midpoint and the error
 * is at most half the round trip (Cristian's algorithm).
 */
export function sampleFromRequest(serverTime: string, sentAt: number, receivedAt: number): OffsetSample | null {
  const server = Date.parse(serverTime);
  if (Number.isNaN(server) || receivedAt < sentAt) return null;
  return { offset: server - (sentAt + receivedAt) / 2, uncertainty: (receivedAt - sentAt) / 2 };
}

/**
 * Keeps the best estimate of the server's clock. Samples with a known round trip compete on
 * their uncertainty (the smallest wins; older ones grow less trustworthy as clocks drift);
 * a pushed message (sent at `serverTime`, received at `receivedAt`) only tells that the offset
 * is at least `serverTime − receivedAt`, and raises the estimate when it is below that.
 */
export class ServerClock {
  private best: OffsetSample | null = null;
  private bestAt = 0;

  constructor(private now: () => number = () => Date.now()) {}

  /** Server clock minus this device's, in ms (0 until the first sample). */
  get offset(): number {
    return this.best?.offset ?? 0;
  }

  get known(): boolean {
    return this.best !== null;
  }

  /** A sample from a request/response pair. */
  addRequest(serverTime: string, sentAt: number, receivedAt: number): void {
    const s = sampleFromRequest(serverTime, sentAt, receivedAt);
    if (!s) return;
    // Drift: an old sample's error grows by 1 ms per 10 s (100 ppm, a poor quartz clock).
    const aged = this.best ? this.best.uncertainty + (receivedAt - this.bestAt) / 10_000 : Infinity;
    if (s.uncertainty <= aged) {
      this.best = s;
      this.bestAt = receivedAt;
    }
  }

  /** A pushed message stamped `serverTime` that arrived at `receivedAt`. */
  addPush(serverTime: string, receivedAt: number = this.now()): void {
    const server = Date.parse(serverTime);
    if (Number.isNaN(server)) return;
    const floor = server - receivedAt; // offset ≥ this (the message took ≥ 0 ms)
    if (!this.best) {
      this.best = { offset: floor, uncertainty: 1000 };
      this.bestAt = receivedAt;
    } else if (floor > this.best.offset) {
      this.best = { offset: floor, uncertainty: Math.max(0, this.best.uncertainty - (floor - this.best.offset)) };
      this.bestAt = receivedAt;
    }
  }

  /** The server's time now, in ms since the epoch. */
  serverNow(): number {
    return this.now() + this.offset;
  }
}

/**
 * Seconds left on the timer at server time `now` (ms): counted down from `ends_at` while
 * running (negative once time is up: the overrun), what was left while paused or idle, and 0
 * once ended. `null` when no step has a time.
 */
export function secondsLeft(timer: Timer, now: number): number | null {
  if (timer.state === "running" && timer.ends_at) return (Date.parse(timer.ends_at) - now) / 1000;
  if (timer.state === "ended") return 0;
  return timer.remaining_seconds;
}

/** The time left as the timer shows it: "12:05", "0:09", "−1:30" past the end, "1:02:00" past an hour. */
export function formatClock(seconds: number | null): string {
  if (seconds === null || Number.isNaN(seconds)) return "--:--";
  // Whole seconds rounded up: 15:00 until a full second has gone, 0:00 for the first second past the end.
  const whole = Math.ceil(seconds - 1e-6);
  const sign = whole < 0 ? "−" : "";
  const abs = Math.abs(whole);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${sign}${h ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

/** Time left spoken for a screen reader, at a calm granularity ("4 minutes left", "30 seconds left"). */
export function spokenClock(seconds: number | null): string {
  if (seconds === null) return "no timer";
  if (seconds <= 0) return seconds < -30 ? `${Math.round(-seconds / 60)} minutes over time` : "time is up";
  if (seconds > 90) return `${Math.round(seconds / 60)} minutes left`;
  return `${Math.ceil(seconds / 10) * 10} seconds left`;
}

/** The share of the step's planned time already used, 0…1 (1 once time is up). */
export function progress(step: AgendaStep | null, seconds: number | null): number {
  if (!step || seconds === null || step.minutes <= 0) return 0;
  return Math.min(1, Math.max(0, 1 - seconds / (step.minutes * 60)));
}

/** Planned minutes of an agenda, and the minutes actually spent so far (from `spent_seconds`). */
export function agendaTotals(agenda: AgendaStep[]): { planned: number; spent: number } {
  let planned = 0;
  let spent = 0;
  for (const s of agenda) {
    planned += s.minutes;
    spent += (s.spent_seconds ?? 0) / 60;
  }
  return { planned, spent };
}

/** The moment the timer crossed zero, seen by a ticking clock: true once, on the tick where it ended. */
export function crossedZero(before: number | null, after: number | null): boolean {
  return before !== null && after !== null && before > 0 && after <= 0;
}
