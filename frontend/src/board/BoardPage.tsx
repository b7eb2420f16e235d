// The journey board (/w/:workspaceId/maps/:mapId): the map as a grid, edited in place by
// editors and owners, commented on and voted on by commenters, read by viewers. Every change
// is saved at once; the toolbar says whether it was.
import { useEffect, useMemo, useRef, useState } from "react";
import { MeasuredProvider } from "./measured";
import { useParams, useSearchParams } from "react-router-dom";
import { api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { Dialog } from "../components/forms";
import { Loading } from "../components/loading";
import { useNotify } from "../components/notices";
import { ShareDialog } from "../pages/ShareDialog";
import { useSession } from "../session";
import type { MapState } from "../types";
import { useWorkspace } from "../workspace";
import { MetaContext, type BoardMeta } from "./context";
import { Grid } from "./Grid";
import { SidePanel } from "./Panel";
import { EvidenceDialog } from "./EvidenceDialog";
import { BoardContext, BoardStore, useBoard, useStore } from "./store";
import { Toolbar } from "./Toolbar";
import { openLinkedElement } from "./deepLink";
import { LiveMapDocument } from "./live/document";
import { openLiveBoard } from "./live/open";
import { PresenceCursors, PresenceOutlines, usePresenceTracking } from "./live/PresenceView";
import { Announcer } from "./Announcer";
import "./board.css";
import "./fit.css";

export function BoardPage() {
  const { workspaceId = "", mapId = "" } = useParams();
  const { state, canEdit, canComment } = useWorkspace();
  const { me } = useSession();
  const notify = useNotify();
  const [store, setStore] = useState<BoardStore | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    let made: BoardStore | null = null;
    setStore(null);
    setError(null);
    api.get<MapState>(paths.map(workspaceId, mapId)).then(
      ({ data, etag }) => {
        if (!live) return;
        const init = { map: data.map, revision: etag ?? data.revision, target: { workspaceId, mapId }, canEdit, canComment };
        const show = (s: BoardStore) => {
          made = s;
          s.notify = notify;
          setStore(s);
          // Comments, votes and findings come after the map is drawn: they never hold it up.
          window.setTimeout(() => {
            if (!live) return;
            s.loadAround();
            s.startPolling();
          }, 0);
        };
        // The live board when the server has the live endpoint; the REST board otherwise.
        const rest = () => new BoardStore(init);
        if (typeof WebSocket === "undefined") show(rest());
        else
          show(
            openLiveBoard(init, me, {
              unavailable: () => {
                if (!live) return;
                // Edits made while the live map was opening go to the REST board instead.
                const waiting = made?.document instanceof LiveMapDocument ? made.document.takeWaiting() : [];
                made?.dispose();
                const fallback = rest();
                show(fallback);
                for (const { op, label } of waiting) fallback.dispatch(op, label);
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
  }, [workspaceId, mapId, attempt]);

  const meta = useMemo<BoardMeta>(
    () => ({
      personas: state.workspace.personas,
      laneNames: new Map(state.workspace.lanes.map((l) => [l.id, l.name])),
      workspaceEvidenced: new Set(state.workspace.evidence.flatMap((e) => e.links)),
      me: me?.id ?? null,
    }),
    [state.workspace, me?.id],
  );

  if (error)
    return (
      <main className="board" data-testid="board" data-ready="false">
        <div className="page">
          <ErrorMessage error={error} onRetry={() => setAttempt((n) => n + 1)} />
        </div>
      </main>
    );
  if (!store)
    return (
      <main className="board" data-testid="board" data-ready="false">
        <Loading label="Opening the map…" />
      </main>
    );
  return (
    <BoardContext.Provider value={store}>
      <MetaContext.Provider value={meta}>
        <MeasuredProvider>
          <Board workspaceId={workspaceId} canManage={canEdit} />
        </MeasuredProvider>
      </MetaContext.Provider>
    </BoardContext.Provider>
  );
}

const SHORTCUTS: [string, string][] = [
  ["Tab", "Go to the next region: toolbar, map, zoom, side panel (the map is one stop: its last focused card)"],
  ["← / → / ↑ / ↓", "Move between the cards and cells of the map, empty cells too"],
  ["Home / End", "First / last card of the row (Ctrl: of the map)"],
  ["Page Up / Page Down", "Top / bottom of the column"],
  ["Enter", "Open the focused card's details (the focus goes into the panel); on an empty cell: add there"],
  ["Escape", "Close the side panel (the focus goes back to the card)"],
  ["F2 or double-click", "Rename the focused step or stage in place"],
  ["Delete", "Delete the focused card (Undo brings it back)"],
  ["Alt + ← / →", "Move the focused step (or stage) one place, across stages too"],
  ["↑ / ↓ on a sentiment point", "Change the score by 1 (Shift: by ½); Home / End: top / bottom; Delete: no score; Ctrl + ↑ / ↓: leave the line"],
  ["Enter in a text", "Save it (Shift + Enter: new line); Escape: cancel"],
  ["Ctrl/⌘ + Z", "Undo"],
  ["Ctrl/⌘ + Shift + Z, Ctrl + Y", "Redo"],
  ["Ctrl/⌘ + + / − / 0", "Zoom in / out / 100 %"],
];

function Board({ workspaceId, canManage }: { workspaceId: string; canManage: boolean }) {
  const store = useStore();
  const name = useBoard((s) => s.map.name);
  const mapId = useBoard((s) => s.map.id);
  const panel = useBoard((s) => s.panel !== null);
  const revision = useBoard((s) => s.revision);
  const steps = useBoard((s) => s.derived.columns.length);
  const live = useBoard((s) => s.live);
  const [ready, setReady] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [shortcuts, setShortcuts] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  usePresenceTracking(scroller);

  useEffect(() => {
    setReady(true);
  }, []);

  // A notification's link (`?comment=…&element=…`): open that element's comments.
  const [params] = useSearchParams();
  const linked = params.get("comment") !== null ? params.get("element") ?? "" : null;
  useEffect(() => {
    if (linked !== null) openLinkedElement(store, linked || null);
  }, [store, linked]);

  useEffect(() => {
    document.title = `${name} · Journeyline`;
  }, [name]);

  // Undo / redo from the keyboard, except inside a text field (which has its own undo).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && t.closest("input, textarea, select, [contenteditable='true']")) return;
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) {
        e.preventDefault();
        store.undo();
      } else if ((key === "z" && e.shiftKey) || key === "y") {
        e.preventDefault();
        store.redo();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [store]);

  // Leaving while a change is still on its way (or waiting to be retried): ask first.
  useEffect(() => {
    const onLeave = (e: BeforeUnloadEvent) => {
      if (store.document.pending) {
        e.preventDefault();
        e.returnValue = "";
      }
    };
    window.addEventListener("beforeunload", onLeave);
    return () => window.removeEventListener("beforeunload", onLeave);
  }, [store]);

  // Bring the selected card into view when the panel opens over it.
  const selection = useBoard((s) => s.selection);
  useEffect(() => {
    if (!selection || !scroller.current) return;
    const el = document.querySelector<HTMLElement>(`[data-step-id="${CSS.escape(selection.id)}"], [data-stage-id="${CSS.escape(selection.id)}"], [data-pain-id="${CSS.escape(selection.id)}"], [data-opportunity-id="${CSS.escape(selection.id)}"]`);
    if (!el) return;
    const box = el.getBoundingClientRect();
    const area = scroller.current.getBoundingClientRect();
    if (box.right > area.right) scroller.current.scrollBy({ left: box.right - area.right + 24, behavior: "smooth" });
    else if (box.left < area.left + 168) scroller.current.scrollBy({ left: box.left - area.left - 168 - 24, behavior: "smooth" });
  }, [selection, panel]);

  return (
    <main
      className={panel ? "board with-panel" : "board"}
      data-testid="board"
      data-ready={ready ? "true" : "false"}
      data-revision={revision}
      data-step-count={steps}
      data-live={live ? "true" : "false"}
    >
      <Toolbar workspaceId={workspaceId} onShare={() => setSharing(true)} onShortcuts={() => setShortcuts(true)} />
      <div className="board-body">
        <div className="board-scroll" ref={scroller}>
          <Grid />
          <PresenceCursors />
        </div>
        <PresenceOutlines />
        <SidePanel />
      </div>
      <Announcer />
      <EvidenceDialog />
      <ShareDialog workspaceId={workspaceId} mapId={mapId} mapName={name} open={sharing} onClose={() => setSharing(false)} canManage={canManage} />
      <Dialog open={shortcuts} title="Keyboard shortcuts" onClose={() => setShortcuts(false)}>
        <dl className="b-shortcuts">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </Dialog>
    </main>
  );
}
