// What a share link shows, signed out: one map, read-only, with its personas. Nothing else.
import { useEffect, useState } from "react";
import { useParams, useSearchParams } from "react-router-dom";
import { ApiError, api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { Loading } from "../components/loading";
import { label } from "../components/words";
import { ReadOnlyMap } from "../board/ReadOnlyMap";
import { STALE_RETRY_MS, type MeasuredLane } from "../board/measured";
import { useLiveWatch, withShownVotes } from "../board/live/watch";
import type { JourneyMap, LaneDefinition, Persona, Segment } from "../types";
import { longDate } from "../components/words";
import { PersonaCard } from "./avatars";
import "./pages.css";

interface Shared { label: string; revision: number; map: JourneyMap; personas: Persona[]; segment: Segment | null; lanes?: LaneDefinition[]; measured?: MeasuredLane | null }

/** How many times a share page reads its link again while stale figures are measured again (about 2 minutes). */
const SHARE_RETRIES = 15;

type View = { kind: "loading" } | { kind: "locked"; wrong: boolean } | { kind: "gone" } | { kind: "error"; error: unknown } | { kind: "shown"; data: Shared };

export function SharedMapPage() {
  const { token = "" } = useParams();
  // ?embed=1: shown in an iframe on another site (the embed code): the map, without the frame.
  const embedded = useSearchParams()[0].get("embed") === "1";
  const [view, setView] = useState<View>({ kind: "loading" });
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);

  // The password that opened it: the live watch and its reads send it again.
  const [unlocked, setUnlocked] = useState<string | undefined>(undefined);

  // quiet: a read again while shown (stale figures being measured again); a failure keeps the map.
  const open = async (pw?: string, quiet = false) => {
    try {
      const reply = pw === undefined ? await api.get<Shared>(paths.shared(token)) : await api.post<Shared>(paths.shared(token), { password: pw });
      setUnlocked(pw);
      setView({ kind: "shown", data: reply.data });
    } catch (e) {
      if (quiet && !(e instanceof ApiError && [401, 404, 410].includes(e.status))) return;
      if (e instanceof ApiError && e.status === 401) setView({ kind: "locked", wrong: pw !== undefined });
      else if (e instanceof ApiError && (e.status === 404 || e.status === 410)) setView({ kind: "gone" });
      else setView({ kind: "error", error: e });
    }
  };
  useEffect(() => {
    void open();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);
  // The map updates as the team edits it (the link's live document, read-only).
  const shown = view.kind === "shown";
  const live = useLiveWatch(shown ? { path: paths.shared(token), params: unlocked ? { password: unlocked } : {} } : null, () => void open(unlocked));
  // Stale figures are being measured again on the server: read the link again until they are
  // fresh (at most SHARE_RETRIES times, a little longer apart each time).
  const refreshing = view.kind === "shown" && !!view.data.measured?.stale && !!view.data.measured?.refreshing;
  const [retries, setRetries] = useState(0);
  useEffect(() => {
    if (!refreshing) {
      setRetries(0);
      return;
    }
    if (retries >= SHARE_RETRIES) return;
    const timer = setTimeout(() => {
      setRetries((n) => n + 1);
      void open(unlocked, true);
    }, STALE_RETRY_MS * Math.min(1 + retries, 5));
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refreshing, retries]);
  useEffect(() => {
    document.title = view.kind === "shown" ? `${view.data.map.name} · Journeyline` : "Shared journey map · Journeyline";
  }, [view]);

  let body;
  if (view.kind === "loading") body = <Loading label="Opening the shared map…" />;
  else if (view.kind === "gone")
    body = (
      <div className="shared-message card">
        <div className="empty-icon" aria-hidden="true">🔗</div>
        <h1>This link was revoked or has expired</h1>
        <p className="muted">Ask the person who shared it with you for a new link.</p>
      </div>
    );
  else if (view.kind === "error")
    body = (
      <div className="shared-message card">
        <h1>The map could not be opened</h1>
        <ErrorMessage error={view.error} onRetry={() => void open()} />
      </div>
    );
  else if (view.kind === "locked")
    body = (
      <form
        className="shared-message card shared-lock"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          await open(password);
          setBusy(false);
        }}
      >
        <div className="empty-icon" aria-hidden="true">🔒</div>
        <h1>This map is protected</h1>
        <p className="muted">Enter the password you were given with the link.</p>
        <label className="field">
          <span className="field-label">Password</span>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus autoComplete="off" aria-invalid={view.wrong || undefined} aria-describedby={view.wrong ? "pw-wrong" : undefined} />
        </label>
        {view.wrong && <p className="field-error" id="pw-wrong" role="alert">That password is not right. Check it and try again.</p>}
        <button type="submit" className="primary" disabled={busy || !password}>{busy ? "Opening…" : "Open map"}</button>
      </form>
    );
  else body = <SharedMap data={live ? { ...view.data, map: withShownVotes(live, view.data.map) } : view.data} />;

  if (embedded)
    return (
      <div className="shared-page embedded">
        <main className="shared-main">{body}</main>
        <p className="shared-embed-credit">
          Read-only · <a href={`/s/${encodeURIComponent(token)}`} target="_blank" rel="noopener noreferrer">Open in Journeyline</a>
        </p>
      </div>
    );
  return (
    <div className="shared-page">
      <header className="shared-top">
        <span className="brand"><span className="brand-mark" aria-hidden="true">◠</span> Journeyline</span>
        <span className="badge">Read-only</span>
      </header>
      <main className="shared-main">{body}</main>
      <footer className="shared-footer">
        Shared with <strong>Journeyline</strong> — journey maps for teams
      </footer>
    </div>
  );
}

function SharedMap({ data }: { data: Shared }) {
  const { map, personas, segment } = data;
  const facts: [string, string | null][] = [
    ["Type", label(map.type)],
    ["Timeframe", map.timeframe],
    ["Status", label(map.status)],
    ["Owner", map.owner],
    ["Next review", map.review_date ? longDate(map.review_date) : null],
  ];
  return (
    <article className="shared-map" aria-labelledby="shared-title">
      <header className="shared-map-head">
        <h1 id="shared-title">{map.name}</h1>
        {map.scenario && <p className="shared-scenario">{map.scenario}</p>}
        {map.goal && <p><strong>Goal:</strong> {map.goal}</p>}
        <dl className="fact-row">
          {facts.filter(([, v]) => v).map(([k, v]) => (
            <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
          ))}
          {segment && <div><dt>Segment</dt><dd>{segment.name}</dd></div>}
        </dl>
      </header>
      {personas.length > 0 && (
        <section aria-label="Personas" className="shared-personas">
          {personas.map((p) => <PersonaCard key={p.id} persona={p} segment={segment && p.segment === segment.id ? segment : null} />)}
        </section>
      )}
      <section className="shared-board" aria-label="Journey map">
        {/* The Measured lane as last measured; when stale, the server measures it again and the page reads the link again. */}
        <ReadOnlyMap map={map} personas={personas} lanes={data.lanes} measured={{ lane: data.measured ?? null, live: !!data.measured?.refreshing }} />
      </section>
    </article>
  );
}
