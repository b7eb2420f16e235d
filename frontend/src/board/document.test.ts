import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "../api";
import type { JourneyMap } from "../types";
import { RestMapDocument, type Transport } from "./document";
import { applyOp, findStep, type Op, type PrimitiveOp, type Sent } from "./ops";
import { testMap } from "./testMap";

/** A server that keeps one map and its revision, as the API does: If-Match or 409. */
class FakeServer implements Transport {
  map: JourneyMap = testMap();
  revision = 7;
  sent: { op: PrimitiveOp; revision: number }[] = [];
  inFlight = 0;
  mostInFlight = 0;
  /** The next sends fail with these errors, one each. */
  failures: unknown[] = [];
  /** How the server stores an element (it may normalise what it is sent). */
  store: (op: PrimitiveOp) => Sent["element"] = () => null;

  send = async (op: PrimitiveOp, revision: number): Promise<Sent> => {
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await Promise.resolve();
      this.sent.push({ op, revision });
      const failure = this.failures.shift();
      if (failure) throw failure;
      if (revision !== this.revision) throw new ApiError(409, "StaleRevision", "the map changed", [], { current_revision: this.revision });
      const element = this.store(op);
      this.map = applyOp(this.map, op);
      if (element && (op.type === "add" || op.type === "update")) this.map = applyOp(this.map, { type: "update", kind: op.kind, id: element.id, changes: element });
      this.revision++;
      return { revision: this.revision, element };
    } finally {
      this.inFlight--;
    }
  };

  load = async (): Promise<{ map: JourneyMap; revision: number }> => ({ map: this.map, revision: this.revision });

  /** Someone else saves an edit. */
  theirs(op: Op): void {
    this.map = applyOp(this.map, op);
    this.revision++;
  }
}

const docs: RestMapDocument[] = [];
afterEach(() => {
  for (const d of docs.splice(0)) d.dispose();
});

function open(server: FakeServer, canEdit = true) {
  const doc = new RestMapDocument({ map: server.map, revision: server.revision, transport: server, canEdit });
  const notices: { text: string; tone?: string }[] = [];
  const dropped: number[][] = [];
  let confirmed = 0;
  doc.events = {
    notify: (text, tone) => notices.push({ text, tone }),
    dropped: (groups) => dropped.push([...groups]),
    confirmed: () => confirmed++,
  };
  docs.push(doc);
  return { doc, notices, dropped, confirmed: () => confirmed };
}

/** Let every send, answer and rebase on its way finish. */
async function settle(doc: RestMapDocument): Promise<void> {
  for (let i = 0; i < 200 && doc.pending; i++) await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setTimeout(r, 0));
}

const rename = (id: string, name: string): Op => ({ type: "update", kind: "steps", id, changes: { name } });

describe("the queue", () => {
  it("shows an edit at once and saves it against the confirmed revision", async () => {
    const server = new FakeServer();
    const { doc, confirmed } = open(server);
    const done = doc.apply(rename("step-search", "Search the web"), "rename");
    expect(done?.inverse).toEqual(rename("step-search", "Search"));
    expect(findStep(doc.getState().map, "step-search")?.step.name).toBe("Search the web");
    expect(doc.getState().status).toBe("saving");
    expect(doc.confirmed).toEqual(testMap());
    await settle(doc);
    expect(server.sent).toEqual([{ op: rename("step-search", "Search the web"), revision: 7 }]);
    expect(doc.getState()).toMatchObject({ revision: 8, status: "saved", statusText: "All changes saved" });
    expect(doc.confirmed).toEqual(server.map);
    expect(doc.getState().map).toEqual(server.map);
    expect(confirmed()).toBe(1);
  });

  it("sends edits one at a time, in order, each against the revision the last one made", async () => {
    const server = new FakeServer();
    const { doc } = open(server);
    doc.apply(rename("step-search", "One"), "one");
    doc.apply(rename("step-read", "Two"), "two");
    doc.apply({ type: "remove", kind: "pain_points", id: "pain-prices" }, "three");
    expect(doc.queued.map((p) => p.label)).toEqual(["one", "two", "three"]);
    await settle(doc);
    expect(server.mostInFlight).toBe(1);
    expect(server.sent.map((s) => s.revision)).toEqual([7, 8, 9]);
    expect(server.map.pain_points).toEqual([]);
    expect(doc.queued).toEqual([]);
  });

  it("sends a batch as its ops, one group for undo", async () => {
    const server = new FakeServer();
    const { doc } = open(server);
    const done = doc.apply({ type: "batch", ops: [rename("step-search", "A"), rename("step-read", "B")] }, "rename both");
    expect(new Set(doc.queued.map((p) => p.group))).toEqual(new Set([done!.group]));
    await settle(doc);
    expect(server.sent).toHaveLength(2);
    expect(findStep(server.map, "step-read")?.step.name).toBe("B");
  });

  it("keeps the element as the server stored it", async () => {
    const server = new FakeServer();
    server.store = (op) =>
      op.type === "update" ? { ...findStep(server.map, op.id)!.step, ...op.changes, name: String(op.changes.name).trim() } : null;
    const { doc } = open(server);
    doc.apply(rename("step-search", "  Padded  "), "rename");
    await settle(doc);
    expect(findStep(doc.getState().map, "step-search")?.step.name).toBe("Padded");
    expect(doc.confirmed).toEqual(server.map);
  });

  it("does not save an edit that changes nothing, nor any edit of a read-only map", () => {
    const server = new FakeServer();
    expect(open(server).doc.apply(rename("step-search", "Search"), "same name")).toBeNull();
    expect(open(server, false).doc.apply(rename("step-search", "Other"), "rename")).toBeNull();
    expect(new RestMapDocument({ map: server.map, revision: 1, transport: null, canEdit: true }).getState().canEdit).toBe(false);
    expect(server.sent).toEqual([]);
  });

  it("says why an edit cannot apply, and queues nothing", () => {
    const { doc, notices } = open(new FakeServer());
    expect(doc.apply({ type: "remove", kind: "steps", id: "step-gone" }, "delete step ‘Gone’")).toBeNull();
    expect(notices).toEqual([{ text: "Couldn't delete step ‘Gone’: step 'step-gone' does not exist", tone: "error" }]);
    expect(doc.pending).toBe(false);
  });
});

describe("rebase on 409", () => {
  it("re-applies ours on top of their change to another field", async () => {
    const server = new FakeServer();
    const { doc, notices, dropped } = open(server);
    server.theirs({ type: "update", kind: "steps", id: "step-search", changes: { thinks: "Where do I start?" } });
    doc.apply(rename("step-search", "Ours"), "rename");
    await settle(doc);
    expect(server.sent.map((s) => s.revision)).toEqual([7, 8]);
    expect(findStep(server.map, "step-search")?.step).toMatchObject({ name: "Ours", thinks: "Where do I start?" });
    expect(doc.getState().map).toEqual(server.map);
    expect(doc.getState().revision).toBe(9);
    expect(dropped).toEqual([]);
    expect(notices[0]).toMatchObject({ tone: "info" });
  });

  it("keeps their version of a field both changed, drops ours with its group, and says so", async () => {
    const server = new FakeServer();
    const { doc, notices, dropped } = open(server);
    server.theirs(rename("step-search", "Theirs"));
    const conflicting = doc.apply({ type: "batch", ops: [rename("step-search", "Ours"), rename("step-read", "Ours too")] }, "rename both")!;
    const fine = doc.apply({ type: "update", kind: "pain_points", id: "pain-prices", changes: { reach: 0.4 } }, "set the reach")!;
    await settle(doc);
    expect(dropped).toEqual([[conflicting.group]]);
    expect(findStep(server.map, "step-search")?.step.name).toBe("Theirs");
    expect(findStep(server.map, "step-read")?.step.name).toBe("Read the pricing page");
    expect(server.map.pain_points[0].reach).toBe(0.4);
    expect(doc.getState().map).toEqual(server.map);
    expect(notices).toEqual([
      { text: "Someone else changed the name of step 'Theirs' at the same time. Their version is kept: your change was not applied.", tone: "error" },
    ]);
    expect(fine.group).not.toBe(conflicting.group);
  });

  it("drops an edit of an element they removed", async () => {
    const server = new FakeServer();
    const { doc, notices, dropped } = open(server);
    server.theirs({ type: "remove", kind: "steps", id: "step-search" });
    const edit = doc.apply(rename("step-search", "Ours"), "rename step ‘Search’")!;
    await settle(doc);
    expect(dropped).toEqual([[edit.group]]);
    expect(notices[0].text).toBe("Couldn't rename step ‘Search’: step 'step-search' does not exist. Their version is kept: your change was not applied.");
    expect(findStep(doc.getState().map, "step-search")).toBeNull();
  });

  it("gives up after five conflicts in a row", async () => {
    const server = new FakeServer();
    const { doc, notices } = open(server);
    const send = server.send;
    server.send = async (op, revision) => {
      server.theirs({ type: "map", changes: { owner: `Someone ${server.revision}` } });
      return send(op, revision);
    };
    doc.apply(rename("step-search", "Ours"), "rename");
    await settle(doc);
    expect(server.sent).toHaveLength(6);
    expect(doc.getState().status).toBe("error");
    expect(notices.at(-1)?.text).toMatch(/keeps changing under us/);
  });
});

describe("when the server says no", () => {
  it("drops a refused edit and shows the map without it", async () => {
    const server = new FakeServer();
    server.failures = [new ApiError(422, "ValidationError", "the name is too long")];
    const { doc, notices, dropped } = open(server);
    const edit = doc.apply(rename("step-search", "x".repeat(10)), "rename")!;
    await settle(doc);
    expect(dropped).toEqual([[edit.group]]);
    expect(findStep(doc.getState().map, "step-search")?.step.name).toBe("Search");
    expect(doc.getState()).toMatchObject({ status: "error", statusText: "Couldn't save", revision: 7 });
    expect(notices).toEqual([{ text: "Couldn't save (rename): the name is too long", tone: "error" }]);
  });

  it("stops editing when the account may no longer edit", async () => {
    const server = new FakeServer();
    server.failures = [new ApiError(403, "Forbidden", "viewers cannot edit")];
    const { doc, dropped } = open(server);
    const a = doc.apply(rename("step-search", "A"), "a")!;
    const b = doc.apply(rename("step-read", "B"), "b")!;
    await settle(doc);
    expect(doc.getState().canEdit).toBe(false);
    expect(dropped).toEqual([[a.group, b.group]]);
    expect(doc.getState().map).toEqual(server.map);
  });

  it("keeps an edit through a network error and sends it on retry", async () => {
    const server = new FakeServer();
    server.failures = [new ApiError(0, "NetworkError", "The server did not answer.")];
    const { doc, dropped } = open(server);
    doc.apply(rename("step-search", "Kept"), "rename");
    await settle(doc);
    expect(doc.getState()).toMatchObject({ status: "error", statusText: "Couldn't save — retrying" });
    expect(doc.pending).toBe(true);
    expect(findStep(doc.getState().map, "step-search")?.step.name).toBe("Kept");
    doc.retry();
    await settle(doc);
    expect(doc.getState().status).toBe("saved");
    expect(findStep(server.map, "step-search")?.step.name).toBe("Kept");
    expect(dropped).toEqual([]);
  });
});

describe("others' changes", () => {
  it("reads the server's map when nothing of ours is on its way", async () => {
    const server = new FakeServer();
    const { doc, confirmed } = open(server);
    expect(await doc.refresh()).toBe(false);
    server.theirs(rename("step-form", "Theirs"));
    const untouched = doc.getState().map.stages[0];
    expect(await doc.refresh()).toBe(true);
    expect(doc.getState().revision).toBe(8);
    expect(findStep(doc.getState().map, "step-form")?.step.name).toBe("Theirs");
    expect(doc.getState().map.stages[0]).toBe(untouched);
    expect(confirmed()).toBe(1);
  });

  it("waits while an edit of ours is on its way", async () => {
    const server = new FakeServer();
    const { doc } = open(server);
    server.theirs(rename("step-form", "Theirs"));
    doc.apply(rename("step-search", "Ours"), "rename");
    expect(await doc.refresh()).toBe(false);
    await settle(doc);
    expect(doc.getState().map).toEqual(server.map);
  });
});
