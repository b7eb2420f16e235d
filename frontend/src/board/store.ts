// The board's state, scoped as tldraw scopes its store: the document (the map, saved and
// synced: document.ts), its history (undo/redo: history.ts), this tab's session (selection,
// panels: session.ts), the collaboration around the map (comments, votes: collaboration.ts)
// and the analysis' findings (analysis.ts). `BoardStore` puts them together: every edit goes
// through `dispatch`, the one pipeline that applies, saves and records it for undo, and
// components read one combined snapshot through `useBoard(selector)`, so an edit redraws only
// what it touches.
import { createContext, useContext, useSyncExternalStore } from "react";
import type { Finding, JourneyMap, Opportunity, PainPoint, Stage, Step } from "../types";
import { Analysis, EMPTY_FINDINGS, type AnalysisState } from "./analysis";
import { Collaboration, type CollaborationState } from "./collaboration";
import { restTransport, RestMapDocument, type DocumentState, type MapDocument } from "./document";
import { group, sameItems } from "./grouping";
import { History, type BoardHistory, type HistoryState } from "./history";
import { LiveMapDocument } from "./live/document";
import { Presence, type PresenceState } from "./live/presence";
import { KIND_LABELS, OpError, type Op, type Target } from "./ops";
import type { Listener, Notify } from "./scope";
import { BoardSession, type SessionState } from "./session";

export type { Panel } from "./session";
export type { SaveStatus } from "./document";

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

export type BoardState = DocumentState & HistoryState & SessionState & CollaborationState & AnalysisState & PresenceState & { derived: Derived; live: boolean };

export interface BoardInit {
  map: JourneyMap;
  revision: number;
  target: Target | null;
  canEdit: boolean;
  canComment: boolean;
  findings?: Finding[];
}

export class BoardStore {
  readonly target: Target | null;
  readonly document: MapDocument;
  readonly history: BoardHistory;
  /** Who else is on the map (the live board; nobody on the REST one). */
  readonly presence: Presence;
  readonly session = new BoardSession();
  readonly collaboration: Collaboration;
  readonly analysis: Analysis;
  private listeners = new Set<Listener>();
  private snapshot: BoardState | null = null;
  private derived: Derived;
  private derivedFor: JourneyMap;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private notifyFn: Notify = () => {};
  private cleanups: (() => void)[] = [];
  private othersChanged = new Set<() => void>();

  constructor(init: BoardInit, document?: MapDocument, presence?: Presence) {
    this.target = init.target;
    this.document =
      document ?? new RestMapDocument({ map: init.map, revision: init.revision, transport: init.target && restTransport(init.target), canEdit: init.canEdit });
    // The live board undoes per person (Yjs's UndoManager on this client's edits only).
    this.history = this.document instanceof LiveMapDocument ? this.document.history : new History((op, label) => this.document.apply(op, label));
    this.presence = presence ?? new Presence(null, { id: "", name: "", color: "" });
    this.collaboration = new Collaboration(init.target, init.canComment);
    this.analysis = new Analysis(init.target, init.findings);
    this.derivedFor = this.document.getState().map;
    this.derived = derive(this.derivedFor);
    this.document.events = {
      notify: (...args) => this.notifyFn(...args),
      dropped: (groups) => this.history.forget(groups),
      confirmed: () => this.analysis.schedule(),
      othersChanged: () => this.othersChanged.forEach((fn) => fn()),
    };
    for (const scope of [this.document, this.history, this.session, this.collaboration, this.analysis, this.presence]) scope.subscribe(this.changed);
    // What this person has selected is shown to the others.
    this.session.subscribe(() => this.presence.update({ selection: this.session.getState().selection }));
  }

  /** Where notices go (the page's toasts). */
  get notify(): Notify {
    return this.notifyFn;
  }

  set notify(fn: Notify) {
    this.notifyFn = fn;
    this.collaboration.notify = fn;
  }

  // --- the store protocol ---------------------------------------------------------------

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed = (): void => {
    this.snapshot = null;
    for (const l of this.listeners) l();
  };

  /** One snapshot of every scope, the same object until one of them changes. */
  getState = (): BoardState => {
    if (!this.snapshot) {
      const doc = this.document.getState();
      if (doc.map !== this.derivedFor) {
        this.derived = derive(doc.map, this.derived);
        this.derivedFor = doc.map;
      }
      this.snapshot = {
        ...doc,
        ...this.history.getState(),
        ...this.session.getState(),
        ...this.collaboration.getState(),
        ...this.analysis.getState(),
        ...this.presence.getState(),
        derived: this.derived,
        live: this.document instanceof LiveMapDocument,
      };
    }
    return this.snapshot;
  };

  /** Hear of others' edits as they arrive (the live board); answers how to stop. */
  onOthersChanged(fn: () => void): () => void {
    this.othersChanged.add(fn);
    return () => this.othersChanged.delete(fn);
  }

  /** Something to end with the board (the live connection). */
  onDispose(fn: () => void): void {
    this.cleanups.push(fn);
  }

  dispose(): void {
    clearInterval(this.pollTimer);
    for (const fn of this.cleanups.splice(0)) fn();
    this.document.dispose();
    this.presence.dispose();
    this.collaboration.dispose();
    this.analysis.dispose();
  }

  // --- edits: the one pipeline ----------------------------------------------------------

  /**
   * Apply an edit now (optimistically), save it, and remember it for undo.
   * Answers the edit's group number (for `undoGroup`), or 0 when it cannot apply.
   */
  dispatch(op: Op, label: string): number {
    const done = this.document.apply(op, label);
    if (!done) return 0;
    this.history.record({ op, inverse: done.inverse, group: done.group, label });
    return done.group;
  }

  undo(): void {
    this.history.undo();
  }

  redo(): void {
    this.history.redo();
  }

  /** Undo one particular edit (the Undo button of a notice), even if others came after it. */
  undoGroup(group: number): void {
    this.history.undoGroup(group);
  }

  // --- others' changes ----------------------------------------------------------------------

  /** Read the map, comments and votes again (the map only while nothing of ours is on its way). */
  async refreshFromServer(quiet = false): Promise<void> {
    try {
      if ((await this.document.refresh()) && !quiet) this.notifyFn("The map was updated with changes by others.", "info");
    } catch {
      /* the next poll tries again */
    }
    void this.collaboration.load();
  }

  /** Everything around the map, after the map is drawn (it never holds the map up). */
  loadAround(): void {
    void this.collaboration.load();
    void this.analysis.load();
  }

  startPolling(ms = 20000): void {
    clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() => {
      if (window.document.visibilityState === "visible") void this.refreshFromServer();
    }, ms);
  }
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
