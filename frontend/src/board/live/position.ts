// Fractional positions (layout 1): an element's place in its collection is a string over
// 0-9A-Za-z; a collection is ordered by (pos, id) in plain code-unit comparison. A new place is
// a string strictly between its neighbours, so concurrent moves never duplicate or lose anything.

export const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Order of two entries by (pos, id). */
export function comparePlaces(a: { pos: string; id: string }, b: { pos: string; id: string }): number {
  if (a.pos !== b.pos) return a.pos < b.pos ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function digit(c: string | undefined): number {
  if (c === undefined) return 0;
  const d = DIGITS.indexOf(c);
  return d < 0 ? 0 : d;
}

/** A string strictly between `a` ("" = the start) and `b` (null = the end); null when there is none. */
function midpoint(a: string, b: string | null, depth = 0): string | null {
  if (depth > 64) return null;
  if (b !== null) {
    let n = 0;
    while (n < b.length && (a[n] ?? "0") === b[n]) n++;
    if (n === b.length) return null; // b is a prefix of a (padded with zeros): nothing lies between
    if (n > 0) {
      const rest = midpoint(a.slice(n), b.slice(n), depth + 1);
      return rest === null ? null : b.slice(0, n) + rest;
    }
  }
  const da = a ? digit(a[0]) : 0;
  const db = b !== null ? digit(b[0]) : DIGITS.length;
  if (db - da > 1) return DIGITS[Math.floor((da + db) / 2)];
  if (b !== null && b.length > 1) return b[0];
  const rest = midpoint(a.slice(1), null, depth + 1);
  return rest === null ? null : DIGITS[da] + rest;
}

/** A position strictly between `before` and `after` (either may be null: the start / the end), or null. */
export function positionBetween(before: string | null, after: string | null): string | null {
  if (before !== null && after !== null && before >= after) return null;
  const p = midpoint(before ?? "", after);
  if (p === null || p === "") return null;
  if ((before !== null && !(before < p)) || (after !== null && !(p < after))) return null;
  return p;
}

/** `n` positions evenly spread from the start to the end (a renumbering when there is no room left). */
export function spreadPositions(n: number): string[] {
  const out: string[] = [];
  let prev: string | null = null;
  for (let i = 0; i < n; i++) {
    // Leave room on both sides: step through the first digit, then the second, and so on.
    const width = Math.max(1, Math.ceil(Math.log(n + 2) / Math.log(DIGITS.length)));
    let x = Math.round(((i + 1) * Math.pow(DIGITS.length, width)) / (n + 1));
    let s = "";
    for (let k = 0; k < width; k++) {
      s = DIGITS[x % DIGITS.length] + s;
      x = Math.floor(x / DIGITS.length);
    }
    s = s.replace(/0+$/, "") || "V";
    if (prev !== null && !(prev < s)) s = positionBetween(prev, null) ?? prev + "V";
    out.push(s);
    prev = s;
  }
  return out;
}
