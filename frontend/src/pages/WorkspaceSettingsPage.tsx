// Workspace settings: name and description, members and roles (with invitations), your account
// (password, personal API tokens), and exporting or importing the whole workspace.
import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { ApiError, api, paths } from "../api";
import { ErrorMessage, errorText } from "../components/errors";
import { Loading, useAsync } from "../components/loading";
import { useNotify } from "../components/notices";
import { ago, label } from "../components/words";
import { useSession } from "../session";
import type { Role } from "../types";
import { useWorkspace } from "../workspace";
import { SecretBox } from "./clipboard";
import { download } from "./download";
import { AutoText, FieldBox } from "./fields";
import { ConfirmDialog, PageHeader, useTitle } from "./layout";
import { SaveIndicator, useSaver } from "./saving";
import { ImportForm } from "./ImportForm";

interface Member { account: string; name: string; email: string; role: Role; since: string; sign_in_link?: string | null }
interface ApiToken { id: string; name: string; created_at: string; last_used_at: string | null; revoked: boolean; token?: string }
interface FormatInfo { name: string; extensions: string[]; description: string; import: boolean; export: boolean }

const ROLES: [Role, string, string][] = [
  ["owner", "Owner", "Everything, including members and deleting the workspace"],
  ["editor", "Editor", "Creates and changes maps, personas and share links"],
  ["commenter", "Commenter", "Reads, comments and votes"],
  ["viewer", "Viewer", "Reads only"],
];

export function WorkspaceSettingsPage() {
  const { state } = useWorkspace();
  const sections: [string, string][] = [["general", "General"], ["members", "Members"], ["account", "Your account"], ["data", "Import and export"]];
  if (state.role === "owner") sections.push(["danger", "Delete workspace"]);
  useTitle(`Settings · ${state.name}`);
  return (
    <main className="page settings-page">
      <PageHeader title="Settings" subtitle={state.name} />
      <div className="split">
        <nav className="side-list settings-nav" aria-label="Settings sections">
          <ul>
            {sections.map(([id, text]) => <li key={id}><a href={`#${id}`}>{text}</a></li>)}
          </ul>
        </nav>
        <div className="split-main">
          <General />
          <Members />
          <Account />
          <DataSection />
          {state.role === "owner" && <DangerZone />}
        </div>
      </div>
    </main>
  );
}

function General() {
  const { state, canEdit, reload } = useWorkspace();
  const saver = useSaver({
    revision: state.revision,
    what: "the workspace",
    prefix: "",
    send: (changes, revision) => api.patch(paths.workspace(state.id), changes, { ifMatch: revision, keepalive: true }),
    onSaved: () => reload(),
    onStale: () => reload(),
  });
  return (
    <section className="card" id="general" aria-labelledby="h-general">
      <div className="card-head">
        <h2 id="h-general">General</h2>
        {canEdit && <SaveIndicator status={saver.status} />}
      </div>
      <AutoText label="Workspace name" value={state.name} required readOnly={!canEdit} maxLength={300} onSave={(v) => void saver.save({ name: v })} />
      <AutoText label="Description" value={state.description} readOnly={!canEdit} multiline rows={3} onSave={(v) => void saver.save({ description: v })} placeholder="What this workspace is for, e.g. the CX team's maps for the EU market" />
      <p className="muted">Your role here: <strong>{label(state.role)}</strong>.</p>
    </section>
  );
}

function Members() {
  const { state } = useWorkspace();
  const { me } = useSession();
  const notify = useNotify();
  const navigate = useNavigate();
  const ws = state.id;
  const isOwner = state.role === "owner";
  const members = useAsync(async () => (await api.get<Member[]>(paths.members(ws))).data, [ws]);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [invited, setInvited] = useState<Member | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [rowError, setRowError] = useState<unknown>(null);

  return (
    <section className="card" id="members" aria-labelledby="h-members">
      <h2 id="h-members">Members</h2>
      <p className="muted">
        {ROLES.map(([, t, d]) => <span key={t} className="role-hint"><strong>{t}</strong>: {d}. </span>)}
      </p>
      {members.error ? <ErrorMessage error={members.error} onRetry={members.reload} /> : null}
      {!members.data && !members.error ? (
        <Loading label="Loading members…" />
      ) : (
        <table className="list members-table">
          <thead>
            <tr><th scope="col">Name</th><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col">Member since</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            {(members.data ?? []).map((m) => {
              const self = m.account === me?.id;
              return (
                <tr key={m.account}>
                  <td>{m.name}{self && <span className="badge">You</span>}</td>
                  <td>{m.email}</td>
                  <td>
                    {isOwner ? (
                      <select
                        aria-label={`Role of ${m.name}`}
                        value={m.role}
                        onChange={async (e) => {
                          setRowError(null);
                          try {
                            await api.patch(paths.member(ws, m.account), { role: e.target.value });
                            notify(`${m.name} is now ${label(e.target.value).toLowerCase()}.`, "success");
                            members.reload();
                          } catch (err) {
                            setRowError(err);
                          }
                        }}
                      >
                        {ROLES.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
                      </select>
                    ) : (
                      label(m.role)
                    )}
                  </td>
                  <td>{ago(m.since)}</td>
                  <td className="actions">
                    {(isOwner || self) && (
                      <button type="button" className="danger small" onClick={() => setRemoving(m)} aria-label={self ? "Leave the workspace" : `Remove ${m.name}`}>
                        {self ? "Leave" : "Remove"}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <ErrorMessage error={rowError} />

      {isOwner && (
        <form
          className="invite-form"
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            setInvited(null);
            try {
              const reply = await api.post<Member>(paths.members(ws), { email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) });
              setInvited(reply.data);
              notify(`Added ${reply.data.name || reply.data.email} as ${label(reply.data.role).toLowerCase()}.`, "success");
              setEmail("");
              setName("");
              members.reload();
            } catch (err) {
              setError(err);
            } finally {
              setBusy(false);
            }
          }}
        >
          <h3>Invite someone</h3>
          <div className="row align-end">
            <label className="field grow">
              <span className="field-label">E-mail address</span>
              <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required maxLength={320} placeholder="name@company.com" />
            </label>
            <label className="field grow">
              <span className="field-label">Name (optional)</span>
              <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
            </label>
            <label className="field">
              <span className="field-label">Role</span>
              <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {ROLES.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
              </select>
            </label>
            <button type="submit" className="primary field-button" disabled={busy}>{busy ? "Inviting…" : "Invite"}</button>
          </div>
          <ErrorMessage error={error} />
          {invited &&
            (invited.sign_in_link ? (
              <SecretBox
                label={`Sign-in link for ${invited.email}`}
                value={invited.sign_in_link}
                note="Send this one-time link to them yourself (Journeyline sends no e-mail). It is shown only now and works once."
              />
            ) : (
              <p className="hint-box">{invited.email} already has an account: they see this workspace the next time they sign in.</p>
            ))}
        </form>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={removing?.account === me?.id ? "Leave this workspace?" : "Remove this member?"}
        confirmLabel={removing?.account === me?.id ? "Leave workspace" : "Remove member"}
        danger
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          if (!removing) return;
          await api.del(paths.member(ws, removing.account));
          if (removing.account === me?.id) {
            notify(`You left ${state.name}.`, "success");
            navigate("/");
          } else {
            notify(`Removed ${removing.name}.`, "success");
            members.reload();
          }
        }}
      >
        {removing?.account === me?.id ? (
          <p>You will lose access to <strong>{state.name}</strong> until an owner invites you again.</p>
        ) : (
          <p><strong>{removing?.name}</strong> ({removing?.email}) loses access to this workspace at once. Their comments and changes stay.</p>
        )}
      </ConfirmDialog>
    </section>
  );
}

function Account() {
  const { me } = useSession();
  return (
    <section className="card" id="account" aria-labelledby="h-account">
      <h2 id="h-account">Your account</h2>
      <p className="muted">Signed in as <strong>{me?.name}</strong> ({me?.email}).</p>
      <PasswordForm />
      <Tokens />
    </section>
  );
}

function PasswordForm() {
  const notify = useNotify();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mismatch = again !== "" && again !== next;
  return (
    <form
      className="subsection"
      onSubmit={async (e) => {
        e.preventDefault();
        if (next !== again) return;
        setBusy(true);
        setError(null);
        try {
          await api.post(`${paths.me()}/password`, { password: next, current_password: current || null });
          notify("Your password was changed.", "success");
          setCurrent("");
          setNext("");
          setAgain("");
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3>Password</h3>
      <div className="grid-3">
        <FieldBox label="Current password" hint="Leave empty if you signed in with a link and have not set one yet.">{(a) => <input {...a} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />}</FieldBox>
        <FieldBox label="New password" hint="At least 10 characters.">{(a) => <input {...a} type="password" autoComplete="new-password" value={next} minLength={10} maxLength={1000} onChange={(e) => setNext(e.target.value)} required />}</FieldBox>
        <label className="field">
          <span className="field-label">Repeat the new password</span>
          <input type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required aria-invalid={mismatch || undefined} />
          {mismatch && <span className="field-error" role="alert">The two passwords differ.</span>}
        </label>
      </div>
      <ErrorMessage error={error} />
      <button type="submit" className="primary" disabled={busy || mismatch || next.length < 10}>{busy ? "Saving…" : "Change password"}</button>
    </form>
  );
}

function Tokens() {
  const notify = useNotify();
  const tokens = useAsync(async () => (await api.get<ApiToken[]>(`${paths.me()}/tokens`)).data, []);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<ApiToken | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const live = (tokens.data ?? []).filter((t) => !t.revoked);
  return (
    <div className="subsection">
      <h3>Personal API tokens</h3>
      <p className="muted">For scripts and CI: send a token as <code>Authorization: Bearer …</code>. It acts as you, with your roles.</p>
      {tokens.error ? <ErrorMessage error={tokens.error} onRetry={tokens.reload} /> : null}
      {live.length > 0 && (
        <table className="list">
          <thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {live.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{ago(t.created_at)}</td>
                <td>{t.last_used_at ? ago(t.last_used_at) : "Never"}</td>
                <td className="actions"><button type="button" className="danger small" aria-label={`Revoke token ${t.name}`} onClick={() => setRevoking(t)}>Revoke</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tokens.data && live.length === 0 && <p className="muted">You have no API tokens.</p>}
      <form
        className="row align-end"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            const reply = await api.post<ApiToken>(`${paths.me()}/tokens`, { name: name.trim() });
            setCreated(reply.data);
            setName("");
            tokens.reload();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <label className="field grow">
          <span className="field-label">Token name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder="What it is for, e.g. nightly export" />
        </label>
        <button type="submit" className="field-button" disabled={!name.trim()}>Create token</button>
      </form>
      <ErrorMessage error={error} />
      {created?.token && <SecretBox label={`API token “${created.name}”`} value={created.token} note="Copy it now: it is shown only this once. Treat it like a password." />}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this token?"
        confirmLabel="Revoke token"
        danger
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          await api.del(`${paths.me()}/tokens/${encodeURIComponent(revoking.id)}`);
          notify(`Revoked “${revoking.name}”.`, "success");
          if (created?.id === revoking.id) setCreated(null);
          tokens.reload();
        }}
      >
        <p>Scripts using <strong>{revoking?.name}</strong> stop working at once.</p>
      </ConfirmDialog>
    </div>
  );
}

function DataSection() {
  const { state, canEdit, reload } = useWorkspace();
  const notify = useNotify();
  const formats = useAsync(async () => (await api.get<FormatInfo[]>(paths.formats())).data.filter((f) => f.export), []);
  const [format, setFormat] = useState("yaml");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <section className="card" id="data" aria-labelledby="h-data">
      <h2 id="h-data">Import and export</h2>
      <div className="subsection">
        <h3>Export the whole workspace</h3>
        <p className="muted">Every map, persona, segment, lane and piece of evidence in one file. YAML and JSON keep everything and import back without loss.</p>
        <form
          className="row align-end"
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            try {
              const ext = format === "folder" ? ".zip" : formats.data?.find((f) => f.name === format)?.extensions[0] ?? `.${format}`;
              const name = await download(paths.exportWorkspace(state.id), { format }, `${state.id}${ext}`);
              notify(`Downloaded ${name}.`, "success");
            } catch (err) {
              setError(err);
            } finally {
              setBusy(false);
            }
          }}
        >
          <label className="field">
            <span className="field-label">Format</span>
            <select aria-label="Format" value={format} onChange={(e) => setFormat(e.target.value)}>
              {(formats.data ?? [{ name: "yaml", description: "Journeyline document (YAML)", extensions: [".yaml"], import: true, export: true }]).map((f) => (
                <option key={f.name} value={f.name}>{f.description}</option>
              ))}
              <option value="folder">Workspace folder with its uploaded files (.zip)</option>
            </select>
          </label>
          <button type="submit" className="field-button" disabled={busy}>{busy ? "Exporting…" : "Download export"}</button>
        </form>
        <ErrorMessage error={error} />
      </div>
      {canEdit && (
        <div className="subsection">
          <h3>Import into this workspace</h3>
          <ImportForm workspaceId={state.id} onImported={() => reload()} />
        </div>
      )}
    </section>
  );
}

function DangerZone() {
  const { state } = useWorkspace();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  return (
    <section className="card danger-zone" id="danger" aria-labelledby="h-danger">
      <h2 id="h-danger">Delete workspace</h2>
      <p className="muted">Deletes every map, persona, segment, comment, share link and revision in this workspace, for every member. This cannot be undone: export it first.</p>
      <button type="button" className="danger" onClick={() => setOpen(true)}>Delete this workspace…</button>
      <ConfirmDialog
        open={open}
        title="Delete the whole workspace?"
        confirmLabel="Delete workspace"
        danger
        onClose={() => {
          setOpen(false);
          setTyped("");
        }}
        onConfirm={async () => {
          if (typed.trim() !== state.name.trim()) throw new Error("Type the workspace's name exactly to confirm.");
          try {
            await api.del(paths.workspace(state.id));
          } catch (e) {
            throw e instanceof ApiError ? e : new Error(errorText(e));
          }
          window.location.assign("/");
        }}
      >
        <p>Type <strong>{state.name}</strong> to confirm.</p>
        <label className="field">
          <span className="field-label">Workspace name</span>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </label>
      </ConfirmDialog>
    </section>
  );
}
