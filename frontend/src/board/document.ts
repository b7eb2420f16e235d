// The map being edited, as a synced document: the server's map (confirmed), the edits still on
// their way (the queue), and the map as shown (confirmed + queue). Edits apply at once and are
// sent one at a time with If-Match; when someone else saved first (409) the map is read again
// and the queue re-applied on top ("rebase"), dropping only the edits that now conflict.
//
// `MapDocument` is the interface the board and the map's settings page edit through; live
// co-editing replaces `RestMapDocument` with another implementation of it.
import { api, ApiError, paths } from "../api";
import type { JourneyMap, MapState } from "../types";
import {
  applyOp, changesNothing, clampOp, conflictOf, flatten, inverseOf, keepIdentity, replaceElement, sendOp,
  type Op, type PrimitiveOp, type Sent, type Target,
} from "./ops";
import { Scope, type Notify, type Subscribable } from "./scope";

/** "offline": the live board lost its connection; its edits wait on this device. */
export type SaveStatus = "saved" | "saving" | "error" | "offline";

export interface DocumentState {
  /** The map as shown: the server's map with every edit still on its way applied. */
  map: JourneyMap;
  /** The revision of the server's map the next edit is sent against. */
  revision: number;
  status: SaveStatus;
  statusText: string;
  /** False for viewers, and once the server said this account may not edit. */
  canEdit: boolean;
}

/** An edit that was applied: its group (the unit undo and refusals act on) and its inverse. */
export interface Applied { group: number; inverse: Op }

/** What happens to edits beyond the document: history forgets dropped ones, analysis reruns. */
export interface DocumentEvents {
  notify: Notify;
  /** Edits (by group) that will never be saved: refused by the server or in conflict. */
  dropped: (groups: ReadonlySet<number>) => void;
  /** The server's map changed: one of ours was saved, or someone else's arrived. */
  confirmed: () => void;
  /** Someone else's edit arrived (the live board; the REST board tells through `notify`). */
  othersChanged?: () => void;
}

/** The map being edited, however it is kept in step with the server and with others. */
export interface MapDocument extends Subscribable<DocumentState> {
  events: DocumentEvents;
  /** Apply an edit now and save it; null when it cannot apply or changes nothing. */
  apply(op: Op, label: string): Applied | null;
  /** Whether edits are still on their way (leaving the page would lose them). */
  readonly pending: boolean;
  /** Send again now (after a network error). */
  retry(): void;
  /** Read the server's map again when nothing of ours is on its way; true when it changed. */
  refresh(): Promise<boolean>;
  dispose(): void;
}

/** How a `RestMapDocument` talks to the server; tests give it a fake one. */
export interface Transport {
  send(op: PrimitiveOp, revision: number): Promise<Sent>;
  load(): Promise<{ map: JourneyMap; revision: number }>;
}

export function restTransport(target: Target): Transport {
  return {
    send: (op, revision) => sendOp(target, op, revision),
    load: async () => {
      const reply = await api.get<MapState>(paths.map(target.workspaceId, target.mapId));
      return { map: reply.data.map, revision: reply.data.revision };
    },
  };
}

interface Pending { op: PrimitiveOp; base: PrimitiveOp | null; group: number; label: string }

const SAVED = "All changes saved";
const MAX_CONFLICTS_IN_A_ROW = 5;

export interface RestMapDocumentInit {
  map: JourneyMap;
  revision: number;
  /** null: a document that is only shown (share links, presentations): nothing is sent. */
  transport: Transport | null;
  canEdit: boolean;
}

/** The map saved through the REST API, one primitive op at a time, rebased on a 409. */
export class RestMapDocument extends Scope<DocumentState> implements MapDocument {
  events: DocumentEvents = { notify: () => {}, dropped: () => {}, confirmed: () => {} };
  private confirmedMap: JourneyMap;
  private queue: Pending[] = [];
  private groupSeq = 1;
  private sending = false;
  private conflictsInARow = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = 1000;
  private disposed = false;
  private readonly transport: Transport | null;

  constructor(init: RestMapDocumentInit) {
    super({ map: init.map, revision: init.revision, status: "saved", statusText: SAVED, canEdit: init.canEdit && init.transport !== null });
    this.confirmedMap = init.map;
    this.transport = init.transport;
  }

  /** The server's map as last confirmed (without our edits on their way). */
  get confirmed(): JourneyMap {
    return this.confirmedMap;
  }

  get pending(): boolean {
    return this.queue.length > 0 || this.sending;
  }

  /** The edits on their way, oldest first (what a rebase re-applies). */
  get queued(): readonly { op: PrimitiveOp; group: number; label: string }[] {
    return this.queue;
  }

  /** The page is gone: stop retrying later. Edits already on their way are still sent. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retryTimer);
  }

  apply(op: Op, label: string): Applied | null {
    if (!this.state.canEdit || changesNothing(this.state.map, op)) return null;
    const group = this.groupSeq++;
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
      this.events.notify(`Couldn't ${label}: ${e instanceof Error ? e.message : String(e)}`, "error");
      return null;
    }
    this.queue.push(...pending);
    this.show(view);
    void this.pump();
    return { group, inverse };
  }

  retry(): void {
    clearTimeout(this.retryTimer);
    this.retryDelay = 1000;
    void this.pump();
  }

  async refresh(): Promise<boolean> {
    if (!this.transport || this.pending || this.disposed) return false;
    const fresh = await this.transport.load();
    if (this.disposed || this.pending || fresh.revision === this.state.revision) return false;
    this.confirmedMap = keepIdentity(this.confirmedMap, fresh.map);
    this.set({ revision: fresh.revision });
    this.recompute();
    this.events.confirmed();
    return true;
  }

  // --- the map as shown -------------------------------------------------------------------------

  private show(view: JourneyMap): void {
    this.set({ map: keepIdentity(this.state.map, view) });
  }

  /** Confirmed + queue; an edit that no longer applies is dropped. */
  private recompute(): void {
    let view = this.confirmedMap;
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
    this.show(view);
  }

  private setStatus(status: SaveStatus, statusText: string): void {
    this.set({ status, statusText });
  }

  private retryLater(): void {
    this.setStatus("error", "Couldn't save — retrying");
    clearTimeout(this.retryTimer);
    if (this.disposed) return;
    this.retryTimer = setTimeout(() => void this.pump(), this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 30000);
  }

  // --- sending ----------------------------------------------------------------------------------

  private async pump(): Promise<void> {
    if (this.sending || !this.transport) return;
    const head = this.queue[0];
    if (!head) {
      if (this.state.status !== "error") this.setStatus("saved", SAVED);
      return;
    }
    this.sending = true;
    this.setStatus("saving", "Saving…");
    let again = true;
    try {
      const sent = await this.transport.send(head.op, this.state.revision);
      try {
        this.confirmedMap = sent.map ? keepIdentity(this.confirmedMap, sent.map) : applyOp(this.confirmedMap, head.op);
        if (sent.element && (head.op.type === "add" || head.op.type === "update"))
          this.confirmedMap = replaceElement(this.confirmedMap, head.op.kind, sent.element);
      } catch {
        await this.reload();
      }
      this.queue.shift();
      this.conflictsInARow = 0;
      this.retryDelay = 1000;
      this.set({ revision: sent.revision });
      this.recompute();
      if (this.queue.length === 0) this.setStatus("saved", SAVED);
      this.events.confirmed();
    } catch (e) {
      if (e instanceof ApiError && e.stale && e.type === "StaleRevision") {
        again = await this.rebase();
      } else if (e instanceof ApiError && (e.status === 0 || e.status >= 500 || e.status === 429)) {
        again = false;
        this.retryLater();
      } else {
        this.refuse(head, e);
      }
    } finally {
      this.sending = false;
    }
    if (again) void this.pump();
  }

  /** The server said no to this edit: drop it (with the rest of its group) and say why. */
  private refuse(head: Pending, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const groups = new Set([head.group]);
    this.queue = this.queue.filter((p) => p.group !== head.group);
    if (error instanceof ApiError && (error.status === 403 || error.status === 401)) {
      for (const p of this.queue) groups.add(p.group);
      this.queue = [];
      this.set({ canEdit: false });
    }
    this.recompute();
    this.events.dropped(groups);
    this.setStatus("error", "Couldn't save");
    this.events.notify(`Couldn't save (${head.label}): ${message}`, "error");
  }

  private async reload(): Promise<void> {
    const fresh = await this.transport!.load();
    this.confirmedMap = keepIdentity(this.confirmedMap, fresh.map);
    this.set({ revision: fresh.revision });
  }

  /**
   * Someone else changed the map first: read it again and re-apply each edit on its way that
   * still applies and touches nothing they changed (ops.ts `conflictOf`); drop the others,
   * with their whole group, and say so. Answers whether to go on sending.
   */
  private async rebase(): Promise<boolean> {
    this.conflictsInARow++;
    if (this.conflictsInARow > MAX_CONFLICTS_IN_A_ROW) {
      this.setStatus("error", "Couldn't save");
      this.events.notify("Couldn't save: the map keeps changing under us. Reload the page to continue.", "error");
      return false;
    }
    try {
      await this.reload();
    } catch {
      this.retryLater();
      return false;
    }
    let map = this.confirmedMap;
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
    this.recompute();
    if (droppedGroups.size) this.events.dropped(droppedGroups);
    if (dropped.length)
      this.events.notify(`${dropped.join(". ")}. Their version is kept: your change was not applied.`, "error");
    else if (this.conflictsInARow === 1)
      this.events.notify("Someone else changed this map meanwhile: the board shows their changes, and yours were applied on top.", "info");
    this.events.confirmed();
    return true;
  }
}
