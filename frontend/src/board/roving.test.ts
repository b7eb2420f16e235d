import { describe, expect, it } from "vitest";
import { move, type Cursor, type Place } from "./roving";

// A small board: two stages (the first over columns 0–1, the second over column 2), a step
// card in each column, a touchpoint lane (row 2) with an empty cell that can be added to in
// column 1, a pain-point lane (row 3) with two cards and an add button in column 0 and only
// the add button elsewhere, and the "+ Stage" button at the end of the header row (column 3).
const P = (row: number, col: number, order = 0, span = 1): Place => ({ row, col, span, order });
const places: Place[] = [
  P(0, 0, 0, 2), // 0 stage "Discover"
  P(0, 2), // 1 stage "Sign up"
  P(0, 3), // 2 "+ Stage"
  P(1, 0), // 3 step 1
  P(1, 1), // 4 step 2
  P(1, 2), // 5 step 3
  P(2, 0), // 6 touchpoint 1
  P(2, 1), // 7 empty touchpoint 2 (Enter adds)
  P(2, 2), // 8 touchpoint 3
  P(3, 0, 0), // 9 pain A
  P(3, 0, 1), // 10 pain B
  P(3, 0, 2), // 11 + pain point (column 0)
  P(3, 1, 0), // 12 + pain point (column 1)
  P(3, 2, 0), // 13 + pain point (column 2)
];

const at = (index: number, col = places[index].col): Cursor => ({ index, col });
const go = (from: Cursor, ...keys: Parameters<typeof move>[2][]): Cursor | null => {
  let c: Cursor | null = from;
  for (const k of keys) {
    if (!c) return null;
    c = move(places, c, k);
  }
  return c;
};

describe("the board's roving focus", () => {
  it("moves along a row to the next column, and stops at the edges", () => {
    expect(go(at(3), "ArrowRight")?.index).toBe(4);
    expect(go(at(3), "ArrowRight", "ArrowRight")?.index).toBe(5);
    expect(move(places, at(5), "ArrowRight")).toBeNull();
    expect(move(places, at(3), "ArrowLeft")).toBeNull();
  });

  it("reaches the empty cells of a lane, so something can be added there", () => {
    expect(go(at(6), "ArrowRight")?.index).toBe(7);
    expect(go(at(4), "ArrowDown")?.index).toBe(7);
  });

  it("walks down through a cell's cards before leaving it, and up again", () => {
    expect(go(at(6), "ArrowDown")?.index).toBe(9);
    expect(go(at(6), "ArrowDown", "ArrowDown")?.index).toBe(10);
    expect(go(at(6), "ArrowDown", "ArrowDown", "ArrowDown")?.index).toBe(11);
    expect(move(places, at(11), "ArrowDown")).toBeNull();
    expect(go(at(11), "ArrowUp")?.index).toBe(10);
    expect(go(at(11), "ArrowUp", "ArrowUp", "ArrowUp")?.index).toBe(6);
    // Coming up into a cell of several cards lands on its last one.
    const below = [...places, P(4, 0)];
    expect(move(below, at(14, 0), "ArrowUp")?.index).toBe(11);
  });

  it("keeps the card's place in the cell when moving sideways, as far as the next cell has cards", () => {
    // From the second pain card of column 0 to column 1, which has only its add button.
    expect(go(at(10), "ArrowRight")?.index).toBe(12);
  });

  it("goes up to the stage header over several steps and back down to the same step", () => {
    const up = go(at(4), "ArrowUp");
    expect(up?.index).toBe(0);
    expect(up && move(places, up, "ArrowDown")?.index).toBe(4);
    // From the header, → goes to the next stage, then the "+ Stage" button.
    expect(up && move(places, up, "ArrowRight")?.index).toBe(1);
    expect(go(at(1), "ArrowRight")?.index).toBe(2);
    expect(go(at(1), "ArrowLeft")?.index).toBe(0);
  });

  it("jumps to the row's ends with Home and End, to the grid's with Ctrl", () => {
    expect(go(at(4), "Home")?.index).toBe(3);
    expect(go(at(4), "End")?.index).toBe(5);
    expect(move(places, at(3), "Home")).toBeNull();
    expect(move(places, at(8), "Home", true)?.index).toBe(0);
    expect(move(places, at(3), "End", true)?.index).toBe(13);
  });

  it("jumps to the column's top and bottom with Page Up and Page Down", () => {
    expect(go(at(7), "PageUp")?.index).toBe(0);
    expect(go(at(7), "PageDown")?.index).toBe(12);
    expect(move(places, at(12), "PageDown")).toBeNull();
  });

  it("starts at the first place when the focused one is gone, and does nothing on an empty grid", () => {
    expect(move(places, { index: 99, col: 0 }, "ArrowRight")?.index).toBe(0);
    expect(move([], { index: 0, col: 0 }, "ArrowRight")).toBeNull();
  });
});
