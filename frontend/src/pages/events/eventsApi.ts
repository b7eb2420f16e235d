// The event-data API (docs/api.md, "Event sources" and "Event analyses"): sources, uploads
// with progress, analyses as jobs polled until they finish, and the words the pages use.
import { ApiError, api, csrfToken, type Diagnostic } from "../../api";

/** The fields of a file a source was read with (events.sources.fields_used). */
export interface SourceFields { unit: string; unit_fallback: string | null; event: string; time: string; time_unit: string; session: string | null }

/** One event source as the API lists it (events.sources.EventSource.to_dict). */
export interface EventSource {
  id: string; workspace_id: string; name: string;
  kind: "upload" | "path" | "url" | "postgres" | "collector";
  status: "ready" | "empty" | "failed";
  preset: string | null; options: Record<string, string>;
  units: number | null; events: number | null; event_names: number | null;
  period_start: string | null; period_end: string | null;
  refreshed_at: string | null; created_at: string | null;
  warnings: string[]; error: string | null; location: string | null; properties: string[];
  fields?: SourceFields | null;
  collector?: { endpoint: string; write_key?: string };
}

export interface WriteKey { write_key: string; endpoint: string; api_host: string }

/** What an analysis takes, from GET …/events/analyses. */
export interface AnalysisOption { name: string; type: "string" | "integer" | "number" | "boolean" | "array"; default: unknown; required: boolean; help: string }
export interface AnalysisInfo { name: string; summary: string; needs_map: boolean; options: AnalysisOption[] }

export type JobState = "queued" | "running" | "done" | "failed";
/** A job's record (web.jobs): its state, progress, and once done its result. */
export interface EventJob<R = Record<string, unknown>> {
  id: string; workspace: string; analysis: string; source: string; map: string | null;
  options: Record<string, unknown>; state: JobState;
  progress: { fraction: number; message: string };
  created: string; started: string | null; finished: string | null;
  warnings: string[]; result: R | null;
  error: { status: number; type: string; message: string; diagnostics?: Diagnostic[]; details?: Record<string, unknown> } | null;
}

const enc = encodeURIComponent;

export const eventPaths = {
  sources: (w: string) => `/api/workspaces/${enc(w)}/event-sources`,
  source: (w: string, s: string) => `/api/workspaces/${enc(w)}/event-sources/${enc(s)}`,
  upload: (w: string) => `/api/workspaces/${enc(w)}/event-sources/upload`,
  refresh: (w: string, s: string) => `/api/workspaces/${enc(w)}/event-sources/${enc(s)}/refresh`,
  writeKey: (w: string, s: string) => `/api/workspaces/${enc(w)}/event-sources/${enc(s)}/write-key`,
  analyses: (w: string) => `/api/workspaces/${enc(w)}/events/analyses`,
  jobs: (w: string) => `/api/workspaces/${enc(w)}/events/jobs`,
  job: (w: string, j: string) => `/api/workspaces/${enc(w)}/events/jobs/${enc(j)}`,
  pathsSvg: (w: string, j: string) => `/api/workspaces/${enc(w)}/events/jobs/${enc(j)}/paths.svg`,
};

/** The vendors an upload can be read as (the CLI's --preset), with the words the page uses. */
export const PRESETS: readonly (readonly [string, string])[] = [
  ["", "Detect from the file"],
  ["mixpanel", "Mixpanel raw export"],
  ["segment", "Segment (track, page, screen, identify)"],
  ["amplitude", "Amplitude export"],
  ["ga4", "Google Analytics 4 (BigQuery export)"],
  ["generic", "Generic table (user_id, event, timestamp)"],
  ["xes", "XES event log"],
];

export function presetName(preset: string | null | undefined): string {
  const names: Record<string, string> = { mixpanel: "Mixpanel", segment: "Segment", amplitude: "Amplitude", ga4: "GA4", generic: "Generic table", xes: "XES" };
  return preset ? names[preset] ?? preset : "—";
}

export function kindName(kind: EventSource["kind"]): string {
  return { upload: "Uploaded file", path: "Server file", url: "URL", postgres: "PostgreSQL table", collector: "Collector" }[kind] ?? kind;
}

/** Phases of an upload the page shows: the bytes going up, then the server reading them. */
export type UploadPhase = { phase: "uploading"; loaded: number; total: number } | { phase: "processing" };

/**
 * Upload an event file as a new source, reporting the bytes sent and then the server's
 * conversion (XMLHttpRequest: fetch cannot report upload progress). Rejects with ApiError.
 */
export function uploadSource(
  workspaceId: string,
  file: File,
  form: { name?: string; options?: Record<string, string> },
  onProgress: (p: UploadPhase) => void,
): Promise<EventSource> {
  const body = new FormData();
  body.append("file", file, file.name);
  if (form.name) body.append("name", form.name);
  const options = Object.fromEntries(Object.entries(form.options ?? {}).filter(([, v]) => v));
  if (Object.keys(options).length) body.append("options", JSON.stringify(options));
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", eventPaths.upload(workspaceId));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => onProgress({ phase: "uploading", loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.upload.onload = () => onProgress({ phase: "processing" });
    xhr.onerror = () => reject(new ApiError(0, "NetworkError", "The upload did not reach the server. Check that Journeyline is still running, then try again."));
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: the status says what happened */
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data as EventSource);
        return;
      }
      const e = (data as { error?: EventJob["error"] } | null)?.error;
      reject(new ApiError(xhr.status, e?.type ?? "HTTPError", e?.message ?? `${xhr.status} ${xhr.statusText}`, e?.diagnostics ?? [], e?.details ?? null));
    };
    xhr.send(body);
  });
}

/** The error of a failed job, as the API would have answered it. */
export function jobError(job: EventJob): ApiError {
  const e = job.error;
  return new ApiError(e?.status ?? 500, e?.type ?? "JobFailed", e?.message ?? "The analysis failed.", e?.diagnostics ?? [], e?.details ?? null);
}

/** Start an analysis job; its first record (state queued). */
export async function startJob(workspaceId: string, body: { analysis: string; source: string; options?: Record<string, unknown>; map_id?: string | null }): Promise<EventJob> {
  return (await api.post<EventJob>(eventPaths.jobs(workspaceId), { options: {}, ...body })).data;
}

/**
 * Follow a job until it is done or failed, calling `onUpdate` with each record; resolves
 * with the last one. `signal` stops following (the job itself runs on).
 */
export async function followJob(workspaceId: string, job: EventJob, onUpdate: (job: EventJob) => void, signal?: AbortSignal): Promise<EventJob> {
  let current = job;
  let wait = 150;
  while (current.state === "queued" || current.state === "running") {
    await new Promise((r) => window.setTimeout(r, wait));
    if (signal?.aborted) return current;
    current = (await api.get<EventJob>(eventPaths.job(workspaceId, job.id))).data;
    onUpdate(current);
    wait = Math.min(wait * 1.5, 1000);
  }
  return current;
}

/** The Segment snippets that send events to a collector source. */
export function collectorSnippets(key: WriteKey): { label: string; code: string }[] {
  const url = new URL(key.api_host);
  const apiHost = `${url.host}${url.pathname.replace(/\/$/, "")}/v1`;
  const protocol = url.protocol.replace(":", "");
  return [
    {
      label: "Website (Segment analytics.js)",
      code: `analytics.load(${JSON.stringify(key.write_key)}, {\n  integrations: {\n    "Segment.io": { apiHost: ${JSON.stringify(apiHost)}, protocol: ${JSON.stringify(protocol)} }\n  }\n});`,
    },
    {
      label: "Server (Segment analytics-python)",
      code: `import segment.analytics as analytics\nanalytics.write_key = ${JSON.stringify(key.write_key)}\nanalytics.host = ${JSON.stringify(key.api_host)}\nanalytics.track("user-1", "Signed Up", {"plan": "pro"})`,
    },
    {
      label: "Any HTTP client (curl)",
      code: `curl -u ${shellQuote(key.write_key + ":")} -H "Content-Type: application/json" \\\n  -d '{"batch": [{"type": "track", "userId": "user-1", "event": "Signed Up"}]}' \\\n  ${shellQuote(key.endpoint)}`,
    },
  ];
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_:/.@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** "2 h 5 min", "45 s", "3.2 d": a duration in seconds as people read it. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  const s = Math.abs(seconds);
  if (s < 1) return `${Math.round(seconds * 1000)} ms`;
  if (s < 90) return `${Math.round(seconds)} s`;
  if (s < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (s < 36 * 3600) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s - h * 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  return `${(seconds / 86400).toFixed(1)} d`;
}

/** A share (0 … 1) as a percentage with one decimal where it matters. */
export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined || Number.isNaN(share)) return "—";
  const p = share * 100;
  return `${p >= 10 || p === 0 || p === 100 ? Math.round(p) : p.toFixed(1)}%`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : n.toLocaleString("en-US");
}

/** Bytes as "12.3 MB". */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** A step's event matchers written as an anchor or funnel step: `a|b`, `glob*`, `/re/`, `name[k=v]`. */
export function matchersText(matchers: { event: string; match?: string; where?: Record<string, string> }[]): string {
  return matchers
    .map((m) => {
      const head = m.match === "regex" ? `/${m.event}/` : m.event;
      const where = Object.entries(m.where ?? {}).map(([k, v]) => `[${k}=${v}]`).join("");
      return head + where;
    })
    .join("|");
}
