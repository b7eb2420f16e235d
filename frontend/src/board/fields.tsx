// Form fields for the side panel that save themselves: text saves when you leave the field or
// press Enter (Ctrl+Enter in a long text), choices save at once. No save button anywhere.
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { mergeText } from "./textMerge";

interface TextProps {
  label: string;
  value: string | null | undefined;
  onCommit: (value: string | null) => void;
  multiline?: boolean;
  required?: boolean;
  readOnly?: boolean;
  hint?: string;
  placeholder?: string;
  list?: string;
  autoFocus?: boolean;
  rows?: number;
  inputMode?: "text" | "decimal" | "url";
}

/** A text field that saves on leaving it (or Enter); Escape puts the saved text back. */
export function TextField({ label, value, onCommit, multiline, required, readOnly, hint, placeholder, list, autoFocus, rows = 3, inputMode }: TextProps) {
  const saved = value ?? "";
  const [draft, setDraft] = useState(saved);
  const [focused, setFocused] = useState(false);
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  // base: the text when typing began; what others saved meanwhile is merged in on saving.
  const live = useRef({ draft, saved, dirty: false, onCommit, base: saved });
  live.current = { ...live.current, draft, saved, onCommit };
  const id = useId();
  useEffect(() => {
    if (!focused) setDraft(saved);
  }, [saved, focused]);
  useLayoutEffect(() => {
    if (autoFocus && ref.current) {
      ref.current.focus();
      ref.current.select();
    }
  }, [autoFocus]);
  const commit = () => {
    const { draft: d, saved: s } = live.current;
    live.current.dirty = false;
    const text = d.trim();
    if (required && !text) {
      setDraft(s);
      return;
    }
    const merged = mergeText(live.current.base.trim(), text, s.trim());
    live.current.base = merged;
    if (merged !== text) setDraft(merged);
    if (merged !== s.trim()) live.current.onCommit(merged ? merged : null);
  };
  // Leaving the panel with an edited field still saves it.
  useEffect(
    () => () => {
      if (live.current.dirty) commit();
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  const onKeyDown = (e: KeyboardEvent) => {
    // Escape with nothing to cancel is left to the panel (it closes).
    if (e.key === "Escape" && (live.current.dirty || draft !== saved)) {
      e.preventDefault();
      live.current.dirty = false;
      setDraft(saved);
      (e.target as HTMLElement).blur();
    } else if (e.key === "Enter" && (!multiline || e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      commit();
    }
  };
  const props = {
    id, ref, value: draft, readOnly, placeholder, list, inputMode,
    onChange: (e: { target: { value: string } }) => {
      live.current.dirty = true;
      setDraft(e.target.value);
    },
    onFocus: () => {
      if (!live.current.dirty) live.current.base = live.current.saved;
      setFocused(true);
    },
    onBlur: () => {
      setFocused(false);
      if (live.current.dirty) commit();
    },
    onKeyDown,
    "aria-describedby": hint ? `${id}-hint` : undefined,
  };
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {multiline ? <textarea rows={rows} maxLength={10000} {...props} /> : <input maxLength={1000} {...props} />}
      {hint && (
        <span className="field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}

/** A number field (empty = none); saves on leaving it or Enter. */
export function NumberField({ label, value, onCommit, min, max, step = 1, readOnly, hint }: {
  label: string; value: number | null | undefined; onCommit: (v: number | null) => void; min?: number; max?: number; step?: number; readOnly?: boolean; hint?: string;
}) {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <TextField
        label={label}
        value={value === null || value === undefined ? "" : String(value)}
        readOnly={readOnly}
        inputMode="decimal"
        hint={error ?? hint}
        onCommit={(text) => {
          if (text === null) {
            setError(null);
            onCommit(null);
            return;
          }
          const n = Number(text.replace(",", ".").replace("−", "-"));
          if (!Number.isFinite(n) || (min !== undefined && n < min) || (max !== undefined && n > max)) {
            setError(`Give a number${min !== undefined && max !== undefined ? ` from ${min} to ${max}` : ""}.`);
            return;
          }
          setError(null);
          onCommit(step ? Math.round(n / step) * step : n);
        }}
      />
    </>
  );
}

export function ChoiceField<T extends string>({ label, value, options, onCommit, readOnly, hint }: {
  label: string; value: T | null; options: readonly (readonly [T | "", string])[]; onCommit: (v: T | null) => void; readOnly?: boolean; hint?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <select id={id} value={value ?? ""} disabled={readOnly} onChange={(e) => onCommit((e.target.value || null) as T | null)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
      {hint && <span className="field-hint">{hint}</span>}
    </div>
  );
}

export function CheckField({ label, checked, onCommit, readOnly, hint }: { label: string; checked: boolean; onCommit: (v: boolean) => void; readOnly?: boolean; hint?: string }) {
  return (
    <label className="check-field">
      <input type="checkbox" checked={checked} disabled={readOnly} onChange={(e) => onCommit(e.target.checked)} />
      <span>
        {label}
        {hint && <span className="field-hint"> — {hint}</span>}
      </span>
    </label>
  );
}

/** A list of text items, one per line. */
export function LinesField({ label, value, onCommit, readOnly, hint }: { label: string; value: string[]; onCommit: (v: string[]) => void; readOnly?: boolean; hint?: string }) {
  return (
    <TextField
      label={label}
      multiline
      readOnly={readOnly}
      hint={hint ?? "One per line."}
      value={value.join("\n")}
      onCommit={(text) => onCommit((text ?? "").split("\n").map((x) => x.trim()).filter(Boolean))}
    />
  );
}

/** Ids picked from a list (chips with a remove button, and a select to add one). */
export function LinkField({ label, value, options, onCommit, readOnly, empty }: {
  label: string; value: string[]; options: { id: string; name: string }[]; onCommit: (v: string[]) => void; readOnly?: boolean; empty: string;
}) {
  const id = useId();
  const names = new Map(options.map((o) => [o.id, o.name]));
  const rest = options.filter((o) => !value.includes(o.id));
  return (
    <div className="field">
      <span className="field-label" id={id}>
        {label}
      </span>
      <ul className="b-chips" aria-labelledby={id}>
        {value.length === 0 && <li className="muted">{empty}</li>}
        {value.map((v) => (
          <li key={v} className="b-chip">
            <span>{names.get(v) ?? v}</span>
            {!readOnly && (
              <button type="button" className="chip-remove" aria-label={`Unlink ${names.get(v) ?? v}`} onClick={() => onCommit(value.filter((x) => x !== v))}>
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {!readOnly && rest.length > 0 && (
        <select aria-label={`Link to ${label.toLowerCase()}`} value="" onChange={(e) => e.target.value && onCommit([...value, e.target.value])}>
          <option value="">Link…</option>
          {rest.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="panel-section">
      <h3>{title}</h3>
      {children}
    </section>
  );
}
