// One research source: its text with the quotes highlighted in it; select a passage to
// quote it (with tags and a note). A survey export opens its survey view instead.
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { ErrorMessage, errorText } from "../components/errors";
import { Loading, useAsync } from "../components/loading";
import { useNotify } from "../components/notices";
import { PageHeader } from "../pages/layout";
import { useWorkspace } from "../workspace";
import { research, type Quote, type SourceFull } from "./api";
import { QuoteCard, splitTags } from "./ResearchPage";
import { SurveyView } from "./SurveyView";
import "./research.css";

export function SourcePage() {
  const { sourceId = "" } = useParams();
  const { state, canEdit } = useWorkspace();
  const ws = state.id;
  const navigate = useNavigate();
  const notify = useNotify();
  const loaded = useAsync(async () => (await research.source(ws, sourceId)).data, [ws, sourceId]);
  useEffect(() => {
    if (loaded.data) document.title = `${loaded.data.name} · Research · Journeyline`;
  }, [loaded.data]);
  if (loaded.error) return <main className="page"><ErrorMessage error={loaded.error} onRetry={loaded.reload} /></main>;
  if (!loaded.data) return <Loading label="Opening the source…" />;
  const source = loaded.data;
  return (
    <main className="page research-page">
      <PageHeader
        crumbs={<Link to={`/w/${ws}/research`}>Research</Link>}
        title={source.name}
        subtitle={[source.filename, source.date && `collected ${source.date}`, source.speakers.length > 0 && `speakers: ${source.speakers.join(", ")}`].filter(Boolean).join(" · ")}
        actions={canEdit && (
          <button type="button" className="quiet" onClick={async () => {
            if (!window.confirm(`Delete ${source.name} and its quotes? Their evidence leaves every map.`)) return;
            try {
              await research.deleteSource(ws, source.id);
              navigate(`/w/${ws}/research`);
            } catch (err) {
              notify(errorText(err), "error");
            }
          }}>Delete source</button>
        )}
      />
      {source.kind === "survey" ? (
        <SurveyView workspaceId={ws} source={source} canEdit={canEdit} onChanged={loaded.reload} />
      ) : (
        <TextSource workspaceId={ws} source={source} canEdit={canEdit} onChanged={loaded.reload} />
      )}
    </main>
  );
}

interface Piece { start: number; stop: number; quote: Quote | null }

/** The text cut at the quotes' edges (overlapping quotes: the earlier one wins the overlap). */
export function pieces(length: number, quotes: Quote[]): Piece[] {
  const sorted = [...quotes].sort((a, b) => a.start - b.start);
  const out: Piece[] = [];
  let at = 0;
  for (const q of sorted) {
    const start = Math.max(q.start, at);
    if (start >= q.stop) continue;
    if (start > at) out.push({ start: at, stop: start, quote: null });
    out.push({ start, stop: q.stop, quote: q });
    at = q.stop;
  }
  if (at < length) out.push({ start: at, stop: length, quote: null });
  return out;
}

/** Characters from the start of `root`'s text to a point in it (a selection's edge). */
function offsetIn(root: Node, node: Node, offset: number): number {
  const range = document.createRange();
  range.setStart(root, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

function TextSource({ workspaceId, source, canEdit, onChanged }: { workspaceId: string; source: SourceFull; canEdit: boolean; onChanged: () => void }) {
  const notify = useNotify();
  const text = source.text ?? "";
  const quotes = useMemo(() => source.highlights ?? [], [source.highlights]);
  const box = useRef<HTMLDivElement>(null);
  const [selection, setSelection] = useState<{ start: number; stop: number } | null>(null);
  const [tags, setTags] = useState("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const capture = () => {
    const sel = window.getSelection();
    const root = box.current;
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed || !root) return;
    const range = sel.getRangeAt(0);
    if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return;
    let start = offsetIn(root, range.startContainer, range.startOffset);
    let stop = offsetIn(root, range.endContainer, range.endOffset);
    while (start < stop && /\s/.test(text[start])) start++;
    while (stop > start && /\s/.test(text[stop - 1])) stop--;
    if (stop > start) setSelection({ start, stop });
  };
  const cues = source.cues;
  const cueAt = (offset: number) => cues.find((c) => offset >= c.offset && offset <= c.offset + c.length);
  return (
    <div className="r-source">
      <section aria-label="Text">
        {canEdit && <p className="muted">Select a passage to quote it.</p>}
        <div ref={box} className={`r-text kind-${source.kind}`} data-testid="source-text" onMouseUp={canEdit ? capture : undefined} onKeyUp={canEdit ? capture : undefined}>
          {pieces(text.length, quotes).map((p) =>
            p.quote ? (
              <mark key={p.start} title={p.quote.tags.join(", ") || "Quote"}>{text.slice(p.start, p.stop)}</mark>
            ) : (
              <span key={p.start}>{text.slice(p.start, p.stop)}</span>
            ),
          )}
        </div>
      </section>
      <aside className="r-side" aria-label="Quotes">
        {selection && (
          <form
            className="r-new-quote"
            aria-label="New quote"
            onSubmit={async (e) => {
              e.preventDefault();
              setBusy(true);
              try {
                await research.addQuote(workspaceId, {
                  source: source.id,
                  start: selection.start,
                  stop: selection.stop,
                  text: text.slice(selection.start, selection.stop),
                  tags: splitTags(tags),
                  note,
                });
                notify("Quote saved.", "success");
                setSelection(null);
                setTags("");
                setNote("");
                window.getSelection()?.removeAllRanges();
                onChanged();
              } catch (err) {
                notify(errorText(err), "error");
              } finally {
                setBusy(false);
              }
            }}
          >
            <h2>New quote</h2>
            <blockquote>“{text.slice(selection.start, selection.stop)}”</blockquote>
            {cueAt(selection.start) && (
              <p className="muted">
                {[cueAt(selection.start)?.speaker, cueAt(selection.start)?.start].filter(Boolean).join(" · ")}
              </p>
            )}
            <label className="field">
              <span className="field-label">Tags</span>
              <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="pricing, onboarding" aria-label="Tags of the new quote" />
            </label>
            <label className="field">
              <span className="field-label">Note</span>
              <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} aria-label="Note" />
            </label>
            <div className="r-actions">
              <button type="submit" className="primary" disabled={busy}>Save quote</button>
              <button type="button" className="quiet" onClick={() => setSelection(null)}>Cancel</button>
            </div>
          </form>
        )}
        <h2>{quotes.length} quote{quotes.length === 1 ? "" : "s"}</h2>
        <ul className="r-quotes">
          {quotes.map((q) => (
            <QuoteCard key={q.id} quote={q} workspaceId={workspaceId} canEdit={canEdit} onChanged={onChanged} />
          ))}
        </ul>
      </aside>
    </div>
  );
}
