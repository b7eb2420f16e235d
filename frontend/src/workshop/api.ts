// The workshop API (docs/api.md "Workshops"), typed: the shapes the server sends and one
// function per route. Every call goes through the app's `request` (cookies, CSRF, the error
// envelope); a guest's bearer token, when this tab holds one, rides along as Authorization.
import { request, type RequestOptions } from "../api";

export type WorkshopStatus = "planned" | "running" | "ended";
export type TimerState = "idle" | "running" | "paused" | "ended";
export type Shows = "scope" | "stage" | "backstory" | "lanes" | "pain_points" | "sentiment" | "big_picture" | "summary";
export type Role = "facilitator" | "scribe" | "participant";
export type NoteKind =
  | "action" | "question" | "decision" | "thought" | "feeling" | "pain_point" | "idea"
  | "backstory_pain_point" | "requirement" | "outcome" | "highest_goal";
export type RoundTargets = "pain_points" | "opportunities" | "groups";
export type ConvertAs = "step" | "action" | "thought" | "feeling" | "touchpoint" | "pain_point" | "opportunity" | "backstory";

export interface AgendaStep {
  id?: string;
  name: string;
  minutes: number;
  what: string;
  shows: Shows;
  spent_seconds?: number;
  started_at?: string | null;
}

export interface Timer {
  state: TimerState;
  step: number | null;
  ends_at: string | null;
  remaining_seconds: number | null;
  audible: boolean;
}

export interface View { step?: number | null; stage?: string | null; element?: string | null }
export interface Summon { by: string; view: View; at: string }

export interface Person { id: string; name: string; role: Role; guest: boolean; joined_at: string; present: boolean }

export interface Workshop {
  id: string;
  map: string;
  workspace: string;
  title: string;
  status: WorkshopStatus;
  agenda: AgendaStep[];
  current: number | null;
  timer: Timer;
  locked: boolean;
  hidden: boolean;
  summon: Summon | null;
  join_url: string;
  people: Person[];
  me: Person;
  server_time: string;
}

export interface Place {
  canvas: "board" | "backstory";
  stage: string | null;
  step: string | null;
  lane: string | null;
  x: number | null;
  y: number | null;
}

export interface Note {
  id: string;
  kind: NoteKind;
  text: string;
  author: string;
  author_name: string;
  place: Place;
  group: string | null;
  hidden: boolean;
  converted: string[];
  created_at: string;
  updated_at: string;
}

export interface Group { id: string; label: string; notes: string[]; place?: Partial<Place> | null }

export interface Suggestion { id: string; notes: string[]; similarity: number; label: string }

export interface RoundItem { id: string; label: string }
export interface RoundResult { item: string; label: string; votes: number; rank: number }
export interface Round {
  id: string;
  targets: RoundTargets;
  budget: number;
  per_item: number | null;
  status: "open" | "closed" | "revealed";
  items: RoundItem[];
  my_votes: Record<string, number>;
  used: number;
  voters: number;
  results: RoundResult[] | null;
}

export interface NotesReply { notes: Note[]; groups: Group[]; hidden_counts?: Record<string, number> }

export interface WorkshopRecord {
  attendance: Person[];
  agenda: AgendaStep[];
  notes: number;
  converted: number;
  rounds: Round[];
}

export interface GuestJoin { token: string; person: Person; workshop: { id: string; workspace: string; map: string } }
export interface JoinInfo { title: string; status: WorkshopStatus; map_title: string }

export type TimerAction =
  | { action: "start" | "pause" | "resume" | "next" | "previous" }
  | { action: "extend"; minutes: number }
  | { action: "goto"; step: number };

export interface WorkshopChanges {
  title?: string;
  agenda?: AgendaStep[];
  locked?: boolean;
  hidden?: boolean;
  audible?: boolean;
}

export interface ConvertRequest {
  notes?: string[];
  group?: string;
  as: ConvertAs;
  stage?: string;
  step?: string;
  impact?: number;
  step_kind?: string;
}

// --- the guest's bearer token, kept for this tab -------------------------------------------

const TOKEN_KEY = "journeyline-workshop-guest:";

/** Remember a guest's bearer token for one workshop (this tab only: sessionStorage). */
export function keepGuestToken(workshopId: string, token: string): void {
  try {
    sessionStorage.setItem(TOKEN_KEY + workshopId, token);
  } catch {
    /* storage refused: the cookie the server set still carries the session */
  }
}

export function guestToken(workshopId: string): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY + workshopId);
  } catch {
    return null;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** The workshop routes of one workshop, with the guest's token when there is one. */
export class WorkshopApi {
  readonly base: string;

  constructor(readonly workspaceId: string, readonly workshopId: string) {
    this.base = `/api/workspaces/${enc(workspaceId)}/workshops/${enc(workshopId)}`;
  }

  private call<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const token = guestToken(this.workshopId);
    const headers = token ? { Authorization: `Bearer ${token}`, ...(options.headers ?? {}) } : options.headers;
    return request<T>(this.base + path, { ...options, headers }).then((r) => r.data);
  }

  /** The URL of the live channel (the guest's token as `?token=`: browsers send no headers on WebSockets). */
  liveUrl(): string {
    const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
    const token = guestToken(this.workshopId);
    return `${proto}//${window.location.host}${this.base}/live${token ? `?token=${enc(token)}` : ""}`;
  }

  get = () => this.call<Workshop>("");
  update = (changes: WorkshopChanges) => this.call<Workshop>("", { method: "PATCH", body: changes });
  timer = (action: TimerAction) => this.call<Workshop>("/timer", { method: "POST", body: action });
  summon = (view: View) => this.call<Workshop>("/summon", { method: "POST", body: { view } });
  end = () => this.call<Workshop>("/end", { method: "POST" });
  join = () => this.call<Workshop>("/join", { method: "POST" });
  setRole = (person: string, role: Role) => this.call<Person>(`/people/${enc(person)}`, { method: "PUT", body: { role } });

  notes = () => this.call<NotesReply>("/notes");
  addNote = (note: { kind: NoteKind; text: string; place: Place }) => this.call<Note>("/notes", { method: "POST", body: note });
  updateNote = (id: string, changes: Partial<Pick<Note, "text" | "kind" | "place" | "group">>) =>
    this.call<Note>(`/notes/${enc(id)}`, { method: "PATCH", body: changes });
  deleteNote = (id: string) => this.call<void>(`/notes/${enc(id)}`, { method: "DELETE" });
  merge = (notes: string[], text?: string) => this.call<Note>("/notes/merge", { method: "POST", body: text ? { notes, text } : { notes } });
  reveal = () => this.call<Workshop>("/reveal", { method: "POST" });

  addGroup = (label: string, notes: string[]) => this.call<Group>("/groups", { method: "POST", body: { label, notes } });
  updateGroup = (id: string, changes: { label?: string; notes?: string[] }) => this.call<Group>(`/groups/${enc(id)}`, { method: "PATCH", body: changes });
  deleteGroup = (id: string) => this.call<void>(`/groups/${enc(id)}`, { method: "DELETE" });

  suggestions = () => this.call<{ suggestions: Suggestion[] }>("/suggestions");
  answerSuggestion = (id: string, action: "accept" | "ignore" | "merge") =>
    this.call<unknown>(`/suggestions/${enc(id)}`, { method: "POST", body: { action } });

  convert = (what: ConvertRequest) => this.call<{ elements: string[]; revision: number }>("/convert", { method: "POST", body: what });

  rounds = () => this.call<{ rounds: Round[] }>("/rounds");
  openRound = (targets: RoundTargets, budget: number, perItem: number | null) =>
    this.call<Round>("/rounds", { method: "POST", body: perItem ? { targets, budget, per_item: perItem } : { targets, budget } });
  vote = (round: string, target: string) => this.call<Round>(`/rounds/${enc(round)}/votes`, { method: "POST", body: { target } });
  unvote = (round: string, target: string) => this.call<Round>(`/rounds/${enc(round)}/votes/${enc(target)}`, { method: "DELETE" });
  closeRound = (round: string) => this.call<Round>(`/rounds/${enc(round)}/close`, { method: "POST" });
  revealRound = (round: string) => this.call<Round>(`/rounds/${enc(round)}/reveal`, { method: "POST" });

  record = () => this.call<WorkshopRecord>("/record");
  summaryPath = (format: "md" | "pdf") => `${this.base}/summary?format=${format}`;
  followUp = (changes: { status?: string; review_date?: string }) => this.call<Record<string, unknown>>("/follow-up", { method: "POST", body: changes });
}

/** The workshops of a workspace (members). */
export function listWorkshops(workspaceId: string, mapId?: string): Promise<Workshop[]> {
  return request<{ workshops: Workshop[] }>(`/api/workspaces/${enc(workspaceId)}/workshops`, { query: { map: mapId } }).then((r) => r.data.workshops);
}

/** Start a workshop on a map (editors and owners); you are its facilitator. */
export function createWorkshop(workspaceId: string, mapId: string, title?: string): Promise<Workshop> {
  return request<Workshop>(`/api/workspaces/${enc(workspaceId)}/workshops`, { method: "POST", body: title ? { map: mapId, title } : { map: mapId } }).then((r) => r.data);
}

/** What the join page shows before a guest gives a name (404: unknown or ended link). */
export function joinInfo(token: string): Promise<JoinInfo> {
  return request<JoinInfo>(`/api/workshops/join/${enc(token)}`).then((r) => r.data);
}

/** Join as a guest: the server answers a bearer token and sets the guest's session cookie. */
export function joinAsGuest(token: string, name: string): Promise<GuestJoin> {
  return request<GuestJoin>(`/api/workshops/join/${enc(token)}`, { method: "POST", body: { name } }).then((r) => r.data);
}

/** The board route of a workshop's participant view. */
export function workshopPath(workspaceId: string, mapId: string, workshopId: string): string {
  return `/w/${enc(workspaceId)}/maps/${enc(mapId)}/workshop/${enc(workshopId)}`;
}
