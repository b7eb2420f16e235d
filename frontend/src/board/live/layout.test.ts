import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { applyOp, findStep, type Op } from "../ops";
import { testMap } from "../testMap";
import { applyOpToDoc, diffText, LAYOUT, MapReader, readMap, roots, writeMap } from "./layout";
import { positionBetween, spreadPositions } from "./position";

/** Two docs that start from one map (as two boards after the first sync). */
function pair() {
  const a = new Y.Doc();
  writeMap(a, testMap());
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  return { a, b };
}

function sync(x: Y.Doc, y: Y.Doc): void {
  const ux = Y.encodeStateAsUpdate(x, Y.encodeStateVector(y));
  const uy = Y.encodeStateAsUpdate(y, Y.encodeStateVector(x));
  Y.applyUpdate(y, ux);
  Y.applyUpdate(x, uy);
}

function edit(doc: Y.Doc, op: Op): void {
  applyOpToDoc(doc, readMap(doc), op, "test");
}

const rename = (id: string, name: string): Op => ({ type: "update", kind: "steps", id, changes: { name } });

describe("positions", () => {
  it("are strictly between their neighbours", () => {
    let lo: string | null = null;
    let hi: string | null = null;
    for (let i = 0; i < 200; i++) {
      const p: string = positionBetween(lo, hi)!;
      expect(p).not.toBeNull();
      if (lo !== null) expect(lo < p).toBe(true);
      if (hi !== null) expect(p < hi).toBe(true);
      if (i % 2) lo = p;
      else hi = p;
    }
  });
  it("say when there is no room", () => {
    expect(positionBetween("V", "V")).toBeNull();
    expect(positionBetween("W", "V")).toBeNull();
    expect(positionBetween("not a key", "a1")).toBeNull();
  });
  it("are the keys the server makes (the layout's test vectors)", () => {
    for (const e of LAYOUT.positions.examples) {
      if (e.n === 1) expect(positionBetween(e.a, e.b)).toBe(e.keys[0]);
      expect(spreadPositions(e.n, e.a, e.b)).toEqual(e.keys);
    }
  });
  it("spread in order", () => {
    const ps = spreadPositions(500);
    for (let i = 1; i < ps.length; i++) expect(ps[i - 1] < ps[i]).toBe(true);
  });
});

describe("the live layout", () => {
  it("round-trips a map", () => {
    const doc = new Y.Doc();
    const map = testMap();
    map.lanes = [...map.lanes, "quotes"];
    map.stages[0].steps[0].lanes = { quotes: "we never read it" };
    map.tags = ["b2b", "trial"];
    map.backstory = { ...map.backstory, story: "Ana wants to try before buying", outcomes: ["A working trial"] };
    writeMap(doc, map);
    expect(readMap(doc)).toEqual(map);
    const again = new Y.Doc();
    Y.applyUpdate(again, Y.encodeStateAsUpdate(doc));
    expect(readMap(again)).toEqual(map);
  });

  it("lays text fields out as Y.Text and steps with their stage", () => {
    const doc = new Y.Doc();
    writeMap(doc, testMap());
    const r = roots(doc);
    expect(r.steps.get("step-read")!.get("name")).toBeInstanceOf(Y.Text);
    expect(r.steps.get("step-read")!.get("stage")).toBe("stage-discover");
    expect(r.steps.get("step-read")!.get("personas")).toBeInstanceOf(Y.Array);
    expect(r.map.get("name")).toBeInstanceOf(Y.Text);
    expect(r.meta.get("layout")).toBe(1);
  });

  it("applies every op as the ops module would", () => {
    const doc = new Y.Doc();
    writeMap(doc, testMap());
    let expected = testMap();
    const ops: Op[] = [
      rename("step-search", "Search the web"),
      { type: "update", kind: "steps", id: "step-form", changes: { emotion: 3, actors: ["sales"] }, stage: "stage-discover", position: 0 },
      { type: "add", kind: "steps", element: { id: "step-new", name: "New step" }, stage: "stage-signup" },
      { type: "add", kind: "stages", element: { id: "stage-x", name: "Renew" }, position: 1 },
      { type: "update", kind: "stages", id: "stage-x", changes: { goal: "Keep it" }, position: 0 },
      { type: "map", changes: { name: "Trial (B2B)", tags: ["x"], backstory: { ...testMap().backstory, story: "Once" } } },
      { type: "update", kind: "opportunities", id: "opp-table", changes: { pain_points: [] } },
      { type: "remove", kind: "pain_points", id: "pain-prices" },
      { type: "batch", ops: [rename("step-read", "Read prices"), { type: "remove", kind: "steps", id: "step-new" }] },
    ];
    for (const op of ops) {
      edit(doc, op);
      expected = applyOp(expected, op);
      expect(readMap(doc)).toEqual(expected);
    }
  });

  it("deleting a stage deletes its steps; an inverse add brings them back", () => {
    const doc = new Y.Doc();
    writeMap(doc, testMap());
    const stage = testMap().stages[0];
    edit(doc, { type: "remove", kind: "stages", id: stage.id });
    expect(roots(doc).steps.has("step-search")).toBe(false);
    edit(doc, { type: "add", kind: "stages", element: stage as never, position: 0 });
    expect(readMap(doc)).toEqual(testMap());
  });

  it("edits a text by its minimal diff", () => {
    const doc = new Y.Doc();
    const text = doc.getText("t");
    text.insert(0, "Fill in the form");
    const deltas: unknown[] = [];
    text.observe((e) => deltas.push(e.delta));
    doc.transact(() => diffText(text, "Fill in the long form"));
    expect(deltas).toEqual([[{ retain: 12 }, { insert: "long " }]]);
    doc.transact(() => diffText(text, "Fill the long form"));
    expect(deltas[1]).toEqual([{ retain: 5 }, { delete: 3 }]);
    expect(text.toString()).toBe("Fill the long form");
  });

  it("keeps both people's typing in one field", () => {
    const { a, b } = pair();
    edit(a, rename("step-search", "Search Google"));
    edit(b, rename("step-search", "Web Search"));
    sync(a, b);
    const name = findStep(readMap(a), "step-search")!.step.name;
    expect(name).toBe(findStep(readMap(b), "step-search")!.step.name);
    expect(name).toContain("Google");
    expect(name).toContain("Web");
  });

  it("lets a delete win over a concurrent edit", () => {
    const { a, b } = pair();
    edit(a, { type: "remove", kind: "steps", id: "step-read" });
    edit(b, { type: "update", kind: "steps", id: "step-read", changes: { name: "Prices", emotion: 4 } });
    sync(a, b);
    expect(findStep(readMap(a), "step-read")).toBeNull();
    expect(readMap(b)).toEqual(readMap(a));
  });

  it("drops steps of a stage deleted while someone added to it, and unplaces their pain points", () => {
    const { a, b } = pair();
    edit(a, { type: "remove", kind: "stages", id: "stage-discover" });
    edit(b, { type: "add", kind: "steps", element: { id: "step-late", name: "Late" }, stage: "stage-discover" });
    sync(a, b);
    const map = readMap(b);
    expect(findStep(map, "step-late")).toBeNull();
    expect(map.pain_points[0].step).toBeNull();
    expect(map.opportunities[0].steps).toEqual([]);
    expect(readMap(a)).toEqual(map);
  });

  it("never duplicates or loses a step moved by two people at once", () => {
    const { a, b } = pair();
    edit(a, { type: "update", kind: "steps", id: "step-search", changes: {}, stage: "stage-signup", position: 1 });
    edit(b, { type: "update", kind: "steps", id: "step-search", changes: {}, stage: "stage-discover", position: 1 });
    edit(b, { type: "update", kind: "steps", id: "step-form", changes: {}, stage: "stage-discover", position: 0 });
    sync(a, b);
    const map = readMap(a);
    expect(map).toEqual(readMap(b));
    const ids = map.stages.flatMap((s) => s.steps.map((x) => x.id)).sort();
    expect(ids).toEqual(["step-form", "step-read", "step-search"]);
  });

  it("orders concurrent inserts at one place the same way everywhere and can insert between them", () => {
    const { a, b } = pair();
    edit(a, { type: "add", kind: "steps", element: { id: "step-a", name: "A" }, stage: "stage-signup", position: 0 });
    edit(b, { type: "add", kind: "steps", element: { id: "step-b", name: "B" }, stage: "stage-signup", position: 0 });
    sync(a, b);
    const order = (d: Y.Doc) => readMap(d).stages[1].steps.map((s) => s.id);
    expect(order(a)).toEqual(["step-a", "step-b", "step-form"]);
    expect(order(b)).toEqual(order(a));
    edit(a, { type: "add", kind: "steps", element: { id: "step-c", name: "C" }, stage: "stage-signup", position: 1 });
    expect(order(a)).toEqual(["step-a", "step-c", "step-b", "step-form"]);
  });

  it("reuses the objects of elements that did not change", () => {
    const doc = new Y.Doc();
    writeMap(doc, testMap());
    const reader = new MapReader(doc);
    const before = reader.read();
    edit(doc, rename("step-form", "Fill it in"));
    const after = reader.read();
    expect(after.stages[0]).toBe(before.stages[0]);
    expect(after.stages[1]).not.toBe(before.stages[1]);
    expect(after.pain_points).toBe(before.pain_points);
    expect(after.stages[1].steps[0].name).toBe("Fill it in");
  });
});
