// The journey model (generated from the file format's JSON Schema into model.generated.ts)
// and the shapes the API wraps around it.
import { defaultJourneyMap, LANE_VALUES, type JourneyMap } from "./model.generated";

export * from "./model.generated";

/** The built-in lanes (rows) of a map; anything else in `map.lanes` is a custom lane's id. */
export const BUILTIN_LANES = LANE_VALUES;

/** The lanes a new map shows: the model's default, as the schema states it. */
export const DEFAULT_LANES: readonly string[] = defaultJourneyMap().lanes;

// What the API wraps around documents.
/** One element's votes as the server assembles them (store/assembled.py): `total` is what every view shows. */
export interface VoteTally { written: number; cast: number; total: number }
/** What the server adds around the document so that every view shows the same map. */
export interface MapTallies { votes: Record<string, VoteTally>; mine: string[]; comments: Record<string, number>; evidence: Record<string, number> }
export interface MapState { workspace: string; id: string; revision: number; updated_at: string; map: JourneyMap; tallies?: MapTallies }

/** The map as every view shows it: each opportunity's votes is the server's shown total (never summed here). */
export function shownMap(state: MapState): JourneyMap {
  const votes = state.tallies?.votes;
  if (!votes) return state.map;
  return { ...state.map, opportunities: state.map.opportunities.map((o) => (votes[o.id] ? { ...o, votes: votes[o.id].total } : o)) };
}
export interface MapSummaryRow { id: string; name: string; revision: number; updated_at: string; [extra: string]: unknown }
export interface WorkspaceRow { id: string; name: string; description: string | null; role: Role; revision: number; maps: number; created_at: string; updated_at: string }
export type Role = "owner" | "editor" | "commenter" | "viewer";

export interface Finding {
  kind: string; severity: "low" | "medium" | "high"; stage: string | null; step: string | null;
  message: string; suggestion: string; stage_id: string | null; step_id: string | null; persona: string | null;
}
export interface Comment {
  id: string; target: string | null; body: string; author: { id: string; name: string } | string;
  created_at: string; updated_at?: string; resolved?: boolean;
  /** Who the comment notified (answers to posting or editing it). */
  mentioned?: { account: string; name: string }[];
  [extra: string]: unknown;
}
export interface Me { id: string; name: string; email: string }
