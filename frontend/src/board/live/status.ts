// What the live board's save indicator says, from three facts: what this device's doc holds
// (its state vector), what the server has committed to its database (the state vector of its
// last SAVED message), and whether we are connected. "Saved" only when everything the doc holds
// is committed; offline, the edits not yet committed are counted ("3 changes kept on this device").
import { plural } from "../../components/words";
import type { SaveStatus } from "../document";

export type StateVector = Map<number, number>;

/** One edit made on this device: the client that made it and its clock after the edit. */
export interface LocalEdit { client: number; clock: number }

/** Where this device keeps its list of uncommitted edits across a reload (localStorage). */
export interface EditStore {
  load(): LocalEdit[];
  save(edits: LocalEdit[]): void;
}

export function memoryEditStore(): EditStore {
  let kept: LocalEdit[] = [];
  return { load: () => kept, save: (e) => void (kept = e) };
}

export function localEditStore(key: string): EditStore {
  return {
    load: () => {
      try {
        const raw = JSON.parse(window.localStorage.getItem(key) ?? "[]") as unknown;
        return Array.isArray(raw) ? raw.filter((e): e is LocalEdit => typeof e?.client === "number" && typeof e?.clock === "number") : [];
      } catch {
        return [];
      }
    },
    save: (edits) => {
      try {
        if (edits.length) window.localStorage.setItem(key, JSON.stringify(edits));
        else window.localStorage.removeItem(key);
      } catch {
        /* storage full or disabled: the count is then for this page only */
      }
    },
  };
}

/** Whether `saved` covers everything in `local`. */
export function covers(saved: StateVector, local: StateVector): boolean {
  for (const [client, clock] of local) if ((saved.get(client) ?? 0) < clock) return false;
  return true;
}

export interface SaveView { status: SaveStatus; statusText: string; unsaved: number }

const SAVED_TEXT = "All changes saved";

export class SaveTracker {
  private edits: LocalEdit[];
  private saved: StateVector | null = null;
  connected = false;
  /** Whether the doc is kept on this device (IndexedDB) while it is offline. */
  kept = false;

  constructor(private readonly store: EditStore = memoryEditStore()) {
    this.edits = store.load();
  }

  /** We made an edit: `clock` is our client's clock after it. */
  edited(client: number, clock: number): void {
    this.edits.push({ client, clock });
    this.store.save(this.edits);
  }

  /** The server committed everything up to `vector`. */
  committed(vector: StateVector): void {
    this.saved = vector;
    const before = this.edits.length;
    this.edits = this.edits.filter((e) => (vector.get(e.client) ?? 0) < e.clock);
    if (this.edits.length !== before) this.store.save(this.edits);
  }

  /** Forget every uncommitted edit (the server refused the doc's state: it is read again). */
  reset(): void {
    this.edits = [];
    this.saved = null;
    this.store.save(this.edits);
  }

  get unsaved(): number {
    return this.edits.length;
  }

  view(local: StateVector): SaveView {
    const n = this.edits.length;
    const all = this.saved !== null && covers(this.saved, local) && n === 0;
    if (!this.connected) {
      if (n === 0) return { status: "offline", statusText: "Offline — reconnecting; nothing waits to be saved", unsaved: 0 };
      const changes = plural(n, "change");
      return {
        status: "offline",
        statusText: this.kept ? `Offline — ${changes} kept on this device` : `Offline — ${changes} not saved yet`,
        unsaved: n,
      };
    }
    if (all || (n === 0 && this.saved !== null && this.saved.size === 0 && local.size === 0)) return { status: "saved", statusText: SAVED_TEXT, unsaved: 0 };
    return { status: "saving", statusText: "Saving…", unsaved: n };
  }
}
