// Run an event analysis on a source as a job: choose the analysis, fill its options (event
// names suggested from the source, properties from its columns), follow the progress bar,
// read the result as tables and bars.
import { useEffect, useId, useState } from "react";
import { api } from "../../api";
import { ErrorMessage } from "../../components/errors";
import { Loading, useAsync } from "../../components/loading";
import { useWorkspace } from "../../workspace";
import { AnalysisResult } from "./AnalysisResults";
import { eventPaths, type AnalysisInfo, type AnalysisOption, type EventSource } from "./eventsApi";
import { JobStatus, SourcePicker, firstReady, useJob } from "./jobs";

/** The analyses this page offers, in the order a team usually asks its questions. */
export const PAGE_ANALYSES = ["reach", "funnel", "transitions", "variants", "dwell", "loops", "attribution", "breakdown"] as const;

const TITLES: Record<string, string> = {
  reach: "Reach", funnel: "Funnel", transitions: "Transitions", variants: "Variants", dwell: "Time spent", loops: "Loops", attribution: "Attribution", breakdown: "Breakdown",
};

/** Options whose value is an event name (suggested from the source) or a property. */
const EVENT_OPTIONS = new Set(["conversion", "around"]);
const PROPERTY_OPTIONS = new Set(["breakdown", "by", "touchpoint"]);

const LABELS: Record<string, string> = {
  steps: "Steps, in order", window: "Conversion window", mode: "Order", first_only: "Only each unit's first entry",
  exclude: "Exclusion events", breakdown: "Break down by", breakdown_limit: "Values shown by name", by: "Property",
  limit: "Values shown by name", conversion: "Conversion event", touchpoint: "Touchpoint property", lookback: "Lookback",
  half_life: "Half-life (time decay)", collapse_loops: "Count repeats as one", start_end: "Show start and end",
  top: "Keep the top", collapse: "Collapse repeats", max_steps: "Cut paths after",
};

/** The event names of a source, most reached first (from a reach job's result). */
export function useEventNames(workspaceId: string, sourceId: string): { names: string[]; reach: ReturnType<typeof useJob> } {
  const reach = useJob(workspaceId);
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    setNames([]);
    if (!sourceId) return;
    reach.run({ analysis: "reach", source: sourceId }).then((job) => {
      const events = (job?.result?.events ?? []) as { event: string }[];
      setNames(events.map((e) => e.event));
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workspaceId, sourceId]);
  return { names, reach };
}

export function AnalysesView({ sources, base }: { sources: EventSource[]; base: string }) {
  const { state } = useWorkspace();
  const ws = state.id;
  const catalogue = useAsync(async () => (await api.get<{ analyses: AnalysisInfo[] }>(eventPaths.analyses(ws))).data.analyses, [ws]);
  const [sourceId, setSourceId] = useState(firstReady(sources));
  useEffect(() => {
    if (!sources.some((s) => s.id === sourceId && s.status === "ready")) setSourceId(firstReady(sources));
  }, [sources, sourceId]);
  const source = sources.find((s) => s.id === sourceId);
  const { names, reach } = useEventNames(ws, sourceId);
  const [analysis, setAnalysis] = useState<string>("reach");
  const [values, setValues] = useState<Record<string, Record<string, unknown>>>({});
  const run = useJob(ws);
  const listId = useId();
  const propsId = useId();

  const info = catalogue.data?.find((a) => a.name === analysis);
  const own = values[analysis] ?? {};
  const set = (key: string, value: unknown) => setValues({ ...values, [analysis]: { ...own, [key]: value } });

  if (catalogue.error) return <ErrorMessage error={catalogue.error} onRetry={catalogue.reload} />;
  if (!catalogue.data) return <Loading />;
  const shown = run.job ?? (analysis === "reach" ? reach.job : null);
  const shownRun = run.job ? run : analysis === "reach" ? reach : run;

  return (
    <section aria-labelledby="ev-analyses-title">
      <h2 id="ev-analyses-title">Analyses</h2>
      <SourcePicker sources={sources} value={sourceId} onChange={(id) => { setSourceId(id); run.reset(); }} base={base} />
      {source && (
        <>
          <div className="ev-switch" role="tablist" aria-label="Analysis">
            {PAGE_ANALYSES.map((name) => (
              <button key={name} type="button" role="tab" aria-selected={analysis === name} className={analysis === name ? "on" : ""} onClick={() => { setAnalysis(name); run.reset(); }}>
                {TITLES[name]}
              </button>
            ))}
          </div>
          {info && <p className="muted">{info.summary}</p>}
          <datalist id={listId}>{names.map((n) => <option key={n} value={n} />)}</datalist>
          <datalist id={propsId}>{source.properties.map((p) => <option key={p} value={p} />)}</datalist>
          <form
            className="ev-options"
            onSubmit={async (e) => {
              e.preventDefault();
              if (!info) return;
              await run.run({ analysis, source: sourceId, options: optionsToSend(info, own) });
            }}
          >
            {analysis === "funnel" && <StepsField steps={(own.steps as string[] | undefined) ?? ["", ""]} onChange={(s) => set("steps", s)} listId={listId} />}
            {info?.options.filter((o) => o.name !== "steps").map((o) => (
              <OptionField key={o.name} option={o} value={own[o.name]} onChange={(v) => set(o.name, v)} listId={EVENT_OPTIONS.has(o.name) ? listId : PROPERTY_OPTIONS.has(o.name) ? propsId : undefined} />
            ))}
            <div className="dialog-actions">
              <button type="submit" className="primary" disabled={run.running}>{run.running ? "Running…" : `Run ${TITLES[analysis].toLowerCase()}`}</button>
            </div>
          </form>
          <JobStatus run={shownRun as ReturnType<typeof useJob<unknown>>} />
          {shown?.state === "done" && shown.result && shown.analysis === analysis && <AnalysisResult analysis={analysis} result={shown.result as Record<string, unknown>} />}
        </>
      )}
    </section>
  );
}

/** What the form holds, as the job's options: empty fields left to the defaults. */
export function optionsToSend(info: AnalysisInfo, own: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of info.options) {
    const v = own[o.name];
    if (v === undefined || v === "" || v === null) continue;
    if (o.name === "steps" && Array.isArray(v)) {
      const steps = v.map((s) => String(s).trim()).filter(Boolean);
      if (steps.length) out.steps = steps.join(",");
      continue;
    }
    if (o.type === "integer") out[o.name] = Math.round(Number(v));
    else if (o.type === "number") out[o.name] = Number(v);
    else if (o.type === "array") out[o.name] = String(v).split(",").map((x) => x.trim()).filter(Boolean);
    else out[o.name] = v;
  }
  return out;
}

function StepsField({ steps, onChange, listId }: { steps: string[]; onChange: (s: string[]) => void; listId: string }) {
  return (
    <fieldset className="ev-steps">
      <legend>Steps, in order</legend>
      <p className="field-hint">An event name; several for one step with <code>|</code> (<code>Viewed|Opened</code>); a property filter as <code>Paid[plan=pro]</code>; a step that may be skipped starts with <code>?</code>.</p>
      <ol>
        {steps.map((s, i) => (
          <li key={i}>
            <input aria-label={`Step ${i + 1}`} list={listId} value={s} maxLength={500} onChange={(e) => onChange(steps.map((x, j) => (j === i ? e.target.value : x)))} />
            {steps.length > 2 && <button type="button" className="icon" aria-label={`Remove step ${i + 1}`} onClick={() => onChange(steps.filter((_, j) => j !== i))}>×</button>}
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => onChange([...steps, ""])}>Add a step</button>
    </fieldset>
  );
}

function OptionField({ option, value, onChange, listId }: { option: AnalysisOption; value: unknown; onChange: (v: unknown) => void; listId?: string }) {
  const text = LABELS[option.name] ?? option.name.replace(/_/g, " ");
  if (option.type === "boolean") {
    const checked = value === undefined ? Boolean(option.default) : Boolean(value);
    return (
      <label className="check" title={option.help}>
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {text}
      </label>
    );
  }
  if (option.name === "mode") {
    return (
      <label className="field">
        <span className="field-label">{text}</span>
        <select value={String(value ?? option.default)} onChange={(e) => onChange(e.target.value)}>
          <option value="ordered">In order, other events between allowed</option>
          <option value="strict">In order, nothing between</option>
          <option value="unordered">Any order</option>
        </select>
      </label>
    );
  }
  const placeholder = option.default === null || option.default === undefined ? "" : Array.isArray(option.default) ? option.default.join(", ") : String(option.default);
  return (
    <label className="field">
      <span className="field-label">{text}{option.required && <span className="required" aria-hidden="true"> *</span>}</span>
      <input
        type={option.type === "integer" || option.type === "number" ? "number" : "text"}
        step={option.type === "number" ? "any" : undefined}
        list={listId}
        required={option.required}
        value={value === undefined || value === null ? "" : String(value)}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
      <span className="field-hint">{option.help}</span>
    </label>
  );
}
