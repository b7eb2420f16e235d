// The guest's way in (/join/:token): the workshop's title, a display name, and the
// participant view. No account: the server answers a bearer token (kept for this tab) and sets
// the guest's session cookie, which reach this workshop and its map and nothing else.
import { useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { ApiError } from "../api";
import { ErrorMessage } from "../components/errors";
import { Loading } from "../components/loading";
import { joinAsGuest, joinInfo, keepGuestToken, workshopPath, type JoinInfo } from "./api";
import "./workshop.css";

const NAME_KEY = "journeyline-workshop-guest-name";

export function JoinPage() {
  const { token = "" } = useParams();
  const navigate = useNavigate();
  const [info, setInfo] = useState<JoinInfo | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [name, setName] = useState(() => {
    try {
      return localStorage.getItem(NAME_KEY) ?? "";
    } catch {
      return "";
    }
  });
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => {
    joinInfo(token).then(setInfo, setFailure);
  }, [token]);
  useEffect(() => {
    document.title = info ? `Join “${info.title}” · Journeyline` : "Join a workshop · Journeyline";
  }, [info]);
  const gone = failure instanceof ApiError && (failure.status === 404 || failure.status === 410 || failure.status === 401);
  return (
    <main className="page narrow ws-join" data-testid="join-page">
      {failure ? (
        gone ? (
          <div className="card">
            <h1>This workshop link no longer works</h1>
            <p className="muted">The workshop has ended, or the link is not right. Ask the facilitator for the current link.</p>
          </div>
        ) : (
          <ErrorMessage error={failure} onRetry={() => joinInfo(token).then(setInfo, setFailure)} />
        )
      ) : !info ? (
        <Loading label="Opening the invitation…" />
      ) : (
        <form
          className="card"
          onSubmit={async (e) => {
            e.preventDefault();
            const chosen = name.trim();
            if (!chosen) return;
            setBusy(true);
            setRefused(null);
            try {
              const joined = await joinAsGuest(token, chosen);
              keepGuestToken(joined.workshop.id, joined.token);
              try {
                localStorage.setItem(NAME_KEY, chosen);
              } catch {
                /* not kept: asked again next time */
              }
              navigate(workshopPath(joined.workshop.workspace, joined.workshop.map, joined.workshop.id), { replace: true });
            } catch (err) {
              setRefused(err instanceof Error ? err.message : String(err));
              setBusy(false);
            }
          }}
        >
          <p className="muted">You are invited to a journey-mapping workshop</p>
          <h1>{info.title}</h1>
          <p>
            On the map <strong>{info.map_title}</strong>
            {info.status === "running" ? " — it is under way." : info.status === "planned" ? " — it has not started yet." : "."}
          </p>
          <label className="field">
            <span className="field-label">Your name (the others see it on your notes)</span>
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} autoFocus autoComplete="name" aria-invalid={refused ? true : undefined} aria-describedby={refused ? "join-refused" : undefined} />
          </label>
          {refused && (
            <p className="field-error" id="join-refused" role="alert">
              {refused}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy || !name.trim() || info.status === "ended"}>
            {busy ? "Joining…" : "Join the workshop"}
          </button>
          <p className="muted b-small">No account needed. You reach this workshop and its map only, until it ends.</p>
        </form>
      )}
    </main>
  );
}
