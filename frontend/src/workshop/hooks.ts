// React's view of a workshop room: read part of its state, and the time left ticking from the
// server's clock (with the moment the time is up).
import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { AgendaStep, Person } from "./api";
import { crossedZero, secondsLeft } from "./clock";
import type { RoomState, WorkshopRoom } from "./room";

/** One empty list for selectors (a new `[]` each read would redraw forever). */
export const NONE: never[] = [];

export const RoomContext = createContext<WorkshopRoom | null>(null);

export function useRoom(): WorkshopRoom {
  const room = useContext(RoomContext);
  if (!room) throw new Error("workshop component outside a RoomContext");
  return room;
}

/** Read part of the workshop's state; redraws when that part changes. */
export function useRoomState<T>(select: (s: RoomState) => T): T {
  const room = useRoom();
  return useSyncExternalStore(room.subscribe, () => select(room.getState()));
}

/** The current agenda step (or null before the first one). */
export function useCurrentStep(): { step: AgendaStep | null; index: number | null } {
  const agenda = useRoomState((s) => s.workshop?.agenda);
  const current = useRoomState((s) => s.workshop?.current ?? null);
  if (!agenda || current === null || !agenda[current]) return { step: null, index: current };
  return { step: agenda[current], index: current };
}

/** Who this person is in the workshop, and what that lets them do. */
export function useMe(): { me: Person | null; facilitator: boolean; scribe: boolean; canEdit: boolean } {
  const me = useRoomState((s) => s.workshop?.me ?? null);
  const locked = useRoomState((s) => s.workshop?.locked ?? false);
  const ended = useRoomState((s) => s.ended);
  const facilitator = me?.role === "facilitator";
  const scribe = me?.role === "scribe";
  return { me, facilitator, scribe, canEdit: !ended && (!locked || facilitator || scribe) };
}

/**
 * Seconds left on the shared timer, ticking 4 times a second from the server's clock, and
 * `onEnd` called once when it crosses zero while this page is open.
 */
export function useTimeLeft(onEnd?: () => void): number | null {
  const room = useRoom();
  const timer = useRoomState((s) => s.workshop?.timer ?? null);
  const [now, setNow] = useState(() => room.clock.serverNow());
  const last = useRef<number | null>(null);
  const ended = useRef(onEnd);
  ended.current = onEnd;
  useEffect(() => {
    if (timer?.state !== "running") return;
    const id = window.setInterval(() => setNow(room.clock.serverNow()), 250);
    return () => window.clearInterval(id);
  }, [room, timer?.state]);
  const left = timer ? secondsLeft(timer, timer.state === "running" ? now : room.clock.serverNow()) : null;
  useEffect(() => {
    if (crossedZero(last.current, left) && timer?.state === "running") ended.current?.();
    last.current = left;
  }, [left, timer?.state]);
  return left;
}
