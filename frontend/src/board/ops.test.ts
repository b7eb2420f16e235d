import { describe, expect, it } from "vitest";
import {
  applyOp, changesNothing, clampOp, conflictOf, deepEqual, findStep, flatten, inverseOf, keepIdentity, OpError,
  removeWithReferences, replaceElement, stepNudge, type Op,
} from "./ops";
import { testMap } from "./testMap";

const roundTrips: [string, Op][] = [
  ["add a step in the middle", { type: "add", kind: "steps", element: { id: "step-new", name: "Compare plans" }, stage: "stage-discover", position: 1 }],
  ["add a stage at the end", { type: "add", kind: "stages", element: { id: "stage-new", name: "Onboarding" } }],
  ["rename a step", { type: "update", kind: "steps", id: "step-search", changes: { name: "Search the web" } }],
  ["move a step to another stage", { type: "update", kind: "steps", id: "step-search", changes: {}, stage: "stage-signup", position: 1 }],
  ["move a stage", { type: "update", kind: "stages", id: "stage-signup", changes: {}, position: 0 }],
  ["change the map's own fields", { type: "map", changes: { goal: "Choose a plan", tags: ["trial"] } }],
  ["remove a pain point", { type: "remove", kind: "pain_points", id: "pain-prices" }],
  ["remove a step", { type: "remove", kind: "steps", id: "step-read" }],
  ["a batch", { type: "batch", ops: [{ type: "update", kind: "opportunities", id: "opp-table", changes: { votes: 3 } }, { type: "remove", kind: "evidence", id: "evidence-interview" }] }],
];

describe("applyOp", () => {
  it("adds an element with the file format's defaults, without changing the input", () => {
    const map = testMap();
    const before = JSON.stringify(map);
    const next = applyOp(map, { type: "add", kind: "steps", element: { id: "step-new", name: "Compare" }, stage: "stage-discover", position: 1 });
    expect(JSON.stringify(map)).toBe(before);
    const step = next.stages[0].steps[1];
    expect(step).toMatchObject({ id: "step-new", name: "Compare", kind: "action", zone: "frontstage", emotion: null, branches: [], lanes: {} });
    expect(next.stages[1]).toBe(map.stages[1]);
    expect(next.pain_points).toBe(map.pain_points);
  });

  it("adds a pain point as the schema's default impact", () => {
    const next = applyOp(testMap(), { type: "add", kind: "pain_points", element: { id: "pain-new", name: "Slow" } });
    expect(next.pain_points[1]).toEqual({ id: "pain-new", name: "Slow", description: null, step: null, impact: "workaround", reach: null });
  });

  it.each<[string, Op, RegExp]>([
    ["an id that is taken", { type: "add", kind: "steps", element: { id: "step-read", name: "x" }, stage: "stage-discover" }, /already used/],
    ["a stage that does not exist", { type: "add", kind: "steps", element: { id: "step-x", name: "x" }, stage: "stage-gone" }, /stage 'stage-gone' does not exist/],
    ["a position outside the list", { type: "update", kind: "stages", id: "stage-discover", changes: {}, position: 5 }, /outside 0 … 1/],
    ["a step that does not exist", { type: "remove", kind: "steps", id: "step-gone" }, /step 'step-gone' does not exist/],
    ["a list as a map field", { type: "map", changes: { stages: [] } }, /'stages' is not a map field/],
    ["a changed id", { type: "update", kind: "pain_points", id: "pain-prices", changes: { id: "pain-other" } }, /ids cannot change/],
  ])("refuses %s", (_, op, message) => {
    expect(() => applyOp(testMap(), op)).toThrow(OpError);
    expect(() => applyOp(testMap(), op)).toThrow(message);
  });
});

describe("inverseOf", () => {
  it.each(roundTrips)("undoes: %s", (_, op) => {
    const map = testMap();
    const inverse = inverseOf(map, op);
    const after = applyOp(map, op);
    expect(deepEqual(after, map)).toBe(false);
    expect(applyOp(after, inverse)).toEqual(map);
  });

  it("puts a moved step back where it was", () => {
    const map = testMap();
    const op: Op = { type: "update", kind: "steps", id: "step-search", changes: {}, stage: "stage-signup", position: 0 };
    const inverse = inverseOf(map, op);
    expect(inverse).toMatchObject({ type: "update", stage: "stage-discover", position: 0 });
    expect(findStep(applyOp(map, op), "step-search")?.stage.id).toBe("stage-signup");
  });
});

describe("removeWithReferences", () => {
  it("drops what points at a removed step, then the step, as one undoable op", () => {
    const map = testMap();
    const op = removeWithReferences(map, "steps", "step-read");
    expect(op.type).toBe("batch");
    const after = applyOp(map, op);
    expect(findStep(after, "step-read")).toBeNull();
    expect(after.pain_points).toEqual([]);
    expect(after.opportunities[0]).toMatchObject({ steps: [], pain_points: [] });
    expect(after.evidence[0].links).toEqual([]);
    expect(findStep(after, "step-form")?.step.branches).toEqual([{ label: "Give up", to: null }]);
    expect(applyOp(after, inverseOf(map, op))).toEqual(map);
  });

  it("is a single op when nothing points at the element", () => {
    expect(removeWithReferences(testMap(), "steps", "step-search")).toEqual({ type: "remove", kind: "steps", id: "step-search" });
  });
});

describe("after someone else's change", () => {
  const rename: Op = { type: "update", kind: "steps", id: "step-search", changes: { name: "Ours" } };

  it("re-applies an edit of a field nobody else touched", () => {
    const map = testMap();
    const base = inverseOf(map, rename);
    const theirs = applyOp(map, { type: "update", kind: "steps", id: "step-search", changes: { thinks: "Theirs" } });
    expect(conflictOf(theirs, flatten(rename)[0], base as never)).toBeNull();
  });

  it("names the field both changed", () => {
    const map = testMap();
    const base = inverseOf(map, rename);
    const theirs = applyOp(map, { type: "update", kind: "steps", id: "step-search", changes: { name: "Theirs" } });
    expect(conflictOf(theirs, flatten(rename)[0], base as never)).toBe("someone else changed the name of step 'Theirs' at the same time");
  });

  it("does not call the same change twice a conflict", () => {
    const map = testMap();
    const base = inverseOf(map, rename);
    expect(conflictOf(applyOp(map, rename), flatten(rename)[0], base as never)).toBeNull();
  });

  it("says why an edit of a removed element no longer applies", () => {
    const theirs = applyOp(testMap(), { type: "remove", kind: "steps", id: "step-search" });
    expect(conflictOf(theirs, flatten(rename)[0], null)).toBe("step 'step-search' does not exist");
  });

  it("brings a position back inside a list that shrank", () => {
    const map = applyOp(testMap(), { type: "remove", kind: "steps", id: "step-search" });
    const op: Op = { type: "add", kind: "steps", element: { id: "step-x", name: "x" }, stage: "stage-discover", position: 2 };
    expect(clampOp(map, op)).toMatchObject({ position: 1 });
  });
});

describe("keeping identity", () => {
  it("reuses every part that did not change", () => {
    const map = testMap();
    const copy = JSON.parse(JSON.stringify(map));
    expect(keepIdentity(map, copy)).toBe(map);
    copy.stages[1].steps[0].name = "Changed";
    const kept = keepIdentity(map, copy);
    expect(kept.stages[0]).toBe(map.stages[0]);
    expect(kept.stages[1]).not.toBe(map.stages[1]);
    expect(kept.pain_points).toBe(map.pain_points);
  });

  it("takes the element as the server stored it", () => {
    const map = testMap();
    const stored = { ...map.pain_points[0], name: "Prices are hidden (trimmed)" };
    expect(replaceElement(map, "pain_points", stored).pain_points[0]).toEqual(stored);
    expect(replaceElement(map, "pain_points", { ...map.pain_points[0] })).toBe(map);
  });
});

describe("small rules", () => {
  it("knows an edit that changes nothing", () => {
    const map = testMap();
    expect(changesNothing(map, { type: "update", kind: "steps", id: "step-search", changes: { name: "Search", thinks: null } })).toBe(true);
    expect(changesNothing(map, { type: "update", kind: "steps", id: "step-search", changes: { name: "Find" } })).toBe(false);
    expect(changesNothing(map, { type: "map", changes: { lanes: [...map.lanes] } })).toBe(true);
    expect(changesNothing(map, { type: "update", kind: "steps", id: "step-search", changes: {}, position: 0 })).toBe(false);
  });

  it("nudges a step across a stage border", () => {
    const map = testMap();
    expect(stepNudge(map, "step-read", 1)).toEqual({ stage: "stage-signup", position: 0 });
    expect(stepNudge(map, "step-form", -1)).toEqual({ stage: "stage-discover", position: 2 });
    expect(stepNudge(map, "step-search", -1)).toBeNull();
  });

  it("treats 2.0 and 2, and missing and null, as the same", () => {
    expect(deepEqual({ a: 2, b: null }, { a: 2.0, b: undefined })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
  });
});
