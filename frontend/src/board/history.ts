// Undo and redo over a document's edits. An entry keeps the edit and its inverse; undoing
// applies the inverse as a new edit (so it is saved like any other), and an edit the server
// refused or a rebase dropped is forgotten, by its group.
import type { Op } from "./ops";
import { Scope, type Subscribable } from "./scope";

export interface HistoryState {
  canUndo: boolean;
  canRedo: boolean;
  /** What Undo would undo ("change the name of step ‘Sign up’"), for the button's label. */
  undoLabel: string;
  redoLabel: string;
}

export interface HistoryEntry { op: Op; inverse: Op; group: number; label: string }

/** Applies an op as a new edit (the document's `apply`): its group and inverse, or null. */
export type ApplyEdit = (op: Op, label: string) => { group: number; inverse: Op } | null;

/** What the board's undo needs: `History` (REST) and `LiveHistory` (Yjs, per person) both are this. */
export interface BoardHistory extends Subscribable<HistoryState> {
  record(entry: HistoryEntry): void;
  undo(): boolean;
  redo(): boolean;
  undoGroup(group: number): boolean;
  forget(groups: ReadonlySet<number>): void;
}

export class History extends Scope<HistoryState> implements BoardHistory {
  private undoStack: HistoryEntry[] = [];
  private redoStack: HistoryEntry[] = [];

  constructor(private readonly applyEdit: ApplyEdit, private readonly limit = 200) {
    super({ canUndo: false, canRedo: false, undoLabel: "", redoLabel: "" });
  }

  /** A new edit was made: it can be undone, and what was undone before can no longer be redone. */
  record(entry: HistoryEntry): void {
    this.undoStack.push(entry);
    if (this.undoStack.length > this.limit) this.undoStack.shift();
    this.redoStack = [];
    this.update();
  }

  undo(): boolean {
    const entry = this.undoStack.pop();
    return entry ? this.undoEntry(entry) : false;
  }

  /** Undo one particular edit (the Undo button of a notice), even if others came after it. */
  undoGroup(group: number): boolean {
    const i = this.undoStack.findIndex((u) => u.group === group);
    if (i < 0) return false;
    const [entry] = this.undoStack.splice(i, 1);
    return this.undoEntry(entry);
  }

  redo(): boolean {
    const entry = this.redoStack.pop();
    if (!entry) return false;
    const done = this.applyEdit(entry.op, entry.label);
    if (done) this.undoStack.push({ op: entry.op, inverse: done.inverse, group: done.group, label: entry.label });
    this.update();
    return !!done;
  }

  /** Edits that will never be saved: nothing to undo or redo of them. */
  forget(groups: ReadonlySet<number>): void {
    this.undoStack = this.undoStack.filter((u) => !groups.has(u.group));
    this.redoStack = this.redoStack.filter((u) => !groups.has(u.group));
    this.update();
  }

  private undoEntry(entry: HistoryEntry): boolean {
    const done = this.applyEdit(entry.inverse, `Undo ${entry.label}`);
    if (done) this.redoStack.push({ op: entry.op, inverse: entry.inverse, group: done.group, label: entry.label });
    this.update();
    return !!done;
  }

  private update(): void {
    const u = this.undoStack[this.undoStack.length - 1];
    const r = this.redoStack[this.redoStack.length - 1];
    this.set({ canUndo: !!u, canRedo: !!r, undoLabel: u ? u.label : "", redoLabel: r ? r.label : "" });
  }
}
