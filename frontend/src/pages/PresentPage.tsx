// Presentation mode for stakeholders: full screen slides — the title and personas, the map,
// one slide per stage, the summary and the top priorities. Arrow keys, space, Escape to leave.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { Loading, useAsync } from "../components/loading";
import { label, plural } from "../components/words";
import { customerPoints, metricText } from "../board/customerLine";
import { ReadOnlyMap } from "../board/ReadOnlyMap";
import { matchersDigest, MeasuredProvenance, SlideFigures, useMeasuredLane, type LaneView, type MeasuredLane } from "../board/measured";
import { useLiveWatch, withShownVotes } from "../board/live/watch";
import { shownMap, type Finding, type JourneyMap, type LaneDefinition, type MapState, type Persona, type Stage } from "../types";
import { useWorkspace } from "../workspace";
import { longDate } from "../components/words";
import { PersonaCard } from "./avatars";
import "./pages.css";

interface RankedOpportunity { rank: number; id: string; name: string; score: number; votes: number; effort: string | null; owner: string | null; status: string; expected_impact?: string | null; pain_points: { id: string; name: string; impact: string }[] }
interface Summary {
  scope?: Record<string, string>;
  pain_points?: { id: string; name: string; impact: string; reach: number | null; stage: string | null; step: string | null }[];
  low_points?: { stage: string; step: string; score: number }[];
  opportunities?: RankedOpportunity[];
  teams?: { team: string; because: string[] }[];
  plan?: Record<string, RankedOpportunity[]>;
  findings?: Record<string, number>;
}

interface Slide { key: string; title: string; body: ReactNode }

/** The presentation shows the Measured lane's default view: all dates, no breakdown. */
const ALL_DATES: LaneView = { from: "", to: "", breakdown: "" };

export function PresentPage() {
  const { mapId = "" } = useParams();
  const { state } = useWorkspace();
  const ws = state.id;
  const loaded = useAsync(async () => {
    const [map, summary, priorities, analysis] = await Promise.all([
      api.get<MapState>(paths.map(ws, mapId)),
      api.get<Summary>(paths.summary(ws, mapId)).then((r) => r.data).catch(() => null),
      api.get<{ opportunities: RankedOpportunity[] }>(paths.priorities(ws, mapId)).then((r) => r.data.opportunities).catch(() => null),
      api.get<{ findings: Finding[] }>(paths.analysis(ws, mapId)).then((r) => r.data.findings).catch(() => undefined),
    ]);
    return { map: shownMap(map.data), summary, priorities, findings: analysis };
  }, [ws, mapId]);
  // The slides follow the board as the team edits the map (its live document, read-only).
  const live = useLiveWatch(loaded.data ? { path: `/api/workspaces/${encodeURIComponent(ws)}/maps/${encodeURIComponent(mapId)}` } : null, loaded.reload);
  const map = useMemo(() => (loaded.data && live ? withShownVotes(live, loaded.data.map) : loaded.data?.map), [live, loaded.data]);

  if (loaded.error) return <div className="present-shell"><div className="present-center"><ErrorMessage error={loaded.error} onRetry={loaded.reload} /></div></div>;
  if (!loaded.data) return <div className="present-shell"><Loading label="Preparing the presentation…" /></div>;
  const shown = map ?? loaded.data.map;
  return <Deck {...loaded.data} map={shown} personas={state.workspace.personas.filter((p) => shown.personas.includes(p.id))} workspaceId={ws} lanes={state.workspace.lanes} />;
}

function Deck({ map, personas, summary, priorities, findings, workspaceId, lanes }: { map: JourneyMap; personas: Persona[]; lanes: LaneDefinition[]; summary: Summary | null; priorities: RankedOpportunity[] | null; findings: Finding[] | undefined; workspaceId: string }) {
  const navigate = useNavigate();
  const [index, setIndex] = useState(0);
  const shell = useRef<HTMLDivElement>(null);
  const boardUrl = `/w/${encodeURIComponent(workspaceId)}/maps/${encodeURIComponent(map.id)}`;
  // The Measured lane as the board shows it (the same request), while the map shows the lane.
  const shows = map.lanes.includes("measured") && !!map.measured_source;
  const digest = useMemo(() => matchersDigest(map), [map]);
  const target = useMemo(() => (shows ? { workspaceId, mapId: map.id } : null), [shows, workspaceId, map.id]);
  const measured = useMeasuredLane(target, map.measured_source ?? null, digest, ALL_DATES);
  const lane = shows ? measured.lane : null;
  const laneError = shows ? measured.error : null;

  const slides: Slide[] = useMemo(() => {
    const out: Slide[] = [{ key: "title", title: map.name, body: <TitleSlide map={map} personas={personas} /> }];
    const figures = shows ? { lane, live: true, error: laneError } : undefined;
    out.push({ key: "overview", title: "The whole journey", body: <OverviewSlide map={map} personas={personas} findings={findings} lanes={lanes} measured={figures} /> });
    map.stages.forEach((stage, i) => out.push({ key: `stage-${stage.id}`, title: stage.name, body: <StageSlide map={map} stage={stage} number={i + 1} total={map.stages.length} lane={lane} /> }));
    if (summary) out.push({ key: "summary", title: "What we learned", body: <SummarySlide summary={summary} /> });
    const top = priorities ?? summary?.opportunities ?? [];
    out.push({ key: "priorities", title: "Top priorities", body: <PrioritiesSlide opportunities={top} /> });
    return out;
  }, [map, personas, summary, priorities, findings, lanes, shows, lane, laneError]);

  const go = useCallback((n: number) => setIndex(Math.max(0, Math.min(slides.length - 1, n))), [slides.length]);
  const leave = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    navigate(boardUrl);
  }, [navigate, boardUrl]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const target = e.target as HTMLElement;
      if (target.closest("input, textarea, select")) return;
      if (["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"].includes(e.key)) {
        if (e.key === "Enter" && target.closest("button, a")) return;
        e.preventDefault();
        go(index + 1);
      } else if (["ArrowLeft", "ArrowUp", "PageUp", "Backspace"].includes(e.key)) {
        e.preventDefault();
        go(index - 1);
      } else if (e.key === "Home") go(0);
      else if (e.key === "End") go(slides.length - 1);
      else if (e.key === "Escape") {
        if (!document.fullscreenElement) leave();
      } else if (e.key === "f" || e.key === "F") toggleFullscreen();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [index, go, leave, slides.length]);

  useEffect(() => {
    document.title = `${slides[index]?.title ?? map.name} · Present · Journeyline`;
    shell.current?.querySelector<HTMLElement>(".slide")?.focus({ preventScroll: true });
  }, [index, slides, map.name]);

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    else void shell.current?.requestFullscreen?.().catch(() => {});
  };

  return (
    <div className="present-shell" ref={shell}>
      <div className="present-bar">
        <span className="present-name">{map.name}</span>
        <span className="spacer" />
        <button type="button" className="present-button" onClick={toggleFullscreen} title="Full screen (F)">Full screen</button>
        <button type="button" className="present-button" onClick={leave} aria-label="Exit presentation" title="Exit (Esc)">✕ Exit</button>
      </div>
      <section className="slide" key={slides[index].key} tabIndex={-1} aria-roledescription="slide" aria-label={`${index + 1} of ${slides.length}: ${slides[index].title}`}>
        {slides[index].body}
      </section>
      <nav className="present-nav" aria-label="Slides">
        <button type="button" className="present-button" onClick={() => go(index - 1)} disabled={index === 0} aria-label="Previous slide">←</button>
        <ol className="present-dots">
          {slides.map((s, i) => (
            <li key={s.key}>
              <button type="button" className={i === index ? "dot on" : "dot"} aria-label={`Slide ${i + 1}: ${s.title}`} aria-current={i === index ? "step" : undefined} onClick={() => go(i)} />
            </li>
          ))}
        </ol>
        <span className="present-count" aria-live="polite">{index + 1} / {slides.length}</span>
        <button type="button" className="present-button" onClick={() => go(index + 1)} disabled={index === slides.length - 1} aria-label="Next slide">→</button>
      </nav>
    </div>
  );
}

/** The whole map, shrunk to fit the slide (or at full size, scrolling). */
function OverviewSlide({ map, personas, findings, lanes, measured }: { map: JourneyMap; personas: Persona[]; findings: Finding[] | undefined; lanes: LaneDefinition[]; measured?: { lane: MeasuredLane | null; live: boolean; error: string | null } }) {
  const frame = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);
  const [fit, setFit] = useState(true);
  const [zoom, setZoom] = useState(1);
  useLayoutEffect(() => {
    const measure = () => {
      const f = frame.current;
      const i = inner.current;
      if (!f || !i) return;
      const content = i.querySelector<HTMLElement>(".board-scroll") ?? i;
      const previous = i.style.zoom;
      i.style.zoom = "1";
      const w = content.scrollWidth;
      const h = content.scrollHeight;
      i.style.zoom = previous;
      if (w && h) setZoom(Math.min(1, (f.clientWidth - 8) / w, (f.clientHeight - 8) / h));
    };
    measure();
    const observer = new ResizeObserver(measure);
    if (frame.current) observer.observe(frame.current);
    return () => observer.disconnect();
  }, [map, measured?.lane]);
  return (
    <div className="slide-map">
      <div className="slide-map-head">
        <h2 className="slide-title">The whole journey</h2>
        {zoom < 0.98 && (
          <button type="button" className="present-button" aria-pressed={!fit} onClick={() => setFit((v) => !v)}>
            {fit ? "Actual size" : "Fit to screen"}
          </button>
        )}
      </div>
      <div className={fit ? "slide-map-frame fit" : "slide-map-frame"} ref={frame}>
        <div ref={inner} style={fit ? { zoom } : undefined}>
          <ReadOnlyMap map={map} personas={personas} findings={findings} lanes={lanes} measured={measured} />
        </div>
      </div>
    </div>
  );
}

function TitleSlide({ map, personas }: { map: JourneyMap; personas: Persona[] }) {
  const steps = map.stages.reduce((n, s) => n + s.steps.length, 0);
  return (
    <div className="slide-title-page">
      <p className="slide-kicker">{label(map.type)} journey map{map.timeframe ? ` · ${map.timeframe}` : ""}</p>
      <h1>{map.name}</h1>
      {map.scenario && <p className="slide-lead">{map.scenario}</p>}
      {map.goal && (
        <p className="slide-goal"><span>Goal</span> {map.goal}</p>
      )}
      {personas.length > 0 && (
        <div className="slide-personas">
          {personas.map((p) => <PersonaCard key={p.id} persona={p} />)}
        </div>
      )}
      <p className="slide-foot">
        {[plural(map.stages.length, "stage"), plural(steps, "step"), plural(map.pain_points.length, "pain point"), plural(map.opportunities.length, "opportunity")].join(" · ")}
        {map.owner ? ` · ${map.owner}` : ""}
        {map.review_date ? ` · review ${longDate(map.review_date)}` : ""}
      </p>
    </div>
  );
}

function emotionClass(score: number | null, scale: { min: number; max: number }): string {
  if (score === null) return "none";
  const mid = (scale.min + scale.max) / 2;
  const span = (scale.max - scale.min) / 2 || 1;
  const n = (score - mid) / span;
  return n > 0.15 ? "positive" : n < -0.15 ? "negative" : "neutral";
}

/** The stage's sentiment line: one point per step, above the step cards. */
function Sentiment({ stage, scale }: { stage: Stage; scale: { min: number; max: number } }) {
  const steps = stage.steps;
  if (!steps.some((s) => s.emotion !== null)) return null;
  const n = Math.max(steps.length, 1);
  const x = (i: number) => ((i + 0.5) / n) * 100;
  const y = (v: number) => 90 - ((v - scale.min) / (scale.max - scale.min || 1)) * 80;
  const points = steps.map((s, i) => (s.emotion === null ? null : `${x(i)},${y(s.emotion)}`)).filter(Boolean).join(" ");
  const midY = y((scale.min + scale.max) / 2);
  // The customers' own line (survey scores on the map's scale), with each interval as a band.
  const customers = customerPoints(steps, scale);
  const at = (id: string) => steps.findIndex((s) => s.id === id);
  const said = customers.map((p) => `customers ${p.stepName} ${metricText(p.metric)}${p.n === null ? "" : ` (n = ${p.n})`}`);
  return (
    <div className="slide-sentiment" role="img" aria-label={`Sentiment: ${steps.map((s) => `${s.name} ${s.emotion ?? "no score"}`).join(", ")}${said.length ? `; ${said.join(", ")}` : ""}`}>
      <svg viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
        <line x1="0" x2="100" y1={midY} y2={midY} className="mid" vectorEffect="non-scaling-stroke" />
        {customers.map((p) =>
          p.low === null || p.high === null ? null : (
            <rect key={p.stepId} data-customer-point={p.stepId} x={x(at(p.stepId)) + 1.5} width="2" y={y(p.high)} height={Math.max(0.5, y(p.low) - y(p.high))} className="customer-band" />
          ),
        )}
        {customers.length > 1 && <polyline className="customers" points={customers.map((p) => `${x(at(p.stepId)) + 2.5},${y(p.score)}`).join(" ")} vectorEffect="non-scaling-stroke" />}
        <polyline points={points} vectorEffect="non-scaling-stroke" />
      </svg>
      {steps.map((s, i) =>
        s.emotion === null ? null : (
          <span key={s.id} className={`sentiment-dot ${emotionClass(s.emotion, scale)}`} style={{ left: `${x(i)}%`, top: `${y(s.emotion)}%` }} aria-hidden="true" />
        ),
      )}
    </div>
  );
}

function StageSlide({ map, stage, number, total, lane }: { map: JourneyMap; stage: Stage; number: number; total: number; lane: MeasuredLane | null }) {
  const stepIds = new Set(stage.steps.map((s) => s.id));
  const pains = map.pain_points.filter((p) => p.step && stepIds.has(p.step));
  const painIds = new Set(pains.map((p) => p.id));
  const opportunities = map.opportunities.filter((o) => o.steps.some((s) => stepIds.has(s)) || o.pain_points.some((p) => painIds.has(p)));
  return (
    <div className="slide-stage">
      <header className="slide-stage-head">
        <p className="slide-kicker">Stage {number} of {total}{stage.duration ? ` · ${stage.duration}` : ""}</p>
        <h2 className="slide-title">{stage.name}</h2>
        {stage.goal && <p className="slide-lead">{stage.goal}</p>}
        {stage.expectations.length > 0 && <p className="muted">Expects: {stage.expectations.join(" · ")}</p>}
        {lane && <MeasuredProvenance lane={lane} live className="slide-provenance" />}
      </header>
      {stage.steps.length === 0 ? (
        <p className="muted">No steps in this stage yet.</p>
      ) : (
        <div className="slide-steps-wrap">
          <Sentiment stage={stage} scale={map.scale} />
          <ol className="slide-steps" style={{ gridTemplateColumns: `repeat(${stage.steps.length}, minmax(0, 1fr))` }}>
            {stage.steps.map((step) => (
              <li key={step.id} className={`slide-step kind-${step.kind}`}>
                <span className="slide-step-top">
                  <span className={`emotion ${emotionClass(step.emotion, map.scale)}`} title="Emotion score">{step.emotion ?? "–"}</span>
                  {step.moment_of_truth && <span className="badge high" title="Moment of truth">★ Moment of truth</span>}
                </span>
                <strong>{step.name}</strong>
                {(step.touchpoint || step.channel) && <span className="muted">{[step.touchpoint, step.channel].filter(Boolean).join(" · ")}</span>}
                {step.does && <p><span className="lane-tag">Does</span> {step.does}</p>}
                {step.thinks && <p><span className="lane-tag">Thinks</span> “{step.thinks}”</p>}
                {step.feels && <p><span className="lane-tag">Feels</span> {step.feels}</p>}
                {lane && <SlideFigures figures={lane.steps.find((f) => f.id === step.id)} lane={lane} />}
              </li>
            ))}
          </ol>
        </div>
      )}
      {(pains.length > 0 || opportunities.length > 0) && (
        <div className="slide-columns">
          <section>
            <h3>Pain points</h3>
            {pains.length ? (
              <ul className="slide-list">
                {pains.map((p) => (
                  <li key={p.id}><span className={`badge ${p.impact}`}>{label(p.impact)}</span> {p.name}</li>
                ))}
              </ul>
            ) : <p className="muted">None recorded.</p>}
          </section>
          <section>
            <h3>Opportunities</h3>
            {opportunities.length ? (
              <ul className="slide-list">
                {opportunities.map((o) => (
                  <li key={o.id}><span className="badge">{label(o.status)}</span> {o.name}{o.votes ? <span className="muted"> · {plural(o.votes, "vote")}</span> : null}</li>
                ))}
              </ul>
            ) : <p className="muted">None yet.</p>}
          </section>
        </div>
      )}
    </div>
  );
}

function SummarySlide({ summary }: { summary: Summary }) {
  const pains = (summary.pain_points ?? []).slice(0, 5);
  const lows = (summary.low_points ?? []).slice(0, 3);
  const teams = (summary.teams ?? []).slice(0, 6);
  return (
    <div className="slide-summary">
      <h2 className="slide-title">What we learned</h2>
      <div className="slide-columns">
        <section>
          <h3>Where it hurts most</h3>
          {pains.length ? (
            <ol className="slide-list">
              {pains.map((p) => (
                <li key={p.id}>
                  <span className={`badge ${p.impact}`}>{label(p.impact)}</span> {p.name}
                  {(p.stage || p.step) && <span className="muted"> — {[p.stage, p.step].filter(Boolean).join(" › ")}</span>}
                </li>
              ))}
            </ol>
          ) : <p className="muted">No pain points recorded.</p>}
          {lows.length > 0 && (
            <>
              <h3>Lowest moments</h3>
              <ul className="slide-list">
                {lows.map((l, i) => <li key={i}>{l.step} <span className="muted">({l.stage}, {l.score})</span></li>)}
              </ul>
            </>
          )}
        </section>
        <section>
          <h3>Who should know</h3>
          {teams.length ? (
            <ul className="slide-list">
              {teams.map((t) => (
                <li key={t.team}><strong>{t.team}</strong><span className="muted"> — {t.because[0]}{t.because.length > 1 ? ` (+${t.because.length - 1})` : ""}</span></li>
              ))}
            </ul>
          ) : <p className="muted">No teams named on the map.</p>}
        </section>
      </div>
    </div>
  );
}

function PrioritiesSlide({ opportunities }: { opportunities: RankedOpportunity[] }) {
  const top = opportunities.slice(0, 6);
  return (
    <div className="slide-priorities">
      <h2 className="slide-title">Top priorities</h2>
      <p className="muted">Opportunities ranked by impact, reach, effort and the team's votes.</p>
      {top.length === 0 ? (
        <p className="slide-lead">No opportunities yet — the next workshop's first task.</p>
      ) : (
        <ol className="priority-list">
          {top.map((o) => (
            <li key={o.id}>
              <span className="priority-rank">{o.rank}</span>
              <div>
                <strong>{o.name}</strong>
                <div className="muted">
                  {[o.expected_impact ? `${label(o.expected_impact)} impact` : null, o.effort ? `effort ${label(o.effort)}` : null, o.votes ? plural(o.votes, "vote") : null, o.owner, label(o.status)].filter(Boolean).join(" · ")}
                </div>
                {o.pain_points.length > 0 && <div className="priority-fixes">Fixes: {o.pain_points.map((p) => p.name).join("; ")}</div>}
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
