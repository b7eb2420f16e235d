// Big maps: the board's zoom (in, out, 100 %, fit to width; Ctrl/⌘ + − 0), the stage and step
// names kept in view once the headers scroll away, and a jump to any stage.
import { useCallback, useEffect, useLayoutEffect, useState, type RefObject } from "react";
import type { Stage } from "../types";
import { GRID } from "./appearance";
import { useStore, type Column } from "./store";

export const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.85, 1, 1.1, 1.25, 1.5, 2] as const;
const MIN = ZOOM_STEPS[0];
const MAX = ZOOM_STEPS[ZOOM_STEPS.length - 1];

/** The next zoom level up (+1) or down (−1) from `zoom`, on the ladder people expect. */
export function nextZoom(zoom: number, direction: 1 | -1): number {
  if (direction > 0) return ZOOM_STEPS.find((z) => z > zoom + 0.001) ?? MAX;
  return [...ZOOM_STEPS].reverse().find((z) => z < zoom - 0.001) ?? MIN;
}

/** The zoom at which a grid `gridWidth` px wide (at 100 %) fits `available` px, never above 100 %. */
export function fitZoom(gridWidth: number, available: number): number {
  if (gridWidth <= 0 || available <= 0) return 1;
  return Math.max(MIN, Math.min(1, Math.floor((available / gridWidth) * 100) / 100));
}

/**
 * The zoom of one board; Ctrl/⌘ with +, − and 0 anywhere on the page, as in every canvas tool.
 * `naturalWidth` is the grid's width at 100 % (lane titles, the step columns, the tail).
 */
export function useZoom(grid: RefObject<HTMLElement>, naturalWidth: number): {
  zoom: number;
  zoomIn: () => void;
  zoomOut: () => void;
  reset: () => void;
  fit: () => void;
} {
  const [zoom, setZoom] = useState(1);
  const fit = useCallback(() => {
    const scroller = grid.current?.closest<HTMLElement>(".board-scroll");
    if (!scroller) return;
    setZoom(fitZoom(naturalWidth, scroller.clientWidth - 8));
  }, [grid, naturalWidth]);
  const zoomIn = useCallback(() => setZoom((z) => nextZoom(z, 1)), []);
  const zoomOut = useCallback(() => setZoom((z) => nextZoom(z, -1)), []);
  const reset = useCallback(() => setZoom(1), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      if (e.key === "+" || e.key === "=") zoomIn();
      else if (e.key === "-" || e.key === "_") zoomOut();
      else if (e.key === "0") reset();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [zoomIn, zoomOut, reset]);
  return { zoom, zoomIn, zoomOut, reset, fit };
}

/** The zoom controls and the stage jump, floating over the board's corner. */
export function ZoomControls({
  zoom, zoomIn, zoomOut, reset, fit, stages, onJump,
}: {
  zoom: number;
  zoomIn: () => void;
  zoomOut: () => void;
  reset: () => void;
  fit: () => void;
  stages: Stage[];
  onJump: (stageId: string) => void;
}) {
  return (
    <div className="board-viewport" role="toolbar" aria-label="Zoom and jump">
      {stages.length > 1 && (
        <select
          aria-label="Jump to stage"
          value=""
          onChange={(e) => {
            if (e.target.value) onJump(e.target.value);
          }}
        >
          <option value="">Jump to stage…</option>
          {stages.map((s, i) => (
            <option key={s.id} value={s.id}>
              {i + 1}. {s.name}
            </option>
          ))}
        </select>
      )}
      <button type="button" className="icon" aria-label="Zoom out" title="Zoom out (Ctrl −)" onClick={zoomOut} disabled={zoom <= MIN}>
        −
      </button>
      <button type="button" className="zoom-level" aria-label={`Zoom ${Math.round(zoom * 100)} %, reset to 100 %`} title="Reset to 100 % (Ctrl 0)" onClick={reset}>
        {Math.round(zoom * 100)} %
      </button>
      <button type="button" className="icon" aria-label="Zoom in" title="Zoom in (Ctrl +)" onClick={zoomIn} disabled={zoom >= MAX}>
        +
      </button>
      <button type="button" onClick={fit} title="Fit the whole map to the width">
        Fit width
      </button>
    </div>
  );
}

/** Scroll the board so a stage's first column is just right of the lane titles. */
export function jumpToStage(grid: HTMLElement | null, stageId: string): void {
  const scroller = grid?.closest<HTMLElement>(".board-scroll");
  const head = grid?.querySelector<HTMLElement>(`[data-stage-id="${CSS.escape(stageId)}"]`);
  if (!grid || !scroller || !head) return;
  const zoom = parseFloat(getComputedStyle(grid).zoom || "1") || 1;
  const left = head.getBoundingClientRect().left - scroller.getBoundingClientRect().left + scroller.scrollLeft;
  scroller.scrollTo({ left: Math.max(0, left - GRID.label * zoom - 8), behavior: "smooth" });
  head.focus({ preventScroll: true });
}

/** True once the stage and step headers have scrolled out of the board's view. */
export function useHeadersGone(grid: RefObject<HTMLElement>): boolean {
  const [gone, setGone] = useState(false);
  useLayoutEffect(() => {
    const el = grid.current;
    const scroller = el?.closest<HTMLElement>(".board-scroll");
    if (!el || !scroller) return;
    let frame = 0;
    const update = () => {
      frame = 0;
      const steps = el.querySelector<HTMLElement>('[data-lane="steps"]');
      if (!steps) return;
      const zoom = parseFloat(getComputedStyle(el).zoom || "1") || 1;
      const bottom = (steps.offsetTop + steps.offsetHeight * 0.6) * zoom;
      setGone(scroller.scrollTop > bottom);
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(update);
    };
    update();
    scroller.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      scroller.removeEventListener("scroll", onScroll);
      cancelAnimationFrame(frame);
    };
  }, [grid]);
  return gone;
}

/**
 * The stage and step names in a strip that stays at the top of the board while the lanes
 * scroll under it, in the grid's own columns (a subgrid), so every name sits over its column.
 */
export function StickyHeads({
  spans, columns, slotOf, rows, shown,
}: {
  spans: { stage: Stage; start: number; span: number }[];
  columns: Column[];
  slotOf: Map<string, number>;
  rows: number;
  shown: boolean;
}) {
  const store = useStore();
  return (
    <div className={shown ? "sticky-heads shown" : "sticky-heads"} style={{ gridRow: `1 / span ${rows + 1}` }} aria-hidden={!shown} data-testid="sticky-heads">
      <div className="sticky-corner" style={{ gridColumn: 1, gridRow: "1 / span 2" }}>
        Stage · step
      </div>
      {spans.map((s) => (
        <div key={s.stage.id} className="sticky-stage" style={{ gridColumn: `${s.start + 2} / span ${s.span}`, gridRow: 1 }}>
          <span className="sticky-stage-name">{s.stage.name}</span>
        </div>
      ))}
      {columns.map((c) => (
        <button
          key={c.step.id}
          type="button"
          tabIndex={shown ? 0 : -1}
          className="sticky-step"
          style={{ gridColumn: (slotOf.get(c.step.id) ?? 0) + 2, gridRow: 2 }}
          title={`${c.index + 1}. ${c.step.name}`}
          onClick={() => store.session.open({ type: "element", kind: "steps", id: c.step.id })}
        >
          <span className="sticky-step-number">{c.index + 1}</span> {c.step.name}
        </button>
      ))}
    </div>
  );
}
