// One tab's view of a running workshop: the state (state.ts) kept current by the live channel
// (live.ts), or by polling when the server has no live channel; the server clock (clock.ts);
// and `run`, through which every change this person makes goes: the REST call, then its answer
// applied like a patch so the change shows at once, and errors turned into notices.
import { ApiError } from "../api";
import type { Group, Note, Round, View, Workshop } from "./api";
import { WorkshopApi } from "./api";
import { ServerClock } from "./clock";
import { WorkshopChannel, type ChannelStatus } from "./live";
import { applyMessage, EMPTY_STATE, type Message, type WorkshopState } from "./state";

export type Notify = (text: string, tone?: "info" | "error" | "success") => void;

export interface RoomState extends WorkshopState {
  channel: ChannelStatus | "polling";
  /** Why the room cannot be shown (not a member, ended link), once loading failed. */
  failure: unknown;
  loaded: boolean;
}

const POLL_MS = 2000;

export class WorkshopRoom {
  readonly api: WorkshopApi;
  readonly clock = new ServerClock();
  private state: RoomState = { ...EMPTY_STATE, channel: "connecting", failure: null, loaded: false };
  private listeners = new Set<() => void>();
  private channel: WorkshopChannel | null = null;
  private poll: ReturnType<typeof setInterval> | undefined;
  private disposed = false;
  notify: Notify = () => {};

  constructor(workspaceId: string, workshopId: string) {
    this.api = new WorkshopApi(workspaceId, workshopId);
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getState = (): RoomState => this.state;

  private set(next: Partial<RoomState>): void {
    this.state = { ...this.state, ...next };
    for (const fn of this.listeners) fn();
  }

  /** Apply a message from the channel or an answer of our own (one path for both). */
  apply(message: Message): void {
    if (this.disposed) return;
    const next = applyMessage(this.state, message);
    this.state = { ...this.state, ...next };
    for (const fn of this.listeners) fn();
  }

  /**
   * Load the workshop (joining it as a member when this account is not in it yet), then its
   * notes and rounds, then open the live channel.
   */
  async open(options: { member: boolean }): Promise<void> {
    try {
      let workshop: Workshop;
      try {
        workshop = await this.timed(() => this.api.get());
      } catch (e) {
        if (!(options.member && e instanceof ApiError && (e.status === 403 || e.status === 404))) throw e;
        workshop = await this.timed(() => this.api.join());
      }
      if (options.member && !workshop.people.some((p) => p.id === workshop.me?.id) && workshop.status !== "ended") workshop = await this.timed(() => this.api.join());
      const [notes, rounds] = await Promise.all([this.api.notes(), this.api.rounds()]);
      this.apply({ type: "state", workshop, notes: notes.notes, groups: notes.groups, rounds: rounds.rounds, hidden_counts: notes.hidden_counts });
      this.set({ loaded: true });
      if (workshop.status !== "ended") this.connect();
    } catch (e) {
      this.set({ failure: e, loaded: true });
    }
  }

  /** A read whose answer carries `server_time`: also a clock sample. */
  private async timed(read: () => Promise<Workshop>): Promise<Workshop> {
    const sent = Date.now();
    const w = await read();
    this.clock.addRequest(w.server_time, sent, Date.now());
    return w;
  }

  private connect(): void {
    if (typeof WebSocket === "undefined") return this.startPolling();
    this.channel = new WorkshopChannel(this.api.liveUrl(), this.clock, {
      message: (m) => this.apply(m),
      status: (s) => {
        if (this.state.channel !== "polling") this.set({ channel: s });
        // A dropped channel may have missed changes; the server's `state` on reconnect brings them.
      },
      unavailable: () => this.startPolling(),
    });
    // The clock is re-measured now and then (round trips vary; the best sample wins).
    this.poll = setInterval(() => void this.timed(() => this.api.get()).catch(() => {}), 30_000);
  }

  private startPolling(): void {
    this.set({ channel: "polling" });
    clearInterval(this.poll);
    this.poll = setInterval(() => void this.refresh(), POLL_MS);
  }

  /** Read everything again (polling, or after a change the channel does not report). */
  async refresh(): Promise<void> {
    try {
      const workshop = await this.timed(() => this.api.get());
      const [notes, rounds] = await Promise.all([this.api.notes(), this.api.rounds()]);
      this.apply({ type: "state", workshop, notes: notes.notes, groups: notes.groups, rounds: rounds.rounds, hidden_counts: notes.hidden_counts });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 410)) {
        this.apply({ type: "ended" });
        clearInterval(this.poll);
      }
    }
  }

  /** Read the groups again (a note's group changed: the groups' lists follow on the server). */
  async refreshGroups(): Promise<void> {
    try {
      const reply = await this.api.notes();
      this.apply({ type: "patch", groups: reply.groups, notes: reply.notes, hidden_counts: reply.hidden_counts });
    } catch {
      /* the live channel brings it */
    }
  }

  /**
   * Make a change: `call` is the REST request, `patch` turns its answer into the patch that
   * shows it now. Answers the result, or null when it failed (the notice says why).
   */
  async run<T>(call: () => Promise<T>, patch?: ((answer: T) => Message | null) | null, done?: string): Promise<T | null> {
    try {
      const answer = await call();
      const m = patch?.(answer);
      if (m) this.apply(m);
      if (done) this.notify(done, "success");
      return answer;
    } catch (e) {
      this.notify(messageOf(e), "error");
      return null;
    }
  }

  // Shorthands for the answers' patches.
  static workshop = (w: Workshop): Message => ({ type: "patch", workshop: w });
  static note = (n: Note): Message => ({ type: "patch", notes: [n] });
  static group = (g: Group): Message => ({ type: "patch", groups: [g] });
  static round = (r: Round): Message => ({ type: "patch", rounds: [r] });

  /** Tell the others what this person is looking at. */
  setView(view: View): void {
    this.channel?.setView(view);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.poll);
    this.channel?.close();
  }
}

/** What a refused change tells the person (the server's own message, which says why). */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 429) return `Slow down a little: ${e.message}`;
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
