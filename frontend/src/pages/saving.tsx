// Saving the workspace's own documents (personas, the workspace settings) field by field with
// If-Match, and the indicator that says whether it worked. A map is saved through its
// document instead (board/document.ts).
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, type Reply } from "../api";
import { errorText } from "../components/errors";
import { useNotify } from "../components/notices";

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
  // Leaving while a change is still on its way: ask first, as the board does (a save already
  // sent finishes anyway when its sender passes `keepalive`; one still queued would not).
  useEffect(() => {
    const onLeave = (e: BeforeUnloadEvent) => {
      if (pending.current > 0) {
        e.preventDefault();
        e.returnValue = "";
      }
    };
    window.addEventListener("beforeunload", onLeave);
    return () => window.removeEventListener("beforeunload", onLeave);
  }, []);

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
