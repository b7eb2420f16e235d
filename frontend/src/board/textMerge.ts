// Merging a text someone typed with the same text changed by others meanwhile: the board's text
// fields keep the text as it was when typing began (the base), and on saving apply only what
// this person changed on top of the current text — so two people typing in one field both keep
// their characters (on the live board the result then goes into the shared Y.Text by its diff).

interface Change { start: number; end: number; insert: string }

/** What changed from `base` to `next`: base[start, end) became `insert` (common head and tail kept). */
function changeOf(base: string, next: string): Change {
  let start = 0;
  const max = Math.min(base.length, next.length);
  while (start < max && base[start] === next[start]) start++;
  let tail = 0;
  while (tail < max - start && base[base.length - 1 - tail] === next[next.length - 1 - tail]) tail++;
  return { start, end: base.length - tail, insert: next.slice(start, next.length - tail) };
}

/**
 * `mine` and `theirs` both started from `base`: the text with both changes. Changes in
 * different places both apply; changes at one place keep both texts (theirs first).
 */
export function mergeText(base: string, mine: string, theirs: string): string {
  if (mine === base || mine === theirs) return theirs;
  if (theirs === base) return mine;
  const m = changeOf(base, mine);
  const t = changeOf(base, theirs);
  if (m.end <= t.start && !(m.start === t.start && m.end === t.start && t.end === t.start && m.insert > t.insert)) {
    // Mine is before theirs: up to t.start, theirs is the base.
    return theirs.slice(0, m.start) + m.insert + theirs.slice(m.end);
  }
  if (m.start >= t.end) {
    const shift = theirs.length - base.length;
    return theirs.slice(0, m.start + shift) + m.insert + theirs.slice(m.end + shift);
  }
  // Both changed the same part: keep their text and add mine after it (nothing typed is lost).
  const after = t.start + t.insert.length;
  return theirs.slice(0, after) + m.insert + theirs.slice(after);
}
