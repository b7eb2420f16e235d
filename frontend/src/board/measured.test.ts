import { describe, expect, it } from "vitest";
import { matcherLabel, matchersDigest, pct, shortDuration, sparkPoints } from "./measured";
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
