// A sticky note and what a person does with one: edit it, change its kind, move it (drag, or
// the "Move to…" choices for the keyboard), put it in a group, turn it into map elements, or
// delete it. Notes can be selected (a checkbox each) to group or merge several at once.
import { createContext, useContext, useState, type CSSProperties, type ReactNode } from "react";
import { useDraggable } from "@dnd-kit/core";
import { CSS } from "@dnd-kit/utilities";
import { Dialog } from "../components/forms";
import { laneTitle } from "../board/appearance";
import { useMeta } from "../board/context";
import { useBoard } from "../board/store";
import type { Note, NoteKind, Place } from "./api";
import { ConvertForm } from "./ConvertForm";
import { useMe, useRoom, useRoomState } from "./hooks";
import { BACKSTORY_KINDS, KIND_ORDER, NOTE_KINDS } from "./kinds";
import { WorkshopRoom } from "./room";
import { bandSpot, spotKeyOf, wallLanes } from "./places";

// --- selection (this tab only) -------------------------------------------------------------

interface Selection { ids: Set<string>; toggle: (id: string) => void; clear: () => void; open: (id: string) => void }
export const SelectionContext = createContext<Selection>({ ids: new Set(), toggle: () => {}, clear: () => {}, open: () => {} });
export const useSelection = () => useContext(SelectionContext);

/** The selection of notes and the note whose actions are open, for everything inside. */
export function SelectionProvider({ children }: { children: ReactNode }) {
  const [ids, setIds] = useState<Set<string>>(new Set());
  const [opened, setOpened] = useState<string | null>(null);
  const value: Selection = {
    ids,
    toggle: (id) =>
      setIds((s) => {
        const next = new Set(s);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    clear: () => setIds(new Set()),
    open: setOpened,
  };
  return (
    <SelectionContext.Provider value={value}>
      {children}
      <NoteDialog id={opened} onClose={() => setOpened(null)} />
    </SelectionContext.Provider>
  );
}

// --- the card ----------------------------------------------------------------------------

export function noteStyle(kind: NoteKind): CSSProperties {
  const k = NOTE_KINDS[kind] ?? NOTE_KINDS.thought;
  return { background: k.fill, color: k.ink, borderColor: k.border };
}

/** A short name of a note for labels ("Action: Opens the sign-up page"). */
export function noteName(n: Note): string {
  const text = n.text.length > 60 ? `${n.text.slice(0, 57)}…` : n.text;
  return `${NOTE_KINDS[n.kind]?.label ?? n.kind}: ${text}`;
}

export function NoteCard({ note, style, draggable = true, compact = false }: { note: Note; style?: CSSProperties; draggable?: boolean; compact?: boolean }) {
  const selection = useSelection();
  const { canEdit } = useMe();
  const me = useRoomState((s) => s.workshop?.me.id);
  const group = useRoomState((s) => (note.group ? s.groups.find((g) => g.id === note.group) : undefined));
  const drag = useDraggable({ id: `note:${note.id}`, data: { type: "note", note }, disabled: !draggable || !canEdit });
  const kind = NOTE_KINDS[note.kind] ?? NOTE_KINDS.thought;
  const selected = selection.ids.has(note.id);
  const name = noteName(note);
  const moved: CSSProperties = drag.transform ? { transform: CSS.Translate.toString(drag.transform), zIndex: 20 } : {};
  return (
    <article
      ref={drag.setNodeRef}
      className={`ws-note${selected ? " selected" : ""}${compact ? " compact" : ""}${drag.isDragging ? " dragging" : ""}`}
      style={{ ...noteStyle(note.kind), ...style, ...moved }}
      data-testid="note"
      data-note-id={note.id}
      data-kind={note.kind}
      aria-label={name}
    >
      <header className="ws-note-head">
        {draggable && canEdit && (
          <button type="button" className="ws-note-handle" ref={drag.setActivatorNodeRef} {...drag.attributes} {...drag.listeners} aria-label={`Drag note ${name} (or use its actions: Move to…)`} style={{ color: kind.ink }}>
            ⋮⋮
          </button>
        )}
        <span className="ws-note-kind" title={kind.label}>
          <span className="ws-note-mark" aria-hidden="true" style={{ borderColor: kind.border }}>
            {kind.mark}
          </span>
          {kind.label}
        </span>
        <input type="checkbox" className="ws-note-check" checked={selected} onChange={() => selection.toggle(note.id)} aria-label={`Select note ${name}`} />
      </header>
      <p className="ws-note-text">{note.text}</p>
      <footer className="ws-note-foot">
        <span className="ws-note-author">{note.author === me ? "You" : note.author_name}</span>
        {note.hidden && <span className="ws-flag" title="Only you see this note until the facilitator reveals">Hidden</span>}
        {note.converted.length > 0 && <span className="ws-flag ws-flag-done" title="Turned into map elements">On the map</span>}
        {group && !compact && <span className="ws-flag" title={`In group “${group.label}”`}>{group.label}</span>}
        <button type="button" className="ws-note-more" onClick={() => selection.open(note.id)} aria-label={`Actions for note ${name}`} title="Edit, move, group, turn into map elements" style={{ color: kind.ink }}>
          ⋯
        </button>
      </footer>
    </article>
  );
}

// --- where a note can go -------------------------------------------------------------------

export interface Spot { key: string; label: string; place: Place }

/** Every place of the notes wall and the back-story canvas, for the "Move to…" choice. */
export function useSpots(): Spot[] {
  const stages = useBoard((s) => s.map.stages);
  const lanes = useBoard((s) => s.map.lanes);
  const meta = useMeta();
  const spots: Spot[] = [];
  const rows = wallLanes(lanes);
  for (const stage of [...stages.map((s) => ({ id: s.id, name: s.name })), { id: "", name: "No stage yet" }])
    for (const lane of rows)
      spots.push({
        key: `board|${stage.id}|${lane}`,
        label: `${stage.name} · ${laneTitle(lane, meta.laneNames)}`,
        place: { canvas: "board", stage: stage.id || null, step: null, lane, x: null, y: null },
      });
  BACKSTORY_KINDS.forEach((k) =>
    spots.push({ key: `backstory|${k}`, label: `Back-story · ${NOTE_KINDS[k].label}s`, place: { canvas: "backstory", stage: null, step: null, lane: null, ...bandSpot(k) } }),
  );
  return spots;
}

// --- the actions dialog ------------------------------------------------------------------

function NoteDialog({ id, onClose }: { id: string | null; onClose: () => void }) {
  const note = useRoomState((s) => (id ? s.notes.find((n) => n.id === id) ?? null : null));
  return (
    <Dialog open={!!note} title={note ? `Note: ${noteName(note)}` : "Note"} onClose={onClose}>
      {note && <NoteActions note={note} onDone={onClose} />}
    </Dialog>
  );
}

function NoteActions({ note, onDone }: { note: Note; onDone: () => void }) {
  const room = useRoom();
  const { me, facilitator, scribe, canEdit } = useMe();
  const groups = useRoomState((s) => s.groups);
  const spots = useSpots();
  const [text, setText] = useState(note.text);
  const [kind, setKind] = useState<NoteKind>(note.kind);
  const mine = note.author === me?.id;
  const mayChange = canEdit && (mine || facilitator || scribe);
  const here = spotKeyOf(note);
  const [dest, setDest] = useState(here);
  const [groupChoice, setGroupChoice] = useState(note.group ?? "");
  const save = async () => {
    const changes: { text?: string; kind?: NoteKind } = {};
    if (text.trim() && text.trim() !== note.text) changes.text = text.trim();
    if (kind !== note.kind) changes.kind = kind;
    if (!Object.keys(changes).length) return onDone();
    if (await room.run(() => room.api.updateNote(note.id, changes), WorkshopRoom.note)) onDone();
  };
  const move = async (key: string) => {
    const spot = spots.find((s) => s.key === key);
    if (!spot || key === here) return;
    if (await room.run(() => room.api.updateNote(note.id, { place: spot.place }), WorkshopRoom.note, `Moved to ${spot.label}.`)) onDone();
  };
  const setGroup = async (group: string) => {
    if (await room.run(() => room.api.updateNote(note.id, { group: group || null }), WorkshopRoom.note)) {
      void room.refreshGroups();
      onDone();
    }
  };
  return (
    <div className="ws-note-actions">
      {!mayChange && <p className="muted">{canEdit ? `Only ${note.author_name}, the scribe or the facilitator change this note.` : "Editing is locked by the facilitator."}</p>}
      <label className="field">
        <span className="field-label">Text</span>
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} maxLength={500} disabled={!mayChange} />
      </label>
      <label className="field">
        <span className="field-label">Kind</span>
        <select value={kind} onChange={(e) => setKind(e.target.value as NoteKind)} disabled={!mayChange}>
          {KIND_ORDER.map((k) => (
            <option key={k} value={k}>
              {NOTE_KINDS[k].label}
            </option>
          ))}
        </select>
      </label>
      {mayChange && (
        <button type="button" className="primary" onClick={() => void save()}>
          Save note
        </button>
      )}
      {mayChange && (
        <>
          <div className="ws-row">
            <label className="field grow">
              <span className="field-label">Move to…</span>
              <select value={dest} onChange={(e) => setDest(e.target.value)}>
                {!spots.some((s) => s.key === here) && <option value={here}>(where it is now)</option>}
                {spots.map((s) => (
                  <option key={s.key} value={s.key}>
                    {s.label}
                    {s.key === here ? " (now)" : ""}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={dest === here} onClick={() => void move(dest)}>
              Move
            </button>
          </div>
          <div className="ws-row">
            <label className="field grow">
              <span className="field-label">Group</span>
              <select value={groupChoice} onChange={(e) => setGroupChoice(e.target.value)}>
                <option value="">No group</option>
                {groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={groupChoice === (note.group ?? "")} onClick={() => void setGroup(groupChoice)}>
              {groupChoice ? "Put in group" : "Take out of group"}
            </button>
          </div>
        </>
      )}
      {(facilitator || scribe) && !note.hidden && (
        <details className="ws-convert">
          <summary>Turn into map elements</summary>
          <ConvertForm what={{ notes: [note.id] }} kind={note.kind} place={note.place} onDone={onDone} />
        </details>
      )}
      {mayChange && (
        <button
          type="button"
          className="danger"
          onClick={async () => {
            if ((await room.run(() => room.api.deleteNote(note.id), () => ({ type: "patch", deleted_notes: [note.id] }), "Note deleted.")) !== null) onDone();
          }}
        >
          Delete note
        </button>
      )}
    </div>
  );
}
