// The Measured lane and the step panel's matcher editor: steps matched to a source's events,
// and per step the figures the source measures (GET …/maps/{m}/measured).
import { createContext, memo, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { request } from "../api";
import type { EventMatcher, JourneyMap, Step } from "../model.generated";
import { useBoard, useStore } from "./store";

// --- the API's JSON ------------------------------------------------------------------------------

export interface NextEvent { event: string; units: number; share: number }
export interface Week { week: string; units: number }
export interface GroupFigures { value: string; units: number; share: number; conversion: number | null; from_previous: number | null }
export interface MeasuredStep {
  id: string; name: string; stage: string; matched: boolean;
  units: number; share: number; events: number;
  from_previous: number | null; previous_units: number | null;
  conversion: number | null; dropoff: number | null; next_events: NextEvent[];
  median_to_next_seconds: number | null; n_to_next: number;
  weekly: Week[]; breakdown: GroupFigures[];
}
export interface MeasuredLane {
  unit: string; entrants: number; date_from: string | null; date_to: string | null;
  period_start: string | null; period_end: string | null; breakdown: string | null; breakdown_values: string[];
  steps: MeasuredStep[]; stale: boolean; computed_at: string;
  /** A share link's stale lane: being measured again, read the link again for the fresh figures. */
  refreshing?: boolean;
  /** The share link's lane names the source only (no id or version). */
  source: { id?: string; name: string; kind: string; version?: string; refreshed_at: string | null };
}
export interface SourceRow { id: string; name: string; kind: string; status: string; properties: string[] }
export interface Catalogue { events: { name: string; events: number; units: number }[]; properties: { name: string; values: { value: string; events: number }[] }[] }
export interface Suggestion { event: string; score: number; units: number; matched_on: string }
export interface Coverage {
  steps_without_matchers: { id: string; name: string }[];
  steps_matching_nothing: { id: string; name: string }[];
  unclaimed_events: { event: string; units: number; share: number; events: number }[];
  claimed_event_share: number;
}

export interface LaneView { from: string; to: string; breakdown: string }

// --- pure helpers (unit-tested) ---------------------------------------------------------------

export function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? "—" : `${Math.round(x * 100)}%`;
}

export function shortDuration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86400).toFixed(1)}d`;
}

/** Points of a sparkline through the weekly units, in a w × h box (empty for fewer than two weeks). */
export function sparkPoints(values: number[], w: number, h: number): string {
  if (values.length < 2) return "";
  const top = Math.max(...values) || 1;
  return values.map((v, i) => `${((i * w) / (values.length - 1)).toFixed(1)},${(h - (v / top) * h).toFixed(1)}`).join(" ");
}

/** The lane's date range as `YYYY-MM-DD – YYYY-MM-DD` (the asked range, else the data's). */
export function laneRange(lane: MeasuredLane): string {
  return `${(lane.date_from ?? lane.period_start ?? "").slice(0, 10)} – ${(lane.date_to ?? lane.period_end ?? "").slice(0, 10)}`;
}

/** One figure of a step as every view shows it: its text (`lead`, the number in bold, then
 * `text`) and what it rests on (`n`). The board puts `n` in a tooltip, slides show it. */
export interface FigureLine { key: string; lead?: string; text: string; n: string; className?: string }

export function figureLines(f: MeasuredStep, lane: MeasuredLane): FigureLine[] {
  const unit = lane.unit;
  const lines: FigureLine[] = [
    { key: "reach", lead: f.units.toLocaleString(), text: ` ${unit}s · ${pct(f.share)} of entrants`, n: `${f.units} of ${lane.entrants} ${unit}s who entered` },
  ];
  if (f.from_previous !== null) {
    lines.push({ key: "previous", text: `From previous: ${pct(f.from_previous)}`, n: `n = ${f.previous_units} ${unit}s at the previous step` });
  }
  if (f.conversion !== null) {
    lines.push({ key: "next", text: `To next: ${pct(f.conversion)} · drop-off ${pct(f.dropoff)}`, n: `n = ${f.units} ${unit}s` });
  }
  if (f.next_events.length > 0) {
    const dropped = Math.round((f.dropoff ?? 0) * f.units);
    lines.push({
      key: "then", className: "measured-next",
      text: `then ${f.next_events.map((e) => `${e.event} ${pct(e.share)}`).join(", ")}`,
      n: `of n = ${dropped} ${unit}s who drop off`,
    });
  }
  if (f.median_to_next_seconds !== null) {
    lines.push({ key: "median", text: `Median to next: ${shortDuration(f.median_to_next_seconds)}`, n: `median over n = ${f.n_to_next} ${unit}s` });
  }
  for (const g of f.breakdown) {
    lines.push({ key: `group-${g.value}`, className: "measured-group", text: `${g.value}: ${g.units.toLocaleString()} · ${pct(g.conversion)} to next`, n: `${g.value}: n = ${g.units} ${unit}s` });
  }
  return lines;
}

/** What a stale mark says: a view that asks again is measuring; a share page's snapshot is not. */
export function staleText(live: boolean): string {
  return live ? "Stale: measuring again" : "Stale: the source changed since these figures were measured";
}

/** What the figures depend on in the map: the steps' order and matchers (refetch when it changes). */
export function matchersDigest(map: JourneyMap): string {
  return JSON.stringify(map.stages.map((s) => s.steps.map((x) => [x.id, x.events])));
}

/** A matcher written as the funnel syntax shows it: `name`, `name[plan=pro]`. */
export function matcherLabel(m: EventMatcher): string {
  const head = m.match === "regex" ? `/${m.event}/` : m.event;
  return head + Object.entries(m.where).map(([k, v]) => `[${k}=${v}]`).join("");
}

// --- the lane's data ------------------------------------------------------------------------------

interface MeasuredState {
  /** A read-only view (share page, presentation): no pickers, the lane's provenance instead. */
  fixed?: boolean;
  /** The view asks again when the figures are stale (false for the share page's snapshot). */
  live: boolean;
  lane: MeasuredLane | null;
  error: string | null;
  loading: boolean;
  view: LaneView;
  setView: (v: LaneView) => void;
  sources: SourceRow[];
  reload: () => void;
}

const MeasuredContext = createContext<MeasuredState | null>(null);

export function useMeasured(): MeasuredState | null {
  return useContext(MeasuredContext);
}

const REFRESH_MS = 30000;
export const STALE_RETRY_MS = 2000;

export interface LaneTarget { workspaceId: string; mapId: string }

/** The map's Measured lane from `source` while `target` is set: fetched again when the
 * source, the matchers (`digest`) or the view change, every 30 s (new collected events),
 * and soon after a stale answer. The board and the presentation both use it. */
export function useMeasuredLane(target: LaneTarget | null, source: string | null, digest: string, view: LaneView) {
  const [lane, setLane] = useState<MeasuredLane | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const workspaceId = target?.workspaceId ?? null;
  const mapId = target?.mapId ?? null;
  useEffect(() => {
    if (!workspaceId || !mapId || !source) { setLane(null); return; }
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setLoading(true);
    request<MeasuredLane>(`/api/workspaces/${workspaceId}/maps/${mapId}/measured`, {
      query: { source, from: view.from || null, to: view.to || null, breakdown: view.breakdown || null },
    })
      .then((r) => {
        if (!live) return;
        setLane(r.data);
        setError(null);
        timer = setTimeout(() => setTick((t) => t + 1), r.data.stale ? STALE_RETRY_MS : REFRESH_MS);
      })
      .catch((e: unknown) => {
        if (!live) return;
        setError(e instanceof Error ? e.message : String(e));
        setLane(null);
      })
      .finally(() => live && setLoading(false));
    return () => { live = false; if (timer) clearTimeout(timer); };
    // digest: the server measures the saved map, so refetch when its matchers change.
  }, [workspaceId, mapId, source, view, digest, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { lane, error, loading, reload, tick };
}

/** The board's lane: fetched while the map shows it, with the workspace's sources for the picker. */
export function MeasuredProvider({ children }: { children: React.ReactNode }) {
  const store = useStore();
  const map = useBoard((s) => s.map);
  const target = store.target;
  const shows = map.lanes.includes("measured");
  const source = map.measured_source ?? null;
  const digest = useMemo(() => matchersDigest(map), [map]);
  const [view, setView] = useState<LaneView>({ from: "", to: "", breakdown: "" });
  const [sources, setSources] = useState<SourceRow[]>([]);
  const { lane, error, loading, reload, tick } = useMeasuredLane(shows ? target : null, source, digest, view);

  useEffect(() => {
    if (!target || !shows) return;
    let live = true;
    request<{ sources: SourceRow[] }>(`/api/workspaces/${target.workspaceId}/event-sources`)
      .then((r) => live && setSources(r.data.sources))
      .catch(() => live && setSources([]));
    return () => { live = false; };
  }, [target, shows, tick]);

  const value = useMemo(() => ({ live: true, lane, error, loading, view, setView, sources, reload }), [lane, error, loading, view, sources, reload]);
  return <MeasuredContext.Provider value={value}>{children}</MeasuredContext.Provider>;
}

const NO_VIEW: LaneView = { from: "", to: "", breakdown: "" };
const NOTHING = () => {};

/** A read-only view's lane (the share page's snapshot, the presentation's figures): the
 * board's cells, without pickers. `live`: the view asks again when the figures are stale. */
export function FixedMeasured({ lane, live, error = null, children }: { lane: MeasuredLane | null; live: boolean; error?: string | null; children: React.ReactNode }) {
  const value = useMemo<MeasuredState>(
    () => ({ fixed: true, live, lane, error, loading: false, view: NO_VIEW, setView: NOTHING, sources: [], reload: NOTHING }),
    [lane, live, error],
  );
  return <MeasuredContext.Provider value={value}>{children}</MeasuredContext.Provider>;
}

// --- the lane's cells -------------------------------------------------------------------------------

export function Sparkline({ weeks, width = 120, height = 20 }: { weeks: Week[]; width?: number; height?: number }) {
  const points = sparkPoints(weeks.map((w) => w.units), width, height);
  if (!points) return null;
  const label = `Weekly units, ${weeks[0].week} to ${weeks[weeks.length - 1].week}: ${weeks.map((w) => w.units).join(", ")}`;
  return (
    <svg className="measured-spark" width={width} height={height + 2} viewBox={`0 -1 ${width} ${height + 2}`} role="img" aria-label={label}>
      <title>{label}</title>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth={1.5} />
    </svg>
  );
}

/** One step's cell in the Measured lane: each figure with its n, the range and source in its tooltip. */
export const MeasuredCell = memo(function MeasuredCell({ step }: { step: Step }) {
  const m = useMeasured();
  const figures = m?.lane?.steps.find((s) => s.id === step.id);
  if (!m || !m.lane) return <div className="b-cell measured-cell muted">{m?.loading ? "Measuring…" : ""}</div>;
  if (!figures || !figures.matched) {
    const hint = m.fixed ? "No events matched" : "No events matched: open the step to match events";
    return <div className="b-cell measured-cell measured-none muted">{hint}</div>;
  }
  const lane = m.lane;
  const where = `${laneRange(lane)}, source ${lane.source.name}`;
  return (
    <div className={`b-cell measured-cell${lane.stale ? " is-stale" : ""}`} data-step={step.id}>
      <ul>
        {figureLines(figures, lane).map((line) => (
          <li key={line.key} data-figure={line.key} className={line.className} title={`${line.n}, ${where}`}>
            {line.lead && <strong>{line.lead}</strong>}
            {line.text}
          </li>
        ))}
      </ul>
      <Sparkline weeks={figures.weekly} />
      {lane.stale && <span className="measured-stale">{staleText(m.live)}</span>}
    </div>
  );
});

/** Where a read-only view's figures come from: the source, the range, the entrants, stale. */
export function MeasuredProvenance({ lane, live, className = "" }: { lane: MeasuredLane; live: boolean; className?: string }) {
  return (
    <div className={`measured-provenance ${className}`.trim()} title={`computed ${lane.computed_at}`}>
      <p className="lane-note">Source: <strong>{lane.source.name}</strong></p>
      <p className="lane-note">{laneRange(lane)}</p>
      <p className="lane-note">{lane.entrants.toLocaleString()} {lane.unit}s entered</p>
      {lane.stale && <p className="lane-note measured-stale">{staleText(live)}</p>}
    </div>
  );
}

/** A step's figures on a presentation slide: each with its n written out (no tooltips on a
 * projector), the sparkline drawn larger. */
export function SlideFigures({ figures, lane }: { figures: MeasuredStep | undefined; lane: MeasuredLane }) {
  if (!figures || !figures.matched) return <p className="slide-measured muted">Measured: no events matched</p>;
  return (
    <div className={`slide-measured${lane.stale ? " is-stale" : ""}`} data-step={figures.id}>
      <span className="lane-tag">Measured</span>
      <ul>
        {figureLines(figures, lane).map((line) => (
          <li key={line.key} data-figure={line.key} className={line.className}>
            <span className="figure">{line.lead && <strong>{line.lead}</strong>}{line.text}</span>{" "}
            <span className="slide-n">({line.n})</span>
          </li>
        ))}
      </ul>
      {figures.weekly.length > 1 && (
        <p className="slide-weekly">
          <Sparkline weeks={figures.weekly} width={180} height={30} />
          <span className="slide-n">weekly, {figures.weekly[0].week} – {figures.weekly[figures.weekly.length - 1].week}</span>
        </p>
      )}
    </div>
  );
}

/** The lane's label: the map's source, the date range and the breakdown. */
export function MeasuredControls({ canEdit }: { canEdit: boolean }) {
  const store = useStore();
  const map = useBoard((s) => s.map);
  const m = useMeasured();
  if (!m) return null;
  if (m.fixed) {
    return (
      <div className="measured-controls measured-fixed">
        {m.lane ? <MeasuredProvenance lane={m.lane} live={m.live} /> : <p className="lane-note">Not measured yet.</p>}
        {m.error && <p className="lane-note measured-error" role="alert">{m.error}</p>}
      </div>
    );
  }
  const source = m.sources.find((s) => s.id === map.measured_source);
  const setSource = (id: string) => store.dispatch({ type: "map", changes: { measured_source: id || null } }, "choose the map's event source");
  return (
    <div className="measured-controls">
      <label>
        <span>Source</span>
        <select aria-label="Event source" value={map.measured_source ?? ""} disabled={!canEdit} onChange={(e) => setSource(e.target.value)}>
          <option value="">(none)</option>
          {m.sources.map((s) => (
            <option key={s.id} value={s.id}>{s.name}</option>
          ))}
        </select>
      </label>
      <label><span>From</span><input type="date" aria-label="From" value={m.view.from} onChange={(e) => m.setView({ ...m.view, from: e.target.value })} /></label>
      <label><span>To</span><input type="date" aria-label="To" value={m.view.to} onChange={(e) => m.setView({ ...m.view, to: e.target.value })} /></label>
      <label>
        <span>Breakdown</span>
        <select aria-label="Breakdown" value={m.view.breakdown} onChange={(e) => m.setView({ ...m.view, breakdown: e.target.value })}>
          <option value="">(none)</option>
          {(source?.properties ?? []).map((p) => (
            <option key={p} value={p}>{p}</option>
          ))}
        </select>
      </label>
      {m.lane && (
        <p className="lane-note" title={`computed ${m.lane.computed_at}`}>
          {m.lane.entrants.toLocaleString()} {m.lane.unit}s{m.lane.stale ? " · stale" : ""}
        </p>
      )}
      {m.error && <p className="lane-note measured-error" role="alert">{m.error}</p>}
      {!map.measured_source && <p className="lane-note">Choose the event source that measures this map.</p>}
    </div>
  );
}

// --- the step panel's matcher editor ------------------------------------------------------------------

function useCatalogue(sourceId: string | null): Catalogue | null {
  const store = useStore();
  const target = store.target;
  const [cat, setCat] = useState<Catalogue | null>(null);
  useEffect(() => {
    if (!target || !sourceId) { setCat(null); return; }
    let live = true;
    request<Catalogue>(`/api/workspaces/${target.workspaceId}/event-sources/${sourceId}/event-names`)
      .then((r) => live && setCat(r.data))
      .catch(() => live && setCat(null));
    return () => { live = false; };
  }, [target, sourceId]);
  return cat;
}

/** The step's matchers: event names with autocomplete from the map's source, property filters,
 * suggestions from names alike, and the map's coverage. */
export function MatcherEditor({ step, map, ro, save }: { step: Step; map: JourneyMap; ro: boolean; save: (events: EventMatcher[]) => void }) {
  const store = useStore();
  const target = store.target;
  const sourceId = map.measured_source ?? null;
  const cat = useCatalogue(sourceId);
  const [suggested, setSuggested] = useState<Suggestion[]>([]);
  const [cover, setCover] = useState<Coverage | null>(null);
  const digest = useMemo(() => matchersDigest(map), [map]);
  useEffect(() => {
    if (!target || !sourceId) { setSuggested([]); return; }
    let live = true;
    const base = `/api/workspaces/${target.workspaceId}/maps/${target.mapId}/measured`;
    request<{ steps: { id: string; suggestions: Suggestion[] }[] }>(`${base}/suggestions`, { query: { source: sourceId } })
      .then((r) => live && setSuggested(r.data.steps.find((s) => s.id === step.id)?.suggestions ?? []))
      .catch(() => live && setSuggested([]));
    request<Coverage>(`${base}/coverage`, { query: { source: sourceId } })
      .then((r) => live && setCover(r.data))
      .catch(() => live && setCover(null));
    return () => { live = false; };
  }, [target, sourceId, step.id, digest]);
  const events = step.events;
  const change = (i: number, patch: Partial<EventMatcher>) => save(events.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  const listId = `events-of-${step.id}`;
  const counts = new Map((cat?.events ?? []).map((e) => [e.name, e]));
  return (
    <section className="panel-section matcher-editor" aria-label="Matched events">
      <h3>Matched events</h3>
      {!sourceId && <p className="muted">Choose the map's event source in the Measured lane to pick events from it.</p>}
      <datalist id={listId}>
        {(cat?.events ?? []).map((e) => (
          <option key={e.name} value={e.name}>{`${e.units.toLocaleString()} units`}</option>
        ))}
      </datalist>
      {events.length === 0 && <p className="muted">No events count as this step yet: it is not measured.</p>}
      {events.map((m, i) => (
        <div key={i} className="matcher" data-matcher={i}>
          <div className="field-row">
            <label className="field">
              <span>Event</span>
              <input
                aria-label={`Event ${i + 1}`}
                list={listId}
                key={m.event}
                defaultValue={m.event}
                readOnly={ro}
                onBlur={(e) => e.target.value.trim() !== m.event && change(i, { event: e.target.value.trim() })}
                onKeyDown={(e) => e.key === "Enter" && (e.preventDefault(), e.currentTarget.blur())}
              />
            </label>
            <label className="field">
              <span>Match</span>
              <select aria-label={`Match ${i + 1}`} value={m.match} disabled={ro} onChange={(e) => change(i, { match: e.target.value as EventMatcher["match"] })}>
                <option value="exact">exact</option>
                <option value="glob">glob (*)</option>
                <option value="regex">regex</option>
              </select>
            </label>
            {!ro && (
              <button type="button" className="icon" aria-label={`Remove event ${matcherLabel(m)}`} onClick={() => save(events.filter((_, j) => j !== i))}>
                ×
              </button>
            )}
          </div>
          {m.match === "exact" && m.event && cat && (
            <p className="muted matcher-count">
              {counts.has(m.event) ? `${counts.get(m.event)!.units.toLocaleString()} units, ${counts.get(m.event)!.events.toLocaleString()} events` : "not in the source"}
            </p>
          )}
          <FilterEditor matcher={m} cat={cat} ro={ro} index={i} onChange={(where) => change(i, { where })} />
        </div>
      ))}
      {!ro && (
        <button type="button" className="mini" onClick={() => save([...events, { event: "", match: "exact", where: {} }])}>
          + Event
        </button>
      )}
      {suggested.length > 0 && (
        <div className="matcher-suggestions">
          <p className="muted">Events with a name like this step's:</p>
          <ul>
            {suggested.map((s) => (
              <li key={s.event}>
                <button type="button" className="mini" disabled={ro} onClick={() => save([...events, { event: s.event, match: "exact", where: {} }])} title={`similarity ${s.score} to the ${s.matched_on}`}>
                  + {s.event}
                </button>{" "}
                <span className="muted">{s.units.toLocaleString()} units</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {cover && (
        <details className="matcher-coverage">
          <summary>
            Coverage: {pct(cover.claimed_event_share)} of events claimed · {cover.steps_without_matchers.length} steps without events
          </summary>
          {cover.steps_without_matchers.length > 0 && (
            <p>Not measured: {cover.steps_without_matchers.map((s) => s.name).join(", ")}</p>
          )}
          {cover.steps_matching_nothing.length > 0 && (
            <p>Matching nothing: {cover.steps_matching_nothing.map((s) => s.name).join(", ")}</p>
          )}
          {cover.unclaimed_events.length > 0 && (
            <ul aria-label="Frequent events no step claims">
              {cover.unclaimed_events.slice(0, 10).map((e) => (
                <li key={e.event}>
                  {e.event} <span className="muted">{pct(e.share)} of units</span>{" "}
                  {!ro && <button type="button" className="mini" onClick={() => save([...events, { event: e.event, match: "exact", where: {} }])}>+ this step</button>}
                </li>
              ))}
            </ul>
          )}
        </details>
      )}
    </section>
  );
}

function FilterEditor({ matcher, cat, ro, index, onChange }: { matcher: EventMatcher; cat: Catalogue | null; ro: boolean; index: number; onChange: (where: Record<string, string>) => void }) {
  const entries = Object.entries(matcher.where);
  const props = cat?.properties ?? [];
  const put = (i: number, key: string, value: string) => {
    const next = entries.map(([k, v], j) => (j === i ? [key, value] : [k, v]));
    onChange(Object.fromEntries(next));
  };
  return (
    <div className="matcher-filters">
      {entries.map(([k, v], i) => {
        const listId = `values-${index}-${i}-${k}`;
        return (
          <div className="field-row" key={i}>
            <select aria-label={`Property ${i + 1} of event ${index + 1}`} value={k} disabled={ro} onChange={(e) => put(i, e.target.value, v)}>
              {[k, ...props.map((p) => p.name).filter((p) => p !== k)].map((p) => (
                <option key={p} value={p}>{p}</option>
              ))}
            </select>
            <span>=</span>
            <input
              aria-label={`Value of ${k}`}
              list={listId}
              key={v}
              defaultValue={v}
              readOnly={ro}
              onBlur={(e) => e.target.value !== v && put(i, k, e.target.value)}
              onKeyDown={(e) => e.key === "Enter" && (e.preventDefault(), e.currentTarget.blur())}
            />
            <datalist id={listId}>
              {(props.find((p) => p.name === k)?.values ?? []).map((x) => (
                <option key={x.value} value={x.value} />
              ))}
            </datalist>
            {!ro && (
              <button type="button" className="icon" aria-label={`Remove filter ${k}`} onClick={() => onChange(Object.fromEntries(entries.filter((_, j) => j !== i)))}>
                ×
              </button>
            )}
          </div>
        );
      })}
      {!ro && props.length > 0 && (
        <button type="button" className="mini" onClick={() => onChange({ ...matcher.where, [props.find((p) => !(p.name in matcher.where))?.name ?? props[0].name]: "" })}>
          + Filter
        </button>
      )}
    </div>
  );
}
