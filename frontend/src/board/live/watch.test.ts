import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { testMap } from "../testMap";
import { readMap, writeMap } from "./layout";
import { withShownVotes } from "./watch";

describe("a watched map's votes", () => {
  it("shows the server's totals (written and cast) on the map read from the live document", () => {
    const doc = new Y.Doc();
    writeMap(doc, testMap());
    const live = readMap(doc);
    expect(live.opportunities.length).toBeGreaterThan(0);
    const first = live.opportunities[0];
    const shown = { ...live, opportunities: live.opportunities.map((o, i) => (i === 0 ? { ...o, votes: o.votes + 3 } : o)) };
    const merged = withShownVotes(live, shown);
    expect(merged.opportunities[0].votes).toBe(first.votes + 3);
    expect(merged.opportunities[0].name).toBe(first.name);
    expect(merged.stages).toBe(live.stages);
  });

  it("keeps the live map as it is when the totals agree, and a new opportunity's own votes", () => {
    const doc = new Y.Doc();
    writeMap(doc, testMap());
    const live = readMap(doc);
    expect(withShownVotes(live, live)).toBe(live);
    const older = { ...live, opportunities: [] };
    expect(withShownVotes(live, older).opportunities).toEqual(live.opportunities);
  });
});
