// Contract: owned by the board helper, who replaces this file.
// The map as the board draws it, read-only: used by share links and presentation mode.
import type { Finding, JourneyMap, Persona } from "../types";

export interface ReadOnlyMapProps {
  map: JourneyMap;
  personas: Persona[];
  findings?: Finding[];
}

export function ReadOnlyMap({ map }: ReadOnlyMapProps) {
  return <section aria-label={map.name}>{map.name}</section>;
}
