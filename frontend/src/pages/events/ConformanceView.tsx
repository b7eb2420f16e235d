// Observed against mapped: for a map whose steps name their events, the share of units whose
// path follows the map's order, and the commonest ways they leave it (events.conformance).
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { useWorkspace } from "../../workspace";
import { Bar } from "./AnalysisResults";
import { count, percent, type EventSource } from "./eventsApi";
import { JobStatus, MapPicker, SourcePicker, firstReady, useJob } from "./jobs";

interface Deviation { kind: "skipped" | "reversed" | "loop" | "unclaimed"; steps: string[]; event: string | null; units: number; share: number }
export interface ConformanceResult {
  map: string; steps: string[]; steps_without_events: string[]; units: number; conforming: number; share: number;
  kinds: Record<Deviation["kind"], number>; deviations: Deviation[];
}

const KIND_WORDS: Record<Deviation["kind"], string> = {
  skipped: "Skipped a step",
  reversed: "Went back to an earlier step first",
  loop: "Came back to a step",
  unclaimed: "Did something no step claims",
};

/** One deviation in words: "Skipped “Compare plans” (between … )". */
export function deviationText(d: Deviation): string {
  if (d.kind === "skipped") return `Skipped “${d.steps[0]}”`;
  if (d.kind === "reversed") return `From “${d.steps[0]}” back to “${d.steps[1]}” before reaching it in order`;
  if (d.kind === "loop") return `From “${d.steps[0]}” back to “${d.steps[1]}” again`;
  return `“${d.event}” between “${d.steps[0]}” and “${d.steps[1]}”`;
}

export function ConformanceView({ sources, base }: { sources: EventSource[]; base: string }) {
  const { state } = useWorkspace();
  const ws = state.id;
  const [sourceId, setSourceId] = useState(firstReady(sources));
  useEffect(() => {
    if (!sources.some((s) => s.id === sourceId && s.status === "ready")) setSourceId(firstReady(sources));
  }, [sources, sourceId]);
  const [mapId, setMapId] = useState(new URLSearchParams(window.location.search).get("map") ?? state.maps[0]?.id ?? "");
  const run = useJob<ConformanceResult>(ws);
  const result = run.job?.state === "done" ? run.job.result : null;
  const mapLink = `/w/${encodeURIComponent(ws)}/maps/${encodeURIComponent(run.job?.map ?? mapId)}`;
  return (
    <section aria-labelledby="ev-conformance-title">
      <h2 id="ev-conformance-title">Observed against mapped</h2>
      <p className="muted">
        Does the journey people really take follow the map? Each event is claimed by the first step (in the map's order) whose events it matches; a person
        follows the map when the steps they reach come in the map's order, one after the next, with nothing unclaimed between them.
      </p>
      <div className="row">
        <SourcePicker sources={sources} value={sourceId} onChange={setSourceId} base={base} />
        {state.maps.length > 0 && <MapPicker maps={state.maps} value={mapId} onChange={setMapId} />}
      </div>
      <div className="dialog-actions">
        <button type="button" className="primary" disabled={run.running || !sourceId || !mapId} onClick={() => run.run({ analysis: "conformance", source: sourceId, map_id: mapId })}>
          {run.running ? "Comparing…" : "Compare with the map"}
        </button>
      </div>
      <JobStatus run={run as ReturnType<typeof useJob<unknown>>} />
      {run.error !== null && run.job?.error?.message.includes("no step declares events") && (
        <p className="hint-box">Open the map on the board and name, in each step's panel, the events that count as that step. Then compare again.</p>
      )}
      {result && <ConformanceReport result={result} mapLink={mapLink} />}
    </section>
  );
}

export function ConformanceReport({ result, mapLink }: { result: ConformanceResult; mapLink?: string }) {
  return (
    <div className="ev-result-block" data-testid="conformance-result">
      <p className="ev-headline">
        <strong>{percent(result.share)}</strong> follow the map's order: {count(result.conforming)} of {count(result.units)} units whose events any step claims.
      </p>
      <p className="ev-path" aria-label="The map's order">
        {result.steps.map((s, i) => <span key={i} className="ev-chip">{s}</span>)}
      </p>
      {result.steps_without_events.length > 0 && (
        <p className="muted">
          Not observed (no events named): {result.steps_without_events.join(", ")}.{" "}
          {mapLink && <Link to={mapLink}>Name their events on the board</Link>}
        </p>
      )}
      <ul className="ev-kinds" aria-label="Units by kind of deviation">
        {(Object.keys(KIND_WORDS) as Deviation["kind"][]).map((k) => (
          <li key={k}><strong>{count(result.kinds[k])}</strong> {KIND_WORDS[k].toLowerCase()}</li>
        ))}
      </ul>
      {result.deviations.length > 0 ? (
        <div className="ev-table-wrap">
          <table className="list ev-result" aria-label="Commonest deviations">
            <thead><tr><th scope="col">Deviation</th><th scope="col">Kind</th><th scope="col">Units</th></tr></thead>
            <tbody>
              {result.deviations.slice(0, 25).map((d, i) => (
                <tr key={i}>
                  <td>{deviationText(d)}</td>
                  <td>{KIND_WORDS[d.kind]}</td>
                  <td><Bar share={d.share} tone="drop" text={`${count(d.units)} · ${percent(d.share)}`} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No one leaves the map's order.</p>
      )}
      {mapLink && <p><Link to={mapLink}>Open the map on the board</Link></p>}
    </div>
  );
}
