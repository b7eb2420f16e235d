import { describe, expect, it } from "vitest";
import { figureLines, laneRange, matcherLabel, matchersDigest, pct, shortDuration, sparkPoints, staleText, type MeasuredLane, type MeasuredStep } from "./measured";
import type { JourneyMap } from "../model.generated";

describe("the Measured lane's helpers", () => {
  it("writes shares and durations as the lane shows them", () => {
    expect(pct(0.666)).toBe("67%");
    expect(pct(null)).toBe("—");
    expect(shortDuration(45)).toBe("45s");
    expect(shortDuration(450)).toBe("8m");
    expect(shortDuration(5400)).toBe("1.5h");
    expect(shortDuration(172800)).toBe("2.0d");
  });

  it("draws a sparkline through the weekly units, the busiest week at the top", () => {
    expect(sparkPoints([1], 100, 20)).toBe("");
    expect(sparkPoints([0, 5, 10], 100, 20)).toBe("0.0,20.0 50.0,10.0 100.0,0.0");
  });

  it("labels matchers in the funnel syntax", () => {
    expect(matcherLabel({ event: "signup", match: "exact", where: { plan: "pro" } })).toBe("signup[plan=pro]");
    expect(matcherLabel({ event: "view|open", match: "regex", where: {} })).toBe("/view|open/");
  });

  it("changes its digest when a step's matchers change, not when its text does", () => {
    const map = { stages: [{ steps: [{ id: "s1", name: "A", events: [] }] }] } as unknown as JourneyMap;
    const renamed = { stages: [{ steps: [{ id: "s1", name: "B", events: [] }] }] } as unknown as JourneyMap;
    const matched = { stages: [{ steps: [{ id: "s1", name: "A", events: [{ event: "x", match: "exact", where: {} }] }] }] } as unknown as JourneyMap;
    expect(matchersDigest(renamed)).toBe(matchersDigest(map));
    expect(matchersDigest(matched)).not.toBe(matchersDigest(map));
  });
});

function lane(steps: MeasuredStep[], extra: Partial<MeasuredLane> = {}): MeasuredLane {
  return {
    unit: "user", entrants: 4, date_from: null, date_to: null,
    period_start: "2024-03-04T10:00:00Z", period_end: "2024-03-13T08:00:00Z", breakdown: null, breakdown_values: [],
    steps, stale: false, computed_at: "2024-03-14T00:00:00Z",
    source: { name: "trial.csv", kind: "upload", refreshed_at: null }, ...extra,
  };
}

const view: MeasuredStep = {
  id: "s1", name: "View", stage: "Try", matched: true, units: 3, share: 0.75, events: 3,
  from_previous: null, previous_units: null, conversion: 2 / 3, dropoff: 1 / 3,
  next_events: [{ event: "help", units: 1, share: 1 }], median_to_next_seconds: 450, n_to_next: 2,
  weekly: [{ week: "2024-03-04", units: 2 }, { week: "2024-03-11", units: 1 }], breakdown: [],
};
const signup: MeasuredStep = {
  ...view, id: "s2", name: "Sign up", units: 3, share: 0.75, from_previous: 2 / 3, previous_units: 3,
  conversion: null, dropoff: null, next_events: [], median_to_next_seconds: null, n_to_next: 0,
  breakdown: [{ value: "pro", units: 2, share: 0.5, conversion: null, from_previous: 1 }],
};

describe("the figures every view of the Measured lane shows", () => {
  it("gives each figure its n", () => {
    const lines = figureLines(view, lane([view, signup]));
    expect(lines.map((l) => l.key)).toEqual(["reach", "next", "then", "median"]);
    expect(lines[0]).toMatchObject({ lead: "3", text: " users · 75% of entrants", n: "3 of 4 users who entered" });
    expect(lines[1]).toMatchObject({ text: "To next: 67% · drop-off 33%", n: "n = 3 users" });
    expect(lines[2]).toMatchObject({ text: "then help 100%", n: "of n = 1 users who drop off" });
    expect(lines[3]).toMatchObject({ text: "Median to next: 8m", n: "median over n = 2 users" });
  });

  it("shows the previous step's n and a breakdown's groups, and nothing for figures it lacks", () => {
    const lines = figureLines(signup, lane([view, signup]));
    expect(lines.map((l) => l.key)).toEqual(["reach", "previous", "group-pro"]);
    expect(lines[1]).toMatchObject({ text: "From previous: 67%", n: "n = 3 users at the previous step" });
    expect(lines[2]).toMatchObject({ text: "pro: 2 · — to next", n: "pro: n = 2 users" });
  });

  it("dates the figures by the asked range, else the data's", () => {
    expect(laneRange(lane([]))).toBe("2024-03-04 – 2024-03-13");
    expect(laneRange(lane([], { date_from: "2024-03-05", date_to: "2024-03-10" }))).toBe("2024-03-05 – 2024-03-10");
  });

  it("says whether stale figures are being measured again", () => {
    expect(staleText(true)).toBe("Stale: measuring again");
    expect(staleText(false)).toMatch(/source changed since/);
  });
});
