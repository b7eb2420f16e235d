// "Add evidence" on the board: what an element rests on, and quotes from the workspace's
// research repository to link to it (found by words or tag), or a quote typed in. Linking
// writes the Evidence record on the server; the board reads the new revision.
import { useEffect, useMemo, useState } from "react";
import { Dialog } from "../components/forms";
import { errorText } from "../components/errors";
import { research, type Quote } from "../research/api";
import { findElement } from "./ops";
import { useBoard, useStore } from "./store";

export function EvidenceDialog() {
  const store = useStore();
  const target = useBoard((s) => s.evidenceFor);
  const map = useBoard((s) => s.map);
  const canEdit = useBoard((s) => s.canEdit);
  const element = target ? (findElement(map, target.kind, target.id) as { name?: string } | null) : null;
  const name = element?.name ?? target?.id ?? "";
  const close = () => store.session.showEvidence(null);
  return (
    <Dialog open={target !== null} title={`Evidence for ${name}`} onClose={close} wide>
      {target && <EvidenceBody id={target.id} canEdit={canEdit && store.target !== null} />}
    </Dialog>
  );
}

function EvidenceBody({ id, canEdit }: { id: string; canEdit: boolean }) {
  const store = useStore();
  const evidence = useBoard((s) => s.map.evidence);
  const mine = useMemo(() => evidence.filter((e) => e.links.includes(id)), [evidence, id]);
  const ws = store.target?.workspaceId ?? "";
  const mapId = store.target?.mapId ?? "";
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<Quote[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [typed, setTyped] = useState({ text: "", source: "" });
  useEffect(() => {
    if (!canEdit) return;
    let live = true;
    const timer = setTimeout(() => {
      research.search(ws, { q: query || undefined }).then(
        (r) => live && setFound(r.data.quotes),
        (err) => live && setError(errorText(err)),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [ws, query, canEdit]);
  const link = async (quoteId: string) => {
    setBusy(true);
    setError(null);
    try {
      await research.link(ws, quoteId, { map: mapId, element: id });
      await store.refreshFromServer(true);
      store.notify("Linked the quote as evidence.", "success");
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const linkedQuote = (q: Quote) => q.links.some((l) => l.map === mapId && l.element === id);
  return (
    <div className="b-evidence">
      <section aria-label="Evidence it rests on">
        <h3>{mine.length ? `Rests on ${mine.length} piece${mine.length === 1 ? "" : "s"} of evidence` : "No evidence yet: this is an assumption"}</h3>
        <ul className="b-evidence-list">
          {mine.map((e) => (
            <li key={e.id}>
              <span className="b-tag b-tag-plain">{e.kind.replace(/_/g, " ")}</span> {e.quote ? `“${e.quote}”` : e.summary ?? e.name}
              {e.source && <span className="muted"> — {e.source}</span>}
            </li>
          ))}
        </ul>
      </section>
      {canEdit && (
        <>
          <section aria-label="Quotes from the research repository">
            <h3>Pick a quote from the repository</h3>
            <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search quotes" aria-label="Search the repository" />
            {found === null ? (
              <p className="muted">Searching…</p>
            ) : found.length === 0 ? (
              <p className="muted">No quotes{query ? " match" : " in the repository yet"}. Add one below, or highlight passages in the Research page.</p>
            ) : (
              <ul className="b-evidence-list">
                {found.map((q) => (
                  <li key={q.id}>
                    “{q.text}” <span className="muted">— {q.source.name}{q.speaker ? `, ${q.speaker}` : ""}</span>
                    {q.tags.map((t) => (
                      <span key={t} className="r-tag">{t}</span>
                    ))}
                    {linkedQuote(q) ? (
                      <span className="muted"> linked</span>
                    ) : (
                      <button type="button" className="mini" disabled={busy} onClick={() => void link(q.id)} aria-label={`Link quote: ${q.text.slice(0, 60)}`}>
                        Link
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <form
            aria-label="Add a quote"
            className="b-evidence-new"
            onSubmit={async (e) => {
              e.preventDefault();
              setBusy(true);
              setError(null);
              try {
                const made = (await research.addQuote(ws, { text: typed.text, source_name: typed.source })).data;
                setTyped({ text: "", source: "" });
                await link(made.id);
              } catch (err) {
                setError(errorText(err));
                setBusy(false);
              }
            }}
          >
            <h3>Or add one</h3>
            <textarea value={typed.text} onChange={(e) => setTyped({ ...typed, text: e.target.value })} required maxLength={5000} aria-label="The quote, verbatim" placeholder="The customer's words, verbatim" />
            <input value={typed.source} onChange={(e) => setTyped({ ...typed, source: e.target.value })} maxLength={300} aria-label="Where it is from" placeholder="Where it is from (support call 4411, interview with Dana …)" />
            <button type="submit" className="primary" disabled={busy}>Add and link</button>
          </form>
        </>
      )}
      {error && <p className="error-text" role="alert">{error}</p>}
    </div>
  );
}
