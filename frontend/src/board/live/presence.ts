// Who else is on the map (tldraw's presence scope), from the live connection's awareness:
// each person's name and colour, the card they have selected, the field they are typing in,
// their pointer and their view of the grid. Never saved; gone when their tab closes (the
// server clears a closed connection's states at once, awareness times out after 30 s anyway).
import type { Awareness } from "y-protocols/awareness";
import type { ElementKind } from "../ops";
import { Scope } from "../scope";

export interface PresenceUser { id: string; name: string; color: string }

/** What this tab tells the others. */
export interface LocalPresence {
  user: PresenceUser;
  selection: { kind: ElementKind; id: string } | null;
  /** The element and field being typed in. */
  editing: { id: string; field: string } | null;
  /** The pointer, in the grid's content coordinates. */
  cursor: { x: number; y: number } | null;
  /** The top-left corner of the visible part of the grid. */
  view: { left: number; top: number } | null;
}

export interface Peer extends LocalPresence { client: number }

export interface PresenceState {
  peers: Peer[];
  /** The awareness client being followed (their view is ours), or null. */
  following: number | null;
}

const COLORS = ["#d1495b", "#00798c", "#edae49", "#30638e", "#6a4c93", "#2a9d8f", "#e76f51", "#8ab17d", "#b5179e", "#3d5a80"];

/** A person's colour: the same for them on every board. */
export function colorFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLORS[h % COLORS.length];
}

export function initials(name: string): string {
  const parts = name.trim().split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}

function isPeer(value: unknown): value is LocalPresence {
  const v = value as LocalPresence | null;
  return !!v && typeof v.user?.name === "string" && typeof v.user?.color === "string";
}

export class Presence extends Scope<PresenceState> {
  private local: LocalPresence;

  constructor(private readonly awareness: Awareness | null, user: PresenceUser) {
    super({ peers: [], following: null });
    this.local = { user, selection: null, editing: null, cursor: null, view: null };
    if (awareness) {
      awareness.setLocalState(this.local);
      awareness.on("change", this.changed);
    }
  }

  /** Tell the others what changed here (only the fields given). */
  update(patch: Partial<Omit<LocalPresence, "user">>): void {
    const next = { ...this.local, ...patch };
    const keys = Object.keys(patch) as (keyof LocalPresence)[];
    if (keys.every((k) => JSON.stringify(next[k]) === JSON.stringify(this.local[k]))) return;
    this.local = next;
    this.awareness?.setLocalState(this.local);
  }

  follow(client: number | null): void {
    this.set({ following: client });
  }

  dispose(): void {
    this.awareness?.off("change", this.changed);
  }

  private changed = (): void => {
    if (!this.awareness) return;
    const peers: Peer[] = [];
    for (const [client, state] of this.awareness.getStates())
      if (client !== this.awareness.clientID && isPeer(state)) peers.push({ ...state, client });
    peers.sort((a, b) => a.client - b.client);
    const following = peers.some((p) => p.client === this.state.following) ? this.state.following : null;
    this.set({ peers, following });
  };
}
