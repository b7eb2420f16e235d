// A survey export: confirm or correct each question's detected kind and what it is about
// (a step, touchpoint or stage of a map, or a column naming it per response), see the
// scores with n and 95 % intervals, write them onto the map (the customers' line), and
// turn the comments into themes whose suggested pain points a person accepts or rejects.
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { api, paths } from "../api";
import { errorText } from "../components/errors";
import { useNotify } from "../components/notices";
import type { MapState } from "../types";
import { useWorkspace } from "../workspace";
import { research, type ScoresResult, type SourceFull, type SurveyMapping, type ThemesJob } from "./api";

const KINDS: [string, string][] = [
  ["nps", "NPS (0–10 recommend)"],
  ["csat", "CSAT (1–5 satisfied)"],
  ["ces", "CES (1–7 effort)"],
  ["numeric", "Other number"],
  ["text", "Free text"],
];

const UNITS: Record<string, string> = { nps: " points", csat: " %", ces: "" };

interface TargetChoice { value: string; label: string }

function targetsOf(map: MapState["map"]): { targets: TargetChoice[]; steps: TargetChoice[] } {
  const targets: TargetChoice[] = [];
  const steps: TargetChoice[] = [];
  const touchpoints = new Set<string>();
  for (const stage of map.stages) {
    targets.push({ value: `stage:${stage.id}`, label: `Stage: ${stage.name}` });
    for (const step of stage.steps) {
      targets.push({ value: `step:${step.id}`, label: `Step: ${step.name}` });
      steps.push({ value: step.id, label: step.name });
      if (step.touchpoint?.trim()) touchpoints.add(step.touchpoint.trim());
    }
  }
  for (const t of touchpoints) targets.push({ value: `touchpoint:${t}`, label: `Touchpoint: ${t}` });
  return { targets, steps };
}

export function formatScore(metric: string, score: number | null, interval: [number, number] | null): string {
  if (score === null) return "—";
  const digits = metric === "ces" ? 2 : 1;
  const unit = UNITS[metric] ?? "";
  const band = interval ? ` (95 % ${interval[0].toFixed(digits)} – ${interval[1].toFixed(digits)})` : "";
  return `${score.toFixed(digits)}${unit}${band}`;
}

export function SurveyView({ workspaceId, source, canEdit, onChanged }: { workspaceId: string; source: SourceFull; canEdit: boolean; onChanged: () => void }) {
  const notify = useNotify();
  const { state } = useWorkspace();
  const facts = source.survey!;
  const base = research.survey(workspaceId, source.id);
  const [mapping, setMapping] = useState<SurveyMapping>(() => ({ ...facts.mapping, map: facts.mapping.map ?? state.maps[0]?.id ?? null }));
  const [scores, setScores] = useState<ScoresResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [map, setMap] = useState<MapState["map"] | null>(null);
  useEffect(() => {
    let live = true;
    if (!mapping.map) {
      setMap(null);
      return;
    }
    api.get<MapState>(paths.map(workspaceId, mapping.map)).then((r) => live && setMap(r.data.map), () => live && setMap(null));
    return () => {
      live = false;
    };
  }, [workspaceId, mapping.map]);
  useEffect(() => {
    let live = true;
    api.get<ScoresResult>(`${base}/scores`).then((r) => live && setScores(r.data), () => undefined);
    return () => {
      live = false;
    };
  }, [base]);
  const { targets, steps } = map ? targetsOf(map) : { targets: [], steps: [] };
  const kindOf = (column: string, detected: string) => mapping.metrics[column] ?? detected;
  const set = (changes: Partial<SurveyMapping>) => setMapping((m) => ({ ...m, ...changes }));
  const linkOf = (column: string) => scores?.links?.questions.find((q) => q.column === column);
  const scoreOf = (column: string) => scores?.questions.find((q) => q.column === column);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (err) {
      notify(errorText(err), "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="r-survey">
      <p>
        {facts.layout === "plain" ? "A table" : `A ${facts.layout.replace("_", " ")} export`} with {facts.responses.toLocaleString()} responses
        {facts.sheet ? ` (sheet ${facts.sheet})` : ""}. Check what each question is, and what it is about; then confirm.
      </p>
      <div className="r-survey-controls">
        <label className="field">
          <span className="field-label">Map</span>
          <select value={mapping.map ?? ""} onChange={(e) => set({ map: e.target.value || null, questions: {} })} aria-label="Map the survey is about" disabled={!canEdit}>
            <option value="">No map</option>
            {state.maps.map((m) => (
              <option key={m.id} value={m.id}>{m.name}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Column naming the step</span>
          <select value={mapping.step_col ?? ""} onChange={(e) => set({ step_col: e.target.value || null })} aria-label="Step column" disabled={!canEdit}>
            <option value="">None (or detected)</option>
            {facts.columns.filter((c) => !c.bookkeeping).map((c) => (
              <option key={c.name} value={c.name}>{c.question}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Segment column</span>
          <select value={mapping.by ?? ""} onChange={(e) => set({ by: e.target.value || null })} aria-label="Segment column" disabled={!canEdit}>
            <option value="">None</option>
            {facts.columns.map((c) => (
              <option key={c.name} value={c.name}>{c.question}</option>
            ))}
          </select>
        </label>
      </div>
      <table className="r-table r-questions">
        <thead>
          <tr><th>Question</th><th>Kind</th><th>About</th><th>Score (n)</th></tr>
        </thead>
        <tbody>
          {facts.questions.map((q) => {
            const kind = kindOf(q.column, q.metric);
            const score = scoreOf(q.column);
            const link = linkOf(q.column);
            return (
              <tr key={q.column} data-column={q.column}>
                <td>
                  <strong>{q.question}</strong>
                  <div className="muted">{q.column} · {q.answered} answered{q.samples.length ? ` · e.g. ${q.samples.join(" / ")}` : ""}</div>
                </td>
                <td>
                  <select value={kind} disabled={!canEdit} aria-label={`Kind of ${q.column}`}
                    onChange={(e) => set({ metrics: { ...mapping.metrics, [q.column]: e.target.value } })}>
                    {KINDS.map(([v, l]) => (
                      <option key={v} value={v}>{l}</option>
                    ))}
                  </select>
                  {!q.detected && <div className="muted">set by hand</div>}
                </td>
                <td>
                  {["nps", "csat", "ces"].includes(kind) && map ? (
                    <select value={mapping.questions[q.column] ?? ""} disabled={!canEdit} aria-label={`What ${q.column} is about`}
                      onChange={(e) => {
                        const next = { ...mapping.questions };
                        if (e.target.value) next[q.column] = e.target.value;
                        else delete next[q.column];
                        set({ questions: next });
                      }}>
                      <option value="">{link?.target ? `Suggested: ${link.target.name}` : mapping.step_col ? "Per step column" : "Not linked"}</option>
                      <option value="-">Leave out</option>
                      {targets.map((t) => (
                        <option key={t.value} value={t.value}>{t.label}</option>
                      ))}
                    </select>
                  ) : (
                    <span className="muted">{kind === "text" ? "comments" : "—"}</span>
                  )}
                </td>
                <td className="r-score" data-testid={`score-${q.column}`}>
                  {score ? `${formatScore(score.metric, score.score, score.interval)} · n = ${score.n}` : "—"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {canEdit && (
        <div className="r-actions">
          <button type="button" className="primary" disabled={busy} onClick={() => run(async () => {
            const { confirmed: _, ...choices } = mapping;
            const reply = await api.put<ScoresResult>(`${base}/mapping`, choices);
            setScores(reply.data);
            notify("Mapping confirmed.", "success");
            onChanged();
          })}>Confirm mapping and score</button>
          {mapping.map && (
            <button type="button" disabled={busy || !facts.mapping.confirmed && !scores?.mapping.confirmed} onClick={() => run(async () => {
              const reply = await api.post<{ applied: unknown[] }>(`${base}/apply`, { map: mapping.map });
              notify(`Wrote ${reply.data.applied.length} score${reply.data.applied.length === 1 ? "" : "s"} onto the map: its customers' line is drawn on the board.`, "success");
            })}>Apply to the map</button>
          )}
          {mapping.map && <Link to={`/w/${workspaceId}/maps/${mapping.map}`}>Open the board</Link>}
        </div>
      )}
      {scores?.targets && scores.targets.applied.length > 0 && (
        <>
          <h2>On the map</h2>
          <table className="r-table">
            <thead><tr><th>Element</th><th>Question</th><th>Score</th><th>n</th></tr></thead>
            <tbody>
              {scores.targets.applied.map((a, i) => (
                <tr key={i}>
                  <td>{a.target.kind}: {a.target.name}</td>
                  <td>{a.column}</td>
                  <td>{formatScore(a.metric, a.score, a.interval)}</td>
                  <td>{a.n}{a.n < 30 && <span className="b-tag b-tag-assumption" title="Fewer than 30 answers: weak evidence">weak</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <Themes workspaceId={workspaceId} source={source} base={base} canEdit={canEdit} mapId={mapping.map} steps={steps} />
    </div>
  );
}

function Themes({ source, base, canEdit, mapId, steps }: { workspaceId: string; source: SourceFull; base: string; canEdit: boolean; mapId: string | null; steps: TargetChoice[] }) {
  const notify = useNotify();
  const texts = source.survey!.questions.filter((q) => q.metric === "text").map((q) => q.column);
  const [column, setColumn] = useState(source.survey!.themes?.column ?? texts[0] ?? "");
  const [job, setJob] = useState<ThemesJob | null>(null);
  const [tick, setTick] = useState(0);
  const [stepFor, setStepFor] = useState<Record<string, string>>({});
  const hasJob = Boolean(source.survey!.themes?.job) || job !== null;
  useEffect(() => {
    if (!hasJob) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const reply = await api.get<ThemesJob>(`${base}/themes`);
        if (!live) return;
        setJob(reply.data);
        if (reply.data.state === "queued" || reply.data.state === "running") timer = setTimeout(poll, 700);
      } catch {
        /* shown when asked again */
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [base, hasJob, tick]);
  if (texts.length === 0) return null;
  return (
    <section className="r-themes" aria-label="Themes">
      <h2>Themes in the comments</h2>
      {canEdit && (
        <div className="r-actions">
          <select value={column} onChange={(e) => setColumn(e.target.value)} aria-label="Comment column">
            {texts.map((t) => (
              <option key={t} value={t}>{t}</option>
            ))}
          </select>
          <button type="button" disabled={job?.state === "running" || job?.state === "queued"} onClick={async () => {
            try {
              const reply = await api.post<ThemesJob>(`${base}/themes`, { text_col: column });
              setJob(reply.data);
              setTick((t) => t + 1);
            } catch (err) {
              notify(errorText(err), "error");
            }
          }}>Find themes</button>
        </div>
      )}
      {job && (job.state === "queued" || job.state === "running") && (
        <p role="status">
          <progress max={1} value={job.progress.fraction} aria-label="Themes progress" /> {job.progress.message}
        </p>
      )}
      {job?.state === "failed" && <p className="error-text" role="alert">{job.error?.message}</p>}
      {job?.result && (
        <>
          {job.result.warnings.map((w) => (
            <p key={w} className="muted">{w}</p>
          ))}
          <ul className="r-theme-list">
            {job.result.themes.map((t) => (
              <li key={t.id}>
                <strong>{t.label}</strong> <span className="muted">{Math.round(t.reach * 100)} % of {job.result!.comments} comments</span>
                <ul>
                  {t.quotes.map((q) => (
                    <li key={q.row}>“{q.text}” <span className="muted">row {q.row}</span></li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          <h3>Suggested pain points</h3>
          {job.result.pain_points.length === 0 && <p className="muted">No theme is mostly complaints.</p>}
          <ul className="r-suggestions">
            {job.result.pain_points.map((p) => (
              <li key={p.id} data-suggestion={p.id} className={`status-${p.status}`}>
                <strong>{p.name}</strong> <span className="muted">reach {Math.round(p.reach * 100)} % · {p.evidence.length} quotes</span>
                <p>{p.description}</p>
                {p.status === "suggested" && canEdit ? (
                  <div className="r-actions">
                    <select value={stepFor[p.id] ?? ""} onChange={(e) => setStepFor({ ...stepFor, [p.id]: e.target.value })} aria-label={`Step of ${p.name}`}>
                      <option value="">No step</option>
                      {steps.map((s) => (
                        <option key={s.value} value={s.value}>{s.label}</option>
                      ))}
                    </select>
                    <button type="button" className="primary" disabled={!mapId} onClick={async () => {
                      try {
                        await api.post(`${base}/themes/suggestions/${encodeURIComponent(p.id)}/accept`, { map: mapId, step: stepFor[p.id] || null });
                        notify(`Added the pain point "${p.name}" with its quotes as evidence.`, "success");
                        setTick((t) => t + 1);
                      } catch (err) {
                        notify(errorText(err), "error");
                      }
                    }}>Accept</button>
                    <button type="button" onClick={async () => {
                      try {
                        await api.post(`${base}/themes/suggestions/${encodeURIComponent(p.id)}/reject`, {});
                        setTick((t) => t + 1);
                      } catch (err) {
                        notify(errorText(err), "error");
                      }
                    }}>Reject</button>
                  </div>
                ) : (
                  <p className="muted">{p.status === "suggested" ? "Suggested" : `${p.status[0].toUpperCase()}${p.status.slice(1)}${p.decision?.map ? ` onto ${p.decision.map}` : ""}`}</p>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
