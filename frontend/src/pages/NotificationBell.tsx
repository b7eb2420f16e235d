// The bell in the app's header: how many notifications are unread (being @mentioned in a
// comment), and a list of them that links to each comment on its map. Read again every
// half minute while the tab is visible, and when the tab comes back.
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { ago } from "../components/words";

export interface NotificationItem {
  id: string; kind: string; read: boolean; created_at: string; by: string | null;
  workspace: { id: string; name: string }; map: { id: string; name: string };
  comment: string; target: string | null; target_name: string; excerpt: string; resolved: boolean; path: string;
}
export interface NotificationList { unread: number; items: NotificationItem[] }

const EVERY_MS = 30_000;

export function NotificationBell() {
  const [list, setList] = useState<NotificationList>({ unread: 0, items: [] });
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  const load = useCallback(async () => {
    try {
      setList((await api.get<NotificationList>(paths.notifications())).data);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, EVERY_MS);
    const onShow = () => document.visibilityState === "visible" && void load();
    document.addEventListener("visibilitychange", onShow);
    window.addEventListener("focus", onShow);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onShow);
      window.removeEventListener("focus", onShow);
    };
  }, [load]);

  // Close on a click outside or on Escape (the focus goes back to the bell).
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const mark = async (ids: string[] | null, read = true) => {
    try {
      const reply = await api.post<{ unread: number }>(paths.notificationsRead(), ids === null ? { read } : { ids, read });
      setList((l) => ({
        unread: reply.data.unread,
        items: l.items.map((n) => (ids === null || ids.includes(n.id) ? { ...n, read } : n)),
      }));
    } catch (e) {
      setError(e);
    }
  };

  const count = list.unread;
  return (
    <div className="bell" ref={box}>
      <button
        ref={button}
        type="button"
        className="quiet bell-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={count ? `Notifications: ${count} unread` : "Notifications: none unread"}
        data-testid="bell"
        data-unread={count}
        onClick={() => {
          if (!open) void load();
          setOpen(!open);
        }}
      >
        <span aria-hidden="true">🔔</span>
        {count > 0 && <span className="bell-count" aria-hidden="true">{count > 99 ? "99+" : count}</span>}
      </button>
      {open && (
        <div className="bell-panel" id={panelId} role="region" aria-label="Notifications" tabIndex={0}>
          <div className="bell-head">
            <strong>Notifications</strong>
            {count > 0 && (
              <button type="button" className="link" onClick={() => void mark(null)}>
                Mark all read
              </button>
            )}
          </div>
          <ErrorMessage error={error} onRetry={() => void load()} />
          {list.items.length === 0 ? (
            <p className="muted bell-empty">Nothing yet. When someone writes @ and your name in a comment, it shows here.</p>
          ) : (
            <ul className="bell-list">
              {list.items.map((n) => (
                <li key={n.id} className={n.read ? "bell-item" : "bell-item unread"}>
                  <Link
                    to={n.path}
                    onClick={() => {
                      setOpen(false);
                      if (!n.read) void mark([n.id]);
                    }}
                  >
                    <span className="bell-what">
                      <strong>{n.by ?? "Someone"}</strong> mentioned you on {n.target_name} in <strong>{n.map.name}</strong>
                      {n.resolved && <span className="b-tag b-tag-plain">Resolved</span>}
                    </span>
                    <span className="bell-excerpt">{n.excerpt}</span>
                    <span className="muted bell-when" title={n.created_at}>
                      {ago(n.created_at)} · {n.workspace.name}
                    </span>
                  </Link>
                  <button type="button" className="mini" aria-label={n.read ? "Mark unread" : "Mark read"} onClick={() => void mark([n.id], !n.read)}>
                    {n.read ? "Unread" : "Read"}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
