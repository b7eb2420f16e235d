import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { findStep, type Op } from "../ops";
import { BoardStore } from "../store";
import { testMap } from "../testMap";
import { LiveMapDocument } from "./document";
import { readMap, writeMap } from "./layout";
import { memoryEditStore, SaveTracker } from "./status";

const rename = (id: string, name: string): Op => ({ type: "update", kind: "steps", id, changes: { name } });

/** A server doc and two boards on it; `deliver` relays every update between them. */
function room() {
  const server = new Y.Doc();
  writeMap(server, testMap());
  const open = () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
    const document = new LiveMapDocument({ doc, map: testMap(), revision: 1, canEdit: true });
    document.setConnected(true);
    const store = new BoardStore({ map: testMap(), revision: 1, target: null, canEdit: true, canComment: false }, document);
    return { doc, document, store };
  };
  const a = open();
  const b = open();
  const deliver = () => {
    for (const x of [a, b]) Y.applyUpdate(server, Y.encodeStateAsUpdate(x.doc, Y.encodeStateVector(server)), "remote");
    for (const x of [a, b]) Y.applyUpdate(x.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(x.doc)), "remote");
  };
  const commit = () => {
    const sv = Y.decodeStateVector(Y.encodeStateVector(server));
    a.document.committed(sv);
    b.document.committed(sv);
  };
  return { server, a, b, deliver, commit };
}

const name = (s: BoardStore, id: string) => findStep(s.getState().map, id)?.step.name;

describe("LiveMapDocument", () => {
  it("shows an edit at once and the others' edits when they arrive", () => {
    const { a, b, deliver } = room();
    a.store.dispatch(rename("step-search", "Find"), "rename the step");
    expect(name(a.store, "step-search")).toBe("Find");
    expect(name(b.store, "step-search")).toBe("Search");
    deliver();
    expect(name(b.store, "step-search")).toBe("Find");
  });

  it("keeps the objects of unchanged cards", () => {
    const { a } = room();
    const before = a.store.getState().map;
    a.store.dispatch(rename("step-form", "Fill it in"), "rename the step");
    const after = a.store.getState().map;
    expect(after.stages[0]).toBe(before.stages[0]);
    expect(after.opportunities).toBe(before.opportunities);
  });

  it("says Saved only when the server has committed our edit", () => {
    const { a, deliver, commit } = room();
    commit();
    expect(a.document.getState().status).toBe("saved");
    a.store.dispatch(rename("step-search", "Find"), "rename the step");
    expect(a.document.getState()).toMatchObject({ status: "saving", unsaved: 1 });
    commit(); // the server committed what it had: not our edit yet
    expect(a.document.getState().status).toBe("saving");
    deliver();
    commit();
    expect(a.document.getState()).toMatchObject({ status: "saved", statusText: "All changes saved", unsaved: 0 });
  });

  it("counts the changes kept on this device while offline, then says Saved", () => {
    const { a, deliver, commit } = room();
    commit();
    a.document.setConnected(false);
    a.document.setKept(true);
    a.store.dispatch(rename("step-search", "Find"), "rename the step");
    a.store.dispatch(rename("step-read", "Read"), "rename the step");
    a.store.dispatch(rename("step-form", "Form"), "rename the step");
    expect(a.document.getState()).toMatchObject({ status: "offline", statusText: "Offline — 3 changes kept on this device", unsaved: 3 });
    expect(a.document.pending).toBe(true);
    a.document.setConnected(true);
    deliver();
    commit();
    expect(a.document.getState()).toMatchObject({ status: "saved", unsaved: 0 });
  });

  it("undoes only this person's edits, never someone else's", () => {
    const { a, b, deliver } = room();
    a.store.dispatch(rename("step-search", "Find"), "rename the step");
    deliver();
    b.store.dispatch(rename("step-read", "Prices"), "rename the step");
    deliver();
    expect(a.store.getState()).toMatchObject({ canUndo: true, undoLabel: "rename the step" });
    a.store.undo();
    deliver();
    expect(name(a.store, "step-search")).toBe("Search");
    expect(name(a.store, "step-read")).toBe("Prices");
    expect(name(b.store, "step-search")).toBe("Search");
    expect(a.store.getState().canUndo).toBe(false);
    a.store.redo();
    expect(name(a.store, "step-search")).toBe("Find");
    // B's undo takes back B's edit only.
    b.store.undo();
    deliver();
    expect(name(a.store, "step-read")).toBe("Read the pricing page");
    expect(name(a.store, "step-search")).toBe("Find");
  });

  it("undoes one's own typing inside a text someone else also typed in", () => {
    const { a, b, deliver } = room();
    a.store.dispatch(rename("step-search", "Search Google"), "rename the step");
    b.store.dispatch(rename("step-search", "Web Search"), "rename the step");
    deliver();
    const both = name(a.store, "step-search")!;
    expect(both).toContain("Google");
    expect(both).toContain("Web");
    a.store.undo();
    deliver();
    expect(name(b.store, "step-search")).toBe("Web Search");
  });

  it("keeps an edit made before the doc arrived and applies it once the map is there", async () => {
    const server = new Y.Doc();
    writeMap(server, testMap());
    const doc = new Y.Doc();
    const document = new LiveMapDocument({ doc, map: testMap(), revision: 1, canEdit: true });
    document.setConnected(true);
    const store = new BoardStore({ map: testMap(), revision: 1, target: null, canEdit: true, canComment: false }, document);
    expect(store.dispatch(rename("step-search", "Find"), "rename the step")).toBeGreaterThan(0);
    expect(document.pending).toBe(true);
    expect(document.getState()).toMatchObject({ status: "saving", unsaved: 1 });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server), "remote"); // the first sync
    await Promise.resolve();
    expect(readMap(doc).stages[0].steps[0].name).toBe("Find");
    expect(name(store, "step-search")).toBe("Find");
    // It is this person's edit like any other: undo takes it back.
    store.undo();
    expect(name(store, "step-search")).toBe("Search");
  });

  it("refuses edits from a read-only role", () => {
    const { a } = room();
    a.document.setRole("viewer");
    expect(a.store.getState().canEdit).toBe(false);
    expect(a.store.dispatch(rename("step-search", "Find"), "rename the step")).toBe(0);
    expect(readMap(a.doc).stages[0].steps[0].name).toBe("Search");
  });
});

describe("SaveTracker", () => {
  it("keeps its count across a reload", () => {
    const kept = memoryEditStore();
    const t = new SaveTracker(kept);
    t.edited(7, 3);
    t.edited(7, 5);
    const again = new SaveTracker(kept);
    again.kept = true;
    expect(again.view(new Map([[7, 5]]))).toMatchObject({ status: "offline", statusText: "Offline — 2 changes kept on this device" });
    again.connected = true;
    again.committed(new Map([[7, 3]]));
    expect(again.view(new Map([[7, 5]]))).toMatchObject({ status: "saving", unsaved: 1 });
    again.committed(new Map([[7, 5]]));
    expect(again.view(new Map([[7, 5]]))).toMatchObject({ status: "saved", unsaved: 0 });
    expect(new SaveTracker(kept).unsaved).toBe(0);
  });
});
