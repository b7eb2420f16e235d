// Dot voting: each round's items with this person's dots and the budget left, the server's
// refusal shown where the vote was tried (past the budget, past the cap, round closed), and
// the ranked results once the facilitator reveals. Votes are anonymous: nobody sees whose.
import { useState } from "react";
import { messageOf } from "./room";
import type { Round, RoundTargets } from "./api";
import { useMe, useRoom, useRoomState } from "./hooks";
import { WorkshopRoom } from "./room";

const TARGET_LABEL: Record<RoundTargets, string> = { pain_points: "pain points", opportunities: "opportunities", groups: "groups of notes" };

function RoundBox({ round }: { round: Round }) {
  const room = useRoom();
  const { facilitator } = useMe();
  const [refusal, setRefusal] = useState<string | null>(null);
  const left = round.budget - round.used;
  const vote = async (item: string, add: boolean) => {
    setRefusal(null);
    try {
      const r = add ? await room.api.vote(round.id, item) : await room.api.unvote(round.id, item);
      room.apply(WorkshopRoom.round(r));
    } catch (e) {
      setRefusal(messageOf(e));
    }
  };
  return (
    <li className={`ws-round ${round.status}`} data-testid="round" data-round-id={round.id} data-status={round.status}>
      <h4>
        Vote on {TARGET_LABEL[round.targets]}
        <span className="ws-badge">{round.status === "open" ? "Open" : round.status === "closed" ? "Closed" : "Results"}</span>
      </h4>
      <p className="ws-budget" data-testid="budget" data-left={left} aria-live="polite">
        {round.status === "open" ? `${left} of ${round.budget} vote${round.budget === 1 ? "" : "s"} left` : `You used ${round.used} of ${round.budget} votes`}
        {round.per_item ? ` · at most ${round.per_item} per item` : ""} · {round.voters} {round.voters === 1 ? "person has" : "people have"} voted
      </p>
      {refusal && (
        <p className="field-error" role="alert" data-testid="vote-refused">
          {refusal}
        </p>
      )}
      {round.status === "revealed" && round.results ? (
        <ol className="ws-results" aria-label="Results, most votes first" data-testid="results">
          {round.results.map((r) => (
            <li key={r.item}>
              <span className="ws-rank">{r.rank}.</span> {r.label} <strong>{r.votes}</strong> vote{r.votes === 1 ? "" : "s"}
            </li>
          ))}
        </ol>
      ) : (
        <ul className="ws-items">
          {round.items.map((item) => {
            const mine = round.my_votes[item.id] ?? 0;
            return (
              <li key={item.id} data-item-id={item.id}>
                <span className="ws-item-label">{item.label}</span>
                <span className="ws-dots" aria-label={`your votes: ${mine}`}>
                  {"●".repeat(mine)}
                </span>
                {round.status === "open" && (
                  <span className="ws-row">
                    <button type="button" className="mini" disabled={!mine} onClick={() => void vote(item.id, false)} aria-label={`Take a vote back from ${item.label}`}>
                      −
                    </button>
                    <button type="button" className="mini" onClick={() => void vote(item.id, true)} aria-label={`Vote for ${item.label}${left <= 0 ? " (no votes left)" : ""}`}>
                      +
                    </button>
                  </span>
                )}
              </li>
            );
          })}
          {!round.items.length && <li className="muted">Nothing to vote on yet.</li>}
        </ul>
      )}
      {facilitator && round.status !== "revealed" && (
        <div className="ws-row">
          {round.status === "open" && (
            <button type="button" className="mini" onClick={() => void room.run(() => room.api.closeRound(round.id), WorkshopRoom.round, "Voting closed.")}>
              Close voting
            </button>
          )}
          <button type="button" className="mini primary" onClick={() => void room.run(() => room.api.revealRound(round.id), WorkshopRoom.round, "Results revealed; the votes are on the map.")}>
            Reveal results
          </button>
        </div>
      )}
    </li>
  );
}

function OpenRound() {
  const room = useRoom();
  const [targets, setTargets] = useState<RoundTargets>("pain_points");
  const [budget, setBudget] = useState(3);
  const [cap, setCap] = useState(0);
  return (
    <form
      className="ws-form ws-open-round"
      onSubmit={(e) => {
        e.preventDefault();
        void room.run(() => room.api.openRound(targets, budget, cap || null), WorkshopRoom.round, "Voting is open.");
      }}
    >
      <h3>New voting round</h3>
      <label className="field">
        <span className="field-label">Vote on</span>
        <select value={targets} onChange={(e) => setTargets(e.target.value as RoundTargets)}>
          <option value="pain_points">Pain points</option>
          <option value="opportunities">Opportunities</option>
          <option value="groups">Groups of notes</option>
        </select>
      </label>
      <div className="ws-row">
        <label className="field">
          <span className="field-label">Votes each</span>
          <input type="number" min={1} max={20} value={budget} onChange={(e) => setBudget(Math.max(1, Number(e.target.value) || 1))} />
        </label>
        <label className="field">
          <span className="field-label">Most per item (0: no cap)</span>
          <input type="number" min={0} max={20} value={cap} onChange={(e) => setCap(Math.max(0, Number(e.target.value) || 0))} />
        </label>
      </div>
      <button type="submit" className="primary">
        Open voting
      </button>
    </form>
  );
}

export function Voting() {
  const rounds = useRoomState((s) => s.rounds);
  const { facilitator } = useMe();
  const shown = rounds.slice().reverse();
  return (
    <div className="ws-voting">
      {shown.length ? (
        <ul className="ws-round-list">
          {shown.map((r) => (
            <RoundBox key={r.id} round={r} />
          ))}
        </ul>
      ) : (
        <p className="muted">{facilitator ? "No voting yet: open a round below." : "No voting yet: the facilitator opens a round."}</p>
      )}
      {facilitator && <OpenRound />}
    </div>
  );
}
