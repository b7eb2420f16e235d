// Segments: groups of customers who behave alike, and the personas in each.
import { useState } from "react";
import { Link } from "react-router-dom";
import { ApiError, api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { Dialog } from "../components/forms";
import { useNotify } from "../components/notices";
import type { Segment } from "../types";
import { useWorkspace } from "../workspace";
import { Avatar } from "./avatars";
import { FieldBox } from "./fields";
import { ConfirmDialog, EmptyState, PageHeader, useTitle } from "./layout";

export function SegmentsPage() {
  const { state, reload, canEdit } = useWorkspace();
  const notify = useNotify();
  const [editing, setEditing] = useState<Segment | "new" | null>(null);
  const [deleting, setDeleting] = useState<Segment | null>(null);
  const ws = state.id;
  const { segments, personas } = state.workspace;
  const unassigned = personas.filter((p) => !p.segment || !segments.some((s) => s.id === p.segment));
  useTitle("Segments");
  const newButton = canEdit && (
    <button type="button" className="primary" onClick={() => setEditing("new")}>
      <span aria-hidden="true">+</span> New segment
    </button>
  );

  return (
    <main className="page">
      <PageHeader
        title="Segments"
        subtitle="Groups of customers who behave alike (SMB and enterprise, new and returning…). Most teams need three or four; each has its personas."
        actions={newButton}
      />
      {segments.length === 0 ? (
        <EmptyState icon="◔" title="No segments yet" action={newButton}>
          <p>Start with the groups your business already talks about — by size, by market or by how they buy — then give each persona its segment.</p>
        </EmptyState>
      ) : (
        <ul className="segment-list" aria-label="Segments">
          {segments.map((s) => {
            const members = personas.filter((p) => p.segment === s.id);
            return (
              <li key={s.id} className="card segment-card">
                <div className="segment-main">
                  <h2>{s.name}</h2>
                  {s.size && <p className="segment-size"><span aria-hidden="true">◉ </span>{s.size}</p>}
                  {s.description ? <p>{s.description}</p> : <p className="muted">No description yet.</p>}
                </div>
                <div className="segment-personas">
                  <h3>Personas</h3>
                  {members.length ? (
                    <ul className="persona-chips">
                      {members.map((p) => (
                        <li key={p.id}>
                          <Link to={`/w/${encodeURIComponent(ws)}/personas/${encodeURIComponent(p.id)}`}>
                            <Avatar persona={p} size="sm" /> {p.name}
                          </Link>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="muted">No persona belongs to this segment yet.</p>
                  )}
                </div>
                {canEdit && (
                  <div className="segment-actions">
                    <button type="button" onClick={() => setEditing(s)} aria-label={`Edit ${s.name}`}>Edit</button>
                    <button type="button" className="danger" onClick={() => setDeleting(s)} aria-label={`Delete ${s.name}`}>Delete</button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {unassigned.length > 0 && segments.length > 0 && (
        <section className="card unassigned" aria-labelledby="unassigned">
          <h2 id="unassigned">Personas without a segment</h2>
          <ul className="persona-chips">
            {unassigned.map((p) => (
              <li key={p.id}>
                <Link to={`/w/${encodeURIComponent(ws)}/personas/${encodeURIComponent(p.id)}`}>
                  <Avatar persona={p} size="sm" /> {p.name}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <Dialog open={editing !== null} title={editing === "new" ? "New segment" : "Edit segment"} onClose={() => setEditing(null)}>
        {editing !== null && (
          <SegmentForm
            segment={editing === "new" ? null : editing}
            onDone={(name) => {
              notify(editing === "new" ? `Added segment “${name}”.` : `Saved “${name}”.`, "success");
              setEditing(null);
              reload();
            }}
            onCancel={() => setEditing(null)}
          />
        )}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this segment?"
        confirmLabel="Delete segment"
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api.del(paths.workspaceElement(ws, "segments", deleting.id), { ifMatch: state.revision });
          notify(`Deleted “${deleting.name}”.`, "success");
          reload();
        }}
      >
        <p>
          <strong>{deleting?.name}</strong> will be removed. A segment that personas or maps still use cannot be deleted: move them to another segment first.
        </p>
        {deleting && (() => {
          const usedBy = [
            ...personas.filter((p) => p.segment === deleting.id).map((p) => `persona ${p.name}`),
            ...state.maps.filter((m) => m.segment === deleting.id).map((m) => `map ${m.name}`),
          ];
          return usedBy.length ? <p className="hint-box">Still used by: {usedBy.join(", ")}.</p> : null;
        })()}
      </ConfirmDialog>
    </main>
  );
}

function SegmentForm({ segment, onDone, onCancel }: { segment: Segment | null; onDone: (name: string) => void; onCancel: () => void }) {
  const { state, reload } = useWorkspace();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const text = (k: string) => {
          const v = String(form.get(k) ?? "").trim();
          return v === "" ? null : v;
        };
        const body = { name: text("name"), description: text("description"), size: text("size") };
        setBusy(true);
        setError(null);
        try {
          if (segment) await api.patch(paths.workspaceElement(state.id, "segments", segment.id), body, { ifMatch: state.revision });
          else await api.post(paths.workspaceElements(state.id, "segments"), body, { ifMatch: state.revision });
          onDone(body.name ?? "");
        } catch (err) {
          if (err instanceof ApiError && err.stale) {
            setError(new Error("Someone else changed the workspace while you were editing, so nothing was saved. The latest version is loaded now: check the segment and save again."));
            reload();
          } else setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <label className="field">
        <span className="field-label">Name</span>
        <input name="name" required maxLength={200} defaultValue={segment?.name ?? ""} placeholder="e.g. SMB teams" autoFocus />
      </label>
      <FieldBox label="Size" hint="How many customers, or what share of revenue.">{(a) => <input {...a} name="size" maxLength={300} defaultValue={segment?.size ?? ""} placeholder="e.g. 71% of new trials" />}</FieldBox>
      <label className="field">
        <span className="field-label">Description</span>
        <textarea name="description" rows={4} defaultValue={segment?.description ?? ""} placeholder="Who they are and how they behave" />
      </label>
      <ErrorMessage error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="primary" disabled={busy}>{busy ? "Saving…" : segment ? "Save segment" : "Add segment"}</button>
      </div>
    </form>
  );
}
