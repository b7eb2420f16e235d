// Fractional positions (layout 1): an element's place in its collection is a fractional-index
// key (rocicorp's fractional-indexing, base 62, the same algorithm as journeyline.live.positions);
// a collection is ordered by (pos, id) in plain code-unit comparison. A new place is a key
// strictly between its neighbours, so concurrent moves never duplicate or lose anything.
import { generateKeyBetween, generateNKeysBetween } from "fractional-indexing";

export const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Order of two entries by (pos, id). */
export function comparePlaces(a: { pos: string; id: string }, b: { pos: string; id: string }): number {
  if (a.pos !== b.pos) return a.pos < b.pos ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * A key strictly between `before` and `after` (null: the start / the end), or null when there is
 * none (the neighbours tie, or one is not a valid key): the caller then renumbers the list.
 */
export function positionBetween(before: string | null, after: string | null): string | null {
  try {
    return generateKeyBetween(before, after, DIGITS);
  } catch {
    return null;
  }
}

/** `n` keys in order, from the start to the end (a fresh numbering of a list). */
export function spreadPositions(n: number, before: string | null = null, after: string | null = null): string[] {
  return n === 0 ? [] : generateNKeysBetween(before, after, n, DIGITS);
}
