// The journey model as the file format defines it (docs/format.md): types and defaults
// generated from `journeyline schema` by frontend/scripts/model-types.mjs. Do not edit:
// `make frontend` writes it again, and tests/test_frontend_model.py fails when it drifts.

/** T-shirt size of the work an opportunity needs. */
export const EFFORT_VALUES = ["xs", "s", "m", "l", "xl"] as const;
export type Effort = (typeof EFFORT_VALUES)[number];

/** What a piece of evidence is. */
export const EVIDENCE_KIND_VALUES = ["interview", "quote", "survey", "support_ticket", "analytics", "observation", "usability_test", "review", "document", "workshop", "other"] as const;
export type EvidenceKind = (typeof EVIDENCE_KIND_VALUES)[number];

/** How badly a pain point hurts: ordered from mild to severe. */
export const IMPACT_VALUES = ["trivial", "workaround", "abandon"] as const;
export type Impact = (typeof IMPACT_VALUES)[number];

/** The built-in rows of the map grid, in their default order. */
export const LANE_VALUES = ["actions", "touchpoints", "channels", "thinks", "feels", "sentiment", "pain_points", "opportunities", "backstage", "metrics", "measured", "images", "notes"] as const;
export type Lane = (typeof LANE_VALUES)[number];

/** A three-step scale for expected impact and tech-savviness. */
export const LEVEL_VALUES = ["low", "medium", "high"] as const;
export type Level = (typeof LEVEL_VALUES)[number];

/** A map starts as a hypothesis and becomes validated once research backs it. */
export const MAP_STATUS_VALUES = ["hypothesis", "validated"] as const;
export type MapStatus = (typeof MAP_STATUS_VALUES)[number];

/** The four kinds of journey map the practice distinguishes. */
export const MAP_TYPE_VALUES = ["current_state", "future_state", "day_in_the_life", "service_blueprint"] as const;
export type MapType = (typeof MAP_TYPE_VALUES)[number];

/** An idea moves through planned and in progress to done. */
export const OPPORTUNITY_STATUS_VALUES = ["idea", "planned", "in_progress", "done"] as const;
export type OpportunityStatus = (typeof OPPORTUNITY_STATUS_VALUES)[number];

/** What a step is: something the persona does, asks, or decides. */
export const STEP_KIND_VALUES = ["action", "question", "decision"] as const;
export type StepKind = (typeof STEP_KIND_VALUES)[number];

/** Where a step happens: seen by the customer (frontstage) or behind the scenes (backstage). */
export const ZONE_VALUES = ["frontstage", "backstage"] as const;
export type Zone = (typeof ZONE_VALUES)[number];

/** The persona's situation before the journey starts. */
export interface Backstory {
  /** What troubles the persona today. */
  pain_points: string[];
  /** What the persona needs from a solution. */
  requirements: string[];
  /** The outcomes the persona wants. */
  outcomes: string[];
  /** The persona's highest-level goal. */
  highest_goal: string | null;
  /** The story in one paragraph. */
  story: string | null;
}

/** A new Backstory with every field as the file format fills it in when it is left out. */
export function defaultBackstory(): Backstory {
  return {
    pain_points: [],
    requirements: [],
    outcomes: [],
    highest_goal: null,
    story: null,
  };
}

/** One named path out of a decision step. */
export interface Branch {
  /** The choice, e.g. 'Yes' or 'Pay by card'. */
  label: string;
  /** Id of the step this path leads to (an earlier step makes a loop); empty ends the journey. */
  to: string | null;
}

/** A new Branch with every field as the file format fills it in when it is left out. */
export function defaultBranch(): Branch {
  return {
    label: "",
    to: null,
  };
}

/** Which raw analytics events count as this step (used by event-log analytics). */
export interface EventMatcher {
  /** Event name, glob or regular expression. */
  event: string;
  /** How `event` is compared with event names. */
  match: "exact" | "glob" | "regex";
  /** Property filters: every listed property must equal the value. */
  where: Record<string, string>;
}

/** A new EventMatcher with every field as the file format fills it in when it is left out. */
export function defaultEventMatcher(): EventMatcher {
  return {
    event: "",
    match: "exact",
    where: {},
  };
}

/** What a claim rests on: an interview note, a quote, a survey result, an analytics figure. */
export interface Evidence {
  /** Stable identifier, unique within the workspace; derived from the name when omitted. */
  id: string;
  /** Short title; derived from the quote or source when omitted. */
  name: string;
  /** interview, quote, survey … */
  kind: EvidenceKind;
  /** Who or what it comes from. */
  source: string | null;
  /** The words, verbatim. */
  quote: string | null;
  /** What it shows, in a sentence. */
  summary: string | null;
  /** When it was collected. */
  date: string | null;
  /** Link to the original. */
  url: string | null;
  /** Files it carries (a PDF, a photo, an interview's audio or video): uploaded files' addresses, or paths relative to the workspace folder. */
  attachments: string[];
  /** Ids of the elements it supports (personas, stages, steps, pain points …). */
  links: string[];
}

/** A new Evidence with every field as the file format fills it in when it is left out. */
export function defaultEvidence(): Evidence {
  return {
    id: "",
    name: "",
    kind: "other",
    source: null,
    quote: null,
    summary: null,
    date: null,
    url: null,
    attachments: [],
    links: [],
  };
}

/** One persona (or several), one scenario, one goal: the stages and steps they go through. */
export interface JourneyMap {
  /** Stable identifier, unique within the workspace; derived from the name when omitted. */
  id: string;
  /** Title of the map. */
  name: string;
  /** Ids of the personas whose journey this is. */
  personas: string[];
  /** Id of the segment the personas belong to. */
  segment: string | null;
  /** The situation the journey covers. */
  scenario: string | null;
  /** What the persona wants to achieve. */
  goal: string | null;
  /** current_state, future_state, day_in_the_life or service_blueprint. */
  type: MapType;
  /** How long the journey takes: a day, a week, a year. */
  timeframe: string | null;
  /** high_level or detailed. */
  depth: "high_level" | "detailed" | null;
  /** hypothesis or validated. */
  status: MapStatus;
  /** Who keeps the map up to date. */
  owner: string | null;
  /** When the map is next due for review. */
  review_date: string | null;
  /** For a future-state map: id of the current-state map it improves. */
  based_on: string | null;
  /** Free labels. */
  tags: string[];
  /** Range of emotion scores. */
  scale: SentimentScale;
  /** Rows shown, in order: built-in lane names or ids of custom lanes. */
  lanes: (Lane | string)[];
  /** Id of the workspace event source that measures this map (its Measured lane). */
  measured_source: string | null;
  /** The persona's situation and goals. */
  backstory: Backstory;
  /** The stages, in order. */
  stages: Stage[];
  /** Where it hurts. */
  pain_points: PainPoint[];
  /** Ideas to make it better. */
  opportunities: Opportunity[];
  /** What the map rests on. */
  evidence: Evidence[];
}

/** A new JourneyMap with every field as the file format fills it in when it is left out. */
export function defaultJourneyMap(): JourneyMap {
  return {
    id: "",
    name: "",
    personas: [],
    segment: null,
    scenario: null,
    goal: null,
    type: "current_state",
    timeframe: null,
    depth: null,
    status: "hypothesis",
    owner: null,
    review_date: null,
    based_on: null,
    tags: [],
    scale: {"min":-5,"max":5},
    lanes: ["actions","touchpoints","channels","thinks","feels","sentiment","pain_points","opportunities","backstage","metrics","notes"],
    measured_source: null,
    backstory: {"pain_points":[],"requirements":[],"outcomes":[],"highest_goal":null,"story":null},
    stages: [],
    pain_points: [],
    opportunities: [],
    evidence: [],
  };
}

/** A custom lane (row) a workspace adds to its maps, e.g. 'Regulations' or 'Partners'. */
export interface LaneDefinition {
  /** Stable identifier, unique within the workspace; derived from the name when omitted. */
  id: string;
  /** Title of the lane as shown on the map. */
  name: string;
  /** What goes in it. */
  description: string | null;
}

/** A new LaneDefinition with every field as the file format fills it in when it is left out. */
export function defaultLaneDefinition(): LaneDefinition {
  return {
    id: "",
    name: "",
    description: null,
  };
}

/** Figures measured from an event log and written onto a step or stage by `events overlay`. */
export interface Measured {
  /** Distinct units (users, cases, sessions) reaching it. */
  units: number | null;
  /** Share of all units that reach it, 0–1. */
  share: number | null;
  /** Matching events. */
  events: number | null;
  /** Share of units reaching the next step, 0–1. */
  conversion: number | null;
  /** Share of units that go no further, 0–1. */
  dropoff: number | null;
  /** Median time spent, in seconds. */
  median_seconds: number | null;
  /** 95th percentile time spent, in seconds. */
  p95_seconds: number | null;
  /** Channel mix: share per channel. */
  channels: Record<string, number>;
  /** What a unit is: user, case or session. */
  unit: string | null;
  /** Units in the whole log. */
  total_units: number | null;
  /** First event in the data. */
  period_start: string | null;
  /** Last event in the data. */
  period_end: string | null;
  /** The event log these figures come from. */
  source: string | null;
  /** Share of the previous measured step's units who go on to this step, 0–1. */
  from_previous: number | null;
  /** Median time from this step to the next measured step, in seconds. */
  median_to_next_seconds: number | null;
  /** Where units that drop off go next: units per next event. */
  next_events: Record<string, number>;
  /** Units reaching it per week, oldest first. */
  weekly: number[];
  /** The source has changed since these figures were measured. */
  stale: boolean;
}

/** A new Measured with every field as the file format fills it in when it is left out. */
export function defaultMeasured(): Measured {
  return {
    units: null,
    share: null,
    events: null,
    conversion: null,
    dropoff: null,
    median_seconds: null,
    p95_seconds: null,
    channels: {},
    unit: null,
    total_units: null,
    period_start: null,
    period_end: null,
    source: null,
    from_previous: null,
    median_to_next_seconds: null,
    next_events: {},
    weekly: [],
    stale: false,
  };
}

/** A number the team tracks for a step or stage (a KPI, a target, a measured value). */
export interface Metric {
  /** What is measured, e.g. 'conversion' or 'CSAT'. */
  name: string;
  /** The current value. */
  value: number | string | null;
  /** Unit of the value: %, s, €, points … */
  unit: string | null;
  /** The value the team aims for. */
  target: number | string | null;
  /** Where the value comes from. */
  source: string | null;
  /** How many answers or units the value rests on. */
  n: number | null;
  /** The value's 95 % interval, [low, high]. */
  interval: number[] | null;
  /** The lowest and highest value it can take, [low, high] (NPS [-100, 100], CSAT [0, 100] %): a survey score with bounds is drawn on the customers' sentiment line. */
  bounds: number[] | null;
}

/** A new Metric with every field as the file format fills it in when it is left out. */
export function defaultMetric(): Metric {
  return {
    name: "",
    value: null,
    unit: null,
    target: null,
    source: null,
    n: null,
    interval: null,
    bounds: null,
  };
}

/** An idea for making the journey better, tied to pain points and steps. */
export interface Opportunity {
  /** Stable identifier, unique within the workspace; derived from the name when omitted. */
  id: string;
  /** Short statement of the idea. */
  name: string;
  /** Longer description. */
  description: string | null;
  /** Ids of the pain points it addresses. */
  pain_points: string[];
  /** Ids of the steps it changes. */
  steps: string[];
  /** Dot votes from the team. */
  votes: number;
  /** Team that owns it. */
  owner: string | null;
  /** xs, s, m, l or xl. */
  effort: Effort | null;
  /** Expected impact: low, medium or high. */
  impact: Level | null;
  /** idea, planned, in_progress or done. */
  status: OpportunityStatus;
}

/** A new Opportunity with every field as the file format fills it in when it is left out. */
export function defaultOpportunity(): Opportunity {
  return {
    id: "",
    name: "",
    description: null,
    pain_points: [],
    steps: [],
    votes: 0,
    owner: null,
    effort: null,
    impact: null,
    status: "idea",
  };
}

/** Where it hurts: a frustration, error or bottleneck under a step. */
export interface PainPoint {
  /** Stable identifier, unique within the workspace; derived from the name when omitted. */
  id: string;
  /** Short statement of the problem. */
  name: string;
  /** Longer description. */
  description: string | null;
  /** Id of the step it occurs at. */
  step: string | null;
  /** trivial, workaround or abandon. */
  impact: Impact;
  /** Share of customers it reaches, 0–1. */
  reach: number | null;
}

/** A new PainPoint with every field as the file format fills it in when it is left out. */
export function defaultPainPoint(): PainPoint {
  return {
    id: "",
    name: "",
    description: null,
    step: null,
    impact: "workaround",
    reach: null,
  };
}

/** A composite, research-based picture of one role: the persona factsheet. */
export interface Persona {
  /** Stable identifier, unique within the workspace; derived from the name when omitted. */
  id: string;
  /** The persona's name, e.g. 'Priya the Product Lead'. */
  name: string;
  /** Job or role. */
  role: string | null;
  /** Id of the segment this persona belongs to. */
  segment: string | null;
  /** A line in the persona's own words. */
  quote: string | null;
  /** A short paragraph about the persona. */
  bio: string | null;
  /** Age, location, education, income, family … as label: value. */
  demographics: Record<string, string>;
  /** What the persona wants to achieve. */
  goals: string[];
  /** What stands in the way; frustrations. */
  challenges: string[];
  /** What the persona cares about. */
  values: string[];
  /** What the persona worries about. */
  fears: string[];
  /** What the persona needs from us. */
  needs: string[];
  /** What drives the persona. */
  motivations: string[];
  /** Channels the persona prefers. */
  preferred_channels: string[];
  /** low, medium or high. */
  tech_savviness: Level | null;
  /** The message that speaks to this persona. */
  marketing_message: string | null;
  /** Our pitch to this persona in one breath. */
  elevator_pitch: string | null;
  /** Photo or avatar: an uploaded file's address, a path, URL, data URI or emoji. */
  avatar: string | null;
}

/** A new Persona with every field as the file format fills it in when it is left out. */
export function defaultPersona(): Persona {
  return {
    id: "",
    name: "",
    role: null,
    segment: null,
    quote: null,
    bio: null,
    demographics: {},
    goals: [],
    challenges: [],
    values: [],
    fears: [],
    needs: [],
    motivations: [],
    preferred_channels: [],
    tech_savviness: null,
    marketing_message: null,
    elevator_pitch: null,
    avatar: null,
  };
}

/** A group of customers who behave alike (SMB / Enterprise, K-12 / commercial). */
export interface Segment {
  /** Stable identifier, unique within the workspace; derived from the name when omitted. */
  id: string;
  /** Name of the segment. */
  name: string;
  /** Who is in it and how they behave. */
  description: string | null;
  /** How many customers, in words or numbers. */
  size: string | null;
}

/** A new Segment with every field as the file format fills it in when it is left out. */
export function defaultSegment(): Segment {
  return {
    id: "",
    name: "",
    description: null,
    size: null,
  };
}

/** The range of emotion scores a map uses, e.g. -5 … +5 or 1 … 5. */
export interface SentimentScale {
  /** Most negative score. */
  min: number;
  /** Most positive score. */
  max: number;
}

/** A new SentimentScale with every field as the file format fills it in when it is left out. */
export function defaultSentimentScale(): SentimentScale {
  return {
    min: -5,
    max: 5,
  };
}

/** A named group of steps (Awareness, Research, Purchase …) with the customer's goal for it. */
export interface Stage {
  /** Stable identifier, unique within the workspace; derived from the name when omitted. */
  id: string;
  /** Name of the stage, e.g. 'Onboarding'. */
  name: string;
  /** What the customer wants to achieve in this stage. */
  goal: string | null;
  /** What the customer expects here. */
  expectations: string[];
  /** How long the stage usually lasts, e.g. '2–3 days'. */
  duration: string | null;
  /** Longer description. */
  description: string | null;
  /** KPIs for the stage. */
  metrics: Metric[];
  /** Figures measured from an event log. */
  measured: Measured | null;
  /** The steps, in order. */
  steps: Step[];
}

/** A new Stage with every field as the file format fills it in when it is left out. */
export function defaultStage(): Stage {
  return {
    id: "",
    name: "",
    goal: null,
    expectations: [],
    duration: null,
    description: null,
    metrics: [],
    measured: null,
    steps: [],
  };
}

/** One thing that happens, in order, inside a stage, seen through the persona's eyes. */
export interface Step {
  /** Stable identifier, unique within the workspace; derived from the name when omitted. */
  id: string;
  /** Short name of the step, e.g. 'Sign up'. */
  name: string;
  /** action, question or decision. */
  kind: StepKind;
  /** Longer description. */
  description: string | null;
  /** Where the customer meets the organisation: home page, checkout, a waiter … */
  touchpoint: string | null;
  /** Through what: web, email, phone, in_store … */
  channel: string | null;
  /** frontstage (seen by the customer) or backstage. */
  zone: Zone;
  /** What the persona does. */
  does: string | null;
  /** What the persona thinks. */
  thinks: string | null;
  /** What the persona feels, in words. */
  feels: string | null;
  /** Emotion score on the map's scale. */
  emotion: number | null;
  /** Emotion score per persona id, for multi-persona maps (overrides `emotion`). */
  emotions: Record<string, number>;
  /** Ids of the personas this step concerns; empty means all. */
  personas: string[];
  /** People, teams or systems involved. */
  actors: string[];
  /** A make-or-break moment for the relationship. */
  moment_of_truth: boolean;
  /** Named paths out of a decision. */
  branches: Branch[];
  /** KPIs and measured values. */
  metrics: Metric[];
  /** Event-log events that count as this step. */
  events: EventMatcher[];
  /** Figures measured from an event log. */
  measured: Measured | null;
  /** Picture for the images lane: an uploaded file's address, a path, URL or data URI. */
  image: string | null;
  /** Free notes. */
  notes: string | null;
  /** Text in custom lanes, keyed by the lane's id. */
  lanes: Record<string, string>;
}

/** A new Step with every field as the file format fills it in when it is left out. */
export function defaultStep(): Step {
  return {
    id: "",
    name: "",
    kind: "action",
    description: null,
    touchpoint: null,
    channel: null,
    zone: "frontstage",
    does: null,
    thinks: null,
    feels: null,
    emotion: null,
    emotions: {},
    personas: [],
    actors: [],
    moment_of_truth: false,
    branches: [],
    metrics: [],
    events: [],
    measured: null,
    image: null,
    notes: null,
    lanes: {},
  };
}

/** A Journeyline workspace, map file or workspace-folder part: One organisation's maps, personas, segments and evidence; a file or a folder on disk. A file holding a single map is a workspace with one map; it may carry the personas the map refers to so that it stands alone. */
export interface JourneylineDocument {
  /** Version of the document format; always 1. Must come first. */
  journeyline: 1;
  /** Stable identifier, unique within the workspace; derived from the name when omitted. */
  id: string;
  /** Name of the workspace. */
  name: string;
  /** What the workspace is for. */
  description: string | null;
  /** Customer segments. */
  segments: Segment[];
  /** Personas. */
  personas: Persona[];
  /** Custom lanes maps can show. */
  lanes: LaneDefinition[];
  /** Journey maps. */
  maps: JourneyMap[];
  /** Evidence about personas and segments, shared by all maps. */
  evidence: Evidence[];
  /** Analysis thresholds overriding the defaults, as 'finding.setting': value. */
  analysis: Record<string, number>;
}
