// The facilitator's controls beyond the timer: lock editing, silent brainstorming (hide, then
// reveal), the audible end, summon, the join link for guests, the agenda editor (edit,
// reorder, extend), the people and their roles, and ending the workshop with its follow-ups.
import { useEffect, useState } from "react";
import { Dialog } from "../components/forms";
import { MAP_STATUS_VALUES } from "../types";
import { LABELS } from "../components/words";
import { download } from "../pages/download";
import type { AgendaStep, Person, Role, Shows, View } from "./api";
import { agendaTotals } from "./clock";
import { NONE, useMe, useRoom, useRoomState } from "./hooks";
import { WorkshopRoom } from "./room";

export const SHOWS_LABEL: Record<Shows, string> = {
  scope: "The map's scope", stage: "The persona and stages", backstory: "The back-story canvas", lanes: "The notes wall",
  pain_points: "Pain points", sentiment: "The sentiment line", big_picture: "The whole map", summary: "The summary",
};

function AgendaEditor({ onDone }: { onDone: () => void }) {
  const room = useRoom();
  const agenda = useRoomState((s) => s.workshop?.agenda ?? NONE);
  const [steps, setSteps] = useState<AgendaStep[]>(() => agenda.map((s) => ({ ...s })));
  const set = (i: number, changes: Partial<AgendaStep>) => setSteps((list) => list.map((s, j) => (j === i ? { ...s, ...changes } : s)));
  const move = (i: number, by: -1 | 1) =>
    setSteps((list) => {
      const j = i + by;
      if (j < 0 || j >= list.length) return list;
      const next = list.slice();
      [next[i], next[j]] = [next[j], next[i]];
      return next;
    });
  const totals = agendaTotals(steps);
  return (
    <form
      className="ws-agenda-editor"
      onSubmit={async (e) => {
        e.preventDefault();
        const body = steps.map(({ id, name, minutes, what, shows }) => (id ? { id, name, minutes, what, shows } : { name, minutes, what, shows }));
        if (await room.run(() => room.api.update({ agenda: body }), WorkshopRoom.workshop, "Agenda saved.")) onDone();
      }}
    >
      <p className="muted">
        {steps.length} steps, {totals.planned} minutes planned{totals.spent ? `, ${Math.round(totals.spent)} spent so far` : ""}.
      </p>
      <ol className="ws-agenda-rows">
        {steps.map((s, i) => (
          <li key={s.id ?? `new-${i}`} className="ws-agenda-row">
            <div className="ws-row">
              <label className="field grow">
                <span className="field-label">Step {i + 1}</span>
                <input value={s.name} required maxLength={120} onChange={(e) => set(i, { name: e.target.value })} />
              </label>
              <label className="field ws-minutes">
                <span className="field-label">Minutes</span>
                <input type="number" min={1} max={240} value={s.minutes} required onChange={(e) => set(i, { minutes: Math.max(1, Number(e.target.value) || 1) })} />
              </label>
              <label className="field">
                <span className="field-label">Shows</span>
                <select value={s.shows} onChange={(e) => set(i, { shows: e.target.value as Shows })}>
                  {(Object.keys(SHOWS_LABEL) as Shows[]).map((k) => (
                    <option key={k} value={k}>
                      {SHOWS_LABEL[k]}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <label className="field">
              <span className="field-label">What to do (one sentence)</span>
              <input value={s.what} maxLength={300} onChange={(e) => set(i, { what: e.target.value })} />
            </label>
            <div className="ws-row">
              <button type="button" className="mini" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move step ${s.name} up`}>
                ↑ Up
              </button>
              <button type="button" className="mini" disabled={i === steps.length - 1} onClick={() => move(i, 1)} aria-label={`Move step ${s.name} down`}>
                ↓ Down
              </button>
              <button type="button" className="mini danger-text" disabled={steps.length <= 1} onClick={() => setSteps((l) => l.filter((_, j) => j !== i))} aria-label={`Remove step ${s.name}`}>
                Remove
              </button>
              {(s.spent_seconds ?? 0) > 0 && <span className="muted b-small">spent {Math.round((s.spent_seconds ?? 0) / 60)} min</span>}
            </div>
          </li>
        ))}
      </ol>
      <div className="ws-row">
        <button type="button" onClick={() => setSteps((l) => [...l, { name: "New step", minutes: 10, what: "Say what the group does in this step.", shows: "lanes" }])}>
          + Add a step
        </button>
        <span className="spacer" />
        <button type="submit" className="primary">
          Save agenda
        </button>
      </div>
    </form>
  );
}

/** Time spent as the record shows it: "12 min", "0:42" under a minute, "—" when none. */
export function spentText(seconds: number): string {
  if (seconds <= 0) return "—";
  if (seconds < 60) return `0:${String(Math.round(seconds)).padStart(2, "0")}`;
  return `${Math.round(seconds / 60)} min`;
}

export function FollowUps() {
  const room = useRoom();
  const { facilitator } = useMe();
  const title = useRoomState((s) => s.workshop?.title ?? "workshop");
  const [status, setStatus] = useState<string>("");
  const [review, setReview] = useState("");
  const [record, setRecord] = useState<Awaited<ReturnType<typeof room.api.record>> | null>(null);
  useEffect(() => {
    room.api.record().then(setRecord, () => setRecord(null));
  }, [room]);
  const file = title.replace(/[^\w.-]+/g, "-").slice(0, 60) || "workshop";
  return (
    <section className="ws-followups" aria-label="Follow-ups" data-testid="follow-ups">
      <h3>Follow-ups</h3>
      {record && (
        <>
          <p>
            {record.attendance.length} people took part; {record.notes} notes, {record.converted} turned into map elements; {record.rounds.length} voting round{record.rounds.length === 1 ? "" : "s"}.
          </p>
          <table className="ws-record">
            <caption>Time per step</caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Planned</th>
                <th scope="col">Spent</th>
              </tr>
            </thead>
            <tbody>
              {record.agenda.map((s, i) => (
                <tr key={s.id ?? i}>
                  <th scope="row">{s.name}</th>
                  <td>{s.minutes} min</td>
                  <td>{spentText(s.spent_seconds ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <div className="ws-row">
        <button type="button" onClick={() => void download(room.api.summaryPath("md"), undefined, `${file}-summary.md`).catch((e) => room.notify(String(e), "error"))}>
          Download the summary (Markdown)
        </button>
        <button type="button" onClick={() => void download(room.api.summaryPath("pdf"), undefined, `${file}-summary.pdf`).catch((e) => room.notify(String(e), "error"))}>
          Download the summary (PDF)
        </button>
      </div>
      {facilitator && (
        <form
          className="ws-form"
          onSubmit={(e) => {
            e.preventDefault();
            const body: { status?: string; review_date?: string } = {};
            if (status) body.status = status;
            if (review) body.review_date = review;
            if (Object.keys(body).length) void room.run(() => room.api.followUp(body), null, "The map's status and review date are updated.");
          }}
        >
          <div className="ws-row">
            <label className="field">
              <span className="field-label">The map's status</span>
              <select value={status} onChange={(e) => setStatus(e.target.value)}>
                <option value="">Leave as it is</option>
                {MAP_STATUS_VALUES.map((v) => (
                  <option key={v} value={v}>
                    {LABELS[v] ?? v}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Next review</span>
              <input type="date" value={review} onChange={(e) => setReview(e.target.value)} />
            </label>
          </div>
          <button type="submit" className="primary" disabled={!status && !review}>
            Update the map
          </button>
        </form>
      )}
    </section>
  );
}

/** A person's role, chosen then set with the button (arrow keys in the list change nothing yet). */
function RoleChoice({ person }: { person: Person }) {
  const room = useRoom();
  const [role, setRole] = useState<Role>(person.role);
  useEffect(() => setRole(person.role), [person.role]);
  return (
    <span className="ws-row">
      <label>
        <span className="sr-only">Role of {person.name}</span>
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="participant">Participant</option>
          <option value="scribe">Scribe</option>
          <option value="facilitator">Facilitator</option>
        </select>
      </label>
      {role !== person.role && (
        <button type="button" className="mini primary" aria-label={`Make ${person.name} ${role}`} onClick={() => void room.run(() => room.api.setRole(person.id, role), () => null, `${person.name} is now ${role}.`).then(() => room.refresh())}>
          Set
        </button>
      )}
    </span>
  );
}

export function People() {
  const people = useRoomState((s) => s.workshop?.people ?? NONE);
  const me = useRoomState((s) => s.workshop?.me.id);
  const { facilitator } = useMe();
  return (
    <ul className="ws-people" aria-label="People" data-testid="people">
      {people.map((p) => (
        <li key={p.id}>
          <span className={p.present ? "ws-here on" : "ws-here"} role="img" aria-label={p.present ? "here" : "away"} title={p.present ? "Here now" : "Not connected"} />
          <span className="grow">
            <span className="ws-person-name">{p.name}</span>
            {p.id === me ? " (you)" : ""}
            {p.guest && <span className="ws-badge">Guest</span>}
          </span>
          {facilitator && p.id !== me ? (
            <RoleChoice person={p} />
          ) : (
            <span className="muted b-small">{p.role.charAt(0).toUpperCase() + p.role.slice(1)}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function Facilitate({ currentView }: { currentView: () => View }) {
  const room = useRoom();
  const w = useRoomState((s) => s.workshop);
  const [editing, setEditing] = useState(false);
  const [ending, setEnding] = useState(false);
  const hiddenTotal = useRoomState((s) => Object.values(s.hiddenCounts).reduce((a, b) => a + b, 0));
  if (!w) return null;
  const patch = (changes: Parameters<typeof room.api.update>[0], done?: string) => void room.run(() => room.api.update(changes), WorkshopRoom.workshop, done);
  return (
    <div className="ws-facilitate">
      <div className="ws-switches" role="group" aria-label="The room">
        <button type="button" aria-pressed={w.locked} onClick={() => patch({ locked: !w.locked }, w.locked ? "Editing is open again." : "Editing is locked for participants.")}>
          {w.locked ? "🔒 Editing locked" : "Lock editing"}
        </button>
        {w.hidden ? (
          <button type="button" className="primary" onClick={() => void room.run(() => room.api.reveal(), WorkshopRoom.workshop, "Every note is revealed.").then(() => room.refresh())}>
            Reveal all notes{hiddenTotal ? ` (${hiddenTotal} hidden)` : ""}
          </button>
        ) : (
          <button type="button" onClick={() => patch({ hidden: true }, "Silent brainstorming: each person's notes are hidden from the others until you reveal.")}>
            Hide notes (silent brainstorming)
          </button>
        )}
        <button type="button" aria-pressed={w.timer.audible} onClick={() => patch({ audible: !w.timer.audible })}>
          {w.timer.audible ? "🔔 Chime at the end: on" : "🔕 Chime at the end: off"}
        </button>
        <button type="button" onClick={() => void room.run(() => room.api.summon(currentView()), WorkshopRoom.workshop, "Everyone now sees what you see.")}>
          Summon everyone to my view
        </button>
      </div>
      <label className="field">
        <span className="field-label">Guest link (anyone with it joins with a name, until the workshop ends)</span>
        <span className="ws-row">
          <input readOnly value={w.join_url} onFocus={(e) => e.target.select()} data-testid="join-url" className="grow" />
          <button type="button" className="mini" onClick={() => void navigator.clipboard?.writeText(w.join_url).then(() => room.notify("Link copied.", "success"))}>
            Copy
          </button>
        </span>
      </label>
      <div className="ws-row">
        <button type="button" onClick={() => setEditing(true)}>
          Edit the agenda
        </button>
        <span className="spacer" />
        <button type="button" className="danger" onClick={() => setEnding(true)}>
          End the workshop
        </button>
      </div>
      <h3>People</h3>
      <People />
      <Dialog open={editing} title="Agenda" onClose={() => setEditing(false)} wide>
        <AgendaEditor onDone={() => setEditing(false)} />
      </Dialog>
      <Dialog open={ending} title="End the workshop" onClose={() => setEnding(false)}>
        <p>Ending closes the workshop for everyone: guests' links stop working, the timer stops and the time spent per step is kept with the map.</p>
        <div className="ws-row">
          <button type="button" onClick={() => setEnding(false)}>
            Not yet
          </button>
          <button
            type="button"
            className="danger"
            onClick={async () => {
              if (await room.run(() => room.api.end(), WorkshopRoom.workshop, "The workshop has ended.")) setEnding(false);
            }}
          >
            End it now
          </button>
        </div>
      </Dialog>
    </div>
  );
}
