// Opening the board at one element's comments: `?element=ID` (the links of notifications).
import { findElement, type ElementKind } from "./ops";
import type { BoardStore } from "./store";
import type { JourneyMap } from "../types";

const KINDS: ElementKind[] = ["steps", "stages", "pain_points", "opportunities", "evidence"];

/** The kind of element `id` is in the map, or null (the map itself, or gone). */
export function kindOfElement(map: JourneyMap, id: string): ElementKind | null {
  for (const kind of KINDS) if (findElement(map, kind, id)) return kind;
  return null;
}

/** Open the element's panel at its comments; the map's own comments for the map or an
 * element that is gone. */
export function openLinkedElement(store: BoardStore, elementId: string | null): void {
  const map = store.document.getState().map;
  const kind = elementId ? kindOfElement(map, elementId) : null;
  if (kind && elementId) store.session.open({ type: "element", kind, id: elementId, focus: "comments" });
  else store.session.open({ type: "comments" });
}
