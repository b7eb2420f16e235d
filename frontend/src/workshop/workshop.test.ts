import { describe, expect, it } from "vitest";
import type { Note, Round, Timer, Workshop } from "./api";
import { agendaTotals, crossedZero, formatClock, progress, sampleFromRequest, secondsLeft, ServerClock, spokenClock } from "./clock";
import { contrast, KIND_ORDER, NOTE_KINDS } from "./kinds";
import { backoff, stampOf } from "./live";
import { applyMessage, EMPTY_STATE, notesOfGroup, type WorkshopState } from "./state";

const T0 = Date.parse("2026-01-01T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

function timer(over: Partial<Timer> = {}): Timer {
  return { state: "idle", step: 0, ends_at: null, remaining_seconds: 900, audible: false, ...over };
}

function workshop(over: Partial<Workshop> = {}): Workshop {
  const me = { id: "p1", name: "Ana", role: "participant" as const, guest: false, joined_at: iso(T0), present: true };
  return {
    id: "ws1", map: "m", workspace: "w", title: "Trial", status: "running",
    agenda: [{ id: "a", name: "Scope", minutes: 15, what: "Agree the scope.", shows: "scope", spent_seconds: 0, started_at: null }],
    current: 0, timer: timer(), locked: false, hidden: false, summon: null, join_url: "http://x/join/t",
    people: [me], me, server_time: iso(T0), ...over,
  };
}

function note(id: string, over: Partial<Note> = {}): Note {
  return {
    id, kind: "action", text: id, author: "p1", author_name: "Ana",
    place: { canvas: "board", stage: "s1", step: null, lane: "actions", x: null, y: null },
    group: null, hidden: false, converted: [], created_at: iso(T0), updated_at: iso(T0), ...over,
  };
}

function round(over: Partial<Round> = {}): Round {
  return { id: "r1", targets: "pain_points", budget: 3, per_item: null, status: "open", items: [], my_votes: {}, used: 0, voters: 0, results: null, ...over };
}

describe("the server clock", () => {
  it("takes the midpoint of a request as the offset (Cristian)", () => {
    // Sent at local 1000, answered at local 1200, server said T0+5100: offset = T0+5100 − 1100.
    const s = sampleFromRequest(iso(T0 + 5100), 1000, 1200)!;
    expect(s.offset).toBe(T0 + 5100 - 1100);
    expect(s.uncertainty).toBe(100);
    expect(sampleFromRequest("not a date", 0, 1)).toBeNull();
    expect(sampleFromRequest(iso(T0), 10, 5)).toBeNull();
  });

  it("keeps the sample with the shortest round trip", () => {
    let local = 0;
    const clock = new ServerClock(() => local);
    expect(clock.known).toBe(false);
    clock.addRequest(iso(T0 + 2000), 0, 2000); // ±1000 ms, offset T0+1000
    clock.addRequest(iso(T0 + 3050), 3000, 3100); // ±50 ms, offset T0
    clock.addRequest(iso(T0 + 9000), 4000, 6000); // ±1000 again: ignored
    expect(clock.offset).toBe(T0);
    local = 10_000;
    expect(clock.serverNow()).toBe(T0 + 10_000);
  });

  it("raises the estimate when a pushed message proves it too low, never lowers it", () => {
    const clock = new ServerClock(() => 0);
    clock.addRequest(iso(T0), 0, 400); // offset T0 − 200, ±200
    clock.addPush(iso(T0 + 1000), 1100); // offset ≥ T0 − 100
    expect(clock.offset).toBe(T0 - 100);
    clock.addPush(iso(T0 + 1000), 2000); // offset ≥ T0 − 1000: says nothing new
    expect(clock.offset).toBe(T0 - 100);
  });

  it("two devices with skewed clocks count down to the same second", () => {
    const endsAt = iso(T0 + 600_000);
    const t = timer({ state: "running", ends_at: endsAt, remaining_seconds: null });
    // Device A's clock is 37 s behind the server, device B's 12 s ahead; both measured with 80 ms round trips.
    const a = new ServerClock(() => T0 - 37_000 + 120_000);
    a.addRequest(iso(T0 + 40), T0 - 37_000, T0 - 37_000 + 80);
    const b = new ServerClock(() => T0 + 12_000 + 120_000);
    b.addRequest(iso(T0 + 40), T0 + 12_000, T0 + 12_000 + 80);
    const left = [a, b].map((c) => secondsLeft(t, c.serverNow())!);
    expect(Math.abs(left[0] - left[1])).toBeLessThan(0.001);
    expect(left[0]).toBeCloseTo(480, 3);
  });
});

describe("the timer", () => {
  it("counts down while running, holds while paused, is zero once ended", () => {
    const ends = iso(T0 + 90_500);
    expect(secondsLeft(timer({ state: "running", ends_at: ends }), T0)).toBeCloseTo(90.5);
    expect(secondsLeft(timer({ state: "running", ends_at: ends }), T0 + 100_500)).toBeCloseTo(-10);
    expect(secondsLeft(timer({ state: "paused", remaining_seconds: 42 }), T0)).toBe(42);
    expect(secondsLeft(timer({ state: "idle", remaining_seconds: 300 }), T0)).toBe(300);
    expect(secondsLeft(timer({ state: "ended", remaining_seconds: 12 }), T0)).toBe(0);
    expect(secondsLeft(timer({ state: "idle", remaining_seconds: null, step: null }), T0)).toBeNull();
  });

  it("shows minutes and seconds, the overrun with a minus, hours past an hour", () => {
    expect(formatClock(900)).toBe("15:00");
    expect(formatClock(899.2)).toBe("15:00");
    expect(formatClock(899)).toBe("14:59");
    expect(formatClock(9.01)).toBe("0:10");
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(-0.4)).toBe("0:00");
    expect(formatClock(-90)).toBe("−1:30");
    expect(formatClock(3720)).toBe("1:02:00");
    expect(formatClock(null)).toBe("--:--");
  });

  it("speaks the time calmly and notices the moment time is up", () => {
    expect(spokenClock(600)).toBe("10 minutes left");
    expect(spokenClock(45)).toBe("50 seconds left");
    expect(spokenClock(0)).toBe("time is up");
    expect(spokenClock(-120)).toBe("2 minutes over time");
    expect(crossedZero(0.4, -0.1)).toBe(true);
    expect(crossedZero(-0.1, -1.1)).toBe(false);
    expect(crossedZero(null, -1)).toBe(false);
  });

  it("measures progress and the agenda's planned and spent minutes", () => {
    const step = workshop().agenda[0];
    expect(progress(step, 450)).toBeCloseTo(0.5);
    expect(progress(step, -5)).toBe(1);
    expect(agendaTotals([{ ...step, spent_seconds: 600 }, { ...step, minutes: 5, spent_seconds: 0 }])).toEqual({ planned: 20, spent: 10 });
  });
});

describe("the live channel", () => {
  it("waits longer after each failed attempt, up to 8 s", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => backoff(n, mid))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoff(0, () => 0)).toBe(375);
    expect(backoff(0, () => 1)).toBe(625);
  });

  it("reads the server time off state and patch messages", () => {
    expect(stampOf({ type: "patch", server_time: iso(T0) })).toBe(iso(T0));
    expect(stampOf({ type: "patch", workshop: workshop({ server_time: iso(T0 + 1) }) })).toBe(iso(T0 + 1));
    expect(stampOf({ type: "ended" })).toBeNull();
  });
});

describe("applying state and patch messages", () => {
  const start = (): WorkshopState =>
    applyMessage(EMPTY_STATE, { type: "state", workshop: workshop(), notes: [note("n1"), note("n2")], groups: [], rounds: [round()], hidden_counts: { p2: 3 } });

  it("a state message replaces everything", () => {
    const s = start();
    expect(s.notes.map((n) => n.id)).toEqual(["n1", "n2"]);
    expect(s.hiddenCounts).toEqual({ p2: 3 });
    const again = applyMessage(s, { type: "state", workshop: workshop(), notes: [note("n3")], groups: [], rounds: [] });
    expect(again.notes.map((n) => n.id)).toEqual(["n3"]);
    expect(again.rounds).toEqual([]);
    expect(again.hiddenCounts).toEqual({});
  });

  it("a patch upserts notes in place, appends new ones and drops deleted ones", () => {
    const later = iso(T0 + 1000);
    const s = applyMessage(start(), { type: "patch", notes: [note("n2", { text: "edited", updated_at: later }), note("n4")], deleted_notes: ["n1"] });
    expect(s.notes.map((n) => [n.id, n.text])).toEqual([["n2", "edited"], ["n4", "n4"]]);
  });

  it("a late copy of a note never undoes a newer one", () => {
    const fresh = applyMessage(start(), { type: "patch", notes: [note("n1", { text: "new", updated_at: iso(T0 + 2000) })] });
    const late = applyMessage(fresh, { type: "patch", notes: [note("n1", { text: "old", updated_at: iso(T0 + 1000) })] });
    expect(late.notes[0].text).toBe("new");
  });

  it("groups and rounds upsert, deleted groups go, the workshop follows the newest read", () => {
    let s = applyMessage(start(), { type: "patch", groups: [{ id: "g1", label: "Sign-up", notes: ["n2", "n1", "gone"] }] });
    expect(notesOfGroup(s, s.groups[0]).map((n) => n.id)).toEqual(["n2", "n1"]);
    s = applyMessage(s, { type: "patch", rounds: [round({ used: 2, my_votes: { pp1: 2 } })], deleted_groups: ["g1"] });
    expect(s.groups).toEqual([]);
    expect(s.rounds[0].used).toBe(2);
    s = applyMessage(s, { type: "patch", workshop: workshop({ current: 1, server_time: iso(T0 + 5000) }) });
    expect(s.workshop!.current).toBe(1);
    s = applyMessage(s, { type: "patch", workshop: workshop({ current: 0, server_time: iso(T0 + 4000) }) });
    expect(s.workshop!.current).toBe(1);
  });

  it("a reveal clears the hidden flags and the facilitator's counts", () => {
    let s = applyMessage(EMPTY_STATE, { type: "state", workshop: workshop({ hidden: true }), notes: [note("mine", { hidden: true })], groups: [], rounds: [], hidden_counts: { p2: 2 } });
    s = applyMessage(s, { type: "patch", workshop: workshop({ hidden: false, server_time: iso(T0 + 1) }), notes: [note("theirs", { author: "p2" })] });
    expect(s.notes.map((n) => [n.id, n.hidden])).toEqual([["mine", false], ["theirs", false]]);
    expect(s.hiddenCounts).toEqual({});
  });

  it("summons count up so the same view can be summoned twice; the end is final", () => {
    let s = applyMessage(start(), { type: "summon", view: { step: 2 }, by: "Fay" });
    s = applyMessage(s, { type: "summon", view: { step: 2 }, by: "Fay" });
    expect(s.summoned).toEqual({ view: { step: 2 }, by: "Fay", seq: 2 });
    s = applyMessage(s, { type: "ended" });
    expect(s.ended).toBe(true);
    expect(s.workshop!.status).toBe("ended");
    expect(applyMessage(s, { type: "patch", notes: [] }).ended).toBe(true);
  });
});

describe("note colours", () => {
  it("every kind's ink on its fill meets WCAG AA for normal text", () => {
    for (const kind of KIND_ORDER) {
      const { fill, ink, label } = NOTE_KINDS[kind];
      expect(contrast(fill, ink), `${label}: ${ink} on ${fill}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("knows black on white is 21:1", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
  });
});
