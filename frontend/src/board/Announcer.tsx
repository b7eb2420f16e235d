// What a screen reader hears of the board without looking: that a change was saved (once the
// saving settles, never per keystroke), that it could not be, and that others changed the map
// (gathered into one sentence at most every few seconds). One polite live region, unseen.
import { useEffect, useRef, useState } from "react";
import { useBoard, useStore } from "./store";

/** How long the board must say "Saved" before it is announced (a run of edits: once). */
const SETTLE_MS = 1200;
/** Others' edits are gathered for this long into one announcement. */
const GATHER_MS = 2500;
/** At most one announcement of others' edits in this time. */
const OTHERS_EVERY_MS = 12000;

/** The sentence for others' edits: who is on the map now, if the board knows. */
export function othersSentence(names: string[]): string {
  const who = Array.from(new Set(names.filter(Boolean)));
  if (!who.length) return "The map was changed by others.";
  const list = who.length === 1 ? who[0] : `${who.slice(0, -1).join(", ")} and ${who[who.length - 1]}`;
  return `The map was changed by ${who.length > 3 ? "others" : list}.`;
}

export function Announcer() {
  const store = useStore();
  const status = useBoard((s) => s.status);
  const statusText = useBoard((s) => s.statusText);
  const canEdit = useBoard((s) => s.canEdit);
  const [message, setMessage] = useState("");
  const said = useRef("");
  const say = (text: string) => {
    // The same words twice in a row are not read again: add an invisible change.
    const next = text === said.current ? `${text}\u200b` : text;
    said.current = text;
    setMessage(next);
  };

  // Saves: "Saved" once the saving settles after an edit; failures and going offline at once.
  const wasSaving = useRef(false);
  useEffect(() => {
    if (!canEdit) return;
    if (status === "saving") {
      wasSaving.current = true;
      return;
    }
    if (status === "error" || status === "offline") {
      say(statusText || (status === "error" ? "Couldn't save." : "Offline."));
      wasSaving.current = false;
      return;
    }
    if (status === "saved" && wasSaving.current) {
      const timer = window.setTimeout(() => {
        wasSaving.current = false;
        say("Saved.");
      }, SETTLE_MS);
      return () => window.clearTimeout(timer);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, statusText, canEdit]);

  // Others' edits on the live board.
  useEffect(() => {
    let gather = 0;
    let last = 0;
    const stop = store.onOthersChanged(() => {
      if (gather) return;
      const wait = Math.max(GATHER_MS, last + OTHERS_EVERY_MS - Date.now());
      gather = window.setTimeout(() => {
        gather = 0;
        last = Date.now();
        const names = store.getState().peers.filter((p) => p.editing !== null || p.selection !== null).map((p) => p.user.name);
        say(othersSentence(names));
      }, wait);
    });
    return () => {
      stop();
      window.clearTimeout(gather);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store]);

  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="board-announcer">
      {message}
    </div>
  );
}
