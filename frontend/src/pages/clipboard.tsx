// Copying to the clipboard, and the box that shows a secret once (invitation and share links).
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

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
