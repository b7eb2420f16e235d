// @mentions while writing a comment: which member the text before the caret is naming.
// The server decides who a comment mentions (a member's name or e-mail after "@", the
// longest that fits); this only helps to write a name it will recognise.

export interface Mentionable { account: string; name: string; email: string; role?: string }

export interface MentionQuery {
  /** Where the "@" is. */
  start: number;
  /** What follows it, up to the caret. */
  query: string;
}

const WORD = /[\p{L}\p{N}_]/u;

/** The "@…" being typed just before `caret`, or null (an e-mail address is not a mention). */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf("@");
  if (at < 0) return null;
  if (at > 0 && WORD.test(before[at - 1])) return null;
  const query = before.slice(at + 1);
  if (query.length > 60 || /[\n@]/.test(query) || /\s\s/.test(query) || query.startsWith(" ")) return null;
  return { start: at, query };
}

/** The members whose name or e-mail address starts with the query (or has a word that does). */
export function matchMembers(members: Mentionable[], query: string, limit = 6): Mentionable[] {
  const q = query.toLocaleLowerCase();
  const scored: [number, Mentionable][] = [];
  for (const m of members) {
    const name = m.name.toLocaleLowerCase();
    const email = m.email.toLocaleLowerCase();
    let score = -1;
    if (name.startsWith(q)) score = 0;
    else if (name.split(/\s+/).some((w) => w.startsWith(q))) score = 1;
    else if (email.startsWith(q)) score = 2;
    if (score >= 0) scored.push([score, m]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].name.localeCompare(b[1].name));
  return scored.slice(0, limit).map(([, m]) => m);
}

/** The text with the "@query" replaced by "@Name " and where the caret goes after it. */
export function insertMention(text: string, at: MentionQuery, member: Mentionable): { text: string; caret: number } {
  const inserted = `@${member.name} `;
  const end = at.start + 1 + at.query.length;
  const rest = text.slice(end).replace(/^ /, "");
  return { text: text.slice(0, at.start) + inserted + rest, caret: at.start + inserted.length };
}

/** The text cut where it mentions a member (by the server's rule), for showing mentions. */
export function withMentions(text: string, members: Mentionable[]): { text: string; mention: boolean }[] {
  const keys = members.flatMap((m) => [m.name, m.email]).filter(Boolean).sort((a, b) => b.length - a.length);
  if (keys.length === 0 || !text.includes("@")) return [{ text, mention: false }];
  const folded = text.toLocaleLowerCase();
  const parts: { text: string; mention: boolean }[] = [];
  let from = 0;
  for (let at = folded.indexOf("@"); at !== -1; at = folded.indexOf("@", at + 1)) {
    if (at < from || (at > 0 && WORD.test(text[at - 1]))) continue;
    const key = keys.find((k) => {
      const end = at + 1 + k.length;
      return folded.startsWith(k.toLocaleLowerCase(), at + 1) && (end >= text.length || !WORD.test(text[end]));
    });
    if (!key) continue;
    if (at > from) parts.push({ text: text.slice(from, at), mention: false });
    parts.push({ text: text.slice(at, at + 1 + key.length), mention: true });
    from = at + 1 + key.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), mention: false });
  return parts;
}
