// The workspace's maps: search, filters, sort; new map (template or blank), import, delete.
import { useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { Dialog } from "../components/forms";
import { Loading, useAsync } from "../components/loading";
import { useNotify } from "../components/notices";
import { ago, plural } from "../components/words";
import type { MapState, MapSummaryRow, MapType, Persona } from "../types";
import { useWorkspace } from "../workspace";
import { longDate, today } from "../components/words";
import { Avatar } from "./avatars";
import { FieldBox } from "./fields";
import { ConfirmDialog, EmptyState, PageHeader, useTitle } from "./layout";
import { MAP_STATUSES, MAP_TYPES, StatusBadge, TypeBadge } from "./mapBadges";
import { ImportForm } from "./ImportForm";

/** A map row with the extra fields the server may send, read defensively. */
interface MapRow {
  id: string; name: string; revision: number; updated_at: string;
  personas: string[]; type: string | null; status: string | null; review_date: string | null; stale: boolean;
  stages: number | null; steps: number | null; owner: string | null; tags: string[]; scenario: string | null;
}

function count(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (Array.isArray(v)) return v.length;
  return null;
}
function str(v: unknown): string | null {
  return typeof v === "string" && v ? v : null;
}

function normalise(row: MapSummaryRow, personas: Persona[]): MapRow {
  const rawPersonas = Array.isArray(row.personas) ? row.personas : [];
  const names = rawPersonas.map((p: unknown) => {
    if (typeof p === "string") return p;
    if (p && typeof p === "object" && "id" in p) return String((p as { id: unknown }).id);
    return "";
  }).filter(Boolean);
  // Ids stay ids (the filters use them); names sent by the server are matched back to ids.
  const ids = names.map((n) => personas.find((p) => p.id === n || p.name === n)?.id ?? n);
  const review = str(row.review_date);
  const stale = typeof row.stale === "boolean" ? row.stale : review !== null && review < today();
  return {
    id: row.id, name: row.name, revision: row.revision, updated_at: row.updated_at,
    personas: ids, type: str(row.type), status: str(row.status), review_date: review, stale,
    stages: count(row.stages), steps: count(row.steps), owner: str(row.owner),
    tags: Array.isArray(row.tags) ? row.tags.filter((t): t is string => typeof t === "string") : [],
    scenario: str(row.scenario),
  };
}

/**
 * The map rows; when the server sends only id, name and revision (older servers), the
 * details the filters need are read from each map, for workspaces small enough to afford it.
 */
async function loadRows(ws: string): Promise<MapSummaryRow[]> {
  const list = (await api.get<MapSummaryRow[]>(paths.maps(ws))).data;
  if (list.length === 0 || list.length > 40 || list.some((r) => "type" in r)) return list;
  const full = await Promise.all(list.map((r) => api.get<MapState>(paths.map(ws, r.id)).then((x) => x.data.map, () => null)));
  return list.map((r, i) => {
    const m = full[i];
    if (!m) return r;
    return {
      ...r, personas: m.personas, type: m.type, status: m.status, review_date: m.review_date, owner: m.owner, tags: m.tags, scenario: m.scenario,
      stages: m.stages.length, steps: m.stages.reduce((n, s) => n + s.steps.length, 0),
    };
  });
}

type Sort = "updated" | "name";

export function MapListPage() {
  const { state, reload, canEdit } = useWorkspace();
  const ws = state.id;
  const rows = useAsync(() => loadRows(ws), [ws]);
  const [query, setQuery] = useState("");
  const [persona, setPersona] = useState("");
  const [type, setType] = useState("");
  const [status, setStatus] = useState("");
  const [staleOnly, setStaleOnly] = useState(false);
  const [sort, setSort] = useState<Sort>("updated");
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<MapRow | null>(null);
  const notify = useNotify();
  const personas = state.workspace.personas;
  useTitle(`Maps · ${state.name}`);

  const all = useMemo(() => (rows.data ?? state.maps).map((r) => normalise(r, personas)), [rows.data, state.maps, personas]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const out = all.filter((m) => {
      if (q) {
        const hay = [m.name, m.scenario ?? "", m.owner ?? "", ...m.tags].join("\n").toLowerCase();
        if (!q.split(/\s+/).every((word) => hay.includes(word))) return false;
      }
      if (persona && !m.personas.includes(persona)) return false;
      if (type && m.type !== type) return false;
      if (status && m.status !== status) return false;
      if (staleOnly && !m.stale) return false;
      return true;
    });
    out.sort((a, b) => (sort === "name" ? a.name.localeCompare(b.name) : b.updated_at.localeCompare(a.updated_at)));
    return out;
  }, [all, query, persona, type, status, staleOnly, sort]);
  const filtering = Boolean(query || persona || type || status || staleOnly);
  const staleCount = all.filter((m) => m.stale).length;
  const clear = () => {
    setQuery("");
    setPersona("");
    setType("");
    setStatus("");
    setStaleOnly(false);
  };

  return (
    <main className="page">
      <PageHeader
        title="Journey maps"
        subtitle={state.description || "Every journey your team has mapped in this workspace."}
        actions={
          canEdit && (
            <>
              <button type="button" onClick={() => setImporting(true)}>
                <span aria-hidden="true">⇪</span> Import
              </button>
              <button type="button" className="primary" onClick={() => setCreating(true)}>
                <span aria-hidden="true">+</span> New map
              </button>
            </>
          )
        }
      />

      {all.length > 0 && (
        <section className="toolbar-card" aria-label="Search and filters">
          <label className="search">
            <span className="visually-hidden">Search maps</span>
            <span className="search-icon" aria-hidden="true">⌕</span>
            <input type="search" placeholder="Name, scenario or tag" value={query} onChange={(e) => setQuery(e.target.value)} />
          </label>
          <label className="filter">
            <span className="filter-label">Persona</span>
            <select aria-label="Persona" value={persona} onChange={(e) => setPersona(e.target.value)}>
              <option value="">All personas</option>
              {personas.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          </label>
          <label className="filter">
            <span className="filter-label">Type</span>
            <select aria-label="Type" value={type} onChange={(e) => setType(e.target.value)}>
              <option value="">All types</option>
              {MAP_TYPES.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
            </select>
          </label>
          <label className="filter">
            <span className="filter-label">Status</span>
            <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Any status</option>
              {MAP_STATUSES.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
            </select>
          </label>
          <label className="check filter-check">
            <input type="checkbox" checked={staleOnly} onChange={(e) => setStaleOnly(e.target.checked)} />
            Due for review{staleCount > 0 && <span className="badge stale">{staleCount}</span>}
          </label>
          <label className="filter">
            <span className="filter-label">Sort by</span>
            <select aria-label="Sort by" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
              <option value="updated">Last changed</option>
              <option value="name">Name</option>
            </select>
          </label>
        </section>
      )}

      {rows.error ? <ErrorMessage error={rows.error} onRetry={rows.reload} /> : null}
      {rows.loading && !rows.data && state.maps.length === 0 ? (
        <Loading label="Loading maps…" />
      ) : all.length === 0 ? (
        <EmptyState
          icon="🗺️"
          title="No journey maps yet"
          action={
            canEdit && (
              <div className="row">
                <button type="button" className="primary" onClick={() => setCreating(true)}>Start from a template</button>
                <button type="button" onClick={() => setImporting(true)}>Import a file</button>
              </div>
            )
          }
        >
          {canEdit ? (
            <p>A journey map follows one persona through the stages of one scenario. Pick a ready-made template (a SaaS trial, an online purchase, a service blueprint…) and change it to fit, or import a YAML, JSON, CSV, Excel or Mermaid file.</p>
          ) : (
            <p>Nobody has created a map in this workspace yet. Editors and owners can create one.</p>
          )}
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState icon="🔍" title="No maps match" action={<button type="button" onClick={clear}>Clear search and filters</button>}>
          <p>Try another word, or clear the filters to see all {all.length} maps.</p>
        </EmptyState>
      ) : (
        <>
          <p className="result-count" aria-live="polite">
            {filtering ? `${shown.length} of ${all.length} maps` : plural(all.length, "map")}
          </p>
          <ul className="map-grid" aria-label="Maps">
            {shown.map((m) => (
              <MapCard key={m.id} map={m} workspaceId={ws} personas={personas} canEdit={canEdit} onDelete={() => setDeleting(m)} />
            ))}
          </ul>
        </>
      )}

      <NewMapDialog open={creating} onClose={() => setCreating(false)} />
      <Dialog open={importing} title="Import maps" onClose={() => setImporting(false)}>
        <ImportForm
          workspaceId={ws}
          onImported={() => {
            rows.reload();
            reload();
          }}
        />
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this map?"
        confirmLabel="Delete map"
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api.del(paths.map(ws, deleting.id), { ifMatch: deleting.revision });
          notify(`Deleted “${deleting.name}”.`, "success");
          rows.reload();
          reload();
        }}
      >
        <p>
          <strong>{deleting?.name}</strong> will be deleted with its revision history, comments, votes and share links. This cannot be undone.
        </p>
        <p className="muted">Tip: export it first (open the map, then Export) if you may want it back.</p>
      </ConfirmDialog>
    </main>
  );
}

function MapCard({ map, workspaceId, personas, canEdit, onDelete }: { map: MapRow; workspaceId: string; personas: Persona[]; canEdit: boolean; onDelete: () => void }) {
  const base = `/w/${encodeURIComponent(workspaceId)}/maps/${encodeURIComponent(map.id)}`;
  const people = map.personas.map((id) => personas.find((p) => p.id === id) ?? { id, name: id, avatar: null });
  return (
    <li className="map-card">
      <div className="map-card-badges">
        <TypeBadge type={map.type} />
        <StatusBadge status={map.status} />
        {map.stale && (
          <span className="badge stale" title={map.review_date ? `Review was due ${longDate(map.review_date)}` : "Review date passed"}>
            ⏰ Stale
          </span>
        )}
      </div>
      <h2 className="map-card-title">
        <Link to={base} className="stretched">{map.name}</Link>
      </h2>
      {map.scenario && <p className="map-card-scenario">{map.scenario}</p>}
      {people.length > 0 && (
        <ul className="persona-chips" aria-label="Personas">
          {people.map((p) => (
            <li key={p.id}>
              <Avatar persona={p} size="sm" /> {p.name}
            </li>
          ))}
        </ul>
      )}
      {map.tags.length > 0 && (
        <ul className="tag-list" aria-label="Tags">
          {map.tags.map((t) => <li key={t} className="tag">#{t}</li>)}
        </ul>
      )}
      <div className="map-card-footer">
        <span className="muted">
          {map.stages !== null && <>{map.stages} {map.stages === 1 ? "stage" : "stages"} · </>}
          {map.steps !== null && <>{map.steps} {map.steps === 1 ? "step" : "steps"} · </>}
          <span className="map-card-updated" title={new Date(map.updated_at).toLocaleString()}>Updated {ago(map.updated_at)}</span>
        </span>
        <span className="map-card-actions">
          <Link to={`${base}/present`} className="button quiet small" aria-label={`Present ${map.name}`} title="Present">▸</Link>
          <Link to={`${base}/settings`} className="button quiet small" aria-label={`Settings of ${map.name}`} title="Settings">⚙</Link>
          {canEdit && (
            <button type="button" className="quiet small danger-hover" aria-label={`Delete ${map.name}`} title="Delete" onClick={onDelete}>🗑</button>
          )}
        </span>
      </div>
    </li>
  );
}

// --- new map ---------------------------------------------------------------------------------

interface Template { name: string; title: string; description: string; type: string; personas?: number; stages?: number; steps?: number }

function NewMapDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="New map" onClose={onClose} wide>
      <NewMapForm onClose={onClose} />
    </Dialog>
  );
}

function NewMapForm({ onClose }: { onClose: () => void }) {
  const { state, reload } = useWorkspace();
  const ws = state.id;
  const navigate = useNavigate();
  const notify = useNotify();
  const [mode, setMode] = useState<"template" | "blank">("template");
  const templates = useAsync(async () => (await api.get<Template[]>(paths.templates())).data, []);
  const [chosen, setChosen] = useState<string>("");
  const [name, setName] = useState("");
  const [mapType, setMapType] = useState<MapType>("current_state");
  const [picked, setPicked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      let created: MapState;
      if (mode === "template") {
        if (!chosen) throw new Error("Choose a template first.");
        created = (await api.post<MapState>(`${paths.maps(ws)}/from-template`, { template: chosen, ...(name.trim() ? { name: name.trim() } : {}) })).data;
      } else {
        created = (await api.post<MapState>(paths.maps(ws), { name: name.trim(), personas: picked, type: mapType })).data;
      }
      notify(`Created “${created.map?.name ?? name}”.`, "success");
      reload();
      onClose();
      navigate(`/w/${encodeURIComponent(ws)}/maps/${encodeURIComponent(created.id)}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="new-map"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="segmented" role="radiogroup" aria-label="Start from">
        <label className={mode === "template" ? "on" : ""}>
          <input type="radio" name="mode" checked={mode === "template"} onChange={() => setMode("template")} /> From a template
        </label>
        <label className={mode === "blank" ? "on" : ""}>
          <input type="radio" name="mode" checked={mode === "blank"} onChange={() => setMode("blank")} /> Blank map
        </label>
      </div>

      {mode === "template" ? (
        <>
          {templates.error ? <ErrorMessage error={templates.error} onRetry={templates.reload} /> : null}
          {!templates.data && !templates.error && <Loading label="Loading templates…" />}
          {templates.data && (
            <fieldset className="template-grid">
              <legend className="visually-hidden">Template</legend>
              {templates.data.map((t) => (
                <label key={t.name} className={`template-card${chosen === t.name ? " chosen" : ""}`}>
                  <input type="radio" name="template" value={t.name} checked={chosen === t.name} onChange={() => setChosen(t.name)} aria-describedby={`tpl-${t.name}`} />
                  <span className="template-title">{t.title}</span>
                  <span className="template-meta">
                    <TypeBadge type={t.type} />
                    {t.stages !== undefined && <span className="muted">{plural(t.stages, "stage")} · {plural(t.steps ?? 0, "step")}{t.personas ? ` · ${plural(t.personas, "persona")}` : ""}</span>}
                  </span>
                  <span className="template-description" id={`tpl-${t.name}`}>{t.description}</span>
                </label>
              ))}
            </fieldset>
          )}
          <FieldBox label="Map name (optional)" hint="The template's personas and segments are added to the workspace if they are not there yet.">{(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} placeholder="The template's own name" maxLength={300} />}</FieldBox>
        </>
      ) : (
        <div className="blank-form">
          <label className="field">
            <span className="field-label">Map name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={300} placeholder="e.g. Renewing a subscription" autoFocus />
          </label>
          <label className="field">
            <span className="field-label">Map type</span>
            <select aria-label="Map type" value={mapType} onChange={(e) => setMapType(e.target.value as MapType)}>
              {MAP_TYPES.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
            </select>
          </label>
          <fieldset className="field">
            <legend className="field-label">Whose journey is it?</legend>
            {state.workspace.personas.length === 0 ? (
              <p className="muted">No personas yet: you can add them later under Personas and pick them in the map's settings.</p>
            ) : (
              <div className="check-grid">
                {state.workspace.personas.map((p) => (
                  <label key={p.id} className="check">
                    <input type="checkbox" checked={picked.includes(p.id)} onChange={(e) => setPicked(e.target.checked ? [...picked, p.id] : picked.filter((x) => x !== p.id))} />
                    <Avatar persona={p} size="sm" /> {p.name}
                  </label>
                ))}
              </div>
            )}
          </fieldset>
        </div>
      )}
      <ErrorMessage error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" className="primary" disabled={busy || (mode === "template" ? !chosen : !name.trim())}>
          {busy ? "Creating…" : "Create map"}
        </button>
      </div>
    </form>
  );
}

