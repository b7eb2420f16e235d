// Small building blocks every page uses: notices, errors, dialogs, form fields, loading.
import {
  createContext, useCallback, useContext, useEffect, useRef, useState,
  type ReactNode, type InputHTMLAttributes, type TextareaHTMLAttributes,
} from "react";
import { ApiError } from "../api";

// --- notices (toasts) ---------------------------------------------------------------

export interface Notice { id: number; text: string; tone: "info" | "error" | "success"; action?: { label: string; run: () => void } }
const NoticeContext = createContext<(text: string, tone?: Notice["tone"], action?: Notice["action"]) => void>(() => {});

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(1);
  const notify = useCallback((text: string, tone: Notice["tone"] = "info", action?: Notice["action"]) => {
    const id = next.current++;
    setNotices((all) => [...all.slice(-3), { id, text, tone, action }]);
    window.setTimeout(() => setNotices((all) => all.filter((n) => n.id !== id)), tone === "error" ? 9000 : 4000);
  }, []);
  return (
    <NoticeContext.Provider value={notify}>
      {children}
      <div className="notices" role="status" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`notice notice-${n.tone}`}>
            <span>{n.text}</span>
            {n.action && (
              <button type="button" className="link" onClick={n.action.run}>
                {n.action.label}
              </button>
            )}
            <button type="button" className="icon" aria-label="Dismiss" onClick={() => setNotices((all) => all.filter((x) => x.id !== n.id))}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

/** `notify(text, tone?)` shows a short notice in the corner. */
export function useNotify() {
  return useContext(NoticeContext);
}

/** A readable sentence for any error, with the server's file:line diagnostics when it sent some. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const lines = error.diagnostics.slice(0, 5).map((d) => {
      const where = [d.file, d.line, d.column].filter((x) => x !== null && x !== undefined && x !== "").join(":");
      return (where ? where + ": " : "") + d.message + (d.hint ? ` (${d.hint})` : "");
    });
    return [error.message, ...lines].join("\n");
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error-message" role="alert">
      <pre>{errorText(error)}</pre>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading" role="progressbar" aria-label={label}>
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

// --- loading data ---------------------------------------------------------------------

export interface Async<T> { data: T | undefined; error: unknown; loading: boolean; reload: () => void; setData: (t: T) => void }

/** Runs `load` when `deps` change; `reload()` runs it again. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1), setData };
}

// --- dialogs and fields ------------------------------------------------------------------

/** A modal dialog (the native <dialog>): Escape and the close button close it. */
export function Dialog({ open, title, onClose, children, wide }: { open: boolean; title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className={wide ? "dialog wide" : "dialog"} onClose={onClose} aria-label={title}>
      <header className="dialog-header">
        <h2>{title}</h2>
        <button type="button" className="icon" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="dialog-body">{open && children}</div>
    </dialog>
  );
}

export function Field({ label, hint, ...input }: { label: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input {...input} />
      {hint && <span className="field-hint">{hint}</span>}
    </label>
  );
}

export function TextArea({ label, hint, ...input }: { label: string; hint?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <textarea {...input} />
      {hint && <span className="field-hint">{hint}</span>}
    </label>
  );
}

export function Select<T extends string>({ label, value, options, onChange, hint }: { label: string; value: T; options: readonly (readonly [T, string])[]; onChange: (v: T) => void; hint?: string }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
      {hint && <span className="field-hint">{hint}</span>}
    </label>
  );
}

/** Words for the model's enum values, used wherever they are shown. */
export const LABELS: Record<string, string> = {
  action: "Action", question: "Question", decision: "Decision",
  frontstage: "Frontstage", backstage: "Backstage",
  trivial: "Trivial", workaround: "Workaround", abandon: "Abandon",
  low: "Low", medium: "Medium", high: "High",
  xs: "XS", s: "S", m: "M", l: "L", xl: "XL",
  current_state: "Current state", future_state: "Future state", day_in_the_life: "Day in the life", service_blueprint: "Service blueprint",
  hypothesis: "Hypothesis", validated: "Validated",
  idea: "Idea", planned: "Planned", in_progress: "In progress", done: "Done",
  owner: "Owner", editor: "Editor", commenter: "Commenter", viewer: "Viewer",
  actions: "Actions", touchpoints: "Touchpoints", channels: "Channels", thinks: "Thinks", feels: "Feels",
  sentiment: "Sentiment", pain_points: "Pain points", opportunities: "Opportunities", metrics: "Metrics", images: "Images", notes: "Notes",
  high_level: "High level", detailed: "Detailed",
};
export function label(value: string | null | undefined): string {
  if (!value) return "";
  return LABELS[value] ?? value.replace(/_/g, " ");
}

/** "3 minutes ago"-style time for lists. */
export function ago(iso: string): string {
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (seconds < 60) return "just now";
  const units: [number, string][] = [[60, "minute"], [3600, "hour"], [86400, "day"], [604800, "week"], [2629800, "month"], [31557600, "year"]];
  let unit = units[0];
  for (const u of units) if (seconds >= u[0]) unit = u;
  const n = Math.floor(seconds / unit[0]);
  return `${n} ${unit[1]}${n === 1 ? "" : "s"} ago`;
}
