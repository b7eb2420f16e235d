// What the board needs to know beyond the map itself: the personas, the workspace's custom
// lane names, the evidence that grounds elements, and who is looking.
import { createContext, useContext } from "react";
import type { Persona } from "../types";

export interface BoardMeta {
  personas: Persona[];
  laneNames: Map<string, string>;
  /** Ids the workspace's own evidence links to (the map's evidence is read from the map). */
  workspaceEvidenced: Set<string>;
  /** The signed-in account's id (for comments: who may edit what). */
  me: string | null;
}

export const MetaContext = createContext<BoardMeta>({ personas: [], laneNames: new Map(), workspaceEvidenced: new Set(), me: null });

export function useMeta(): BoardMeta {
  return useContext(MetaContext);
}
