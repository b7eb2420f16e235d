import { describe, expect, it } from "vitest";
import { rescale, rescaleOp } from "./scale";
import { testMap } from "./testMap";

describe("rescale", () => {
  it("keeps a score's place between worst and best", () => {
    expect(rescale(-5, { min: -5, max: 5 }, { min: 1, max: 5 })).toBe(1);
    expect(rescale(0, { min: -5, max: 5 }, { min: 1, max: 5 })).toBe(3);
    expect(rescale(5, { min: -5, max: 5 }, { min: 1, max: 5 })).toBe(5);
    expect(rescale(-4, { min: -5, max: 5 }, { min: 1, max: 5 })).toBe(1.5);
    expect(rescale(2, { min: 1, max: 5 }, { min: -5, max: 5 })).toBe(-2.5);
  });
  it("converts every step in one edit, the scale with them", () => {
    const map = testMap();
    const op = rescaleOp(map, { min: 1, max: 5 });
    const ops = op.type === "batch" ? op.ops : [op];
    expect(ops[0]).toEqual({ type: "map", changes: { scale: { ...map.scale, min: 1, max: 5 } } });
    const scored = map.stages.flatMap((s) => s.steps).filter((s) => s.emotion !== null && s.emotion !== undefined);
    expect(ops.filter((o) => o.type === "update")).toHaveLength(scored.length);
  });
});
