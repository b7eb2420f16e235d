// Personas: the list, and the full factsheet editor (every change saves itself).
import { useEffect, useMemo, useState } from "react";
import { Link, NavLink, useNavigate, useParams } from "react-router-dom";
import { api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { Dialog } from "../components/forms";
import { useNotify } from "../components/notices";
import type { Level, Persona } from "../types";
import { useWorkspace } from "../workspace";
import { Avatar, PersonaCard, imageSource } from "./avatars";
import { FileDrop } from "../components/upload";
import { AutoText, KeyValueEditor, ListEditor, FieldBox } from "./fields";
import { ConfirmDialog, EmptyState, PageHeader, useTitle } from "./layout";
import { SaveIndicator, useSaver } from "./saving";
import { channelLabel } from "../board/appearance";

export function PersonasPage() {
  const { personaId } = useParams();
  const { state, canEdit } = useWorkspace();
  const [creating, setCreating] = useState(false);
  const personas = state.workspace.personas;
  const base = `/w/${encodeURIComponent(state.id)}/personas`;
  const persona = personaId ? personas.find((p) => p.id === personaId) : undefined;
  useTitle(persona ? persona.name : "Personas");
  const newButton = canEdit && (
    <button type="button" className="primary" onClick={() => setCreating(true)}>
      <span aria-hidden="true">+</span> New persona
    </button>
  );
  const dialog = <NewPersonaDialog open={creating} onClose={() => setCreating(false)} />;

  if (personaId) {
    return (
      <main className="page persona-page">
        <div className="split">
          <nav className="side-list" aria-label="Personas">
            <div className="side-list-head">
              <Link to={base}>All personas</Link>
              {canEdit && (
                <button type="button" className="icon" aria-label="New persona" title="New persona" onClick={() => setCreating(true)}>+</button>
              )}
            </div>
            <ul>
              {personas.map((p) => (
                <li key={p.id}>
                  <NavLink to={`${base}/${encodeURIComponent(p.id)}`}>
                    <Avatar persona={p} size="sm" />
                    <span>{p.name}</span>
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="split-main">
            {persona ? (
              <PersonaEditor key={persona.id} persona={persona} />
            ) : (
              <EmptyState icon="🙈" title="This persona is not in the workspace" action={<Link to={base} className="button">See all personas</Link>}>
                <p>It may have been deleted or renamed by someone else.</p>
              </EmptyState>
            )}
          </div>
        </div>
        {dialog}
      </main>
    );
  }

  return (
    <main className="page">
      <PageHeader
        title="Personas"
        subtitle="Research-based pictures of the people whose journeys you map: goals, fears, needs and how to reach them."
        actions={newButton}
      />
      {personas.length === 0 ? (
        <EmptyState icon="🧑‍🤝‍🧑" title="No personas yet" action={newButton}>
          <p>
            A persona is a composite of the customers you researched: their role, goals, challenges, fears and preferred channels. Create one for each
            kind of customer, then choose whose journey each map follows.
          </p>
        </EmptyState>
      ) : (
        <ul className="persona-grid" aria-label="Personas">
          {personas.map((p) => (
            <li key={p.id}>
              <PersonaCard persona={p} segment={state.workspace.segments.find((s) => s.id === p.segment)} to={`${base}/${encodeURIComponent(p.id)}`} />
            </li>
          ))}
        </ul>
      )}
      {dialog}
    </main>
  );
}

function NewPersonaDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="New persona" onClose={onClose}>
      <NewPersonaForm onClose={onClose} />
    </Dialog>
  );
}

function NewPersonaForm({ onClose }: { onClose: () => void }) {
  const { state, reload } = useWorkspace();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const body: Record<string, unknown> = { name: String(form.get("name")).trim() };
        const role = String(form.get("role") ?? "").trim();
        const segment = String(form.get("segment") ?? "");
        if (role) body.role = role;
        if (segment) body.segment = segment;
        setBusy(true);
        setError(null);
        try {
          const current = await api.get<{ revision: number }>(paths.workspaceElements(state.id, "personas"));
          const reply = await api.post<{ element: Persona }>(paths.workspaceElements(state.id, "personas"), body, { ifMatch: current.etag ?? current.data.revision });
          reload();
          onClose();
          navigate(`/w/${encodeURIComponent(state.id)}/personas/${encodeURIComponent(reply.data.element.id)}`);
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <FieldBox label="Name" hint="A first name and a role people remember: “Sam the Store Manager”.">{(a) => <input {...a} name="name" required maxLength={200} placeholder="e.g. Priya the Product Lead" autoFocus />}</FieldBox>
      <label className="field">
        <span className="field-label">Job or role</span>
        <input name="role" maxLength={300} placeholder="e.g. Product lead at a 40-person agency" />
      </label>
      <label className="field">
        <span className="field-label">Segment</span>
        <select aria-label="Segment" name="segment" defaultValue="">
          <option value="">No segment</option>
          {state.workspace.segments.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
      </label>
      <ErrorMessage error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" className="primary" disabled={busy}>{busy ? "Creating…" : "Create persona"}</button>
      </div>
    </form>
  );
}

const LEVELS: [Level | "", string][] = [["", "Not set"], ["low", "Low"], ["medium", "Medium"], ["high", "High"]];

const LISTS: [keyof Persona, string, string, string][] = [
  ["goals", "Goals", "Goal", "What the persona wants to achieve"],
  ["challenges", "Challenges", "Challenge", "What stands in the way; frustrations"],
  ["values", "Values", "Value", "What the persona cares about"],
  ["fears", "Fears", "Fear", "What the persona worries about"],
  ["needs", "Needs", "Need", "What the persona needs from us"],
  ["motivations", "Motivations", "Motivation", "What drives the persona"],
];

function PersonaEditor({ persona: saved }: { persona: Persona }) {
  const { state, reload, canEdit } = useWorkspace();
  // What was just changed shows at once, until the reloaded workspace carries it.
  const [local, setLocal] = useState<Partial<Persona>>({});
  const persona = { ...saved, ...local } as Persona;
  useEffect(() => {
    setLocal((l) => {
      const left = Object.fromEntries(Object.entries(l).filter(([k, v]) => JSON.stringify(saved[k as keyof Persona]) !== JSON.stringify(v)));
      return Object.keys(left).length === Object.keys(l).length ? l : left;
    });
  }, [saved]);
  const notify = useNotify();
  const navigate = useNavigate();
  const [deleting, setDeleting] = useState(false);
  const ws = state.id;
  const saver = useSaver({
    revision: state.revision,
    what: "this persona",
    prefix: `personas/${persona.id}`,
    send: (changes, revision) => api.patch(paths.workspaceElement(ws, "personas", persona.id), changes, { ifMatch: revision, keepalive: true }),
    onSaved: () => reload(),
    onStale: () => reload(),
  });
  const change = (changes: Partial<Persona>) => {
    setLocal((l) => ({ ...l, ...changes }));
    void saver.save(changes).then((ok) => {
      if (!ok) setLocal((l) => Object.fromEntries(Object.entries(l).filter(([k]) => !(k in changes))));
    });
  };
  const save = (field: keyof Persona) => (value: unknown) => change({ [field]: value });
  // An uploaded picture shows once it is the persona's avatar on the server, not before:
  // what the factsheet shows as set is saved, for someone who leaves at once (issue 13).
  const changeWhenSaved = (changes: Partial<Persona>): Promise<boolean> =>
    saver.save(changes).then((ok) => {
      if (ok) setLocal((l) => ({ ...l, ...changes }));
      return ok;
    });
  const ro = !canEdit;
  const segment = state.workspace.segments.find((s) => s.id === persona.segment);
  const maps = useMemo(
    () =>
      state.maps.filter((m) => {
        const list = m.personas;
        return Array.isArray(list) && list.some((p: unknown) => p === persona.id || p === persona.name || (typeof p === "object" && p !== null && (p as { id?: string }).id === persona.id));
      }),
    [state.maps, persona.id, persona.name],
  );
  const avatarIsImage = imageSource(persona.avatar) !== null;

  return (
    <article className="factsheet" aria-labelledby="persona-name">
      <header className="factsheet-head card">
        <Avatar persona={persona} size="xl" />
        <div className="factsheet-title">
          <h1 id="persona-name">{persona.name}</h1>
          {persona.role && <p className="factsheet-role">{persona.role}</p>}
          <div className="row">
            {segment && <Link className="badge" to={`/w/${encodeURIComponent(ws)}/segments`}>{segment.name}</Link>}
            {persona.tech_savviness && <span className="badge">Tech savviness: {persona.tech_savviness}</span>}
          </div>
          {persona.quote && <blockquote className="factsheet-quote">{persona.quote}</blockquote>}
        </div>
        {canEdit && <SaveIndicator status={saver.status} />}
      </header>

      <section className="card" aria-labelledby="sec-profile">
        <h2 id="sec-profile">Profile</h2>
        <div className="grid-2">
          <AutoText label="Name" value={persona.name} required readOnly={ro} onSave={save("name")} maxLength={200} />
          <AutoText label="Job or role" value={persona.role} readOnly={ro} onSave={save("role")} />
          {ro ? (
            <div className="field"><span className="field-label">Segment</span><span>{segment?.name ?? "—"}</span></div>
          ) : (
            <label className="field">
              <span className="field-label">Segment</span>
              <select aria-label="Segment" value={persona.segment ?? ""} onChange={(e) => change({ segment: e.target.value || null })}>
                <option value="">No segment</option>
                {state.workspace.segments.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
              </select>
            </label>
          )}
          {ro ? (
            <div className="field"><span className="field-label">Tech savviness</span><span>{persona.tech_savviness ?? "—"}</span></div>
          ) : (
            <label className="field">
              <span className="field-label">Tech savviness</span>
              <select aria-label="Tech savviness" value={persona.tech_savviness ?? ""} onChange={(e) => change({ tech_savviness: (e.target.value || null) as Level | null })}>
                {LEVELS.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
              </select>
            </label>
          )}
        </div>
        <AutoText label="Quote" value={persona.quote} readOnly={ro} onSave={save("quote")} placeholder="A line in the persona's own words" hint="Something a real customer said in research works best." />
        <AutoText label="Bio" value={persona.bio} readOnly={ro} onSave={save("bio")} multiline rows={4} placeholder="A short paragraph about the persona's situation" />
        {!ro && (
          <AutoText
            label="Avatar"
            value={persona.avatar}
            onSave={save("avatar")}
            placeholder="An emoji (🧑‍💼) or an image address (https://… or data:image/…)"
            hint={persona.avatar && !avatarIsImage && [...persona.avatar].length > 4 ? "Not shown as a picture: upload one, or use an https:// address, a data:image address, a relative path to an image, or an emoji." : "An emoji, an uploaded picture, or the address of one (https, data:image or a relative path)."}
          />
        )}
        {!ro && (
          <FileDrop workspaceId={ws} use="image" label={avatarIsImage ? "Upload another picture" : "Upload a picture"} onUploaded={(f) => changeWhenSaved({ avatar: f.url })} testId="avatar-upload" />
        )}
      </section>

      <section className="card" aria-labelledby="sec-demo">
        <h2 id="sec-demo">Demographics</h2>
        <KeyValueEditor label="Details" value={persona.demographics} readOnly={ro} onSave={save("demographics")} />
      </section>

      <section className="card" aria-labelledby="sec-lists">
        <h2 id="sec-lists">Goals, challenges and what drives them</h2>
        <div className="grid-2">
          {LISTS.map(([field, title, item, hint]) => (
            <ListEditor key={field} label={title} itemLabel={item} hint={hint} items={persona[field] as string[]} readOnly={ro} onSave={save(field)} />
          ))}
        </div>
      </section>

      <section className="card" aria-labelledby="sec-reach">
        <h2 id="sec-reach">How to reach them</h2>
        <ListEditor label="Preferred channels" itemLabel="Channel" placeholder="Add a channel, e.g. email, phone, in store…" items={persona.preferred_channels.map(channelLabel)} readOnly={ro} onSave={save("preferred_channels")} />
        <AutoText label="Marketing message" value={persona.marketing_message} readOnly={ro} onSave={save("marketing_message")} multiline rows={2} placeholder="The message that speaks to this persona" />
        <AutoText label="Elevator pitch" value={persona.elevator_pitch} readOnly={ro} onSave={save("elevator_pitch")} multiline rows={3} placeholder="Our pitch to this persona in one breath" />
      </section>

      {maps.length > 0 && (
        <section className="card" aria-labelledby="sec-maps">
          <h2 id="sec-maps">Journeys of {persona.name}</h2>
          <ul className="link-list">
            {maps.map((m) => (
              <li key={m.id}><Link to={`/w/${encodeURIComponent(ws)}/maps/${encodeURIComponent(m.id)}`}>{m.name}</Link></li>
            ))}
          </ul>
        </section>
      )}

      {canEdit && (
        <section className="card danger-zone" aria-labelledby="sec-danger">
          <h2 id="sec-danger">Delete persona</h2>
          <p className="muted">A persona that a map follows cannot be deleted: remove it from those maps first.</p>
          <button type="button" className="danger" onClick={() => setDeleting(true)}>Delete {persona.name}</button>
        </section>
      )}
      <ConfirmDialog
        open={deleting}
        title="Delete this persona?"
        confirmLabel="Delete persona"
        danger
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          const current = await api.get<{ revision: number }>(paths.workspaceElements(ws, "personas"));
          await api.del(paths.workspaceElement(ws, "personas", persona.id), { ifMatch: current.etag ?? current.data.revision });
          notify(`Deleted ${persona.name}.`, "success");
          reload();
          navigate(`/w/${encodeURIComponent(ws)}/personas`);
        }}
      >
        <p><strong>{persona.name}</strong> and the whole factsheet will be deleted. The workspace history keeps the old version.</p>
      </ConfirmDialog>
    </article>
  );
}
