// The sentiment line across the step columns, drawn live on the map's scale, with one point
// per step that can be dragged up and down (or moved with the arrow keys: role="slider").
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import type { JourneyMap, Persona, Step } from "../types";
import { updateElement } from "./actions";
import { findStep } from "./ops";
import { Face, GRID, moodWord, quoteName, scoreText, SERIES_COLOURS, SERIES_DASH, smoothPath } from "./appearance";
import { customerPoints, metricText } from "./customerLine";
import type { Column } from "./store";
import { useBoard, useStore } from "./store";

type Scale = JourneyMap["scale"];

export interface Series { persona: string | null; name: string; colour: string; dash: string }

/** One line per persona when steps carry per-persona scores, else the map's one line. */
export function seriesOf(map: JourneyMap, personas: Persona[], columns: Column[]): Series[] {
  const multi = map.personas.length > 1 && columns.some((c) => Object.keys(c.step.emotions).length > 0);
  if (!multi) return [{ persona: null, name: "Sentiment", colour: SERIES_COLOURS[0], dash: "" }];
  return map.personas.map((id, i) => ({
    persona: id,
    name: personas.find((p) => p.id === id)?.name ?? id,
    colour: SERIES_COLOURS[i % SERIES_COLOURS.length],
    dash: SERIES_DASH[i % SERIES_DASH.length],
  }));
}

/** The step's score for a persona (its own `emotion` when it has none for the persona); undefined when the step is not theirs. */
export function scoreFor(step: Step, persona: string | null): number | null | undefined {
  if (persona && step.personas.length && !step.personas.includes(persona)) return undefined;
  if (persona && persona in step.emotions) return step.emotions[persona];
  return step.emotion;
}

function yOf(score: number, scale: Scale): number {
  const h = GRID.sentiment - 2 * GRID.pad;
  return GRID.pad + ((scale.max - score) / (scale.max - scale.min)) * h;
}

/** Snap to the scale's whole or half numbers, within the scale. */
export function snap(score: number, scale: Scale): number {
  return Math.min(scale.max, Math.max(scale.min, Math.round(score * 2) / 2));
}

/** The sentiment row's label cell: the title, the scale's top, neutral and bottom, the legend. */
export function SentimentAxis({ scale, series }: { scale: Scale; series: Series[] }) {
  const neutral = (scale.min + scale.max) / 2;
  return (
    <div className="b-axis" aria-hidden="true">
      {[scale.max, neutral, scale.min].map((v) => (
        <span key={v} className="axis-tick" style={{ top: yOf(v, scale) }}>
          {v === neutral ? `${scoreText(v, scale)} neutral` : scoreText(v, scale)}
        </span>
      ))}
      {series.length > 1 && (
        <ul className="axis-legend">
          {series.map((s) => (
            <li key={s.persona ?? ""}>
              <svg width="22" height="8" aria-hidden="true">
                <line x1="1" y1="4" x2="21" y2="4" stroke={s.colour} strokeWidth="2.5" strokeDasharray={s.dash || undefined} />
              </svg>
              {s.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface PointProps {
  step: Step;
  x: number;
  value: number | null;
  scale: Scale;
  colour: string;
  canEdit: boolean;
  seriesName: string | null;
  onChange: (step: Step, value: number | null, how: "drag" | "key" | "commit") => void;
}

/** One point: dragged through the layer (pointer), or moved with the arrow keys (role="slider"). */
const Point = memo(function Point({ step, x, value, scale, colour, canEdit, seriesName, onChange }: PointProps) {
  const neutral = (scale.min + scale.max) / 2;
  const y = yOf(value ?? neutral, scale);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Ctrl + ↑ / ↓ and ← / → belong to the grid: they move to the cell above or below, the next step's point.
    if (!canEdit || e.ctrlKey || e.metaKey) return;
    const stepSize = e.shiftKey ? 0.5 : 1;
    let next: number | null | undefined;
    const base = value ?? neutral;
    switch (e.key) {
      case "ArrowUp":
        next = value === null ? neutral : base + stepSize;
        break;
      case "ArrowDown":
        next = value === null ? neutral : base - stepSize;
        break;
      case "PageUp":
        next = base + 2;
        break;
      case "PageDown":
        next = base - 2;
        break;
      case "Home":
        next = scale.max;
        break;
      case "End":
        next = scale.min;
        break;
      case "Delete":
      case "Backspace":
        next = null;
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
    onChange(step, next === null ? null : snap(next, scale), "key");
  };
  const who = seriesName ? ` for ${seriesName}` : "";
  const text = value === null ? "not scored" : `${scoreText(value, scale)} (${moodWord(value, scale)})`;
  return (
    <div
      className={`b-point${value === null ? " empty" : ""}${canEdit ? " editable" : ""}`}
      style={{ left: x, top: y }}
      data-sentiment-point={step.id}
      role="slider"
      tabIndex={0}
      aria-label={`Sentiment${who} at ${quoteName(step.name)}`}
      aria-orientation="vertical"
      aria-valuemin={scale.min}
      aria-valuemax={scale.max}
      aria-valuenow={value ?? undefined}
      aria-valuetext={text}
      aria-readonly={!canEdit || undefined}
      title={`${step.name}: ${text}${canEdit ? " — drag up or down, or use the arrow keys" : ""}`}
      onKeyDown={onKeyDown}
      onBlur={() => onChange(step, null, "commit")}
    >
      {value === null ? (
        <span className="point-empty" style={{ borderColor: colour }} aria-hidden="true">
          +
        </span>
      ) : (
        <>
          <Face score={value} scale={scale} size={24} />
          <span className="point-score" aria-hidden="true">
            {scoreText(value, scale)}
          </span>
        </>
      )}
    </div>
  );
});

const CUSTOMERS = "#0e7490";

/** The customers' own line (survey scores, journeyline.model.customer_line): per surveyed step a
 * band for its 95 % interval, a diamond at the score and n; dashed when the analysis finds the
 * score rests on too few answers (weak_evidence). Beside the team's points, never over them. */
const CustomerLine = memo(function CustomerLine({ columns, scale, xOf }: { columns: Column[]; scale: Scale; xOf: (id: string) => number }) {
  const byStep = useBoard((s) => s.findingsByStep);
  const points = useMemo(() => customerPoints(columns.map((c) => c.step), scale), [columns, scale]);
  if (!points.length) return null;
  const offset = 30;
  const pts: [number, number][] = points.map((p) => [xOf(p.stepId) + offset, yOf(p.score, scale)]);
  return (
    <g className="customer-line" data-customer-line="">
      {points.length > 1 && <path d={smoothPath(pts)} fill="none" stroke={CUSTOMERS} strokeWidth="2" strokeDasharray="1 5" strokeLinecap="round" />}
      {points.map((p, i) => {
        const [x, y] = pts[i];
        const weak = (byStep.get(p.stepId) ?? []).some((f) => f.kind === "weak_evidence");
        const n = p.n === null ? "n not given" : `n = ${p.n}`;
        const interval = p.low !== null && p.high !== null ? `, 95 % interval ${scoreText(Number(p.low.toFixed(1)))} … ${scoreText(Number(p.high.toFixed(1)))}` : "";
        const title = `Customers (survey) at ${quoteName(p.stepName)}: ${metricText(p.metric)} (${n}${weak ? ", few answers" : ""}), ${scoreText(Number(p.score.toFixed(1)))} on the map's scale${interval}`;
        return (
          <g key={p.stepId} data-customer-point={p.stepId} className={weak ? "customer-point weak" : "customer-point"}>
            <title>{title}</title>
            {p.low !== null && p.high !== null && (
              <rect x={x - 8} y={yOf(p.high, scale)} width="16" height={Math.max(1, yOf(p.low, scale) - yOf(p.high, scale))} rx="4" className="customer-band" fill={CUSTOMERS} fillOpacity="0.16" stroke={CUSTOMERS} strokeDasharray={weak ? "4 3" : undefined} />
            )}
            <path d={`M${x} ${y - 6}L${x + 6} ${y}L${x} ${y + 6}L${x - 6} ${y}Z`} fill={CUSTOMERS} stroke="#fff" strokeWidth="1.5" />
            <text x={x + 10} y={y + 4} className="customer-n" fontSize="10" fill={CUSTOMERS}>
              {n}
              {weak ? " · few" : ""}
            </text>
          </g>
        );
      })}
    </g>
  );
});

/** The layer over the sentiment row: bands, the neutral line, the curves and the points. */
export const SentimentLayer = memo(function SentimentLayer({ columns, slotOf, slots, scale, series, first, last }: {
  columns: Column[]; slotOf: Map<string, number>; slots: number; scale: Scale; series: Series[]; first: number; last: number;
}) {
  const store = useStore();
  const canEdit = useBoard((s) => s.canEdit);
  const chosen = useBoard((s) => s.persona);
  const layer = useRef<HTMLDivElement>(null);
  const active = series.length > 1 ? series.find((s) => s.persona === chosen) ?? series[0] : series[0];
  // While a point is being dragged (or typed), its value lives here; saved on release.
  const [draft, setDraft] = useState<{ id: string; value: number | null } | null>(null);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const timer = useRef<number | undefined>(undefined);
  const width = slots * GRID.column;
  const xOf = (id: string) => (slotOf.get(id) ?? 0) * GRID.column + GRID.column / 2;

  const save = (stale: Step, value: number | null) => {
    const step = findStep(store.getState().map, stale.id)?.step;
    if (!step) return;
    const current = scoreFor(step, active.persona) ?? null;
    if (value === current) return;
    if (active.persona) {
      const emotions = { ...step.emotions };
      if (value === null) delete emotions[active.persona];
      else emotions[active.persona] = value;
      updateElement(store, "steps", step.id, { emotions }, `sentiment for ${active.name}`);
    } else updateElement(store, "steps", step.id, { emotion: value }, "sentiment");
  };

  type How = "drag" | "key" | "commit";
  const onChange = useRef<(step: Step, value: number | null, how: How) => void>(() => {});
  onChange.current = (step, value, how) => {
    window.clearTimeout(timer.current);
    const d = draftRef.current;
    if (how === "commit") {
      if (d && d.id === step.id) {
        draftRef.current = null;
        setDraft(null);
        save(step, d.value);
      }
      return;
    }
    if (d && d.id !== step.id) save(columns.find((c) => c.step.id === d.id)?.step ?? step, d.value);
    draftRef.current = { id: step.id, value };
    setDraft(draftRef.current);
    // Keys: save once the presses stop (one save, one undo step, for a run of presses).
    if (how === "key") timer.current = window.setTimeout(() => onChange.current(step, null, "commit"), 700);
  };
  const stableOnChange = useRef((step: Step, value: number | null, how: How) => onChange.current(step, value, how)).current;
  useEffect(() => () => window.clearTimeout(timer.current), []);

  // Dragging: the layer holds the pointer, so a drag can start on a point or anywhere in a
  // step's column of the row (the point jumps there), and keeps going outside the row.
  const dragged = useRef<Step | null>(null);
  const bySlot = useMemo(() => new Map(columns.map((c) => [slotOf.get(c.step.id) ?? 0, c])), [columns, slotOf]);
  const valueAt = (clientY: number) => {
    const rect = layer.current!.getBoundingClientRect();
    const zoom = rect.height / GRID.sentiment || 1;
    const local = (clientY - rect.top) / zoom;
    const h = GRID.sentiment - 2 * GRID.pad;
    return snap(scale.max - ((local - GRID.pad) / h) * (scale.max - scale.min), scale);
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!canEdit || e.button !== 0 || !layer.current) return;
    const onPoint = (e.target as HTMLElement).closest<HTMLElement>("[data-sentiment-point]");
    let step: Step | undefined;
    if (onPoint) step = columns.find((c) => c.step.id === onPoint.dataset.sentimentPoint)?.step;
    else {
      const rect = layer.current.getBoundingClientRect();
      const zoom = rect.width / width || 1;
      step = bySlot.get(Math.floor((e.clientX - rect.left) / zoom / GRID.column))?.step;
    }
    if (!step || scoreFor(step, active.persona) === undefined) return;
    e.preventDefault();
    layer.current.setPointerCapture(e.pointerId);
    dragged.current = step;
    stableOnChange(step, valueAt(e.clientY), "drag");
    const id = step.id;
    requestAnimationFrame(() => layer.current?.querySelector<HTMLElement>(`[data-sentiment-point="${CSS.escape(id)}"]`)?.focus({ preventScroll: true }));
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (dragged.current) stableOnChange(dragged.current, valueAt(e.clientY), "drag");
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    const step = dragged.current;
    if (!step) return;
    dragged.current = null;
    stableOnChange(step, valueAt(e.clientY), "drag");
    stableOnChange(step, null, "commit");
  };

  const neutral = (scale.min + scale.max) / 2;
  const ny = yOf(neutral, scale);
  return (
    <div
      className={canEdit ? "sentiment-layer editable" : "sentiment-layer"}
      ref={layer}
      style={{ width }}
      role="group"
      aria-label="Sentiment line"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    >
      <svg className="sentiment-svg" width={width} height={GRID.sentiment} aria-hidden="true" focusable="false">
        <rect x="0" y={GRID.pad} width={width} height={ny - GRID.pad} className="band-positive" />
        <rect x="0" y={ny} width={width} height={GRID.sentiment - GRID.pad - ny} className="band-negative" />
        <line x1="0" y1={ny} x2={width} y2={ny} className="neutral-line" />
        <CustomerLine columns={columns} scale={scale} xOf={xOf} />
        {series.map((s) => {
          const pts: [number, number][] = [];
          for (const c of columns) {
            const v = s === active && draft?.id === c.step.id ? draft.value : scoreFor(c.step, s.persona);
            if (v !== null && v !== undefined) pts.push([xOf(c.step.id), yOf(v, scale)]);
          }
          return (
            <path
              key={s.persona ?? ""}
              d={smoothPath(pts)}
              fill="none"
              stroke={s.colour}
              strokeWidth={s === active ? 2.75 : 2}
              strokeDasharray={s.dash || undefined}
              opacity={s === active ? 1 : 0.7}
              strokeLinecap="round"
            />
          );
        })}
        {series
          .filter((s) => s !== active)
          .map((s) =>
            columns.map((c) => {
              const slot = slotOf.get(c.step.id) ?? 0;
              if (slot < first - 4 || slot >= last + 4) return null;
              const v = scoreFor(c.step, s.persona);
              return v === null || v === undefined ? null : <circle key={`${s.persona}-${c.step.id}`} cx={xOf(c.step.id)} cy={yOf(v, scale)} r="3.5" fill={s.colour} />;
            }),
          )}
      </svg>
      {columns.map((c) => {
        const slot = slotOf.get(c.step.id) ?? 0;
        if ((slot < first || slot >= last) && draft?.id !== c.step.id) return null;
        const own = scoreFor(c.step, active.persona);
        if (own === undefined) return null;
        const value = draft?.id === c.step.id ? draft.value : own;
        if (value === null && !canEdit) return null;
        return (
          <Point
            key={c.step.id}
            step={c.step}
            x={xOf(c.step.id)}
            value={value}
            scale={scale}
            colour={active.colour}
            canEdit={canEdit}
            seriesName={series.length > 1 ? active.name : null}
            onChange={stableOnChange}
          />
        );
      })}
    </div>
  );
});
