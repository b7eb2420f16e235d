// Undo and redo per person on the live board: Yjs's UndoManager tracking only this client's
// edits (their transaction origin), so Ctrl+Z reverts your own changes and never someone
// else's — even when theirs came after yours, and inside the same text.
import * as Y from "yjs";
import type { ApplyEdit, BoardHistory, HistoryEntry, HistoryState } from "../history";
import { Scope } from "../scope";

/** The edit being made now (set by the document around its transaction): labels the undo step. */
export interface EditLabel { label: string; group: number }

export class LiveHistory extends Scope<HistoryState> implements BoardHistory {
  readonly manager: Y.UndoManager;
  private entries = new Map<number, HistoryEntry>();
  private moving: string | null = null;

  constructor(
    scope: Y.AbstractType<any>[], // eslint-disable-line @typescript-eslint/no-explicit-any
    origin: unknown,
    private readonly current: () => EditLabel | null,
    private readonly applyEdit: ApplyEdit,
    private readonly limit = 200,
  ) {
    super({ canUndo: false, canRedo: false, undoLabel: "", redoLabel: "" });
    // captureTimeout 0: every edit of the board is its own undo step (a batch is one transaction).
    this.manager = new Y.UndoManager(scope, { trackedOrigins: new Set([origin]), captureTimeout: 0 });
    this.manager.on("stack-item-added", (event: { stackItem: { meta: Map<string, unknown> }; type: "undo" | "redo" }) => {
      const edit = this.current();
      const label = this.moving ?? edit?.label ?? "change";
      event.stackItem.meta.set("label", label);
      if (edit && this.moving === null) event.stackItem.meta.set("group", edit.group);
      if (event.type === "undo" && this.manager.undoStack.length > this.limit) this.manager.undoStack.shift();
      this.update();
    });
    this.manager.on("stack-item-popped", () => this.update());
    this.manager.on("stack-cleared", () => this.update());
  }

  record(entry: HistoryEntry): void {
    // The UndoManager captured the edit already; keep its inverse for `undoGroup`.
    this.entries.set(entry.group, entry);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as number);
    this.update();
  }

  undo(): boolean {
    return this.move("undo");
  }

  redo(): boolean {
    return this.move("redo");
  }

  /** Undo one particular edit (a notice's Undo button): the last one by the manager, an older one by its inverse. */
  undoGroup(group: number): boolean {
    const top = this.manager.undoStack[this.manager.undoStack.length - 1];
    if (top && top.meta.get("group") === group) return this.undo();
    const entry = this.entries.get(group);
    if (!entry) return false;
    this.entries.delete(group);
    return !!this.applyEdit(entry.inverse, `Undo ${entry.label}`);
  }

  forget(groups: ReadonlySet<number>): void {
    for (const g of groups) this.entries.delete(g);
  }

  destroy(): void {
    this.manager.destroy();
  }

  private move(direction: "undo" | "redo"): boolean {
    const stack = direction === "undo" ? this.manager.undoStack : this.manager.redoStack;
    const top = stack[stack.length - 1];
    if (!top) return false;
    this.moving = String(top.meta.get("label") ?? "change");
    try {
      const done = direction === "undo" ? this.manager.undo() : this.manager.redo();
      return done !== null;
    } finally {
      this.moving = null;
      this.update();
    }
  }

  private update(): void {
    const u = this.manager.undoStack[this.manager.undoStack.length - 1];
    const r = this.manager.redoStack[this.manager.redoStack.length - 1];
    this.set({
      canUndo: !!u,
      canRedo: !!r,
      undoLabel: u ? String(u.meta.get("label") ?? "") : "",
      redoLabel: r ? String(r.meta.get("label") ?? "") : "",
    });
  }
}
