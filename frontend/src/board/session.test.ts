import { describe, expect, it } from "vitest";
import { BoardSession } from "./session";

describe("BoardSession", () => {
  it("selects what a panel opens, and forgets an element that is gone", () => {
    const session = new BoardSession();
    session.open({ type: "element", kind: "steps", id: "step-read", focus: "comments" });
    expect(session.getState().selection).toEqual({ kind: "steps", id: "step-read" });
    session.forgetElement("step-other");
    expect(session.getState().panel).not.toBeNull();
    session.forgetElement("step-read");
    expect(session.getState()).toMatchObject({ panel: null, selection: null });
  });

  it("tells its listeners only of real changes", () => {
    const session = new BoardSession();
    let heard = 0;
    session.subscribe(() => heard++);
    session.select("stages", "stage-discover");
    session.select("stages", "stage-discover");
    session.setPersona(null);
    expect(heard).toBe(1);
  });

  it("makes each request to edit or reveal a new one, even for the same card", () => {
    const session = new BoardSession();
    session.requestEdit("step-read", "name");
    const first = session.getState().editRequest;
    session.requestEdit("step-read", "name");
    expect(session.getState().editRequest).not.toEqual(first);
    session.reveal("step-read");
    session.reveal("step-read");
    expect(session.getState().revealRequest?.id).toBe("step-read");
    session.clearEditRequest();
    expect(session.getState().editRequest).toBeNull();
  });
});
