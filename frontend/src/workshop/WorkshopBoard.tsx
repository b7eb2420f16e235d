// The workshop's map: the board's own store (live when the server has the live endpoint) and
// grid, opened for a member or a guest of the workshop. Guests have no workspace to read, so
// the board's extras (personas, custom lane names) are only loaded for members.
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { Loading } from "../components/loading";
import { useNotify } from "../components/notices";
import type { MapState, Me } from "../types";
import type { WorkspaceState } from "../workspace";
import { MetaContext, type BoardMeta } from "../board/context";
import { openLiveBoard } from "../board/live/open";
import { BoardContext, BoardStore } from "../board/store";
import "../board/board.css";

const EMPTY_META: BoardMeta = { personas: [], laneNames: new Map(), workspaceEvidenced: new Set(), me: null };

export interface BoardAccess {
  workspaceId: string;
  mapId: string;
  workshopId: string;
  /** Who is looking, for presence on the map (the workshop's person). */
  who: Me;
  /** A member of the workspace (not a guest): their workspace is read for personas and lanes. */
  member: boolean;
  /** May change the map now (the workspace role, the workshop's lock). */
  canEdit: boolean;
}

/** Provides the map's BoardStore (and meta) to everything inside; shows loading and errors itself. */
export function WorkshopBoard({ access, children }: { access: BoardAccess; children: ReactNode }) {
  const { workspaceId, mapId, member, canEdit, who } = access;
  const notify = useNotify();
  const [store, setStore] = useState<BoardStore | null>(null);
  const [meta, setMeta] = useState<BoardMeta>(EMPTY_META);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!member) return;
    let live = true;
    api.get<WorkspaceState>(paths.workspace(workspaceId)).then(
      ({ data }) =>
        live &&
        setMeta({
          personas: data.workspace.personas,
          laneNames: new Map(data.workspace.lanes.map((l) => [l.id, l.name])),
          workspaceEvidenced: new Set(data.workspace.evidence.flatMap((e) => e.links)),
          me: who.id,
        }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [workspaceId, member, who.id]);

  useEffect(() => {
    let live = true;
    let made: BoardStore | null = null;
    setError(null);
    api.get<MapState>(paths.map(workspaceId, mapId)).then(
      ({ data, etag }) => {
        if (!live) return;
        const init = { map: data.map, revision: etag ?? data.revision, target: { workspaceId, mapId }, canEdit, canComment: member };
        const show = (s: BoardStore) => {
          made = s;
          s.notify = notify;
          setStore(s);
          window.setTimeout(() => {
            if (!live) return;
            if (member) s.loadAround();
            s.startPolling();
          }, 0);
        };
        const rest = () => new BoardStore(init);
        if (typeof WebSocket === "undefined") show(rest());
        else
          show(
            openLiveBoard(init, who, {
              unavailable: () => {
                if (!live) return;
                made?.dispose();
                show(rest());
              },
              reset: () => live && setAttempt((n) => n + 1),
            }),
          );
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
      made?.dispose();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workspaceId, mapId, canEdit, attempt]);

  const shownMeta = useMemo(() => ({ ...meta, me: member ? who.id : null }), [meta, member, who.id]);
  if (error) return <ErrorMessage error={error} onRetry={() => setAttempt((n) => n + 1)} />;
  if (!store) return <Loading label="Opening the map…" />;
  return (
    <BoardContext.Provider value={store}>
      <MetaContext.Provider value={shownMeta}>{children}</MetaContext.Provider>
    </BoardContext.Provider>
  );
}
