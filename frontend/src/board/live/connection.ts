// The live connection of a board: y-websocket's provider on the map's live endpoint (standard
// sync and awareness, plus Journeyline's SAVED and ACCESS messages, /work/notes/live-protocol.md
// and docs/api.md) and y-indexeddb keeping the doc on this device, so edits made offline survive
// a dropped connection, a reload and a server restart, and merge when the board reconnects.
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import type { Awareness } from "y-protocols/awareness";
import type { Target } from "../ops";
import type { LiveMapDocument } from "./document";
import { hasMap } from "./layout";

export const MESSAGE_SAVED = 100;
export const MESSAGE_ACCESS = 101;

/** Close codes after which the board stops sending (the server will refuse the same again). */
const READ_ONLY = 4403;
const REFUSED = new Set([4413, 4422]);

export interface LiveConnectionOptions {
  /** Keep the doc in IndexedDB (editors); viewers and share links only watch. */
  keep: boolean;
  /** Query parameters (a share link's `share` and `share_password`). */
  params?: Record<string, string>;
  /** The server refused the doc's state (too large, would break the map): read it again. */
  onRefused?: () => void;
  /** The first connection failed before it opened: the server has no live endpoint. */
  onUnavailable?: () => void;
}

export function liveUrl(target: Target): string {
  const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${window.location.host}/api/workspaces/${encodeURIComponent(target.workspaceId)}/maps/${encodeURIComponent(target.mapId)}`;
}

/** The name of the IndexedDB database that keeps one map's doc on this device. */
export function keptName(target: Target): string {
  return `journeyline-live:${target.workspaceId}/${target.mapId}`;
}

export class LiveConnection {
  readonly provider: WebsocketProvider;
  readonly persistence: IndexeddbPersistence | null;
  private destroyed = false;
  private opened = false;

  constructor(readonly document: LiveMapDocument, target: Target, options: LiveConnectionOptions) {
    const doc = document.doc;
    this.persistence = options.keep && typeof indexedDB !== "undefined" ? new IndexeddbPersistence(keptName(target), doc) : null;
    this.persistence?.on("synced", () => document.setKept(true));
    this.provider = new WebsocketProvider(liveUrl(target), "live", doc, {
      connect: false,
      disableBc: true,
      params: options.params ?? {},
      maxBackoffTime: 5000,
    });
    this.provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
      document.committed(Y.decodeStateVector(decoding.readVarUint8Array(decoder)));
    };
    this.provider.messageHandlers[MESSAGE_ACCESS] = (_encoder, decoder) => {
      document.setRole(decoding.readVarString(decoder));
    };
    this.provider.on("status", ({ status }: { status: string }) => {
      if (status === "connected") this.opened = true;
      document.setConnected(status === "connected");
    });
    this.provider.on("connection-close", (event: CloseEvent | null) => {
      if (!event || this.destroyed) return;
      // Never opened, and nothing of this map kept on this device: the server has no live endpoint.
      if (!this.opened && !hasMap(doc) && options.onUnavailable && !(event.code >= 4400 && event.code < 4500)) {
        this.provider.shouldConnect = false;
        options.onUnavailable();
        return;
      }
      if (event.code === READ_ONLY) {
        this.provider.shouldConnect = false;
        document.refuse(event.reason || "this map is read-only for you", true);
      } else if (REFUSED.has(event.code)) {
        this.provider.shouldConnect = false;
        document.refuse(event.reason || "the server refused this change", false);
        void this.dropKept().then(() => options.onRefused?.());
      } else if (event.code >= 4400 && event.code < 4500) {
        document.refuse(event.reason || `the live connection was closed (${event.code})`, event.code !== 4429);
        if (event.code === 4429) window.setTimeout(() => this.provider.connect(), 2000);
      }
    });
    // The browser knows when the network is gone: stop trying (edits wait on this device) and
    // reconnect as soon as it is back.
    window.addEventListener("offline", this.wentOffline);
    window.addEventListener("online", this.cameOnline);
    document.reconnect = () => {
      if (!this.destroyed) this.provider.connect();
    };
    // Connect once the copy on this device is loaded, so its edits go out in the first sync.
    const start = () => {
      if (!this.destroyed) this.provider.connect();
    };
    if (this.persistence) void this.persistence.whenSynced.then(start, start);
    else start();
  }

  private wentOffline = (): void => {
    if (!this.destroyed) this.provider.disconnect();
  };

  private cameOnline = (): void => {
    if (!this.destroyed) this.provider.connect();
  };

  get awareness(): Awareness {
    return this.provider.awareness;
  }

  /** Forget the copy on this device (after the server refused it). */
  async dropKept(): Promise<void> {
    this.document.forgetUnsaved();
    await this.persistence?.clearData();
  }

  destroy(): void {
    this.destroyed = true;
    window.removeEventListener("offline", this.wentOffline);
    window.removeEventListener("online", this.cameOnline);
    this.provider.awareness.setLocalState(null);
    this.provider.destroy();
    void this.persistence?.destroy();
  }
}
