// The map as a grid, laid out like the rendered map: stages as column groups (a header over
// their steps), one column per step, lanes as rows. Each step column is one element spanning
// every row (CSS subgrid), so a column is one memoised component and rows still line up.
// Steps are dragged within and between stages, stages reordered (dnd-kit, with its keyboard
// sensor); Alt+←/→ moves a focused step or stage too.
import { EvidenceBadge } from "./EvidenceBadge";
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from "react";
import { MeasuredControls } from "./measured";
import {
  closestCenter, DndContext, DragOverlay, KeyboardSensor, PointerSensor, pointerWithin, useDroppable, useSensor, useSensors,
  type Announcements, type CollisionDetection, type DragEndEvent, type DragStartEvent, type KeyboardCoordinateGetter, type UniqueIdentifier,
} from "@dnd-kit/core";
import { arrayMove, horizontalListSortingStrategy, SortableContext, sortableKeyboardCoordinates, useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import type { Opportunity, PainPoint, Stage } from "../types";
import { plural } from "../components/words";
import { addStage, addStep, deleteElement, focusStage, moveStage, moveStep, nudgeStage, updateElement } from "./actions";
import { CommentButton, FindingMarker, InlineEditor } from "./controls";
import { ColumnCells, HandleButton, StepCard, useRenaming, type DragHandle } from "./cells";
import { useMeta } from "./context";
import { CHANNEL_CHOICES, GRID, Icon, LANE_TITLES, laneTitle, quoteName } from "./appearance";
import { jumpToStage, StickyHeads, useHeadersGone, useZoom, ZoomControls } from "./viewport";
import { SentimentAxis, SentimentLayer, seriesOf } from "./Sentiment";
import { estimateRows } from "./measure";
import { useKeyboardGrid } from "./keyboardGrid";
import { EMPTY_FINDINGS, useBoard, useStore, type Column } from "./store";

/** Maps with more step columns than this draw only the columns near the viewport. */
export const WINDOW_FROM = 48;
const OVERSCAN = 4;
const CHUNK = 4;

interface StageSpan { stage: Stage; index: number; start: number; span: number }

interface Layout {
  spans: StageSpan[];
  /** Grid column slot (0-based, after the label column) of each step. */
  slotOf: Map<string, number>;
  slots: number;
}

function layoutOf(stages: Stage[]): Layout {
  const spans: StageSpan[] = [];
  const slotOf = new Map<string, number>();
  let slot = 0;
  stages.forEach((stage, index) => {
    const start = slot;
    if (stage.steps.length === 0) slot += 1;
    for (const step of stage.steps) slotOf.set(step.id, slot++);
    spans.push({ stage, index, start, span: slot - start });
  });
  return { spans, slotOf, slots: slot };
}

/** The lanes to draw, in the map's order (each once). */
export function lanesOf(lanes: string[]): string[] {
  return Array.from(new Set(lanes.map((l) => l.trim()).filter(Boolean)));
}

const noMove = () => null;

/**
 * Arrow keys while dragging: the next step column (or empty stage) for a step, the next stage
 * for a stage; never the headers a step passes under.
 */
const keyboardCoordinates: KeyboardCoordinateGetter = (event, args) => {
  const all = args.context.droppableContainers;
  const wanted = args.context.active?.data.current?.type === "stage" ? ["stage"] : ["step", "slot"];
  const only = {
    getEnabled: () => all.getEnabled().filter((c) => wanted.includes(c.data.current?.type)),
    get: (id: UniqueIdentifier) => all.get(id),
  } as unknown as typeof all;
  return sortableKeyboardCoordinates(event, { ...args, context: { ...args.context, droppableContainers: only } });
};

// --- stage headers --------------------------------------------------------------------------

interface StageHeadProps {
  span: StageSpan;
  assumption: boolean;
  canEdit: boolean;
  sortable: boolean;
}

const StageHead = memo(function StageHead({ span, assumption, canEdit, sortable }: StageHeadProps) {
  if (sortable) return <SortableStageHead span={span} assumption={assumption} canEdit={canEdit} sortable />;
  return <StageHeadView span={span} assumption={assumption} canEdit={canEdit} sortable={false} />;
});

function SortableStageHead(props: StageHeadProps) {
  const { stage } = props.span;
  const { setNodeRef, setActivatorNodeRef, attributes, listeners, isDragging, isOver, active } = useSortable({ id: stage.id, data: { type: "stage", stageId: stage.id } });
  const handle = useMemo<DragHandle>(
    () => ({ setRef: setActivatorNodeRef, attributes: attributes as unknown as Record<string, unknown>, onKeyDown: listeners?.onKeyDown as DragHandle["onKeyDown"], onPointerDown: listeners?.onPointerDown as DragHandle["onPointerDown"] }),
    [setActivatorNodeRef, attributes, listeners],
  );
  const dropping = isOver && active?.id !== stage.id;
  return <StageHeadView {...props} nodeRef={setNodeRef} handle={handle} dragging={isDragging} dropping={dropping} />;
}

function StageHeadView({ span, assumption, canEdit, nodeRef, handle, dragging, dropping }: StageHeadProps & {
  nodeRef?: (el: HTMLElement | null) => void; handle?: DragHandle; dragging?: boolean; dropping?: boolean;
}) {
  const { stage, index, start, span: width } = span;
  const store = useStore();
  const selected = useBoard((s) => s.selection?.id === stage.id);
  const findings = useBoard((s) => s.findingsByStage.get(stage.id) ?? EMPTY_FINDINGS);
  const [renaming, setRenaming] = useRenaming(stage.id, canEdit);
  const name = quoteName(stage.name);
  const open = () => store.session.open({ type: "element", kind: "stages", id: stage.id });
  const style: CSSProperties = { gridColumn: `${start + 2} / span ${width}`, gridRow: 1 };
  return (
    <header
      ref={nodeRef}
      className={`stage-head stage-par-${index % 2}${selected ? " selected" : ""}${dragging ? " dragging" : ""}${dropping ? " drop-target" : ""}${assumption ? " assumption" : ""}`}
      style={style}
      data-stage-id={stage.id}
      data-slot={start}
      data-span={width}
      tabIndex={0}
      aria-label={`Stage ${index + 1}: ${stage.name}`}
      onClick={(e) => {
        if (!(e.target as HTMLElement).closest("button, input, textarea")) open();
      }}
      onDoubleClick={(e) => {
        if (canEdit && !(e.target as HTMLElement).closest("button, input, textarea")) setRenaming(true);
      }}
      onPointerDown={(e) => {
        if (!(e.target as HTMLElement).closest("button, input, textarea") && !renaming) handle?.onPointerDown?.(e);
      }}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return;
        if (e.altKey && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
          e.preventDefault();
          if (canEdit) nudgeStage(store, stage.id, e.key === "ArrowLeft" ? -1 : 1);
        } else if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          open();
        } else if (e.key === "F2" && canEdit) {
          e.preventDefault();
          setRenaming(true);
        } else if (e.key === "Delete" && canEdit) {
          e.preventDefault();
          deleteElement(store, "stages", stage.id);
        }
      }}
    >
      <div className="stage-inner">
      <div className="stage-top">
        {handle && <HandleButton handle={handle} what={`stage ${name}`} onNudge={(by) => nudgeStage(store, stage.id, by)} />}
        {renaming ? (
          <InlineEditor
            initial={stage.name}
            label={`Name of stage ${index + 1}`}
            required
            multiline={false}
            className="stage-name-editor"
            onCommit={(text) => {
              setRenaming(false);
              if (text && text !== stage.name) updateElement(store, "stages", stage.id, { name: text }, "name");
              focusStage(store, stage.id);
            }}
            onCancel={() => {
              setRenaming(false);
              focusStage(store, stage.id);
            }}
          />
        ) : (
          <h2 className="stage-name">{stage.name}</h2>
        )}
        <span className="spacer" />
        <FindingMarker findings={findings} where={`stage ${name}`} />
        <CommentButton kind="stages" id={stage.id} name={`stage ${name}`} />
      </div>
      {stage.duration && <div className="stage-meta">Duration: {stage.duration}</div>}
      {stage.goal && (
        <div className="stage-goal">
          <span className="stage-key">Goal:</span> {stage.goal}
        </div>
      )}
      {stage.expectations.length > 0 && <div className="stage-meta">Expects: {stage.expectations.join("; ")}</div>}
      <div className="b-badges"><EvidenceBadge kind="stages" id={stage.id} name={`stage ${stage.name}`} /></div>
      {canEdit && (
        <div className="stage-actions">
          <button type="button" className="mini" aria-label={`Add step to stage ${name}`} onClick={() => addStep(store, stage.id)}>
            + Step
          </button>
          <button type="button" className="mini" aria-label={`Edit stage ${name}`} onClick={open}>
            Edit
          </button>
          <button type="button" className="mini" aria-label={`Add stage after ${name}`} onClick={() => addStage(store, index + 1)}>
            + Stage after
          </button>
          <button type="button" className="mini danger-text" aria-label={`Delete stage ${name}`} onClick={() => deleteElement(store, "stages", stage.id)}>
            Delete
          </button>
        </div>
      )}
      </div>
    </header>
  );
}

// --- step columns -------------------------------------------------------------------------------

interface ColumnSlotProps {
  col: Column;
  slot: number;
  rows: number;
  lanes: string[];
  laneNames: Map<string, string>;
  pains: PainPoint[] | undefined;
  opps: Opportunity[] | undefined;
  evidenced: Set<string>;
  canEdit: boolean;
  firstInStage: boolean;
}

function columnStyle(slot: number, rows: number): CSSProperties {
  return { gridColumn: slot + 2, gridRow: `2 / span ${rows}` };
}

const SortableColumn = memo(function SortableColumn({ col, slot, rows, firstInStage, ...rest }: ColumnSlotProps) {
  const { step, stageIndex, index } = col;
  const { setNodeRef, setActivatorNodeRef, attributes, listeners, transform, transition, isDragging } = useSortable({ id: step.id, data: { type: "step", stageId: col.stage.id } });
  const handle = useMemo<DragHandle>(
    () => ({ setRef: setActivatorNodeRef, attributes: attributes as unknown as Record<string, unknown>, onKeyDown: listeners?.onKeyDown as DragHandle["onKeyDown"], onPointerDown: listeners?.onPointerDown as DragHandle["onPointerDown"] }),
    [setActivatorNodeRef, attributes, listeners],
  );
  const style = { ...columnStyle(slot, rows), transform: CSS.Translate.toString(transform ? { ...transform, y: 0 } : null), transition };
  return (
    <div ref={setNodeRef} className={`step-col stage-par-${stageIndex % 2}${firstInStage ? " first" : ""}${isDragging ? " dragging" : ""}`} style={style} data-step-column={step.id} data-slot={slot}>
      <ColumnCells step={step} number={index + 1} handle={handle} {...rest} />
    </div>
  );
});

const PlainColumn = memo(function PlainColumn({ col, slot, rows, firstInStage, ...rest }: ColumnSlotProps) {
  return (
    <div className={`step-col stage-par-${col.stageIndex % 2}${firstInStage ? " first" : ""}`} style={columnStyle(slot, rows)} data-step-column={col.step.id} data-slot={slot}>
      <ColumnCells step={col.step} number={col.index + 1} {...rest} />
    </div>
  );
});

/** The column an empty stage keeps, so it can be seen, filled and dropped on. */
function EmptySlot({ span, rows, canEdit, droppable }: { span: StageSpan; rows: number; canEdit: boolean; droppable: boolean }) {
  const store = useStore();
  const drop = useDroppable({ id: `slot:${span.stage.id}`, data: { type: "slot", stageId: span.stage.id }, disabled: !droppable });
  return (
    <div
      ref={drop.setNodeRef}
      className={`step-col empty-stage stage-par-${span.index % 2} first${drop.isOver ? " drop-target" : ""}`}
      style={columnStyle(span.start, rows)}
      data-slot={span.start}
    >
      <div className="empty-stage-body">
        <p className="muted">No steps yet.</p>
        {canEdit && (
          <button type="button" className="mini" aria-label={`Add step to stage ${quoteName(span.stage.name)}`} onClick={() => addStep(store, span.stage.id)}>
            + Step
          </button>
        )}
      </div>
    </div>
  );
}

// --- lane labels ----------------------------------------------------------------------------------

function LaneLabel({ lane, row, title, children }: { lane: string; row: number; title: string; children?: React.ReactNode }) {
  const icon = lane in LANE_TITLES || lane === "steps" ? lane : "custom";
  return (
    <div className={`lane-label lane-label-${lane in LANE_TITLES ? lane : "custom"}`} style={{ gridRow: row, gridColumn: 1 }} data-lane={lane}>
      <div className="lane-title">
        <Icon name={icon} size={16} className="label-icon" />
        <span>{title}</span>
      </div>
      {lane === "backstage" && <div className="lane-note">below the line of visibility</div>}
      {children}
    </div>
  );
}

// --- the grid -------------------------------------------------------------------------------------

/**
 * The slots (step columns) to draw: all of them for an ordinary map; for a big map those in
 * or near the scroll container's viewport, updated as it scrolls.
 */
function useWindow(grid: React.RefObject<HTMLDivElement>, slots: number, zoom: number): [number, number] {
  const windowed = slots > WINDOW_FROM;
  const [range, setRange] = useState<[number, number]>(() => (windowed ? [0, Math.ceil(window.innerWidth / GRID.column) + OVERSCAN] : [0, slots]));
  useLayoutEffect(() => {
    if (!windowed) {
      setRange((r) => (r[0] === 0 && r[1] === slots ? r : [0, slots]));
      return;
    }
    const scroller = grid.current?.closest<HTMLElement>(".board-scroll");
    // Drawn whole when nothing scrolls it sideways (a page that scales the map to fit, print).
    if (!scroller || getComputedStyle(scroller).overflowX === "visible") {
      setRange((r) => (r[0] === 0 && r[1] === slots ? r : [0, slots]));
      return;
    }
    let frame = 0;
    const update = () => {
      frame = 0;
      const zoom = (grid.current && parseFloat(getComputedStyle(grid.current).zoom || "1")) || 1;
      const left = Math.max(0, scroller.scrollLeft) / zoom / GRID.column;
      const count = Math.max(1, scroller.clientWidth / zoom - GRID.label) / GRID.column;
      const start = Math.max(0, Math.floor((Math.floor(left) - OVERSCAN) / CHUNK) * CHUNK);
      const end = Math.min(slots, Math.ceil((left + count + OVERSCAN) / CHUNK) * CHUNK);
      setRange((r) => (r[0] === start && r[1] === end ? r : [start, end]));
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(update);
    };
    update();
    scroller.addEventListener("scroll", onScroll, { passive: true });
    const resize = new ResizeObserver(onScroll);
    resize.observe(scroller);
    return () => {
      scroller.removeEventListener("scroll", onScroll);
      resize.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [grid, windowed, slots, zoom]);
  return range;
}

export const Grid = memo(function Grid({ interactive = true }: { interactive?: boolean }) {
  const map = useBoard((s) => s.map);
  const derived = useBoard((s) => s.derived);
  const canEditState = useBoard((s) => s.canEdit);
  const canEdit = interactive && canEditState;
  const store = useStore();
  const meta = useMeta();
  const lanes = useMemo(() => lanesOf(map.lanes), [map.lanes]);
  const evidenced = useMemo(() => {
    const ids = new Set(meta.workspaceEvidenced);
    for (const e of map.evidence) for (const link of e.links) ids.add(link);
    return ids;
  }, [map.evidence, meta.workspaceEvidenced]);
  const layout = useMemo(() => layoutOf(map.stages), [map.stages]);
  const series = useMemo(() => seriesOf(map, meta.personas, derived.columns), [map, meta.personas, derived.columns]);
  const rows = lanes.length + 1;
  const [dragging, setDragging] = useState<{ type: "step" | "stage"; id: string } | null>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const windowed = layout.slots > WINDOW_FROM;
  const view = useZoom(gridRef, GRID.label + Math.max(1, layout.slots) * GRID.column + (canEdit ? 120 : 0));
  const headersGone = useHeadersGone(gridRef);
  useKeyboardGrid(gridRef);
  const [first, last] = useWindow(gridRef, layout.slots, view.zoom);
  const selected = useBoard((s) => (s.selection?.kind === "steps" ? s.selection.id : null));
  const estimates = useMemo(
    () => (windowed ? estimateRows(derived.columns, lanes, derived.painsByStep, derived.oppsByStep, evidenced, canEdit) : null),
    [windowed, derived, lanes, evidenced, canEdit],
  );

  // Scroll to an element that is not drawn (a big map draws only what is near the viewport).
  const reveal = useBoard((s) => s.revealRequest);
  useEffect(() => {
    if (!reveal) return;
    const id = reveal.id;
    const scroller = gridRef.current?.closest<HTMLElement>(".board-scroll");
    const slot = layout.slotOf.get(id) ?? layout.spans.find((s) => s.stage.id === id)?.start;
    if (!scroller || slot === undefined) return;
    const x = slot * GRID.column;
    const view = scroller.clientWidth - GRID.label;
    if (x < scroller.scrollLeft || x + GRID.column > scroller.scrollLeft + view) scroller.scrollLeft = Math.max(0, x - view / 2 + GRID.column / 2);
    // layout is left out on purpose: a request scrolls once, when it is made.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reveal]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates }),
  );

  const collision: CollisionDetection = useCallback((args) => {
    const type = args.active.data.current?.type;
    if (type === "stage") {
      const stages = args.droppableContainers.filter((c) => c.data.current?.type === "stage");
      const within = pointerWithin({ ...args, droppableContainers: stages });
      return within.length ? within : closestCenter({ ...args, droppableContainers: stages });
    }
    const targets = args.droppableContainers.filter((c) => c.data.current?.type !== undefined);
    const within = pointerWithin({ ...args, droppableContainers: targets });
    if (within.length) return within;
    return closestCenter({ ...args, droppableContainers: targets.filter((c) => c.data.current?.type === "step") });
  }, []);

  const describe = (id: UniqueIdentifier | undefined): string => {
    if (id === undefined) return "nothing";
    const key = String(id);
    if (key.startsWith("slot:")) return `the empty stage ${quoteName(map.stages.find((s) => s.id === key.slice(5))?.name ?? "")}`;
    const stage = map.stages.find((s) => s.id === key);
    if (stage) return `stage ${quoteName(stage.name)}`;
    const name = derived.stepNames.get(key);
    const col = derived.columns.find((c) => c.step.id === key);
    return name !== undefined && col ? `step ${col.index + 1} ${quoteName(name)} in stage ${quoteName(col.stage.name)}` : key;
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${describe(active.id)}.`,
    onDragOver: ({ active, over }) => (over ? `${describe(active.id)} is over ${describe(over.id)}.` : `${describe(active.id)} is no longer over a place to drop.`),
    onDragEnd: ({ active, over }) => (over ? `${describe(active.id)} was dropped at ${describe(over.id)}.` : `${describe(active.id)} was dropped; nothing moved.`),
    onDragCancel: ({ active }) => `Moving ${describe(active.id)} was cancelled.`,
  };

  const onDragStart = ({ active }: DragStartEvent) => {
    setDragging({ type: active.data.current?.type === "stage" ? "stage" : "step", id: String(active.id) });
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(null);
    if (!over) return;
    const id = String(active.id);
    const overType = over.data.current?.type as string | undefined;
    if (active.data.current?.type === "stage") {
      const to = map.stages.findIndex((s) => s.id === over.id);
      if (to >= 0) moveStage(store, id, to);
      return;
    }
    if (overType === "stage" || overType === "slot") {
      const stageId = String(over.data.current?.stageId);
      const stage = map.stages.find((s) => s.id === stageId);
      if (!stage) return;
      const inside = stage.steps.some((s) => s.id === id);
      moveStep(store, id, stageId, inside ? stage.steps.length - 1 : stage.steps.length);
      return;
    }
    if (overType !== "step" || over.id === active.id) return;
    const flat = derived.columns.map((c) => c.step.id);
    const from = flat.indexOf(id);
    const to = flat.indexOf(String(over.id));
    if (from < 0 || to < 0) return;
    const target = derived.columns[to].stage;
    const order = arrayMove(flat, from, to);
    const inTarget = order.filter((x) => x === id || target.steps.some((s) => s.id === x));
    moveStep(store, id, target.id, inTarget.indexOf(id));
  };

  const template: CSSProperties = {
    gridTemplateColumns: `${GRID.label}px repeat(${Math.max(1, layout.slots)}, ${GRID.column}px) ${canEdit ? "minmax(120px, 1fr)" : "minmax(0, 1fr)"}`,
    gridTemplateRows: [
      "auto",
      estimates ? `minmax(${estimates[0]}px, auto)` : "auto",
      ...lanes.map((l, i) => (l === "sentiment" ? `${GRID.sentiment}px` : estimates ? `minmax(${estimates[i + 1]}px, auto)` : "auto")),
    ].join(" "),
  };

  const activeCol = dragging?.type === "step" ? derived.columns.find((c) => c.step.id === dragging.id) : undefined;
  const activeStage = dragging?.type === "stage" ? map.stages.find((s) => s.id === dragging.id) : undefined;

  const drawn = windowed
    ? derived.columns.filter((c) => {
        const slot = layout.slotOf.get(c.step.id) ?? 0;
        return (slot >= first && slot < last) || c.step.id === dragging?.id || c.step.id === selected;
      })
    : derived.columns;
  const columns = drawn.map((col) => {
    const props: ColumnSlotProps = {
      col,
      slot: layout.slotOf.get(col.step.id) ?? 0,
      rows,
      lanes,
      laneNames: meta.laneNames,
      pains: derived.painsByStep.get(col.step.id),
      opps: derived.oppsByStep.get(col.step.id),
      evidenced,
      canEdit,
      firstInStage: col.indexInStage === 0,
    };
    return canEdit ? <SortableColumn key={col.step.id} {...props} /> : <PlainColumn key={col.step.id} {...props} />;
  });

  const grid = (
    <div
      ref={gridRef}
      className="board-grid"
      style={view.zoom === 1 ? template : { ...template, zoom: view.zoom }}
      role="region"
      aria-label={`Journey map: ${map.name}`}
      data-windowed={windowed || undefined}
      data-zoom={view.zoom}
    >
      {interactive && layout.spans.length > 0 && (
        <StickyHeads spans={layout.spans} columns={drawn} slotOf={layout.slotOf} rows={rows} shown={headersGone} />
      )}
      <div className="lane-label corner" style={{ gridRow: 1, gridColumn: 1 }}>
        <div className="lane-title">
          <Icon name="steps" size={16} className="label-icon" />
          <span>Stages</span>
        </div>
      </div>
      <LaneLabel lane="steps" row={2} title="Steps" />
      {lanes.map((lane, i) => (
        <LaneLabel key={lane} lane={lane} row={i + 3} title={laneTitle(lane, meta.laneNames)}>
          {lane === "sentiment" && <SentimentAxis scale={map.scale} series={series} />}
          {lane === "measured" && <MeasuredControls canEdit={canEdit} />}
        </LaneLabel>
      ))}
      {canEdit ? (
        <SortableContext items={map.stages.map((s) => s.id)} strategy={noMove}>
          {layout.spans.map((span) => (
            <StageHead key={span.stage.id} span={span} assumption={!evidenced.has(span.stage.id)} canEdit sortable />
          ))}
        </SortableContext>
      ) : (
        layout.spans.map((span) => <StageHead key={span.stage.id} span={span} assumption={!evidenced.has(span.stage.id)} canEdit={false} sortable={false} />)
      )}
      {canEdit ? (
        <SortableContext items={derived.columns.map((c) => c.step.id)} strategy={horizontalListSortingStrategy}>
          {columns}
        </SortableContext>
      ) : (
        columns
      )}
      {layout.spans
        .filter((s) => s.stage.steps.length === 0)
        .map((span) => (
          <EmptySlot key={`slot-${span.stage.id}`} span={span} rows={rows} canEdit={canEdit} droppable={canEdit} />
        ))}
      {lanes.includes("sentiment") && (
        <div className="sentiment-row" style={{ gridRow: lanes.indexOf("sentiment") + 3, gridColumn: `2 / span ${Math.max(1, layout.slots)}` }}>
          <SentimentLayer columns={derived.columns} slotOf={layout.slotOf} slots={layout.slots} scale={map.scale} series={series} first={first} last={last} />
        </div>
      )}
      <div className="grid-tail" style={{ gridColumn: Math.max(1, layout.slots) + 2, gridRow: `1 / span ${rows + 1}` }} data-slot={Math.max(1, layout.slots)}>
        {canEdit && layout.spans.length > 0 && (
          <button type="button" className="add-stage-end" aria-label="Add stage at the end" onClick={() => addStage(store)}>
            + Stage
          </button>
        )}
      </div>
      {layout.spans.length === 0 && (
        <div className="empty-map" style={{ gridColumn: "2 / span 2", gridRow: `1 / span ${rows + 1}` }}>
          <p>This map has no stages yet.</p>
          {canEdit && (
            <>
              <p className="muted">Add the first stage (Awareness, Purchase, Onboarding …), then its steps.</p>
              <button type="button" className="primary" onClick={() => addStage(store)}>
                + Add the first stage
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );

  return (
    <>
      <datalist id="board-channels">
        {CHANNEL_CHOICES.map(([key, words]) => (
          <option key={key} value={words} />
        ))}
      </datalist>
      {canEdit ? (
        <DndContext
          sensors={sensors}
          collisionDetection={collision}
          onDragStart={onDragStart}
          onDragEnd={onDragEnd}
          onDragCancel={() => setDragging(null)}
          accessibility={{
            announcements,
            screenReaderInstructions: {
              draggable:
                "To pick up a step or a stage, press Space. While dragging, use the arrow keys to move it, Space to drop it, Escape to cancel. Alt with the left or right arrow moves a focused step or stage one place.",
            },
          }}
        >
          {grid}
          <DragOverlay dropAnimation={null}>
            {activeCol ? (
              <div className="drag-ghost" style={{ width: GRID.column - 12 }}>
                <StepCard step={activeCol.step} number={activeCol.index + 1} assumption={false} overlay />
              </div>
            ) : activeStage ? (
              <div className="drag-ghost stage-ghost">
                <strong>{activeStage.name}</strong>
                <span className="muted"> · {plural(activeStage.steps.length, "step")}</span>
              </div>
            ) : null}
          </DragOverlay>
        </DndContext>
      ) : (
        grid
      )}
      <Unplaced pains={derived.unplacedPains} opps={derived.unplacedOpps} />
      {interactive && layout.spans.length > 0 && (
        <ZoomControls {...view} stages={map.stages} onJump={(id) => jumpToStage(gridRef.current, id)} />
      )}
    </>
  );
});

/** Pain points and opportunities tied to no step of this map, listed under the grid. */
function Unplaced({ pains, opps }: { pains: PainPoint[]; opps: Opportunity[] }) {
  const store = useStore();
  if (!pains.length && !opps.length) return null;
  return (
    <section className="unplaced" aria-label="Not at a step">
      <h3>Not at a step</h3>
      <ul>
        {pains.map((p) => (
          <li key={p.id}>
            <button type="button" className="link" onClick={() => store.session.open({ type: "element", kind: "pain_points", id: p.id })}>
              Pain point: {p.name}
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
      </ul>
    </section>
  );
}
