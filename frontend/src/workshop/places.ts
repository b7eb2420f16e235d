// Where notes go: the notes wall's rows (the map's lanes that hold words) and columns (its
// stages), the back-story canvas's bands, and the add-a-note form's chosen place, which a
// cell's "+" button sets.
import { createContext, useContext } from "react";
import type { Note, NoteKind, Place } from "./api";

const CORE_LANES = ["actions", "thinks", "feels", "pain_points", "opportunities"];
const NOT_FOR_NOTES = new Set(["sentiment", "images", "metrics", "channels"]);

/** The notes wall's rows: the map's lanes that hold words, in the map's order, then the core ones it lacks. */
export function wallLanes(mapLanes: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const l of [...mapLanes.map((x) => x.trim()), ...CORE_LANES]) {
    if (!l || seen.has(l) || NOT_FOR_NOTES.has(l)) continue;
    seen.add(l);
    out.push(l);
  }
  return out;
}

/** The canvas's bands, top to bottom: the back-story read as a pyramid from its pains up to its goal. */
export const BANDS: NoteKind[] = ["highest_goal", "outcome", "requirement", "backstory_pain_point"];
export const CANVAS = { width: 1100, band: 150, label: 150, note: 176 } as const;

/** A free spot in a kind's band (its left edge, a little to the right of the label). */
export function bandSpot(kind: NoteKind, index = 0): { x: number; y: number } {
  const band = Math.max(0, BANDS.indexOf(kind));
  const perRow = Math.floor((CANVAS.width - CANVAS.label) / (CANVAS.note + 12));
  return { x: CANVAS.label + 12 + (index % perRow) * (CANVAS.note + 12), y: band * CANVAS.band + 14 + Math.floor(index / perRow) * 40 };
}

/** The band a point of the canvas is in. */
export function bandAt(y: number): NoteKind {
  return BANDS[Math.min(BANDS.length - 1, Math.max(0, Math.floor(y / CANVAS.band)))];
}

/** Keep a note's spot inside the canvas. */
export function clampSpot(x: number, y: number): { x: number; y: number } {
  return {
    x: Math.round(Math.min(CANVAS.width - CANVAS.note, Math.max(0, x))),
    y: Math.round(Math.min(BANDS.length * CANVAS.band - 40, Math.max(0, y))),
  };
}

/** The "Move to…" key of where a note is now. */
export function spotKeyOf(n: Note): string {
  if (n.place.canvas === "backstory") return `backstory|${bandAt(n.place.y ?? 0)}`;
  return `board|${n.place.stage ?? ""}|${n.place.lane ?? ""}`;
}

export const NO_PLACE: Place = { canvas: "board", stage: null, step: null, lane: null, x: null, y: null };

/** The add-a-note form's place, set from a cell's "+" (and the form is focused). */
export interface Composer { place: Place | null; placeAt: (p: Place) => void }
export const ComposerContext = createContext<Composer>({ place: null, placeAt: () => {} });
export const useComposer = () => useContext(ComposerContext);
