// The frame of the pages around the board: the tab title, headers, a map's tabs, empty
// states and the confirmation dialog.
import { useEffect, useState, type ReactNode } from "react";
import { Link, NavLink } from "react-router-dom";
import { ErrorMessage } from "../components/errors";
import { Dialog } from "../components/forms";
import "./pages.css";

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
