// One step's column of the grid: the step card, then one cell per lane. Each piece is
// memoised on the objects it shows, so an edit redraws only the column it touches.
import { memo, useEffect, useState, type KeyboardEvent, type MouseEvent, type PointerEvent, type Ref } from "react";
import { MeasuredCell } from "./measured";
import type { Opportunity, PainPoint, Step } from "../types";
import { label as labelOf } from "../components/words";
import {
  addOpportunity, addPainPoint, deleteElement, focusStep, nudgeStep, updateElement,
} from "./actions";
import { CommentButton, FindingMarker, InlineEditor, VoteButton } from "./controls";
import {
  channelIcon, channelLabel, CHANNEL_CHOICES, Icon, IMPACT_LABEL, IMPACT_MARKS, KIND_LABEL, laneTitle, percent, quoteName, safeImageUrl,
} from "./appearance";
import { EMPTY_FINDINGS, useBoard, useStore } from "./store";
import { EvidenceBadge } from "./EvidenceBadge";

/** What dnd-kit hands the card: its handle for the keyboard, and pointer-down for the mouse. */
export interface DragHandle {
  setRef: Ref<HTMLButtonElement>;
  attributes: Record<string, unknown>;
  onKeyDown?: (e: KeyboardEvent) => void;
  onPointerDown?: (e: PointerEvent) => void;
}

/** The ⋮⋮ handle that picks up a step or a stage: Space and arrows (dnd-kit's keyboard
 * sensor), Alt + ← / → to move it one place at once, or the mouse. */
export function HandleButton({ handle, what, onNudge, pointer }: {
  handle: DragHandle; what: string; onNudge: (by: -1 | 1) => void; pointer?: boolean;
}) {
  return (
    <button
      type="button"
      ref={handle.setRef}
      className="drag-handle"
      {...handle.attributes}
      aria-label={`Move ${what} (Space to pick up, arrows to move, Space to drop; or Alt+Arrow)`}
      onKeyDown={(e) => {
        if (e.altKey && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
          e.preventDefault();
          e.stopPropagation();
          onNudge(e.key === "ArrowLeft" ? -1 : 1);
          return;
        }
        handle.onKeyDown?.(e);
      }}
      onPointerDown={pointer ? (e) => handle.onPointerDown?.(e) : undefined}
    >
      <svg viewBox="0 0 10 16" width="8" height="13" aria-hidden="true" focusable="false">
        {[3, 8, 13].map((y) => [2.5, 7.5].map((x) => <circle key={`${x}-${y}`} cx={x} cy={y} r="1.3" fill="currentColor" />))}
      </svg>
    </button>
  );
}

/** Whether an element's name is being edited in place; starts when the board asks for it
 * (F2, a new element) and the map can be edited. */
export function useRenaming(id: string, canEdit: boolean): [boolean, (on: boolean) => void] {
  const store = useStore();
  const request = useBoard((s) => (s.editRequest?.id === id ? s.editRequest : null));
  const [renaming, setRenaming] = useState(false);
  useEffect(() => {
    if (request?.field === "name" && canEdit) {
      setRenaming(true);
      store.session.clearEditRequest();
    }
  }, [request, canEdit, store]);
  return [renaming, setRenaming];
}

/** Click and keys of a lane card: click, Enter or Space open it; Delete removes it. */
function cardHandlers(open: () => void, remove: (() => void) | null) {
  return {
    onClick: (e: MouseEvent<HTMLElement>) => {
      if (!fromInput(e.target)) open();
    },
    onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
      if (e.target !== e.currentTarget) return;
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        open();
      } else if (e.key === "Delete" && remove) {
        e.preventDefault();
        remove();
      }
    },
  };
}

/** An empty cell that can be filled from the keyboard: a button; Enter or Space starts adding. */
function addable(name: string, start: () => void) {
  return {
    role: "button",
    tabIndex: 0,
    "aria-label": name,
    onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
      if (e.target === e.currentTarget && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        start();
      }
    },
  };
}

function fromInput(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && !!target.closest("input, textarea, select, button, a, [contenteditable], .no-drag");
}

// --- the step card ----------------------------------------------------------------------

export const StepCard = memo(function StepCard({ step, number, assumption, handle, overlay }: {
  step: Step; number: number; assumption: boolean; handle?: DragHandle; overlay?: boolean;
}) {
  const store = useStore();
  const selected = useBoard((s) => s.selection?.id === step.id);
  const canEdit = useBoard((s) => s.canEdit);
  const findings = useBoard((s) => s.findingsByStep.get(step.id) ?? EMPTY_FINDINGS);
  const stepNames = useBoard((s) => (step.branches.length ? s.derived.stepNames : null));
  const [renaming, setRenaming] = useRenaming(step.id, canEdit);
  const name = quoteName(step.name);
  const open = () => store.session.open({ type: "element", kind: "steps", id: step.id });
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.target !== e.currentTarget) return;
    if (e.altKey && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
      e.preventDefault();
      if (canEdit) nudgeStep(store, step.id, e.key === "ArrowLeft" ? -1 : 1);
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      open();
    } else if (e.key === "F2" && canEdit) {
      e.preventDefault();
      setRenaming(true);
    } else if (e.key === "Delete" && canEdit) {
      e.preventDefault();
      const cards = Array.from(document.querySelectorAll<HTMLElement>(".board-grid [data-step-id]"));
      const i = cards.indexOf(e.currentTarget);
      const neighbour = cards[i + 1] ?? cards[i - 1];
      deleteElement(store, "steps", step.id);
      if (neighbour?.dataset.stepId) focusStep(store, neighbour.dataset.stepId);
    }
  };
  return (
    <article
      className={`step-card kind-${step.kind}${selected ? " selected" : ""}${assumption ? " assumption" : ""}${overlay ? " overlay" : ""}`}
      data-step-id={overlay ? undefined : step.id}
      tabIndex={overlay ? undefined : 0}
      aria-label={`Step ${number}: ${step.name} (${KIND_LABEL[step.kind]})`}
      onClick={(e) => {
        if (!fromInput(e.target)) open();
      }}
      onDoubleClick={(e) => {
        if (canEdit && !fromInput(e.target)) setRenaming(true);
      }}
      onKeyDown={onKeyDown}
      onPointerDown={(e) => {
        if (!fromInput(e.target) && !renaming) handle?.onPointerDown?.(e);
      }}
    >
      <div className="card-top">
        {handle && <HandleButton handle={handle} what={`step ${name}`} pointer onNudge={(by) => nudgeStep(store, step.id, by)} />}
        <span className={`kind-tag kind-${step.kind}`}>
          <Icon name={step.kind} size={13} />
          {KIND_LABEL[step.kind]}
        </span>
        <span className="spacer" />
        <FindingMarker findings={findings} where={`step ${name}`} />
        <span className="step-number" aria-hidden="true">
          {number}
        </span>
      </div>
      {renaming ? (
        <InlineEditor
          initial={step.name}
          label={`Name of step ${number}`}
          required
          className="step-name-editor"
          onCommit={(text) => {
            setRenaming(false);
            if (text && text !== step.name) updateElement(store, "steps", step.id, { name: text }, "name");
            focusStep(store, step.id);
          }}
          onCancel={() => {
            setRenaming(false);
            focusStep(store, step.id);
          }}
        />
      ) : (
        <h3 className="step-name" title={step.description ?? undefined}>
          {step.name}
        </h3>
      )}
      {step.kind === "decision" && step.branches.length > 0 && (
        <ul className="branches" aria-label="Paths">
          {step.branches.slice(0, 4).map((b, i) => (
            <li key={i}>
              ↳ {b.label} → {b.to ? stepNames?.get(b.to) ?? b.to : "end of journey"}
            </li>
          ))}
          {step.branches.length > 4 && <li className="muted">+{step.branches.length - 4} more paths</li>}
        </ul>
      )}
      {(step.moment_of_truth || step.zone === "backstage" || !overlay) && (
        <div className="b-badges">
          {step.moment_of_truth && <span className="b-tag b-tag-moment">★ Moment of truth</span>}
          {step.zone === "backstage" && <span className="b-tag b-tag-backstage">Backstage</span>}
          {!overlay && <EvidenceBadge kind="steps" id={step.id} name={`step ${name}`} />}
        </div>
      )}
      {!overlay && (
        <div className="card-actions">
          <CommentButton kind="steps" id={step.id} name={`step ${name}`} />
          {canEdit && (
            <button type="button" className="mini" aria-label={`Edit step ${name}`} title="Edit all fields (Enter)" onClick={(e) => {
              e.stopPropagation();
              open();
            }}>
              Edit
            </button>
          )}
          {canEdit && (
            <button type="button" className="mini danger-text" aria-label={`Delete step ${name}`} title="Delete (Del)" onClick={(e) => {
              e.stopPropagation();
              deleteElement(store, "steps", step.id);
            }}>
              Delete
            </button>
          )}
        </div>
      )}
    </article>
  );
});

// --- text lanes ------------------------------------------------------------------------------

type TextField = "does" | "touchpoint" | "channel" | "thinks" | "feels" | "notes" | "image";

const FIELD_OF_LANE: Record<string, TextField> = {
  actions: "does", touchpoints: "touchpoint", channels: "channel", thinks: "thinks", feels: "feels", notes: "notes", images: "image",
};
const LANE_ICON: Record<string, string> = { touchpoints: "touchpoint", feels: "feels", notes: "notes" };

function channelValue(text: string): string {
  const match = CHANNEL_CHOICES.find(([key, words]) => words.toLowerCase() === text.toLowerCase() || key === text.toLowerCase());
  return match ? match[0] : text;
}

/** A step's text in one lane: click (or Enter) to edit it where it is. */
const TextLane = memo(function TextLane({ step, lane, title, canEdit }: { step: Step; lane: string; title: string; canEdit: boolean }) {
  const store = useStore();
  const custom = !(lane in FIELD_OF_LANE);
  const field = FIELD_OF_LANE[lane];
  const value = (custom ? step.lanes[lane] : (step[field] as string | null)) ?? "";
  const [editing, setEditing] = useState(false);
  const where = `${title} at ${quoteName(step.name)}`;
  if (lane === "actions" && step.zone === "backstage") return <div className="b-cell" />;
  const commit = (text: string | null) => {
    setEditing(false);
    let next = text;
    if (next && field === "channel") next = channelValue(next);
    if ((next ?? "") === value) return;
    if (custom) {
      const lanes = { ...step.lanes };
      if (next) lanes[lane] = next;
      else delete lanes[lane];
      updateElement(store, "steps", step.id, { lanes }, title.toLowerCase());
    } else updateElement(store, "steps", step.id, { [field]: next }, title.toLowerCase());
  };
  if (editing)
    return (
      <div className="b-cell editing">
        <InlineEditor
          initial={field === "channel" && value ? channelLabel(value) : value}
          label={where}
          multiline={field !== "channel" && field !== "image" && field !== "touchpoint"}
          list={field === "channel" ? "board-channels" : undefined}
          onCommit={commit}
          onCancel={() => setEditing(false)}
        />
      </div>
    );
  if (!value)
    return (
      <div
        className={canEdit ? "b-cell empty addable" : "b-cell empty"}
        data-add={`+ ${title}`}
        onClick={canEdit ? () => setEditing(true) : undefined}
        title={canEdit ? `Add ${title.toLowerCase()} at ${quoteName(step.name)}` : undefined}
        {...(canEdit ? addable(`Add ${title.toLowerCase()} at ${quoteName(step.name)}`, () => setEditing(true)) : {})}
      />
    );
  const shown = field === "channel" ? channelLabel(value) : value;
  let body;
  if (field === "image") {
    const src = safeImageUrl(value);
    body = src ? (
      <img src={src} alt={`Image for step ${quoteName(step.name)}`} loading="lazy" className="lane-image" referrerPolicy="no-referrer" />
    ) : (
      <span className="muted b-small">Image not shown: only data:, https: and relative addresses are drawn.</span>
    );
  } else if (field === "thinks") body = <span className="lane-text">“{shown}”</span>;
  else
    body = (
      <>
        {field === "channel" ? <Icon name={channelIcon(value)} size={15} className="lane-icon" /> : LANE_ICON[lane] && <Icon name={LANE_ICON[lane]} size={15} className="lane-icon" />}
        <span className="lane-text">{shown}</span>
      </>
    );
  return (
    <div className={`b-cell lane-${custom ? "custom" : lane}`}>
      <div
        className={`lane-card lane-card-${custom ? "custom" : lane}`}
        role={canEdit ? "button" : undefined}
        tabIndex={canEdit ? 0 : undefined}
        aria-label={canEdit ? `${where}: ${shown}. Press Enter to edit` : undefined}
        title={canEdit ? "Click to edit" : undefined}
        onClick={canEdit ? () => setEditing(true) : undefined}
        onKeyDown={
          canEdit
            ? (e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  setEditing(true);
                } else if (e.key === "Delete") {
                  e.preventDefault();
                  commit(null);
                }
              }
            : undefined
        }
      >
        {body}
      </div>
      {canEdit && (
        <button type="button" className="cell-clear" aria-label={`Clear ${where}`} title="Clear" onClick={() => commit(null)}>
          ×
        </button>
      )}
    </div>
  );
});

// --- pain points and opportunities ----------------------------------------------------------

const PainCard = memo(function PainCard({ pain, assumption }: { pain: PainPoint; assumption: boolean }) {
  const store = useStore();
  const selected = useBoard((s) => s.selection?.id === pain.id);
  const canEdit = useBoard((s) => s.canEdit);
  const reach = percent(pain.reach);
  const open = () => store.session.open({ type: "element", kind: "pain_points", id: pain.id });
  return (
    <div
      className={`pain-card impact-${pain.impact}${assumption ? " assumption" : ""}${selected ? " selected" : ""}`}
      data-pain-id={pain.id}
      role="article"
      tabIndex={0}
      aria-label={`Pain point (${IMPACT_LABEL[pain.impact]}${reach ? `, ${reach} reach` : ""}): ${pain.name}`}
      {...cardHandlers(open, canEdit ? () => deleteElement(store, "pain_points", pain.id) : null)}
    >
      <div className="card-badges">
        <span className={`impact-badge impact-${pain.impact}`}>
          <span aria-hidden="true">{IMPACT_MARKS[pain.impact]}</span> {IMPACT_LABEL[pain.impact]}
        </span>
        {reach && <span className="b-tag b-tag-plain">{reach} reach</span>}
        <EvidenceBadge kind="pain_points" id={pain.id} name={`pain point ${quoteName(pain.name)}`} />
      </div>
      <CommentButton kind="pain_points" id={pain.id} name={`pain point ${quoteName(pain.name)}`} />
      <div className="pain-text">{pain.name}</div>
    </div>
  );
});

const OppCard = memo(function OppCard({ opp }: { opp: Opportunity }) {
  const store = useStore();
  const selected = useBoard((s) => s.selection?.id === opp.id);
  const canEdit = useBoard((s) => s.canEdit);
  const open = () => store.session.open({ type: "element", kind: "opportunities", id: opp.id });
  const extra = [labelOf(opp.status), opp.effort ? `effort ${opp.effort.toUpperCase()}` : "", opp.impact ? `impact ${opp.impact}` : ""].filter(Boolean);
  return (
    <div
      className={`opp-card status-${opp.status}${selected ? " selected" : ""}`}
      data-opportunity-id={opp.id}
      role="article"
      tabIndex={0}
      aria-label={`Opportunity: ${opp.name} (${extra.join(", ")}${opp.owner ? `, owner ${opp.owner}` : ""})`}
      {...cardHandlers(open, canEdit ? () => deleteElement(store, "opportunities", opp.id) : null)}
    >
      <div className="opp-head">
        <Icon name="opportunity" size={15} className="opp-icon" />
        <div className="opp-text">{opp.name}</div>
      </div>
      <div className="opp-meta">
        <VoteButton id={opp.id} name={`opportunity ${quoteName(opp.name)}`} written={opp.votes} />
        {opp.owner && <span className="opp-owner">{opp.owner}</span>}
      </div>
      <CommentButton kind="opportunities" id={opp.id} name={`opportunity ${quoteName(opp.name)}`} />
      <div className="opp-extra">{extra.join(" · ")}</div>
    </div>
  );
});

const PainLane = memo(function PainLane({ step, pains, evidenced, canEdit }: { step: Step; pains: PainPoint[] | undefined; evidenced: Set<string>; canEdit: boolean }) {
  const store = useStore();
  return (
    <div className="b-cell b-cards">
      {pains?.map((p) => <PainCard key={p.id} pain={p} assumption={!evidenced.has(p.id)} />)}
      {canEdit && (
        <button type="button" className="cell-add" aria-label={`Add pain point at ${quoteName(step.name)}`} onClick={() => addPainPoint(store, step.id)}>
          + Pain point
        </button>
      )}
    </div>
  );
});

const OppLane = memo(function OppLane({ step, opps, canEdit }: { step: Step; opps: Opportunity[] | undefined; canEdit: boolean }) {
  const store = useStore();
  return (
    <div className="b-cell b-cards">
      {opps?.map((o) => <OppCard key={o.id} opp={o} />)}
      {canEdit && (
        <button type="button" className="cell-add" aria-label={`Add opportunity at ${quoteName(step.name)}`} onClick={() => addOpportunity(store, step.id)}>
          + Opportunity
        </button>
      )}
    </div>
  );
});

// --- backstage, metrics ----------------------------------------------------------------------

const BackstageLane = memo(function BackstageLane({ step, canEdit }: { step: Step; canEdit: boolean }) {
  const store = useStore();
  const [editing, setEditing] = useState<"does" | "actors" | null>(null);
  const backstage = step.zone === "backstage";
  const text = backstage ? step.does || step.description || step.name : "";
  const actors = step.actors.join(", ");
  return (
    <div className="b-cell backstage-cell">
      {backstage &&
        (editing === "does" ? (
          <InlineEditor
            initial={step.does ?? ""}
            label={`What happens backstage at ${quoteName(step.name)}`}
            onCommit={(t) => {
              setEditing(null);
              if ((t ?? "") !== (step.does ?? "")) updateElement(store, "steps", step.id, { does: t }, "backstage action");
            }}
            onCancel={() => setEditing(null)}
          />
        ) : (
          <div
            className="backstage-card"
            role={canEdit ? "button" : undefined}
            tabIndex={canEdit ? 0 : undefined}
            aria-label={canEdit ? `Backstage at ${quoteName(step.name)}: ${text}. Press Enter to edit` : undefined}
            onClick={canEdit ? () => setEditing("does") : undefined}
            onKeyDown={canEdit ? (e) => e.key === "Enter" && (e.preventDefault(), setEditing("does")) : undefined}
          >
            {text}
          </div>
        ))}
      {editing === "actors" ? (
        <InlineEditor
          initial={actors}
          multiline={false}
          label={`Actors and teams at ${quoteName(step.name)} (comma-separated)`}
          onCommit={(t) => {
            setEditing(null);
            const list = (t ?? "").split(",").map((x) => x.trim()).filter(Boolean);
            if (list.join(", ") !== actors) updateElement(store, "steps", step.id, { actors: list }, "actors");
          }}
          onCancel={() => setEditing(null)}
        />
      ) : actors ? (
        <div
          className="actors"
          role={canEdit ? "button" : undefined}
          tabIndex={canEdit ? 0 : undefined}
          aria-label={canEdit ? `Actors at ${quoteName(step.name)}: ${actors}. Press Enter to edit` : undefined}
          onClick={canEdit ? () => setEditing("actors") : undefined}
          onKeyDown={canEdit ? (e) => e.key === "Enter" && (e.preventDefault(), setEditing("actors")) : undefined}
        >
          <Icon name="face_to_face" size={14} className="lane-icon" />
          <span>{actors}</span>
        </div>
      ) : (
        canEdit && (
          <div
            className="cell-fill addable"
            data-add="+ Actors"
            onClick={() => setEditing("actors")}
            title={`Add actors at ${quoteName(step.name)}`}
            {...addable(`Add actors and teams at ${quoteName(step.name)}`, () => setEditing("actors"))}
          />
        )
      )}
    </div>
  );
});

function metricLines(step: Step): string[] {
  const lines = step.metrics.map((m) => {
    const value = m.value === null || m.value === undefined ? "" : `${m.value}${m.unit ?? ""}`;
    const target = m.target !== null && m.target !== undefined ? ` (target ${m.target}${m.unit ?? ""})` : "";
    return `${m.name}: ${value || "—"}${target}`;
  });
  const m = step.measured;
  if (m) {
    if (m.units !== null) lines.push(`Reach: ${m.units.toLocaleString()} ${m.unit ?? "units"}${m.share !== null ? ` (${percent(m.share)})` : ""}`);
    if (m.conversion !== null) lines.push(`Conversion: ${percent(m.conversion)}`);
    if (m.dropoff !== null) lines.push(`Drop-off: ${percent(m.dropoff)}`);
  }
  return lines;
}

const MetricsLane = memo(function MetricsLane({ step }: { step: Step }) {
  const lines = metricLines(step);
  if (!lines.length) return <div className="b-cell" />;
  return (
    <div className="b-cell metrics-cell">
      <Icon name="metrics" size={14} className="lane-icon" />
      <ul>
        {lines.slice(0, 6).map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
    </div>
  );
});

// --- the column -------------------------------------------------------------------------------

export interface ColumnProps {
  step: Step;
  number: number;
  lanes: string[];
  laneNames: Map<string, string>;
  pains: PainPoint[] | undefined;
  opps: Opportunity[] | undefined;
  evidenced: Set<string>;
  canEdit: boolean;
  handle?: DragHandle;
}

/** The cells of one step's column, in lane order (the grid's subgrid rows line them up). */
export const ColumnCells = memo(function ColumnCells({ step, number, lanes, laneNames, pains, opps, evidenced, canEdit, handle }: ColumnProps) {
  return (
    <>
      <div className="b-cell card-cell">
        <StepCard step={step} number={number} assumption={!evidenced.has(step.id)} handle={handle} />
      </div>
      {lanes.map((lane) => {
        switch (lane) {
          case "sentiment":
            return <div key={lane} className="b-cell sentiment-cell" />;
          case "pain_points":
            return <PainLane key={lane} step={step} pains={pains} evidenced={evidenced} canEdit={canEdit} />;
          case "opportunities":
            return <OppLane key={lane} step={step} opps={opps} canEdit={canEdit} />;
          case "backstage":
            return <BackstageLane key={lane} step={step} canEdit={canEdit} />;
          case "metrics":
            return <MetricsLane key={lane} step={step} />;
          case "measured":
            return <MeasuredCell key={lane} step={step} />;
          default:
            return <TextLane key={lane} step={step} lane={lane} title={laneTitle(lane, laneNames)} canEdit={canEdit} />;
        }
      })}
    </>
  );
});
