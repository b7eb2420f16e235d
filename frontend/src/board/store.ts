// The board's state in one store: the map as shown (the server's map plus the edits still on
// their way), the save queue, undo/redo, comments, votes and findings. Components read it
// through `useBoard(selector)`, so an edit redraws only what it touches.
import { createContext, useContext, useSyncExternalStore } from "react";
import { api, ApiError, paths } from "../api";
import type { Comment, Finding, JourneyMap, MapState, Opportunity, PainPoint, Stage, Step } from "../types";
import {
  applyOp, clampOp, conflictOf, deepEqual, findElement, flatten, inverseOf, keepIdentity, KIND_LABELS, OpError, replaceElement, sendOp,
  type ElementKind, type Op, type PrimitiveOp, type Target,
} from "./ops";

export interface Column { step: Step; stage: Stage; stageIndex: number; index: number; indexInStage: number }

export interface Derived {
  /** Every step in journey order, with its stage. */
  columns: Column[];
  painsByStep: Map<string, PainPoint[]>;
  oppsByStep: Map<string, Opportunity[]>;
  unplacedPains: PainPoint[];
  unplacedOpps: Opportunity[];
  stepNames: Map<string, string>;
}

export type Panel =
  | { type: "element"; kind: ElementKind; id: string; focus?: "name" | "comments" }
  | { type: "comments" }
  | { type: "findings" };

export type SaveStatus = "saved" | "saving" | "error";

export interface BoardState {
  map: JourneyMap;
  revision: number;
  derived: Derived;
  status: SaveStatus;
  statusText: string;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string;
  redoLabel: string;
  canEdit: boolean;
  canComment: boolean;
  comments: Comment[];
  commentCounts: Map<string, number>;
  votes: Map<string, { votes: number; mine: boolean }>;
  findings: Finding[];
  findingsByStep: Map<string, Finding[]>;
  findingsByStage: Map<string, Finding[]>;
  selection: { kind: ElementKind; id: string } | null;
  panel: Panel | null;
  /** The persona whose sentiment line the points edit (multi-persona maps); null: the step's own score. */
  persona: string | null;
  /** Ask a component to start editing in place (after adding a card, or F2). */
  editRequest: { id: string; field: string; seq: number } | null;
}

interface Pending { op: PrimitiveOp; base: PrimitiveOp | null; group: number; label: string }
interface UndoEntry { op: Op; inverse: Op; group: number; label: string }

type Notify = (text: string, tone?: "info" | "error" | "success", action?: { label: string; run: () => void }) => void;

const EMPTY_FINDINGS: Finding[] = [];

function sameItems<T>(a: T[] | undefined, b: T[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Group items by key, reusing the previous arrays that hold the same items (stable props). */
function group<T>(items: T[], key: (t: T) => string | null, prev?: Map<string, T[]>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  if (prev) for (const [k, list] of out) if (sameItems(prev.get(k), list)) out.set(k, prev.get(k)!);
  return out;
}

export function derive(map: JourneyMap, prev?: Derived): Derived {
  const columns: Column[] = [];
  const stepNames = new Map<string, string>();
  map.stages.forEach((stage, stageIndex) =>
    stage.steps.forEach((step, indexInStage) => {
      columns.push({ step, stage, stageIndex, index: columns.length, indexInStage });
      stepNames.set(step.id, step.name);
    }),
  );
  const painsByStep = group(map.pain_points, (p) => (p.step && stepNames.has(p.step) ? p.step : null), prev?.painsByStep);
  const painStep = new Map(map.pain_points.filter((p) => p.step).map((p) => [p.id, p.step!]));
  const placeOf = (o: Opportunity): string | null => {
    const targets = o.steps.length ? o.steps : o.pain_points.map((p) => painStep.get(p)).filter((x): x is string => !!x);
    return targets.length && stepNames.has(targets[0]) ? targets[0] : null;
  };
  const oppsByStep = group(map.opportunities, placeOf, prev?.oppsByStep);
  const unplacedPains = map.pain_points.filter((p) => !p.step || !stepNames.has(p.step));
  const unplacedOpps = map.opportunities.filter((o) => placeOf(o) === null);
  return {
    columns,
    painsByStep,
    oppsByStep,
    unplacedPains: prev && sameItems(prev.unplacedPains, unplacedPains) ? prev.unplacedPains : unplacedPains,
    unplacedOpps: prev && sameItems(prev.unplacedOpps, unplacedOpps) ? prev.unplacedOpps : unplacedOpps,
    stepNames,
  };
}

function countComments(comments: Comment[], mapId: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of comments) {
    if (c.resolved) continue;
    const key = c.target ?? mapId;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export interface BoardInit {
  map: JourneyMap;
  revision: number;
  target: Target | null;
  canEdit: boolean;
  canComment: boolean;
  findings?: Finding[];
}

export class BoardStore {
  private state: BoardState;
  private listeners = new Set<() => void>();
  private confirmed: JourneyMap;
  private queue: Pending[] = [];
  private undoStack: UndoEntry[] = [];
  private redoStack: UndoEntry[] = [];
  private sending = false;
  private groupSeq = 1;
  private conflictsInARow = 0;
  private retryTimer: number | undefined;
  private retryDelay = 1000;
  private analysisTimer: number | undefined;
  private analysisSeq = 0;
  private pollTimer: number | undefined;
  private editSeq = 1;
  private disposed = false;
  readonly target: Target | null;
  notify: Notify = () => {};

  constructor(init: BoardInit) {
    this.target = init.target;
    this.confirmed = init.map;
    const findings = init.findings ?? [];
    this.state = {
      map: init.map,
      revision: init.revision,
      derived: derive(init.map),
      status: "saved",
      statusText: "All changes saved",
      canUndo: false,
      canRedo: false,
      undoLabel: "",
      redoLabel: "",
      canEdit: init.canEdit && init.target !== null,
      canComment: init.canComment && init.target !== null,
      comments: [],
      commentCounts: new Map(),
      votes: new Map(),
      findings,
      ...this.groupFindings(findings),
      selection: null,
      panel: null,
      persona: null,
      editRequest: null,
    };
  }

  // --- the store protocol ---------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): BoardState => this.state;

  set(patch: Partial<BoardState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.retryTimer);
    window.clearTimeout(this.analysisTimer);
    window.clearInterval(this.pollTimer);
  }

  // --- edits --------------------------------------------------------------------------------

  /**
   * Apply an edit now (optimistically), remember it for undo, and save it.
   * Answers the edit's group number (for `undoGroup`), or 0 when it cannot apply.
   */
  dispatch(op: Op, label: string): number {
    if (!this.state.canEdit || changesNothing(this.state.map, op)) return 0;
    const group = this.groupSeq++;
    const inverse = this.enqueue(op, group, label);
    if (!inverse) return 0;
    this.undoStack.push({ op, inverse, group, label });
    if (this.undoStack.length > 200) this.undoStack.shift();
    this.redoStack = [];
    this.afterEdit();
    return group;
  }

  undo(): void {
    const entry = this.undoStack.pop();
    if (!entry) return;
    this.undoEntry(entry);
  }

  /** Undo one particular edit (the Undo button of a notice), even if others came after it. */
  undoGroup(group: number): void {
    const i = this.undoStack.findIndex((u) => u.group === group);
    if (i < 0) return;
    const [entry] = this.undoStack.splice(i, 1);
    this.undoEntry(entry);
  }

  private undoEntry(entry: UndoEntry): void {
    const group = this.groupSeq++;
    const redo = this.enqueue(entry.inverse, group, `Undo ${entry.label}`);
    if (redo) this.redoStack.push({ op: entry.op, inverse: entry.inverse, group, label: entry.label });
    this.afterEdit();
  }

  redo(): void {
    const entry = this.redoStack.pop();
    if (!entry) return;
    const group = this.groupSeq++;
    const inverse = this.enqueue(entry.op, group, entry.label);
    if (inverse) this.undoStack.push({ op: entry.op, inverse, group, label: entry.label });
    this.afterEdit();
  }

  private enqueue(op: Op, group: number, label: string): Op | null {
    let view = this.state.map;
    let inverse: Op;
    const pending: Pending[] = [];
    try {
      inverse = inverseOf(view, op);
      for (const sub of flatten(op)) {
        const base = inverseOf(view, sub);
        view = applyOp(view, sub);
        pending.push({ op: sub, base: base.type === "batch" ? null : base, group, label });
      }
    } catch (e) {
      this.notify(`Couldn't ${label}: ${e instanceof Error ? e.message : String(e)}`, "error");
      return null;
    }
    this.queue.push(...pending);
    this.setView(view);
    return inverse;
  }

  private afterEdit(): void {
    this.set(this.undoFlags());
    void this.pump();
  }

  private undoFlags(): Partial<BoardState> {
    const u = this.undoStack[this.undoStack.length - 1];
    const r = this.redoStack[this.redoStack.length - 1];
    return { canUndo: !!u, canRedo: !!r, undoLabel: u ? u.label : "", redoLabel: r ? r.label : "" };
  }

  private setView(view: JourneyMap): void {
    const map = keepIdentity(this.state.map, view);
    if (map === this.state.map) return;
    this.set({ map, derived: derive(map, this.state.derived) });
  }

  /** The map as shown: the server's map with every edit still on its way applied. */
  private recompute(): void {
    let view = this.confirmed;
    const kept: Pending[] = [];
    for (const p of this.queue) {
      try {
        view = applyOp(view, p.op);
        kept.push(p);
      } catch {
        /* no longer applies: dropped */
      }
    }
    this.queue = kept;
    this.setView(view);
  }

  private setStatus(status: SaveStatus, statusText: string): void {
    if (this.state.status !== status || this.state.statusText !== statusText) this.set({ status, statusText });
  }

  private async pump(): Promise<void> {
    if (this.sending || !this.target || this.disposed) return;
    const head = this.queue[0];
    if (!head) {
      if (this.state.status !== "error") this.setStatus("saved", "All changes saved");
      return;
    }
    this.sending = true;
    this.setStatus("saving", "Saving…");
    let again = true;
    try {
      const sent = await sendOp(this.target, head.op, this.state.revision);
      if (this.disposed) return;
      try {
        this.confirmed = applyOp(this.confirmed, head.op);
        if (sent.element && (head.op.type === "add" || head.op.type === "update"))
          this.confirmed = replaceElement(this.confirmed, head.op.kind, sent.element);
      } catch {
        await this.reloadConfirmed();
      }
      this.queue.shift();
      this.conflictsInARow = 0;
      this.retryDelay = 1000;
      this.set({ revision: sent.revision });
      this.recompute();
      if (this.queue.length === 0) this.setStatus("saved", "All changes saved");
      this.scheduleAnalysis();
    } catch (e) {
      if (this.disposed) return;
      if (e instanceof ApiError && e.stale && e.type === "StaleRevision") {
        again = await this.resolveConflict();
      } else if (e instanceof ApiError && (e.status === 0 || e.status >= 500 || e.status === 429)) {
        again = false;
        this.setStatus("error", "Couldn't save — retrying");
        window.clearTimeout(this.retryTimer);
        this.retryTimer = window.setTimeout(() => void this.pump(), this.retryDelay);
        this.retryDelay = Math.min(this.retryDelay * 2, 30000);
      } else {
        this.refuse(head, e);
      }
    } finally {
      this.sending = false;
    }
    if (again) void this.pump();
  }

  /** Retry now (the save indicator's button). */
  retry(): void {
    window.clearTimeout(this.retryTimer);
    this.retryDelay = 1000;
    void this.pump();
  }

  private refuse(head: Pending, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.queue = this.queue.filter((p) => p.group !== head.group);
    this.undoStack = this.undoStack.filter((u) => u.group !== head.group);
    this.redoStack = this.redoStack.filter((u) => u.group !== head.group);
    this.recompute();
    this.set(this.undoFlags());
    this.setStatus("error", "Couldn't save");
    this.notify(`Couldn't save (${head.label}): ${message}`, "error");
    if (error instanceof ApiError && (error.status === 403 || error.status === 401)) {
      this.queue = [];
      this.recompute();
      this.set({ canEdit: false });
    }
  }

  private async reloadConfirmed(): Promise<MapState> {
    const fresh = (await api.get<MapState>(paths.map(this.target!.workspaceId, this.target!.mapId))).data;
    this.confirmed = keepIdentity(this.confirmed, fresh.map);
    this.set({ revision: fresh.revision });
    return fresh;
  }

  /** Someone else changed the map first: read it again and re-apply what still applies. */
  private async resolveConflict(): Promise<boolean> {
    this.conflictsInARow++;
    if (this.conflictsInARow > 5) {
      this.setStatus("error", "Couldn't save");
      this.notify("Couldn't save: the map keeps changing under us. Reload the page to continue.", "error");
      return false;
    }
    try {
      await this.reloadConfirmed();
    } catch (e) {
      this.setStatus("error", "Couldn't save — retrying");
      this.retryTimer = window.setTimeout(() => void this.pump(), this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, 30000);
      void e;
      return false;
    }
    let map = this.confirmed;
    const kept: Pending[] = [];
    const dropped: string[] = [];
    const droppedGroups = new Set<number>();
    for (const pending of this.queue) {
      if (droppedGroups.has(pending.group)) continue;
      const p = { ...pending, op: clampOp(map, pending.op) };
      const reason = conflictOf(map, p.op, p.base);
      if (reason) {
        droppedGroups.add(p.group);
        dropped.push(reason.startsWith("someone else") ? reason.charAt(0).toUpperCase() + reason.slice(1) : `Couldn't ${p.label}: ${reason}`);
        continue;
      }
      map = applyOp(map, p.op);
      kept.push(p);
    }
    this.queue = kept.filter((p) => !droppedGroups.has(p.group));
    this.undoStack = this.undoStack.filter((u) => !droppedGroups.has(u.group));
    this.redoStack = this.redoStack.filter((u) => !droppedGroups.has(u.group));
    this.recompute();
    this.set(this.undoFlags());
    if (dropped.length)
      this.notify(`${dropped.join(". ")}. Their version is kept: your change was not applied.`, "error");
    else if (this.conflictsInARow === 1)
      this.notify("Someone else changed this map meanwhile: the board shows their changes, and yours were applied on top.", "info");
    this.scheduleAnalysis();
    return true;
  }

  // --- others' changes ----------------------------------------------------------------------

  /** Read the map again when someone else changed it (only while nothing of ours is on its way). */
  async refreshFromServer(quiet = false): Promise<void> {
    if (!this.target || this.sending || this.queue.length) return;
    try {
      const fresh = (await api.get<MapState>(paths.map(this.target.workspaceId, this.target.mapId))).data;
      if (this.disposed || this.sending || this.queue.length || fresh.revision === this.state.revision) return;
      this.confirmed = keepIdentity(this.confirmed, fresh.map);
      this.set({ revision: fresh.revision });
      this.recompute();
      this.scheduleAnalysis();
      if (!quiet) this.notify("The map was updated with changes by others.", "info");
    } catch {
      /* the next poll tries again */
    }
    void this.loadComments();
    void this.loadVotes();
  }

  startPolling(ms = 20000): void {
    window.clearInterval(this.pollTimer);
    this.pollTimer = window.setInterval(() => {
      if (document.visibilityState === "visible") void this.refreshFromServer();
    }, ms);
  }

  // --- analysis -----------------------------------------------------------------------------

  private groupFindings(findings: Finding[]): Pick<BoardState, "findingsByStep" | "findingsByStage"> {
    const prevStep = this.state?.findingsByStep;
    const prevStage = this.state?.findingsByStage;
    const byStep = group(findings, (f) => f.step_id, prevStep);
    const byStage = group(findings, (f) => (f.step_id ? null : f.stage_id), prevStage);
    for (const [k, v] of byStep) if (prevStep && deepSameFindings(prevStep.get(k), v)) byStep.set(k, prevStep.get(k)!);
    for (const [k, v] of byStage) if (prevStage && deepSameFindings(prevStage.get(k), v)) byStage.set(k, prevStage.get(k)!);
    return { findingsByStep: byStep, findingsByStage: byStage };
  }

  setFindings(findings: Finding[]): void {
    this.set({ findings, ...this.groupFindings(findings) });
  }

  scheduleAnalysis(delay = 1200): void {
    if (!this.target) return;
    window.clearTimeout(this.analysisTimer);
    this.analysisTimer = window.setTimeout(() => void this.loadAnalysis(), delay);
  }

  async loadAnalysis(): Promise<void> {
    if (!this.target) return;
    const seq = ++this.analysisSeq;
    try {
      const reply = await api.get<{ findings: Finding[] }>(paths.analysis(this.target.workspaceId, this.target.mapId));
      if (seq === this.analysisSeq && !this.disposed) this.setFindings(reply.data.findings);
    } catch {
      /* findings are advisory: keep the last ones */
    }
  }

  // --- comments -----------------------------------------------------------------------------

  private setComments(comments: Comment[]): void {
    this.set({ comments, commentCounts: countComments(comments, this.state.map.id) });
  }

  async loadComments(): Promise<void> {
    if (!this.target) return;
    try {
      const reply = await api.get<Comment[]>(paths.comments(this.target.workspaceId, this.target.mapId));
      if (!this.disposed) this.setComments(reply.data);
    } catch {
      /* shown as no comments; the panel retries */
    }
  }

  async addComment(target: string | null, body: string): Promise<boolean> {
    if (!this.target) return false;
    try {
      const reply = await api.post<Comment>(paths.comments(this.target.workspaceId, this.target.mapId), { body, target });
      this.setComments([...this.state.comments, reply.data]);
      return true;
    } catch (e) {
      this.notify(`Couldn't post the comment: ${e instanceof Error ? e.message : String(e)}`, "error");
      return false;
    }
  }

  async resolveComment(id: string, resolved: boolean): Promise<void> {
    if (!this.target) return;
    try {
      const reply = await api.patch<Comment>(paths.comment(this.target.workspaceId, this.target.mapId, id), { resolved });
      this.setComments(this.state.comments.map((c) => (c.id === id ? reply.data : c)));
    } catch (e) {
      this.notify(`Couldn't change the comment: ${e instanceof Error ? e.message : String(e)}`, "error");
    }
  }

  async deleteComment(id: string): Promise<void> {
    if (!this.target) return;
    try {
      await api.del(paths.comment(this.target.workspaceId, this.target.mapId, id));
      this.setComments(this.state.comments.filter((c) => c.id !== id));
    } catch (e) {
      this.notify(`Couldn't delete the comment: ${e instanceof Error ? e.message : String(e)}`, "error");
    }
  }

  // --- votes --------------------------------------------------------------------------------

  async loadVotes(): Promise<void> {
    if (!this.target) return;
    try {
      const reply = await api.get<{ target: string; votes: number; mine: boolean }[]>(paths.votes(this.target.workspaceId, this.target.mapId));
      if (!this.disposed) this.set({ votes: new Map(reply.data.map((v) => [v.target, { votes: v.votes, mine: v.mine }])) });
    } catch {
      /* votes stay as they were */
    }
  }

  async toggleVote(target: string): Promise<void> {
    if (!this.target || !this.state.canComment) return;
    const before = this.state.votes.get(target) ?? { votes: 0, mine: false };
    const optimistic = { votes: Math.max(0, before.votes + (before.mine ? -1 : 1)), mine: !before.mine };
    this.set({ votes: new Map(this.state.votes).set(target, optimistic) });
    try {
      const path = paths.vote(this.target.workspaceId, this.target.mapId, target);
      const reply = before.mine ? await api.del<{ votes: number; mine: boolean }>(path) : await api.put<{ votes: number; mine: boolean }>(path, {});
      this.set({ votes: new Map(this.state.votes).set(target, { votes: reply.data.votes, mine: reply.data.mine }) });
    } catch (e) {
      this.set({ votes: new Map(this.state.votes).set(target, before) });
      this.notify(`Couldn't vote: ${e instanceof Error ? e.message : String(e)}`, "error");
    }
  }

  // --- selection, panels, in-place editing ----------------------------------------------------

  select(kind: ElementKind, id: string): void {
    const s = this.state.selection;
    if (s?.kind === kind && s.id === id) return;
    this.set({ selection: { kind, id } });
  }

  open(panel: Panel | null): void {
    if (panel?.type === "element") this.set({ panel, selection: { kind: panel.kind, id: panel.id } });
    else this.set({ panel });
  }

  requestEdit(id: string, field: string): void {
    this.set({ editRequest: { id, field, seq: this.editSeq++ } });
  }

  setPersona(persona: string | null): void {
    this.set({ persona });
  }
}

/** An edit that would leave the map as it is (the same value saved twice): not worth a revision. */
function changesNothing(map: JourneyMap, op: Op): boolean {
  if (op.type === "map") return Object.entries(op.changes).every(([k, v]) => deepEqual((map as unknown as Record<string, unknown>)[k] ?? null, v ?? null));
  if (op.type !== "update" || op.stage !== undefined || op.position !== undefined) return false;
  const current = findElement(map, op.kind, op.id);
  return !!current && Object.entries(op.changes).every(([k, v]) => deepEqual(current[k] ?? null, v ?? null));
}

function deepSameFindings(a: Finding[] | undefined, b: Finding[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x.kind === b[i].kind && x.message === b[i].message && x.severity === b[i].severity);
}

export const BoardContext = createContext<BoardStore | null>(null);

export function useStore(): BoardStore {
  const store = useContext(BoardContext);
  if (!store) throw new Error("board component outside a BoardContext");
  return store;
}

/** Read part of the board's state; the component redraws only when that part changes. */
export function useBoard<T>(selector: (s: BoardState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()));
}

export { EMPTY_FINDINGS, KIND_LABELS, OpError };
