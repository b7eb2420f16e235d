// Grouping: the selected notes made into a labelled group or merged into one (duplicates),
// the groups themselves (drop notes on one, rename it, undo it, turn it into map elements),
// and the suggestions of notes that say the same thing, to accept, merge or ignore.
import { useDroppable } from "@dnd-kit/core";
import { useEffect, useMemo, useState } from "react";
import type { Group, Suggestion } from "./api";
import { ConvertForm } from "./ConvertForm";
import { useMe, useRoom, useRoomState } from "./hooks";
import { NoteCard, noteName, useSelection } from "./notes";
import { WorkshopRoom } from "./room";
import { notesOfGroup } from "./state";

function GroupBox({ group }: { group: Group }) {
  const room = useRoom();
  const { canEdit, facilitator, scribe } = useMe();
  const all = useRoomState((s) => s.notes);
  const notes = useMemo(() => notesOfGroup({ notes: all }, group), [all, group]);
  const drop = useDroppable({ id: `group:${group.id}`, data: { type: "group", group: group.id } });
  const [label, setLabel] = useState(group.label);
  useEffect(() => setLabel(group.label), [group.label]);
  const first = notes[0];
  return (
    <li ref={drop.setNodeRef} className={`ws-group${drop.isOver ? " over" : ""}`} data-testid="group" data-group-id={group.id}>
      <label className="ws-group-label">
        <span className="sr-only">Group label</span>
        <input
          value={label}
          disabled={!canEdit}
          maxLength={200}
          onChange={(e) => setLabel(e.target.value)}
          onBlur={() => {
            const l = label.trim();
            if (l && l !== group.label) void room.run(() => room.api.updateGroup(group.id, { label: l }), WorkshopRoom.group);
            else setLabel(group.label);
          }}
          onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()}
        />
        <span className="b-count" aria-label={`${notes.length} notes`}>
          {notes.length}
        </span>
      </label>
      <div className="ws-group-notes">
        {notes.map((n) => (
          <NoteCard key={n.id} note={n} compact />
        ))}
        {!notes.length && <p className="muted b-small">Drop notes here, or choose this group in a note's actions.</p>}
      </div>
      <div className="ws-row">
        {canEdit && (
          <button type="button" className="mini" onClick={() => void room.run(() => room.api.deleteGroup(group.id), () => ({ type: "patch", deleted_groups: [group.id] }), `Group “${group.label}” undone: its notes stay.`).then(() => room.refreshGroups())}>
            Ungroup
          </button>
        )}
      </div>
      {(facilitator || scribe) && first && (
        <details className="ws-convert">
          <summary>Turn the group into map elements</summary>
          <ConvertForm what={{ group: group.id }} kind={first.kind} place={first.place} />
        </details>
      )}
    </li>
  );
}

function Suggestions() {
  const room = useRoom();
  const { canEdit } = useMe();
  const noteCount = useRoomState((s) => s.notes.length);
  const notes = useRoomState((s) => s.notes);
  const [list, setList] = useState<Suggestion[] | null>(null);
  useEffect(() => {
    let live = true;
    const t = window.setTimeout(() => {
      room.api.suggestions().then(
        (r) => live && setList(r.suggestions),
        () => live && setList([]),
      );
    }, 300);
    return () => {
      live = false;
      window.clearTimeout(t);
    };
  }, [room, noteCount]);
  if (!list) return <p className="muted b-small">Looking for notes that say the same thing…</p>;
  const shown = list.filter((s) => s.notes.every((id) => notes.some((n) => n.id === id)));
  if (!shown.length) return <p className="muted b-small">No notes that say the same thing.</p>;
  const answer = async (s: Suggestion, action: "accept" | "merge" | "ignore") => {
    const done = await room.run(() => room.api.answerSuggestion(s.id, action), null, action === "ignore" ? undefined : action === "merge" ? "Merged into one note." : "Grouped.");
    if (done !== null) {
      setList((l) => (l ?? []).filter((x) => x.id !== s.id));
      void room.refresh();
    }
  };
  return (
    <ul className="ws-suggestions" aria-label="Suggestions">
      {shown.map((s) => (
        <li key={s.id} className="ws-suggestion" data-testid="suggestion">
          <p>
            <strong>{s.label}</strong> <span className="muted">({Math.round(s.similarity * 100)}% alike)</span>
          </p>
          <ul>
            {s.notes.map((id) => {
              const n = notes.find((x) => x.id === id);
              return <li key={id}>{n ? noteName(n) : id}</li>;
            })}
          </ul>
          {canEdit && (
            <div className="ws-row">
              <button type="button" className="mini" onClick={() => void answer(s, "accept")}>
                Group them
              </button>
              <button type="button" className="mini" onClick={() => void answer(s, "merge")}>
                Merge into one
              </button>
              <button type="button" className="mini quiet" onClick={() => void answer(s, "ignore")}>
                Ignore
              </button>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

export function Groups() {
  const room = useRoom();
  const selection = useSelection();
  const { canEdit, facilitator, scribe } = useMe();
  const groups = useRoomState((s) => s.groups);
  const notes = useRoomState((s) => s.notes);
  const [label, setLabel] = useState("");
  const chosen = notes.filter((n) => selection.ids.has(n.id));
  const ungrouped = useDroppable({ id: "ungrouped", data: { type: "ungrouped" } });
  return (
    <div className="ws-groups">
      <section aria-label="Selected notes" className="ws-selected">
        <p>
          {chosen.length ? `${chosen.length} note${chosen.length === 1 ? "" : "s"} selected.` : "Select notes with their checkboxes to group or merge them."}
        </p>
        {chosen.length > 0 && canEdit && (
          <form
            className="ws-row"
            onSubmit={async (e) => {
              e.preventDefault();
              const l = label.trim() || chosen[0].text.slice(0, 40);
              const made = await room.run(() => room.api.addGroup(l, chosen.map((n) => n.id)), WorkshopRoom.group, `Group “${l}” made.`);
              if (made) {
                setLabel("");
                selection.clear();
                void room.refreshGroups();
              }
            }}
          >
            <label className="grow">
              <span className="sr-only">Label of the new group</span>
              <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="Label of the group" maxLength={200} />
            </label>
            <button type="submit" className="mini primary">
              Group
            </button>
            <button
              type="button"
              className="mini"
              disabled={chosen.length < 2}
              title="Keep one note with every author; the others are removed"
              onClick={async () => {
                const kept = await room.run(() => room.api.merge(chosen.map((n) => n.id)), (n) => ({ type: "patch", notes: [n], deleted_notes: chosen.filter((c) => c.id !== n.id).map((c) => c.id) }), "Merged into one note.");
                if (kept) selection.clear();
              }}
            >
              Merge duplicates
            </button>
            <button type="button" className="mini quiet" onClick={selection.clear}>
              Clear
            </button>
          </form>
        )}
        {chosen.length > 0 && (facilitator || scribe) && (
          <details className="ws-convert">
            <summary>Turn the selected notes into map elements</summary>
            <ConvertForm what={{ notes: chosen.map((n) => n.id) }} kind={chosen[0].kind} place={chosen[0].place} onDone={selection.clear} />
          </details>
        )}
      </section>
      <h3>Groups</h3>
      {groups.length ? (
        <ul className="ws-group-list">
          {groups.map((g) => (
            <GroupBox key={g.id} group={g} />
          ))}
        </ul>
      ) : (
        <p className="muted b-small">No groups yet.</p>
      )}
      <div ref={ungrouped.setNodeRef} className={`ws-ungroup-drop${ungrouped.isOver ? " over" : ""}`}>
        Drop a note here to take it out of its group
      </div>
      <h3>Notes that say the same thing</h3>
      <Suggestions />
    </div>
  );
}
