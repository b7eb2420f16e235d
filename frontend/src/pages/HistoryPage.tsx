// The map's revision log: who changed what and when, the differences between two revisions,
// a past revision to look at, and restoring one (as a new revision: nothing is lost).
import { useEffect, useMemo, useState } from "react";
import { useParams } from "react-router-dom";
import { api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { Dialog } from "../components/forms";
import { Loading, useAsync } from "../components/loading";
import { useNotify } from "../components/notices";
import { ago, label, plural } from "../components/words";
import { ReadOnlyMap } from "../board/ReadOnlyMap";
import type { JourneyMap, MapState } from "../types";
import { useWorkspace } from "../workspace";
import { dateTime } from "../components/words";
import { ConfirmDialog, EmptyState, MapTabs, PageHeader } from "./layout";

interface Revision { revision: number; created_at: string; summary: string; author: string | { name: string } | null; label?: string | null }
interface Change { change: "added" | "removed" | "changed" | "moved"; path: string; before: unknown; after: unknown; description?: string }
interface Diff { from: number; to: number | null; changes: Change[] }

function authorName(a: Revision["author"]): string {
  if (!a) return "Someone";
  return typeof a === "string" ? a : a.name;
}

export function HistoryPage() {
  const { mapId = "" } = useParams();
  const { state, canEdit } = useWorkspace();
  const ws = state.id;
  const notify = useNotify();
  const current = useAsync(async () => {
    const reply = await api.get<MapState>(paths.map(ws, mapId));
    return reply.data;
  }, [ws, mapId]);
  const log = useAsync(async () => (await api.get<Revision[]>(paths.revisions(ws, mapId))).data, [ws, mapId]);
  const [selected, setSelected] = useState<number | null>(null);
  const [base, setBase] = useState<number | null>(null);
  const [viewing, setViewing] = useState<number | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);
  const [naming, setNaming] = useState<Revision | null>(null);
  const [person, setPerson] = useState("");
  const [namedOnly, setNamedOnly] = useState(false);

  const all = log.data ?? [];
  const people = useMemo(() => [...new Set(all.map((r) => authorName(r.author)))].sort(), [all]);
  const revisions = all.filter((r) => (!person || authorName(r.author) === person) && (!namedOnly || r.label));
  const newest = all[0]?.revision ?? current.data?.revision ?? 1;
  const chosen = selected ?? newest;
  // By default a revision is compared with the one before it in the log (a live map's log
  // skips numbers: its head is renumbered as people type, an entry is cut per burst).
  const before = all.find((r) => r.revision < chosen)?.revision;
  const from = base ?? before ?? Math.max(1, chosen - 1);

  useEffect(() => {
    if (current.data) document.title = `History · ${current.data.map.name} · Journeyline`;
  }, [current.data]);

  if (current.error) return <main className="page"><ErrorMessage error={current.error} onRetry={current.reload} /></main>;
  if (!current.data) return <Loading label="Loading the history…" />;
  const map = current.data.map;

  return (
    <main className="page history-page">
      <MapTabs workspaceId={ws} mapId={mapId} name={map.name} />
      <PageHeader title="History" subtitle="Every change to this map is kept. Compare any two revisions, look at an old one, or bring it back." />
      {log.error ? <ErrorMessage error={log.error} onRetry={log.reload} /> : null}
      {!log.data && !log.error ? (
        <Loading label="Loading revisions…" />
      ) : all.length === 0 ? (
        <EmptyState icon="🕘" title="No revisions yet" />
      ) : (
        <div className="split history-split">
          <nav className="side-list revision-list" aria-label="Revisions">
            <div className="history-filters">
              <label className="field compact">
                <span className="field-label">Changes by</span>
                <select value={person} onChange={(e) => setPerson(e.target.value)}>
                  <option value="">Everyone</option>
                  {people.map((name) => <option key={name} value={name}>{name}</option>)}
                </select>
              </label>
              <label className="check">
                <input type="checkbox" checked={namedOnly} onChange={(e) => setNamedOnly(e.target.checked)} /> Named versions only
              </label>
            </div>
            {revisions.length === 0 && <p className="muted">No revision matches.</p>}
            <ol>
              {revisions.map((r) => (
                <li key={r.revision}>
                  <button
                    type="button"
                    className={`revision-item${r.revision === chosen ? " active" : ""}`}
                    aria-current={r.revision === chosen ? "true" : undefined}
                    onClick={() => {
                      setSelected(r.revision);
                      setBase(null);
                    }}
                  >
                    <span className="revision-number">#{r.revision}{r.revision === newest && <span className="badge current">Current</span>}</span>
                    {r.label && <span className="badge revision-label">🏷 {r.label}</span>}
                    <span className="revision-summary">{r.summary || "Changed the map"}</span>
                    <span className="revision-meta" title={dateTime(r.created_at)}>{authorName(r.author)} · {ago(r.created_at)}</span>
                  </button>
                  {canEdit && (
                    <button type="button" className="link revision-name" onClick={() => setNaming(r)}>
                      {r.label ? "Rename version" : "Name this version"}<span className="visually-hidden"> #{r.revision}</span>
                    </button>
                  )}
                </li>
              ))}
            </ol>
          </nav>
          <div className="split-main">
            <RevisionDetail
              key={`${from}-${chosen}`}
              workspaceId={ws}
              mapId={mapId}
              revisions={all}
              chosen={chosen}
              from={from}
              newest={newest}
              currentMap={map}
              canEdit={canEdit}
              onBase={setBase}
              onView={() => setViewing(chosen)}
              onRestore={() => setRestoring(chosen)}
            />
          </div>
        </div>
      )}
      <Dialog open={viewing !== null} title={viewing !== null ? `Revision ${viewing}` : "Revision"} onClose={() => setViewing(null)} wide>
        {viewing !== null && <PastRevision workspaceId={ws} mapId={mapId} number={viewing} />}
      </Dialog>
      <Dialog open={naming !== null} title={naming ? `Name revision ${naming.revision}` : "Name a version"} onClose={() => setNaming(null)}>
        {naming && (
          <NameVersion
            initial={naming.label ?? ""}
            onSave={async (value) => {
              await api.put(paths.revisionLabel(ws, mapId, naming.revision), { label: value.trim() || null });
              log.reload();
              notify(value.trim() ? `Named revision ${naming.revision} “${value.trim()}”.` : `Revision ${naming.revision} has no name now.`, "success");
              setNaming(null);
            }}
          />
        )}
      </Dialog>
      <ConfirmDialog
        open={restoring !== null}
        title={`Restore revision ${restoring ?? ""}?`}
        confirmLabel="Restore this revision"
        onClose={() => setRestoring(null)}
        onConfirm={async () => {
          if (restoring === null) return;
          const latest = await api.get<MapState>(paths.map(ws, mapId));
          if (latest.data.revision !== current.data?.revision) {
            current.setData(latest.data);
            log.reload();
            throw new Error(`Someone changed the map meanwhile (it is now at revision ${latest.data.revision}). The history is up to date now: look again, then restore if you still want to.`);
          }
          const reply = await api.post<MapState>(paths.restore(ws, mapId, restoring), undefined, { ifMatch: latest.data.revision });
          current.setData(reply.data);
          setSelected(null);
          setBase(null);
          log.reload();
          notify(`Restored revision ${restoring} as revision ${reply.data.revision}.`, "success");
        }}
      >
        <p>
          The map goes back to how it was at revision {restoring}. This is saved as a new revision, so the changes made since then stay in the history and
          you can restore them too.
        </p>
      </ConfirmDialog>
    </main>
  );
}

function NameVersion({ initial, onSave }: { initial: string; onSave: (value: string) => Promise<void> }) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await onSave(value);
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <label className="field">
        <span className="field-label">Name</span>
        <input autoFocus maxLength={200} value={value} placeholder="e.g. After the May workshop" onChange={(e) => setValue(e.target.value)} />
        <span className="field-hint">Leave it empty to remove the name. The map itself does not change.</span>
      </label>
      <ErrorMessage error={error} />
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={busy}>{busy ? "Saving…" : "Save name"}</button>
      </div>
    </form>
  );
}

function RevisionDetail({
  workspaceId, mapId, revisions, chosen, from, newest, currentMap, canEdit, onBase, onView, onRestore,
}: {
  workspaceId: string; mapId: string; revisions: Revision[]; chosen: number; from: number; newest: number; currentMap: JourneyMap;
  canEdit: boolean; onBase: (n: number | null) => void; onView: () => void; onRestore: () => void;
}) {
  const revision = revisions.find((r) => r.revision === chosen);
  const same = from === chosen;
  const diff = useAsync(async () => {
    if (same) return { from, to: chosen, changes: [] } as Diff;
    const [a, b] = from < chosen ? [from, chosen] : [chosen, from];
    return (await api.get<Diff>(paths.diff(workspaceId, mapId), { from: a, to: b })).data;
  }, [workspaceId, mapId, from, chosen]);
  // Names for the ids in the paths: from both revisions' maps, and the current map.
  const older = useAsync(async () => (await api.get<MapState>(paths.revision(workspaceId, mapId, Math.min(from, chosen)))).data.map, [workspaceId, mapId, from, chosen]);
  const names = useMemo(() => {
    const out = new Map<string, string>();
    for (const m of [older.data, currentMap]) {
      if (!m) continue;
      for (const s of m.stages) {
        out.set(s.id, s.name);
        for (const st of s.steps) out.set(st.id, st.name);
      }
      for (const x of [...m.pain_points, ...m.opportunities, ...m.evidence]) out.set(x.id, x.name);
    }
    return out;
  }, [older.data, currentMap]);
  const [a, b] = from < chosen ? [from, chosen] : [chosen, from];

  return (
    <section className="card revision-detail" aria-labelledby="rev-title">
      <header className="revision-head">
        <div>
          <h2 id="rev-title">Revision {chosen}{chosen === newest && <span className="badge current">Current</span>}</h2>
          {revision && <p className="muted">{revision.summary} — {authorName(revision.author)}, {dateTime(revision.created_at)}</p>}
        </div>
        <div className="row">
          <button type="button" onClick={onView}>View this revision</button>
          {canEdit && chosen !== newest && <button type="button" className="primary" onClick={onRestore}>Restore…</button>}
        </div>
      </header>
      <div className="row compare-row">
        <label className="filter">
          <span className="filter-label">Compare with</span>
          <select aria-label="Compare with" value={from} onChange={(e) => onBase(Number(e.target.value))}>
            {revisions.map((r) => (
              <option key={r.revision} value={r.revision}>
                #{r.revision} — {r.summary.slice(0, 60)}
              </option>
            ))}
          </select>
        </label>
        {!same && <span className="muted">Changes from revision {a} to revision {b}</span>}
      </div>
      {same ? (
        <p className="muted">{chosen === 1 ? "The first revision: the map as it was created." : "Choose another revision to compare with."}</p>
      ) : diff.error ? (
        <ErrorMessage error={diff.error} onRetry={diff.reload} />
      ) : !diff.data ? (
        <Loading label="Comparing…" />
      ) : diff.data.changes.length === 0 ? (
        <p className="muted">No differences between these revisions.</p>
      ) : (
        <ul className="diff-list" aria-label="Changes">
          {diff.data.changes.map((c, i) => <DiffEntry key={i} change={c} names={names} />)}
        </ul>
      )}
    </section>
  );
}

const KIND_WORDS: Record<string, string> = { stages: "Stage", steps: "Step", pain_points: "Pain point", opportunities: "Opportunity", evidence: "Evidence", backstory: "Back-story" };

/** `stages/s1/steps/st2/feels` → Stage “Sign up” › Step “Create an account” › Feels */
function describePath(path: string, names: Map<string, string>): string {
  const parts = path.split("/");
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const next = parts[i + 1];
    if (KIND_WORDS[part] && next !== undefined && part !== "backstory") {
      const name = names.get(next);
      out.push(`${KIND_WORDS[part]} “${name ?? next}”`);
      i++;
    } else if (KIND_WORDS[part] && next === undefined) {
      out.push(part === "backstory" ? "Back-story" : `${label(part)} order`);
    } else {
      out.push(/^\d+$/.test(part) ? `#${Number(part) + 1}` : label(part) ? label(part).charAt(0).toUpperCase() + label(part).slice(1) : part);
    }
  }
  return out.join(" › ");
}

function show(value: unknown, names: Map<string, string>): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) return value.map((v) => names.get(v as string) ?? v).join(", ") || "(none)";
    return value.map((v) => show(v, names)).join("; ");
  }
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.name === "string") return o.name;
    const text = JSON.stringify(value);
    return text.length > 240 ? text.slice(0, 240) + "…" : text;
  }
  return String(value);
}

function DiffEntry({ change, names }: { change: Change; names: Map<string, string> }) {
  const where = describePath(change.path, names);
  const icon = { added: "+", removed: "−", changed: "~", moved: "↕" }[change.change];
  return (
    <li className={`diff-entry diff-${change.change}`}>
      <span className="diff-icon" aria-hidden="true">{icon}</span>
      <div className="diff-text">
        {change.description ? (
          <span className="diff-where" title={where}>{change.description}</span>
        ) : (
          <><span className="diff-kind">{label(change.change).replace(/^./, (c) => c.toUpperCase())}</span> <span className="diff-where">{where}</span></>
        )}
        {change.change === "changed" && (
          <div className="diff-values">
            <del>{show(change.before, names)}</del>
            <span aria-hidden="true"> → </span>
            <ins>{show(change.after, names)}</ins>
          </div>
        )}
        {change.change === "added" && <div className="diff-values"><ins>{show(change.after, names)}</ins></div>}
        {change.change === "removed" && <div className="diff-values"><del>{show(change.before, names)}</del></div>}
        {change.change === "moved" && <div className="diff-values">Now: {show(change.after, names)}</div>}
      </div>
    </li>
  );
}

function PastRevision({ workspaceId, mapId, number }: { workspaceId: string; mapId: string; number: number }) {
  const { state } = useWorkspace();
  const loaded = useAsync(async () => (await api.get<MapState>(paths.revision(workspaceId, mapId, number))).data, [workspaceId, mapId, number]);
  if (loaded.error) return <ErrorMessage error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading label="Loading the revision…" />;
  const map = loaded.data.map;
  const personas = state.workspace.personas.filter((p) => map.personas.includes(p.id));
  return (
    <div className="past-revision">
      <p className="muted">
        {map.name} — {plural(map.stages.length, "stage")}, {plural(map.stages.reduce((n, s) => n + s.steps.length, 0), "step")}, {plural(map.pain_points.length, "pain point")}, {plural(map.opportunities.length, "opportunity")}.
      </p>
      <ReadOnlyMap map={map} personas={personas} lanes={state.workspace.lanes} />
    </div>
  );
}
