// Grouping cards by the step they sit at, keeping the arrays that did not change (so the
// memoised columns that receive them as props do not redraw).

export function sameItems<T>(a: T[] | undefined, b: T[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Group items by key, reusing the previous arrays that hold the same items (stable props). */
export function group<T>(items: T[], key: (t: T) => string | null, prev?: Map<string, T[]>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  if (prev) for (const [k, list] of out) if (sameItems(prev.get(k), list)) out.set(k, prev.get(k)!);
  return out;
}

