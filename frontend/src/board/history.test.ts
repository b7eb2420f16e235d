import { describe, expect, it } from "vitest";
import type { JourneyMap } from "../types";
import { History, type ApplyEdit } from "./history";
import { applyOp, findStep, inverseOf, type Op } from "./ops";
import { BoardStore } from "./store";
import { RestMapDocument, type Transport } from "./document";
import { testMap } from "./testMap";

/** A map edited in memory: each applied edit gets the next group, as the document gives them. */
function editor(refuse: (label: string) => boolean = () => false) {
  let map = testMap();
  let group = 0;
  const applied: string[] = [];
  const apply: ApplyEdit = (op, label) => {
    if (refuse(label)) return null;
    const inverse = inverseOf(map, op);
    map = applyOp(map, op);
    applied.push(label);
    return { group: ++group, inverse };
  };
  const edit = (history: History, op: Op, label: string) => {
    const done = apply(op, label)!;
    history.record({ op, inverse: done.inverse, group: done.group, label });
    return done.group;
  };
  return { apply, edit, applied, map: () => map, name: (id: string) => findStep(map, id)?.step.name };
}

const rename = (id: string, name: string): Op => ({ type: "update", kind: "steps", id, changes: { name } });

describe("History", () => {
  it("undoes and redoes, saying what", () => {
    const e = editor();
    const history = new History(e.apply);
    expect(history.getState()).toEqual({ canUndo: false, canRedo: false, undoLabel: "", redoLabel: "" });
    e.edit(history, rename("step-search", "Find"), "rename the step");
    expect(history.getState()).toMatchObject({ canUndo: true, undoLabel: "rename the step", canRedo: false });
    expect(history.undo()).toBe(true);
    expect(e.name("step-search")).toBe("Search");
    expect(e.applied.at(-1)).toBe("Undo rename the step");
    expect(history.getState()).toMatchObject({ canUndo: false, canRedo: true, redoLabel: "rename the step" });
    expect(history.redo()).toBe(true);
    expect(e.name("step-search")).toBe("Find");
    expect(history.getState()).toMatchObject({ canUndo: true, canRedo: false });
    expect(e.map()).toEqual(applyOp(testMap(), rename("step-search", "Find")));
  });

  it("forgets what was undone once a new edit is made", () => {
    const e = editor();
    const history = new History(e.apply);
    e.edit(history, rename("step-search", "One"), "one");
    history.undo();
    e.edit(history, rename("step-read", "Two"), "two");
    expect(history.getState()).toMatchObject({ canRedo: false, undoLabel: "two" });
    expect(history.redo()).toBe(false);
  });

  it("undoes one particular edit even after others", () => {
    const e = editor();
    const history = new History(e.apply);
    const first = e.edit(history, rename("step-search", "One"), "one");
    e.edit(history, rename("step-read", "Two"), "two");
    expect(history.undoGroup(first)).toBe(true);
    expect(e.name("step-search")).toBe("Search");
    expect(e.name("step-read")).toBe("Two");
    expect(history.getState().undoLabel).toBe("two");
    expect(history.undoGroup(first)).toBe(false);
  });

  it("forgets edits that will never be saved", () => {
    const e = editor();
    const history = new History(e.apply);
    const dropped = e.edit(history, rename("step-search", "One"), "one");
    e.edit(history, rename("step-read", "Two"), "two");
    history.undo();
    history.forget(new Set([dropped]));
    expect(history.getState()).toMatchObject({ canUndo: false, canRedo: true });
  });

  it("keeps no redo of an undo that could not apply", () => {
    const e = editor((label) => label.startsWith("Undo"));
    const history = new History(e.apply);
    e.edit(history, rename("step-search", "One"), "one");
    expect(history.undo()).toBe(false);
    expect(history.getState()).toMatchObject({ canUndo: false, canRedo: false });
  });

  it("keeps the last edits only", () => {
    const e = editor();
    const history = new History(e.apply, 2);
    for (const name of ["a", "b", "c"]) e.edit(history, rename("step-search", name), name);
    expect(history.undo() && history.undo()).toBe(true);
    expect(history.undo()).toBe(false);
    expect(e.name("step-search")).toBe("a");
  });
});

describe("the board's edit pipeline", () => {
  it("applies, saves and records each edit; a refused one leaves nothing to undo", async () => {
    let map: JourneyMap = testMap();
    let revision = 1;
    let refuse = false;
    const transport: Transport = {
      send: async (op) => {
        if (refuse) throw Object.assign(new Error("no"), { status: 422 });
        map = applyOp(map, op);
        return { revision: ++revision, element: null };
      },
      load: async () => ({ map, revision }),
    };
    const doc = new RestMapDocument({ map, revision, transport, canEdit: true });
    const store = new BoardStore({ map, revision, target: null, canEdit: true, canComment: false }, doc);
    const seen: string[] = [];
    store.notify = (text) => seen.push(text);
    const group = store.dispatch(rename("step-search", "Find"), "rename");
    expect(group).toBeGreaterThan(0);
    expect(store.getState()).toMatchObject({ canUndo: true, undoLabel: "rename" });
    expect(store.getState().derived.columns[0].step.name).toBe("Find");
    await new Promise((r) => setTimeout(r, 10));
    expect(findStep(map, "step-search")?.step.name).toBe("Find");
    expect(store.dispatch(rename("step-search", "Find"), "same again")).toBe(0);

    refuse = true;
    store.dispatch(rename("step-read", "Refused"), "rename the other");
    expect(store.getState().undoLabel).toBe("rename the other");
    await new Promise((r) => setTimeout(r, 10));
    expect(store.getState().undoLabel).toBe("rename");
    expect(seen).toEqual(["Couldn't save (rename the other): no"]);
    store.undo();
    expect(store.getState().derived.columns[0].step.name).toBe("Search");
    store.dispose();
  });
});
