// The validation gate on a map's settings: its key claims (pain points, moments of truth,
// the sentiment line) and whether evidence backs each; mark it validated once they all
// have evidence, or, as a workspace owner, anyway with a reason that stays on the record.
import { useState } from "react";
import { api } from "../api";
import { ErrorMessage, errorText } from "../components/errors";
import { Loading, useAsync } from "../components/loading";
import { useNotify } from "../components/notices";
import { useWorkspace } from "../workspace";
import { research, type Claim, type ValidationState } from "./api";
import "./research.css";

const CLAIM_LABEL: Record<Claim["kind"], string> = {
  pain_point: "Pain point",
  moment_of_truth: "Moment of truth",
  sentiment_line: "Sentiment line at",
};

export function ValidationPanel({ mapId, onChanged }: { mapId: string; onChanged: () => void }) {
  const { state, canEdit } = useWorkspace();
  const notify = useNotify();
  const path = research.validation(state.id, mapId);
  const loaded = useAsync(async () => {
    const reply = await api.get<ValidationState>(path);
    return { ...reply.data, etag: reply.etag };
  }, [path]);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  if (loaded.error) return <ErrorMessage error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading label="Checking the evidence…" />;
  const v = loaded.data;
  const missing = v.claims.filter((c) => !c.evidenced);
  const owner = state.role === "owner";
  const send = async (status: "validated" | "hypothesis", why?: string) => {
    setBusy(true);
    try {
      await api.post(path, { status, reason: why || null }, { ifMatch: v.etag });
      notify(status === "validated" ? "The map is marked validated." : "The map is a hypothesis again.", "success");
      setReason("");
      loaded.reload();
      onChanged();
    } catch (err) {
      notify(errorText(err), "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="r-validation" aria-label="Validation">
      <p>
        Status: <strong>{v.status === "validated" ? "Validated" : "Hypothesis"}</strong>. {v.evidenced} of {v.claims.length} key claims rest on evidence.
      </p>
      {missing.length > 0 && (
        <ul className="r-missing" aria-label="Claims without evidence">
          {missing.map((c) => (
            <li key={`${c.kind}-${c.id}`}>{CLAIM_LABEL[c.kind]} “{c.name}”</li>
          ))}
        </ul>
      )}
      {canEdit && v.status !== "validated" && (
        <div className="r-actions">
          <button type="button" className="primary" disabled={busy || missing.length > 0} onClick={() => void send("validated")}
            title={missing.length ? "Every key claim needs evidence first" : undefined}>
            Mark validated
          </button>
        </div>
      )}
      {owner && v.status !== "validated" && missing.length > 0 && (
        <form className="r-override" onSubmit={(e) => { e.preventDefault(); void send("validated", reason); }}>
          <label className="field">
            <span className="field-label">Validate anyway (owners): why</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={2000} aria-label="Reason to validate without evidence" />
          </label>
          <button type="submit" disabled={busy || !reason.trim()}>Validate with this reason</button>
        </form>
      )}
      {canEdit && v.status === "validated" && (
        <button type="button" disabled={busy} onClick={() => void send("hypothesis")}>Back to hypothesis</button>
      )}
      {v.history.length > 0 && (
        <details>
          <summary>Record ({v.history.length})</summary>
          <ul>
            {v.history.map((h) => (
              <li key={h.id}>
                {h.at.slice(0, 16).replace("T", " ")} · {h.by ?? "someone"} marked it {h.status}
                {h.overridden && ` without evidence for ${h.missing.length} claim${h.missing.length === 1 ? "" : "s"}: “${h.reason}”`}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
