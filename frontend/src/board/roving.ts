// Where the arrow keys go on the board's grid (a roving tabindex): pure, so it is tested
// without a browser. The grid is a set of places, each at a row (0: stage headers, 1: step
// cards, 2…: the lanes in order) and a column (a step's slot; a stage header spans its
// steps' slots), several to a cell when a cell holds several cards (pain points, ideas)
// and the button that adds one more. keyboardGrid.ts reads the places from the page.

/** One place the focus can be on. `order` ranks the places of one cell (top to bottom). */
export interface Place {
  row: number;
  col: number;
  /** How many columns the place covers (a stage header: its steps); 1 otherwise. */
  span: number;
  order: number;
}

export type GridKey = "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Home" | "End" | "PageUp" | "PageDown";

export const GRID_KEYS: ReadonlySet<string> = new Set<GridKey>(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]);

/** Where the focus is: the place's index in the list, and the column it came down (or up)
 * through, so Up to a stage header and Down again comes back to the same step. */
export interface Cursor {
  index: number;
  col: number;
}

function covers(p: Place, col: number): boolean {
  return col >= p.col && col < p.col + p.span;
}

/** The column a place stands for when the cursor came through `col`. */
function columnOf(p: Place, col: number): number {
  return Math.min(p.col + p.span - 1, Math.max(p.col, col));
}

function byOrder(places: Place[], indices: number[]): number[] {
  return indices.sort((a, b) => places[a].order - places[b].order);
}

/** The places of the cell at (row, col), top to bottom. */
function cell(places: Place[], row: number, col: number): number[] {
  const found: number[] = [];
  places.forEach((p, i) => {
    if (p.row === row && covers(p, col)) found.push(i);
  });
  return byOrder(places, found);
}

/**
 * Where a key moves the cursor, or null when it does not move (an edge of the grid):
 * ← → to the same row of the nearest column that has something there (the same card of the
 * cell when it has as many); ↑ ↓ through the cards of a cell, then to the nearest row above or
 * below with something in this column; Home / End to the row's first / last place; with
 * `ctrl`, Home / End to the grid's first / last place; PageUp / PageDown to the column's top
 * / bottom place.
 */
export function move(places: Place[], cursor: Cursor, key: GridKey, ctrl = false): Cursor | null {
  const here = places[cursor.index];
  if (!here) return places.length ? { index: 0, col: places[0].col } : null;
  const col = columnOf(here, cursor.col);
  const mine = cell(places, here.row, col);
  const at = mine.indexOf(cursor.index);
  switch (key) {
    case "ArrowLeft":
    case "ArrowRight": {
      const forward = key === "ArrowRight";
      let best: number | null = null;
      places.forEach((p, i) => {
        if (p.row !== here.row || i === cursor.index) return;
        const ahead = forward ? p.col >= here.col + here.span : p.col + p.span <= here.col;
        if (!ahead) return;
        if (best === null) best = p.col;
        else best = forward ? Math.min(best, p.col) : Math.max(best, p.col + p.span - 1);
      });
      if (best === null) return null;
      const next = cell(places, here.row, best);
      const index = next[Math.min(Math.max(0, at), next.length - 1)];
      return { index, col: columnOf(places[index], best) };
    }
    case "ArrowUp":
    case "ArrowDown": {
      const down = key === "ArrowDown";
      if (down && at >= 0 && at < mine.length - 1) return { index: mine[at + 1], col };
      if (!down && at > 0) return { index: mine[at - 1], col };
      let row: number | null = null;
      for (const p of places) {
        if (!covers(p, col) || (down ? p.row <= here.row : p.row >= here.row)) continue;
        if (row === null || (down ? p.row < row : p.row > row)) row = p.row;
      }
      if (row === null) return null;
      const next = cell(places, row, col);
      return { index: down ? next[0] : next[next.length - 1], col };
    }
    case "PageUp":
    case "PageDown": {
      const column = places.map((p, i) => [p, i] as const).filter(([p]) => covers(p, col));
      if (!column.length) return null;
      column.sort(([a], [b]) => a.row - b.row || a.order - b.order);
      const index = key === "PageUp" ? column[0][1] : column[column.length - 1][1];
      return index === cursor.index ? null : { index, col };
    }
    case "Home":
    case "End": {
      const pool = places.map((p, i) => [p, i] as const).filter(([p]) => ctrl || p.row === here.row);
      if (!pool.length) return null;
      pool.sort(([a], [b]) => (ctrl ? a.row - b.row : 0) || a.col - b.col || a.order - b.order);
      if (ctrl && key === "End") {
        // The last place of the last row, at its last column.
        const lastRow = pool[pool.length - 1][0].row;
        const row = pool.filter(([p]) => p.row === lastRow);
        const [p, index] = row[row.length - 1];
        return index === cursor.index ? null : { index, col: p.col + p.span - 1 };
      }
      const [p, index] = key === "Home" ? pool[0] : pool[pool.length - 1];
      return index === cursor.index ? null : { index, col: key === "Home" ? p.col : p.col + p.span - 1 };
    }
  }
}
