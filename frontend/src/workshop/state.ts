// What the workshop view knows (the workshop, its notes, groups and voting rounds) and the one
// pure function that changes it: `applyMessage` takes the live channel's `state` and `patch`
// messages and the answers of this tab's own REST writes alike, so both paths agree.
import type { Group, Note, Round, View, Workshop } from "./api";

export interface WorkshopState {
  workshop: Workshop | null;
  notes: Note[];
  groups: Group[];
  rounds: Round[];
  /** Facilitator, while hidden: how many notes each person still keeps to themselves. */
  hiddenCounts: Record<string, number>;
  /** The last summon seen (everyone's view follows it). */
  summoned: { view: View; by: string; seq: number } | null;
  ended: boolean;
}

export const EMPTY_STATE: WorkshopState = { workshop: null, notes: [], groups: [], rounds: [], hiddenCounts: {}, summoned: null, ended: false };

export type Message =
  | { type: "state"; workshop: Workshop; notes: Note[]; groups: Group[]; rounds: Round[]; hidden_counts?: Record<string, number> }
  | {
      type: "patch";
      workshop?: Workshop;
      notes?: Note[];
      deleted_notes?: string[];
      groups?: Group[];
      deleted_groups?: string[];
      rounds?: Round[];
      hidden_counts?: Record<string, number>;
      server_time?: string;
    }
  | { type: "summon"; view: View; by: string }
  | { type: "ended" };

/** A newer copy replaces an older one; a copy older than what we hold (a late message) is ignored. */
function newer(incoming: Note, held: Note | undefined): boolean {
  if (!held) return true;
  return Date.parse(incoming.updated_at) >= Date.parse(held.updated_at) || Number.isNaN(Date.parse(held.updated_at));
}

function upsert<T extends { id: string }>(list: T[], incoming: T[], keep: (a: T, b: T | undefined) => boolean = () => true): T[] {
  if (!incoming.length) return list;
  const index = new Map(list.map((x, i) => [x.id, i]));
  const out = list.slice();
  for (const item of incoming) {
    const at = index.get(item.id);
    if (at === undefined) {
      index.set(item.id, out.length);
      out.push(item);
    } else if (keep(item, out[at])) out[at] = item;
  }
  return out;
}

function without<T extends { id: string }>(list: T[], ids: string[] | undefined): T[] {
  if (!ids?.length) return list;
  const gone = new Set(ids);
  return list.filter((x) => !gone.has(x.id));
}

/** A workshop read replaces ours unless it is older (by its server time) than the one we hold. */
function laterWorkshop(incoming: Workshop, held: Workshop | null): Workshop {
  if (!held) return incoming;
  const a = Date.parse(incoming.server_time);
  const b = Date.parse(held.server_time);
  return Number.isNaN(a) || Number.isNaN(b) || a >= b ? incoming : held;
}

/** The workshop view after one message (pure: the same inputs give the same state). */
export function applyMessage(state: WorkshopState, message: Message): WorkshopState {
  switch (message.type) {
    case "state":
      return {
        ...state,
        workshop: message.workshop,
        notes: message.notes,
        groups: message.groups,
        rounds: message.rounds,
        hiddenCounts: message.hidden_counts ?? {},
        ended: message.workshop.status === "ended",
      };
    case "patch": {
      const workshop = message.workshop ? laterWorkshop(message.workshop, state.workshop) : state.workshop;
      let notes = without(upsert(state.notes, message.notes ?? [], newer), message.deleted_notes);
      // A workshop that is no longer hidden shows everything: nothing of ours stays flagged.
      if (workshop && !workshop.hidden && state.workshop?.hidden) notes = notes.map((n) => (n.hidden ? { ...n, hidden: false } : n));
      return {
        ...state,
        workshop,
        notes,
        groups: without(upsert(state.groups, message.groups ?? []), message.deleted_groups),
        rounds: upsert(state.rounds, message.rounds ?? []),
        hiddenCounts: message.hidden_counts ?? (workshop && !workshop.hidden ? {} : state.hiddenCounts),
        ended: state.ended || workshop?.status === "ended",
      };
    }
    case "summon":
      return { ...state, summoned: { view: message.view, by: message.by, seq: (state.summoned?.seq ?? 0) + 1 } };
    case "ended":
      return { ...state, ended: true, workshop: state.workshop ? { ...state.workshop, status: "ended" } : null };
  }
}

/** The notes of a group, in the group's order (notes this person cannot see are left out). */
export function notesOfGroup(state: Pick<WorkshopState, "notes">, group: Group): Note[] {
  const byId = new Map(state.notes.map((n) => [n.id, n]));
  return group.notes.map((id) => byId.get(id)).filter((n): n is Note => !!n);
}

/** Where a note sits on the notes wall: its stage column (or "" for none) and lane row (or ""). */
export function cellOf(note: Note): { stage: string; lane: string } {
  return { stage: note.place.stage ?? "", lane: note.place.lane ?? "" };
}
