// The board's grid as one stop in the Tab order (a roving tabindex): Tab enters the grid on
// the card or cell last focused there and leaves it for the next region (the zoom controls,
// the side panel); the arrow keys, Home / End and Page Up / Down move between the cards and
// cells (roving.ts says where). Every card, cell and button of the grid but the current one
// is taken out of the Tab order; the buttons inside a card stay reachable through its
// panel (Enter) and its keys (Delete, F2, Alt + arrows).
//
// The places are read from the page, not from the map, because a big map draws only the
// columns near the viewport: a place is a focusable element of the grid that is not inside
// another one (a card, a filled or empty cell, an add button, a sentiment point, a stage
// header); its column is the `data-slot` of the step column or header it is in, its row the
// cell's position in the column (0: the stage headers, 1: the step cards, then the lanes).
import { useEffect, type RefObject } from "react";
import { GRID_KEYS, move, type Cursor, type GridKey, type Place } from "./roving";

const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
/** Focusable, but not a place: text being edited, the clear button beside a cell's text,
 * the names kept in view over a big map, a dragged card's ghost. */
const NOT_A_PLACE = "input, select, textarea, .cell-clear, .sticky-heads *, .drag-ghost *";
/** Never given a tabindex here: text being edited keeps its own. */
const LEFT_ALONE = "input, select, textarea";

interface Found {
  el: HTMLElement;
  place: Place;
}

function isPlace(el: HTMLElement, grid: HTMLElement): boolean {
  if (el.matches(NOT_A_PLACE)) return false;
  const outer = el.parentElement?.closest<HTMLElement>(FOCUSABLE);
  return !outer || !grid.contains(outer) || outer === grid;
}

function slotOf(el: Element | null): number | null {
  const raw = el?.getAttribute("data-slot");
  return raw === null || raw === undefined ? null : Number(raw);
}

/** Where one place is on the grid; null when it is not in a column, header or the tail. */
function placeOf(el: HTMLElement, grid: HTMLElement): Omit<Place, "order"> | null {
  const point = el.getAttribute("data-sentiment-point");
  if (point !== null) {
    const column = grid.querySelector(`[data-step-column="${CSS.escape(point)}"]`);
    const row = el.closest<HTMLElement>(".sentiment-row");
    const col = slotOf(column);
    if (col === null || !row) return null;
    return { row: Number(row.style.gridRowStart || "2") - 1, col, span: 1 };
  }
  const holder = el.closest<HTMLElement>("[data-slot]");
  if (!holder || !grid.contains(holder)) return el.closest(".empty-map") ? { row: 0, col: 0, span: 1 } : null;
  const col = slotOf(holder) ?? 0;
  const span = Number(holder.getAttribute("data-span") ?? "1") || 1;
  if (!holder.classList.contains("step-col")) return { row: 0, col, span };
  // The cell is the column's child that holds the element (subgrid rows: card, then lanes).
  let cell: Element | null = el;
  while (cell && cell.parentElement !== holder) cell = cell.parentElement;
  const row = cell ? Array.prototype.indexOf.call(holder.children, cell) + 1 : 1;
  return { row, col, span };
}

/** Every place of the grid as drawn now, in page order. */
export function placesIn(grid: HTMLElement): Found[] {
  const found: Found[] = [];
  const order = new Map<string, number>();
  for (const el of grid.querySelectorAll<HTMLElement>(FOCUSABLE)) {
    if (!isPlace(el, grid)) continue;
    const at = placeOf(el, grid);
    if (!at) continue;
    const key = `${at.row}:${at.col}`;
    const n = order.get(key) ?? 0;
    order.set(key, n + 1);
    found.push({ el, place: { ...at, order: n } });
  }
  return found;
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && !!target.closest("input, textarea, select, [contenteditable='true']");
}

/**
 * The roving tabindex of the board's grid (`gridRef`). On a big map, which draws only the
 * columns near the viewport, Home / End scroll to that end first.
 */
export function useKeyboardGrid(gridRef: RefObject<HTMLElement>): void {
  useEffect(() => {
    const grid = gridRef.current;
    if (!grid) return;
    let current: HTMLElement | null = null;
    let col = 0;
    /** Where the focus was when it went into text being edited in a cell. */
    let editing: { column: Element; index: number } | null = null;
    let frame = 0;

    const setCurrent = (el: HTMLElement) => {
      if (current === el) return;
      if (current?.isConnected && current.getAttribute("tabindex") !== "-1") current.setAttribute("tabindex", "-1");
      current = el;
      if (el.getAttribute("tabindex") !== "0") el.setAttribute("tabindex", "0");
    };

    const sync = () => {
      frame = 0;
      // Text being edited in a cell was closed (Enter, Escape): back to that cell.
      if (editing && (document.activeElement === document.body || document.activeElement === null)) {
        const { column, index } = editing;
        editing = null;
        const cell = column.isConnected ? column.children[index] : null;
        const back = cell && (cell.matches(FOCUSABLE) ? (cell as HTMLElement) : cell.querySelector<HTMLElement>(FOCUSABLE));
        if (back && isPlace(back, grid)) {
          setCurrent(back);
          back.focus({ preventScroll: true });
        }
      }
      if (!current || !current.isConnected) {
        const places = placesIn(grid);
        const card = places.find((p) => p.place.row === 1) ?? places[0];
        current = null;
        if (card) setCurrent(card.el);
      }
      for (const el of grid.querySelectorAll<HTMLElement>(FOCUSABLE)) {
        if (el.matches(LEFT_ALONE)) continue;
        const want = el === current ? "0" : "-1";
        if (el.getAttribute("tabindex") !== want) el.setAttribute("tabindex", want);
      }
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(sync);
    };

    const onFocusIn = (e: FocusEvent) => {
      const target = e.target as HTMLElement;
      if (target.matches(LEFT_ALONE)) {
        const column = target.closest(".step-col");
        if (column) {
          let cell: Element | null = target;
          while (cell && cell.parentElement !== column) cell = cell.parentElement;
          editing = cell ? { column, index: Array.prototype.indexOf.call(column.children, cell) } : null;
        }
        return;
      }
      editing = null;
      let el: HTMLElement | null = target;
      while (el && el !== grid && !(el.matches(FOCUSABLE) && isPlace(el, grid))) el = el.parentElement?.closest<HTMLElement>(FOCUSABLE) ?? null;
      if (el && el !== grid) {
        setCurrent(el);
        const at = placeOf(el, grid);
        if (at && (col < at.col || col >= at.col + at.span)) col = at.col;
      }
    };

    const go = (places: Found[], to: Cursor) => {
      const el = places[to.index].el;
      col = to.col;
      setCurrent(el);
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: "nearest", inline: "nearest" });
      // Not under the stage and step names kept in view at the top of a scrolled board.
      const strip = grid.querySelector(".sticky-heads.shown")?.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      if (strip && box.top < strip.bottom && box.bottom > strip.top) grid.closest(".board-scroll")?.scrollBy({ top: box.top - strip.bottom - 8 });
    };

    // On the document, after the cards' own keys (React's handlers run first and mark what
    // they used), and before dnd-kit's (on the window) only when nothing is being dragged.
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.metaKey || !GRID_KEYS.has(e.key)) return;
      const target = e.target as HTMLElement;
      if (!grid.contains(target) || isTyping(target) || grid.querySelector(".dragging")) return;
      const key = e.key as GridKey;
      // Ctrl + ↑ / ↓ leave a sentiment point (its own ↑ / ↓ change the score).
      if (e.ctrlKey && !(key === "Home" || key === "End" || key === "ArrowUp" || key === "ArrowDown")) return;
      const places = placesIn(grid);
      let index = places.findIndex((p) => p.el === target || p.el.contains(target));
      if (index < 0) index = places.findIndex((p) => p.el === current);
      if (index < 0) return;
      const here = places[index].place;
      const cursor = { index, col: col >= here.col && col < here.col + here.span ? col : here.col };
      const ctrlEnds = e.ctrlKey && (key === "Home" || key === "End");
      e.preventDefault();
      const scroller = grid.closest<HTMLElement>(".board-scroll");
      if (grid.hasAttribute("data-windowed") && scroller && (key === "Home" || key === "End")) {
        // Not every column is drawn: scroll to that end, then move once it is.
        scroller.scrollLeft = key === "Home" ? 0 : scroller.scrollWidth;
        const row = here.row;
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const now = placesIn(grid);
            const inRow = now.findIndex((p) => (ctrlEnds ? true : p.place.row === row));
            if (inRow < 0) return;
            const to = move(now.map((p) => p.place), { index: inRow, col: now[inRow].place.col }, key, e.ctrlKey) ?? { index: inRow, col: now[inRow].place.col };
            go(now, to);
          }),
        );
        return;
      }
      const to = move(
        places.map((p) => p.place),
        cursor,
        key,
        e.ctrlKey,
      );
      if (to) go(places, to);
    };

    const observer = new MutationObserver(schedule);
    observer.observe(grid, { childList: true, subtree: true, attributes: true, attributeFilter: ["tabindex"] });
    grid.addEventListener("focusin", onFocusIn);
    document.addEventListener("keydown", onKeyDown);
    sync();
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      grid.removeEventListener("focusin", onFocusIn);
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [gridRef]);
}
