// Small pieces the cards share: the in-place text editor, comment badges, finding markers
// (with their hover/focus details) and the dot-vote button.
import { plural } from "../components/words";
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { createPortal } from "react-dom";
import type { Finding } from "../types";
import { SEVERITY_ORDER } from "./appearance";
import { mergeText } from "./textMerge";
import type { ElementKind } from "./ops";
import { useBoard, useStore } from "./store";

/**
 * Edits text where it is shown. Enter (without Shift) or leaving the field saves; Escape
 * cancels. An empty text saves as "nothing" (removes the lane card) unless `required`.
 */
export function InlineEditor({
  initial, label, onCommit, onCancel, multiline = true, required = false, list, className,
}: {
  initial: string; label: string; onCommit: (text: string | null) => void; onCancel: () => void;
  multiline?: boolean; required?: boolean; list?: string; className?: string;
}) {
  const [text, setText] = useState(initial);
  // The text when editing began: what others saved meanwhile (`initial` now) is merged in.
  const base = useRef(initial);
  const done = useRef(false);
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus({ preventScroll: false });
    el.select();
  }, []);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !multiline) return;
    el.style.height = "auto";
    el.style.height = `${el.scrollHeight + 2}px`;
  }, [text, multiline]);
  const finish = (commit: boolean) => {
    if (done.current) return;
    done.current = true;
    const value = mergeText(base.current.trim(), text.trim(), initial.trim());
    if (!commit || (required && !value)) onCancel();
    else onCommit(value ? value : null);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === "Escape") {
      e.preventDefault();
      finish(false);
    } else if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      finish(true);
    }
  };
  const common = {
    ref, value: text, "aria-label": label, className: `inline-editor ${className ?? ""}`,
    onChange: (e: { target: { value: string } }) => setText(e.target.value),
    onBlur: () => finish(true), onKeyDown,
    onClick: (e: { stopPropagation: () => void }) => e.stopPropagation(),
    onPointerDown: (e: { stopPropagation: () => void }) => e.stopPropagation(),
  };
  return multiline ? <textarea rows={1} maxLength={5000} {...common} /> : <input maxLength={500} list={list} {...common} />;
}

/** Opens the element's comments; shows how many open comments it has. */
export function CommentButton({ kind, id, name }: { kind: ElementKind; id: string; name: string }) {
  const count = useBoard((s) => s.commentCounts.get(id) ?? 0);
  const canComment = useBoard((s) => s.canComment);
  const store = useStore();
  if (!count && !canComment) return null;
  return (
    <button
      type="button"
      className={count ? "comment-badge has" : "comment-badge"}
      aria-label={`Comments on ${name}${count ? ` (${count} open)` : ""}`}
      title={count ? plural(count, "open comment") : "Comment"}
      onClick={(e) => {
        e.stopPropagation();
        store.session.open({ type: "element", kind, id, focus: "comments" });
      }}
      onPointerDown={(e) => e.stopPropagation()}
    >
      <svg viewBox="0 0 24 24" width="13" height="13" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round">
        <path d="M4 5h16v11H10l-5 4v-4H4z" />
      </svg>
      {count > 0 && <span>{count}</span>}
    </button>
  );
}

function worst(findings: Finding[]): Finding["severity"] | "info" {
  let best = "info" as Finding["severity"] | "info";
  for (const f of findings) if ((SEVERITY_ORDER[f.severity] ?? 3) < (SEVERITY_ORDER[best] ?? 3)) best = f.severity;
  return best;
}

export const SEVERITY_LABEL: Record<string, string> = { high: "High", medium: "Medium", low: "Low", info: "Info" };

export function kindText(kind: string): string {
  const words = kind.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A marker where analysis found something: severity as a word and a shape, the message and
 * the suggestion on hover or focus; a click opens the findings panel.
 */
export function FindingMarker({ findings, where }: { findings: Finding[]; where: string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLButtonElement>(null);
  const store = useStore();
  if (!findings.length) return null;
  const severity = worst(findings);
  const tipId = `tip-${where.replace(/[^a-zA-Z0-9_-]/g, "")}-${findings.length}`;
  return (
    <>
      <button
        ref={ref}
        type="button"
        className={`finding-marker sev-${severity}`}
        aria-label={`${plural(findings.length, "finding")} at ${where} (highest: ${SEVERITY_LABEL[severity]})`}
        aria-describedby={open ? tipId : undefined}
        onMouseEnter={() => setOpen(true)}
        onMouseLeave={() => setOpen(false)}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === "Escape") setOpen(false);
          e.stopPropagation();
        }}
        onPointerDown={(e) => e.stopPropagation()}
        onClick={(e) => {
          e.stopPropagation();
          store.session.open({ type: "findings" });
        }}
      >
        <span aria-hidden="true">{severity === "high" ? "▲" : severity === "medium" ? "◆" : "●"}</span>
        {findings.length}
      </button>
      {open && ref.current && (
        <Tooltip anchor={ref.current} id={tipId}>
          {findings.map((f, i) => (
            <div key={i} className="tip-finding">
              <span className={`sev-badge sev-${f.severity}`}>{SEVERITY_LABEL[f.severity] ?? f.severity}</span>{" "}
              <strong>{kindText(f.kind)}</strong>
              <p>{f.message}</p>
              {f.suggestion && <p className="tip-suggestion">{f.suggestion}</p>}
            </div>
          ))}
        </Tooltip>
      )}
    </>
  );
}

/** A floating box beside an element (fixed to the window, so the board never clips it). */
export function Tooltip({ anchor, id, children }: { anchor: HTMLElement; id: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState<{ left: number; top: number } | null>(null);
  useLayoutEffect(() => {
    const a = anchor.getBoundingClientRect();
    const box = ref.current?.getBoundingClientRect();
    const w = box?.width ?? 320;
    const h = box?.height ?? 120;
    let left = Math.min(window.innerWidth - w - 8, Math.max(8, a.left + a.width / 2 - w / 2));
    let top = a.bottom + 6;
    if (top + h > window.innerHeight - 8) top = Math.max(8, a.top - h - 6);
    if (!Number.isFinite(left)) left = 8;
    setPos({ left, top });
  }, [anchor]);
  return createPortal(
    <div ref={ref} id={id} role="tooltip" className="board-tooltip" style={{ left: pos?.left ?? -9999, top: pos?.top ?? -9999 }}>
      {children}
    </div>,
    document.body,
  );
}

/** Your dot vote on an element: pressed when you voted; shows the total the server assembled
 * (written votes plus dot votes: store/assembled.py), or the written votes on a map shown as
 * the server assembled it already (share link, presentation). */
export function VoteButton({ id, name, written }: { id: string; name: string; written: number }) {
  const vote = useBoard((s) => s.votes.get(id));
  const canComment = useBoard((s) => s.canComment);
  const store = useStore();
  const stale = vote !== undefined && vote.written !== written;
  useEffect(() => {
    // The written votes changed here: the server's total follows once it has the change.
    if (stale) store.collaboration.reloadVotesSoon();
  }, [stale, written, vote, store]);
  const total = vote?.total ?? written;
  const mine = vote?.mine ?? false;
  const text = plural(total, "vote");
  if (!canComment)
    return (
      <span className="b-votes">▲ {text}</span>
    );
  return (
    <button
      type="button"
      className={mine ? "vote-button mine" : "vote-button"}
      aria-pressed={mine}
      aria-label={`${mine ? "Remove your vote from" : "Vote for"} ${name}: ${text}`}
      title={mine ? "You voted for this: click to take your dot back" : "Put your dot on this"}
      onPointerDown={(e) => e.stopPropagation()}
      onClick={(e) => {
        e.stopPropagation();
        void store.collaboration.toggleVote(id);
      }}
    >
      <span className="vote-dot" aria-hidden="true" /> {text}
    </button>
  );
}

/** Runs `fn` when Escape is pressed anywhere (for panels). */
export function useEscape(fn: () => void, active = true): void {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    if (!active) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === "Escape" && !e.defaultPrevented) latest.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active]);
}
