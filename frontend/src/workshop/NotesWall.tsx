// The notes wall: the map's stages as columns and its lanes as rows, each cell a place to drop
// sticky notes (or add one with its "+"), plus a column for notes that have no stage yet. The
// back-story canvas is beside it: a free surface with the back-story's four bands.
import { useDroppable } from "@dnd-kit/core";
import { useRef, type KeyboardEvent } from "react";
import { laneTitle } from "../board/appearance";
import { useMeta } from "../board/context";
import { useBoard } from "../board/store";
import type { Note, NoteKind } from "./api";
import { NONE, useMe, useRoom, useRoomState } from "./hooks";
import { NOTE_KINDS } from "./kinds";
import { NoteCard } from "./notes";
import { BANDS, bandSpot, CANVAS, clampSpot, useComposer, wallLanes } from "./places";
import { WorkshopRoom } from "./room";

function Cell({ stage, stageName, lane, laneName, notes, highlight }: { stage: string; stageName: string; lane: string; laneName: string; notes: Note[]; highlight: boolean }) {
  const drop = useDroppable({ id: `cell:${stage}|${lane}`, data: { type: "cell", stage: stage || null, lane } });
  const composer = useComposer();
  const { canEdit } = useMe();
  return (
    <div
      ref={drop.setNodeRef}
      className={`ws-cell${drop.isOver ? " over" : ""}${highlight ? " highlight" : ""}`}
      data-cell={`${stage}|${lane}`}
      role="group"
      aria-label={`${stageName} · ${laneName}: ${notes.length} note${notes.length === 1 ? "" : "s"}`}
    >
      {notes.map((n) => (
        <NoteCard key={n.id} note={n} />
      ))}
      {canEdit && (
        <button type="button" className="ws-cell-add" aria-label={`Add a note to ${stageName} · ${laneName}`} title="Add a note here" onClick={() => composer.placeAt({ canvas: "board", stage: stage || null, step: null, lane, x: null, y: null })}>
          +
        </button>
      )}
    </div>
  );
}

export function NotesWall({ focusLane }: { focusLane?: string | null }) {
  const stages = useBoard((s) => s.map.stages);
  const mapLanes = useBoard((s) => s.map.lanes);
  const meta = useMeta();
  const notes = useRoomState((s) => s.notes);
  const hiddenCounts = useRoomState((s) => s.hiddenCounts);
  const people = useRoomState((s) => s.workshop?.people ?? NONE);
  const lanes = wallLanes(mapLanes);
  const columns = [...stages.map((s) => ({ id: s.id, name: s.name })), { id: "", name: "No stage yet" }];
  const known = new Set(stages.map((s) => s.id));
  const board = notes.filter((n) => n.place.canvas !== "backstory");
  const byCell = new Map<string, Note[]>();
  for (const n of board) {
    const stage = n.place.stage && known.has(n.place.stage) ? n.place.stage : "";
    const lane = n.place.lane && lanes.includes(n.place.lane) ? n.place.lane : lanes[0];
    const key = `${stage}|${lane}`;
    byCell.set(key, [...(byCell.get(key) ?? []), n]);
  }
  const hiddenTotal = Object.values(hiddenCounts).reduce((a, b) => a + b, 0);
  return (
    <section className="ws-wall-area" aria-label="Notes wall">
      {hiddenTotal > 0 && (
        <p className="ws-hidden-note" role="status">
          Silent brainstorming: {hiddenTotal} note{hiddenTotal === 1 ? "" : "s"} kept hidden until the reveal (
          {Object.entries(hiddenCounts)
            .filter(([, n]) => n > 0)
            .map(([id, n]) => `${people.find((p) => p.id === id)?.name ?? "someone"}: ${n}`)
            .join(", ")}
          ).
        </p>
      )}
      <div className="ws-wall" style={{ gridTemplateColumns: `9rem repeat(${columns.length}, minmax(13rem, 1fr))` }} data-testid="notes-wall">
        <div className="ws-wall-corner" />
        {columns.map((c) => (
          <div key={c.id || "none"} className={`ws-wall-stage${c.id ? "" : " none"}`} data-stage-column={c.id}>
            {c.name}
          </div>
        ))}
        {lanes.map((lane) => {
          const laneName = laneTitle(lane, meta.laneNames);
          return [
            <div key={`l:${lane}`} className={`ws-wall-lane${focusLane === lane ? " highlight" : ""}`} data-wall-lane={lane}>
              {laneName}
            </div>,
            ...columns.map((c) => (
              <Cell key={`${c.id}|${lane}`} stage={c.id} stageName={c.name} lane={lane} laneName={laneName} notes={byCell.get(`${c.id}|${lane}`) ?? []} highlight={focusLane === lane} />
            )),
          ];
        })}
      </div>
    </section>
  );
}

// --- the back-story canvas ----------------------------------------------------------------

const NUDGE = 16;

function CanvasNote({ note, index }: { note: Note; index: number }) {
  const room = useRoom();
  const { canEdit } = useMe();
  const spot = note.place.x !== null && note.place.y !== null ? { x: note.place.x, y: note.place.y } : bandSpot(BANDS.includes(note.kind) ? note.kind : "requirement", index);
  const timer = useRef<number>();
  // Alt + arrows nudge the note (Shift: further); the move is sent once the keys rest.
  const onKey = (e: KeyboardEvent) => {
    if (!canEdit || !e.altKey || !e.key.startsWith("Arrow")) return;
    e.preventDefault();
    const step = e.shiftKey ? NUDGE * 4 : NUDGE;
    const dx = e.key === "ArrowLeft" ? -step : e.key === "ArrowRight" ? step : 0;
    const dy = e.key === "ArrowUp" ? -step : e.key === "ArrowDown" ? step : 0;
    const to = clampSpot(spot.x + dx, spot.y + dy);
    const place = { ...note.place, canvas: "backstory" as const, ...to };
    room.apply({ type: "patch", notes: [{ ...note, place }] });
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void room.run(() => room.api.updateNote(note.id, { place }), WorkshopRoom.note), 400);
  };
  return (
    <div className="ws-canvas-spot" style={{ left: spot.x, top: spot.y }} onKeyDown={onKey}>
      <NoteCard note={note} compact />
    </div>
  );
}

export function BackstoryCanvas() {
  const drop = useDroppable({ id: "backstory", data: { type: "backstory" } });
  const notes = useRoomState((s) => s.notes);
  const composer = useComposer();
  const { canEdit } = useMe();
  const mine = notes.filter((n) => n.place.canvas === "backstory");
  const counts = new Map<NoteKind, number>();
  return (
    <section className="ws-canvas-area" aria-label="Back-story canvas">
      <p className="muted b-small ws-canvas-help">
        Why is the persona on this journey? Pain points at the bottom, then what they require, the outcomes they want and their highest goal. Drag notes anywhere; with the keyboard, Alt + arrows nudge a note.
      </p>
      <div ref={drop.setNodeRef} className={`ws-canvas${drop.isOver ? " over" : ""}`} data-testid="backstory-canvas" style={{ width: CANVAS.width, height: BANDS.length * CANVAS.band }}>
        {BANDS.map((kind, i) => (
          <div key={kind} className="ws-band" style={{ top: i * CANVAS.band, height: CANVAS.band, background: NOTE_KINDS[kind].fill + "55" }}>
            <span className="ws-band-label" style={{ color: NOTE_KINDS[kind].ink }}>
              {NOTE_KINDS[kind].label}s
            </span>
            {canEdit && (
              <button
                type="button"
                className="ws-cell-add"
                aria-label={`Add a note: ${NOTE_KINDS[kind].label}`}
                onClick={() => composer.placeAt({ canvas: "backstory", stage: null, step: null, lane: null, ...bandSpot(kind, mine.filter((n) => n.kind === kind).length) })}
              >
                +
              </button>
            )}
          </div>
        ))}
        {mine.map((n) => {
          const k = counts.get(n.kind) ?? 0;
          counts.set(n.kind, k + 1);
          return <CanvasNote key={n.id} note={n} index={k} />;
        })}
      </div>
    </section>
  );
}

