// The paths view: the commonest paths into and out of an event or a map's step, as a Sankey
// (drawn by the server's SVG writer, render/sankey.py) and as a table of each position.
import { useEffect, useState } from "react";
import { api, paths } from "../../api";
import { useAsync } from "../../components/loading";
import type { MapState } from "../../types";
import { useWorkspace } from "../../workspace";
import { useEventNames } from "./AnalysesView";
import { count, eventPaths, matchersText, percent, type EventSource } from "./eventsApi";
import { JobStatus, MapPicker, SourcePicker, firstReady, useJob } from "./jobs";

interface PathNode { id: number; position: number; name: string; units: number; share: number }
interface PathsResult { anchor: string; depth: number; top: number; units: number; share: number; nodes: PathNode[]; links: { source: number; target: number; units: number }[] }

export function PathsView({ sources, base }: { sources: EventSource[]; base: string }) {
  const { state } = useWorkspace();
  const ws = state.id;
  const [sourceId, setSourceId] = useState(firstReady(sources));
  useEffect(() => {
    if (!sources.some((s) => s.id === sourceId && s.status === "ready")) setSourceId(firstReady(sources));
  }, [sources, sourceId]);
  const { names } = useEventNames(ws, sourceId);
  const [by, setBy] = useState<"event" | "step">("event");
  const [event, setEvent] = useState("");
  const [mapId, setMapId] = useState(state.maps[0]?.id ?? "");
  const [stepId, setStepId] = useState("");
  const [depth, setDepth] = useState(3);
  const [top, setTop] = useState(5);
  const [collapse, setCollapse] = useState(false);
  const run = useJob<PathsResult>(ws);
  const map = useAsync(async () => (mapId && by === "step" ? (await api.get<MapState>(paths.map(ws, mapId))).data.map : null), [ws, mapId, by]);
  const steps = (map.data?.stages ?? []).flatMap((s) => s.steps.filter((st) => st.events.length > 0).map((st) => ({ stage: s.name, step: st })));
  const chosen = steps.find((s) => s.step.id === stepId) ?? steps[0];
  const around = by === "event" ? event.trim() : chosen ? matchersText(chosen.step.events) : "";
  const result = run.job?.state === "done" ? run.job.result : null;

  return (
    <section aria-labelledby="ev-paths-title">
      <h2 id="ev-paths-title">Paths</h2>
      <p className="muted">Where people come from before an event or a step, and where they go after it: the commonest events at each position, the rest as “Other”.</p>
      <SourcePicker sources={sources} value={sourceId} onChange={setSourceId} base={base} />
      {sourceId && (
        <form
          className="ev-options"
          onSubmit={async (e) => {
            e.preventDefault();
            if (around) await run.run({ analysis: "paths", source: sourceId, options: { around, depth, top, collapse } });
          }}
        >
          <div className="ev-switch" role="radiogroup" aria-label="Around">
            <button type="button" role="radio" aria-checked={by === "event"} className={by === "event" ? "on" : ""} onClick={() => setBy("event")}>Around an event</button>
            <button type="button" role="radio" aria-checked={by === "step"} className={by === "step" ? "on" : ""} onClick={() => setBy("step")}>Around a map's step</button>
          </div>
          {by === "event" ? (
            <label className="field">
              <span className="field-label">Event</span>
              <input list="ev-paths-events" value={event} required maxLength={500} onChange={(e) => setEvent(e.target.value)} placeholder={names[0] ? `e.g. ${names[0]}` : ""} />
              <datalist id="ev-paths-events">{names.map((n) => <option key={n} value={n} />)}</datalist>
            </label>
          ) : (
            <div className="row">
              <MapPicker maps={state.maps} value={mapId} onChange={(id) => { setMapId(id); setStepId(""); }} />
              <label className="field">
                <span className="field-label">Step</span>
                <select value={chosen?.step.id ?? ""} onChange={(e) => setStepId(e.target.value)} disabled={steps.length === 0}>
                  {steps.length === 0 && <option value="">No step of this map names its events</option>}
                  {steps.map((s) => <option key={s.step.id} value={s.step.id}>{s.stage} · {s.step.name}</option>)}
                </select>
              </label>
            </div>
          )}
          <div className="row">
            <label className="field small-field">
              <span className="field-label">Depth (positions each side)</span>
              <input type="number" min={1} max={10} value={depth} onChange={(e) => setDepth(Number(e.target.value) || 1)} />
            </label>
            <label className="field small-field">
              <span className="field-label">Events named per position</span>
              <input type="number" min={1} max={50} value={top} onChange={(e) => setTop(Number(e.target.value) || 1)} />
            </label>
            <label className="check"><input type="checkbox" checked={collapse} onChange={(e) => setCollapse(e.target.checked)} /> Count repeats in a row once</label>
          </div>
          <div className="dialog-actions">
            <button type="submit" className="primary" disabled={run.running || !around}>{run.running ? "Running…" : "Show paths"}</button>
          </div>
        </form>
      )}
      <JobStatus run={run as ReturnType<typeof useJob<unknown>>} />
      {result && run.job && (
        <div className="ev-result-block" data-testid="paths-result">
          <p className="ev-headline">
            <strong>{count(result.units)}</strong> units ({percent(result.share)}) reach <code>{result.anchor}</code>.
          </p>
          <figure className="ev-sankey">
            <img src={eventPaths.pathsSvg(ws, run.job.id)} alt={`Paths into and out of ${result.anchor}`} />
            <figcaption><a href={eventPaths.pathsSvg(ws, run.job.id)} download={`paths-${result.anchor.replace(/[^A-Za-z0-9_-]+/g, "_")}.svg`}>Download SVG</a></figcaption>
          </figure>
          <PathsTable result={result} />
        </div>
      )}
    </section>
  );
}

function PathsTable({ result }: { result: PathsResult }) {
  const positions = [...new Set(result.nodes.map((n) => n.position))].sort((a, b) => a - b);
  return (
    <div className="ev-table-wrap">
      <table className="list ev-result" aria-label="Paths by position">
        <thead><tr><th scope="col">Position</th><th scope="col">Events (units)</th></tr></thead>
        <tbody>
          {positions.map((p) => (
            <tr key={p}>
              <th scope="row">{p === 0 ? "The anchor" : p < 0 ? `${-p} before` : `${p} after`}</th>
              <td>{result.nodes.filter((n) => n.position === p).sort((a, b) => b.units - a.units).map((n) => (
                <span key={n.id} className="ev-chip">{n.name} · {count(n.units)} ({percent(n.share)})</span>
              ))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
