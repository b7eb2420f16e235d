// The research repository of a workspace: upload interviews, notes, transcripts and survey
// exports; find quotes across every map by words, tag, persona, map, source and date; tag
// them and link them as evidence.
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { ErrorMessage, errorText } from "../components/errors";
import { Loading, useAsync } from "../components/loading";
import { useNotify } from "../components/notices";
import { PageHeader } from "../pages/layout";
import { useWorkspace } from "../workspace";
import { research, type Quote, type SourceRow } from "./api";
import { ElementPicker } from "./ElementPicker";
import "./research.css";

const FILTERS = ["q", "tag", "persona", "map", "source", "from", "to"] as const;

const KIND_LABEL: Record<SourceRow["kind"], string> = {
  notes: "Notes",
  markdown: "Markdown",
  docx: "Word document",
  transcript: "Transcript",
  survey: "Survey",
};

export function ResearchPage() {
  const { state, canEdit } = useWorkspace();
  const ws = state.id;
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined]));
  const key = FILTERS.map((k) => params.get(k) ?? "").join("|");
  const sources = useAsync(async () => (await research.sources(ws)).data.sources, [ws]);
  const found = useAsync(async () => (await research.search(ws, filters)).data, [ws, key]);
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  useEffect(() => {
    document.title = `Research · ${state.name} · Journeyline`;
  }, [state.name]);
  const reload = () => {
    sources.reload();
    found.reload();
  };
  return (
    <main className="page research-page">
      <PageHeader title="Research" subtitle="Interviews, notes, transcripts and surveys, and the quotes your maps rest on." />
      {canEdit && <UploadForm workspaceId={ws} onUploaded={reload} />}
      <div className="r-layout">
        <section className="r-filters" aria-label="Filters">
          <label className="field">
            <span className="field-label">Search</span>
            <input type="search" defaultValue={filters.q ?? ""} placeholder="Words in quotes and sources" aria-label="Search quotes"
              onKeyDown={(e) => { if (e.key === "Enter") setFilter("q", e.currentTarget.value.trim()); }}
              onBlur={(e) => setFilter("q", e.currentTarget.value.trim())} />
          </label>
          <FilterSelect label="Tag" value={filters.tag} onChange={(v) => setFilter("tag", v)}
            options={(found.data?.tags ?? []).map((t) => [t.tag, `${t.tag} (${t.count})`])} />
          <FilterSelect label="Persona" value={filters.persona} onChange={(v) => setFilter("persona", v)}
            options={(state.workspace.personas ?? []).map((p) => [p.id, p.name])} />
          <FilterSelect label="Map" value={filters.map} onChange={(v) => setFilter("map", v)} options={state.maps.map((m) => [m.id, m.name])} />
          <FilterSelect label="Source" value={filters.source} onChange={(v) => setFilter("source", v)}
            options={(sources.data ?? []).filter((s) => s.kind !== "survey").map((s) => [s.id, s.name])} />
          <label className="field">
            <span className="field-label">From</span>
            <input type="date" value={filters.from ?? ""} onChange={(e) => setFilter("from", e.target.value)} aria-label="From date" />
          </label>
          <label className="field">
            <span className="field-label">To</span>
            <input type="date" value={filters.to ?? ""} onChange={(e) => setFilter("to", e.target.value)} aria-label="To date" />
          </label>
          {FILTERS.some((k) => params.get(k)) && (
            <button type="button" className="quiet" onClick={() => setParams(new URLSearchParams(), { replace: true })}>Clear filters</button>
          )}
        </section>
        <section className="r-results" aria-label="Quotes">
          {found.error ? (
            <ErrorMessage error={found.error} onRetry={found.reload} />
          ) : !found.data ? (
            <Loading label="Searching…" />
          ) : (
            <>
              <h2>
                {found.data.total} quote{found.data.total === 1 ? "" : "s"}
              </h2>
              {found.data.total === 0 && (
                <p className="muted">No quotes match. Open a source below and select a passage to quote it.</p>
              )}
              <ul className="r-quotes">
                {found.data.quotes.map((q) => (
                  <QuoteCard key={q.id} quote={q} workspaceId={ws} canEdit={canEdit} onChanged={found.reload} />
                ))}
              </ul>
              {found.data.sources.length > 0 && (
                <>
                  <h2>Sources that mention it</h2>
                  <ul className="r-sources">
                    {found.data.sources.map((s) => (
                      <li key={s.id}>
                        <Link to={`/w/${ws}/research/sources/${s.id}`}>{s.name}</Link> <span className="muted">{s.snippet}</span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          )}
          <h2>Sources</h2>
          {sources.error ? (
            <ErrorMessage error={sources.error} onRetry={sources.reload} />
          ) : !sources.data ? (
            <Loading />
          ) : sources.data.length === 0 ? (
            <p className="muted">Nothing uploaded yet: add interview notes, a transcript (VTT, SRT), a Word document or a survey export.</p>
          ) : (
            <table className="r-table">
              <thead>
                <tr><th>Source</th><th>Kind</th><th>Collected</th><th>Quotes</th></tr>
              </thead>
              <tbody>
                {sources.data.map((s) => (
                  <tr key={s.id}>
                    <td><Link to={`/w/${ws}/research/sources/${s.id}`}>{s.name}</Link></td>
                    <td>{KIND_LABEL[s.kind]}</td>
                    <td>{s.date ?? s.created_at.slice(0, 10)}</td>
                    <td>{s.kind === "survey" ? "—" : s.quotes}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </main>
  );
}

function FilterSelect({ label, value, options, onChange }: { label: string; value: string | undefined; options: [string, string][]; onChange: (v: string) => void }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select value={value ?? ""} onChange={(e) => onChange(e.target.value)} aria-label={`Filter by ${label.toLowerCase()}`}>
        <option value="">Any</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>{l}</option>
        ))}
      </select>
    </label>
  );
}

function UploadForm({ workspaceId, onUploaded }: { workspaceId: string; onUploaded: () => void }) {
  const notify = useNotify();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const form = useRef<HTMLFormElement>(null);
  return (
    <form
      ref={form}
      className="r-upload"
      aria-label="Upload research"
      onSubmit={async (e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        for (const k of ["name", "date", "encoding"]) if (!data.get(k)) data.delete(k);
        setBusy(true);
        setError(null);
        try {
          const created = (await research.upload(workspaceId, data)).data;
          notify(`Uploaded ${created.name}.`, "success");
          form.current?.reset();
          onUploaded();
          navigate(`/w/${workspaceId}/research/sources/${created.id}`);
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <label className="field">
        <span className="field-label">File</span>
        <input type="file" name="file" required accept=".txt,.md,.markdown,.docx,.vtt,.srt,.csv,.tsv,.xlsx" aria-label="Research file" />
      </label>
      <label className="field">
        <span className="field-label">Name</span>
        <input name="name" maxLength={300} placeholder="Interview with …" />
      </label>
      <label className="field">
        <span className="field-label">Collected on</span>
        <input name="date" type="date" aria-label="Collected on" />
      </label>
      <label className="field">
        <span className="field-label">Encoding</span>
        <input name="encoding" maxLength={40} placeholder="auto (UTF-8)" />
      </label>
      <button type="submit" className="primary" disabled={busy}>{busy ? "Reading…" : "Upload"}</button>
      {error !== null && <p className="error-text" role="alert">{errorText(error)}</p>}
    </form>
  );
}

export function QuoteCard({ quote, workspaceId, canEdit, onChanged }: { quote: Quote; workspaceId: string; canEdit: boolean; onChanged: () => void }) {
  const notify = useNotify();
  const [linking, setLinking] = useState(false);
  const [busy, setBusy] = useState(false);
  const where = [quote.speaker, quote.at, quote.source.date].filter(Boolean).join(" · ");
  const run = async (work: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    try {
      await work();
      if (done) notify(done, "success");
      onChanged();
    } catch (err) {
      notify(errorText(err), "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="r-quote" data-quote-id={quote.id}>
      <blockquote>“{quote.text}”</blockquote>
      <p className="muted">
        <Link to={`/w/${workspaceId}/research/sources/${quote.source.id}`}>{quote.source.name}</Link>
        {where && ` · ${where}`}
      </p>
      {quote.note && <p>{quote.note}</p>}
      <TagEditor tags={quote.tags} canEdit={canEdit} onSave={(tags) => run(() => research.patchQuote(workspaceId, quote.id, { tags }))} />
      {quote.links.length > 0 && (
        <ul className="r-links" aria-label="Evidence for">
          {quote.links.map((l) => (
            <li key={l.id}>
              Evidence for {l.element_kind.replace(/_/g, " ")} <strong>{l.element}</strong>
              {l.map && (
                <>
                  {" "}on <Link to={`/w/${workspaceId}/maps/${l.map}`}>{l.map_name ?? l.map}</Link>
                </>
              )}
              {canEdit && (
                <button type="button" className="mini" disabled={busy} aria-label={`Unlink from ${l.element}`}
                  onClick={() => run(() => research.unlink(workspaceId, quote.id, l.id), "Unlinked.")}>×</button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <div className="r-actions">
          <button type="button" onClick={() => setLinking(!linking)} aria-expanded={linking}>Link as evidence…</button>
          <button type="button" className="quiet" disabled={busy}
            onClick={() => { if (window.confirm("Delete this quote? Its evidence leaves every map.")) void run(() => research.deleteQuote(workspaceId, quote.id), "Quote deleted."); }}>
            Delete
          </button>
        </div>
      )}
      {linking && (
        <ElementPicker busy={busy} onPick={(p) => void run(async () => {
          await research.link(workspaceId, quote.id, { map: p.map, element: p.element });
          setLinking(false);
        }, `Linked to ${p.label}.`)} />
      )}
    </li>
  );
}

export function TagEditor({ tags, canEdit, onSave }: { tags: string[]; canEdit: boolean; onSave: (tags: string[]) => void }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(tags.join(", "));
  if (!editing)
    return (
      <p className="r-tags">
        {tags.map((t) => (
          <span key={t} className="r-tag">{t}</span>
        ))}
        {canEdit && (
          <button type="button" className="mini" onClick={() => { setText(tags.join(", ")); setEditing(true); }}>
            {tags.length ? "Edit tags" : "Add tags"}
          </button>
        )}
      </p>
    );
  return (
    <form className="r-tags" onSubmit={(e) => { e.preventDefault(); onSave(splitTags(text)); setEditing(false); }}>
      <input value={text} onChange={(e) => setText(e.target.value)} aria-label="Tags, separated by commas" autoFocus />
      <button type="submit" className="mini">Save tags</button>
    </form>
  );
}

export function splitTags(text: string): string[] {
  return text.split(",").map((t) => t.trim()).filter(Boolean);
}
