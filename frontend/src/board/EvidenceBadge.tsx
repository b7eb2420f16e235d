// How much evidence an element rests on, and of which kind ("2 quotes · 1 survey"); with
// none, the element is an assumption and an editor gets "Add evidence", which opens the
// research repository's quotes (EvidenceDialog).
import { memo, useMemo } from "react";
import { evidenceWords } from "../research/api";
import { useMeta } from "./context";
import type { ElementKind } from "./ops";
import { useBoard, useStore } from "./store";
import "./evidence.css";

/** The map's evidence for one element, counted by kind. */
export function evidenceKinds(evidence: { kind?: string; links: string[] }[], id: string): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const item of evidence) if (item.links.includes(id)) kinds[item.kind ?? "other"] = (kinds[item.kind ?? "other"] ?? 0) + 1;
  return kinds;
}

export const EvidenceBadge = memo(function EvidenceBadge({ kind, id, name }: { kind: ElementKind; id: string; name: string }) {
  const store = useStore();
  const evidence = useBoard((s) => s.map.evidence);
  const canEdit = useBoard((s) => s.canEdit);
  const meta = useMeta();
  const kinds = useMemo(() => evidenceKinds(evidence, id), [evidence, id]);
  const count = Object.values(kinds).reduce((a, b) => a + b, 0);
  const elsewhere = meta.workspaceEvidenced.has(id);
  const open = (e: { stopPropagation: () => void }) => {
    e.stopPropagation();
    store.session.showEvidence({ kind, id });
  };
  if (count === 0 && !elsewhere) {
    if (!canEdit) return <span className="b-tag b-tag-assumption" title="No evidence supports this yet">Assumption</span>;
    return (
      <button type="button" className="b-tag b-tag-assumption b-evidence-add" title="No evidence supports this yet: add a quote from the research repository"
        aria-label={`Add evidence for ${name}`} onClick={open} onKeyDown={(e) => e.stopPropagation()}>
        + Add evidence
      </button>
    );
  }
  const words = count ? evidenceWords(kinds) : "evidence in the workspace";
  return (
    <button type="button" className="b-tag b-tag-evidence" title={`Rests on ${words}`} aria-label={count ? `${count} evidence for ${name}: ${words}` : `Evidence for ${name}: ${words}`}
      data-evidence-count={count} onClick={open} onKeyDown={(e) => e.stopPropagation()}>
      ✓ {count || ""} {count === 1 ? "evidence" : count ? "evidence" : "Evidence"}
    </button>
  );
});
