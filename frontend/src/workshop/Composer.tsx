// Adding a sticky note: its kind (the legend is the choice: colour, mark and what each kind
// is for), its text, and where it goes. Enter adds it; the form stays for the next one.
import { useEffect, useRef, useState } from "react";
import type { NoteKind, Place, Shows } from "./api";
import { useMe, useRoom, useRoomState } from "./hooks";
import { BACKSTORY_KINDS, BOARD_KINDS, defaultKindFor, laneForKind, NOTE_KINDS } from "./kinds";
import { useSpots } from "./notes";
import { bandSpot, useComposer } from "./places";
import { WorkshopRoom } from "./room";
import { useBoard } from "../board/store";

function Legend({ kinds, value, onChange, title }: { kinds: NoteKind[]; value: NoteKind; onChange: (k: NoteKind) => void; title: string }) {
  return (
    <fieldset className="ws-legend">
      <legend>{title}</legend>
      {kinds.map((k) => {
        const s = NOTE_KINDS[k];
        return (
          <label key={k} className={value === k ? "ws-kind on" : "ws-kind"} title={s.hint}>
            <input type="radio" name="note-kind" value={k} checked={value === k} onChange={() => onChange(k)} />
            <span className="ws-swatch" style={{ background: s.fill, color: s.ink, borderColor: s.border }} aria-hidden="true">
              {s.mark}
            </span>
            <span>
              {s.label}
              <small className="muted"> — {s.hint}</small>
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}

export function Composer({ shows }: { shows: Shows | null }) {
  const room = useRoom();
  const composer = useComposer();
  const { canEdit } = useMe();
  const hidden = useRoomState((s) => s.workshop?.hidden ?? false);
  const lanes = useBoard((s) => s.map.lanes);
  const stages = useBoard((s) => s.map.stages);
  const backstoryCount = useRoomState((s) => s.notes.filter((n) => n.place.canvas === "backstory").length);
  const spots = useSpots();
  const [kind, setKind] = useState<NoteKind>(defaultKindFor(shows));
  const [text, setText] = useState("");
  const [spotKey, setSpotKey] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  // A new agenda step suggests its kind of note.
  useEffect(() => setKind(defaultKindFor(shows)), [shows]);
  // A cell's "+" chose the place: take it and focus the text.
  useEffect(() => {
    const p = composer.place;
    if (!p) return;
    if (p.canvas === "backstory") {
      setSpotKey("backstory:at");
      if (!BACKSTORY_KINDS.includes(kind)) setKind("backstory_pain_point");
    } else setSpotKey(`board|${p.stage ?? ""}|${p.lane ?? ""}`);
    input.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [composer.place]);

  if (!canEdit) return <p className="muted">Editing is locked by the facilitator: listen in, notes are back soon.</p>;

  const backstory = BACKSTORY_KINDS.includes(kind);
  // Where the note goes: the chosen cell, or by its kind (the back-story canvas; the lane it belongs in, the first stage).
  const placeFor = (): Place => {
    if (backstory) {
      if (spotKey === "backstory:at" && composer.place?.canvas === "backstory") return composer.place;
      return { canvas: "backstory", stage: null, step: null, lane: null, ...bandSpot(kind, backstoryCount % 5) };
    }
    const chosen = spots.find((s) => s.key === spotKey && s.place.canvas === "board");
    if (chosen) return chosen.place;
    return { canvas: "board", stage: stages[0]?.id ?? null, step: null, lane: laneForKind(kind, lanes) ?? lanes[0] ?? "actions", x: null, y: null };
  };
  const add = async () => {
    const words = text.trim();
    if (!words || busy) return;
    setBusy(true);
    const made = await room.run(() => room.api.addNote({ kind, text: words, place: placeFor() }), WorkshopRoom.note);
    setBusy(false);
    if (made) {
      setText("");
      input.current?.focus();
    }
  };
  const boardSpots = spots.filter((s) => s.place.canvas === "board");
  return (
    <form
      className="ws-composer"
      aria-label="Add a note"
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <label className="field">
        <span className="field-label">New note{hidden ? " (hidden from the others until the reveal)" : ""}</span>
        <textarea
          ref={input}
          value={text}
          rows={2}
          maxLength={500}
          placeholder={NOTE_KINDS[kind].hint}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              void add();
            }
          }}
          data-testid="note-text"
        />
      </label>
      {!backstory && (
        <label className="field">
          <span className="field-label">Where</span>
          <select value={spotKey ?? ""} onChange={(e) => setSpotKey(e.target.value || null)}>
            <option value="">By its kind (first stage)</option>
            {boardSpots.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" className="primary" disabled={busy || !text.trim()}>
        Add {NOTE_KINDS[kind].label.toLowerCase()} note
      </button>
      <Legend kinds={BOARD_KINDS} value={kind} onChange={setKind} title="Kind of note (the colour legend)" />
      <Legend kinds={BACKSTORY_KINDS} value={kind} onChange={setKind} title="For the back-story" />
    </form>
  );
}
