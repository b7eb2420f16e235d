// The workshop (/w/:workspaceId/maps/:mapId/workshop/:workshopId), for members and guests:
// the agenda strip on top, the surface the current step shows (the notes wall, the back-story
// canvas or the map itself) and the side panel (add notes, groups, voting, the facilitator's
// controls). Sized for a 1280×800 laptop. The presenter view (…/present) is the same room
// with a big timer and no panel, for the room's screen.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { Link, useParams } from "react-router-dom";
import { DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { ApiError } from "../api";
import { ErrorMessage } from "../components/errors";
import { Loading } from "../components/loading";
import { useNotify } from "../components/notices";
import { SessionProvider, useSession } from "../session";
import { Grid } from "../board/Grid";
import { PresenceCursors, PresenceOutlines, usePresenceTracking } from "../board/live/PresenceView";
import type { Note, Place, Shows, View } from "./api";
import { guestToken, workshopPath } from "./api";
import { AgendaStrip, TimerDisplay } from "./AgendaStrip";
import { Composer } from "./Composer";
import { Facilitate, FollowUps, People } from "./Facilitate";
import { Groups } from "./Groups";
import { NONE, RoomContext, useCurrentStep, useMe, useRoom, useRoomState } from "./hooks";
import { SelectionProvider } from "./notes";
import { BackstoryCanvas, NotesWall } from "./NotesWall";
import { clampSpot, ComposerContext } from "./places";
import { WorkshopRoom } from "./room";
import { Voting } from "./Voting";
import { WorkshopBoard } from "./WorkshopBoard";
import "./workshop.css";

export type Surface = "wall" | "backstory" | "map";

/** The surface an agenda step shows. */
export function surfaceFor(shows: Shows | null | undefined): Surface {
  if (shows === "backstory") return "backstory";
  if (shows === "lanes" || shows === "pain_points") return "wall";
  return "map";
}

/** Where on the map a step brings into view (a lane row's label, or the stage headers). */
const MAP_FOCUS: Partial<Record<Shows, string>> = {
  scope: ".board-grid",
  stage: "[data-stage-id]",
  sentiment: '[data-lane="sentiment"]',
  pain_points: '[data-lane="pain_points"]',
  big_picture: ".board-grid",
  summary: '[data-lane="opportunities"]',
};

export function WorkshopPage({ presenter = false }: { presenter?: boolean }) {
  return (
    <SessionProvider>
      <Room presenter={presenter} />
    </SessionProvider>
  );
}

function Room({ presenter }: { presenter: boolean }) {
  const { workspaceId = "", workshopId = "" } = useParams();
  const { me, loading } = useSession();
  const notify = useNotify();
  const member = !!me && !guestToken(workshopId);
  const [room, setRoom] = useState<WorkshopRoom | null>(null);
  // One room per page visit: made, opened and closed by the effect (StrictMode's double run too).
  useEffect(() => {
    if (loading) return;
    const made = new WorkshopRoom(workspaceId, workshopId);
    made.notify = notify;
    setRoom(made);
    void made.open({ member });
    return () => made.dispose();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workspaceId, workshopId, loading, member]);
  if (loading || !room) return <Loading label="Opening the workshop…" />;
  return <Opened room={room} presenter={presenter} member={member} />;
}

function Opened({ room, presenter, member }: { room: WorkshopRoom; presenter: boolean; member: boolean }) {
  const state = useSyncExternalStore(room.subscribe, room.getState);
  if (!state.loaded) return <Loading label="Opening the workshop…" />;
  if (state.failure || !state.workshop) return <Failure error={state.failure} member={member} />;
  return (
    <RoomContext.Provider value={room}>
      {/* A guest's cookie signs them in too (/api/me answers): the workshop says who is a guest. */}
      <Inside presenter={presenter} member={!state.workshop.me.guest} />
    </RoomContext.Provider>
  );
}

function Failure({ error, member }: { error: unknown; member: boolean }) {
  const gone = error instanceof ApiError && (error.status === 401 || error.status === 404 || error.status === 410);
  return (
    <main className="page narrow">
      <h1>{gone ? "This workshop cannot be opened" : "The workshop could not be opened"}</h1>
      {gone ? (
        <p>
          {member
            ? "It does not exist, or it belongs to a workspace you are not a member of."
            : "It has ended, or you are not signed in. Members sign in and open it from the map; guests ask the facilitator for the guest link."}{" "}
          <Link to="/">Go to your maps</Link>.
        </p>
      ) : (
        <ErrorMessage error={error} />
      )}
    </main>
  );
}

function Inside({ presenter, member }: { presenter: boolean; member: boolean }) {
  const { workspaceId = "", mapId = "", workshopId = "" } = useParams();
  const workshop = useRoomState((s) => s.workshop!);
  const { me, canEdit: mayEdit } = useMe();
  const ended = useRoomState((s) => s.ended);
  // The end does not reopen the map (a guest could not: their session ends with the workshop).
  const kept = useRef(mayEdit);
  if (!ended) kept.current = mayEdit;
  const canEdit = kept.current;
  const who = useMemo(() => ({ id: me?.id ?? "guest", name: me?.name ?? "Guest", email: "" }), [me?.id, me?.name]);
  const access = { workspaceId, mapId: workshop.map || mapId, workshopId, who, member, canEdit };
  useEffect(() => {
    document.title = `${workshop.title} · Workshop · Journeyline`;
  }, [workshop.title]);
  return (
    <WorkshopBoard access={access}>
      <SelectionProvider>{presenter ? <Presenter /> : <Participant member={member} />}</SelectionProvider>
    </WorkshopBoard>
  );
}

// --- what everyone sees: the surface follows the step, a summon, or the person's own choice ----------

function useSurface(): { surface: Surface; choose: (s: Surface) => void; focus: Shows | null } {
  const room = useRoom();
  const notify = useNotify();
  const { step } = useCurrentStep();
  const agenda = useRoomState((s) => s.workshop?.agenda ?? NONE);
  const summoned = useRoomState((s) => s.summoned);
  const summonAt = useRoomState((s) => s.workshop?.summon?.at ?? null);
  const summon = useRoomState((s) => s.workshop?.summon ?? null);
  const myId = useRoomState((s) => s.workshop?.me.id);
  const [surface, setSurface] = useState<Surface>(surfaceFor(step?.shows));
  const [focus, setFocus] = useState<Shows | null>(step?.shows ?? null);
  // A new step brings its part of the board into view.
  useEffect(() => {
    setSurface(surfaceFor(step?.shows));
    setFocus(step?.shows ?? null);
  }, [step?.id, step?.shows]);
  // A summon (the message, or a workshop read with a newer summon) brings everyone to that view.
  const follow = (view: View, by: string) => {
    const shows = view.step !== null && view.step !== undefined ? agenda[view.step]?.shows : null;
    if (shows) {
      setSurface(surfaceFor(shows));
      setFocus(shows);
    }
    if (view.stage) window.setTimeout(() => document.querySelector(`[data-stage-column="${CSS.escape(view.stage!)}"], [data-stage-id="${CSS.escape(view.stage!)}"]`)?.scrollIntoView({ block: "nearest", inline: "center" }), 50);
    notify(`${by} brought everyone to their view.`, "info");
  };
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (summon && summon.by !== myId) follow(summon.view, room.getState().workshop?.people.find((p) => p.id === summon.by)?.name ?? "The facilitator");
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [summonAt]);
  useEffect(() => {
    if (summoned && summoned.by !== room.getState().workshop?.me.name) follow(summoned.view, summoned.by);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [summoned?.seq]);
  return { surface, choose: setSurface, focus };
}

const SURFACES: [Surface, string][] = [
  ["wall", "Notes wall"],
  ["backstory", "Back-story"],
  ["map", "Map"],
];

function SurfaceTabs({ surface, choose }: { surface: Surface; choose: (s: Surface) => void }) {
  return (
    <div className="ws-tabs" role="tablist" aria-label="What to show">
      {SURFACES.map(([s, label]) => (
        <button key={s} type="button" role="tab" id={`ws-tab-${s}`} aria-selected={surface === s} aria-controls="ws-surface" className={surface === s ? "on" : undefined} onClick={() => choose(s)}>
          {label}
        </button>
      ))}
    </div>
  );
}

function MapSurface({ focus }: { focus: Shows | null }) {
  const scroller = useRef<HTMLDivElement>(null);
  usePresenceTracking(scroller);
  useEffect(() => {
    const where = focus ? MAP_FOCUS[focus] : null;
    if (!where) return;
    const t = window.setTimeout(() => {
      const el = scroller.current?.querySelector<HTMLElement>(where);
      el?.scrollIntoView({ block: focus === "scope" || focus === "big_picture" ? "start" : "center", inline: "nearest", behavior: "smooth" });
      el?.classList.add("ws-focus");
      window.setTimeout(() => el?.classList.remove("ws-focus"), 2500);
    }, 80);
    return () => window.clearTimeout(t);
  }, [focus]);
  return (
    <div className="board ws-map">
      <div className="board-scroll" ref={scroller}>
        <Grid />
        <PresenceCursors />
      </div>
      <PresenceOutlines />
    </div>
  );
}

function Surfaces({ surface, focus }: { surface: Surface; focus: Shows | null }) {
  return (
    <div id="ws-surface" role="tabpanel" aria-labelledby={`ws-tab-${surface}`} className={`ws-surface ${surface}`} data-surface={surface}>
      {surface === "wall" && <NotesWall focusLane={focus === "pain_points" ? "pain_points" : null} />}
      {surface === "backstory" && <BackstoryCanvas />}
      {surface === "map" && <MapSurface focus={focus} />}
    </div>
  );
}

/** Dropping a dragged note: on a cell, on the canvas, on a group, or out of its group. */
function useDrop(): (e: DragEndEvent) => void {
  const room = useRoom();
  return (e) => {
    const note = e.active.data.current?.note as Note | undefined;
    const target = e.over?.data.current as { type: string; stage?: string | null; lane?: string; group?: string } | undefined;
    if (!note || !target) return;
    const current = room.getState().notes.find((n) => n.id === note.id) ?? note;
    const move = (place: Place) => {
      room.apply({ type: "patch", notes: [{ ...current, place }] });
      void room.run(() => room.api.updateNote(note.id, { place }), WorkshopRoom.note).then((r) => r === null && room.apply({ type: "patch", notes: [current] }));
    };
    if (target.type === "cell") {
      if (current.place.canvas === "board" && (current.place.stage ?? null) === (target.stage ?? null) && current.place.lane === target.lane) return;
      move({ canvas: "board", stage: target.stage ?? null, step: null, lane: target.lane ?? null, x: null, y: null });
    } else if (target.type === "backstory") {
      const canvas = document.querySelector<HTMLElement>('[data-testid="backstory-canvas"]')?.getBoundingClientRect();
      const at = e.active.rect.current.translated;
      if (!canvas || !at) return;
      move({ canvas: "backstory", stage: null, step: null, lane: null, ...clampSpot(at.left - canvas.left, at.top - canvas.top) });
    } else if (target.type === "group" && target.group && target.group !== current.group) {
      void room.run(() => room.api.updateNote(note.id, { group: target.group! }), WorkshopRoom.note).then(() => room.refreshGroups());
    } else if (target.type === "ungrouped" && current.group) {
      void room.run(() => room.api.updateNote(note.id, { group: null }), WorkshopRoom.note).then(() => room.refreshGroups());
    }
  };
}

function DragArea({ children }: { children: ReactNode }) {
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor));
  const drop = useDrop();
  return (
    <DndContext
      sensors={sensors}
      onDragEnd={drop}
      accessibility={{
        announcements: {
          onDragStart: () => "Picked up the note. Arrows move it; Space drops it; Escape cancels.",
          onDragOver: ({ over }) => (over ? `Over ${String(over.id).replace(/^cell:/, "a cell ").replace(/^group:/, "a group ")}.` : "Not over a place."),
          onDragEnd: ({ over }) => (over ? "Dropped the note." : "The note stays where it was."),
          onDragCancel: () => "The note stays where it was.",
        },
      }}
    >
      {children}
    </DndContext>
  );
}

type PanelTab = "notes" | "groups" | "vote" | "facilitate" | "people";

function Participant({ member }: { member: boolean }) {
  const { workspaceId = "", mapId = "", workshopId = "" } = useParams();
  const room = useRoom();
  const workshop = useRoomState((s) => s.workshop!);
  const channel = useRoomState((s) => s.channel);
  const ended = useRoomState((s) => s.ended);
  const openRounds = useRoomState((s) => s.rounds.filter((r) => r.status === "open").length);
  const { me, facilitator } = useMe();
  const { step } = useCurrentStep();
  const { surface, choose, focus } = useSurface();
  const [tab, setTab] = useState<PanelTab>(facilitator ? "facilitate" : "notes");
  const [place, setPlace] = useState<Place | null>(null);
  // A voting round opening brings the voting panel up.
  useEffect(() => {
    if (openRounds > 0 && !facilitator) setTab("vote");
  }, [openRounds, facilitator]);
  useEffect(() => {
    room.setView({ step: workshop.current, stage: null, element: null });
  }, [room, workshop.current]);
  const composer = useMemo(
    () => ({
      place,
      placeAt: (p: Place) => {
        setPlace({ ...p });
        setTab("notes");
      },
    }),
    [place],
  );
  const currentView = (): View => {
    const agenda = workshop.agenda;
    const wanted = agenda.findIndex((s) => surfaceFor(s.shows) === surface);
    const index = workshop.current !== null && surfaceFor(agenda[workshop.current]?.shows) === surface ? workshop.current : wanted >= 0 ? wanted : workshop.current;
    return { step: index, stage: null, element: null };
  };
  const tabs: [PanelTab, string][] = [
    ["notes", "Add notes"],
    ["groups", "Groups"],
    ["vote", openRounds ? `Vote (${openRounds})` : "Vote"],
    facilitator ? ["facilitate", "Facilitate"] : ["people", "People"],
  ];
  const boardUrl = `/w/${encodeURIComponent(workspaceId)}/maps/${encodeURIComponent(workshop.map || mapId)}`;
  return (
    <ComposerContext.Provider value={composer}>
      <div className="ws-page" data-testid="workshop" data-role={me?.role} data-channel={channel} data-hidden={workshop.hidden ? "true" : "false"} data-locked={workshop.locked ? "true" : "false"}>
        <div className="ws-top">
          {member ? (
            <Link to={boardUrl} className="ws-back" aria-label="Back to the map">
              ← Map
            </Link>
          ) : (
            <span className="ws-back" aria-hidden="true">
              ◠
            </span>
          )}
          <h1 className="ws-title">{workshop.title}</h1>
          {workshop.locked && <span className="ws-badge">Editing locked</span>}
          {workshop.hidden && <span className="ws-badge ws-badge-hidden">Silent brainstorming: notes hidden</span>}
          <span className="spacer" />
          <span className={`ws-channel ${channel}`} role="status" aria-live="polite">
            {channel === "open" ? "Live" : channel === "polling" ? "Updating every 2 s" : channel === "closed" ? (ended ? "Ended" : "Disconnected") : "Reconnecting…"}
          </span>
          <span className="ws-me">
            {me?.name} · {me?.role}
          </span>
          <Link className="button quiet" to={`${workshopPath(workspaceId, workshop.map || mapId, workshopId)}/present`} target="_blank" rel="noopener" title="The room's screen: big timer, current step, the board (opens in a new tab)">
            Presenter view
          </Link>
        </div>
        <AgendaStrip />
        <div className="ws-body">
          <DragArea>
            <main className="ws-main" aria-label="Board">
              {ended ? (
                <div className="ws-ended">
                  <h2>The workshop has ended</h2>
                  {member ? <FollowUps /> : <p>Thank you for taking part. Your guest link no longer works.</p>}
                </div>
              ) : (
                <>
                  <SurfaceTabs surface={surface} choose={choose} />
                  <Surfaces surface={surface} focus={focus} />
                </>
              )}
            </main>
            {!ended && (
              <aside className="ws-panel" aria-label="Workshop panel">
                <div className="ws-tabs" role="tablist" aria-label="Panel">
                  {tabs.map(([t, label]) => (
                    <button key={t} type="button" role="tab" id={`ws-ptab-${t}`} aria-selected={tab === t} aria-controls="ws-panel-body" className={tab === t ? "on" : undefined} onClick={() => setTab(t)}>
                      {label}
                    </button>
                  ))}
                </div>
                <div className="ws-panel-body" id="ws-panel-body" role="tabpanel" aria-labelledby={`ws-ptab-${tab}`}>
                  {tab === "notes" && <Composer shows={step?.shows ?? null} />}
                  {tab === "groups" && <Groups />}
                  {tab === "vote" && <Voting />}
                  {tab === "facilitate" && facilitator && <Facilitate currentView={currentView} />}
                  {tab === "people" && <People />}
                </div>
              </aside>
            )}
          </DragArea>
        </div>
      </div>
    </ComposerContext.Provider>
  );
}

function Presenter() {
  const workshop = useRoomState((s) => s.workshop!);
  const ended = useRoomState((s) => s.ended);
  const { step, index } = useCurrentStep();
  const { surface, choose, focus } = useSurface();
  const next = index !== null ? workshop.agenda[index + 1] : workshop.agenda[0];
  return (
    <ComposerContext.Provider value={{ place: null, placeAt: () => {} }}>
      <div className="ws-present" data-testid="workshop-present">
        <header className="ws-present-head">
          <div className="ws-present-step">
            <p className="muted">
              {workshop.title}
              {index !== null ? ` · step ${index + 1} of ${workshop.agenda.length}` : ""}
            </p>
            <h1 data-testid="workshop-step" data-index={index ?? ""}>
              {step ? step.name : ended ? "The workshop has ended" : "Starting soon"}
            </h1>
            <p className="ws-present-what">{step?.what ?? ""}</p>
            {next && !ended && <p className="muted">Next: {next.name} ({next.minutes} min)</p>}
          </div>
          <TimerDisplay big />
        </header>
        <DragArea>
          <main className="ws-main">
            <SurfaceTabs surface={surface} choose={choose} />
            <Surfaces surface={surface} focus={focus} />
          </main>
        </DragArea>
      </div>
    </ComposerContext.Provider>
  );
}
