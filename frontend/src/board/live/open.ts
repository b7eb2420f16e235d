// Opening the live board: a Y.Doc, its live document, the connection (WebSocket + the copy kept
// on this device) and presence, put together in a BoardStore.
import * as Y from "yjs";
import type { Me } from "../../types";
import { BoardStore, type BoardInit } from "../store";
import { LiveConnection } from "./connection";
import { LiveMapDocument } from "./document";
import { colorFor, Presence } from "./presence";
import { localEditStore } from "./status";

export interface LiveBoardHooks {
  /** The server has no live endpoint (the first connection failed before it opened). */
  unavailable: () => void;
  /** The server refused this device's copy of the map: open the board again from the server. */
  reset: () => void;
}

export function openLiveBoard(init: BoardInit, me: Me | null, hooks: LiveBoardHooks): BoardStore {
  const target = init.target!;
  const doc = new Y.Doc();
  const key = `${target.workspaceId}/${target.mapId}`;
  const document = new LiveMapDocument({ doc, map: init.map, revision: init.revision, canEdit: init.canEdit, edits: localEditStore(`journeyline-live-edits:${key}`) });
  const connection = new LiveConnection(document, target, { keep: init.canEdit, onRefused: hooks.reset, onUnavailable: hooks.unavailable });
  const id = me?.id ?? `guest-${doc.clientID}`;
  const presence = new Presence(connection.awareness, { id, name: me?.name || me?.email || "Guest", color: colorFor(id) });
  const store = new BoardStore(init, document, presence);
  store.onDispose(() => {
    connection.destroy();
    doc.destroy();
  });
  return store;
}
