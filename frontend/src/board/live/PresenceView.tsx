// Presence on the board: the avatars of everyone else on the map (click one to follow their
// view), a coloured outline on the card or field each of them has selected or is typing in,
// and their pointers over the grid.
import { useEffect, type RefObject } from "react";
import { useBoard, useStore } from "../store";
import { initials, type Peer } from "./presence";

const ELEMENT_ATTR: Record<string, string> = {
  steps: "data-step-id",
  stages: "data-stage-id",
  pain_points: "data-pain-id",
  opportunities: "data-opportunity-id",
};

function cssString(s: string): string {
  return `"${s.replace(/["\\]/g, "\\$&").replace(/\n/g, "\\a ")}"`;
}

/** The CSS outlining what each person has selected (solid) or is typing in (dashed). */
export function outlineCss(peers: Peer[]): string {
  const rules: string[] = [];
  for (const p of peers) {
    const color = /^#[0-9a-fA-F]{3,8}$/.test(p.user.color) ? p.user.color : "#888";
    const sel = p.selection;
    if (sel && ELEMENT_ATTR[sel.kind])
      rules.push(`.board-grid [${ELEMENT_ATTR[sel.kind]}=${cssString(sel.id)}] { box-shadow: 0 0 0 2px ${color}; }`);
    const ed = p.editing;
    if (ed) {
      const ids = Object.values(ELEMENT_ATTR).map((attr) => `.board-grid [${attr}=${cssString(ed.id)}]`);
      rules.push(`${ids.join(", ")} { outline: 2px dashed ${color}; outline-offset: 2px; }`);
      rules.push(`[data-presence-field=${cssString(`${ed.id}/${ed.field}`)}] { outline: 2px dashed ${color}; outline-offset: 1px; }`);
    }
  }
  return rules.join("\n");
}

export function PresenceOutlines() {
  const peers = useBoard((s) => s.peers);
  return <style data-testid="presence-outlines">{outlineCss(peers)}</style>;
}

/** Who else is on the map: an avatar each; click to follow (or stop following) their view. */
export function PresenceAvatars() {
  const store = useStore();
  const peers = useBoard((s) => s.peers);
  const following = useBoard((s) => s.following);
  const live = useBoard((s) => s.live);
  if (!live || !peers.length) return null;
  return (
    <ul className="presence-avatars" aria-label="Also on this map" data-testid="presence">
      {peers.map((p) => {
        const followed = following === p.client;
        const doing = p.editing ? "typing" : p.selection ? "has a card selected" : "viewing";
        return (
          <li key={p.client}>
            <button
              type="button"
              className={followed ? "presence-avatar following" : "presence-avatar"}
              style={{ background: p.user.color }}
              title={`${p.user.name} (${doing}) — ${followed ? "stop following" : "follow their view"}`}
              aria-label={`${p.user.name}${followed ? ", followed" : ""}`}
              aria-pressed={followed}
              data-presence-name={p.user.name}
              onClick={() => store.presence.follow(followed ? null : p.client)}
            >
              {initials(p.user.name)}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** The others' pointers, drawn inside the grid's scrolling area. */
export function PresenceCursors() {
  const peers = useBoard((s) => s.peers);
  return (
    <div className="presence-cursors" aria-hidden="true">
      {peers
        .filter((p) => p.cursor)
        .map((p) => (
          <div key={p.client} className="presence-cursor" style={{ transform: `translate(${p.cursor!.x}px, ${p.cursor!.y}px)`, color: p.user.color }}>
            <svg viewBox="0 0 12 16" width="12" height="16">
              <path d="M0 0 L12 11 L6.5 11 L3.5 16 Z" fill="currentColor" />
            </svg>
            <span style={{ background: p.user.color }}>{p.user.name}</span>
          </div>
        ))}
    </div>
  );
}

/** Which element and field a focused input belongs to, from the card around it or the open panel. */
function fieldOf(target: HTMLElement, panelId: string | null): { id: string; field: string } | null {
  if (!target.matches("input, textarea")) return null;
  const card = target.closest<HTMLElement>("[data-step-id], [data-stage-id], [data-pain-id], [data-opportunity-id]");
  const id = card?.dataset.stepId ?? card?.dataset.stageId ?? card?.dataset.painId ?? card?.dataset.opportunityId ?? (target.closest(".side-panel") ? panelId : null);
  if (!id) return null;
  const label = target.getAttribute("aria-label") ?? (target.id ? document.querySelector(`label[for="${CSS.escape(target.id)}"]`)?.textContent : null) ?? "text";
  const field = label.trim().toLowerCase().replace(/\s+/g, "_");
  return { id, field: card && !target.closest(".side-panel") && target.classList.contains("inline-editor") ? "name" : field };
}

/**
 * Tells the others where this person is: the field being typed in (focus), the pointer over
 * the grid and the visible part of it; and follows someone's view when asked.
 */
export function usePresenceTracking(scroller: RefObject<HTMLDivElement | null>): void {
  const store = useStore();
  const live = useBoard((s) => s.live);
  const following = useBoard((s) => (s.following === null ? null : s.peers.find((p) => p.client === s.following) ?? null));
  const view = following?.view ?? null;
  const followedSelection = following?.selection ?? null;

  useEffect(() => {
    if (!live) return;
    const root = window.document;
    const onFocus = (e: FocusEvent) => {
      const t = e.target as HTMLElement;
      const panel = store.getState().panel;
      const at = fieldOf(t, panel?.type === "element" ? panel.id : null);
      if (at) t.setAttribute("data-presence-field", `${at.id}/${at.field}`);
      store.presence.update({ editing: at });
    };
    const onBlur = () => store.presence.update({ editing: null });
    root.addEventListener("focusin", onFocus);
    root.addEventListener("focusout", onBlur);
    const el = scroller.current;
    let last = 0;
    const onMove = (e: PointerEvent) => {
      const now = performance.now();
      if (!el || now - last < 40) return;
      last = now;
      const box = el.getBoundingClientRect();
      store.presence.update({ cursor: { x: Math.round(e.clientX - box.left + el.scrollLeft), y: Math.round(e.clientY - box.top + el.scrollTop) } });
    };
    const onLeave = () => store.presence.update({ cursor: null });
    const onScroll = () => el && store.presence.update({ view: { left: Math.round(el.scrollLeft), top: Math.round(el.scrollTop) } });
    el?.addEventListener("pointermove", onMove);
    el?.addEventListener("pointerleave", onLeave);
    el?.addEventListener("scroll", onScroll, { passive: true });
    onScroll();
    return () => {
      root.removeEventListener("focusin", onFocus);
      root.removeEventListener("focusout", onBlur);
      el?.removeEventListener("pointermove", onMove);
      el?.removeEventListener("pointerleave", onLeave);
      el?.removeEventListener("scroll", onScroll);
    };
  }, [live, store, scroller]);

  // Following: their view is ours, and what they select is selected here too.
  useEffect(() => {
    if (view && scroller.current) scroller.current.scrollTo({ left: view.left, top: view.top });
  }, [view?.left, view?.top, scroller]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (followedSelection) store.session.select(followedSelection.kind, followedSelection.id);
  }, [followedSelection?.kind, followedSelection?.id, store]); // eslint-disable-line react-hooks/exhaustive-deps
}
