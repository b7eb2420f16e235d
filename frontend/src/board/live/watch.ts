// Watching a map live without editing it: the share page and the presentation. A read-only
// connection to the map's live document (y-websocket, as the board's): the map shown is read
// from the document after every change, at once; and each change also tells the page to read
// again what only the server works out (tallies, the summary, priorities), a moment later.
// The watcher sends no presence: nobody sees it as a person on the map.
import { useEffect, useRef, useState } from "react";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { JourneyMap } from "../../types";
import { hasMap, MapReader } from "./layout";

/** Close codes after which watching stops (the server would refuse the same again). */
const FINAL = (code: number) => code >= 4400 && code < 4500 && code !== 4429;

/** How long changes are gathered before the page reads the server's views again. */
export const WATCH_SETTLE_MS = 300;

export interface WatchTarget {
  /** The live endpoint without its room name (`/api/shared/TOKEN`, `/api/workspaces/W/maps/M`). */
  path: string;
  /** Query parameters (a share link's `password`). */
  params?: Record<string, string>;
}

export function liveEndpoint(path: string): string {
  const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${window.location.host}${path}`;
}

/** The map as its votes are shown: an opportunity's `votes` from `shown` (the server's total of
 * written and cast votes), the rest as the live document holds it. */
export function withShownVotes(live: JourneyMap, shown: JourneyMap): JourneyMap {
  const votes = new Map(shown.opportunities.map((o) => [o.id, o.votes]));
  const differ = live.opportunities.some((o) => votes.has(o.id) && votes.get(o.id) !== o.votes);
  if (!differ && live.id === shown.id) return live;
  const opportunities = differ ? live.opportunities.map((o) => (votes.has(o.id) ? { ...o, votes: votes.get(o.id)! } : o)) : live.opportunities;
  return { ...live, id: shown.id, opportunities };
}

/** Watch a map's live document while `target` is set: the map as it holds it now (null until
 * it arrived); `changed` runs (gathered over WATCH_SETTLE_MS) after every change anyone makes,
 * and after each reconnect that brought changes made while the page was away. */
export function useLiveWatch(target: WatchTarget | null, changed: () => void): JourneyMap | null {
  const [live, setLive] = useState<JourneyMap | null>(null);
  const latest = useRef(changed);
  latest.current = changed;
  const path = target?.path ?? null;
  const params = JSON.stringify(target?.params ?? {});
  useEffect(() => {
    if (path === null) return;
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(liveEndpoint(path), "live", doc, {
      connect: false,
      disableBc: true,
      params: JSON.parse(params) as Record<string, string>,
      maxBackoffTime: 5000,
    });
    provider.awareness.setLocalState(null);
    const reader = new MapReader(doc);
    let timer: number | null = null;
    const onUpdate = () => {
      if (hasMap(doc)) setLive(reader.read());
      if (timer !== null) return;
      timer = window.setTimeout(() => {
        timer = null;
        latest.current();
      }, WATCH_SETTLE_MS);
    };
    doc.on("update", onUpdate);
    provider.on("connection-close", (event: CloseEvent | null) => {
      if (event && FINAL(event.code)) provider.shouldConnect = false;
    });
    provider.connect();
    return () => {
      if (timer !== null) window.clearTimeout(timer);
      doc.off("update", onUpdate);
      provider.destroy();
      doc.destroy();
      setLive(null);
    };
  }, [path, params]);
  return live;
}
