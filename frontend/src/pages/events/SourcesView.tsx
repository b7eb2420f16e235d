// The workspace's event data: each source with its vendor, size and dates; uploading a
// vendor's export with progress (the bytes, then the server reading them) and the fields it
// was read with shown for confirmation; collectors with their write key and Segment snippets.
import { useState } from "react";
import { api } from "../../api";
import { ErrorMessage } from "../../components/errors";
import { Dialog } from "../../components/forms";
import { Loading, useAsync } from "../../components/loading";
import { useNotify } from "../../components/notices";
import { dateTime, longDate } from "../../components/words";
import { useWorkspace } from "../../workspace";
import { SecretBox, copyText } from "../clipboard";
import { ConfirmDialog, EmptyState } from "../layout";
import {
  PRESETS, bytes, collectorSnippets, count, eventPaths, kindName, presetName, uploadSource,
  type EventSource, type UploadPhase, type WriteKey,
} from "./eventsApi";
import { ProgressBar } from "./jobs";

export function SourcesView({ sources, reload }: { sources: EventSource[]; reload: () => void }) {
  const { state, canEdit } = useWorkspace();
  const [uploading, setUploading] = useState(false);
  const [creating, setCreating] = useState(false);
  const [justAdded, setJustAdded] = useState<EventSource | null>(null);
  const [keyFor, setKeyFor] = useState<EventSource | null>(null);
  const [deleting, setDeleting] = useState<EventSource | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const notify = useNotify();
  const ws = state.id;

  const refresh = async (s: EventSource) => {
    setBusy(s.id);
    setError(null);
    try {
      await api.post(eventPaths.refresh(ws, s.id));
      notify(`Read “${s.name}” again.`, "success");
      reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="ev-sources-title">
      <div className="ev-section-head">
        <h2 id="ev-sources-title">Sources</h2>
        {canEdit && (
          <div className="page-actions">
            <button type="button" onClick={() => setCreating(true)}>Set up a collector</button>
            <button type="button" className="primary" onClick={() => { setJustAdded(null); setUploading(true); }}>Upload an export</button>
          </div>
        )}
      </div>
      <ErrorMessage error={error} />
      {justAdded && <ReadAs source={justAdded} onClose={() => setJustAdded(null)} onAgain={() => { setJustAdded(null); setUploading(true); }} />}
      {sources.length === 0 ? (
        <EmptyState icon="⇪" title="No event data yet" action={canEdit ? <button type="button" className="primary" onClick={() => setUploading(true)}>Upload an export</button> : undefined}>
          <p>
            Upload what your analytics tool exports — Mixpanel, Segment, Amplitude, Google Analytics 4 (BigQuery) or any CSV, Parquet or JSON table of who did
            what when — or set up a collector that receives events straight from your site, the way Segment sends them.
          </p>
        </EmptyState>
      ) : (
        <div className="ev-table-wrap">
          <table className="list ev-sources" aria-label="Event sources">
            <thead>
              <tr>
                <th scope="col">Name</th><th scope="col">Kind</th><th scope="col" className="num">Events</th><th scope="col" className="num">Units</th>
                <th scope="col">Date range</th><th scope="col">Last event</th><th scope="col">Read</th><th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {sources.map((s) => (
                <tr key={s.id} data-source-id={s.id}>
                  <th scope="row">
                    <span className="ev-source-name">{s.name}</span>
                    {s.status === "failed" && <span className="badge danger">Failed</span>}
                    {s.status === "empty" && <span className="badge">Waiting for events</span>}
                    {s.error && <div className="field-error">{s.error}</div>}
                    {s.warnings.length > 0 && (
                      <details className="ev-warnings">
                        <summary>{s.warnings.length === 1 ? "1 warning" : `${s.warnings.length} warnings`}</summary>
                        <ul>{s.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
                      </details>
                    )}
                  </th>
                  <td>{kindName(s.kind)}<div className="muted">{presetName(s.preset)}</div></td>
                  <td className="num">{count(s.events)}<div className="muted">{s.event_names !== null ? `${count(s.event_names)} names` : ""}</div></td>
                  <td className="num">{count(s.units)}</td>
                  <td>{s.period_start ? `${longDate(s.period_start)} – ${longDate(s.period_end)}` : "—"}</td>
                  <td>{s.period_end ? dateTime(s.period_end) : "—"}</td>
                  <td>{s.refreshed_at ? dateTime(s.refreshed_at) : "—"}</td>
                  <td className="ev-actions">
                    {s.kind === "collector" && canEdit && <button type="button" onClick={() => setKeyFor(s)}>Write key</button>}
                    {canEdit && s.kind !== "upload" && (
                      <button type="button" disabled={busy === s.id} onClick={() => refresh(s)}>{busy === s.id ? "Reading…" : s.kind === "collector" ? "Update" : "Read again"}</button>
                    )}
                    {canEdit && <button type="button" className="danger" aria-label={`Delete ${s.name}`} onClick={() => setDeleting(s)}>Delete</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog open={uploading} title="Upload event data" onClose={() => setUploading(false)} wide>
        <UploadForm
          workspaceId={ws}
          onDone={(s) => {
            setUploading(false);
            setJustAdded(s);
            notify(`Added “${s.name}”: ${count(s.events)} events.`, "success");
            reload();
          }}
        />
      </Dialog>
      <Dialog open={creating} title="Set up a collector" onClose={() => setCreating(false)} wide>
        <NewCollector workspaceId={ws} onDone={(s) => { setCreating(false); setKeyFor(s); reload(); }} />
      </Dialog>
      <Dialog open={keyFor !== null} title={keyFor ? `Send events to “${keyFor.name}”` : ""} onClose={() => setKeyFor(null)} wide>
        {keyFor && <CollectorKey workspaceId={ws} source={keyFor} />}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this event data?"
        confirmLabel="Delete"
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api.del(eventPaths.source(ws, deleting.id));
          notify(`Deleted “${deleting.name}”.`, "success");
          setDeleting(null);
          reload();
        }}
      >
        <p>“{deleting?.name}” and its {count(deleting?.events)} stored events are removed. Maps keep what they show until they are measured again.</p>
      </ConfirmDialog>
    </section>
  );
}

/** What the server read a new upload as: the vendor and the fields, to confirm or redo. */
function ReadAs({ source, onClose, onAgain }: { source: EventSource; onClose: () => void; onAgain: () => void }) {
  const f = source.fields;
  return (
    <div className="ev-read-as card" role="status" aria-label="How the file was read">
      <div className="card-head">
        <h3>Read “{source.name}” as {presetName(source.preset)}</h3>
        <button type="button" className="icon" aria-label="Close" onClick={onClose}>×</button>
      </div>
      <p>
        {count(source.events)} events from {count(source.units)} units, {source.period_start ? `${longDate(source.period_start)} – ${longDate(source.period_end)}` : "no dates"}.
        Check that these are the right fields:
      </p>
      {f && (
        <dl className="kv-list ev-fields">
          <dt>Who (unit)</dt><dd><code>{f.unit}</code>{f.unit_fallback && <> , else <code>{f.unit_fallback}</code></>}</dd>
          <dt>What (event)</dt><dd><code>{f.event}</code></dd>
          <dt>When (time)</dt><dd><code>{f.time}</code>{f.time_unit !== "auto" && ` (${f.time_unit})`}</dd>
          {f.session && <><dt>Session</dt><dd><code>{f.session}</code></dd></>}
          <dt>Properties</dt><dd>{source.properties.length ? source.properties.slice(0, 30).map((p) => <code key={p} className="ev-chip">{p}</code>) : "none"}{source.properties.length > 30 && ` and ${source.properties.length - 30} more`}</dd>
        </dl>
      )}
      {source.warnings.length > 0 && (
        <ul className="warnings">{source.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onAgain}>Not right? Upload again with other settings</button>
        <button type="button" className="primary" onClick={onClose}>Looks right</button>
      </div>
    </div>
  );
}

function UploadForm({ workspaceId, onDone }: { workspaceId: string; onDone: (s: EventSource) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [preset, setPreset] = useState("");
  const [columns, setColumns] = useState({ unit_col: "", event_col: "", time_col: "", time_unit: "", session_col: "" });
  const [phase, setPhase] = useState<UploadPhase | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [showColumns, setShowColumns] = useState(false);
  const busy = phase !== null;
  return (
    <form
      className="ev-upload"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!file) return;
        setError(null);
        setPhase({ phase: "uploading", loaded: 0, total: file.size });
        try {
          const source = await uploadSource(workspaceId, file, { name: name.trim() || undefined, options: { preset, ...columns } }, setPhase);
          onDone(source);
        } catch (err) {
          setError(err);
          setShowColumns(true);
        } finally {
          setPhase(null);
        }
      }}
    >
      <p className="muted">
        A vendor's export as it comes: Mixpanel (JSON lines or array), Segment, Amplitude (JSON lines, .gz or the export's .zip), GA4 BigQuery (JSON lines or
        Parquet), or any CSV, Parquet or JSON table with who, what and when. The file is stored once as Parquet; every analysis reads that copy.
      </p>
      <label className="field file-drop">
        <span className="field-label">Event file</span>
        <input
          type="file"
          accept=".csv,.tsv,.parquet,.json,.jsonl,.ndjson,.gz,.zip,.xes"
          disabled={busy}
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            setFile(f);
            setError(null);
            if (f && !name) setName(f.name.replace(/\.(gz|zip)$/i, "").replace(/\.[a-z0-9]+$/i, ""));
          }}
        />
        {file && <span className="field-hint">{file.name} · {bytes(file.size)}</span>}
      </label>
      <div className="row">
        <label className="field">
          <span className="field-label">Name</span>
          <input value={name} maxLength={300} disabled={busy} onChange={(e) => setName(e.target.value)} placeholder="e.g. Website events, March" />
        </label>
        <label className="field">
          <span className="field-label">Exported from</span>
          <select value={preset} disabled={busy} onChange={(e) => setPreset(e.target.value)}>
            {PRESETS.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
          </select>
        </label>
      </div>
      <details open={showColumns} onToggle={(e) => setShowColumns((e.target as HTMLDetailsElement).open)}>
        <summary>Name the fields yourself</summary>
        <p className="field-hint">Only when the file's fields have other names. Nested fields by dotted name, e.g. <code>properties.user</code>.</p>
        <div className="row">
          {([["unit_col", "Who (unit) field"], ["event_col", "Event field"], ["time_col", "Time field"], ["session_col", "Session field"]] as const).map(([key, text]) => (
            <label className="field" key={key}>
              <span className="field-label">{text}</span>
              <input value={columns[key]} maxLength={500} disabled={busy} onChange={(e) => setColumns({ ...columns, [key]: e.target.value })} />
            </label>
          ))}
          <label className="field">
            <span className="field-label">Numeric times are in</span>
            <select value={columns.time_unit} disabled={busy} onChange={(e) => setColumns({ ...columns, time_unit: e.target.value })}>
              <option value="">Detect</option><option value="s">seconds</option><option value="ms">milliseconds</option><option value="us">microseconds</option><option value="ns">nanoseconds</option>
            </select>
          </label>
        </div>
      </details>
      {phase?.phase === "uploading" && <ProgressBar fraction={phase.total ? phase.loaded / phase.total : null} label="Uploading" detail={`${bytes(phase.loaded)} of ${bytes(phase.total)}`} />}
      {phase?.phase === "processing" && <ProgressBar fraction={null} label="Reading the events" detail="checking every row and storing it as Parquet" />}
      <ErrorMessage error={error} />
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={!file || busy}>{busy ? "Uploading…" : "Upload"}</button>
      </div>
    </form>
  );
}

function NewCollector({ workspaceId, onDone }: { workspaceId: string; onDone: (s: EventSource) => void }) {
  const [name, setName] = useState("Website events");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          onDone((await api.post<EventSource>(eventPaths.sources(workspaceId), { kind: "collector", name: name.trim() || "Collected events" })).data);
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <p className="muted">
        A collector receives events sent the way Segment's libraries send them (its HTTP Tracking API), with a write key of its own. Point an existing Segment
        setup or any HTTP client at it; each batch is stored on disk before it is acknowledged.
      </p>
      <label className="field">
        <span className="field-label">Name</span>
        <input value={name} maxLength={300} onChange={(e) => setName(e.target.value)} required />
      </label>
      <ErrorMessage error={error} />
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={busy}>Create collector</button>
      </div>
    </form>
  );
}

function CollectorKey({ workspaceId, source }: { workspaceId: string; source: EventSource }) {
  const [rotated, setRotated] = useState<WriteKey | null>(null);
  const loaded = useAsync(async () => (await api.get<WriteKey>(eventPaths.writeKey(workspaceId, source.id))).data, [workspaceId, source.id]);
  const [copied, setCopied] = useState<number | null>(null);
  const key = rotated ?? loaded.data;
  if (loaded.error) return <ErrorMessage error={loaded.error} onRetry={loaded.reload} />;
  if (!key) return <Loading label="Reading the write key…" />;
  return (
    <div className="ev-collector">
      <SecretBox label="Write key" value={key.write_key} autoFocus={false} note="Send it as Segment does: HTTP Basic, the key as the user name and no password. Anyone with the key can send events to this source." />
      <SecretBox label="Endpoint" value={key.endpoint} autoFocus={false} />
      {collectorSnippets(key).map((s, i) => (
        <div className="ev-snippet" key={s.label}>
          <div className="ev-snippet-head">
            <strong>{s.label}</strong>
            <button type="button" onClick={async () => { if (await copyText(s.code)) { setCopied(i); window.setTimeout(() => setCopied(null), 2000); } }}>
              {copied === i ? "Copied ✓" : "Copy"}
            </button>
          </div>
          <pre aria-label={s.label}><code>{s.code}</code></pre>
        </div>
      ))}
      <div className="dialog-actions">
        <button
          type="button"
          className="danger"
          onClick={async () => setRotated((await api.post<WriteKey>(eventPaths.writeKey(workspaceId, source.id))).data)}
        >
          Replace the key (the old one stops working)
        </button>
      </div>
    </div>
  );
}
