// Notices (toasts): short messages in the corner, some with an action such as Undo.
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from "react";

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
