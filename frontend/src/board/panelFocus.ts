// Where the focus goes when the side panel opens and closes. Opened from the keyboard (Enter
// on a card of the grid), the focus moves into the panel, on its first field; closed (Escape,
// ×) while the focus was in it, the focus goes back to the card whose panel it was (or to
// what opened the panel), never to the page's body.
import { useEffect, useLayoutEffect, useRef, type RefObject } from "react";
import type { Panel } from "./session";

const CARD_OF: Record<string, string> = {
  steps: "data-step-id", stages: "data-stage-id", pain_points: "data-pain-id", opportunities: "data-opportunity-id",
};

/** The card of the board that an element panel belongs to, if it is drawn. */
function cardOf(panel: Panel | null): HTMLElement | null {
  if (panel?.type !== "element" || !CARD_OF[panel.kind]) return null;
  return document.querySelector<HTMLElement>(`.board-grid [${CARD_OF[panel.kind]}="${CSS.escape(panel.id)}"]`);
}

function firstField(aside: HTMLElement): HTMLElement | null {
  return (
    aside.querySelector<HTMLElement>(".panel-body input, .panel-body textarea, .panel-body select, .panel-body button") ??
    aside.querySelector<HTMLElement>("button")
  );
}

function lost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || !active.isConnected;
}

/** The side panel's focus: `aside` is the panel's element (null while it is closed). */
export function usePanelFocus(panel: Panel | null, aside: RefObject<HTMLElement>): void {
  const opener = useRef<HTMLElement | null>(null);
  const inside = useRef(false);
  const shown = useRef<Panel | null>(null);
  /** The last panel shown: its card is found again if the one remembered was redrawn. */
  const last = useRef<Panel | null>(null);
  const key = panel === null ? "" : panel.type === "element" ? `${panel.kind}:${panel.id}` : panel.type;

  // Before the panel draws: remember what had the focus (the card that Enter was pressed on).
  useLayoutEffect(() => {
    const before = shown.current;
    shown.current = panel;
    if (panel) last.current = panel;
    if (panel && !before) {
      const active = document.activeElement as HTMLElement | null;
      opener.current = active && active !== document.body ? active : null;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  useEffect(() => {
    const el = aside.current;
    if (!panel) {
      // Closed: back to the card (or the opener) when the focus was in the panel.
      if (inside.current || lost()) {
        const back = opener.current?.isConnected ? opener.current : cardOf(last.current);
        back?.focus({ preventScroll: true });
        back?.scrollIntoView({ block: "nearest", inline: "nearest" });
      }
      inside.current = false;
      opener.current = null;
      return;
    }
    if (!el) return;
    const card = cardOf(panel);
    if (card) opener.current = card;
    const fromKeyboard = (() => {
      const active = document.activeElement as HTMLElement | null;
      if (!active || el.contains(active)) return false;
      return !!active.closest(".board-grid") && active.matches(":focus-visible");
    })();
    // Opened from the keyboard, or another element's panel opened from inside the panel.
    if (panel.type === "element" && !panel.focus && (fromKeyboard || (inside.current && lost()))) {
      requestAnimationFrame(() => firstField(el)?.focus());
    }
    const onIn = () => {
      inside.current = true;
    };
    const onOut = (e: FocusEvent) => {
      const next = e.relatedTarget as Node | null;
      if (next && !el.contains(next)) inside.current = false;
    };
    el.addEventListener("focusin", onIn);
    el.addEventListener("focusout", onOut);
    return () => {
      el.removeEventListener("focusin", onIn);
      el.removeEventListener("focusout", onOut);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}
