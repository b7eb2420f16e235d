// Fields that save themselves: texts, lists and label/value pairs that keep their own draft
// while focused and save on blur.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

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
