// The live board's MapDocument: the map is a Y.Doc shared with everyone on it (layout.ts),
// kept on this device (IndexedDB) and synced over the live WebSocket (connection.ts). The map
// shown is read from the doc after every transaction, ours or theirs, with unchanged parts
// kept (so React redraws only what changed). An edit is a Y transaction with this client's
// origin (so undo is per person), and the indicator says "Saved" only when the server's
// SAVED message shows that everything the doc holds is committed to its database.
import * as Y from "yjs";
import type { JourneyMap } from "../../types";
import type { Applied, DocumentEvents, DocumentState, MapDocument } from "../document";
import { changesNothing, inverseOf, keepIdentity, OpError, type Op } from "../ops";
import { Scope } from "../scope";
import { applyOpToDoc, hasMap, MapReader, roots } from "./layout";
import { SaveTracker, type EditStore, type StateVector } from "./status";
import { LiveHistory, type EditLabel } from "./undo";

/** Roles the server names in its ACCESS message; only these may change the doc. */
const EDIT_ROLES = new Set(["owner", "editor"]);

export interface LiveState extends DocumentState {
  /** Whether the live connection is open. */
  connected: boolean;
  /** Edits made on this device the server has not committed yet. */
  unsaved: number;
}

export interface LiveMapDocumentInit {
  doc: Y.Doc;
  /** The map as the REST API gave it: shown until the doc holds the map. */
  map: JourneyMap;
  revision: number;
  /** What this account may do (the workspace's role); the server's ACCESS message may narrow it. */
  canEdit: boolean;
  edits?: EditStore;
}

export class LiveMapDocument extends Scope<LiveState> implements MapDocument {
  events: DocumentEvents = { notify: () => {}, dropped: () => {}, confirmed: () => {} };
  /** The origin of this client's transactions (what its undo tracks). */
  readonly origin = { live: "local edit" };
  readonly doc: Y.Doc;
  readonly history: LiveHistory;
  /** Set by the connection: reconnect now. */
  reconnect: () => void = () => {};
  private readonly reader: MapReader;
  private readonly tracker: SaveTracker;
  private readonly mayEdit: boolean;
  private role: string | null = null;
  private refused = false;
  private groupSeq = 1;
  private editing: EditLabel | null = null;
  private disposed = false;
  /** Whether the doc holds the map (from the server or this device); shown and edited from then on. */
  private ready = false;
  /** Edits made while the doc was still opening, applied in order once it holds the map. */
  private waiting: { op: Op; label: string; group: number }[] = [];

  constructor(init: LiveMapDocumentInit) {
    // canEdit is what the account may do from the start (so the board does not redraw as
    // editable once the doc arrives); edits wait for the doc (`apply` refuses until then).
    super({ map: init.map, revision: init.revision, status: "saving", statusText: "Connecting…", canEdit: init.canEdit, connected: false, unsaved: 0 });
    this.doc = init.doc;
    this.mayEdit = init.canEdit;
    this.reader = new MapReader(this.doc);
    this.tracker = new SaveTracker(init.edits);
    const r = roots(this.doc);
    this.history = new LiveHistory(
      [r.map, r.backstory, r.stages, r.steps, r.pain_points, r.opportunities, r.evidence],
      this.origin,
      () => this.editing,
      (op, label) => this.apply(op, label),
    );
    this.doc.on("afterTransaction", this.afterTransaction);
    this.show();
  }

  get pending(): boolean {
    return this.tracker.unsaved > 0 || this.waiting.length > 0;
  }

  apply(op: Op, label: string): Applied | null {
    if (!this.state.canEdit || this.disposed || changesNothing(this.state.map, op)) return null;
    const group = this.groupSeq++;
    if (!this.ready) {
      // The doc has not arrived yet (a slow first sync): keep the edit, in order, and make it
      // a transaction as soon as the doc holds the map. Nothing typed in the first second is lost.
      try {
        const inverse = inverseOf(this.state.map, op);
        this.waiting.push({ op, label, group });
        this.updateStatus();
        return { group, inverse };
      } catch (e) {
        this.events.notify(`Couldn't ${label}: ${e instanceof OpError || e instanceof Error ? e.message : String(e)}`, "error");
        return null;
      }
    }
    return this.transact(op, label, group);
  }

  private transact(op: Op, label: string, group: number): Applied | null {
    try {
      const inverse = inverseOf(this.state.map, op);
      this.editing = { label, group };
      applyOpToDoc(this.doc, this.state.map, op, this.origin);
      return { group, inverse };
    } catch (e) {
      this.events.notify(`Couldn't ${label}: ${e instanceof OpError || e instanceof Error ? e.message : String(e)}`, "error");
      return null;
    } finally {
      this.editing = null;
    }
  }

  /** The edits made before the doc arrived, taken out (the board fell back to REST: it replays them). */
  takeWaiting(): { op: Op; label: string }[] {
    const taken = this.waiting.map(({ op, label }) => ({ op, label }));
    this.waiting = [];
    return taken;
  }

  retry(): void {
    this.reconnect();
  }

  /** The live doc is always current: nothing to read again. */
  async refresh(): Promise<boolean> {
    return false;
  }

  dispose(): void {
    this.disposed = true;
    this.doc.off("afterTransaction", this.afterTransaction);
    this.history.destroy();
  }

  // --- what the connection tells us ---------------------------------------------------------

  /** The connection opened or closed. */
  setConnected(connected: boolean): void {
    this.tracker.connected = connected;
    this.set({ connected });
    this.updateStatus();
  }

  /** The doc is kept on this device (IndexedDB is synced): edits survive a reload offline. */
  setKept(kept: boolean): void {
    this.tracker.kept = kept;
    this.show();
  }

  /** The server's ACCESS message: the role this connection has. */
  setRole(role: string): void {
    this.role = role;
    this.show();
  }

  /** The server's SAVED message: everything up to `vector` is committed. */
  committed(vector: StateVector): void {
    const before = this.tracker.unsaved;
    this.tracker.committed(vector);
    this.updateStatus();
    if (this.tracker.unsaved !== before) this.events.confirmed();
  }

  /** The server refused our updates for good (read-only, too large, would break the map). */
  refuse(reason: string, readOnly: boolean): void {
    if (readOnly) this.refused = true;
    this.set({ status: "error", statusText: `Couldn't save: ${reason}` });
    this.show();
    this.events.notify(`Couldn't save: ${reason}`, "error");
  }

  /** Drop the uncommitted edits' bookkeeping (the doc is being read from the server again). */
  forgetUnsaved(): void {
    this.tracker.reset();
    this.updateStatus();
  }

  // --- the map as shown -------------------------------------------------------------------------

  private afterTransaction = (tr: Y.Transaction): void => {
    if (tr.origin === this.origin || tr.origin === this.history.manager) {
      if (tr.changed.size > 0 || tr.deleteSet.clients.size > 0) this.tracker.edited(this.doc.clientID, Y.getState(this.doc.store, this.doc.clientID));
    }
    if (tr.changed.size > 0 || tr.deleteSet.clients.size > 0 || !this.ready) this.show();
    if (!tr.local) this.events.confirmed();
    if (!tr.local && this.ready && tr.origin !== this.origin && (tr.changed.size > 0 || tr.deleteSet.clients.size > 0)) this.events.othersChanged?.();
  };


  private show(): void {
    this.ready = hasMap(this.doc);
    const canEdit = this.mayEdit && !this.refused && (this.role === null || EDIT_ROLES.has(this.role));
    // keepIdentity: the first reading reuses the REST map's unchanged cards (no redraw, no remount).
    const map = this.ready ? keepIdentity(this.state.map, this.reader.read()) : this.state.map;
    this.set({ map, canEdit });
    this.updateStatus();
    // After the transaction that brought the map (a new transaction from inside its
    // afterTransaction would be cleaned up later, outside this edit's undo label).
    if (this.ready && this.waiting.length && !this.draining) {
      this.draining = true;
      queueMicrotask(() => this.drain());
    }
  }

  private draining = false;

  /** The doc holds the map now: the edits kept while it opened become transactions, in order. */
  private drain(): void {
    if (this.disposed) return;
    try {
      const waiting = this.waiting;
      this.waiting = [];
      const dropped = new Set<number>();
      for (const { op, label, group } of waiting) {
        if (!this.state.canEdit) {
          dropped.add(group);
          continue;
        }
        if (changesNothing(this.state.map, op)) continue;
        if (!this.transact(op, label, group)) dropped.add(group);
      }
      if (dropped.size) this.events.dropped(dropped);
    } finally {
      this.draining = false;
    }
  }

  private updateStatus(): void {
    if (this.state.status === "error" && this.refused) return;
    if (!this.ready && this.state.connected) {
      const kept = this.waiting.length;
      this.set({ status: "saving", statusText: kept ? `Opening the live map… (${kept} ${kept === 1 ? "change" : "changes"} waiting)` : "Opening the live map…", unsaved: kept });
      return;
    }
    const view = this.tracker.view(Y.decodeStateVector(Y.encodeStateVector(this.doc)));
    this.set(view);
  }
}
