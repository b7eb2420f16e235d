// The journey model as the API sends it (the core file format's JSON, see docs/format.md).
// Field names are the file format's: keep them in step with src/journeyline/model/.

export type StepKind = "action" | "question" | "decision";
export type Zone = "frontstage" | "backstage";
export type Impact = "trivial" | "workaround" | "abandon";
export type Level = "low" | "medium" | "high";
export type Effort = "xs" | "s" | "m" | "l" | "xl";
export type MapType = "current_state" | "future_state" | "day_in_the_life" | "service_blueprint";
export type MapStatus = "hypothesis" | "validated";
export type OpportunityStatus = "idea" | "planned" | "in_progress" | "done";
export type EvidenceKind =
  | "interview" | "quote" | "survey" | "support_ticket" | "analytics"
  | "observation" | "usability_test" | "review" | "document" | "other";

export const BUILTIN_LANES = [
  "actions", "touchpoints", "channels", "thinks", "feels", "sentiment",
  "pain_points", "opportunities", "backstage", "metrics", "images", "notes",
] as const;
export type BuiltinLane = (typeof BUILTIN_LANES)[number];

export interface Metric { name: string; value: number | string | null; unit: string | null; target: number | string | null; source: string | null }
export interface Branch { label: string; to: string | null }
export interface EventMatcher { event: string; match: "exact" | "glob" | "regex"; where: Record<string, string> }
export interface Measured {
  units: number | null; share: number | null; events: number | null; conversion: number | null;
  dropoff: number | null; median_seconds: number | null; p95_seconds: number | null;
  channels: Record<string, number>; unit: string | null; total_units: number | null;
  period_start: string | null; period_end: string | null; source: string | null;
}

export interface Step {
  id: string; name: string; kind: StepKind; description: string | null;
  touchpoint: string | null; channel: string | null; zone: Zone;
  does: string | null; thinks: string | null; feels: string | null;
  emotion: number | null; emotions: Record<string, number>; personas: string[]; actors: string[];
  moment_of_truth: boolean; branches: Branch[]; metrics: Metric[]; events: EventMatcher[];
  measured: Measured | null; image: string | null; notes: string | null; lanes: Record<string, string>;
}

export interface Stage {
  id: string; name: string; goal: string | null; expectations: string[]; duration: string | null;
  description: string | null; metrics: Metric[]; measured: Measured | null; steps: Step[];
}

export interface PainPoint { id: string; name: string; description: string | null; step: string | null; impact: Impact; reach: number | null }
export interface Opportunity {
  id: string; name: string; description: string | null; pain_points: string[]; steps: string[];
  votes: number; owner: string | null; effort: Effort | null; impact: Level | null; status: OpportunityStatus;
}
export interface Evidence {
  id: string; name: string; kind: EvidenceKind; source: string | null; quote: string | null;
  summary: string | null; date: string | null; url: string | null; links: string[];
}
export interface Backstory { pain_points: string[]; requirements: string[]; outcomes: string[]; highest_goal: string | null; story: string | null }

export interface JourneyMap {
  id: string; name: string; personas: string[]; segment: string | null; scenario: string | null;
  goal: string | null; type: MapType; timeframe: string | null; depth: "high_level" | "detailed" | null;
  status: MapStatus; owner: string | null; review_date: string | null; based_on: string | null;
  tags: string[]; scale: { min: number; max: number }; lanes: string[]; backstory: Backstory;
  stages: Stage[]; pain_points: PainPoint[]; opportunities: Opportunity[]; evidence: Evidence[];
}

export interface Persona {
  id: string; name: string; role: string | null; segment: string | null; quote: string | null; bio: string | null;
  demographics: Record<string, string>; goals: string[]; challenges: string[]; values: string[]; fears: string[];
  needs: string[]; motivations: string[]; preferred_channels: string[]; tech_savviness: Level | null;
  marketing_message: string | null; elevator_pitch: string | null; avatar: string | null;
}
export interface Segment { id: string; name: string; description: string | null; size: string | null }
export interface LaneDefinition { id: string; name: string; description: string | null }

// What the API wraps around documents.
export interface MapState { workspace: string; id: string; revision: number; updated_at: string; map: JourneyMap }
export interface MapSummaryRow { id: string; name: string; revision: number; updated_at: string; [extra: string]: unknown }
export interface WorkspaceRow { id: string; name: string; description: string | null; role: Role; revision: number; maps: number; created_at: string; updated_at: string }
export type Role = "owner" | "editor" | "commenter" | "viewer";

export interface Finding {
  kind: string; severity: "low" | "medium" | "high"; stage: string | null; step: string | null;
  message: string; suggestion: string; stage_id: string | null; step_id: string | null; persona: string | null;
}
export interface Comment {
  id: string; target: string | null; body: string; author: { id: string; name: string } | string;
  created_at: string; updated_at?: string; resolved?: boolean; [extra: string]: unknown;
}
export interface Me { id: string; name: string; email: string }
