// Pieces the pages around the board share: headers, empty states, confirmations, list and
// key/value editors, fields that save themselves, downloads, avatars and persona cards.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from "react";
import { NavLink, Link } from "react-router-dom";
import { ApiError, request, type Reply, type RequestOptions } from "../api";
import { Dialog, ErrorMessage, errorText, label, useNotify } from "../components/ui";
import type { Persona, Segment } from "../types";
import "./pages.css";

// --- page furniture ----------------------------------------------------------------------------

/** The browser tab's title for a page. */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · Journeyline` : "Journeyline";
  }, [title]);
}

export function PageHeader({ title, subtitle, actions, crumbs }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; crumbs?: ReactNode }) {
  return (
    <header className="page-header">
      <div className="page-header-text">
        {crumbs && <nav className="crumbs" aria-label="Breadcrumb">{crumbs}</nav>}
        <h1>{title}</h1>
        {subtitle && <p className="page-subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function EmptyState({ icon, title, children, action }: { icon?: string; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state">
      {icon && <div className="empty-icon" aria-hidden="true">{icon}</div>}
      <h2>{title}</h2>
      {children && <div className="empty-text">{children}</div>}
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}

/** The tabs above a map's own pages: board, settings, history, present. */
export function MapTabs({ workspaceId, mapId, name }: { workspaceId: string; mapId: string; name: string }) {
  const base = `/w/${encodeURIComponent(workspaceId)}/maps/${encodeURIComponent(mapId)}`;
  return (
    <div className="map-tabs-bar">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={`/w/${encodeURIComponent(workspaceId)}`}>Maps</Link>
        <span aria-hidden="true"> / </span>
        <span className="crumb-current">{name}</span>
      </nav>
      <nav className="map-tabs" aria-label="Map">
        <NavLink to={base} end>Board</NavLink>
        <NavLink to={`${base}/settings`}>Settings</NavLink>
        <NavLink to={`${base}/history`}>History</NavLink>
        <Link to={`${base}/present`}>Present ▸</Link>
      </nav>
    </div>
  );
}

// --- confirmation ------------------------------------------------------------------------------

export function ConfirmDialog({
  open, title, children, confirmLabel, danger, onConfirm, onClose,
}: { open: boolean; title: string; children: ReactNode; confirmLabel: string; danger?: boolean; onConfirm: () => Promise<void> | void; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open) setError(null);
  }, [open]);
  return (
    <Dialog open={open} title={title} onClose={() => !busy && onClose()}>
      <div className="confirm-body">{children}</div>
      <ErrorMessage error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose} disabled={busy}>Cancel</button>
        <button
          type="button"
          className={danger ? "danger solid" : "primary"}
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await onConfirm();
              onClose();
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          {busy ? "Working…" : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

// --- saving documents --------------------------------------------------------------------------

export type SaveStatus = "idle" | "saving" | "saved" | "error";

/** True when a 409's list of what changed touches one of `fields` (under `prefix`). */
function conflictTouches(error: ApiError, prefix: string, fields: string[]): boolean {
  const changes = (error.details?.changes as { path?: string }[] | undefined) ?? null;
  if (!changes) return true;
  const base = prefix.replace(/\/$/, "");
  return changes.some((c) => {
    const path = c.path ?? "";
    if (base) {
      if (path === base) return true; // the element itself was added or removed
      if (!path.startsWith(base + "/")) return false; // a change somewhere else
    }
    const rest = base ? path.slice(base.length + 1) : path;
    return fields.some((f) => rest === f || rest.startsWith(f + "/"));
  });
}

/**
 * Saves changes to a versioned document one after another, each with If-Match. When someone
 * else changed *other* fields meanwhile, the change is re-sent on top of theirs (nothing of
 * theirs is overwritten); when they changed the same fields, nothing is saved and `onStale` runs.
 */
export function useSaver<T>({
  revision, send, prefix = "", onSaved, onStale, what,
}: {
  revision: number;
  send: (changes: Record<string, unknown>, revision: number) => Promise<Reply<T>>;
  prefix?: string;
  onSaved?: (reply: Reply<T>) => void;
  onStale?: () => void;
  what: string;
}) {
  const notify = useNotify();
  const rev = useRef(revision);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const pending = useRef(0);
  const [status, setStatus] = useState<SaveStatus>("idle");
  const [error, setError] = useState<unknown>(null);
  const latest = useRef({ send, onSaved, onStale, prefix, what });
  latest.current = { send, onSaved, onStale, prefix, what };
  useEffect(() => {
    if (revision > rev.current) rev.current = revision;
  }, [revision]);

  const save = useCallback(
    (changes: Record<string, unknown>): Promise<boolean> => {
      pending.current += 1;
      setStatus("saving");
      const run = async (): Promise<boolean> => {
        const { send: sendNow, onSaved: saved, onStale: stale, prefix: pre, what: name } = latest.current;
        try {
          let reply: Reply<T>;
          try {
            reply = await sendNow(changes, rev.current);
          } catch (e) {
            const current = e instanceof ApiError ? e.details?.current_revision : undefined;
            if (e instanceof ApiError && e.status === 409 && typeof current === "number" && !conflictTouches(e, pre, Object.keys(changes))) {
              rev.current = current;
              reply = await sendNow(changes, rev.current);
            } else throw e;
          }
          if (reply.etag !== null && !Number.isNaN(reply.etag)) rev.current = reply.etag;
          saved?.(reply);
          pending.current -= 1;
          if (pending.current === 0) setStatus("saved");
          setError(null);
          return true;
        } catch (e) {
          pending.current -= 1;
          setStatus("error");
          setError(e);
          if (e instanceof ApiError && e.status === 409) {
            notify(`Someone else changed ${name} at the same time, so your last change was not saved. The latest version is shown now: make your change again.`, "error");
            stale?.();
          } else {
            notify(`Not saved: ${errorText(e)}`, "error");
          }
          return false;
        }
      };
      const next = queue.current.then(run, run);
      queue.current = next;
      return next;
    },
    [notify],
  );
  return { save, status, error, revision: rev };
}

export function SaveIndicator({ status }: { status: SaveStatus }) {
  const text = { idle: "Changes save automatically", saving: "Saving…", saved: "All changes saved", error: "Not saved" }[status];
  return (
    <span className={`save-indicator save-${status}`} role="status" aria-live="polite">
      {status === "saving" ? <span className="spinner small" aria-hidden="true" /> : status === "saved" ? <span aria-hidden="true">✓</span> : status === "error" ? <span aria-hidden="true">!</span> : null}
      {text}
    </span>
  );
}

// --- fields that save themselves --------------------------------------------------------------

/** Holds its own draft while focused; follows `value` otherwise. */
function useDraft<T>(value: T): [T, (t: T) => void, { onFocus: () => void; onBlurDone: () => void }] {
  const [draft, setDraft] = useState(value);
  const focused = useRef(false);
  const key = JSON.stringify(value);
  useEffect(() => {
    if (!focused.current) setDraft(value);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return [draft, setDraft, { onFocus: () => (focused.current = true), onBlurDone: () => (focused.current = false) }];
}

/** A text field that saves on blur (and on Enter, for one-line fields). Empty means null. */
export function AutoText({
  label: text, value, onSave, multiline, hint, readOnly, type = "text", placeholder, required, maxLength, rows,
}: {
  label: string; value: string | null; onSave: (v: string | null) => void; multiline?: boolean; hint?: string;
  readOnly?: boolean; type?: string; placeholder?: string; required?: boolean; maxLength?: number; rows?: number;
}) {
  const [draft, setDraft, focus] = useDraft(value ?? "");
  const id = useId();
  if (readOnly) {
    return (
      <div className="field">
        <span className="field-label">{text}</span>
        {value ? <p className={multiline ? "read-value multiline" : "read-value"}>{value}</p> : <span className="muted">—</span>}
      </div>
    );
  }
  const commit = () => {
    focus.onBlurDone();
    const next = draft.trim();
    if (next === (value ?? "").trim()) return;
    if (required && !next) {
      setDraft(value ?? "");
      return;
    }
    onSave(next === "" ? null : next);
  };
  const common = {
    id,
    "aria-describedby": hint ? `${id}-hint` : undefined,
    value: draft,
    placeholder,
    maxLength,
    onFocus: focus.onFocus,
    onBlur: commit,
  };
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>{text}{required && <span className="required" aria-hidden="true"> *</span>}</label>
      {multiline ? (
        <textarea {...common} rows={rows ?? 3} onChange={(e) => setDraft(e.target.value)} />
      ) : (
        <input
          {...common}
          type={type}
          required={required}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") (e.target as HTMLInputElement).blur();
            if (e.key === "Escape") {
              setDraft(value ?? "");
            }
          }}
        />
      )}
      {hint && <span className="field-hint" id={`${id}-hint`}>{hint}</span>}
    </div>
  );
}

/** A labelled control with a hint that is its description, not part of its name. */
export function FieldBox({ label: text, hint, children }: { label: ReactNode; hint?: ReactNode; children: (props: { id: string; "aria-describedby"?: string }) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>{text}</label>
      {children({ id, "aria-describedby": hint ? `${id}-hint` : undefined })}
      {hint && <span className="field-hint" id={`${id}-hint`}>{hint}</span>}
    </div>
  );
}

/** An editable list of short texts: add, change, remove and reorder; each change is saved. */
export function ListEditor({
  label: text, items, onSave, readOnly, itemLabel, placeholder, hint,
}: { label: string; items: string[]; onSave: (items: string[]) => void; readOnly?: boolean; itemLabel: string; placeholder?: string; hint?: string }) {
  const [draft, setDraft, focus] = useDraft(items);
  const [adding, setAdding] = useState("");
  const id = useId();
  const commit = (next: string[]) => {
    const clean = next.map((s) => s.trim()).filter(Boolean);
    setDraft(clean);
    if (JSON.stringify(clean) !== JSON.stringify(items)) onSave(clean);
  };
  const add = () => {
    const v = adding.trim();
    if (!v) return;
    commit([...draft, v]);
    setAdding("");
  };
  if (readOnly) {
    return (
      <div className="field">
        <span className="field-label">{text}</span>
        {items.length ? <ul className="plain-list">{items.map((s, i) => <li key={i}>{s}</li>)}</ul> : <span className="muted">None yet</span>}
      </div>
    );
  }
  return (
    <fieldset className="field list-editor">
      <legend className="field-label">{text}</legend>
      {hint && <span className="field-hint">{hint}</span>}
      {draft.length > 0 && (
        <ol className="list-editor-items">
          {draft.map((item, i) => (
            <li key={i}>
              <textarea
                rows={1}
                aria-label={`${itemLabel} ${i + 1}`}
                value={item}
                onFocus={focus.onFocus}
                onChange={(e) => setDraft(draft.map((x, j) => (j === i ? e.target.value.replace(/\n/g, " ") : x)))}
                onBlur={() => {
                  focus.onBlurDone();
                  commit(draft);
                }}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    (e.target as HTMLTextAreaElement).blur();
                  }
                }}
              />
              <button type="button" className="icon" aria-label={`Move up: ${item}`} title="Move up" disabled={i === 0} onClick={() => commit(swap(draft, i, i - 1))}>↑</button>
              <button type="button" className="icon" aria-label={`Move down: ${item}`} title="Move down" disabled={i === draft.length - 1} onClick={() => commit(swap(draft, i, i + 1))}>↓</button>
              <button type="button" className="icon remove" aria-label={`Remove: ${item}`} title="Remove" onClick={() => commit(draft.filter((_, j) => j !== i))}>×</button>
            </li>
          ))}
        </ol>
      )}
      <div className="list-editor-add">
        <input
          id={id}
          aria-label={`New ${itemLabel.toLowerCase()}`}
          placeholder={placeholder ?? `Add ${itemLabel.toLowerCase()}…`}
          value={adding}
          onChange={(e) => setAdding(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" onClick={add} disabled={!adding.trim()}>Add</button>
      </div>
    </fieldset>
  );
}

export function swap<T>(list: T[], a: number, b: number): T[] {
  const next = [...list];
  [next[a], next[b]] = [next[b], next[a]];
  return next;
}

/** Label: value pairs (a persona's demographics). */
export function KeyValueEditor({ label: text, value, onSave, readOnly }: { label: string; value: Record<string, string>; onSave: (v: Record<string, string>) => void; readOnly?: boolean }) {
  const pairs = Object.entries(value);
  const [draft, setDraft, focus] = useDraft(pairs);
  const [k, setK] = useState("");
  const [v, setV] = useState("");
  const commit = (next: [string, string][]) => {
    const out: Record<string, string> = {};
    for (const [key, val] of next) if (key.trim()) out[key.trim()] = val.trim();
    setDraft(Object.entries(out));
    if (JSON.stringify(out) !== JSON.stringify(value)) onSave(out);
  };
  if (readOnly) {
    return (
      <div className="field">
        <span className="field-label">{text}</span>
        {pairs.length ? (
          <dl className="kv-list">{pairs.map(([a, b]) => <div key={a}><dt>{a}</dt><dd>{b}</dd></div>)}</dl>
        ) : <span className="muted">None yet</span>}
      </div>
    );
  }
  const blur = () => {
    focus.onBlurDone();
    commit(draft);
  };
  return (
    <fieldset className="field kv-editor">
      <legend className="field-label">{text}</legend>
      {draft.map(([key, val], i) => (
        <div className="kv-row" key={i}>
          <input aria-label={`Label ${i + 1}`} value={key} onFocus={focus.onFocus} onBlur={blur} onChange={(e) => setDraft(draft.map((p, j) => (j === i ? [e.target.value, p[1]] : p)))} />
          <input aria-label={`${key || "Value"} (value)`} value={val} onFocus={focus.onFocus} onBlur={blur} onChange={(e) => setDraft(draft.map((p, j) => (j === i ? [p[0], e.target.value] : p)))} />
          <button type="button" className="icon remove" aria-label={`Remove: ${key}`} onClick={() => commit(draft.filter((_, j) => j !== i))}>×</button>
        </div>
      ))}
      <div className="kv-row">
        <input aria-label="New detail label" placeholder="Label, e.g. Age" value={k} onChange={(e) => setK(e.target.value)} />
        <input
          aria-label="New detail value"
          placeholder="Value, e.g. 34"
          value={v}
          onChange={(e) => setV(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && k.trim()) {
              e.preventDefault();
              commit([...draft, [k, v]]);
              setK("");
              setV("");
            }
          }}
        />
        <button
          type="button"
          disabled={!k.trim()}
          onClick={() => {
            commit([...draft, [k, v]]);
            setK("");
            setV("");
          }}
        >
          Add
        </button>
      </div>
    </fieldset>
  );
}

// --- downloads ---------------------------------------------------------------------------------

function filenameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = disposition.match(/filename\*=(?:UTF-8'')?([^;]+)/i);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      /* fall through */
    }
  }
  const plain = disposition.match(/filename="?([^";]+)"?/i);
  return plain ? plain[1] : null;
}

/** Fetches a file from the API and hands it to the browser as a download; returns its name. */
export async function download(path: string, query: RequestOptions["query"], fallbackName: string): Promise<string> {
  const reply = await request(path, { query, raw: true, headers: { Accept: "*/*" } });
  const blob = await reply.response.blob();
  const name = filenameFrom(reply.response.headers.get("Content-Disposition")) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return name;
}

/** Puts text on the clipboard; falls back to selecting it in `input`. */
export async function copyText(text: string, input?: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (input) {
      input.focus();
      input.select();
      try {
        return document.execCommand("copy");
      } catch {
        return false;
      }
    }
    return false;
  }
}

/** A secret shown once: a read-only input with a Copy button. */
export function SecretBox({ label: text, value, note, autoFocus = true }: { label: string; value: string; note?: ReactNode; autoFocus?: boolean }) {
  const ref = useRef<HTMLInputElement>(null);
  const id = useId();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!autoFocus || !ref.current) return;
    ref.current.focus();
    ref.current.select();
    ref.current.scrollIntoView({ block: "nearest" });
  }, [value, autoFocus]);
  return (
    <div className="secret-box">
      <div className="field">
        <label className="field-label" htmlFor={id}>{text}</label>
        <div className="secret-row">
          <input id={id} ref={ref} readOnly value={value} onFocus={(e) => e.target.select()} aria-describedby={note ? `${id}-note` : undefined} />
          <button
            type="button"
            className="primary"
            onClick={async () => {
              const ok = await copyText(value, ref.current);
              setCopied(ok);
              if (ok) window.setTimeout(() => setCopied(false), 2500);
            }}
          >
            {copied ? "Copied ✓" : "Copy"}
          </button>
        </div>
      </div>
      {note && <p className="field-hint" id={`${id}-note`}>{note}</p>}
    </div>
  );
}

// --- avatars and persona cards ----------------------------------------------------------------

/** The avatar as an image address, when it is one we show: data:image, https or a relative path. */
export function imageSource(avatar: string | null | undefined): string | null {
  if (!avatar) return null;
  const s = avatar.trim();
  if (/^data:image\/(png|jpe?g|gif|webp|svg\+xml|avif)[;,]/i.test(s)) return s;
  if (/^https:\/\/[^\s]+$/i.test(s)) return s;
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(s);
  if (!hasScheme && !s.startsWith("//") && !/\s/.test(s) && /\.(png|jpe?g|gif|webp|svg|avif)$/i.test(s)) return s;
  return null;
}

function initials(name: string): string {
  const words = name.replace(/\bthe\b/gi, " ").split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? "?") + (words.length > 1 ? words[words.length - 1][0] : "")).toUpperCase();
}

/** A short avatar that is no image address is shown as text (an emoji); anything else as initials. */
export function Avatar({ persona, size = "md" }: { persona: Pick<Persona, "name" | "avatar">; size?: "sm" | "md" | "lg" | "xl" }) {
  const src = imageSource(persona.avatar);
  const [broken, setBroken] = useState(false);
  const text = persona.avatar?.trim() ?? "";
  const emoji = !src && text && [...text].length <= 4 && !/[a-z0-9]/i.test(text);
  return (
    <span className={`avatar avatar-${size}`} aria-hidden="true">
      {src && !broken ? <img src={src} alt="" onError={() => setBroken(true)} /> : emoji ? <span className="avatar-emoji">{text}</span> : <span className="avatar-initials">{initials(persona.name)}</span>}
    </span>
  );
}

export function PersonaCard({ persona, segment, to, compact }: { persona: Persona; segment?: Segment | null; to?: string; compact?: boolean }) {
  const body = (
    <>
      <Avatar persona={persona} size={compact ? "md" : "lg"} />
      <div className="persona-card-text">
        <span className="persona-card-name">{persona.name}</span>
        {persona.role && <span className="persona-card-role">{persona.role}</span>}
        {segment && <span className="badge">{segment.name}</span>}
        {!compact && persona.quote && <q className="persona-card-quote">{persona.quote}</q>}
      </div>
    </>
  );
  return to ? <Link to={to} className="persona-card card-link">{body}</Link> : <div className="persona-card">{body}</div>;
}

// --- small helpers -------------------------------------------------------------------------------

export function longDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso.length === 10 ? iso + "T00:00:00" : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export const MAP_TYPES = [
  ["current_state", "Current state (AS-IS)"],
  ["future_state", "Future state (TO-BE)"],
  ["day_in_the_life", "Day in the life"],
  ["service_blueprint", "Service blueprint"],
] as const;

export const MAP_STATUSES = [
  ["hypothesis", "Hypothesis"],
  ["validated", "Validated"],
] as const;

export function TypeBadge({ type }: { type: string | null | undefined }) {
  if (!type) return null;
  return <span className={`badge type-${type}`}>{label(type)}</span>;
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return null;
  return <span className={`badge status-${status}`}>{status === "validated" ? "✓ " : ""}{label(status)}</span>;
}
