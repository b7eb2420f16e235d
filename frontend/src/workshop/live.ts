// The workshop's live channel: one WebSocket per tab that the server pushes the workshop's
// changes through (`state` on connect, `patch` after every change, `summon`, `ended`). It
// reconnects by itself with a growing pause, reads the whole state again on every reconnect
// (the server's `state` message), and feeds the server clock with every stamped message.
import type { View } from "./api";
import type { ServerClock } from "./clock";
import type { Message } from "./state";

export type ChannelStatus = "connecting" | "open" | "retrying" | "closed";

/** Close codes after which reconnecting cannot help. */
export const CLOSE_ENDED = 4410;
const FINAL = new Set([4401, 4403, 4404, CLOSE_ENDED]);

export interface ChannelHooks {
  message: (m: Message) => void;
  status: (s: ChannelStatus, reason?: string) => void;
  /** The channel never opened: the server has no live endpoint (the view polls instead). */
  unavailable?: () => void;
}

/** The pause before reconnect attempt `n` (0-based): 0.5 s doubling to 8 s, with jitter so a room does not reconnect in step. */
export function backoff(n: number, random: () => number = Math.random): number {
  const base = Math.min(8000, 500 * 2 ** n);
  return Math.round(base * (0.75 + random() * 0.5));
}

/** The server time a message carries, if any (the clock's input). */
export function stampOf(m: Message): string | null {
  if (m.type === "patch") return m.server_time ?? m.workshop?.server_time ?? null;
  if (m.type === "state") return m.workshop.server_time;
  return null;
}

export class WorkshopChannel {
  private socket: WebSocket | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private everOpened = false;
  private view: View = {};

  constructor(private url: string, private clock: ServerClock, private hooks: ChannelHooks) {
    this.connect();
    window.addEventListener("online", this.onOnline);
  }

  private onOnline = (): void => {
    if (this.stopped || this.socket) return;
    clearTimeout(this.timer);
    this.attempts = 0;
    this.connect();
  };

  private connect(): void {
    if (this.stopped) return;
    this.hooks.status(this.attempts ? "retrying" : "connecting");
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.everOpened = true;
      this.attempts = 0;
      this.hooks.status("open");
      this.sendPresence();
    };
    socket.onmessage = (event) => {
      let m: Message;
      try {
        m = JSON.parse(String(event.data)) as Message;
      } catch {
        return;
      }
      if (!m || typeof m !== "object" || !("type" in m)) return;
      const stamp = stampOf(m);
      if (stamp) this.clock.addPush(stamp);
      this.hooks.message(m);
    };
    socket.onclose = (event) => {
      this.socket = null;
      if (this.stopped) return;
      if (FINAL.has(event.code)) {
        this.stopped = true;
        if (event.code === CLOSE_ENDED) this.hooks.message({ type: "ended" });
        this.hooks.status("closed", event.reason || undefined);
        return;
      }
      if (!this.everOpened && this.attempts >= 2 && this.hooks.unavailable) {
        this.stopped = true;
        this.hooks.status("closed", "no live channel");
        this.hooks.unavailable();
        return;
      }
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped) return;
    this.hooks.status("retrying");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), backoff(this.attempts++));
  }

  /** Tell the others what this person is looking at (sent again on every reconnect). */
  setView(view: View): void {
    this.view = view;
    this.sendPresence();
  }

  private sendPresence(): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: "presence", view: this.view }));
  }

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    window.removeEventListener("online", this.onOnline);
    this.socket?.close(1000);
    this.socket = null;
  }
}
