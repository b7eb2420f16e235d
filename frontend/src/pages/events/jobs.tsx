// Running an analysis job from a page: start it, follow its progress, show the bar, keep
// the result; and the pickers every event page shares (source, map).
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { ErrorMessage } from "../../components/errors";
import type { MapSummaryRow } from "../../types";
import { followJob, jobError, startJob, type EventJob, type EventSource } from "./eventsApi";

export interface JobRun<R> {
  job: EventJob<R> | null;
  running: boolean;
  error: unknown;
  /** Start the analysis; resolves with the finished job (or null when it failed). */
  run: (body: { analysis: string; source: string; options?: Record<string, unknown>; map_id?: string | null }) => Promise<EventJob<R> | null>;
  reset: () => void;
}

/** One analysis at a time for a page section: its job, progress and result. */
export function useJob<R = Record<string, unknown>>(workspaceId: string): JobRun<R> {
  const [job, setJob] = useState<EventJob<R> | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  return {
    job,
    running,
    error,
    reset: () => {
      abort.current?.abort();
      setJob(null);
      setError(null);
      setRunning(false);
    },
    run: async (body) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      setError(null);
      setRunning(true);
      setJob(null);
      try {
        const started = (await startJob(workspaceId, body)) as EventJob<R>;
        setJob(started);
        const done = (await followJob(workspaceId, started as EventJob, (j) => !controller.signal.aborted && setJob(j as EventJob<R>), controller.signal)) as EventJob<R>;
        if (controller.signal.aborted) return null;
        setJob(done);
        if (done.state === "failed") {
          setError(jobError(done as EventJob));
          return null;
        }
        return done;
      } catch (e) {
        if (!controller.signal.aborted) setError(e);
        return null;
      } finally {
        if (!controller.signal.aborted) setRunning(false);
      }
    },
  };
}

/** A progress bar: a fraction (0 … 1) or, without one, an indeterminate stripe. */
export function ProgressBar({ fraction, label, detail }: { fraction: number | null; label: string; detail?: string }) {
  const pct = fraction === null ? undefined : Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div className="ev-progress">
      <div
        className={pct === undefined ? "ev-progress-track indeterminate" : "ev-progress-track"}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={detail}
      >
        <div className="ev-progress-fill" style={pct === undefined ? undefined : { width: `${pct}%` }} />
      </div>
      <span className="ev-progress-text">
        {label}
        {pct !== undefined && ` · ${pct}%`}
        {detail ? ` · ${detail}` : ""}
      </span>
    </div>
  );
}

/** The job's progress while it runs, its error when it failed, its warnings when done. */
export function JobStatus({ run }: { run: JobRun<unknown> }) {
  const { job, running, error } = run;
  return (
    <>
      {running && (
        <ProgressBar
          fraction={job?.state === "running" ? job.progress.fraction : job ? 0 : null}
          label={job?.state === "queued" ? "Waiting for a free slot" : "Analysing"}
          detail={job?.progress.message}
        />
      )}
      <ErrorMessage error={error} />
      {job?.state === "done" && job.warnings.length > 0 && (
        <details className="ev-warnings">
          <summary>{job.warnings.length === 1 ? "1 warning about the data" : `${job.warnings.length} warnings about the data`}</summary>
          <ul>{job.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </details>
      )}
    </>
  );
}

/** Choose one of the workspace's ready sources. */
export function SourcePicker({ sources, value, onChange, base }: { sources: EventSource[]; value: string; onChange: (id: string) => void; base: string }) {
  const ready = sources.filter((s) => s.status === "ready");
  if (ready.length === 0) {
    return (
      <p className="hint-box">
        No event data with events in it yet. <Link to={base}>Upload an export or set up a collector</Link> first.
      </p>
    );
  }
  return (
    <label className="field">
      <span className="field-label">Event source</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {ready.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} ({(s.events ?? 0).toLocaleString("en-US")} events)
          </option>
        ))}
      </select>
    </label>
  );
}

/** The first ready source, for a picker's starting value. */
export function firstReady(sources: EventSource[] | undefined): string {
  return sources?.find((s) => s.status === "ready")?.id ?? "";
}

export function MapPicker({ maps, value, onChange }: { maps: MapSummaryRow[]; value: string; onChange: (id: string) => void }) {
  return (
    <label className="field">
      <span className="field-label">Map</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {maps.map((m) => (
          <option key={m.id} value={m.id}>{m.name}</option>
        ))}
      </select>
    </label>
  );
}
