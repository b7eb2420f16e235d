// Draft a map from data: the dominant paths of a source become a current-state map's stages
// and steps (events.discover), previewed here and added to the workspace, opened on the board.
import { useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";
import { api, paths } from "../../api";
import { ErrorMessage } from "../../components/errors";
import type { MapState } from "../../types";
import { useWorkspace } from "../../workspace";
import { Bar } from "./AnalysisResults";
import { count, percent, type EventSource } from "./eventsApi";
import { JobStatus, SourcePicker, firstReady, useJob } from "./jobs";

interface Discovered {
  map: Record<string, unknown> & { name: string };
  coverage: number;
  paths: { path: string[]; units: number }[];
  stages: { name: string; steps: string[] }[];
}

export function DiscoverView({ sources, base }: { sources: EventSource[]; base: string }) {
  const { state, canEdit, reload } = useWorkspace();
  const ws = state.id;
  const navigate = useNavigate();
  const [sourceId, setSourceId] = useState(firstReady(sources));
  useEffect(() => {
    if (!sources.some((s) => s.id === sourceId && s.status === "ready")) setSourceId(firstReady(sources));
  }, [sources, sourceId]);
  const [coverage, setCoverage] = useState(80);
  const [minShare, setMinShare] = useState(5);
  const [maxPaths, setMaxPaths] = useState(20);
  const [name, setName] = useState("");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const run = useJob<Discovered>(ws);
  const result = run.job?.state === "done" ? run.job.result : null;
  const source = sources.find((s) => s.id === sourceId);
  const total = source?.units ?? 0;

  return (
    <section aria-labelledby="ev-discover-title">
      <h2 id="ev-discover-title">Draft a map from data</h2>
      <p className="muted">
        Start a current-state map from what people really do: the commonest paths through the events become stages and steps, each step matched to its events
        and measured. Review it on the board, then add what data cannot tell: thoughts, feelings, pain points.
      </p>
      <SourcePicker sources={sources} value={sourceId} onChange={setSourceId} base={base} />
      {sourceId && (
        <form
          className="ev-options"
          onSubmit={async (e) => {
            e.preventDefault();
            setSaveError(null);
            await run.run({ analysis: "discover", source: sourceId, options: { coverage: coverage / 100, min_share: minShare / 100, max_paths: maxPaths, name: name.trim() || `Current state: ${source?.name ?? "observed"}` } });
          }}
        >
          <div className="row">
            <label className="field small-field">
              <span className="field-label">Cover this share of people (%)</span>
              <input type="number" min={1} max={100} value={coverage} onChange={(e) => setCoverage(Number(e.target.value) || 80)} />
            </label>
            <label className="field small-field">
              <span className="field-label">Keep events at least this common (%)</span>
              <input type="number" min={0} max={100} step="any" value={minShare} onChange={(e) => setMinShare(Number(e.target.value) || 0)} />
            </label>
            <label className="field small-field">
              <span className="field-label">At most this many paths</span>
              <input type="number" min={1} max={200} value={maxPaths} onChange={(e) => setMaxPaths(Number(e.target.value) || 20)} />
            </label>
            <label className="field grow">
              <span className="field-label">Map name</span>
              <input value={name} maxLength={300} onChange={(e) => setName(e.target.value)} placeholder={`Current state: ${source?.name ?? "…"}`} />
            </label>
          </div>
          <div className="dialog-actions">
            <button type="submit" className="primary" disabled={run.running}>{run.running ? "Drafting…" : "Draft a map"}</button>
          </div>
        </form>
      )}
      <JobStatus run={run as ReturnType<typeof useJob<unknown>>} />
      {result && (
        <div className="ev-result-block" data-testid="discover-result">
          <h3>{result.map.name}</h3>
          <p className="ev-headline">The paths below cover <strong>{percent(result.coverage)}</strong> of the people in the data.</p>
          <div className="ev-draft">
            {result.stages.map((s, i) => (
              <div className="ev-draft-stage" key={i}>
                <strong>{s.name}</strong>
                <ol>{s.steps.map((st, j) => <li key={j}>{st}</li>)}</ol>
              </div>
            ))}
          </div>
          <div className="ev-table-wrap">
            <table className="list ev-result" aria-label="Dominant paths">
              <thead><tr><th scope="col">Path</th><th scope="col">Units</th></tr></thead>
              <tbody>
                {result.paths.map((p, i) => (
                  <tr key={i}>
                    <td className="ev-path">{p.path.map((e, j) => <span key={j} className="ev-chip">{e}</span>)}</td>
                    <td><Bar share={total ? p.units / total : 0} text={count(p.units)} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ErrorMessage error={saveError} />
          {canEdit ? (
            <div className="dialog-actions">
              <button
                type="button"
                className="primary"
                disabled={saving}
                onClick={async () => {
                  setSaving(true);
                  setSaveError(null);
                  try {
                    const created = (await api.post<MapState>(paths.maps(ws), result.map)).data;
                    reload();
                    navigate(`/w/${encodeURIComponent(ws)}/maps/${encodeURIComponent(created.id)}`);
                  } catch (e) {
                    setSaveError(e);
                  } finally {
                    setSaving(false);
                  }
                }}
              >
                {saving ? "Adding…" : "Add this map and open it on the board"}
              </button>
            </div>
          ) : (
            <p className="muted">Editors can add the drafted map to the workspace.</p>
          )}
        </div>
      )}
    </section>
  );
}
