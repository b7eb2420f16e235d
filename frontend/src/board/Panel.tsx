// The side panel: every field of the selected stage, step, pain point or opportunity (saved
// as you go), its comment thread; or all comments; or the analysis findings.
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { MatcherEditor } from "./measured";
import { defaultMetric, type Comment, type Finding, type JourneyMap, type Metric, type Opportunity, type PainPoint, type Stage, type Step } from "../types";
import { ago, LABELS, plural } from "../components/words";
import { addOpportunity, addPainPoint, deleteElement, focusStage, focusStep, updateElement } from "./actions";
import { kindText, SEVERITY_LABEL, useEscape, VoteButton } from "./controls";
import { useMeta } from "./context";
import { CheckField, ChoiceField, LinesField, LinkField, NumberField, Section, TextField } from "./fields";
import { CHANNEL_CHOICES, channelLabel, IMPACT_LABEL, IMPACT_MARKS, laneTitle, LANE_TITLES, quoteName, SEVERITY_ORDER } from "./appearance";
import { findElement, findStep, KIND_LABELS, type ElementKind } from "./ops";
import { lanesOf } from "./Grid";
import { useBoard, useStore, type BoardStore, type Panel } from "./store";
import { MentionBox, workspaceMembers } from "./MentionBox";
import { withMentions } from "./mentions";
import type { Mentionable } from "./mentions";
import { useWorkspace } from "../workspace";
import { usePanelFocus } from "./panelFocus";
import { StepEvidence, StepPicture } from "./StepFiles";

const opts = <T extends string>(values: readonly T[]) => values.map((v) => [v, LABELS[v] ?? v] as const);

export function SidePanel() {
  const panel = useBoard((s) => s.panel);
  const store = useStore();
  useEscape(() => store.session.open(null), panel !== null);
  const aside = useRef<HTMLElement>(null);
  usePanelFocus(panel, aside);
  if (!panel) return null;
  return (
    <aside className="side-panel" data-testid="side-panel" aria-label={panelTitle(panel)} ref={aside}>
      {panel.type === "element" ? (
        <ElementPanel key={`${panel.kind}:${panel.id}`} kind={panel.kind} id={panel.id} focus={panel.focus} />
      ) : panel.type === "comments" ? (
        <CommentsPanel />
      ) : (
        <FindingsPanel />
      )}
    </aside>
  );
}

function panelTitle(panel: Panel): string {
  if (panel.type === "comments") return "Comments";
  if (panel.type === "findings") return "Findings";
  return `Details of the ${KIND_LABELS[panel.kind]}`;
}

function PanelHeader({ title, subtitle }: { title: string; subtitle?: string }) {
  const store = useStore();
  return (
    <header className="panel-header">
      <div>
        {subtitle && <div className="panel-kicker">{subtitle}</div>}
        <h2>{title}</h2>
      </div>
      <button type="button" className="icon" aria-label="Close panel" title="Close (Esc)" onClick={() => store.session.open(null)}>
        ×
      </button>
    </header>
  );
}

// --- one element ----------------------------------------------------------------------------

function ElementPanel({ kind, id, focus }: { kind: ElementKind; id: string; focus?: "name" | "comments" }) {
  const map = useBoard((s) => s.map);
  const canEdit = useBoard((s) => s.canEdit);
  const store = useStore();
  const element = findElement(map, kind, id);
  const threadRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (focus === "comments") {
      threadRef.current?.scrollIntoView({ block: "nearest" });
      threadRef.current?.focus();
    }
  }, [focus]);
  if (!element)
    return (
      <>
        <PanelHeader title="Gone" />
        <div className="panel-body">
          <p className="muted">This {KIND_LABELS[kind]} is no longer on the map (deleted, or undone).</p>
        </div>
      </>
    );
  const name = String(element.name ?? id);
  const set = (changes: Record<string, unknown>, what?: string) => updateElement(store, kind, id, changes, what);
  const ro = !canEdit;
  return (
    <>
      <PanelHeader title={name || "Untitled"} subtitle={kindText(KIND_LABELS[kind])} />
      <div className="panel-body">
        {kind === "steps" && <StepFields step={element as unknown as Step} map={map} set={set} ro={ro} focusName={focus === "name"} store={store} />}
        {kind === "stages" && <StageFields stage={element as unknown as Stage} set={set} ro={ro} focusName={focus === "name"} />}
        {kind === "pain_points" && <PainFields pain={element as unknown as PainPoint} map={map} set={set} ro={ro} focusName={focus === "name"} store={store} />}
        {kind === "opportunities" && <OppFields opp={element as unknown as Opportunity} map={map} set={set} ro={ro} focusName={focus === "name"} />}
        <CommentThread target={id} label={`${KIND_LABELS[kind]} ${quoteName(name)}`} inputRef={threadRef} />
        {canEdit && kind !== "evidence" && (
          <div className="panel-danger">
            <button type="button" className="danger" onClick={() => deleteElement(store, kind, id)}>
              Delete this {KIND_LABELS[kind]}
            </button>
          </div>
        )}
      </div>
    </>
  );
}

type Setter = (changes: Record<string, unknown>, what?: string) => void;

function StepFields({ step, map, set, ro, focusName, store }: { step: Step; map: JourneyMap; set: Setter; ro: boolean; focusName: boolean; store: BoardStore }) {
  const meta = useMeta();
  const place = findStep(map, step.id);
  const steps = useMemo(() => map.stages.flatMap((s) => s.steps.map((x) => ({ id: x.id, name: `${s.name} › ${x.name}` }))), [map.stages]);
  const custom = lanesOf(map.lanes).filter((l) => !(l in LANE_TITLES));
  const pains = map.pain_points.filter((p) => p.step === step.id);
  const opps = map.opportunities.filter((o) => o.steps.includes(step.id));
  const scale = map.scale;
  return (
    <>
      <p className="panel-where muted">
        Step {place ? place.index + 1 : "?"} of stage {quoteName(place?.stage.name ?? "")}
      </p>
      <TextField label="Name" value={step.name} required readOnly={ro} autoFocus={focusName} onCommit={(v) => set({ name: v }, "name")} />
      <div className="field-row">
        <ChoiceField label="Kind" value={step.kind} options={opts(["action", "question", "decision"] as const)} readOnly={ro} onCommit={(v) => set({ kind: v ?? "action" }, "kind")} />
        <ChoiceField label="Zone" value={step.zone} options={opts(["frontstage", "backstage"] as const)} readOnly={ro} onCommit={(v) => set({ zone: v ?? "frontstage" }, "zone")} hint={step.zone === "backstage" ? "Shown below the line of visibility" : undefined} />
      </div>
      <TextField label="Description" value={step.description} multiline readOnly={ro} onCommit={(v) => set({ description: v }, "description")} />
      <Section title="Where">
        <TextField label="Touchpoint" value={step.touchpoint} readOnly={ro} placeholder="Home page, checkout, a waiter …" onCommit={(v) => set({ touchpoint: v }, "touchpoint")} />
        <TextField
          label="Channel"
          value={step.channel ? channelLabel(step.channel) : ""}
          readOnly={ro}
          list="board-channels"
          placeholder="Web, email, phone …"
          onCommit={(v) => {
            const match = v ? CHANNEL_CHOICES.find(([key, words]) => words.toLowerCase() === v.toLowerCase() || key === v.toLowerCase()) : null;
            set({ channel: match ? match[0] : v }, "channel");
          }}
        />
      </Section>
      <Section title="Through the persona's eyes">
        <TextField label="Does" value={step.does} multiline rows={2} readOnly={ro} onCommit={(v) => set({ does: v }, "does")} />
        <TextField label="Thinks" value={step.thinks} multiline rows={2} readOnly={ro} onCommit={(v) => set({ thinks: v }, "thinks")} />
        <TextField label="Feels" value={step.feels} multiline rows={2} readOnly={ro} onCommit={(v) => set({ feels: v }, "feels")} />
        <NumberField
          label={`Emotion score (${scale.min} … ${scale.max})`}
          value={step.emotion}
          min={scale.min}
          max={scale.max}
          step={0.5}
          readOnly={ro}
          hint="Empty: not scored. Or drag the point on the sentiment line."
          onCommit={(v) => set({ emotion: v }, "emotion score")}
        />
        {map.personas.length > 1 &&
          map.personas.map((pid) => (
            <NumberField
              key={pid}
              label={`Score for ${meta.personas.find((p) => p.id === pid)?.name ?? pid}`}
              value={step.emotions[pid] ?? null}
              min={scale.min}
              max={scale.max}
              step={0.5}
              readOnly={ro}
              onCommit={(v) => {
                const emotions = { ...step.emotions };
                if (v === null) delete emotions[pid];
                else emotions[pid] = v;
                set({ emotions }, "persona's score");
              }}
            />
          ))}
        <CheckField label="Moment of truth" hint="a make-or-break moment" checked={step.moment_of_truth} readOnly={ro} onCommit={(v) => set({ moment_of_truth: v }, "moment of truth")} />
      </Section>
      {step.kind === "decision" && <BranchesField step={step} steps={steps} set={set} ro={ro} />}
      <Section title="Behind the scenes">
        <TextField
          label="Actors and teams"
          value={step.actors.join(", ")}
          readOnly={ro}
          hint="Comma-separated: people, teams or systems involved."
          onCommit={(v) => set({ actors: (v ?? "").split(",").map((x) => x.trim()).filter(Boolean) }, "actors")}
        />
        <MetricsField metrics={step.metrics} set={set} ro={ro} />
      </Section>
      <MatcherEditor step={step} map={map} ro={ro} save={(events) => set({ events }, "matched events")} />
      <Section title="Notes and more">
        <TextField label="Notes" value={step.notes} multiline readOnly={ro} onCommit={(v) => set({ notes: v }, "notes")} />
        <StepPicture step={step} set={set} ro={ro} />
        {custom.map((lane) => (
          <TextField
            key={lane}
            label={laneTitle(lane, meta.laneNames)}
            value={step.lanes[lane] ?? ""}
            multiline
            rows={2}
            readOnly={ro}
            onCommit={(v) => {
              const lanes = { ...step.lanes };
              if (v) lanes[lane] = v;
              else delete lanes[lane];
              set({ lanes }, laneTitle(lane, meta.laneNames));
            }}
          />
        ))}
      </Section>
      <StepEvidence step={step} map={map} store={store} ro={ro} />
      <Section title="At this step">
        <ul className="b-linked">
          {pains.map((p) => (
            <li key={p.id}>
              <button type="button" className="link" onClick={() => store.session.open({ type: "element", kind: "pain_points", id: p.id })}>
                <span className={`impact-badge impact-${p.impact}`}>{IMPACT_LABEL[p.impact]}</span> {p.name}
              </button>
            </li>
          ))}
          {opps.map((o) => (
            <li key={o.id}>
              <button type="button" className="link" onClick={() => store.session.open({ type: "element", kind: "opportunities", id: o.id })}>
                Opportunity: {o.name}
              </button>
            </li>
          ))}
          {!pains.length && !opps.length && <li className="muted">No pain points or opportunities here yet.</li>}
        </ul>
        {!ro && (
          <div className="row">
            <button type="button" className="mini" aria-label={`Add pain point at ${quoteName(step.name)}`} onClick={() => addPainPoint(store, step.id)}>
              + Pain point
            </button>
            <button type="button" className="mini" aria-label={`Add opportunity at ${quoteName(step.name)}`} onClick={() => addOpportunity(store, step.id)}>
              + Opportunity
            </button>
          </div>
        )}
      </Section>
    </>
  );
}

function BranchesField({ step, steps, set, ro }: { step: Step; steps: { id: string; name: string }[]; set: Setter; ro: boolean }) {
  const branches = step.branches;
  const save = (next: Step["branches"]) => set({ branches: next }, "paths");
  return (
    <Section title="Paths out of this decision">
      {branches.length === 0 && <p className="muted">No paths yet: name each choice and where it leads.</p>}
      {branches.map((b, i) => (
        <div className="branch-row" key={i}>
          <TextField label={`Path ${i + 1}`} value={b.label} required readOnly={ro} onCommit={(v) => save(branches.map((x, j) => (j === i ? { ...x, label: v ?? x.label } : x)))} />
          <ChoiceField
            label="Leads to"
            value={b.to ?? ""}
            readOnly={ro}
            options={[["", "End of journey"], ...steps.filter((s) => s.id !== step.id).map((s) => [s.id, s.name] as const)]}
            onCommit={(v) => save(branches.map((x, j) => (j === i ? { ...x, to: v || null } : x)))}
          />
          {!ro && (
            <button type="button" className="icon" aria-label={`Remove path ${i + 1}`} onClick={() => save(branches.filter((_, j) => j !== i))}>
              ×
            </button>
          )}
        </div>
      ))}
      {!ro && (
        <button type="button" className="mini" onClick={() => save([...branches, { label: branches.length === 0 ? "Yes" : branches.length === 1 ? "No" : `Option ${branches.length + 1}`, to: null }])}>
          + Add path
        </button>
      )}
    </Section>
  );
}

function numberOrText(v: string | null): number | string | null {
  if (v === null) return null;
  const n = Number(v);
  return v.trim() !== "" && Number.isFinite(n) ? n : v;
}

function MetricsField({ metrics, set, ro }: { metrics: Metric[]; set: Setter; ro: boolean }) {
  const save = (next: Metric[]) => set({ metrics: next }, "metrics");
  const change = (i: number, patch: Partial<Metric>) => save(metrics.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  return (
    <div className="field">
      <span className="field-label">Metrics</span>
      {metrics.map((m, i) => (
        <div className="metric-row" key={i}>
          <TextField label="Metric" value={m.name} required readOnly={ro} onCommit={(v) => change(i, { name: v ?? m.name })} />
          <TextField label="Value" value={m.value === null ? "" : String(m.value)} readOnly={ro} onCommit={(v) => change(i, { value: numberOrText(v) })} />
          <TextField label="Unit" value={m.unit} readOnly={ro} onCommit={(v) => change(i, { unit: v })} />
          <TextField label="Target" value={m.target === null ? "" : String(m.target)} readOnly={ro} onCommit={(v) => change(i, { target: numberOrText(v) })} />
          {!ro && (
            <button type="button" className="icon" aria-label={`Remove metric ${m.name}`} onClick={() => save(metrics.filter((_, j) => j !== i))}>
              ×
            </button>
          )}
        </div>
      ))}
      {!ro && (
        <button type="button" className="mini" onClick={() => save([...metrics, { ...defaultMetric(), name: "New metric" }])}>
          + Add metric
        </button>
      )}
    </div>
  );
}

function StageFields({ stage, set, ro, focusName }: { stage: Stage; set: Setter; ro: boolean; focusName: boolean }) {
  return (
    <>
      <p className="panel-where muted">
        {plural(stage.steps.length, "step")}
      </p>
      <TextField label="Name" value={stage.name} required readOnly={ro} autoFocus={focusName} onCommit={(v) => set({ name: v }, "name")} />
      <TextField label="Customer's goal" value={stage.goal} multiline rows={2} readOnly={ro} placeholder="What the customer wants to achieve in this stage" onCommit={(v) => set({ goal: v }, "goal")} />
      <TextField label="Duration" value={stage.duration} readOnly={ro} placeholder="e.g. 2–3 days" onCommit={(v) => set({ duration: v }, "duration")} />
      <LinesField label="Expectations" value={stage.expectations} readOnly={ro} hint="What the customer expects here, one per line." onCommit={(v) => set({ expectations: v }, "expectations")} />
      <TextField label="Description" value={stage.description} multiline readOnly={ro} onCommit={(v) => set({ description: v }, "description")} />
    </>
  );
}

function PainFields({ pain, map, set, ro, focusName, store }: { pain: PainPoint; map: JourneyMap; set: Setter; ro: boolean; focusName: boolean; store: BoardStore }) {
  const steps = map.stages.flatMap((s) => s.steps.map((x) => [x.id, `${s.name} › ${x.name}`] as const));
  const opps = map.opportunities.filter((o) => o.pain_points.includes(pain.id));
  return (
    <>
      <TextField label="Name" value={pain.name} required readOnly={ro} autoFocus={focusName} hint="Where it hurts, in a short sentence." onCommit={(v) => set({ name: v }, "name")} />
      <TextField label="Description" value={pain.description} multiline readOnly={ro} onCommit={(v) => set({ description: v }, "description")} />
      <div className="field-row">
        <ChoiceField
          label="Impact"
          value={pain.impact}
          readOnly={ro}
          options={(["trivial", "workaround", "abandon"] as const).map((v) => [v, `${IMPACT_MARKS[v]} ${IMPACT_LABEL[v]}${v === "workaround" ? " (needs a workaround)" : v === "abandon" ? " (gives up)" : ""}`] as const)}
          onCommit={(v) => set({ impact: v ?? "workaround" }, "impact")}
        />
        <NumberField
          label="Reach (% of customers)"
          value={pain.reach === null ? null : Math.round(pain.reach * 1000) / 10}
          min={0}
          max={100}
          step={0}
          readOnly={ro}
          onCommit={(v) => set({ reach: v === null ? null : Math.round(v * 10) / 1000 }, "reach")}
        />
      </div>
      <ChoiceField label="At step" value={pain.step ?? ""} readOnly={ro} options={[["", "Not at a step"], ...steps]} onCommit={(v) => set({ step: v || null }, "step")} />
      <Section title="Opportunities that address it">
        <ul className="b-linked">
          {opps.map((o) => (
            <li key={o.id}>
              <button type="button" className="link" onClick={() => store.session.open({ type: "element", kind: "opportunities", id: o.id })}>
                {o.name}
              </button>
            </li>
          ))}
          {!opps.length && <li className="muted">None yet.</li>}
        </ul>
        {!ro && (
          <button type="button" className="mini" aria-label={`Add opportunity for ${quoteName(pain.name)}`} onClick={() => addOpportunity(store, null, pain.id)}>
            + Opportunity for this pain point
          </button>
        )}
      </Section>
    </>
  );
}

function OppFields({ opp, map, set, ro, focusName }: { opp: Opportunity; map: JourneyMap; set: Setter; ro: boolean; focusName: boolean }) {
  const steps = map.stages.flatMap((s) => s.steps.map((x) => ({ id: x.id, name: `${s.name} › ${x.name}` })));
  const pains = map.pain_points.map((p) => ({ id: p.id, name: p.name }));
  return (
    <>
      <TextField label="Name" value={opp.name} required readOnly={ro} autoFocus={focusName} hint="The idea, in a short sentence." onCommit={(v) => set({ name: v }, "name")} />
      <TextField label="Description" value={opp.description} multiline readOnly={ro} onCommit={(v) => set({ description: v }, "description")} />
      <div className="vote-line">
        <VoteButton id={opp.id} name={`opportunity ${quoteName(opp.name)}`} written={opp.votes} />
        <span className="muted">Dot votes: yours and the team's, plus votes written in the map.</span>
      </div>
      <TextField label="Owner team" value={opp.owner} readOnly={ro} onCommit={(v) => set({ owner: v }, "owner")} />
      <div className="field-row">
        <ChoiceField label="Status" value={opp.status} readOnly={ro} options={opts(["idea", "planned", "in_progress", "done"] as const)} onCommit={(v) => set({ status: v ?? "idea" }, "status")} />
        <ChoiceField label="Effort" value={opp.effort} readOnly={ro} options={[["", "—"], ...opts(["xs", "s", "m", "l", "xl"] as const)]} onCommit={(v) => set({ effort: v }, "effort")} />
        <ChoiceField label="Impact" value={opp.impact} readOnly={ro} options={[["", "—"], ...opts(["low", "medium", "high"] as const)]} onCommit={(v) => set({ impact: v }, "impact")} />
      </div>
      <NumberField label="Votes written in the map" value={opp.votes} min={0} step={1} readOnly={ro} hint="E.g. dots counted on paper in a workshop." onCommit={(v) => set({ votes: v ?? 0 }, "votes")} />
      <LinkField label="Pain points it addresses" value={opp.pain_points} options={pains} readOnly={ro} empty="No pain point linked." onCommit={(v) => set({ pain_points: v }, "pain points")} />
      <LinkField label="Steps it changes" value={opp.steps} options={steps} readOnly={ro} empty="No step linked." onCommit={(v) => set({ steps: v }, "steps")} />
    </>
  );
}

// --- comments --------------------------------------------------------------------------------

function authorName(c: Comment): string {
  if (typeof c.author === "string") return c.author;
  return c.author?.name ?? "Someone";
}

export function CommentThread({ target, label, inputRef, title = "Comments", empty = "No open comments." }: { target: string | null; label: string; inputRef?: React.RefObject<HTMLTextAreaElement>; title?: string; empty?: string }) {
  const workspaceId = useWorkspace().state.id;
  const [people, setPeople] = useState<Mentionable[]>([]);
  useEffect(() => {
    let live = true;
    void workspaceMembers(workspaceId).then((m) => live && setPeople(m));
    return () => {
      live = false;
    };
  }, [workspaceId]);
  const comments = useBoard((s) => s.comments);
  const mapId = useBoard((s) => s.map.id);
  const canComment = useBoard((s) => s.canComment);
  const canEdit = useBoard((s) => s.canEdit);
  const store = useStore();
  const meta = useMeta();
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [showResolved, setShowResolved] = useState(false);
  const mine = comments.filter((c) => (target === null ? c.target === null || c.target === mapId : c.target === target));
  const open = mine.filter((c) => !c.resolved);
  const resolved = mine.filter((c) => c.resolved);
  const post = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    if (await store.collaboration.addComment(target, text.trim())) setText("");
    setBusy(false);
  };
  const item = (c: Comment) => {
    const own = meta.me !== null && c.author_id === meta.me;
    return (
      <li key={c.id} className={c.resolved ? "b-comment resolved" : "b-comment"}>
        <div className="comment-head">
          <strong>{authorName(c)}</strong>
          <span className="muted" title={c.created_at}>
            {ago(c.created_at)}
          </span>
          {c.resolved && <span className="b-tag b-tag-plain">Resolved</span>}
        </div>
        <p className="comment-body">
          {withMentions(c.body, people).map((part, i) =>
            part.mention ? (
              <span key={i} className="mention">
                {part.text}
              </span>
            ) : (
              part.text
            ),
          )}
        </p>
        <div className="comment-actions">
          {(own || canEdit) && (
            <button type="button" className="mini" aria-label={c.resolved ? "Reopen comment" : "Resolve comment"} onClick={() => void store.collaboration.resolveComment(c.id, !c.resolved)}>
              {c.resolved ? "Reopen" : "Resolve"}
            </button>
          )}
          {(own || canEdit) && (
            <button type="button" className="mini danger-text" aria-label="Delete comment" onClick={() => void store.collaboration.deleteComment(c.id)}>
              Delete
            </button>
          )}
        </div>
      </li>
    );
  };
  return (
    <section className="b-thread panel-section" aria-label={`Comments on ${label}`}>
      <h3>
        {title} {open.length > 0 && <span className="b-count">{open.length}</span>}
      </h3>
      {open.length === 0 && <p className="muted">{empty}</p>}
      <ul className="b-comments">{open.map(item)}</ul>
      {resolved.length > 0 && (
        <button type="button" className="link" aria-expanded={showResolved} onClick={() => setShowResolved(!showResolved)}>
          {showResolved ? "Hide" : "Show"} {resolved.length} resolved
        </button>
      )}
      {showResolved && <ul className="b-comments">{resolved.map(item)}</ul>}
      {canComment && (
        <form className="comment-form" onSubmit={post}>
          <MentionBox
            workspaceId={workspaceId}
            textareaRef={inputRef}
            value={text}
            maxLength={10000}
            rows={3}
            aria-label={`Write a comment on ${label}`}
            placeholder="Write a comment… @name notifies a member (Ctrl+Enter posts it)"
            onValue={setText}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void post();
              if (e.key === "Escape") {
                e.preventDefault();
                (e.target as HTMLElement).blur();
              }
            }}
          />
          <button type="submit" className="primary" disabled={busy || !text.trim()}>
            Post comment
          </button>
        </form>
      )}
    </section>
  );
}

function CommentsPanel() {
  const comments = useBoard((s) => s.comments);
  const map = useBoard((s) => s.map);
  const store = useStore();
  const targets = useMemo(() => {
    const seen = new Map<string, number>();
    for (const c of comments) if (c.target && c.target !== map.id && !c.resolved) seen.set(c.target, (seen.get(c.target) ?? 0) + 1);
    return Array.from(seen.entries());
  }, [comments, map.id]);
  const kindOf = (id: string): ElementKind | null => {
    for (const k of ["stages", "steps", "pain_points", "opportunities", "evidence"] as ElementKind[]) if (findElement(map, k, id)) return k;
    return null;
  };
  return (
    <>
      <PanelHeader title="Comments" subtitle={map.name} />
      <div className="panel-body">
        {targets.length > 0 && (
          <Section title="On the map's elements">
            <ul className="b-linked">
              {targets.map(([id, n]) => {
                const k = kindOf(id);
                const el = k ? findElement(map, k, id) : null;
                return (
                  <li key={id}>
                    {k ? (
                      <button type="button" className="link" onClick={() => store.session.open({ type: "element", kind: k, id, focus: "comments" })}>
                        {kindText(KIND_LABELS[k])} {quoteName(String(el?.name ?? id))}
                      </button>
                    ) : (
                      <span className="muted">A removed element</span>
                    )}{" "}
                    <span className="b-count">{n}</span>
                  </li>
                );
              })}
            </ul>
          </Section>
        )}
        {/* With open threads on elements above, "No open comments" would contradict them. */}
        <CommentThread
          target={null}
          label={`the map ${quoteName(map.name)}`}
          title={targets.length > 0 ? "On the map itself" : "Comments"}
          empty={targets.length > 0 ? "None on the map itself." : "No open comments."}
        />
      </div>
    </>
  );
}

// --- findings ---------------------------------------------------------------------------------

function FindingsPanel() {
  const findings = useBoard((s) => s.findings);
  const map = useBoard((s) => s.map);
  const store = useStore();
  const [severity, setSeverity] = useState<string>("all");
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const f of findings) c[f.severity] = (c[f.severity] ?? 0) + 1;
    return c;
  }, [findings]);
  const shown = findings.filter((f) => severity === "all" || f.severity === severity);
  const show = (f: Finding) => {
    if (f.step_id && findStep(map, f.step_id)) {
      store.session.select("steps", f.step_id);
      focusStep(store, f.step_id);
    } else if (f.stage_id && map.stages.some((s) => s.id === f.stage_id)) {
      store.session.select("stages", f.stage_id);
      focusStage(store, f.stage_id);
    }
  };
  return (
    <>
      <PanelHeader title="Findings" subtitle="Analysis of this map" />
      <div className="panel-body">
        <div className="filter-row" role="group" aria-label="Show findings by severity">
          {["all", "high", "medium", "low", "info"]
            .filter((s) => s === "all" || counts[s])
            .map((s) => (
              <button key={s} type="button" className={severity === s ? "chip-toggle on" : "chip-toggle"} aria-pressed={severity === s} onClick={() => setSeverity(s)}>
                {s === "all" ? `All ${findings.length}` : `${SEVERITY_LABEL[s]} ${counts[s]}`}
              </button>
            ))}
          <span className="spacer" />
          <button type="button" className="mini" onClick={() => void store.analysis.load()}>
            Refresh
          </button>
        </div>
        {findings.length === 0 && <p className="muted">Nothing found: no sentiment drops, gaps or unsupported claims stand out.</p>}
        <ol className="b-findings">
          {shown
            .slice()
            .sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3))
            .map((f, i) => (
              <li key={i} className={`b-finding sev-${f.severity}`}>
                <div className="finding-head">
                  <span className={`sev-badge sev-${f.severity}`}>{SEVERITY_LABEL[f.severity] ?? f.severity}</span>
                  <strong>{kindText(f.kind)}</strong>
                </div>
                {(f.stage || f.step) && (
                  <div className="finding-where muted">
                    {[f.stage, f.step].filter(Boolean).join(" › ")}
                    {f.persona ? ` · ${f.persona}` : ""}
                  </div>
                )}
                <p>{f.message}</p>
                {f.suggestion && <p className="finding-suggestion">{f.suggestion}</p>}
                {(f.step_id || f.stage_id) && (
                  <button type="button" className="link" onClick={() => show(f)}>
                    Show on the map
                  </button>
                )}
              </li>
            ))}
        </ol>
      </div>
    </>
  );
}

