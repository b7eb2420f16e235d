// Read-only share links for one map: create (optional expiry, password, sites that may embed
// it), list, copy again (the server derives a link from its secret; it keeps no copy), revoke.
import { useState } from "react";
import { api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { Dialog } from "../components/forms";
import { Loading, useAsync } from "../components/loading";
import { useNotify } from "../components/notices";
import { ago } from "../components/words";
import { longDate } from "../components/words";
import { SecretBox } from "./clipboard";
import { FieldBox } from "./fields";
import { EmptyState } from "./layout";
import "./pages.css";

export interface ShareDialogProps { workspaceId: string; mapId: string; mapName: string; open: boolean; onClose: () => void; canManage: boolean }

interface ShareLink {
  id: string; map: string; label: string; has_password: boolean; expires_at: string | null; revoked_at: string | null;
  state: "active" | "expired" | "revoked" | string; created_at: string; token?: string | null; url?: string | null;
  frame_ancestors?: string | null; copyable?: boolean; copy_note?: string | null;
}

/** The HTML that embeds the read-only page of a link (where its sites may frame it). */
export function embedSnippet(url: string, title: string): string {
  const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<iframe src="${esc(url)}?embed=1" title="${esc(title)}" width="100%" height="640" style="border:0" loading="lazy" referrerpolicy="no-referrer"></iframe>`;
}

function LinkToCopy({ link, mapName, autoFocus }: { link: ShareLink; mapName: string; autoFocus: boolean }) {
  if (!link.token) return <p className="field-hint" role="status">{link.copy_note ?? "This link cannot be copied."}</p>;
  const url = shareUrl(link.token);
  const embeds = !!link.frame_ancestors && link.frame_ancestors !== "'none'";
  return (
    <>
      <SecretBox
        label="Share link"
        value={url}
        autoFocus={autoFocus}
        note={<>You can copy it again from the list below.{link.has_password ? " Visitors also need the password." : ""}{link.expires_at ? ` It stops working on ${longDate(link.expires_at)}.` : ""}</>}
      />
      <SecretBox
        label="Embed code"
        value={embedSnippet(url, `Journey map: ${link.label || mapName}`)}
        autoFocus={false}
        note={embeds ? <>Pages on {link.frame_ancestors} may show it.</> : <>Embedding works on the sites the server (or this link) allows; set them under “Sites that may embed it”.</>}
      />
    </>
  );
}

/** The app's own page for a share link (the server's `url` is its API address). */
function shareUrl(token: string): string {
  return `${window.location.origin}/s/${encodeURIComponent(token)}`;
}

export function ShareDialog({ workspaceId, mapId, mapName, open, onClose, canManage }: ShareDialogProps) {
  return (
    <Dialog open={open} title={`Share “${mapName}”`} onClose={onClose} wide>
      {canManage ? (
        <ShareLinks workspaceId={workspaceId} mapId={mapId} mapName={mapName} />
      ) : (
        <p>Only editors and owners of the workspace can create share links. Ask one of them to share this map, or invite the person to the workspace.</p>
      )}
    </Dialog>
  );
}

const EXPIRY: [string, string][] = [["", "Never"], ["1", "In 1 day"], ["7", "In 7 days"], ["30", "In 30 days"], ["90", "In 90 days"], ["date", "On a date…"]];

function ShareLinks({ workspaceId, mapId, mapName }: { workspaceId: string; mapId: string; mapName: string }) {
  const notify = useNotify();
  const links = useAsync(async () => (await api.get<ShareLink[]>(paths.shareLinks(workspaceId, mapId))).data, [workspaceId, mapId]);
  const [label, setLabel] = useState("");
  const [expiry, setExpiry] = useState("");
  const [date, setDate] = useState("");
  const [protect, setProtect] = useState(false);
  const [password, setPassword] = useState("");
  const [framing, setFraming] = useState("");
  const [copying, setCopying] = useState<ShareLink | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<ShareLink | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [revokeError, setRevokeError] = useState<unknown>(null);

  const active = (links.data ?? []).filter((l) => l.state === "active");
  const inactive = (links.data ?? []).filter((l) => l.state !== "active");

  return (
    <div className="share">
      <form
        className="share-create"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const body: Record<string, unknown> = { label: label.trim() };
            if (expiry === "date") {
              if (!date) throw new Error("Choose the date the link stops working.");
              body.expires_at = new Date(date + "T23:59:59").toISOString();
            } else if (expiry) body.expires_in_days = Number(expiry);
            if (protect) {
              if (password.length < 6) throw new Error("The password needs at least 6 characters.");
              body.password = password;
            }
            if (framing.trim()) body.frame_ancestors = framing.trim();
            const reply = await api.post<ShareLink>(paths.shareLinks(workspaceId, mapId), body);
            setCreated(reply.data);
            setCopying(null);
            setFraming("");
            setLabel("");
            setPassword("");
            setProtect(false);
            links.reload();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <p className="muted">
          Anyone with the link sees this map and its personas, read-only, without signing in — nothing else of the workspace. You can revoke a link at any
          time.
        </p>
        <div className="grid-2">
          <label className="field">
            <span className="field-label">Label (optional)</span>
            <input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={200} placeholder="e.g. Board meeting, Agency partners" />
          </label>
          <label className="field">
            <span className="field-label">Expires</span>
            <select aria-label="Expires" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              {EXPIRY.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
            </select>
          </label>
          {expiry === "date" && (
            <label className="field">
              <span className="field-label">Expiry date</span>
              <input type="date" value={date} min={new Date().toISOString().slice(0, 10)} onChange={(e) => setDate(e.target.value)} required />
            </label>
          )}
        </div>
        <label className="check">
          <input type="checkbox" checked={protect} onChange={(e) => setProtect(e.target.checked)} /> Require a password
        </label>
        {protect && (
          <FieldBox label="Link password" hint="At least 6 characters. Send it separately from the link.">{(a) => <input {...a} type="password" autoComplete="new-password" value={password} minLength={6} maxLength={200} onChange={(e) => setPassword(e.target.value)} required />}</FieldBox>
        )}
        <FieldBox label="Sites that may embed it (optional)" hint="For the embed code: e.g. https://wiki.example.org (several: separated by spaces). Left empty: the server's setting.">
          {(a) => <input {...a} value={framing} maxLength={500} placeholder="https://wiki.example.org" onChange={(e) => setFraming(e.target.value)} />}
        </FieldBox>
        <ErrorMessage error={error} />
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={busy}>{busy ? "Creating…" : "Create share link"}</button>
        </div>
      </form>

      {created?.token && (
        <div className="share-created" role="region" aria-label="Your new link">
          <LinkToCopy link={created} mapName={mapName} autoFocus />
        </div>
      )}

      <h3 className="share-list-title">Links to this map</h3>
      {links.error ? <ErrorMessage error={links.error} onRetry={links.reload} /> : null}
      {!links.data && !links.error ? (
        <Loading label="Loading share links…" />
      ) : links.data && links.data.length === 0 ? (
        <EmptyState title="Not shared yet">
          <p>Create a link above to show this map to stakeholders who are not in the workspace.</p>
        </EmptyState>
      ) : (
        <ul className="share-list" aria-label="Existing links">
          {[...active, ...inactive].map((l) => (
            <li key={l.id} className={`share-item state-${l.state}`}>
              <div className="share-item-text">
                <span className="share-item-label">{l.label || "Untitled link"}</span>
                <span className="share-item-meta">
                  <span className={`badge share-${l.state}`}>{l.state === "active" ? "Active" : l.state === "expired" ? "Expired" : l.state === "revoked" ? "Revoked" : l.state}</span>
                  {l.has_password && <span className="badge" title="Visitors need a password">🔒 Password</span>}
                  <span className="muted">
                    Created {ago(l.created_at)}
                    {l.state === "active" && (l.expires_at ? ` · expires ${longDate(l.expires_at)}` : " · never expires")}
                    {l.state === "revoked" && l.revoked_at ? ` · revoked ${ago(l.revoked_at)}` : ""}
                  </span>
                </span>
              </div>
              {l.state === "active" && confirming !== l.id && (
                <button
                  type="button"
                  aria-label={`Copy ${l.label || "untitled link"}`}
                  onClick={async () => {
                    setRevokeError(null);
                    try {
                      const reply = await api.get<ShareLink>(paths.shareLink(workspaceId, mapId, l.id));
                      setCreated(null);
                      setCopying(reply.data);
                    } catch (err) {
                      setRevokeError(err);
                    }
                  }}
                >
                  Copy
                </button>
              )}
              {l.state === "active" &&
                (confirming === l.id ? (
                  <span className="row">
                    <button
                      type="button"
                      className="danger solid"
                      onClick={async () => {
                        setRevokeError(null);
                        try {
                          await api.del(paths.shareLink(workspaceId, mapId, l.id));
                          notify("The link stopped working.", "success");
                          setConfirming(null);
                          if (created?.id === l.id) setCreated(null);
                          if (copying?.id === l.id) setCopying(null);
                          links.reload();
                        } catch (err) {
                          setRevokeError(err);
                        }
                      }}
                    >
                      Revoke now
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>Keep</button>
                  </span>
                ) : (
                  <button type="button" className="danger" aria-label={`Revoke ${l.label || "untitled link"}`} onClick={() => setConfirming(l.id)}>
                    Revoke
                  </button>
                ))}
              {copying?.id === l.id && (
                <div className="share-copy" role="region" aria-label={`Copy ${l.label || "untitled link"}`}>
                  <LinkToCopy link={copying} mapName={mapName} autoFocus />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage error={revokeError} />
    </div>
  );
}
